package intent

import (
	"strings"
	"unicode/utf8"
)

// codeAlphabet is the alphabet of booking codes (registry.CodeAlphabet),
// lower-cased: letters and digits that are hard to confuse.
const codeAlphabet = "acdefghjkmnpqrtuvwxy3479"

// codeLen is the length of a booking code.
const codeLen = 6

// codeLike reports whether w, a word the lexicon does not know, may be a
// booking code: six characters of the codes' alphabet, one of them a
// letter. A word of letters only that is a misspelling of a known word is
// that word.
func (st *state) codeLike(w string) bool {
	if len(w) != codeLen {
		return false
	}
	letter := false
	for i := 0; i < len(w); i++ {
		c := w[i]
		if strings.IndexByte(codeAlphabet, c) < 0 {
			return false
		}
		letter = letter || c >= 'a' && c <= 'z'
	}
	if !letter {
		return false
	}
	if !hasDigit(w) {
		if _, ok := st.p.spell.correct(w); ok {
			return false
		}
	}
	return true
}

// takeCode moves the booking code found by tokenize into r.Code. A code of
// letters only ("HRTKYC") counts when it is written in capitals or the
// message speaks of a booking or a code; else it is an unknown word.
func (st *state) takeCode(r *Request) {
	if st.code < 0 {
		return
	}
	for k := 0; k < st.ns; k++ {
		s := &st.spans[k]
		if s.i != st.code || s.j != s.i+1 || s.e != nil {
			continue
		}
		if !hasDigit(s.text) && !strings.Contains(st.text, strings.ToUpper(s.text)) && !st.speaksOfBookings() {
			return
		}
		r.Code = strings.ToUpper(s.text)
		s.used = true
		return
	}
}

// speaksOfBookings reports whether the message has a word about bookings or
// their codes.
func (st *state) speaksOfBookings() bool {
	for k := 0; k < st.ns; k++ {
		if st.spans[k].e.flag(fCancel | fBookNoun | fBookings | fBookingCode) {
			return true
		}
	}
	return false
}

// unknownPlace returns the words after a place preposition that name no
// place, space or word the parser knows ("a Borgofantasia", "vicino a
// Monte Fantasia"), normalized, or "". Words of known place names ("San",
// "Monte" in the gazetteer) may sit among them; "a" before a verb
// ("a lavorare") is no place.
func (st *state) unknownPlace() string {
	for k := 0; k+1 < st.ns; k++ {
		s := &st.spans[k]
		if s.used || !s.e.has(kPrep) {
			continue
		}
		if s.j-s.i == 1 {
			switch s.text {
			case "da", "di", "to", "at", "on", "verso":
				continue
			}
		}
		var idx [4]int
		n, unknown := 0, false
		for j := k + 1; j < st.ns && n < len(idx); j++ {
			t := &st.spans[j]
			if t.used || t.j-t.i != 1 || hasDigit(t.text) {
				break
			}
			switch {
			case t.e == nil:
				unknown = true
			case len(t.e.senses) == 0: // a word of a known place's name
			case (st.raw[t.i] != "" || t.e.has(kPlace)) && j+1 < st.ns && st.spans[j+1].e == nil:
				// "Monte" before "Fantasia" is no typo of "month", nor the
				// hamlet called Monte.
			case n > 0 && (t.e.has(kConnector) || t.e.has(kArticle)) && j+1 < st.ns && st.spans[j+1].e == nil:
			default:
				j = st.ns // stop
				continue
			}
			idx[n] = j
			n++
		}
		if !unknown || len(st.spans[idx[0]].text) < 3 {
			continue
		}
		if first := st.spans[idx[0]].text; s.text == "a" || s.text == "ad" {
			if strings.HasSuffix(first, "are") || strings.HasSuffix(first, "ere") || strings.HasSuffix(first, "ire") {
				continue
			}
		}
		var b strings.Builder
		for i := 0; i < n; i++ {
			if i > 0 {
				b.WriteByte(' ')
			}
			t := &st.spans[idx[i]]
			if raw := st.raw[t.i]; raw != "" {
				b.WriteString(raw)
			} else {
				b.WriteString(t.text)
			}
		}
		return b.String()
	}
	return ""
}

// title returns the title of a new event as written in the text: the words
// after "nuovo evento", "new event", up to the first comma or the first
// word of the time, the quantity or "gratuito".
func (st *state) title() string {
	for k := 0; k < st.ns; k++ {
		if st.spans[k].e.flag(fNewEvent) {
			return st.phraseFrom(k + 1)
		}
	}
	return ""
}

// note returns the reason given for a closure ("per ferie", "for the
// holidays") as written in the text, without a leading article.
func (st *state) note() string {
	for k := 0; k+1 < st.ns; k++ {
		s := &st.spans[k]
		if st.timeQty&(1<<k) != 0 || !s.e.has(kPer) && !s.e.has(kReason) && s.text != "per" && s.text != "for" {
			continue
		}
		from := k + 1
		if st.at(from).e.has(kArticle) && s.j-s.i == 1 {
			from++
		}
		if hasDigit(st.at(from).text) {
			continue
		}
		if n := st.phraseFrom(from); n != "" {
			return n
		}
	}
	return ""
}

// phraseFrom returns the original text of the spans from span from on, up
// to a comma, a semicolon or a line break, or a span of the time, the
// quantity or "gratuito", without grammatical words at its end.
func (st *state) phraseFrom(from int) string {
	var buf [maxTokens][2]int
	bounds := tokenBounds(st.text, buf[:0])
	if len(bounds) < st.nt || from >= st.ns {
		return ""
	}
	to := from
	for k := from; k < st.ns; k++ {
		s := &st.spans[k]
		if st.timeQty&(1<<k) != 0 || s.e.has(kFree) {
			break
		}
		if k > from && strings.ContainsAny(st.text[bounds[st.spans[k-1].j-1][1]:bounds[s.i][0]], ",;\n") {
			break
		}
		to = k + 1
	}
	for to > from && st.grammatical(&st.spans[to-1]) {
		to--
	}
	if to == from {
		return ""
	}
	return strings.TrimSpace(st.text[bounds[st.spans[from].i][0]:bounds[st.spans[to-1].j-1][1]])
}

// grammatical reports whether span s has only grammatical senses.
func (st *state) grammatical(s *span) bool {
	if s.e == nil || len(s.e.senses) == 0 {
		return false
	}
	for _, x := range s.e.senses {
		if !functionKinds[x.kind] && x.kind != kStop {
			return false
		}
	}
	return !s.e.onlyStop()
}

// tokenBounds appends to dst the byte offsets [start, end) in s of the
// words of Normalize(s), in order, up to maxTokens of them.
func tokenBounds(s string, dst [][2]int) [][2]int {
	tokDigit := false
	in := false // inside a word
	for i := 0; i < len(s) && len(dst) <= maxTokens; {
		start := i
		r, size := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		i += size
		c := fold(r)
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			if !in {
				dst = append(dst, [2]int{start, i})
				in = true
			}
			dst[len(dst)-1][1] = i
			tokDigit = tokDigit || c >= '0' && c <= '9'
		case (c == ':' || c == '.' || c == '/' || c == '-') && tokDigit && in && i < len(s) && s[i] >= '0' && s[i] <= '9':
			dst[len(dst)-1][1] = i
		default:
			in, tokDigit = false, false
		}
	}
	if len(dst) > maxTokens {
		dst = dst[:maxTokens]
	}
	return dst
}
