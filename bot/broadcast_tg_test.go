package bot

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/comune-seregno/coworkbot/bot/telegramtest"
	"github.com/comune-seregno/coworkbot/registry"
)

// TestBroadcastThroughServe plays issue 12 as a clerk would, through the
// real Telegram edge against the fake Bot API, on the real clock: 500
// citizens subscribe with /avvisi (a third turn events off, some keep only
// events); the clerk sends a photo with a formatted caption to "events and
// courses"; exactly the subscribers of that topic receive one copy of it
// (copyMessage, so the photo and the formatting survive), never faster
// than the configured rate, while a citizen booking meanwhile gets prompt
// answers; the bot is stopped halfway and started again, and the rest
// still arrive; the clerk's progress message ends with the right counts.
func TestBroadcastThroughServe(t *testing.T) {
	const rate = 100
	db, srv, cfg, h := broadcastServe(t, rate)
	ctx := context.Background()
	clerk := clerkOfBroadcasts

	// 500 citizens subscribe; every third turns events off; every fifth of
	// the others keeps events only.
	const citizens = 500
	user := func(i int) telegramtest.User {
		return telegramtest.User{ID: int64(1000 + i), FirstName: fmt.Sprintf("C%d", i), LanguageCode: "it"}
	}
	for i := range citizens {
		srv.SendText(user(i), "/avvisi")
	}
	h.idle(t)
	want := map[int64]bool{}
	for i := range citizens {
		u := user(i)
		switch {
		case i%3 == 0:
			if _, err := srv.PressLabel(u, "Eventi e corsi"); err != nil {
				t.Fatal(err)
			}
		case i%5 == 0:
			for _, label := range []string{"Nuovi spazi", "Bandi", "Notizie"} {
				if _, err := srv.PressLabel(u, label); err != nil {
					t.Fatal(err)
				}
				h.idle(t) // the panel is edited in place: press on what it shows
			}
			want[u.ID] = true
		default:
			want[u.ID] = true
		}
	}
	h.idle(t)
	if sub, _ := db.Subscription(ctx, user(5).ID); sub.Topics.Has(registry.TopicNews) || !sub.Topics.Has(registry.TopicEvents) {
		t.Fatalf("citizen 5 has topics %v, want events only", sub.Topics)
	}

	// The clerk's announcement: a photo with a bold caption.
	srv.SendText(clerk, "/annuncio")
	h.idle(t)
	var poster bytes.Buffer
	if err := png.Encode(&poster, image.NewGray(image.Rect(0, 0, 40, 30))); err != nil {
		t.Fatal(err)
	}
	srv.SendPhoto(clerk, poster.Bytes(), "Workshop gratuito giovedì alle 18",
		telegramtest.Entity{Type: "bold", Offset: 0, Length: 17})
	h.idle(t)
	h.press(t, clerk, "Eventi e corsi")
	reach := fmt.Sprintf("lo riceveranno %d persone", len(want))
	if out := h.chatText(clerk.ID); !strings.Contains(out, reach) {
		t.Fatalf("the clerk saw %q, want %q", out, reach)
	}
	srv.LimitRate(telegramtest.RateLimit{PerSecond: rate * 12 / 10, PerChatPerSecond: 1})
	started := time.Now()
	h.press(t, clerk, fmt.Sprintf("Invia a %d persone", len(want)))

	copies := func() int {
		n := 0
		for _, c := range srv.CallsTo("copyMessage") {
			if c.Status == 200 {
				n++
			}
		}
		return n
	}
	waitFor := func(what string, ok func() bool, within time.Duration) {
		t.Helper()
		deadline := time.Now().Add(within)
		for !ok() {
			if time.Now().After(deadline) {
				t.Fatalf("waited %v for %s", within, what)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	// A subscriber books meanwhile, and is answered at once.
	waitFor("the broadcast to start", func() bool { return copies() > 20 }, 10*time.Second)
	booker := user(1)
	before := srv.MessageCount(booker.ID)
	asked := time.Now()
	srv.SendText(booker, "prenota 1 scrivania venerdì mattina da Officina Brianza")
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	_, err := srv.WaitMessages(wctx, booker.ID, before+1)
	cancel()
	if err != nil {
		t.Fatal(err)
	}
	if took := time.Since(asked); took > 2500*time.Millisecond {
		t.Errorf("the booking's answer took %v during the broadcast, want it prompt", took)
	}

	// Stopped halfway, and started again.
	waitFor("half the broadcast", func() bool { return copies() >= len(want)/2 }, 30*time.Second)
	h.stop()
	stoppedAt := copies()
	if stoppedAt >= len(want) {
		t.Fatalf("all %d sent before the stop: the test did not stop it halfway", stoppedAt)
	}
	h = startTelegramWith(t, db, srv, cfg)
	waitFor("the whole broadcast", func() bool {
		list, err := db.Announcements(ctx, 1)
		return err == nil && len(list) == 1 && list[0].Status == registry.AnnouncementDone
	}, 60*time.Second)
	elapsed := time.Since(started)

	// Exactly the subscribers of events, once each, the photo and the
	// caption's bold kept.
	got := map[int64]int{}
	for _, c := range srv.CallsTo("copyMessage") {
		if c.Status != 200 {
			continue // refused (a 429): not delivered
		}
		chat, _ := strconv.ParseInt(c.Params.Get("chat_id"), 10, 64)
		got[chat]++
	}
	for id := range want {
		if got[id] != 1 {
			t.Errorf("subscriber %d got %d copies, want 1", id, got[id])
		}
	}
	if got[clerk.ID] != 1 {
		t.Errorf("the clerk got %d copies, want the preview only", got[clerk.ID])
	}
	delete(got, clerk.ID)
	for id, n := range got {
		if !want[id] {
			t.Errorf("%d, who does not follow events, got %d copies", id, n)
		}
	}
	if msgs := srv.Messages(user(2).ID); !slices.ContainsFunc(msgs, func(m telegramtest.Message) bool {
		return m.Photo != nil && m.CopiedFrom != nil && m.CaptionPlain == "Workshop gratuito giovedì alle 18" &&
			len(m.CaptionEntities) == 1 && m.CaptionEntities[0].Type == "bold"
	}) {
		t.Errorf("citizen 2 got %+v, want the photo with its bold caption", msgs)
	}
	// Never faster than the rate (one second may hold the end of one claim
	// and the start of the next).
	for i, n := range srv.CallsPerSecond("copyMessage") {
		if n > rate*11/10 {
			t.Errorf("second %d: %d copies, more than the rate of %d", i, n, rate)
		}
	}
	if least := time.Duration(len(want)-rate) * time.Second / rate; elapsed < least {
		t.Errorf("%d copies took %v, faster than %d a second allows", len(want), elapsed, rate)
	}
	// The clerk's progress message, edited in place, ends with the counts
	// (the last edit follows the announcement's end in the registry).
	final := regexp.MustCompile(fmt.Sprintf(`inviato\.\s+Inviati %d su %d · non riusciti 0`, len(want), len(want)))
	waitFor("the final report", func() bool {
		return slices.ContainsFunc(srv.Messages(clerk.ID), func(m telegramtest.Message) bool { return final.MatchString(m.Plain) })
	}, 10*time.Second)
	var reports int
	for _, m := range srv.Messages(clerk.ID) {
		if strings.Contains(m.Plain, "Inviati ") {
			reports++
			if !final.MatchString(m.Plain) || !m.Edited {
				t.Errorf("the progress message reads %q (edited %v), want the final count", m.Plain, m.Edited)
			}
		}
	}
	if reports != 1 {
		t.Errorf("got %d progress messages, want one, edited as the sending went", reports)
	}
}

// TestBroadcastStopDuringACopy: the bot is stopped while the Bot API is
// slow to answer a copy it has already made; the copy is let finish and
// counted as sent, so after the restart nobody gets it twice (the stop
// used to cut the call, and the copy went again).
func TestBroadcastStopDuringACopy(t *testing.T) {
	db, srv, cfg, h := broadcastServe(t, 100)
	ctx := context.Background()
	clerk := clerkOfBroadcasts
	citizens := []telegramtest.User{{ID: 1001, FirstName: "Ada", LanguageCode: "it"},
		{ID: 1002, FirstName: "Bea", LanguageCode: "it"}, {ID: 1003, FirstName: "Cleo", LanguageCode: "it"}}
	for _, u := range citizens {
		srv.SendText(u, "/avvisi")
	}
	h.idle(t)
	srv.SendText(clerk, "/annuncio")
	h.idle(t)
	var poster bytes.Buffer
	if err := png.Encode(&poster, image.NewGray(image.Rect(0, 0, 40, 30))); err != nil {
		t.Fatal(err)
	}
	srv.SendPhoto(clerk, poster.Bytes(), "Sportello lavoro martedì")
	h.idle(t)
	h.press(t, clerk, "Eventi e corsi")
	srv.DelayNext("copyMessage", 1, 2*time.Second)
	h.press(t, clerk, "Invia a 3 persone")
	copies := func(u telegramtest.User) int {
		n := 0
		for _, m := range srv.Messages(u.ID) {
			if m.CopiedFrom != nil {
				n++
			}
		}
		return n
	}
	deadline := time.Now().Add(10 * time.Second)
	for copies(citizens[0])+copies(citizens[1])+copies(citizens[2]) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("no copy made within 10 s")
		}
		time.Sleep(10 * time.Millisecond)
	}
	h.stop() // while the Bot API still holds its answer
	h = startTelegramWith(t, db, srv, cfg)
	deadline = time.Now().Add(30 * time.Second)
	for {
		list, err := db.Announcements(ctx, 1)
		if err == nil && len(list) == 1 && list[0].Status == registry.AnnouncementDone {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the announcement did not finish: %+v, %v", list, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	for _, u := range citizens {
		if n := copies(u); n != 1 {
			t.Errorf("%s got %d copies, want 1", u.FirstName, n)
		}
	}
}

// clerkOfBroadcasts is the comune's staff member of broadcastServe.
var clerkOfBroadcasts = telegramtest.User{ID: 9000, FirstName: "Carla", LanguageCode: "it"}

// broadcastServe starts the Telegram edge on the real clock, broadcasting
// at rate, on the demo registry where clerkOfBroadcasts is staff; cfg
// starts it again after a stop.
func broadcastServe(t *testing.T, rate float64) (*registry.DB, *telegramtest.Server, TelegramConfig, *tgHarness) {
	t.Helper()
	db := mustDemoDB(t)
	if err := db.AddStaff(context.Background(), registry.CommandLine, clerkOfBroadcasts.ID, clerkOfBroadcasts.FirstName); err != nil {
		t.Fatal(err)
	}
	srv := telegramtest.NewServer(testToken)
	t.Cleanup(srv.Close)
	cfg := TelegramConfig{Now: time.Now, BroadcastRate: rate}
	return db, srv, cfg, startTelegramWith(t, db, srv, cfg)
}
