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

// waitlist answers w:join:<token> (put me in line for the full slot of the draft),
// w:leave:<entry> (leave the line), w:ok:<offer> (take the place offered)
// and w:no:<offer> (pass it on).
func (b *Bot) waitlist(s *session, arg string) error {
	step, val, _ := strings.Cut(arg, ":")
	switch step {
	case "join":
		d := s.draftFor(val)
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
	case "leave":
		id, err := strconv.ParseInt(val, 10, 64)
		if err != nil {
			s.resp.Notice = s.T("error.old_button")
			return nil
		}
		offers, err := b.db.LeaveWaitlist(s.ctx, s.user.ID, id)
		if err != nil && !errors.Is(err, registry.ErrNotFound) {
			return err
		}
		s.reply(Reply{Text: s.T("wait.left"), Edit: true})
		s.resp.Others = append(s.resp.Others, b.offerMessages(s, offers)...)
		return nil
	case "ok", "no":
		id, err := strconv.ParseInt(val, 10, 64)
		if err != nil {
			s.resp.Notice = s.T("error.old_button")
			return nil
		}
		if step == "no" {
			offers, err := b.db.DeclineOffer(s.ctx, s.user.ID, id)
			if err != nil && !errors.Is(err, registry.ErrNotFound) && !errors.Is(err, registry.ErrClosed) {
				return err
			}
			s.reply(Reply{Text: s.T("wait.declined"), Edit: true})
			s.resp.Others = append(s.resp.Others, b.offerMessages(s, offers)...)
			return nil
		}
		bk, err := b.db.AcceptOffer(s.ctx, s.user.ID, id)
		var refusal *registry.Refusal
		if errors.As(err, &refusal) || errors.Is(err, registry.ErrNotFound) {
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
		return nil
	}
	s.resp.Notice = s.T("error.old_button")
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
		Buttons: [][]Button{{{Label: os.T("wait.accept"), Data: "w:ok:" + id}, {Label: os.T("wait.decline"), Data: "w:no:" + id}}},
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
// reminders of tomorrow's bookings, and waitlist offers that expired and
// move on to the next in line. deliver sends one message; a reminder is
// marked sent only once delivered, so a failed one is tried again at the
// next tick. (An offer is stored whatever happens: it also shows in the
// person's /prenotazioni.)
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
			Buttons: [][]Button{{{Label: s.T("bookings.cancel", "Code", bk.Code), Data: "x:" + bk.Code}}},
		}}
		if err := deliver(ctx, msg); err != nil {
			if !errors.Is(err, errNotHere) {
				b.log.Warn("reminder not delivered, trying again later", "user", bk.UserID, "booking", bk.Code, "err", err)
			}
			continue
		}
		if err := b.db.MarkReminded(ctx, bk.ID); err != nil {
			return err
		}
	}
	if err := b.db.PruneHandled(ctx, now.AddDate(0, 0, -7)); err != nil {
		return err
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
		if err != nil && !errors.Is(err, errNotHere) {
			b.log.Warn("offer not delivered", "offer", o.ID, "err", err)
		}
	}
	return nil
}

// TickEvery is how often the front ends call Tick.
const TickEvery = time.Minute
