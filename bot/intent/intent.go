// Package intent turns what citizens type to the coworking bot into a
// structured request: what they want (search, book, prices, ...), which
// services, where, when, how many, and which space. It works offline, in
// microseconds, with pure functions: the gazetteer and the list of spaces
// are given to New, the current time and the conversation's context to
// Parse, and nothing is read or written anywhere else.
package intent

import (
	"slices"
	"strings"
	"time"
)

// Intent is what the person wants the bot to do.
type Intent string

// The intents the parser recognises.
const (
	Search      Intent = "search"
	Details     Intent = "details"
	Hours       Intent = "hours"
	Prices      Intent = "prices"
	Contacts    Intent = "contacts"
	Book        Intent = "book"
	MyBookings  Intent = "my_bookings"
	Cancel      Intent = "cancel"
	Help        Intent = "help"
	Language    Intent = "language"
	Subscribe   Intent = "subscribe"
	Unsubscribe Intent = "unsubscribe"
	Greeting    Intent = "greeting"
	Thanks      Intent = "thanks"
	Unknown     Intent = "unknown"
)

// Entry is a place of the gazetteer or a coworking space: an ID, the name
// people know it by and other names for it. Ordinary marks a place whose
// name is also a common word ("Ora", "Sale"): it is taken as the place only
// right after a place preposition ("a Ora", "near Ora").
type Entry struct {
	ID       string
	Name     string
	Aliases  []string
	Ordinary bool
}

// Context is what the conversation already holds.
type Context struct {
	LastResults []string // space IDs shown last, in order
	HasLocation bool     // the person has shared a location
}

// Part is a part of the day.
type Part string

// The parts of the day.
const (
	NoPart    Part = ""
	Morning   Part = "morning"
	Afternoon Part = "afternoon"
	Evening   Part = "evening"
	AllDay    Part = "all_day"
)

// When is the time the person asks about.
type When struct {
	Date     time.Time // calendar day at 00:00 in now's location; zero when none given
	Part     Part
	From, To int       // minutes since midnight; both 0 when no explicit span
	Now      bool      // "aperto adesso", "open now"
	Conflict bool      // the weekday named does not match the date named
	AltDate  time.Time // with Conflict: the date the weekday alone would mean
}

// IsZero reports whether no time at all was given.
func (w When) IsZero() bool {
	return w.Date.IsZero() && w.Part == NoPart && w.From == 0 && w.To == 0 && !w.Now
}

// Request is the structured reading of one message.
type Request struct {
	Intent     Intent
	Lang       string   // "it" or "en": the language the text is written in (best guess)
	Services   []string // canonical codes, sorted, unique
	Place      string   // place ID from the gazetteer, "" when none
	NearMe     bool
	Space      string   // space ID when one space is meant
	Candidates []string // space IDs when the name is ambiguous, sorted
	Ordinal    int      // 1-based reference to Context.LastResults
	When       When
	Quantity   int
	TargetLang string // with Intent "language": "it" or "en" when named
	Refine     bool   // a follow-up: the slots refine the last search
}

// sense is one meaning of a lexicon phrase.
type sense struct {
	kind kind
	code string
	n    int
	weak bool
}

// entry is everything a normalized phrase may mean.
type entry struct {
	senses []sense
	lang   uint8
}

func (e *entry) has(k kind) bool {
	if e == nil {
		return false
	}
	for _, s := range e.senses {
		if s.kind == k {
			return true
		}
	}
	return false
}

func (e *entry) get(k kind) (sense, bool) {
	if e != nil {
		for _, s := range e.senses {
			if s.kind == k {
				return s, true
			}
		}
	}
	return sense{}, false
}

// onlyStop reports whether the phrase is a known word with no meaning of its
// own to the parser.
func (e *entry) onlyStop() bool {
	if e == nil {
		return true
	}
	for _, s := range e.senses {
		if s.kind != kStop {
			return false
		}
	}
	return true
}

// place senses' n values.
const (
	placeAnywhere = iota
	placeOrdinary // needs a place preposition before it
	placeCommon   // needs a preposition or an article before it, and no qualifier after it
)

// Parser reads messages. It is immutable after New and safe for concurrent
// use.
type Parser struct {
	lex    map[string]*entry
	maxN   int
	spell  *speller
	spaces []space
}

// space is a coworking space as the matcher sees it.
type space struct {
	id      string
	generic map[string]bool // words of its name that may sit inside a mention
}

// New builds a parser that knows the given places and spaces.
func New(places, spaces []Entry) *Parser {
	p := &Parser{lex: make(map[string]*entry, 2048)}
	for _, d := range lexicon {
		for ph := range strings.SplitSeq(d.phrases, "|") {
			p.add(ph, sense{kind: d.kind, code: d.code, n: d.n, weak: d.code == "weak"}, d.lang)
		}
	}
	singlePlace := map[string]bool{}
	for _, pl := range places {
		for _, name := range append([]string{pl.Name}, pl.Aliases...) {
			norm := Normalize(name)
			n := placeAnywhere
			switch {
			case pl.Ordinary:
				n = placeOrdinary
			case commonPlaceWords[norm]:
				n = placeCommon
			}
			p.add(norm, sense{kind: kPlace, code: pl.ID, n: n}, 0)
			if !strings.Contains(norm, " ") {
				singlePlace[norm] = true
			}
		}
	}
	for i, sp := range spaces {
		s := space{id: sp.ID, generic: map[string]bool{}}
		for _, name := range append([]string{sp.Name}, sp.Aliases...) {
			for w := range strings.FieldsSeq(Normalize(name)) {
				if genericNameWords[w] {
					s.generic[w] = true
					continue
				}
				weak := weakNameWords[w] || singlePlace[w] || isDigits(w)
				p.add(w, sense{kind: kSpaceTok, n: i, weak: weak}, 0)
			}
		}
		p.spaces = append(p.spaces, s)
	}
	var words []string
	for k := range p.lex {
		if !strings.Contains(k, " ") && len(k) >= 4 && !hasDigit(k) {
			words = append(words, k)
		}
	}
	slices.Sort(words)
	p.spell = newSpeller(words)
	return p
}

// add records a meaning of a phrase, and makes each of its words known.
func (p *Parser) add(phrase string, s sense, lang uint8) {
	phrase = Normalize(phrase)
	if phrase == "" {
		return
	}
	e := p.lex[phrase]
	if e == nil {
		e = &entry{}
		p.lex[phrase] = e
	}
	e.lang |= lang
	if !slices.Contains(e.senses, s) {
		e.senses = append(e.senses, s)
	}
	n := strings.Count(phrase, " ") + 1
	p.maxN = max(p.maxN, n)
	if n > 1 {
		for w := range strings.FieldsSeq(phrase) {
			if p.lex[w] == nil {
				p.lex[w] = &entry{}
			}
		}
	}
}

// maxTokens bounds the words of a message the parser reads; the rest is
// ignored. People write short messages to a bot.
const maxTokens = 48

// span is a run of tokens that the lexicon reads as one phrase, or a single
// word it does not know.
type span struct {
	i, j int    // tokens [i, j)
	text string // the phrase as matched
	e    *entry // nil for an unknown word
	used bool   // taken by a slot
}

// state is the scratch space of one Parse call.
type state struct {
	p     *Parser
	toks  [maxTokens]string
	nt    int
	spans [maxTokens]span
	ns    int
}

// Parse reads text, written by a person whose chosen language is lang, at
// time now, in the conversation c.
func (p *Parser) Parse(text, lang string, now time.Time, c Context) Request {
	var st state
	st.p = p
	norm := Normalize(text)
	st.tokenize(norm)
	st.match()
	var r Request
	st.parseTime(&r, now)
	st.parseQuantity(&r)
	st.parseOrdinal(&r, c)
	st.parseSpaces(&r)
	st.parsePlaces(&r)
	st.parseServices(&r)
	flags, first := st.parseFlags(&r)
	r.Lang = st.detectLang(lang)
	if r.Space == "" && len(r.Candidates) == 0 && r.Ordinal > 0 && r.Ordinal <= len(c.LastResults) {
		r.Space = c.LastResults[r.Ordinal-1]
	}
	r.Intent = st.decide(&r, flags, first)
	if r.Intent == Search && r.Space == "" && len(r.Candidates) == 0 && r.Ordinal == 0 && st.ns > 0 && st.spans[0].e.has(kRefine) {
		r.Refine = true
	}
	if r.Intent != Language {
		r.TargetLang = ""
	}
	return r
}

// tokenize splits the normalized text into words and corrects the spelling
// of words the lexicon does not know.
func (st *state) tokenize(norm string) {
	for w := range strings.FieldsSeq(norm) {
		if st.nt == maxTokens {
			break
		}
		if _, ok := st.p.lex[w]; !ok && !hasDigit(w) {
			if c, ok := st.p.spell.correct(w); ok {
				w = c
			}
		}
		st.toks[st.nt] = w
		st.nt++
	}
}

// match reads the tokens as phrases, longest first, left to right.
func (st *state) match() {
	var buf [256]byte
	for i := 0; i < st.nt; {
		var sp span
		for n := min(st.p.maxN, st.nt-i); n >= 1; n-- {
			key := buf[:0]
			for k := i; k < i+n; k++ {
				if k > i {
					key = append(key, ' ')
				}
				key = append(key, st.toks[k]...)
			}
			if e, ok := st.p.lex[string(key)]; ok {
				if n == 1 {
					sp = span{i: i, j: i + 1, text: st.toks[i], e: e}
				} else {
					sp = span{i: i, j: i + n, text: st.toks[i], e: e}
				}
				break
			}
		}
		if sp.j == 0 {
			sp = span{i: i, j: i + 1, text: st.toks[i]}
		}
		st.spans[st.ns] = sp
		st.ns++
		i = sp.j
	}
}

// at returns the span at index k, or an empty span outside the message.
func (st *state) at(k int) *span {
	if k < 0 || k >= st.ns {
		return &span{}
	}
	return &st.spans[k]
}

// parseSpaces finds the space named, or the candidates when the name fits
// several spaces equally well. A space is named by a run of words of its
// name: one distinctive word ("Officina", "Torre"), or two words that are
// weak alone ("Desio Works", "Seveso Green").
func (st *state) parseSpaces(r *Request) {
	// Only a space that one of the words names can score: in a long list,
	// those are weighed, in the list's order, rather than every space.
	var candBuf [64]int
	cands := candBuf[:0]
	if len(st.p.spaces) <= len(candBuf) {
		for si := range st.p.spaces {
			cands = append(cands, si)
		}
	} else {
		for k := 0; k < st.ns; k++ {
			if e := st.spans[k].e; e != nil {
				for _, x := range e.senses {
					if x.kind == kSpaceTok {
						cands = append(cands, x.n)
					}
				}
			}
		}
		slices.Sort(cands)
		cands = slices.Compact(cands)
	}
	var scoreBuf [64]int
	var fromBuf, toBuf [64]int
	n := len(cands)
	score, from, to := scoreBuf[:0], fromBuf[:0], toBuf[:0]
	if n > len(scoreBuf) {
		score, from, to = make([]int, 0, n), make([]int, 0, n), make([]int, 0, n)
	}
	score, from, to = score[:n], from[:n], to[:n]
	best := 0
	for ci, si := range cands {
		sp := &st.p.spaces[si]
		strong, weak, start, last := 0, 0, -1, -1
		flush := func() {
			if start >= 0 && (strong > 0 || weak > 1) {
				if s := 2*strong + weak; s > score[ci] {
					score[ci], from[ci], to[ci] = s, start, last+1
				}
			}
			strong, weak, start, last = 0, 0, -1, -1
		}
		for k := 0; k < st.ns; k++ {
			s := &st.spans[k]
			if s.used {
				flush()
				continue
			}
			if t, ok := st.spaceTok(s, si); ok {
				if start < 0 {
					start = k
				}
				if t.weak {
					weak++
				} else {
					strong++
				}
				last = k
				continue
			}
			if start >= 0 && (s.e.has(kConnector) || sp.generic[s.text]) && s.j-s.i == 1 {
				continue
			}
			flush()
		}
		flush()
		best = max(best, score[ci])
	}
	if best == 0 {
		return
	}
	// Every space with the best score is meant, or the name is ambiguous;
	// a space named by a separate run of words is meant too ("officina e
	// torre civica"). Both cases go back to the person as candidates.
	var ids [8]string
	found := ids[:0]
	for s := best; s > 0 && len(found) < len(ids); s-- {
		for ci, si := range cands {
			if score[ci] != s || len(found) == len(ids) {
				continue
			}
			if s < best && st.overlapsUsed(from[ci], to[ci]) {
				continue
			}
			found = append(found, st.p.spaces[si].id)
			for k := from[ci]; k < to[ci]; k++ {
				st.spans[k].used = true
			}
		}
	}
	if len(found) == 1 {
		r.Space = found[0]
		return
	}
	r.Candidates = slices.Clone(found)
	slices.Sort(r.Candidates)
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

// spaceTok returns the sense by which span s names space si, if any.
func (st *state) spaceTok(s *span, si int) (sense, bool) {
	if s.e == nil {
		return sense{}, false
	}
	for _, x := range s.e.senses {
		if x.kind == kSpaceTok && x.n == si {
			return x, true
		}
	}
	return sense{}, false
}

// parsePlaces finds the first place named, and whether the person means
// "near me".
func (st *state) parsePlaces(r *Request) {
	for k := 0; k < st.ns; k++ {
		s := &st.spans[k]
		if s.used || s.e == nil {
			continue
		}
		if s.e.has(kNearMe) {
			r.NearMe = true
			s.used = true
			continue
		}
		if r.Place == "" {
			if pl, ok := s.e.get(kPlace); ok && st.placeFits(k, pl) {
				r.Place = pl.code
				s.used = true
				continue
			}
		}
		if s.e.has(kVicino) {
			next := st.at(k + 1)
			if !next.e.has(kPrep) && !next.e.has(kPlace) && !next.e.has(kArticle) {
				r.NearMe = true
			}
		}
	}
}

// placeFits reports whether the place sense of span k is meant as a place.
func (st *state) placeFits(k int, pl sense) bool {
	prev := st.at(k - 1)
	switch pl.n {
	case placeOrdinary:
		return prev.e.has(kPrep) && !st.at(k+1).e.has(kTimeUnit)
	case placeCommon:
		if !prev.e.has(kPrep) && !prev.e.has(kArticle) {
			return false
		}
		next := st.at(k + 1)
		return !next.e.has(kQualifier) && !next.e.has(kPlace)
	}
	return true
}

// parseServices collects the services named.
func (st *state) parseServices(r *Request) {
	var buf [16]string
	codes := buf[:0]
	for k := 0; k < st.ns; k++ {
		s := &st.spans[k]
		if s.used {
			continue
		}
		if sv, ok := s.e.get(kService); ok {
			s.used = true
			if !slices.Contains(codes, sv.code) {
				codes = append(codes, sv.code)
			}
		}
	}
	if len(codes) > 0 {
		r.Services = slices.Clone(codes)
		slices.Sort(r.Services)
	}
}

// cue positions for the intents that compete by order of mention.
type cues struct {
	hours, prices, contacts int // span index of the first cue, or -1
}

// parseFlags collects intent cues from the spans no slot has taken, and the
// language named, if any.
func (st *state) parseFlags(r *Request) (int, cues) {
	flags := 0
	first := cues{-1, -1, -1}
	for k := 0; k < st.ns; k++ {
		s := &st.spans[k]
		if s.e == nil || s.used {
			continue
		}
		for _, x := range s.e.senses {
			switch x.kind {
			case kFlag:
				flags |= x.n
				switch {
				case x.n == fHours && first.hours < 0:
					first.hours = k
				case x.n == fPrices && first.prices < 0:
					first.prices = k
				case x.n == fContacts && first.contacts < 0:
					first.contacts = k
				}
			case kTarget:
				r.TargetLang = x.code
			case kUnit:
				flags |= fSearch
			case kOpen:
				if first.hours < 0 && (r.Space != "" || len(r.Candidates) > 0 || r.Ordinal > 0) {
					flags |= fHours
					first.hours = k
				}
			}
		}
	}
	return flags, first
}

// detectLang guesses the language of the text from the words it knows,
// falling back to lang.
func (st *state) detectLang(lang string) string {
	it, en := 0, 0
	for k := 0; k < st.ns; k++ {
		e := st.spans[k].e
		if e == nil || st.spans[k].used && (e.has(kPlace) || e.has(kSpaceTok)) {
			continue
		}
		switch e.lang {
		case langIT:
			it++
		case langEN:
			en++
		}
	}
	switch {
	case it > en:
		return "it"
	case en > it:
		return "en"
	case lang == "en":
		return "en"
	}
	return "it"
}

// decide picks the intent from the cues and the slots found.
func (st *state) decide(r *Request, flags int, first cues) Intent {
	has := func(f int) bool { return flags&f != 0 }
	named := r.Space != "" || len(r.Candidates) > 0 || r.Ordinal > 0
	where := len(r.Services) > 0 || r.Place != "" || r.NearMe || r.Quantity > 0 || r.When.Now
	slots := where || !r.When.IsZero()
	switch {
	case has(fLanguage) || r.TargetLang != "" && !named && !slots:
		return Language
	case has(fSubNoun):
		if has(fUnsub) || has(fNeg) || has(fCancel) {
			return Unsubscribe
		}
		return Subscribe
	case has(fCancel):
		return Cancel
	case has(fMine) || has(fBookings) && !has(fBook) || has(fBookNoun) && (has(fMy) || has(fShow)):
		return MyBookings
	case has(fBook) || has(fBookNoun):
		return Book
	}
	if in, ok := earliest(first); ok {
		return in
	}
	if has(fWhere) && named {
		return Contacts
	}
	switch {
	case named:
		return Details
	case has(fHelp) && !slots:
		return Help
	case where || has(fSearch):
		return Search
	case has(fHelp):
		return Help
	case has(fDetails):
		return Details
	case !r.When.IsZero() && st.onlyFunctionWords():
		return Search
	case has(fThanks):
		return Thanks
	case has(fGreeting):
		return Greeting
	}
	return Unknown
}

// earliest returns the one of hours, prices and contacts cued first.
func earliest(c cues) (Intent, bool) {
	in, at := Unknown, -1
	for _, x := range []struct {
		in Intent
		at int
	}{{Hours, c.hours}, {Prices, c.prices}, {Contacts, c.contacts}} {
		if x.at >= 0 && (at < 0 || x.at < at) {
			in, at = x.in, x.at
		}
	}
	return in, at >= 0
}

// onlyFunctionWords reports whether every span no slot has taken is a word
// with a grammatical role (article, preposition, follow-up cue), so a
// message of a time alone ("venerdì pomeriggio", "on the 3rd") is a search.
func (st *state) onlyFunctionWords() bool {
	for k := 0; k < st.ns; k++ {
		s := &st.spans[k]
		if !s.used && s.e.onlyStop() {
			return false
		}
	}
	return true
}
