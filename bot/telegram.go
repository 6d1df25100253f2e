package bot

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"github.com/paulmach/orb"

	"github.com/comune-seregno/coworkbot/locales"
)

// TelegramConfig is how to reach the Bot API.
type TelegramConfig struct {
	Token       string
	Endpoint    string        // base URL; "/bot<token>/<method>" is appended
	PollTimeout time.Duration // long-polling timeout; default 30s
	// Webhook mode, when WebhookURL is set: Telegram posts updates to
	// WebhookURL, served on Listen, each carrying Secret in the
	// X-Telegram-Bot-Api-Secret-Token header.
	WebhookURL string
	Listen     string
	Secret     string
	// Sleep waits before a retry; tests replace it. Default: a timer that
	// ends early when ctx does.
	Sleep func(ctx context.Context, d time.Duration) error
}

// DefaultEndpoint is the official Bot API.
const DefaultEndpoint = "https://api.telegram.org"

// Telegram is the Telegram front end: updates in, replies out, through
// go-telegram-bot-api. Telegram types never leave this file.
type Telegram struct {
	bot  *Bot
	cfg  TelegramConfig
	api  *tgbotapi.BotAPI // sends, with a client that outlives shutdown briefly
	poll *tgbotapi.BotAPI // long polls, cancelled by the run context
	log  *slog.Logger
}

// ctxClient makes every request of the library carry a context, so that a
// long poll ends as soon as the bot stops.
type ctxClient struct {
	ctx context.Context
	c   *http.Client
}

func (c ctxClient) Do(r *http.Request) (*http.Response, error) { return c.c.Do(r.WithContext(c.ctx)) }

// NewTelegram connects to the Bot API (getMe), retrying while it fails and
// ctx lasts.
func NewTelegram(ctx context.Context, b *Bot, cfg TelegramConfig) (*Telegram, error) {
	if cfg.Token == "" {
		return nil, errors.New("telegram: no token (set TELEGRAM_BOT_TOKEN or -token)")
	}
	if cfg.Endpoint == "" {
		cfg.Endpoint = DefaultEndpoint
	}
	if cfg.PollTimeout <= 0 {
		cfg.PollTimeout = 30 * time.Second
	}
	if cfg.Sleep == nil {
		cfg.Sleep = sleepCtx
	}
	endpoint := strings.TrimRight(cfg.Endpoint, "/") + "/bot%s/%s"
	sendClient := &http.Client{Timeout: 20 * time.Second}
	pollClient := ctxClient{ctx: ctx, c: &http.Client{Timeout: cfg.PollTimeout + 15*time.Second}}
	t := &Telegram{bot: b, cfg: cfg, log: b.log.With("edge", "telegram")}
	for attempt := 0; ; attempt++ {
		api, err := tgbotapi.NewBotAPIWithClient(cfg.Token, endpoint, sendClient)
		if err == nil {
			t.api = api
			poll := *api
			poll.Client = pollClient
			t.poll = &poll
			t.log.Info("connected", "bot", api.Self.UserName, "endpoint", cfg.Endpoint)
			b.SetUsername(api.Self.UserName)
			return t, nil
		}
		var apiErr *tgbotapi.Error
		if errors.As(err, &apiErr) && apiErr.Code == http.StatusUnauthorized {
			return nil, fmt.Errorf("telegram: the token was refused: %w", err)
		}
		t.log.Warn("getMe failed, retrying", "err", err, "attempt", attempt)
		if err := cfg.Sleep(ctx, backoff(attempt)); err != nil {
			return nil, err
		}
	}
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}

// backoff is 1s, 2s, 4s … up to 30s.
func backoff(attempt int) time.Duration {
	return min(time.Second<<min(attempt, 5), 30*time.Second)
}

// Run sets the command menus, then handles updates (long polling, or the
// webhook) and the bot's own ticks until ctx ends.
func (t *Telegram) Run(ctx context.Context) error {
	t.setCommands(ctx)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t.ticker(ctx)
	}()
	defer wg.Wait() // the ticker ends with ctx; nothing outlives Run
	if t.cfg.WebhookURL != "" {
		return t.serveWebhook(ctx)
	}
	if _, err := t.call(ctx, 0, tgbotapi.DeleteWebhookConfig{}); err != nil {
		t.log.Warn("deleteWebhook", "err", err)
	}
	return t.pollLoop(ctx)
}

// setCommands publishes the command menu in each language; the default
// (no language_code) is Italian.
func (t *Telegram) setCommands(ctx context.Context) {
	for _, lang := range append([]string{""}, locales.Languages...) {
		var cmds []tgbotapi.BotCommand
		for _, c := range t.bot.Menu(orDefault(lang, locales.Default)) {
			cmds = append(cmds, tgbotapi.BotCommand{Command: c.Command, Description: c.Description})
		}
		cfg := tgbotapi.NewSetMyCommands(cmds...)
		cfg.LanguageCode = lang
		if _, err := t.call(ctx, 0, cfg); err != nil {
			t.log.Warn("setMyCommands", "lang", lang, "err", err)
		}
	}
}

const offsetKey = "telegram.offset"

// pollLoop long-polls getUpdates. Each update is handled before the offset
// moves past it, and the offset is stored, so a restart neither loses nor
// repeats an update.
func (t *Telegram) pollLoop(ctx context.Context) error {
	stored, err := t.bot.db.Setting(ctx, offsetKey)
	if err != nil {
		return err
	}
	offset, _ := strconv.Atoi(stored)
	failures := 0
	for ctx.Err() == nil {
		updates, err := t.getUpdates(offset)
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			wait := backoff(failures)
			var apiErr *tgbotapi.Error
			if errors.As(err, &apiErr) && apiErr.RetryAfter > 0 {
				wait = time.Duration(apiErr.RetryAfter) * time.Second
			}
			failures++
			t.log.Warn("getUpdates failed", "err", err, "retry_in", wait)
			if t.cfg.Sleep(ctx, wait) != nil {
				break
			}
			continue
		}
		failures = 0
		for _, u := range updates {
			if ctx.Err() != nil {
				break // stopping: the rest come again at the next start
			}
			if u.ok {
				t.handleUpdate(ctx, u.Update)
			}
			offset = u.UpdateID + 1
			if err := t.bot.db.SetSetting(context.WithoutCancel(ctx), offsetKey, strconv.Itoa(offset)); err != nil {
				t.log.Error("store offset", "err", err)
			}
		}
	}
	t.log.Info("stopped polling")
	return nil
}

// polledUpdate is an update as getUpdates gave it; ok is false when it
// could not be decoded (only its id is known, and it is skipped).
type polledUpdate struct {
	tgbotapi.Update
	ok bool
}

// getUpdates long-polls for the updates from offset on. Each update is
// decoded on its own, so one the library cannot read is skipped instead of
// stopping every later one.
func (t *Telegram) getUpdates(offset int) ([]polledUpdate, error) {
	params := tgbotapi.Params{}
	params.AddNonZero("offset", offset)
	params.AddNonZero("timeout", int(t.cfg.PollTimeout/time.Second))
	params["allowed_updates"] = `["message","callback_query"]`
	resp, err := t.poll.MakeRequest("getUpdates", params)
	if err != nil {
		return nil, err
	}
	var raws []json.RawMessage
	if err := json.Unmarshal(resp.Result, &raws); err != nil {
		return nil, fmt.Errorf("getUpdates: %w", err)
	}
	out := make([]polledUpdate, 0, len(raws))
	for _, raw := range raws {
		var u polledUpdate
		if err := json.Unmarshal(raw, &u.Update); err != nil {
			var id struct {
				UpdateID int `json:"update_id"`
			}
			if json.Unmarshal(raw, &id) != nil || id.UpdateID == 0 {
				return nil, fmt.Errorf("getUpdates: an update without an id: %s", raw)
			}
			t.log.Error("undecodable update skipped", "update", id.UpdateID, "err", err)
			u.UpdateID = id.UpdateID
		} else {
			u.ok = true
		}
		out = append(out, u)
	}
	return out, nil
}

// handleTimeout bounds the handling of one update, replies included; it
// runs to its end even while the bot stops, within this time.
const handleTimeout = 30 * time.Second

// handleUpdate converts one update, lets the bot answer it and delivers the
// answer. A bad update is logged and skipped; it never stops the bot.
func (t *Telegram) handleUpdate(runCtx context.Context, u tgbotapi.Update) {
	// An update that has started is finished even if the bot is stopping,
	// so that it is never half handled and then marked done.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(runCtx), handleTimeout)
	defer cancel()
	defer func() {
		if r := recover(); r != nil {
			t.log.Error("panic handling update", "update", u.UpdateID, "panic", r)
		}
	}()
	r, ok := receive(u)
	if !ok {
		t.log.Debug("ignored update", "update", u.UpdateID)
		return
	}
	// A redelivered update (a webhook retry, a restart before the offset
	// was stored) is answered once. It is marked after the answer went out:
	// after a crash a reply may come twice, but is never lost, and bookings
	// are idempotent by their own keys.
	if done, err := t.bot.db.Handled(ctx, "telegram", int64(u.UpdateID)); err != nil {
		t.log.Error("check handled", "update", u.UpdateID, "err", err)
	} else if done {
		t.log.Info("update delivered twice, skipped", "update", u.UpdateID)
		if r.callbackID != "" {
			t.call(ctx, r.in.UserID, tgbotapi.NewCallback(r.callbackID, ""))
		}
		return
	}
	var resp Response
	if r.callbackID == "" || r.in.Callback != "" {
		resp = t.bot.Handle(ctx, r.in)
	}
	sendCtx := ctx
	if r.callbackID != "" {
		if _, err := t.call(sendCtx, r.in.UserID, tgbotapi.NewCallback(r.callbackID, stripHTML(resp.Notice))); err != nil {
			t.log.Warn("answerCallbackQuery", "err", err)
		}
	}
	for _, reply := range splitLong(resp.Replies) {
		if err := t.send(sendCtx, r.chatID, r.messageID, reply); err != nil {
			t.log.Warn("reply not delivered", "user", r.in.UserID, "err", err)
			if errors.Is(err, errBlocked) {
				break
			}
		}
	}
	t.deliverAll(sendCtx, resp.Others)
	if _, err := t.bot.db.MarkHandled(sendCtx, "telegram", int64(u.UpdateID)); err != nil {
		t.log.Error("mark handled", "update", u.UpdateID, "err", err)
	}
}

// received is an update as the core sees it, with what only this edge
// needs to answer it.
type received struct {
	in         Incoming
	chatID     int64
	callbackID string // a button press to answer
	messageID  int    // the message whose button was pressed
}

// receive turns a Telegram update into the bot's own Incoming. Only private
// chats are served.
func receive(u tgbotapi.Update) (received, bool) {
	var r received
	switch {
	case u.Message != nil && u.Message.From != nil && u.Message.Chat != nil && u.Message.Chat.IsPrivate():
		m := u.Message
		r.in = Incoming{UserID: m.From.ID, FirstName: m.From.FirstName, ClientLang: m.From.LanguageCode}
		switch {
		case m.Location != nil:
			r.in.Location = &orb.Point{m.Location.Longitude, m.Location.Latitude}
		case m.Venue != nil:
			r.in.Location = &orb.Point{m.Venue.Location.Longitude, m.Venue.Location.Latitude}
		default:
			r.in.Text = m.Text // "" for a photo, a sticker…: answered as not understood
			r.in.HTML = entitiesHTML(m.Text, m.Entities)
			if m.Text == "" {
				r.in.HTML = entitiesHTML(m.Caption, m.CaptionEntities)
				r.in.Media = true
			}
			if n := len(m.Photo); n > 0 {
				r.in.PhotoID = m.Photo[n-1].FileID
			}
		}
		r.chatID = m.Chat.ID
		r.in.Message = MessageRef{ChatID: m.Chat.ID, MessageID: int64(m.MessageID)}
		return r, true
	case u.CallbackQuery != nil && u.CallbackQuery.From != nil:
		q := u.CallbackQuery
		// A press without data (a game button) is only answered.
		r.in = Incoming{UserID: q.From.ID, FirstName: q.From.FirstName, ClientLang: q.From.LanguageCode, Callback: q.Data}
		r.callbackID, r.chatID = q.ID, q.From.ID
		if q.Message != nil {
			r.messageID = q.Message.MessageID
			if q.Message.Chat != nil {
				r.chatID = q.Message.Chat.ID
			}
		}
		return r, true
	}
	return r, false
}

// ticker runs the bot's own work every TickEvery until ctx ends.
func (t *Telegram) ticker(ctx context.Context) {
	tick := time.NewTicker(TickEvery)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			tctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), handleTimeout)
			if err := t.bot.Tick(tctx, t.Deliver); err != nil {
				t.log.Error("tick", "err", err)
			}
			cancel()
		}
	}
}

// serveWebhook registers the webhook and serves it until ctx ends. Requests
// without the secret token are refused.
func (t *Telegram) serveWebhook(ctx context.Context) error {
	if t.cfg.Secret == "" {
		var b [24]byte
		rand.Read(b[:])
		t.cfg.Secret = hex.EncodeToString(b[:])
	}
	params := tgbotapi.Params{"url": t.cfg.WebhookURL, "secret_token": t.cfg.Secret}
	params.AddNonEmpty("allowed_updates", `["message","callback_query"]`)
	if _, err := t.api.MakeRequest("setWebhook", params); err != nil {
		return fmt.Errorf("setWebhook: %w", err)
	}
	ln, err := net.Listen("tcp", t.cfg.Listen)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: t.WebhookHandler(ctx), ReadHeaderTimeout: 10 * time.Second}
	t.log.Info("webhook listening", "addr", ln.Addr().String(), "url", t.cfg.WebhookURL)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	// Let the requests under way finish (each within handleTimeout) before
	// Run returns and the database closes.
	shut, cancel := context.WithTimeout(context.WithoutCancel(ctx), handleTimeout+5*time.Second)
	defer cancel()
	err = srv.Shutdown(shut)
	<-served
	return err
}

// WebhookHandler answers Telegram's webhook posts: it checks the secret
// token header, then handles the update.
func (t *Telegram) WebhookHandler(ctx context.Context) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got := r.Header.Get("X-Telegram-Bot-Api-Secret-Token")
		if subtle.ConstantTimeCompare([]byte(got), []byte(t.cfg.Secret)) != 1 {
			http.Error(w, "forbidden", http.StatusUnauthorized)
			return
		}
		if r.Method != http.MethodPost {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		var u tgbotapi.Update
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&u); err != nil {
			http.Error(w, "bad update", http.StatusBadRequest)
			return
		}
		t.handleUpdate(ctx, u)
		w.WriteHeader(http.StatusOK)
	})
}
