package registry

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// SignupRequest asks for places at a meeting for some people.
type SignupRequest struct {
	// Key makes the request idempotent: a second request with the same key
	// returns the sign-ups the first one made; one with the same key and
	// other details is ErrConflict. Such as "tg-update:12345".
	Key     string
	UserID  int64
	EventID int64
	People  int // 1 to EventRules.MaxPeople, the person included
	// Series also signs up for every later meeting of the event's course
	// that has not begun (but those they are signed up for already): all
	// of them or, when one is full, none.
	Series bool
}

// Signup is a person's places at one meeting, confirmed or cancelled.
type Signup struct {
	ID      int64
	Key     string
	UserID  int64
	EventID int64
	People  int
	Status  BookingStatus

	Created   time.Time
	Cancelled time.Time // zero unless cancelled
	// CancelledBy says who cancelled: "user" (the person), "event" (the
	// event was cancelled), or "erasure" (the person asked to be
	// forgotten).
	CancelledBy string
	Reminded    time.Time // zero until the reminder went out

	Event Event // the meeting, as it was read with the sign-up

	askedID int64 // the meeting the request named
	series  bool
}

// SignupReason says why a sign-up was refused; the chat turns it into words.
type SignupReason string

// The reasons for refusing a sign-up, with the kind each one wraps.
const (
	SignupFull         SignupReason = "full"          // ErrFull: Left seats left at EventID; the waitlist is open
	SignupPast         SignupReason = "past"          // ErrClosed: the meeting has begun
	SignupCancelled    SignupReason = "cancelled"     // ErrClosed: the event is cancelled
	SignupLimit        SignupReason = "limit"         // ErrInvalid: more people than one sign-up may bring (Max)
	SignupNotApproved  SignupReason = "not_approved"  // ErrForbidden: its space is suspended or not approved yet
	SignupAlready      SignupReason = "already"       // ErrConflict: signed up for it already (Signup)
	SignupOfferExpired SignupReason = "offer_expired" // ErrClosed: the offer expired or was declined
)

// SignupReasons lists every SignupReason, for callers that must have words
// for each.
var SignupReasons = []SignupReason{SignupFull, SignupPast, SignupCancelled, SignupLimit, SignupNotApproved,
	SignupAlready, SignupOfferExpired}

// SignupRefusal is a sign-up the rules do not allow, with what the chat
// needs to explain it and suggest a way forward.
type SignupRefusal struct {
	Reason  SignupReason
	EventID int64 // the meeting that refused it (of a course, the first one)
	Left    int   // full: seats left at it
	Max     int   // limit: people one sign-up may bring
	Signup  int64 // already: the sign-up they have
}

func (r *SignupRefusal) Error() string {
	msg := fmt.Sprintf("sign-up for event %d refused: %s", r.EventID, r.Reason)
	switch r.Reason {
	case SignupFull:
		msg += fmt.Sprintf(" (%d left)", r.Left)
	case SignupLimit:
		msg += fmt.Sprintf(" (max %d)", r.Max)
	case SignupAlready:
		msg += fmt.Sprintf(" (sign-up %d)", r.Signup)
	}
	return msg
}

// Unwrap gives the refusal's kind, so that errors.Is works.
func (r *SignupRefusal) Unwrap() error {
	switch r.Reason {
	case SignupFull:
		return ErrFull
	case SignupLimit:
		return ErrInvalid
	case SignupNotApproved:
		return ErrForbidden
	case SignupAlready:
		return ErrConflict
	default:
		return ErrClosed
	}
}

// SignUp takes places at a meeting (and, with Series, at the later ones of
// its course), or refuses with a *SignupRefusal. The seats are checked and
// taken in one immediate transaction, so two requests never both take the
// last seat, across goroutines and processes alike. A request whose Key was
// used already returns the sign-ups made then, whatever time it is now. It
// returns one sign-up a meeting, in order. Concurrent calls share a
// transaction (see signUpQueued); each returns only once its sign-up is
// committed.
func (d *DB) SignUp(ctx context.Context, req SignupRequest) ([]Signup, error) {
	if strings.TrimSpace(req.Key) == "" {
		return nil, fmt.Errorf("sign-up without a key: %w", ErrInvalid)
	}
	c := &signupCall{ctx: ctx, req: req, now: d.now()}
	d.signUpQueued(c)
	return c.out, c.err
}

// signUpTx is SignUp inside tx; held is the seats an open offer holds for
// the request at its meeting (0 for none).
func (d *DB) signUpTx(ctx context.Context, tx *sql.Tx, req SignupRequest, now time.Time, held int) ([]Signup, error) {
	f, err := d.signupFacts(ctx, tx, req.EventID, req.UserID, req.Key, now)
	if err != nil {
		return nil, err
	}
	if f.keyUsed {
		made, err := d.signupsWhere(ctx, tx, now, `s.key = ? ORDER BY s.id`, req.Key)
		if err != nil {
			return nil, err
		}
		if m := made[0]; m.UserID != req.UserID || m.People != req.People || m.askedID != req.EventID || m.series != req.Series {
			return nil, fmt.Errorf("key %q already used for another sign-up: %w", req.Key, ErrConflict)
		}
		return made, nil
	}
	if err := d.signupRules(f, req.People, now); err != nil {
		return nil, err
	}
	e := f.event
	e.Held -= held // the offer's seats are the request's own
	targets := []Event{e}
	if req.Series {
		later, err := d.eventsWhere(ctx, tx, now, `e.series_id = ? AND e.meeting > ? AND e.status = 'published'
			AND (e.day > ? OR (e.day = ? AND e.start_min > ?))
			AND NOT EXISTS (SELECT 1 FROM signups s WHERE s.event_id = e.id AND s.user_id = ? AND s.status = 'confirmed')
			ORDER BY e.meeting`, e.SeriesID, e.Meeting, dayKey(now), dayKey(now), minuteOf(now), req.UserID)
		if err != nil {
			return nil, err
		}
		targets = append(targets, later...)
	}
	for _, t := range targets {
		if left := t.Seats - t.Taken - t.Held; t.Limited() && left < req.People {
			return nil, &SignupRefusal{Reason: SignupFull, EventID: t.ID, Left: max(left, 0)}
		}
	}
	out := make([]Signup, 0, len(targets))
	for _, t := range targets {
		r, err := tx.ExecContext(ctx, `INSERT INTO signups (key, user_id, event_id, asked_id, series, people, status, created_at)
			VALUES (?, ?, ?, ?, ?, ?, 'confirmed', ?)`, req.Key, req.UserID, t.ID, req.EventID, req.Series, req.People, now.Unix())
		if err != nil {
			return nil, err
		}
		id, err := r.LastInsertId()
		if err != nil {
			return nil, err
		}
		t.Taken += req.People
		if t.Limited() {
			t.Left = max(t.Seats-t.Taken-t.Held, 0)
		}
		out = append(out, Signup{ID: id, Key: req.Key, UserID: req.UserID, EventID: t.ID, People: req.People, Status: Confirmed,
			Created: time.Unix(now.Unix(), 0).In(Rome), Event: t, askedID: req.EventID, series: req.Series})
	}
	return out, nil
}

// signupFacts is what the rules of a sign-up need, read in one query
// (a sign-up is mostly statements).
type signupFacts struct {
	event   Event
	space   Status        // of the event's space
	mine    sql.NullInt64 // the person's confirmed sign-up for the event
	keyUsed bool          // a sign-up was made with the key already
}

func (d *DB) signupFacts(ctx context.Context, q queryer, eventID, userID int64, key string, now time.Time) (signupFacts, error) {
	var f signupFacts
	var err error
	f.event, err = d.scanEvent(q.QueryRowContext(ctx, eventSelect+`, sp.status,
		(SELECT m.id FROM signups m WHERE m.event_id = e.id AND m.user_id = ? AND m.status = 'confirmed'),
		EXISTS (SELECT 1 FROM signups k WHERE k.key = ?)
		FROM events e JOIN spaces sp ON sp.id = e.space_id WHERE e.id = ?`, now.Unix(), userID, key, eventID),
		&f.space, &f.mine, &f.keyUsed)
	if errors.Is(err, sql.ErrNoRows) {
		return f, fmt.Errorf("event %d: %w", eventID, ErrNotFound)
	}
	return f, err
}

// signupRules applies every rule but seats to a sign-up, in the order a
// person would want to hear them.
func (d *DB) signupRules(f signupFacts, people int, now time.Time) error {
	e := f.event
	refuse := func(r SignupReason) error { return &SignupRefusal{Reason: r, EventID: e.ID} }
	switch {
	case people < 1:
		return fmt.Errorf("sign-up for %d people: %w", people, ErrInvalid)
	case f.space != Approved:
		return refuse(SignupNotApproved)
	case e.Status == EventCancelled:
		return refuse(SignupCancelled)
	case !now.Before(e.Start()):
		return refuse(SignupPast)
	case people > d.EventRules.maxPeople():
		return &SignupRefusal{Reason: SignupLimit, EventID: e.ID, Max: d.EventRules.maxPeople()}
	case f.mine.Valid:
		return &SignupRefusal{Reason: SignupAlready, EventID: e.ID, Signup: f.mine.Int64}
	}
	return nil
}

// CancelSignup cancels a person's sign-up and, with following, the later
// ones the same request made (a whole course's), but those of meetings that
// have begun. Cancelling twice is not an error; another person's sign-up is
// ErrForbidden; one whose meeting has begun is a *SignupRefusal (past). It
// returns the sign-ups cancelled and the waitlist offers the freed seats
// made, for the chat to send.
func (d *DB) CancelSignup(ctx context.Context, userID, signupID int64, following bool) ([]Signup, []EventOffer, error) {
	now := d.now()
	var cancelled []Signup
	var offers []EventOffer
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		cancelled, offers = nil, nil
		s, err := d.signupWhere(ctx, tx, now, `s.id = ?`, signupID)
		if err != nil {
			return err
		}
		if s.UserID != userID {
			return fmt.Errorf("sign-up %d is not theirs: %w", signupID, ErrForbidden)
		}
		var targets []Signup
		if s.Status == Confirmed {
			if !now.Before(s.Event.Start()) {
				return &SignupRefusal{Reason: SignupPast, EventID: s.EventID}
			}
			targets = append(targets, s)
		}
		if following {
			later, err := d.signupsWhere(ctx, tx, now, `s.key = ? AND s.status = 'confirmed' AND e.meeting > ?
				AND (e.day > ? OR (e.day = ? AND e.start_min > ?)) ORDER BY e.meeting`,
				s.Key, s.Event.Meeting, dayKey(now), dayKey(now), minuteOf(now))
			if err != nil {
				return err
			}
			targets = append(targets, later...)
		}
		for _, t := range targets {
			if _, err := tx.ExecContext(ctx, `UPDATE signups SET status = 'cancelled', cancelled_at = ?, cancelled_by = ? WHERE id = ?`,
				now.Unix(), cancelledByUser, t.ID); err != nil {
				return err
			}
			more, err := d.offerNextEvent(ctx, tx, t.EventID, now)
			if err != nil {
				return err
			}
			offers = append(offers, more...)
			t.Status, t.Cancelled, t.CancelledBy = Cancelled, now.Truncate(time.Second), cancelledByUser
			cancelled = append(cancelled, t)
		}
		return nil
	})
	return cancelled, offers, err
}

// Signups returns a person's confirmed sign-ups whose meetings have not
// ended by from, soonest first, each with its meeting: to show beside their
// desk bookings.
func (d *DB) Signups(ctx context.Context, userID int64, from time.Time) ([]Signup, error) {
	from = from.In(Rome)
	return d.signupsWhere(ctx, d.db, d.now(), `s.user_id = ? AND s.status = 'confirmed'
		AND (e.day > ? OR (e.day = ? AND e.end_min > ?)) ORDER BY e.day, e.start_min, e.id`,
		userID, dayKey(from), dayKey(from), minuteOf(from))
}

// SignupByID returns a sign-up, with its meeting.
func (d *DB) SignupByID(ctx context.Context, id int64) (Signup, error) {
	return d.signupWhere(ctx, d.db, d.now(), `s.id = ?`, id)
}

// signupSelect reads sign-ups with their meetings; like eventSelect, its
// first parameter is now.
var signupSelect = `SELECT s.id, s.key, s.user_id, s.event_id, s.asked_id, s.series, s.people, s.status, s.created_at,
	s.cancelled_at, s.cancelled_by, s.reminded_at, ` + strings.TrimPrefix(eventSelect, "SELECT ") +
	` FROM signups s JOIN events e ON e.id = s.event_id`

// rowAfter scans a row whose first columns are before's, then dest's.
type rowAfter struct {
	r      scanner
	before []any
}

func (p rowAfter) Scan(dest ...any) error { return p.r.Scan(append(p.before, dest...)...) }

func (d *DB) scanSignup(r scanner, extra ...any) (Signup, error) {
	var s Signup
	var created int64
	var cancelled, reminded sql.NullInt64
	e, err := d.scanEvent(rowAfter{r, []any{&s.ID, &s.Key, &s.UserID, &s.EventID, &s.askedID, &s.series, &s.People,
		&s.Status, &created, &cancelled, &s.CancelledBy, &reminded}}, extra...)
	if err != nil {
		return Signup{}, err
	}
	s.Event = e
	s.Created = time.Unix(created, 0).In(Rome)
	if cancelled.Valid {
		s.Cancelled = time.Unix(cancelled.Int64, 0).In(Rome)
	}
	if reminded.Valid {
		s.Reminded = time.Unix(reminded.Int64, 0).In(Rome)
	}
	return s, nil
}

func (d *DB) signupWhere(ctx context.Context, q queryer, now time.Time, where string, args ...any) (Signup, error) {
	s, err := d.scanSignup(q.QueryRowContext(ctx, signupSelect+` WHERE `+where, append([]any{now.Unix()}, args...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return Signup{}, fmt.Errorf("sign-up %v: %w", args, ErrNotFound)
	}
	return s, err
}

func (d *DB) signupsWhere(ctx context.Context, q queryer, now time.Time, where string, args ...any) ([]Signup, error) {
	return queryAll(ctx, q, signupSelect+` WHERE `+where, append([]any{now.Unix()}, args...), d.scanSignup)
}

// offerKey is the idempotency key of the sign-up an accepted offer makes.
func offerKey(offerID int64) string { return "event-offer:" + strconv.FormatInt(offerID, 10) }
