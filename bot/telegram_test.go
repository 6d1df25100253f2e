package bot

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/comune-seregno/coworkbot/bot/telegramtest"
	"github.com/comune-seregno/coworkbot/registry"
)

const testToken = "123456:TEST-token"

// quiet drops the bot's logs in tests; failures say what went wrong.
var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// mustDemoDB opens a real database file with the demo registry and a fixed clock.
func mustDemoDB(t testing.TB) *registry.DB {
	t.Helper()
	db, err := registry.Open(context.Background(), filepath.Join(t.TempDir(), "bot.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.LoadDemo(context.Background()); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 2, 10, 0, 0, 0, registry.Rome) // a Wednesday
	db.Now = func() time.Time { return now }
	return db
}

// fakeClock is a clock that moves only when someone sleeps on it: the
// edge's waits (flood waits, back-offs, the pacer) take no real time in
// tests, and each is recorded.
type fakeClock struct {
	mu     sync.Mutex
	t      time.Time
	sleeps []time.Duration
}

func newFakeClock() *fakeClock { return &fakeClock{t: time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	c.sleeps = append(c.sleeps, d)
	c.t = c.t.Add(d)
	c.mu.Unlock()
	return nil
}

// slept returns the waits asked for so far.
func (c *fakeClock) slept() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.sleeps...)
}

// tgHarness is the bot running its real Telegram front end against the fake
// Bot API server.
type tgHarness struct {
	srv   *telegramtest.Server
	db    *registry.DB
	tg    *Telegram
	clock *fakeClock
	stop  func() // stops the bot (once), as SIGTERM does
}

func startTelegram(t *testing.T, db *registry.DB) *tgHarness {
	t.Helper()
	return startTelegramWith(t, db, nil, TelegramConfig{})
}

// startTelegramWith starts the bot on srv (a new fake when nil) with cfg,
// whose token, endpoint, poll timeout and clock it fills in.
func startTelegramWith(t *testing.T, db *registry.DB, srv *telegramtest.Server, cfg TelegramConfig) *tgHarness {
	t.Helper()
	if db == nil {
		db = mustDemoDB(t)
	}
	if srv == nil {
		srv = telegramtest.NewServer(testToken)
		t.Cleanup(srv.Close)
	}
	h := &tgHarness{srv: srv, db: db, clock: newFakeClock()}
	b, err := New(Config{DB: db, Log: quiet})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cfg.Token, cfg.Endpoint = testToken, srv.URL()
	if cfg.PollTimeout == 0 {
		cfg.PollTimeout = time.Second
	}
	if cfg.Now == nil {
		cfg.Now, cfg.Sleep = h.clock.Now, h.clock.Sleep
	}
	h.tg, err = NewTelegram(ctx, b, cfg)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- h.tg.Run(ctx) }()
	var once sync.Once
	h.stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("Run: %v", err)
			}
		})
	}
	t.Cleanup(h.stop)
	return h
}

// idle waits until the bot has handled everything sent so far.
func (h *tgHarness) idle(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := h.srv.WaitIdle(ctx); err != nil {
		t.Fatalf("the bot did not handle the updates: %v", err)
	}
}

func (h *tgHarness) last(t *testing.T, chat int64) telegramtest.Message {
	t.Helper()
	msgs := h.srv.Messages(chat)
	if len(msgs) == 0 {
		t.Fatal("no messages")
	}
	return msgs[len(msgs)-1]
}

func (h *tgHarness) press(t *testing.T, u telegramtest.User, label string) {
	t.Helper()
	if _, err := h.srv.PressLabel(u, label); err != nil {
		t.Fatalf("press %q: %v", label, err)
	}
	h.idle(t)
}

func TestTelegramConversation(t *testing.T) {
	h := startTelegram(t, nil)
	anna := telegramtest.User{ID: 42, FirstName: "Anna", LanguageCode: "it"}

	h.srv.SendText(anna, "/start")
	h.idle(t)
	msgs := h.srv.Messages(anna.ID)
	if len(msgs) != 2 {
		t.Fatalf("got %d messages after /start, want 2", len(msgs))
	}
	if !strings.Contains(msgs[0].Plain, "Anna") || len(msgs[0].ReplyKeyboard) == 0 || !msgs[0].ReplyKeyboard[0][0].RequestLocation {
		t.Errorf("got greeting %q with keyboard %+v, want Anna's name and a location button", msgs[0].Plain, msgs[0].ReplyKeyboard)
	}
	if len(msgs[1].Keyboard) == 0 || !strings.Contains(msgs[1].Keyboard[0][0].Text, "Cerca per servizio") {
		t.Errorf("got menu %+v, want the search-by-service button", msgs[1].Keyboard)
	}
	if cmds := h.srv.Commands("it"); len(cmds) == 0 || cmds[1].Command != "cerca" {
		t.Errorf("got Italian commands %+v, want cerca among them", cmds)
	}
	if cmds := h.srv.Commands("en"); len(cmds) == 0 || cmds[1].Command != "search" {
		t.Errorf("got English commands %+v, want search", cmds)
	}
	if cmds := h.srv.Commands(""); len(cmds) == 0 || cmds[1].Command != "cerca" {
		t.Errorf("got default commands %+v, want the Italian ones", cmds)
	}

	// A shared location: nearest first.
	h.srv.SendLocation(anna, 45.6469, 9.2101)
	h.idle(t)
	list := h.last(t, anna.ID)
	if list.ParseMode != "HTML" || !strings.Contains(list.Plain, "1. Binario Uno") {
		t.Fatalf("got %q, want Binario Uno first near the station", list.Plain)
	}

	// A filtered search by keyword keeps the location.
	h.srv.SendText(anna, "con cobaby")
	h.idle(t)
	list = h.last(t, anna.ID)
	if !strings.Contains(list.Plain, "1. Officina Brianza") || strings.Contains(list.Plain, "Binario Uno") {
		t.Errorf("got %q, want only Cobaby spaces, Officina Brianza first", list.Plain)
	}

	// Paging edits the list in place.
	h.srv.SendText(anna, "coworking")
	h.idle(t)
	before := len(h.srv.Messages(anna.ID))
	h.press(t, anna, "Altri")
	page := h.last(t, anna.ID)
	if len(h.srv.Messages(anna.ID)) != before || !page.Edited || !strings.Contains(page.Plain, "6. ") || strings.Contains(page.Plain, "1. Binario") {
		t.Errorf("got page %q (edited %v), want results 6-10 in the same message", page.Plain, page.Edited)
	}

	// Details, with a map pin.
	h.press(t, anna, "6 ·")
	venues := h.srv.CallsTo("sendVenue")
	if len(venues) != 1 {
		t.Fatalf("got %d venues, want 1", len(venues))
	}
	msgs = h.srv.Messages(anna.ID)
	details := msgs[len(msgs)-2]
	if !strings.Contains(details.Plain, "🕘") || !strings.Contains(details.Plain, "scrivanie") || details.Keyboard == nil {
		t.Errorf("got details %q, want hours, desks and buttons", details.Plain)
	}

	// The language switch is remembered.
	h.srv.SendText(anna, "/language")
	h.idle(t)
	h.press(t, anna, "English")
	msgs = h.srv.Messages(anna.ID)
	if got := msgs[len(msgs)-2].Plain; !strings.Contains(got, "English") {
		t.Errorf("got %q, want the switch confirmed in English", got)
	}
	h.srv.SendText(anna, "childcare near the station")
	h.idle(t)
	if got := h.last(t, anna.ID).Plain; !strings.HasPrefix(got, "🔎 Spaces") || !strings.Contains(got, "Officina Brianza") {
		t.Errorf("got %q, want English results", got)
	}
	if u := h.srv.Unanswered(); len(u) != 0 {
		t.Errorf("got unanswered callback queries %v, want none", u)
	}
	// The offset is stored past the last update.
	if off, _ := h.db.Setting(context.Background(), offsetKey); off == "" || off == "0" {
		t.Errorf("got stored offset %q, want one", off)
	}
}

func TestTelegramSurvivesFailures(t *testing.T) {
	h := startTelegram(t, nil)
	u := telegramtest.User{ID: 7, FirstName: "Bo", LanguageCode: "en"}

	// A burst of 429s: the bot waits retry_after each time, then delivers.
	h.srv.FailNext("sendMessage", 3, http.StatusTooManyRequests, "", 2)
	h.srv.SendText(u, "/start")
	h.idle(t)
	if got := len(h.srv.Messages(u.ID)); got != 2 {
		t.Fatalf("got %d messages after a burst of 429s, want 2", got)
	}
	waits := 0
	for _, d := range h.clock.slept() {
		if d == 2*time.Second {
			waits++
		}
	}
	if waits != 3 {
		t.Errorf("got %d waits of retry_after, want 3 (%v)", waits, h.clock.slept())
	}

	// 5xx on getUpdates, a method the server does not know, a 500 on send.
	h.srv.FailNext("getUpdates", 2, http.StatusBadGateway, "Bad Gateway", 0)
	h.srv.FailNext("sendVenue", 1, http.StatusNotFound, "Not Found", 0)
	h.srv.FailNext("sendMessage", 1, http.StatusInternalServerError, "Internal Server Error", 0)
	h.srv.SendText(u, "details of officina brianza")
	h.idle(t)
	if got := h.last(t, u.ID).Plain; !strings.Contains(got, "Officina Brianza") {
		t.Errorf("got %q, want the details despite the failures", got)
	}

	// A button that means nothing is answered and does not stop the bot.
	msgs := h.srv.Messages(u.ID)
	h.srv.Press(u, msgs[len(msgs)-1].ID, "zz:nonsense")
	h.idle(t)
	if u := h.srv.Unanswered(); len(u) != 0 {
		t.Errorf("got unanswered %v, want every callback answered", u)
	}

	// An update the library cannot decode is skipped; the next one is
	// answered.
	h.srv.SendUpdateJSON([]byte(`{"message":{"message_id":"not a number","date":1,"chat":{"id":7,"type":"private"},"from":{"id":7,"is_bot":false,"first_name":"Bo"},"text":"/start"}}`))
	h.srv.SendText(u, "/aiuto")
	h.idle(t)
	if got := h.last(t, u.ID).Plain; !strings.Contains(got, "What I can do") {
		t.Errorf("got %q after an undecodable update, want the help", got)
	}

	// A user who blocked the bot is remembered, and the bot goes on.
	blocked := telegramtest.User{ID: 99, FirstName: "Zed", LanguageCode: "it"}
	h.srv.Block(blocked.ID)
	h.srv.SendText(blocked, "/start")
	h.idle(t)
	if usr, _ := h.db.User(context.Background(), blocked.ID); !usr.Blocked {
		t.Error("got the user not marked as blocked, want blocked")
	}
	sent := len(h.srv.CallsTo("sendMessage"))
	if err := h.tg.Deliver(context.Background(), Outgoing{UserID: blocked.ID, Reply: Reply{Text: "news"}}); err != nil {
		t.Errorf("got %v delivering to a blocked user, want nil (skipped)", err)
	}
	if got := len(h.srv.CallsTo("sendMessage")); got != sent {
		t.Errorf("got %d sends after delivering to a blocked user, want %d", got, sent)
	}
	h.srv.SendText(u, "/help")
	h.idle(t)
	if got := h.last(t, u.ID).Plain; !strings.Contains(got, "What I can do") {
		t.Errorf("got %q after a blocked user, want the help", got)
	}
}

func TestTelegramRestartKeepsOffset(t *testing.T) {
	db := mustDemoDB(t)
	u := telegramtest.User{ID: 5, FirstName: "Cy", LanguageCode: "it"}
	h := startTelegram(t, db)
	h.srv.SendText(u, "/start")
	h.idle(t)
	off, err := db.Setting(context.Background(), offsetKey)
	if err != nil || off == "" {
		t.Fatalf("got offset %q, %v; want one stored", off, err)
	}
	// The same update delivered again (as after a crash before the offset
	// moved) is not answered twice.
	tg, hookCtx := webhookOn(t, db, h.srv)
	before := len(h.srv.Messages(u.ID))
	upd := `{"update_id":` + off + `,"message":{"message_id":99,"date":1,"chat":{"id":5,"type":"private"},"from":{"id":5,"is_bot":false,"first_name":"Cy"},"text":"/start"}}`
	req := httptest.NewRequest(http.MethodPost, "/hook", strings.NewReader(upd))
	req.Header.Set("X-Telegram-Bot-Api-Secret-Token", "s3cret")
	rec := httptest.NewRecorder()
	tg.WebhookHandler(hookCtx).ServeHTTP(rec, req)
	rec2 := httptest.NewRecorder()
	tg.WebhookHandler(hookCtx).ServeHTTP(rec2, httptest.NewRequest(http.MethodPost, "/hook", strings.NewReader(upd)))
	req3 := httptest.NewRequest(http.MethodPost, "/hook", strings.NewReader(upd))
	req3.Header.Set("X-Telegram-Bot-Api-Secret-Token", "s3cret")
	rec3 := httptest.NewRecorder()
	tg.WebhookHandler(hookCtx).ServeHTTP(rec3, req3)
	if rec.Code != http.StatusOK || rec2.Code != http.StatusUnauthorized || rec3.Code != http.StatusOK {
		t.Errorf("got webhook statuses %d, %d (no secret), %d (again); want 200, 401, 200", rec.Code, rec2.Code, rec3.Code)
	}
	if got := len(h.srv.Messages(u.ID)); got != before+2 {
		t.Errorf("got %d new messages for one update delivered twice, want 2 (answered once)", got-before)
	}
}

// webhookOn makes a bot on db that answers webhook posts with the secret
// token "s3cret" and calls srv; its context ends with the test.
func webhookOn(t *testing.T, db *registry.DB, srv *telegramtest.Server) (*Telegram, context.Context) {
	t.Helper()
	b, err := New(Config{DB: db, Log: quiet})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	tg, err := NewTelegram(ctx, b, TelegramConfig{Token: testToken, Endpoint: srv.URL(), Secret: "s3cret"})
	if err != nil {
		t.Fatal(err)
	}
	return tg, ctx
}
