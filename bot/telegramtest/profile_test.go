package telegramtest_test

import (
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/comune-seregno/coworkbot/bot/telegramtest"
)

func TestDescriptions(t *testing.T) {
	s, _ := mustServe(t)
	const it = "Il bot ufficiale dell'elenco degli spazi di coworking del Comune di Seregno."
	const en = "The official bot of the Comune di Seregno's list of coworking spaces."
	for _, call := range []url.Values{
		{"description": {it}},
		{"description": {en}, "language_code": {"en"}},
		{"short_description": {"Spazi di coworking a Seregno"}},
		{"short_description": {"Coworking in Seregno"}, "language_code": {"en"}},
	} {
		method := "setMyDescription"
		if call.Has("short_description") {
			method = "setMyShortDescription"
		}
		var ok bool
		wantRawOK(t, rawCall(t, s, method, call), &ok)
		if !ok {
			t.Errorf("%s: got false, want true", method)
		}
	}
	if got := s.Description(""); got != it {
		t.Errorf("got default description %q, want %q", got, it)
	}
	if got := s.ShortDescription("en"); got != "Coworking in Seregno" {
		t.Errorf("got English short description %q", got)
	}

	var d struct {
		Description string `json:"description"`
	}
	wantRawOK(t, rawCall(t, s, "getMyDescription", url.Values{"language_code": {"en"}}), &d)
	if d.Description != en {
		t.Errorf("getMyDescription(en): got %q, want %q", d.Description, en)
	}
	var sd struct {
		ShortDescription string `json:"short_description"`
	}
	wantRawOK(t, rawCall(t, s, "getMyShortDescription", nil), &sd)
	if sd.ShortDescription != "Spazi di coworking a Seregno" {
		t.Errorf("getMyShortDescription: got %q", sd.ShortDescription)
	}
	wantRawOK(t, rawCall(t, s, "getMyDescription", url.Values{"language_code": {"de"}}), &d)
	if d.Description != "" {
		t.Errorf("getMyDescription(de): got %q, want none dedicated", d.Description)
	}

	if desc, short := s.DescriptionSeenBy(telegramtest.User{ID: 5, LanguageCode: "de"}); desc != it || short != "Spazi di coworking a Seregno" {
		t.Errorf("a German user sees %q / %q, want the default texts", desc, short)
	}
	if desc, short := s.DescriptionSeenBy(telegramtest.User{ID: 6, LanguageCode: "en-GB"}); desc != en || short != "Coworking in Seregno" {
		t.Errorf("an English user sees %q / %q, want the English texts", desc, short)
	}

	// Removing the English description falls back to the default one.
	wantRawOK(t, rawCall(t, s, "setMyDescription", url.Values{"description": {""}, "language_code": {"en"}}), nil)
	if desc, _ := s.DescriptionSeenBy(bob); desc != it {
		t.Errorf("after removing the English description got %q, want the default one", desc)
	}

	wantRawOK(t, rawCall(t, s, "setMyDescription", url.Values{"description": {strings.Repeat("è", 512)}}), nil)
	wantRawOK(t, rawCall(t, s, "setMyShortDescription", url.Values{"short_description": {strings.Repeat("è", 120)}}), nil)
	wantRawError(t, rawCall(t, s, "setMyDescription", url.Values{"description": {strings.Repeat("è", 513)}}),
		http.StatusBadRequest, "Bad Request: description is too long")
	wantRawError(t, rawCall(t, s, "setMyShortDescription", url.Values{"short_description": {strings.Repeat("è", 121)}}),
		http.StatusBadRequest, "Bad Request: short description is too long")
	wantRawError(t, rawCall(t, s, "setMyDescription", url.Values{"description": {"x"}, "language_code": {"ITA"}}),
		http.StatusBadRequest, "Bad Request: invalid language code specified")
}

func setCommands(t *testing.T, bot *tgbotapi.BotAPI, scope *tgbotapi.BotCommandScope, lang string, names ...string) {
	t.Helper()
	var cmds []tgbotapi.BotCommand
	for _, n := range names {
		cmds = append(cmds, tgbotapi.BotCommand{Command: n, Description: "comando " + n})
	}
	cfg := tgbotapi.NewSetMyCommandsWithScopeAndLanguage(tgbotapi.BotCommandScope{Type: "default"}, lang, cmds...)
	if scope != nil {
		cfg.Scope = scope
	}
	if _, err := bot.Request(cfg); err != nil {
		t.Fatalf("setMyCommands %+v %q: %v", scope, lang, err)
	}
}

func names(cmds []telegramtest.Command) []string {
	out := []string{}
	for _, c := range cmds {
		out = append(out, c.Command)
	}
	return out
}

func TestCommandScopesKeptApart(t *testing.T) {
	s, bot := mustServe(t)
	provider := telegramtest.User{ID: 77, FirstName: "Pia", LanguageCode: "it"}
	staff := telegramtest.User{ID: 78, FirstName: "Sara", LanguageCode: "en"}
	private := tgbotapi.NewBotCommandScopeAllPrivateChats()
	groups := tgbotapi.NewBotCommandScopeAllGroupChats()
	providerChat := tgbotapi.NewBotCommandScopeChat(provider.ID)
	staffChat := tgbotapi.NewBotCommandScopeChat(staff.ID)

	setCommands(t, bot, nil, "", "start")
	setCommands(t, bot, &private, "", "cerca", "aiuto")
	setCommands(t, bot, &private, "en", "search", "help")
	setCommands(t, bot, &groups, "", "cerca")
	setCommands(t, bot, &providerChat, "", "cerca", "aiuto", "miospazio")
	setCommands(t, bot, &staffChat, "en", "search", "help", "comune")

	tests := []struct {
		who  telegramtest.User
		want []string
	}{
		{alice, []string{"cerca", "aiuto"}},                 // all private chats, Italian: no dedicated list
		{bob, []string{"search", "help"}},                   // all private chats, English
		{provider, []string{"cerca", "aiuto", "miospazio"}}, // the provider's chat wins
		{staff, []string{"search", "help", "comune"}},       // the staff's chat, in English
		{telegramtest.User{ID: 79, LanguageCode: "fr"}, []string{"cerca", "aiuto"}},
	}
	for _, tt := range tests {
		if got := names(s.CommandsSeenBy(tt.who)); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("user %d (%s) sees %v, want %v", tt.who.ID, tt.who.LanguageCode, got, tt.want)
		}
	}
	// A staff member whose client is in Italian has no dedicated list in
	// that language: Telegram falls back to the chat's list for every
	// language, and there is none, then to all private chats.
	staffIt := staff
	staffIt.LanguageCode = "it"
	if got, want := names(s.CommandsSeenBy(staffIt)), []string{"cerca", "aiuto"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Italian staff sees %v, want %v", got, want)
	}

	if got, want := names(s.GroupCommandsSeenBy(alice, coworkers.ID, false)), []string{"cerca"}; !reflect.DeepEqual(got, want) {
		t.Errorf("in a group alice sees %v, want %v", got, want)
	}
	admins := tgbotapi.NewBotCommandScopeChatAdministrators(coworkers.ID)
	setCommands(t, bot, &admins, "", "cerca", "impostazioni")
	if got, want := names(s.GroupCommandsSeenBy(alice, coworkers.ID, true)), []string{"cerca", "impostazioni"}; !reflect.DeepEqual(got, want) {
		t.Errorf("an administrator sees %v, want %v", got, want)
	}
	if got, want := names(s.GroupCommandsSeenBy(alice, coworkers.ID, false)), []string{"cerca"}; !reflect.DeepEqual(got, want) {
		t.Errorf("a member sees %v, want %v", got, want)
	}

	// Each scope reads back alone.
	got, err := bot.GetMyCommandsWithConfig(tgbotapi.NewGetMyCommandsWithScope(providerChat))
	if err != nil {
		t.Fatalf("getMyCommands: %v", err)
	}
	if len(got) != 3 || got[2].Command != "miospazio" {
		t.Errorf("got %+v, want the provider's three commands", got)
	}
	if got := names(s.CommandsFor(telegramtest.CommandScope{Type: "chat", ChatID: provider.ID}, "")); len(got) != 3 {
		t.Errorf("CommandsFor the provider's chat: got %v", got)
	}
	if got := names(s.CommandsFor(telegramtest.CommandScope{Type: "all_private_chats"}, "")); !reflect.DeepEqual(got, []string{"cerca", "aiuto"}) {
		t.Errorf("CommandsFor all private chats: got %v", got)
	}

	// Taking the role away: deleting the chat's list.
	if _, err := bot.Request(tgbotapi.NewDeleteMyCommandsWithScope(providerChat)); err != nil {
		t.Fatalf("deleteMyCommands: %v", err)
	}
	if got, want := names(s.CommandsSeenBy(provider)), []string{"cerca", "aiuto"}; !reflect.DeepEqual(got, want) {
		t.Errorf("after the role was taken away the provider sees %v, want %v", got, want)
	}
}

func TestCommandScopeRefusals(t *testing.T) {
	s, _ := mustServe(t)
	cmds := `[{"command":"cerca","description":"Cerca"}]`
	tests := []struct {
		name  string
		scope string
		lang  string
		want  string
	}{
		{"not JSON", `{"type":`, "", "Bad Request: can't parse BotCommandScope JSON object"},
		{"not an object", `"chat"`, "", "Bad Request: can't parse BotCommandScope: BotCommandScope must be an Object"},
		{"unknown type", `{"type":"everyone"}`, "", "Bad Request: can't parse BotCommandScope: Unsupported type specified"},
		{"chat without id", `{"type":"chat"}`, "", `Bad Request: can't parse BotCommandScope: Can't find field "chat_id"`},
		{"administrators of a private chat", `{"type":"chat_administrators","chat_id":42}`, "", "Bad Request: can't use specified scope in private chats"},
		{"member without user", `{"type":"chat_member","chat_id":-5}`, "", `Bad Request: can't parse BotCommandScope: Can't find field "user_id"`},
		{"public username", `{"type":"chat","chat_id":"@coworkers"}`, "", "Bad Request: chat not found"},
		{"long language code", "", "ita", "Bad Request: invalid language code specified"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantRawError(t, rawCall(t, s, "setMyCommands", url.Values{"commands": {cmds}, "scope": {tt.scope}, "language_code": {tt.lang}}),
				http.StatusBadRequest, tt.want)
		})
	}
	for _, bad := range []struct{ commands, want string }{
		{`[{"command":"","description":"x"}]`, "Bad Request: command must be non-empty"},
		{`[{"command":"` + strings.Repeat("a", 33) + `","description":"x"}]`, "Bad Request: command length must not exceed 32"},
		{`[{"command":"Cerca","description":"x"}]`, "Bad Request: BOT_COMMAND_INVALID"},
		{`[{"command":"cerca","description":"  "}]`, "Bad Request: command description must be non-empty"},
		{`[{"command":"cerca","description":"` + strings.Repeat("è", 257) + `"}]`, "Bad Request: command description length must not exceed 256"},
	} {
		wantRawError(t, rawCall(t, s, "setMyCommands", url.Values{"commands": {bad.commands}}), http.StatusBadRequest, bad.want)
	}
	// A leading slash and surrounding spaces are dropped, as tdlib drops them.
	wantRawOK(t, rawCall(t, s, "setMyCommands", url.Values{"commands": {`[{"command":" /cerca ","description":" Cerca "}]`}}), nil)
	if got := s.Commands(""); !reflect.DeepEqual(got, []telegramtest.Command{{Command: "cerca", Description: "Cerca"}}) {
		t.Errorf("got %+v, want cerca trimmed", got)
	}
}
