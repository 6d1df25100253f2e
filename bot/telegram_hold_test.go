package bot

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/comune-seregno/coworkbot/bot/telegramtest"
	"github.com/comune-seregno/coworkbot/registry"
)

// The held updates across an erasure, a restart and a switch to a webhook.

// TestAnUpdateAfterAnErasureIsStillAnswered: while the window is crowded,
// a person's "yes, erase" (E) and their next message (L) are both held.
// The erasure drops every held update of theirs (the registry's
// held_updates are theirs: Fate Drop), L's too, although the offset has
// passed L and L is not done; L is held again at the next batch, so that a
// stop while E's answer is still on its way hands L back to the registry,
// and the restart answers it. (Found by a review: before, L was lost.)
func TestAnUpdateAfterAnErasureIsStillAnswered(t *testing.T) {
	db := mustDemoDB(t)
	srv := telegramtest.NewServer(testToken)
	t.Cleanup(srv.Close)
	cfg := TelegramConfig{Workers: 2, StopGrace: 5 * time.Second, Now: time.Now, Sleep: sleepCtx}
	p := telegramtest.User{ID: 900, FirstName: "Zed", LanguageCode: "it"}
	h := startTelegramWith(t, db, srv, cfg)
	srv.SendText(p, "/start")
	h.idle(t)
	srv.SendText(p, "/cancellami")
	h.idle(t)
	h.stop()

	const others = 60
	for i := range others {
		srv.SendText(telegramtest.User{ID: int64(3000 + i), FirstName: "Altro", LanguageCode: "it"}, "/aiuto")
	}
	if _, err := srv.PressLabel(p, "🗑 Sì, cancella tutto"); err != nil {
		t.Fatal(err)
	}
	lid := srv.SendText(p, "/aiuto") // L
	srv.DelayNext("sendMessage", 2*others, 30*time.Millisecond)
	srv.DelayNext("editMessageText", 1, 1500*time.Millisecond) // E's "done", after the erasure

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	h2 := startTelegramWith(t, db, srv, cfg)
	lHeld := false
	for {
		held, _ := db.HeldUpdates(ctx, updateSource)
		for _, x := range held {
			if x.ID == int64(lid) {
				lHeld = true
			}
		}
		if u, _ := db.User(ctx, p.ID); u.FirstName == "" { // erased
			break
		}
		if ctx.Err() != nil {
			t.Fatal("never erased")
		}
		time.Sleep(2 * time.Millisecond)
	}
	if !lHeld {
		t.Fatal("got L never held, want it held while the window was crowded (the test's premise)")
	}
	before := srv.MessageCount(p.ID)
	h2.stop() // SIGTERM while E's answer is on its way: L, not started, is handed back
	startTelegramWith(t, db, srv, cfg)
	if _, err := srv.WaitMessages(ctx, p.ID, before+1); err != nil {
		t.Errorf("L (update %d, sent after the erasure) never answered: %d messages before the stop, %d after the restart: %v", lid, before, srv.MessageCount(p.ID), err)
	}
}

// The tests below drive the pipeline by hand (take, ran, commit), as the
// workers and pollLoop would, with no worker running, so that each step is
// deterministic.

func handDriven(t *testing.T, db *registry.DB) (*Telegram, context.Context) {
	t.Helper()
	srv := telegramtest.NewServer(testToken)
	t.Cleanup(srv.Close)
	b, err := New(Config{DB: db, Log: quiet})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	tg, err := NewTelegram(ctx, b, TelegramConfig{Token: testToken, Endpoint: srv.URL(), Now: time.Now, Sleep: sleepCtx})
	if err != nil {
		t.Fatal(err)
	}
	return tg, ctx
}

func helpUpdate(id int, user int64) []byte {
	return fmt.Appendf(nil, `{"update_id":%d,"message":{"message_id":%d,"date":1,"chat":{"id":%d,"type":"private"},"from":{"id":%d,"is_bot":false,"first_name":"X","language_code":"it"},"text":"/aiuto"}}`, id, id, user, user)
}

func handJob(t *testing.T, p *pipeline, id int, user int64) *job {
	t.Helper()
	raw := helpUpdate(id, user)
	u, ok := p.t.decode(raw)
	if !ok || !u.ok {
		t.Fatalf("update %d not decoded", id)
	}
	return p.newJob(u.id, raw, u.r, u.ok)
}

func heldIDs(t *testing.T, db *registry.DB) map[int]bool {
	t.Helper()
	held, err := db.HeldUpdates(context.Background(), updateSource)
	if err != nil {
		t.Fatal(err)
	}
	out := map[int]bool{}
	for _, h := range held {
		out[int(h.ID)] = true
	}
	return out
}

// heldAboveTheOffset drives a pipeline by hand to an update held above the
// offset: 50 updates under way held by a crowded batch (the offset past
// them, at 51), then A (51) under way and H (52) parked, held because 50
// are under way (blockedLocked), the offset still at A. It returns the
// registry, the pipeline and H.
func heldAboveTheOffset(t *testing.T) (*registry.DB, *pipeline, *job) {
	t.Helper()
	db := mustDemoDB(t)
	tg, ctx := handDriven(t, db)
	p := newPipeline(tg, true)
	p.work = ctx
	for id := 1; id <= 50; id++ {
		p.take(handJob(t, p, id, int64(1000+id)))
	}
	if err := p.commit(false); err != nil {
		t.Fatal(err)
	}
	if p.offset != 51 {
		t.Fatalf("got offset %d after the crowded batch, want 51", p.offset)
	}
	p.take(handJob(t, p, 51, 2001))
	h, _ := p.take(handJob(t, p, 52, 2002))
	p.ran(h, nil, false, false, time.Hour) // parked for its person's pace
	if err := p.commit(false); err != nil {
		t.Fatal(err)
	}
	if held := heldIDs(t, db); !held[52] || held[51] || p.offset != 51 {
		t.Fatalf("got held %v, offset %d; want 52 held (blocked), 51 not, offset 51", held, p.offset)
	}
	return db, p, h
}

// TestAHeldUpdateDoneAboveTheOffsetIsNotTakenAgain: after a crowded batch
// the offset passes 50 updates still under way (held), so 50 are under way
// while few are past the offset. A parked update H is then held
// (blockedLocked) while an earlier one, A, is not: the offset stays at A.
// H finishes and is released; the offset has not passed it, so Telegram
// gives it again at the next getUpdates, and the pipeline must still know
// it. (Found by a review: it was forgotten once released, and answered
// twice.)
func TestAHeldUpdateDoneAboveTheOffsetIsNotTakenAgain(t *testing.T) {
	_, p, h := heldAboveTheOffset(t)
	p.mu.Lock()
	h.parked = false // resumed
	p.mu.Unlock()
	p.ran(h, nil, true, false, 0) // H answered
	if err := p.commit(false); err != nil {
		t.Fatal(err)
	}
	// pollLoop asks from offset 51: Telegram gives 51 and 52 again.
	if !p.known(52) {
		again, fresh := p.take(handJob(t, p, 52, 2002))
		t.Errorf("got update 52 (answered, offset %d) unknown to the pipeline: taken again (fresh %v, state %d), answered twice", p.offset, fresh, again.state)
	}
}

// TestARestoredHeldUpdateKeepsTheOffsetOrder: as in the test above, H (52)
// is held above the stored offset (51), behind A (51), not held. The bot
// crashes. At the restart, H comes first (from the registry), then A (from
// getUpdates): the first batch must not store an offset past A, which is
// neither done nor held. (Found by a review: the pipeline kept the updates
// in the order they came, and passed A.)
func TestARestoredHeldUpdateKeepsTheOffsetOrder(t *testing.T) {
	db, p, _ := heldAboveTheOffset(t)
	tg, ctx := p.t, p.work
	// Crash (SIGKILL) here. The restart:
	q := newPipeline(tg, true)
	q.work = ctx
	if err := tg.restore(ctx, q); err != nil {
		t.Fatal(err)
	}
	for id := q.offset; id <= 52; id++ { // what getUpdates gives again
		if !q.known(id) {
			q.take(handJob(t, q, id, int64(1950+id)))
		}
	}
	if err := q.commit(false); err != nil {
		t.Fatal(err)
	}
	stored, _ := db.Setting(ctx, offsetKey)
	if a := q.byID[51]; stored != "51" && (a == nil || a.state != jobDone) && !heldIDs(t, db)[51] {
		t.Errorf("got offset %s stored after the restart's first batch, past update 51, which is neither done nor held (order was restored-first)", stored)
	}
}

// TestAWebhookAfterPollingSkipsWhatPollingHandled: an update handled by
// long polling, whose offset was stored but (a SIGKILL before the next
// getUpdates, or a failed confirm at the stop) not confirmed to Telegram,
// is posted again once the bot is restarted with a webhook (setWebhook
// delivers the pending updates). Long polling writes no mark for what its
// stored offset passes, so the webhook reads that offset. (Found by a
// review: it was answered twice.)
func TestAWebhookAfterPollingSkipsWhatPollingHandled(t *testing.T) {
	db := mustDemoDB(t)
	u := telegramtest.User{ID: 5, FirstName: "Cy", LanguageCode: "it"}
	h := startTelegram(t, db)
	id := h.srv.SendText(u, "/start")
	h.idle(t)
	h.stop()
	before := len(h.srv.Messages(u.ID))
	tg, hookCtx := webhookOn(t, db, h.srv)
	upd := `{"update_id":` + strconv.Itoa(id) + `,"message":{"message_id":99,"date":1,"chat":{"id":5,"type":"private"},"from":{"id":5,"is_bot":false,"first_name":"Cy"},"text":"/start"}}`
	req := httptest.NewRequest(http.MethodPost, "/hook", strings.NewReader(upd))
	req.Header.Set("X-Telegram-Bot-Api-Secret-Token", "s3cret")
	rec := httptest.NewRecorder()
	tg.WebhookHandler(hookCtx).ServeHTTP(rec, req)
	if got := len(h.srv.Messages(u.ID)); got != before {
		t.Errorf("got %d new messages for update %d, handled by polling and posted again to the webhook, want 0", got-before, id)
	}
}

// TestAMarkOnlyWhereTheOffsetDoesNotSayIt: polling, an update finished
// behind a slower one gets a handled mark (the stored offset does not pass
// it: a restart must know it when Telegram gives it again), and one that
// the stored offset passes gets none (it will not come again).
func TestAMarkOnlyWhereTheOffsetDoesNotSayIt(t *testing.T) {
	db := mustDemoDB(t)
	tg, ctx := handDriven(t, db)
	p := newPipeline(tg, true)
	p.work = ctx
	slow, _ := p.take(handJob(t, p, 1, 3001))
	fast, _ := p.take(handJob(t, p, 2, 3002))
	p.ran(fast, nil, true, false, 0)
	if err := p.commit(false); err != nil {
		t.Fatal(err)
	}
	if p.offset > 1 {
		t.Fatalf("got offset %d with update 1 under way, want it not past 1", p.offset)
	}
	if done, err := db.Handled(ctx, updateSource, 2); err != nil || !done {
		t.Errorf("got update 2 marked %v (%v), want marked: it is past the stored offset", done, err)
	}
	p.ran(slow, nil, true, false, 0)
	if err := p.commit(false); err != nil {
		t.Fatal(err)
	}
	if p.offset != 3 {
		t.Fatalf("got offset %d with both done, want 3", p.offset)
	}
	if done, err := db.Handled(ctx, updateSource, 1); err != nil || done {
		t.Errorf("got update 1 marked %v (%v), want no mark: the offset stored with it passes it", done, err)
	}
	// The restart after a crash knows both: one by the offset, one by both.
	q := newPipeline(tg, true)
	if err := tg.restore(ctx, q); err != nil {
		t.Fatal(err)
	}
	for _, id := range []int{1, 2} {
		if !q.known(id) {
			t.Errorf("got update %d unknown after the restart, want it known (it was handled)", id)
		}
	}
}
