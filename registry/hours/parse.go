package hours

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// SyntaxError reports an opening-hours expression that cannot be parsed.
type SyntaxError struct {
	// Expr is the whole expression as given to Parse.
	Expr string
	// Pos is the byte offset in Expr at which the problem was found.
	Pos int
	// Msg says what is wrong.
	Msg string
}

// Error returns the message, the position and the expression.
func (e *SyntaxError) Error() string {
	return fmt.Sprintf("hours: %s at byte %d of %q", e.Msg, e.Pos, e.Expr)
}

type tokKind int

const (
	tEOF    tokKind = iota
	tDay            // val is the weekday, Monday = 0
	tPH             // public holidays
	tOff            // "off" or "closed"
	tOpen           // "open"
	tAlways         // "24/7"
	tTime           // val is hours*60 + minutes, hours up to 99
	tDash           // "-" or an en dash
	tComma          // ","
	tSemi           // ";"
)

type token struct {
	kind tokKind
	pos  int
	val  int
	text string
}

// describe names the token for an error message.
func (t token) describe() string {
	if t.kind == tEOF {
		return "end of input"
	}
	return fmt.Sprintf("%q", t.text)
}

var dayCodes = [7]string{"Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"}

var keywords = map[string]token{
	"mo":     {kind: tDay, val: 0},
	"tu":     {kind: tDay, val: 1},
	"we":     {kind: tDay, val: 2},
	"th":     {kind: tDay, val: 3},
	"fr":     {kind: tDay, val: 4},
	"sa":     {kind: tDay, val: 5},
	"su":     {kind: tDay, val: 6},
	"ph":     {kind: tPH},
	"off":    {kind: tOff},
	"closed": {kind: tOff},
	"open":   {kind: tOpen},
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// lex splits expr into tokens, ending with a tEOF token.
func lex(expr string) ([]token, error) {
	fail := func(pos int, format string, args ...any) error {
		return &SyntaxError{Expr: expr, Pos: pos, Msg: fmt.Sprintf(format, args...)}
	}
	var toks []token
	i := 0
	for i < len(expr) {
		r, size := utf8.DecodeRuneInString(expr[i:])
		switch {
		case unicode.IsSpace(r):
			i += size
		case r == ';':
			toks = append(toks, token{kind: tSemi, pos: i, text: ";"})
			i++
		case r == ',':
			toks = append(toks, token{kind: tComma, pos: i, text: ","})
			i++
		case r == '-' || r == '–':
			toks = append(toks, token{kind: tDash, pos: i, text: string(r)})
			i += size
		case isLetter(expr[i]):
			j := i
			for j < len(expr) && isLetter(expr[j]) {
				j++
			}
			word := expr[i:j]
			kw, ok := keywords[strings.ToLower(word)]
			if !ok {
				if len(word) == 2 {
					return nil, fail(i, "unknown day %q", word)
				}
				return nil, fail(i, "unknown word %q", word)
			}
			kw.pos, kw.text = i, word
			toks = append(toks, kw)
			i = j
		case isDigit(expr[i]):
			if strings.HasPrefix(expr[i:], "24/7") {
				toks = append(toks, token{kind: tAlways, pos: i, text: "24/7"})
				i += len("24/7")
				continue
			}
			t, next, err := lexTime(expr, i)
			if err != nil {
				return nil, err
			}
			toks = append(toks, t)
			i = next
		default:
			return nil, fail(i, "unexpected character %q", r)
		}
	}
	return append(toks, token{kind: tEOF, pos: len(expr)}), nil
}

// lexTime reads a time written h:mm or hh:mm starting at expr[i].
func lexTime(expr string, i int) (token, int, error) {
	fail := func(pos int, msg string) (token, int, error) {
		return token{}, 0, &SyntaxError{Expr: expr, Pos: pos, Msg: msg}
	}
	j := i
	for j < len(expr) && isDigit(expr[j]) {
		j++
	}
	if j-i > 2 {
		return fail(i, fmt.Sprintf("invalid time %q, want hh:mm", expr[i:j]))
	}
	hours := atoi(expr[i:j])
	if j >= len(expr) || expr[j] != ':' {
		return fail(i, fmt.Sprintf("invalid time %q, want hh:mm", expr[i:j]))
	}
	k := j + 1
	for k < len(expr) && isDigit(expr[k]) {
		k++
	}
	if k-(j+1) != 2 {
		return fail(i, fmt.Sprintf("invalid time %q, want hh:mm", expr[i:k]))
	}
	minutes := atoi(expr[j+1 : k])
	if minutes > 59 {
		return fail(j+1, fmt.Sprintf("minutes out of range in %q", expr[i:k]))
	}
	return token{kind: tTime, pos: i, val: hours*60 + minutes, text: expr[i:k]}, k, nil
}

// atoi converts a string of at most two ASCII digits.
func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

type parser struct {
	expr      string
	toks      []token
	i         int
	usualOnPH bool // the last rule about holidays was "PH open"
}

func (p *parser) peek() token { return p.toks[p.i] }

func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tEOF {
		p.i++
	}
	return t
}

func (p *parser) fail(pos int, format string, args ...any) error {
	return &SyntaxError{Expr: p.expr, Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

const (
	minutesPerDay = 24 * 60
	phSlot        = 7
	allWeekdays   = 1<<7 - 1
	allSlots      = 1<<8 - 1
)

// Parse reads an opening-hours expression. Errors are *SyntaxError.
func Parse(s string) (Schedule, error) {
	toks, err := lex(s)
	if err != nil {
		return Schedule{}, err
	}
	p := &parser{expr: s, toks: toks}
	if p.peek().kind == tEOF {
		return Schedule{}, p.fail(0, "empty expression")
	}
	var raw [8][]Span
	for {
		if err := p.rule(&raw); err != nil {
			return Schedule{}, err
		}
		t := p.next()
		if t.kind == tEOF {
			break
		}
		if t.kind != tSemi {
			return Schedule{}, p.fail(t.pos, "expected \";\" between rules, found %s", t.describe())
		}
	}
	sched := Schedule{ok: true, days: new([8]slot), usualOnPH: p.usualOnPH}
	for i := range raw {
		sched.days[i] = newSlot(raw[i])
	}
	if sched.usualOnPH {
		// Where every weekday keeps the same hours, "PH open" is those hours
		// on holidays too; with no weekday open, it says nothing.
		same := true
		for _, sl := range sched.days[1:phSlot] {
			same = same && sl.equal(sched.days[0])
		}
		if same {
			sched.days[phSlot], sched.usualOnPH = sched.days[0], false
		}
	}
	return sched, nil
}

// rule parses one rule and records its spans for the slots it names.
func (p *parser) rule(raw *[8][]Span) error {
	first := p.peek()
	if first.kind == tSemi || first.kind == tEOF {
		return p.fail(first.pos, "empty rule")
	}
	targets := uint8(allWeekdays)
	hasSelector := first.kind == tDay || first.kind == tPH
	if hasSelector {
		var err error
		if targets, err = p.selector(); err != nil {
			return err
		}
	}
	var spans []Span
	t := p.next()
	switch t.kind {
	case tAlways:
		if hasSelector {
			return p.fail(t.pos, "24/7 must be a rule of its own, without days")
		}
		targets = allSlots
		spans = []Span{{0, minutesPerDay}}
	case tOff:
	case tOpen:
		spans = []Span{{0, minutesPerDay}}
		if targets == 1<<phSlot {
			// "PH open": holidays do not close the place, which keeps its
			// usual hours (a provider means that, rather than 24 hours).
			p.usualOnPH, spans = true, nil
		}
	case tTime:
		p.i--
		var err error
		if spans, err = p.spans(); err != nil {
			return err
		}
		if p.peek().kind == tOpen {
			p.next()
		}
	case tEOF, tSemi:
		return p.fail(t.pos, "missing hours, \"off\" or \"open\" after the days")
	default:
		return p.fail(t.pos, "expected hours, \"off\" or \"open\", found %s", t.describe())
	}
	if targets&(1<<phSlot) != 0 && !(t.kind == tOpen && targets == 1<<phSlot) {
		p.usualOnPH = false // a later rule for holidays replaces "PH open"
	}
	for i := range raw {
		if targets&(1<<i) != 0 {
			raw[i] = spans
		}
	}
	return nil
}

// selector parses a list of days, day ranges and PH, returning a bit set of
// slots (bit 0 Monday ... bit 6 Sunday, bit 7 public holidays).
func (p *parser) selector() (uint8, error) {
	var set uint8
	for {
		t := p.next()
		switch t.kind {
		case tPH:
			set |= 1 << phSlot
		case tDay:
			to := t.val
			if p.peek().kind == tDash {
				p.next()
				u := p.next()
				if u.kind != tDay {
					return 0, p.fail(u.pos, "expected a day after %q, found %s", t.text+"-", u.describe())
				}
				to = u.val
			}
			for d := t.val; ; d = (d + 1) % 7 {
				set |= 1 << d
				if d == to {
					break
				}
			}
		default:
			return 0, p.fail(t.pos, "expected a day or PH, found %s", t.describe())
		}
		if p.peek().kind != tComma {
			return set, nil
		}
		p.next()
	}
}

// spans parses a comma-separated list of hh:mm-hh:mm spans. A span whose
// closing time is earlier than its opening time ends on the next day, and is
// returned with To beyond 1440.
func (p *parser) spans() ([]Span, error) {
	var out []Span
	for {
		start := p.next()
		if start.kind != tTime {
			return nil, p.fail(start.pos, "expected an opening time, found %s", start.describe())
		}
		if start.val >= minutesPerDay {
			return nil, p.fail(start.pos, "opening time %s out of range 00:00-23:59", start.text)
		}
		if d := p.next(); d.kind != tDash {
			return nil, p.fail(d.pos, "expected \"-\" after %s, found %s", start.text, d.describe())
		}
		end := p.next()
		if end.kind != tTime {
			return nil, p.fail(end.pos, "expected a closing time after %s, found %s", start.text+"-", end.describe())
		}
		to := end.val
		switch {
		case to >= 2*minutesPerDay:
			return nil, p.fail(end.pos, "closing time %s out of range 00:00-47:59", end.text)
		case to == start.val:
			return nil, p.fail(end.pos, "empty span %s-%s", start.text, end.text)
		case to < start.val:
			to += minutesPerDay
		}
		out = append(out, Span{From: start.val, To: to})
		if p.peek().kind != tComma {
			return out, nil
		}
		p.next()
	}
}
