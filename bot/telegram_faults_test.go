package bot

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/comune-seregno/coworkbot/bot/telegramtest"
)

// TestALongFloodWaitIsHonoured: a 429 asking for 45 seconds is waited out,
// once, and the reply goes; the pacer holds the broadcast lane meanwhile.
func TestALongFloodWaitIsHonoured(t *testing.T) {
	h := startTelegram(t, nil)
	u := telegramtest.User{ID: 15, FirstName: "Leo", LanguageCode: "it"}
	h.srv.FailNext("sendMessage", 1, http.StatusTooManyRequests, "", 45)
	start := h.clock.Now()
	h.srv.SendText(u, "/aiuto")
	h.idle(t)
	if got := len(h.srv.Messages(u.ID)); got != 1 {
		t.Fatalf("got %d messages, want the help after the flood wait", got)
	}
	if waited := h.clock.Now().Sub(start); waited < 45*time.Second || waited > 46*time.Second {
		t.Errorf("got the reply %v later on the bot's clock, want 45 s", waited)
	}
	if tries := len(h.srv.CallsTo("sendMessage")); tries != 2 {
		t.Errorf("got %d sendMessage calls, want 2: one refused, one after the wait", tries)
	}
}

// TestDroppedConnections: a connection dropped before the Bot API did
// anything is tried again, and the person gets one message; one dropped
// after it sent the message is tried again too (the edge cannot tell), and
// the person gets it twice: a new message is at least once. A getUpdates
// whose answer is lost gives the same updates again, handled once.
func TestDroppedConnections(t *testing.T) {
	h := startTelegram(t, nil)
	u := telegramtest.User{ID: 16, FirstName: "Mia", LanguageCode: "it"}

	h.srv.DropNext("sendMessage", 2, telegramtest.DropBefore)
	h.srv.SendText(u, "/aiuto")
	h.idle(t)
	if got := len(h.srv.Messages(u.ID)); got != 1 {
		t.Errorf("got %d messages after connections dropped before the call, want 1", got)
	}

	h.srv.DropNext("sendMessage", 1, telegramtest.DropAfter)
	h.srv.SendText(u, "/help")
	h.idle(t)
	msgs := h.srv.Messages(u.ID)
	if len(msgs) != 3 || msgs[1].Plain != msgs[2].Plain {
		t.Errorf("got %d messages after a connection dropped after the call, want the help twice (at least once)", len(msgs))
	}

	if err := h.srv.WaitPolling(context.Background()); err != nil {
		t.Fatal(err)
	}
	h.srv.DropNext("getUpdates", 1, telegramtest.DropAfter)
	h.srv.SendText(u, "coworking con cobaby")
	h.idle(t)
	msgs = h.srv.Messages(u.ID)
	if len(msgs) != 4 || !strings.Contains(msgs[3].Plain, "Cobaby") {
		t.Errorf("got %d messages after a lost getUpdates, want the results once", len(msgs))
	}
}

// TestAnOutageOfEveryMethod: every call fails with 502 for 30 seconds
// (getUpdates included): the bot backs off, then answers what came
// meanwhile, each once.
func TestAnOutageOfEveryMethod(t *testing.T) {
	srv := telegramtest.NewServer(testToken)
	defer srv.Close()
	clock := newFakeClock()
	srv.Now = clock.Now
	h := startTelegramWith(t, nil, srv, TelegramConfig{Now: clock.Now, Sleep: clock.Sleep})
	users := []telegramtest.User{{ID: 17, FirstName: "Nino", LanguageCode: "it"}, {ID: 18, FirstName: "Olga", LanguageCode: "en"}}
	srv.FailFor(telegramtest.AllMethods, 30*time.Second, http.StatusBadGateway, 0)
	for _, u := range users {
		srv.SendText(u, "/start")
	}
	h.idle(t)
	for _, u := range users {
		if got := len(srv.Messages(u.ID)); got != 2 {
			t.Errorf("user %d: got %d messages after the outage, want the greeting and the menu", u.ID, got)
		}
	}
	if d := srv.Duplicates(); len(d) != 0 {
		t.Errorf("got duplicates %+v, want none", d)
	}
}

// TestASlowUpdateIsHeldAndHandledAgain: an update under way for longer
// than HoldAfter is held in the registry and the offset passes it, so that
// others' updates come in; stopped before it finishes, the bot handles it
// again at the next start, from the registry.
func TestASlowUpdateIsHeldAndHandledAgain(t *testing.T) {
	db := mustDemoDB(t)
	srv := telegramtest.NewServer(testToken)
	defer srv.Close()
	cfg := TelegramConfig{HoldAfter: 300 * time.Millisecond, StopGrace: 100 * time.Millisecond, Now: time.Now, Sleep: sleepCtx}
	h := startTelegramWith(t, db, srv, cfg)
	u := telegramtest.User{ID: 19, FirstName: "Pia", LanguageCode: "it"}
	srv.DelayNext("sendMessage", 1, 5*time.Second)
	id := srv.SendText(u, "/aiuto")
	ctx := context.Background()
	deadline := time.Now().Add(5 * time.Second)
	for {
		held, err := db.HeldUpdates(ctx, updateSource)
		if err != nil {
			t.Fatal(err)
		}
		if len(held) == 1 && held[0].ID == int64(id) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("got held %v, want update %d held", held, id)
		}
		time.Sleep(20 * time.Millisecond)
	}
	other := telegramtest.User{ID: 21, FirstName: "Rea", LanguageCode: "it"}
	srv.SendText(other, "/aiuto")
	h.idle(t) // every update confirmed, the held one too
	if got := srv.MessageCount(other.ID); got != 1 {
		t.Errorf("got %d messages for the other, want the help", got)
	}
	h.stop() // before the slow answer: the held update is not done
	if held, _ := db.HeldUpdates(ctx, updateSource); len(held) != 1 {
		t.Fatalf("got held %v after the stop, want the update still held", held)
	}
	again := startTelegramWith(t, db, srv, TelegramConfig{})
	deadline = time.Now().Add(5 * time.Second)
	for {
		held, _ := db.HeldUpdates(ctx, updateSource)
		if len(held) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("got held %v after the restart, want it handled and released", held)
		}
		time.Sleep(20 * time.Millisecond)
	}
	got := srv.MessageCount(u.ID)
	if got < 1 || got > 2 {
		t.Errorf("got %d helps for the slow one, want it once or twice (at least once)", got)
	}
	// Released, it is done: a third start does not answer it again.
	again.stop()
	startTelegramWith(t, db, srv, TelegramConfig{})
	third := telegramtest.User{ID: 23, FirstName: "Teo", LanguageCode: "it"}
	srv.SendText(third, "/aiuto") // answered after what the registry held, if anything
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if _, err := srv.WaitMessages(wctx, third.ID, 1); err != nil {
		t.Fatal(err)
	}
	if after := srv.MessageCount(u.ID); after != got {
		t.Errorf("got %d helps after a third start, want still %d", after, got)
	}
}
