package intent

import (
	"strconv"
	"strings"
	"time"

	"github.com/comune-seregno/coworkbot/registry/hours"
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
		from, to := hourSpan(x.v, x.ampm, y.v, y.ampm)
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
	explicit   time.Time // a calendar date written out, or a holiday
	rel        time.Time // oggi, domani, dopodomani
	weekday    time.Time // the day the weekday named means
	hasWeekday bool
	from, to   time.Time // a range of days ("questo weekend", "dal 3 al 5 febbraio")
}

// clockAt reads a clock time at span k, with a following "am"/"pm" span.
// It returns the minutes, the number of spans read and whether am/pm was
// given. A number followed by a month, a unit or a time unit ("24
// dicembre", "6 persone", "2 giorni") is no clock time.
func (st *state) clockAt(k int) (int, int, bool, bool) {
	s := st.at(k)
	if c, ok := s.e.get(kClock); ok && !s.used {
		return c.n, 1, true, true
	}
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
		if next := st.at(k + 1); next.e.has(kMonth) || next.e.has(kUnit) || next.e.has(kTimeUnit) || next.e.has(kCompanion) {
			return 0, 0, false, false
		}
		return n.v * 60, 1, false, true
	case numClock:
		return n.v, 1, n.ampm, true
	}
	return 0, 0, false, false
}

// afternoon reads an hour given without am/pm the way people mean it at a
// coworking: "alle 3" … "alle 7" are in the afternoon.
func afternoon(at int, ampm bool) int {
	if !ampm && at > 0 && at < 8*60 {
		return at + 12*60
	}
	return at
}

// parseTime reads dates, weekdays, parts of the day, spans of hours and
// "now", and reconciles them into r.When.
func (st *state) parseTime(r *Request, now time.Time) {
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())
	var f timeFacts
	w := &r.When
	ampm := st.parseHours(w)
	st.parseDayRange(&f, today)
	holidaySpan := -1
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
					holidaySpan = st.release(holidaySpan)
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
						holidaySpan = st.release(holidaySpan)
					}
					continue
				}
				if m, ok := prev.e.get(kMonth); ok && !prev.used {
					if d, ok := dayMonth(today, n.v, m.n, 0); ok {
						f.explicit = d
						s.used, prev.used = true, true
						holidaySpan = st.release(holidaySpan)
					}
					continue
				}
				if n.kind == numDayTh || prev.e.has(kArticle) || prev.e.has(kWeekday) {
					if next.e.has(kUnit) || next.e.has(kTimeUnit) || next.e.has(kAmPm) || next.e.has(kCompanion) {
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
			case kHoliday:
				if f.explicit.IsZero() {
					f.explicit, holidaySpan = holiday(today, x.code), k
					s.used = true
				}
			case kRange:
				f.from, f.to = dayRange(today, x.code)
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
	// "stasera alle 9", "after 9 tonight": the evening's hours.
	if !ampm && (w.Part == Evening || w.Part == Afternoon) {
		for _, m := range []*int{&w.From, &w.To} {
			if *m > 0 && *m < 12*60 {
				*m += 12 * 60
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
	case !f.from.IsZero():
		w.Date = f.from
		if f.to.After(f.from) {
			w.EndDate = f.to
		}
	}
}

// release gives back span k, taken as a holiday, when a date written in
// numbers says the day ("Aperitivo di Natale, 18 dicembre"): the holiday
// is then a word of a title. It returns -1.
func (st *state) release(k int) int {
	if k >= 0 {
		st.spans[k].used = false
	}
	return -1
}

// parseHours reads spans of hours ("dalle 9 alle 13", "from 3 to 7 pm",
// "9-13") and single times: "alle 15" (an hour from then), "dopo le 20"
// (from then), "fino alle 21", "entro le 18" (up to then). It reports
// whether am or pm was written.
func (st *state) parseHours(w *When) (ampm bool) {
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
			from, n, fromAmPm, ok := st.clockAt(k2)
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
				to, n2, toAmPm, ok := st.clockAt(k3)
				if !ok {
					w.From = afternoon(from, fromAmPm)
				} else {
					w.From, w.To = hourSpan(from, fromAmPm, to, toAmPm)
					end = k3 + n2
					ampm = ampm || toAmPm
				}
			} else {
				w.From = afternoon(from, fromAmPm)
			}
			ampm = ampm || fromAmPm
			for x := k; x < end; x++ {
				st.spans[x].used = true
			}
			k = end - 1
			continue
		}
		if w.From == 0 && w.To == 0 && (s.e.has(kAfter) || s.e.has(kUntil) || s.e.has(kAt)) {
			k2 := k + 1
			if st.at(k2).e.has(kArticle) {
				k2++
			}
			if at, n, atAmPm, ok := st.clockAt(k2); ok && at > 0 && (at < 24*60 || s.e.has(kUntil)) {
				at = afternoon(at, atAmPm)
				ampm = ampm || atAmPm
				switch {
				case s.e.has(kAfter):
					w.From = at
				case s.e.has(kUntil):
					w.To = at
				default: // "alle 15": an hour from then
					w.From, w.To = at, min(at+60, 24*60)
				}
				for x := k; x < k2+n; x++ {
					st.spans[x].used = true
				}
				k = k2 + n - 1
				continue
			}
		}
		if s.e.has(kLunch) && w.From == 0 && w.To == 0 { // the hour most split hours close
			w.From, w.To = 13*60, 14*60
			s.used, ampm = true, true
			continue
		}
		if s.j-s.i == 1 && !s.e.has(kService) {
			if n := readNumber(s.text); n.kind == numRange {
				w.From, w.To = n.from, n.to
				s.used = true
				ampm = ampm || strings.Contains(s.text, "am") || strings.Contains(s.text, "pm")
			}
		}
	}
	return ampm
}

// hourSpan reconciles the two ends of a span of hours: "dalle 9 alle 1" ends at
// 13:00, "from 3 to 7 pm" starts at 15:00, "dalle 3 alle 7" is in the
// afternoon.
func hourSpan(from int, fromAmPm bool, to int, toAmPm bool) (int, int) {
	if !toAmPm && to <= from && to+12*60 <= 24*60 {
		to += 12 * 60
	}
	switch {
	case toAmPm && !fromAmPm && from < 12*60 && from+12*60 <= to:
		from += 12 * 60
	case !toAmPm && !fromAmPm && from > 0 && from < 8*60 && to < 12*60:
		from, to = from+12*60, to+12*60
	}
	return from, to
}

// dayRef is a day as written, before it is placed in the calendar.
type dayRef struct {
	day, month, year int // 0 when not given
	weekday          int // -1 when not given
	date             time.Time
}

// dayAt reads a day at span k: "24 dicembre", "december 24", "24", "24th",
// "24/12", a weekday, a holiday. It returns the day and the spans read.
func (st *state) dayAt(k int, today time.Time) (dayRef, int, bool) {
	d := dayRef{weekday: -1}
	start := k
	if st.at(k).e.has(kArticle) {
		k++
	}
	s := st.at(k)
	if s.used || s.e == nil && !isDigitsOrTh(s.text) && !strings.Contains(s.text, "/") {
		return d, 0, false
	}
	if h, ok := s.e.get(kHoliday); ok {
		d.date = holiday(today, h.code)
		return d, k + 1 - start, true
	}
	if wd, ok := s.e.get(kWeekday); ok && !wd.weak {
		d.weekday = wd.n
		k++
		if st.at(k).e.has(kArticle) {
			k++
		}
		s = st.at(k)
		if n := readNumber(s.text); s.used || n.kind != numInt && n.kind != numDayTh {
			return d, k - start, true
		}
	}
	if m, ok := s.e.get(kMonth); ok && !m.weak {
		n := readNumber(st.at(k + 1).text)
		if n.kind != numInt && n.kind != numDayTh || n.v < 1 || n.v > 31 || st.at(k+1).used {
			return d, 0, false
		}
		d.day, d.month = n.v, m.n
		return d, k + 2 - start, true
	}
	n := readNumber(s.text)
	switch n.kind {
	case numDate:
		d.day, d.month, d.year = n.day, n.month, n.year
		return d, k + 1 - start, true
	case numInt, numDayTh:
		if n.v < 1 || n.v > 31 {
			return d, 0, false
		}
		d.day = n.v
		if m, ok := st.at(k + 1).e.get(kMonth); ok && !st.at(k+1).used {
			d.month = m.n
			return d, k + 2 - start, true
		}
		if next := st.at(k + 1); next.e.has(kUnit) || next.e.has(kTimeUnit) || next.e.has(kAmPm) || next.e.has(kCompanion) {
			return d, 0, false
		}
		return d, k + 1 - start, true
	}
	return d, 0, false
}

// isDigitsOrTh reports whether t is a number, or a day like "3rd".
func isDigitsOrTh(t string) bool {
	k := readNumber(t).kind
	return k == numInt || k == numDayTh
}

// parseDayRange reads a range of days written with both ends: "dal 24
// dicembre al 6 gennaio", "dal 3 al 5 febbraio", "da lunedì a venerdì",
// "from december 24 to january 6".
func (st *state) parseDayRange(f *timeFacts, today time.Time) {
	for k := 0; k < st.ns; k++ {
		s := &st.spans[k]
		if s.used || !s.e.has(kDateFrom) {
			continue
		}
		a, na, ok := st.dayAt(k+1, today)
		if !ok {
			continue
		}
		k2 := k + 1 + na
		if !st.at(k2).e.has(kDateTo) || st.at(k2).used {
			continue
		}
		b, nb, ok := st.dayAt(k2+1, today)
		if !ok || a.weekday >= 0 != (b.weekday >= 0) && a.day == 0 && b.day == 0 {
			continue
		}
		from, to, ok := placeRange(today, a, b)
		if !ok {
			continue
		}
		f.from, f.to = from, to
		for x := k; x < k2+1+nb; x++ {
			st.spans[x].used = true
		}
		return
	}
}

// placeRange places the two ends of a range of days in the calendar: a
// month or a year written at one end holds for the other ("dal 3 al 5
// febbraio"), and the end is never before the start.
func placeRange(today time.Time, a, b dayRef) (time.Time, time.Time, bool) {
	if a.month == 0 && b.month != 0 {
		a.month, a.year = b.month, b.year
	}
	if b.month == 0 && a.month != 0 {
		b.month, b.year = a.month, a.year
	}
	place := func(d dayRef, after time.Time) (time.Time, bool) {
		switch {
		case !d.date.IsZero():
			return d.date, true
		case d.month != 0:
			return dayMonth(today, d.day, d.month, d.year)
		case d.day != 0:
			return dayOfMonth(after, d.day), true
		case d.weekday >= 0:
			return nextWeekday(after, time.Weekday(d.weekday), false), true
		}
		return time.Time{}, false
	}
	from, ok := place(a, today)
	if !ok {
		return from, from, false
	}
	to, ok := place(b, from)
	if !ok {
		return from, from, false
	}
	for i := 0; to.Before(from) && i < 2; i++ {
		to = to.AddDate(1, 0, 0)
	}
	return from, to, !to.Before(from)
}

// dayRange returns the first and last day of a range named by a word.
// "This weekend" is the coming Saturday and Sunday (today and tomorrow on
// a Saturday, today on a Sunday); "next weekend" is the same on a weekday
// and the following one on a weekend. "Next week" runs Monday to Sunday.
func dayRange(today time.Time, code string) (time.Time, time.Time) {
	wd := today.Weekday()
	switch code {
	case "weekend", "nextweekend":
		sat := nextWeekday(today, time.Saturday, false)
		switch {
		case code == "nextweekend" && (wd == time.Saturday || wd == time.Sunday):
			sat = nextWeekday(today.AddDate(0, 0, 1), time.Saturday, false)
		case wd == time.Sunday:
			return today, today
		}
		return sat, sat.AddDate(0, 0, 1)
	case "week":
		return today, nextWeekday(today, time.Sunday, false)
	case "nextweek":
		mon := nextWeekday(today, time.Monday, true)
		return mon, mon.AddDate(0, 0, 6)
	case "month":
		return today, time.Date(today.Year(), today.Month()+1, 0, 0, 0, 0, 0, today.Location())
	case "nextmonth":
		first := time.Date(today.Year(), today.Month()+1, 1, 0, 0, 0, 0, today.Location())
		return first, first.AddDate(0, 1, -1)
	}
	return time.Time{}, time.Time{}
}

// holiday returns the next day on or after today of a holiday: code is
// "MM-DD" for a fixed date, or "easter+N" for N days after Easter Sunday.
func holiday(today time.Time, code string) time.Time {
	for y := today.Year(); y <= today.Year()+1; y++ {
		var d time.Time
		if off, ok := strings.CutPrefix(code, "easter+"); ok {
			n, _ := strconv.Atoi(off)
			d = easter(y, today.Location()).AddDate(0, 0, n)
		} else {
			m, _ := strconv.Atoi(code[:2])
			day, _ := strconv.Atoi(code[3:])
			d = time.Date(y, time.Month(m), day, 0, 0, 0, 0, today.Location())
		}
		if !d.Before(today) {
			return d
		}
	}
	return time.Time{}
}

// easter returns Easter Sunday of year y in loc, as the opening hours'
// calendar computes it.
func easter(y int, loc *time.Location) time.Time {
	m, d := hours.Easter(y)
	return time.Date(y, m, d, 0, 0, 0, 0, loc)
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

// pastReach is how far back a date written without a year may lie: "30
// novembre" on 2 December is that past day (the bot says it is past), a
// date further back is next year's.
const pastReach = 2 // months

// dayMonth returns the date with the given day and month: in year when it is
// not 0, else the first one from pastReach months ago on (29 February may
// be years away). It reports false for a date that does not exist.
func dayMonth(today time.Time, day, month, year int) (time.Time, bool) {
	if year != 0 {
		d := time.Date(year, time.Month(month), day, 0, 0, 0, 0, today.Location())
		return d, d.Day() == day
	}
	reach := today.AddDate(0, -pastReach, 0)
	for y := today.Year() - 1; y <= today.Year()+8; y++ {
		d := time.Date(y, time.Month(month), day, 0, 0, 0, 0, today.Location())
		if d.Day() == day && !d.Before(reach) {
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
// persone", "siamo in 4", "for 4", "io e 2 colleghi", "per me e un
// collega", "noi due", "in 3", and "a desk" for one. An explicit count wins
// over the one an article implies.
func (st *state) parseQuantity(r *Request) {
	implicit := 0
	set := func(v int, desk bool, from, to int) {
		r.Quantity, st.qtyDesk, st.qtyExplicit = v, desk, true
		for x := from; x < to; x++ {
			st.spans[x].used = true
		}
	}
	for k := 0; k < st.ns; k++ {
		s := &st.spans[k]
		if s.used {
			continue
		}
		if v, ok := st.countAt(k); ok && st.at(k+1).e.has(kUnit) && !st.at(k+1).used {
			// "una sala da 40 posti" counts seats, not desks.
			u, _ := st.at(k + 1).e.get(kUnit)
			set(v, u.code == "desk" && st.at(k-1).text != "da", k, k+2)
			continue
		}
		if s.e.has(kSelf) && st.at(k+1).e.has(kConnector) {
			if v, n := st.companions(k + 2); n > 0 {
				set(v+1, false, k, k+2+n)
				k += 1 + n
				continue
			}
		}
		if s.e.has(kPer) || s.e.has(kWeAre) || s.e.has(kWe) {
			if v, ok := st.countAt(k + 1); ok {
				next := st.at(k + 2)
				if next.e.has(kTimeUnit) || next.e.has(kMonth) || next.e.has(kAmPm) || s.e.has(kWe) && !s.e.has(kPer) && (v > 30 || next.e.has(kUnit) && !st.unitIsPeople(next)) {
					continue
				}
				end := k + 2
				if next.e.has(kUnit) || next.e.has(kCompanion) {
					end++
				}
				u, _ := next.e.get(kUnit)
				set(v, u.code == "desk", k+1, end)
				continue
			}
		}
		if s.e.has(kIndef) && st.at(k+1).e.has(kUnit) && !st.at(k+1).used {
			implicit = 1
		}
	}
	if r.Quantity == 0 {
		r.Quantity, st.qtyDesk = implicit, true
	}
}

// unitIsPeople reports whether the unit of span s counts people.
func (st *state) unitIsPeople(s *span) bool {
	u, ok := s.e.get(kUnit)
	return ok && u.code != "desk"
}

// companions reads who comes along, at span k after "io e" / "me and": "2
// colleghi", "altri tre", "un collega", "il mio socio", "mia moglie". It
// returns how many and the spans read, 0 when none.
func (st *state) companions(k int) (int, int) {
	start := k
	if st.at(k).e.has(kOther) {
		k++
	}
	if v, ok := st.countAt(k); ok {
		if st.at(k + 1).e.has(kCompanion) {
			return v, k + 2 - start
		}
		if k > start { // "io e altri tre"
			return v, k + 1 - start
		}
		return 0, 0
	}
	if st.at(k).e.has(kArticle) && st.at(k+1).e.flag(fMy) {
		k++
	}
	if st.at(k).e.has(kIndef) || st.at(k).e.flag(fMy) {
		k++
	}
	if k > start && st.at(k).e.has(kCompanion) {
		return 1, k + 1 - start
	}
	return 0, 0
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
