// Package bot is the conversation: one routing table, the handlers, the
// keyboards and the rendering of replies. Two thin edges drive it: the
// Telegram front end (telegram.go) and the console chat (console.go).
package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

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
}

// Bot is the conversation core. It is safe for concurrent use; one user's
// requests are handled one at a time.
type Bot struct {
	db     *registry.DB
	places *places.Gazetteer
	centre places.Place
	texts  *locales.Bundle
	log    *slog.Logger
	now    func() time.Time

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
	b := &Bot{db: cfg.DB, places: cfg.Places, log: cfg.Log, now: cfg.Now}
	if b.places == nil {
		b.places = places.Default()
	}
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
	return b, nil
}

// session is one request in the making: the user, their language, their
// remembered state and what to answer.
type session struct {
	ctx  context.Context
	req  Request
	user registry.User
	st   state
	l    *locales.Localizer
	now  time.Time
	resp Response
}

func (s *session) reply(r Reply)                 { s.resp.Replies = append(s.resp.Replies, r) }
func (s *session) say(text string)               { s.reply(Reply{Text: text}) }
func (s *session) T(id string, kv ...any) string { return s.l.T(id, kv...) }

// state is what the conversation remembers between messages, stored with
// the user as JSON.
type state struct {
	Search  *searchState `json:"q,omitempty"` // the last search, for paging and follow-ups
	Results []string     `json:"r,omitempty"` // the space ids listed last, in order
	Picker  []string     `json:"f,omitempty"` // services chosen in the service picker
	Ask     *askState    `json:"a,omitempty"` // a question asked back, waiting for a button
	Draft   *draft       `json:"b,omitempty"` // a booking in the making
	Waiting string       `json:"w,omitempty"` // what a shared location is awaited for
}

// Handle answers one request. It never fails: trouble becomes a kind message
// in the user's language, and the error is logged.
func (b *Bot) Handle(ctx context.Context, req Request) Response {
	lock := &b.userLocks[uint64(req.UserID)%uint64(len(b.userLocks))]
	lock.Lock()
	defer lock.Unlock()
	s := &session{ctx: ctx, req: req, now: b.now().In(registry.Rome)}
	user, err := b.db.User(ctx, req.UserID)
	if err != nil {
		b.log.Error("load user", "user", req.UserID, "err", err)
		s.l = b.texts.For(locales.Match(req.ClientLang))
		s.say(s.T("error.generic"))
		return s.resp
	}
	s.user = user
	if req.FirstName != "" {
		s.user.FirstName = req.FirstName
	}
	s.user.Blocked = false // they wrote to us
	if l := locales.Match(req.ClientLang); l != "" {
		s.user.ClientLang = l
	}
	lang := orDefault(s.user.Lang, s.user.ClientLang)
	s.l = b.texts.For(lang)
	if err := json.Unmarshal([]byte(s.user.State), &s.st); err != nil {
		b.log.Warn("bad state, starting afresh", "user", req.UserID, "err", err)
		s.st = state{}
	}
	if err := b.route(s); err != nil {
		b.log.Error("handle", "user", req.UserID, "text", req.Text, "callback", req.Callback, "err", err)
		s.resp.Replies = nil
		s.say(s.T("error.generic"))
	}
	raw, err := json.Marshal(s.st)
	if err == nil {
		s.user.State = string(raw)
		err = b.db.SaveUser(ctx, s.user)
	}
	if err != nil {
		b.log.Error("save user", "user", req.UserID, "err", err)
	}
	return s.resp
}

// lang returns the language a session speaks.
func (s *session) lang() string { return s.l.Lang }

// point is where the user is, as far as the bot knows: a location shared
// recently, else nil.
func (s *session) location() *orb.Point {
	if s.user.Location == nil || s.now.Sub(s.user.LocatedAt) > 12*time.Hour {
		return nil
	}
	return s.user.Location
}

// command splits "/cerca@coworkbot fibra" into "cerca" and "fibra".
func command(text string) (name, args string, ok bool) {
	if !strings.HasPrefix(text, "/") {
		return "", "", false
	}
	name, args, _ = strings.Cut(strings.TrimPrefix(text, "/"), " ")
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
