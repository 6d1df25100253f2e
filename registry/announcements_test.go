package registry

import (
	"context"
	"database/sql"
	"errors"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// text is a rendered announcement in Italian.
func text(html string) Content {
	return Content{Texts: map[string]Rendered{"it": {HTML: html}}}
}

// recipientsOf returns the people an announcement has a delivery for.
func recipientsOf(t testing.TB, d *DB, id int64) []int64 {
	t.Helper()
	ids, err := d.ids(context.Background(), `SELECT user_id FROM deliveries WHERE announcement_id = ? ORDER BY user_id`, id)
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

// rowCounts counts an announcement's deliveries from the rows themselves.
func rowCounts(t testing.TB, d *DB, id int64) DeliveryCounts {
	t.Helper()
	rows, err := d.db.Query(`SELECT status, count(*) FROM deliveries WHERE announcement_id = ? GROUP BY status`, id)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var c DeliveryCounts
	for rows.Next() {
		var status string
		var n int
		if err := rows.Scan(&status, &n); err != nil {
			t.Fatal(err)
		}
		c.Total += n
		switch status {
		case "sent":
			c.Sent = n
		case "failed":
			c.Failed = n
		case "blocked":
			c.Blocked = n
		case "gone":
			c.Gone = n
		case "stopped":
			c.Stopped = n
		case "skipped":
			c.Skipped = n
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return c
}

// checkCounts checks that an announcement's counts are those of its rows,
// and returns them.
func checkCounts(t testing.TB, d *DB, id int64) DeliveryCounts {
	t.Helper()
	an, err := d.Announcement(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if want := rowCounts(t, d, id); an.Counts != want {
		t.Errorf("announcement %d: got counts %+v, want those of its rows %+v", id, an.Counts, want)
	}
	return an.Counts
}

// reaches is Narrowing's rule written again, for the test of the SQL.
func reaches(s Subscription, blocked bool, tp Topic, n Narrowing) bool {
	return !blocked && s.Topics.Has(tp) &&
		(s.Narrowing.Services == 0 || n.Services == 0 || s.Narrowing.Services&n.Services != 0) &&
		(s.Narrowing.Comune == "" || n.Comune == "" || strings.EqualFold(s.Narrowing.Comune, n.Comune))
}

func TestAudience(t *testing.T) {
	d := mustRoles(t)
	ctx := context.Background()
	type sub struct {
		id      int64
		topics  TopicSet
		n       Narrowing
		blocked bool
	}
	subs := []sub{
		{1, AllTopics, Narrowing{}, false},
		{2, TopicsOf(TopicEvents), Narrowing{}, false},
		{3, AllTopics, Narrowing{Services: SetOf(Cobaby)}, false},
		{4, AllTopics, Narrowing{Comune: "Desio"}, false},
		{5, AllTopics, Narrowing{Services: SetOf(Cobaby, Parking), Comune: "seregno"}, false},
		{6, AllTopics, Narrowing{}, true},
		{7, TopicsOf(TopicSpaces, TopicCalls), Narrowing{Services: SetOf(H24)}, false},
		{8, 0, Narrowing{}, false}, // wrote to the bot, never subscribed
	}
	for _, s := range subs {
		mustSubscriber(t, d, s.id, s.topics, s.n)
		if s.blocked {
			d.SetBlocked(ctx, s.id, true)
		}
	}
	for _, c := range []struct {
		topic Topic
		n     Narrowing
		want  []int64
	}{
		{TopicNews, Narrowing{}, []int64{1, 3, 4, 5}},
		{TopicEvents, Narrowing{}, []int64{1, 2, 3, 4, 5}},
		{TopicSpaces, Narrowing{Services: SetOf(Cobaby, Wifi), Comune: "Seregno"}, []int64{1, 3, 5}},
		{TopicSpaces, Narrowing{Services: SetOf(Parking), Comune: "Desio"}, []int64{1, 4}},
		{TopicSpaces, Narrowing{Services: SetOf(H24, Wifi), Comune: "Seregno"}, []int64{1, 7}},
		{TopicCalls, Narrowing{Comune: "Monza"}, []int64{1, 3, 7}},
	} {
		n, err := d.Recipients(ctx, c.topic, c.n)
		if err != nil || n != len(c.want) {
			t.Errorf("Recipients(%s, %+v): got %d %v, want %d", c.topic, c.n, n, err, len(c.want))
		}
		an, err := d.Announce(ctx, Person(clerk), Draft{Topic: c.topic, Narrowing: c.n, Content: text("x")})
		if err != nil {
			t.Fatal(err)
		}
		if got := recipientsOf(t, d, an.ID); !slices.Equal(got, c.want) || an.Counts.Total != len(c.want) {
			t.Errorf("%s to %+v: got recipients %v (total %d), want %v", c.topic, c.n, got, an.Counts.Total, c.want)
		}
	}

	// Many random subscribers against the rule written in Go.
	rng := rand.New(rand.NewPCG(1, 2))
	comuni := []string{"", "Seregno", "SEREGNO", "Desio", "Monza"}
	var all []sub
	for i := range 2000 {
		s := sub{id: 1000 + int64(i), topics: TopicSet(rng.IntN(int(AllTopics) + 1)), blocked: rng.IntN(10) == 0,
			n: Narrowing{Comune: comuni[rng.IntN(len(comuni))]}}
		if rng.IntN(3) == 0 {
			s.n.Services = SetOf(Services[rng.IntN(len(Services))], Services[rng.IntN(len(Services))])
		}
		all = append(all, s)
	}
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		for _, s := range all {
			if _, err := tx.Exec(`INSERT INTO users (id, blocked, created_at, updated_at) VALUES (?, ?, 0, 0)`, s.id, s.blocked); err != nil {
				return err
			}
			if s.topics != 0 {
				if _, err := tx.Exec(`INSERT INTO subscriptions (user_id, topics, services, comune, created_at, updated_at) VALUES (?, ?, ?, ?, 0, 0)`,
					s.id, s.topics, s.n.Services, s.n.Comune); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for range 20 {
		tp := Topics[rng.IntN(len(Topics))]
		n := Narrowing{Comune: comuni[rng.IntN(len(comuni))]}
		if rng.IntN(2) == 0 {
			n.Services = SetOf(Services[rng.IntN(len(Services))])
		}
		var want []int64
		for _, s := range append(subs, all...) {
			if reaches(Subscription{Topics: s.topics, Narrowing: s.n}, s.blocked, tp, n) {
				want = append(want, s.id)
			}
		}
		slices.Sort(want)
		an, err := d.Announce(ctx, Person(clerk), Draft{Topic: tp, Narrowing: n, Content: text("x")})
		if err != nil {
			t.Fatal(err)
		}
		if got := recipientsOf(t, d, an.ID); !slices.Equal(got, want) {
			t.Errorf("%s to %+v: got %d recipients, want %d", tp, n, len(got), len(want))
		}
		if k, _ := d.Recipients(ctx, tp, n); k != len(want) {
			t.Errorf("Recipients(%s, %+v): got %d, want %d", tp, n, k, len(want))
		}
	}
}

func TestOnlyStaffAnnounce(t *testing.T) {
	d := mustRoles(t)
	ctx := context.Background()
	mustSubscriber(t, d, 1, AllTopics, Narrowing{})
	dr := Draft{Topic: TopicNews, Content: text("<b>Avviso</b>")}
	draft, err := d.Compose(ctx, Person(clerk), dr)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range []Actor{Person(citizen), Person(keeper)} {
		if _, err := d.Compose(ctx, a, dr); !errors.Is(err, ErrForbidden) {
			t.Errorf("%s composing: got %v, want ErrForbidden", a, err)
		}
		if _, err := d.Announce(ctx, a, dr); !errors.Is(err, ErrForbidden) {
			t.Errorf("%s announcing: got %v, want ErrForbidden", a, err)
		}
		if _, err := d.Confirm(ctx, a, draft.ID); !errors.Is(err, ErrForbidden) {
			t.Errorf("%s confirming the clerk's draft: got %v, want ErrForbidden", a, err)
		}
		if _, err := d.AnnounceSpace(ctx, a, "il-cortile", text("Nuovo")); !errors.Is(err, ErrForbidden) {
			t.Errorf("%s announcing a space: got %v, want ErrForbidden", a, err)
		}
	}
	// Checked inside the transaction: staff who compose and are removed
	// before confirming confirm nothing.
	if err := d.AddStaff(ctx, Person(clerk), 950, "Bruno"); err != nil {
		t.Fatal(err)
	}
	bruno, err := d.Compose(ctx, Person(950), dr)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.RemoveStaff(ctx, Person(clerk), 950); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Confirm(ctx, Person(950), bruno.ID); !errors.Is(err, ErrForbidden) {
		t.Errorf("confirming after leaving the staff: got %v, want ErrForbidden", err)
	}
	if n := countRows(t, d, `SELECT count(*) FROM deliveries`); n != 0 {
		t.Errorf("got %d deliveries after the refusals, want 0", n)
	}
	if n := countRows(t, d, `SELECT count(*) FROM audit_log WHERE action = ?`, ActionAnnounce); n != 0 {
		t.Errorf("got %d audit entries after the refusals, want 0", n)
	}
	an, err := d.Confirm(ctx, Person(clerk), draft.ID)
	if err != nil || an.Status != AnnouncementSending || an.Sender != Person(clerk) || an.Counts.Total != 1 {
		t.Fatalf("the clerk confirming: got %+v %v", an, err)
	}
	if n := countRows(t, d, `SELECT count(*) FROM audit_log WHERE action = ? AND actor = ?`, ActionAnnounce, clerk); n != 1 {
		t.Errorf("got %d audit entries for the confirmation, want 1", n)
	}
}

func TestDrafts(t *testing.T) {
	d := mustRoles(t)
	ctx := context.Background()
	d.AddStaff(ctx, Person(clerk), 950, "Bruno")
	mustSubscriber(t, d, 1, AllTopics, Narrowing{})
	copyOf := Content{FromChatID: clerk, MessageID: 314}
	dr, err := d.Compose(ctx, Person(clerk), Draft{Content: copyOf})
	if err != nil || dr.Status != AnnouncementDraft || !dr.Content.IsCopy() || dr.Topic != "" {
		t.Fatalf("compose: got %+v %v", dr, err)
	}
	if _, err := d.Confirm(ctx, Person(clerk), dr.ID); !errors.Is(err, ErrInvalid) {
		t.Errorf("confirming with no topic: got %v, want ErrInvalid", err)
	}
	if _, err := d.EditDraft(ctx, Person(950), dr.ID, Draft{Topic: TopicNews, Content: copyOf}); !errors.Is(err, ErrForbidden) {
		t.Errorf("another staff member editing the draft: got %v, want ErrForbidden", err)
	}
	edited, err := d.EditDraft(ctx, Person(clerk), dr.ID, Draft{Topic: TopicCalls, Narrowing: Narrowing{Comune: "Seregno"}, Content: copyOf})
	if err != nil || edited.Topic != TopicCalls || edited.Narrowing.Comune != "Seregno" {
		t.Errorf("edit: got %+v %v", edited, err)
	}
	if list, _ := d.Announcements(ctx, 0); len(list) != 0 {
		t.Errorf("drafts listed: %+v", list)
	}
	an, err := d.Confirm(ctx, Person(clerk), dr.ID)
	if err != nil || an.Status != AnnouncementSending || an.Content.FromChatID != clerk || an.Content.MessageID != 314 || an.Content.Texts != nil {
		t.Fatalf("confirm: got %+v %v", an, err)
	}
	for name, err := range map[string]error{
		"confirm twice": func() error { _, err := d.Confirm(ctx, Person(clerk), dr.ID); return err }(),
		"edit after":    func() error { _, err := d.EditDraft(ctx, Person(clerk), dr.ID, Draft{Content: copyOf}); return err }(),
		"drop after":    d.DropDraft(ctx, Person(clerk), dr.ID),
	} {
		if !errors.Is(err, ErrClosed) {
			t.Errorf("%s: got %v, want ErrClosed", name, err)
		}
	}
	if n := countRows(t, d, `SELECT count(*) FROM deliveries`); n != 1 {
		t.Errorf("got %d deliveries after confirming twice, want 1", n)
	}
	// Dropping.
	gone, _ := d.Compose(ctx, Person(clerk), Draft{Topic: TopicNews, Content: text("x")})
	if err := d.DropDraft(ctx, Person(clerk), gone.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Announcement(ctx, gone.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("a dropped draft: got %v, want ErrNotFound", err)
	}
	// What cannot be stored.
	for name, c := range map[string]Content{
		"nothing":          {},
		"a copy and texts": {FromChatID: 1, MessageID: 2, Texts: map[string]Rendered{"it": {HTML: "x"}}},
		"a copy, no chat":  {MessageID: 2},
		"an empty text":    {Texts: map[string]Rendered{"it": {HTML: " "}}},
		"a long text":      {Texts: map[string]Rendered{"it": {HTML: strings.Repeat("à", MaxAnnouncementText+1)}}},
		"bad buttons":      {Texts: map[string]Rendered{"it": {HTML: "x", Buttons: "[[{"}}},
		"no language":      {Texts: map[string]Rendered{"": {HTML: "x"}}},
	} {
		if _, err := d.Compose(ctx, Person(clerk), Draft{Content: c}); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: got %v, want ErrInvalid", name, err)
		}
	}
	if _, err := d.Compose(ctx, Person(clerk), Draft{Topic: "sport", Content: text("x")}); !errors.Is(err, ErrInvalid) {
		t.Errorf("an unknown topic: got %v, want ErrInvalid", err)
	}
}

func TestContentIn(t *testing.T) {
	c := Content{Texts: map[string]Rendered{"it": {HTML: "Ciao"}, "en": {HTML: "Hello", Buttons: `[]`}}}
	for lang, want := range map[string]string{"en": "Hello", "it": "Ciao", "de": "Ciao", "": "Ciao"} {
		if got := c.In(lang).HTML; got != want {
			t.Errorf("In(%q): got %q, want %q", lang, got, want)
		}
	}
	if got := (Content{Texts: map[string]Rendered{"fr": {HTML: "Salut"}, "de": {HTML: "Hallo"}}}).In("en").HTML; got != "Hallo" {
		t.Errorf("no Italian: got %q, want the first language's", got)
	}
}

// TestOutboxInOneTransaction confirms an announcement to 5,000 people
// while another handle keeps counting its deliveries: it sees none or all.
func TestOutboxInOneTransaction(t *testing.T) {
	d := mustRoles(t)
	ctx := context.Background()
	const n = 5000
	mustSubscribers(t, d, 1, n)
	dr, err := d.Compose(ctx, Person(clerk), Draft{Topic: TopicEvents, Content: text("Corso")})
	if err != nil {
		t.Fatal(err)
	}
	other := openHandles(t, d, 2)[1]
	var seen []int
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			var k int
			if err := other.db.QueryRow(`SELECT count(*) FROM deliveries`).Scan(&k); err != nil {
				t.Error(err)
				return
			}
			seen = append(seen, k)
			select {
			case <-stop:
				return
			default:
			}
		}
	}()
	an, err := d.Confirm(ctx, Person(clerk), dr.ID)
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if an.Counts.Total != n || an.Counts.Left() != n {
		t.Errorf("got counts %+v, want %d left", an.Counts, n)
	}
	ids := recipientsOf(t, d, an.ID)
	if len(ids) != n || ids[0] != 1 || ids[n-1] != n {
		t.Errorf("got %d recipients, want 1 … %d once each", len(ids), n)
	}
	for _, k := range seen {
		if k != 0 && k != n {
			t.Fatalf("another handle saw %d deliveries, want 0 or %d", k, n)
		}
	}
	t.Logf("the other handle counted %d times", len(seen))
}

func TestStopAnnouncement(t *testing.T) {
	d := mustRoles(t)
	ctx := context.Background()
	mustSubscribers(t, d, 1, 100)
	an, err := d.Announce(ctx, Person(clerk), Draft{Topic: TopicNews, Content: text("x")})
	if err != nil {
		t.Fatal(err)
	}
	sendAll := func(ds []Delivery) []Outcome {
		var out []Outcome
		for _, dl := range ds {
			out = append(out, Outcome{DeliveryID: dl.ID, Attempt: dl.Attempt, Result: DeliverySent, MessageID: dl.UserID})
		}
		return out
	}
	first, _ := d.ClaimDeliveries(ctx, 30, time.Minute)
	if _, err := d.ReportDeliveries(ctx, sendAll(first)...); err != nil {
		t.Fatal(err)
	}
	inFlight, _ := d.ClaimDeliveries(ctx, 5, time.Minute)
	if _, err := d.StopAnnouncement(ctx, Person(citizen), an.ID); !errors.Is(err, ErrForbidden) {
		t.Errorf("a citizen stopping: got %v, want ErrForbidden", err)
	}
	stopped, err := d.StopAnnouncement(ctx, Person(clerk), an.ID)
	if err != nil {
		t.Fatal(err)
	}
	if c := stopped.Counts; stopped.Status != AnnouncementStopped || c.Sent != 30 || c.Stopped != 70 || c.Left() != 0 || stopped.Finished.IsZero() {
		t.Errorf("stopped: got %s %+v", stopped.Status, c)
	}
	if ds, _ := d.ClaimDeliveries(ctx, 100, time.Minute); len(ds) != 0 {
		t.Errorf("claimed %d deliveries of a stopped announcement, want 0", len(ds))
	}
	// The five in flight when it stopped did go out.
	if _, err := d.ReportDeliveries(ctx, sendAll(inFlight)...); err != nil {
		t.Fatal(err)
	}
	if c := checkCounts(t, d, an.ID); c.Sent != 35 || c.Stopped != 65 {
		t.Errorf("after the in-flight reports: got %+v, want 35 sent, 65 stopped", c)
	}
	if _, err := d.StopAnnouncement(ctx, Person(clerk), an.ID); !errors.Is(err, ErrClosed) {
		t.Errorf("stopping twice: got %v, want ErrClosed", err)
	}
	if n := countRows(t, d, `SELECT count(*) FROM audit_log WHERE action = ? AND actor = ?`, ActionAnnounceStop, clerk); n != 1 {
		t.Errorf("got %d audit entries for the stop, want 1", n)
	}
}

func TestAnnounceSpace(t *testing.T) {
	d := mustRoles(t)
	ctx := context.Background()
	mustSubscriber(t, d, 1, AllTopics, Narrowing{})
	mustSubscriber(t, d, 2, AllTopics, Narrowing{Services: SetOf(Cobaby)})
	mustSubscriber(t, d, 3, AllTopics, Narrowing{Comune: "Desio"})
	mustSubscriber(t, d, 4, TopicsOf(TopicEvents, TopicNews), Narrowing{})
	mustSubscriber(t, d, 5, AllTopics, Narrowing{Services: SetOf(Kitchen), Comune: "Seregno"})
	// A space joins the list as it does in the chat.
	app, err := d.Apply(ctx, newcomer, Space{Name: "Culla Lavoro", Comune: "Seregno", Address: "Via Roma 1", Location: mustDemoPoint(t, d),
		Services: SetOf(Cobaby, Wifi), Desks: 4, Hours: mustHours(t, "Mo-Fr 09:00-18:00")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.ReviewApplication(ctx, Person(clerk), app.ID, true, ""); err != nil {
		t.Fatal(err)
	}
	card := Content{Texts: map[string]Rendered{
		"it": {HTML: "<b>Nuovo spazio</b>: Culla Lavoro", Buttons: `[[{"label":"Apri","data":"sp:culla-lavoro"}]]`},
		"en": {HTML: "<b>New space</b>: Culla Lavoro", Buttons: `[[{"label":"Open","data":"sp:culla-lavoro"}]]`},
	}}
	an, err := d.AnnounceSpace(ctx, Person(clerk), app.Space.ID, card)
	if err != nil {
		t.Fatal(err)
	}
	if !an.Automatic() || an.Topic != TopicSpaces || an.Narrowing != (Narrowing{SetOf(Cobaby, Wifi), "Seregno"}) || an.Subject != "space:"+app.Space.ID {
		t.Errorf("got %+v, want an automatic announcement about the space", an)
	}
	if got := recipientsOf(t, d, an.ID); !slices.Equal(got, []int64{1, 2}) {
		t.Errorf("got recipients %v, want [1 2]", got)
	}
	if n := countRows(t, d, `SELECT count(*) FROM audit_log WHERE action = ? AND space_id = ?`, ActionAnnounce, app.Space.ID); n != 1 {
		t.Errorf("got %d audit entries on the space, want 1", n)
	}
	again, err := d.AnnounceSpace(ctx, Person(clerk), app.Space.ID, card)
	if err != nil || again.ID != an.ID || countRows(t, d, `SELECT count(*) FROM deliveries`) != 2 {
		t.Errorf("announcing again: got %d %v, want the first announcement and nothing more", again.ID, err)
	}
	ds, err := d.ClaimDeliveries(ctx, 10, time.Minute)
	if err != nil || len(ds) != 2 || ds[0].Content.In("en").Buttons != card.Texts["en"].Buttons || ds[0].Lang != "it" {
		t.Errorf("claimed %+v %v, want both deliveries with the card", ds, err)
	}
	// A suspended space is not announced; an unknown one is not found.
	if _, err := d.Suspend(ctx, Person(clerk), "il-cortile", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := d.AnnounceSpace(ctx, Person(clerk), "il-cortile", card); !errors.Is(err, ErrClosed) {
		t.Errorf("a suspended space: got %v, want ErrClosed", err)
	}
	if _, err := d.AnnounceSpace(ctx, Person(clerk), "nowhere", card); !errors.Is(err, ErrNotFound) {
		t.Errorf("an unknown space: got %v, want ErrNotFound", err)
	}
	// An event at desio-works reaches subscribers of events narrowed to
	// Desio or to its services, and whoever narrowed nothing.
	dr := workshop()
	dr.SpaceID, dr.Title = "desio-works", "Corso di Excel"
	excel := strconv.FormatInt(mustPublish(t, d, Person(clerk), dr)[0].SeriesID, 10)
	ev, err := d.AnnounceEvent(ctx, Person(clerk), excel, "desio-works", text("Corso di Excel"))
	if err != nil {
		t.Fatal(err)
	}
	if got := recipientsOf(t, d, ev.ID); !slices.Equal(got, []int64{1, 2, 3, 4}) || ev.Topic != TopicEvents {
		t.Errorf("the event: got recipients %v, want [1 2 3 4]", got)
	}
	if ev2, _ := d.AnnounceEvent(ctx, Person(clerk), excel, "desio-works", text("Corso")); ev2.ID != ev.ID {
		t.Error("an event announced twice")
	}
	if list, _ := d.Announcements(ctx, 1); len(list) != 1 || list[0].ID != ev.ID {
		t.Errorf("the last announcement: got %+v, want the event", list)
	}
	if list, _ := d.Announcements(ctx, 0); len(list) != 2 || list[1].ID != an.ID {
		t.Errorf("all announcements: got %d, want 2, newest first", len(list))
	}
}

// TestBlockedSkipped: whoever blocked the bot gets no delivery; whoever
// blocks it during a broadcast is found out once and skipped after;
// writing again brings them back.
func TestBlockedSkipped(t *testing.T) {
	d := mustRoles(t)
	ctx := context.Background()
	for id := int64(1); id <= 4; id++ {
		mustSubscriber(t, d, id, AllTopics, Narrowing{})
	}
	d.SetBlocked(ctx, 1, true)
	first, _ := d.Announce(ctx, Person(clerk), Draft{Topic: TopicNews, Content: text("uno")})
	second, _ := d.Announce(ctx, Person(clerk), Draft{Topic: TopicEvents, Content: text("due")})
	if got := recipientsOf(t, d, first.ID); !slices.Equal(got, []int64{2, 3, 4}) {
		t.Fatalf("got recipients %v, want [2 3 4]", got)
	}
	// Claim only the first announcement's deliveries.
	ds, err := d.ClaimDeliveries(ctx, 3, time.Minute)
	if err != nil || len(ds) != 3 || ds[2].AnnouncementID != first.ID {
		t.Fatalf("claimed %+v %v", ds, err)
	}
	var out []Outcome
	for _, dl := range ds {
		res := DeliverySent
		switch dl.UserID {
		case 2:
			res = DeliveryBlocked
		case 3:
			res = DeliveryGone
		}
		out = append(out, Outcome{DeliveryID: dl.ID, Attempt: dl.Attempt, Result: res, Error: "Forbidden"})
	}
	finished, err := d.ReportDeliveries(ctx, out...)
	if err != nil || !slices.Equal(finished, []int64{first.ID}) {
		t.Errorf("got finished %v %v, want [%d]", finished, err, first.ID)
	}
	for id, want := range map[int64]bool{2: true, 3: true, 4: false} {
		if u, _ := d.User(ctx, id); u.Blocked != want {
			t.Errorf("user %d: got blocked %v, want %v", id, u.Blocked, want)
		}
	}
	// The second announcement was written before; its deliveries to 2 and
	// 3 are settled without a call.
	ds, _ = d.ClaimDeliveries(ctx, 10, time.Minute)
	if len(ds) != 1 || ds[0].UserID != 4 {
		t.Errorf("claimed %+v, want only user 4's", ds)
	}
	if c := checkCounts(t, d, second.ID); c.Blocked != 2 || c.Left() != 1 {
		t.Errorf("second: got %+v, want 2 blocked, 1 left", c)
	}
	// Writing again (the bot saves the user unblocked) restores them.
	u, _ := d.User(ctx, 2)
	u.Blocked = false
	d.SaveUser(ctx, u)
	third, _ := d.Announce(ctx, Person(clerk), Draft{Topic: TopicNews, Content: text("tre")})
	if got := recipientsOf(t, d, third.ID); !slices.Equal(got, []int64{2, 4}) {
		t.Errorf("after user 2 wrote again: got recipients %v, want [2 4]", got)
	}
	if c := checkCounts(t, d, first.ID); c.Sent != 1 || c.Blocked != 1 || c.Gone != 1 {
		t.Errorf("first: got %+v", c)
	}
}

func TestUnsubscribeDuringBroadcast(t *testing.T) {
	d := mustRoles(t)
	ctx := context.Background()
	mustSubscribers(t, d, 1, 10)
	an, _ := d.Announce(ctx, Person(clerk), Draft{Topic: TopicCalls, Content: text("Bando")})
	d.Unsubscribe(ctx, 3)
	d.SetTopic(ctx, 4, TopicCalls, false)
	d.SetTopic(ctx, 5, TopicNews, false) // another topic: still receives
	ds, _ := d.ClaimDeliveries(ctx, 100, time.Minute)
	var got []int64
	for _, dl := range ds {
		got = append(got, dl.UserID)
	}
	if want := []int64{1, 2, 5, 6, 7, 8, 9, 10}; !slices.Equal(got, want) {
		t.Errorf("claimed for %v, want %v", got, want)
	}
	if c := checkCounts(t, d, an.ID); c.Skipped != 2 || c.Left() != 8 {
		t.Errorf("got %+v, want 2 skipped and 8 left", c)
	}
}

// TestForgetAnnouncements erases a person from the announcements (issue
// 15): nothing names them, and the counts stay.
func TestForgetAnnouncements(t *testing.T) {
	d := mustRoles(t)
	ctx := context.Background()
	mustSubscribers(t, d, 1, 3)
	sent, _ := d.Announce(ctx, Person(clerk), Draft{Topic: TopicNews, Content: text("uno")})
	ds, _ := d.ClaimDeliveries(ctx, 10, time.Minute)
	var out []Outcome
	for _, dl := range ds {
		out = append(out, Outcome{DeliveryID: dl.ID, Attempt: dl.Attempt, Result: DeliverySent, MessageID: 99})
	}
	d.ReportDeliveries(ctx, out...)
	pending, _ := d.Announce(ctx, Person(clerk), Draft{Topic: TopicNews, Content: text("due")})
	if err := d.inTx(ctx, func(tx *sql.Tx) error { return d.forgetAnnouncementsTx(ctx, tx, 2) }); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`SELECT count(*) FROM subscriptions WHERE user_id = 2`, `SELECT count(*) FROM deliveries WHERE user_id = 2`} {
		if n := countRows(t, d, q); n != 0 {
			t.Errorf("%s: got %d, want 0", q, n)
		}
	}
	if c := checkCounts(t, d, sent.ID); c.Sent != 3 {
		t.Errorf("the sent announcement: got %+v, want 3 sent still", c)
	}
	if c := checkCounts(t, d, pending.ID); c.Skipped != 1 || c.Left() != 2 {
		t.Errorf("the pending one: got %+v, want 1 skipped, 2 left", c)
	}
	if ds, _ := d.ClaimDeliveries(ctx, 10, time.Minute); len(ds) != 2 {
		t.Errorf("claimed %d, want 2", len(ds))
	}
}

func TestPruneDeliveries(t *testing.T) {
	d := mustRoles(t)
	ctx := context.Background()
	mustSubscribers(t, d, 1, 20)
	done, _ := d.Announce(ctx, Person(clerk), Draft{Topic: TopicNews, Content: text("uno")})
	drain(t, d, 100)
	running, _ := d.Announce(ctx, Person(clerk), Draft{Topic: TopicNews, Content: text("due")})
	n, err := d.PruneDeliveries(ctx, d.Now().Add(time.Second))
	if err != nil || n != 20 {
		t.Errorf("pruned %d %v, want 20", n, err)
	}
	if an, _ := d.Announcement(ctx, done.ID); an.Counts.Sent != 20 || an.Status != AnnouncementDone {
		t.Errorf("after pruning: got %s %+v, want the counts kept", an.Status, an.Counts)
	}
	if got := len(recipientsOf(t, d, running.ID)); got != 20 {
		t.Errorf("the running one: got %d deliveries, want 20 kept", got)
	}
}

// drain sends every due delivery, claiming batch at a time, and returns
// how many went to each person.
func drain(t testing.TB, d *DB, batch int) map[int64]int {
	t.Helper()
	ctx := context.Background()
	got := map[int64]int{}
	for {
		ds, err := d.ClaimDeliveries(ctx, batch, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if len(ds) == 0 {
			return got
		}
		out := make([]Outcome, 0, len(ds))
		for _, dl := range ds {
			got[dl.UserID]++
			out = append(out, Outcome{DeliveryID: dl.ID, Attempt: dl.Attempt, Result: DeliverySent, MessageID: dl.ID})
		}
		if _, err := d.ReportDeliveries(ctx, out...); err != nil {
			t.Fatal(err)
		}
	}
}

// TestProviderAnnouncesOwnEvent: publishing an event announces it, so the
// provider who published it may send that one automatic announcement, and
// only that one: not for another space's event, not for an event that does
// not exist, not twice; a citizen may not.
func TestProviderAnnouncesOwnEvent(t *testing.T) {
	d := mustRoles(t)
	ctx := context.Background()
	if _, err := d.Subscribe(ctx, citizen); err != nil {
		t.Fatal(err)
	}
	e := mustPublish(t, d, Person(keeper), workshop())[0]
	id := strconv.FormatInt(e.SeriesID, 10)
	for _, c := range []struct {
		who          Actor
		event, space string
		want         error
	}{
		{Person(citizen), id, "officina-brianza", ErrForbidden},
		{Person(other), id, "officina-brianza", ErrForbidden},
		{Person(keeper), id, "il-cortile", ErrForbidden},
		{Person(keeper), "9999", "officina-brianza", ErrNotFound},
	} {
		if _, err := d.AnnounceEvent(ctx, c.who, c.event, c.space, text("x")); !errors.Is(err, c.want) {
			t.Errorf("%v announcing event %s of %s: got %v, want %v", c.who, c.event, c.space, err, c.want)
		}
	}
	an, err := d.AnnounceEvent(ctx, Person(keeper), id, "officina-brianza", text("Workshop"))
	if err != nil {
		t.Fatal(err)
	}
	if got := recipientsOf(t, d, an.ID); !slices.Equal(got, []int64{citizen}) {
		t.Errorf("got recipients %v, want the subscriber", got)
	}
	if again, err := d.AnnounceEvent(ctx, Person(keeper), id, "officina-brianza", text("Workshop!")); err != nil || again.ID != an.ID {
		t.Errorf("announcing again: got %d %v, want the first announcement", again.ID, err)
	}
	if _, err := d.Announce(ctx, Person(keeper), Draft{Topic: TopicEvents, Content: text("free text")}); !errors.Is(err, ErrForbidden) {
		t.Errorf("a provider's own announcement: got %v, want ErrForbidden", err)
	}
}
