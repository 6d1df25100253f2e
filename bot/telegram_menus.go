package bot

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/comune-seregno/coworkbot/locales"
)

// This file sets what Telegram shows of the bot outside a conversation: the
// command menus, by scope and language, and the profile texts. The routes
// table is the source of every menu: the citizens' commands in private
// chats (the default scope and all_private_chats), the group's few in
// groups (all_group_chats), and in the own chat of each provider and member
// of staff (BotCommandScopeChat) their extra commands too. Those are set at
// start for everyone who has a role, and again after a request of a member
// of staff or an invitation taken (the requests that give or take roles),
// and at every tick (a role given on the command line): each time the edge
// compares what the registry says with what it set, which it remembers in
// the registry's settings.

// roleMenusKey is the setting that remembers the menus set in the chats of
// people with roles: chat id → the language and the commands.
const roleMenusKey = "telegram.role_menus"

// menus keeps the role menus set, and runs one sync at a time.
type menus struct {
	mu      sync.Mutex
	applied map[int64]string // chat → what was set there
	staff   map[int64]bool   // who was staff at the last sync
	loaded  bool
	kick    chan struct{}
}

func newMenus() *menus {
	return &menus{staff: map[int64]bool{}, kick: make(chan struct{}, 1)}
}

// commandLanguages are the language codes the menus and the profile texts
// are set for: "" for everyone without one of their own (Italian).
var commandLanguages = append([]string{""}, locales.Languages...)

// setCommands publishes the citizens' menu for private chats and the
// group's for groups, in each language; the default (no language_code) is
// Italian.
func (t *Telegram) setCommands(ctx context.Context) {
	scopes := []struct {
		scope string
		menu  func(lang string) []MenuCommand
	}{
		{"default", t.bot.Menu},
		{"all_private_chats", t.bot.Menu},
		{"all_group_chats", t.bot.GroupCommands},
	}
	for _, sc := range scopes {
		for _, lang := range commandLanguages {
			body := setMyCommandsBody{Commands: botCommands(sc.menu(orDefault(lang, locales.Default))), Scope: &commandScope{Type: sc.scope}, LanguageCode: lang}
			if err := t.call(ctx, t.setup(), "setMyCommands", body, nil); err != nil {
				t.log.Warn("setMyCommands", "scope", sc.scope, "lang", lang, "err", err)
			}
		}
	}
}

func botCommands(menu []MenuCommand) []botCommand {
	out := []botCommand{}
	for _, c := range menu {
		out = append(out, botCommand{Command: c.Command, Description: c.Description})
	}
	return out
}

// The bodies of the profile texts' calls.
type (
	languageBody struct {
		LanguageCode string `json:"language_code,omitempty"`
	}
	descriptionBody struct {
		Description  string `json:"description"`
		LanguageCode string `json:"language_code,omitempty"`
	}
	shortDescriptionBody struct {
		ShortDescription string `json:"short_description"`
		LanguageCode     string `json:"language_code,omitempty"`
	}
	botDescription struct {
		Description      string `json:"description"`
		ShortDescription string `json:"short_description"`
	}
)

// setDescriptions sets the bot's description and short description in each
// language where they differ from what Telegram has (Telegram limits how
// often they may be set).
func (t *Telegram) setDescriptions(ctx context.Context) {
	for _, lang := range []string{"", "en"} {
		desc, short := t.bot.ProfileTexts(orDefault(lang, locales.Default))
		var have botDescription
		if err := t.call(ctx, t.setup(), "getMyDescription", languageBody{lang}, &have); err != nil {
			t.log.Warn("getMyDescription", "lang", lang, "err", err)
		} else if have.Description != desc {
			if err := t.call(ctx, t.setup(), "setMyDescription", descriptionBody{desc, lang}, nil); err != nil {
				t.log.Warn("setMyDescription", "lang", lang, "err", err)
			}
		}
		have = botDescription{}
		if err := t.call(ctx, t.setup(), "getMyShortDescription", languageBody{lang}, &have); err != nil {
			t.log.Warn("getMyShortDescription", "lang", lang, "err", err)
		} else if have.ShortDescription != short {
			if err := t.call(ctx, t.setup(), "setMyShortDescription", shortDescriptionBody{short, lang}, nil); err != nil {
				t.log.Warn("setMyShortDescription", "lang", lang, "err", err)
			}
		}
	}
}

// menusLoop syncs the role menus when kicked, until ctx ends.
func (t *Telegram) menusLoop(ctx context.Context) {
	t.syncRoleMenus(ctx)
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.menus.kick:
			t.syncRoleMenus(ctx)
		}
	}
}

// kickMenus asks for a sync of the role menus.
func (t *Telegram) kickMenus() {
	select {
	case t.menus.kick <- struct{}{}:
	default:
	}
}

// mayChangeRoles reports whether a request may have given or taken a role:
// one of a member of staff, or an invitation taken.
func (t *Telegram) mayChangeRoles(r received) bool {
	t.menus.mu.Lock()
	staff := t.menus.staff[r.in.UserID]
	t.menus.mu.Unlock()
	return staff || strings.HasPrefix(r.in.Text, "/start "+PayloadInvite+"_")
}

// syncRoleMenus sets the menu of every provider's and staff member's chat
// that differs from what was set, and deletes those of people who lost
// their roles.
func (t *Telegram) syncRoleMenus(ctx context.Context) {
	m := t.menus
	m.mu.Lock()
	defer m.mu.Unlock()
	db := t.bot.db
	if !m.loaded {
		m.applied = map[int64]string{}
		if raw, err := db.Setting(ctx, roleMenusKey); err == nil && raw != "" {
			var stored map[string]string
			if json.Unmarshal([]byte(raw), &stored) == nil {
				for k, v := range stored {
					if id, err := strconv.ParseInt(k, 10, 64); err == nil {
						m.applied[id] = v
					}
				}
			}
		}
		m.loaded = true
	}
	ids, err := db.RoleHolders(ctx)
	if err != nil {
		t.log.Error("role menus", "err", err)
		return
	}
	want := map[int64][]MenuCommand{}
	wantSig := map[int64]string{}
	staff := map[int64]bool{}
	for _, id := range ids {
		u, roles, err := db.UserWithRoles(ctx, id)
		if err != nil {
			t.log.Error("role menus", "user", id, "err", err)
			return
		}
		staff[id] = roles.Staff
		lang := orDefault(u.Lang, orDefault(u.ClientLang, locales.Default))
		menu := t.bot.MenuFor(lang, roles)
		var names []string
		for _, c := range menu {
			names = append(names, c.Command)
		}
		want[id], wantSig[id] = menu, lang+":"+strings.Join(names, ",")
	}
	m.staff = staff
	changed := false
	for _, id := range sortedKeys(wantSig) {
		if m.applied[id] == wantSig[id] {
			continue
		}
		body := setMyCommandsBody{Commands: botCommands(want[id]), Scope: &commandScope{Type: "chat", ChatID: id}}
		if err := t.call(ctx, t.setup(), "setMyCommands", body, nil); err != nil {
			t.log.Warn("setMyCommands", "chat", id, "err", err)
			continue
		}
		m.applied[id], changed = wantSig[id], true
	}
	for _, id := range sortedKeys(m.applied) {
		if _, ok := wantSig[id]; ok {
			continue
		}
		body := struct {
			Scope commandScope `json:"scope"`
		}{commandScope{Type: "chat", ChatID: id}}
		if err := t.call(ctx, t.setup(), "deleteMyCommands", body, nil); err != nil {
			t.log.Warn("deleteMyCommands", "chat", id, "err", err)
			continue
		}
		delete(m.applied, id)
		changed = true
	}
	if changed {
		stored := map[string]string{}
		for id, v := range m.applied {
			stored[strconv.FormatInt(id, 10)] = v
		}
		raw, _ := json.Marshal(stored)
		if err := db.SetSetting(context.WithoutCancel(ctx), roleMenusKey, string(raw)); err != nil {
			t.log.Error("remember role menus", "err", err)
		}
	}
}

func sortedKeys(m map[int64]string) []int64 {
	out := make([]int64, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
