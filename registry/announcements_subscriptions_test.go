package registry

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
)

// mustSubscriber saves a person who wrote to the bot, subscribed to topics
// with the given narrowing (no topics: not subscribed).
func mustSubscriber(t testing.TB, d *DB, id int64, topics TopicSet, n Narrowing) {
	t.Helper()
	ctx := context.Background()
	if err := d.SaveUser(ctx, User{ID: id, FirstName: fmt.Sprint("P", id), ClientLang: "it"}); err != nil {
		t.Fatal(err)
	}
	for _, tp := range topics.List() {
		if _, err := d.SetTopic(ctx, id, tp, true); err != nil {
			t.Fatal(err)
		}
	}
	if n != (Narrowing{}) {
		if _, err := d.Narrow(ctx, id, n); err != nil {
			t.Fatal(err)
		}
	}
}

// mustSubscribers subscribes the people first … first+n-1 to every topic in
// one transaction, for tests that need thousands.
func mustSubscribers(t testing.TB, d *DB, first int64, n int) {
	t.Helper()
	err := d.inTx(context.Background(), func(tx *sql.Tx) error {
		now := d.now().Unix()
		for id := first; id < first+int64(n); id++ {
			if _, err := tx.Exec(`INSERT INTO users (id, first_name, client_lang, created_at, updated_at) VALUES (?, 'P', 'it', ?, ?)`, id, now, now); err != nil {
				return err
			}
			if _, err := tx.Exec(`INSERT INTO subscriptions (user_id, topics, created_at, updated_at) VALUES (?, ?, ?, ?)`, id, AllTopics, now, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestTopics(t *testing.T) {
	// The migration gives everyone subscribed before topics the value 15.
	if AllTopics != 15 || len(Topics) != 4 {
		t.Errorf("got AllTopics %d of %d topics, want 15 of 4 (or update 0007_announcements.sql)", AllTopics, len(Topics))
	}
	for _, tp := range Topics {
		got, err := ParseTopic(" " + strings.ToUpper(string(tp)) + " ")
		if err != nil || got != tp {
			t.Errorf("ParseTopic(%q): got %q %v, want %q", tp, got, err, tp)
		}
		if !AllTopics.Has(tp) || TopicsOf(tp).List()[0] != tp {
			t.Errorf("topic %q is not in its own set", tp)
		}
	}
	if _, err := ParseTopic("sport"); !errors.Is(err, ErrInvalid) {
		t.Errorf("ParseTopic(sport): got %v, want ErrInvalid", err)
	}
	if TopicsOf(TopicCalls, TopicSpaces).Has(TopicNews) {
		t.Error("{calls, spaces} has news")
	}
}

func TestSubscriptions(t *testing.T) {
	d := mustOpen(t)
	ctx := context.Background()
	const id = 42
	s, err := d.Subscription(ctx, id)
	if err != nil || s.Subscribed() {
		t.Fatalf("a stranger: got %+v %v, want not subscribed", s, err)
	}
	if _, err := d.Narrow(ctx, id, Narrowing{Comune: "Seregno"}); !errors.Is(err, ErrNotFound) {
		t.Errorf("narrowing no subscription: got %v, want ErrNotFound", err)
	}
	// Subscribing before the first message is saved.
	if s, err = d.Subscribe(ctx, id); err != nil || s.Topics != AllTopics || s.Since.IsZero() {
		t.Fatalf("subscribe: got %+v %v, want every topic", s, err)
	}
	if u, err := d.User(ctx, id); err != nil || !u.Subscribed {
		t.Errorf("an unsaved subscriber: got Subscribed %v %v, want true", u.Subscribed, err)
	}
	if s, err = d.SetTopic(ctx, id, TopicEvents, false); err != nil || s.Topics != AllTopics&^TopicsOf(TopicEvents) {
		t.Errorf("events off: got %v %v", s.Topics.List(), err)
	}
	if s, err = d.Narrow(ctx, id, Narrowing{Services: SetOf(Cobaby), Comune: "  Seregno "}); err != nil ||
		s.Narrowing != (Narrowing{SetOf(Cobaby), "Seregno"}) {
		t.Errorf("narrow: got %+v %v", s.Narrowing, err)
	}
	// Subscribing again turns every topic on, keeping the narrowing.
	if s, err = d.Subscribe(ctx, id); err != nil || s.Topics != AllTopics || s.Narrowing.Comune != "Seregno" {
		t.Errorf("subscribe again: got %+v %v", s, err)
	}
	for _, tp := range Topics {
		if s, err = d.SetTopic(ctx, id, tp, false); err != nil {
			t.Fatal(err)
		}
	}
	if s.Subscribed() || countRows(t, d, `SELECT count(*) FROM subscriptions`) != 0 {
		t.Errorf("every topic off: got %+v, want no subscription kept", s)
	}
	if s, err = d.SetTopic(ctx, id, TopicCalls, true); err != nil || s.Topics != TopicsOf(TopicCalls) || s.Narrowing != (Narrowing{}) {
		t.Errorf("calls on: got %+v %v, want calls only", s, err)
	}
	if err := d.Unsubscribe(ctx, id); err != nil {
		t.Fatal(err)
	}
	if s, _ := d.Subscription(ctx, id); s.Subscribed() {
		t.Errorf("after unsubscribing: got %+v", s)
	}
	if err := d.Unsubscribe(ctx, id); err != nil {
		t.Errorf("unsubscribing twice: %v", err)
	}
	// Refusals.
	if _, err := d.SetTopic(ctx, id, "sport", true); !errors.Is(err, ErrInvalid) {
		t.Errorf("an unknown topic: got %v, want ErrInvalid", err)
	}
	d.Subscribe(ctx, id)
	for _, n := range []Narrowing{{Comune: strings.Repeat("a", MaxComune+1)}, {Services: 1 << 30}} {
		if _, err := d.Narrow(ctx, id, n); !errors.Is(err, ErrInvalid) {
			t.Errorf("narrowing to %+v: got %v, want ErrInvalid", n, err)
		}
	}
}

// TestSaveUserSubscribed checks that User.Subscribed keeps working for the
// chat, and that saving a user loaded before a change does not undo it.
func TestSaveUserSubscribed(t *testing.T) {
	d := mustOpen(t)
	ctx := context.Background()
	u, _ := d.User(ctx, 7)
	u.Subscribed = true
	if err := d.SaveUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	if s, _ := d.Subscription(ctx, 7); s.Topics != AllTopics {
		t.Errorf("Subscribed set and saved: got topics %v, want all", s.Topics.List())
	}
	if ids, _ := d.Subscribers(ctx); !slices.Equal(ids, []int64{7}) {
		t.Errorf("Subscribers: got %v, want [7]", ids)
	}
	stale, _ := d.User(ctx, 7)
	if !stale.Subscribed {
		t.Fatal("a subscriber loads unsubscribed")
	}
	if _, err := d.SetTopic(ctx, 7, TopicNews, false); err != nil {
		t.Fatal(err)
	}
	stale.FirstName = "Ada"
	if err := d.SaveUser(ctx, stale); err != nil {
		t.Fatal(err)
	}
	if s, _ := d.Subscription(ctx, 7); s.Topics != AllTopics&^TopicsOf(TopicNews) {
		t.Errorf("saving a user loaded before a toggle: got topics %v, want the toggle kept", s.Topics.List())
	}
	if err := d.Unsubscribe(ctx, 7); err != nil {
		t.Fatal(err)
	}
	if err := d.SaveUser(ctx, stale); err != nil { // loaded subscribed, still says so
		t.Fatal(err)
	}
	if s, _ := d.Subscription(ctx, 7); s.Subscribed() {
		t.Error("saving a user loaded before unsubscribing subscribed them again")
	}
	u, _ = d.User(ctx, 7)
	d.Subscribe(ctx, 7)
	u.Subscribed = false // unsubscribed in the chat, after a Subscribe elsewhere
	if err := d.SaveUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	if s, _ := d.Subscription(ctx, 7); !s.Subscribed() {
		t.Error("Subscribed unchanged since loading (false) unsubscribed them")
	}
	u, _ = d.User(ctx, 7)
	u.Subscribed = false
	d.SaveUser(ctx, u)
	if s, _ := d.Subscription(ctx, 7); s.Subscribed() {
		t.Error("Subscribed cleared and saved: still subscribed")
	}
}

// TestMigrationKeepsSubscribers opens a database written before topics
// existed: whoever was subscribed has every topic.
func TestMigrationKeepsSubscribers(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	raw, err := sql.Open("sqlite3", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	names, _ := fs.Glob(migrationFS, "migrations/*.sql")
	sort.Strings(names)
	if _, err := raw.Exec(`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		var v int
		fmt.Sscanf(filepath.Base(name), "%d_", &v)
		if v >= 7 {
			break
		}
		body, _ := migrationFS.ReadFile(name)
		if _, err := raw.Exec(string(body)); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		raw.Exec(`INSERT INTO schema_migrations VALUES (?, 0)`, v)
	}
	for id, sub := range map[int64]int{1: 1, 2: 0, 3: 1} {
		if _, err := raw.Exec(`INSERT INTO users (id, subscribed, created_at, updated_at) VALUES (?, ?, 5, 6)`, id, sub); err != nil {
			t.Fatal(err)
		}
	}
	raw.Close()
	d, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	ids, err := d.ids(context.Background(), `SELECT user_id FROM subscriptions WHERE topics = ? ORDER BY user_id`, AllTopics)
	if err != nil || !slices.Equal(ids, []int64{1, 3}) {
		t.Errorf("got subscribers %v %v with every topic, want [1 3]", ids, err)
	}
	if n := countRows(t, d, `SELECT count(*) FROM pragma_table_info('users') WHERE name = 'subscribed'`); n != 0 {
		t.Error("users.subscribed is still there")
	}
}
