package ical

import (
	"bytes"
	"strings"
	"time"
	"unicode/utf8"
)

// maxLine is the longest line RFC 5545 allows, in octets, not counting CR LF.
const maxLine = 75

// contentWriter collects content lines, folded, with CR LF line ends.
type contentWriter struct {
	buf     bytes.Buffer
	scratch []byte // the line being built, reused
}

// param is one property parameter, NAME=value; parameters are written in the
// order given.
type param struct {
	name, value string
}

// line writes the property name with params and value, which must already be
// in its value type's form (see text for TEXT).
func (w *contentWriter) line(name, value string, params ...param) {
	l := append(w.scratch[:0], name...)
	for _, p := range params {
		l = append(l, ';')
		l = append(l, p.name...)
		l = append(l, '=')
		l = appendParamValue(l, p.value)
	}
	l = append(l, ':')
	l = append(l, value...)
	w.scratch = l
	fold(&w.buf, l)
}

// text writes a property of type TEXT.
func (w *contentWriter) text(name, value string, params ...param) {
	w.line(name, escapeText(value), params...)
}

// dateTime writes a DATE-TIME as local time in loc with TZID, the form that
// keeps a course at the same local time across a change of daylight saving
// time. The second of two equal local times on the night the clocks go back
// is written in UTC instead, since RFC 5545 reads a repeated local time as
// the first.
func (w *contentWriter) dateTime(name string, t time.Time, loc *time.Location) {
	if repeatedSecond(t, loc) {
		w.line(name, formatUTC(t))
		return
	}
	w.line(name, t.In(loc).Format("20060102T150405"), param{"TZID", loc.String()})
}

// repeatedSecond tells whether t's local time in loc also names an earlier
// instant: t falls in the hour (or so) repeated after the clocks go back.
func repeatedSecond(t time.Time, loc *time.Location) bool {
	lt := t.In(loc)
	start, _ := lt.ZoneBounds()
	if start.IsZero() {
		return false
	}
	_, off := lt.Zone()
	_, before := start.Add(-time.Nanosecond).In(loc).Zone()
	return before > off && lt.Sub(start) < time.Duration(before-off)*time.Second
}

func formatUTC(t time.Time) string {
	return t.UTC().Format("20060102T150405Z")
}

// fold writes line to b as RFC 5545 section 3.1 wants: no physical line over
// 75 octets, each continuation starting with a space, and never a cut inside
// a UTF-8 sequence (line is valid UTF-8).
func fold(b *bytes.Buffer, line []byte) {
	limit := maxLine
	for len(line) > limit {
		cut := limit
		for !utf8.RuneStart(line[cut]) {
			cut--
		}
		b.Write(line[:cut])
		b.WriteString("\r\n ")
		line = line[cut:]
		limit = maxLine - 1 // the leading space counts
	}
	b.Write(line)
	b.WriteString("\r\n")
}

// escapeText returns s as an RFC 5545 TEXT value: backslash, semicolon and
// comma escaped with a backslash, every line break (CR LF, CR or LF) as \n,
// other control characters but tab removed (TEXT cannot hold them), and
// invalid UTF-8 replaced with U+FFFD.
func escapeText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	b.Grow(len(s) + len(s)/16)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\':
			b.WriteString(`\\`)
		case c == ';':
			b.WriteString(`\;`)
		case c == ',':
			b.WriteString(`\,`)
		case c == '\r':
			if i+1 < len(s) && s[i+1] == '\n' {
				i++
			}
			b.WriteString(`\n`)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\t':
			b.WriteByte(c)
		case c < 0x20 || c == 0x7f:
			// dropped
		default:
			b.WriteByte(c) // bytes of multi-byte runes are all ≥ 0x80
		}
	}
	return b.String()
}

// appendParamValue appends a parameter value, quoted unless it is a plain
// token (letters, digits, "/_+-."), as a TZID or a LANGUAGE is: a name has
// spaces, and may have ";", ":" or ",", which would end it unquoted. A
// parameter value cannot hold a double quote or a control character, so a
// double quote becomes a single one and control characters become spaces.
func appendParamValue(l []byte, v string) []byte {
	v = strings.ToValidUTF8(v, "\uFFFD")
	quote := v == "" || strings.IndexFunc(v, func(r rune) bool { return !isTokenRune(r) }) >= 0
	if quote {
		l = append(l, '"')
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c == '"':
			c = '\''
		case c < 0x20 && c != '\t' || c == 0x7f:
			c = ' '
		}
		l = append(l, c)
	}
	if quote {
		l = append(l, '"')
	}
	return l
}

func isTokenRune(r rune) bool {
	return 'A' <= r && r <= 'Z' || 'a' <= r && r <= 'z' || '0' <= r && r <= '9' || strings.ContainsRune("/_+-.", r)
}
