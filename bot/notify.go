package bot

import (
	"context"
	"strconv"

	"github.com/comune-seregno/coworkbot/locales"
	"github.com/comune-seregno/coworkbot/registry"
)

// Messages to people other than the one acting: providers told of their
// bookings, citizens told that a closure or a suspension cancelled theirs,
// staff told of what waits for them, applicants and providers told of the
// staff's decisions. Each is written in its reader's language; the edges
// deliver them (Telegram at once, the console through the mailbox).

// tell writes a message for another person, in their language.
func (b *Bot) tell(ctx context.Context, userID int64, write func(o *session) Reply) (Outgoing, error) {
	o, err := b.sessionFor(ctx, userID)
	if err != nil {
		return Outgoing{}, err
	}
	return Outgoing{UserID: userID, Reply: write(o)}, nil
}

// tellAll adds a message for each person to the response, logging those
// that cannot be written.
func (b *Bot) tellAll(s *session, ids []int64, write func(o *session) Reply) {
	for _, id := range ids {
		if id == s.user.ID {
			continue
		}
		msg, err := b.tell(s.ctx, id, write)
		if err != nil {
			b.log.Error("notification", "user", id, "err", err)
			continue
		}
		s.resp.Others = append(s.resp.Others, msg)
	}
}

// tellProviders tells a space's providers (those who did not mute it) of a
// booking made or cancelled: key is "notify.booked" or "notify.cancelled".
func (b *Bot) tellProviders(s *session, sp *registry.Space, bk registry.Booking, key string) {
	ids, err := b.db.Notified(s.ctx, sp.ID)
	if err != nil {
		b.log.Error("providers to notify", "space", sp.ID, "err", err)
		return
	}
	first := s.user.FirstName
	b.tellAll(s, ids, func(o *session) Reply {
		name := first
		if name == "" {
			name = o.T("notify.someone")
		}
		return Reply{Text: o.T(key, "What", locales.HTML(b.bookingText(o, sp, bk)), "Code", bk.Code, "Who", name),
			Buttons: [][]Button{{button(o.T("notify.mute"), kMineMute, sp.ID)}}}
	})
}

// tellCancelled tells each person whose booking a closure or a suspension
// cancelled, with an apology and a way forward: another day there (when the
// space stays listed) or a space nearby with room.
func (b *Bot) tellCancelled(s *session, sp *registry.Space, bks []registry.Booking, why, note string) {
	for _, bk := range bks {
		msg, err := b.tell(s.ctx, bk.UserID, func(o *session) Reply {
			key := "notify.cancelled_by_suspension"
			if why == "closure" {
				key = "notify.cancelled_by_closure"
			}
			because := ""
			if note != "" {
				because = " (" + note + ")"
			}
			text := o.T(key, "Name", sp.Name, "What", locales.HTML(b.bookingText(o, sp, bk)), "Code", bk.Code, "Why", because)
			var ways []Button
			if why == "closure" {
				ways = append(ways, button(o.T("notify.another_day"), kBook, sp.ID))
			}
			if bk.RoomID == "" {
				alt, err := b.db.Alternatives(s.ctx, registry.BookingRequest{UserID: bk.UserID, SpaceID: sp.ID, Day: bk.Day,
					Slot: registry.Hours, From: bk.From, To: bk.To, Desks: bk.Desks})
				if err == nil {
					for _, c := range alt.Nearby {
						ways = append(ways, button(o.T("book.alt_space", "Name", c.Name, "Distance", distance(o.l, c.Distance)), kDetails, c.SpaceID))
					}
				}
			}
			return Reply{Text: text, Buttons: chunk(ways, 1)}
		})
		if err != nil {
			b.log.Error("cancellation notice", "user", bk.UserID, "err", err)
			continue
		}
		s.resp.Others = append(s.resp.Others, msg)
	}
}

// tellStaff tells every staff member of something waiting for them.
func (b *Bot) tellStaff(s *session, write func(o *session) Reply) {
	ids, err := b.db.StaffIDs(s.ctx)
	if err != nil {
		b.log.Error("staff to notify", "err", err)
		return
	}
	b.tellAll(s, ids, write)
}

// idArg writes an id as a button argument.
func idArg(id int64) string { return strconv.FormatInt(id, 10) }
