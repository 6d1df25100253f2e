// Package norm holds the name normalisation shared by the places package and
// its data generator, so that the generator can run before places.tsv exists.
package norm

import (
	"strings"
	"unicode"
)

// fold maps accented Latin letters (already lower-cased) to their base
// letters. It covers the letters of Italian, German, French, Slovene and
// Ladin place names; anything else is kept as it is.
var fold = map[rune]string{
	'à': "a", 'á': "a", 'â': "a", 'ä': "a", 'ã': "a", 'å': "a", 'ā': "a",
	'è': "e", 'é': "e", 'ê': "e", 'ë': "e", 'ē': "e",
	'ì': "i", 'í': "i", 'î': "i", 'ï': "i", 'ī': "i",
	'ò': "o", 'ó': "o", 'ô': "o", 'ö': "o", 'õ': "o", 'ø': "o", 'ō': "o",
	'ù': "u", 'ú': "u", 'û': "u", 'ü': "u", 'ū': "u",
	'ç': "c", 'č': "c", 'ć': "c", 'ñ': "n", 'š': "s", 'ž': "z", 'ý': "y", 'ÿ': "y",
	'ß': "ss", 'æ': "ae", 'œ': "oe",
}

// Normalize lower-cases s, strips accents, turns every character that is not
// a letter or a digit (apostrophes, hyphens, dots, commas...) into a space,
// collapses runs of spaces and trims the result: "Sant'Angelo" becomes
// "sant angelo" and "CESANO-MADERNO" becomes "cesano maderno".
func Normalize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := true // suppresses leading spaces
	for _, r := range s {
		r = unicode.ToLower(r)
		if f, ok := fold[r]; ok {
			b.WriteString(f)
			space = false
			continue
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
			space = false
			continue
		}
		if unicode.Is(unicode.Mn, r) { // combining accents of decomposed text
			continue
		}
		if !space {
			b.WriteByte(' ')
			space = true
		}
	}
	return strings.TrimRight(b.String(), " ")
}

// Slug turns a name into an identifier: its normalised form with spaces
// replaced by hyphens ("Cesano Maderno" becomes "cesano-maderno").
func Slug(s string) string {
	return strings.ReplaceAll(Normalize(s), " ", "-")
}
