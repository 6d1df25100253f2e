package intent

import (
	"strings"
	"unicode/utf8"
)

// Normalize returns the form of s that the parser matches against: lower
// case, Italian accents folded ("è" → "e", "ù" → "u"), apostrophes and
// punctuation turned into single spaces, emoji dropped, and a letter repeated
// three or more times squeezed to one ("ciaooo" → "ciao"). The characters
// ':', '.', '/' and '-' survive only inside a token that already holds a
// digit and before another digit, so "14:30", "3/12", "9-13" and "9am-1pm"
// keep their shape while "wi-fi" becomes "wi fi".
func Normalize(s string) string {
	var stack [256]byte
	b := normalizeInto(stack[:0], s)
	return string(b)
}

// normalizeInto appends the normalized form of s to dst.
func normalizeInto(dst []byte, s string) []byte {
	tokDigit := false // the token being written holds a digit
	space := true     // the last byte written is a space, or nothing was written
	for i := 0; i < len(s); {
		r, size := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		i += size
		c := fold(r)
		switch {
		case c >= 'a' && c <= 'z':
			dst = append(dst, c)
			space = false
		case c >= '0' && c <= '9':
			dst = append(dst, c)
			tokDigit, space = true, false
		case (c == ':' || c == '.' || c == '/' || c == '-') && tokDigit && !space && i < len(s) && s[i] >= '0' && s[i] <= '9':
			dst = append(dst, c)
		default:
			if !space {
				dst = append(dst, ' ')
				space = true
			}
			tokDigit = false
		}
		if space {
			tokDigit = false
		}
	}
	dst = squeezeRuns(dst)
	if n := len(dst); n > 0 && dst[n-1] == ' ' {
		dst = dst[:n-1]
	}
	return dst
}

// squeezeRuns collapses, in place, each run of three or more equal letters
// to one letter, leaving ordinary double letters alone.
func squeezeRuns(b []byte) []byte {
	w := 0
	for i := 0; i < len(b); {
		j := i + 1
		for j < len(b) && b[j] == b[i] {
			j++
		}
		n := j - i
		if n >= 3 && b[i] >= 'a' && b[i] <= 'z' {
			n = 1
		}
		for k := 0; k < n; k++ {
			b[w] = b[i]
			w++
		}
		i = j
	}
	return b[:w]
}

// fold maps a rune to the byte the matcher uses: lower-case ASCII letters and
// digits, a few punctuation marks, or 0 for everything else.
func fold(r rune) byte {
	switch {
	case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
		return byte(r)
	case r >= 'A' && r <= 'Z':
		return byte(r + 'a' - 'A')
	case r == ':' || r == '.' || r == '/' || r == '-':
		return byte(r)
	}
	switch r {
	case 'à', 'á', 'â', 'ä', 'ã', 'å', 'À', 'Á', 'Â', 'Ä', 'Ã', 'Å':
		return 'a'
	case 'è', 'é', 'ê', 'ë', 'È', 'É', 'Ê', 'Ë':
		return 'e'
	case 'ì', 'í', 'î', 'ï', 'Ì', 'Í', 'Î', 'Ï':
		return 'i'
	case 'ò', 'ó', 'ô', 'ö', 'õ', 'Ò', 'Ó', 'Ô', 'Ö', 'Õ':
		return 'o'
	case 'ù', 'ú', 'û', 'ü', 'Ù', 'Ú', 'Û', 'Ü':
		return 'u'
	case 'ç', 'Ç':
		return 'c'
	case 'ñ', 'Ñ':
		return 'n'
	}
	return 0
}

// isDigits reports whether s is a non-empty run of ASCII digits.
func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// hasDigit reports whether s holds an ASCII digit.
func hasDigit(s string) bool {
	return strings.IndexAny(s, "0123456789") >= 0
}
