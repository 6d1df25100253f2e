package intent

import (
	"math"
	"math/bits"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// class is what one word of a space's or a room's name says about which
// one is meant. A comune's list has names nobody here chose, made of
// ordinary words ("La Scrivania del Borgo", "Fibra Lab", "Osteria del
// Lunedì"), so a word that has a meaning of its own keeps it unless the
// whole name, or nearly all of it, is written.
type class uint8

const (
	// clMeaning: the word means something to the parser already: a
	// service, a place, a weekday, a number, a booking word ("scrivania",
	// "fibra", "lunedì", "Desio", "sette"). It counts only in a full or
	// near-full name.
	clMeaning class = iota
	// clCommon: an everyday word the parser knows but gives no meaning
	// ("casa", "condivisa", "sala"). Alone it names a space only when
	// nothing else in the message fits.
	clCommon
	// clNamey: a word typical of names, shared by many ("lab", "hub",
	// "office"). Like clCommon alone, but it anchors a near-full name.
	clNamey
	// clRare: a word the parser does not otherwise know ("Aurora",
	// "Ceredo", "Cortile"). Alone, it names the space.
	clRare
)

// nameWord is a content word of the names of a space or a room.
type nameWord struct {
	text  string
	class class
	pos   int // its place in the first name that has it
}

// names are the content words of a space's or a room's names, and each
// name (or alias) as the set of its words: bit i stands for words[i].
type names struct {
	words []nameWord
	forms []uint64
}

// space is a coworking space as the matcher sees it.
type space struct {
	id string
	names
	rooms []room
}

// room is a room of a space that can be booked by name.
type room struct {
	id string
	names
	rare bool // some word of its names is clRare
}

// maxNameWords bounds the distinct content words of one space's names.
const maxNameWords = 64

// genericNameWords are words of space names that say nothing about which
// space is meant: they neither name a space nor count towards a match,
// though they may sit inside a name.
var genericNameWords = map[string]bool{"coworking": true, "cowork": true, "spazio": true, "il": true, "la": true, "lo": true, "l": true, "i": true, "gli": true, "le": true, "di": true, "del": true, "della": true, "e": true, "and": true, "the": true, "of": true}

// genericRoomWords are the words of room names that only say it is a room.
var genericRoomWords = map[string]bool{"sala": true, "saletta": true, "stanza": true, "aula": true, "room": true, "hall": true}

// weakNameWords are words of names that name many things: alone they do
// not name a space, but beside other words of its name they do ("Seveso
// Green", "Lissone Design").
var weakNameWords = map[string]bool{"lab": true, "hub": true, "office": true, "desk": true, "works": true, "work": true, "design": true, "green": true, "smart": true, "uno": true, "lavoro": true, "brianza": true, "point": true, "club": true, "factory": true, "studio": true, "house": true, "home": true, "center": true, "centre": true, "space": true, "station": true, "1": true}

// meaningKinds are the kinds of sense that give a word a meaning of its
// own; functionKinds the grammatical ones, which may sit inside a name.
var meaningKinds, functionKinds [64]bool

func init() {
	for _, k := range []kind{kService, kFlag, kNearMe, kVicino, kPart, kDayRel, kWeekday, kMonth, kNext, kNow, kNowWeak, kOpen,
		kUnit, kNumWord, kOrdinal, kTarget, kTimeUnit, kAmPm, kPlace, kAfter, kUntil, kHoliday, kRange, kFree, kClock, kLunch} {
		meaningKinds[k] = true
	}
	for _, k := range []kind{kArticle, kPrep, kConnector, kFrom, kTo, kAt, kPer, kWeAre, kIndef, kRefine, kDateFrom, kDateTo, kOr, kSelf, kWe, kOther, kOrdRef} {
		functionKinds[k] = true
	}
}

// classify tells what a normalized word of a name says, from what the
// lexicon and the gazetteer already make of it. glue reports a word that
// is no content at all: an article, a preposition, "coworking".
func (p *Parser) classify(w string) (c class, glue bool) {
	if genericNameWords[w] {
		return 0, true
	}
	if isDigits(w) {
		return clMeaning, false
	}
	e := p.lex[w]
	meaning, function, stop, known := false, false, false, false
	if e != nil {
		for _, s := range e.senses {
			switch {
			case s.kind == kSpaceTok || s.kind == kSpaceName || s.kind == kRoomTok || s.kind == kRoomName:
				continue
			case s.kind == kStop:
				stop = true
			case (s.kind == kWeekday || s.kind == kMonth) && s.weak:
				known = true
			case meaningKinds[s.kind]:
				meaning = true
			case functionKinds[s.kind]:
				function = true
			default:
				known = true
			}
		}
	}
	switch {
	case meaning:
		return clMeaning, false
	case function && !known:
		return 0, true
	case weakNameWords[w]:
		return clNamey, false
	case known || stop || p.phraseWords[w]:
		return clCommon, false
	}
	return clRare, false
}

// addNames reads the names of a space or a room into n, and returns the
// normalized words of each name, for the phrases.
func (p *Parser) addNames(n *names, all []string, skip map[string]bool) [][]string {
	var phrases [][]string
	for _, name := range all {
		toks := strings.Fields(Normalize(name))
		var form uint64
		for pos, w := range toks {
			if skip[w] {
				continue
			}
			c, glue := p.classify(w)
			if glue {
				continue
			}
			wi := slices.IndexFunc(n.words, func(x nameWord) bool { return x.text == w })
			if wi < 0 {
				if len(n.words) == maxNameWords {
					continue
				}
				wi = len(n.words)
				n.words = append(n.words, nameWord{text: w, class: c, pos: pos})
			}
			form |= 1 << wi
		}
		if form == 0 && skip != nil { // "Saletta": a room named by a room word alone
			return append(phrases, p.addNames(n, []string{name}, nil)...)
		}
		if form == 0 {
			continue
		}
		n.forms = append(n.forms, form)
		phrases = append(phrases, toks)
	}
	return phrases
}

// addSpace makes space number si known by the words of its names, by each
// name of two or more words as a whole phrase, and its rooms.
func (p *Parser) addSpace(si int, e Entry) space {
	sp := space{id: e.ID}
	phrases := p.addNames(&sp.names, append([]string{e.Name}, e.Aliases...), nil)
	for _, r := range e.Rooms {
		rm := room{id: r.ID}
		rp := p.addNames(&rm.names, append([]string{r.Name}, r.Aliases...), genericRoomWords)
		for _, w := range rm.words {
			rm.rare = rm.rare || w.class == clRare
		}
		sp.rooms = append(sp.rooms, rm)
		ri := len(sp.rooms) - 1
		for fi, toks := range rp {
			if len(toks) >= 2 && fits16(ri, fi) {
				p.addPhrase(toks, sense{kind: kRoomName, n: si, room: int16(ri), w: int16(fi)})
			}
		}
	}
	for fi, toks := range phrases {
		if len(toks) >= 2 && fits16(fi) {
			p.addPhrase(toks, sense{kind: kSpaceName, n: si, w: int16(fi)})
		}
	}
	for wi, w := range sp.words {
		if fits16(wi) {
			p.add(w.text, sense{kind: kSpaceTok, n: si, w: int16(wi)}, 0)
		}
	}
	for ri, rm := range sp.rooms {
		for wi, w := range rm.words {
			if fits16(ri, wi) {
				p.add(w.text, sense{kind: kRoomTok, n: si, room: int16(ri), w: int16(wi)}, 0)
			}
		}
	}
	return sp
}

// fits16 reports whether indexes fit a sense's int16 fields. Names and rooms
// are capped at import far below; past the bound a word is not learnt.
func fits16(ix ...int) bool {
	for _, i := range ix {
		if i > math.MaxInt16 {
			return false
		}
	}
	return true
}

// addPhrase records a whole name as a phrase, as written and without the
// generic words at its ends ("la scrivania del borgo", "scrivania del
// borgo"; "torre civica coworking", "torre civica"). Whole names are kept
// apart from the lexicon, so that a name the matcher turns down leaves its
// words their ordinary meanings.
func (p *Parser) addPhrase(toks []string, s sense) {
	add := func(toks []string) {
		key := strings.Join(toks, " ")
		if !slices.Contains(p.phrases[key], s) {
			p.phrases[key] = append(p.phrases[key], s)
		}
		p.maxPhrase = max(p.maxPhrase, len(toks))
	}
	add(toks)
	i, j := 0, len(toks)
	for i < j && (genericNameWords[toks[i]] || genericRoomWords[toks[i]] && s.kind == kRoomName) {
		i++
	}
	for j > i && genericNameWords[toks[j-1]] {
		j--
	}
	if j-i >= 2 && (i > 0 || j < len(toks)) {
		add(toks[i:j])
	}
}

// nameHit is a whole name of a space or a room written in the message, over
// the spans [from, to).
type nameHit struct {
	s        sense
	from, to int
}

// findNames finds the whole names written in the message, longest first,
// where they begin and end on the edges of spans.
func (st *state) findNames() {
	if st.p.maxPhrase < 2 {
		return
	}
	var buf [256]byte
	for k := 0; k < st.ns && st.nnames < len(st.names); k++ {
		i := st.spans[k].i
		if first := st.toks[i]; !genericNameWords[first] && !genericRoomWords[first] && !st.p.lex[first].has(kSpaceTok) && !st.p.lex[first].has(kRoomTok) {
			continue
		}
		for n := min(st.p.maxPhrase, st.nt-i); n >= 2; n-- {
			key := buf[:0]
			for t := i; t < i+n; t++ {
				if t > i {
					key = append(key, ' ')
				}
				key = append(key, st.toks[t]...)
			}
			senses, ok := st.p.phrases[string(key)]
			if !ok {
				continue
			}
			to := k + 1
			for to < st.ns && st.spans[to-1].j < i+n {
				to++
			}
			if st.spans[to-1].j != i+n {
				continue
			}
			for _, x := range senses {
				if st.nnames < len(st.names) {
					st.names[st.nnames] = nameHit{x, k, to}
					st.nnames++
				}
			}
			k = to - 1
			break
		}
	}
}

// Ranks of a mention of a space, best last.
const (
	rankNone     = iota
	rankFallback // only everyday words: the space, if nothing else fits
	rankPartial  // a word of its own ("Aurora" for "Villa Aurora")
	rankNear     // all the name but one word ("Lissone Design" for "Lissone Design Desk")
	rankFull     // the whole name
)

// judge ranks a mention made of the words mask of n.
func (n *names) judge(mask uint64) int {
	best := rankNone
	for _, f := range n.forms {
		switch got, all := bits.OnesCount64(mask&f), bits.OnesCount64(f); {
		case got == all && all >= 2:
			return rankFull
		case got == all:
			switch n.words[bits.TrailingZeros64(f)].class {
			case clRare:
				return rankFull
			case clCommon, clNamey:
				best = max(best, rankFallback)
			}
		case all >= 3 && got >= 2 && got >= all-1 && n.anchored(mask&f):
			best = max(best, rankNear)
		}
	}
	var count [4]int
	for m := mask; m != 0; m &= m - 1 {
		count[n.words[bits.TrailingZeros64(m)].class]++
	}
	switch {
	case count[clRare] > 0:
		best = max(best, rankPartial)
	case count[clMeaning] == 0:
		best = max(best, rankFallback)
	}
	return best
}

// inOrder reports whether the words of next come after those of prev in
// the name: "lunedì all'osteria" is no mention of "Osteria del Lunedì".
func (n *names) inOrder(prev, next uint64) bool {
	last := -1
	for m := prev; m != 0; m &= m - 1 {
		last = max(last, n.words[bits.TrailingZeros64(m)].pos)
	}
	for m := next; m != 0; m &= m - 1 {
		if n.words[bits.TrailingZeros64(m)].pos <= last {
			return false
		}
	}
	return true
}

// anchored reports whether the words of mask hold one that is no ordinary
// word with a meaning of its own.
func (n *names) anchored(mask uint64) bool {
	for m := mask; m != 0; m &= m - 1 {
		if c := n.words[bits.TrailingZeros64(m)].class; c == clRare || c == clNamey {
			return true
		}
	}
	return false
}

// hit is a span that holds words of a space's names, or a whole name.
type hit struct {
	si, from, to int // spans [from, to)
	mask         uint64
	phrase       bool // a whole name
}

// mention is a run of hits of one space, words of its names side by side.
type mention struct {
	si, from, to int // spans [from, to)
	h0, h1       int // hits [h0, h1)
	mask         uint64
	rank, score  int
	generic      bool // a whole name with a generic word: "Coworking Monza", "Spazio Sette"
}

// parseSpaces finds the space named, or the candidates when the name fits
// several spaces equally well. A full or near-full name wins over a word
// of a name; two spaces named apart are both candidates ("officina e torre
// civica"). A mention made only of everyday words is kept aside in
// st.fallback: it names the space only if nothing else fits.
func (st *state) parseSpaces(r *Request) {
	var hitBuf [64]hit
	hits := hitBuf[:0]
	for _, x := range st.names[:st.nnames] {
		if x.s.kind == kSpaceName && len(hits) < cap(hits) && !st.overlapsUsed(x.from, x.to) {
			hits = append(hits, hit{si: x.s.n, from: x.from, to: x.to, mask: st.p.spaces[x.s.n].forms[x.s.w], phrase: true})
		}
	}
	for k := 0; k < st.ns && len(hits) < cap(hits); k++ {
		s := &st.spans[k]
		if s.used || s.e == nil {
			continue
		}
		for _, x := range s.e.senses {
			if x.kind == kSpaceTok && len(hits) < cap(hits) {
				hits = append(hits, hit{si: x.n, from: k, to: k + 1, mask: 1 << x.w})
			}
		}
	}
	if len(hits) == 0 {
		return
	}
	// By space, then left to right, a whole name before the words in it.
	slices.SortStableFunc(hits, func(a, b hit) int {
		if a.si != b.si {
			return a.si - b.si
		}
		if a.from != b.from {
			return a.from - b.from
		}
		return b.to - a.to
	})
	var menBuf [32]mention
	men := menBuf[:0]
	for h := 0; h < len(hits) && len(men) < cap(men); {
		m := mention{si: hits[h].si, from: hits[h].from, to: hits[h].to, h0: h, h1: h + 1, mask: hits[h].mask}
		sp := &st.p.spaces[m.si]
		for h++; h < len(hits) && hits[h].si == m.si; h++ {
			x := hits[h]
			if x.from < m.to || x.mask&m.mask != 0 || !sp.inOrder(m.mask, x.mask) || !st.glueBetween(m.to, x.from) {
				break
			}
			m.mask |= x.mask
			m.to, m.h1 = x.to, h+1
		}
		m.rank = sp.judge(m.mask)
		if m.h1-m.h0 == 1 && hits[m.h0].phrase {
			m.rank = rankFull
		}
		// A name made only of everyday words and words with a meaning of
		// their own ("Ufficio Condiviso", "Coworking Lissone", "La
		// Scrivania") is the name when written as such, with a capital.
		// Else its words mean what they say; everyday words alone may
		// still name it if nothing else fits.
		if m.rank == rankFull && !sp.anchored(m.mask) && (m.h1-m.h0 != 1 || !hits[m.h0].phrase || !st.capitalized(m.from, m.to)) {
			m.rank = rankNone
			switch {
			case m.mask&sp.meaningMask() == 0:
				m.rank = rankFallback
			case m.h1-m.h0 == 1 && hits[m.h0].phrase && st.genericInside(m.from, m.to):
				m.rank, m.generic = rankFallback, true
			}
		}
		if m.rank == rankNone {
			continue
		}
		m.score = m.rank*1000 + bits.OnesCount64(m.mask)
		// Keep the best mention of each space only.
		if i := slices.IndexFunc(men, func(o mention) bool { return o.si == m.si }); i >= 0 {
			if m.score > men[i].score {
				men[i] = m
			}
			continue
		}
		men = append(men, m)
	}
	slices.SortStableFunc(men, func(a, b mention) int { return b.score - a.score })
	if len(men) == 0 {
		return
	}
	if men[0].rank == rankFallback {
		for _, m := range men {
			if m.score == men[0].score && st.nfallback < len(st.fallback) {
				st.fallback[st.nfallback] = m
				st.nfallback++
			}
		}
		return
	}
	var ids [8]string
	found := ids[:0]
	for _, m := range men {
		if m.rank < rankPartial || len(found) == len(ids) {
			break
		}
		if m.score < men[0].score && st.overlapsUsed(m.from, m.to) {
			continue
		}
		found = append(found, st.p.spaces[m.si].id)
		st.take(m, hits)
	}
	if len(found) == 1 {
		r.Space = found[0]
		return
	}
	r.Candidates = slices.Clone(found)
	slices.Sort(r.Candidates)
}

// take marks the spans of a mention as used. A mention by a word of a
// name leaves the words with a meaning of their own to it.
func (st *state) take(m mention, hits []hit) {
	if m.rank >= rankNear || m.rank == rankFallback {
		for k := m.from; k < m.to; k++ {
			st.spans[k].used = true
		}
		return
	}
	sp := &st.p.spaces[m.si]
	for _, x := range hits[m.h0:m.h1] {
		if x.mask&^sp.meaningMask() != 0 {
			for k := x.from; k < x.to; k++ {
				st.spans[k].used = true
			}
		}
	}
}

// meaningMask is the set of words of n that have a meaning of their own.
func (n *names) meaningMask() uint64 {
	var m uint64
	for i, w := range n.words {
		if w.class == clMeaning {
			m |= 1 << i
		}
	}
	return m
}

// glueBetween reports whether the spans [from, to) may sit inside a name:
// articles, connectors and generic words such as "coworking".
func (st *state) glueBetween(from, to int) bool {
	for k := from; k < to; k++ {
		s := &st.spans[k]
		if s.used || s.j-s.i != 1 {
			return false
		}
		if !genericNameWords[s.text] && !s.e.has(kConnector) && !s.e.has(kArticle) {
			return false
		}
	}
	return true
}

// genericInside reports whether the spans [from, to) hold a generic word
// of names other than an article: "coworking", "spazio".
func (st *state) genericInside(from, to int) bool {
	for t := st.spans[from].i; t < st.spans[to-1].j; t++ {
		switch st.toks[t] {
		case "coworking", "cowork", "spazio":
			return true
		}
	}
	return false
}

// overlapsUsed reports whether any of the spans [from, to) is taken.
func (st *state) overlapsUsed(from, to int) bool {
	for k := from; k < to; k++ {
		if st.spans[k].used {
			return true
		}
	}
	return false
}

// resolveFallback names the space of a mention kept aside by parseSpaces
// when nothing else fits: no space, service or place was found, and every
// other word left is a grammatical one or asks something about a space
// ("orari della Condivisa"). A whole name made of a generic word and a
// town's name ("orari di Coworking Monza") needs such a question, and
// then wins over the town.
func (st *state) resolveFallback(r *Request) {
	if st.nfallback == 0 || r.Space != "" || len(r.Candidates) > 0 || len(r.Services) > 0 || r.NearMe || r.Ordinal > 0 {
		return
	}
	m0 := st.fallback[0]
	ownPlace := false
	for k := m0.from; k < m0.to; k++ {
		switch {
		case !st.spans[k].used:
		case m0.generic && k == st.placeSpan:
			ownPlace = true
		default: // its words were taken for what they mean ("il lunedì")
			return
		}
	}
	if r.Place != "" && !ownPlace {
		return
	}
	asked := false
	for k := 0; k < st.ns; k++ {
		s := &st.spans[k]
		if s.used || k >= m0.from && k < m0.to {
			continue
		}
		ok, cue := st.askAboutSpace(s)
		if !ok {
			return
		}
		asked = asked || cue
	}
	if m0.generic && !asked {
		return
	}
	if ownPlace {
		r.Place = ""
	}
	var ids [8]string
	found := ids[:0]
	for _, m := range st.fallback[:st.nfallback] {
		found = append(found, st.p.spaces[m.si].id)
		for k := m.from; k < m.to; k++ {
			st.spans[k].used = true
		}
	}
	if len(found) == 1 {
		r.Space = found[0]
		return
	}
	r.Candidates = slices.Clone(found)
	slices.Sort(r.Candidates)
}

// spaceCues are the intent cues that ask about one space.
const spaceCues = fDetails | fHours | fPrices | fContacts | fBook | fBookNoun | fCancel | fWhere | fWhen | fClosed | fShow

// askAboutSpace reports whether span s is a grammatical word or a cue
// that asks about a space, and whether it is such a cue.
func (st *state) askAboutSpace(s *span) (ok, cue bool) {
	if s.e == nil {
		return false, false
	}
	function := false
	for _, x := range s.e.senses {
		switch {
		case x.kind == kFlag && x.n&spaceCues != 0, x.kind == kOpen:
			return true, true
		case x.kind == kFlag, meaningKinds[x.kind]:
			return false, false
		case functionKinds[x.kind]:
			function = true
		}
	}
	return function, false
}

// parseRooms finds the room of the space named: its whole name ("sala
// Volta", "Saletta"), or a word of its own ("la Volta"). With no space
// named, a room's own name after "sala" or "room" ("la sala Volta") names
// its space too, when no other room has that name.
func (st *state) parseRooms(r *Request) {
	si := -1
	if r.Space != "" {
		si = slices.IndexFunc(st.p.spaces, func(s space) bool { return s.id == r.Space })
	} else if len(r.Candidates) > 0 {
		return
	}
	type found struct{ si, ri, from, to, noun int }
	var buf [4]found
	hits := buf[:0]
	add := func(f found) {
		if len(hits) < cap(hits) && !slices.ContainsFunc(hits, func(o found) bool { return o.si == f.si && o.ri == f.ri }) {
			hits = append(hits, f)
		}
	}
	for _, x := range st.names[:st.nnames] {
		if x.s.kind != kRoomName || si >= 0 && x.s.n != si || st.overlapsUsed(x.from, x.to) {
			continue
		}
		rm := &st.p.spaces[x.s.n].rooms[x.s.room]
		// With no space named, only a room's own name after a room word
		// ("sala Volta") will do.
		if noun := genericRoomWords[st.toks[st.spans[x.from].i]]; si >= 0 || noun && rm.rare {
			add(found{x.s.n, int(x.s.room), x.from, x.to, -1})
		}
	}
	for k := 0; k < st.ns; k++ {
		s := &st.spans[k]
		if s.used || s.e == nil {
			continue
		}
		for _, x := range s.e.senses {
			if x.kind != kRoomTok || si >= 0 && x.n != si {
				continue
			}
			rm := &st.p.spaces[x.n].rooms[x.room]
			noun := -1
			if st.at(k-1).e.has(kRoomNoun) && !st.at(k-1).used {
				noun = k - 1
			}
			c := rm.words[x.w].class
			ok := c == clRare && noun >= 0
			if si >= 0 {
				ok = c == clRare || noun >= 0 || slices.Contains(rm.forms, uint64(1)<<x.w)
			}
			if ok {
				add(found{x.n, int(x.room), k, k + 1, noun})
			}
		}
	}
	if len(hits) == 0 || si < 0 && len(hits) > 1 {
		return
	}
	f := hits[0]
	for k := f.from; k < f.to; k++ {
		st.spans[k].used = true
	}
	if f.noun >= 0 {
		st.spans[f.noun].used = true
	}
	r.Room = st.p.spaces[f.si].rooms[f.ri].id
	if si < 0 {
		r.Space = st.p.spaces[f.si].id
	}
}

// capitalized reports whether a word of the spans [from, to) is written
// with a capital letter where a capital says it is a name: not a town's
// name (always capitalized), not the first word of a sentence, not in a
// message written in capitals.
func (st *state) capitalized(from, to int) bool {
	if strings.ToUpper(st.text) == st.text {
		return false
	}
	var buf [maxTokens][2]int
	bounds := tokenBounds(st.text, buf[:0])
	if len(bounds) < st.nt {
		return false
	}
	for k := from; k < to; k++ {
		s := &st.spans[k]
		for t := s.i; t < s.j; t++ {
			if genericNameWords[st.toks[t]] || st.properPlace(st.toks[t]) {
				continue
			}
			start := bounds[t][0]
			if r, _ := utf8.DecodeRuneInString(st.text[start:]); !unicode.IsUpper(r) {
				continue
			}
			before := strings.TrimRight(st.text[:start], " \t\"'«“(")
			if before == "" || strings.ContainsAny(before[len(before)-1:], ".!?\n:") {
				continue
			}
			return true
		}
	}
	return false
}

// properPlace reports whether w is the proper name of a place, which is
// written with a capital anyway (not "centro" or "stazione").
func (st *state) properPlace(w string) bool {
	if e := st.p.lex[w]; e != nil {
		for _, x := range e.senses {
			if x.kind == kPlace && x.n != placeCommon {
				return true
			}
		}
	}
	return false
}
