package intent

import (
	"strconv"
	"strings"
	"time"
)

// numKind is the shape of a token made of digits.
type numKind uint8

const (
	numNone  numKind = iota
	numInt           // "3", "14"
	numClock         // "14:30", "14.30", "9am", "2:30pm"
	numDate          // "3/12", "3/12/2026"
	numRange         // "9-13", "9am-1pm", "14:30-18"
	numDayTh         // "3rd", "10th"
)

// number is a token made of digits, read.
type number struct {
	kind       numKind
	v          int // numInt, numDayTh: the value; numClock: minutes since midnight
	ampm       bool
	day, month int // numDate
	year       int // numDate, 0 when not given
	from, to   int // numRange: minutes since midnight
	toAmPm     bool
}

// readNumber reads a token of digits; kind is numNone when it is none of
// the shapes the parser knows.
func readNumber(t string) number {
	if t == "" || t[0] < '0' || t[0] > '9' {
		return number{}
	}
	if isDigits(t) {
		v, err := strconv.Atoi(t)
		if err != nil || len(t) > 4 {
			return number{}
		}
		return number{kind: numInt, v: v}
	}
	if a, b, ok := strings.Cut(t, "-"); ok {
		x, okx := readClock(a)
		y, oky := readClock(b)
		if !okx || !oky {
			return number{}
		}
		from, to := x.v, y.v
		if !y.ampm && to <= from && to+12*60 <= 24*60 {
			to += 12 * 60
		}
		return number{kind: numRange, from: from, to: to}
	}
	if strings.Contains(t, "/") {
		parts := strings.Split(t, "/")
		if len(parts) > 3 {
			return number{}
		}
		var v [3]int
		for i, p := range parts {
			n, err := strconv.Atoi(p)
			if err != nil {
				return number{}
			}
			v[i] = n
		}
		if v[0] < 1 || v[0] > 31 || v[1] < 1 || v[1] > 12 {
			return number{}
		}
		y := v[2]
		if len(parts) == 3 && y < 100 {
			y += 2000
		}
		return number{kind: numDate, day: v[0], month: v[1], year: y}
	}
	for _, suf := range [...]string{"st", "nd", "rd", "th"} {
		if d, ok := strings.CutSuffix(t, suf); ok && isDigits(d) && len(d) <= 2 {
			v, _ := strconv.Atoi(d)
			if v >= 1 && v <= 31 {
				return number{kind: numDayTh, v: v}
			}
			return number{}
		}
	}
	if c, ok := readClock(t); ok {
		return number{kind: numClock, v: c.v, ampm: c.ampm}
	}
	return number{}
}

// readClock reads "9", "14:30", "14.30", "9am", "1pm" or "2:30pm".
func readClock(t string) (number, bool) {
	ampm := ""
	if s, ok := strings.CutSuffix(t, "am"); ok {
		t, ampm = s, "am"
	} else if s, ok := strings.CutSuffix(t, "pm"); ok {
		t, ampm = s, "pm"
	}
	hs, ms, hasMin := strings.Cut(t, ":")
	if !hasMin {
		hs, ms, hasMin = strings.Cut(t, ".")
	}
	if !isDigits(hs) || len(hs) > 2 || hasMin && (!isDigits(ms) || len(ms) != 2) {
		return number{}, false
	}
	h, _ := strconv.Atoi(hs)
	m := 0
	if hasMin {
		m, _ = strconv.Atoi(ms)
	}
	if m > 59 || h > 24 {
		return number{}, false
	}
	if ampm != "" {
		if h < 1 || h > 12 {
			return number{}, false
		}
		h = applyAmPm(h, ampm)
	}
	return number{kind: numClock, v: h*60 + m, ampm: ampm != ""}, true
}

// applyAmPm turns a 12-hour clock hour into a 24-hour one.
func applyAmPm(h int, ampm string) int {
	switch {
	case ampm == "am" && h == 12:
		return 0
	case ampm == "pm" && h < 12:
		return h + 12
	}
	return h
}

// timeFacts gathers what the message says about time before the readings
// are reconciled.
type timeFacts struct {
	explicit   time.Time // a calendar date written out
	rel        time.Time // oggi, domani, dopodomani
	weekday    time.Time // the day the weekday named means
	hasWeekday bool
}

// clockAt reads a clock time at span k, with a following "am"/"pm" span.
// It returns the minutes, the number of spans read and whether am/pm was
// given.
func (st *state) clockAt(k int) (int, int, bool, bool) {
	s := st.at(k)
	if s.used || s.j-s.i != 1 {
		return 0, 0, false, false
	}
	n := readNumber(s.text)
	switch n.kind {
	case numInt:
		if n.v > 24 {
			return 0, 0, false, false
		}
		if ap, ok := st.at(k + 1).e.get(kAmPm); ok {
			if n.v < 1 || n.v > 12 {
				return 0, 0, false, false
			}
			return applyAmPm(n.v, ap.code) * 60, 2, true, true
		}
		return n.v * 60, 1, false, true
	case numClock:
		return n.v, 1, n.ampm, true
	}
	return 0, 0, false, false
}

// parseTime reads dates, weekdays, parts of the day, spans of hours and
// "now", and reconciles them into r.When.
func (st *state) parseTime(r *Request, now time.Time) {
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())
	var f timeFacts
	w := &r.When
	// Spans of hours: "dalle 9 alle 13", "from 9 to 1pm", "9-13".
	for k := 0; k < st.ns; k++ {
		s := &st.spans[k]
		if s.used {
			continue
		}
		if s.e.has(kFrom) {
			k2 := k + 1
			if st.at(k2).e.has(kArticle) {
				k2++
			}
			from, n, _, ok := st.clockAt(k2)
			if !ok {
				continue
			}
			end := k2 + n
			k3 := end
			if st.at(k3).e.has(kTo) {
				k3++
				if st.at(k3).e.has(kArticle) && st.at(k3).text != "a" {
					k3++
				}
				if to, n2, ampm, ok := st.clockAt(k3); ok {
					if !ampm && to <= from && to+12*60 <= 24*60 {
						to += 12 * 60
					}
					w.From, w.To = from, to
					end = k3 + n2
				} else {
					w.From = from
				}
			} else {
				w.From = from
			}
			for x := k; x < end; x++ {
				st.spans[x].used = true
			}
			k = end - 1
			continue
		}
		// A single time: "alle 15", "verso le 9", "at 3pm": an hour from then.
		if s.e.has(kAt) && w.From == 0 && w.To == 0 {
			k2 := k + 1
			if st.at(k2).e.has(kArticle) {
				k2++
			}
			if at, n, ampm, ok := st.clockAt(k2); ok && at > 0 && at < 24*60 {
				if !ampm && at < 8*60 { // "alle 3" is in the afternoon
					at += 12 * 60
				}
				w.From, w.To = at, min(at+60, 24*60)
				for x := k; x < k2+n; x++ {
					st.spans[x].used = true
				}
				k = k2 + n - 1
				continue
			}
		}
		if s.j-s.i == 1 && !s.e.has(kService) {
			if n := readNumber(s.text); n.kind == numRange {
				w.From, w.To = n.from, n.to
				s.used = true
			}
		}
	}
	// Dates, weekdays, parts and "now".
	for k := 0; k < st.ns; k++ {
		s := &st.spans[k]
		if s.used {
			continue
		}
		if s.j-s.i == 1 && !s.e.has(kService) {
			n := readNumber(s.text)
			switch n.kind {
			case numDate:
				if d, ok := dayMonth(today, n.day, n.month, n.year); ok {
					f.explicit = d
					s.used = true
				}
				continue
			case numInt, numDayTh:
				if n.v < 1 || n.v > 31 {
					continue
				}
				next, prev := st.at(k+1), st.at(k-1)
				if m, ok := next.e.get(kMonth); ok && !next.used {
					if d, ok := dayMonth(today, n.v, m.n, 0); ok {
						f.explicit = d
						s.used, next.used = true, true
					}
					continue
				}
				if m, ok := prev.e.get(kMonth); ok && !prev.used {
					if d, ok := dayMonth(today, n.v, m.n, 0); ok {
						f.explicit = d
						s.used, prev.used = true, true
					}
					continue
				}
				if n.kind == numDayTh || prev.e.has(kArticle) || prev.e.has(kWeekday) {
					if next.e.has(kUnit) || next.e.has(kTimeUnit) || next.e.has(kAmPm) {
						continue
					}
					if st.at(k+1).e.has(kTo) && readNumber(st.at(k+2).text).kind != numNone {
						continue
					}
					f.explicit = dayOfMonth(today, n.v)
					s.used = true
				}
				continue
			}
		}
		if s.e == nil {
			continue
		}
		for _, x := range s.e.senses {
			switch x.kind {
			case kPart:
				w.Part = Part(x.code)
				s.used = true
			case kDayRel:
				f.rel = today.AddDate(0, 0, x.n)
				if x.code != "" {
					w.Part = Part(x.code)
				}
				s.used = true
			case kWeekday:
				if x.weak && !st.at(k+1).e.has(kPart) && readNumber(st.at(k+1).text).kind == numNone {
					continue
				}
				next := st.at(k-1).e.has(kNext) || st.at(k+1).e.has(kNext)
				f.weekday = nextWeekday(today, time.Weekday(x.n), next)
				f.hasWeekday = true
				s.used = true
				for _, d := range [...]int{-1, 1} {
					if a := st.at(k + d); a.e.has(kNext) {
						a.used = true
					}
				}
			case kNow:
				w.Now = true
				s.used = true
			case kNowWeak:
				if st.at(k-1).e.has(kOpen) || st.at(k+1).e.has(kOpen) {
					w.Now = true
					s.used = true
				}
			}
			if s.used {
				break
			}
		}
	}
	switch {
	case !f.explicit.IsZero():
		w.Date = f.explicit
		if f.hasWeekday && f.weekday.Weekday() != f.explicit.Weekday() {
			w.Conflict, w.AltDate = true, f.weekday
		} else if !f.rel.IsZero() && !f.rel.Equal(f.explicit) {
			w.Conflict, w.AltDate = true, f.rel
		}
	case !f.rel.IsZero():
		w.Date = f.rel
		if f.hasWeekday && f.weekday.Weekday() != f.rel.Weekday() {
			w.Conflict, w.AltDate = true, f.weekday
		}
	case f.hasWeekday:
		w.Date = f.weekday
	}
}

// nextWeekday returns the next day on or after today that falls on wd. With
// strict ("venerdì prossimo", "next friday") it returns the next such day
// after today: on a Wednesday, "next friday" is in two days and "next
// wednesday" in seven.
func nextWeekday(today time.Time, wd time.Weekday, strict bool) time.Time {
	d := (int(wd) - int(today.Weekday()) + 7) % 7
	if d == 0 && strict {
		d = 7
	}
	return today.AddDate(0, 0, d)
}

// dayOfMonth returns the next date on or after today whose day of the month
// is day.
func dayOfMonth(today time.Time, day int) time.Time {
	for i := 0; i < 13; i++ {
		first := time.Date(today.Year(), today.Month()+time.Month(i), 1, 0, 0, 0, 0, today.Location())
		d := first.AddDate(0, 0, day-1)
		if d.Month() == first.Month() && !d.Before(today) {
			return d
		}
	}
	return time.Time{}
}

// dayMonth returns the date with the given day and month: in year when it is
// not 0, else the next one on or after today (29 February may be years
// away). It reports false for a date that does not exist.
func dayMonth(today time.Time, day, month, year int) (time.Time, bool) {
	y, last := year, year
	if year == 0 {
		y, last = today.Year(), today.Year()+8
	}
	for ; y <= last; y++ {
		d := time.Date(y, time.Month(month), day, 0, 0, 0, 0, today.Location())
		if d.Day() == day && (year != 0 || !d.Before(today)) {
			return d, true
		}
	}
	return time.Time{}, false
}

// countAt reads a count at span k: digits or a number word.
func (st *state) countAt(k int) (int, bool) {
	s := st.at(k)
	if s.used {
		return 0, false
	}
	if s.j-s.i == 1 && isDigits(s.text) && len(s.text) <= 3 {
		v, _ := strconv.Atoi(s.text)
		return v, v > 0
	}
	if n, ok := s.e.get(kNumWord); ok {
		return n.n, true
	}
	return 0, false
}

// parseQuantity reads how many desks or people: "2 scrivanie", "per 3
// persone", "siamo in 4", "for 4", and "a desk" for one. An explicit count
// wins over the one an article implies.
func (st *state) parseQuantity(r *Request) {
	implicit := 0
	for k := 0; k < st.ns; k++ {
		s := &st.spans[k]
		if s.used {
			continue
		}
		if v, ok := st.countAt(k); ok && st.at(k+1).e.has(kUnit) && !st.at(k+1).used {
			r.Quantity = v
			s.used, st.spans[k+1].used = true, true
			continue
		}
		if s.e.has(kPer) || s.e.has(kWeAre) {
			if v, ok := st.countAt(k + 1); ok {
				next := st.at(k + 2)
				if next.e.has(kTimeUnit) || next.e.has(kMonth) || next.e.has(kAmPm) {
					continue
				}
				r.Quantity = v
				st.spans[k+1].used = true
				if next.e.has(kUnit) {
					next.used = true
				}
				continue
			}
		}
		if s.e.has(kIndef) && st.at(k+1).e.has(kUnit) && !st.at(k+1).used {
			implicit = 1
		}
	}
	if r.Quantity == 0 {
		r.Quantity = implicit
	}
}

// parseOrdinal reads a reference to the results shown last: "la prima",
// "il secondo", "the first one", "numero 2", "details of 2".
func (st *state) parseOrdinal(r *Request, c Context) {
	for k := 0; k < st.ns; k++ {
		s := &st.spans[k]
		if s.used {
			continue
		}
		if o, ok := s.e.get(kOrdinal); ok {
			prev := st.at(k - 1)
			if (prev.e.has(kArticle) || st.at(k+1).text == "one") && !st.at(k+1).e.has(kPart) {
				r.Ordinal = o.n
				s.used = true
				return
			}
		}
		if s.e.has(kOrdRef) && len(c.LastResults) > 0 {
			if v, ok := st.countAt(k + 1); ok && v <= len(c.LastResults) && !st.at(k+2).e.has(kUnit) {
				r.Ordinal = v
				s.used, st.spans[k+1].used = true, true
				return
			}
		}
	}
}
