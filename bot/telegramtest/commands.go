package telegramtest

import (
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

var commandName = regexp.MustCompile(`^[a-z0-9_]{1,32}$`)

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

// CommandsSeenBy returns the commands u sees in the menu of its private
// chat with the bot: the first list set among, in order, the scope of that
// chat, all private chats and the default scope, each first for u's
// language and then for every language (core.telegram.org/bots/api#determining-list-of-commands).
func (s *Server) CommandsSeenBy(u User) []Command {
	return s.firstCommands(languageOf(u), []CommandScope{
		{Type: "chat", ChatID: u.ID},
		{Type: "all_private_chats"},
		{Type: "default"},
	})
}

// GroupCommandsSeenBy returns the commands u sees in the menu of a group,
// as an administrator of it or not, by the same rule as CommandsSeenBy with
// the scopes of groups: chat_member, chat_administrators, chat,
// all_chat_administrators, all_group_chats, default.
func (s *Server) GroupCommandsSeenBy(u User, groupID int64, admin bool) []Command {
	scopes := []CommandScope{{Type: "chat_member", ChatID: groupID, UserID: u.ID}}
	if admin {
		scopes = append(scopes, CommandScope{Type: "chat_administrators", ChatID: groupID})
	}
	scopes = append(scopes, CommandScope{Type: "chat", ChatID: groupID})
	if admin {
		scopes = append(scopes, CommandScope{Type: "all_chat_administrators"})
	}
	scopes = append(scopes, CommandScope{Type: "all_group_chats"}, CommandScope{Type: "default"})
	return s.firstCommands(languageOf(u), scopes)
}

func (s *Server) firstCommands(lang string, scopes []CommandScope) []Command {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, sc := range scopes {
		chatID := ""
		if sc.ChatID != 0 {
			chatID = strconv.FormatInt(sc.ChatID, 10)
		}
		key := scopeKey(sc.Type, chatID, sc.UserID)
		if lang != "" {
			if list := s.commands[commandKey{scope: key, lang: lang}]; len(list) > 0 {
				return append([]Command{}, list...)
			}
		}
		if list := s.commands[commandKey{scope: key}]; len(list) > 0 {
			return append([]Command{}, list...)
		}
	}
	return []Command{}
}

// languageOf is the two-letter language of a user's IETF language tag
// ("it" for "it-IT").
func languageOf(u User) string {
	lang, _, _ := strings.Cut(strings.ToLower(u.LanguageCode), "-")
	return lang
}

func scopeKey(typ, chatID string, userID int64) string {
	return typ + "|" + chatID + "|" + strconv.FormatInt(userID, 10)
}

// commandKeyParam reads scope and language_code, with the descriptions of
// the Bot API server (get_bot_command_scope) and of tdlib
// (BotCommandScope.cpp, validate_bot_language_code).
func commandKeyParam(p url.Values) (commandKey, *apiError) {
	const prefix = "can't parse BotCommandScope: "
	sc := wireScope{Type: "default"}
	if raw := p.Get("scope"); raw != "" {
		if !json.Valid([]byte(raw)) {
			return commandKey{}, badRequest("can't parse BotCommandScope JSON object")
		}
		var fields map[string]json.RawMessage
		if json.Unmarshal([]byte(raw), &fields) != nil || fields == nil {
			return commandKey{}, badRequest(prefix + "BotCommandScope must be an Object")
		}
		var aerr *apiError
		if sc.Type, aerr = requiredString(fields, "type", prefix); aerr != nil {
			return commandKey{}, aerr
		}
		switch sc.Type {
		case "default", "all_private_chats", "all_group_chats", "all_chat_administrators":
		case "chat", "chat_administrators", "chat_member":
			chatID, aerr := requiredString(fields, "chat_id", prefix)
			if aerr != nil {
				return commandKey{}, aerr
			}
			if chatID == "" {
				return commandKey{}, badRequest(prefix + "Empty chat_id specified")
			}
			id, err := strconv.ParseInt(chatID, 10, 64)
			if err != nil || id == 0 {
				// An @username: the fake knows no public chats.
				return commandKey{}, badRequest("chat not found")
			}
			if id > 0 && sc.Type != "chat" {
				return commandKey{}, badRequest("can't use specified scope in private chats")
			}
			sc.ChatID = json.RawMessage(strconv.FormatInt(id, 10))
			if sc.Type == "chat_member" {
				user, aerr := requiredString(fields, "user_id", prefix)
				if aerr != nil {
					return commandKey{}, aerr
				}
				if sc.UserID, err = strconv.ParseInt(user, 10, 64); err != nil || sc.UserID <= 0 {
					return commandKey{}, badRequest(prefix + "Invalid user_id specified")
				}
			}
		default:
			return commandKey{}, badRequest(prefix + "Unsupported type specified")
		}
	}
	lang := p.Get("language_code")
	if aerr := checkLanguageCode(lang); aerr != nil {
		return commandKey{}, aerr
	}
	return commandKey{scope: scopeKey(sc.Type, string(sc.ChatID), sc.UserID), lang: lang}, nil
}

// checkLanguageCode accepts the empty code or two lower-case letters, as
// tdlib's validate_bot_language_code does.
func checkLanguageCode(lang string) *apiError {
	if lang != "" && (len(lang) != 2 || lang[0] < 'a' || lang[0] > 'z' || lang[1] < 'a' || lang[1] > 'z') {
		return badRequest("invalid language code specified")
	}
	return nil
}

func (s *Server) setMyCommands(r *request) (any, *apiError) {
	p := r.params
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
		// tdlib's set_commands trims both and drops a leading slash; the
		// servers check the name.
		c.Command = strings.TrimPrefix(strings.TrimSpace(c.Command), "/")
		c.Description = strings.TrimSpace(c.Description)
		switch n := utf8.RuneCountInString(c.Description); {
		case c.Command == "":
			return nil, badRequest("command must be non-empty")
		case utf8.RuneCountInString(c.Command) > 32:
			return nil, badRequest("command length must not exceed 32")
		case !commandName.MatchString(c.Command):
			return nil, badRequest("BOT_COMMAND_INVALID")
		case n == 0:
			return nil, badRequest("command description must be non-empty")
		case n > 256:
			return nil, badRequest("command description length must not exceed 256")
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

func (s *Server) getMyCommands(r *request) (any, *apiError) {
	key, aerr := commandKeyParam(r.params)
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

func (s *Server) deleteMyCommands(r *request) (any, *apiError) {
	key, aerr := commandKeyParam(r.params)
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

func (s *Server) setWebhook(r *request) (any, *apiError) {
	p := r.params
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
	s.notifyUpdatesLocked()
	return true, nil
}

func (s *Server) deleteWebhook(r *request) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.webhookURL = ""
	if boolParam(r.params, "drop_pending_updates") {
		s.pending = nil
	}
	s.notifyUpdatesLocked()
	return true, nil
}

func (s *Server) getWebhookInfo(*request) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return wireWebhookInfo{URL: s.webhookURL, PendingUpdateCount: len(s.pending), AllowedUpdates: s.allowed}, nil
}
