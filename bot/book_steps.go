package bot

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/comune-seregno/coworkbot/locales"
	"github.com/comune-seregno/coworkbot/registry"
)

// The steps of the booking flow, each a kind of button (see routes.go),
// the confirmation and what to offer when a booking is refused.

// stepHandler is one step of the booking flow, for the current draft of its
// space; val is the button's value after the token, "" for none.
type stepHandler func(b *Bot, s *session, d *draft, sp *registry.Space, val string) error

// bookStep makes a button handler of a step: the token must name the
// current draft (an older message's button is refused), a confirmed draft
// takes no more changes, and the space must still be listed. A step that
// changes the draft moves its revision and asks what comes next.
func bookStep(h stepHandler) buttonHandler {
	return func(b *Bot, s *session, args []string) error {
		d := s.draftFor(args[0])
		if d == nil {
			return nil
		}
		val := ""
		if len(args) > 1 {
			val = args[1]
		}
		if d.Done != "" && s.in.Callback != step(s, kBookConfirm) {
			s.resp.Notice = s.T("book.already_done", "Code", d.Done)
			return nil
		}
		s.st.Await = nil
		sp, err := b.db.Space(s.ctx, d.Space)
		if err != nil || sp.Status != registry.Approved {
			s.say(s.T("details.gone"))
			return nil
		}
		return h(b, s, d, &sp, val)
	}
}

// next moves the draft to its next revision and asks for what it lacks.
func (b *Bot) next(s *session, sp *registry.Space) error {
	s.st.Draft.Rev++
	return b.bookNext(s, sp, true)
}

func (b *Bot) bookDay(s *session, d *draft, sp *registry.Space, day string) error {
	d.Day = day
	return b.next(s, sp)
}

func (b *Bot) bookSlot(s *session, d *draft, sp *registry.Space, slot string) error {
	switch registry.Slot(slot) {
	case registry.Morning, registry.Afternoon, registry.FullDay:
	default:
		s.resp.Notice = s.T("error.old_button")
		return nil
	}
	d.Slot, d.Room, d.From, d.To = slot, "", 0, 0
	return b.next(s, sp)
}

func (b *Bot) bookRoom(s *session, d *draft, sp *registry.Space, room string) error {
	if _, ok := sp.Room(room); !ok {
		s.resp.Notice = s.T("error.old_button")
		return nil
	}
	d.Room, d.Slot, d.From, d.To, d.Desks = room, "", 0, 0, 0
	return b.next(s, sp)
}

func (b *Bot) bookHour(s *session, d *draft, sp *registry.Space, val string) error {
	h := atoi(val)
	if h < 0 || h > 23 || d.Room == "" {
		s.resp.Notice = s.T("error.old_button")
		return nil
	}
	d.From, d.To = h*60, h*60
	d.Rev++
	return b.askRoomLength(s, sp)
}

func (b *Bot) bookLength(s *session, d *draft, sp *registry.Space, val string) error {
	n := atoi(val)
	if n < 1 || n > 12 || d.From+n*60 > 24*60 || d.Room == "" {
		s.resp.Notice = s.T("error.old_button")
		return nil
	}
	d.To = d.From + n*60
	return b.next(s, sp)
}

func (b *Bot) bookDesks(s *session, d *draft, sp *registry.Space, val string) error {
	n := atoi(val)
	if n < 1 {
		s.resp.Notice = s.T("error.old_button")
		return nil
	}
	d.Desks = n
	return b.next(s, sp)
}

func (b *Bot) bookChange(s *session, d *draft, sp *registry.Space, what string) error {
	switch what {
	case changeDay:
		d.Day = ""
	case changeSlot:
		d.Slot, d.Room, d.From, d.To = "", "", 0, 0
	case changeDesks:
		d.Desks = 0
	default:
		s.resp.Notice = s.T("error.old_button")
		return nil
	}
	return b.next(s, sp)
}

func (b *Bot) bookAlt(s *session, d *draft, _ *registry.Space, space string) error {
	sp, err := b.db.Space(s.ctx, space)
	if err != nil || sp.Status != registry.Approved {
		s.say(s.T("details.gone"))
		return nil
	}
	d.Space, d.Room, d.Done = sp.ID, "", ""
	return b.next(s, &sp)
}

// bookAbandon drops the draft.
func (b *Bot) bookAbandon(s *session, args []string) error {
	if s.draftFor(args[0]) == nil {
		return nil
	}
	s.st.Draft, s.st.Await = nil, nil
	s.reply(Reply{Text: s.T("book.abandoned"), Edit: true})
	return nil
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
	var lengths []Button
	for n := 1; n <= 4 && d.From+n*60 <= end; n++ {
		lengths = append(lengths, stepButton(s, s.l.N("book.hours", n), kBookLength, strconv.Itoa(n)))
	}
	s.reply(Reply{Text: s.T("book.ask_room_length", "From", clock(s.st.Draft.From)),
		Buttons: rows(lengths, abandonRow(s)), Edit: true})
	return nil
}

// bookConfirm books the draft. Pressed twice, it books once: the draft's
// key makes the registry return the same booking.
func (b *Bot) bookConfirm(s *session, d *draft, sp *registry.Space, _ string) error {
	bk, err := b.db.Book(s.ctx, d.request(s.user.ID))
	var refusal *registry.Refusal
	if errors.As(err, &refusal) {
		return b.bookRefused(s, sp, refusal)
	}
	if err != nil {
		return err
	}
	if d.Done == "" { // not a second press of Confirm
		b.tellProviders(s, sp, bk, "notify.booked")
	}
	d.Done = bk.Code
	s.resp.Notice = s.T("book.done_notice")
	s.reply(Reply{Text: s.T("book.done", "Code", bk.Code, "What", locales.HTML(b.bookingText(s, sp, bk))), Edit: true,
		Buttons: [][]Button{{b.bookingsButton(s)}}})
	s.reply(Reply{Venue: &Venue{Point: sp.Location, Title: sp.Name, Address: sp.Address + ", " + sp.Comune}})
	return nil
}

// bookingText writes a stored booking in one line.
func (b *Bot) bookingText(s *session, sp *registry.Space, bk registry.Booking) string {
	return b.lineText(s, sp, bk.RoomID, bk.Day, bk.Slot, bk.From, bk.To, bk.Desks)
}

// bookRefused says why a booking cannot be made and offers a way forward.
func (b *Bot) bookRefused(s *session, sp *registry.Space, r *registry.Refusal) error {
	d := s.st.Draft
	var ways []Button
	text := refusalText(s, sp, r)
	switch r.Reason {
	case registry.ReasonFull, registry.ReasonRoomTaken:
		alt, err := b.db.Alternatives(s.ctx, d.request(s.user.ID))
		if err != nil {
			return err
		}
		for _, c := range alt.Slots {
			if c.RoomID != "" {
				ways = append(ways, stepButton(s, fmt.Sprintf("🕘 %s–%s", clock(c.From), clock(c.To)), kBookHour, strconv.Itoa(c.From/60)))
				continue
			}
			ways = append(ways, stepButton(s, s.T("slot."+string(c.Slot), "From", clock(c.From), "To", clock(c.To)), kBookSlot, string(c.Slot)))
		}
		for _, c := range alt.Nearby {
			ways = append(ways, stepButton(s, s.T("book.alt_space", "Name", c.Name, "Distance", distance(s.l, c.Distance)), kBookAlt, c.SpaceID))
		}
		if r.Reason == registry.ReasonFull {
			if r.Left > 0 {
				ways = append(ways, stepButton(s, s.l.N("book.fewer", r.Left), kBookDesks, strconv.Itoa(r.Left)))
			}
			ways = append(ways, stepButton(s, s.T("wait.join"), kWaitJoin))
		}
	case registry.ReasonPast, registry.ReasonTooFar, registry.ReasonClosedDay, registry.ReasonHoliday, registry.ReasonClosure:
		d.Day = ""
		ways = append(ways, stepButton(s, s.T("book.change_day"), kBookChange, changeDay))
	case registry.ReasonOutsideHours, registry.ReasonNoSlot, registry.ReasonBadHours:
		if d.Room != "" {
			ways = append(ways, stepButton(s, s.T("book.change_slot"), kBookRoom, d.Room))
		} else {
			ways = append(ways, stepButton(s, s.T("book.change_slot"), kBookChange, changeSlot))
		}
	case registry.ReasonQuantity:
		ways = append(ways, stepButton(s, s.T("book.change_desks"), kBookChange, changeDesks))
	case registry.ReasonLimit:
		ways = append(ways, b.bookingsButton(s))
	}
	s.reply(Reply{Text: text, Buttons: append(chunk(ways, 1), abandonRow(s))})
	return nil
}
