package bot

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/comune-seregno/coworkbot/bot/telegramtest"
	"github.com/comune-seregno/coworkbot/registry"
	"github.com/comune-seregno/coworkbot/registry/hours"
)

// bigSpace adds a space with room for everyone to a demo database.
func bigSpace(t *testing.T, db *registry.DB, id, name string, desks int) {
	t.Helper()
	h, err := hours.Parse("Mo-Fr 08:00-18:00")
	if err != nil {
		t.Fatal(err)
	}
	sp := registry.Space{ID: id, Name: name, Comune: "Seregno", Address: "Via Prova 1",
		Location: orb.Point{9.2045, 45.6506}, Desks: desks, Hours: h}
	if _, err := db.PutSpaces(context.Background(), registry.CommandLine, []registry.Space{sp}, registry.PutOptions{}); err != nil {
		t.Fatal(err)
	}
}

// pressThrough presses, in a response's buttons, the first button of kind k
// whose last argument is arg ("" for any), and returns the new response;
// false when there is no such button.
func pressThrough(b *Bot, user int64, resp Response, k kind, arg string) (Response, bool) {
	for _, r := range resp.Replies {
		for _, row := range r.Buttons {
			for _, bt := range row {
				bk, args, ok := parseData(bt.Data)
				if ok && bk == k && (arg == "" || (len(args) > 0 && args[len(args)-1] == arg)) {
					return b.Handle(context.Background(), Incoming{UserID: user, ClientLang: "it", Callback: bt.Data}), true
				}
			}
		}
	}
	return resp, false
}

// bookToSummary asks in words for one desk at a space, on one of four
// days, in the morning or the afternoon by the person's id, which shows the summary
// with Confirm.
func bookToSummary(b *Bot, user int64, name string) Response {
	days := []string{"3 dicembre", "4 dicembre", "7 dicembre", "9 dicembre"} // 8 December is a holiday
	parts := []string{"mattina", "pomeriggio"}
	text := fmt.Sprintf("prenota 1 scrivania %s %s da %s", days[user%4], parts[user/4%2], name)
	return b.Handle(context.Background(), Incoming{UserID: user, ClientLang: "it", Text: text})
}

// TestTwoThousandConfirmationsOnOneDatabase: the idempotency key of a
// Confirm names the person and the whole draft, so 2,000 people confirming
// at once never meet each other's keys (with four hex digits of the draft,
// about 2% of them did and got the generic error), and 500 more who find
// the slot full all get in line with their own waitlist button.
func TestTwoThousandConfirmationsOnOneDatabase(t *testing.T) {
	db := mustDemoDB(t)
	bigSpace(t, db, "zefiro", "Zefiro", 250) // eight slots of 250 desks
	bigSpace(t, db, "borea", "Borea", 1)
	b, err := New(Config{DB: db, Log: quiet})
	if err != nil {
		t.Fatal(err)
	}
	const people, waiting = 2000, 500
	var mu sync.Mutex
	var failed []string
	fail := func(format string, a ...any) {
		mu.Lock()
		failed = append(failed, fmt.Sprintf(format, a...))
		mu.Unlock()
	}
	run := func(from, to int, each func(user int64)) {
		var wg sync.WaitGroup
		next := make(chan int64)
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for u := range next {
					each(u)
				}
			}()
		}
		for u := from; u < to; u++ {
			next <- int64(u)
		}
		close(next)
		wg.Wait()
	}
	run(1, people+1, func(user int64) {
		resp, ok := pressThrough(b, user, bookToSummary(b, user, "Zefiro"), kBookConfirm, "")
		if !ok || len(resp.Replies) == 0 || !strings.Contains(resp.Replies[0].Text, "Prenotato") {
			fail("user %d: got %+v, want the booking confirmed", user, resp.Replies)
		}
	})
	// Borea's one desk is taken at each of the eight times.
	for user := int64(people + waiting + 1); user <= people+waiting+8; user++ {
		if _, ok := pressThrough(b, user, bookToSummary(b, user, "Borea"), kBookConfirm, ""); !ok {
			t.Fatalf("user %d: no Confirm for Borea", user)
		}
	}
	run(people+1, people+waiting+1, func(user int64) {
		resp, ok := pressThrough(b, user, bookToSummary(b, user, "Borea"), kBookConfirm, "")
		if ok {
			resp, ok = pressThrough(b, user, resp, kWaitJoin, "")
		}
		if !ok || len(resp.Replies) == 0 || !strings.Contains(resp.Replies[0].Text, "lista d'attesa") {
			fail("user %d: got %+v, want them in line", user, resp.Replies)
		}
	})
	for _, f := range failed[:min(len(failed), 10)] {
		t.Error(f)
	}
	if len(failed) > 0 {
		t.Fatalf("%d of %d people failed", len(failed), people+waiting)
	}
	for _, user := range []int64{1, people / 2, people} {
		bks, err := db.Bookings(context.Background(), user, understandNow)
		if err != nil || len(bks) != 1 {
			t.Errorf("user %d: got %v, %v; want one booking", user, bks, err)
		}
	}
	for _, user := range []int64{people + 1, people + waiting} {
		if w, err := db.Waitlist(context.Background(), user); err != nil || len(w) != 1 {
			t.Errorf("user %d: got %v, %v; want one place in line", user, w, err)
		}
	}
}

// TestWebhookDuplicatesAreAnsweredOnce posts the same update three times at
// once, as Telegram does when an answer is late: it is claimed once, and
// answered once.
func TestWebhookDuplicatesAreAnsweredOnce(t *testing.T) {
	db := mustDemoDB(t)
	srv := telegramtest.NewServer(testToken)
	defer srv.Close()
	b, err := New(Config{DB: db, Log: quiet})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	tg, err := NewTelegram(ctx, b, TelegramConfig{Token: testToken, Endpoint: srv.URL(), Secret: "s3cret"})
	if err != nil {
		t.Fatal(err)
	}
	h := tg.WebhookHandler(ctx)
	for i, text := range []string{"/start", "coworking con cobaby", "/aiuto"} {
		upd := fmt.Sprintf(`{"update_id":%d,"message":{"message_id":%d,"date":1,"chat":{"id":8,"type":"private"},"from":{"id":8,"is_bot":false,"first_name":"Dora","language_code":"it"},"text":%q}}`, 500+i, 10+i, text)
		var wg sync.WaitGroup
		codes := make([]int, 3)
		for k := range codes {
			wg.Add(1)
			go func() {
				defer wg.Done()
				req := httptest.NewRequest(http.MethodPost, "/hook", strings.NewReader(upd))
				req.Header.Set("X-Telegram-Bot-Api-Secret-Token", "s3cret")
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				codes[k] = rec.Code
			}()
		}
		wg.Wait()
		for _, c := range codes {
			if c != http.StatusOK {
				t.Errorf("%q: got statuses %v, want 200 for each", text, codes)
				break
			}
		}
	}
	msgs := srv.Messages(8)
	if len(msgs) != 4 { // the greeting and the menu, the results, the help
		var got []string
		for _, m := range msgs {
			got = append(got, m.Plain[:min(len(m.Plain), 30)])
		}
		t.Errorf("got %d messages %q, want 4: each update answered once", len(msgs), got)
	}
	if d := srv.Duplicates(); len(d) != 0 {
		t.Errorf("got duplicates %+v, want none", d)
	}
	if n := len(srv.CallsTo("sendMessage")); n != 4 {
		t.Errorf("got %d sendMessage calls, want 4", n)
	}
}

// TestRepliesOutlastABurstOf429s: a 16-second burst of flood waits of one
// second each, then 502s for 20 seconds (on the bot's clock): the reply is
// retried, honouring retry_after and backing off, until it goes through.
// Before, a reply was given up after 5 attempts.
func TestRepliesOutlastABurstOf429s(t *testing.T) {
	srv := telegramtest.NewServer(testToken)
	defer srv.Close()
	clock := newFakeClock()
	srv.Now = clock.Now
	h := startTelegramWith(t, nil, srv, TelegramConfig{Now: clock.Now, Sleep: clock.Sleep})
	u := telegramtest.User{ID: 11, FirstName: "Eva", LanguageCode: "it"}

	srv.FailFor("sendMessage", 16*time.Second, http.StatusTooManyRequests, 1)
	start := clock.Now()
	h.srv.SendText(u, "/aiuto")
	// Parked through the flood waits, the update is held once it is 10 s
	// old on the bot's clock (HoldAfter): the offset passes it before its
	// reply goes, so the test waits for the reply, not for the offset.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if _, err := h.srv.WaitMessages(ctx, u.ID, 1); err != nil {
		t.Fatal(err)
	}
	h.idle(t)
	if got := len(h.srv.Messages(u.ID)); got != 1 {
		t.Fatalf("got %d messages after 16 s of 429s, want the help", got)
	}
	if waited := clock.Now().Sub(start); waited < 16*time.Second {
		t.Errorf("got the reply after %v on the bot's clock, want it after the burst (16 s)", waited)
	}
	ones := 0
	for _, d := range clock.slept() {
		if d == time.Second {
			ones++
		}
	}
	if ones < 16 {
		t.Errorf("got %d waits of retry_after (1 s), want at least 16", ones)
	}

	srv.FailFor("sendMessage", 20*time.Second, http.StatusBadGateway, 0)
	h.srv.SendText(u, "/help")
	if _, err := h.srv.WaitMessages(ctx, u.ID, 2); err != nil {
		t.Fatal(err)
	}
	h.idle(t)
	if got := len(h.srv.Messages(u.ID)); got != 2 {
		t.Fatalf("got %d messages after 20 s of 502s, want the help again", got)
	}
	if d := h.srv.Duplicates(); len(d) != 1 || d[0].Count != 2 { // the help, asked twice
		t.Errorf("got duplicates %+v, want only the help asked twice", d)
	}
}

// TestAReplyIsGivenUpOnlyAfterItsPatience: with a patience of a minute and
// the Bot API failing for an hour, the reply is given up after a minute;
// the next update is answered.
func TestAReplyIsGivenUpOnlyAfterItsPatience(t *testing.T) {
	srv := telegramtest.NewServer(testToken)
	defer srv.Close()
	clock := newFakeClock()
	srv.Now = clock.Now
	h := startTelegramWith(t, nil, srv, TelegramConfig{Now: clock.Now, Sleep: clock.Sleep, ReplyPatience: time.Minute})
	u := telegramtest.User{ID: 12, FirstName: "Fede", LanguageCode: "it"}
	srv.FailFor("sendMessage", time.Hour, http.StatusInternalServerError, 0)
	start := clock.Now()
	h.srv.SendText(u, "/aiuto")
	h.idle(t)
	if given := clock.Now().Sub(start); given < time.Minute || given > time.Minute+time.Second {
		t.Errorf("got the reply given up after %v, want after about a minute", given)
	}
	srv.ClearFaults()
	h.srv.SendText(u, "/help")
	h.idle(t)
	if got := len(h.srv.Messages(u.ID)); got != 1 {
		t.Errorf("got %d messages, want the second help", got)
	}
}

// TestOthersGoOnWhileOneReplyIsSlow: a person's reply waits on a slow Bot
// API; other people's updates are answered meanwhile.
func TestOthersGoOnWhileOneReplyIsSlow(t *testing.T) {
	h := startTelegram(t, nil)
	slow := telegramtest.User{ID: 20, FirstName: "Gio", LanguageCode: "it"}
	h.srv.DelayNext("sendVenue", 1, 3*time.Second)
	h.srv.SendText(slow, "dettagli di officina brianza") // a card and its map pin
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := h.srv.WaitMessages(ctx, slow.ID, 1); err != nil {
		t.Fatal(err)
	}
	began := time.Now()
	for i := range 5 {
		u := telegramtest.User{ID: int64(30 + i), FirstName: "Altro", LanguageCode: "it"}
		h.srv.SendText(u, "/aiuto")
		if _, err := h.srv.WaitMessages(ctx, u.ID, 1); err != nil {
			t.Fatalf("user %d: %v", u.ID, err)
		}
	}
	if waited := time.Since(began); waited > 2*time.Second {
		t.Errorf("got the others answered after %v, want them answered while the pin is slow", waited)
	}
	if got := len(h.srv.CallsTo("sendVenue")); got != 0 {
		t.Errorf("got %d answered pins when the others were answered, want the slow one still waiting", got)
	}
	h.idle(t)
	if got := h.srv.MessageCount(slow.ID); got != 2 {
		t.Errorf("got %d messages for the slow one, want the card and its pin", got)
	}
}

// TestASlowAnswerIsNotSentTwice: a sendMessage the Bot API answers late,
// within the call's timeout, is not taken for a lost one: one message.
// (Before, the timeout was 20 s and the call was repeated.) An answer later
// than the timeout is repeated: at least once, two messages at most.
func TestASlowAnswerIsNotSentTwice(t *testing.T) {
	if d := (&TelegramConfig{}); true {
		d.setDefaults()
		if d.SendTimeout < time.Minute {
			t.Errorf("got a default SendTimeout of %v, want at least a minute", d.SendTimeout)
		}
	}
	h := startTelegramWith(t, nil, nil, TelegramConfig{SendTimeout: 2 * time.Second})
	u := telegramtest.User{ID: 13, FirstName: "Ugo", LanguageCode: "it"}
	h.srv.DelayNext("sendMessage", 1, 1500*time.Millisecond)
	h.srv.SendText(u, "/aiuto")
	h.idle(t)
	if got := len(h.srv.Messages(u.ID)); got != 1 {
		t.Errorf("got %d messages for a slow answer within the timeout, want 1", got)
	}
	h.srv.DelayNext("sendMessage", 1, 2500*time.Millisecond)
	h.srv.SendText(u, "/help")
	h.idle(t)
	if got := len(h.srv.Messages(u.ID)); got != 3 {
		t.Errorf("got %d messages after an answer later than the timeout, want 3 (the help sent again: at least once)", got)
	}
}

// recordLog keeps the records of a logger, for tests that check levels.
type recordLog struct {
	mu   sync.Mutex
	recs []slog.Record
}

func (r *recordLog) Enabled(context.Context, slog.Level) bool { return true }
func (r *recordLog) Handle(_ context.Context, rec slog.Record) error {
	r.mu.Lock()
	r.recs = append(r.recs, rec)
	r.mu.Unlock()
	return nil
}
func (r *recordLog) WithAttrs([]slog.Attr) slog.Handler { return r }
func (r *recordLog) WithGroup(string) slog.Handler      { return r }

func (r *recordLog) find(level slog.Level, msg string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, rec := range r.recs {
		if rec.Level == level && rec.Message == msg {
			return true
		}
	}
	return false
}

func (r *recordLog) errors() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, rec := range r.recs {
		if rec.Level >= slog.LevelError {
			out = append(out, rec.Message)
		}
	}
	return out
}

// TestAForgedCancelIsNotFound: a cancel button forged to name someone
// else's booking (button data is the client's) answers "not found", as a
// mistyped code does, logs at info, and leaves the booking as it is.
func TestAForgedCancelIsNotFound(t *testing.T) {
	db := mustDemoDB(t)
	srv := telegramtest.NewServer(testToken)
	defer srv.Close()
	logs := &recordLog{}
	b, err := New(Config{DB: db, Log: slog.New(logs)})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	clock := newFakeClock()
	tg, err := NewTelegram(ctx, b, TelegramConfig{Token: testToken, Endpoint: srv.URL(), PollTimeout: time.Second, Now: clock.Now, Sleep: clock.Sleep})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- tg.Run(ctx) }()
	defer func() { cancel(); <-done }()
	h := &tgHarness{srv: srv, db: db, tg: tg}

	anna := telegramtest.User{ID: 40, FirstName: "Anna", LanguageCode: "it"}
	h.srv.SendText(anna, "prenota 1 scrivania venerdì mattina da Officina Brianza")
	h.idle(t)
	h.press(t, anna, "Conferma")
	bks, err := db.Bookings(context.Background(), anna.ID, time.Date(2026, 12, 2, 0, 0, 0, 0, registry.Rome))
	if err != nil || len(bks) != 1 {
		t.Fatalf("got %v, %v; want Anna's booking", bks, err)
	}
	code := bks[0].Code

	mallory := telegramtest.User{ID: 41, FirstName: "Mallory", LanguageCode: "it"}
	h.srv.SendText(mallory, "/aiuto")
	h.idle(t)
	q := h.srv.Press(mallory, h.last(t, mallory.ID).ID, data(kCancelDo, code))
	h.idle(t)
	if got := h.last(t, mallory.ID).Plain; !strings.Contains(got, code) || !strings.Contains(strings.ToLower(got), "non trovo") && !strings.Contains(strings.ToLower(got), "nessuna") {
		t.Errorf("got %q, want the booking %s not found for Mallory", got, code)
	}
	if _, ok := h.srv.Answered(q); !ok {
		t.Error("got the forged press unanswered, want it answered")
	}
	if still, _ := db.Booking(context.Background(), code); still.Status != registry.Confirmed {
		t.Errorf("got Anna's booking %s, want it still confirmed", still.Status)
	}
	if !logs.find(slog.LevelInfo, "cancel of a booking that is not theirs") {
		t.Error("got no info record of the forged cancel, want one")
	}
	if errs := logs.errors(); len(errs) > 0 {
		t.Errorf("got error records %q, want none", errs)
	}
}

// TestTheOffsetCoversOnlyWhatIsDone: stopping while a reply is still being
// retried hands its update back (the offset stays before it); the next
// start answers it.
func TestTheOffsetCoversOnlyWhatIsDone(t *testing.T) {
	db := mustDemoDB(t)
	srv := telegramtest.NewServer(testToken)
	defer srv.Close()
	u := telegramtest.User{ID: 14, FirstName: "Ida", LanguageCode: "it"}
	h := startTelegramWith(t, db, srv, TelegramConfig{StopGrace: 200 * time.Millisecond})
	h.srv.SendText(u, "/aiuto")
	h.idle(t)
	off, _ := db.Setting(context.Background(), offsetKey)

	h.srv.DelayNext("sendMessage", 1, 3*time.Second) // performed, answered late: the stop comes first
	id := h.srv.SendText(u, "/help")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := h.srv.WaitCalls(ctx, "getUpdates", len(h.srv.CallsTo("getUpdates"))+1); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond) // the update is under way
	h.stop()
	if got, _ := db.Setting(context.Background(), offsetKey); got != off {
		t.Errorf("got offset %s after a stop with /help under way, want %s (before update %d)", got, off, id)
	}
	if pending := h.srv.Pending(); len(pending) != 1 || pending[0] != id {
		t.Errorf("got pending %v, want update %d handed back", pending, id)
	}
	h2 := startTelegramWith(t, db, srv, TelegramConfig{})
	h2.idle(t)
	if got := h2.srv.MessageCount(u.ID); got < 2 {
		t.Errorf("got %d messages, want the help answered after the restart", got)
	}
}

// TestBroadcastKeepsTelegramsPace sends a broadcast to 60 chats at 30
// messages a second, with two messages for some chats, against a fake that
// answers 429 past 33 a second or one a second in a chat: none is refused,
// the pace holds, and a person who writes meanwhile is answered at once.
func TestBroadcastKeepsTelegramsPace(t *testing.T) {
	srv := telegramtest.NewServer(testToken)
	defer srv.Close()
	h := startTelegramWith(t, nil, srv, TelegramConfig{BroadcastRate: 30, Now: time.Now, Sleep: sleepCtx})
	for i := range 60 {
		h.srv.SendText(telegramtest.User{ID: int64(1000 + i), FirstName: "S", LanguageCode: "it"}, "/start")
	}
	h.idle(t)
	time.Sleep(1100 * time.Millisecond) // the greetings' pace is over
	srv.LimitRate(telegramtest.RateLimit{PerSecond: 33, PerChatPerSecond: 1})
	before := len(srv.CallsTo("sendMessage"))

	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	began := time.Now()
	for w := range 4 { // a drainer with four senders
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < 80; i += 4 {
				chat := int64(1000 + i%60) // chats 1000-1019 get two messages
				if _, err := h.tg.Broadcast(ctx, chat, BroadcastMessage{Reply: &Reply{Text: fmt.Sprintf("Avviso %d", i)}}); err != nil {
					errs <- err
				}
			}
		}()
	}
	time.Sleep(500 * time.Millisecond)
	asker := telegramtest.User{ID: 999, FirstName: "Lia", LanguageCode: "it"}
	asked := time.Now()
	h.srv.SendText(asker, "/aiuto")
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if _, err := h.srv.WaitMessages(wctx, asker.ID, 1); err != nil {
		t.Fatal(err)
	}
	answered := time.Since(asked)
	wg.Wait()
	close(errs)
	took := time.Since(began)
	for err := range errs {
		t.Errorf("Broadcast: %v", err)
	}
	var refused int
	perChat := map[string][]time.Time{}
	for _, c := range srv.CallsTo("sendMessage")[before:] {
		if c.Status == http.StatusTooManyRequests {
			refused++
		}
		if strings.HasPrefix(c.Params.Get("text"), "Avviso") && c.Status == http.StatusOK {
			perChat[c.Params.Get("chat_id")] = append(perChat[c.Params.Get("chat_id")], c.At)
		}
	}
	if refused > 0 {
		t.Errorf("got %d messages refused with 429, want none", refused)
	}
	for chat, at := range perChat {
		for i := 1; i < len(at); i++ {
			if gap := at[i].Sub(at[i-1]); gap < 990*time.Millisecond {
				t.Errorf("chat %s: got two broadcast messages %v apart, want a second at least", chat, gap)
			}
		}
	}
	if rate := 80 / took.Seconds(); rate > 33 || rate < 20 {
		t.Errorf("got %.1f messages a second, want about 30", rate)
	}
	if answered > time.Second {
		t.Errorf("got the help %v after it was asked during the broadcast, want it at once", answered)
	}
	var got bytes.Buffer
	for chat := range perChat {
		got.WriteString(chat)
	}
	if len(perChat) != 60 {
		t.Errorf("got broadcast messages in %d chats, want 60", len(perChat))
	}
}
