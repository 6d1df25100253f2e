package bot

import (
	"fmt"
	"html"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/comune-seregno/coworkbot/locales"
	"github.com/comune-seregno/coworkbot/registry"
	"github.com/comune-seregno/coworkbot/registry/hours"
)

// esc escapes user- or provider-supplied text for Telegram HTML.
func esc(s string) string { return html.EscapeString(s) }

// maxMessage is below Telegram's 4,096 characters, with room for entities.
const maxMessage = 3900

// splitLong cuts replies longer than maxMessage at line breaks; the buttons
// go with the last piece.
func splitLong(rs []Reply) []Reply {
	var out []Reply
	for _, r := range rs {
		if utf8.RuneCountInString(r.Text) <= maxMessage {
			out = append(out, r)
			continue
		}
		start := len(out)
		var chunk strings.Builder
		runes := 0 // in chunk
		flush := func() {
			if chunk.Len() > 0 {
				out = append(out, Reply{Text: strings.TrimRight(chunk.String(), "\n")})
				chunk.Reset()
				runes = 0
			}
		}
		for _, line := range strings.SplitAfter(r.Text, "\n") {
			for utf8.RuneCountInString(line) > maxMessage { // one huge line: cut at runes
				flush()
				cut := []rune(line)
				out = append(out, Reply{Text: string(cut[:maxMessage])})
				line = string(cut[maxMessage:])
			}
			n := utf8.RuneCountInString(line)
			if runes+n > maxMessage {
				flush()
			}
			chunk.WriteString(line)
			runes += n
		}
		flush()
		last := &out[len(out)-1]
		last.Buttons, last.Keyboard = r.Buttons, r.Keyboard
		out[start].Edit = r.Edit // only the first piece can replace the old message
	}
	return out
}

// serviceLabel is a service's name with its emoji.
func serviceLabel(l *locales.Localizer, svc registry.Service) string {
	return l.T("svc." + string(svc))
}

func serviceList(l *locales.Localizer, set registry.ServiceSet) string {
	var parts []string
	for _, svc := range set.List() {
		parts = append(parts, serviceLabel(l, svc))
	}
	return strings.Join(parts, " · ")
}

// distance writes metres as "350 m" or "2,3 km".
func distance(l *locales.Localizer, m float64) string {
	if m < 1000 {
		return fmt.Sprintf("%d m", int(m/10+0.5)*10)
	}
	km := fmt.Sprintf("%.1f", m/1000)
	if l.Lang == "it" {
		km = strings.Replace(km, ".", ",", 1)
	}
	return km + " km"
}

// hoursNames are the words hours.Format needs, in the user's language.
func hoursNames(l *locales.Localizer) hours.Names {
	var n hours.Names
	copy(n.Days[:], strings.Split(l.T("days.short"), ","))
	n.Off, n.Holidays, n.Always, n.HolidaysUsual = l.T("hours.off"), l.T("hours.holidays"), l.T("hours.always"), l.T("hours.holidays_usual")
	return n
}

// clock writes minutes since midnight as "8:30".
func clock(min int) string { return fmt.Sprintf("%d:%02d", min/60, min%60) }

// weekdayName is a weekday in the user's language, Monday first in the file.
func weekdayName(l *locales.Localizer, d time.Weekday, long bool) string {
	key := "days.short"
	if long {
		key = "days.long"
	}
	names := strings.Split(l.T(key), ",")
	return names[(int(d)+6)%7]
}

// dayName writes a date relative to today: "oggi", "domani", "venerdì 4 dicembre".
func dayName(l *locales.Localizer, today, day time.Time) string {
	switch days := daysBetween(today, day); days {
	case 0:
		return l.T("day.today")
	case 1:
		return l.T("day.tomorrow")
	}
	return dateName(l, day)
}

// shortDay writes a date short, with "oggi" or "domani" beside it where
// it helps: "gio 3 dic (domani)", "ven 11 dic".
func shortDay(l *locales.Localizer, today, day time.Time) string {
	months := strings.Split(l.T("months.short"), ",")
	text := l.T("day.short", "Weekday", weekdayName(l, day.Weekday(), false), "Day", day.Day(), "Month", months[day.Month()-1])
	switch daysBetween(today, day) {
	case 0:
		text += " (" + l.T("day.today") + ")"
	case 1:
		text += " (" + l.T("day.tomorrow") + ")"
	}
	return text
}

// dateName writes a date in full: "venerdì 4 dicembre".
func dateName(l *locales.Localizer, day time.Time) string {
	months := strings.Split(l.T("months.long"), ",")
	return l.T("day.date", "Weekday", weekdayName(l, day.Weekday(), true), "Day", day.Day(), "Month", months[day.Month()-1])
}

// daysBetween counts calendar days from a to b.
func daysBetween(a, b time.Time) int {
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	return int(time.Date(by, bm, bd, 12, 0, 0, 0, time.UTC).Sub(time.Date(ay, am, ad, 12, 0, 0, 0, time.UTC)).Hours() / 24)
}

// openStatus says whether a space is open now and until when, or when it
// opens next.
func openStatus(l *locales.Localizer, sp *registry.Space, now time.Time, cal hours.Calendar) string {
	if sp.Hours.Always() {
		return l.T("open.always")
	}
	if sp.Hours.OpenAt(now, cal) {
		minute := now.Hour()*60 + now.Minute()
		for _, span := range sp.Hours.Spans(now, cal) {
			if span.From <= minute && minute < span.To && span.To < 24*60 {
				return l.T("open.until", "Time", clock(span.To))
			}
		}
		return l.T("open.now")
	}
	next, ok := sp.Hours.NextOpening(now, cal)
	if !ok {
		return l.T("open.never")
	}
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())
	when := dayName(l, today, next)
	if d := daysBetween(today, next); d > 1 && d < 7 {
		when = weekdayName(l, next.Weekday(), true)
	}
	return l.T("open.next", "When", when, "Time", clock(next.Hour()*60+next.Minute()))
}

// euro writes cents as "15 €" or "12,50 €".
func euro(l *locales.Localizer, cents int) string {
	s := fmt.Sprintf("%d", cents/100)
	if cents%100 != 0 {
		s = fmt.Sprintf("%d.%02d", cents/100, cents%100)
		if l.Lang == "it" {
			s = strings.Replace(s, ".", ",", 1)
		}
	}
	return s + " €"
}
