package bot

import (
	"slices"
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

// TestButtonDataFits builds every kind of button of the routing table with
// its longest arguments (the longest ids the registry accepts) and checks
// that the data fits Telegram's 64 bytes and reads back as it was built.
func TestButtonDataFits(t *testing.T) {
	if len(buttons) < 20 {
		t.Fatalf("the buttons table has %d kinds: is it filled?", len(buttons))
	}
	for k, r := range buttons {
		var args []string
		for _, a := range r.args {
			args = append(args, longest(a))
		}
		d := data(k, args...)
		if len(d) > 64 {
			t.Errorf("%s: data %q is %d bytes, over Telegram's 64", k, d, len(d))
		}
		got, gotArgs, ok := parseData(d)
		if !ok || got != k || !slices.Equal(gotArgs, args) {
			t.Errorf("%s: %q reads back as %s %v (%v)", k, d, got, gotArgs, ok)
		}
	}
}

// longest is the longest valid value of an argument.
func longest(a arg) string {
	switch a.name {
	case aSpace.name, aRoom.name, aValue.name:
		return strings.Repeat("a", a.max)
	case aToken.name:
		return strings.Repeat("f", a.max)
	case aDay.name:
		return "2026-12-31"
	case aInt.name:
		return "9223372036854775807"
	case aSmall.name:
		return "999"
	case aCode.name:
		return "ACDEFG"
	}
	return strings.Repeat("x", a.max)
}

// TestButtonDataRefused: data the grammar does not allow never reaches a
// handler.
func TestButtonDataRefused(t *testing.T) {
	for _, d := range []string{"", "zz:1", "d", "d:Not A Slug", "d:a:b", "bd:xyz:2026-12-04", "bd:abc:2026-13-04",
		"x:ABC", "p:-", "d:" + strings.Repeat("a", 49), "bq:abc:1:2"} {
		if k, args, ok := parseData(d); ok {
			t.Errorf("%q read as %s %v, want it refused", d, k, args)
		}
	}
}
