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
	Explain     Intent = "explain"   // what a service is, or which services there are ("cos'è il cobaby?")
	Has         Intent = "has"       // whether a named space has the services named ("Officina ha il parcheggio?")
	IsOpen      Intent = "is_open"   // whether a named space is open at the time given, or now
	Events      Intent = "events"    // events, courses and workshops to go to
	Privacy     Intent = "privacy"   // the privacy notice
	MyData      Intent = "my_data"   // what the bot keeps about the person
	DeleteMe    Intent = "delete_me" // forget the person and their data
	Closure     Intent = "closure"   // a provider closes their space on the days given
	NewEvent    Intent = "new_event" // a provider publishes an event
	Apply       Intent = "apply"     // a provider asks to list their space
	Unknown     Intent = "unknown"
)

// Entry is a place of the gazetteer, a coworking space or a room of a space:
// an ID, the name people know it by and other names for it. Ordinary marks a
// place whose name is also a common word ("Ora", "Sale"): it is taken as the
// place only right after a place preposition ("a Ora", "near Ora").
type Entry struct {
	ID       string
	Name     string
	Aliases  []string
	Ordinary bool
	Rooms    []Entry // of a space: its rooms that can be booked by name ("Sala Volta"); only ID, Name and Aliases are read
}

// Context is what the conversation already holds.
type Context struct {
	LastResults []string // space IDs shown last, in order
	HasLocation bool     // the person has shared a location
}

// Part is a part of the day.
type Part string

// The parts of the day. Morning, Afternoon and AllDay have the values of the
// registry's slots of the same span; Evening has no slot of its own.
const (
	NoPart    Part = ""
	Morning   Part = "morning"
	Afternoon Part = "afternoon"
	Evening   Part = "evening"
	AllDay    Part = "day"
)

// When is the time the person asks about.
type When struct {
	Date     time.Time // calendar day at 00:00 in now's location; zero when none given. It may be in the past ("30 novembre" on 2 December)
	EndDate  time.Time // the last day of a range of days ("questo weekend", "dal 24 dicembre al 6 gennaio"); zero for a single day
	Part     Part
	From, To int       // minutes since midnight; 0 means not given: "dopo le 20" has From only, "fino alle 21" To only
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

	AnyServices  bool   // the services were joined by "o"/"or": any one of them will do, not all
	Seats        int    // seats a room must have ("sala riunioni per 6 persone"); Quantity is then 0
	Room         string // room ID of Space, when a room is named ("la sala Volta")
	Code         string // a booking code written in the text, upper-cased; "" when none
	UnknownPlace string // the normalized word(s) after a place preposition that name no known place ("a Borgofantasia"); "" when none
	Free         bool   // with Events or NewEvent: free of charge ("workshop gratuiti")
	EventLang    string // with Events: "it" or "en", the language the events are held in ("events in English")
	Title        string // with NewEvent: the event's title, as written in the text (case and accents kept)
	Note         string // with Closure: the reason given ("per ferie" → "ferie"), as written in the text
}

// sense is one meaning of a lexicon phrase.
//
// Its fields are as small as they can be (a list of ten thousand spaces
// makes a hundred thousand senses): word, form and room indexes stay far
// below 32,768, which the parser checks when it learns the names.
type sense struct {
	kind kind
	weak bool
	w    int16 // kSpaceTok, kRoomTok: word index; kSpaceName, kRoomName: form index
	room int16 // kRoomTok, kRoomName: room index within the space
	n    int   // a flag's bits, a number, a space's index
	code string
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

// flag reports whether the phrase is an intent cue with bit f.
func (e *entry) flag(f int) bool {
	if e != nil {
		for _, s := range e.senses {
			if s.kind == kFlag && s.n&f != 0 {
				return true
			}
		}
	}
	return false
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
	lex         map[string]*entry
	maxN        int
	spell       *speller
	spaces      []space
	phrases     map[string][]sense // whole names of spaces and rooms (kSpaceName, kRoomName)
	maxPhrase   int                // the most words of a whole name
	phraseWords map[string]bool    // words of the built-in lexicon's phrases of several words
}

// New builds a parser that knows the given places and spaces, and the
// spaces' rooms.
func New(places, spaces []Entry) *Parser {
	p := &Parser{lex: make(map[string]*entry, 4096), phrases: map[string][]sense{}, phraseWords: map[string]bool{}}
	for _, d := range lexicon {
		for ph := range strings.SplitSeq(d.phrases, "|") {
			p.add(ph, sense{kind: d.kind, code: d.code, n: d.n, weak: d.code == "weak"}, d.lang)
			if strings.Contains(ph, " ") {
				for w := range strings.FieldsSeq(Normalize(ph)) {
					p.phraseWords[w] = true
				}
			}
		}
	}
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
		}
	}
	// Every name is judged against the lexicon and the places alone, not
	// against the names of the spaces added before it.
	p.spaces = make([]space, len(spaces))
	for i, sp := range spaces {
		p.spaces[i] = p.addSpace(i, sp)
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
	text string // the phrase's first word
	e    *entry // nil for an unknown word
	used bool   // taken by a slot
}

// state is the scratch space of one Parse call.
type state struct {
	p           *Parser
	text        string // the message as written
	toks        [maxTokens]string
	raw         [maxTokens]string // a token as written, when the speller corrected it
	nt          int
	spans       [maxTokens]span
	ns          int
	code        int         // token index of a booking code, or -1
	names       [16]nameHit // whole names written in the message
	nnames      int
	fallback    [8]mention // mentions of spaces by everyday words only, see resolveFallback
	nfallback   int
	timeQty     uint64 // spans taken by the time and the quantity (bit k: span k)
	qtyDesk     bool   // the quantity counts desks ("2 scrivanie"), not people
	qtyExplicit bool   // the quantity was written as a number, not implied by "una scrivania"
	eventSpan   int    // the first span that names events as a service, or -1
	placeSpan   int    // the span that named r.Place, or -1
}

// Parse reads text, written by a person whose chosen language is lang, at
// time now, in the conversation c.
func (p *Parser) Parse(text, lang string, now time.Time, c Context) Request {
	var st state
	st.p, st.text, st.code, st.eventSpan, st.placeSpan = p, text, -1, -1, -1
	norm := Normalize(text)
	st.tokenize(norm)
	st.match()
	var r Request
	st.takeCode(&r)
	st.findNames()
	st.parseSpaces(&r)
	st.parseRooms(&r)
	spaceMask := st.usedMask()
	st.parseTime(&r, now)
	st.parseQuantity(&r)
	st.timeQty = st.usedMask() &^ spaceMask
	st.parseOrdinal(&r, c)
	st.parsePlaces(&r)
	st.parseServices(&r)
	st.resolveFallback(&r)
	f := st.parseFlags(&r)
	r.Lang = st.detectLang(lang)
	if r.Space == "" && len(r.Candidates) == 0 && r.Ordinal > 0 && r.Ordinal <= len(c.LastResults) {
		r.Space = c.LastResults[r.Ordinal-1]
		if r.Room == "" {
			st.parseRooms(&r)
		}
	}
	if r.Place == "" && !r.NearMe && r.Space == "" && len(r.Candidates) == 0 {
		r.UnknownPlace = st.unknownPlace()
	}
	r.Intent = st.decide(&r, f)
	st.finish(&r, f)
	return r
}

// finish settles the slots that depend on the intent.
func (st *state) finish(r *Request, f flags) {
	if r.Intent == Search && r.Space == "" && len(r.Candidates) == 0 && r.Ordinal == 0 && st.ns > 0 && st.spans[0].e.has(kRefine) {
		r.Refine = true
	}
	switch r.Intent {
	case Events:
		r.EventLang = r.TargetLang
		r.Services = slices.DeleteFunc(r.Services, func(s string) bool { return s == "events" })
	case NewEvent:
		r.Services, r.Place, r.Space, r.Candidates = nil, "", "", nil
		r.Title = st.title()
	case Closure:
		r.Note = st.note()
	}
	if len(r.Services) == 0 {
		r.Services = nil
	}
	if len(r.Services) < 2 {
		r.AnyServices = false
	}
	if r.Intent != Language {
		r.TargetLang = ""
	}
	if r.Intent == Events || r.Intent == NewEvent {
		r.Free = f.free
	}
	switch r.Intent {
	case Search, Events:
	default:
		r.UnknownPlace = ""
	}
	// A room's seats: "sala riunioni per 6 persone" asks for a room with 6
	// seats, not for 6 desks; so does "una sala per 10 persone".
	room := r.Room != "" || slices.Contains(r.Services, "meeting_room") || slices.Contains(r.Services, "conference_room")
	if !room && r.Quantity > 0 && st.qtyExplicit && !st.qtyDesk && st.roomNoun() && (r.Intent == Search || r.Intent == Book) {
		room, r.Services = true, append(r.Services, "meeting_room")
		slices.Sort(r.Services)
	}
	if room && r.Quantity > 0 && st.qtyExplicit && !st.qtyDesk {
		r.Seats, r.Quantity = r.Quantity, 0
	}
}

// roomNoun reports whether a room word no slot took is in the message
// ("una sala", "a room").
func (st *state) roomNoun() bool {
	for k := 0; k < st.ns; k++ {
		if s := &st.spans[k]; !s.used && s.e.has(kRoomNoun) {
			return true
		}
	}
	return false
}

// usedMask returns the spans taken so far, bit k for span k.
func (st *state) usedMask() uint64 {
	var m uint64
	for k := 0; k < st.ns; k++ {
		if st.spans[k].used {
			m |= 1 << k
		}
	}
	return m
}

// tokenize splits the normalized text into words and corrects the spelling
// of words the lexicon does not know. A word that looks like a booking code
// is left as it is.
func (st *state) tokenize(norm string) {
	for w := range strings.FieldsSeq(norm) {
		if st.nt == maxTokens {
			break
		}
		if _, ok := st.p.lex[w]; !ok {
			switch {
			case st.code < 0 && st.codeLike(w):
				st.code = st.nt
			case !hasDigit(w):
				if c, ok := st.p.spell.correct(w); ok {
					st.raw[st.nt], w = w, c
				}
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
				sp = span{i: i, j: i + n, text: st.toks[i], e: e}
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
			// A place that needs a preposition, before a word nobody knows,
			// is the start of an unknown name ("vicino a Monte Fantasia").
			if pl, ok := s.e.get(kPlace); ok && st.placeFits(k, pl) && !(pl.n == placeOrdinary && k+1 < st.ns && st.spans[k+1].e == nil && !st.spans[k+1].used) {
				r.Place, st.placeSpan = pl.code, k
				s.used = true
				continue
			}
		}
		if s.e.has(kVicino) {
			// "vicino" alone, or before a word with no place in it, is
			// near me; before an unknown word it is an unknown place.
			next := st.at(k + 1)
			if k+1 >= st.ns || next.e != nil && !next.e.has(kPrep) && !next.e.has(kPlace) && !next.e.has(kArticle) {
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

// parseServices collects the services named, and whether "o"/"or" joins
// them (any of them will do).
func (st *state) parseServices(r *Request) {
	var buf [16]string
	codes := buf[:0]
	last := -1
	for k := 0; k < st.ns; k++ {
		s := &st.spans[k]
		if s.used {
			continue
		}
		sv, ok := s.e.get(kService)
		if !ok {
			continue
		}
		s.used = true
		if sv.code == "events" && st.eventSpan < 0 {
			st.eventSpan = k
		}
		if last >= 0 && st.orBetween(last+1, k) {
			r.AnyServices = true
		}
		last = k
		if !slices.Contains(codes, sv.code) {
			codes = append(codes, sv.code)
		}
	}
	if len(codes) > 0 {
		r.Services = slices.Clone(codes)
		slices.Sort(r.Services)
	}
}

// orBetween reports whether an "o"/"or" sits among the spans [from, to),
// with nothing but grammatical words around it.
func (st *state) orBetween(from, to int) bool {
	or := false
	for k := from; k < to; k++ {
		s := &st.spans[k]
		switch {
		case s.e.has(kOr):
			or = true
		case s.e.has(kArticle) || s.e.has(kIndef) || s.e.has(kRefine) || s.e.has(kConnector):
		default:
			return false
		}
	}
	return or
}

// flags are the intent cues of a message.
type flags struct {
	bits  int
	first cues // where the cues that compete by order of mention come first
	open  bool // "aperto", "open", not taken by a time
	free  bool // "gratuito", "free"
}

func (f flags) has(b int) bool { return f.bits&b != 0 }

// cue positions for the intents that compete by order of mention.
type cues struct {
	hours, prices, contacts int // span index of the first cue, or -1
}

// parseFlags collects intent cues from the spans no slot has taken, and the
// language named, if any.
func (st *state) parseFlags(r *Request) flags {
	f := flags{first: cues{-1, -1, -1}}
	named := r.Space != "" || len(r.Candidates) > 0 || r.Ordinal > 0
	for k := 0; k < st.ns; k++ {
		s := &st.spans[k]
		if s.e == nil {
			continue
		}
		if s.e.has(kFree) {
			f.free = true // "gratuito" may be taken as a price word too
		}
		if s.used {
			continue
		}
		for _, x := range s.e.senses {
			switch x.kind {
			case kFlag:
				f.bits |= x.n
				switch {
				case x.n == fHours && f.first.hours < 0, x.n == fWhen && named && f.first.hours < 0:
					f.first.hours = k
				case x.n == fPrices && f.first.prices < 0:
					f.first.prices = k
				case x.n == fContacts && f.first.contacts < 0:
					f.first.contacts = k
				}
			case kTarget:
				r.TargetLang = x.code
			case kUnit:
				f.bits |= fSearch
			case kOpen:
				f.open = true
			}
		}
	}
	return f
}

// detectLang guesses the language of the text from the words it knows,
// falling back to lang.
func (st *state) detectLang(lang string) string {
	it, en := 0, 0
	for k := 0; k < st.ns; k++ {
		e := st.spans[k].e
		if e == nil || st.spans[k].used && (e.has(kPlace) || e.has(kSpaceTok) || e.has(kRoomTok)) {
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
func (st *state) decide(r *Request, f flags) Intent {
	has := f.has
	named := r.Space != "" || len(r.Candidates) > 0 || r.Ordinal > 0
	where := len(r.Services) > 0 || r.Place != "" || r.NearMe || r.Quantity > 0 || r.When.Now || r.UnknownPlace != ""
	slots := where || !r.When.IsZero()
	// Events as what is asked for ("corsi a Seregno"), not as a service of
	// a space ("coworking che organizza eventi", "con eventi").
	events := !named && (st.eventSpan >= 0 && !has(fSpaceNoun) && !has(fOrganize) && !st.at(st.eventSpan-1).e.has(kRefine) ||
		has(fWhatsOn) && len(r.Services) == 0 && !f.open)
	switch {
	case has(fNewEvent):
		return NewEvent
	case has(fForget) || has(fData) && has(fCancel) && !where:
		return DeleteMe
	case has(fPrivacy) && !where && !has(fSearch):
		return Privacy
	case has(fData) && !where && !has(fSearch):
		return MyData
	case !has(fCancel) && !has(fBook) && (has(fGetListed) || (has(fApplyVerb) || has(fOwn)) && has(fSpaceNoun) && (has(fMy) || has(fOwn) || has(fHowTo))):
		return Apply
	case has(fLanguage):
		return Language
	case events:
		return Events
	case r.TargetLang != "" && !named && !slots:
		return Language
	case has(fSubNoun):
		if has(fUnsub) || has(fNeg) || has(fCancel) {
			return Unsubscribe
		}
		return Subscribe
	case has(fClosed) && !named && !r.When.Date.IsZero() && !st.question() && !has(fWhen) && f.first.hours < 0:
		return Closure
	case has(fCancel):
		return Cancel
	case has(fMine) || has(fBookings) && !has(fBook) || has(fBookNoun) && (has(fMy) || has(fShow)):
		return MyBookings
	case has(fBook) || has(fBookNoun):
		return Book
	case !named && r.Place == "" && !r.NearMe && (has(fExplain) && len(r.Services) > 0 || has(fServicesW) && len(r.Services) == 0):
		return Explain
	case named && (f.open || has(fClosed)) && f.first.hours < 0 && f.first.prices < 0 && f.first.contacts < 0:
		return IsOpen
	}
	if in, ok := earliest(f.first); ok {
		return in
	}
	switch {
	case named && len(r.Services) > 0:
		return Has
	case has(fWhere) && named:
		return Contacts
	case named:
		return Details
	case has(fHelp) && !slots:
		return Help
	case where || has(fSearch) || f.open && !r.When.IsZero():
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

// question reports whether the message asks rather than tells: a question
// mark, or "è chiuso", "is closed".
func (st *state) question() bool {
	if strings.IndexByte(st.text, '?') >= 0 {
		return true
	}
	for k := 1; k < st.ns; k++ {
		if st.spans[k].e.flag(fClosed) {
			switch st.spans[k-1].text {
			case "e", "is", "are", "sono", "siete", "sei":
				return true
			}
		}
	}
	return false
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
