package bot

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/comune-seregno/coworkbot/locales"
	"github.com/comune-seregno/coworkbot/registry"
)

// waitJoin puts the user in line for the full slot of their draft.
func (b *Bot) waitJoin(s *session, args []string) error {
	d := s.draftFor(args[0])
	if d == nil {
		return nil
	}
	_, err := b.db.JoinWaitlist(s.ctx, d.request(s.user.ID))
	if errors.Is(err, registry.ErrConflict) { // room again: book it
		sp, err := b.db.Space(s.ctx, d.Space)
		if err != nil {
			return err
		}
		return b.bookSummary(s, &sp, false)
	}
	var refusal *registry.Refusal
	if errors.As(err, &refusal) {
		sp, err := b.db.Space(s.ctx, d.Space)
		if err != nil {
			return err
		}
		return b.bookRefused(s, &sp, refusal)
	}
	if err != nil {
		return err
	}
	s.st.Draft = nil
	s.reply(Reply{Text: s.T("wait.joined"), Edit: true})
	return nil
}

// waitLeave takes the user out of a line.
func (b *Bot) waitLeave(s *session, args []string) error {
	offers, err := b.db.LeaveWaitlist(s.ctx, s.user.ID, int64(atoi(args[0])))
	if err != nil && !errors.Is(err, registry.ErrNotFound) && !errors.Is(err, registry.ErrForbidden) {
		return err
	}
	s.reply(Reply{Text: s.T("wait.left"), Edit: true})
	s.resp.Others = append(s.resp.Others, b.offerMessages(s, offers)...)
	return nil
}

// offerPass passes a place offered on to the next in line.
func (b *Bot) offerPass(s *session, args []string) error {
	offers, err := b.db.DeclineOffer(s.ctx, s.user.ID, int64(atoi(args[0])))
	if err != nil && !errors.Is(err, registry.ErrNotFound) && !errors.Is(err, registry.ErrClosed) && !errors.Is(err, registry.ErrForbidden) {
		return err
	}
	s.reply(Reply{Text: s.T("wait.declined"), Edit: true})
	s.resp.Others = append(s.resp.Others, b.offerMessages(s, offers)...)
	return nil
}

// offerTake books a place offered.
func (b *Bot) offerTake(s *session, args []string) error {
	bk, err := b.db.AcceptOffer(s.ctx, s.user.ID, int64(atoi(args[0])))
	var refusal *registry.Refusal
	if errors.As(err, &refusal) || errors.Is(err, registry.ErrNotFound) || errors.Is(err, registry.ErrForbidden) {
		s.reply(Reply{Text: s.T("wait.expired"), Edit: true})
		return nil
	}
	if err != nil {
		return err
	}
	sp, err := b.db.Space(s.ctx, bk.SpaceID)
	if err != nil {
		return err
	}
	s.reply(Reply{Text: s.T("book.done", "Code", bk.Code, "What", locales.HTML(b.bookingText(s, &sp, bk))), Edit: true})
	b.tellProviders(s, &sp, bk, "notify.booked")
	return nil
}

// offerMessages tells each person offered a freed place, in their language.
func (b *Bot) offerMessages(s *session, offers []registry.Offer) []Outgoing {
	var out []Outgoing
	for _, o := range offers {
		msg, err := b.offerMessage(s.ctx, o)
		if err != nil {
			b.log.Error("offer message", "offer", o.ID, "err", err)
			continue
		}
		out = append(out, msg)
	}
	return out
}

func (b *Bot) offerMessage(ctx context.Context, o registry.Offer) (Outgoing, error) {
	os, err := b.sessionFor(ctx, o.Entry.UserID)
	if err != nil {
		return Outgoing{}, err
	}
	sp, err := b.db.Space(ctx, o.Entry.SpaceID)
	if err != nil {
		return Outgoing{}, err
	}
	bk := registry.Booking{SpaceID: sp.ID, Day: o.Entry.Day, From: o.Entry.From, To: o.Entry.To, Desks: o.Entry.Desks}
	id := strconv.FormatInt(o.ID, 10)
	return Outgoing{UserID: o.Entry.UserID, Reply: Reply{
		Text:    os.T("wait.offer", "What", locales.HTML(b.bookingText(os, &sp, bk)), "Until", clock(o.Expires.Hour()*60+o.Expires.Minute())),
		Buttons: [][]Button{{button(os.T("wait.accept"), kOfferTake, id), button(os.T("wait.decline"), kOfferPass, id)}},
	}}, nil
}

// sessionFor builds a session for a message the bot sends by itself.
func (b *Bot) sessionFor(ctx context.Context, userID int64) (*session, error) {
	u, err := b.db.User(ctx, userID)
	if err != nil {
		return nil, err
	}
	return &session{ctx: ctx, user: u, l: b.texts.For(orDefault(u.Lang, u.ClientLang)), now: b.now().In(registry.Rome)}, nil
}

// reminders turns the evening-before reminders on or off.
func (b *Bot) reminders(s *session, args string) error {
	on, err := b.db.RemindersOn(s.ctx, s.user.ID)
	if err != nil {
		return err
	}
	switch strings.ToLower(args) {
	case "si", "sì", "on", "yes":
		on = true
	case "no", "off":
		on = false
	default:
		on = !on
	}
	if err := b.db.SetReminders(s.ctx, s.user.ID, on); err != nil {
		return err
	}
	if on {
		s.say(s.T("reminders.on"))
	} else {
		s.say(s.T("reminders.off"))
	}
	return nil
}

// Tick does what the bot does by itself, at most once a minute: evening
// reminders of tomorrow's bookings, the purge of what is kept too long
// (privacy.go), and waitlist offers that expired and move on to the next
// in line. deliver sends one message; a reminder is marked sent only once
// delivered, so a failed one is tried again at the next tick. (An offer is
// stored whatever happens: it also shows in the person's /prenotazioni.)
func (b *Bot) Tick(ctx context.Context, deliver func(context.Context, Outgoing) error) error {
	now := b.now().In(registry.Rome)
	due, err := b.db.DueReminders(ctx, now)
	if err != nil {
		return err
	}
	for _, bk := range due {
		s, err := b.sessionFor(ctx, bk.UserID)
		if err != nil {
			return err
		}
		sp, err := b.db.Space(ctx, bk.SpaceID)
		if err != nil {
			return err
		}
		msg := Outgoing{UserID: bk.UserID, Reply: Reply{
			Text:    s.T("reminders.text", "What", locales.HTML(b.bookingText(s, &sp, bk)), "Code", bk.Code),
			Buttons: [][]Button{{cancelButton(s, bk.Code)}},
		}}
		if err := deliver(ctx, msg); err != nil {
			b.log.Warn("reminder not delivered, trying again later", "user", bk.UserID, "booking", bk.Code, "err", err)
			continue
		}
		if err := b.db.MarkReminded(ctx, bk.ID); err != nil {
			return err
		}
	}
	if err := b.db.PruneHandled(ctx, now.AddDate(0, 0, -7)); err != nil {
		return err
	}
	if err := b.purge(ctx); err != nil {
		b.log.Error("purge, trying again at the next tick", "err", err) // the offers still go
	}
	if err := b.eventReminders(ctx, now, deliver); err != nil {
		return err
	}
	eventOffers, err := b.db.ExpireEventOffers(ctx)
	if err != nil {
		return err
	}
	for _, o := range eventOffers {
		msg, err := b.tell(ctx, o.Entry.UserID, func(os *session) Reply { return b.eventOfferReply(os, o) })
		if err == nil {
			err = deliver(ctx, msg)
		}
		if err != nil {
			b.log.Warn("event offer not delivered", "offer", o.ID, "err", err)
		}
	}
	offers, err := b.db.ExpireOffers(ctx)
	if err != nil {
		return err
	}
	for _, o := range offers {
		msg, err := b.offerMessage(ctx, o)
		if err == nil {
			err = deliver(ctx, msg)
		}
		if err != nil {
			b.log.Warn("offer not delivered", "offer", o.ID, "err", err)
		}
	}
	return nil
}

// eventReminders reminds people of the events they signed up for: the
// evening before, or a few hours before an evening one; marked once
// delivered.
func (b *Bot) eventReminders(ctx context.Context, now time.Time, deliver func(context.Context, Outgoing) error) error {
	due, err := b.db.DueEventReminders(ctx, now)
	if err != nil {
		return err
	}
	for _, sg := range due {
		msg, err := b.tell(ctx, sg.UserID, func(o *session) Reply {
			e := sg.Event
			sp, _ := b.db.Space(ctx, e.SpaceID)
			return Reply{Text: o.T("events.reminder", "Title", e.Title, "When", shortDay(o.l, o.today(), e.Day)+" "+clock(e.From),
				"Space", sp.Name, "People", o.l.N("events.people", sg.People)),
				Buttons: [][]Button{{button(o.T("events.open"), kEvent, idArg(e.ID)), button(o.T("events.unsign", "Title", e.Title), kEvUnsign, idArg(sg.ID))}}}
		})
		if err != nil {
			return err
		}
		if err := deliver(ctx, msg); err != nil {
			b.log.Warn("event reminder not delivered, trying again later", "user", sg.UserID, "signup", sg.ID, "err", err)
			continue
		}
		if err := b.db.MarkEventReminded(ctx, sg.ID); err != nil {
			return err
		}
	}
	return nil
}

// TickEvery is how often the front ends call Tick.
const TickEvery = time.Minute
