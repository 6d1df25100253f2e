package registry

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Closure is a stretch of days a provider closes a space, whatever its
// hours say: no booking can be made for them.
type Closure struct {
	ID          int64
	SpaceID     string
	First, Last time.Time // calendar dates, both included
	Note        string    // the provider's words, shown to whoever asks
}

// AddClosure closes a space from c.First to c.Last, for its provider, the
// staff or the operator. The bookings of those days that have not ended are
// cancelled and returned, for the chat to tell their people; the waiting
// lists of those days close.
func (d *DB) AddClosure(ctx context.Context, a Actor, c Closure) (Closure, []Booking, error) {
	first, last := dayKey(c.First), dayKey(c.Last)
	if c.First.IsZero() || c.Last.IsZero() || last < first {
		return Closure{}, nil, fmt.Errorf("closure %s to %s: %w", first, last, ErrInvalid)
	}
	if last < dayKey(d.now()) {
		return Closure{}, nil, fmt.Errorf("closure %s to %s is over: %w", first, last, ErrInvalid)
	}
	if err := checkReason(c.Note); err != nil {
		return Closure{}, nil, err
	}
	var cancelled []Booking
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := getSpace(ctx, tx, c.SpaceID); err != nil {
			return err
		}
		role, err := mustKeep(ctx, tx, a, c.SpaceID)
		if err != nil {
			return err
		}
		// The same days closed twice (a message sent again) are one closure.
		err = tx.QueryRowContext(ctx, `SELECT id FROM closures WHERE space_id = ? AND first_day = ? AND last_day = ?`,
			c.SpaceID, first, last).Scan(&c.ID)
		if err == nil {
			return nil
		} else if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		r, err := tx.ExecContext(ctx, `INSERT INTO closures (space_id, first_day, last_day, note, created_at) VALUES (?, ?, ?, ?, ?)`,
			c.SpaceID, first, last, c.Note, d.now().Unix())
		if err != nil {
			return err
		}
		if c.ID, err = r.LastInsertId(); err != nil {
			return err
		}
		if cancelled, err = d.cancelWhere(ctx, tx, cancelledByClosure, `space_id = ? AND day BETWEEN ? AND ?`, c.SpaceID, first, last); err != nil {
			return err
		}
		return d.audit(ctx, tx, a, role, ActionClosureAdd, c.SpaceID, nil,
			map[string]any{"id": c.ID, "first": first, "last": last, "note": c.Note}, "")
	})
	if err != nil {
		return Closure{}, nil, err
	}
	c.First, _ = d.dayOf(first)
	c.Last, _ = d.dayOf(last)
	return c, cancelled, nil
}

// RemoveClosure reopens what a closure closed, for the space's provider,
// the staff or the operator. It does not offer the days
// to the waitlist: ExpireOffers does not look at them either, as nobody could
// join a waitlist for a closed day.
func (d *DB) RemoveClosure(ctx context.Context, a Actor, id int64) error {
	return d.inTx(ctx, func(tx *sql.Tx) error {
		var space, first, last, note string
		err := tx.QueryRowContext(ctx, `SELECT space_id, first_day, last_day, note FROM closures WHERE id = ?`, id).Scan(&space, &first, &last, &note)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("closure %d: %w", id, ErrNotFound)
		}
		if err != nil {
			return err
		}
		role, err := mustKeep(ctx, tx, a, space)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM closures WHERE id = ?`, id); err != nil {
			return err
		}
		return d.audit(ctx, tx, a, role, ActionClosureRemove, space,
			map[string]any{"id": id, "first": first, "last": last, "note": note}, nil, "")
	})
}

// Closures returns a space's closures that end on or after from, soonest
// first.
func (d *DB) Closures(ctx context.Context, spaceID string, from time.Time) ([]Closure, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT id, space_id, first_day, last_day, note FROM closures
		WHERE space_id = ? AND last_day >= ? ORDER BY first_day, id`, spaceID, dayKey(from))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Closure{}
	for rows.Next() {
		var c Closure
		var first, last string
		if err := rows.Scan(&c.ID, &c.SpaceID, &first, &last, &c.Note); err != nil {
			return nil, err
		}
		if c.First, err = d.dayOf(first); err != nil {
			return nil, err
		}
		if c.Last, err = d.dayOf(last); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// closedOn reports whether a closure covers the day.
// longestClosure returns, as "last_day" || note, the provider's closure
// covering day that lasts longest, NULL when the day is not closed.
func longestClosure(ctx context.Context, q queryer, spaceID, day string) (sql.NullString, error) {
	var c sql.NullString
	err := q.QueryRowContext(ctx, `SELECT last_day || note FROM closures WHERE space_id = ?1 AND first_day <= ?2 AND last_day >= ?2
		ORDER BY last_day DESC LIMIT 1`, spaceID, day).Scan(&c)
	if errors.Is(err, sql.ErrNoRows) {
		return c, nil
	}
	return c, err
}

func closedOn(ctx context.Context, q queryer, spaceID, day string) (bool, error) {
	var one int
	err := q.QueryRowContext(ctx, `SELECT 1 FROM closures WHERE space_id = ? AND first_day <= ? AND last_day >= ? LIMIT 1`,
		spaceID, day, day).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}
