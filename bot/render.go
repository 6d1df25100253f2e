package bot

import (
	"fmt"
	"html"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/comune-seregno/coworkbot/locales"
	"github.com/comune-seregno/coworkbot/registry"
	"github.com/comune-seregno/coworkbot/registry/hours"
)

// esc escapes user- or provider-supplied text for Telegram HTML.
func esc(s string) string { return html.EscapeString(s) }

// maxMessage is below Telegram's 4,096 characters, with room to spare:
// Telegram counts the text as the person reads it (tags and entities
// resolved), in UTF-16 code units.
const maxMessage = 3900

// splitLong cuts replies longer than maxMessage into pieces Telegram takes:
// on the text, never inside a tag or an entity; at a blank line if there is
// one in the second half of the piece, else at a line break, else between
// words, else between characters. A tag open at a cut is closed at the end
// of the piece and opened again at the start of the next, so each piece is
// valid HTML on its own. The buttons and the keyboard go with the last
// piece; only the first can replace the pressed message.
func splitLong(rs []Reply) []Reply {
	var out []Reply
	for _, r := range rs {
		// A character is never longer as Telegram counts it (UTF-16 code
		// units, a tag or an entity nothing or one) than in UTF-8 bytes.
		if len(r.Text) <= maxMessage || htmlLen(r.Text) <= maxMessage {
			out = append(out, r)
			continue
		}
		pieces := splitHTML(r.Text, maxMessage)
		for i, text := range pieces {
			p := Reply{Text: text}
			if i == 0 {
				p.Edit = r.Edit
			}
			if i == len(pieces)-1 {
				p.Buttons, p.Keyboard = r.Buttons, r.Keyboard
			}
			out = append(out, p)
		}
	}
	return out
}

// htmlToken is a tag, an entity or one character of Telegram HTML.
type htmlToken struct {
	raw   string
	width int    // what it counts in the text the person reads
	open  string // a tag's name when it opens one
	close string // a tag's name when it closes one
}

// tokenizeHTML cuts Telegram HTML into tags, entities and characters. Text
// that is not well formed (a "<" that opens nothing, a bare "&") is taken
// as characters, as Telegram reads a bare "&".
func tokenizeHTML(s string) []htmlToken {
	var out []htmlToken
	for i := 0; i < len(s); {
		switch s[i] {
		case '<':
			if j := strings.IndexByte(s[i:], '>'); j > 0 {
				raw := s[i : i+j+1]
				inner := strings.TrimSpace(raw[1 : len(raw)-1])
				t := htmlToken{raw: raw}
				if name, ok := strings.CutPrefix(inner, "/"); ok {
					t.close = strings.ToLower(strings.TrimSpace(name))
				} else if name := strings.ToLower(strings.Fields(inner + " ")[0]); name != "" {
					t.open = name
				}
				out = append(out, t)
				i += j + 1
				continue
			}
		case '&':
			if j := strings.IndexByte(s[i:], ';'); j > 1 && j < 12 && !strings.ContainsAny(s[i+1:i+j], " &<") {
				out = append(out, htmlToken{raw: s[i : i+j+1], width: 1})
				i += j + 1
				continue
			}
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		w := 1
		if r > 0xFFFF {
			w = 2
		}
		out = append(out, htmlToken{raw: s[i : i+n], width: w})
		i += n
	}
	return out
}

// htmlLen is the length of Telegram HTML as Telegram counts it.
func htmlLen(s string) int {
	n := 0
	for _, t := range tokenizeHTML(s) {
		n += t.width
	}
	return n
}

// splitHTML cuts s into pieces of at most max characters as Telegram counts
// them, each well formed.
func splitHTML(s string, max int) []string {
	toks := tokenizeHTML(s)
	var out []string
	var stack []htmlToken // the tags open, outermost first
	for start := 0; start < len(toks); {
		// The tags open at the start of the piece are opened again.
		var b strings.Builder
		open := slices.Clone(stack)
		for _, t := range open {
			b.WriteString(t.raw)
		}
		// The last place to cut of each rank: 1 between words, 2 at a line
		// break, 3 at a blank line.
		type cut struct {
			at    int // the first token of the next piece
			width int
			stack []htmlToken
		}
		var cuts [4]*cut
		width, end := 0, start
		cur := slices.Clone(stack)
		for end < len(toks) {
			t := toks[end]
			if width+t.width > max && t.width > 0 {
				break
			}
			switch {
			case t.open != "":
				cur = append(cur, t)
			case t.close != "":
				for k := len(cur) - 1; k >= 0; k-- {
					if cur[k].open == t.close {
						cur = append(cur[:k:k], cur[k+1:]...)
						break
					}
				}
			}
			width += t.width
			end++
			rank := 0
			switch t.raw {
			case "\n":
				rank = 2
				if end-2 >= start && toks[end-2].raw == "\n" {
					rank = 3
				}
			case " ":
				rank = 1
			}
			if rank > 0 {
				cuts[rank] = &cut{at: end, width: width, stack: slices.Clone(cur)}
			}
		}
		if end >= len(toks) { // the rest fits
			for _, t := range toks[start:] {
				b.WriteString(t.raw)
			}
			out = append(out, strings.TrimSpace(b.String()))
			break
		}
		// The best cut in the second half of the piece, else the last one,
		// else between characters.
		best := &cut{at: end, width: width, stack: slices.Clone(cur)}
		found := false
		for rank := 3; rank >= 1 && !found; rank-- {
			if c := cuts[rank]; c != nil && c.width >= max/2 {
				best, found = c, true
			}
		}
		for rank := 3; rank >= 1 && !found; rank-- {
			if c := cuts[rank]; c != nil {
				best, found = c, true
			}
		}
		for _, t := range toks[start:best.at] {
			b.WriteString(t.raw)
		}
		piece := strings.TrimRight(b.String(), " \n")
		for k := len(best.stack) - 1; k >= 0; k-- {
			piece += "</" + best.stack[k].open + ">"
		}
		out = append(out, strings.TrimSpace(piece))
		stack = best.stack
		start = best.at
		for start < len(toks) && (toks[start].raw == "\n" || toks[start].raw == " ") {
			start++
		}
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
