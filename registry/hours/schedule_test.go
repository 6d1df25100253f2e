package hours

import (
	"slices"
	"testing"
	"time"
	_ "time/tzdata" // Europe/Rome regardless of the machine's zoneinfo
)

var rome = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		panic(err)
	}
	return loc
}()

var seregno = Italy(time.March, 19, "San Giuseppe")

// at returns a wall-clock time in Rome.
func at(year int, month time.Month, day, hour, minute int) time.Time {
	return time.Date(year, month, day, hour, minute, 0, 0, rome)
}

const office = "Mo-Fr 08:30-18:30; Sa 09:00-13:00; PH off"

func TestOpenAt(t *testing.T) {
	tests := []struct {
		name string
		expr string
		t    time.Time
		cal  Calendar
		want bool
	}{
		{"monday before opening", office, at(2026, 11, 23, 8, 29), seregno, false},
		{"monday at opening", office, at(2026, 11, 23, 8, 30), seregno, true},
		{"monday last minute", office, at(2026, 11, 23, 18, 29), seregno, true},
		{"monday at closing", office, at(2026, 11, 23, 18, 30), seregno, false},
		{"wednesday noon", office, at(2026, 11, 25, 12, 0), seregno, true},
		{"saturday morning", office, at(2026, 11, 28, 12, 59), seregno, true},
		{"saturday at closing", office, at(2026, 11, 28, 13, 0), seregno, false},
		{"sunday", office, at(2026, 11, 29, 10, 0), seregno, false},
		{"easter monday 2026", office, at(2026, 4, 6, 10, 0), seregno, false},
		{"tuesday after easter 2026", office, at(2026, 4, 7, 10, 0), seregno, true},
		{"easter monday 2027", office, at(2027, 3, 29, 10, 0), seregno, false},
		{"tuesday after easter 2027", office, at(2027, 3, 30, 10, 0), seregno, true},
		{"8 december", office, at(2026, 12, 8, 10, 0), seregno, false},
		{"san francesco 2027", office, at(2027, 10, 4, 10, 0), seregno, false},
		{"patron day", office, at(2026, 3, 19, 10, 0), seregno, false},
		{"patron day elsewhere", office, at(2026, 3, 19, 10, 0), Calendar{}, true},
		{"no PH rule means closed on holidays", "Mo-Fr 09:00-18:00", at(2026, 12, 8, 10, 0), seregno, false},
		{"24/7 on christmas night", "24/7", at(2026, 12, 25, 3, 0), seregno, true},
		{"24/7 on a sunday", "24/7", at(2026, 11, 29, 23, 59), seregno, true},
		{"PH open keeps the usual hours", "Mo-Fr 09:00-18:00; PH open", at(2026, 12, 8, 10, 0), seregno, true},
		{"PH open is not open at night", "Mo-Fr 09:00-18:00; PH open", at(2026, 12, 8, 3, 0), seregno, false},
		{"PH open on a Sunday holiday keeps Sunday closed", "Mo-Fr 09:00-18:00; PH open", at(2026, 4, 5, 10, 0), seregno, false},
		{"PH hours inside", "Mo-Fr 09:00-18:00; PH 09:00-12:00", at(2026, 4, 6, 10, 0), seregno, true},
		{"PH hours outside", "Mo-Fr 09:00-18:00; PH 09:00-12:00", at(2026, 4, 6, 13, 0), seregno, false},
		{"PH hours on a sunday holiday", "Mo-Fr 09:00-18:00; PH 09:00-12:00", at(2026, 4, 5, 10, 0), seregno, true},
		{"friday night", "Fr 18:00-02:00", at(2026, 11, 27, 23, 59), seregno, true},
		{"friday before opening", "Fr 18:00-02:00", at(2026, 11, 27, 17, 59), seregno, false},
		{"saturday early hours", "Fr 18:00-02:00", at(2026, 11, 28, 1, 59), seregno, true},
		{"saturday at 02:00", "Fr 18:00-02:00", at(2026, 11, 28, 2, 0), seregno, false},
		{"friday early hours", "Fr 18:00-02:00", at(2026, 11, 27, 1, 0), seregno, false},
		{"night into a holiday", "Mo-Su 20:00-02:00", at(2026, 12, 25, 1, 0), seregno, true},
		{"holiday evening", "Mo-Su 20:00-02:00", at(2026, 12, 25, 21, 0), seregno, false},
		{"after a holiday", "Mo-Su 20:00-02:00", at(2026, 12, 27, 1, 0), seregno, false},
		{"after clocks went forward", "Su 02:00-04:00", at(2026, 3, 29, 3, 30), seregno, true},
		{"first 02:15 when clocks go back", "Su 02:00-02:30", time.Date(2026, 10, 25, 0, 15, 0, 0, time.UTC).In(rome), seregno, true},
		{"second 02:15 when clocks go back", "Su 02:00-02:30", time.Date(2026, 10, 25, 1, 15, 0, 0, time.UTC).In(rome), seregno, true},
		{"UTC clock is not Rome's", "Su 02:00-02:30", time.Date(2026, 10, 25, 1, 15, 0, 0, time.UTC), seregno, false},
		{"zero schedule", "", at(2026, 11, 23, 10, 0), seregno, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := parseOrZero(t, tc.expr)
			if got := s.OpenAt(tc.t, tc.cal); got != tc.want {
				t.Errorf("Parse(%q).OpenAt(%v): got %v, want %v", tc.expr, tc.t, got, tc.want)
			}
		})
	}
}

func TestOpenAtUsesLocation(t *testing.T) {
	s := mustParse(t, "Mo-Fr 09:00-18:00")
	// 08:30 UTC is 09:30 in Rome in winter.
	utc := time.Date(2026, 11, 23, 8, 30, 0, 0, time.UTC)
	if s.OpenAt(utc, seregno) {
		t.Errorf("OpenAt(%v): got true, want false", utc)
	}
	if inRome := utc.In(rome); !s.OpenAt(inRome, seregno) {
		t.Errorf("OpenAt(%v): got false, want true", inRome)
	}
}

func TestNextOpening(t *testing.T) {
	tests := []struct {
		name   string
		expr   string
		from   time.Time
		want   time.Time
		wantOK bool
	}{
		{"open now", office, at(2026, 11, 23, 10, 0), at(2026, 11, 23, 10, 0), true},
		{"later the same day", office, at(2026, 11, 23, 7, 0), at(2026, 11, 23, 8, 30), true},
		{"seconds before opening", office, time.Date(2026, 11, 23, 8, 29, 30, 0, rome), at(2026, 11, 23, 8, 30), true},
		{"across the weekend", office, at(2026, 11, 28, 14, 0), at(2026, 11, 30, 8, 30), true},
		{"friday evening to saturday", office, at(2026, 11, 27, 19, 0), at(2026, 11, 28, 9, 0), true},
		{"across 8 december", office, at(2026, 12, 7, 19, 0), at(2026, 12, 9, 8, 30), true},
		{"across easter", office, at(2026, 4, 4, 14, 0), at(2026, 4, 7, 8, 30), true},
		{"across christmas", office, at(2026, 12, 24, 19, 0), at(2026, 12, 28, 8, 30), true},
		{"second span of the day", "Mo-Fr 08:30-12:30,14:00-18:00", at(2026, 11, 23, 13, 0), at(2026, 11, 23, 14, 0), true},
		{"into the night", "Fr 18:00-02:00", at(2026, 11, 28, 1, 0), at(2026, 11, 28, 1, 0), true},
		{"holidays only", "PH 10:00-12:00", at(2026, 11, 23, 10, 0), at(2026, 12, 8, 10, 0), true},
		{"skipped hour", "Su 02:00-04:00", at(2026, 3, 29, 0, 0), at(2026, 3, 29, 3, 0), true},
		{"span inside the skipped hour", "Su 02:00-02:30,05:00-06:00", at(2026, 3, 29, 0, 0), at(2026, 3, 29, 5, 0), true},
		{"repeated hour", "Su 02:30-03:00", at(2026, 10, 25, 0, 0), time.Date(2026, 10, 25, 0, 30, 0, 0, time.UTC), true},
		{"never", "off", at(2026, 11, 23, 10, 0), time.Time{}, false},
		{"never on weekdays nor holidays", "Su,PH off", at(2026, 11, 23, 10, 0), time.Time{}, false},
		{"zero schedule", "", at(2026, 11, 23, 10, 0), time.Time{}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := parseOrZero(t, tc.expr)
			got, ok := s.NextOpening(tc.from, seregno)
			if ok != tc.wantOK || !got.Equal(tc.want) {
				t.Errorf("Parse(%q).NextOpening(%v): got %v, %v, want %v, %v", tc.expr, tc.from, got, ok, tc.want, tc.wantOK)
			}
			if ok && (got.Before(tc.from) || !s.OpenAt(got, seregno)) {
				t.Errorf("Parse(%q).NextOpening(%v) = %v: got before the start or closed, want open at or after it", tc.expr, tc.from, got)
			}
		})
	}
}

func TestSpans(t *testing.T) {
	tests := []struct {
		name string
		expr string
		day  time.Time
		want []Span
	}{
		{"two spans", "Mo-Fr 08:30-12:30,14:00-18:00", at(2026, 11, 23, 0, 0), []Span{{510, 750}, {840, 1080}}},
		{"closed day", "Mo-Fr 08:30-12:30,14:00-18:00", at(2026, 11, 29, 0, 0), nil},
		{"night cut at midnight", "Fr 18:00-02:00", at(2026, 11, 27, 12, 0), []Span{{1080, 1440}}},
		{"tail on the next day", "Fr 18:00-02:00", at(2026, 11, 28, 12, 0), []Span{{0, 120}}},
		{"nothing two days later", "Fr 18:00-02:00", at(2026, 11, 29, 12, 0), nil},
		{"tail merged with own span", "Fr 18:00-02:00; Sa 01:00-03:00,10:00-12:00", at(2026, 11, 28, 12, 0), []Span{{0, 180}, {600, 720}}},
		{"holiday closed", "Mo-Fr 09:00-18:00", at(2026, 12, 8, 12, 0), nil},
		{"holiday hours", "Mo-Fr 09:00-18:00; PH 10:00-12:00", at(2026, 12, 8, 12, 0), []Span{{600, 720}}},
		{"24/7 at christmas", "24/7", at(2026, 12, 25, 12, 0), []Span{{0, 1440}}},
		{"24/7 is one span", "24/7", at(2026, 11, 24, 12, 0), []Span{{0, 1440}}},
		{"day clocks go forward", "08:00-18:00", at(2026, 3, 29, 12, 0), []Span{{480, 1080}}},
		{"zero schedule", "", at(2026, 11, 23, 12, 0), nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := parseOrZero(t, tc.expr)
			got := s.Spans(tc.day, seregno)
			if !slices.Equal(got, tc.want) {
				t.Errorf("Parse(%q).Spans(%v): got %v, want %v", tc.expr, tc.day.Format(time.DateOnly), got, tc.want)
			}
			if open := s.OpenOn(tc.day, seregno); open != (len(tc.want) > 0) {
				t.Errorf("Parse(%q).OpenOn(%v): got %v, want %v", tc.expr, tc.day.Format(time.DateOnly), open, len(tc.want) > 0)
			}
		})
	}
}

// TestSpansAgreeWithOpenAt checks every minute of a fortnight with a
// holiday and a change of clocks.
func TestSpansAgreeWithOpenAt(t *testing.T) {
	exprs := []string{office, "Fr-Mo 18:00-02:00; PH 10:00-12:00", "24/7; PH off", "Mo 00:00-24:00,18:00-02:00"}
	for _, expr := range exprs {
		s := mustParse(t, expr)
		for day := at(2026, 3, 15, 12, 0); day.Before(at(2026, 3, 31, 0, 0)); day = day.AddDate(0, 0, 1) {
			spans := s.Spans(day, seregno)
			for m := 0; m < minutesPerDay; m++ {
				wall := time.Date(day.Year(), day.Month(), day.Day(), m/60, m%60, 0, 0, time.UTC)
				inSpan := slices.ContainsFunc(spans, func(sp Span) bool { return sp.From <= m && m < sp.To })
				if got := s.OpenAt(wall, seregno); got != inSpan {
					t.Fatalf("Parse(%q).OpenAt(%v): got %v, want %v as Spans says %v", expr, wall, got, inSpan, spans)
				}
			}
		}
	}
}

var (
	italian = Names{
		Days:          [7]string{"lun", "mar", "mer", "gio", "ven", "sab", "dom"},
		Off:           "chiuso",
		Holidays:      "festivi",
		Always:        "sempre aperto",
		HolidaysUsual: "anche nei festivi",
	}
	english = Names{
		Days:          [7]string{"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"},
		Off:           "closed",
		Holidays:      "holidays",
		Always:        "open 24/7",
		HolidaysUsual: "holidays too",
	}
)

func TestFormat(t *testing.T) {
	tests := []struct {
		expr        string
		wantIT      string
		wantEN      string
		description string
	}{
		{office, "lun–ven 8:30–18:30; sab 9:00–13:00", "Mon–Fri 8:30–18:30; Sat 9:00–13:00", "weekdays and saturday"},
		{"Mo-Fr 08:30-18:30", "lun–ven 8:30–18:30", "Mon–Fri 8:30–18:30", "no PH rule"},
		{"24/7", "sempre aperto", "open 24/7", "always"},
		{"off", "chiuso", "closed", "never"},
		{"Mo,We,Fr 08:30-12:30,14:00-18:00; PH 09:00-12:00",
			"lun, mer, ven 8:30–12:30, 14:00–18:00; festivi 9:00–12:00",
			"Mon, Wed, Fri 8:30–12:30, 14:00–18:00; holidays 9:00–12:00", "lists and holiday hours"},
		{"Fr-Mo 18:00-02:00", "ven–lun 18:00–2:00", "Fri–Mon 18:00–2:00", "wrapping days and night"},
		{"Sa,Su 10:00-12:00", "sab, dom 10:00–12:00", "Sat, Sun 10:00–12:00", "two days"},
		{"08:00-20:00; PH open", "lun–dom 8:00–20:00; festivi 8:00–20:00", "Mon–Sun 8:00–20:00; holidays 8:00–20:00", "every day, open on holidays"},
		{"Mo-Fr 09:00-18:00; PH open", "lun–ven 9:00–18:00; anche nei festivi", "Mon–Fri 9:00–18:00; holidays too", "weekdays, holidays too"},
		{"PH 00:00-24:00", "festivi 0:00–24:00", "holidays 0:00–24:00", "holidays around the clock"},
		{"PH 10:00-12:00", "festivi 10:00–12:00", "holidays 10:00–12:00", "holidays only"},
		{"24/7; PH off", "lun–dom 0:00–24:00", "Mon–Sun 0:00–24:00", "around the clock but not holidays"},
	}
	for _, tc := range tests {
		t.Run(tc.description, func(t *testing.T) {
			s := mustParse(t, tc.expr)
			if got := s.Format(italian); got != tc.wantIT {
				t.Errorf("Parse(%q).Format(italian): got %q, want %q", tc.expr, got, tc.wantIT)
			}
			if got := s.Format(english); got != tc.wantEN {
				t.Errorf("Parse(%q).Format(english): got %q, want %q", tc.expr, got, tc.wantEN)
			}
		})
	}
	if got := (Schedule{}).Format(italian); got != "" {
		t.Errorf("zero Schedule Format: got %q, want %q", got, "")
	}
}

func BenchmarkOpenAt(b *testing.B) {
	s, err := Parse("Mo-Fr 08:30-12:30,14:00-18:30; Sa 09:00-13:00; Su,PH off")
	if err != nil {
		b.Fatal(err)
	}
	t := at(2026, 11, 25, 15, 0)
	for b.Loop() {
		if !s.OpenAt(t, seregno) {
			b.Fatal("closed, want open")
		}
	}
}

func BenchmarkNextOpening(b *testing.B) {
	s, err := Parse("Mo-Fr 08:30-12:30,14:00-18:30; Sa 09:00-13:00; Su,PH off")
	if err != nil {
		b.Fatal(err)
	}
	t := at(2026, 12, 24, 19, 0)
	for b.Loop() {
		if _, ok := s.NextOpening(t, seregno); !ok {
			b.Fatal("never opens, want an opening")
		}
	}
}

// parseOrZero parses expr, giving the zero Schedule for "".
func parseOrZero(t *testing.T, expr string) Schedule {
	t.Helper()
	if expr == "" {
		return Schedule{}
	}
	return mustParse(t, expr)
}
