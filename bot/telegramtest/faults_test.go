package telegramtest_test

import (
	"net/http"
	"reflect"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/comune-seregno/coworkbot/bot/telegramtest"
)

// clock is a settable time for the server's Now.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// mustServeAt starts a server on a fake clock and a client with timeout.
func mustServeAt(t *testing.T, timeout time.Duration) (*telegramtest.Server, *tgbotapi.BotAPI, *clock) {
	t.Helper()
	c := &clock{now: time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)}
	s := telegramtest.NewServer(token)
	s.Now = c.Now
	t.Cleanup(s.Close)
	bot, err := tgbotapi.NewBotAPIWithClient(token, s.URL()+"/bot%s/%s", &http.Client{Timeout: timeout})
	if err != nil {
		t.Fatalf("NewBotAPIWithClient: %v", err)
	}
	return s, bot, c
}

func TestFailForBurstOf429(t *testing.T) {
	s, bot, c := mustServeAt(t, 10*time.Second)
	s.FailFor("sendMessage", 16*time.Second, http.StatusTooManyRequests, 0)
	for _, step := range []struct {
		advance time.Duration
		retry   int
	}{{0, 16}, {10 * time.Second, 6}, {5500 * time.Millisecond, 1}} {
		c.advance(step.advance)
		_, err := bot.Send(tgbotapi.NewMessage(alice.ID, "ciao"))
		e := apiError(t, err)
		if e.Code != 429 || e.RetryAfter != step.retry {
			t.Errorf("after %v: got %d retry_after %d (%q), want 429 retry_after %d", step.advance, e.Code, e.RetryAfter, e.Message, step.retry)
		}
	}
	if _, err := bot.GetMe(); err != nil {
		t.Errorf("getMe during a sendMessage window: %v", err)
	}
	c.advance(500 * time.Millisecond)
	if _, err := bot.Send(tgbotapi.NewMessage(alice.ID, "ciao")); err != nil {
		t.Fatalf("Send after the window: %v", err)
	}
	if got := s.MessageCount(alice.ID); got != 1 {
		t.Errorf("got %d messages, want 1: refused calls store nothing", got)
	}
}

func TestFailForAllMethods(t *testing.T) {
	s, bot, c := mustServeAt(t, 10*time.Second)
	s.FailFor(telegramtest.AllMethods, 3*time.Second, http.StatusBadGateway, 0)
	_, err := bot.GetMe()
	wantAPIError(t, err, http.StatusBadGateway, "Bad Gateway")
	_, err = bot.GetUpdates(tgbotapi.UpdateConfig{})
	wantAPIError(t, err, http.StatusBadGateway, "Bad Gateway")
	s.FailUntil("sendMessage", c.Now().Add(5*time.Second), http.StatusInternalServerError, 0)
	c.advance(3 * time.Second)
	if _, err := bot.GetMe(); err != nil {
		t.Errorf("getMe after the 502 window: %v", err)
	}
	_, err = bot.Send(tgbotapi.NewMessage(alice.ID, "x"))
	wantAPIError(t, err, http.StatusInternalServerError, "Internal Server Error")
	s.ClearFaults()
	if _, err := bot.Send(tgbotapi.NewMessage(alice.ID, "x")); err != nil {
		t.Errorf("Send after ClearFaults: %v", err)
	}
}

func TestInjectOrderAndCounts(t *testing.T) {
	s, bot, _ := mustServeAt(t, 10*time.Second)
	s.Inject(telegramtest.Fault{Method: "sendMessage", Calls: 2, Code: http.StatusForbidden, Description: "Forbidden: user is deactivated"})
	s.FailNext("SENDMESSAGE", 1, http.StatusBadRequest, "Bad Request: chat not found", 0)
	var got []string
	for range 4 {
		_, err := bot.Send(tgbotapi.NewMessage(alice.ID, "x"))
		if err != nil {
			got = append(got, apiError(t, err).Message)
		} else {
			got = append(got, "ok")
		}
	}
	want := []string{"Forbidden: user is deactivated", "Forbidden: user is deactivated", "Bad Request: chat not found", "ok"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestSlowAnswerPerformsFirst(t *testing.T) {
	s, bot, _ := mustServeAt(t, 200*time.Millisecond)
	s.DelayNext("sendMessage", 1, time.Minute)
	if _, err := bot.Send(tgbotapi.NewMessage(alice.ID, "Prenotazione confermata")); err == nil {
		t.Fatalf("got no error, want the client's timeout")
	}
	if got := s.MessageCount(alice.ID); got != 1 {
		t.Fatalf("got %d messages, want the slow one stored before the delay", got)
	}
	// The client retries, as one that does not know it succeeded.
	if _, err := bot.Send(tgbotapi.NewMessage(alice.ID, "Prenotazione confermata")); err != nil {
		t.Fatalf("retry: %v", err)
	}
	want := []telegramtest.Duplicate{{ChatID: alice.ID, Text: "Prenotazione confermata", Count: 2}}
	if got := s.Duplicates(); !reflect.DeepEqual(got, want) {
		t.Errorf("got duplicates %+v, want %+v", got, want)
	}
	// The slow call ends when its client goes away, and is recorded.
	calls, err := s.WaitCalls(testContext(t), "sendMessage", 2)
	if err != nil {
		t.Fatalf("WaitCalls: %v", err)
	}
	if calls[0].Status != http.StatusOK || calls[1].Status != http.StatusOK {
		t.Errorf("got statuses %d %d, want both 200", calls[0].Status, calls[1].Status)
	}
}

func TestDroppedConnections(t *testing.T) {
	s, bot, _ := mustServeAt(t, 10*time.Second)
	s.DropNext("sendMessage", 1, telegramtest.DropBefore)
	if _, err := bot.Send(tgbotapi.NewMessage(alice.ID, "prima")); err == nil {
		t.Fatalf("got no error, want the dropped connection")
	}
	if got := s.MessageCount(alice.ID); got != 0 {
		t.Errorf("got %d messages after a drop before, want none", got)
	}
	s.DropNext("sendMessage", 1, telegramtest.DropAfter)
	if _, err := bot.Send(tgbotapi.NewMessage(alice.ID, "dopo")); err == nil {
		t.Fatalf("got no error, want the dropped connection")
	}
	if got := s.MessageCount(alice.ID); got != 1 {
		t.Errorf("got %d messages after a drop after, want the message stored", got)
	}
	calls := s.CallsTo("sendMessage")
	if len(calls) != 2 || calls[0].Status != 0 || calls[1].Status != 0 || calls[1].Error != "connection dropped" {
		t.Errorf("got calls %+v, want two dropped", calls)
	}
	// A getUpdates dropped after confirming has confirmed.
	first := s.SendText(alice, "uno")
	s.SendText(alice, "due")
	s.DropNext("getUpdates", 1, telegramtest.DropAfter)
	if _, err := bot.GetUpdates(tgbotapi.UpdateConfig{Offset: first + 1}); err == nil {
		t.Fatalf("got no error, want the dropped connection")
	}
	if got := s.Pending(); len(got) != 1 || got[0] != first+1 {
		t.Errorf("got pending %v, want only update %d", got, first+1)
	}
	if _, err := bot.Send(tgbotapi.NewMessage(alice.ID, "poi")); err != nil {
		t.Errorf("Send after the drops: %v", err)
	}
}

func TestRateLimits(t *testing.T) {
	s, bot, c := mustServeAt(t, 10*time.Second)
	s.LimitRate(telegramtest.RateLimit{PerSecond: 3, PerChatPerSecond: 1})
	send := func(chat int64) error {
		_, err := bot.Send(tgbotapi.NewMessage(chat, "avviso"))
		return err
	}
	if err := send(alice.ID); err != nil {
		t.Fatalf("first message: %v", err)
	}
	c.advance(400 * time.Millisecond)
	e := apiError(t, send(alice.ID))
	if e.Code != 429 || e.RetryAfter != 1 || e.Message != "Too Many Requests: retry after 1" {
		t.Errorf("second message to the same chat: got %d %q retry_after %d, want 429 retry after 1", e.Code, e.Message, e.RetryAfter)
	}
	for _, chat := range []int64{101, 102} {
		if err := send(chat); err != nil {
			t.Fatalf("message to %d: %v", chat, err)
		}
	}
	if e := apiError(t, send(103)); e.Code != 429 {
		t.Errorf("a fourth message in a second: got %d, want 429", e.Code)
	}
	c.advance(1100 * time.Millisecond) // every message so far is over a second old
	if err := send(alice.ID); err != nil {
		t.Errorf("after a second: %v", err)
	}
	if err := send(103); err != nil {
		t.Errorf("a third message in the new second: %v", err)
	}

	s.LimitRate(telegramtest.RateLimit{PerGroupPerMinute: 2})
	s.AddToGroup(alice, coworkers)
	for i := range 2 {
		c.advance(5 * time.Second)
		if err := send(coworkers.ID); err != nil {
			t.Fatalf("group message %d: %v", i, err)
		}
	}
	e = apiError(t, send(coworkers.ID))
	if e.Code != 429 || e.RetryAfter != 55 {
		t.Errorf("a third group message in a minute: got %d retry_after %d, want 429 retry after 55", e.Code, e.RetryAfter)
	}
	s.LimitRate(telegramtest.RateLimit{})
	if err := send(coworkers.ID); err != nil {
		t.Errorf("with the limits off: %v", err)
	}
	if got, want := s.MessageCounts(), map[int64]int{alice.ID: 2, 101: 1, 102: 1, 103: 1, coworkers.ID: 3}; !reflect.DeepEqual(got, want) {
		t.Errorf("got counts %v, want %v", got, want)
	}
}

func TestCallsPerSecond(t *testing.T) {
	s, bot, c := mustServeAt(t, 10*time.Second)
	for _, n := range []int{3, 0, 2} {
		for range n {
			if _, err := bot.Send(tgbotapi.NewMessage(alice.ID, "x")); err != nil {
				t.Fatal(err)
			}
		}
		c.advance(time.Second)
	}
	if got, want := s.CallsPerSecond("sendMessage"), []int{3, 0, 2}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if got, want := s.CallsPerSecond(telegramtest.AllMethods), []int{4, 0, 2}; !reflect.DeepEqual(got, want) {
		t.Errorf("all methods (getMe included): got %v, want %v", got, want)
	}
	if got := s.CallsPerSecond("sendPhoto"); len(got) != 0 {
		t.Errorf("got %v for a method never called, want none", got)
	}
	if got := s.Duplicates(); len(got) != 1 || got[0].Count != 5 {
		t.Errorf("got duplicates %+v, want x five times", got)
	}
}
