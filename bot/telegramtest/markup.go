package telegramtest

import (
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Limits of reply markup. Telegram's servers answer "reply markup is too
// long" past 100 inline buttons (tginfo/Telegram-Limits); the Bot API
// documents 64 bytes of callback data and 1-64 characters of input field
// placeholder.
const (
	maxInlineButtons   = 100
	maxCallbackData    = 64
	maxPlaceholderRune = 64
)

// markup is a parsed reply_markup.
type markup struct {
	inline      [][]Button
	reply       [][]ReplyButton
	oneTime     bool
	resize      bool
	persistent  bool
	placeholder string
	remove      bool
}

func (m markup) applyTo(msg *Message) {
	msg.Keyboard = m.inline
	msg.ReplyKeyboard = m.reply
	msg.OneTimeKeyboard = m.oneTime
	msg.ResizeKeyboard = m.resize
	msg.PersistentKeyboard = m.persistent
	msg.InputFieldPlaceholder = m.placeholder
	msg.RemoveKeyboard = m.remove
}

// parseMarkup reads a reply_markup parameter. Edits take inline keyboards
// only; an absent or empty one removes the keyboard.
//
// The messages are those of the Bot API server (tdlib/telegram-bot-api,
// Client.cpp get_reply_markup) and of tdlib (td/telegram/ReplyMarkup.cpp),
// "Bad Request: " and a lower-case first letter added as the server adds
// them. The fake is stricter than Telegram in three places, each marked
// below, where Telegram silently drops what a bot sent by mistake: an empty
// row, a button with empty text and a reply keyboard without buttons.
func parseMarkup(raw string, inlineOnly bool) (markup, *apiError) {
	var m markup
	if raw == "" {
		return m, nil
	}
	var obj map[string]json.RawMessage
	if !json.Valid([]byte(raw)) {
		return m, badRequest("can't parse reply keyboard markup JSON object")
	}
	if err := json.Unmarshal([]byte(raw), &obj); err != nil || obj == nil {
		return m, badRequest("object expected as reply markup")
	}
	if rawRows, ok := obj["inline_keyboard"]; ok {
		rows, aerr := parseRows(rawRows, "inline_keyboard", "Field \"inline_keyboard\" of the InlineKeyboardMarkup must be an Array of Arrays")
		if aerr != nil {
			return m, aerr
		}
		total := 0
		for i, row := range rows {
			if len(row) == 0 {
				// Telegram drops an empty row (ReplyMarkup.cpp); the fake
				// refuses it, as it is always a bug in the bot's layout.
				return m, badRequest("inline keyboard row %d is empty (telegramtest refuses empty rows, which Telegram drops)", i+1)
			}
			var out []Button
			for _, raw := range row {
				b, aerr := parseInlineButton(raw)
				if aerr != nil {
					return m, aerr
				}
				out = append(out, b)
			}
			total += len(out)
			m.inline = append(m.inline, out)
		}
		if total > maxInlineButtons {
			return m, badRequest("reply markup is too long")
		}
		return m, nil
	}
	if inlineOnly {
		return m, badRequest("inline keyboard expected")
	}
	if rawRows, ok := obj["keyboard"]; ok {
		rows, aerr := parseRows(rawRows, "keyboard", "Field \"keyboard\" must be an Array of Arrays")
		if aerr != nil {
			return m, aerr
		}
		for i, row := range rows {
			if len(row) == 0 {
				// As for inline keyboards: Telegram drops it, the fake
				// refuses it.
				return m, badRequest("keyboard row %d is empty (telegramtest refuses empty rows, which Telegram drops)", i+1)
			}
			var out []ReplyButton
			for _, raw := range row {
				b, aerr := parseReplyButton(raw)
				if aerr != nil {
					return m, aerr
				}
				out = append(out, b)
			}
			m.reply = append(m.reply, out)
		}
		if len(m.reply) == 0 {
			// Telegram sends the message without a keyboard; the fake
			// refuses it, as the bot meant to show one.
			return m, badRequest("keyboard must be non-empty (telegramtest refuses an empty keyboard, which Telegram drops)")
		}
		if m.oneTime, aerr = optionalBool(obj, "one_time_keyboard"); aerr != nil {
			return m, aerr
		}
		if m.resize, aerr = optionalBool(obj, "resize_keyboard"); aerr != nil {
			return m, aerr
		}
		if m.persistent, aerr = optionalBool(obj, "is_persistent"); aerr != nil {
			return m, aerr
		}
		if m.placeholder, aerr = optionalString(obj, "input_field_placeholder"); aerr != nil {
			return m, aerr
		}
		if utf8.RuneCountInString(m.placeholder) > maxPlaceholderRune {
			// The check is on Telegram's servers; no description of it
			// could be found, so this one is the fake's.
			return m, badRequest("input field placeholder must be 1-64 characters long")
		}
		return m, nil
	}
	remove, aerr := optionalBool(obj, "remove_keyboard")
	if aerr != nil {
		return m, aerr
	}
	if hide, aerr := optionalBool(obj, "hide_keyboard"); aerr != nil {
		return m, aerr
	} else if remove || hide {
		m.remove = true
		return m, nil
	}
	if _, ok := obj["force_reply"]; ok {
		return m, nil
	}
	// Telegram reads an object with none of the known fields as no markup.
	return m, nil
}

// parseRows reads an array of arrays of buttons, refusing a row that is not
// an array (null included) with notRows.
func parseRows(raw json.RawMessage, field, notRows string) ([][]json.RawMessage, *apiError) {
	var rows []json.RawMessage
	if len(raw) == 0 || raw[0] != '[' || json.Unmarshal(raw, &rows) != nil {
		return nil, badRequest("field %q must be of type Array", field)
	}
	out := make([][]json.RawMessage, len(rows))
	for i, row := range rows {
		if len(row) == 0 || row[0] != '[' {
			return nil, badRequest("%s", lowerFirst(notRows))
		}
		if err := json.Unmarshal(row, &out[i]); err != nil {
			return nil, badRequest("%s", lowerFirst(notRows))
		}
	}
	return out, nil
}

// inlineActions are the fields of which an inline button must have one.
var inlineActions = []string{
	"callback_game", "pay", "switch_inline_query", "switch_inline_query_chosen_chat",
	"switch_inline_query_current_chat", "login_url", "web_app", "copy_text",
}

func parseInlineButton(raw json.RawMessage) (Button, *apiError) {
	const prefix = "can't parse inline keyboard button: "
	var b Button
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil || fields == nil {
		return b, badRequest(prefix + "InlineKeyboardButton must be an Object")
	}
	text, aerr := requiredString(fields, "text", prefix)
	if aerr != nil {
		return b, aerr
	}
	if text == "" {
		// tdlib skips a button with empty text before reaching this check
		// (ReplyMarkup.cpp); the fake refuses it, as a label was lost.
		return b, badRequest("inline keyboard button text must be non-empty")
	}
	b.Text = text
	// The Bot API server takes the first kind present, in this order, and
	// reads an empty url or callback_data as absent.
	if b.URL, aerr = optionalString(fields, "url"); aerr != nil {
		return b, prefixed(aerr, prefix)
	}
	if b.URL != "" {
		if reason := checkLink(b.URL); reason != "" {
			return b, badRequest("inline keyboard button URL '%s' is invalid: %s", b.URL, reason)
		}
		return b, nil
	}
	if b.CallbackData, aerr = optionalString(fields, "callback_data"); aerr != nil {
		return b, prefixed(aerr, prefix)
	}
	if b.CallbackData != "" {
		if len(b.CallbackData) > maxCallbackData {
			return b, badRequest("BUTTON_DATA_INVALID")
		}
		return b, nil
	}
	for _, name := range inlineActions {
		if _, ok := fields[name]; ok {
			return b, nil
		}
	}
	return b, badRequest(prefix + "Text buttons are unallowed in the inline keyboard")
}

func parseReplyButton(raw json.RawMessage) (ReplyButton, *apiError) {
	const prefix = "can't parse keyboard button: "
	var b ReplyButton
	var text string
	if err := json.Unmarshal(raw, &text); err == nil {
		b.Text = text
	} else {
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(raw, &fields); err != nil || fields == nil {
			return b, badRequest(prefix + "KeyboardButton must be a String or an Object")
		}
		var aerr *apiError
		if b.Text, aerr = requiredString(fields, "text", prefix); aerr != nil {
			return b, aerr
		}
		if b.RequestContact, aerr = optionalBool(fields, "request_contact"); aerr != nil {
			return b, prefixed(aerr, prefix)
		}
		phone, aerr := optionalBool(fields, "request_phone_number")
		if aerr != nil {
			return b, prefixed(aerr, prefix)
		}
		b.RequestContact = b.RequestContact || phone
		if b.RequestLocation, aerr = optionalBool(fields, "request_location"); aerr != nil {
			return b, prefixed(aerr, prefix)
		}
	}
	if b.Text == "" {
		// As for inline buttons: tdlib skips it, the fake refuses it.
		return b, badRequest("keyboard button text must be non-empty")
	}
	return b, nil
}

// JSON field readers with the errors of tdlib's JsonObject
// (tdutils/td/utils/JsonBuilder.cpp).

// The readers' descriptions are those of a top-level field, with a
// lower-case first letter; prefixed makes them those of a nested one.

func requiredString(fields map[string]json.RawMessage, name, prefix string) (string, *apiError) {
	if _, ok := fields[name]; !ok {
		return "", missingField(name, prefix)
	}
	s, aerr := optionalString(fields, name)
	if aerr != nil && prefix != "" {
		return "", prefixed(aerr, prefix)
	}
	return s, aerr
}

// optionalString reads a string field; like tdlib, it takes a number as its
// decimal text, and refuses null.
func optionalString(fields map[string]json.RawMessage, name string) (string, *apiError) {
	raw, ok := fields[name]
	if !ok {
		return "", nil
	}
	var s string
	if string(raw) != "null" && json.Unmarshal(raw, &s) == nil {
		return s, nil
	}
	var n json.Number
	if string(raw) != "null" && json.Unmarshal(raw, &n) == nil {
		return n.String(), nil
	}
	return "", badRequest("field \"%s\" must be of type String", name)
}

func missingField(name, prefix string) *apiError {
	if prefix == "" {
		return badRequest("can't find field \"%s\"", name)
	}
	return badRequest("%sCan't find field \"%s\"", prefix, name)
}

// optionalBool reads a boolean field; like tdlib, it refuses anything but
// true and false.
func optionalBool(fields map[string]json.RawMessage, name string) (bool, *apiError) {
	raw, ok := fields[name]
	if !ok {
		return false, nil
	}
	switch string(raw) {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, badRequest("field \"%s\" must be of type Boolean", name)
}

// prefixed puts prefix before the part of a description after "Bad
// Request: ", with its first letter in upper case again, as the Bot API
// server wraps the messages of what it parses.
func prefixed(aerr *apiError, prefix string) *apiError {
	rest := strings.TrimPrefix(aerr.desc, "Bad Request: ")
	if rest != "" {
		rest = strings.ToUpper(rest[:1]) + rest[1:]
	}
	return badRequest("%s%s", prefix, rest)
}

// lowerFirst lower-cases the first letter of a description, as the Bot API
// server does after "Bad Request: ".
func lowerFirst(s string) string {
	if s == "" || (len(s) > 1 && (s[1] == '_' || (s[1] >= 'A' && s[1] <= 'Z'))) {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// checkLink checks a button URL as tdlib's LinkManager::check_link and
// tdutils' parse_url do, and returns why it is invalid, or "" when it is
// valid: http and https URLs (the scheme may be left out) with a host that
// has a dot, and tg: links.
func checkLink(link string) string {
	lower := strings.ToLower(link)
	if rest, ok := strings.CutPrefix(lower, "tg:"); ok {
		rest = strings.TrimPrefix(rest, "//")
		host := rest
		if i := strings.IndexAny(host, "/?#"); i >= 0 {
			host = host[:i]
		}
		if host == "" {
			return "URL host is empty"
		}
		for _, c := range host {
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return "Unallowed characters in URL host"
			}
		}
		return ""
	}
	rest := link
	if i := strings.Index(lower, "://"); i >= 0 && !strings.ContainsAny(lower[:i], "/?#@[]") {
		if scheme := lower[:i]; scheme != "http" && scheme != "https" {
			return "Unsupported URL protocol"
		}
		rest = link[i+3:]
	}
	hostPort := rest
	if i := strings.IndexAny(hostPort, "/?#"); i >= 0 {
		hostPort = hostPort[:i]
	}
	if at := strings.LastIndexByte(hostPort, '@'); at >= 0 {
		hostPort = hostPort[at+1:]
	}
	host := hostPort
	if i := strings.LastIndexByte(hostPort, ':'); i >= 0 && !strings.HasSuffix(hostPort, "]") {
		port, err := strconv.Atoi(strings.TrimLeft(hostPort[i+1:], "0"))
		if err != nil || port <= 0 || port > 65535 {
			return "Wrong port number specified in the URL"
		}
		host = hostPort[:i]
	}
	switch {
	case host == "":
		return "URL host is empty"
	case host == ".":
		return "Host is invalid"
	case strings.HasPrefix(host, "["):
		return ""
	}
	for _, c := range host {
		if c < 128 && !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune(".-_!$,~*'();&+=", c)) {
			return "Disallowed character in URL host"
		}
	}
	if !strings.Contains(host, ".") {
		return "Wrong HTTP URL"
	}
	return ""
}
