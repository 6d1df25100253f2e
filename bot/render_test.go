package bot

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSplitLong(t *testing.T) {
	line := strings.Repeat("è", 99) + "\n" // 100 runes, 199 bytes
	long := strings.Repeat(line, 100)      // 10,000 runes
	huge := strings.Repeat("x", 9000)      // one line longer than a message
	buttons := [][]Button{{{Label: "ok", Data: "n:"}}}
	for _, c := range []struct {
		name string
		text string
		want int
	}{
		{"short", "ciao", 1},
		{"lines", long, 3},
		{"one huge line", huge, 3},
	} {
		t.Run(c.name, func(t *testing.T) {
			out := splitLong([]Reply{{Text: c.text, Buttons: buttons, Edit: true}})
			if len(out) != c.want {
				t.Fatalf("got %d pieces, want %d", len(out), c.want)
			}
			var joined strings.Builder
			for i, r := range out {
				if n := utf8.RuneCountInString(r.Text); n > maxMessage {
					t.Errorf("piece %d: got %d characters, want at most %d", i, n, maxMessage)
				}
				if (i == len(out)-1) != (r.Buttons != nil) {
					t.Errorf("piece %d: got buttons %v, want them on the last piece only", i, r.Buttons)
				}
				if (i == 0) != r.Edit {
					t.Errorf("piece %d: got edit %v, want only the first piece to edit", i, r.Edit)
				}
				joined.WriteString(r.Text)
			}
			if strings.ReplaceAll(joined.String(), "\n", "") != strings.ReplaceAll(c.text, "\n", "") {
				t.Error("the pieces do not add up to the text")
			}
		})
	}
}

func TestCallbackDataFitsTelegram(t *testing.T) {
	// The longest ids the registry accepts, in the longest callback prefixes.
	id := strings.Repeat("a", 48)
	for _, data := range []string{"b:abcd99999:alt:" + id, "d:" + id, "b:s:" + id, "w:join:abcd99999", "xy:ACDEFG", "b:d:2026-12-04", "w:ok:9223372036854775807", "r:s:conference_room"} {
		if len(data) > 64 {
			t.Errorf("callback data %q is %d bytes, over Telegram's 64", data, len(data))
		}
	}
}
