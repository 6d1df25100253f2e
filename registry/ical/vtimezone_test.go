package ical

import (
	"fmt"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
)

// TestRomeTimezone: for Europe/Rome the VTIMEZONE is the two EU rules,
// starting the year before the first event, with no end.
func TestRomeTimezone(t *testing.T) {
	cal := parse(t, write(t, sample(t)))
	tzs := cal.Timezones()
	if len(tzs) != 1 {
		t.Fatalf("%d VTIMEZONEs, want 1", len(tzs))
	}
	type obs struct{ kind, from, to, name, start, rule string }
	var got []obs
	for _, sub := range tzs[0].Components {
		var cb *ics.ComponentBase
		kind := "STANDARD"
		switch s := sub.(type) {
		case *ics.Standard:
			cb = &s.ComponentBase
		case *ics.Daylight:
			cb, kind = &s.ComponentBase, "DAYLIGHT"
		}
		if n := len(props(cb, "RDATE")); n != 0 {
			t.Errorf("%s has %d RDATEs, want none", kind, n)
		}
		got = append(got, obs{kind, one(t, cb, "TZOFFSETFROM").Value, one(t, cb, "TZOFFSETTO").Value,
			one(t, cb, "TZNAME").Value, one(t, cb, "DTSTART").Value, one(t, cb, "RRULE").Value})
	}
	want := []obs{
		{"DAYLIGHT", "+0100", "+0200", "CEST", "20260329T020000", "FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU"},
		{"STANDARD", "+0200", "+0100", "CET", "20261025T030000", "FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU"},
	}
	// The sample's first event is in March 2026: its rules start in 2025.
	want[0].start, want[1].start = "20250330T020000", "20251026T030000"
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("VTIMEZONE observances\n got %v\nwant %v", got, want)
	}
}

// TestTimezonesAgreeWithGo writes a calendar in zones with all kinds of
// history and reads its VTIMEZONE back from the file alone (rrule-go for the
// rules): across the events' years it must give Go's offset and name at every
// transition, a second either side, and every three hours; and every event
// must resolve to its instant.
func TestTimezonesAgreeWithGo(t *testing.T) {
	tests := []struct {
		zone     string
		from, to int
	}{
		{"Europe/Rome", 2026, 2027},
		{"Europe/Rome", 1990, 2000}, // autumn moved from September to October in 1996
		{"America/New_York", 2005, 2009},
		{"Australia/Sydney", 2026, 2028}, // southern: DST across the new year
		{"Australia/Lord_Howe", 2026, 2027},
		{"Asia/Tokyo", 2026, 2026},
		{"UTC", 2026, 2026},
		{"Europe/Dublin", 2026, 2027},     // Go's data has IST as standard time and GMT as "DST"
		{"America/Sao_Paulo", 2016, 2021}, // DST abolished in 2019
		{"Asia/Tehran", 2020, 2024},       // fixed dates, then no DST from 2023
		{"Africa/Casablanca", 2017, 2022}, // around Ramadan, then +01 with breaks
		{"Asia/Jerusalem", 2026, 2028},    // the Friday before the last Sunday
		{"America/Santiago", 2026, 2028},
		{"Europe/Moscow", 2010, 2015}, // permanent summer time, then back
		{"Pacific/Apia", 2011, 2012},  // skipped 30 December 2011
		{"America/Havana", 2026, 2027},
		{"Asia/Kolkata", 2026, 2026},
		{"Pacific/Chatham", 2026, 2027}, // +12:45
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/%d-%d", tt.zone, tt.from, tt.to), func(t *testing.T) {
			loc := mustLoad(t, tt.zone)
			c := Calendar{TZ: loc, Stamp: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Organizer: comune}
			first := time.Date(tt.from, 1, 10, 12, 0, 0, 0, loc)
			last := time.Date(tt.to, 12, 20, 12, 0, 0, 0, loc)
			for i, s := range []time.Time{first, time.Date(tt.from, 7, 10, 12, 0, 0, 0, loc), last} {
				c.Events = append(c.Events, Event{UID: fmt.Sprintf("e%d@x", i), Start: s, End: s.Add(time.Hour), Summary: "x"})
			}
			cal := parse(t, write(t, c))
			tzid, z := readZone(t, cal, tt.to+1)
			if tzid != tt.zone {
				t.Fatalf("TZID %q, want %q", tzid, tt.zone)
			}

			begin := time.Date(tt.from, 1, 1, 0, 0, 0, 0, time.UTC)
			end := time.Date(tt.to+1, 1, 1, 0, 0, 0, 0, time.UTC)
			var instants []time.Time
			for at := begin; at.Before(end); at = at.Add(3 * time.Hour) {
				instants = append(instants, at)
			}
			_, ts := transitions(loc, begin, end)
			for _, tr := range ts {
				instants = append(instants, tr.at.Add(-time.Second), tr.at, tr.at.Add(time.Second))
			}
			bad := 0
			for _, at := range instants {
				name, off := at.In(loc).Zone()
				gotOff, gotName, ok := z.at(at)
				if gotOff != off || ok && gotName != name {
					if bad++; bad <= 5 {
						t.Errorf("at %v the VTIMEZONE gives %+d %q, Go %+d %q", at, gotOff, gotName, off, name)
					}
				}
			}
			if bad > 0 {
				t.Logf("%d of %d instants wrong; onsets:\n%v", bad, len(instants), z.onsets)
			}
			for i, ev := range cal.Events() {
				p := one(t, &ev.ComponentBase, "DTSTART")
				wall, err := time.Parse("20060102T150405", strings.TrimSuffix(p.Value, "Z"))
				if err != nil {
					t.Fatal(err)
				}
				got := wall
				if paramOf(p, "TZID") != "" {
					got = z.resolve(wall)
				}
				if want := c.Events[i].Start; !got.Equal(want) {
					t.Errorf("event %d: DTSTART %s resolves to %v, want %v", i, p.Value, got, want)
				}
			}
		})
	}
}

// TestTimezoneSize: a zone that follows rules takes two observances, not one
// per transition.
func TestTimezoneSize(t *testing.T) {
	for zone, want := range map[string]int{
		"Europe/Rome":      2,
		"America/New_York": 2,
		"Australia/Sydney": 2,
		"Asia/Tokyo":       1,
		"UTC":              1,
	} {
		loc := mustLoad(t, zone)
		got := observances(loc, time.Date(2026, 1, 1, 0, 0, 0, 0, loc), time.Date(2030, 12, 31, 0, 0, 0, 0, loc))
		if len(got) != want {
			t.Errorf("%s: %d observances, want %d: %+v", zone, len(got), want, got)
		}
	}
}
