package ical

import (
	"strings"
	"testing"
	"time"
)

// checkEscaped checks a TEXT value against RFC 5545's grammar: a backslash
// only before \, ;, , or n, no bare ; or , and no control character but tab.
func checkEscaped(t *testing.T, name, v string) {
	t.Helper()
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c == '\\':
			if i+1 == len(v) || !strings.ContainsRune(`\;,n`, rune(v[i+1])) {
				t.Fatalf("%s: a backslash not before \\ ; , n in %q", name, v)
			}
			i++
		case c == ';' || c == ',': // CATEGORIES here has one value, so no separating comma
			t.Fatalf("%s: a bare %q in %q", name, c, v)
		case c < 0x20 && c != '\t' || c == 0x7f:
			t.Fatalf("%s: control character %#x in %q", name, c, v)
		}
	}
}

// FuzzText writes any string as every kind of TEXT the writer writes and
// reads it back with golang-ical: it must come back as it went in, less what
// TEXT cannot hold (controls, and CR as a line break), with every line within
// the folding rules and every value within TEXT's grammar.
func FuzzText(f *testing.F) {
	for _, s := range []string{
		"", "a", `\`, `\\`, `\n`, `\,`, `\;`, ";", ",", ":", `"`, "\n", "\r\n", "\r", "\n\r", "\t", "\x00",
		"Caffè, brioche; e poi: al lavoro!\nOre 9.",
		"emoji 🎉👩‍💻🇮🇹 e accenti àèìòù",
		"invalid \xff\xfe utf-8 \xc3",
		strings.Repeat("€", 40) + strings.Repeat("a;", 40),
		"END:VEVENT\r\nBEGIN:VEVENT",
	} {
		f.Add(s)
	}
	rome := mustLoad(f, "Europe/Rome")
	start := time.Date(2026, 12, 10, 18, 0, 0, 0, rome)
	f.Fuzz(func(t *testing.T, s string) {
		c := Calendar{
			Name:        s,
			Description: s,
			TZ:          rome,
			Stamp:       time.Date(2026, 11, 20, 8, 30, 0, 0, time.UTC),
			Organizer:   comune,
			Events: []Event{{
				UID:   "u" + s,
				Start: start, End: start.Add(time.Hour),
				Summary:     "x" + s,
				Description: s,
				Location:    s,
				Categories:  []string{"c" + s},
			}},
		}
		out := write(t, c)
		checkPhysicalLines(t, out)
		for _, l := range unfoldedLines(t, out) {
			name, v, _ := strings.Cut(l, ":")
			switch name {
			case "NAME", "X-WR-CALNAME", "DESCRIPTION", "X-WR-CALDESC", "UID", "SUMMARY", "LOCATION", "CATEGORIES":
				checkEscaped(t, name, v)
			}
		}

		cal := parse(t, out)
		want := wantText(s)
		for _, name := range []string{"NAME", "X-WR-CALNAME", "DESCRIPTION", "X-WR-CALDESC"} {
			got, ok := calProp(cal, name)
			if want == "" {
				if ok || got != "" {
					t.Fatalf("%s = %q for an empty string, want none", name, got)
				}
				continue
			}
			if !ok || got != want {
				t.Fatalf("%s = %q, want %q", name, got, want)
			}
		}
		evs := cal.Events()
		if len(evs) != 1 {
			t.Fatalf("%d events, want 1", len(evs))
		}
		cb := &evs[0].ComponentBase
		for name, in := range map[string]string{
			"UID": "u" + s, "SUMMARY": "x" + s, "DESCRIPTION": s, "LOCATION": s, "CATEGORIES": "c" + s,
		} {
			ps := props(cb, name)
			if wantText(in) == "" {
				if len(ps) != 0 {
					t.Fatalf("%s = %q for an empty string, want none", name, ps[0].Value)
				}
				continue
			}
			if len(ps) != 1 || ps[0].Value != wantText(in) {
				t.Fatalf("%s = %v, want %q", name, ps, wantText(in))
			}
		}
	})
}
