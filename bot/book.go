package bot

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/comune-seregno/coworkbot/bot/intent"
	"github.com/comune-seregno/coworkbot/locales"
	"github.com/comune-seregno/coworkbot/registry"
)

// draft is a booking in the making: each step fills a field, and what the
// user already said is not asked again.
type draft struct {
	ID    string `json:"id"` // random; with the user's id and the revision, the booking's idempotency key
	Space string `json:"space"`
	Room  string `json:"room,omitempty"`
	Day   string `json:"day,omitempty"` // YYYY-MM-DD
	Slot  string `json:"slot,omitempty"`
	From  int    `json:"from,omitempty"`
	To    int    `json:"to,omitempty"`
	Desks int    `json:"desks,omitempty"`
	Done  string `json:"done,omitempty"` // the booking code once confirmed
	Rev   int    `json:"rev,omitempty"`  // moves on every change: a button of an older revision is refused

	RoomsOnly bool `json:"rooms_only,omitempty"` // the user asked for a room: offer rooms only
	Seats     int  `json:"seats,omitempty"`      // … one with at least this many seats
}

// bookHint is what the user said of a booking before its space was chosen.
type bookHint struct {
	Day   string `json:"day,omitempty"` // YYYY-MM-DD
	Part  string `json:"part,omitempty"`
	From  int    `json:"from,omitempty"`
	To    int    `json:"to,omitempty"`
	Desks int    `json:"desks,omitempty"`
	Room  bool   `json:"room,omitempty"` // a room is wanted, not desks
	// RoomID is the room named ("la sala Volta"); Seats the people a room
	// must hold ("una sala per 6").
	RoomID string `json:"room_id,omitempty"`
	Seats  int    `json:"seats,omitempty"`
}

// daysOffered is how many days the day picker shows.
const daysOffered = 8

func newDraftID() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func parseDay(s string) (time.Time, error) {
	return time.ParseInLocation(time.DateOnly, s, registry.Rome)
}

// draftTokenLen is the longest token: six hex digits of the draft's id and
// up to four of its revision.
const draftTokenLen = 10

// token names this draft at this revision, in its buttons. It only tells an
// old button from a current one of the same person: the booking's key is
// built from the whole id, never from button data.
func (d *draft) token() string { return d.ID[:6] + strconv.FormatInt(int64(d.Rev%0x10000), 16) }

// draftFor returns the draft a button with this token acts on, or nil (and
// says why) when there is none or the button is from an older message.
func (s *session) draftFor(token string) *draft {
	switch d := s.st.Draft; {
	case d == nil:
		s.resp.Notice = s.T("book.expired")
	case token != d.token():
		s.resp.Notice = s.T("book.old_button")
	default:
		return d
	}
	return nil
}

// step is a button of the booking flow for the current draft.
func step(s *session, k kind, val ...string) string {
	return data(k, append([]string{s.st.Draft.token()}, val...)...)
}

// stepButton is a labelled step.
func stepButton(s *session, label string, k kind, val ...string) Button {
	return Button{Label: plainLabel(label), Data: step(s, k, val...)}
}

// abandonRow is the row that drops the booking.
func abandonRow(s *session) []Button {
	return []Button{stepButton(s, s.T("book.abandon"), kBookAbandon)}
}

// What bookChange changes.
const (
	changeDay   = "day"
	changeSlot  = "slot"
	changeDesks = "desks"
)

// request turns a complete draft into a registry booking request. The key
// names the person, the draft and its revision: Confirm pressed twice books
// once, a changed draft is a new request, and two people's keys never meet.
func (d *draft) request(userID int64) registry.BookingRequest {
	day, _ := parseDay(d.Day)
	req := registry.BookingRequest{Key: fmt.Sprintf("confirm:%d:%s:%d", userID, d.ID, d.Rev), UserID: userID, SpaceID: d.Space, RoomID: d.Room,
		Day: day, Slot: registry.Slot(d.Slot), From: d.From, To: d.To, Desks: d.Desks}
	if d.Room != "" {
		req.Slot = registry.Hours
	}
	return req
}

// bookButtonFor starts booking a space.
func (b *Bot) bookButtonFor(s *session, spaceID string) Button {
	return button(s.T("details.book"), kBook, spaceID)
}

// bookCommand starts a booking: "/prenota" alone asks where.
func (b *Bot) bookCommand(s *session, args string) error {
	if args != "" {
		return b.onText(s, "prenota "+args)
	}
	return b.bookWhere(s, nil)
}

// bookButton starts booking the space of a card.
func (b *Bot) bookButton(s *session, args []string) error { return b.bookStart(s, args[0], nil) }

// bookWhere asks which space to book: one of the last results, or a search.
func (b *Bot) bookWhere(s *session, h *bookHint) error {
	if len(s.st.Results) > 0 {
		return b.askSpace(s, string(intent.Book), s.st.Results, h)
	}
	s.reply(Reply{Text: s.T("book.where"), Buttons: b.mainMenu(s)})
	return nil
}

// bookFromText starts a booking from words: "prenota 2 scrivanie venerdì
// mattina da Officina Brianza".
func (b *Bot) bookFromText(s *session, r intent.Request) error {
	h := &bookHint{Part: string(r.When.Part), From: r.When.From, To: r.When.To, Desks: r.Quantity,
		Room: roomWanted(r) || r.Room != "" || r.Seats > 0, RoomID: r.Room, Seats: r.Seats}
	if !r.When.Date.IsZero() {
		h.Day = r.When.Date.Format(time.DateOnly)
	}
	switch {
	case len(r.Candidates) > 1:
		return b.askSpace(s, string(intent.Book), r.Candidates, h)
	case r.Space == "" && (len(r.Services) > 0 || r.Place != "" || r.NearMe):
		if err := b.searchFromText(s, r); err != nil {
			return err
		}
		if len(s.st.Results) > 0 {
			s.say(s.T("book.pick_space"))
		}
		return nil
	case r.Space == "":
		return b.bookWhere(s, h)
	case r.When.Conflict:
		s.st.Draft = &draft{ID: newDraftID(), Space: r.Space, Desks: r.Quantity}
		applyHint(s.st.Draft, h)
		return b.askDate(s, string(intent.Book), nil, r.When.Date.Format(time.DateOnly), r.When.AltDate.Format(time.DateOnly))
	}
	return b.bookStart(s, r.Space, h)
}

// applyHint copies a day and a part of the day or a span into a draft.
func applyHint(d *draft, h *bookHint) {
	if h == nil {
		return
	}
	d.Day = h.Day
	switch {
	case h.From != h.To:
		d.Slot, d.From, d.To = string(registry.Hours), h.From, h.To
	case h.Part == string(registry.Morning), h.Part == string(registry.Afternoon):
		d.Slot = h.Part
	case h.Part == string(intent.AllDay):
		d.Slot = string(registry.FullDay)
	}
}

// bookStart begins a draft for a space and asks what is missing.
func (b *Bot) bookStart(s *session, spaceID string, h *bookHint) error {
	sp, err := b.db.Space(s.ctx, spaceID)
	if err != nil || sp.Status != registry.Approved {
		s.st.Draft = nil
		s.say(s.T("details.gone"))
		return nil
	}
	d := &draft{ID: newDraftID(), Space: sp.ID}
	if h != nil {
		d.Desks = h.Desks
	}
	applyHint(d, h)
	if h != nil && h.Room && len(sp.Rooms) > 0 {
		d.Slot, d.Desks, d.Room, d.From, d.To = "", 0, "", 0, 0
		d.RoomsOnly, d.Seats = true, h.Seats
		if _, ok := sp.Room(h.RoomID); ok {
			d.Room = h.RoomID
			if h.From%60 == 0 && h.To%60 == 0 && h.From < h.To {
				d.From, d.To = h.From, h.To
			}
		}
	}
	if d.Desks > sp.Desks && sp.Desks > 0 {
		s.say(s.l.N("book.too_many", sp.Desks, "Name", sp.Name))
		d.Desks = 0
	}
	s.st.Draft = d
	return b.bookNext(s, &sp, false)
}

// bookAnswerDate takes the date chosen when the words were ambiguous.
func (b *Bot) bookAnswerDate(s *session, day string) error {
	d := s.st.Draft
	if d == nil {
		s.resp.Notice = s.T("error.old_button")
		return nil
	}
	d.Day = day
	sp, err := b.db.Space(s.ctx, d.Space)
	if err != nil {
		return err
	}
	return b.bookNext(s, &sp, false)
}

// bookNext asks for the first thing the draft lacks, or shows the summary.
func (b *Bot) bookNext(s *session, sp *registry.Space, edit bool) error {
	d := s.st.Draft
	if d.Day != "" {
		day, err := parseDay(d.Day)
		if err != nil {
			return err
		}
		var refusal *registry.Refusal
		if err := b.db.CheckDay(s.ctx, sp.ID, day); errors.As(err, &refusal) {
			return b.bookRefused(s, sp, refusal)
		} else if err != nil {
			return err
		}
	}
	if d.Done == "" {
		s.st.Await = &await{Kind: answerBooking, Space: sp.ID}
	}
	// A slot the space does not keep that day, or one already over, is
	// refused as soon as it is known, with the slots it does keep.
	if d.Day != "" && d.Room == "" && d.Slot != "" && d.Slot != string(registry.Hours) {
		day, _ := parseDay(d.Day)
		span, ok := registry.SlotHours(sp, day, registry.Slot(d.Slot), b.db.Calendar)
		if !ok || b.over(s, day, span.To) {
			key := "book.no_such_slot"
			if ok {
				key = "book.slot_over"
			}
			s.say(s.T(key, "Name", sp.Name, "Slot", s.T("part."+d.Slot), "Day", dayName(s.l, s.today(), day)))
			d.Slot = ""
		}
	}
	switch {
	case d.Day == "":
		return b.askBookDay(s, sp, edit)
	case d.Slot == "" && d.Room == "":
		return b.askBookSlot(s, sp, edit)
	case d.Room != "" && d.From == d.To:
		return b.askRoomStart(s, sp, edit)
	case d.Room == "" && d.Desks == 0:
		return b.askDesks(s, sp, edit)
	}
	return b.bookSummary(s, sp, edit)
}

func (b *Bot) askBookDay(s *session, sp *registry.Space, edit bool) error {
	var days []Button
	today := s.today()
	for i := 0; i < daysOffered; i++ {
		day := today.AddDate(0, 0, i)
		label := fmt.Sprintf("%s %d/%d", weekdayName(s.l, day.Weekday(), false), day.Day(), int(day.Month()))
		if i == 0 {
			label = s.T("day.today")
		}
		spans := sp.Hours.Spans(day, b.db.Calendar)
		if len(spans) == 0 || b.over(s, day, spans[len(spans)-1].To) {
			label = "🚫 " + label
		}
		days = append(days, stepButton(s, label, kBookDay, day.Format(time.DateOnly)))
	}
	s.reply(Reply{Text: s.T("book.ask_day", "Name", sp.Name), Buttons: append(chunk(days, 4), abandonRow(s)), Edit: edit})
	return nil
}

func (b *Bot) askBookSlot(s *session, sp *registry.Space, edit bool) error {
	day, _ := parseDay(s.st.Draft.Day)
	var choices []Button
	for _, slot := range []registry.Slot{registry.Morning, registry.Afternoon, registry.FullDay} {
		span, ok := registry.SlotHours(sp, day, slot, b.db.Calendar)
		if !ok || s.st.Draft.RoomsOnly || b.over(s, day, span.To) {
			continue
		}
		choices = append(choices, stepButton(s, s.T("slot."+string(slot), "From", clock(span.From), "To", clock(span.To)), kBookSlot, string(slot)))
	}
	if n := s.st.Draft.Seats; n > 0 && !slices.ContainsFunc(sp.Rooms, func(r registry.Room) bool { return r.Seats >= n }) {
		s.say(s.l.N("book.no_room_for", n, "Name", sp.Name))
		s.st.Draft.Seats = 0
	}
	for _, r := range sp.Rooms {
		if r.Seats < s.st.Draft.Seats {
			continue
		}
		choices = append(choices, stepButton(s, s.l.N("book.room_button", r.Seats, "Name", r.Name), kBookRoom, r.ID))
	}
	if len(choices) == 0 {
		return b.bookRefused(s, sp, &registry.Refusal{Reason: registry.ReasonClosedDay})
	}
	rs := append(chunk(choices, 1), []Button{stepButton(s, s.T("book.change_day"), kBookChange, changeDay), stepButton(s, s.T("book.abandon"), kBookAbandon)})
	s.reply(Reply{Text: s.T("book.ask_slot", "Name", sp.Name, "Day", dayName(s.l, s.today(), day)), Buttons: rs, Edit: edit})
	return nil
}

// over reports whether a time of a day has already passed.
func (b *Bot) over(s *session, day time.Time, minute int) bool {
	return daysBetween(s.today(), day) == 0 && minute <= s.now.Hour()*60+s.now.Minute()
}

func (b *Bot) askRoomStart(s *session, sp *registry.Space, edit bool) error {
	day, _ := parseDay(s.st.Draft.Day)
	var starts []Button
	for _, span := range sp.Hours.Spans(day, b.db.Calendar) {
		for h := (span.From + 59) / 60; h*60+60 <= span.To; h++ {
			if b.over(s, day, h*60) {
				continue
			}
			starts = append(starts, stepButton(s, clock(h*60), kBookHour, strconv.Itoa(h)))
		}
	}
	if len(starts) == 0 {
		return b.bookRefused(s, sp, &registry.Refusal{Reason: registry.ReasonClosedDay})
	}
	rs := append(chunk(starts, 5), []Button{stepButton(s, s.T("book.change_day"), kBookChange, changeDay), stepButton(s, s.T("book.abandon"), kBookAbandon)})
	room, _ := sp.Room(s.st.Draft.Room)
	s.reply(Reply{Text: s.T("book.ask_room_start", "Room", room.Name, "Day", dayName(s.l, s.today(), day)), Buttons: rs, Edit: edit})
	return nil
}

func (b *Bot) askDesks(s *session, sp *registry.Space, edit bool) error {
	var counts []Button
	for n := 1; n <= min(6, sp.Desks); n++ {
		counts = append(counts, stepButton(s, strconv.Itoa(n), kBookDesks, strconv.Itoa(n)))
	}
	s.reply(Reply{Text: s.T("book.ask_desks"), Buttons: rows(counts, abandonRow(s)), Edit: edit})
	return nil
}

// The words that answer the booking flow in any step.
var (
	abandonWords = []string{"annulla", "lascia stare", "lascia perdere", "non importa", "niente", "stop", "basta", "no grazie",
		"cancel", "never mind", "forget it", "no thanks"}
	confirmWords = []string{"si", "conferma", "confermo", "ok", "okay", "va bene", "perfetto", "procedi", "prenota", "vai",
		"yes", "confirm", "go ahead", "book it", "sure", "yep", "si grazie", "yes please"}
)

// abandoning reports whether a message says to let the question go.
func abandoning(text string) bool {
	words := strings.Trim(intent.Normalize(text), " ")
	for _, w := range []string{" per favore", " grazie", " please"} {
		words = strings.TrimSuffix(words, w)
	}
	return slices.Contains(abandonWords, words)
}

// dropAnswer lets an open question go, with what was being written for it,
// at "annulla" or "lascia stare".
func (b *Bot) dropAnswer(s *session, k answerKind) {
	s.st.Await = nil
	switch k {
	case answerEvent:
		s.st.EventForm = nil
		s.say(s.T("events.stopped"))
	case answerApply:
		s.st.Apply = nil
		s.say(s.T("apply.stopped"))
	case answerAnnounce, answerAnnComune:
		if a := s.st.Announcing; a != nil && a.ID != 0 {
			if err := b.db.DropDraft(s.ctx, registry.Person(s.user.ID), a.ID); err != nil && !errors.Is(err, registry.ErrNotFound) && !errors.Is(err, registry.ErrClosed) {
				b.log.Error("drop an announcement's draft", "draft", a.ID, "err", err)
			}
		}
		s.st.Announcing = nil
		s.say(s.T("announce.dropped"))
	case answerEventCancel:
		s.st.Cancelling = nil
		s.say(s.T("common.dropped"))
	default:
		s.say(s.T("common.dropped"))
	}
}

// typedBooking listens to what is typed while a booking is in the making:
// "annulla" drops it, "sì" confirms a complete one, a number or "2
// scrivanie" says how many, and a day or a part of the day ("meglio
// venerdì", "il pomeriggio") changes that step. Anything else is read as an
// ordinary message.
func (b *Bot) typedBooking(s *session, text string) (bool, error) {
	d := s.st.Draft
	if d == nil || d.Done != "" {
		return false, nil
	}
	words := strings.Trim(intent.Normalize(text), " ")
	for _, w := range []string{" per favore", " grazie", " please"} {
		words = strings.TrimSuffix(words, w)
	}
	sp, err := b.db.Space(s.ctx, d.Space)
	if err != nil || sp.Status != registry.Approved {
		return false, nil
	}
	complete := d.Day != "" && (d.Room != "" && d.From != d.To || d.Room == "" && d.Slot != "" && d.Desks > 0)
	switch {
	case slices.Contains(abandonWords, words):
		s.st.Draft, s.st.Await = nil, nil
		s.say(s.T("book.abandoned"))
		return true, nil
	case complete && slices.Contains(confirmWords, words):
		return true, b.bookConfirm(s, d, &sp, "")
	}
	if n, err := strconv.Atoi(words); err == nil && d.Room == "" {
		if n < 1 {
			return false, nil
		}
		d.Desks = n
		d.Rev++
		return true, b.bookNext(s, &sp, false)
	}
	p, err := b.parser(s)
	if err != nil {
		return true, err
	}
	r := p.Parse(text, s.lang(), s.now, intent.Context{LastResults: s.st.Results})
	if r.Space != "" && r.Space != d.Space || len(r.Candidates) > 0 || r.Place != "" || len(r.Services) > 0 && !roomWanted(r) {
		return false, nil // another space, or a search: a new request
	}
	changed := false
	if !r.When.Date.IsZero() {
		d.Day, changed = r.When.Date.Format(time.DateOnly), true
	}
	switch {
	case r.When.From != r.When.To && r.When.From > 0 && d.Room != "":
		d.From, d.To, changed = r.When.From, r.When.To, true
	case r.When.From != r.When.To && r.When.From > 0:
		d.Slot, d.From, d.To, changed = string(registry.Hours), r.When.From, r.When.To, true
	case r.When.Part == intent.Morning || r.When.Part == intent.Afternoon:
		d.Slot, d.Room, d.From, d.To, changed = string(r.When.Part), "", 0, 0, true
	case r.When.Part == intent.AllDay:
		d.Slot, d.Room, d.From, d.To, changed = string(registry.FullDay), "", 0, 0, true
	}
	if r.Quantity > 0 && d.Room == "" {
		d.Desks, changed = r.Quantity, true
	}
	if !changed {
		return false, nil
	}
	d.Rev++
	return true, b.bookNext(s, &sp, false)
}

// roomWanted reports whether words ask for a meeting or conference room.
func roomWanted(r intent.Request) bool {
	return slices.Contains(r.Services, string(registry.MeetingRoom)) || slices.Contains(r.Services, string(registry.ConferenceRoom))
}

// bookSummary shows what is about to be booked, with Confirm and changes.
func (b *Bot) bookSummary(s *session, sp *registry.Space, edit bool) error {
	d := s.st.Draft
	text := s.T("book.summary", "What", locales.HTML(b.draftText(s, sp, d)))
	changes := []Button{stepButton(s, s.T("book.change_day"), kBookChange, changeDay), stepButton(s, s.T("book.change_slot"), kBookChange, changeSlot)}
	if d.Room == "" {
		changes = append(changes, stepButton(s, s.T("book.change_desks"), kBookChange, changeDesks))
	}
	rs := [][]Button{
		{stepButton(s, s.T("book.confirm"), kBookConfirm), stepButton(s, s.T("book.abandon"), kBookAbandon)},
		changes,
	}
	s.reply(Reply{Text: text, Buttons: rs, Edit: edit})
	return nil
}

// draftText writes a booking as "Officina Brianza, ven 4 dic, 8:30–13:00,
// 2 scrivanie · 18 €".
func (b *Bot) draftText(s *session, sp *registry.Space, d *draft) string {
	day, _ := parseDay(d.Day)
	from, to := d.From, d.To
	if d.Room == "" && d.Slot != string(registry.Hours) {
		if span, ok := registry.SlotHours(sp, day, registry.Slot(d.Slot), b.db.Calendar); ok {
			from, to = span.From, span.To
		}
	}
	return b.lineText(s, sp, d.Room, day, registry.Slot(d.Slot), from, to, d.Desks)
}

// lineText writes a booking in one line, with its price where the space
// gives one.
func (b *Bot) lineText(s *session, sp *registry.Space, roomID string, day time.Time, slot registry.Slot, from, to, desks int) string {
	what := s.l.N("book.desks", desks)
	price := 0
	if room, ok := sp.Room(roomID); ok {
		what = esc(room.Name)
		price = room.PriceHourCents * (to - from) / 60
	} else {
		switch slot {
		case registry.Morning, registry.Afternoon:
			price = sp.PriceHalfDayCents * desks
		case registry.FullDay:
			price = sp.PriceDayCents * desks
		}
	}
	line := s.T("book.line", "Name", sp.Name, "Day", shortDay(s.l, s.today(), day),
		"From", clock(from), "To", clock(to), "What", locales.HTML(what))
	if price > 0 {
		line += " · " + euro(s.l, price)
	}
	return line
}
