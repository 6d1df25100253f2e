package ical

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// checkPhysicalLines checks RFC 5545's line rules on every physical line of
// out: CR LF ends, at most 75 octets, valid UTF-8 on each line by itself (so
// no fold splits a character), continuations starting with a space, and
// folds only where needed (a folded line is at least 72 octets: 75 less at
// most 3 for a character that did not fit).
func checkPhysicalLines(t testing.TB, out []byte) {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(string(out), "\r\n"), "\r\n")
	for i, l := range lines {
		if len(l) > maxLine {
			t.Fatalf("line %d has %d octets: %q", i+1, len(l), l)
		}
		if !utf8.ValidString(l) {
			t.Fatalf("line %d is not valid UTF-8 by itself (a split character): %q", i+1, l)
		}
		if strings.ContainsAny(l, "\r\n") {
			t.Fatalf("line %d has a bare CR or LF: %q", i+1, l)
		}
		if i+1 < len(lines) && strings.HasPrefix(lines[i+1], " ") && len(l) < maxLine-3 {
			t.Fatalf("line %d is folded at %d octets, before it had to be: %q", i+1, len(l), l)
		}
	}
	if !strings.HasSuffix(string(out), "\r\n") {
		t.Fatalf("the output does not end with CR LF")
	}
}

// pieces are what random texts are made of: ASCII, TEXT's special
// characters, line breaks and controls, accented Italian, multi-byte
// characters of every length, emoji sequences, a combining accent and an
// invalid byte.
var pieces = []string{
	"a", "Z", "7", " ", " ", ";", ",", "\\", ":", "\"", "'", "\n", "\r\n", "\r", "\t", "\x01", "\x7f", "\xff",
	"à", "è", "é", "ì", "ò", "ù", "È", "€", "«", "»", "—", "中", "文", "😀", "🎉", "🇮🇹", "👩‍💻", "e\u0301",
	"Seregno", "fatturazione", "\\n", "\\,", "BEGIN:VEVENT", "END:VCALENDAR",
}

func randomText(rng *rand.Rand, n int, from []string) string {
	var b strings.Builder
	for range n {
		b.WriteString(from[rng.IntN(len(from))])
	}
	return b.String()
}

// TestFoldingBigCalendar writes a calendar of random events and checks every
// line of it, then reads every text back with golang-ical.
func TestFoldingBigCalendar(t *testing.T) {
	rng := rand.New(rand.NewPCG(5545, 75))
	rome := mustLoad(t, "Europe/Rome")
	c := Calendar{
		Name:      "Prova " + randomText(rng, 60, pieces),
		TZ:        rome,
		Stamp:     time.Date(2026, 11, 20, 8, 30, 0, 0, time.UTC),
		Organizer: comune,
	}
	// golang-ical reads a backslash in a parameter value as an escape,
	// which RFC 5545 does not have; names are left without one.
	namePieces := pieces[:0:0]
	for _, p := range pieces {
		if !strings.Contains(p, "\\") {
			namePieces = append(namePieces, p)
		}
	}
	day := time.Date(2026, 1, 5, 9, 0, 0, 0, rome)
	for i := range 400 {
		start := day.Add(time.Duration(rng.IntN(3*365*24)) * time.Hour)
		e := Event{
			UID:         fmt.Sprintf("event-%d-%s@coworkbot.comune.seregno.mb.it", i, randomText(rng, rng.IntN(30), []string{"a", ";", ",", "à", "🎉"})),
			Start:       start,
			End:         start.Add(time.Duration(1+rng.IntN(8)) * 30 * time.Minute),
			Summary:     "E" + randomText(rng, rng.IntN(120), pieces),
			Description: randomText(rng, rng.IntN(600), pieces),
			Location:    randomText(rng, rng.IntN(80), pieces),
			Categories:  []string{"c" + randomText(rng, rng.IntN(40), pieces), "d" + randomText(rng, rng.IntN(40), pieces)},
			Organizer:   &Organizer{Name: randomText(rng, rng.IntN(90), namePieces), Email: "info@example.org"},
			Sequence:    rng.IntN(1000),
		}
		if rng.IntN(3) == 0 {
			e.Recurrence = &Recurrence{Weekly: 2 + rng.IntN(20)}
		}
		c.Events = append(c.Events, e)
	}
	out := write(t, c)
	checkPhysicalLines(t, out)

	cal := parse(t, out)
	if got, _ := calProp(cal, "X-WR-CALNAME"); got != wantText(c.Name) {
		t.Errorf("X-WR-CALNAME = %q, want %q", got, wantText(c.Name))
	}
	evs := cal.Events()
	if len(evs) != len(c.Events) {
		t.Fatalf("%d events read back, want %d", len(evs), len(c.Events))
	}
	folded := 0
	for i, in := range c.Events {
		cb := &evs[i].ComponentBase
		for name, want := range map[string][]string{
			"UID": {in.UID}, "SUMMARY": {in.Summary}, "DESCRIPTION": {in.Description}, "LOCATION": {in.Location},
			"CATEGORIES": in.Categories,
		} {
			if got := values(cb, name); !slices.Equal(got, wantTexts(want)) {
				t.Fatalf("event %d: %s = %q, want %q", i, name, got, wantTexts(want))
			}
		}
		cn := paramOf(one(t, cb, "ORGANIZER"), "CN")
		if wantCN := wantParam(in.Organizer.Name); cn != wantCN {
			t.Fatalf("event %d: CN = %q, want %q", i, cn, wantCN)
		}
		if !dateTimeOf(t, one(t, cb, "DTSTART")).Equal(in.Start) {
			t.Fatalf("event %d: DTSTART %v, want %v", i, one(t, cb, "DTSTART").Value, in.Start)
		}
		if len(wantText(in.Description)) > 2*maxLine {
			folded++
		}
	}
	if folded < 100 {
		t.Errorf("only %d descriptions long enough to fold; the test wants many", folded)
	}
}

// TestFoldExact checks folding at the edges: a line of exactly 75 octets is
// not folded, 76 is; a character of 2, 3 or 4 octets across the limit moves
// whole to the next line.
func TestFoldExact(t *testing.T) {
	for _, tt := range []struct {
		name  string
		value string
		want  []string
	}{
		{"75 octets", strings.Repeat("a", 75-len("X:")), []string{"X:" + strings.Repeat("a", 73)}},
		{"76 octets", strings.Repeat("a", 74), []string{"X:" + strings.Repeat("a", 73), " a"}},
		{"à across 75", strings.Repeat("a", 72) + "à", []string{"X:" + strings.Repeat("a", 72), " à"}},
		{"€ across 75", strings.Repeat("a", 72) + "€b", []string{"X:" + strings.Repeat("a", 72), " €b"}},
		{"🎉 across 75", strings.Repeat("a", 71) + "🎉", []string{"X:" + strings.Repeat("a", 71), " 🎉"}},
		{"three lines", strings.Repeat("b", 73+74+1), []string{"X:" + strings.Repeat("b", 73), " " + strings.Repeat("b", 74), " b"}},
	} {
		var w contentWriter
		w.line("X", tt.value)
		want := strings.Join(tt.want, "\r\n") + "\r\n"
		if got := w.buf.String(); got != want {
			t.Errorf("%s: folded as %q, want %q", tt.name, got, want)
		}
	}
}
