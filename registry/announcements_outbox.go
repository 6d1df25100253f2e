package registry

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"
	"unicode/utf8"
)

// The outbox has the shape of every job the bot does by itself: the
// registry decides what is due (ClaimDeliveries), the edge delivers, and
// the registry records what was delivered (ReportDeliveries).
//
// A claim leases its deliveries: each is in flight until its lease runs
// out, and no other claim — from this process, another *DB or another
// process on the same file — takes it meanwhile, since claiming is one
// write transaction. A sender that crashes, or is killed, loses nothing:
// once the lease runs out its deliveries are claimed again. So a person
// receives an announcement twice only when a sender sent it and died (or
// outlived the lease) before its report was committed: at most the
// deliveries in flight at that moment, which is at most what one claim
// took — a sender that claims a few at a time and reports each as it goes
// bounds the duplicates by the few it had in hand. Every delivery is
// reported at most once: a second report of one already settled is
// ignored.

// DeliveryAttempts is how many times a delivery is tried before it is
// counted as failed. Retries wait DeliveryBackoff: 30 s after the first
// failure, doubling up to an hour, about three and a half hours in all.
const DeliveryAttempts = 10

// DeliveryBackoff is how long a delivery waits after its attempt-th failed
// attempt.
func DeliveryBackoff(attempt int) time.Duration {
	wait := 30 * time.Second
	for i := 1; i < attempt && wait < time.Hour; i++ {
		wait *= 2
	}
	return min(wait, time.Hour)
}

// maxDeliveryError is how much of an error a delivery keeps, in bytes.
const maxDeliveryError = 300

// Delivery is one announcement to send to one person.
type Delivery struct {
	ID             int64
	AnnouncementID int64
	UserID         int64
	Attempt        int    // 1 on the first try; the report names it
	Lang           string // the person's language, chosen or their client's; "" when unknown
	Content        Content
}

// DeliveryResult is how a delivery went.
type DeliveryResult int

// The results a sender reports.
const (
	// DeliverySent: the message went out.
	DeliverySent DeliveryResult = iota + 1
	// DeliveryFailed: it did not go out and may later (a 5xx, a network
	// error); it is tried again after DeliveryBackoff or RetryAfter.
	DeliveryFailed
	// DeliveryBlocked: the person blocked the bot (a 403); they are marked
	// and skipped until they write again.
	DeliveryBlocked
	// DeliveryGone: the chat is not found; the person is marked as for a
	// block.
	DeliveryGone
	// DeliveryUnsent: the sender did not try it (it is stopping); it is
	// handed back at once, the attempt not counted.
	DeliveryUnsent
)

// Outcome is a sender's report of one delivery.
type Outcome struct {
	DeliveryID int64
	Attempt    int // the Delivery's, as claimed
	Result     DeliveryResult
	MessageID  int64         // DeliverySent: Telegram's id of the message sent
	Error      string        // DeliveryFailed, DeliveryBlocked, DeliveryGone: what the Bot API said
	RetryAfter time.Duration // DeliveryFailed: wait at least this long (0: DeliveryBackoff)
}

// ClaimDeliveries takes up to max deliveries that are due, oldest first,
// and leases them to the caller for lease; a lease shorter than a second
// is ErrInvalid. On the way it settles the due deliveries that must not
// go out: the person blocked the bot since (blocked), unsubscribed from
// the topic or was erased (skipped), or the delivery's leases ran out
// DeliveryAttempts times (failed). It returns an empty slice when nothing
// is due.
func (d *DB) ClaimDeliveries(ctx context.Context, max int, lease time.Duration) ([]Delivery, error) {
	if max <= 0 || lease < time.Second {
		return nil, fmt.Errorf("claim %d for %v: %w", max, lease, ErrInvalid)
	}
	now := d.now().Unix()
	until := now + int64((lease+time.Second-1)/time.Second)
	var out []Delivery
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		out = []Delivery{}
		type due struct {
			Delivery
			topic   Topic
			gone    bool // erased: no user_id
			blocked bool
			topics  TopicSet
		}
		var batch []due
		rows, err := tx.QueryContext(ctx, `SELECT d.id, d.announcement_id, coalesce(d.user_id, 0), d.user_id IS NULL, d.attempts, a.topic,
				coalesce(u.blocked, 0), coalesce(s.topics, 0), coalesce(nullif(u.lang, ''), u.client_lang, '')
			FROM deliveries d JOIN announcements a ON a.id = d.announcement_id
			LEFT JOIN users u ON u.id = d.user_id LEFT JOIN subscriptions s ON s.user_id = d.user_id
			WHERE d.status = 'pending' AND d.not_before <= ? ORDER BY d.not_before, d.id LIMIT ?`, now, max)
		if err != nil {
			return err
		}
		for rows.Next() {
			var x due
			if err := rows.Scan(&x.ID, &x.AnnouncementID, &x.UserID, &x.gone, &x.Attempt, &x.topic, &x.blocked, &x.topics, &x.Lang); err != nil {
				rows.Close()
				return err
			}
			batch = append(batch, x)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		deltas := map[int64]*DeliveryCounts{}
		contents := map[int64]Content{}
		for _, x := range batch {
			c := deltas[x.AnnouncementID]
			if c == nil {
				c = &DeliveryCounts{}
				deltas[x.AnnouncementID] = c
			}
			status, why := "", ""
			switch {
			case x.gone:
				status, why = "skipped", "erased"
				c.Skipped++
			case x.blocked:
				status, why = "blocked", "blocked the bot"
				c.Blocked++
			case !x.topics.Has(x.topic):
				status, why = "skipped", "unsubscribed"
				c.Skipped++
			case x.Attempt >= DeliveryAttempts:
				status, why = "failed", fmt.Sprintf("no report in %d leases", x.Attempt)
				c.Failed++
			}
			if status != "" {
				if _, err := tx.ExecContext(ctx, `UPDATE deliveries SET status = ?, error = ?, done_at = ? WHERE id = ?`, status, why, now, x.ID); err != nil {
					return err
				}
				continue
			}
			x.Attempt++
			if _, err := tx.ExecContext(ctx, `UPDATE deliveries SET attempts = ?, claimed_at = ?, not_before = ? WHERE id = ?`,
				x.Attempt, now, until, x.ID); err != nil {
				return err
			}
			content, ok := contents[x.AnnouncementID]
			if !ok {
				an, err := announcementByID(ctx, tx, x.AnnouncementID)
				if err != nil {
					return err
				}
				content = an.Content
				contents[x.AnnouncementID] = content
			}
			x.Content = content
			out = append(out, x.Delivery)
		}
		_, err = d.count(ctx, tx, deltas, now)
		return err
	})
	return out, err
}

// ReportDeliveries records how deliveries went, in one transaction, and
// returns the announcements that this finished (every delivery settled),
// for the sender to tell whoever sent them. A sent, blocked or gone report
// is taken even from a sender whose lease ran out (the message did go, or
// the person is not there), unless the delivery was settled already; a
// failed or unsent one only from the sender holding the current lease,
// so that it cannot put back a delivery another sender has in flight.
// Reports of deliveries already settled, or no longer kept, are ignored.
func (d *DB) ReportDeliveries(ctx context.Context, outcomes ...Outcome) ([]int64, error) {
	for _, o := range outcomes {
		if o.Result < DeliverySent || o.Result > DeliveryUnsent || o.Attempt < 1 {
			return nil, fmt.Errorf("outcome %+v: %w", o, ErrInvalid)
		}
	}
	now := d.now().Unix()
	var finished []int64
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		deltas := map[int64]*DeliveryCounts{}
		for _, o := range outcomes {
			if err := d.report(ctx, tx, o, now, deltas); err != nil {
				return err
			}
		}
		var err error
		finished, err = d.count(ctx, tx, deltas, now)
		return err
	})
	return finished, err
}

func (d *DB) report(ctx context.Context, tx *sql.Tx, o Outcome, now int64, deltas map[int64]*DeliveryCounts) error {
	var annID int64
	var userID, claimed sql.NullInt64
	var status string
	var attempts int
	err := tx.QueryRowContext(ctx, `SELECT announcement_id, user_id, status, attempts, claimed_at FROM deliveries WHERE id = ?`, o.DeliveryID).
		Scan(&annID, &userID, &status, &attempts, &claimed)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	holder := status == "pending" && claimed.Valid && attempts == o.Attempt
	c := deltas[annID]
	if c == nil {
		c = &DeliveryCounts{}
		deltas[annID] = c
	}
	why := truncateUTF8(o.Error, maxDeliveryError)
	switch o.Result {
	case DeliveryUnsent:
		if !holder {
			return nil
		}
		_, err = tx.ExecContext(ctx, `UPDATE deliveries SET attempts = attempts - 1, claimed_at = NULL, not_before = ? WHERE id = ?`, now, o.DeliveryID)
		return err
	case DeliveryFailed:
		if !holder {
			return nil
		}
		if attempts >= DeliveryAttempts {
			c.Failed++
			_, err = tx.ExecContext(ctx, `UPDATE deliveries SET status = 'failed', error = ?, done_at = ? WHERE id = ?`, why, now, o.DeliveryID)
			return err
		}
		wait := max(o.RetryAfter, DeliveryBackoff(attempts))
		_, err = tx.ExecContext(ctx, `UPDATE deliveries SET claimed_at = NULL, not_before = ?, error = ? WHERE id = ? `,
			now+int64((wait+time.Second-1)/time.Second), why, o.DeliveryID)
		return err
	}
	// Sent, blocked, gone: facts, whoever reports them, unless settled or
	// never claimed.
	if attempts < 1 || (status != "pending" && status != "stopped") {
		return nil
	}
	if status == "stopped" {
		c.Stopped--
	}
	var to string
	switch o.Result {
	case DeliverySent:
		to, why = "sent", ""
		c.Sent++
	case DeliveryBlocked:
		to = "blocked"
		c.Blocked++
	case DeliveryGone:
		to = "gone"
		c.Gone++
	}
	var msg sql.NullInt64
	if o.Result == DeliverySent {
		msg = sql.NullInt64{Int64: o.MessageID, Valid: true}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE deliveries SET status = ?, message_id = ?, error = ?, done_at = ? WHERE id = ?`,
		to, msg, why, now, o.DeliveryID); err != nil {
		return err
	}
	if to != "sent" && userID.Valid {
		_, err = tx.ExecContext(ctx, `UPDATE users SET blocked = 1, updated_at = ? WHERE id = ?`, now, userID.Int64)
	}
	return err
}

// count adds each announcement's newly settled deliveries to its counts and
// marks done, returning them, the announcements being sent that have none
// left.
func (d *DB) count(ctx context.Context, tx *sql.Tx, deltas map[int64]*DeliveryCounts, now int64) ([]int64, error) {
	finished := []int64{}
	for _, id := range slices.Sorted(maps.Keys(deltas)) {
		c := deltas[id]
		if *c == (DeliveryCounts{}) {
			continue
		}
		if _, err := tx.ExecContext(ctx, `UPDATE announcements SET n_sent = n_sent + ?, n_failed = n_failed + ?, n_blocked = n_blocked + ?,
			n_gone = n_gone + ?, n_stopped = n_stopped + ?, n_skipped = n_skipped + ? WHERE id = ?`,
			c.Sent, c.Failed, c.Blocked, c.Gone, c.Stopped, c.Skipped, id); err != nil {
			return nil, err
		}
		r, err := tx.ExecContext(ctx, `UPDATE announcements SET status = 'done', finished_at = ? WHERE id = ? AND status = 'sending'
			AND n_sent + n_failed + n_blocked + n_gone + n_stopped + n_skipped = n_total`, now, id)
		if err != nil {
			return nil, err
		}
		if n, _ := r.RowsAffected(); n > 0 {
			finished = append(finished, id)
		}
	}
	return finished, nil
}

// NextDelivery tells when the next pending delivery is due (a time in the
// past when one is due now), so that a sender with nothing to do knows how
// long it may sleep; ok is false when no delivery is pending.
func (d *DB) NextDelivery(ctx context.Context) (next time.Time, ok bool, err error) {
	var at sql.NullInt64
	if err := d.db.QueryRowContext(ctx, `SELECT min(not_before) FROM deliveries WHERE status = 'pending'`).Scan(&at); err != nil {
		return time.Time{}, false, err
	}
	if !at.Valid {
		return time.Time{}, false, nil
	}
	return time.Unix(at.Int64, 0).In(Rome), true, nil
}

// truncateUTF8 cuts s to at most n bytes without splitting a character.
func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// ReleaseClaims makes the deliveries leased and never reported due again
// at once, for a sender starting up: they were in flight when the previous
// one stopped (a crash, a SIGKILL), and waiting for their leases to run out
// would hold them back for minutes. Only the one sender a registry has may
// call it, before it claims anything. It returns how many it released.
func (d *DB) ReleaseClaims(ctx context.Context) (int, error) {
	var n int64
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		r, err := tx.ExecContext(ctx, `UPDATE deliveries SET claimed_at = NULL, not_before = ?
			WHERE status = 'pending' AND claimed_at IS NOT NULL`, d.now().Unix())
		if err != nil {
			return err
		}
		n, err = r.RowsAffected()
		return err
	})
	return int(n), err
}
