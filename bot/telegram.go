package bot

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"github.com/paulmach/orb"

	"github.com/comune-seregno/coworkbot/registry"
)

// TelegramConfig is how to reach the Bot API, and how the edge paces and
// retries. The zero value of each field means its default.
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

	// Workers is how many updates are handled at once, each of a different
	// person; one person's are handled in order. Default DefaultWorkers.
	Workers int
	// BroadcastRate is the pace of Broadcast, in messages a second; default
	// DefaultBroadcastRate. Replies are not held back by it.
	BroadcastRate float64
	// ReplyPatience is how long a reply (or a message to someone else) is
	// retried while Telegram or the network fails; default 10 minutes.
	ReplyPatience time.Duration
	// BroadcastPatience is how long Broadcast retries one message before it
	// answers ErrRetryLater; default 2 minutes.
	BroadcastPatience time.Duration
	// SendTimeout bounds one attempt of a call; default 60s, far longer
	// than Telegram takes even when slow, so that a slow answer is not
	// taken for a lost one and the message sent twice.
	SendTimeout time.Duration
	// HoldAfter is how long an update may be under way before it is held
	// in the registry, so that the offset passes it and a restart handles
	// it again; default 10s.
	HoldAfter time.Duration
	// StopGrace is how long, when the bot stops, the updates under way may
	// take to finish; what does not finish is handed back. Default 10s.
	StopGrace time.Duration

	// Now and Sleep are the clock and the wait before a retry; tests
	// replace them together. Default: time.Now and a timer that ends early
	// when ctx does.
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
}

func (c *TelegramConfig) setDefaults() {
	if c.Endpoint == "" {
		c.Endpoint = DefaultEndpoint
	}
	if c.PollTimeout <= 0 {
		c.PollTimeout = 30 * time.Second
	}
	if c.Workers <= 0 {
		c.Workers = DefaultWorkers
	}
	if c.BroadcastRate <= 0 {
		c.BroadcastRate = DefaultBroadcastRate
	}
	if c.ReplyPatience <= 0 {
		c.ReplyPatience = 10 * time.Minute
	}
	if c.BroadcastPatience <= 0 {
		c.BroadcastPatience = 2 * time.Minute
	}
	if c.SendTimeout <= 0 {
		c.SendTimeout = 60 * time.Second
	}
	if c.HoldAfter <= 0 {
		c.HoldAfter = 10 * time.Second
	}
	if c.StopGrace <= 0 {
		c.StopGrace = 10 * time.Second
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Sleep == nil {
		c.Sleep = sleepCtx
	}
}

// DefaultEndpoint is the official Bot API.
const DefaultEndpoint = "https://api.telegram.org"

// Telegram is the Telegram front end: updates in, replies out, through
// go-telegram-bot-api. Telegram types never leave the edge's files.
type Telegram struct {
	bot   *Bot
	cfg   TelegramConfig
	api   *tgbotapi.BotAPI // what getMe said
	http  *http.Client     // the connections every call shares
	pace  *pacer
	menus *menus
	kbs   keyboards
	log   *slog.Logger

	base     string // the endpoint's URL for methods: …/bot<token>/
	hookOnce sync.Once
	pipe     *pipeline // while Run runs (or WebhookHandler serves)
}

// ctxClient makes every request of the library carry a context, so that a
// call ends as soon as its context does.
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
	cfg.setDefaults()
	endpoint := strings.TrimRight(cfg.Endpoint, "/") + "/bot%s/%s"
	// Every worker keeps its connection: without this, net/http keeps two
	// idle connections a host and opens (and closes) one per call beyond.
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = cfg.Workers + 8
	tr.MaxIdleConns = cfg.Workers + 16
	client := &http.Client{Transport: tr}
	t := &Telegram{bot: b, cfg: cfg, http: client, log: b.log.With("edge", "telegram"),
		base: strings.TrimRight(cfg.Endpoint, "/") + "/bot" + cfg.Token + "/",
		pace: newPacer(cfg.BroadcastRate, cfg.Now, cfg.Sleep), menus: newMenus()}
	for attempt := 0; ; attempt++ {
		actx, cancel := context.WithTimeout(ctx, cfg.SendTimeout)
		api, err := tgbotapi.NewBotAPIWithClient(cfg.Token, endpoint, ctxClient{ctx: actx, c: client})
		cancel()
		if err == nil {
			t.api = api
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

// BotUsername asks the Bot API at endpoint (DefaultEndpoint when empty)
// who the bot with token is (getMe) and returns its username, for the links
// coworkbot link and poster print.
func BotUsername(ctx context.Context, endpoint, token string) (string, error) {
	if endpoint == "" {
		endpoint = DefaultEndpoint
	}
	cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	api, err := tgbotapi.NewBotAPIWithClient(token, strings.TrimRight(endpoint, "/")+"/bot%s/%s", ctxClient{ctx: cctx, c: http.DefaultClient})
	if err != nil {
		var apiErr *tgbotapi.Error
		if errors.As(err, &apiErr) && apiErr.Code == http.StatusUnauthorized {
			return "", fmt.Errorf("telegram: the token was refused: %w", err)
		}
		return "", fmt.Errorf("telegram: getMe: %w", err)
	}
	return api.Self.UserName, nil
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
// webhook) and the bot's own ticks until ctx ends. Stopping, it lets the
// updates under way finish within StopGrace, hands back the others and
// stores the offset up to what is done.
func (t *Telegram) Run(ctx context.Context) error {
	work, cancelWork := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelWork()
	t.setCommands(ctx)
	t.setDescriptions(ctx)
	t.warmUp(ctx)
	p := newPipeline(t, t.cfg.WebhookURL == "")
	if err := t.restore(ctx, p); err != nil {
		if ctx.Err() != nil {
			return nil // stopped while starting
		}
		return err
	}
	t.pipe = p
	p.start(work)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		t.ticker(ctx, work)
	}()
	go func() {
		defer wg.Done()
		t.menusLoop(ctx)
	}()
	wg.Add(1)
	go func() {
		defer wg.Done()
		t.broadcaster(ctx)
	}()
	var err error
	if t.cfg.WebhookURL != "" {
		err = t.serveWebhook(ctx, p)
	} else {
		if derr := t.call(ctx, t.setup(), "deleteWebhook", struct{}{}, nil); derr != nil && ctx.Err() == nil {
			t.log.Warn("deleteWebhook", "err", derr)
		}
		err = t.pollLoop(ctx, p)
	}
	p.stop(t.cfg.StopGrace, cancelWork)
	if p.polling {
		t.confirm(context.WithoutCancel(ctx), p.currentOffset())
	}
	wg.Wait() // the ticker ends with ctx; nothing outlives Run
	return err
}

// warmUp builds what the first messages would otherwise wait for: the
// list's index and the parser of its names and of the gazetteer. Both
// leave much garbage behind (tens of megabytes with 10,000 spaces), so the
// garbage collector runs often meanwhile, and the memory is given back
// after: the process's peak stays near what it keeps.
func (t *Telegram) warmUp(ctx context.Context) {
	old := debug.SetGCPercent(10)
	defer debug.SetGCPercent(old)
	if _, err := t.bot.parser(&session{ctx: ctx}); err != nil {
		t.log.Warn("parser", "err", err)
	}
	debug.FreeOSMemory()
}

// restore reads where the last run stopped: the offset, the updates handled
// past it, and the updates held; the held ones are handled first.
func (t *Telegram) restore(ctx context.Context, p *pipeline) error {
	stored, err := t.bot.db.Setting(ctx, offsetKey)
	if err != nil {
		return err
	}
	if !p.polling {
		// Switched from long polling: below its offset every update was
		// handled, with no mark (the offset says it), and Telegram may post
		// again those the last getUpdates did not confirm — no more than
		// were under way at once (maxInflight): the webhook skips those
		// (an update after a week's silence has a random id, which must
		// not be taken for one of them).
		p.polledTo, _ = strconv.Atoi(stored)
	}
	if p.polling {
		p.offset, _ = strconv.Atoi(stored)
		seen, err := t.bot.db.HandledFrom(ctx, updateSource, int64(p.offset))
		if err != nil {
			return err
		}
		for _, id := range seen {
			p.seen[int(id)] = true
		}
	}
	held, err := t.bot.db.HeldUpdates(ctx, updateSource)
	if err != nil {
		return err
	}
	for _, h := range held {
		u, ok := t.decode(json.RawMessage(h.Raw))
		j := p.newJob(int(h.ID), []byte(h.Raw), u.r, ok && u.ok)
		j.held = true
		close(j.settled)
		p.take(j)
		t.log.Info("handling again an update held at the last stop", "update", h.ID)
	}
	return nil
}

// pollLoop long-polls getUpdates and hands each new update to the
// pipeline. The offset it asks with is the pipeline's: every update below
// it is settled. While updates are under way Telegram gives them again
// (they are not confirmed yet); those are skipped, and the loop waits for a
// batch to be stored before it asks again.
func (t *Telegram) pollLoop(ctx context.Context, p *pipeline) error {
	failures := 0
	var last time.Time // of the last getUpdates
	for ctx.Err() == nil {
		inflight, changed := p.busy()
		if inflight >= maxInflight-100 {
			select { // too much under way: wait for some to be done
			case <-changed:
			case <-ctx.Done():
			}
			continue
		}
		timeout := t.cfg.PollTimeout
		if inflight > 0 {
			// The updates under way come back at once anyway: ask again
			// only after a short while, to take the new ones in batches.
			timeout = 0
			select {
			case <-time.After(time.Until(last.Add(pollEvery))):
			case <-ctx.Done():
				continue
			}
		}
		last = time.Now()
		updates, err := t.getUpdates(ctx, p.currentOffset(), timeout, p.known)
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
		fresh := len(updates)
		for _, u := range updates {
			p.take(p.newJob(u.id, u.raw, u.r, u.ok))
		}
		if fresh == 0 && inflight > 0 {
			select { // nothing new: wait until something is stored
			case <-changed:
			case <-ctx.Done():
			case <-time.After(250 * time.Millisecond):
			}
		}
	}
	t.log.Info("stopped polling")
	return nil
}

// confirm tells Telegram, with one last getUpdates, that the updates below
// the offset are done, so that it does not give them again. The offset is
// stored already: the next start would confirm them anyway.
func (t *Telegram) confirm(ctx context.Context, offset int) {
	if offset == 0 {
		return
	}
	cctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	body := getUpdatesBody{Offset: offset, Limit: 1, AllowedUpdates: json.RawMessage(allowedUpdates)}
	if err := t.postWith(cctx, t.http, "getUpdates", body, nil); err != nil {
		t.log.Info("confirming the last updates", "err", err)
	}
}

// pollEvery is how often getUpdates is asked while updates are under way.
const pollEvery = 20 * time.Millisecond

// polledUpdate is an update as getUpdates gave it: its id, its JSON, and
// what the bot makes of it; ok is false when the bot does not answer it
// (an undecodable update, or a kind the bot ignores).
type polledUpdate struct {
	id  int
	raw []byte
	r   received
	ok  bool
}

// getUpdates long-polls for the updates from offset on, and returns those
// not known already. Each update is decoded on its own, so one the library
// cannot read is skipped instead of stopping every later one.
func (t *Telegram) getUpdates(ctx context.Context, offset int, timeout time.Duration, known func(int) bool) ([]polledUpdate, error) {
	pctx, cancel := context.WithTimeout(ctx, timeout+t.cfg.SendTimeout)
	defer cancel()
	batch := &updateBatch{t: t, offset: offset, known: known}
	body := getUpdatesBody{Offset: offset, Timeout: int(timeout / time.Second), AllowedUpdates: json.RawMessage(allowedUpdates)}
	if err := t.postWith(pctx, t.http, "getUpdates", body, batch); err != nil {
		return nil, err
	}
	return batch.out, nil
}

// allowedUpdates are the kinds of update the bot asks for.
const allowedUpdates = `["message","callback_query","inline_query","my_chat_member"]`

// decode reads one update; the second result is false when the library
// cannot read it (it is then skipped, and logged).
func (t *Telegram) decode(raw json.RawMessage) (polledUpdate, bool) {
	u := polledUpdate{raw: raw}
	var upd tgbotapi.Update
	if err := json.Unmarshal(raw, &upd); err != nil {
		var id struct {
			UpdateID int `json:"update_id"`
		}
		json.Unmarshal(raw, &id)
		t.log.Error("undecodable update skipped", "update", id.UpdateID, "err", err)
		u.id = id.UpdateID
		return u, false
	}
	u.id = upd.UpdateID
	u.r, u.ok = receive(upd)
	if !u.ok {
		t.log.Debug("ignored update", "update", upd.UpdateID)
	}
	return u, true
}

// run handles one update and delivers the answer: the replies, then the
// messages for other people. It reports false when ctx ended first (the
// bot is stopping): the update is then handed back. A bad update is logged
// and skipped; it never stops the bot. When the person's pace holds the
// next reply back for longer than parkAfter, run returns how long: the
// update is parked with what is left to send (j.cont), its worker goes to
// someone else, and run is called again then to go on.
func (t *Telegram) run(ctx context.Context, j *job, prior *registry.User, mayPark bool) (row *registry.User, finished, erased bool, park time.Duration) {
	defer func() {
		if r := recover(); r != nil {
			t.log.Error("panic handling update", "update", j.id, "panic", r)
			row, finished, erased, park = nil, true, false, 0
		}
	}()
	r := j.r
	if r.kind != kindPrivate {
		return nil, t.runOther(ctx, r), false, 0
	}
	d := j.cont
	if d == nil {
		if d = t.answer(ctx, r, prior); d == nil {
			return nil, false, false, 0
		}
		if d.resp.Erased && t.pipe != nil {
			t.pipe.erased(j)
		}
	}
	if park, ok := t.deliver(ctx, r, d, mayPark); !ok {
		return nil, false, false, 0
	} else if park > 0 {
		j.cont = d
		return nil, false, false, park
	}
	j.cont = nil
	if t.mayChangeRoles(r) {
		t.kickMenus()
	}
	return d.row, true, d.resp.Erased, 0
}

// parkAfter is the longest a worker waits for a person's pace (or their
// chat's flood wait) before it parks the update and goes to someone else.
const parkAfter = 50 * time.Millisecond

// parkFor is how long an update parks before its next message to chat: the
// chat's pace, if it holds the message back for longer than parkAfter and
// mayPark; 0 to send it now.
func (t *Telegram) parkFor(chat int64, mayPark bool) time.Duration {
	if !mayPark {
		return 0
	}
	if wait := t.pace.delay(chat, laneReply); wait > parkAfter {
		return wait
	}
	return 0
}

// delivery is the answer to an update on its way out.
type delivery struct {
	resp     Response
	row      *registry.User // the person's row as the update left it; nil: nothing to store
	oc       outCall
	replies  []Reply
	removeAt int  // the reply that takes the location keyboard away, or -1
	next     int  // the next reply to send
	last     int  // the id of the last message sent
	recorded bool // the progress message of an announcement is recorded
	other    int  // the next message for someone else (resp.Others) to send
}

// answer handles a private update and answers its button press; nil when
// ctx ended first.
func (t *Telegram) answer(ctx context.Context, r received, prior *registry.User) *delivery {
	typing := t.typingLater(ctx, r.chatID)
	defer typing.stop()
	d := &delivery{removeAt: -1}
	if r.callbackID == "" || r.in.Callback != "" {
		func() {
			defer t.bot.lockUser(r.in.UserID)() // released on a panic too: run recovers from it
			resp, u, ok := t.bot.handle(ctx, r.in, prior)
			d.resp = resp
			if ok {
				d.row = &u
			}
		}()
	}
	if ctx.Err() != nil {
		return nil
	}
	if r.callbackID != "" {
		body := answerCallbackBody{CallbackQueryID: r.callbackID, Text: stripHTML(d.resp.Notice)}
		if err := t.call(ctx, t.reply(callAnswer, r.chatID, r.in.UserID), "answerCallbackQuery", body, nil); err != nil {
			// A press answered again after a restart is too old by then.
			level := slog.LevelWarn
			if strings.Contains(err.Error(), "query is too old") {
				level = slog.LevelInfo
			}
			t.log.Log(ctx, level, "answerCallbackQuery", "err", err)
		}
	}
	d.oc = t.reply(callMessage, r.chatID, r.in.UserID)
	if d.row != nil {
		d.oc.lang = orDefault(d.row.Lang, d.row.ClientLang)
	}
	d.replies = splitLong(d.resp.Replies)
	// The location keyboard goes once a location is shared or the person
	// types instead: with the first reply that has no keyboard of its own.
	if r.in.Callback == "" && t.keyboardUp(r.chatID) {
		for i, reply := range d.replies {
			if reply.Venue == nil && !reply.Edit && len(reply.Buttons) == 0 && len(reply.Keyboard) == 0 {
				d.removeAt = i
				break
			}
		}
	}
	return d
}

// deliver sends the replies left, then the messages for other people. It
// stops before a message or an edit that its chat's pace (the person's, or
// the other's) would hold back for longer than parkAfter, and returns how
// long, if mayPark. It reports false when ctx ended first.
func (t *Telegram) deliver(ctx context.Context, r received, d *delivery, mayPark bool) (park time.Duration, ok bool) {
	for ; d.next < len(d.replies); d.next++ {
		reply := d.replies[d.next]
		if wait := t.parkFor(r.chatID, mayPark); wait > 0 { // a message or an edit: both paced
			return wait, true
		}
		roc := d.oc
		roc.removeKeyboard = d.next == d.removeAt
		roc.parks = mayPark
		id, err := t.send(ctx, roc, r.messageID, reply)
		if errors.Is(err, errFloodWait) {
			d.next-- // not sent, the chat paused: the same reply again, parked until then
			continue
		}
		if err != nil {
			if ctx.Err() != nil {
				return 0, false
			}
			t.log.Warn("reply not delivered", "user", r.in.UserID, "err", err)
			if errors.Is(err, ErrBlocked) {
				if d.row != nil {
					d.row.Blocked = true // as call stored it, which the row must not undo
				}
				d.next = len(d.replies)
				break
			}
			continue
		}
		d.last = id
		switch {
		case roc.removeKeyboard:
			t.setKeyboardUp(r.chatID, false)
		case hasLocationButton(reply):
			t.setKeyboardUp(r.chatID, true)
		}
	}
	if d.resp.Progress != 0 && d.last != 0 && !d.recorded { // the delivery report, edited as the announcement goes
		if err := t.bot.db.SetProgressMessage(context.WithoutCancel(ctx), d.resp.Progress, int64(d.last)); err != nil {
			t.log.Error("record the progress message", "announcement", d.resp.Progress, "err", err)
		}
		d.recorded = true
	}
	// The messages for other people wait for their own chats' pace: a
	// provider told of ten bookings in a second must not keep ten workers.
	for ; d.other < len(d.resp.Others); d.other++ {
		o := d.resp.Others[d.other]
		if wait := t.parkFor(o.UserID, mayPark); wait > 0 {
			return wait, true
		}
		if err := t.Deliver(ctx, o); err != nil {
			if ctx.Err() != nil {
				return 0, false
			}
			t.log.Warn("message not delivered", "user", o.UserID, "err", err)
		}
	}
	return 0, ctx.Err() == nil
}

// received is an update as the core sees it, with what only this edge
// needs to answer it.
type received struct {
	kind       updateKind
	in         Incoming
	chatID     int64
	callbackID string // a button press to answer
	messageID  int    // the message whose button was pressed
	inlineID   string // an inline query to answer
	command    string // a group's command, without the slash and the @bot
	args       string // … what follows it
	to         string // … and the bot it names ("cerca@coworkbot"), if any
	status     string // my_chat_member: the bot's new status in the chat
	oldStatus  string
}

// updateKind is what an update asks of the bot.
type updateKind uint8

const (
	kindPrivate updateKind = iota // a message or a button press in the private chat
	kindInline                    // an inline query
	kindGroup                     // a command in a group
	kindMember                    // the bot's membership of a chat changed (my_chat_member)
)

// receive turns a Telegram update into what the bot answers: the core's
// Incoming for the private chat, or an inline query, a group's command or
// a change of the bot's membership; false for anything else.
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
	case u.Message != nil && u.Message.From != nil && u.Message.Chat != nil && (u.Message.Chat.IsGroup() || u.Message.Chat.IsSuperGroup()):
		m := u.Message
		if !strings.HasPrefix(m.Text, "/") {
			return r, false // the bot answers only commands in a group
		}
		name, args, _ := strings.Cut(strings.TrimPrefix(m.Text, "/"), " ")
		name, to, _ := strings.Cut(name, "@")
		r.kind, r.chatID, r.messageID = kindGroup, m.Chat.ID, m.MessageID
		r.in = Incoming{UserID: m.From.ID, FirstName: m.From.FirstName, ClientLang: m.From.LanguageCode}
		r.command, r.args, r.to = strings.ToLower(name), strings.TrimSpace(args), to
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
	case u.InlineQuery != nil && u.InlineQuery.From != nil:
		q := u.InlineQuery
		r.kind, r.inlineID = kindInline, q.ID
		r.in = Incoming{UserID: q.From.ID, FirstName: q.From.FirstName, ClientLang: q.From.LanguageCode, Text: q.Query}
		return r, true
	case u.MyChatMember != nil:
		m := u.MyChatMember
		r.kind, r.chatID = kindMember, m.Chat.ID
		r.in = Incoming{UserID: m.From.ID, FirstName: m.From.FirstName, ClientLang: m.From.LanguageCode}
		r.status, r.oldStatus = m.NewChatMember.Status, m.OldChatMember.Status
		return r, true
	}
	return r, false
}

// ticker runs the bot's own work every TickEvery until ctx ends; work is
// the context its deliveries run in, which outlives ctx by the stop's grace.
func (t *Telegram) ticker(ctx, work context.Context) {
	tick := time.NewTicker(TickEvery)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			if err := t.bot.Tick(work, t.Deliver); err != nil {
				t.log.Error("tick", "err", err)
			}
			t.kickMenus() // a role given or taken on the command line
		}
	}
}

// serveWebhook registers the webhook and serves it until ctx ends. Requests
// without the secret token are refused.
func (t *Telegram) serveWebhook(ctx context.Context, p *pipeline) error {
	if t.cfg.Secret == "" {
		var b [24]byte
		rand.Read(b[:])
		t.cfg.Secret = hex.EncodeToString(b[:])
	}
	body := setWebhookBody{URL: t.cfg.WebhookURL, SecretToken: t.cfg.Secret, AllowedUpdates: json.RawMessage(allowedUpdates)}
	if err := t.call(ctx, t.setup(), "setWebhook", body, nil); err != nil {
		return fmt.Errorf("setWebhook: %w", err)
	}
	ln, err := net.Listen("tcp", t.cfg.Listen)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: t.webhook(ctx, p), ReadHeaderTimeout: 10 * time.Second}
	t.log.Info("webhook listening", "addr", ln.Addr().String(), "url", t.cfg.WebhookURL)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	// The requests under way answer as their updates settle, or are handed
	// back (503) when the stop's grace is over.
	shut, cancel := context.WithTimeout(context.WithoutCancel(ctx), t.cfg.StopGrace+5*time.Second)
	defer cancel()
	err = srv.Shutdown(shut)
	<-served
	return err
}

// WebhookHandler answers Telegram's webhook posts, for a bot that serves
// them itself rather than with Run: it checks the secret token header,
// then handles the update, until ctx ends.
func (t *Telegram) WebhookHandler(ctx context.Context) http.Handler {
	t.hookOnce.Do(func() {
		if t.pipe != nil {
			return
		}
		work, cancelWork := context.WithCancel(context.WithoutCancel(ctx))
		p := newPipeline(t, false)
		if err := t.restore(ctx, p); err != nil {
			t.log.Error("webhook: restore held updates", "err", err)
		}
		t.pipe = p
		p.start(work)
		go func() {
			<-ctx.Done()
			p.stop(t.cfg.StopGrace, cancelWork)
		}()
	})
	return t.webhook(ctx, t.pipe)
}

// webhook is the handler of Telegram's posts. Each update is claimed once:
// a duplicate (Telegram posts an update again when the answer is late, and
// may post it while the first is still being handled) is answered 200 at
// once and not handled again. The answer to the first comes when the
// update is settled: handled and stored, or held; 503 when the bot stops
// before, so that Telegram posts it again.
func (t *Telegram) webhook(ctx context.Context, p *pipeline) http.Handler {
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
		raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
		if err != nil {
			http.Error(w, "bad update", http.StatusBadRequest)
			return
		}
		u, decoded := t.decode(raw)
		if !decoded && u.id == 0 {
			http.Error(w, "bad update", http.StatusBadRequest)
			return
		}
		if p.byIDHas(u.id) {
			t.log.Info("update delivered twice, skipped", "update", u.id)
			w.WriteHeader(http.StatusOK)
			return
		}
		if u.id < p.polledTo && u.id >= p.polledTo-maxInflight {
			t.log.Info("update delivered again, handled by long polling", "update", u.id)
			w.WriteHeader(http.StatusOK)
			return
		}
		if done, err := t.bot.db.Handled(r.Context(), updateSource, int64(u.id)); err != nil {
			t.log.Error("check handled", "update", u.id, "err", err)
		} else if done {
			t.log.Info("update delivered again, already handled", "update", u.id)
			w.WriteHeader(http.StatusOK)
			return
		}
		j, fresh := p.take(p.newJob(u.id, raw, u.r, u.ok && decoded))
		if !fresh {
			t.log.Info("update delivered twice, skipped", "update", u.id)
			w.WriteHeader(http.StatusOK)
			return
		}
		select {
		case <-j.settled:
			w.WriteHeader(http.StatusOK)
		case <-ctx.Done():
			select {
			case <-j.settled:
				w.WriteHeader(http.StatusOK)
			case <-time.After(t.cfg.StopGrace + time.Second):
				http.Error(w, "stopping", http.StatusServiceUnavailable)
			}
		}
	})
}
