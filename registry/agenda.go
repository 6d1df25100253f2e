package registry

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// AgendaEntry is a booking as its space's provider sees it: the person's
// first name only, never their Telegram id.
type AgendaEntry struct {
	Booking
	FirstName string
}

// Agenda returns the confirmed bookings of a space on the days from from to
// to (calendar dates, both included), in order, with the first names of
// their people, for its provider or the staff. The staff reading another's
// space is recorded in the audit log (ActionReadBooking).
func (d *DB) Agenda(ctx context.Context, a Actor, spaceID string, from, to time.Time) ([]AgendaEntry, error) {
	role, err := mustKeep(ctx, d.db, a, spaceID)
	if err != nil {
		return nil, err
	}
	if err := d.recordRead(ctx, a, role, ActionReadBooking, spaceID, map[string]any{"from": dayKey(from), "to": dayKey(to)}); err != nil {
		return nil, err
	}
	rows, err := d.db.QueryContext(ctx, `SELECT `+prefixed("b.", bookingColumns)+`, coalesce(u.first_name, '')
		FROM bookings b LEFT JOIN users u ON u.id = b.user_id
		WHERE b.space_id = ? AND b.status = 'confirmed' AND b.day BETWEEN ? AND ?
		ORDER BY b.day, b.start_min, b.room_id, b.id`, spaceID, dayKey(from), dayKey(to))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []AgendaEntry{}
	for rows.Next() {
		var e AgendaEntry
		var name string
		b, err := d.scanBooking(rowWith{rows, &name})
		if err != nil {
			return nil, err
		}
		e.Booking, e.FirstName = b, name
		out = append(out, e)
	}
	return out, rows.Err()
}

// rowWith scans a row whose last column is extra, after a booking's.
type rowWith struct {
	r     scanner
	extra any
}

func (w rowWith) Scan(dest ...any) error { return w.r.Scan(append(dest, w.extra)...) }

// prefixed qualifies each column of a list with a table's alias.
func prefixed(alias, columns string) string {
	parts := strings.Split(columns, ",")
	for i, p := range parts {
		parts[i] = alias + strings.TrimSpace(p)
	}
	return strings.Join(parts, ", ")
}

// SlotLeft is how many desks stay free during all of a slot of a day.
type SlotLeft struct {
	Slot     Slot
	From, To int // the slot's hours that day
	Left     int
}

// SlotsLeft returns, for each slot a space has on a day, the desks free
// during all of it.
func (d *DB) SlotsLeft(ctx context.Context, spaceID string, day time.Time) ([]SlotLeft, error) {
	s, err := d.Space(ctx, spaceID)
	if err != nil {
		return nil, err
	}
	var out []SlotLeft
	for _, slot := range []Slot{Morning, Afternoon, FullDay} {
		span, ok := SlotHours(&s, day, slot, d.Calendar)
		if !ok {
			continue
		}
		left, err := leftIn(ctx, d.db, &s, dayKey(day), span.From, span.To, d.now(), 0)
		if err != nil {
			return nil, err
		}
		out = append(out, SlotLeft{Slot: slot, From: span.From, To: span.To, Left: max(left, 0)})
	}
	return out, nil
}

// Notified returns the providers of a space who want to hear of each
// booking and cancellation.
func (d *DB) Notified(ctx context.Context, spaceID string) ([]int64, error) {
	return d.ids(ctx, `SELECT user_id FROM providers WHERE space_id = ? AND muted = 0 ORDER BY user_id`, spaceID)
}

// SpaceFigures are a space's numbers for the comune, with no one's name.
type SpaceFigures struct {
	SpaceID, Name   string
	Status          Status
	Bookings        int // confirmed bookings for days of the month
	CancelledByUser int // cancelled by their people
}

// Figures returns, for the staff, each space's bookings for the days of the
// month that month names (any day in it), by space, anonymised.
func (d *DB) Figures(ctx context.Context, a Actor, month time.Time) ([]SpaceFigures, error) {
	if _, err := mustBeStaff(ctx, d.db, a); err != nil {
		return nil, err
	}
	first := time.Date(month.Year(), month.Month(), 1, 12, 0, 0, 0, Rome)
	last := first.AddDate(0, 1, -1)
	rows, err := d.db.QueryContext(ctx, `SELECT s.id, s.name, s.status,
		coalesce(sum(b.status = 'confirmed'), 0), coalesce(sum(b.status = 'cancelled' AND b.cancelled_by IN ('', 'user')), 0)
		FROM spaces s LEFT JOIN bookings b ON b.space_id = s.id AND b.day BETWEEN ? AND ?
		GROUP BY s.id ORDER BY s.name, s.id`, dayKey(first), dayKey(last))
	if err != nil {
		return nil, fmt.Errorf("figures: %w", err)
	}
	defer rows.Close()
	out := []SpaceFigures{}
	for rows.Next() {
		var f SpaceFigures
		if err := rows.Scan(&f.SpaceID, &f.Name, &f.Status, &f.Bookings, &f.CancelledByUser); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}
