package registry

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// EventWaitEntry is a person waiting for seats at a full meeting.
type EventWaitEntry struct {
	ID      int64
	UserID  int64
	EventID int64
	People  int
	Status  WaitStatus // Booked once an offer was accepted
	Created time.Time
	Event   Event // the meeting, as it was read with the entry
}

// EventOffer is seats freed at a meeting for the first in line whose people
// fit: held for them, and for nobody else, until Expires.
type EventOffer struct {
	ID       int64
	Entry    EventWaitEntry
	Status   OfferStatus
	Created  time.Time
	Expires  time.Time // EventRules.OfferFor after Created, never past the meeting's start
	SignupID int64     // once accepted
}

// JoinEventWaitlist puts a person in line for a full meeting. The request
// must pass every rule of SignUp but seats (a *SignupRefusal otherwise); a
// meeting with room for them gives ErrConflict (sign up instead). Joining
// twice returns the entry already in line.
func (d *DB) JoinEventWaitlist(ctx context.Context, userID, eventID int64, people int) (EventWaitEntry, error) {
	now := d.now()
	var w EventWaitEntry
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		f, err := d.signupFacts(ctx, tx, eventID, userID, "", now)
		if err != nil {
			return err
		}
		if err := d.signupRules(f, people, now); err != nil {
			return err
		}
		e := f.event
		w, err = d.entryOfEvent(ctx, tx, now, `w.event_id = ? AND w.user_id = ? AND w.status IN ('waiting', 'offered')`, eventID, userID)
		if err == nil || !isNotFound(err) {
			return err
		}
		if !e.Limited() || e.Left >= people {
			return fmt.Errorf("%d seats left at event %d, sign up: %w", e.Left, eventID, ErrConflict)
		}
		r, err := tx.ExecContext(ctx, `INSERT INTO event_waitlist (event_id, user_id, people, status, created_at) VALUES (?, ?, ?, 'waiting', ?)`,
			eventID, userID, people, now.Unix())
		if err != nil {
			return err
		}
		id, err := r.LastInsertId()
		if err != nil {
			return err
		}
		w, err = d.entryOfEvent(ctx, tx, now, `w.id = ?`, id)
		return err
	})
	return w, err
}

// LeaveEventWaitlist takes a person out of line. An offer they held goes to
// the next in line: the offers made are returned.
func (d *DB) LeaveEventWaitlist(ctx context.Context, userID, entryID int64) ([]EventOffer, error) {
	now := d.now()
	var offers []EventOffer
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		offers = nil
		w, err := d.entryOfEvent(ctx, tx, now, `w.id = ?`, entryID)
		if err != nil {
			return err
		}
		freed, err := leave(ctx, tx, lineOfEvents, entryID, w.UserID, userID, w.Status)
		if freed && err == nil {
			offers, err = d.offerNextEvent(ctx, tx, w.EventID, now)
		}
		return err
	})
	return offers, err
}

// EventWaitlist returns a person's entries still in line or holding an
// offer, soonest meeting first.
func (d *DB) EventWaitlist(ctx context.Context, userID int64) ([]EventWaitEntry, error) {
	return d.entriesOfEvents(ctx, d.db, d.now(), `w.user_id = ? AND w.status IN ('waiting', 'offered')
		ORDER BY e.day, e.start_min, w.id`, userID)
}

// AcceptEventOffer signs up for what an open offer holds, as an ordinary
// sign-up (every rule checked again, the offer's seats counted as theirs)
// in the same transaction that closes the offer. Accepting twice returns
// the same sign-up; an expired or declined offer is refused with
// SignupOfferExpired.
func (d *DB) AcceptEventOffer(ctx context.Context, userID, offerID int64) (Signup, error) {
	now := d.now()
	var s Signup
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		o, err := d.eventOfferWhere(ctx, tx, now, `o.id = ?`, offerID)
		if err != nil {
			return err
		}
		if o.Entry.UserID != userID {
			return fmt.Errorf("offer %d is not theirs: %w", offerID, ErrForbidden)
		}
		switch {
		case o.Status == OfferAccepted:
			s, err = d.signupWhere(ctx, tx, now, `s.id = ?`, o.SignupID)
			return err
		case o.Status != OfferOpen || !now.Before(o.Expires):
			return &SignupRefusal{Reason: SignupOfferExpired, EventID: o.Entry.EventID}
		}
		made, err := d.signUpTx(ctx, tx, SignupRequest{Key: offerKey(o.ID), UserID: userID, EventID: o.Entry.EventID,
			People: o.Entry.People}, now, o.Entry.People)
		if err != nil {
			return err
		}
		s = made[0]
		if _, err := tx.ExecContext(ctx, `UPDATE event_offers SET status = 'accepted', signup_id = ? WHERE id = ?`, s.ID, o.ID); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE event_waitlist SET status = 'booked' WHERE id = ?`, o.Entry.ID)
		return err
	})
	return s, err
}

// DeclineEventOffer gives an open offer up; the seats go to the next in
// line, and the offers made are returned. Declining twice is not an error.
func (d *DB) DeclineEventOffer(ctx context.Context, userID, offerID int64) ([]EventOffer, error) {
	now := d.now()
	var offers []EventOffer
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		offers = nil
		o, err := d.eventOfferWhere(ctx, tx, now, `o.id = ?`, offerID)
		if err != nil {
			return err
		}
		if open, err := decline(ctx, tx, lineOfEvents, o.ID, o.Entry.ID, o.Entry.UserID, userID, o.Status); !open || err != nil {
			return err
		}
		offers, err = d.offerNextEvent(ctx, tx, o.Entry.EventID, now)
		return err
	})
	return offers, err
}

// ExpireEventOffers closes the offers whose time is up, takes out of line
// those whose meeting has begun, and offers the seats so freed to the next
// in line. The bot's ticker calls it, as it calls ExpireOffers, and sends
// the offers returned.
func (d *DB) ExpireEventOffers(ctx context.Context) ([]EventOffer, error) {
	now := d.now()
	var offers []EventOffer
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		offers = nil
		rows, err := tx.QueryContext(ctx, `SELECT o.id, w.id, w.event_id FROM event_offers o JOIN event_waitlist w ON w.id = o.entry_id
			WHERE o.status = 'open' AND o.expires_at <= ? ORDER BY w.event_id, o.id`, now.Unix())
		if err != nil {
			return err
		}
		var offerIDs, entryIDs, events []int64
		for rows.Next() {
			var oid, wid, eid int64
			if err := rows.Scan(&oid, &wid, &eid); err != nil {
				rows.Close()
				return err
			}
			offerIDs, entryIDs = append(offerIDs, oid), append(entryIDs, wid)
			if len(events) == 0 || events[len(events)-1] != eid {
				events = append(events, eid)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for i := range offerIDs {
			if _, err := tx.ExecContext(ctx, `UPDATE event_offers SET status = 'expired' WHERE id = ?`, offerIDs[i]); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE event_waitlist SET status = 'expired' WHERE id = ?`, entryIDs[i]); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE event_waitlist SET status = 'expired' WHERE status = 'waiting'
			AND event_id IN (SELECT id FROM events WHERE day < ? OR (day = ? AND start_min <= ?))`,
			dayKey(now), dayKey(now), minuteOf(now)); err != nil {
			return err
		}
		for _, id := range events {
			more, err := d.offerNextEvent(ctx, tx, id, now)
			if err != nil {
				return err
			}
			offers = append(offers, more...)
		}
		return nil
	})
	return offers, err
}

// OpenEventOffer returns the open offer made to userID for their waitlist
// entry, ErrNotFound when there is none (or it expired).
func (d *DB) OpenEventOffer(ctx context.Context, userID, entryID int64) (EventOffer, error) {
	now := d.now()
	return d.eventOfferWhere(ctx, d.db, now, `w.id = ? AND w.user_id = ? AND o.status = 'open' AND o.expires_at > ?`,
		entryID, userID, now.Unix())
}

// offerNextEvent offers the seats free at a meeting to those waiting, in
// line order: each one whose people fit now gets an offer, which holds its
// seats, so nobody is offered seats already offered to someone else.
// Nothing is offered at a meeting that has begun or is cancelled, or in a
// space that is not approved.
func (d *DB) offerNextEvent(ctx context.Context, tx *sql.Tx, eventID int64, now time.Time) ([]EventOffer, error) {
	offers := []EventOffer{}
	e, err := d.eventWhere(ctx, tx, now, `e.id = ?`, eventID)
	if err != nil {
		return nil, err
	}
	var status Status
	if err := tx.QueryRowContext(ctx, `SELECT status FROM spaces WHERE id = ?`, e.SpaceID).Scan(&status); err != nil {
		return nil, err
	}
	start := e.Start()
	if e.Status != EventPublished || status != Approved || !now.Before(start) {
		return offers, nil
	}
	line, err := d.entriesOfEvents(ctx, tx, now, `w.event_id = ? AND w.status = 'waiting' ORDER BY w.id`, eventID)
	if err != nil {
		return nil, err
	}
	left := e.Left
	for _, w := range line {
		if e.Limited() && w.People > left {
			continue
		}
		id, expires, err := makeOffer(ctx, tx, lineOfEvents, w.ID, now, d.EventRules.offerFor(), start)
		if err != nil {
			return nil, err
		}
		left -= w.People
		w.Status = Offered
		offers = append(offers, EventOffer{ID: id, Entry: w, Status: OfferOpen, Created: now.Truncate(time.Second), Expires: expires})
	}
	if len(offers) > 0 { // the entries' meeting, with the seats now held
		if e, err = d.eventWhere(ctx, tx, now, `e.id = ?`, eventID); err != nil {
			return nil, err
		}
		for i := range offers {
			offers[i].Entry.Event = e
		}
	}
	return offers, nil
}

// closeEventLine takes everyone out of a meeting's line (its event was
// cancelled) and returns the entries as they were.
func (d *DB) closeEventLine(ctx context.Context, tx *sql.Tx, now time.Time, eventID int64) ([]EventWaitEntry, error) {
	line, err := d.entriesOfEvents(ctx, tx, now, `w.event_id = ? AND w.status IN ('waiting', 'offered') ORDER BY w.id`, eventID)
	if err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE event_offers SET status = 'expired' WHERE status = 'open'
		AND entry_id IN (SELECT id FROM event_waitlist WHERE event_id = ?)`, eventID); err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE event_waitlist SET status = 'expired' WHERE event_id = ? AND status IN ('waiting', 'offered')`, eventID); err != nil {
		return nil, err
	}
	return line, nil
}

// entrySelect reads waitlist entries with their meetings; its first
// parameter is now.
var entrySelect = `SELECT w.id, w.user_id, w.event_id, w.people, w.status, w.created_at, ` +
	strings.TrimPrefix(eventSelect, "SELECT ") + ` FROM event_waitlist w JOIN events e ON e.id = w.event_id`

func (d *DB) scanEventEntry(r scanner, extra ...any) (EventWaitEntry, error) {
	var w EventWaitEntry
	var created int64
	e, err := d.scanEvent(rowAfter{r, []any{&w.ID, &w.UserID, &w.EventID, &w.People, &w.Status, &created}}, extra...)
	if err != nil {
		return EventWaitEntry{}, err
	}
	w.Event, w.Created = e, time.Unix(created, 0).In(Rome)
	return w, nil
}

func (d *DB) entryOfEvent(ctx context.Context, q queryer, now time.Time, where string, args ...any) (EventWaitEntry, error) {
	w, err := d.scanEventEntry(q.QueryRowContext(ctx, entrySelect+` WHERE `+where, append([]any{now.Unix()}, args...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return EventWaitEntry{}, fmt.Errorf("event waitlist entry %v: %w", args, ErrNotFound)
	}
	return w, err
}

func (d *DB) entriesOfEvents(ctx context.Context, q queryer, now time.Time, where string, args ...any) ([]EventWaitEntry, error) {
	return queryAll(ctx, q, entrySelect+` WHERE `+where, append([]any{now.Unix()}, args...), d.scanEventEntry)
}

func (d *DB) eventOfferWhere(ctx context.Context, q queryer, now time.Time, where string, args ...any) (EventOffer, error) {
	var o EventOffer
	var created, expires int64
	var signup sql.NullInt64
	query := `SELECT o.id, o.status, o.created_at, o.expires_at, o.signup_id, ` + strings.TrimPrefix(entrySelect, "SELECT ") +
		` JOIN event_offers o ON o.entry_id = w.id WHERE ` + where
	w, err := d.scanEventEntry(rowAfter{q.QueryRowContext(ctx, query, append([]any{now.Unix()}, args...)...),
		[]any{&o.ID, &o.Status, &created, &expires, &signup}})
	if errors.Is(err, sql.ErrNoRows) {
		return EventOffer{}, fmt.Errorf("event offer %v: %w", args, ErrNotFound)
	}
	if err != nil {
		return EventOffer{}, err
	}
	o.Entry = w
	o.Created, o.Expires = time.Unix(created, 0).In(Rome), time.Unix(expires, 0).In(Rome)
	o.SignupID = signup.Int64
	return o, nil
}
