package ical

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the zones below whatever the machine's zoneinfo

	ics "github.com/arran4/golang-ical"
	"github.com/teambition/rrule-go"
)

func mustLoad(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("LoadLocation(%q): %v", name, err)
	}
	return loc
}

// write writes c and fails the test on an error.
func write(t testing.TB, c Calendar) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, c); err != nil {
		t.Fatalf("Write: %v", err)
	}
	return b.Bytes()
}

// parse reads out with golang-ical, the independent parser, in its strict
// mode.
func parse(t testing.TB, out []byte) *ics.Calendar {
	t.Helper()
	cal, err := ics.ParseCalendar(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("golang-ical cannot parse the output: %v\n%s", err, out)
	}
	return cal
}

// calProp returns the value of the calendar property name and whether it is
// there once.
func calProp(cal *ics.Calendar, name string) (string, bool) {
	var vals []string
	for _, p := range cal.CalendarProperties {
		if p.IANAToken == name {
			vals = append(vals, p.Value)
		}
	}
	if len(vals) != 1 {
		return strings.Join(vals, " | "), false
	}
	return vals[0], true
}

// props returns the values of every property name of a component.
func props(cb *ics.ComponentBase, name string) []*ics.IANAProperty {
	return cb.GetProperties(ics.ComponentProperty(name))
}

// one returns the single property name of a component, failing otherwise.
func one(t testing.TB, cb *ics.ComponentBase, name string) *ics.IANAProperty {
	t.Helper()
	ps := props(cb, name)
	if len(ps) != 1 {
		t.Fatalf("%d %s properties, want 1", len(ps), name)
	}
	return ps[0]
}

// param returns the single value of a property's parameter, or "".
func paramOf(p *ics.IANAProperty, name string) string {
	v := p.ICalParameters[name]
	if len(v) != 1 {
		return strings.Join(v, ",")
	}
	return v[0]
}

// dateTimeOf reads a DATE-TIME property: UTC with Z, or local with TZID,
// resolved with Go's tz data.
func dateTimeOf(t testing.TB, p *ics.IANAProperty) time.Time {
	t.Helper()
	if strings.HasSuffix(p.Value, "Z") {
		v, err := time.Parse("20060102T150405Z", p.Value)
		if err != nil {
			t.Fatalf("%s: %v", p.IANAToken, err)
		}
		return v
	}
	tzid := paramOf(p, "TZID")
	if tzid == "" {
		t.Fatalf("%s:%s is floating: no TZID and no Z", p.IANAToken, p.Value)
	}
	v, err := time.ParseInLocation("20060102T150405", p.Value, mustLoad(t, tzid))
	if err != nil {
		t.Fatalf("%s: %v", p.IANAToken, err)
	}
	return v
}

// unfoldedLines returns out's logical lines, checking the physical form on
// the way: CR LF after every line, nothing else that is CR or LF.
func unfoldedLines(t testing.TB, out []byte) []string {
	t.Helper()
	if !bytes.HasSuffix(out, []byte("\r\n")) {
		t.Fatalf("the output does not end with CR LF")
	}
	var lines []string
	for _, l := range strings.Split(strings.TrimSuffix(string(out), "\r\n"), "\r\n") {
		if strings.ContainsAny(l, "\r\n") {
			t.Fatalf("a bare CR or LF in line %q", l)
		}
		if strings.HasPrefix(l, " ") {
			if len(lines) == 0 {
				t.Fatalf("the output starts with a continuation line")
			}
			lines[len(lines)-1] += l[1:]
			continue
		}
		lines = append(lines, l)
	}
	return lines
}

// wantParam is what a parameter value should read back as: double quotes
// as single ones, control characters (tab too) as spaces, invalid UTF-8
// replaced, no white space around it.
func wantParam(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '"':
			return '\''
		case r < 0x20 || r == 0x7f:
			return ' '
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
	return strings.TrimSpace(s)
}

// zoneTable is a VTIMEZONE as a list of onsets, worked out from the file
// alone: every observance's DTSTART, RDATEs and RRULE (expanded by rrule-go)
// in its TZOFFSETFROM, so that it says what an app without tz data reads.
type zoneTable struct {
	initial int // the offset before the first onset, the first observance's TZOFFSETFROM
	onsets  []onset
}

type onset struct {
	at     time.Time
	offset int // TZOFFSETTO
	name   string
	dst    bool
}

func parseOffset(t testing.TB, s string) int {
	t.Helper()
	if len(s) != 5 && len(s) != 7 || s[0] != '+' && s[0] != '-' {
		t.Fatalf("bad UTC offset %q", s)
	}
	n := func(i int) int {
		v, err := strconv.Atoi(s[i : i+2])
		if err != nil {
			t.Fatalf("bad UTC offset %q", s)
		}
		return v
	}
	secs := n(1)*3600 + n(3)*60
	if len(s) == 7 {
		secs += n(5)
	}
	if s[0] == '-' {
		if secs == 0 {
			t.Fatalf("UTC offset %q: -0000 is not allowed", s)
		}
		secs = -secs
	}
	return secs
}

// readZone reads the calendar's one VTIMEZONE, expanding its rules up to the
// end of year until.
func readZone(t testing.TB, cal *ics.Calendar, until int) (tzid string, z zoneTable) {
	t.Helper()
	tzs := cal.Timezones()
	if len(tzs) != 1 {
		t.Fatalf("%d VTIMEZONEs, want 1", len(tzs))
	}
	tzid = one(t, &tzs[0].ComponentBase, "TZID").Value
	end := time.Date(until+1, 1, 1, 0, 0, 0, 0, time.UTC)
	for i, sub := range tzs[0].Components {
		var cb *ics.ComponentBase
		var dst bool
		switch s := sub.(type) {
		case *ics.Standard:
			cb = &s.ComponentBase
		case *ics.Daylight:
			cb, dst = &s.ComponentBase, true
		default:
			t.Fatalf("VTIMEZONE holds a %T", sub)
		}
		from := parseOffset(t, one(t, cb, "TZOFFSETFROM").Value)
		to := parseOffset(t, one(t, cb, "TZOFFSETTO").Value)
		if i == 0 {
			z.initial = from
		}
		var name string
		if ps := props(cb, "TZNAME"); len(ps) == 1 {
			name = ps[0].Value
		}
		loc := time.FixedZone("", from)
		local := func(v string) time.Time {
			at, err := time.ParseInLocation("20060102T150405", v, loc)
			if err != nil {
				t.Fatalf("observance onset %q: %v", v, err)
			}
			return at
		}
		start := local(one(t, cb, "DTSTART").Value)
		ats := []time.Time{start}
		for _, p := range props(cb, "RDATE") {
			ats = append(ats, local(p.Value))
		}
		switch rr := props(cb, "RRULE"); len(rr) {
		case 0:
		case 1:
			opt, err := rrule.StrToROption(rr[0].Value)
			if err != nil {
				t.Fatalf("observance RRULE %q: %v", rr[0].Value, err)
			}
			opt.Dtstart = start
			r, err := rrule.NewRRule(*opt)
			if err != nil {
				t.Fatalf("observance RRULE %q: %v", rr[0].Value, err)
			}
			ats = append(ats, r.Between(start, end, true)...)
		default:
			t.Fatalf("an observance with %d RRULEs", len(rr))
		}
		for _, at := range ats {
			z.onsets = append(z.onsets, onset{at: at.UTC(), offset: to, name: name, dst: dst})
		}
	}
	slices.SortFunc(z.onsets, func(a, b onset) int { return a.at.Compare(b.at) })
	z.onsets = slices.CompactFunc(z.onsets, func(a, b onset) bool { return a.at.Equal(b.at) && a.offset == b.offset })
	return tzid, z
}

// at is the UTC offset and the name the table gives at the instant at; ok is
// false before the first onset, where it knows no name.
func (z zoneTable) at(at time.Time) (offset int, name string, ok bool) {
	offset = z.initial
	for _, o := range z.onsets {
		if o.at.After(at) {
			break
		}
		offset, name, ok = o.offset, o.name, true
	}
	return offset, name, ok
}

func (z zoneTable) offsetAt(at time.Time) int {
	off, _, _ := z.at(at)
	return off
}

// resolve turns a local wall clock (a UTC-located time whose fields are the
// local time) into an instant as RFC 5545 does: of two instants with that
// local time, the first; for a local time in a gap, the offset before it.
func (z zoneTable) resolve(wall time.Time) time.Time {
	offs := []int{z.initial}
	for _, o := range z.onsets {
		offs = append(offs, o.offset)
	}
	var best time.Time
	for _, off := range offs {
		at := wall.Add(-time.Duration(off) * time.Second)
		if z.offsetAt(at) == off && (best.IsZero() || at.Before(best)) {
			best = at
		}
	}
	if best.IsZero() { // in a gap: the offset in force before it
		at := wall.Add(-time.Duration(z.offsetAt(wall.Add(-48*time.Hour))) * time.Second)
		return at
	}
	return best
}

// eventInstances works out an event's meetings as an app without tz data
// does, from the file alone: DTSTART and RRULE expanded by rrule-go in
// floating local time, each resolved with the file's own VTIMEZONE, then
// RDATEs added and EXDATEs taken away (local ones resolved the same way, UTC
// ones as they are).
func eventInstances(t testing.TB, ev *ics.VEvent, z zoneTable, tzid string) []time.Time {
	t.Helper()
	cb := &ev.ComponentBase
	instant := func(p *ics.IANAProperty) (at time.Time, wall time.Time, utc bool) {
		if strings.HasSuffix(p.Value, "Z") {
			at, err := time.Parse("20060102T150405Z", p.Value)
			if err != nil {
				t.Fatalf("%s: %v", p.IANAToken, err)
			}
			return at, at, true
		}
		if tz := paramOf(p, "TZID"); tz != tzid {
			t.Fatalf("%s has TZID %q, want %q", p.IANAToken, tz, tzid)
		}
		wall, err := time.Parse("20060102T150405", p.Value)
		if err != nil {
			t.Fatalf("%s: %v", p.IANAToken, err)
		}
		return z.resolve(wall), wall, false
	}
	start, wall, utc := instant(one(t, cb, "DTSTART"))
	out := []time.Time{start}
	for _, p := range props(cb, "RRULE") {
		opt, err := rrule.StrToROption(p.Value)
		if err != nil {
			t.Fatalf("RRULE %q: %v", p.Value, err)
		}
		opt.Dtstart = wall // floating: a UTC-located wall clock, or UTC itself
		r, err := rrule.NewRRule(*opt)
		if err != nil {
			t.Fatalf("RRULE %q: %v", p.Value, err)
		}
		out = out[:0]
		for _, w := range r.All() {
			if utc {
				out = append(out, w)
			} else {
				out = append(out, z.resolve(w))
			}
		}
	}
	for _, p := range props(cb, "RDATE") {
		at, _, _ := instant(p)
		out = append(out, at)
	}
	for _, p := range props(cb, "EXDATE") {
		at, _, _ := instant(p)
		out = slices.DeleteFunc(out, at.Equal)
	}
	slices.SortFunc(out, time.Time.Compare)
	return slices.CompactFunc(out, time.Time.Equal)
}

func (o onset) String() string {
	return fmt.Sprintf("%s → %+d %s", o.at.Format(time.RFC3339), o.offset, o.name)
}
