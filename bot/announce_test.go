package bot

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/comune-seregno/coworkbot/registry"
	"github.com/comune-seregno/coworkbot/registry/hours"
	"github.com/paulmach/orb"
)

// TestAnnouncements: citizens choose topics, a clerk composes an
// announcement, sees it as subscribers will, chooses its topic and sends
// it; exactly the subscribers of that topic receive it, once; a citizen
// cannot compose one; approving a space announces it to those who follow
// new spaces.
func TestAnnouncements(t *testing.T) {
	db := mustDemoDB(t)
	ctx := context.Background()
	if err := db.AddStaff(ctx, registry.CommandLine, clerk, "Carla"); err != nil {
		t.Fatal(err)
	}
	b, err := New(Config{DB: db, Log: quiet})
	if err != nil {
		t.Fatal(err)
	}
	say := func(user int64, text string) Response {
		return b.Handle(ctx, Incoming{UserID: user, ClientLang: "it", Text: text, HTML: esc(text)})
	}
	press := func(user int64, resp Response, label string) Response {
		t.Helper()
		for _, r := range resp.Replies {
			for _, row := range r.Buttons {
				for _, bt := range row {
					if strings.Contains(bt.Label, label) {
						return b.Handle(ctx, Incoming{UserID: user, ClientLang: "it", Callback: bt.Data})
					}
				}
			}
		}
		t.Fatalf("no button %q in %+v", label, resp)
		return Response{}
	}
	// 30 citizens subscribe; the even ones keep only events and courses.
	events := map[int64]bool{}
	for u := int64(1); u <= 30; u++ {
		resp := say(u, "/avvisi")
		if u%2 == 0 {
			for _, other := range []string{"Nuovi spazi", "Bandi", "Notizie"} {
				resp = press(u, resp, other)
			}
		}
		events[u] = true
	}
	if out := say(7, "/annuncio prova"); !strings.Contains(out.Replies[0].Text, "riservata al personale") {
		t.Errorf("a citizen composing: got %+v, want it refused", out)
	}
	// The clerk writes the announcement, formatted, in the next message.
	resp := say(clerk, "/annuncio")
	if !strings.Contains(resp.Replies[0].Text, "come vuoi che appaia") {
		t.Fatalf("got %+v, want to be asked for the message", resp)
	}
	resp = b.Handle(ctx, Incoming{UserID: clerk, ClientLang: "it", Text: "Workshop gratuito giovedì", HTML: "Workshop <b>gratuito</b> giovedì"})
	if len(resp.Replies) < 3 || resp.Replies[1].Text != "Workshop <b>gratuito</b> giovedì" {
		t.Fatalf("got %+v, want the preview exactly as sent", resp.Replies)
	}
	resp = press(clerk, resp, "Eventi e corsi")
	if !strings.Contains(resp.Replies[0].Text, "lo riceveranno 30 persone") {
		t.Fatalf("got %q, want 30 recipients", resp.Replies[0].Text)
	}
	resp = press(clerk, resp, "Invia a 30 persone")
	if resp.Progress == 0 || !strings.Contains(resp.Replies[0].Text, "in invio") {
		t.Fatalf("got %+v, want the progress message", resp)
	}
	// The outbox is drained; everyone receives it once.
	var mu sync.Mutex
	got := map[int64]int{}
	deliver := func(_ context.Context, user int64, r Reply) (int64, error) {
		mu.Lock()
		defer mu.Unlock()
		if r.Text != "Workshop <b>gratuito</b> giovedì" {
			t.Errorf("user %d got %q", user, r.Text)
		}
		got[user]++
		return int64(1000 + user), nil
	}
	var finished []registry.Announcement
	for i := 0; i < 10; i++ {
		res, err := b.Broadcast(ctx, 7, time.Minute, deliver)
		if err != nil {
			t.Fatal(err)
		}
		finished = append(finished, res.Finished...)
	}
	for u := range events {
		if got[u] != 1 {
			t.Errorf("user %d received it %d times, want once", u, got[u])
		}
	}
	if len(got) != len(events) || len(finished) != 1 || finished[0].Counts.Sent != 30 {
		t.Errorf("got %d recipients and %+v, want 30 sent and one finished announcement", len(got), finished)
	}
	if o, _, err := b.Progress(ctx, finished[0].ID); err != nil || o.UserID != clerk || !strings.Contains(o.Reply.Text, "Inviati 30 su 30") {
		t.Errorf("the final report: %+v, %v", o, err)
	}

	// Approving a new space announces it to those who follow new spaces:
	// the odd citizens (15 of them).
	app, err := db.Apply(ctx, 500, registry.Space{Name: "Casa Nuova", Comune: "Seregno", Location: mustLocation(t, db),
		Services: registry.SetOf(registry.Wifi), Desks: 4, Hours: mustHoursBot(t, "Mo-Fr 09:00-18:00")})
	if err != nil {
		t.Fatal(err)
	}
	say(clerk, "/approva "+app.Space.ID)
	got = map[int64]int{}
	var card Reply
	for i := 0; i < 5; i++ {
		if _, err := b.Broadcast(ctx, 50, time.Minute, func(_ context.Context, user int64, r Reply) (int64, error) {
			got[user]++
			card = r
			return 1, nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	if len(got) != 15 || !strings.Contains(card.Text, "Casa Nuova") || len(card.Buttons) == 0 {
		t.Errorf("got %d recipients and %+v, want the 15 followers of new spaces told, with a button", len(got), card)
	}
	for u := range got {
		if u%2 == 0 {
			t.Errorf("user %d follows events only, but was told of the new space", u)
		}
	}
}

func mustHoursBot(t *testing.T, expr string) hours.Schedule {
	t.Helper()
	h, err := hours.Parse(expr)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func mustLocation(t *testing.T, db *registry.DB) orb.Point {
	t.Helper()
	sp, err := db.Space(context.Background(), "officina-brianza")
	if err != nil {
		t.Fatal(err)
	}
	return sp.Location
}

// TestAnnouncementToNobody: with no subscriber the staff are told so, and
// offered no "send to 0 people".
func TestAnnouncementToNobody(t *testing.T) {
	c := clerkChatter(t)
	c.say(clerk, "it", "/annuncio Chiusura degli uffici il 24 dicembre")
	r := c.press(clerk, "it", "Notizie dal Comune")
	if !strings.Contains(text(r), "non lo riceverebbe nessuno") {
		t.Errorf("got %q, want to be told nobody would receive it", text(r))
	}
	for _, x := range r.Replies {
		for _, row := range x.Buttons {
			for _, bt := range row {
				if strings.Contains(bt.Label, "Invia") {
					t.Errorf("got a %q button for nobody", bt.Label)
				}
			}
		}
	}
}

// TestAnnouncementCountedAsTelegramDoes: 2,100 Christmas trees are 2,100
// characters but 4,200 as Telegram counts them (UTF-16), over its 4,096:
// the clerk is told before anything is kept; 2,000 go through.
func TestAnnouncementCountedAsTelegramDoes(t *testing.T) {
	c := clerkChatter(t)
	if r := c.say(clerk, "it", "/annuncio "+strings.Repeat("🎄", 2100)); !strings.Contains(text(r), "L'avviso è lungo 4200 caratteri") {
		t.Errorf("got %.200q…, want the length as Telegram counts it refused", text(r))
	}
	if r := c.say(clerk, "it", "/annuncio "+strings.Repeat("🎄", 2000)); strings.Contains(text(r), "L'avviso è lungo") || !strings.Contains(text(r), "A quale argomento appartiene?") {
		t.Errorf("got %.200q…, want the preview and the topics", text(r))
	}
}

// clerk is the comune's staff member of clerkChatter.
const clerk = 100

// clerkChatter is a chat with the demo registry in which clerk (Carla) is
// staff.
func clerkChatter(t *testing.T) *chatter {
	t.Helper()
	db := mustDemoDB(t)
	if err := db.AddStaff(context.Background(), registry.CommandLine, clerk, "Carla"); err != nil {
		t.Fatal(err)
	}
	b, err := New(Config{DB: db, Log: quiet})
	if err != nil {
		t.Fatal(err)
	}
	return newChatter(t, b)
}
