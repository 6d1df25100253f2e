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
)

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
	signups, err := b.db.Signups(s.ctx, s.user.ID, s.now)
	if err != nil {
		return err
	}
	eventWaits, err := b.db.EventWaitlist(s.ctx, s.user.ID)
	if err != nil {
		return err
	}
	if len(bks) == 0 && len(waits) == 0 && len(signups) == 0 && len(eventWaits) == 0 {
		s.reply(Reply{Text: s.T("bookings.none"), Buttons: b.mainMenu(s)})
		return nil
	}
	if len(bks) > 0 {
		var t strings.Builder
		t.WriteString(s.l.N("bookings.header", len(bks)))
		var cancels []Button
		for i, bk := range bks {
			sp, err := b.db.Space(s.ctx, bk.SpaceID)
			if err != nil {
				return err
			}
			fmt.Fprintf(&t, "\n\n%d. %s\n   %s", i+1, b.bookingText(s, &sp, bk), s.T("bookings.code", "Code", bk.Code))
			cancels = append(cancels, cancelButton(s, bk.Code))
		}
		s.reply(Reply{Text: t.String(), Buttons: chunk(cancels, 1)})
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
			Buttons: [][]Button{{button(s.T("wait.leave"), kWaitLeave, strconv.FormatInt(w.ID, 10))}}})
	}
	if len(signups) > 0 {
		s.reply(b.signupsReply(s, signups))
	}
	for _, w := range eventWaits {
		if o, err := b.db.OpenEventOffer(s.ctx, s.user.ID, w.ID); err == nil {
			s.reply(b.eventOfferReply(s, o))
			continue
		}
		s.say(s.T("events.listed", "Title", w.Event.Title, "When", shortDay(s.l, s.today(), w.Event.Day)+" "+clock(w.Event.From)))
	}
	return nil
}

func (b *Bot) myBookingsFromText(s *session, _ intent.Request) error { return b.myBookings(s, "") }

// cancelButton cancels a booking, after asking.
func cancelButton(s *session, code string) Button {
	return button(s.T("bookings.cancel", "Code", code), kCancelAsk, code)
}

// cancelFromText cancels the booking whose code the words give, or the one
// of the day they name ("cancella la mia prenotazione di venerdì"), or
// lists the bookings to choose from.
func (b *Bot) cancelFromText(s *session, r intent.Request) error {
	if s.st.Draft != nil && s.st.Draft.Done == "" && r.Code == "" && r.When.Date.IsZero() {
		s.st.Draft, s.st.Await = nil, nil // "annulla" while booking drops the booking
		s.say(s.T("book.abandoned"))
		return nil
	}
	if r.Code != "" {
		return b.cancelAsk(s, r.Code)
	}
	if day := r.When.Date; !day.IsZero() {
		bks, err := b.db.Bookings(s.ctx, s.user.ID, s.now)
		if err != nil {
			return err
		}
		var that []registry.Booking
		for _, bk := range bks {
			if bk.Day.Equal(day) {
				that = append(that, bk)
			}
		}
		switch len(that) {
		case 0:
			s.reply(Reply{Text: s.T("cancel.none_that_day", "Day", dateName(s.l, day)), Buttons: [][]Button{{b.bookingsButton(s)}}})
			return nil
		case 1:
			return b.cancelAsk(s, that[0].Code)
		}
		var cancels []Button
		for _, bk := range that {
			cancels = append(cancels, cancelButton(s, bk.Code))
		}
		s.reply(Reply{Text: s.T("cancel.which", "Day", dateName(s.l, day)), Buttons: chunk(cancels, 1)})
		return nil
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

func (b *Bot) cancelButton(s *session, args []string) error { return b.cancelAsk(s, args[0]) }

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
		Buttons: [][]Button{{button(s.T("cancel.yes"), kCancelDo, bk.Code), button(s.T("cancel.no"), kNoop)}}})
	return nil
}

// cancelDo cancels a booking and offers the freed place to the first in line.
func (b *Bot) cancelDo(s *session, args []string) error {
	code := args[0]
	bk, offers, err := b.db.Cancel(s.ctx, s.user.ID, code)
	switch {
	case errors.Is(err, registry.ErrNotFound), errors.Is(err, registry.ErrForbidden):
		// A stale button, or data forged to name someone else's booking: to
		// this person, there is no such booking of theirs.
		b.log.Info("cancel of a booking that is not theirs", "user", s.user.ID, "code", code)
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
	if !bk.Cancelled.Before(s.now.Add(-time.Minute)) { // cancelled now, not before
		if sp, err := b.db.Space(s.ctx, bk.SpaceID); err == nil {
			b.tellProviders(s, &sp, bk, "notify.cancelled")
		}
	}
	s.resp.Others = append(s.resp.Others, b.offerMessages(s, offers)...)
	return nil
}
