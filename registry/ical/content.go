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

// text writes a property of type TEXT, unless its value is empty once
// cleaned: an empty value says nothing, and some readers drop the property
// with an error.
func (w *contentWriter) text(name, value string, params ...param) {
	if v := escapeText(value); v != "" {
		w.line(name, v, params...)
	}
}

// dateTime writes a DATE-TIME as local time in loc with TZID, the form that
// keeps a course at the same local time across a change of daylight saving
// time. A local time that happens twice, in the hour repeated when the
// clocks go back, is written in UTC instead: RFC 5545 reads it as the first
// of the two, but libical and Go read the second.
func (w *contentWriter) dateTime(name string, t time.Time, loc *time.Location) {
	if repeated(t, loc) {
		w.line(name, formatUTC(t))
		return
	}
	w.line(name, t.In(loc).Format("20060102T150405"), param{"TZID", loc.String()})
}

// repeated tells whether t's local time in loc names two instants: t falls in
// the hour (or so) before or after the clocks go back that is lived twice.
func repeated(t time.Time, loc *time.Location) bool {
	lt := t.In(loc)
	_, off := lt.Zone()
	start, end := lt.ZoneBounds()
	if !start.IsZero() {
		_, before := start.Add(-time.Nanosecond).In(loc).Zone()
		if before > off && lt.Sub(start) < time.Duration(before-off)*time.Second {
			return true // the second time round
		}
	}
	if !end.IsZero() {
		_, after := end.In(loc).Zone()
		if off > after && end.Sub(lt) <= time.Duration(off-after)*time.Second {
			return true // the first time round
		}
	}
	return false
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

// cleanText returns s as a TEXT value can hold it and every reader reads it
// back: valid UTF-8 (invalid bytes become U+FFFD), every line break (CR LF,
// CR or LF) as LF, no control characters but tab and LF, and no white space
// around it (libical, for one, drops it).
func cleanText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\r':
			if i+1 < len(s) && s[i+1] == '\n' {
				i++
			}
			b.WriteByte('\n')
		case c == '\n', c == '\t':
			b.WriteByte(c)
		case c < 0x20 || c == 0x7f:
			// dropped
		default:
			b.WriteByte(c) // the bytes of a multi-byte rune are all ≥ 0x80
		}
	}
	return strings.TrimSpace(b.String())
}

// escapeText returns s, cleaned, as an RFC 5545 TEXT value: backslash,
// semicolon and comma escaped with a backslash, line breaks as \n.
func escapeText(s string) string {
	s = cleanText(s)
	var b strings.Builder
	b.Grow(len(s) + len(s)/16)
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			b.WriteString(`\\`)
		case ';':
			b.WriteString(`\;`)
		case ',':
			b.WriteString(`\,`)
		case '\n':
			b.WriteString(`\n`)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// cleanParam returns v as a parameter value can hold it and readers read it
// back: valid UTF-8, a double quote (which cannot be in one) as a single
// quote, control characters as spaces, and no white space around it.
func cleanParam(v string) string {
	v = strings.Map(func(r rune) rune {
		switch {
		case r == '"':
			return '\''
		case r < 0x20 || r == 0x7f:
			return ' '
		}
		return r
	}, strings.ToValidUTF8(v, "\uFFFD"))
	return strings.TrimSpace(v)
}

// appendParamValue appends a parameter value, cleaned, and quoted unless it
// is a plain token (letters, digits, "/_+-."), as a TZID or a LANGUAGE is: a
// name has spaces, and may have ";", ":" or ",", which would end it unquoted.
func appendParamValue(l []byte, v string) []byte {
	v = cleanParam(v)
	if v != "" && strings.IndexFunc(v, func(r rune) bool { return !isTokenRune(r) }) < 0 {
		return append(l, v...)
	}
	l = append(l, '"')
	l = append(l, v...)
	return append(l, '"')
}

func isTokenRune(r rune) bool {
	return 'A' <= r && r <= 'Z' || 'a' <= r && r <= 'z' || '0' <= r && r <= '9' || strings.ContainsRune("/_+-.", r)
}
