package registry

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/mattn/go-sqlite3"

	"github.com/comune-seregno/coworkbot/registry/hours"
)

// Slot is the part of a day a desk booking takes.
type Slot string

// The slots of a desk booking. Morning and afternoon are derived from each
// space's hours on the day (see SlotHours); Hours is explicit From and To.
const (
	Morning   Slot = "morning"
	Afternoon Slot = "afternoon"
	FullDay   Slot = "day"
	Hours     Slot = "hours"
)

// BookingStatus is where a booking stands. Bookings are never deleted.
type BookingStatus string

// The statuses of a booking.
const (
	Confirmed BookingStatus = "confirmed"
	Cancelled BookingStatus = "cancelled"
)

// BookingRules are the limits a booking must respect. The zero value means
// the defaults.
type BookingRules struct {
	MaxDaysAhead int           // how far ahead one can book; 0 means 60 days
	MaxActive    int           // upcoming confirmed bookings per person; 0 means 5
	OfferFor     time.Duration // how long a waitlist offer is held; 0 means 2 hours
}

// The default booking rules.
const (
	DefaultMaxDaysAhead = 60
	DefaultMaxActive    = 5
	DefaultOfferFor     = 2 * time.Hour
)

func (r BookingRules) maxDaysAhead() int { return cmpOr(r.MaxDaysAhead, DefaultMaxDaysAhead) }
func (r BookingRules) maxActive() int    { return cmpOr(r.MaxActive, DefaultMaxActive) }
func (r BookingRules) offerFor() time.Duration {
	if r.OfferFor <= 0 {
		return DefaultOfferFor
	}
	return r.OfferFor
}

func cmpOr(v, def int) int {
	if v <= 0 {
		return def
	}
	return v
}

// Request asks for desks or, when RoomID is set, for a room.
type Request struct {
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
	Reminded  time.Time // zero until the reminder went out
}

// Start is the instant the booking begins.
func (b Booking) Start() time.Time { return wallClock(b.Day, b.From) }

// End is the instant the booking ends.
func (b Booking) End() time.Time { return wallClock(b.Day, b.To) }

// Reason says why a booking was refused; the chat turns it into words.
type Reason string

// The reasons for a refusal, with the kind each one wraps.
const (
	ReasonPast         Reason = "past"          // ErrInvalid: the day, or today's slot, is over
	ReasonTooFar       Reason = "too_far"       // ErrInvalid: Max days ahead at most
	ReasonQuantity     Reason = "quantity"      // ErrInvalid: 1 to Max desks
	ReasonBadHours     Reason = "bad_hours"     // ErrInvalid: From/To malformed, rooms not on the hour
	ReasonOutsideHours Reason = "outside_hours" // ErrClosed: see Spans
	ReasonNoSlot       Reason = "no_slot"       // ErrClosed: no such slot that day (an afternoon at a mornings-only space)
	ReasonClosedDay    Reason = "closed_day"    // ErrClosed: not open that weekday
	ReasonHoliday      Reason = "holiday"       // ErrClosed: see Holiday
	ReasonClosure      Reason = "closure"       // ErrClosed: the provider closed it, see Closure and Until
	ReasonFull         Reason = "full"          // ErrFull: Left desks left; see Alternatives
	ReasonRoomTaken    Reason = "room_taken"    // ErrFull: see Alternatives
	ReasonLimit        Reason = "limit"         // ErrForbidden: Max upcoming bookings already
	ReasonNotApproved  Reason = "not_approved"  // ErrForbidden
	ReasonUnknownSpace Reason = "unknown_space" // ErrNotFound
	ReasonUnknownRoom  Reason = "unknown_room"  // ErrNotFound
	ReasonOfferExpired Reason = "offer_expired" // ErrClosed: the offer expired or was declined
)

// Refusal is a booking the rules do not allow, with what the chat needs to
// explain it and suggest a way forward.
type Refusal struct {
	Reason  Reason
	Left    int          // full: desks still free in the slot
	Max     int          // too_far: days; quantity: desks; limit: bookings
	Holiday string       // holiday: its name
	Closure string       // closure: the provider's note
	Until   time.Time    // closure: its last day
	Spans   []hours.Span // outside_hours, no_slot: the opening spans of the day
}

func (r *Refusal) Error() string {
	msg := "booking refused: " + string(r.Reason)
	switch r.Reason {
	case ReasonFull:
		msg += fmt.Sprintf(" (%d left)", r.Left)
	case ReasonTooFar, ReasonQuantity, ReasonLimit:
		msg += fmt.Sprintf(" (max %d)", r.Max)
	case ReasonHoliday:
		msg += " (" + r.Holiday + ")"
	case ReasonClosure:
		msg += fmt.Sprintf(" until %s (%s)", r.Until.Format(time.DateOnly), r.Closure)
	}
	return msg
}

// Unwrap gives the refusal's kind, so that errors.Is works.
func (r *Refusal) Unwrap() error {
	switch r.Reason {
	case ReasonPast, ReasonTooFar, ReasonQuantity, ReasonBadHours:
		return ErrInvalid
	case ReasonFull, ReasonRoomTaken:
		return ErrFull
	case ReasonLimit, ReasonNotApproved:
		return ErrForbidden
	case ReasonUnknownSpace, ReasonUnknownRoom:
		return ErrNotFound
	default:
		return ErrClosed
	}
}

func refuse(r Reason) *Refusal { return &Refusal{Reason: r} }

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

// noon splits a single opening span into morning and afternoon.
const noon = 13 * 60

// SlotHours returns the hours [From, To) of slot at s on the calendar day
// of day, and false when s has no such slot that day. With two or more
// spans, the morning is the first and the afternoon the last; one span is
// split at 13:00 when both halves last an hour or more, at its middle on the
// hour otherwise, and a span that ends by 13:00 (or starts from 13:00) is a
// morning (an afternoon) only. A space open all day gives 08:00-13:00,
// 13:00-19:00 and 08:00-19:00. Hours is not a slot of its own: it gives false.
func SlotHours(s *Space, day time.Time, slot Slot, cal hours.Calendar) (hours.Span, bool) {
	return slotIn(s.Hours.Spans(day, cal), slot)
}

func slotIn(spans []hours.Span, slot Slot) (hours.Span, bool) {
	if len(spans) == 0 {
		return hours.Span{}, false
	}
	var morning, afternoon, day hours.Span
	first, last := spans[0], spans[len(spans)-1]
	switch {
	case len(spans) == 1 && first == (hours.Span{From: 0, To: 24 * 60}):
		morning, afternoon, day = hours.Span{From: 8 * 60, To: noon}, hours.Span{From: noon, To: 19 * 60}, hours.Span{From: 8 * 60, To: 19 * 60}
	case len(spans) > 1:
		morning, afternoon, day = first, last, hours.Span{From: first.From, To: last.To}
	case first.To <= noon:
		morning, day = first, first
	case first.From >= noon:
		afternoon, day = first, first
	case first.From <= noon-60 && first.To >= noon+60:
		morning, afternoon, day = hours.Span{From: first.From, To: noon}, hours.Span{From: noon, To: first.To}, first
	default:
		mid := (first.From + first.To) / 2 / 60 * 60
		if mid <= first.From {
			mid += 60
		}
		day = first
		if mid >= first.To {
			morning = first
		} else {
			morning, afternoon = hours.Span{From: first.From, To: mid}, hours.Span{From: mid, To: first.To}
		}
	}
	var sp hours.Span
	switch slot {
	case Morning:
		sp = morning
	case Afternoon:
		sp = afternoon
	case FullDay:
		sp = day
	}
	return sp, sp.To > sp.From
}

// within reports whether [from, to) starts and ends in opening time: from in
// a span, to at the end of or inside one. It may cross a break.
func within(spans []hours.Span, from, to int) bool {
	var okFrom, okTo bool
	for _, sp := range spans {
		okFrom = okFrom || (sp.From <= from && from < sp.To)
		okTo = okTo || (sp.From < to && to <= sp.To)
	}
	return okFrom && okTo
}

// dayKey is the calendar date of t in t's own location, as stored.
func dayKey(t time.Time) string { return t.Format(time.DateOnly) }

// dayOf is midnight in the registry's zone of a stored day.
func (d *DB) dayOf(key string) (time.Time, error) {
	return time.ParseInLocation(time.DateOnly, key, d.Loc)
}

// wallClock is the first instant at which the clock of day's location reads
// minute on day's date (the instant after the gap when clocks jump over it).
func wallClock(day time.Time, minute int) time.Time {
	y, m, dd := day.Date()
	t := time.Date(y, m, dd, minute/60, minute%60, 0, 0, day.Location())
	if e := t.Add(-time.Hour); e.Day() == t.Day() && e.Hour() == t.Hour() && e.Minute() == t.Minute() {
		return e
	}
	return t
}

func minuteOf(t time.Time) int { return t.Hour()*60 + t.Minute() }

// plan is a request checked against the rules, ready to be written.
type plan struct {
	space    Space
	day      string
	slot     Slot
	from, to int
	desks    int
}

// Book books desks or a room, or refuses with a *Refusal. The rules are
// checked and the booking written in one immediate transaction, so two
// requests never both take the last desk. A request whose Key was already
// used returns the booking made then, whatever time it is now. Concurrent
// calls share a transaction (see bookQueued); each returns only once its
// booking is committed.
func (d *DB) Book(ctx context.Context, req Request) (Booking, error) {
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

// bookCall is one Book call and, once written, its answer.
type bookCall struct {
	ctx  context.Context
	req  Request
	idx  *spaceIndex
	now  time.Time
	done chan bool // true: lead the next batch; false: answered

	b     Booking
	stale bool
	err   error
}

// bookQueued answers c by group commit, leader/follower style, with no
// goroutine of its own. Each caller queues its call; the first one finds
// no batch being written and leads: it takes every call queued by then,
// writes them in one immediate transaction, each in its own savepoint (a
// refusal or an error undoes that call alone, and the capacity check of
// each call sees the calls before it), commits once, hands the lead to the
// first call queued meanwhile and only then answers its batch. Callers wait
// on their call, not on the write lock.
func (d *DB) bookQueued(c *bookCall) {
	c.done = make(chan bool, 1)
	d.queueMu.Lock()
	d.queue = append(d.queue, c)
	lead := !d.writing
	d.writing = true
	d.queueMu.Unlock()
	if !lead && !<-c.done {
		return
	}

	d.queueMu.Lock()
	batch := d.queue
	d.queue = nil
	d.queueMu.Unlock()
	d.bookBatch(batch)

	d.queueMu.Lock()
	if len(d.queue) > 0 {
		d.queue[0].done <- true
	} else {
		d.writing = false
	}
	d.queueMu.Unlock()
	for _, o := range batch {
		o.done <- false // c's buffered answer is never read
	}
}

// bookBatch writes the calls of batch in one transaction. A call succeeds
// only if the COMMIT does; if it fails, every call gets its error.
func (d *DB) bookBatch(batch []*bookCall) {
	defer func() { // a panic fails the batch, and the lead still moves on
		if r := recover(); r != nil {
			for _, c := range batch {
				c.b, c.err = Booking{}, fmt.Errorf("booking: panic: %v", r)
			}
		}
	}()
	// The transaction serves every call: a caller's cancelled context must
	// not interrupt the others' statements. A call whose context is done
	// before its turn is skipped instead.
	ctx := context.WithoutCancel(batch[0].ctx)
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		for _, c := range batch {
			if c.err = c.ctx.Err(); c.err != nil {
				continue
			}
			if _, err := tx.ExecContext(ctx, `SAVEPOINT book`); err != nil {
				return err
			}
			c.b, c.stale, c.err = d.bookTx(ctx, tx, c.idx, c.req, c.now, 0)
			end := `RELEASE book`
			if c.err != nil {
				c.b, c.err = Booking{}, mapErr(c.err)
				end = `ROLLBACK TO book; RELEASE book`
			}
			if _, err := tx.ExecContext(ctx, end); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		for _, c := range batch {
			c.b, c.err = Booking{}, err
		}
	}
}

// bookingIndex returns the search index as it is, building it only if
// there is none: the transaction checks that it is current.
func (d *DB) bookingIndex(ctx context.Context) (*spaceIndex, error) {
	d.mu.Lock()
	idx := d.index
	d.mu.Unlock()
	if idx != nil {
		return idx, nil
	}
	return d.currentIndex(ctx)
}

// bookTx is Book inside tx; holder is the offer whose held desks are the
// request's own (0 for none). stale reports that idx was out of date.
func (d *DB) bookTx(ctx context.Context, tx *sql.Tx, idx *spaceIndex, req Request, now time.Time, holder int64) (b Booking, stale bool, err error) {
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
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM bookings WHERE space_id = ? AND room_id = ? AND day = ?
			AND status = 'confirmed' AND start_min < ? AND end_min > ?`, p.space.ID, req.RoomID, p.day, p.to, p.from).Scan(&n); err != nil {
			return Booking{}, stale, err
		}
		if n > 0 {
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

func readFacts(ctx context.Context, tx *sql.Tx, req Request, now time.Time) (facts, error) {
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

// check applies every rule but capacity to req, in the order a person would
// want to hear them.
func (d *DB) check(ctx context.Context, tx *sql.Tx, idx *spaceIndex, req Request, now time.Time, f facts) (plan, error) {
	s, err := d.spaceInTx(ctx, tx, idx, req.SpaceID, f.version)
	if err != nil {
		return plan{}, err
	}
	p := plan{space: s, day: dayKey(req.Day)}
	if s.Status != Approved {
		return plan{}, refuse(ReasonNotApproved)
	}
	if req.RoomID != "" {
		var seats int
		err := tx.QueryRowContext(ctx, `SELECT seats FROM rooms WHERE space_id = ? AND id = ?`, s.ID, req.RoomID).Scan(&seats)
		if errors.Is(err, sql.ErrNoRows) {
			return plan{}, refuse(ReasonUnknownRoom)
		} else if err != nil {
			return plan{}, err
		}
		if req.From < 0 || req.To > 24*60 || req.From >= req.To || req.From%60 != 0 || req.To%60 != 0 {
			return plan{}, refuse(ReasonBadHours)
		}
		p.slot, p.from, p.to = Hours, req.From, req.To
	} else {
		if req.Desks < 1 || req.Desks > s.Desks {
			return plan{}, &Refusal{Reason: ReasonQuantity, Max: s.Desks}
		}
		p.desks = req.Desks
		switch req.Slot {
		case Morning, Afternoon, FullDay:
			p.slot = req.Slot
		case Hours:
			if req.From < 0 || req.To > 24*60 || req.From >= req.To {
				return plan{}, refuse(ReasonBadHours)
			}
			p.slot, p.from, p.to = Hours, req.From, req.To
		default:
			return plan{}, refuse(ReasonBadHours)
		}
	}

	spans, err := d.dayRules(&s, p.day, now, f.closure)
	if err != nil {
		return plan{}, err
	}
	today := dayKey(now)
	if p.slot == Hours {
		if !s.Hours.Always() && !within(spans, p.from, p.to) {
			return plan{}, &Refusal{Reason: ReasonOutsideHours, Spans: spans}
		}
	} else {
		sp, ok := slotIn(spans, p.slot)
		if !ok {
			return plan{}, &Refusal{Reason: ReasonNoSlot, Spans: spans}
		}
		p.from, p.to = sp.From, sp.To
	}
	if p.day == today && p.to <= minuteOf(now) {
		return plan{}, refuse(ReasonPast)
	}
	if f.active >= d.Rules.maxActive() {
		return plan{}, &Refusal{Reason: ReasonLimit, Max: d.Rules.maxActive()}
	}
	return p, nil
}

// spaceInTx reads a space inside tx: from the search index when the list
// has not moved since it was built (version is read in the same
// transaction), from the tables otherwise. The index holds no rooms; check
// reads them itself.
func (d *DB) spaceInTx(ctx context.Context, tx *sql.Tx, idx *spaceIndex, id string, version int64) (Space, error) {
	if idx != nil && version == idx.version {
		// loadSpaces orders by id, so the index's spaces are sorted.
		i := sort.Search(len(idx.spaces), func(i int) bool { return idx.spaces[i].ID >= id })
		if i < len(idx.spaces) && idx.spaces[i].ID == id {
			return idx.spaces[i], nil
		}
	}
	s, err := getSpace(ctx, tx, id)
	if isNotFound(err) {
		return Space{}, refuse(ReasonUnknownSpace)
	}
	return s, err
}

// leftIn returns how many desks of s stay free during all of [from, to) on
// day: its desks less the peak of the confirmed bookings and of the places
// held by open offers (but the holder's own).
func leftIn(ctx context.Context, q queryer, s *Space, day string, from, to int, now time.Time, holder int64) (int, error) {
	// The offers are matched with IN rather than a join: one open offer an
	// entry at most (entry_id is UNIQUE), and SQLite runs this form about
	// ten times faster.
	rows, err := q.QueryContext(ctx, `SELECT start_min, end_min, desks FROM bookings
		WHERE space_id = ?1 AND day = ?2 AND status = 'confirmed' AND room_id = '' AND start_min < ?3 AND end_min > ?4
		UNION ALL
		SELECT start_min, end_min, desks FROM waitlist
		WHERE space_id = ?1 AND day = ?2 AND start_min < ?3 AND end_min > ?4
		AND id IN (SELECT entry_id FROM offers WHERE status = 'open' AND expires_at > ?5 AND id <> ?6)`,
		s.ID, day, to, from, now.Unix(), holder)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	var ivs []interval
	for rows.Next() {
		var iv interval
		if err := rows.Scan(&iv.from, &iv.to, &iv.desks); err != nil {
			return 0, err
		}
		ivs = append(ivs, iv)
	}
	if err := rows.Err(); err != nil {
		return 0, err
	}
	return s.Desks - peak(ivs, from, to), nil
}

type interval struct{ from, to, desks int }

// peak is the most desks the intervals take at once within [from, to).
func peak(ivs []interval, from, to int) int {
	type event struct{ at, delta int }
	evs := make([]event, 0, 2*len(ivs))
	for _, iv := range ivs {
		if s, e := max(iv.from, from), min(iv.to, to); s < e {
			evs = append(evs, event{s, iv.desks}, event{e, -iv.desks})
		}
	}
	// Ends before starts at the same minute: [8, 13) and [13, 19) do not meet.
	slices.SortFunc(evs, func(a, b event) int {
		if a.at != b.at {
			return a.at - b.at
		}
		return a.delta - b.delta
	})
	cur, best := 0, 0
	for _, e := range evs {
		cur += e.delta
		best = max(best, cur)
	}
	return best
}

// dayRules applies the rules about the day itself: not past, not too far
// ahead, open (telling a public holiday from an ordinary closed day), not
// closed by the provider (closure is "last_day" || note, or NULL). It
// returns the opening spans of the day.
func (d *DB) dayRules(s *Space, day string, now time.Time, closure sql.NullString) ([]hours.Span, error) {
	if day < dayKey(now) {
		return nil, refuse(ReasonPast)
	}
	y, m, dd := now.Date()
	if limit := dayKey(time.Date(y, m, dd+d.Rules.maxDaysAhead(), 12, 0, 0, 0, d.Loc)); day > limit {
		return nil, &Refusal{Reason: ReasonTooFar, Max: d.Rules.maxDaysAhead()}
	}
	t, err := d.dayOf(day)
	if err != nil {
		return nil, err
	}
	spans := s.Hours.Spans(t, d.Calendar)
	if len(spans) == 0 {
		if name, ok := d.Calendar.Holiday(t); ok {
			return nil, &Refusal{Reason: ReasonHoliday, Holiday: name}
		}
		return nil, refuse(ReasonClosedDay)
	}
	if c := closure.String; closure.Valid && len(c) >= len(time.DateOnly) {
		until, err := d.dayOf(c[:len(time.DateOnly)])
		if err != nil {
			return nil, err
		}
		return nil, &Refusal{Reason: ReasonClosure, Closure: c[len(time.DateOnly):], Until: until}
	}
	return spans, nil
}

// CheckDay tells, before anything else is chosen, whether a space can be
// booked on a day at all: nil, or a *Refusal (past, too far, closed day,
// public holiday, provider's closure).
func (d *DB) CheckDay(ctx context.Context, spaceID string, day time.Time) error {
	s, err := d.Space(ctx, spaceID)
	if err != nil {
		return err
	}
	key := dayKey(day)
	closure, err := longestClosure(ctx, d.db, spaceID, key)
	if err != nil {
		return err
	}
	_, err = d.dayRules(&s, key, d.now(), closure)
	return err
}

// Choice is a way forward from a full slot: other hours at the same space,
// or the same slot at another space nearby.
type Choice struct {
	SpaceID  string
	Name     string
	Distance float64 // metres from the space asked for; 0 for the same space
	RoomID   string
	Slot     Slot
	From, To int
	Left     int // desks free in the slot; 0 for rooms
}

// Alternatives are the ways forward from a full slot or a taken room.
type Alternatives struct {
	Slots  []Choice // the other slots of that day at the same space with room
	Nearby []Choice // the nearest approved spaces with enough desks in the same slot
}

// Alternatives suggests what to book instead of req: for desks, the other
// slots of the day with room at the same space and up to three nearby
// spaces with enough desks free in the same slot; for a room, the other free
// times of the same length that day.
func (d *DB) Alternatives(ctx context.Context, req Request) (Alternatives, error) {
	var out Alternatives
	s, err := d.Space(ctx, req.SpaceID)
	if err != nil {
		return out, err
	}
	now := d.now()
	day := time.Date(req.Day.Year(), req.Day.Month(), req.Day.Day(), 0, 0, 0, 0, d.Loc)
	key := dayKey(day)
	spans := s.Hours.Spans(day, d.Calendar)
	over := func(to int) bool { return key < dayKey(now) || (key == dayKey(now) && to <= minuteOf(now)) }
	if req.RoomID != "" {
		length := req.To - req.From
		if length <= 0 || length%60 != 0 {
			return out, nil
		}
		for from := 0; from+length <= 24*60; from += 60 {
			to := from + length
			if from == req.From || over(to) || (!s.Hours.Always() && !within(spans, from, to)) {
				continue
			}
			var n int
			if err := d.db.QueryRowContext(ctx, `SELECT count(*) FROM bookings WHERE space_id = ? AND room_id = ? AND day = ?
				AND status = 'confirmed' AND start_min < ? AND end_min > ?`, s.ID, req.RoomID, key, to, from).Scan(&n); err != nil {
				return out, err
			}
			if n == 0 {
				out.Slots = append(out.Slots, Choice{SpaceID: s.ID, Name: s.Name, RoomID: req.RoomID, Slot: Hours, From: from, To: to})
			}
		}
		return out, nil
	}
	for _, sl := range []Slot{Morning, Afternoon, FullDay} {
		sp, ok := slotIn(spans, sl)
		if !ok || sl == req.Slot || over(sp.To) {
			continue
		}
		left, err := leftIn(ctx, d.db, &s, key, sp.From, sp.To, now, 0)
		if err != nil {
			return out, err
		}
		if left >= req.Desks {
			out.Slots = append(out.Slots, Choice{SpaceID: s.ID, Name: s.Name, Slot: sl, From: sp.From, To: sp.To, Left: left})
		}
	}
	from, to := req.From, req.To
	if req.Slot != Hours {
		sp, ok := slotIn(spans, req.Slot)
		if !ok {
			return out, nil
		}
		from, to = sp.From, sp.To
	}
	results, err := d.Search(ctx, Query{Near: &s.Location, During: &Window{Day: day, From: from, To: to}, Limit: 20})
	if err != nil {
		return out, err
	}
	for _, r := range results {
		o := r.Space
		if o.ID == s.ID || o.Desks < req.Desks {
			continue
		}
		ospans := o.Hours.Spans(day, d.Calendar)
		of, ot := from, to
		if req.Slot != Hours {
			sp, ok := slotIn(ospans, req.Slot)
			if !ok {
				continue
			}
			of, ot = sp.From, sp.To
		} else if !o.Hours.Always() && !within(ospans, of, ot) {
			continue
		}
		if over(ot) {
			continue
		}
		closed, err := closedOn(ctx, d.db, o.ID, key)
		if err != nil {
			return out, err
		}
		if closed {
			continue
		}
		left, err := leftIn(ctx, d.db, o, key, of, ot, now, 0)
		if err != nil {
			return out, err
		}
		if left >= req.Desks {
			out.Nearby = append(out.Nearby, Choice{SpaceID: o.ID, Name: o.Name, Distance: r.Distance, Slot: req.Slot, From: of, To: ot, Left: left})
			if len(out.Nearby) == 3 {
				break
			}
		}
	}
	return out, nil
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
		if _, err := tx.ExecContext(ctx, `UPDATE bookings SET status = 'cancelled', cancelled_at = ? WHERE id = ?`, now.Unix(), b.ID); err != nil {
			return err
		}
		b.Status, b.Cancelled = Cancelled, now.Truncate(time.Second)
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
	from = from.In(d.Loc)
	return d.bookingsWhere(ctx, `user_id = ? AND status = 'confirmed' AND (day > ? OR (day = ? AND end_min > ?))
		ORDER BY day, start_min, id`, userID, dayKey(from), dayKey(from), minuteOf(from))
}

// SpaceBookings returns the confirmed bookings at a space on the days from
// from to to (calendar dates, both included), in order, for its provider.
func (d *DB) SpaceBookings(ctx context.Context, spaceID string, from, to time.Time) ([]Booking, error) {
	return d.bookingsWhere(ctx, `space_id = ? AND status = 'confirmed' AND day BETWEEN ? AND ?
		ORDER BY day, start_min, room_id, id`, spaceID, dayKey(from), dayKey(to))
}

// DueReminders returns, once 18:00 has passed in Rome, tomorrow's confirmed
// bookings not reminded yet whose person has not turned reminders off.
func (d *DB) DueReminders(ctx context.Context, now time.Time) ([]Booking, error) {
	now = now.In(d.Loc)
	if now.Hour() < 18 {
		return []Booking{}, nil
	}
	tomorrow := dayKey(time.Date(now.Year(), now.Month(), now.Day()+1, 12, 0, 0, 0, d.Loc))
	return d.bookingsWhere(ctx, `day = ? AND status = 'confirmed' AND reminded_at IS NULL
		AND NOT EXISTS (SELECT 1 FROM reminder_prefs p WHERE p.user_id = bookings.user_id AND p.reminders = 0)
		ORDER BY id`, tomorrow)
}

// MarkReminded records that the reminders of the given bookings went out.
func (d *DB) MarkReminded(ctx context.Context, ids ...int64) error {
	now := d.now().Unix()
	return d.inTx(ctx, func(tx *sql.Tx) error {
		for _, id := range ids {
			if _, err := tx.ExecContext(ctx, `UPDATE bookings SET reminded_at = ? WHERE id = ? AND reminded_at IS NULL`, now, id); err != nil {
				return err
			}
		}
		return nil
	})
}

// SetReminders turns a person's evening-before reminders on or off.
func (d *DB) SetReminders(ctx context.Context, userID int64, on bool) error {
	return d.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO reminder_prefs (user_id, reminders) VALUES (?, ?)
			ON CONFLICT (user_id) DO UPDATE SET reminders = excluded.reminders`, userID, on)
		return err
	})
}

// RemindersOn reports whether a person gets reminders (the default).
func (d *DB) RemindersOn(ctx context.Context, userID int64) (bool, error) {
	var on bool
	err := d.db.QueryRowContext(ctx, `SELECT reminders FROM reminder_prefs WHERE user_id = ?`, userID).Scan(&on)
	if errors.Is(err, sql.ErrNoRows) {
		return true, nil
	}
	return on, err
}

const bookingColumns = `id, code, key, user_id, space_id, room_id, day, slot, start_min, end_min, desks, status,
	created_at, cancelled_at, reminded_at`

type scanner interface{ Scan(dest ...any) error }

func (d *DB) scanBooking(r scanner) (Booking, error) {
	var b Booking
	var day string
	var created int64
	var cancelled, reminded sql.NullInt64
	if err := r.Scan(&b.ID, &b.Code, &b.Key, &b.UserID, &b.SpaceID, &b.RoomID, &day, &b.Slot, &b.From, &b.To, &b.Desks, &b.Status,
		&created, &cancelled, &reminded); err != nil {
		return Booking{}, err
	}
	var err error
	if b.Day, err = d.dayOf(day); err != nil {
		return Booking{}, fmt.Errorf("booking %d: day %q: %w", b.ID, day, err)
	}
	b.Created = time.Unix(created, 0).In(d.Loc)
	if cancelled.Valid {
		b.Cancelled = time.Unix(cancelled.Int64, 0).In(d.Loc)
	}
	if reminded.Valid {
		b.Reminded = time.Unix(reminded.Int64, 0).In(d.Loc)
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
