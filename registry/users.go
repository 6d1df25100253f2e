package registry

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/paulmach/orb"
)

// User is a person talking to the bot.
type User struct {
	ID         int64
	FirstName  string
	Lang       string     // the language the user chose; "" follows their client
	ClientLang string     // the language their client last reported
	Location   *orb.Point // last shared location
	LocatedAt  time.Time
	State      string // the conversation's state, JSON owned by the bot
	Blocked    bool   // blocked the bot: send nothing
	Created    time.Time

	// Subscribed tells whether the user receives announcements of some
	// topic (their Subscription). SaveUser subscribes them to every topic,
	// or unsubscribes them, only when Subscribed changed since User
	// loaded it: a subscription changed meanwhile with Subscribe,
	// SetTopic or Unsubscribe is not undone by saving a user loaded before.
	// (A changed User saved twice applies the change twice: load it again
	// in between.)
	Subscribed bool

	subscribedAtLoad bool
	// stored says the user was read from their row: saving updates that
	// row, and saves nothing once it is gone (the person was erased since).
	stored bool
}

// User returns the user with the given id, or a new one (not stored yet)
// with that id when there is none.
func (d *DB) User(ctx context.Context, id int64) (User, error) {
	u := User{ID: id, State: "{}"}
	var lat, lon sql.NullFloat64
	var located sql.NullInt64
	var created int64
	err := d.db.QueryRowContext(ctx, `SELECT first_name, lang, client_lang, lat, lon, located_at, state, blocked, created_at,
			EXISTS (SELECT 1 FROM subscriptions WHERE user_id = users.id)
		FROM users WHERE id = ?`, id).Scan(&u.FirstName, &u.Lang, &u.ClientLang, &lat, &lon, &located, &u.State, &u.Blocked, &created, &u.Subscribed)
	if errors.Is(err, sql.ErrNoRows) {
		// Someone may subscribe before their first message is saved.
		s, err := subscription(ctx, d.db, id)
		if err != nil {
			return u, err
		}
		u.Subscribed, u.subscribedAtLoad = s.Subscribed(), s.Subscribed()
		u.Created = d.now()
		return u, nil
	}
	if err != nil {
		return u, fmt.Errorf("user %d: %w", id, err)
	}
	if lat.Valid && lon.Valid {
		u.Location = &orb.Point{lon.Float64, lat.Float64}
		u.LocatedAt = time.Unix(located.Int64, 0).In(Rome)
	}
	u.Created = time.Unix(created, 0).In(Rome)
	u.subscribedAtLoad, u.stored = u.Subscribed, true
	return u, nil
}

// SaveUser stores the user, creating it if needed.
func (d *DB) SaveUser(ctx context.Context, u User) error {
	return d.inTx(ctx, func(tx *sql.Tx) error { return d.saveUser(ctx, tx, u) })
}

// saveUser writes one user row inside a transaction.
func (d *DB) saveUser(ctx context.Context, tx *sql.Tx, u User) error {
	var lat, lon sql.NullFloat64
	var located sql.NullInt64
	if u.Location != nil {
		lat = sql.NullFloat64{Float64: u.Location.Lat(), Valid: true}
		lon = sql.NullFloat64{Float64: u.Location.Lon(), Valid: true}
		located = sql.NullInt64{Int64: u.LocatedAt.Unix(), Valid: true}
	}
	if u.State == "" {
		u.State = "{}"
	}
	now := d.now().Unix()
	if u.Created.IsZero() {
		u.Created = d.now()
	}
	if u.stored {
		// A row read before an erasure must not bring the person back.
		r, err := tx.ExecContext(ctx, `UPDATE users SET first_name = ?, lang = ?, client_lang = ?, lat = ?, lon = ?, located_at = ?,
			state = ?, blocked = ?, updated_at = ? WHERE id = ?`,
			u.FirstName, u.Lang, u.ClientLang, lat, lon, located, u.State, u.Blocked, now, u.ID)
		if err != nil {
			return err
		}
		if n, err := r.RowsAffected(); err != nil || n == 0 {
			return err
		}
	} else if _, err := tx.ExecContext(ctx, `INSERT INTO users (id, first_name, lang, client_lang, lat, lon, located_at, state, blocked, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET first_name = excluded.first_name, lang = excluded.lang,
			client_lang = excluded.client_lang, lat = excluded.lat,
			lon = excluded.lon, located_at = excluded.located_at, state = excluded.state,
			blocked = excluded.blocked, updated_at = excluded.updated_at`,
		u.ID, u.FirstName, u.Lang, u.ClientLang, lat, lon, located, u.State, u.Blocked, u.Created.Unix(), now); err != nil {
		return err
	}
	switch {
	case u.Subscribed == u.subscribedAtLoad:
		return nil
	case u.Subscribed:
		return d.subscribeTx(ctx, tx, u.ID)
	}
	return unsubscribeTx(ctx, tx, u.ID)
}

// UserWithRoles returns the user with the given id (a new one, not stored
// yet, when there is none) and what they may do, in one query: what Handle
// needs of a person for every request.
func (d *DB) UserWithRoles(ctx context.Context, id int64) (User, Roles, error) {
	u := User{ID: id, State: "{}"}
	var r Roles
	var first, lang, clientLang, state sql.NullString
	var lat, lon sql.NullFloat64
	var located, created sql.NullInt64
	var subscribed, blocked sql.NullBool
	var spaces sql.NullString
	err := d.db.QueryRowContext(ctx, `SELECT u.first_name, u.lang, u.client_lang, u.lat, u.lon, u.located_at, u.state,
			EXISTS (SELECT 1 FROM subscriptions WHERE user_id = k.id), u.blocked, u.created_at,
			EXISTS (SELECT 1 FROM staff WHERE user_id = k.id),
			(SELECT group_concat(space_id, ' ') FROM (SELECT space_id FROM providers WHERE user_id = k.id ORDER BY space_id))
		FROM (SELECT ? AS id) k LEFT JOIN users u ON u.id = k.id`, id).
		Scan(&first, &lang, &clientLang, &lat, &lon, &located, &state, &subscribed, &blocked, &created, &r.Staff, &spaces)
	if err != nil {
		return u, r, fmt.Errorf("user %d: %w", id, err)
	}
	if spaces.Valid {
		r.Spaces = strings.Fields(spaces.String)
	}
	u.Subscribed, u.subscribedAtLoad = subscribed.Bool, subscribed.Bool // someone may subscribe before their first message is saved
	if !created.Valid {                                                 // no row: a new user
		u.Created = d.now()
		return u, r, nil
	}
	u.FirstName, u.Lang, u.ClientLang, u.State = first.String, lang.String, clientLang.String, state.String
	u.Blocked = blocked.Bool
	if lat.Valid && lon.Valid {
		u.Location = &orb.Point{lon.Float64, lat.Float64}
		u.LocatedAt = time.Unix(located.Int64, 0).In(Rome)
	}
	u.Created = time.Unix(created.Int64, 0).In(Rome)
	u.stored = true
	return u, r, nil
}

// SetBlocked records that a user blocked (or unblocked) the bot.
func (d *DB) SetBlocked(ctx context.Context, id int64, blocked bool) error {
	return d.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE users SET blocked = ?, updated_at = ? WHERE id = ?`, blocked, d.now().Unix(), id)
		return err
	})
}

// RoleHolders returns, in order, the ids of everyone who is staff or
// provides a space: the people whose command menu has more than the
// citizens' commands.
func (d *DB) RoleHolders(ctx context.Context) ([]int64, error) {
	return d.ids(ctx, `SELECT user_id FROM staff UNION SELECT user_id FROM providers ORDER BY 1`)
}

// Subscribers returns the ids of the users who receive announcements of
// some topic and have not blocked the bot.
func (d *DB) Subscribers(ctx context.Context) ([]int64, error) {
	return int64sOf(ctx, d.db, `SELECT s.user_id FROM subscriptions s
		WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = s.user_id AND u.blocked = 1) ORDER BY s.user_id`)
}

// Setting returns a stored setting, "" when unset.
func (d *DB) Setting(ctx context.Context, key string) (string, error) {
	var v string
	err := d.db.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return v, err
}

// SetSetting stores a setting.
func (d *DB) SetSetting(ctx context.Context, key, value string) error {
	return d.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
		return err
	})
}

// MarkHandled records that an update from source was handled; it reports
// false when it already was (a redelivery).
func (d *DB) MarkHandled(ctx context.Context, source string, updateID int64) (bool, error) {
	var fresh bool
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		r, err := tx.ExecContext(ctx, `INSERT INTO handled_updates (source, update_id, handled_at) VALUES (?, ?, ?)
			ON CONFLICT DO NOTHING`, source, updateID, d.now().Unix())
		if err != nil {
			return err
		}
		n, err := r.RowsAffected()
		fresh = n == 1
		return err
	})
	return fresh, err
}

// Handled reports whether an update from source was already handled.
func (d *DB) Handled(ctx context.Context, source string, updateID int64) (bool, error) {
	var n int
	err := d.db.QueryRowContext(ctx, `SELECT count(*) FROM handled_updates WHERE source = ? AND update_id = ?`, source, updateID).Scan(&n)
	return n > 0, err
}

// PruneHandled forgets the updates handled before t.
func (d *DB) PruneHandled(ctx context.Context, before time.Time) error {
	return d.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM handled_updates WHERE handled_at < ?`, before.Unix())
		return err
	})
}

// Bookkeeping is what handling a batch of updates leaves to store: the
// users' rows as their conversations left them, the updates handled, the
// updates held back to be handled again after a restart, those no longer
// held, and settings (the update offset). Keep writes it all in one
// transaction, so that a crash keeps all of it or none: a user's new state
// is never stored without what says that their update was handled (the
// offset past it, or its mark).
type Bookkeeping struct {
	Source   string
	Users    []User
	Handled  []int64
	Hold     []HeldUpdate
	Release  []int64
	Settings map[string]string
}

// HeldUpdate is an update a front end took from its source and has not
// finished handling, as the source sent it.
type HeldUpdate struct {
	ID  int64
	Raw string
}

// Keep stores a batch's bookkeeping in one transaction. The rows of one
// user are written in order, so the last one given stays.
func (d *DB) Keep(ctx context.Context, k Bookkeeping) error {
	now := d.now().Unix()
	return d.inTx(ctx, func(tx *sql.Tx) error {
		for _, u := range k.Users {
			if err := d.saveUser(ctx, tx, u); err != nil {
				return fmt.Errorf("user %d: %w", u.ID, err)
			}
		}
		for _, id := range k.Handled {
			if _, err := tx.ExecContext(ctx, `INSERT INTO handled_updates (source, update_id, handled_at) VALUES (?, ?, ?)
				ON CONFLICT DO NOTHING`, k.Source, id, now); err != nil {
				return err
			}
		}
		for _, h := range k.Hold {
			if _, err := tx.ExecContext(ctx, `INSERT INTO held_updates (source, update_id, raw, held_at) VALUES (?, ?, ?, ?)
				ON CONFLICT DO NOTHING`, k.Source, h.ID, h.Raw, now); err != nil {
				return err
			}
		}
		for _, id := range k.Release {
			if _, err := tx.ExecContext(ctx, `DELETE FROM held_updates WHERE source = ? AND update_id = ?`, k.Source, id); err != nil {
				return err
			}
		}
		for key, value := range k.Settings {
			if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)
				ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value); err != nil {
				return err
			}
		}
		return nil
	})
}

// HandledFrom returns the updates from source handled with an id of at
// least from, in order: after a restart, those that came after the stored
// offset and must not be answered again.
func (d *DB) HandledFrom(ctx context.Context, source string, from int64) ([]int64, error) {
	return int64sOf(ctx, d.db, `SELECT update_id FROM handled_updates WHERE source = ? AND update_id >= ? ORDER BY update_id`, source, from)
}

// HeldUpdates returns the updates from source held to be handled again, in
// order.
func (d *DB) HeldUpdates(ctx context.Context, source string) ([]HeldUpdate, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT update_id, raw FROM held_updates WHERE source = ? ORDER BY update_id`, source)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []HeldUpdate
	for rows.Next() {
		var h HeldUpdate
		if err := rows.Scan(&h.ID, &h.Raw); err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// Post keeps a message for someone who is not there to receive it (the
// console speaks as one person at a time); message is opaque to the
// registry.
func (d *DB) Post(ctx context.Context, userID int64, message string) error {
	return d.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO mailbox (user_id, created_at, message) VALUES (?, ?, ?)`, userID, d.now().Unix(), message)
		return err
	})
}

// TakeMail returns, oldest first, the messages kept for a person, and
// forgets them.
func (d *DB) TakeMail(ctx context.Context, userID int64) ([]string, error) {
	var out []string
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		out = nil
		rows, err := tx.QueryContext(ctx, `SELECT message FROM mailbox WHERE user_id = ? ORDER BY id`, userID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var m string
			if err := rows.Scan(&m); err != nil {
				return err
			}
			out = append(out, m)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM mailbox WHERE user_id = ?`, userID)
		return err
	})
	return out, err
}
