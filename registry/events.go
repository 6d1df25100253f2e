package registry

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Events and courses. Each Event is one meeting: a one-off event is a series
// of one, and a weekly course of N meetings is N events sharing a SeriesID,
// published together. Every meeting has its own seats, sign-ups, time,
// status and sequence, so any one of them can be listed, signed up for,
// moved or cancelled; a request can also take in the later meetings of its
// course (SignupRequest.Series, and the following argument of EditEvent,
// CancelEvent and CancelSignup).

// EventStatus is where an event stands. Events are never deleted.
type EventStatus string

// The statuses of an event.
const (
	EventPublished EventStatus = "published"
	EventCancelled EventStatus = "cancelled"
)

// Unlimited is the Seats of an event open to anyone: sign-ups are counted,
// never refused for want of seats.
const Unlimited = 0

// Limits on an event. Lengths count characters.
const (
	MaxEventTitle       = 120
	MaxEventDescription = MaxDescription
	MaxEventPhoto       = 256 // a Telegram file id is well under 100 bytes
	MaxMeetings         = 52  // a weekly course of a year
	MaxEventSeats       = 10000
)

// EventRules are the limits sign-ups respect; the zero value means the
// defaults.
type EventRules struct {
	MaxPeople int           // people one sign-up may bring; 0 means 4
	OfferFor  time.Duration // how long a waitlist offer holds its seats; 0 means 2 hours
}

// DefaultMaxPeople is how many people one sign-up may bring by default.
const DefaultMaxPeople = 4

func (r EventRules) maxPeople() int { return cmpOr(r.MaxPeople, DefaultMaxPeople) }
func (r EventRules) offerFor() time.Duration {
	if r.OfferFor <= 0 {
		return DefaultOfferFor
	}
	return r.OfferFor
}

// Event is one meeting of an event or a course, in a listed space.
type Event struct {
	ID       int64
	SeriesID int64 // the ID of the first meeting of its course; its own ID for a one-off
	Meeting  int   // which meeting of its course, from 1
	Meetings int   // how many meetings its course has; 1 for a one-off

	SpaceID     string
	RoomID      string // "" when it names no room
	Title       string
	Description string
	Lang        string // the language it is held in: "it", "en"…
	Photo       string // a file id the bot keeps; opaque here

	Day        time.Time // midnight in Rome
	From, To   int       // wall-clock minutes on Day
	Seats      int       // Unlimited, or how many people may come
	PriceCents int       // 0: free

	Status       EventStatus
	Sequence     int // raised on every change of time, place or status (iCalendar's SEQUENCE)
	CreatedBy    Actor
	Created      time.Time
	Updated      time.Time
	Cancelled    time.Time // zero unless cancelled
	CancelReason string    // the provider's words, when they gave some

	Taken int // people signed up
	Held  int // seats held by open waitlist offers
	Left  int // seats left to sign up for (Seats - Taken - Held, at least 0); see Limited
}

// Limited reports whether the event has a number of seats.
func (e Event) Limited() bool { return e.Seats != Unlimited }

// Free reports whether the event costs nothing.
func (e Event) Free() bool { return e.PriceCents == 0 }

// Start is the instant the meeting begins.
func (e Event) Start() time.Time { return wallClock(e.Day, e.From) }

// End is the instant the meeting ends.
func (e Event) End() time.Time { return wallClock(e.Day, e.To) }

// Draft is the event as a draft, to edit it.
func (e Event) Draft() EventDraft {
	return EventDraft{SpaceID: e.SpaceID, RoomID: e.RoomID, Title: e.Title, Description: e.Description, Lang: e.Lang,
		Photo: e.Photo, Day: e.Day, From: e.From, To: e.To, Meetings: e.Meetings, Seats: e.Seats, PriceCents: e.PriceCents}
}

// EventDraft is an event to publish, or the new state of one to edit.
type EventDraft struct {
	SpaceID     string
	RoomID      string // optional: a room of the space
	Title       string // 1 to MaxEventTitle characters; white space runs become one space
	Description string // at most MaxEventDescription characters
	Lang        string // the language it is held in, two lower-case letters
	Photo       string // optional, opaque

	Day      time.Time // the calendar date of Day, in Day's location: the first meeting's
	From, To int       // wall-clock minutes in Rome, 0 to 1440, From before To
	Meetings int       // weekly meetings, the first included; 0 or 1 for a one-off

	Seats      int // Unlimited, or 1 to MaxEventSeats (and no more than the room holds)
	PriceCents int // 0: free
}

// The fields of an event, as Problems and EventEdit.Changed name them.
const (
	EventFieldSpace       = "space"
	EventFieldRoom        = "room"
	EventFieldTitle       = "title"
	EventFieldDescription = "description"
	EventFieldLang        = "lang"
	EventFieldPhoto       = "photo"
	EventFieldDay         = "day"
	EventFieldStart       = "start"
	EventFieldEnd         = "end"
	EventFieldMeetings    = "meetings"
	EventFieldSeats       = "seats"
	EventFieldPrice       = "price"
	EventFieldTime        = "time" // in EventEdit.Changed: the day, the start or the end
)

// Problem codes of an event's fields, besides ProbMissing, ProbTooLong
// (Value is the limit), ProbBadLanguage, ProbNegative, ProbControlChar and
// ProbReplacementChar. See EventProblemCodes.
const (
	EventProbNotOneDay  = "event_not_one_day"        // start, end: a meeting lies within its day, 00:00 to 24:00
	EventProbEndBefore  = "event_end_before_start"   // end: not after the start
	EventProbPast       = "event_past"               // start: that time has passed
	EventProbTooFar     = "event_too_far"            // start: more than a year ahead; Value is the last day allowed, YYYY-MM-DD
	EventProbMeetings   = "event_meetings"           // meetings: more than MaxMeetings; Value is the limit
	EventProbSeats      = "event_seats"              // seats: more than the room holds (or MaxEventSeats), or unlimited in a room; Value is the most allowed
	EventProbSeatsTaken = "event_seats_taken"        // seats: fewer than the people signed up or holding an offer; Value is how many they are
	EventProbRoom       = "event_unknown_room"       // room: not a room of the space; Value is the room's id
	EventProbRoomTaken  = "event_room_taken"         // room: someone booked it for part of that time; Value is the day, YYYY-MM-DD
	EventProbSpace      = "event_space_not_approved" // space: suspended or not yet approved
	EventProbFixed      = "event_fixed"              // space, meetings: what an edit cannot change
)

// EventProblemCodes lists every code an event's Problems can have, so that
// a caller can check it has words for each.
var EventProblemCodes = []string{ProbMissing, ProbTooLong, ProbBadLanguage, ProbNegative, ProbControlChar,
	ProbReplacementChar, EventProbNotOneDay, EventProbEndBefore, EventProbPast, EventProbTooFar, EventProbMeetings,
	EventProbSeats, EventProbSeatsTaken, EventProbRoom, EventProbRoomTaken, EventProbSpace, EventProbFixed}

// normalize tidies what people type: white space around texts, runs of it
// in the title, the language's case.
func (dr *EventDraft) normalize() {
	dr.SpaceID, dr.RoomID = strings.TrimSpace(dr.SpaceID), strings.TrimSpace(dr.RoomID)
	dr.Title = strings.Join(strings.Fields(dr.Title), " ")
	dr.Description = strings.TrimSpace(dr.Description)
	dr.Lang = strings.ToLower(strings.TrimSpace(dr.Lang))
	dr.Photo = strings.TrimSpace(dr.Photo)
	if dr.Meetings == 0 {
		dr.Meetings = 1
	}
}

// lastDayAhead is the last day an event may take place on, seen at now: a
// year ahead.
func lastDayAhead(now time.Time) string { return dayKey(now.AddDate(1, 0, 0)) }

// problems checks a normalized draft against the space it is in, at now.
// It says every problem found, each with its field.
func (dr *EventDraft) problems(s *Space, now time.Time) []Problem {
	var ps []Problem
	add := func(field, code, value string) { ps = append(ps, Problem{Field: field, Code: code, Value: value}) }
	text := func(field, v string, max int, required bool) {
		switch {
		case v == "" && required:
			add(field, ProbMissing, "")
		case utf8.RuneCountInString(v) > max:
			add(field, ProbTooLong, strconv.Itoa(max))
		}
		if p := textProblem(v); p != nil {
			add(field, p.Code, p.Value)
		}
	}
	if s.Status != Approved {
		add(EventFieldSpace, EventProbSpace, s.ID)
	}
	text(EventFieldTitle, dr.Title, MaxEventTitle, true)
	text(EventFieldDescription, dr.Description, MaxEventDescription, false)
	text(EventFieldPhoto, dr.Photo, MaxEventPhoto, false)
	switch {
	case dr.Lang == "":
		add(EventFieldLang, ProbMissing, "")
	case len(dr.Lang) != 2 || dr.Lang[0] < 'a' || dr.Lang[0] > 'z' || dr.Lang[1] < 'a' || dr.Lang[1] > 'z':
		add(EventFieldLang, ProbBadLanguage, dr.Lang)
	}
	var room *Room
	if dr.RoomID != "" {
		if r, ok := s.Room(dr.RoomID); ok {
			room = &r
		} else {
			add(EventFieldRoom, EventProbRoom, dr.RoomID)
		}
	}
	switch most := MaxEventSeats; {
	case dr.Seats < 0:
		add(EventFieldSeats, ProbNegative, strconv.Itoa(dr.Seats))
	case room != nil && (dr.Seats == Unlimited || dr.Seats > room.Seats):
		add(EventFieldSeats, EventProbSeats, strconv.Itoa(room.Seats))
	case dr.Seats > most:
		add(EventFieldSeats, EventProbSeats, strconv.Itoa(most))
	}
	if dr.PriceCents < 0 {
		add(EventFieldPrice, ProbNegative, formatEUR(dr.PriceCents))
	}
	if dr.Meetings < 0 || dr.Meetings > MaxMeetings {
		add(EventFieldMeetings, EventProbMeetings, strconv.Itoa(MaxMeetings))
	}
	if dr.Day.IsZero() {
		add(EventFieldDay, ProbMissing, "")
		return ps
	}
	switch {
	case dr.From < 0 || dr.From >= 24*60:
		add(EventFieldStart, EventProbNotOneDay, strconv.Itoa(dr.From))
	case dr.To > 24*60:
		add(EventFieldEnd, EventProbNotOneDay, strconv.Itoa(dr.To))
	case dr.To <= dr.From:
		add(EventFieldEnd, EventProbEndBefore, strconv.Itoa(dr.To))
	default:
		day := meetingDay(dr.Day, 0)
		if start := wallClock(day, dr.From); !now.Before(start) {
			add(EventFieldStart, EventProbPast, dayKey(day))
		}
		last := lastDayAhead(now)
		if dayKey(meetingDay(dr.Day, max(dr.Meetings, 1)-1)) > last {
			add(EventFieldStart, EventProbTooFar, last)
		}
	}
	return ps
}

// roomProblems says on which of days the room of dr is taken (by a room
// booking or another event than except) during its hours: the first such
// day, or none.
func roomProblems(ctx context.Context, tx *sql.Tx, dr EventDraft, except int64, days ...time.Time) ([]Problem, error) {
	ps := []Problem{}
	if dr.RoomID == "" {
		return ps, nil
	}
	for _, day := range days {
		taken, err := roomTaken(ctx, tx, dr.SpaceID, dr.RoomID, dayKey(day), dr.From, dr.To, except)
		if err != nil {
			return nil, err
		}
		if taken {
			return append(ps, Problem{Field: EventFieldRoom, Code: EventProbRoomTaken, Value: dayKey(day)}), nil
		}
	}
	return ps, nil
}

// meetingDay is midnight in Rome of the k-th weekly meeting (0 is the
// first) of a course whose first meeting is on first's calendar date: the
// same weekday, 7k days later, whatever the daylight saving time.
func meetingDay(first time.Time, k int) time.Time {
	y, m, d := first.Date()
	return time.Date(y, m, d+7*k, 0, 0, 0, 0, Rome)
}

// PublishEvent publishes an event, or a weekly course as one event a
// meeting, for the space's provider or the staff (any space) or the
// operator, in one transaction with its audit entry. The draft is checked
// first: Problems (ErrInvalid) says everything wrong with it. It returns the
// meetings published, in order.
func (d *DB) PublishEvent(ctx context.Context, a Actor, dr EventDraft) ([]Event, error) {
	dr.normalize()
	now := d.now()
	var out []Event
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		out = nil
		role, err := mustKeep(ctx, tx, a, dr.SpaceID)
		if err != nil {
			return err
		}
		s, err := getSpace(ctx, tx, dr.SpaceID)
		if err != nil {
			return err
		}
		ps := dr.problems(&s, now)
		if len(ps) == 0 {
			days := make([]time.Time, dr.Meetings)
			for k := range days {
				days[k] = meetingDay(dr.Day, k)
			}
			if ps, err = roomProblems(ctx, tx, dr, 0, days...); err != nil {
				return err
			}
		}
		if len(ps) > 0 {
			return Problems(ps)
		}
		var series int64
		for k := range dr.Meetings {
			r, err := tx.ExecContext(ctx, `INSERT INTO events (series_id, meeting, meetings, space_id, room_id, title, description,
				lang, photo, day, start_min, end_min, seats, price_cents, status, search, created_by, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'published', ?, ?, ?, ?)`,
				series, k+1, dr.Meetings, dr.SpaceID, dr.RoomID, dr.Title, dr.Description, dr.Lang, dr.Photo,
				dayKey(meetingDay(dr.Day, k)), dr.From, dr.To, dr.Seats, dr.PriceCents, searchText(dr.Title, dr.Description),
				a.id(), now.Unix(), now.Unix())
			if err != nil {
				return err
			}
			if k == 0 {
				if series, err = r.LastInsertId(); err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, `UPDATE events SET series_id = ? WHERE id = ?`, series, series); err != nil {
					return err
				}
			}
		}
		if out, err = d.eventsWhere(ctx, tx, now, `e.series_id = ? ORDER BY e.meeting`, series); err != nil {
			return err
		}
		return d.audit(ctx, tx, a, role, ActionEventPublish, dr.SpaceID, nil, eventAudit(out), "")
	})
	return out, err
}

// eventAudit is what the audit log keeps of some meetings.
func eventAudit(es []Event) map[string]any {
	ids := make([]int64, len(es))
	days := make([]string, len(es))
	for i, e := range es {
		ids[i], days[i] = e.ID, dayKey(e.Day)
	}
	if len(es) == 0 {
		return map[string]any{"events": ids}
	}
	e := es[0]
	return map[string]any{"events": ids, "days": days, "title": e.Title, "room": e.RoomID, "start": e.From, "end": e.To,
		"seats": e.Seats, "price_cents": e.PriceCents, "lang": e.Lang, "status": e.Status}
}

// EventEdit is what EditEvent did.
type EventEdit struct {
	Events  []Event  // the meetings edited, as they are now
	Changed []string // the fields that changed (EventFieldTime for the day or the hours), in a fixed order
	// Concerned are the confirmed sign-ups of the meetings whose time,
	// room, price, title or language changed, each with its meeting as it
	// is now: the people to tell, in their language.
	Concerned []Signup
	Offers    []EventOffer // made to the waitlist by seats added
}

// eventToKeep reads an event in tx and the role by which a may change it
// (provider of its space, or staff); anyone else is refused here, inside
// the transaction that would change it.
func (d *DB) eventToKeep(ctx context.Context, tx *sql.Tx, a Actor, id int64, now time.Time) (Event, Role, error) {
	e, err := d.eventWhere(ctx, tx, now, `e.id = ?`, id)
	if err != nil {
		return Event{}, "", err
	}
	role, err := mustKeep(ctx, tx, a, e.SpaceID)
	return e, role, err
}

// EditEvent applies fn to the draft of a meeting and stores what it
// changed, for the space's provider, the staff or the operator, in one
// transaction with its audit entry. With following, the same changes apply
// to the later meetings of its course that have not begun and are not
// cancelled: a new day moves each of them by as many days, and a field fn
// left alone keeps each meeting's own value. The space and the number of
// meetings cannot change (EventProbFixed); seats may not drop below the
// people signed up or holding an offer (EventProbSeatsTaken: the edit is
// refused, nobody is turned away). A meeting that has begun or is
// cancelled gives ErrClosed. Each meeting whose time or room changed gets
// its sequence raised.
func (d *DB) EditEvent(ctx context.Context, a Actor, id int64, following bool, fn func(*EventDraft) error) (EventEdit, error) {
	now := d.now()
	var out EventEdit
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		out = EventEdit{}
		e, role, err := d.eventToKeep(ctx, tx, a, id, now)
		if err != nil {
			return err
		}
		if e.Status == EventCancelled {
			return fmt.Errorf("event %d is cancelled: %w", id, ErrClosed)
		}
		if !now.Before(e.Start()) {
			return fmt.Errorf("event %d has begun: %w", id, ErrClosed)
		}
		old := e.Draft()
		nd := old
		if err := fn(&nd); err != nil {
			return err
		}
		nd.normalize()
		var ps []Problem
		if nd.SpaceID != old.SpaceID {
			ps = append(ps, Problem{Field: EventFieldSpace, Code: EventProbFixed, Value: nd.SpaceID})
		}
		if nd.Meetings != old.Meetings {
			ps = append(ps, Problem{Field: EventFieldMeetings, Code: EventProbFixed, Value: strconv.Itoa(nd.Meetings)})
		}
		if len(ps) > 0 {
			return Problems(ps)
		}
		s, err := getSpace(ctx, tx, e.SpaceID)
		if err != nil {
			return err
		}
		targets := []Event{e}
		if following {
			later, err := d.eventsWhere(ctx, tx, now, `e.series_id = ? AND e.meeting > ? AND e.status = 'published'
				AND (e.day > ? OR (e.day = ? AND e.start_min > ?)) ORDER BY e.meeting`,
				e.SeriesID, e.Meeting, dayKey(now), dayKey(now), minuteOf(now))
			if err != nil {
				return err
			}
			targets = append(targets, later...)
		}
		shift := daysBetween(old.Day, nd.Day)
		var before, after []Event
		changed := map[string]bool{}
		for _, t := range targets {
			td := t.Draft()
			nt := applyEdit(td, old, nd, shift)
			nt.Meetings = 1 // each meeting is checked on its own
			for _, p := range nt.problems(&s, now) {
				p.ID = strconv.FormatInt(t.ID, 10)
				ps = append(ps, p)
			}
			if nt.Seats != td.Seats && nt.Seats != Unlimited && nt.Seats < t.Taken+t.Held {
				ps = append(ps, Problem{ID: strconv.FormatInt(t.ID, 10), Field: EventFieldSeats, Code: EventProbSeatsTaken,
					Value: strconv.Itoa(t.Taken + t.Held)})
			}
			nt.Meetings = t.Meetings
			fields := draftDiff(td, nt)
			if len(fields) == 0 {
				continue
			}
			if containsAny(fields, EventFieldTime, EventFieldRoom) {
				taken, err := roomProblems(ctx, tx, nt, t.ID, nt.Day)
				if err != nil {
					return err
				}
				for _, p := range taken {
					p.ID = strconv.FormatInt(t.ID, 10)
					ps = append(ps, p)
				}
			}
			for _, f := range fields {
				changed[f] = true
			}
			bump := 0
			if containsAny(fields, EventFieldTime, EventFieldRoom) {
				bump = 1
			}
			if len(ps) > 0 {
				continue // report every problem, write nothing
			}
			if _, err := tx.ExecContext(ctx, `UPDATE events SET room_id = ?, title = ?, description = ?, lang = ?, photo = ?,
				day = ?, start_min = ?, end_min = ?, seats = ?, price_cents = ?, search = ?, sequence = sequence + ?, updated_at = ?
				WHERE id = ?`, nt.RoomID, nt.Title, nt.Description, nt.Lang, nt.Photo, dayKey(nt.Day), nt.From, nt.To,
				nt.Seats, nt.PriceCents, searchText(nt.Title, nt.Description), bump, now.Unix(), t.ID); err != nil {
				return err
			}
			if containsAny(fields, EventFieldTime) {
				// A reminder already sent was for the old time: the new
				// one is reminded in its turn.
				if _, err := tx.ExecContext(ctx, `UPDATE signups SET reminded_at = NULL
					WHERE event_id = ? AND status = 'confirmed'`, t.ID); err != nil {
					return err
				}
			}
			before = append(before, t)
			now2, err := d.eventWhere(ctx, tx, now, `e.id = ?`, t.ID)
			if err != nil {
				return err
			}
			after = append(after, now2)
			if containsAny(fields, EventFieldTime, EventFieldRoom, EventFieldPrice, EventFieldTitle, EventFieldLang) {
				sg, err := d.signupsWhere(ctx, tx, now, `s.event_id = ? AND s.status = 'confirmed' ORDER BY s.id`, t.ID)
				if err != nil {
					return err
				}
				out.Concerned = append(out.Concerned, sg...)
			}
			if nt.Seats != td.Seats { // more seats, or fewer but some still free: offer them
				offers, err := d.offerNextEvent(ctx, tx, t.ID, now)
				if err != nil {
					return err
				}
				out.Offers = append(out.Offers, offers...)
			}
		}
		if len(ps) > 0 {
			return Problems(ps)
		}
		for _, f := range []string{EventFieldTitle, EventFieldDescription, EventFieldLang, EventFieldPhoto, EventFieldTime,
			EventFieldRoom, EventFieldSeats, EventFieldPrice} {
			if changed[f] {
				out.Changed = append(out.Changed, f)
			}
		}
		if out.Events, err = d.reread(ctx, tx, now, targets); err != nil {
			return err
		}
		if len(after) == 0 {
			return nil
		}
		return d.audit(ctx, tx, a, role, ActionEventEdit, e.SpaceID, eventAudit(before), eventAudit(after), "")
	})
	return out, err
}

// applyEdit gives meeting td the changes that an edit made from old to nd:
// each field nd changed takes nd's value, the day moves by shift days.
func applyEdit(td, old, nd EventDraft, shift int) EventDraft {
	if nd.RoomID != old.RoomID {
		td.RoomID = nd.RoomID
	}
	if nd.Title != old.Title {
		td.Title = nd.Title
	}
	if nd.Description != old.Description {
		td.Description = nd.Description
	}
	if nd.Lang != old.Lang {
		td.Lang = nd.Lang
	}
	if nd.Photo != old.Photo {
		td.Photo = nd.Photo
	}
	if nd.From != old.From || nd.To != old.To {
		td.From, td.To = nd.From, nd.To
	}
	if nd.Seats != old.Seats {
		td.Seats = nd.Seats
	}
	if nd.PriceCents != old.PriceCents {
		td.PriceCents = nd.PriceCents
	}
	y, m, dd := td.Day.Date()
	td.Day = time.Date(y, m, dd+shift, 0, 0, 0, 0, Rome)
	return td
}

// draftDiff names the fields where two drafts of one meeting differ.
func draftDiff(a, b EventDraft) []string {
	var out []string
	add := func(differ bool, f string) {
		if differ {
			out = append(out, f)
		}
	}
	add(a.Title != b.Title, EventFieldTitle)
	add(a.Description != b.Description, EventFieldDescription)
	add(a.Lang != b.Lang, EventFieldLang)
	add(a.Photo != b.Photo, EventFieldPhoto)
	add(dayKey(a.Day) != dayKey(b.Day) || a.From != b.From || a.To != b.To, EventFieldTime)
	add(a.RoomID != b.RoomID, EventFieldRoom)
	add(a.Seats != b.Seats, EventFieldSeats)
	add(a.PriceCents != b.PriceCents, EventFieldPrice)
	return out
}

func containsAny(list []string, vs ...string) bool {
	for _, v := range vs {
		for _, l := range list {
			if l == v {
				return true
			}
		}
	}
	return false
}

// daysBetween is the number of calendar days from a's date to b's.
func daysBetween(a, b time.Time) int {
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	return int(time.Date(by, bm, bd, 0, 0, 0, 0, time.UTC).Sub(time.Date(ay, am, ad, 0, 0, 0, 0, time.UTC)) / (24 * time.Hour))
}

// reread reads events again, as they are now in tx.
func (d *DB) reread(ctx context.Context, q queryer, now time.Time, es []Event) ([]Event, error) {
	out := make([]Event, 0, len(es))
	for _, e := range es {
		n, err := d.eventWhere(ctx, q, now, `e.id = ?`, e.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, nil
}

// EventCancellation is what CancelEvent did.
type EventCancellation struct {
	Events  []Event          // the meetings cancelled, as they are now
	Signups []Signup         // the sign-ups cancelled with them, each with its meeting
	Waiting []EventWaitEntry // the people who were waiting for a place, taken out of line
}

// CancelEvent cancels a meeting and, with following, the later meetings of
// its course that have not begun, for the space's provider, the staff or
// the operator, in one transaction with its audit entry. Their sign-ups are
// cancelled and their waiting lists closed; all are returned, for the chat
// to tell each person in their language. reason is kept with the event and
// in the audit log. Cancelling twice cancels nothing more; a meeting that
// has begun gives ErrClosed.
func (d *DB) CancelEvent(ctx context.Context, a Actor, id int64, following bool, reason string) (EventCancellation, error) {
	now := d.now()
	reason = strings.TrimSpace(reason)
	var out EventCancellation
	if err := checkReason(reason); err != nil {
		return out, err
	}
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		out = EventCancellation{}
		e, role, err := d.eventToKeep(ctx, tx, a, id, now)
		if err != nil {
			return err
		}
		if !now.Before(e.Start()) {
			return fmt.Errorf("event %d has begun: %w", id, ErrClosed)
		}
		var targets []Event
		if e.Status == EventPublished {
			targets = append(targets, e)
		}
		if following {
			later, err := d.eventsWhere(ctx, tx, now, `e.series_id = ? AND e.meeting > ? AND e.status = 'published'
				AND (e.day > ? OR (e.day = ? AND e.start_min > ?)) ORDER BY e.meeting`,
				e.SeriesID, e.Meeting, dayKey(now), dayKey(now), minuteOf(now))
			if err != nil {
				return err
			}
			targets = append(targets, later...)
		}
		if len(targets) == 0 {
			return nil
		}
		for _, t := range targets {
			if _, err := tx.ExecContext(ctx, `UPDATE events SET status = 'cancelled', cancelled_at = ?, cancel_reason = ?,
				sequence = sequence + 1, updated_at = ? WHERE id = ?`, now.Unix(), reason, now.Unix(), t.ID); err != nil {
				return err
			}
			sg, err := d.signupsWhere(ctx, tx, now, `s.event_id = ? AND s.status = 'confirmed' ORDER BY s.id`, t.ID)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE signups SET status = 'cancelled', cancelled_at = ?, cancelled_by = ?
				WHERE event_id = ? AND status = 'confirmed'`, now.Unix(), cancelledByEvent, t.ID); err != nil {
				return err
			}
			for i := range sg {
				sg[i].Status, sg[i].Cancelled, sg[i].CancelledBy = Cancelled, now.Truncate(time.Second), cancelledByEvent
			}
			out.Signups = append(out.Signups, sg...)
			waiting, err := d.closeEventLine(ctx, tx, now, t.ID)
			if err != nil {
				return err
			}
			out.Waiting = append(out.Waiting, waiting...)
		}
		if out.Events, err = d.reread(ctx, tx, now, targets); err != nil {
			return err
		}
		for i := range out.Signups {
			for _, n := range out.Events {
				if out.Signups[i].EventID == n.ID {
					out.Signups[i].Event = n
				}
			}
		}
		return d.audit(ctx, tx, a, role, ActionEventCancel, e.SpaceID, eventAudit(targets), eventAudit(out.Events), reason)
	})
	return out, err
}

// cancelledByEvent is why the registry cancelled a sign-up: its event was.
const cancelledByEvent = "event"

// Event returns the meeting with the given id, whatever its status.
func (d *DB) Event(ctx context.Context, id int64) (Event, error) {
	return d.eventWhere(ctx, d.db, d.now(), `e.id = ?`, id)
}

// Series returns every meeting of a course (or the one meeting of a
// one-off event), in order.
func (d *DB) Series(ctx context.Context, seriesID int64) ([]Event, error) {
	es, err := d.eventsWhere(ctx, d.db, d.now(), `e.series_id = ? ORDER BY e.meeting`, seriesID)
	if err == nil && len(es) == 0 {
		err = fmt.Errorf("series %d: %w", seriesID, ErrNotFound)
	}
	return es, err
}

// eventSelect reads events with the people signed up and the seats held by
// open offers; its first parameter (?1) is now, in Unix seconds.
const eventSelect = `SELECT e.id, e.series_id, e.meeting, e.meetings, e.space_id, e.room_id, e.title, e.description,
	e.lang, e.photo, e.day, e.start_min, e.end_min, e.seats, e.price_cents, e.status, e.sequence, e.created_by,
	e.created_at, e.updated_at, e.cancelled_at, e.cancel_reason,
	(SELECT coalesce(sum(s.people), 0) FROM signups s WHERE s.event_id = e.id AND s.status = 'confirmed'),
	(SELECT coalesce(sum(w.people), 0) FROM event_waitlist w WHERE w.event_id = e.id
		AND w.id IN (SELECT entry_id FROM event_offers WHERE status = 'open' AND expires_at > ?1))`

// scanEvent reads a row of eventSelect, then extra columns.
func (d *DB) scanEvent(r scanner, extra ...any) (Event, error) {
	var e Event
	var day string
	var by, cancelled sql.NullInt64
	var created, updated int64
	dest := []any{&e.ID, &e.SeriesID, &e.Meeting, &e.Meetings, &e.SpaceID, &e.RoomID, &e.Title, &e.Description,
		&e.Lang, &e.Photo, &day, &e.From, &e.To, &e.Seats, &e.PriceCents, &e.Status, &e.Sequence, &by,
		&created, &updated, &cancelled, &e.CancelReason, &e.Taken, &e.Held}
	if err := r.Scan(append(dest, extra...)...); err != nil {
		return Event{}, err
	}
	var err error
	if e.Day, err = d.dayOf(day); err != nil {
		return Event{}, fmt.Errorf("event %d: day %q: %w", e.ID, day, err)
	}
	e.CreatedBy = actorOf(by)
	e.Created, e.Updated = time.Unix(created, 0).In(Rome), time.Unix(updated, 0).In(Rome)
	if cancelled.Valid {
		e.Cancelled = time.Unix(cancelled.Int64, 0).In(Rome)
	}
	if e.Limited() {
		e.Left = max(e.Seats-e.Taken-e.Held, 0)
	}
	return e, nil
}

func (d *DB) eventWhere(ctx context.Context, q queryer, now time.Time, where string, args ...any) (Event, error) {
	e, err := d.scanEvent(q.QueryRowContext(ctx, eventSelect+` FROM events e WHERE `+where, append([]any{now.Unix()}, args...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return Event{}, fmt.Errorf("event %v: %w", args, ErrNotFound)
	}
	return e, err
}

func (d *DB) eventsWhere(ctx context.Context, q queryer, now time.Time, where string, args ...any) ([]Event, error) {
	return queryAll(ctx, q, eventSelect+` FROM events e WHERE `+where, append([]any{now.Unix()}, args...), d.scanEvent)
}

// queryAll runs a query and reads every row of it with scan.
func queryAll[T any](ctx context.Context, q queryer, query string, args []any, scan func(scanner, ...any) (T, error)) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		x, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}
