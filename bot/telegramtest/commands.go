package telegramtest

import (
	"context"
	"encoding/json"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Command is a bot command as setMyCommands stored it.
type Command struct {
	Command     string
	Description string
}

// CommandScope is a BotCommandScope. The zero value is the default scope.
type CommandScope struct {
	// Type is one of default, all_private_chats, all_group_chats,
	// all_chat_administrators, chat, chat_administrators and chat_member.
	Type   string
	ChatID int64
	UserID int64
}

// commandKey names one list of commands: a scope and a language.
type commandKey struct {
	scope string // the scope's type, chat_id and user_id
	lang  string
}

var (
	commandName = regexp.MustCompile(`^[a-z0-9_]{1,32}$`)
	scopeTypes  = []string{"default", "all_private_chats", "all_group_chats", "all_chat_administrators", "chat", "chat_administrators", "chat_member"}
)

// Commands returns the commands set for the default scope and a language
// code; the empty code is the list for users without a dedicated one.
func (s *Server) Commands(languageCode string) []Command {
	return s.CommandsFor(CommandScope{}, languageCode)
}

// CommandsFor returns the commands set for a scope and a language code.
func (s *Server) CommandsFor(scope CommandScope, languageCode string) []Command {
	typ := scope.Type
	if typ == "" {
		typ = "default"
	}
	chatID := ""
	if scope.ChatID != 0 {
		chatID = strconv.FormatInt(scope.ChatID, 10)
	}
	key := commandKey{scope: scopeKey(typ, chatID, scope.UserID), lang: languageCode}
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Command{}, s.commands[key]...)
}

func scopeKey(typ, chatID string, userID int64) string {
	return typ + "|" + chatID + "|" + strconv.FormatInt(userID, 10)
}

// commandKeyParam reads scope and language_code.
func commandKeyParam(p url.Values) (commandKey, *apiError) {
	var sc wireScope
	if raw := p.Get("scope"); raw != "" {
		if err := json.Unmarshal([]byte(raw), &sc); err != nil {
			return commandKey{}, badRequest("can't parse BotCommandScope JSON object")
		}
	}
	if sc.Type == "" {
		sc.Type = "default"
	}
	known := false
	for _, t := range scopeTypes {
		known = known || t == sc.Type
	}
	if !known {
		return commandKey{}, badRequest("unsupported scope type %q", sc.Type)
	}
	chatID := ""
	if len(sc.ChatID) > 0 {
		var str string
		if err := json.Unmarshal(sc.ChatID, &str); err == nil {
			chatID = strconv.Quote(str)
		} else {
			chatID = strings.TrimSpace(string(sc.ChatID))
		}
	}
	lang := p.Get("language_code")
	if lang != "" && (len(lang) != 2 || strings.ToLower(lang) != lang) {
		return commandKey{}, badRequest("invalid language code specified")
	}
	return commandKey{scope: scopeKey(sc.Type, chatID, sc.UserID), lang: lang}, nil
}

func (s *Server) setMyCommands(_ context.Context, p url.Values) (any, *apiError) {
	key, aerr := commandKeyParam(p)
	if aerr != nil {
		return nil, aerr
	}
	if !p.Has("commands") {
		return nil, badRequest("parameter \"commands\" is required")
	}
	var cmds []wireCommand
	if err := json.Unmarshal([]byte(p.Get("commands")), &cmds); err != nil {
		return nil, badRequest("can't parse commands JSON object")
	}
	if len(cmds) > 100 {
		return nil, badRequest("too many commands specified")
	}
	list := make([]Command, 0, len(cmds))
	for _, c := range cmds {
		if !commandName.MatchString(c.Command) {
			return nil, badRequest("BOT_COMMAND_INVALID")
		}
		if n := utf8.RuneCountInString(strings.TrimSpace(c.Description)); n == 0 || n > 256 {
			return nil, badRequest("command description is empty or too long")
		}
		list = append(list, Command(c))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(list) == 0 {
		delete(s.commands, key)
	} else {
		s.commands[key] = list
	}
	s.notifyLocked()
	return true, nil
}

func (s *Server) getMyCommands(_ context.Context, p url.Values) (any, *apiError) {
	key, aerr := commandKeyParam(p)
	if aerr != nil {
		return nil, aerr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []wireCommand{}
	for _, c := range s.commands[key] {
		out = append(out, wireCommand(c))
	}
	return out, nil
}

func (s *Server) deleteMyCommands(_ context.Context, p url.Values) (any, *apiError) {
	key, aerr := commandKeyParam(p)
	if aerr != nil {
		return nil, aerr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.commands, key)
	s.notifyLocked()
	return true, nil
}

// Webhooks: the bot polls, so the fake only keeps the URL to refuse
// getUpdates while one is set, as Telegram does.

func (s *Server) setWebhook(_ context.Context, p url.Values) (any, *apiError) {
	hook := p.Get("url")
	if hook != "" {
		u, err := url.Parse(hook)
		if err != nil || u.Scheme != "https" || u.Host == "" {
			return nil, badRequest("bad webhook: An HTTPS URL must be provided for webhook")
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.webhookURL = hook
	if boolParam(p, "drop_pending_updates") {
		s.pending = nil
	}
	s.notifyLocked()
	return true, nil
}

func (s *Server) deleteWebhook(_ context.Context, p url.Values) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.webhookURL = ""
	if boolParam(p, "drop_pending_updates") {
		s.pending = nil
	}
	s.notifyLocked()
	return true, nil
}

func (s *Server) getWebhookInfo(context.Context, url.Values) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return wireWebhookInfo{URL: s.webhookURL, PendingUpdateCount: len(s.pending), AllowedUpdates: s.allowed}, nil
}
