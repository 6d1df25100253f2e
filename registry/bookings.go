package registry

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mattn/go-sqlite3"
)

// BookingStatus is where a booking stands. Bookings are never deleted.
type BookingStatus string

// The statuses of a booking.
const (
	Confirmed BookingStatus = "confirmed"
	Cancelled BookingStatus = "cancelled"
)

// BookingRequest asks for desks or, when RoomID is set, for a room.
type BookingRequest struct {
	// Key makes the request idempotent: a second request with the same key
	// returns the booking the first one made. Such as "tg-update:12345" or
	// "confirm:<draft id>".
	Key     string
	UserID  int64
	SpaceID string
	RoomID  string    // a room booking when set
	Day     time.Time // the calendar date of Day, in Day's location
	Slot    Slot      // for desks; rooms always book From-To
	From    int       // minutes since midnight, for Slot Hours and rooms
	To      int       // minutes since midnight, at most 1440
	Desks   int       // for desks; ignored for rooms
}

// Booking is a confirmed or cancelled reservation of desks or of a room.
type Booking struct {
	ID       int64
	Code     string // six characters of CodeAlphabet
	Key      string
	UserID   int64
	SpaceID  string
	RoomID   string    // "" for desks
	Day      time.Time // midnight in Rome
	Slot     Slot      // Hours for rooms
	From, To int       // wall-clock minutes on Day
	Desks    int       // 0 for rooms
	Status   BookingStatus

	Created   time.Time
	Cancelled time.Time // zero unless cancelled
	// CancelledBy says who cancelled: "user" (the person), "closure" (the
	// provider closed the day), "suspension" (the comune suspended the
	// space) or "erasure" (the person asked to be forgotten).
	CancelledBy string
	Reminded    time.Time // zero until the reminder went out
}

// Start is the instant the booking begins.
func (b Booking) Start() time.Time { return wallClock(b.Day, b.From) }

// End is the instant the booking ends.
func (b Booking) End() time.Time { return wallClock(b.Day, b.To) }

// CodeAlphabet holds the characters of booking codes: no 0/O, 1/I/L, 2/Z,
// 5/S, 6/G, 8/B, nothing that is easily misread or misheard.
const CodeAlphabet = "ACDEFGHJKMNPQRTUVWXY3479"

const codeLen = 6

// NormalizeCode turns what a person typed into a code: upper case, with
// spaces and dashes dropped.
func NormalizeCode(s string) string {
	s = strings.ToUpper(s)
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '\t' {
			return -1
		}
		return r
	}, s)
}

func newCode() (string, error) {
	var out [codeLen]byte
	var buf [16]byte
	for n := 0; n < codeLen; {
		if _, err := rand.Read(buf[:]); err != nil {
			return "", err
		}
		for _, b := range buf {
			// 240 is the largest multiple of 24 below 256: no bias.
			if b < 240 && n < codeLen {
				out[n] = CodeAlphabet[int(b)%len(CodeAlphabet)]
				n++
			}
		}
	}
	return string(out[:]), nil
}

// Book books desks or a room, or refuses with a *Refusal. The rules are
// checked and the booking written in one immediate transaction, so two
// requests never both take the last desk. A request whose Key was already
// used returns the booking made then, whatever time it is now. Concurrent
// calls share a transaction (see bookQueued); each returns only once its
// booking is committed.
func (d *DB) Book(ctx context.Context, req BookingRequest) (Booking, error) {
	if strings.TrimSpace(req.Key) == "" {
		return Booking{}, fmt.Errorf("booking without a key: %w", ErrInvalid)
	}
	idx, err := d.bookingIndex(ctx)
	if err != nil {
		return Booking{}, err
	}
	c := &bookCall{ctx: ctx, req: req, idx: idx, now: d.now()}
	d.bookQueued(c)
	if c.stale {
		// The list moved since the index was built: rebuild it now, outside
		// the transaction, so that the next booking takes the fast path. A
		// failure here changes nothing of the answer: the booking is written
		// (or refused) already, and the next call rebuilds.
		d.currentIndex(ctx)
	}
	return c.b, c.err
}

// bookTx is Book inside tx; holder is the offer whose held desks are the
// request's own (0 for none). stale reports that idx was out of date.
//
// It writes one statement at most, the INSERT at its end: a batch of
// bookings relies on that to need no savepoint a call (a refusal or an
// error has written nothing). Keep it so.
func (d *DB) bookTx(ctx context.Context, tx *sql.Tx, idx *spaceIndex, req BookingRequest, now time.Time, holder int64) (b Booking, stale bool, err error) {
	f, err := readFacts(ctx, tx, req, now)
	if err != nil {
		return Booking{}, false, err
	}
	if f.existing.Valid {
		b, err := bookingWhere(ctx, tx, d, `id = ?`, f.existing.Int64)
		if err != nil {
			return Booking{}, false, err
		}
		same := b.UserID == req.UserID && b.SpaceID == req.SpaceID && b.RoomID == req.RoomID && dayKey(b.Day) == dayKey(req.Day)
		if req.RoomID != "" || req.Slot == Hours {
			same = same && b.From == req.From && b.To == req.To
		} else {
			same = same && b.Slot == req.Slot && b.Desks == req.Desks
		}
		if !same {
			return Booking{}, false, fmt.Errorf("key %q already used for another booking: %w", req.Key, ErrConflict)
		}
		return b, false, nil
	}
	stale = idx == nil || f.version != idx.version
	p, err := d.check(ctx, tx, idx, req, now, f)
	if err != nil {
		return Booking{}, stale, err
	}
	if req.RoomID != "" {
		taken, err := roomTaken(ctx, tx, p.space.ID, req.RoomID, p.day, p.from, p.to, 0)
		if err != nil {
			return Booking{}, stale, err
		}
		if taken {
			return Booking{}, stale, refuse(ReasonRoomTaken)
		}
	} else {
		left, err := leftIn(ctx, tx, &p.space, p.day, p.from, p.to, now, holder)
		if err != nil {
			return Booking{}, stale, err
		}
		if left < p.desks {
			return Booking{}, stale, &Refusal{Reason: ReasonFull, Left: max(left, 0)}
		}
	}
	b = Booking{Key: req.Key, UserID: req.UserID, SpaceID: p.space.ID, RoomID: req.RoomID, Slot: p.slot,
		From: p.from, To: p.to, Desks: p.desks, Status: Confirmed, Created: now.Truncate(time.Second)}
	if b.Day, err = d.dayOf(p.day); err != nil {
		return Booking{}, stale, err
	}
	for attempt := 0; ; attempt++ {
		if b.Code, err = newCode(); err != nil {
			return Booking{}, stale, err
		}
		r, err := tx.ExecContext(ctx, `INSERT INTO bookings (code, key, user_id, space_id, room_id, day, slot, start_min, end_min, desks, status, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'confirmed', ?)`,
			b.Code, b.Key, b.UserID, b.SpaceID, b.RoomID, p.day, b.Slot, b.From, b.To, b.Desks, now.Unix())
		var se sqlite3.Error
		if errors.As(err, &se) && se.ExtendedCode == sqlite3.ErrConstraintUnique && attempt < 8 {
			continue // the code was taken (the key was checked above): draw another
		}
		if err != nil {
			return Booking{}, stale, err
		}
		b.ID, err = r.LastInsertId()
		return b, stale, err
	}
}

// facts are what the rules need from the database, read in one query
// (each statement costs a prepare, and a booking is mostly statements).
type facts struct {
	version  int64          // spaces_version, to trust the index
	existing sql.NullInt64  // the booking already made with the key
	closure  sql.NullString // a closure covering the day: its last day, then its note
	active   int            // the person's upcoming confirmed bookings
}

func readFacts(ctx context.Context, tx *sql.Tx, req BookingRequest, now time.Time) (facts, error) {
	var f facts
	day, today, minute := dayKey(req.Day), dayKey(now), minuteOf(now)
	// Any closure covering the day will do here: with ORDER BY the query
	// costs ten times as much, and closures are rare.
	err := tx.QueryRowContext(ctx, `SELECT
		(SELECT value FROM meta WHERE key = 'spaces_version'),
		(SELECT id FROM bookings WHERE key = ?),
		(SELECT last_day || note FROM closures WHERE space_id = ?2 AND first_day <= ?3 AND last_day >= ?3 LIMIT 1),
		(SELECT count(*) FROM bookings WHERE user_id = ?4 AND status = 'confirmed' AND (day > ?5 OR (day = ?5 AND end_min > ?6)))`,
		req.Key, req.SpaceID, day, req.UserID, today, minute).Scan(&f.version, &f.existing, &f.closure, &f.active)
	if err != nil || !f.closure.Valid {
		return f, err
	}
	// The day is closed: tell the closure that lasts longest.
	f.closure, err = longestClosure(ctx, tx, req.SpaceID, day)
	return f, err
}

// Cancel cancels the booking with the given code for the person who made
// it. Cancelling twice is not an error. It returns the waitlist offers the
// freed desks made, for the chat to send.
func (d *DB) Cancel(ctx context.Context, userID int64, code string) (Booking, []Offer, error) {
	return d.cancel(ctx, userID, `code = ?`, NormalizeCode(code))
}

// CancelByID is Cancel by the booking's id.
func (d *DB) CancelByID(ctx context.Context, userID, id int64) (Booking, []Offer, error) {
	return d.cancel(ctx, userID, `id = ?`, id)
}

func (d *DB) cancel(ctx context.Context, userID int64, where string, arg any) (Booking, []Offer, error) {
	now := d.now()
	var b Booking
	var offers []Offer
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		offers = nil
		if b, err = bookingWhere(ctx, tx, d, where, arg); err != nil {
			return err
		}
		if b.UserID != userID {
			return fmt.Errorf("booking %s is not theirs: %w", b.Code, ErrForbidden)
		}
		if b.Status == Cancelled {
			return nil
		}
		if !now.Before(b.End()) {
			return refuse(ReasonPast)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE bookings SET status = 'cancelled', cancelled_at = ?, cancelled_by = ? WHERE id = ?`, now.Unix(), cancelledByUser, b.ID); err != nil {
			return err
		}
		b.Status, b.Cancelled, b.CancelledBy = Cancelled, now.Truncate(time.Second), cancelledByUser
		if b.RoomID == "" {
			offers, err = d.offerNext(ctx, tx, b.SpaceID, dayKey(b.Day), now)
		}
		return err
	})
	return b, offers, err
}

// Booking returns the booking with the given code.
func (d *DB) Booking(ctx context.Context, code string) (Booking, error) {
	return bookingWhere(ctx, d.db, d, `code = ?`, NormalizeCode(code))
}

// Bookings returns a person's confirmed bookings that have not ended by
// from, soonest first.
func (d *DB) Bookings(ctx context.Context, userID int64, from time.Time) ([]Booking, error) {
	from = from.In(Rome)
	return d.bookingsWhere(ctx, `user_id = ? AND status = 'confirmed' AND (day > ? OR (day = ? AND end_min > ?))
		ORDER BY day, start_min, id`, userID, dayKey(from), dayKey(from), minuteOf(from))
}

// SpaceBookings returns the confirmed bookings at a space on the days from
// from to to (calendar dates, both included), in order, for its provider.
func (d *DB) SpaceBookings(ctx context.Context, spaceID string, from, to time.Time) ([]Booking, error) {
	return d.bookingsWhere(ctx, `space_id = ? AND status = 'confirmed' AND day BETWEEN ? AND ?
		ORDER BY day, start_min, room_id, id`, spaceID, dayKey(from), dayKey(to))
}

const bookingColumns = `id, code, key, user_id, space_id, room_id, day, slot, start_min, end_min, desks, status,
	created_at, cancelled_at, reminded_at, cancelled_by`

type scanner interface{ Scan(dest ...any) error }

func (d *DB) scanBooking(r scanner) (Booking, error) {
	var b Booking
	var day string
	var created int64
	var cancelled, reminded sql.NullInt64
	if err := r.Scan(&b.ID, &b.Code, &b.Key, &b.UserID, &b.SpaceID, &b.RoomID, &day, &b.Slot, &b.From, &b.To, &b.Desks, &b.Status,
		&created, &cancelled, &reminded, &b.CancelledBy); err != nil {
		return Booking{}, err
	}
	var err error
	if b.Day, err = d.dayOf(day); err != nil {
		return Booking{}, fmt.Errorf("booking %d: day %q: %w", b.ID, day, err)
	}
	b.Created = time.Unix(created, 0).In(Rome)
	if cancelled.Valid {
		b.Cancelled = time.Unix(cancelled.Int64, 0).In(Rome)
	}
	if reminded.Valid {
		b.Reminded = time.Unix(reminded.Int64, 0).In(Rome)
	}
	return b, nil
}

func bookingWhere(ctx context.Context, q queryer, d *DB, where string, args ...any) (Booking, error) {
	b, err := d.scanBooking(q.QueryRowContext(ctx, `SELECT `+bookingColumns+` FROM bookings WHERE `+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return Booking{}, fmt.Errorf("booking %v: %w", args, ErrNotFound)
	}
	return b, err
}

func (d *DB) bookingsWhere(ctx context.Context, where string, args ...any) ([]Booking, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT `+bookingColumns+` FROM bookings WHERE `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Booking{}
	for rows.Next() {
		b, err := d.scanBooking(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, rows.Err()
}
