package bot

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/comune-seregno/coworkbot/bot/intent"
	"github.com/comune-seregno/coworkbot/locales"
	"github.com/comune-seregno/coworkbot/registry"
	"github.com/comune-seregno/coworkbot/registry/hours"
)

// One calendar of everything that happens in the listed spaces: citizens
// find events and courses (/eventi, or in words), read a card and sign up,
// or join the waiting list when it is full; providers publish theirs in one
// message or step by step (/nuovoevento), edit and cancel them, and the
// people signed up are told. Sign-ups sit beside desk bookings in
// /prenotazioni, with a reminder before.

// eventPage is how many events a list shows.
const eventPage = 5

// eventSearch is a list of events as the conversation remembers it.
type eventSearch struct {
	From   string `json:"from,omitempty"` // YYYY-MM-DD
	To     string `json:"to,omitempty"`
	Part   string `json:"part,omitempty"` // a part of the day: meetings starting in it
	Comune string `json:"comune,omitempty"`
	Free   bool   `json:"free,omitempty"`
	Lang   string `json:"lang,omitempty"`
	Text   string `json:"text,omitempty"`
	Offset int    `json:"offset,omitempty"`
}

// eventsCommand is /eventi: the coming events, soonest first.
func (b *Bot) eventsCommand(s *session, args string) error {
	if args != "" {
		return b.onText(s, "eventi "+args)
	}
	return b.listEvents(s, eventSearch{}, false)
}

// eventsFromText answers "eventi questa settimana", "corsi a Seregno",
// "workshop gratuiti", "cosa c'è giovedì sera?", "events in English".
func (b *Bot) eventsFromText(s *session, r intent.Request) error {
	q := eventSearch{Free: r.Free, Lang: r.EventLang, Part: string(r.When.Part)}
	if !r.When.Date.IsZero() {
		q.From = r.When.Date.Format(time.DateOnly)
		q.To = q.From
		if !r.When.EndDate.IsZero() {
			q.To = r.When.EndDate.Format(time.DateOnly)
		}
	}
	if p, ok := b.places.ByID(r.Place); ok {
		q.Comune = p.Comune
	}
	if r.Space != "" {
		return b.listSpaceEvents(s, r.Space)
	}
	return b.listEvents(s, q, false)
}

// eventParts are when the meetings of a part of the day start.
var eventParts = map[string]hours.Span{
	"morning":   {From: 0, To: 13 * 60},
	"afternoon": {From: 13 * 60, To: registry.EveningFrom},
	"evening":   {From: registry.EveningFrom, To: 24 * 60},
}

func (q *eventSearch) query() registry.EventQuery {
	rq := registry.EventQuery{Comune: q.Comune, Free: q.Free, Lang: q.Lang, Text: q.Text, Offset: q.Offset, Limit: eventPage + 1}
	if t, err := time.ParseInLocation(time.DateOnly, q.From, registry.Rome); err == nil {
		rq.From = t
	}
	if t, err := time.ParseInLocation(time.DateOnly, q.To, registry.Rome); err == nil {
		rq.To = t
	}
	if span, ok := eventParts[q.Part]; ok {
		rq.Starting = &span
	}
	return rq
}

// listEvents shows a page of the events asked for.
func (b *Bot) listEvents(s *session, q eventSearch, edit bool) error {
	es, err := b.db.Events(s.ctx, q.query())
	if err != nil {
		return err
	}
	s.st.Events = &q
	more := len(es) > eventPage
	if more {
		es = es[:eventPage]
	}
	what := b.describeEvents(s, &q)
	if len(es) == 0 {
		s.reply(Reply{Text: s.T("events.none", "What", locales.HTML(what)), Edit: edit,
			Buttons: [][]Button{{button(s.T("events.all"), kEventsPage, "0")}}})
		if q != (eventSearch{}) {
			s.st.Events = &eventSearch{}
		}
		return nil
	}
	var t strings.Builder
	t.WriteString(s.T("events.header", "What", locales.HTML(what)))
	var cards []Button
	for i, e := range es {
		n := q.Offset + i + 1
		sp, _ := b.db.Space(s.ctx, e.SpaceID)
		fmt.Fprintf(&t, "\n\n%d. %s", n, b.eventLine(s, &e, &sp))
		cards = append(cards, button(fmt.Sprintf("%d · %s", n, e.Title), kEvent, idArg(e.ID)))
	}
	var nav []Button
	if q.Offset > 0 {
		nav = append(nav, button(s.T("results.prev"), kEventsPage, strconv.Itoa(max(0, q.Offset-eventPage))))
	}
	if more {
		nav = append(nav, button(s.T("results.more"), kEventsPage, strconv.Itoa(q.Offset+eventPage)))
	}
	s.reply(Reply{Text: t.String(), Buttons: rows(append(chunk(cards, 1), nav)...), Edit: edit})
	return nil
}

// describeEvents writes what a list asked for: "gratuiti, a Seregno, giovedì sera".
func (b *Bot) describeEvents(s *session, q *eventSearch) string {
	var parts []string
	if q.Free {
		parts = append(parts, s.T("events.free_ones"))
	}
	if q.Lang != "" {
		parts = append(parts, s.T("events.in_lang", "Lang", s.T("language."+q.Lang)))
	}
	if q.Comune != "" {
		parts = append(parts, s.T("events.in_comune", "Comune", q.Comune))
	}
	from, errF := time.ParseInLocation(time.DateOnly, q.From, registry.Rome)
	to, errT := time.ParseInLocation(time.DateOnly, q.To, registry.Rome)
	switch {
	case errF == nil && errT == nil && !to.Equal(from):
		parts = append(parts, s.T("describe.days", "From", dayName(s.l, s.today(), from), "To", dayName(s.l, s.today(), to)))
	case errF == nil:
		when := dayName(s.l, s.today(), from)
		if q.Part != "" {
			when += " " + s.T("part."+q.Part)
		}
		parts = append(parts, when)
	case q.Part != "":
		parts = append(parts, s.T("part."+q.Part))
	}
	if len(parts) == 0 {
		return s.T("events.coming")
	}
	return strings.Join(parts, ", ")
}

// eventLine is an event in a list: "Workshop, gio 10 dic 18:00–20:00,
// Officina Brianza · 5 posti liberi · gratis".
func (b *Bot) eventLine(s *session, e *registry.Event, sp *registry.Space) string {
	when := shortDay(s.l, s.today(), e.Day) + " " + clock(e.From) + "–" + clock(e.To)
	line := s.T("events.line", "Title", e.Title, "When", when, "Space", sp.Name, "Comune", sp.Comune)
	if e.Meetings > 1 {
		line += " " + s.T("events.meeting", "N", e.Meeting, "Of", e.Meetings)
	}
	return line + "\n   " + b.eventFacts(s, e)
}

// eventFacts are an event's seats and price: "5 posti liberi · gratis".
func (b *Bot) eventFacts(s *session, e *registry.Event) string {
	seats := s.T("events.unlimited")
	if e.Limited() {
		seats = s.l.N("events.left", e.Left)
	}
	price := s.T("events.free")
	if !e.Free() {
		price = euro(s.l, e.PriceCents)
	}
	return seats + " · " + price
}

func (b *Bot) eventsPage(s *session, args []string) error {
	q := eventSearch{}
	if s.st.Events != nil {
		q = *s.st.Events
	}
	q.Offset = max(0, atoi(args[0]))
	return b.listEvents(s, q, true)
}

// listSpaceEvents lists a space's coming events.
func (b *Bot) listSpaceEvents(s *session, spaceID string) error {
	es, err := b.db.Events(s.ctx, registry.EventQuery{SpaceID: spaceID, Limit: 10})
	if err != nil {
		return err
	}
	sp, err := b.db.Space(s.ctx, spaceID)
	if err != nil {
		return b.fail(s, err)
	}
	if len(es) == 0 {
		s.say(s.T("events.none_at", "Name", sp.Name))
		return nil
	}
	var t strings.Builder
	t.WriteString(s.T("events.at", "Name", sp.Name))
	var cards []Button
	for i, e := range es {
		fmt.Fprintf(&t, "\n\n%d. %s", i+1, b.eventLine(s, &e, &sp))
		cards = append(cards, button(fmt.Sprintf("%d · %s", i+1, e.Title), kEvent, idArg(e.ID)))
	}
	s.reply(Reply{Text: t.String(), Buttons: chunk(cards, 1)})
	return nil
}

// eventButton opens an event's card.
func (b *Bot) eventButton(s *session, args []string) error {
	return b.eventCard(s, int64(atoi(args[0])))
}

// eventCard shows everything about an event, with Sign up (or the waiting
// list), its place on the map, and for its provider Edit and Cancel.
func (b *Bot) eventCard(s *session, id int64) error {
	e, err := b.db.Event(s.ctx, id)
	if err != nil {
		return b.fail(s, err)
	}
	sp, err := b.db.Space(s.ctx, e.SpaceID)
	if err != nil {
		return err
	}
	var rs [][]Button
	switch {
	case e.Status == registry.EventCancelled || !s.now.Before(e.Start()):
	case !e.Limited() || e.Left > 0:
		row := []Button{button(s.T("events.sign_up"), kEvSign, idArg(e.ID), "0")}
		if e.Meetings > 1 && e.Meeting < e.Meetings {
			row = append(row, button(s.T("events.sign_up_course"), kEvSign, idArg(e.ID), "1"))
		}
		rs = append(rs, row)
	default:
		rs = append(rs, []Button{button(s.T("events.wait"), kEvWait, idArg(e.ID))})
	}
	if s.may(provider, e.SpaceID) && e.Status != registry.EventCancelled {
		rs = append(rs, []Button{button(s.T("events.edit"), kEvEdit, idArg(e.ID), "menu"), button(s.T("events.cancel"), kEvEdit, idArg(e.ID), "cancel")})
	}
	if e.Photo != "" {
		s.reply(Reply{Photo: e.Photo})
	}
	s.reply(Reply{Text: b.eventCardText(s, &e, &sp), Buttons: rs})
	s.reply(Reply{Venue: &Venue{Point: sp.Location, Title: sp.Name, Address: sp.Address + ", " + sp.Comune}})
	return nil
}

// eventCardText is everything about an event, as its card and the
// provider's summary before publishing show it.
func (b *Bot) eventCardText(s *session, e *registry.Event, sp *registry.Space) string {
	var t strings.Builder
	fmt.Fprintf(&t, "<b>%s</b>\n", esc(e.Title))
	if e.Status == registry.EventCancelled {
		t.WriteString(s.T("events.cancelled_card") + "\n")
	}
	fmt.Fprintf(&t, "📅 %s, %s–%s", esc(dateName(s.l, e.Day)), clock(e.From), clock(e.To))
	if e.Meetings > 1 {
		t.WriteString(" " + s.T("events.meeting", "N", e.Meeting, "Of", e.Meetings))
	}
	where := sp.Name + ", " + sp.Address + ", " + sp.Comune
	if room, ok := sp.Room(e.RoomID); ok {
		where = room.Name + ", " + where
	}
	fmt.Fprintf(&t, "\n📍 %s", esc(where))
	fmt.Fprintf(&t, "\n🗣 %s", esc(s.T("language."+e.Lang)))
	fmt.Fprintf(&t, "\n🎟 %s", b.eventFacts(s, e))
	if e.Description != "" {
		fmt.Fprintf(&t, "\n\n<i>%s</i>", esc(e.Description))
	}
	return t.String()
}

// evSign asks how many people come (up to the per-person limit: a group
// larger than the seats left is told so, and offered the waiting list for
// all of them); args: the event, and "1" for the whole course.
func (b *Bot) evSign(s *session, args []string) error {
	e, err := b.db.Event(s.ctx, int64(atoi(args[0])))
	if err != nil {
		return b.fail(s, err)
	}
	if e.Limited() && e.Left <= 0 {
		return b.evWaitAsk(s, args[:1])
	}
	s.st.Signing = &signing{Event: e.ID, Series: args[1] == "1", Nonce: newDraftID()}
	counts := b.peopleButtons(kEvPeople, e.ID)
	s.reply(Reply{Text: s.T("events.ask_people", "Title", e.Title), Buttons: [][]Button{counts}})
	return nil
}

// signing is a sign-up in the making: its key makes it idempotent.
type signing struct {
	Event  int64  `json:"event"`
	Series bool   `json:"series,omitempty"`
	Nonce  string `json:"nonce"`
}

// evPeople signs up for the number of people chosen.
func (b *Bot) evPeople(s *session, args []string) error {
	sg := s.st.Signing
	id, people := int64(atoi(args[0])), atoi(args[1])
	if sg == nil || sg.Event != id {
		s.resp.Notice = s.T("error.old_button")
		return nil
	}
	ss, err := b.db.SignUp(s.ctx, registry.SignupRequest{Key: fmt.Sprintf("signup:%d:%s:%d", s.user.ID, sg.Nonce, people),
		UserID: s.user.ID, EventID: id, People: people, Series: sg.Series})
	var refusal *registry.SignupRefusal
	if errors.As(err, &refusal) {
		return b.signupRefused(s, refusal, people)
	}
	if err != nil {
		return err
	}
	s.st.Signing = nil
	e := ss[0].Event
	s.resp.Notice = s.T("events.signed_notice")
	text := s.T("events.signed", "Title", e.Title, "When", shortDay(s.l, s.today(), e.Day)+" "+clock(e.From), "People", s.l.N("events.people", people))
	if len(ss) > 1 {
		text += "\n" + s.l.N("events.signed_course", len(ss))
	}
	s.reply(Reply{Text: text, Edit: true, Buttons: [][]Button{{b.bookingsButton(s)}}})
	return nil
}

// signupRefused says why a sign-up for people (0: not asked yet) cannot be
// made, with a way forward.
func (b *Bot) signupRefused(s *session, r *registry.SignupRefusal, people int) error {
	var ways []Button
	switch r.Reason {
	case registry.SignupFull:
		if people > 0 {
			ways = append(ways, button(s.T("events.wait"), kEvWaitFor, idArg(r.EventID), strconv.Itoa(people)))
		} else {
			ways = append(ways, button(s.T("events.wait"), kEvWait, idArg(r.EventID)))
		}
	case registry.SignupAlready:
		ways = append(ways, b.bookingsButton(s))
	}
	text := s.l.N("signup."+string(r.Reason), r.Left, "Max", r.Max)
	if r.Reason == registry.SignupFull && r.Left == 0 {
		text = s.T("signup.full_none")
	}
	s.reply(Reply{Text: text, Buttons: rows(ways)})
	return nil
}

// evWaitAsk asks how many people are to wait for a full event, as a
// sign-up does; args: the event.
func (b *Bot) evWaitAsk(s *session, args []string) error {
	e, err := b.db.Event(s.ctx, int64(atoi(args[0])))
	if err != nil {
		return b.fail(s, err)
	}
	s.reply(Reply{Text: s.T("events.ask_people_wait", "Title", e.Title), Buttons: [][]Button{b.peopleButtons(kEvWaitFor, e.ID)}})
	return nil
}

// peopleButtons are the counts of people, up to the per-person limit, as
// buttons of kind k for an event.
func (b *Bot) peopleButtons(k kind, event int64) []Button {
	most := b.db.EventRules.MaxPeople
	if most <= 0 {
		most = registry.DefaultMaxPeople
	}
	counts := make([]Button, 0, most)
	for n := 1; n <= most; n++ {
		counts = append(counts, button(strconv.Itoa(n), k, idArg(event), strconv.Itoa(n)))
	}
	return counts
}

// evWait puts the user in line for a full event; args: the event, and how
// many people wait. Someone already waiting keeps their place and its size,
// and is told so.
func (b *Bot) evWait(s *session, args []string) error {
	id, people := int64(atoi(args[0])), atoi(args[1])
	w, err := b.db.JoinEventWaitlist(s.ctx, s.user.ID, id, people)
	var refusal *registry.SignupRefusal
	switch {
	case errors.As(err, &refusal):
		return b.signupRefused(s, refusal, people)
	case errors.Is(err, registry.ErrConflict): // seats again: sign up
		return b.evSign(s, []string{args[0], "0"})
	case err != nil:
		return err
	}
	s.reply(Reply{Text: s.l.N("events.waiting", w.People), Edit: s.in.Callback != ""})
	return nil
}

// evCancelSignup cancels a sign-up; for a meeting of a course signed up for
// whole, with later meetings still to come, it first asks whether those go
// too.
func (b *Bot) evCancelSignup(s *session, args []string) error {
	id := int64(atoi(args[0]))
	mine, err := b.db.Signups(s.ctx, s.user.ID, s.now)
	if err != nil {
		return err
	}
	var this *registry.Signup
	later := 0
	for i := range mine {
		if mine[i].ID == id {
			this = &mine[i]
		}
	}
	for _, sg := range mine {
		if this != nil && sg.Key == this.Key && sg.Event.Meeting > this.Event.Meeting {
			later++
		}
	}
	if later == 0 { // a single event, the last meeting, or not theirs: the registry decides
		return b.cancelSignup(s, id, true)
	}
	e := this.Event
	when := shortDay(s.l, s.today(), e.Day) + " " + clock(e.From)
	s.reply(Reply{Text: s.T("events.unsign_which", "Title", e.Title, "When", when), Buttons: [][]Button{
		{button(s.T("events.unsign_one"), kEvUnsignOne, idArg(id))},
		{button(s.l.N("events.unsign_all", later), kEvUnsignAll, idArg(id))},
	}})
	return nil
}

// evCancelMeeting cancels one meeting of a course; evCancelCourse that
// meeting and the later ones.
func (b *Bot) evCancelMeeting(s *session, args []string) error {
	return b.cancelSignup(s, int64(atoi(args[0])), false)
}

func (b *Bot) evCancelCourse(s *session, args []string) error {
	return b.cancelSignup(s, int64(atoi(args[0])), true)
}

// cancelSignup cancels a sign-up and, with following, the later meetings
// of the same request.
func (b *Bot) cancelSignup(s *session, id int64, following bool) error {
	cancelled, offers, err := b.db.CancelSignup(s.ctx, s.user.ID, id, following)
	var refusal *registry.SignupRefusal
	switch {
	case errors.As(err, &refusal):
		s.say(s.T("events.too_late"))
		return nil
	case errors.Is(err, registry.ErrNotFound), errors.Is(err, registry.ErrForbidden):
		b.log.Info("cancel of a sign-up that is not theirs", "user", s.user.ID, "signup", id)
		s.say(s.T("error.not_found"))
		return nil
	case err != nil:
		return err
	}
	if len(cancelled) == 0 { // a second press, of this button or another of the same sign-up
		s.resp.Notice = s.T("events.unsigned_already")
		return nil
	}
	s.resp.Notice = s.T("cancel.done_notice")
	s.reply(Reply{Text: s.l.N("events.unsigned", len(cancelled)), Edit: true})
	s.resp.Others = append(s.resp.Others, b.eventOfferMessages(s, offers)...)
	return nil
}

// eventOfferMessages tells each person offered freed seats, in their
// language.
func (b *Bot) eventOfferMessages(s *session, offers []registry.EventOffer) []Outgoing {
	var out []Outgoing
	for _, o := range offers {
		msg, err := b.tell(s.ctx, o.Entry.UserID, func(os *session) Reply { return b.eventOfferReply(os, o) })
		if err != nil {
			b.log.Error("event offer", "offer", o.ID, "err", err)
			continue
		}
		out = append(out, msg)
	}
	return out
}

func (b *Bot) eventOfferReply(s *session, o registry.EventOffer) Reply {
	e := o.Entry.Event
	return Reply{Text: s.T("events.offer", "Title", e.Title, "When", shortDay(s.l, s.today(), e.Day)+" "+clock(e.From),
		"People", s.l.N("events.people", o.Entry.People), "Until", clock(o.Expires.Hour()*60+o.Expires.Minute())),
		Buttons: [][]Button{{button(s.T("wait.accept"), kEvOfferTake, idArg(o.ID)), button(s.T("wait.decline"), kEvOfferPass, idArg(o.ID))}}}
}

func (b *Bot) evOfferTake(s *session, args []string) error {
	sg, err := b.db.AcceptEventOffer(s.ctx, s.user.ID, int64(atoi(args[0])))
	var refusal *registry.SignupRefusal
	if errors.As(err, &refusal) || errors.Is(err, registry.ErrNotFound) || errors.Is(err, registry.ErrForbidden) {
		s.reply(Reply{Text: s.T("wait.expired"), Edit: true})
		return nil
	}
	if err != nil {
		return err
	}
	s.reply(Reply{Text: s.T("events.signed", "Title", sg.Event.Title, "When", shortDay(s.l, s.today(), sg.Event.Day)+" "+clock(sg.Event.From),
		"People", s.l.N("events.people", sg.People)), Edit: true})
	return nil
}

func (b *Bot) evOfferPass(s *session, args []string) error {
	offers, err := b.db.DeclineEventOffer(s.ctx, s.user.ID, int64(atoi(args[0])))
	if err != nil && !errors.Is(err, registry.ErrNotFound) && !errors.Is(err, registry.ErrClosed) && !errors.Is(err, registry.ErrForbidden) {
		return err
	}
	s.reply(Reply{Text: s.T("wait.declined"), Edit: true})
	s.resp.Others = append(s.resp.Others, b.eventOfferMessages(s, offers)...)
	return nil
}

// signupsText lists a person's sign-ups, for /prenotazioni, with a cancel
// button each.
func (b *Bot) signupsReply(s *session, ss []registry.Signup) Reply {
	var t strings.Builder
	t.WriteString(s.l.N("events.my_header", len(ss)))
	var cancels []Button
	more := 0
	if len(ss) > maxSignupsShown { // a year-long course is fifty meetings: the soonest are enough
		ss, more = ss[:maxSignupsShown], len(ss)-maxSignupsShown
	}
	for i, sg := range ss {
		e := sg.Event
		sp, _ := b.db.Space(s.ctx, e.SpaceID)
		fmt.Fprintf(&t, "\n\n%d. %s\n   %s", i+1, b.eventLine(s, &e, &sp), s.l.N("events.people", sg.People))
		cancels = append(cancels, button(s.T("events.unsign", "Title", e.Title), kEvUnsign, idArg(sg.ID)))
	}
	if more > 0 {
		t.WriteString("\n\n" + s.l.N("events.my_more", more))
	}
	return Reply{Text: t.String(), Buttons: chunk(cancels, 1)}
}

// maxSignupsShown is how many sign-ups /prenotazioni lists, so that the
// message and its buttons stay within what Telegram takes.
const maxSignupsShown = 10
