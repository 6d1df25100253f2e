package hours

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Span is an opening interval within one calendar day, in minutes since
// midnight: open at From, closed again at To. To is at most 1440.
type Span struct{ From, To int }

// Schedule is a parsed opening-hours expression. The zero Schedule means
// "hours unknown": it is never open and String returns "".
type Schedule struct {
	ok bool
	// days are Monday..Sunday, then public holidays; nil in the zero
	// Schedule. Parse fills them and nothing changes them after, so that
	// copies of a Schedule (every space with the same hours) share them.
	days *[8]slot
	// usualOnPH is "PH open": a public holiday does not close the place,
	// which keeps the hours of the weekday the holiday falls on.
	usualOnPH bool
}

// slot holds what one kind of day (a weekday or a public holiday) opens:
// its own spans cut at midnight, and how far into the next calendar day the
// last of them runs.
type slot struct {
	spans []Span // sorted, merged, within [0, 1440]; nil when closed
	tail  int    // minutes past the next midnight still open; 0 for none
}

// newSlot normalizes spans as parsed, whose To may pass 1440.
func newSlot(raw []Span) slot {
	var sl slot
	var spans []Span
	for _, sp := range raw {
		if sp.To > minutesPerDay {
			sl.tail = max(sl.tail, sp.To-minutesPerDay)
			sp.To = minutesPerDay
		}
		spans = append(spans, sp)
	}
	sl.spans = merge(spans)
	return sl
}

func (a slot) equal(b slot) bool { return a.tail == b.tail && slices.Equal(a.spans, b.spans) }

func (a slot) closed() bool { return len(a.spans) == 0 }

func (a slot) fullDay() bool {
	return a.tail == 0 && len(a.spans) == 1 && a.spans[0] == Span{0, minutesPerDay}
}

// merge sorts spans in place and joins those that overlap or touch. It
// returns nil for no spans.
func merge(spans []Span) []Span {
	if len(spans) == 0 {
		return nil
	}
	slices.SortFunc(spans, func(a, b Span) int { return a.From - b.From })
	out := spans[:1]
	for _, sp := range spans[1:] {
		last := &out[len(out)-1]
		if sp.From <= last.To {
			last.To = max(last.To, sp.To)
			continue
		}
		out = append(out, sp)
	}
	return out
}

// IsZero reports whether s is the zero Schedule, that is, hours unknown.
func (s Schedule) IsZero() bool { return !s.ok }

// closedWeek are the days of the zero Schedule: closed.
var closedWeek [8]slot

func (s *Schedule) week() *[8]slot {
	if s.days == nil {
		return &closedWeek
	}
	return s.days
}

// Always reports whether s is open around the clock every day, holidays
// included, as "24/7" is.
func (s Schedule) Always() bool {
	if !s.ok {
		return false
	}
	for i, sl := range s.week() {
		if !sl.fullDay() && !(i == phSlot && s.usualOnPH) {
			return false
		}
	}
	return true
}

// never reports whether s has no opening at all.
func (s Schedule) never() bool {
	for _, sl := range s.week()[:phSlot] {
		if !sl.closed() {
			return false
		}
	}
	if s.usualOnPH {
		return true
	}
	for _, sl := range s.week()[phSlot:] {
		if !sl.closed() {
			return false
		}
	}
	return true
}

// Equal reports whether s and o describe the same opening hours.
func (s Schedule) Equal(o Schedule) bool {
	if s.ok != o.ok || s.usualOnPH != o.usualOnPH {
		return false
	}
	for i := range s.week() {
		if !s.week()[i].equal(o.week()[i]) {
			return false
		}
	}
	return true
}

// date is a calendar date, free of any time of day or location.
type date struct {
	year  int
	month time.Month
	day   int
}

func dateOf(t time.Time) date {
	y, m, d := t.Date()
	return date{y, m, d}
}

// addDays returns the date n days later, computed on the calendar.
func (d date) addDays(n int) date {
	return dateOf(time.Date(d.year, d.month, d.day+n, 12, 0, 0, 0, time.UTC))
}

// weekday returns 0 for Monday through 6 for Sunday.
func (d date) weekday() int {
	return (int(time.Date(d.year, d.month, d.day, 12, 0, 0, 0, time.UTC).Weekday()) + 6) % 7
}

// slotFor returns the rules that apply on d: the holiday ones if d is a
// public holiday in cal, the weekday ones otherwise.
func (s *Schedule) slotFor(d date, cal Calendar) *slot {
	if _, ok := cal.holiday(d); ok && !s.usualOnPH {
		return &s.week()[phSlot]
	}
	return &s.week()[d.weekday()]
}

// spansOn returns the merged spans of calendar day d, including the tail of
// the previous day's last span.
func (s *Schedule) spansOn(d date, cal Calendar) []Span {
	if !s.ok {
		return nil
	}
	own := s.slotFor(d, cal)
	prev := s.slotFor(d.addDays(-1), cal)
	out := make([]Span, 0, len(own.spans)+1)
	if prev.tail > 0 {
		out = append(out, Span{0, prev.tail})
	}
	out = append(out, own.spans...)
	return merge(out)
}

// Spans returns the opening spans of the calendar day of day (in day's
// location), sorted and merged, or nil if closed all day. A span that crosses
// midnight is cut at 24:00 and its tail appears at the start of the next
// day's spans.
func (s Schedule) Spans(day time.Time, cal Calendar) []Span {
	return s.spansOn(dateOf(day), cal)
}

// OpenOn reports whether s is open at any time during the calendar day of
// day, including the early hours of a span begun the previous evening.
func (s Schedule) OpenOn(day time.Time, cal Calendar) bool {
	return len(s.Spans(day, cal)) > 0
}

// OpenAt reports whether s is open at t, judged by t's date and wall clock in
// t's own location.
func (s Schedule) OpenAt(t time.Time, cal Calendar) bool {
	if !s.ok {
		return false
	}
	d := dateOf(t)
	m := t.Hour()*60 + t.Minute()
	for _, sp := range s.slotFor(d, cal).spans {
		if sp.From <= m && m < sp.To {
			return true
		}
	}
	return m < s.slotFor(d.addDays(-1), cal).tail
}

// horizon is how many days ahead NextOpening looks.
const horizon = 400

// NextOpening returns the earliest instant at or after t at which s is open,
// in t's location. It reports false if s does not open within 400 days.
// Opening times that fall in the hour skipped when clocks go forward are
// moved to the end of the gap; when clocks go back, the first of the two
// instants with the same wall clock is chosen.
func (s Schedule) NextOpening(t time.Time, cal Calendar) (time.Time, bool) {
	if !s.ok || s.never() {
		return time.Time{}, false
	}
	if s.OpenAt(t, cal) {
		return t, true
	}
	start := dateOf(t)
	m := t.Hour()*60 + t.Minute()
	for i := 0; i <= horizon; i++ {
		d := start.addDays(i)
		for _, sp := range s.spansOn(d, cal) {
			if i == 0 && sp.From <= m {
				continue
			}
			at := wallClock(d, sp.From, t.Location())
			if at.Before(t) || !s.OpenAt(at, cal) {
				// A span inside a skipped hour never happens.
				continue
			}
			return at, true
		}
	}
	return time.Time{}, false
}

// wallClock returns the first instant at which the clock in loc reads the
// given minute of date d, or the instant just after the gap if clocks jump
// over it.
func wallClock(d date, minute int, loc *time.Location) time.Time {
	t := time.Date(d.year, d.month, d.day, minute/60, minute%60, 0, 0, loc)
	// When the clock reading occurs twice, time.Date may choose the later.
	if e := t.Add(-time.Hour); e.Day() == t.Day() && e.Hour() == t.Hour() && e.Minute() == t.Minute() {
		return e
	}
	return t
}

// String returns the canonical expression for s: weekday rules grouped and
// in week order, then the holiday rule. Parse(s.String()) is Equal to s. The
// zero Schedule gives "".
func (s Schedule) String() string {
	if !s.ok {
		return ""
	}
	if s.Always() {
		return "24/7"
	}
	rules := s.weekdayRules(func(set uint8, sl slot) string {
		return dayList(set, dayCodes, "-", ",") + " " + sl.osm()
	})
	ph := s.week()[phSlot]
	switch {
	case s.usualOnPH && len(rules) == 0:
		return "off"
	case s.usualOnPH:
		rules = append(rules, "PH open")
	case ph.closed() && len(rules) == 0:
		return "off"
	case ph.closed():
		rules = append(rules, "PH off")
	case ph.fullDay():
		rules = append(rules, "PH 00:00-24:00")
	default:
		rules = append(rules, "PH "+ph.osm())
	}
	return strings.Join(rules, "; ")
}

// weekdayRules groups the open weekdays with equal hours and renders each
// group with render, in order of each group's first day.
func (s Schedule) weekdayRules(render func(set uint8, sl slot) string) []string {
	var rules []string
	var done uint8
	for d := range 7 {
		if done&(1<<d) != 0 || s.week()[d].closed() {
			continue
		}
		var set uint8
		for e := d; e < 7; e++ {
			if s.week()[e].equal(s.week()[d]) {
				set |= 1 << e
			}
		}
		done |= set
		rules = append(rules, render(set, s.week()[d]))
	}
	return rules
}

// dayList writes a set of weekdays with names, joining runs of three or more
// days with rangeSep and other days with listSep.
func dayList(set uint8, names [7]string, rangeSep, listSep string) string {
	if set == allWeekdays {
		return names[0] + rangeSep + names[6]
	}
	start := 0
	if set&1 != 0 && set&(1<<6) != 0 {
		// Write a run through Sunday and Monday as one range (Fr-Mo) when
		// most of it lies before Monday; otherwise keep Monday first
		// (Mo-Fr,Su rather than Su-Fr).
		last := 6
		for set&(1<<last) != 0 {
			last--
		}
		before, after := 6-last, leadingRun(set)
		if before+after >= 3 && before > after {
			start = last + 1
		}
	}
	var parts []string
	for i := 0; i < 7; {
		d := (start + i) % 7
		if set&(1<<d) == 0 {
			i++
			continue
		}
		n := 1
		for i+n < 7 && set&(1<<((start+i+n)%7)) != 0 {
			n++
		}
		end := (d + n - 1) % 7
		switch n {
		case 1:
			parts = append(parts, names[d])
		case 2:
			parts = append(parts, names[d], names[end])
		default:
			parts = append(parts, names[d]+rangeSep+names[end])
		}
		i += n
	}
	return strings.Join(parts, listSep)
}

// leadingRun counts the consecutive days in set from Monday on.
func leadingRun(set uint8) int {
	n := 0
	for n < 7 && set&(1<<n) != 0 {
		n++
	}
	return n
}

// osm writes the spans of sl in opening_hours syntax.
func (sl slot) osm() string {
	return sl.render(osmTime, "-", ",")
}

// render writes the spans of sl, joining the last span with the tail into
// the next day: as a span past midnight if the result is unambiguous, in the
// extended form up to 47:59 otherwise.
func (sl slot) render(clock func(int) string, spanSep, listSep string) string {
	parts := make([]string, len(sl.spans))
	for i, sp := range sl.spans {
		to := sp.To
		if i == len(sl.spans)-1 && sl.tail > 0 {
			to = sl.tail
			if sl.tail >= sp.From {
				to += minutesPerDay
			}
		}
		parts[i] = clock(sp.From) + spanSep + clock(to)
	}
	return strings.Join(parts, listSep)
}

func osmTime(m int) string { return fmt.Sprintf("%02d:%02d", m/60, m%60) }

func humanTime(m int) string { return fmt.Sprintf("%d:%02d", m/60, m%60) }

// Names holds the words Format uses, so that the caller chooses the language.
type Names struct {
	// Days are the short weekday names, Monday first: "lun", "mar", ...
	Days [7]string
	// Off is the whole text for a place that never opens, such as "chiuso".
	Off string
	// Holidays introduces the hours on public holidays, such as "festivi".
	Holidays string
	// HolidaysUsual says that public holidays keep the usual hours ("PH
	// open"), such as "aperto anche nei festivi".
	HolidaysUsual string
	// Always is the whole text for 24/7, such as "sempre aperto".
	Always string
}

// Format returns s as text for people, such as
// "lun–ven 8:30–18:30; sab 9:00–13:00", with en dashes and hours without a
// leading zero. Holidays are mentioned only when s opens on them, since being
// closed is the default. The zero Schedule gives "".
func (s Schedule) Format(n Names) string {
	if !s.ok {
		return ""
	}
	if s.Always() {
		return n.Always
	}
	rules := s.weekdayRules(func(set uint8, sl slot) string {
		return dayList(set, n.Days, "–", ", ") + " " + sl.render(humanTime, "–", ", ")
	})
	if s.usualOnPH && len(rules) > 0 {
		rules = append(rules, n.HolidaysUsual)
	} else if ph := s.week()[phSlot]; !ph.closed() && !s.usualOnPH {
		rules = append(rules, n.Holidays+" "+ph.render(humanTime, "–", ", "))
	}
	if len(rules) == 0 {
		return n.Off
	}
	return strings.Join(rules, "; ")
}

// MarshalText returns the canonical expression, as String does.
func (s Schedule) MarshalText() ([]byte, error) {
	return []byte(s.String()), nil
}

// UnmarshalText parses an expression as Parse does; empty text gives the
// zero Schedule.
func (s *Schedule) UnmarshalText(text []byte) error {
	if len(text) == 0 {
		*s = Schedule{}
		return nil
	}
	parsed, err := Parse(string(text))
	if err != nil {
		return fmt.Errorf("unmarshal schedule: %w", err)
	}
	*s = parsed
	return nil
}
