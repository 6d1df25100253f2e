package bot

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/comune-seregno/coworkbot/bot/telegramtest"
	"github.com/comune-seregno/coworkbot/registry"
)

// TestEventsThroughServe plays issue 13's story through serve's real
// Telegram edge against the fake Bot API: a provider publishes a workshop
// in one message; a subscriber of events is told; a citizen asks "eventi
// giovedì 10 dicembre", signs up for two, sees it in /prenotazioni and gets
// the reminder; the same press delivered twice signs up once.
func TestEventsThroughServe(t *testing.T) {
	db := mustDemoDB(t)
	ctx := context.Background()
	gino := telegramtest.User{ID: 200, FirstName: "Gino", LanguageCode: "it"}
	anna := telegramtest.User{ID: 300, FirstName: "Anna", LanguageCode: "it"}
	nadia := telegramtest.User{ID: 400, FirstName: "Nadia", LanguageCode: "en"}
	if err := db.AddProvider(ctx, registry.CommandLine, "officina-brianza", gino.ID); err != nil {
		t.Fatal(err)
	}
	srv := telegramtest.NewServer(testToken)
	t.Cleanup(srv.Close)
	cfg := TelegramConfig{Now: time.Now}
	h := startTelegramWith(t, db, srv, cfg)

	h.say(t, nadia, "/news") // every topic
	h.say(t, gino, "nuovo evento: workshop sulla fatturazione elettronica, giovedì 10 dicembre dalle 18 alle 20, 20 posti, gratuito")
	h.press(t, gino, "Una volta sola")
	h.press(t, gino, "Nessuna sala")
	h.press(t, gino, "Italiano")
	if out := h.say(t, gino, "Come emettere e ricevere fatture elettroniche, con esempi."); !strings.Contains(out, "Workshop sulla fatturazione elettronica") {
		t.Fatalf("got %q, want the summary", out)
	}
	h.press(t, gino, "Pubblica")
	// Nadia hears of it, in English, from the outbox.
	deadline := time.Now().Add(15 * time.Second)
	for !strings.Contains(h.chatText(nadia.ID), "New event") {
		if time.Now().After(deadline) {
			t.Fatalf("Nadia was not told: %q", h.chatText(nadia.ID))
		}
		time.Sleep(50 * time.Millisecond)
	}

	if out := h.say(t, anna, "eventi giovedì 10 dicembre"); !strings.Contains(out, "Workshop sulla fatturazione elettronica") {
		t.Fatalf("got %q, want the workshop", out)
	}
	h.press(t, anna, "1 · Workshop")
	h.press(t, anna, "Iscriviti")
	msgs := srv.Messages(anna.ID)
	last := msgs[len(msgs)-1]
	data := ""
	for _, row := range last.Keyboard {
		for _, k := range row {
			if k.Text == "2" {
				data = k.CallbackData
			}
		}
	}
	if data == "" {
		t.Fatalf("no button 2 in %+v", last.Keyboard)
	}
	// The same press, delivered twice.
	srv.Press(anna, last.ID, data)
	srv.Press(anna, last.ID, data)
	h.idle(t)
	es, _ := db.Events(ctx, registry.EventQuery{})
	if len(es) != 1 || es[0].Left != 18 {
		t.Fatalf("got %+v, want 18 seats left after one sign-up for two", es)
	}
	if out := h.say(t, anna, "/prenotazioni"); !strings.Contains(out, "Le tue iscrizioni: 1 evento") || !strings.Contains(out, "2 persone") {
		t.Errorf("got %q, want the sign-up for two among Anna's bookings", out)
	}

	// The afternoon of the 10th: the reminder goes, through the edge.
	h.stop()
	db.Now = func() time.Time { return time.Date(2026, 12, 10, 15, 30, 0, 0, registry.Rome) }
	h = startTelegramWith(t, db, srv, cfg)
	before := srv.MessageCount(anna.ID)
	if err := h.tg.bot.Tick(ctx, h.tg.Deliver); err != nil {
		t.Fatal(err)
	}
	got := srv.Messages(anna.ID)[before:]
	if len(got) != 1 || !strings.Contains(got[0].Plain, "Promemoria") || !strings.Contains(got[0].Plain, "fatturazione") {
		t.Errorf("got %+v, want one reminder", got)
	}
}
