package bot

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/comune-seregno/coworkbot/registry"
)

func TestSpaceLink(t *testing.T) {
	for _, c := range []struct{ user, id, want string }{
		{"CoworkSeregnoBot", "officina-brianza", "https://t.me/CoworkSeregnoBot?start=space_officina-brianza"},
		{"@CoworkSeregnoBot", "b1", "https://t.me/CoworkSeregnoBot?start=space_b1"},
	} {
		if got := SpaceLink(c.user, c.id); got != c.want {
			t.Errorf("SpaceLink(%q, %q): got %q, want %q", c.user, c.id, got, c.want)
		}
	}
}

func TestParsePayload(t *testing.T) {
	for _, c := range []struct{ in, kind, value string }{
		{"space_officina-brianza", "space", "officina-brianza"},
		{"space_", "space", ""},
		{"search_fibra_desio", "search", "fibra_desio"},
		{"hello", "hello", ""},
		{"", "", ""},
		{"space_torre civica", "", ""},
		{"space_caffè", "", ""},
		{"space_a/b", "", ""},
		{strings.Repeat("a", MaxPayload), strings.Repeat("a", MaxPayload), ""},
		{strings.Repeat("a", MaxPayload+1), "", ""},
	} {
		kind, value := ParsePayload(c.in)
		if kind != c.kind || value != c.value {
			t.Errorf("ParsePayload(%q): got %q, %q; want %q, %q", c.in, kind, value, c.kind, c.value)
		}
	}
}

// idAccepted reports whether the registry takes id as a space's id.
func idAccepted(id string) bool {
	s := registry.Space{ID: id}
	for _, p := range s.Validate() {
		if p.Field == "id" {
			return false
		}
	}
	return true
}

// TestEveryRegistryIDFitsAPayload proves that whatever id the registry
// accepts makes a start parameter Telegram carries, and comes back out of it:
// the registry's alphabet (a–z, 0–9, -) is inside Telegram's and its longest
// id (48) plus "space_" is within 64. The test asks the registry itself, so
// it fails if the registry's rule is ever loosened past what fits.
func TestEveryRegistryIDFitsAPayload(t *testing.T) {
	check := func(id string) bool {
		t.Helper()
		if !idAccepted(id) {
			return false
		}
		p := SpacePayload(id)
		if !ValidPayload(p) {
			t.Errorf("id %q (%d bytes) is accepted by the registry, but its payload %q is not valid on Telegram", id, len(id), p)
		}
		if kind, value := ParsePayload(p); kind != PayloadSpace || value != id {
			t.Errorf("ParsePayload(%q): got %q, %q; want %q, %q", p, kind, value, PayloadSpace, id)
		}
		return true
	}
	// Every byte, alone and between letters.
	accepted := 0
	for b := range 256 {
		c := string(rune(b))
		if b >= 0x80 {
			c = string([]byte{byte(b)})
		}
		for _, id := range []string{c, "a" + c + "b"} {
			if check(id) {
				accepted++
			}
		}
	}
	if accepted < 36 {
		t.Fatalf("the registry accepted only %d one-character ids: is the check right?", accepted)
	}
	// Every length, up to well past the registry's limit.
	longest := 0
	for n := 1; n <= 2*MaxPayload; n++ {
		hyphens := strings.Repeat("z9-", n)[:n-1] + "q" // z9-z9-…q
		for _, id := range []string{strings.Repeat("a", n), hyphens} {
			if check(id) {
				longest = max(longest, len(id))
			}
		}
	}
	if longest != 48 {
		t.Errorf("the longest id the registry accepts is %d bytes, want 48 (the payload limit was worked out for 48)", longest)
	}
	// Random ids from the registry's alphabet.
	r := rand.New(rand.NewPCG(14, 64))
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789-"
	for range 5000 {
		b := make([]byte, 1+r.IntN(60))
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		check(string(b))
	}
}

func TestValidUsername(t *testing.T) {
	for _, c := range []struct {
		name string
		want bool
	}{
		{"CoworkSeregnoBot", true},
		{"cowork_seregno_bot", true},
		{"abcde", true},
		{strings.Repeat("a", 32), true},
		{"abcd", false},
		{strings.Repeat("a", 33), false},
		{"1coworkbot", false},
		{"@CoworkSeregnoBot", false},
		{"cowork seregno", false},
		{"coworkbòt", false},
		{"", false},
	} {
		if got := ValidUsername(c.name); got != c.want {
			t.Errorf("ValidUsername(%q): got %v, want %v", c.name, got, c.want)
		}
	}
}
