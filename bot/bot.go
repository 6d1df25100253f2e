// Package bot is the conversation: one routing table, the handlers, the
// keyboards and the rendering of replies. Two thin edges drive it: the
// Telegram front end (telegram.go) and the console chat (console.go).
package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/paulmach/orb"

	"github.com/comune-seregno/coworkbot/bot/intent"
	"github.com/comune-seregno/coworkbot/locales"
	"github.com/comune-seregno/coworkbot/registry"
	"github.com/comune-seregno/coworkbot/registry/places"
)

// Config is what a Bot needs.
type Config struct {
	DB     *registry.DB
	Places *places.Gazetteer // default: the embedded gazetteer
	Centre string            // place id of the comune's centre, used when the user gives no place
	Log    *slog.Logger
	Now    func() time.Time // default: the registry's clock

	Privacy   Privacy            // what the information notice names (/privacy)
	Retention registry.Retention // how long what is kept about people lasts (the purge on Tick)
	// LogText writes the text of the messages that end in an error into the
	// log: personal data, for debugging only.
	LogText bool
	// Username is the bot's Telegram username, for the links and posters it
	// makes where no getMe tells it (the console); the Telegram edge sets
	// it from getMe.
	Username string
}

// Bot is the conversation core. It is safe for concurrent use; one user's
// requests are handled one at a time.
type Bot struct {
	db     *registry.DB
	places *places.Gazetteer
	near   *places.NearestIndex // the gazetteer's comuni, for the nearest one
	centre places.Place
	texts  *locales.Bundle
	// localizers are the texts' localizers by language code, "" included,
	// made once: making one parses language tags.
	localizers map[string]*locales.Localizer
	fixed      fixedTexts // the texts without data, made once
	log        *slog.Logger
	now        func() time.Time

	notice    *notice            // the information notice, privacy.go
	retention registry.Retention // with its defaults
	logText   bool               // Config.LogText

	// username is the bot's Telegram username, for the links it makes; ""
	// in the console, which shows the line to type instead.
	username string

	parserMu      sync.Mutex
	parserP       *intent.Parser
	parserVersion int64          // the list version whose space names parserP knows
	placeEntries  []intent.Entry // the gazetteer, as the parser takes it

	// userLocks serialize each user's requests (a webhook may deliver two
	// at once), so that neither overwrites the other's conversation state.
	userLocks [64]sync.Mutex
}

// New builds a Bot.
func New(cfg Config) (*Bot, error) {
	if cfg.DB == nil {
		return nil, fmt.Errorf("bot: no registry")
	}
	b := &Bot{db: cfg.DB, places: cfg.Places, log: cfg.Log, now: cfg.Now, username: strings.TrimPrefix(cfg.Username, "@")}
	if b.places == nil {
		b.places = places.Default()
	}
	b.near = places.NewNearestIndex(b.places)
	if b.log == nil {
		b.log = slog.Default()
	}
	if b.now == nil {
		b.now = func() time.Time { return cfg.DB.Now() } // follows the registry's clock, even if replaced later
	}
	if cfg.Centre == "" {
		cfg.Centre = "seregno-centro"
	}
	centre, ok := b.places.ByID(cfg.Centre)
	if !ok {
		return nil, fmt.Errorf("bot: centre %q is not in the gazetteer", cfg.Centre)
	}
	b.centre = centre
	texts, err := locales.New()
	if err != nil {
		return nil, err
	}
	b.texts = texts
	if b.notice, err = loadNotice(cfg.Privacy); err != nil {
		return nil, err
	}
	b.retention = cfg.Retention.WithDefaults()
	if b.logText = cfg.LogText; b.logText {
		b.log.Warn("logging the text of messages (-log-text): personal data goes into the log; for debugging only")
	}
	b.fixed.m = make(map[*locales.Localizer]map[string]string)
	b.localizers = map[string]*locales.Localizer{"": texts.For("")}
	for _, l := range locales.Languages {
		b.localizers[l] = texts.For(l)
	}
	return b, nil
}

// SetUsername tells the bot its Telegram username (from getMe), before it
// handles anything.
func (b *Bot) SetUsername(name string) { b.username = name }

// session is one request in the making: the user, what they may do, their
// language, their remembered state and what to answer.
type session struct {
	ctx   context.Context
	in    Incoming
	text  string // the words being understood (a command's arguments, or the message)
	user  registry.User
	roles registry.Roles
	st    state
	l     *locales.Localizer
	fixed *fixedTexts // nil: no cache
	now   time.Time
	resp  Response
	// locationFor is how long a shared location serves: the purge forgets
	// it after as long (Config.Retention).
	locationFor time.Duration
	// erased says the person was erased (/cancellami): nothing of theirs
	// is saved again.
	erased bool
}

func (s *session) reply(r Reply)   { s.resp.Replies = append(s.resp.Replies, r) }
func (s *session) say(text string) { s.reply(Reply{Text: text}) }
func (s *session) T(id string, kv ...any) string {
	if s.fixed == nil {
		return s.l.T(id, kv...)
	}
	if len(kv) == 0 {
		return s.fixed.get(s.l, id)
	}
	return s.fixed.with(s.l, id, kv)
}

// fixedTexts keeps the texts that take no data, by language and id, once
// made: most of a reply's words (labels, headings) are those. It keeps too
// the texts made lately with data that are strings or numbers (a slot's
// hours, a space's name): the same ones come back for many people, and
// each costs a template's run.
type fixedTexts struct {
	mu sync.RWMutex
	m  map[*locales.Localizer]map[string]string
	wm sync.Mutex
	w  map[string]string // by localizer's language, id and data
}

// maxWithData bounds the texts with data kept; past it they are forgotten
// all at once.
const maxWithData = 4096

func (f *fixedTexts) with(l *locales.Localizer, id string, kv []any) string {
	var key strings.Builder
	key.WriteString(l.Lang)
	key.WriteByte(0)
	key.WriteString(id)
	for _, v := range kv {
		key.WriteByte(0)
		switch x := v.(type) {
		case string:
			key.WriteString(x)
		case locales.HTML:
			key.WriteByte(1)
			key.WriteString(string(x))
		case int:
			key.WriteString(strconv.Itoa(x))
		default:
			return l.T(id, kv...) // data the key cannot name
		}
	}
	k := key.String()
	f.wm.Lock()
	text, ok := f.w[k]
	f.wm.Unlock()
	if ok {
		return text
	}
	text = l.T(id, kv...)
	f.wm.Lock()
	if f.w == nil || len(f.w) >= maxWithData {
		f.w = make(map[string]string, maxWithData)
	}
	f.w[k] = text
	f.wm.Unlock()
	return text
}

func (f *fixedTexts) get(l *locales.Localizer, id string) string {
	f.mu.RLock()
	text, ok := f.m[l][id]
	f.mu.RUnlock()
	if ok {
		return text
	}
	text = l.T(id)
	f.mu.Lock()
	if f.m[l] == nil {
		f.m[l] = make(map[string]string)
	}
	f.m[l][id] = text
	f.mu.Unlock()
	return text
}

// state is what the conversation remembers between messages, stored with
// the user as JSON.
type state struct {
	Search  *searchState `json:"search,omitempty"`  // the last search, for paging and follow-ups
	Results []string     `json:"results,omitempty"` // the space ids listed last, in order
	Picker  []string     `json:"picker,omitempty"`  // services chosen in the service picker
	Ask     *askState    `json:"ask,omitempty"`     // a question asked back, waiting for a button
	Draft   *draft       `json:"draft,omitempty"`   // a booking in the making
	Await   *await       `json:"await,omitempty"`   // a typed answer the bot waits for
	Edit    *editState   `json:"edit,omitempty"`    // a provider's edit in the making
	Apply   *applyForm   `json:"apply,omitempty"`   // an application to the list in the making

	Announcing  *announcing  `json:"announcing,omitempty"`   // an announcement being composed
	Events      *eventSearch `json:"events,omitempty"`       // the last list of events, for paging
	Signing     *signing     `json:"signing,omitempty"`      // a sign-up in the making
	EventForm   *eventForm   `json:"event_form,omitempty"`   // an event being written
	Cancelling  *cancelling  `json:"cancelling,omitempty"`   // an event about to be cancelled, with the reason
	NewsOffered bool         `json:"news_offered,omitempty"` // /start has offered the announcements once
	// LocationFor says that a shared location is awaited to run the last
	// search around it.
	LocationFor bool `json:"location_for_search,omitempty"`
}

// await is a typed answer the bot waits for: its kind (see answers in
// routes.go) and the space it concerns, if any.
type await struct {
	Kind  answerKind `json:"kind"`
	Space string     `json:"space,omitempty"`
	ID    int64      `json:"id,omitempty"` // the application or change it concerns
}

// Handle answers one request. It never fails: trouble becomes a kind message
// in the user's language, and the error is logged. The user's row and
// conversation state are stored before it returns.
func (b *Bot) Handle(ctx context.Context, in Incoming) (resp Response) {
	defer b.lockUser(in.UserID)()
	defer func() { // a bug answers one message with an apology; it never ends the chat
		if r := recover(); r != nil {
			b.log.Error("panic handling a message", "user", in.UserID, "panic", r)
			resp = Response{Replies: []Reply{{Text: b.localizer(locales.Match(in.ClientLang)).T("error.generic")}}}
		}
	}()
	resp, user, ok := b.handle(ctx, in, nil)
	if ok {
		if err := b.db.SaveUser(ctx, user); err != nil {
			b.log.Error("save user", "user", in.UserID, "err", err)
		}
	}
	return resp
}

// handle answers one request and returns the user's row as the request
// left it, for the caller to store; ok is false when there is nothing to
// store (the user could not be loaded). prior is the row the person's
// previous request left when it is not stored yet (the Telegram edge stores
// a batch's rows together), nil to read it from the registry. The caller
// must not handle two requests of one person at once with prior rows: each
// must start from the row the previous one left. The caller holds
// lockUser.
func (b *Bot) handle(ctx context.Context, in Incoming, prior *registry.User) (Response, registry.User, bool) {
	s := &session{ctx: ctx, in: in, now: b.now().In(registry.Rome), fixed: &b.fixed, locationFor: b.retention.Location}
	var user registry.User
	var err error
	if prior != nil {
		user = *prior
		s.roles, err = b.db.Roles(ctx, in.UserID)
	} else {
		user, s.roles, err = b.db.UserWithRoles(ctx, in.UserID)
	}
	if err != nil {
		b.log.Error("load user", "user", in.UserID, "err", err)
		s.l = b.localizer(locales.Match(in.ClientLang))
		s.say(s.T("error.generic"))
		return s.resp, user, false
	}
	s.user = user
	if in.FirstName != "" {
		s.user.FirstName = in.FirstName
	}
	s.user.Blocked = false // they wrote to us
	if l := locales.Match(in.ClientLang); l != "" {
		s.user.ClientLang = l
	}
	lang := orDefault(s.user.Lang, s.user.ClientLang)
	s.l = b.localizer(lang)
	s.st = state{}
	if err := json.Unmarshal([]byte(s.user.State), &s.st); err != nil {
		b.log.Warn("bad state, starting afresh", "user", in.UserID, "err", err)
		s.st = state{}
	}
	if err := b.route(s); err != nil {
		b.log.Error("handle", "user", in.UserID, b.textAttr(in.Text), "callback", in.Callback, "err", err)
		s.resp.Replies = nil
		s.say(s.T("error.generic"))
	}
	b.checkKeyboards(&s.resp)
	if s.erased { // nothing of theirs is stored again, not even this request's row
		s.resp.Erased = true
		return s.resp, user, false
	}
	raw, err := json.Marshal(s.st)
	if err != nil {
		b.log.Error("save state", "user", in.UserID, "err", err)
		return s.resp, s.user, false
	}
	s.user.State = string(raw)
	return s.resp, s.user, true
}

// lockUser takes the lock that serializes a person's requests (a webhook
// may deliver two at once), so that neither overwrites the other's
// conversation state; the returned func releases it.
func (b *Bot) lockUser(id int64) func() {
	lock := &b.userLocks[uint64(id)%uint64(len(b.userLocks))]
	lock.Lock()
	return lock.Unlock
}

// localizer returns the texts in a language; the localizers of the
// languages the bot speaks are made once.
func (b *Bot) localizer(lang string) *locales.Localizer {
	if l, ok := b.localizers[lang]; ok {
		return l
	}
	return b.texts.For(lang)
}

// checkKeyboards drops what Telegram would refuse from a response's
// keyboards: empty rows, buttons without a label and data the grammar of
// keyboard.go does not read back. Each is a bug, and is logged.
func (b *Bot) checkKeyboards(resp *Response) {
	check := func(r *Reply) {
		kept := r.Buttons[:0]
		for _, row := range r.Buttons {
			var ok []Button
			for _, bt := range row {
				_, _, valid := parseData(bt.Data)
				if bt.URL != "" {
					valid = bt.Data == "" && strings.HasPrefix(bt.URL, "https://")
				}
				if !valid || len(bt.Data) > 64 || strings.TrimSpace(bt.Label) == "" {
					b.log.Error("bad button dropped", "label", bt.Label, "data", bt.Data)
					continue
				}
				ok = append(ok, bt)
			}
			if len(ok) > 0 {
				kept = append(kept, ok)
			}
		}
		if len(kept) == 0 {
			kept = nil
		}
		r.Buttons = kept
	}
	for i := range resp.Replies {
		check(&resp.Replies[i])
	}
	for i := range resp.Others {
		check(&resp.Others[i].Reply)
	}
}

// lang returns the language a session speaks.
func (s *session) lang() string { return s.l.Lang }

// location is where the user is, as far as the bot knows: a location
// shared within the time it is kept (the privacy notice says how long), else
// nil.
func (s *session) location() *orb.Point {
	if s.user.Location == nil || s.locationFor <= 0 || s.now.Sub(s.user.LocatedAt) > s.locationFor {
		return nil
	}
	return s.user.Location
}

// command splits "/cerca@coworkbot fibra" into "cerca" and "fibra".
func command(text string) (name, args string, ok bool) {
	if !strings.HasPrefix(text, "/") {
		return "", "", false
	}
	name, args = strings.TrimPrefix(text, "/"), ""
	if i := strings.IndexFunc(name, unicode.IsSpace); i >= 0 { // "/annuncio" then the text on a new line
		name, args = name[:i], name[i:]
	}
	name, _, _ = strings.Cut(name, "@")
	return strings.ToLower(name), strings.TrimSpace(args), true
}

// orDefault is s, or def when s is empty.
func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
