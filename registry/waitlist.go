package registry

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"time"
)

// WaitStatus is where a waitlist entry stands.
type WaitStatus string

// The statuses of a waitlist entry. Only waiting entries are in line.
const (
	Waiting  WaitStatus = "waiting"
	Offered  WaitStatus = "offered"
	Booked   WaitStatus = "booked"
	Declined WaitStatus = "declined"
	Expired  WaitStatus = "expired"
	Left     WaitStatus = "left"
)

// WaitEntry is a person waiting for desks in a full slot.
type WaitEntry struct {
	ID       int64
	UserID   int64
	SpaceID  string
	Day      time.Time // midnight in Rome
	Slot     Slot
	From, To int
	Desks    int
	Status   WaitStatus
	Created  time.Time
}

// OfferStatus is where an offer stands.
type OfferStatus string

// The statuses of an offer.
const (
	OfferOpen     OfferStatus = "open"
	OfferAccepted OfferStatus = "accepted"
	OfferDeclined OfferStatus = "declined"
	OfferExpired  OfferStatus = "expired"
)

// Offer is a place freed for the one first in line whose request fits. The
// desks are held for them, and for nobody else, until Expires.
type Offer struct {
	ID        int64
	Entry     WaitEntry
	Status    OfferStatus
	Created   time.Time
	Expires   time.Time // BookingRules.OfferFor after Created, never past the slot's start
	BookingID int64     // once accepted
}

// JoinWaitlist puts a person in line for a full slot. The request must pass
// every rule of Book but capacity; a slot that has room gives ErrConflict
// (book it instead). Joining twice returns the entry already in line.
func (d *DB) JoinWaitlist(ctx context.Context, req BookingRequest) (WaitEntry, error) {
	if req.RoomID != "" {
		return WaitEntry{}, fmt.Errorf("waitlist for a room: %w", ErrInvalid)
	}
	idx, err := d.bookingIndex(ctx)
	if err != nil {
		return WaitEntry{}, err
	}
	now := d.now()
	var e WaitEntry
	err = d.inTx(ctx, func(tx *sql.Tx) error {
		f, err := readFacts(ctx, tx, req, now)
		if err != nil {
			return err
		}
		p, err := d.check(ctx, tx, idx, req, now, f)
		if err != nil {
			return err
		}
		e, err = d.entryWhere(ctx, tx, `user_id = ? AND space_id = ? AND day = ? AND start_min = ? AND end_min = ?
			AND status IN ('waiting', 'offered')`, req.UserID, p.space.ID, p.day, p.from, p.to)
		if err == nil || !isNotFound(err) {
			return err
		}
		left, err := leftIn(ctx, tx, &p.space, p.day, p.from, p.to, now, 0)
		if err != nil {
			return err
		}
		if left >= p.desks {
			return fmt.Errorf("%d desks left, book them: %w", left, ErrConflict)
		}
		r, err := tx.ExecContext(ctx, `INSERT INTO waitlist (user_id, space_id, day, slot, start_min, end_min, desks, status, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, 'waiting', ?)`, req.UserID, p.space.ID, p.day, p.slot, p.from, p.to, p.desks, now.Unix())
		if err != nil {
			return err
		}
		id, err := r.LastInsertId()
		if err != nil {
			return err
		}
		e, err = d.entryWhere(ctx, tx, `id = ?`, id)
		return err
	})
	return e, err
}

// LeaveWaitlist takes a person out of line. An offer they held goes to the
// next in line: the offers made are returned.
func (d *DB) LeaveWaitlist(ctx context.Context, userID, entryID int64) ([]Offer, error) {
	now := d.now()
	var offers []Offer
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		offers = nil
		e, err := d.entryWhere(ctx, tx, `id = ?`, entryID)
		if err != nil {
			return err
		}
		freed, err := leave(ctx, tx, lineOfDesks, entryID, e.UserID, userID, e.Status)
		if freed && err == nil {
			offers, err = d.offerNext(ctx, tx, e.SpaceID, dayKey(e.Day), now)
		}
		return err
	})
	return offers, err
}

// Waitlist returns a person's entries still in line or holding an offer.
func (d *DB) Waitlist(ctx context.Context, userID int64) ([]WaitEntry, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT `+entryColumns+` FROM waitlist
		WHERE user_id = ? AND status IN ('waiting', 'offered') ORDER BY day, start_min, id`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []WaitEntry{}
	for rows.Next() {
		e, err := d.scanEntry(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// AcceptOffer books what an open offer holds, as an ordinary booking (every
// rule checked again) in the same transaction that closes the offer.
// Accepting twice returns the same booking; an expired or declined offer is
// refused with ReasonOfferExpired.
func (d *DB) AcceptOffer(ctx context.Context, userID, offerID int64) (Booking, error) {
	idx, err := d.bookingIndex(ctx)
	if err != nil {
		return Booking{}, err
	}
	now := d.now()
	var b Booking
	err = d.inTx(ctx, func(tx *sql.Tx) error {
		o, err := d.offerWhere(ctx, tx, `o.id = ?`, offerID)
		if err != nil {
			return err
		}
		if o.Entry.UserID != userID {
			return fmt.Errorf("offer %d is not theirs: %w", offerID, ErrForbidden)
		}
		switch {
		case o.Status == OfferAccepted:
			b, err = bookingWhere(ctx, tx, d, `id = ?`, o.BookingID)
			return err
		case o.Status != OfferOpen || !now.Before(o.Expires):
			return refuse(ReasonOfferExpired)
		}
		e := o.Entry
		b, _, err = d.bookTx(ctx, tx, idx, BookingRequest{Key: "offer:" + strconv.FormatInt(o.ID, 10), UserID: userID, SpaceID: e.SpaceID,
			Day: e.Day, Slot: Hours, From: e.From, To: e.To, Desks: e.Desks}, now, o.ID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE bookings SET slot = ? WHERE id = ?`, e.Slot, b.ID); err != nil {
			return err
		}
		b.Slot = e.Slot
		if _, err := tx.ExecContext(ctx, `UPDATE offers SET status = 'accepted', booking_id = ? WHERE id = ?`, b.ID, o.ID); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE waitlist SET status = 'booked' WHERE id = ?`, e.ID)
		return err
	})
	return b, err
}

// DeclineOffer gives an open offer up; the place goes to the next in line,
// and the offers made are returned. Declining twice is not an error.
func (d *DB) DeclineOffer(ctx context.Context, userID, offerID int64) ([]Offer, error) {
	now := d.now()
	var offers []Offer
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		offers = nil
		o, err := d.offerWhere(ctx, tx, `o.id = ?`, offerID)
		if err != nil {
			return err
		}
		if open, err := decline(ctx, tx, lineOfDesks, o.ID, o.Entry.ID, o.Entry.UserID, userID, o.Status); !open || err != nil {
			return err
		}
		offers, err = d.offerNext(ctx, tx, o.Entry.SpaceID, dayKey(o.Entry.Day), now)
		return err
	})
	return offers, err
}

// A waiting line's tables: the desks' or an event's.
type lineTables struct{ offers, entries, made string }

var (
	lineOfDesks  = lineTables{"offers", "waitlist", "booking"}
	lineOfEvents = lineTables{"event_offers", "event_waitlist", "sign-up"}
)

// decline marks an offer of someone in line, and their place, declined.
// An offer that is not theirs is refused, one accepted is a conflict (the
// booking or sign-up is to be cancelled instead); one already declined or
// expired changes nothing. open reports whether it was open, and so
// declined now: its places go to the next in line.
func decline(ctx context.Context, tx *sql.Tx, t lineTables, offerID, entryID, owner, userID int64, status OfferStatus) (open bool, err error) {
	if owner != userID {
		return false, fmt.Errorf("offer %d is not theirs: %w", offerID, ErrForbidden)
	}
	switch status {
	case OfferAccepted:
		return false, fmt.Errorf("offer %d already accepted, cancel the %s: %w", offerID, t.made, ErrConflict)
	case OfferDeclined, OfferExpired:
		return false, nil
	}
	if _, err := tx.ExecContext(ctx, `UPDATE `+t.offers+` SET status = 'declined' WHERE id = ?`, offerID); err != nil {
		return false, err
	}
	_, err = tx.ExecContext(ctx, `UPDATE `+t.entries+` SET status = 'declined' WHERE id = ?`, entryID)
	return err == nil, err
}

// leave takes someone's entry out of a line; an entry that is not theirs
// is refused, one no longer in line changes nothing. freed reports that the
// entry held an offer, now declined: its places go to the next in line.
func leave(ctx context.Context, tx *sql.Tx, t lineTables, entryID, owner, userID int64, status WaitStatus) (freed bool, err error) {
	if owner != userID {
		return false, fmt.Errorf("waitlist entry %d is not theirs: %w", entryID, ErrForbidden)
	}
	if status != Waiting && status != Offered {
		return false, nil
	}
	if _, err := tx.ExecContext(ctx, `UPDATE `+t.entries+` SET status = 'left' WHERE id = ?`, entryID); err != nil {
		return false, err
	}
	if status != Offered {
		return false, nil
	}
	_, err = tx.ExecContext(ctx, `UPDATE `+t.offers+` SET status = 'declined' WHERE entry_id = ? AND status = 'open'`, entryID)
	return err == nil, err
}

// makeOffer offers an entry of a line its places for hold, but never past
// start (when what is offered begins), marking the entry offered; it
// returns the offer's id and when it expires, to the second as stored.
func makeOffer(ctx context.Context, tx *sql.Tx, t lineTables, entryID int64, now time.Time, hold time.Duration, start time.Time) (int64, time.Time, error) {
	expires := now.Add(hold)
	if expires.After(start) {
		expires = start
	}
	r, err := tx.ExecContext(ctx, `INSERT INTO `+t.offers+` (entry_id, status, created_at, expires_at) VALUES (?, 'open', ?, ?)`,
		entryID, now.Unix(), expires.Unix())
	if err != nil {
		return 0, time.Time{}, err
	}
	id, err := r.LastInsertId()
	if err != nil {
		return 0, time.Time{}, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE `+t.entries+` SET status = 'offered' WHERE id = ?`, entryID); err != nil {
		return 0, time.Time{}, err
	}
	return id, time.Unix(expires.Unix(), 0).In(Rome), nil
}

// ExpireOffers closes the offers whose time is up, takes out of line those
// whose slot has begun, and offers the places so freed to the next in line.
// The bot's ticker calls it and sends the offers returned.
func (d *DB) ExpireOffers(ctx context.Context) ([]Offer, error) {
	now := d.now()
	var offers []Offer
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		offers = nil
		rows, err := tx.QueryContext(ctx, `SELECT o.id, w.id, w.space_id, w.day FROM offers o JOIN waitlist w ON w.id = o.entry_id
			WHERE o.status = 'open' AND o.expires_at <= ?`, now.Unix())
		if err != nil {
			return err
		}
		type spaceDay struct{ space, day string }
		freed := map[spaceDay]bool{}
		var offerIDs, entryIDs []int64
		for rows.Next() {
			var oid, eid int64
			var sd spaceDay
			if err := rows.Scan(&oid, &eid, &sd.space, &sd.day); err != nil {
				rows.Close()
				return err
			}
			offerIDs, entryIDs = append(offerIDs, oid), append(entryIDs, eid)
			freed[sd] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for i := range offerIDs {
			if _, err := tx.ExecContext(ctx, `UPDATE offers SET status = 'expired' WHERE id = ?`, offerIDs[i]); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE waitlist SET status = 'expired' WHERE id = ?`, entryIDs[i]); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE waitlist SET status = 'expired' WHERE status = 'waiting' AND day < ?`, dayKey(now)); err != nil {
			return err
		}
		keys := make([]spaceDay, 0, len(freed))
		for k := range freed {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool {
			return keys[i].space < keys[j].space || (keys[i].space == keys[j].space && keys[i].day < keys[j].day)
		})
		for _, k := range keys {
			more, err := d.offerNext(ctx, tx, k.space, k.day, now)
			if err != nil {
				return err
			}
			offers = append(offers, more...)
		}
		return nil
	})
	return offers, err
}

// offerNext offers the room free at a space on a day to those waiting, in
// line order: each one whose request fits now gets an offer, which holds its
// desks, so nobody is offered a place already offered to someone else.
// Entries whose slot has begun leave the line.
func (d *DB) offerNext(ctx context.Context, tx *sql.Tx, spaceID, day string, now time.Time) ([]Offer, error) {
	offers := []Offer{}
	s, err := getSpace(ctx, tx, spaceID)
	if err != nil || s.Status != Approved {
		return offers, err
	}
	if closed, err := closedOn(ctx, tx, spaceID, day); err != nil || closed {
		return offers, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+entryColumns+` FROM waitlist WHERE space_id = ? AND day = ? AND status = 'waiting' ORDER BY id`, spaceID, day)
	if err != nil {
		return nil, err
	}
	var line []WaitEntry
	for rows.Next() {
		e, err := d.scanEntry(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		line = append(line, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, e := range line {
		start := wallClock(e.Day, e.From)
		if !now.Before(start) {
			if _, err := tx.ExecContext(ctx, `UPDATE waitlist SET status = 'expired' WHERE id = ?`, e.ID); err != nil {
				return nil, err
			}
			continue
		}
		left, err := leftIn(ctx, tx, &s, day, e.From, e.To, now, 0)
		if err != nil {
			return nil, err
		}
		if left < e.Desks {
			continue
		}
		id, expires, err := makeOffer(ctx, tx, lineOfDesks, e.ID, now, d.Rules.offerFor(), start)
		if err != nil {
			return nil, err
		}
		e.Status = Offered
		offers = append(offers, Offer{ID: id, Entry: e, Status: OfferOpen, Created: now.Truncate(time.Second), Expires: expires})
	}
	return offers, nil
}

const entryColumns = `id, user_id, space_id, day, slot, start_min, end_min, desks, status, created_at`

func (d *DB) scanEntry(r scanner) (WaitEntry, error) {
	var e WaitEntry
	var day string
	var created int64
	if err := r.Scan(&e.ID, &e.UserID, &e.SpaceID, &day, &e.Slot, &e.From, &e.To, &e.Desks, &e.Status, &created); err != nil {
		return WaitEntry{}, err
	}
	var err error
	e.Day, err = d.dayOf(day)
	e.Created = time.Unix(created, 0).In(Rome)
	return e, err
}

func (d *DB) entryWhere(ctx context.Context, q queryer, where string, args ...any) (WaitEntry, error) {
	e, err := d.scanEntry(q.QueryRowContext(ctx, `SELECT `+entryColumns+` FROM waitlist WHERE `+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return WaitEntry{}, fmt.Errorf("waitlist entry %v: %w", args, ErrNotFound)
	}
	return e, err
}

func (d *DB) offerWhere(ctx context.Context, q queryer, where string, args ...any) (Offer, error) {
	var o Offer
	var day string
	var created, entryCreated, expires int64
	var booking sql.NullInt64
	e := &o.Entry
	err := q.QueryRowContext(ctx, `SELECT o.id, o.status, o.created_at, o.expires_at, o.booking_id,
		w.id, w.user_id, w.space_id, w.day, w.slot, w.start_min, w.end_min, w.desks, w.status, w.created_at
		FROM offers o JOIN waitlist w ON w.id = o.entry_id WHERE `+where, args...).Scan(
		&o.ID, &o.Status, &created, &expires, &booking,
		&e.ID, &e.UserID, &e.SpaceID, &day, &e.Slot, &e.From, &e.To, &e.Desks, &e.Status, &entryCreated)
	if errors.Is(err, sql.ErrNoRows) {
		return Offer{}, fmt.Errorf("offer %v: %w", args, ErrNotFound)
	}
	if err != nil {
		return Offer{}, err
	}
	o.Created, o.Expires = time.Unix(created, 0).In(Rome), time.Unix(expires, 0).In(Rome)
	e.Created = time.Unix(entryCreated, 0).In(Rome)
	o.BookingID = booking.Int64
	e.Day, err = d.dayOf(day)
	return o, err
}

// OpenOffer returns the open offer made to userID for their waitlist entry,
// ErrNotFound when there is none (or it expired).
func (d *DB) OpenOffer(ctx context.Context, userID, entryID int64) (Offer, error) {
	return d.offerWhere(ctx, d.db, `w.id = ? AND w.user_id = ? AND o.status = 'open' AND o.expires_at > ?`,
		entryID, userID, d.now().Unix())
}
