package bot

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/comune-seregno/coworkbot/bot/intent"
	"github.com/comune-seregno/coworkbot/locales"
	"github.com/comune-seregno/coworkbot/registry"
)

// A provider publishes an event as they would say it ("nuovo evento:
// workshop sulla fatturazione elettronica, giovedì 10 dicembre dalle 18 alle
// 20, 20 posti, gratuito") or step by step (/nuovoevento); what is missing
// is asked, and a summary with Publish comes last: nothing is published
// half filled. Staff may publish in any space.

// eventForm is an event being written.
type eventForm struct {
	Space    string `json:"space,omitempty"`
	Room     string `json:"room,omitempty"`
	Title    string `json:"title,omitempty"`
	Day      string `json:"day,omitempty"` // YYYY-MM-DD
	From     int    `json:"from,omitempty"`
	To       int    `json:"to,omitempty"`
	Meetings int    `json:"meetings,omitempty"` // 0: not asked yet
	Seats    int    `json:"seats,omitempty"`
	SeatsSet bool   `json:"seats_set,omitempty"` // Seats was given (0 is unlimited)
	Price    int    `json:"price,omitempty"`
	PriceSet bool   `json:"price_set,omitempty"`
	Lang     string `json:"lang,omitempty"`
	Desc     string `json:"desc,omitempty"`
	DescSet  bool   `json:"desc_set,omitempty"`
	RoomSet  bool   `json:"room_set,omitempty"`
	Photo    string `json:"photo,omitempty"`
	Editing  int64  `json:"editing,omitempty"` // an event being edited, rather than a new one
}

// newEventCommand is /nuovoevento: the form from the start, or with what
// the words after it say.
func (b *Bot) newEventCommand(s *session, args string) error {
	if args != "" {
		return b.onText(s, "nuovo evento: "+args)
	}
	s.st.EventForm = &eventForm{}
	return b.askEventForm(s)
}

// newEventFromText fills the form with what the message says, then asks
// what is missing.
func (b *Bot) newEventFromText(s *session, r intent.Request) error {
	if len(s.roles.Spaces) == 0 && !s.roles.Staff {
		return b.eventsFromText(s, r) // a citizen's "nuovo evento?" is a question
	}
	// "nuovo evento: workshop sulla …" names it in the middle of a
	// sentence; as a title it starts with a capital.
	f := &eventForm{Title: capitalized(r.Title)}
	if r.Space != "" && s.may(provider, r.Space) {
		f.Space = r.Space
	}
	if r.Room != "" {
		f.Room, f.RoomSet = r.Room, true
	}
	if !r.When.Date.IsZero() {
		f.Day = r.When.Date.Format(time.DateOnly)
	}
	if r.When.From > 0 && r.When.To > r.When.From {
		f.From, f.To = r.When.From, r.When.To
	}
	if r.Quantity > 0 {
		f.Seats, f.SeatsSet = r.Quantity, true
	}
	if r.Free {
		f.Price, f.PriceSet = 0, true
	}
	if r.EventLang != "" {
		f.Lang = r.EventLang
	}
	s.st.EventForm = f
	return b.askEventForm(s)
}

// capitalized is t with its first letter in upper case.
func capitalized(t string) string {
	r, n := utf8.DecodeRuneInString(t)
	if n == 0 || !unicode.IsLower(r) {
		return t
	}
	return string(unicode.ToUpper(r)) + t[n:]
}

// The steps of the event form, as typed answers and buttons name them.
const (
	evSpace    = "space"
	evTitle    = "title"
	evWhen     = "when"
	evMeetings = "meetings"
	evRoom     = "room"
	evSeats    = "seats"
	evPrice    = "price"
	evLang     = "lang"
	evDesc     = "desc"
	evSummary  = "summary"
)

// nextStep is the first thing the form lacks.
func (f *eventForm) nextStep() string {
	switch {
	case f.Space == "":
		return evSpace
	case f.Title == "":
		return evTitle
	case f.Day == "" || f.From >= f.To:
		return evWhen
	case f.Meetings == 0:
		return evMeetings
	case !f.RoomSet:
		return evRoom
	case !f.SeatsSet:
		return evSeats
	case !f.PriceSet:
		return evPrice
	case f.Lang == "":
		return evLang
	case !f.DescSet:
		return evDesc
	}
	return evSummary
}

// askEventForm asks the form's next question, or shows the summary.
func (b *Bot) askEventForm(s *session) error {
	f := s.st.EventForm
	stop := button(s.T("apply.stop"), kEvForm, "stop", "x")
	ask := func(text string, extra ...[]Button) error {
		s.st.Await = &await{Kind: answerEvent, Space: f.Space}
		s.reply(Reply{Text: text, Buttons: rows(append(extra, []Button{stop})...)})
		return nil
	}
	switch step := f.nextStep(); step {
	case evSpace:
		spaces := s.roles.Spaces
		if len(spaces) == 1 && !s.roles.Staff { // staff may publish in any space, the comune's own too
			f.Space = spaces[0]
			return b.askEventForm(s)
		}
		var choices []Button
		for _, id := range spaces {
			if sp, err := b.db.Space(s.ctx, id); err == nil {
				choices = append(choices, button(sp.Name, kEvForm, evSpace, id))
			}
		}
		if s.roles.Staff { // any space, by its id, or one of their own
			return ask(s.T("events.ask_space_id"), chunk(choices, 1)...)
		}
		return ask(s.T("events.ask_space"), chunk(choices, 1)...)
	case evTitle:
		return ask(s.T("events.ask_title"))
	case evWhen:
		return ask(s.T("events.ask_when"))
	case evMeetings:
		var ns []Button
		for _, n := range []int{1, 4, 6, 8, 10, 12} {
			label := s.l.N("events.meetings", n)
			if n == 1 {
				label = s.T("events.once")
			}
			ns = append(ns, button(label, kEvForm, evMeetings, strconv.Itoa(n)))
		}
		return ask(s.T("events.ask_meetings"), chunk(ns, 3)...)
	case evRoom:
		sp, err := b.db.Space(s.ctx, f.Space)
		if err != nil {
			return b.fail(s, err)
		}
		if len(sp.Rooms) == 0 {
			f.RoomSet = true
			return b.askEventForm(s)
		}
		choices := []Button{button(s.T("events.no_room"), kEvForm, evRoom, "none")}
		for _, r := range sp.Rooms {
			choices = append(choices, button(s.l.N("book.room_button", r.Seats, "Name", r.Name), kEvForm, evRoom, r.ID))
		}
		return ask(s.T("events.ask_room"), chunk(choices, 1)...)
	case evSeats:
		return ask(s.T("events.ask_seats"), []Button{button(s.T("events.unlimited_button"), kEvForm, evSeats, "0")})
	case evPrice:
		return ask(s.T("events.ask_price"), []Button{button(s.T("events.free_button"), kEvForm, evPrice, "0")})
	case evLang:
		var ls []Button
		for _, l := range locales.Languages {
			ls = append(ls, button(b.texts.For(l).T("language.name"), kEvForm, evLang, l))
		}
		return ask(s.T("events.ask_lang"), ls)
	case evDesc:
		return ask(s.T("events.ask_desc", "Max", registry.MaxEventDescription)+"\n"+s.T("events.photo_hint"), []Button{button(s.T("apply.skip"), kEvForm, evDesc, "none")})
	}
	// The summary, as citizens will see the card.
	s.st.Await = nil
	dr, err := b.formDraft(s, f)
	if err != nil {
		return err
	}
	sp, err := b.db.Space(s.ctx, f.Space)
	if err != nil {
		return b.fail(s, err)
	}
	e := registry.Event{Title: dr.Title, SpaceID: dr.SpaceID, RoomID: dr.RoomID, Day: dr.Day, From: dr.From, To: dr.To,
		Meeting: 1, Meetings: max(1, dr.Meetings), Seats: dr.Seats, Left: dr.Seats, PriceCents: dr.PriceCents, Lang: dr.Lang,
		Description: f.Desc}
	text := s.T("events.summary") + "\n\n" + b.eventCardText(s, &e, &sp)
	if e.Meetings > 1 {
		text += "\n\n" + s.l.N("events.weekly", e.Meetings)
	}
	publish := s.T("events.publish")
	if f.Editing != 0 {
		publish = s.T("events.save")
	}
	s.reply(Reply{Text: text, Buttons: [][]Button{{button(publish, kEvForm, "publish", "x"), stop}}})
	return nil
}

// formDraft is the form as the registry's draft.
func (b *Bot) formDraft(s *session, f *eventForm) (registry.EventDraft, error) {
	day, err := parseDay(f.Day)
	if err != nil {
		return registry.EventDraft{}, err
	}
	return registry.EventDraft{SpaceID: f.Space, RoomID: f.Room, Title: f.Title, Description: f.Desc, Lang: f.Lang, Photo: f.Photo,
		Day: day, From: f.From, To: f.To, Meetings: f.Meetings, Seats: f.Seats, PriceCents: f.Price}, nil
}

// evForm answers the form's buttons: a choice for a step, publish, stop.
func (b *Bot) evForm(s *session, args []string) error {
	f := s.st.EventForm
	if f == nil {
		s.resp.Notice = s.T("error.old_button")
		return nil
	}
	step, val := args[0], args[1]
	switch step {
	case "stop":
		s.st.EventForm, s.st.Await = nil, nil
		s.reply(Reply{Text: s.T("events.stopped"), Edit: true})
		return nil
	case "publish":
		return b.publishEvent(s)
	case evSpace:
		if !s.may(provider, val) {
			return b.refuseRole(s, provider)
		}
		f.Space = val
	case evMeetings:
		f.Meetings = max(1, atoi(val))
	case evRoom:
		f.Room, f.RoomSet = val, true
		if val == "none" {
			f.Room = ""
		}
	case evSeats:
		f.Seats, f.SeatsSet = registry.Unlimited, true
	case evPrice:
		f.Price, f.PriceSet = 0, true
	case evLang:
		if !slices.Contains(locales.Languages, val) {
			s.resp.Notice = s.T("error.old_button")
			return nil
		}
		f.Lang = val
	case evDesc:
		f.Desc, f.DescSet = "", true
	default:
		s.resp.Notice = s.T("error.old_button")
		return nil
	}
	return b.askEventForm(s)
}

// typedEvent takes the typed answer to the form's current question.
func (b *Bot) typedEvent(s *session, text string) (bool, error) {
	f := s.st.EventForm
	if f == nil {
		return false, nil
	}
	text = strings.TrimSpace(text)
	if s.in.PhotoID != "" { // a picture for the event, at any step
		f.Photo = s.in.PhotoID
		s.say(s.T("events.photo_added"))
		return true, b.askEventForm(s)
	}
	switch f.nextStep() {
	case evSpace:
		sp, err := b.db.Space(s.ctx, text)
		if err != nil || !s.may(provider, sp.ID) {
			s.say(s.T("events.bad_space"))
			return true, b.askEventForm(s)
		}
		f.Space = sp.ID
	case evTitle:
		f.Title = text
	case evWhen:
		p, err := b.parser(s)
		if err != nil {
			return true, err
		}
		w := p.Parse(text, s.lang(), s.now, intent.Context{}).When
		if !w.Date.IsZero() {
			f.Day = w.Date.Format(time.DateOnly)
		}
		if w.From > 0 && w.To > w.From {
			f.From, f.To = w.From, w.To
		}
		if f.Day == "" || f.From >= f.To {
			s.say(s.T("events.bad_when"))
			return true, b.askEventForm(s)
		}
		if day, err := parseDay(f.Day); err == nil && !s.now.Before(time.Date(day.Year(), day.Month(), day.Day(), 0, f.From, 0, 0, registry.Rome)) {
			f.Day, f.From, f.To = "", 0, 0
			s.say(s.T("events.past"))
			return true, b.askEventForm(s)
		}
	case evMeetings:
		n, err := strconv.Atoi(text)
		if err != nil || n < 1 {
			s.say(s.T("mine.bad_number"))
			return true, b.askEventForm(s)
		}
		f.Meetings = n
	case evSeats:
		n, err := strconv.Atoi(strings.Fields(text + " x")[0])
		if err != nil || n < 0 {
			s.say(s.T("mine.bad_number"))
			return true, b.askEventForm(s)
		}
		f.Seats, f.SeatsSet = n, true
	case evPrice:
		c, ok := readEuros(text)
		if low := strings.ToLower(text); strings.HasPrefix(low, "grat") || low == "free" {
			c, ok = 0, true
		}
		if !ok {
			s.say(s.T("mine.bad_price"))
			return true, b.askEventForm(s)
		}
		f.Price, f.PriceSet = c, true
	case evDesc:
		f.Desc, f.DescSet = text, true
		if text == "-" {
			f.Desc = ""
		}
	default:
		return false, nil
	}
	return true, b.askEventForm(s)
}

// publishEvent publishes the form (or saves the edit); subscribers of
// events hear of a new one, and the people signed up of a change.
func (b *Bot) publishEvent(s *session) error {
	f := s.st.EventForm
	dr, err := b.formDraft(s, f)
	if err != nil {
		return err
	}
	if f.Editing != 0 {
		return b.saveEventEdit(s, f, dr)
	}
	es, err := b.db.PublishEvent(s.ctx, registry.Person(s.user.ID), dr)
	if err != nil {
		return b.eventProblems(s, err)
	}
	s.st.EventForm, s.st.Await = nil, nil
	e := es[0]
	s.reply(Reply{Text: s.l.N("events.published", len(es), "Title", e.Title), Edit: true,
		Buttons: [][]Button{{button(s.T("events.open"), kEvent, idArg(e.ID))}}})
	b.announceEvent(s, e)
	return nil
}

// eventProblems says what is wrong with an event and asks those steps of
// the form again, or returns the error.
func (b *Bot) eventProblems(s *session, err error) error {
	var ps registry.Problems
	if !errors.As(err, &ps) {
		return b.fail(s, err)
	}
	s.say(problemsText(s, ps))
	if f := s.st.EventForm; f != nil {
		for _, p := range ps {
			f.clear(p.Field)
		}
	}
	return b.askEventForm(s)
}

// clear forgets what the form holds for a field of the registry's
// problems, so that its step is asked again.
func (f *eventForm) clear(field string) {
	switch field {
	case registry.EventFieldSpace:
		if f.Editing == 0 {
			f.Space = ""
		}
	case registry.EventFieldRoom:
		f.Room, f.RoomSet = "", false
	case registry.EventFieldTitle:
		f.Title = ""
	case registry.EventFieldDescription:
		f.Desc, f.DescSet = "", false
	case registry.EventFieldLang:
		f.Lang = ""
	case registry.EventFieldPhoto:
		f.Photo = ""
	case registry.EventFieldDay, registry.EventFieldStart, registry.EventFieldEnd:
		f.Day, f.From, f.To = "", 0, 0
	case registry.EventFieldMeetings:
		if f.Editing == 0 {
			f.Meetings = 0
		}
	case registry.EventFieldSeats:
		f.Seats, f.SeatsSet = 0, false
	case registry.EventFieldPrice:
		f.Price, f.PriceSet = 0, false
	}
}

// announceEvent tells the subscribers of events and courses (narrowed by
// comune where they asked) of a new one.
func (b *Bot) announceEvent(s *session, e registry.Event) {
	sp, err := b.db.Space(s.ctx, e.SpaceID)
	if err != nil {
		b.log.Error("announce an event", "event", e.ID, "err", err)
		return
	}
	c := registry.Content{Texts: map[string]registry.Rendered{}}
	for _, lang := range locales.Languages {
		o := &session{ctx: s.ctx, l: b.texts.For(lang), now: s.now}
		buttons := encodeButtons([][]Button{{button(o.T("events.open"), kEvent, idArg(e.ID))}})
		c.Texts[lang] = registry.Rendered{HTML: o.T("events.announce", "Title", e.Title) + "\n" + b.eventLine(o, &e, &sp), Buttons: buttons}
	}
	if _, err := b.db.AnnounceEvent(s.ctx, registry.Person(s.user.ID), idArg(e.SeriesID), e.SpaceID, c); err != nil {
		b.log.Error("announce an event", "event", e.ID, "err", err)
	}
}

// evEdit is the provider's Edit and Cancel on an event's card.
func (b *Bot) evEdit(s *session, args []string) error {
	e, err := b.db.Event(s.ctx, int64(atoi(args[0])))
	if err != nil {
		return b.fail(s, err)
	}
	if !s.may(provider, e.SpaceID) {
		return b.refuseRole(s, provider)
	}
	switch args[1] {
	case "cancel":
		s.st.Await = &await{Kind: answerEventCancel, ID: e.ID, Space: e.SpaceID}
		s.reply(Reply{Text: s.T("events.ask_cancel_reason", "Title", e.Title),
			Buttons: [][]Button{{button(s.T("events.keep"), kEvEdit, idArg(e.ID), "keep")}}})
		return nil
	case "keep":
		s.st.Cancelling = nil
		s.reply(Reply{Text: s.T("events.kept", "Title", e.Title), Edit: true})
		return nil
	case "sure":
		c := s.st.Cancelling
		if c == nil || c.ID != e.ID {
			s.resp.Notice = s.T("error.old_button")
			return nil
		}
		s.st.Cancelling = nil
		return b.cancelEvent(s, e.ID, c.Reason)
	case "menu":
		// The form, filled with the event as it is: each step can be typed
		// again from the summary's buttons.
		s.st.EventForm = &eventForm{Editing: e.ID, Space: e.SpaceID, Room: e.RoomID, RoomSet: true, Title: e.Title,
			Day: e.Day.Format(time.DateOnly), From: e.From, To: e.To, Meetings: e.Meetings, Seats: e.Seats, SeatsSet: true,
			Price: e.PriceCents, PriceSet: true, Lang: e.Lang, Desc: e.Description, DescSet: true, Photo: e.Photo}
		var parts []Button
		for _, p := range []struct{ key, step string }{{"events.edit_when", evWhen}, {"events.edit_seats", evSeats},
			{"events.edit_price", evPrice}, {"events.edit_title", evTitle}, {"events.edit_desc", evDesc}} {
			parts = append(parts, button(s.T(p.key), kEvRedo, idArg(e.ID), p.step))
		}
		s.reply(Reply{Text: s.T("events.edit_what", "Title", e.Title), Buttons: chunk(parts, 2)})
		return nil
	}
	s.resp.Notice = s.T("error.old_button")
	return nil
}

// evRedo clears one step of the edit form and asks it again.
func (b *Bot) evRedo(s *session, args []string) error {
	f := s.st.EventForm
	if f == nil || f.Editing != int64(atoi(args[0])) {
		s.resp.Notice = s.T("error.old_button")
		return nil
	}
	switch args[1] {
	case evWhen:
		f.Day, f.From, f.To = "", 0, 0
	case evSeats:
		f.SeatsSet = false
	case evPrice:
		f.PriceSet = false
	case evTitle:
		f.Title = ""
	case evDesc:
		f.DescSet = false
	default:
		s.resp.Notice = s.T("error.old_button")
		return nil
	}
	return b.askEventForm(s)
}

// saveEventEdit stores an edit and tells the people it concerns.
func (b *Bot) saveEventEdit(s *session, f *eventForm, dr registry.EventDraft) error {
	ed, err := b.db.EditEvent(s.ctx, registry.Person(s.user.ID), f.Editing, false, func(d *registry.EventDraft) error {
		d.Title, d.Description, d.Day, d.From, d.To, d.Seats, d.PriceCents = dr.Title, dr.Description, dr.Day, dr.From, dr.To, dr.Seats, dr.PriceCents
		return nil
	})
	if err != nil {
		return b.eventProblems(s, err)
	}
	s.st.EventForm, s.st.Await = nil, nil
	saved := s.T("events.saved_none")
	if n := len(ed.Concerned); n > 0 {
		saved = s.l.N("events.saved", n)
	}
	s.reply(Reply{Text: saved, Edit: true})
	for _, sg := range ed.Concerned {
		sg := sg
		b.tellAll(s, []int64{sg.UserID}, func(o *session) Reply {
			e := sg.Event
			sp, _ := b.db.Space(s.ctx, e.SpaceID)
			return Reply{Text: o.T("events.changed", "Title", e.Title) + "\n" + b.eventLine(o, &e, &sp),
				Buttons: [][]Button{{button(o.T("events.open"), kEvent, idArg(e.ID)), button(o.T("events.unsign", "Title", e.Title), kEvUnsign, idArg(sg.ID))}}}
		})
	}
	s.resp.Others = append(s.resp.Others, b.eventOfferMessages(s, ed.Offers)...)
	return nil
}

// cancelling is an event about to be cancelled: the reason is typed, the
// provider has still to confirm.
type cancelling struct {
	ID     int64  `json:"id"`
	Reason string `json:"reason"`
}

// typedEventCancel takes the reason, and asks to confirm with the number of
// people who will be told: a reason is words, and "no" is one too.
func (b *Bot) typedEventCancel(s *session, text string) (bool, error) {
	if longReason(s, text) {
		return true, nil
	}
	id := s.st.Await.ID
	s.st.Await = nil
	e, err := b.db.Event(s.ctx, id)
	if err != nil {
		return true, b.fail(s, err)
	}
	reason := strings.TrimSpace(text)
	s.st.Cancelling = &cancelling{ID: id, Reason: reason}
	people := s.T("events.sure_nobody")
	if taken := e.Taken; taken > 0 {
		people = s.l.N("events.sure_people", taken)
	}
	s.reply(Reply{Text: s.T("events.sure", "Title", e.Title, "When", dateName(s.l, e.Day), "Reason", reason, "People", people),
		Buttons: [][]Button{{button(s.T("events.sure_yes"), kEvEdit, idArg(id), "sure"), button(s.T("events.keep"), kEvEdit, idArg(id), "keep")}}})
	return true, nil
}

// cancelEvent cancels an event: its sign-ups are cancelled and their
// people told, with an apology; whoever was waiting is told too.
func (b *Bot) cancelEvent(s *session, id int64, reason string) error {
	c, err := b.db.CancelEvent(s.ctx, registry.Person(s.user.ID), id, false, reason)
	if err != nil {
		return b.fail(s, err)
	}
	if n := len(c.Signups); n > 0 {
		s.say(s.l.N("events.cancelled_done", n))
	} else {
		s.say(s.T("events.cancelled_none"))
	}
	for _, sg := range c.Signups {
		sg := sg
		b.tellAll(s, []int64{sg.UserID}, func(o *session) Reply {
			e := sg.Event
			return Reply{Text: o.T("events.cancelled_notice", "Title", e.Title, "When", dateName(o.l, e.Day), "Reason", orDefault(e.CancelReason, o.T("apply.no_reason")))}
		})
	}
	for _, w := range c.Waiting {
		w := w
		b.tellAll(s, []int64{w.UserID}, func(o *session) Reply {
			return Reply{Text: o.T("events.cancelled_waiting", "Title", w.Event.Title, "When", dateName(o.l, w.Event.Day), "Reason", orDefault(w.Event.CancelReason, o.T("apply.no_reason")))}
		})
	}
	return nil
}

// eventAgendaText adds a space's events with their sign-ups to /agenda.
func (b *Bot) eventAgendaText(s *session, spaceID string, from, to time.Time) (string, error) {
	entries, err := b.db.EventAgenda(s.ctx, registry.Person(s.user.ID), spaceID, from, to)
	if err != nil || len(entries) == 0 {
		return "", err
	}
	var t strings.Builder
	t.WriteString("\n\n" + s.T("agenda.events"))
	for _, en := range entries {
		e := en.Event
		people, names := 0, []string{}
		for _, a := range en.Attendees {
			people += a.People
			name := a.FirstName
			if name == "" {
				name = s.T("notify.someone")
			}
			if a.People > 1 {
				name += fmt.Sprintf(" (%d)", a.People)
			}
			names = append(names, name)
		}
		line := s.T("agenda.event", "Day", shortDay(s.l, s.today(), e.Day), "From", clock(e.From), "Title", e.Title,
			"People", s.l.N("events.people", people))
		if e.Status == registry.EventCancelled {
			line += " " + s.T("events.cancelled_mark")
		}
		t.WriteString("\n" + line)
		if len(names) > 0 {
			t.WriteString("\n   " + esc(strings.Join(names, ", ")))
		}
	}
	return t.String(), nil
}

// encodeButtons writes buttons as an announcement keeps them.
func encodeButtons(bs [][]Button) string {
	raw, err := json.Marshal(bs)
	if err != nil {
		return ""
	}
	return string(raw)
}
