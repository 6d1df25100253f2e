package intent

import (
	"fmt"
	"strconv"
	"strings"
)

// OpeningHours reads opening hours as a person writes them, in Italian or
// English ("lun-ven 9-13 e 14-18, sabato 9-12", "mon to fri 8:30-18:30; sat
// closed", "dal lunedì al venerdì dalle 9 alle 18", "24/7") and returns them
// in the OpenStreetMap opening_hours syntax ("Mo-Fr 09:00-13:00,14:00-18:00;
// Sa 09:00-12:00"), or false when it cannot read them. It does not check the
// result: the caller parses it as it parses any opening_hours value.
func OpeningHours(text string) (string, bool) {
	toks := hoursTokens(text)
	if len(toks) == 0 {
		return "", false
	}
	var rules []string
	var days []string // day expressions of the rule being read: "Mo-Fr", "Sa"
	var spans []string
	flush := func(off bool) bool {
		switch {
		case len(days) == 0 && len(spans) == 0 && !off:
			return true
		case len(days) == 0:
			days = []string{"Mo-Su"} // hours with no days: every day
		}
		what := strings.Join(spans, ",")
		if off {
			what = "off"
		}
		if what == "" {
			return false // days with no hours
		}
		rules = append(rules, strings.Join(days, ",")+" "+what)
		days, spans = nil, nil
		return true
	}
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		switch t.kind {
		case htAlways:
			if len(toks) == 1 || (len(toks) == 2 && toks[1].kind == htSep) {
				return "24/7", true
			}
			spans = append(spans, "00:00-24:00")
		case htDay, htDays:
			if len(spans) > 0 && !flush(false) {
				return "", false
			}
			expr := t.days
			if t.kind == htDay && i+2 < len(toks) && toks[i+1].kind == htTo && toks[i+2].kind == htDay {
				expr = t.days + "-" + toks[i+2].days
				i += 2
			}
			days = append(days, expr)
		case htTime:
			if i+2 >= len(toks) || toks[i+1].kind != htTo || toks[i+2].kind != htTime {
				return "", false
			}
			from, to := t.min, toks[i+2].min
			if to <= from && to+12*60 > from && to+12*60 <= 24*60 {
				to += 12 * 60 // "9-1" is 9 to 13
			}
			spans = append(spans, clockOSM(from)+"-"+clockOSM(to))
			i += 2
		case htOff:
			if !flush(true) {
				return "", false
			}
		case htSep, htFrom:
		default:
			return "", false
		}
	}
	if !flush(false) || len(rules) == 0 {
		return "", false
	}
	return strings.Join(rules, "; "), true
}

type hoursTokenKind uint8

const (
	htDay    hoursTokenKind = iota + 1 // one day: days is "Mo" … "Su", "PH"
	htDays                             // a set of days: "Mo-Su", "Sa,Su"
	htTime                             // min is minutes since midnight
	htTo                               // "-", "a", "al", "alle", "to"
	htFrom                             // "dalle", "dal", "da", "from": says nothing
	htSep                              // ",", ";", "e", "and"
	htOff                              // "chiuso", "closed"
	htAlways                           // "24/7", "h24"
)

type hoursToken struct {
	kind hoursTokenKind
	days string
	min  int
}

// hoursWords are the words of opening hours, normalized.
var hoursWords = map[string]hoursToken{
	"lun": {kind: htDay, days: "Mo"}, "lunedi": {kind: htDay, days: "Mo"}, "mon": {kind: htDay, days: "Mo"}, "monday": {kind: htDay, days: "Mo"},
	"mar": {kind: htDay, days: "Tu"}, "martedi": {kind: htDay, days: "Tu"}, "tue": {kind: htDay, days: "Tu"}, "tues": {kind: htDay, days: "Tu"}, "tuesday": {kind: htDay, days: "Tu"},
	"mer": {kind: htDay, days: "We"}, "mercoledi": {kind: htDay, days: "We"}, "wed": {kind: htDay, days: "We"}, "wednesday": {kind: htDay, days: "We"},
	"gio": {kind: htDay, days: "Th"}, "giovedi": {kind: htDay, days: "Th"}, "thu": {kind: htDay, days: "Th"}, "thur": {kind: htDay, days: "Th"}, "thurs": {kind: htDay, days: "Th"}, "thursday": {kind: htDay, days: "Th"},
	"ven": {kind: htDay, days: "Fr"}, "venerdi": {kind: htDay, days: "Fr"}, "fri": {kind: htDay, days: "Fr"}, "friday": {kind: htDay, days: "Fr"},
	"sab": {kind: htDay, days: "Sa"}, "sabato": {kind: htDay, days: "Sa"}, "sat": {kind: htDay, days: "Sa"}, "saturday": {kind: htDay, days: "Sa"},
	"dom": {kind: htDay, days: "Su"}, "domenica": {kind: htDay, days: "Su"}, "sun": {kind: htDay, days: "Su"}, "sunday": {kind: htDay, days: "Su"},
	"festivi": {kind: htDay, days: "PH"}, "festivo": {kind: htDay, days: "PH"}, "holidays": {kind: htDay, days: "PH"},
	"weekend": {kind: htDays, days: "Sa,Su"}, "tutti i giorni": {kind: htDays, days: "Mo-Su"}, "ogni giorno": {kind: htDays, days: "Mo-Su"},
	"daily": {kind: htDays, days: "Mo-Su"}, "every day": {kind: htDays, days: "Mo-Su"}, "everyday": {kind: htDays, days: "Mo-Su"},
	"a": {kind: htTo}, "al": {kind: htTo}, "alle": {kind: htTo}, "fino alle": {kind: htTo}, "to": {kind: htTo}, "till": {kind: htTo}, "until": {kind: htTo},
	"dalle": {kind: htFrom}, "dal": {kind: htFrom}, "da": {kind: htFrom}, "from": {kind: htFrom}, "ore": {kind: htFrom}, "il": {kind: htFrom}, "la": {kind: htFrom}, "on": {kind: htFrom},
	"e": {kind: htSep}, "ed": {kind: htSep}, "and": {kind: htSep},
	"chiuso": {kind: htOff}, "chiusi": {kind: htOff}, "chiusa": {kind: htOff}, "closed": {kind: htOff}, "off": {kind: htOff},
	"24/7": {kind: htAlways}, "h24": {kind: htAlways}, "24h": {kind: htAlways}, "24 ore su 24": {kind: htAlways}, "sempre aperto": {kind: htAlways},
	"always open": {kind: htAlways}, "24 hours": {kind: htAlways},
}

// hoursTokens splits text into the tokens of opening hours; an unknown word
// is a token of no kind, which OpeningHours refuses.
func hoursTokens(text string) []hoursToken {
	// Separators and dashes become words of their own before normalizing,
	// which would drop them.
	r := strings.NewReplacer(",", " , ", ";", " , ", "–", " - ", "—", " - ", "/", "/", "-", " - ")
	spaced := r.Replace(strings.ToLower(text))
	spaced = strings.ReplaceAll(spaced, "2 4 / 7", "24/7")
	var words []string
	for _, f := range strings.Fields(spaced) {
		switch f {
		case ",":
			words = append(words, ",")
		case "-":
			words = append(words, "-")
		case "24/7":
			words = append(words, "24/7")
		default:
			if n := Normalize(f); n != "" {
				words = append(words, strings.Fields(n)...)
			}
		}
	}
	var out []hoursToken
	for i := 0; i < len(words); i++ {
		w := words[i]
		switch w {
		case ",":
			out = append(out, hoursToken{kind: htSep})
			continue
		case "-":
			out = append(out, hoursToken{kind: htTo})
			continue
		}
		// The longest phrase first: "tutti i giorni", "24 ore su 24".
		matched := false
		for n := min(4, len(words)-i); n > 1; n-- {
			if t, ok := hoursWords[strings.Join(words[i:i+n], " ")]; ok {
				out = append(out, t)
				i += n - 1
				matched = true
				break
			}
		}
		if matched {
			continue
		}
		if t, ok := hoursWords[w]; ok {
			out = append(out, t)
			continue
		}
		if m, ok := hoursClock(w, words, &i); ok {
			out = append(out, hoursToken{kind: htTime, min: m})
			continue
		}
		out = append(out, hoursToken{})
	}
	return out
}

// hoursClock reads "9", "9:30", "9.30", "9am", "1pm" (or "1 pm", taking
// the next word) as minutes since midnight.
func hoursClock(w string, words []string, i *int) (int, bool) {
	ampm := ""
	if s, ok := strings.CutSuffix(w, "am"); ok {
		w, ampm = s, "am"
	} else if s, ok := strings.CutSuffix(w, "pm"); ok {
		w, ampm = s, "pm"
	} else if *i+1 < len(words) && (words[*i+1] == "am" || words[*i+1] == "pm") {
		ampm = words[*i+1]
		*i++
	}
	h, m := w, "0"
	for _, sep := range []string{":", "."} {
		if a, b, ok := strings.Cut(w, sep); ok {
			h, m = a, b
		}
	}
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || hh < 0 || hh > 24 || mm < 0 || mm > 59 || len(h) > 2 || len(m) > 2 {
		return 0, false
	}
	if ampm != "" {
		if hh < 1 || hh > 12 {
			return 0, false
		}
		hh = applyAmPm(hh, ampm)
	}
	return hh*60 + mm, hh*60+mm <= 24*60
}

func clockOSM(min int) string { return fmt.Sprintf("%02d:%02d", min/60, min%60) }
