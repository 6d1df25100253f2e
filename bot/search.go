package bot

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"github.com/comune-seregno/coworkbot/locales"
	"github.com/comune-seregno/coworkbot/registry"
)

// pageSize is how many results one message lists.
const pageSize = 5

// farAway is the distance, in metres, past which the bot says that the list
// covers Seregno and its surroundings.
const farAway = 30_000

// Where a search's point comes from.
const (
	pointShared = "shared" // the user's shared location
	pointPlace  = "place"  // a place the user named
	pointCentre = "centre" // the comune's centre, when the user gave none
)

// searchState is a search as the conversation remembers it: enough to page
// through it, refine it and relax it.
type searchState struct {
	Services  []string   `json:"services,omitempty"`
	PlaceID   string     `json:"place,omitempty"`
	PointKind string     `json:"point_kind,omitempty"`
	Point     [2]float64 `json:"point"`          // lon, lat
	Day       string     `json:"day,omitempty"`  // YYYY-MM-DD
	From      int        `json:"from,omitempty"` // minutes; From == To == 0: the whole day
	To        int        `json:"to,omitempty"`
	Part      string     `json:"part,omitempty"` // a key of dayParts
	Now       bool       `json:"now,omitempty"`
	Desks     int        `json:"desks,omitempty"`
	Offset    int        `json:"offset,omitempty"`

	AnyService bool   `json:"any_service,omitempty"` // one of the services is enough
	Seats      int    `json:"seats,omitempty"`       // a room with at least this many seats
	LastDay    string `json:"last_day,omitempty"`    // YYYY-MM-DD: a range of days from Day
}

// Parts of the day, as minutes since midnight: a space open at some time in
// the part matches.
var dayParts = map[string][2]int{
	"morning":   {8 * 60, 13 * 60},
	"afternoon": {13 * 60, 19 * 60},
	"evening":   {19 * 60, 23 * 60},
	"day":       {9 * 60, 18 * 60},
}

func (q *searchState) day() (time.Time, bool) {
	if q.Day == "" {
		return time.Time{}, false
	}
	t, err := time.ParseInLocation(time.DateOnly, q.Day, registry.Rome)
	return t, err == nil
}

// query turns the remembered search into a registry query.
func (q *searchState) query(now time.Time) registry.Query {
	p := orb.Point{q.Point[0], q.Point[1]}
	rq := registry.Query{Near: &p, MinDesks: q.Desks, Offset: q.Offset, Limit: pageSize + 1, AnyService: q.AnyService, MinSeats: q.Seats}
	for _, code := range q.Services {
		if svc, err := registry.ParseService(code); err == nil {
			rq.Services |= registry.SetOf(svc)
		}
	}
	if q.Now {
		rq.OpenAt = now
	}
	if day, ok := q.day(); ok {
		w := registry.Window{Day: day, From: q.From, To: q.To, Cover: q.From != q.To}
		if last, err := time.ParseInLocation(time.DateOnly, q.LastDay, registry.Rome); err == nil {
			w.Last = last
		}
		if span, ok := dayParts[q.Part]; ok && q.From == q.To {
			w.From, w.To, w.Cover = span[0], span[1], q.Part == "day"
		}
		rq.During = &w
	}
	return rq
}

// searchCommand runs /cerca with free text ("/cerca fibra a Desio") or asks
// for the services.
func (b *Bot) searchCommand(s *session, args string) error {
	if args == "" {
		return b.showPicker(s, "")
	}
	return b.onText(s, args)
}

// runSearch runs a search, remembers it and lists a page of results. With
// edit, the list replaces the message whose button was pressed.
func (b *Bot) runSearch(s *session, q searchState, edit bool) error {
	if q.PointKind == pointShared && s.location() == nil {
		// A search kept from earlier, around a location no longer kept
		// (the privacy notice says for how long): around the centre now.
		q.PointKind = ""
	}
	if q.PointKind == "" {
		q.PointKind = pointCentre
		q.Point = [2]float64{b.centre.Point.Lon(), b.centre.Point.Lat()}
	}
	rs, err := b.db.Search(s.ctx, q.query(s.now))
	if err != nil {
		return err
	}
	s.st.Search = &q
	more := len(rs) > pageSize
	if more {
		rs = rs[:pageSize]
	}
	if len(rs) == 0 && q.Offset == 0 {
		s.st.Results = nil
		s.reply(Reply{Text: s.T("results.none", "What", locales.HTML(b.describe(s, &q))), Buttons: b.relaxButtons(s, &q), Edit: edit})
		return nil
	}
	s.st.Results = s.st.Results[:0]
	var text strings.Builder
	text.WriteString(s.T("results.header", "What", locales.HTML(b.describe(s, &q))))
	text.WriteString("\n")
	if q.Offset == 0 && rs[0].Distance > farAway {
		text.WriteString(s.T("results.far", "Distance", distance(s.l, rs[0].Distance)) + "\n")
	}
	var list []Button
	want := registry.SetOf()
	for _, code := range q.Services {
		if svc, err := registry.ParseService(code); err == nil {
			want |= registry.SetOf(svc)
		}
	}
	for i, r := range rs {
		n := q.Offset + i + 1
		sp := r.Space
		s.st.Results = append(s.st.Results, sp.ID)
		shown := sp.Services & want
		if shown == 0 {
			shown = registry.SetOf(sp.Services.List()[:min(3, len(sp.Services.List()))]...)
		}
		fmt.Fprintf(&text, "\n%s\n%s\n%s\n", s.T("results.item", "N", n, "Name", sp.Name, "Comune", sp.Comune, "Distance", distance(s.l, r.Distance)),
			serviceList(s.l, shown), b.statusFor(s, sp, &q))
		list = append(list, button(fmt.Sprintf("%d · %s", n, sp.Name), kDetails, sp.ID))
	}
	var nav []Button
	if q.Offset > 0 {
		nav = append(nav, button(s.T("results.prev"), kPage, strconv.Itoa(max(0, q.Offset-pageSize))))
	}
	if more {
		nav = append(nav, button(s.T("results.more"), kPage, strconv.Itoa(q.Offset+pageSize)))
	}
	buttons := append(chunk(list, 1), nav, []Button{b.filtersButton(s)})
	s.reply(Reply{Text: strings.TrimRight(text.String(), "\n"), Buttons: rows(buttons...), Edit: edit})
	return nil
}

// statusFor says when a listed space is open: its hours on the day the
// search asked about, or whether it is open now.
func (b *Bot) statusFor(s *session, sp *registry.Space, q *searchState) string {
	day, ok := q.day()
	if !ok || q.Now || sp.Hours.Always() {
		return openStatus(s.l, sp, s.now, b.db.Calendar)
	}
	var spans []string
	for _, span := range sp.Hours.Spans(day, b.db.Calendar) {
		spans = append(spans, clock(span.From)+"–"+clock(span.To))
	}
	return s.T("open.on_day", "Day", dayName(s.l, s.today(), day), "Spans", strings.Join(spans, ", "))
}

// describe writes what a search asked for: "con Cobaby vicino a Desio, aperti domani mattina".
func (b *Bot) describe(s *session, q *searchState) string {
	var parts []string
	if len(q.Services) > 0 {
		// Most services read "con Cobaby e fibra"; two are adjectives:
		// "accessibili", "aperti 24 ore su 24".
		var nouns, adjectives []string
		for _, code := range q.Services {
			if q.Seats > 0 && (code == string(registry.MeetingRoom) || code == string(registry.ConferenceRoom)) {
				continue // "con una sala da almeno 6 posti" says it
			}
			w := s.T("svcword." + code)
			if code == string(registry.Accessible) || code == string(registry.H24) {
				adjectives = append(adjectives, w)
			} else {
				nouns = append(nouns, w)
			}
		}
		conj := "list.and"
		if q.AnyService {
			conj = "list.or"
		}
		if len(nouns) > 0 {
			parts = append(parts, s.T("describe.services", "List", locales.HTML(joinList(s, conj, nouns))))
		}
		if len(adjectives) > 0 {
			if len(nouns) > 0 {
				parts[len(parts)-1] += ","
			}
			parts = append(parts, joinList(s, conj, adjectives))
		}
	}
	if q.Seats > 0 {
		parts = append(parts, s.l.N("describe.seats", q.Seats))
	}
	if q.Desks > 1 {
		parts = append(parts, s.l.N("describe.desks", q.Desks))
	}
	switch q.PointKind {
	case pointShared:
		parts = append(parts, s.T("describe.near_you"))
	case pointPlace:
		name := q.PlaceID
		if p, ok := b.places.ByID(q.PlaceID); ok {
			name = p.Name
		}
		parts = append(parts, s.T("describe.near", "Place", name))
	default:
		parts = append(parts, s.T("describe.centre", "Place", b.centre.Comune))
	}
	if q.Now {
		parts = append(parts, ","+s.T("describe.open_now"))
	}
	if day, ok := q.day(); ok {
		when := dayName(s.l, s.today(), day)
		if last, err := time.ParseInLocation(time.DateOnly, q.LastDay, registry.Rome); err == nil {
			when = s.T("describe.days", "From", dayName(s.l, s.today(), day), "To", dayName(s.l, s.today(), last))
		}
		switch {
		case q.From != q.To:
			when += " " + s.T("describe.span", "From", clock(q.From), "To", clock(q.To))
		case q.Part != "":
			when += " " + s.T("part."+q.Part)
		}
		parts = append(parts, ","+s.T("describe.open_on", "When", when))
	}
	// "con Cobaby vicino a te, aperti domani mattina"
	return strings.ReplaceAll(strings.Join(parts, " "), " ,", ", ")
}

// relaxButtons offer to drop each filter of a search that found nothing.
// The filters relax drops.
const (
	relaxTime  = "time"
	relaxDesks = "desks"
	relaxPlace = "place"
	relaxSeats = "seats"
)

// joinList joins words as a person lists them: "a, b e c" (conj is
// "list.and" or "list.or").
func joinList(s *session, conj string, words []string) string {
	switch len(words) {
	case 0:
		return ""
	case 1:
		return words[0]
	}
	return strings.Join(words[:len(words)-1], ", ") + " " + s.T(conj) + " " + words[len(words)-1]
}

func (b *Bot) relaxButtons(s *session, q *searchState) [][]Button {
	var out []Button
	if q.Day != "" || q.Now {
		out = append(out, button(s.T("relax.time"), kRelax, relaxTime))
	}
	for _, code := range q.Services {
		out = append(out, button(s.T("relax.service", "Service", s.T("svc."+code)), kRelaxService, code))
	}
	if q.Desks > 1 {
		out = append(out, button(s.T("relax.desks"), kRelax, relaxDesks))
	}
	if q.Seats > 0 {
		out = append(out, button(s.T("relax.seats"), kRelax, relaxSeats))
	}
	if q.PointKind == pointPlace {
		out = append(out, button(s.T("relax.place"), kRelax, relaxPlace))
	}
	return append(chunk(out, 1), []Button{button(s.T("menu.services"), kMenu, menuServices)})
}

// filtersButton opens the service picker.
func (b *Bot) filtersButton(s *session) Button {
	return button(s.T("results.filters"), kMenu, menuServices)
}

// relax drops one filter of the last search and runs it again.
func (b *Bot) relax(s *session, args []string) error {
	q, ok := b.lastSearch(s)
	if !ok {
		return nil
	}
	switch args[0] {
	case relaxTime:
		q.Day, q.From, q.To, q.Part, q.Now, q.LastDay = "", 0, 0, "", false, ""
	case relaxDesks:
		q.Desks = 0
	case relaxPlace:
		q.PlaceID, q.PointKind = "", ""
	case relaxSeats:
		q.Seats = 0
	default:
		s.resp.Notice = s.T("error.old_button")
		return nil
	}
	return b.runSearch(s, q, true)
}

// relaxService drops one service from the last search and runs it again.
func (b *Bot) relaxService(s *session, args []string) error {
	q, ok := b.lastSearch(s)
	if !ok {
		return nil
	}
	q.Services = slices.DeleteFunc(slices.Clone(q.Services), func(c string) bool { return c == args[0] })
	return b.runSearch(s, q, true)
}

// lastSearch is the search the conversation remembers, from its first page;
// without one, the button is old.
func (b *Bot) lastSearch(s *session) (searchState, bool) {
	if s.st.Search == nil {
		s.resp.Notice = s.T("error.old_button")
		return searchState{}, false
	}
	q := *s.st.Search
	q.Offset = 0
	return q, true
}

// page shows another page of the last search.
func (b *Bot) page(s *session, args []string) error {
	q, ok := b.lastSearch(s)
	if !ok {
		return nil
	}
	if q.Offset = atoi(args[0]); q.Offset < 0 {
		s.resp.Notice = s.T("error.old_button")
		return nil
	}
	return b.runSearch(s, q, true)
}

// showPicker shows the service picker: each service a toggle, then Search.
func (b *Bot) showPicker(s *session, _ string) error {
	s.reply(Reply{Text: s.T("picker.text"), Buttons: b.pickerButtons(s)})
	return nil
}

// The picker's own buttons, beside the services.
const (
	pickGo    = "go"
	pickClear = "clr"
)

// serviceToggles is a button for each service, ✅ on those chosen, each
// pressing k with the service's code; two to a row.
func serviceToggles(s *session, chosen []string, k kind) [][]Button {
	var toggles []Button
	for _, svc := range registry.Services {
		label := serviceLabel(s.l, svc)
		if slices.Contains(chosen, string(svc)) {
			label = "✅ " + label
		}
		toggles = append(toggles, button(label, k, string(svc)))
	}
	return chunk(toggles, 2)
}

// toggle adds v to a sorted list of choices, or takes it out.
func toggle(list []string, v string) []string {
	if i := slices.Index(list, v); i >= 0 {
		return slices.Delete(list, i, i+1)
	}
	list = append(list, v)
	slices.Sort(list)
	return list
}

func (b *Bot) pickerButtons(s *session) [][]Button {
	last := []Button{button(s.l.N("picker.search", len(s.st.Picker)), kPick, pickGo)}
	if len(s.st.Picker) > 0 {
		last = append(last, button(s.T("picker.clear"), kPick, pickClear))
	}
	return append(serviceToggles(s, s.st.Picker, kPick), last)
}

// pickService answers the picker's buttons.
func (b *Bot) pickService(s *session, args []string) error {
	switch arg := args[0]; arg {
	case pickGo:
		q := searchState{Services: slices.Clone(s.st.Picker)}
		if loc := s.location(); loc != nil {
			q.PointKind, q.Point = pointShared, [2]float64{loc.Lon(), loc.Lat()}
		} else if s.st.Search != nil && s.st.Search.PointKind != pointCentre && s.st.Search.PointKind != pointShared {
			q.PointKind, q.PlaceID, q.Point = s.st.Search.PointKind, s.st.Search.PlaceID, s.st.Search.Point
		}
		return b.runSearch(s, q, false)
	case pickClear:
		s.st.Picker = nil
	default:
		svc, err := registry.ParseService(arg)
		if err != nil {
			s.resp.Notice = s.T("error.old_button")
			return nil
		}
		s.st.Picker = toggle(s.st.Picker, string(svc))
	}
	s.reply(Reply{Text: s.T("picker.text"), Buttons: b.pickerButtons(s), Edit: true})
	return nil
}

func pointOf(p [2]float64) orb.Point { return orb.Point{p[0], p[1]} }
