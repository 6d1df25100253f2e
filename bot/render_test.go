package bot

import (
	"slices"
	"strings"
	"testing"
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
				if n := htmlLen(r.Text); n > maxMessage {
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
			if strings.ReplaceAll(joined.String(), "\n", "") != strings.ReplaceAll(strings.TrimSpace(c.text), "\n", "") {
				t.Error("the pieces do not add up to the text")
			}
		})
	}
}

// TestSplitLongKeepsHTML: a long text inside a tag, with entities, is cut
// between words, never inside a tag or an entity, and each piece closes and
// opens again the tags open at its ends; the pieces read as the whole.
func TestSplitLongKeepsHTML(t *testing.T) {
	words := strings.Repeat("Caffè &amp; tè, <b>sala</b> riunioni &lt;nuova&gt; 😀 ", 150) // about 6,900 characters
	text := "<b>Nido &amp; Lavoro</b>\n📍 Via Roma 1, Seregno\n\n<i>" + words + "</i>\n\n<a href=\"https://example.org/a?b=1&amp;c=2\">sito</a>"
	out := splitLong([]Reply{{Text: text, Buttons: [][]Button{{{Label: "Prenota", Data: "bk:x"}}}}})
	if len(out) < 2 {
		t.Fatalf("got %d pieces, want the text cut", len(out))
	}
	var plain strings.Builder
	for i, r := range out {
		if n := htmlLen(r.Text); n > maxMessage {
			t.Errorf("piece %d: %d characters, over %d", i, n, maxMessage)
		}
		depth := map[string]int{}
		for _, tok := range tokenizeHTML(r.Text) {
			switch {
			case tok.open != "":
				depth[tok.open]++
			case tok.close != "":
				if depth[tok.close]--; depth[tok.close] < 0 {
					t.Errorf("piece %d closes %s it did not open", i, tok.close)
				}
			case len(tok.raw) > 1 && tok.raw[0] == '&' && !strings.HasSuffix(tok.raw, ";"):
				t.Errorf("piece %d: a broken entity %q", i, tok.raw)
			}
		}
		for tag, d := range depth {
			if d != 0 {
				t.Errorf("piece %d leaves %s open", i, tag)
			}
		}
		if i > 0 && !strings.HasPrefix(r.Text, "<i>") {
			t.Errorf("piece %d starts %q, want the italics opened again", i, r.Text[:20])
		}
		plain.WriteString(stripHTML(r.Text) + " ")
	}
	if !strings.HasPrefix(out[0].Text, "<b>Nido &amp; Lavoro</b>\n📍 Via Roma 1") {
		t.Errorf("got the first piece starting %q, want the name and the address", out[0].Text[:40])
	}
	if out[len(out)-1].Buttons == nil || !strings.HasSuffix(out[len(out)-1].Text, "sito</a>") {
		t.Errorf("got the last piece ending %q with buttons %v, want the link and the buttons", out[len(out)-1].Text, out[len(out)-1].Buttons)
	}
	norm := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	if norm(plain.String()) != norm(stripHTML(text)) {
		t.Error("the pieces do not read as the whole text")
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

// splitLong skips counting a text no longer in bytes than a message may be:
// Telegram's count (UTF-16 code units; a tag nothing, an entity one) is
// never more than the bytes.
func TestHTMLLenNeverExceedsBytes(t *testing.T) {
	for _, s := range []string{
		"", "a", "è", "€", "😀", "👩‍💻", "🇮🇹", "&amp;", "&#39;", "&", "& ;", "<b>x</b>", "<", "a<b",
		"Caffè & Città 😀 <i>L&#39;Alveare</i> 𝒳", strings.Repeat("😀<b>é</b>&amp;", 500),
	} {
		if n := htmlLen(s); n > len(s) {
			t.Errorf("htmlLen(%q) = %d, more than its %d bytes", s, n, len(s))
		}
	}
}
