package registry

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// This file is about the text of the comune's files: how big a file may be,
// which bytes make text, how numbers are written, and how a CSV cell is kept
// from being read as a formula.

// readLimited reads a whole file, refusing one larger than MaxFileBytes.
func readLimited(r io.Reader) ([]byte, Problems) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFileBytes+1))
	if err != nil {
		return nil, Problems{{Code: ProbUnreadable, Value: err.Error()}}
	}
	if len(data) > MaxFileBytes {
		return nil, Problems{{Code: ProbFileTooLarge, Value: strconv.Itoa(MaxFileBytes >> 20)}}
	}
	return data, nil
}

var utf8BOM = []byte("\xef\xbb\xbf")

// fromUTF16 turns a file that begins with a UTF-16 byte order mark (what a
// spreadsheet saves as "Unicode text") into UTF-8; other files are returned
// as they are.
func fromUTF16(data []byte) ([]byte, error) {
	if !bytes.HasPrefix(data, []byte{0xff, 0xfe}) && !bytes.HasPrefix(data, []byte{0xfe, 0xff}) {
		return data, nil
	}
	if len(data)%2 != 0 {
		return nil, errors.New("UTF-16 text with an odd number of bytes")
	}
	out, err := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder().Bytes(data)
	if err != nil {
		return nil, fmt.Errorf("UTF-16 text: %w", err)
	}
	return out, nil
}

// charset is how the bytes of a CSV file are read.
type charset int

const (
	utf8Text        charset = iota
	windows1252Text         // also reads ISO-8859-1, which it extends
)

// sniffCharset drops a UTF-8 byte order mark and picks the file's charset. A
// file with the mark, or valid UTF-8 throughout, is UTF-8. Any other file is
// Windows-1252 (a spreadsheet's "CSV" on an Italian PC), unless it holds more
// sequences that only UTF-8 writes — lead bytes C2, C3 and E2, which
// Windows-1252 would show as «Â°», «Ã¨», «â€™» — than bytes that are not
// UTF-8: then it is UTF-8 with some cells pasted from elsewhere. Either way
// the cells in the other charset are refused, not guessed.
func sniffCharset(data []byte) ([]byte, charset) {
	if rest, ok := bytes.CutPrefix(data, utf8BOM); ok {
		return rest, utf8Text
	}
	if utf8.Valid(data) {
		return data, utf8Text
	}
	var onlyUTF8, notUTF8 int
	for i := 0; i < len(data); {
		if data[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(data[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			notUTF8++
		case utf8Lead(data[i]):
			onlyUTF8++
		}
		i += size
	}
	if onlyUTF8 > notUTF8 {
		return data, utf8Text
	}
	return data, windows1252Text
}

// utf8Lead reports whether b starts the UTF-8 sequences of Italian text (à è
// é ì ò ù, ° « », € ’ “ ” –) that Windows-1252 text never holds.
func utf8Lead(b byte) bool { return b == 0xC2 || b == 0xC3 || b == 0xE2 }

// cellText turns a cell's bytes into text, or says what is wrong with them
// (the caller adds where).
func (c charset) cellText(raw string) (string, *Problem) {
	if c == utf8Text {
		if !utf8.ValidString(raw) {
			text, p := mixedText(raw)
			if p == nil {
				p = &Problem{Code: ProbMixedEncoding, Value: excerpt(text, firstNonASCII(text))}
			}
			return "", p
		}
		if p := textProblem(raw); p != nil {
			return "", p
		}
		return raw, nil
	}
	ascii := true
	for i := 0; i < len(raw); i++ {
		if p := windows1252Problem(raw[i]); p != nil {
			return "", p
		}
		ascii = ascii && raw[i] < utf8.RuneSelf
	}
	if ascii { // most cells: the same in both encodings
		return raw, nil
	}
	for i := 0; i < len(raw); {
		_, size := utf8.DecodeRuneInString(raw[i:])
		if size > 1 && utf8Lead(raw[i]) {
			text, _ := mixedText(raw)
			return "", &Problem{Code: ProbMixedEncoding, Value: excerpt(text, firstNonASCII(text))}
		}
		i += size
	}
	text, err := charmap.Windows1252.NewDecoder().String(raw)
	if err != nil { // not reached: every byte left has a character
		return "", &Problem{Code: ProbBadEncoding, Value: err.Error()}
	}
	return text, nil
}

// windows1252Problem says whether b is not text in Windows-1252: a byte it
// leaves undefined, or a control character.
func windows1252Problem(b byte) *Problem {
	switch {
	case b == 0x81 || b == 0x8D || b == 0x8F || b == 0x90 || b == 0x9D:
		return &Problem{Code: ProbBadEncoding, Value: byteName(b)}
	case (b < 0x20 && b != '\t' && b != '\n' && b != '\r') || b == 0x7F:
		return &Problem{Code: ProbControlChar, Value: runeName(rune(b))}
	}
	return nil
}

// mixedText reads raw as UTF-8 where it is valid UTF-8 and as Windows-1252
// elsewhere, to show a clerk a cell that mixes the two; it says whether a
// byte is text in neither.
func mixedText(raw string) (string, *Problem) {
	var b strings.Builder
	for i := 0; i < len(raw); {
		r, size := utf8.DecodeRuneInString(raw[i:])
		if r == utf8.RuneError && size == 1 {
			if p := windows1252Problem(raw[i]); p != nil {
				return "", p
			}
			r = charmap.Windows1252.DecodeByte(raw[i])
		}
		b.WriteRune(r)
		i += size
	}
	return b.String(), nil
}

// textProblem says whether text, valid UTF-8, holds what is not text: the
// replacement character U+FFFD, which a conversion puts where it lost a
// letter, or a control character.
func textProblem(text string) *Problem {
	for i, r := range text {
		switch {
		case r == utf8.RuneError:
			return &Problem{Code: ProbReplacementChar, Value: excerpt(text, i)}
		case isControl(r):
			return &Problem{Code: ProbControlChar, Value: runeName(r)}
		}
	}
	return nil
}

// textProblems says which of s's texts hold what is not text (see
// textProblem); a CSV file's cells are checked as they are read instead.
func (s *Space) textProblems() []Problem {
	var ps []Problem
	check := func(field, v string) {
		if p := textProblem(v); p != nil {
			p.ID, p.Field = s.ID, field
			ps = append(ps, *p)
		}
	}
	check("id", s.ID)
	check("name", s.Name)
	check("comune", s.Comune)
	check("address", s.Address)
	check("phone", s.Phone)
	check("email", s.Email)
	check("website", s.Website)
	for _, lang := range slices.Sorted(maps.Keys(s.Description)) {
		check("description_"+lang, s.Description[lang])
	}
	for _, r := range s.Rooms {
		check("rooms", r.ID)
		check("rooms", r.Name)
	}
	return ps
}

// isControl reports whether r is a control character other than tab and
// line breaks.
func isControl(r rune) bool {
	return (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || (r >= 0x7F && r <= 0x9F)
}

func firstInvalid(s string) int {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return 0
}

func firstNonASCII(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return i
		}
	}
	return 0
}

func byteName(b byte) string { return fmt.Sprintf("0x%02X", b) }
func runeName(r rune) string { return fmt.Sprintf("U+%04X", r) }

// excerpt is the text around byte i of s, at most about 40 characters, so a
// message can show where the fault is in a long cell.
func excerpt(s string, i int) string {
	const half = 20
	start, end := i, i
	for n := 0; n < half && start > 0; n++ {
		_, size := utf8.DecodeLastRuneInString(s[:start])
		start -= size
	}
	for n := 0; n <= half && end < len(s); n++ {
		_, size := utf8.DecodeRuneInString(s[end:])
		end += size
	}
	out := s[start:end]
	if start > 0 {
		out = "…" + out
	}
	if end < len(s) {
		out += "…"
	}
	return out
}

// Numbers in a file are written with a decimal point or a decimal comma
// ("45.6519", "45,6519", "12,50"), never with thousands separators: the same
// "1.234" means 1234 in Italy and 1.234 elsewhere.
var thousands = regexp.MustCompile(`^[+-]?\d{1,3}(?:(?:\.\d{3})+,\d*|(?:,\d{3})+\.\d*|(?:\.\d{3}){2,}|(?:,\d{3}){2,})$`)

// decimal reads a number with a decimal point or comma; the code is
// ProbThousands or ProbNotNumber when it cannot.
func decimal(v string) (float64, string) {
	if thousands.MatchString(v) {
		return 0, ProbThousands
	}
	if strings.Count(v, ",") > 1 || (strings.Contains(v, ",") && strings.Contains(v, ".")) {
		return 0, ProbNotNumber
	}
	f, err := strconv.ParseFloat(strings.Replace(v, ",", ".", 1), 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, ProbNotNumber
	}
	return f, ""
}

// oneThousand is a price like "1.500" or "1,500": 1500 euros in one
// convention, 1.5 in the other; a price has no third decimal either way.
var oneThousand = regexp.MustCompile(`^\d{1,3}[.,]\d{3}$`)

// euros reads a price in euros as a spreadsheet writes it: "12,50", "12.5",
// "12,50 €" or "€ 12,50".
func euros(v string) (float64, string) {
	v = strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(v, "€"), "€"))
	if oneThousand.MatchString(v) {
		return 0, ProbThousands
	}
	return decimal(v)
}

// A spreadsheet reads a cell that starts with one of these as a formula
// (OWASP, "CSV Injection": = + - @, tab, carriage return; line feed and the
// full-width forms, read as formulas in some locales).
func formulaStart(r rune) bool {
	switch r {
	case '=', '+', '-', '@', '\t', '\r', '\n', '＝', '＋', '－', '＠':
		return true
	}
	return false
}

// startsFormula reports whether cell, once any apostrophes in front are set
// aside, starts with a formula character.
func startsFormula(cell string) bool {
	r, _ := utf8.DecodeRuneInString(strings.TrimLeft(cell, "'"))
	return formulaStart(r)
}

// neutralise prefixes a single quote to a cell that a spreadsheet would read
// as a formula, as OWASP recommends. A cell that already starts with quotes
// before such a character gets one more, so that unneutralise gives back
// exactly the original.
func neutralise(cell string) string {
	if startsFormula(cell) {
		return "'" + cell
	}
	return cell
}

// unneutralise removes the quote that neutralise added (or that a clerk
// typed to keep a spreadsheet from reading "+39 …" as a formula), and only
// that one.
func unneutralise(cell string) string {
	if strings.HasPrefix(cell, "'") && startsFormula(cell) {
		return cell[1:]
	}
	return cell
}
