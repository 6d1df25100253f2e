package poster

import (
	"strings"

	"golang.org/x/image/font"
)

// wrap breaks text into lines no wider than width, at spaces. A word wider
// than a whole line is broken between letters when breakWords is set;
// otherwise it stays whole and ok is false.
func wrap(face font.Face, text string, width int, breakWords bool) (lines []string, ok bool) {
	ok = true
	fits := func(s string) bool { return font.MeasureString(face, s).Ceil() <= width }
	cur := ""
	for _, word := range strings.Fields(text) {
		if cur != "" && fits(cur+" "+word) {
			cur += " " + word
			continue
		}
		if cur != "" {
			lines = append(lines, cur)
		}
		cur = word
		for !fits(cur) {
			if !breakWords {
				ok = false
				break
			}
			head := longestPrefix(face, cur, width)
			lines = append(lines, head)
			cur = cur[len(head):]
		}
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	return lines, ok
}

// longestPrefix is the longest prefix of s, one character at least, that
// fits in width.
func longestPrefix(face font.Face, s string, width int) string {
	end := 0
	for i, r := range s {
		next := i + len(string(r))
		if end > 0 && font.MeasureString(face, s[:next]).Ceil() > width {
			break
		}
		end = next
	}
	return s[:end]
}

// truncate keeps the first n lines, the last of them ending with an
// ellipsis when something was left out, all within width.
func truncate(face font.Face, lines []string, n, width int) []string {
	if len(lines) <= n {
		return lines
	}
	lines = lines[:n]
	last := []rune(lines[n-1])
	for len(last) > 0 && font.MeasureString(face, strings.TrimRight(string(last), " ")+"…").Ceil() > width {
		last = last[:len(last)-1]
	}
	lines[n-1] = strings.TrimRight(string(last), " ") + "…"
	return lines
}

// balance rewraps text, which wraps into lines at width, into as many lines
// but as narrow as can be, so that the last line is not a lone word.
func balance(face font.Face, text string, lines []string, width int) []string {
	if len(lines) < 2 {
		return lines
	}
	lo, hi := width/len(lines), width // wrap at hi gives len(lines) lines
	for lo < hi {
		mid := (lo + hi) / 2
		if got, ok := wrap(face, text, mid, false); ok && len(got) <= len(lines) {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	out, _ := wrap(face, text, hi, false)
	return out
}
