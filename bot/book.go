package bot

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
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
	ID    string `json:"id"` // makes Confirm idempotent
	Space string `json:"s"`
	Room  string `json:"r,omitempty"`
	Day   string `json:"d,omitempty"` // YYYY-MM-DD
	Slot  string `json:"sl,omitempty"`
	From  int    `json:"f,omitempty"`
	To    int    `json:"t,omitempty"`
	Desks int    `json:"q,omitempty"`
	Done  string `json:"done,omitempty"` // the booking code once confirmed
	Rev   int    `json:"v,omitempty"`    // moves on every change: a button of an older revision is refused

	RoomFirst bool `json:"rf,omitempty"` // the user asked for a room: offer rooms only
}

// daysOffered is how many days the day picker shows.
const daysOffered = 8

func newDraftID() string {
	var b [6]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func parseDay(s string) (time.Time, error) {
	return time.ParseInLocation("2006-01-02", s, registry.Rome)
}

// token names this draft at this revision, in its buttons.
func (d *draft) token() string { return d.ID[:4] + strconv.Itoa(d.Rev) }

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

// bstep is the data of a booking-flow button: "b:<token>:<step>[:<value>]".
func bstep(s *session, step, val string) string {
	data := "b:" + s.st.Draft.token() + ":" + step
	if val != "" {
		data += ":" + val
	}
	return data
}

// request turns a complete draft into a registry booking request. The key
// names the draft at its revision: Confirm pressed twice books once, and a
// changed draft is a new request.
func (d *draft) request(userID int64) registry.Request {
	day, _ := parseDay(d.Day)
	req := registry.Request{Key: "confirm:" + d.token(), UserID: userID, SpaceID: d.Space, RoomID: d.Room,
		Day: day, Slot: registry.Slot(d.Slot), From: d.From, To: d.To, Desks: d.Desks}
	if d.Room != "" {
		req.Slot = registry.Hours
	}
	return req
}

// bookCommand starts a booking: "/prenota" alone asks where.
func (b *Bot) bookCommand(s *session, args string) error {
	if args != "" {
		return b.onText(s, "prenota "+args)
	}
	return b.bookWhere(s, 0, nil)
}

// bookWhere asks which space to book: one of the last results, or a search.
func (b *Bot) bookWhere(s *session, desks int, q *searchState) error {
	if len(s.st.Results) > 0 {
		return b.askSpace(s, "book", s.st.Results, desks, q)
	}
	s.reply(Reply{Text: s.T("book.where"), Buttons: b.mainMenu(s)})
	return nil
}

// bookFromText starts a booking from words: "prenota 2 scrivanie venerdì
// mattina da Officina Brianza".
func (b *Bot) bookFromText(s *session, r intent.Request) error {
	q := &searchState{}
	if !r.When.Date.IsZero() {
		q.Day = r.When.Date.Format("2006-01-02")
	}
	q.Part, q.From, q.To = string(r.When.Part), r.When.From, r.When.To
	switch {
	case len(r.Candidates) > 1:
		return b.askSpace(s, "book", r.Candidates, r.Quantity, q)
	case r.Space == "" && (len(r.Services) > 0 || r.Place != "" || r.NearMe):
		r.Intent = intent.Search
		if err := b.searchFromText(s, r); err != nil {
			return err
		}
		if len(s.st.Results) > 0 {
			s.say(s.T("book.pick_space"))
		}
		return nil
	case r.Space == "":
		return b.bookWhere(s, r.Quantity, q)
	case r.When.Conflict:
		s.st.Draft = &draft{ID: newDraftID(), Space: r.Space, Desks: r.Quantity}
		b.applyWhen(s.st.Draft, q)
		return b.askDate(s, "book", nil, r.Quantity, r.When.Date.Format("2006-01-02"), r.When.AltDate.Format("2006-01-02"))
	}
	if slices.Contains(r.Services, string(registry.MeetingRoom)) || slices.Contains(r.Services, string(registry.ConferenceRoom)) {
		q.Desks = -1 // a room is wanted: offer the rooms first
	}
	return b.bookStart(s, r.Space, q, r.Quantity)
}

// applyWhen copies a day and a part of the day or a span into a draft.
func (b *Bot) applyWhen(d *draft, q *searchState) {
	if q == nil {
		return
	}
	d.Day = q.Day
	switch {
	case q.From != q.To:
		d.Slot, d.From, d.To = string(registry.Hours), q.From, q.To
	case q.Part == "morning":
		d.Slot = string(registry.Morning)
	case q.Part == "afternoon":
		d.Slot = string(registry.Afternoon)
	case q.Part == "all_day":
		d.Slot = string(registry.FullDay)
	}
}

// bookStart begins a draft for a space and asks what is missing.
func (b *Bot) bookStart(s *session, spaceID string, q *searchState, desks int) error {
	sp, err := b.db.Space(s.ctx, spaceID)
	if err != nil || sp.Status != registry.Approved {
		s.st.Draft = nil
		s.say(s.T("details.gone"))
		return nil
	}
	d := &draft{ID: newDraftID(), Space: sp.ID, Desks: desks}
	b.applyWhen(d, q)
	if q != nil && q.Desks == -1 && len(sp.Rooms) > 0 {
		d.Slot, d.Desks, d.Room = "", 0, ""
		d.RoomFirst = true
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
	var rows [][]Button
	var row []Button
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
		row = append(row, Button{Label: label, Data: bstep(s, "d", day.Format("2006-01-02"))})
		if len(row) == 4 {
			rows, row = append(rows, row), nil
		}
	}
	rows = append(rows, row, []Button{{Label: s.T("book.abandon"), Data: bstep(s, "no", "")}})
	s.reply(Reply{Text: s.T("book.ask_day", "Name", sp.Name), Buttons: rows, Edit: edit})
	return nil
}

func (b *Bot) askBookSlot(s *session, sp *registry.Space, edit bool) error {
	day, _ := parseDay(s.st.Draft.Day)
	var rows [][]Button
	for _, slot := range []registry.Slot{registry.Morning, registry.Afternoon, registry.FullDay} {
		span, ok := registry.SlotHours(sp, day, slot, b.db.Calendar)
		if !ok || s.st.Draft.RoomFirst || b.over(s, day, span.To) {
			continue
		}
		rows = append(rows, []Button{{Label: s.T("slot."+string(slot), "From", clock(span.From), "To", clock(span.To)), Data: bstep(s, "sl", string(slot))}})
	}
	for _, r := range sp.Rooms {
		rows = append(rows, []Button{{Label: s.l.N("book.room_button", r.Seats, "Name", r.Name), Data: bstep(s, "r", r.ID)}})
	}
	if len(rows) == 0 {
		return b.bookRefused(s, sp, &registry.Refusal{Reason: registry.ReasonClosedDay})
	}
	rows = append(rows, []Button{{Label: s.T("book.change_day"), Data: bstep(s, "cd", "")}, {Label: s.T("book.abandon"), Data: bstep(s, "no", "")}})
	s.reply(Reply{Text: s.T("book.ask_slot", "Name", sp.Name, "Day", dayName(s.l, s.today(), day)), Buttons: rows, Edit: edit})
	return nil
}

// over reports whether a time of a day has already passed.
func (b *Bot) over(s *session, day time.Time, minute int) bool {
	return daysBetween(s.today(), day) == 0 && minute <= s.now.Hour()*60+s.now.Minute()
}

func (b *Bot) askRoomStart(s *session, sp *registry.Space, edit bool) error {
	day, _ := parseDay(s.st.Draft.Day)
	var rows [][]Button
	var row []Button
	for _, span := range sp.Hours.Spans(day, b.db.Calendar) {
		for h := (span.From + 59) / 60; h*60+60 <= span.To; h++ {
			if b.over(s, day, h*60) {
				continue
			}
			row = append(row, Button{Label: clock(h * 60), Data: bstep(s, "h", strconv.Itoa(h))})
			if len(row) == 5 {
				rows, row = append(rows, row), nil
			}
		}
	}
	if len(row) > 0 {
		rows = append(rows, row)
	}
	if len(rows) == 0 {
		return b.bookRefused(s, sp, &registry.Refusal{Reason: registry.ReasonClosedDay})
	}
	rows = append(rows, []Button{{Label: s.T("book.change_day"), Data: bstep(s, "cd", "")}, {Label: s.T("book.abandon"), Data: bstep(s, "no", "")}})
	room, _ := sp.Room(s.st.Draft.Room)
	s.reply(Reply{Text: s.T("book.ask_room_start", "Room", room.Name, "Day", dayName(s.l, s.today(), day)), Buttons: rows, Edit: edit})
	return nil
}

func (b *Bot) askDesks(s *session, sp *registry.Space, edit bool) error {
	var row []Button
	for n := 1; n <= min(6, sp.Desks); n++ {
		row = append(row, Button{Label: strconv.Itoa(n), Data: bstep(s, "q", strconv.Itoa(n))})
	}
	s.reply(Reply{Text: s.T("book.ask_desks"), Buttons: [][]Button{row, {{Label: s.T("book.abandon"), Data: bstep(s, "no", "")}}}, Edit: edit})
	return nil
}

// bookSummary shows what is about to be booked, with Confirm and changes.
func (b *Bot) bookSummary(s *session, sp *registry.Space, edit bool) error {
	d := s.st.Draft
	text := s.T("book.summary", "What", locales.HTML(b.draftText(s, sp, d)))
	rows := [][]Button{
		{{Label: s.T("book.confirm"), Data: bstep(s, "ok", "")}, {Label: s.T("book.abandon"), Data: bstep(s, "no", "")}},
		{{Label: s.T("book.change_day"), Data: bstep(s, "cd", "")}, {Label: s.T("book.change_slot"), Data: bstep(s, "cs", "")}},
	}
	if d.Room == "" {
		rows[1] = append(rows[1], Button{Label: s.T("book.change_desks"), Data: bstep(s, "cq", "")})
	}
	s.reply(Reply{Text: text, Buttons: rows, Edit: edit})
	return nil
}

// draftText writes a booking as "Officina Brianza, venerdì 4 dicembre, 8:30–13:00, 2 scrivanie".
func (b *Bot) draftText(s *session, sp *registry.Space, d *draft) string {
	day, _ := parseDay(d.Day)
	from, to := d.From, d.To
	if d.Room == "" && d.Slot != string(registry.Hours) {
		if span, ok := registry.SlotHours(sp, day, registry.Slot(d.Slot), b.db.Calendar); ok {
			from, to = span.From, span.To
		}
	}
	what := s.l.N("book.desks", d.Desks)
	if room, ok := sp.Room(d.Room); ok {
		what = esc(room.Name)
	}
	return s.T("book.line", "Name", sp.Name, "Day", dayName(s.l, s.today(), day),
		"From", clock(from), "To", clock(to), "What", locales.HTML(what))
}

// bookStep answers the booking flow's buttons: b:s:<space> starts; the
// others are b:<token>:<step>[:<value>], refused when the token is not the
// draft's current one (an older message): d:<day>, sl:<slot>, r:<room>,
// h:<hour>, len:<hours>, q:<n> fill in, cd/cs/cq change, ok confirms, no
// abandons and alt:<space> moves the draft to another space.
func (b *Bot) bookStep(s *session, arg string) error {
	if space, ok := strings.CutPrefix(arg, "s:"); ok {
		return b.bookStart(s, space, nil, 0)
	}
	token, rest, _ := strings.Cut(arg, ":")
	step, val, _ := strings.Cut(rest, ":")
	d := s.draftFor(token)
	if d == nil {
		return nil
	}
	if step == "no" {
		s.st.Draft = nil
		s.reply(Reply{Text: s.T("book.abandoned"), Edit: true})
		return nil
	}
	if d.Done != "" && step != "ok" {
		s.resp.Notice = s.T("book.already_done", "Code", d.Done)
		return nil
	}
	if step == "alt" {
		d.Space, d.Room, d.Done = val, "", ""
	}
	sp, err := b.db.Space(s.ctx, d.Space)
	if err != nil || sp.Status != registry.Approved {
		s.say(s.T("details.gone"))
		return nil
	}
	switch step {
	case "d":
		if _, err := parseDay(val); err != nil {
			s.resp.Notice = s.T("error.old_button")
			return nil
		}
		d.Day = val
	case "sl":
		d.Slot, d.Room, d.From, d.To = val, "", 0, 0
	case "r":
		if _, ok := sp.Room(val); !ok {
			s.resp.Notice = s.T("error.old_button")
			return nil
		}
		d.Room, d.Slot, d.From, d.To, d.Desks = val, "", 0, 0, 0
	case "h":
		h, err := strconv.Atoi(val)
		if err != nil || h < 0 || h > 23 {
			s.resp.Notice = s.T("error.old_button")
			return nil
		}
		d.From, d.To = h*60, h*60
		d.Rev++
		return b.askRoomLength(s, &sp)
	case "len":
		n, err := strconv.Atoi(val)
		if err != nil || n < 1 || n > 12 || d.From+n*60 > 24*60 {
			s.resp.Notice = s.T("error.old_button")
			return nil
		}
		d.To = d.From + n*60
	case "q":
		n, err := strconv.Atoi(val)
		if err != nil || n < 1 {
			s.resp.Notice = s.T("error.old_button")
			return nil
		}
		d.Desks = n
	case "cd":
		d.Day = ""
	case "cs":
		d.Slot, d.Room, d.From, d.To = "", "", 0, 0
	case "cq":
		d.Desks = 0
	case "ok":
		return b.bookConfirm(s, &sp)
	case "alt":
	default:
		s.resp.Notice = s.T("error.old_button")
		return nil
	}
	d.Rev++
	return b.bookNext(s, &sp, true)
}

func (b *Bot) askRoomLength(s *session, sp *registry.Space) error {
	d := s.st.Draft
	day, _ := parseDay(d.Day)
	end := d.From + 60
	for _, span := range sp.Hours.Spans(day, b.db.Calendar) {
		if span.From <= d.From && d.From < span.To {
			end = span.To
		}
	}
	var row []Button
	for n := 1; n <= 4 && d.From+n*60 <= end; n++ {
		row = append(row, Button{Label: s.l.N("book.hours", n), Data: bstep(s, "len", strconv.Itoa(n))})
	}
	s.reply(Reply{Text: s.T("book.ask_room_length", "From", clock(s.st.Draft.From)),
		Buttons: [][]Button{row, {{Label: s.T("book.abandon"), Data: bstep(s, "no", "")}}}, Edit: true})
	return nil
}

// bookConfirm books the draft. Pressed twice, it books once: the draft's
// key makes the registry return the same booking.
func (b *Bot) bookConfirm(s *session, sp *registry.Space) error {
	d := s.st.Draft
	bk, err := b.db.Book(s.ctx, d.request(s.user.ID))
	var refusal *registry.Refusal
	if errors.As(err, &refusal) {
		return b.bookRefused(s, sp, refusal)
	}
	if err != nil {
		return err
	}
	d.Done = bk.Code
	s.resp.Notice = s.T("book.done_notice")
	s.reply(Reply{Text: s.T("book.done", "Code", bk.Code, "What", locales.HTML(b.bookingText(s, sp, bk))), Edit: true,
		Buttons: [][]Button{{{Label: s.T("menu.bookings"), Data: "m:book"}}}})
	s.reply(Reply{Venue: &Venue{Point: sp.Location, Title: sp.Name, Address: sp.Address + ", " + sp.Comune}})
	return nil
}

// bookingText writes a stored booking in one line.
func (b *Bot) bookingText(s *session, sp *registry.Space, bk registry.Booking) string {
	d := draft{Space: bk.SpaceID, Room: bk.RoomID, Day: bk.Day.Format("2006-01-02"), Slot: string(registry.Hours), From: bk.From, To: bk.To, Desks: bk.Desks}
	return b.draftText(s, sp, &d)
}

// bookRefused says why a booking cannot be made and offers a way forward.
func (b *Bot) bookRefused(s *session, sp *registry.Space, r *registry.Refusal) error {
	d := s.st.Draft
	var rows [][]Button
	text := s.T("refuse."+string(r.Reason), "Name", sp.Name, "Left", r.Left, "Max", r.Max, "Holiday", r.Holiday,
		"Closure", r.Closure, "Until", dayName(s.l, s.today(), r.Until))
	if r.Reason == registry.ReasonFull {
		text = s.l.N("refuse.full", r.Left, "Name", sp.Name)
	}
	switch r.Reason {
	case registry.ReasonFull, registry.ReasonRoomTaken:
		alt, err := b.db.Alternatives(s.ctx, d.request(s.user.ID))
		if err != nil {
			return err
		}
		for _, c := range alt.Slots {
			if c.RoomID != "" {
				rows = append(rows, []Button{{Label: fmt.Sprintf("🕘 %s–%s", clock(c.From), clock(c.To)), Data: bstep(s, "h", strconv.Itoa(c.From/60))}})
				continue
			}
			rows = append(rows, []Button{{Label: s.T("slot."+string(c.Slot), "From", clock(c.From), "To", clock(c.To)), Data: bstep(s, "sl", string(c.Slot))}})
		}
		for _, c := range alt.Nearby {
			rows = append(rows, []Button{{Label: s.T("book.alt_space", "Name", c.Name, "Distance", distance(s.l, c.Distance)), Data: bstep(s, "alt", c.SpaceID)}})
		}
		if r.Reason == registry.ReasonFull {
			if r.Left > 0 {
				rows = append(rows, []Button{{Label: s.l.N("book.fewer", r.Left), Data: bstep(s, "q", strconv.Itoa(r.Left))}})
			}
			rows = append(rows, []Button{{Label: s.T("wait.join"), Data: "w:join:" + s.st.Draft.token()}})
		}
	case registry.ReasonPast, registry.ReasonTooFar, registry.ReasonClosedDay, registry.ReasonHoliday, registry.ReasonClosure:
		d.Day = ""
		rows = append(rows, []Button{{Label: s.T("book.change_day"), Data: bstep(s, "cd", "")}})
	case registry.ReasonOutsideHours, registry.ReasonNoSlot, registry.ReasonBadHours:
		if d.Room != "" {
			rows = append(rows, []Button{{Label: s.T("book.change_slot"), Data: bstep(s, "r", d.Room)}})
		} else {
			rows = append(rows, []Button{{Label: s.T("book.change_slot"), Data: bstep(s, "cs", "")}})
		}
	case registry.ReasonQuantity:
		rows = append(rows, []Button{{Label: s.T("book.change_desks"), Data: bstep(s, "cq", "")}})
	case registry.ReasonLimit:
		rows = append(rows, []Button{{Label: s.T("menu.bookings"), Data: "m:book"}})
	}
	rows = append(rows, []Button{{Label: s.T("book.abandon"), Data: bstep(s, "no", "")}})
	s.reply(Reply{Text: text, Buttons: rows})
	return nil
}

// myBookings lists the user's upcoming bookings, each with a cancel button,
// and their places in waiting lists, with the offers they have.
func (b *Bot) myBookings(s *session, _ string) error {
	bks, err := b.db.Bookings(s.ctx, s.user.ID, s.now)
	if err != nil {
		return err
	}
	waits, err := b.db.Waitlist(s.ctx, s.user.ID)
	if err != nil {
		return err
	}
	if len(bks) == 0 && len(waits) == 0 {
		s.reply(Reply{Text: s.T("bookings.none"), Buttons: b.mainMenu(s)})
		return nil
	}
	if len(bks) > 0 {
		var t strings.Builder
		t.WriteString(s.l.N("bookings.header", len(bks)))
		var rows [][]Button
		for i, bk := range bks {
			sp, err := b.db.Space(s.ctx, bk.SpaceID)
			if err != nil {
				return err
			}
			fmt.Fprintf(&t, "\n\n%d. %s\n   %s", i+1, b.bookingText(s, &sp, bk), s.T("bookings.code", "Code", bk.Code))
			rows = append(rows, []Button{{Label: s.T("bookings.cancel", "Code", bk.Code), Data: "x:" + bk.Code}})
		}
		s.reply(Reply{Text: t.String(), Buttons: rows})
	}
	for _, w := range waits {
		sp, err := b.db.Space(s.ctx, w.SpaceID)
		if err != nil {
			return err
		}
		what := locales.HTML(b.bookingText(s, &sp, registry.Booking{SpaceID: w.SpaceID, Day: w.Day, From: w.From, To: w.To, Desks: w.Desks}))
		if o, err := b.db.OpenOffer(s.ctx, s.user.ID, w.ID); err == nil {
			msg, err := b.offerMessage(s.ctx, o)
			if err != nil {
				return err
			}
			s.reply(msg.Reply)
			continue
		}
		s.reply(Reply{Text: s.T("wait.listed", "What", what),
			Buttons: [][]Button{{{Label: s.T("wait.leave"), Data: "w:leave:" + strconv.FormatInt(w.ID, 10)}}}})
	}
	return nil
}

var codeInText = regexp.MustCompile(`\b[` + registry.CodeAlphabet + `]{6}\b`)

// cancelFromText cancels the booking whose code the text gives, or lists the
// bookings to choose from.
func (b *Bot) cancelFromText(s *session, text string) error {
	if code := codeInText.FindString(strings.ToUpper(text)); code != "" {
		return b.cancelAsk(s, code)
	}
	return b.myBookings(s, "")
}

// cancelCommand is /annulla [code].
func (b *Bot) cancelCommand(s *session, args string) error {
	if args != "" {
		return b.cancelAsk(s, registry.NormalizeCode(args))
	}
	return b.myBookings(s, "")
}

// cancelAsk asks to confirm a cancellation.
func (b *Bot) cancelAsk(s *session, code string) error {
	bk, err := b.db.Booking(s.ctx, registry.NormalizeCode(code))
	if errors.Is(err, registry.ErrNotFound) || (err == nil && bk.UserID != s.user.ID) {
		s.say(s.T("cancel.not_found", "Code", code))
		return nil
	}
	if err != nil {
		return err
	}
	if bk.Status == registry.Cancelled {
		s.say(s.T("cancel.already", "Code", bk.Code))
		return nil
	}
	sp, err := b.db.Space(s.ctx, bk.SpaceID)
	if err != nil {
		return err
	}
	s.reply(Reply{Text: s.T("cancel.confirm", "What", locales.HTML(b.bookingText(s, &sp, bk)), "Code", bk.Code),
		Buttons: [][]Button{{{Label: s.T("cancel.yes"), Data: "xy:" + bk.Code}, {Label: s.T("cancel.no"), Data: "n:"}}}})
	return nil
}

// cancelDo cancels a booking and offers the freed place to the first in line.
func (b *Bot) cancelDo(s *session, code string) error {
	bk, offers, err := b.db.Cancel(s.ctx, s.user.ID, code)
	switch {
	case errors.Is(err, registry.ErrNotFound):
		s.say(s.T("cancel.not_found", "Code", code))
		return nil
	case errors.Is(err, registry.ErrConflict), errors.Is(err, registry.ErrInvalid):
		s.say(s.T("cancel.too_late", "Code", code))
		return nil
	case err != nil:
		return err
	}
	s.resp.Notice = s.T("cancel.done_notice")
	s.reply(Reply{Text: s.T("cancel.done", "Code", bk.Code), Edit: true})
	s.resp.Others = append(s.resp.Others, b.offerMessages(s, offers)...)
	return nil
}
