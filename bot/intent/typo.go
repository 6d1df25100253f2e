package intent

// maxWord is the longest word the spelling corrector looks at; longer words
// are left as they are.
const maxWord = 24

// speller corrects misspelt words against a fixed vocabulary with a bounded
// Damerau-Levenshtein distance (optimal string alignment): at most 1 for
// words of 4 to 7 letters, at most 2 for longer ones. It finds candidates
// through an index of the vocabulary's deletions (the symmetric delete
// method), so a lookup costs a few map probes instead of a scan.
type speller struct {
	words   []string         // the vocabulary, in the order given
	deletes map[string][]int // a word, or a word with one or two letters deleted → indexes into words
}

// newSpeller indexes words. Words shorter than four letters are not indexed:
// they are too short to correct safely.
func newSpeller(words []string) *speller {
	s := &speller{words: words, deletes: make(map[string][]int, len(words)*16)}
	var buf [maxWord]byte
	for i, w := range words {
		if len(w) < 4 || len(w) > maxWord {
			continue
		}
		s.add(w, i)
		for a := 0; a < len(w); a++ {
			d1 := append(append(buf[:0], w[:a]...), w[a+1:]...)
			s.add(string(d1), i)
			if len(w) < 5 {
				continue
			}
			for b := a; b < len(d1); b++ {
				var buf2 [maxWord]byte
				d2 := append(append(buf2[:0], d1[:b]...), d1[b+1:]...)
				s.add(string(d2), i)
			}
		}
	}
	return s
}

func (s *speller) add(key string, i int) {
	list := s.deletes[key]
	if n := len(list); n > 0 && list[n-1] == i {
		return
	}
	s.deletes[key] = append(list, i)
}

// maxDistance is the largest edit distance allowed for a word of n letters.
func maxDistance(n int) int {
	switch {
	case n < 4:
		return 0
	case n <= 7:
		return 1
	}
	return 2
}

// correct returns the vocabulary word closest to w within the allowed
// distance, preferring a word with the same first letter on a tie, and
// whether one was found.
func (s *speller) correct(w string) (string, bool) {
	k := maxDistance(len(w))
	if k == 0 || len(w) > maxWord {
		return "", false
	}
	best, bestD, bestFirst := -1, k+1, false
	consider := func(key []byte) {
		for _, i := range s.deletes[string(key)] {
			c := s.words[i]
			if i == best {
				continue
			}
			d := osa(w, c, k)
			if d > k {
				continue
			}
			first := c[0] == w[0]
			if d < bestD || (d == bestD && first && !bestFirst) {
				best, bestD, bestFirst = i, d, first
			}
		}
	}
	var buf, buf2 [maxWord]byte
	consider(append(buf[:0], w...))
	for a := 0; a < len(w); a++ {
		d1 := append(append(buf[:0], w[:a]...), w[a+1:]...)
		consider(d1)
		if k < 2 {
			continue
		}
		for b := a; b < len(d1); b++ {
			consider(append(append(buf2[:0], d1[:b]...), d1[b+1:]...))
		}
	}
	if best < 0 {
		return "", false
	}
	return s.words[best], true
}

// osa returns the optimal string alignment distance between a and b, or
// limit+1 as soon as it is sure to exceed limit.
func osa(a, b string, limit int) int {
	if d := len(a) - len(b); d > limit || -d > limit {
		return limit + 1
	}
	if len(a) > maxWord || len(b) > maxWord {
		return limit + 1
	}
	var rows [3][maxWord + 1]int
	prev2, prev, cur := &rows[0], &rows[1], &rows[2]
	for j := 0; j <= len(b); j++ {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
			rowMin = min(rowMin, v)
		}
		if rowMin > limit {
			return limit + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}
