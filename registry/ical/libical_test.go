//go:build libical

// These tests run the output through libical, the C library behind
// Evolution's and KDE's calendars and the strictest reader to be had here:
// its parser marks every malformed line and value, and its restriction
// checker holds each component to RFC 5546's rules for METHOD:PUBLISH (an
// ORGANIZER, a SUMMARY, a DTSTAMP on every event, and so on). It also expands
// every course with the file's own VTIMEZONE, the way an app without tz data
// does.
//
// They need a C compiler and Debian's libical-dev, so they run only with the
// libical build tag:
//
//	apt-get install -y libical-dev
//	go test -tags libical ./registry/ical/

package ical

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

var (
	checkerOnce sync.Once
	checkerPath string
	checkerErr  error
)

// checker compiles testdata/libicalcheck.c once per test binary.
func checker(t *testing.T) string {
	t.Helper()
	checkerOnce.Do(func() {
		dir, err := os.MkdirTemp("", "libicalcheck")
		if err != nil {
			checkerErr = err
			return
		}
		flags, err := exec.Command("pkg-config", "--cflags", "--libs", "libical").Output()
		if err != nil {
			checkerErr = fmt.Errorf("pkg-config libical (apt-get install libical-dev): %v", err)
			return
		}
		checkerPath = filepath.Join(dir, "libicalcheck")
		args := append([]string{"-Wall", "-Werror", "-o", checkerPath, filepath.Join("testdata", "libicalcheck.c")}, strings.Fields(string(flags))...)
		if out, err := exec.Command("cc", args...).CombinedOutput(); err != nil {
			checkerErr = fmt.Errorf("cc: %v\n%s", err, out)
		}
	})
	if checkerErr != nil {
		t.Fatal(checkerErr)
	}
	return checkerPath
}

// libicalReport is what libicalcheck said of a file.
type libicalReport struct {
	errors  []string
	events  []libicalEvent
	offsets map[int64]int
}

type libicalEvent struct {
	uid   string
	props map[string][]string
	spans [][2]int64
}

// runLibical runs libicalcheck on out, asking for the offset at instants.
func runLibical(t *testing.T, out []byte, instants []time.Time) libicalReport {
	t.Helper()
	file := filepath.Join(t.TempDir(), "calendar.ics")
	if err := os.WriteFile(file, out, 0o644); err != nil {
		t.Fatal(err)
	}
	var in strings.Builder
	for _, at := range instants {
		fmt.Fprintln(&in, at.Unix())
	}
	cmd := exec.Command(checker(t), file)
	cmd.Stdin = strings.NewReader(in.String())
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.Output()
	if err != nil {
		t.Fatalf("libicalcheck: %v\n%s", err, stderr.Bytes())
	}
	unhex := func(s string) string {
		if s == "-" {
			return ""
		}
		b, err := hex.DecodeString(s)
		if err != nil {
			t.Fatalf("libicalcheck printed %q: %v", s, err)
		}
		return string(b)
	}
	num := func(s string) int64 {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			t.Fatalf("libicalcheck printed %q: %v", s, err)
		}
		return n
	}
	r := libicalReport{offsets: map[int64]int{}}
	for _, l := range strings.Split(strings.TrimSpace(string(stdout)), "\n") {
		f := strings.Fields(l)
		if len(f) == 0 {
			continue
		}
		switch {
		case f[0] == "ERROR" && len(f) == 2:
			r.errors = append(r.errors, unhex(f[1]))
		case f[0] == "EVENT" && len(f) == 2:
			r.events = append(r.events, libicalEvent{uid: unhex(f[1]), props: map[string][]string{}})
		case f[0] == "PROP" && len(f) == 3 && len(r.events) > 0:
			e := &r.events[len(r.events)-1]
			e.props[f[1]] = append(e.props[f[1]], unhex(f[2]))
		case f[0] == "SPAN" && len(f) == 3 && len(r.events) > 0:
			e := &r.events[len(r.events)-1]
			e.spans = append(e.spans, [2]int64{num(f[1]), num(f[2])})
		case f[0] == "OFFSET" && len(f) == 3:
			r.offsets[num(f[1])] = int(num(f[2]))
		default:
			t.Fatalf("libicalcheck printed %q", l)
		}
	}
	return r
}

// meetings is every meeting of e, as RFC 5545 defines the recurrence set,
// in Unix seconds.
func meetings(e Event, loc *time.Location) [][2]int64 {
	d := e.End.Sub(e.Start)
	starts := []time.Time{e.Start}
	if r := e.Recurrence; r != nil {
		for k := 1; k < r.Weekly; k++ {
			starts = append(starts, e.weekly(k, loc))
		}
		starts = slices.DeleteFunc(starts, func(s time.Time) bool {
			return slices.ContainsFunc(r.Except, s.Equal)
		})
		starts = append(starts, r.Dates...)
	}
	var out [][2]int64
	for _, s := range starts {
		out = append(out, [2]int64{s.Unix(), s.Add(d).Unix()})
	}
	slices.SortFunc(out, func(a, b [2]int64) int { return int(a[0] - b[0]) })
	return out
}

// checkWithLibical holds out to libical: no error, every event's texts as
// written, every meeting at its instant, and the VTIMEZONE's offset equal to
// Go's at every instant asked.
func checkWithLibical(t *testing.T, c Calendar, out []byte, instants []time.Time) {
	t.Helper()
	r := runLibical(t, out, instants)
	for _, e := range r.errors {
		t.Errorf("libical: %s", e)
	}
	if len(r.events) != len(c.Events) {
		t.Fatalf("libical read %d events, want %d", len(r.events), len(c.Events))
	}
	for i, in := range c.Events {
		got := r.events[i]
		if got.uid != wantText(in.UID) {
			t.Errorf("event %d: UID %q, want %q", i, got.uid, wantText(in.UID))
		}
		for name, want := range map[string][]string{
			"SUMMARY": {in.Summary}, "DESCRIPTION": {in.Description}, "LOCATION": {in.Location}, "CATEGORY": in.Categories,
		} {
			if !slices.Equal(got.props[name], wantTexts(want)) {
				t.Errorf("event %d: %s %q, want %q", i, name, got.props[name], wantTexts(want))
			}
		}
		org := c.Organizer
		if in.Organizer != nil {
			org = *in.Organizer
		}
		if want := []string{"mailto:" + org.Email}; !slices.Equal(got.props["ORGANIZER"], want) {
			t.Errorf("event %d: ORGANIZER %q, want %q", i, got.props["ORGANIZER"], want)
		}
		var cn []string
		if w := wantParam(org.Name); w != "" {
			cn = []string{w}
		}
		if !slices.Equal(got.props["CN"], cn) {
			t.Errorf("event %d: CN %q, want %q", i, got.props["CN"], cn)
		}
		spans := slices.Clone(got.spans)
		slices.SortFunc(spans, func(a, b [2]int64) int { return int(a[0] - b[0]) })
		if want := meetings(in, c.TZ); !slices.Equal(spans, want) {
			t.Errorf("event %d (%s): libical expands to\n%v\nwant\n%v", i, in.UID, spans, want)
		}
	}
	for _, at := range instants {
		_, want := at.In(c.TZ).Zone()
		if got, ok := r.offsets[at.Unix()]; !ok || got != want {
			t.Errorf("at %v libical reads offset %d (given: %v) from the VTIMEZONE, Go says %d", at, got, ok, want)
		}
	}
}

// instantsFor is every three hours and every transition, a second either
// side, over the years from..to.
func instantsFor(loc *time.Location, from, to int) []time.Time {
	begin := time.Date(from, 1, 1, 0, 0, 0, 0, time.UTC)
	end := time.Date(to+1, 1, 1, 0, 0, 0, 0, time.UTC)
	var out []time.Time
	for at := begin; at.Before(end); at = at.Add(3 * time.Hour) {
		out = append(out, at)
	}
	_, ts := transitions(loc, begin, end)
	for _, tr := range ts {
		out = append(out, tr.at.Add(-time.Second), tr.at, tr.at.Add(time.Second))
	}
	return out
}

func TestLibicalSample(t *testing.T) {
	c := sample(t)
	checkWithLibical(t, c, write(t, c), instantsFor(c.TZ, 2026, 2027))
}

func TestLibicalGolden(t *testing.T) {
	out, err := os.ReadFile(filepath.Join("testdata", "small.ics"))
	if err != nil {
		t.Fatal(err)
	}
	r := runLibical(t, out, nil)
	for _, e := range r.errors {
		t.Errorf("libical: %s", e)
	}
	if len(r.events) != 1 || len(r.events[0].spans) != 4 {
		t.Errorf("libical read %+v, want one event of 4 meetings", r.events)
	}
}

func TestLibicalRepeatedHour(t *testing.T) {
	c := sample(t)
	first := time.Date(2026, 10, 25, 0, 30, 0, 0, time.UTC)
	second := time.Date(2026, 10, 25, 1, 30, 0, 0, time.UTC)
	c.Events = []Event{
		{UID: "a@x", Start: first, End: first.Add(30 * time.Minute), Summary: "prima"},
		{UID: "b@x", Start: second, End: second.Add(30 * time.Minute), Summary: "seconda"},
	}
	checkWithLibical(t, c, write(t, c), nil)
}

func TestLibicalBigRandomCalendar(t *testing.T) {
	rng := rand.New(rand.NewPCG(2445, 5546))
	rome := mustLoad(t, "Europe/Rome")
	c := Calendar{Name: randomText(rng, 80, pieces), TZ: rome, Stamp: time.Date(2026, 11, 20, 8, 30, 0, 0, time.UTC), Organizer: comune}
	day := time.Date(2026, 1, 5, 9, 0, 0, 0, rome)
	for i := range 300 {
		start := day.Add(time.Duration(rng.IntN(3*365*24)) * time.Hour)
		e := Event{
			UID:         fmt.Sprintf("event-%d@coworkbot.comune.seregno.mb.it", i),
			Start:       start,
			End:         start.Add(time.Duration(1+rng.IntN(8)) * 30 * time.Minute),
			Summary:     "E" + randomText(rng, rng.IntN(120), pieces),
			Description: randomText(rng, rng.IntN(600), pieces),
			Location:    randomText(rng, rng.IntN(80), pieces),
			Categories:  []string{"c" + randomText(rng, rng.IntN(40), pieces), "", "d" + randomText(rng, rng.IntN(40), pieces)},
			Status:      []Status{"", StatusConfirmed, StatusTentative, StatusCancelled}[rng.IntN(4)],
		}
		if rng.IntN(2) == 0 {
			e.Organizer = &Organizer{Name: randomText(rng, rng.IntN(60), pieces), Email: "eventi@example.org"}
		}
		if rng.IntN(2) == 0 {
			n := 2 + rng.IntN(20)
			e.Recurrence = &Recurrence{Weekly: n}
			if rng.IntN(2) == 0 {
				e.Recurrence.Except = []time.Time{e.weekly(1+rng.IntN(n-1), rome)}
				e.Recurrence.Dates = []time.Time{start.AddDate(0, 0, 7*n+2)}
			}
		}
		c.Events = append(c.Events, e)
	}
	checkWithLibical(t, c, write(t, c), instantsFor(rome, 2026, 2029))
}

func TestLibicalTimezones(t *testing.T) {
	for _, tt := range []struct {
		zone     string
		from, to int
	}{
		{"Europe/Rome", 1990, 2000},
		{"America/New_York", 2005, 2009},
		{"Australia/Sydney", 2026, 2028},
		{"Australia/Lord_Howe", 2026, 2027},
		{"Asia/Tokyo", 2026, 2026},
		{"UTC", 2026, 2026},
		{"America/Sao_Paulo", 2016, 2021},
		{"Asia/Tehran", 2020, 2024},
		{"Asia/Jerusalem", 2026, 2028},
		{"Europe/Moscow", 2010, 2015},
		{"Pacific/Chatham", 2026, 2027},
	} {
		t.Run(fmt.Sprintf("%s/%d-%d", tt.zone, tt.from, tt.to), func(t *testing.T) {
			loc := mustLoad(t, tt.zone)
			c := Calendar{TZ: loc, Stamp: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Organizer: comune}
			for i, s := range []time.Time{
				time.Date(tt.from, 1, 10, 18, 0, 0, 0, loc), time.Date(tt.to, 12, 20, 18, 0, 0, 0, loc),
			} {
				c.Events = append(c.Events, Event{UID: fmt.Sprintf("e%d@x", i), Start: s, End: s.Add(time.Hour),
					Summary: "x", Recurrence: &Recurrence{Weekly: 30}})
			}
			c.Events[1].Recurrence = nil
			checkWithLibical(t, c, write(t, c), instantsFor(loc, tt.from, tt.to))
		})
	}
}

// TestLibicalNotices shows the checker is not blind: a published event
// without ORGANIZER, a GEO that is no point and a STATUS RFC 5546 does not
// allow are each reported.
func TestLibicalNotices(t *testing.T) {
	out := string(write(t, sample(t)))
	for name, broken := range map[string]string{
		"no ORGANIZER": strings.Replace(out, "ORGANIZER;", "X-NOT-ORGANIZER;", 1),
		"a bad GEO":    strings.Replace(out, "GEO:45.650912;9.204871", "GEO:north", 1),
		"a bad STATUS": strings.Replace(out, "STATUS:CONFIRMED", "STATUS:POSTPONED", 1),
	} {
		if broken == out {
			t.Fatalf("%s: the sample has nothing to break", name)
		}
		if r := runLibical(t, []byte(broken), nil); len(r.errors) == 0 {
			t.Errorf("%s: libical reports nothing", name)
		}
	}
}
