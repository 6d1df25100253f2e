package registry

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sort"
	"time"

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

// Reasons lists every Reason, for callers that must have words for each.
var Reasons = []Reason{ReasonPast, ReasonTooFar, ReasonQuantity, ReasonBadHours, ReasonOutsideHours, ReasonNoSlot,
	ReasonClosedDay, ReasonHoliday, ReasonClosure, ReasonFull, ReasonRoomTaken, ReasonLimit, ReasonNotApproved,
	ReasonUnknownSpace, ReasonUnknownRoom, ReasonOfferExpired}

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
	return time.ParseInLocation(time.DateOnly, key, Rome)
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

// check applies every rule but capacity to req, in the order a person would
// want to hear them.
func (d *DB) check(ctx context.Context, tx *sql.Tx, idx *spaceIndex, req BookingRequest, now time.Time, f facts) (plan, error) {
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
// transaction), from the tables otherwise. check reads a room inside the transaction
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
	if limit := dayKey(time.Date(y, m, dd+d.Rules.maxDaysAhead(), 12, 0, 0, 0, Rome)); day > limit {
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

// roomTaken reports whether a confirmed booking or a published event
// (other than exceptEvent, the one being moved) holds the room at any time
// of [from, to) on day.
func roomTaken(ctx context.Context, q queryer, spaceID, roomID, day string, from, to int, exceptEvent int64) (bool, error) {
	var one int
	err := q.QueryRowContext(ctx, `SELECT 1 FROM bookings WHERE space_id = ?1 AND room_id = ?2 AND day = ?3
		AND status = 'confirmed' AND start_min < ?4 AND end_min > ?5
		UNION ALL SELECT 1 FROM events WHERE space_id = ?1 AND room_id = ?2 AND day = ?3
		AND status = 'published' AND start_min < ?4 AND end_min > ?5 AND id <> ?6 LIMIT 1`, spaceID, roomID, day, to, from, exceptEvent).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}
