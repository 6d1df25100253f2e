package bot

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb/geo"

	"github.com/comune-seregno/coworkbot/bot/intent"
	"github.com/comune-seregno/coworkbot/locales"
	"github.com/comune-seregno/coworkbot/registry"
	"github.com/comune-seregno/coworkbot/registry/places"
)

// askState is a question asked back with buttons: which date, which space.
type askState struct {
	Kind    string       `json:"kind"`             // askAboutDate or askAboutSpace
	Options []string     `json:"options"`          // dates (YYYY-MM-DD) or space ids
	Intent  string       `json:"intent"`           // what to do with the answer: an intent's name
	Search  *searchState `json:"search,omitempty"` // a search to run on the date chosen
	Hint    *bookHint    `json:"hint,omitempty"`   // a booking to start at the space chosen
}

// What a question asked back is about.
const (
	askAboutDate  = "date"
	askAboutSpace = "space"
)

// parser returns the free-text parser, rebuilt when the list's names change.
func (b *Bot) parser(s *session) (*intent.Parser, error) {
	spaces, version, err := b.db.Listed(s.ctx)
	if err != nil {
		return nil, err
	}
	b.parserMu.Lock()
	defer b.parserMu.Unlock()
	if b.parserP != nil && b.parserVersion == version {
		return b.parserP, nil
	}
	if b.placeEntries == nil {
		b.placeEntries = placeEntries(b.places)
	}
	names := make([]intent.Entry, len(spaces))
	for i, sp := range spaces {
		names[i] = intent.Entry{ID: sp.ID, Name: sp.Name}
		for _, r := range sp.Rooms {
			names[i].Rooms = append(names[i].Rooms, intent.Entry{ID: r.ID, Name: r.Name})
		}
	}
	b.parserP, b.parserVersion = intent.New(b.placeEntries, names), version
	return b.parserP, nil
}

// placeEntries gives the parser each place under the names that lead to it
// in the gazetteer: where several places share a name ("Verano", "Cesano"),
// only the one the gazetteer prefers (in Monza e Brianza, nearest Seregno)
// answers to it. Names that are ordinary words, short names ("Carate" for
// Carate Brianza) and places far from Seregno count only after a place
// preposition ("a Carate", "near Rome"), so that "fino alle 18", "la sala"
// or a typo never turn into a town.
func placeEntries(g *places.Gazetteer) []intent.Entry {
	var out []intent.Entry
	for _, p := range g.All() {
		far := geo.Distance(places.Seregno, p.Point) > localReach
		if far && p.Kind == places.KindLocality {
			continue // a hamlet far away is more often a word than a place
		}
		first := strings.Fields(places.Normalize(p.Name))[0]
		full := intent.Entry{ID: p.ID, Ordinary: p.Ordinary || far}
		short := intent.Entry{ID: p.ID, Ordinary: true}
		for _, name := range append([]string{p.Name}, p.Aliases...) {
			if best, ok := g.Lookup(name); !ok || best.ID != p.ID {
				continue
			}
			e := &full
			if name != p.Name && places.Normalize(name) == first {
				e = &short
			}
			if e.Name == "" {
				e.Name = name
			} else {
				e.Aliases = append(e.Aliases, name)
			}
		}
		for _, e := range []intent.Entry{full, short} {
			if e.Name != "" {
				out = append(out, e)
			}
		}
	}
	return out
}

// localReach is how far from Seregno a place is understood without a
// preposition before it.
const localReach = 60_000 // metres

// onText understands a message in plain words and answers it.
func (b *Bot) onText(s *session, text string) error {
	if text == "" {
		return b.help(s, "")
	}
	p, err := b.parser(s)
	if err != nil {
		return err
	}
	s.text = text
	r := p.Parse(text, s.lang(), s.now, intent.Context{LastResults: s.st.Results, HasLocation: s.location() != nil})
	b.log.Debug("understood", "user", s.in.UserID, "intent", r.Intent, "services", r.Services, "place", r.Place, "space", r.Space)
	return b.routeIntent(s, r)
}

// searchFromText turns understood words into a search, refining the last
// one for a follow-up ("e a Meda?").
func (b *Bot) searchFromText(s *session, r intent.Request) error {
	r.Intent = intent.Search
	q := searchState{}
	if r.Refine && s.st.Search != nil {
		q = *s.st.Search
		q.Offset = 0
	}
	for _, code := range r.Services {
		if !slices.Contains(q.Services, code) {
			q.Services = append(q.Services, code)
		}
	}
	slices.Sort(q.Services)
	if len(r.Services) > 0 {
		q.AnyService = r.AnyServices && len(q.Services) > 1
	}
	if r.Quantity > 0 {
		q.Desks = r.Quantity
	}
	if r.Seats > 0 {
		q.Seats = r.Seats
	}
	switch {
	case r.Place != "":
		if p, ok := b.places.ByID(r.Place); ok {
			q.PlaceID, q.PointKind, q.Point = p.ID, pointPlace, [2]float64{p.Point.Lon(), p.Point.Lat()}
		}
	case r.UnknownPlace != "":
		// A place the bot does not know: say so, and search around the centre
		// (or a shared location) rather than pretend.
		s.reply(Reply{Text: s.T("search.unknown_place", "Place", r.UnknownPlace, "Centre", b.centre.Comune), Keyboard: b.locationKeyboard(s)})
		q.PlaceID, q.PointKind = "", ""
	case r.NearMe || (!r.Refine && s.location() != nil):
		loc := s.location()
		if loc == nil {
			s.st.Search, s.st.LocationFor = &q, true
			s.reply(Reply{Text: s.T("location.ask_for_search"), Keyboard: b.locationKeyboard(s)})
			return nil
		}
		q.PlaceID, q.PointKind, q.Point = "", pointShared, [2]float64{loc.Lon(), loc.Lat()}
	}
	if w := r.When; w.Now || !w.Date.IsZero() || w.Part != "" || w.From != w.To {
		q.Now, q.From, q.To, q.Part, q.LastDay = w.Now, w.From, w.To, string(w.Part), ""
		if w.Now {
			q.From, q.To, q.Part = 0, 0, ""
		}
		switch {
		case q.From > 0 && q.To == 0: // "dalle 20", "dopo le 20": from then, for an hour at least
			q.To = min(q.From+60, 24*60)
		case q.From == 0 && q.To > 0: // "fino alle 21", "entro le 18": open in the hour before
			q.From = max(0, q.To-60)
		}
		switch {
		case !w.Date.IsZero():
			q.Day = w.Date.Format(time.DateOnly)
			if !w.EndDate.IsZero() && w.EndDate.After(w.Date) {
				q.LastDay = w.EndDate.Format(time.DateOnly)
			}
		case w.Now:
			q.Day = ""
		case q.Day == "": // "la mattina", "dalle 9 alle 13": today, unless a follow-up keeps its day
			q.Day = s.today().Format(time.DateOnly)
		}
		if w.Conflict {
			return b.askDate(s, string(intent.Search), &q, w.Date.Format(time.DateOnly), w.AltDate.Format(time.DateOnly))
		}
		if day, ok := q.day(); ok && day.Before(s.today()) && q.LastDay == "" {
			// A day already gone ("30 novembre" on 2 December): say so and
			// search without it.
			s.say(s.T("search.past_day", "Day", dateName(s.l, day)))
			q.Day, q.From, q.To, q.Part = "", 0, 0, ""
		}
	}
	return b.runSearch(s, q, false)
}

// askDate asks which of two dates was meant.
func (b *Bot) askDate(s *session, then string, q *searchState, dates ...string) error {
	s.st.Ask = &askState{Kind: askAboutDate, Options: dates, Intent: then, Search: q}
	var row []Button
	for i, d := range dates {
		day, _ := parseDay(d)
		row = append(row, button(dateName(s.l, day), kChoose, strconv.Itoa(i)))
	}
	s.reply(Reply{Text: s.T("ask.date"), Buttons: rows(row)})
	return nil
}

// askSpace asks which of several spaces was meant.
func (b *Bot) askSpace(s *session, then string, ids []string, h *bookHint) error {
	s.st.Ask = &askState{Kind: askAboutSpace, Options: ids, Intent: then, Hint: h}
	var choices []Button
	for i, id := range ids {
		label := id
		if sp, err := b.db.Space(s.ctx, id); err == nil {
			label = sp.Name + " · " + sp.Comune
		}
		choices = append(choices, button(label, kChoose, strconv.Itoa(i)))
	}
	s.reply(Reply{Text: s.T("ask.space"), Buttons: chunk(choices, 1)})
	return nil
}

// answerAsk takes the answer to a question asked back and goes on.
func (b *Bot) answerAsk(s *session, args []string) error {
	a := s.st.Ask
	i := atoi(args[0])
	if a == nil || i < 0 || i >= len(a.Options) {
		s.resp.Notice = s.T("error.old_button")
		return nil
	}
	s.st.Ask = nil
	choice := a.Options[i]
	switch {
	case a.Kind == askAboutDate && a.Intent == string(intent.Search) && a.Search != nil:
		q := *a.Search
		q.Day = choice
		return b.runSearch(s, q, false)
	case a.Kind == askAboutDate && a.Intent == string(intent.Book):
		return b.bookAnswerDate(s, choice)
	case a.Kind == askAboutSpace && a.Intent == string(intent.Book):
		return b.bookStart(s, choice, a.Hint)
	case a.Kind == askAboutSpace:
		return b.aboutSpaceID(s, choice, intent.Intent(a.Intent))
	}
	s.resp.Notice = s.T("error.old_button")
	return nil
}

// aboutSpace answers a question about one named space: details, hours,
// prices or contacts.
func (b *Bot) aboutSpace(s *session, r intent.Request) error {
	switch {
	case len(r.Candidates) > 1:
		return b.askSpace(s, string(r.Intent), r.Candidates, nil)
	case r.Space == "":
		if len(s.st.Results) > 0 {
			return b.askSpace(s, string(r.Intent), s.st.Results, nil)
		}
		s.reply(Reply{Text: s.T("ask.which_space"), Buttons: b.mainMenu(s)})
		return nil
	}
	return b.aboutSpaceID(s, r.Space, r.Intent)
}

func (b *Bot) aboutSpaceID(s *session, id string, what intent.Intent) error {
	if what == intent.Details || what == "" {
		return b.details(s, id)
	}
	sp, err := b.db.Space(s.ctx, id)
	if err != nil || sp.Status != registry.Approved {
		s.say(s.T("details.gone"))
		return nil
	}
	var text string
	name := locales.HTML("<b>" + esc(sp.Name) + "</b>")
	switch what {
	case intent.Hours:
		text = s.T("about.hours", "Name", name, "Hours", sp.Hours.Format(hoursNames(s.l)),
			"Status", locales.HTML(openStatus(s.l, &sp, s.now, b.db.Calendar)))
	case intent.Prices:
		var prices []string
		if sp.PriceDayCents > 0 {
			prices = append(prices, s.T("details.price_day", "Price", euro(s.l, sp.PriceDayCents)))
		}
		if sp.PriceHalfDayCents > 0 {
			prices = append(prices, s.T("details.price_half_day", "Price", euro(s.l, sp.PriceHalfDayCents)))
		}
		for _, r := range sp.Rooms {
			if r.PriceHourCents > 0 {
				prices = append(prices, s.T("about.room_price", "Name", r.Name, "Price", euro(s.l, r.PriceHourCents)))
			}
		}
		if len(prices) == 0 {
			text = s.T("about.no_prices", "Name", name)
		} else {
			text = s.T("about.prices", "Name", name, "Prices", locales.HTML(strings.Join(prices, "\n")))
		}
	case intent.Contacts:
		var c []string
		for _, v := range []string{sp.Phone, sp.Email, sp.Website} {
			if v != "" {
				c = append(c, esc(v))
			}
		}
		text = s.T("about.contacts", "Name", name, "Contacts", locales.HTML(strings.Join(c, "\n")),
			"Address", sp.Address+", "+sp.Comune)
	}
	s.reply(Reply{Text: text, Buttons: [][]Button{{
		button(s.T("about.more"), kDetails, sp.ID), b.bookButtonFor(s, sp.ID),
	}}})
	return nil
}
