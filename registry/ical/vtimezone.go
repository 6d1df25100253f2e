package ical

import (
	"slices"
	"strconv"
	"time"
)

// zoneState is what a zone says at one instant.
type zoneState struct {
	name   string // the abbreviation, TZNAME
	offset int    // seconds east of UTC
	dst    bool
}

func stateAt(t time.Time, loc *time.Location) zoneState {
	lt := t.In(loc)
	name, off := lt.Zone()
	return zoneState{name: name, offset: off, dst: lt.IsDST()}
}

// transition is a change of zoneState.
type transition struct {
	at       time.Time // the instant, in UTC
	from, to zoneState
}

// wall is the transition's local time just before it, as RFC 5545 writes an
// observance's onset (a UTC-located time whose fields are the wall clock).
func (t transition) wall() time.Time {
	return t.at.Add(time.Duration(t.from.offset) * time.Second)
}

// transitions returns the zone's state at from and its changes in [from, to),
// as Go's tz data has them. Boundaries that change nothing (Go reports some
// past the end of the explicit table) are left out.
func transitions(loc *time.Location, from, to time.Time) (zoneState, []transition) {
	initial := stateAt(from, loc)
	cur := initial
	var ts []transition
	for t := from; ; {
		_, end := t.In(loc).ZoneBounds()
		if end.IsZero() || !end.After(t) || !end.Before(to) {
			break
		}
		if next := stateAt(end, loc); next != cur {
			ts = append(ts, transition{at: end.UTC(), from: cur, to: next})
			cur = next
		}
		t = end
	}
	return initial, ts
}

// observance is one STANDARD or DAYLIGHT sub-component.
type observance struct {
	state  zoneState   // from the onset on: TZNAME, TZOFFSETTO, and which of the two
	from   int         // TZOFFSETFROM
	first  time.Time   // the first onset's instant, for ordering
	onsets []time.Time // wall clocks in from: DTSTART, then RDATEs
	rule   string      // RRULE, when the onsets follow a yearly rule (onsets holds DTSTART only)
}

// observances describes the zone from the year before first to the year
// after last, where every event falls: the state at the start when no
// transition comes before first, then every transition, grouped by what it
// changes to. A group's transitions that follow one yearly rule in
// consecutive years become one observance with RRULE (with UNTIL when the
// rule ends before the last year); the others become one observance with
// RDATEs.
func observances(loc *time.Location, first, last time.Time) []observance {
	y0, y1 := first.In(loc).Year()-1, last.In(loc).Year()+1
	from := time.Date(y0, time.January, 1, 0, 0, 0, 0, time.UTC)
	to := time.Date(y1+1, time.January, 1, 0, 0, 0, 0, time.UTC)
	initial, ts := transitions(loc, from, to)

	var out []observance
	if len(ts) == 0 || ts[0].at.After(first) {
		out = append(out, observance{state: initial, from: initial.offset, first: from,
			onsets: []time.Time{from.Add(time.Duration(initial.offset) * time.Second)}})
	}

	type key struct {
		to   zoneState
		from int
	}
	var keys []key // in order of first appearance
	groups := map[key][]transition{}
	for _, t := range ts {
		k := key{t.to, t.from.offset}
		if _, ok := groups[k]; !ok {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], t)
	}
	for _, k := range keys {
		g := groups[k]
		single := observance{state: k.to, from: k.from}
		for i := 0; i < len(g); {
			j := i + 1
			for j < len(g) && yearlyRule(g[i:j+1]) != "" {
				j++
			}
			if j-i < 2 {
				if len(single.onsets) == 0 {
					single.first = g[i].at
				}
				single.onsets = append(single.onsets, g[i].wall())
				i = j
				continue
			}
			rule := yearlyRule(g[i:j])
			if end := g[j-1]; end.wall().Year() < y1 {
				rule += ";UNTIL=" + formatUTC(end.at)
			}
			out = append(out, observance{state: k.to, from: k.from, first: g[i].at,
				onsets: []time.Time{g[i].wall()}, rule: rule})
			i = j
		}
		if len(single.onsets) > 0 {
			out = append(out, single)
		}
	}
	slices.SortStableFunc(out, func(a, b observance) int { return a.first.Compare(b.first) })
	return out
}

var byDay = [...]string{"SU", "MO", "TU", "WE", "TH", "FR", "SA"}

// yearlyRule returns the RRULE that yields exactly ts's onsets, one a year
// in consecutive years: the last, or the nth, weekday of a month, or a fixed
// day of a month, at one wall-clock time. It returns "" when there is none.
func yearlyRule(ts []transition) string {
	w0 := ts[0].wall()
	clock := w0.Sub(w0.Truncate(24 * time.Hour))
	sameWeekday, lastWeek, sameWeek, sameDay := true, true, true, true
	for i, t := range ts {
		w := t.wall()
		if w.Year() != w0.Year()+i || w.Month() != w0.Month() || w.Sub(w.Truncate(24*time.Hour)) != clock {
			return ""
		}
		daysInMonth := time.Date(w.Year(), w.Month()+1, 0, 0, 0, 0, 0, time.UTC).Day()
		sameWeekday = sameWeekday && w.Weekday() == w0.Weekday()
		lastWeek = lastWeek && w.Day() > daysInMonth-7
		sameWeek = sameWeek && (w.Day()-1)/7 == (w0.Day()-1)/7
		sameDay = sameDay && w.Day() == w0.Day()
	}
	rule := "FREQ=YEARLY;BYMONTH=" + strconv.Itoa(int(w0.Month()))
	switch {
	case sameWeekday && lastWeek:
		return rule + ";BYDAY=-1" + byDay[w0.Weekday()]
	case sameWeekday && sameWeek:
		return rule + ";BYDAY=" + strconv.Itoa((w0.Day()-1)/7+1) + byDay[w0.Weekday()]
	case sameDay:
		return rule + ";BYMONTHDAY=" + strconv.Itoa(w0.Day())
	}
	return ""
}

// writeTimezone writes the VTIMEZONE of loc for events from first to last.
func writeTimezone(w *contentWriter, loc *time.Location, first, last time.Time) {
	w.line("BEGIN", "VTIMEZONE")
	w.line("TZID", loc.String())
	for _, o := range observances(loc, first, last) {
		kind := "STANDARD"
		if o.state.dst {
			kind = "DAYLIGHT"
		}
		w.line("BEGIN", kind)
		w.line("TZOFFSETFROM", formatOffset(o.from))
		w.line("TZOFFSETTO", formatOffset(o.state.offset))
		if o.state.name != "" {
			w.text("TZNAME", o.state.name)
		}
		w.line("DTSTART", o.onsets[0].Format("20060102T150405"))
		if o.rule != "" {
			w.line("RRULE", o.rule)
		}
		for _, t := range o.onsets[1:] {
			w.line("RDATE", t.Format("20060102T150405"))
		}
		w.line("END", kind)
	}
	w.line("END", "VTIMEZONE")
}

// formatOffset writes a UTC-OFFSET: +hhmm, or +hhmmss when there are seconds.
func formatOffset(secs int) string {
	sign := "+"
	if secs < 0 {
		sign, secs = "-", -secs
	}
	s := sign + pad2(secs/3600) + pad2(secs/60%60)
	if secs%60 != 0 {
		s += pad2(secs % 60)
	}
	return s
}

func pad2(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}
