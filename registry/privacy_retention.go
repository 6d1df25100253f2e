package registry

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// Retention is how long the registry keeps what it keeps about people
// before the purge forgets it. The zero value of a field means its
// default.
type Retention struct {
	// Location is how long a shared location is kept (default 3 hours):
	// it serves the search that asked for it, and the next few.
	Location time.Duration
	// State is how long the conversation's state (a search, a booking in
	// the making) outlives the person's last message (default a day).
	State time.Duration
	// BookingMonths is how many months after its day a booking keeps its
	// person (default 12); then it is anonymised, and counts as before in
	// the comune's figures. Places in waiting lists for those days go.
	BookingMonths int
	// Deliveries is how long after an announcement finished the registry
	// remembers whom it went to (default 30 days); its counts stay.
	Deliveries time.Duration
	// Mail is how long a message kept for someone away from the console
	// chat waits to be read (default 30 days).
	Mail time.Duration
}

// The defaults of Retention.
const (
	DefaultLocationFor   = 3 * time.Hour
	DefaultStateFor      = 24 * time.Hour
	DefaultBookingMonths = 12
	DefaultDeliveriesFor = 30 * 24 * time.Hour
	DefaultMailFor       = 30 * 24 * time.Hour
)

// WithDefaults fills in the fields left zero.
func (r Retention) WithDefaults() Retention {
	if r.Location <= 0 {
		r.Location = DefaultLocationFor
	}
	if r.State <= 0 {
		r.State = DefaultStateFor
	}
	if r.BookingMonths <= 0 {
		r.BookingMonths = DefaultBookingMonths
	}
	if r.Deliveries <= 0 {
		r.Deliveries = DefaultDeliveriesFor
	}
	if r.Mail <= 0 {
		r.Mail = DefaultMailFor
	}
	return r
}

// Purged counts what a purge forgot (or, in a dry run, would forget).
type Purged struct {
	Locations   int64 // shared locations forgotten
	States      int64 // conversations' states emptied
	Bookings    int64 // past bookings anonymised
	Signups     int64 // sign-ups for past events anonymised
	WaitEntries int64 // places in waiting lists for days long past, with their offers
	Mail        int64 // messages that waited too long to be read
	Deliveries  int64 // deliveries of finished announcements, whose recipient is forgotten
}

// Zero reports whether the purge forgot nothing.
func (p Purged) Zero() bool { return p == Purged{} }

// Purge forgets what is older than the retention allows, as of the
// registry's clock: shared locations, conversations' states, the people of
// past bookings (anonymised as an erasure does, so the figures stay), the
// places in line for those days, unread messages, and whom finished
// announcements went to (PruneDeliveries). A dry run does it all in a
// transaction it rolls back, so its counts are exactly what a real purge
// would do now. The chat runs it on its ticker; the operator with
// coworkbot purge.
func (d *DB) Purge(ctx context.Context, r Retention, dryRun bool) (Purged, error) {
	r = r.WithDefaults()
	now := d.now()
	var p Purged
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		p = Purged{}
		exec := func(n *int64, query string, args ...any) error {
			res, err := tx.ExecContext(ctx, query, args...)
			if err != nil {
				return err
			}
			k, err := res.RowsAffected()
			*n += k
			return err
		}
		if err := exec(&p.Locations, `UPDATE users SET lat = NULL, lon = NULL, located_at = NULL WHERE located_at IS NOT NULL AND located_at < ?`,
			now.Add(-r.Location).Unix()); err != nil {
			return err
		}
		if err := exec(&p.States, `UPDATE users SET state = '{}' WHERE state <> '{}' AND updated_at < ?`, now.Add(-r.State).Unix()); err != nil {
			return err
		}
		cutoff := dayKey(BookingCutoff(now, r.BookingMonths))
		if err := exec(&p.Bookings, `UPDATE bookings SET user_id = 0, key = 'anon:' || id WHERE user_id <> 0 AND day < ?`, cutoff); err != nil {
			return err
		}
		if err := exec(&p.Signups, `UPDATE signups SET user_id = 0, key = 'anon:' || id WHERE user_id <> 0
			AND event_id IN (SELECT id FROM events WHERE day < ?)`, cutoff); err != nil {
			return err
		}
		var none int64
		if err := exec(&none, `DELETE FROM offers WHERE entry_id IN (SELECT id FROM waitlist WHERE day < ?)`, cutoff); err != nil {
			return err
		}
		if err := exec(&p.WaitEntries, `DELETE FROM waitlist WHERE day < ?`, cutoff); err != nil {
			return err
		}
		if err := exec(&none, `DELETE FROM event_offers WHERE entry_id IN (SELECT w.id FROM event_waitlist w
			JOIN events e ON e.id = w.event_id WHERE e.day < ?)`, cutoff); err != nil {
			return err
		}
		if err := exec(&p.WaitEntries, `DELETE FROM event_waitlist WHERE event_id IN (SELECT id FROM events WHERE day < ?)`, cutoff); err != nil {
			return err
		}
		if err := exec(&p.Mail, `DELETE FROM mailbox WHERE created_at < ?`, now.Add(-r.Mail).Unix()); err != nil {
			return err
		}
		if !dryRun {
			return nil
		}
		// What PruneDeliveries would forget (the same condition).
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM deliveries WHERE status <> 'pending' AND announcement_id IN
			(SELECT id FROM announcements WHERE status IN ('done', 'stopped') AND finished_at < ?)`,
			now.Add(-r.Deliveries).Unix()).Scan(&p.Deliveries); err != nil {
			return err
		}
		return errRollback
	})
	if dryRun && errors.Is(err, errRollback) {
		return p, nil
	}
	if err != nil {
		return p, err
	}
	p.Deliveries, err = d.PruneDeliveries(ctx, now.Add(-r.Deliveries))
	if err == nil && !p.Zero() {
		d.checkpoint(ctx, false)
	}
	return p, err
}

// BookingCutoff is the first day whose bookings keep their people, months
// months before now: the bookings of earlier days are anonymised.
func BookingCutoff(now time.Time, months int) time.Time {
	now = now.In(Rome)
	return time.Date(now.Year(), now.Month()-time.Month(months), now.Day(), 12, 0, 0, 0, Rome)
}
