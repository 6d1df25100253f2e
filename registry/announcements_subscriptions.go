package registry

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Topic is what an announcement is about. Subscribers choose the topics
// they hear of.
type Topic string

// The topics.
const (
	TopicSpaces Topic = "spaces" // new spaces in the list
	TopicEvents Topic = "events" // events and courses
	TopicCalls  Topic = "calls"  // calls and grants for coworkers and businesses (bandi)
	TopicNews   Topic = "news"   // news from the comune
)

// Topics lists every topic in display order. A topic's place in the list
// is its bit in a TopicSet, which the database stores: a new topic goes at
// the end (and into the CHECK of announcements.topic).
var Topics = []Topic{TopicSpaces, TopicEvents, TopicCalls, TopicNews}

// TopicSet is a set of topics as a bit mask.
type TopicSet uint32

// AllTopics holds every topic: what subscribing turns on.
var AllTopics = func() TopicSet {
	var set TopicSet
	for i := range Topics {
		set |= 1 << i
	}
	return set
}()

// ParseTopic returns the topic with the given code.
func ParseTopic(code string) (Topic, error) {
	t := Topic(strings.TrimSpace(strings.ToLower(code)))
	if t.bit() == 0 {
		return "", fmt.Errorf("unknown topic %q: %w", code, ErrInvalid)
	}
	return t, nil
}

// bit is the topic's bit in a TopicSet, 0 for no topic of the list.
func (t Topic) bit() TopicSet {
	for i, u := range Topics {
		if u == t {
			return 1 << i
		}
	}
	return 0
}

// TopicsOf returns the set holding the given topics.
func TopicsOf(ts ...Topic) TopicSet {
	var set TopicSet
	for _, t := range ts {
		set |= t.bit()
	}
	return set
}

// Has reports whether the set holds the topic.
func (set TopicSet) Has(t Topic) bool { return t.bit() != 0 && set&t.bit() != 0 }

// List returns the topics of the set in display order.
func (set TopicSet) List() []Topic {
	var out []Topic
	for _, t := range Topics {
		if set.Has(t) {
			out = append(out, t)
		}
	}
	return out
}

// Narrowing says what an announcement is about, or what a subscriber wants
// to hear of: spaces with some services, in a comune. Zero fields mean
// anything. A subscriber hears of an announcement of their topics unless
// both sides name services and no service is on both sides, or both name a
// comune and it is not the same one (compared ignoring ASCII case). So a
// subscriber narrowed to Cobaby hears of a new space with Cobaby and of
// the comune's general news, not of a new space without Cobaby; a
// subscriber who narrowed nothing hears of everything in their topics.
type Narrowing struct {
	Services ServiceSet
	Comune   string
}

// check tidies the narrowing and refuses what cannot be stored.
func (n *Narrowing) check() error {
	n.Comune = strings.TrimSpace(n.Comune)
	if utf8.RuneCountInString(n.Comune) > MaxComune {
		return fmt.Errorf("comune of %d characters, at most %d: %w", utf8.RuneCountInString(n.Comune), MaxComune, ErrInvalid)
	}
	if n.Services&^SetOf(Services...) != 0 {
		return fmt.Errorf("services %b: no such service: %w", n.Services, ErrInvalid)
	}
	return nil
}

// Subscription is what a person receives of the comune's announcements.
type Subscription struct {
	UserID    int64
	Topics    TopicSet // none: not subscribed
	Narrowing Narrowing
	Since     time.Time // zero when not subscribed
}

// Subscribed reports whether the person receives any announcement.
func (s Subscription) Subscribed() bool { return s.Topics != 0 }

// Subscription returns a person's subscription: one with no topics when
// they are not subscribed.
func (d *DB) Subscription(ctx context.Context, userID int64) (Subscription, error) {
	return subscription(ctx, d.db, userID)
}

func subscription(ctx context.Context, q queryer, userID int64) (Subscription, error) {
	s := Subscription{UserID: userID}
	var since int64
	err := q.QueryRowContext(ctx, `SELECT topics, services, comune, created_at FROM subscriptions WHERE user_id = ?`, userID).
		Scan(&s.Topics, &s.Narrowing.Services, &s.Narrowing.Comune, &since)
	if errors.Is(err, sql.ErrNoRows) {
		return s, nil
	}
	if err != nil {
		return s, fmt.Errorf("subscription of %d: %w", userID, err)
	}
	s.Since = time.Unix(since, 0).In(Rome)
	return s, nil
}

// Subscribe turns every topic on for a person (what /avvisi does), keeping
// the narrowing they chose before, if any.
func (d *DB) Subscribe(ctx context.Context, userID int64) (Subscription, error) {
	var s Subscription
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		if err := d.subscribeTx(ctx, tx, userID); err != nil {
			return err
		}
		var err error
		s, err = subscription(ctx, tx, userID)
		return err
	})
	return s, err
}

func (d *DB) subscribeTx(ctx context.Context, tx *sql.Tx, userID int64) error {
	now := d.now().Unix()
	_, err := tx.ExecContext(ctx, `INSERT INTO subscriptions (user_id, topics, created_at, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (user_id) DO UPDATE SET topics = excluded.topics, updated_at = excluded.updated_at`,
		userID, AllTopics, now, now)
	return err
}

// SetTopic turns one topic on or off for a person. Turning a topic on
// subscribes someone who was not; turning off their last topic unsubscribes
// them.
func (d *DB) SetTopic(ctx context.Context, userID int64, t Topic, on bool) (Subscription, error) {
	if t.bit() == 0 {
		return Subscription{}, fmt.Errorf("unknown topic %q: %w", t, ErrInvalid)
	}
	var s Subscription
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		if s, err = subscription(ctx, tx, userID); err != nil {
			return err
		}
		topics := s.Topics | t.bit()
		if !on {
			topics = s.Topics &^ t.bit()
		}
		now := d.now().Unix()
		if topics == 0 {
			_, err = tx.ExecContext(ctx, `DELETE FROM subscriptions WHERE user_id = ?`, userID)
		} else {
			_, err = tx.ExecContext(ctx, `INSERT INTO subscriptions (user_id, topics, created_at, updated_at) VALUES (?, ?, ?, ?)
				ON CONFLICT (user_id) DO UPDATE SET topics = excluded.topics, updated_at = excluded.updated_at`,
				userID, topics, now, now)
		}
		if err != nil {
			return err
		}
		s, err = subscription(ctx, tx, userID)
		return err
	})
	return s, err
}

// Narrow sets what a subscriber wants to hear of (see Narrowing); the zero
// Narrowing hears of everything again. Someone not subscribed is
// ErrNotFound.
func (d *DB) Narrow(ctx context.Context, userID int64, n Narrowing) (Subscription, error) {
	if err := n.check(); err != nil {
		return Subscription{}, err
	}
	var s Subscription
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		r, err := tx.ExecContext(ctx, `UPDATE subscriptions SET services = ?, comune = ?, updated_at = ? WHERE user_id = ?`,
			n.Services, n.Comune, d.now().Unix(), userID)
		if err != nil {
			return err
		}
		if k, _ := r.RowsAffected(); k == 0 {
			return fmt.Errorf("subscription of %d: %w", userID, ErrNotFound)
		}
		s, err = subscription(ctx, tx, userID)
		return err
	})
	return s, err
}

// Unsubscribe stops every announcement to a person at once, the rest of a
// running one included (their deliveries are skipped when their turn
// comes). Unsubscribing someone who is not subscribed does nothing.
func (d *DB) Unsubscribe(ctx context.Context, userID int64) error {
	return d.inTx(ctx, func(tx *sql.Tx) error {
		return unsubscribeTx(ctx, tx, userID)
	})
}

func unsubscribeTx(ctx context.Context, tx *sql.Tx, userID int64) error {
	_, err := tx.ExecContext(ctx, `DELETE FROM subscriptions WHERE user_id = ?`, userID)
	return err
}

// audience selects, from subscriptions s, the subscribers an announcement
// of topic bit ?1 about services ?2 in comune ?3 reaches: see Narrowing.
// Whoever blocked the bot is left out.
const audience = `s.topics & ?1 != 0
	AND (s.services = 0 OR ?2 = 0 OR s.services & ?2 != 0)
	AND (s.comune = '' OR ?3 = '' OR s.comune = ?3 COLLATE NOCASE)
	AND NOT EXISTS (SELECT 1 FROM users u WHERE u.id = s.user_id AND u.blocked = 1)`

// Recipients counts the people an announcement of a topic, about what n
// says, would reach now.
func (d *DB) Recipients(ctx context.Context, t Topic, n Narrowing) (int, error) {
	if t.bit() == 0 {
		return 0, fmt.Errorf("unknown topic %q: %w", t, ErrInvalid)
	}
	if err := n.check(); err != nil {
		return 0, err
	}
	var count int
	err := d.db.QueryRowContext(ctx, `SELECT count(*) FROM subscriptions s WHERE `+audience,
		t.bit(), n.Services, n.Comune).Scan(&count)
	return count, err
}
