package intent

import (
	"cmp"
	"slices"
)

// maxWord is the longest word the spelling corrector looks at; longer words
// are left as they are.
const maxWord = 24

// speller corrects misspelt words against a fixed vocabulary with a bounded
// Damerau-Levenshtein distance (optimal string alignment): at most 1 for
// words of 4 to 7 letters, at most 2 for longer ones. It finds candidates
// through an index of the vocabulary's deletions (the symmetric delete
// method), so a lookup costs a few probes instead of a scan. The index keeps
// a 64-bit hash of each deletion, sorted, beside the word it comes from:
// about 12 bytes an entry where a map of strings took about 90 (a
// vocabulary of 10,000 words has some 300,000). Two deletions with the same
// hash only make an extra candidate, which the distance check then weighs
// like any other.
type speller struct {
	words  []string // the vocabulary, in the order given
	hashes []uint64 // hashes of the words and of their deletions, sorted
	refs   []int32  // refs[k] indexes into words: the word hashes[k] comes from
}

// newSpeller indexes words. Words shorter than four letters are not indexed:
// they are too short to correct safely.
func newSpeller(words []string) *speller {
	type entry struct {
		h uint64
		i int32
	}
	var entries []entry
	add := func(key []byte, i int) { entries = append(entries, entry{hashKey(key), int32(i)}) }
	var buf, buf2 [maxWord]byte
	for i, w := range words {
		if len(w) < 4 || len(w) > maxWord {
			continue
		}
		add(append(buf[:0], w...), i)
		for a := 0; a < len(w); a++ {
			d1 := append(append(buf[:0], w[:a]...), w[a+1:]...)
			add(d1, i)
			if len(w) < 5 {
				continue
			}
			for b := a; b < len(d1); b++ {
				add(append(append(buf2[:0], d1[:b]...), d1[b+1:]...), i)
			}
		}
	}
	// By hash, then by word: a key's candidates come in the vocabulary's
	// order, each once.
	slices.SortFunc(entries, func(x, y entry) int {
		if c := cmp.Compare(x.h, y.h); c != 0 {
			return c
		}
		return cmp.Compare(x.i, y.i)
	})
	entries = slices.Compact(entries)
	s := &speller{words: words, hashes: make([]uint64, len(entries)), refs: make([]int32, len(entries))}
	for k, e := range entries {
		s.hashes[k], s.refs[k] = e.h, e.i
	}
	return s
}

// hashKey is the 64-bit FNV-1a hash of a key.
func hashKey(key []byte) uint64 {
	h := uint64(14695981039346656037)
	for _, c := range key {
		h ^= uint64(c)
		h *= 1099511628211
	}
	return h
}

// candidates returns the words indexed under key, in the vocabulary's order.
func (s *speller) candidates(key []byte) []int32 {
	h := hashKey(key)
	k, _ := slices.BinarySearch(s.hashes, h)
	end := k
	for end < len(s.hashes) && s.hashes[end] == h {
		end++
	}
	return s.refs[k:end]
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
		for _, ref := range s.candidates(key) {
			i := int(ref)
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
