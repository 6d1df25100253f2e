package registry

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// DueReminders returns, once 18:00 has passed in Rome, tomorrow's confirmed
// bookings not reminded yet whose person has not turned reminders off.
func (d *DB) DueReminders(ctx context.Context, now time.Time) ([]Booking, error) {
	now = now.In(Rome)
	if now.Hour() < 18 {
		return []Booking{}, nil
	}
	tomorrow := dayKey(time.Date(now.Year(), now.Month(), now.Day()+1, 12, 0, 0, 0, Rome))
	// user_id <> 0 (an erased person's bookings are cancelled anyway) lets
	// the index bookings_named find the day's bookings.
	return d.bookingsWhere(ctx, `day = ? AND user_id <> 0 AND status = 'confirmed' AND reminded_at IS NULL
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
