package telegramtest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"reflect"
	"strings"
	"unicode/utf8"
)

// maxTextLength is Telegram's limit on the characters of a message text,
// counted after entity parsing.
const maxTextLength = 4096

// Message is a message the bot sent, as its chat shows it now.
type Message struct {
	ID     int
	ChatID int64
	// Text is the text as the bot sent it, markup included.
	Text string
	// Plain is the text as the user reads it: HTML tags stripped and
	// entities decoded when ParseMode is HTML, Text otherwise.
	Plain     string
	ParseMode string
	// Keyboard is the inline keyboard under the message.
	Keyboard [][]Button
	// ReplyKeyboard is the custom keyboard the message brought up.
	ReplyKeyboard [][]ReplyButton
	// RemoveKeyboard reports that the message removed the custom keyboard.
	RemoveKeyboard bool
	Location       *Location
	Venue          *Venue
	// Edited reports that the message was edited after it was sent.
	Edited bool

	entities []wireEntity
	date     int64
	editDate int64
}

// Button is a button of an inline keyboard.
type Button struct {
	Text         string
	CallbackData string
	URL          string
}

// ReplyButton is a button of a custom reply keyboard.
type ReplyButton struct {
	Text            string
	RequestLocation bool
	RequestContact  bool
}

// Location is a point on the map.
type Location struct {
	Latitude  float64
	Longitude float64
}

// Venue is a place with a name and an address.
type Venue struct {
	Location
	Title   string
	Address string
}

// chatState holds one private chat: its message_id counter, shared by the
// user's and the bot's messages as in Telegram, and the bot's messages.
type chatState struct {
	lastID int
	msgs   []Message
}

func (c *chatState) take() int {
	c.lastID++
	return c.lastID
}

func (c *chatState) find(id int) *Message {
	for i := range c.msgs {
		if c.msgs[i].ID == id {
			return &c.msgs[i]
		}
	}
	return nil
}

func (s *Server) chatLocked(id int64) *chatState {
	c := s.chats[id]
	if c == nil {
		c = &chatState{}
		s.chats[id] = c
	}
	return c
}

// callbackQuery records how the bot answered a callback query.
type callbackQuery struct {
	answered bool
	text     string
}

// Messages returns the bot's messages in a chat, oldest first, as the chat
// shows them now (edits applied).
func (s *Server) Messages(chatID int64) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.messagesLocked(chatID)
}

func (s *Server) messagesLocked(chatID int64) []Message {
	c := s.chats[chatID]
	if c == nil {
		return []Message{}
	}
	return append([]Message{}, c.msgs...)
}

// WaitMessages blocks until the bot has sent at least n messages to a chat
// and returns them all, or returns an error with the messages so far when
// ctx ends first.
func (s *Server) WaitMessages(ctx context.Context, chatID int64, n int) ([]Message, error) {
	var got []Message
	err := s.wait(ctx, func() bool {
		got = s.messagesLocked(chatID)
		return len(got) >= n
	})
	if err != nil {
		return got, fmt.Errorf("telegramtest: waiting for %d bot messages in chat %d, have %d: %w", n, chatID, len(got), err)
	}
	return got, nil
}

// Answered reports whether the bot answered a callback query, and with
// which text.
func (s *Server) Answered(queryID string) (text string, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.queries[queryID]
	if q == nil || !q.answered {
		return "", false
	}
	return q.text, true
}

// Unanswered returns the IDs of the callback queries the bot has not
// answered yet, in the order they were pressed.
func (s *Server) Unanswered() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []string{}
	for _, id := range s.pressed {
		if !s.queries[id].answered {
			out = append(out, id)
		}
	}
	return out
}

func (s *Server) sendMessage(_ context.Context, p url.Values) (any, *apiError) {
	chatID, aerr := chatIDParam(p)
	if aerr != nil {
		return nil, aerr
	}
	plain, entities, aerr := render(p.Get("text"), p.Get("parse_mode"))
	if aerr != nil {
		return nil, aerr
	}
	m, aerr := parseMarkup(p.Get("reply_markup"), false)
	if aerr != nil {
		return nil, aerr
	}
	return s.store(chatID, Message{
		Text:           p.Get("text"),
		Plain:          plain,
		ParseMode:      p.Get("parse_mode"),
		entities:       entities,
		Keyboard:       m.inline,
		ReplyKeyboard:  m.reply,
		RemoveKeyboard: m.remove,
	})
}

func (s *Server) sendLocation(_ context.Context, p url.Values) (any, *apiError) {
	chatID, aerr := chatIDParam(p)
	if aerr != nil {
		return nil, aerr
	}
	loc, aerr := locationParams(p)
	if aerr != nil {
		return nil, aerr
	}
	m, aerr := parseMarkup(p.Get("reply_markup"), false)
	if aerr != nil {
		return nil, aerr
	}
	return s.store(chatID, Message{
		Location:       &loc,
		Keyboard:       m.inline,
		ReplyKeyboard:  m.reply,
		RemoveKeyboard: m.remove,
	})
}

func (s *Server) sendVenue(_ context.Context, p url.Values) (any, *apiError) {
	chatID, aerr := chatIDParam(p)
	if aerr != nil {
		return nil, aerr
	}
	loc, aerr := locationParams(p)
	if aerr != nil {
		return nil, aerr
	}
	title, address := p.Get("title"), p.Get("address")
	if strings.TrimSpace(title) == "" {
		return nil, badRequest("venue title is empty")
	}
	if strings.TrimSpace(address) == "" {
		return nil, badRequest("venue address is empty")
	}
	m, aerr := parseMarkup(p.Get("reply_markup"), false)
	if aerr != nil {
		return nil, aerr
	}
	return s.store(chatID, Message{
		Location:       &loc,
		Venue:          &Venue{Location: loc, Title: title, Address: address},
		Keyboard:       m.inline,
		ReplyKeyboard:  m.reply,
		RemoveKeyboard: m.remove,
	})
}

func locationParams(p url.Values) (Location, *apiError) {
	lat, aerr := floatParam(p, "latitude")
	if aerr != nil {
		return Location{}, aerr
	}
	lon, aerr := floatParam(p, "longitude")
	if aerr != nil {
		return Location{}, aerr
	}
	if lat < -90 || lat > 90 || lon < -180 || lon > 180 {
		return Location{}, badRequest("wrong location specified")
	}
	return Location{Latitude: lat, Longitude: lon}, nil
}

// store adds a bot message to a chat and returns its wire form.
func (s *Server) store(chatID int64, m Message) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.blocked[chatID] {
		return nil, errBlocked
	}
	c := s.chatLocked(chatID)
	m.ID = c.take()
	m.ChatID = chatID
	m.date = s.Now().Unix()
	c.msgs = append(c.msgs, m)
	s.notifyLocked()
	return s.wireLocked(&c.msgs[len(c.msgs)-1]), nil
}

func (s *Server) editMessageText(_ context.Context, p url.Values) (any, *apiError) {
	plain, entities, aerr := render(p.Get("text"), p.Get("parse_mode"))
	if aerr != nil {
		return nil, aerr
	}
	m, aerr := parseMarkup(p.Get("reply_markup"), true)
	if aerr != nil {
		return nil, aerr
	}
	return s.edit(p, func(msg *Message) *apiError {
		if msg.Location != nil {
			return badRequest("there is no text in the message to edit")
		}
		if msg.Plain == plain && reflect.DeepEqual(msg.entities, entities) && reflect.DeepEqual(msg.Keyboard, m.inline) {
			return errNotModified
		}
		msg.Text, msg.Plain, msg.ParseMode, msg.entities = p.Get("text"), plain, p.Get("parse_mode"), entities
		msg.Keyboard = m.inline
		return nil
	})
}

func (s *Server) editMessageReplyMarkup(_ context.Context, p url.Values) (any, *apiError) {
	m, aerr := parseMarkup(p.Get("reply_markup"), true)
	if aerr != nil {
		return nil, aerr
	}
	return s.edit(p, func(msg *Message) *apiError {
		if reflect.DeepEqual(msg.Keyboard, m.inline) {
			return errNotModified
		}
		msg.Keyboard = m.inline
		return nil
	})
}

var errNotModified = badRequest("message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message")

// edit finds the message that chat_id and message_id name and applies
// change to it.
func (s *Server) edit(p url.Values, change func(*Message) *apiError) (any, *apiError) {
	if p.Get("inline_message_id") != "" {
		return nil, badRequest("MESSAGE_ID_INVALID")
	}
	chatID, aerr := chatIDParam(p)
	if aerr != nil {
		return nil, aerr
	}
	id, aerr := intParam(p, "message_id", 0)
	if aerr != nil {
		return nil, aerr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.blocked[chatID] {
		return nil, errBlocked
	}
	var msg *Message
	if c := s.chats[chatID]; c != nil {
		msg = c.find(int(id))
	}
	if msg == nil {
		return nil, badRequest("message to edit not found")
	}
	edited := *msg
	if aerr := change(&edited); aerr != nil {
		return nil, aerr
	}
	edited.Edited = true
	edited.editDate = s.Now().Unix()
	*msg = edited
	s.notifyLocked()
	return s.wireLocked(msg), nil
}

func (s *Server) answerCallbackQuery(_ context.Context, p url.Values) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.queries[p.Get("callback_query_id")]
	if q == nil || q.answered {
		return nil, badRequest("query is too old and response timeout expired or query ID is invalid")
	}
	q.answered = true
	q.text = p.Get("text")
	s.notifyLocked()
	return true, nil
}

// wireLocked renders a bot message in the wire format.
func (s *Server) wireLocked(m *Message) *wireMessage {
	me := s.me
	w := &wireMessage{
		MessageID: m.ID,
		From:      &me,
		Chat:      s.chatWireLocked(m.ChatID),
		Date:      m.date,
		EditDate:  m.editDate,
		Text:      m.Plain,
		Entities:  m.entities,
	}
	if m.Location != nil {
		w.Location = &wireLocation{Latitude: m.Location.Latitude, Longitude: m.Location.Longitude}
	}
	if m.Venue != nil {
		w.Venue = &wireVenue{
			Location: wireLocation{Latitude: m.Venue.Latitude, Longitude: m.Venue.Longitude},
			Title:    m.Venue.Title,
			Address:  m.Venue.Address,
		}
	}
	if len(m.Keyboard) > 0 {
		rows := make([][]wireButton, len(m.Keyboard))
		for i, row := range m.Keyboard {
			for _, b := range row {
				wb := wireButton{Text: b.Text, URL: b.URL}
				if b.CallbackData != "" {
					data := b.CallbackData
					wb.CallbackData = &data
				}
				rows[i] = append(rows[i], wb)
			}
		}
		w.ReplyMarkup = &wireInlineMarkup{InlineKeyboard: rows}
	}
	return w
}

// render checks a message text as Telegram does and returns the text the
// user reads with its entities.
func render(text, parseMode string) (string, []wireEntity, *apiError) {
	plain := text
	var entities []wireEntity
	switch strings.ToLower(parseMode) {
	case "":
	case "markdown", "markdownv2":
		// Markdown is not checked: the bot writes HTML.
	case "html":
		var err error
		plain, entities, err = parseHTML(text)
		if err != nil {
			return "", nil, badRequest("can't parse entities: %v", err)
		}
	default:
		return "", nil, badRequest("unsupported parse_mode")
	}
	if strings.TrimSpace(plain) == "" {
		return "", nil, badRequest("message text is empty")
	}
	if utf8.RuneCountInString(plain) > maxTextLength {
		return "", nil, badRequest("message is too long")
	}
	return plain, entities, nil
}

// markup is a parsed reply_markup.
type markup struct {
	inline [][]Button
	reply  [][]ReplyButton
	remove bool
}

// parseMarkup reads a reply_markup parameter. Edits take inline keyboards
// only; an absent or empty one removes the keyboard.
func parseMarkup(raw string, inlineOnly bool) (markup, *apiError) {
	var m markup
	if raw == "" {
		return m, nil
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal([]byte(raw), &obj); err != nil {
		return m, badRequest("can't parse reply keyboard markup JSON object")
	}
	if rawRows, ok := obj["inline_keyboard"]; ok {
		var rows [][]map[string]json.RawMessage
		if err := json.Unmarshal(rawRows, &rows); err != nil {
			return m, badRequest("can't parse inline keyboard markup JSON object")
		}
		for _, row := range rows {
			var out []Button
			for _, fields := range row {
				b, aerr := parseInlineButton(fields)
				if aerr != nil {
					return m, aerr
				}
				out = append(out, b)
			}
			if len(out) > 0 {
				m.inline = append(m.inline, out)
			}
		}
		return m, nil
	}
	if inlineOnly {
		return m, badRequest("inline keyboard expected")
	}
	if rawRows, ok := obj["keyboard"]; ok {
		var rows [][]json.RawMessage
		if err := json.Unmarshal(rawRows, &rows); err != nil {
			return m, badRequest("can't parse keyboard markup JSON object")
		}
		for _, row := range rows {
			var out []ReplyButton
			for _, rawButton := range row {
				var b struct {
					Text            string `json:"text"`
					RequestLocation bool   `json:"request_location"`
					RequestContact  bool   `json:"request_contact"`
				}
				if err := json.Unmarshal(rawButton, &b.Text); err != nil {
					if err := json.Unmarshal(rawButton, &b); err != nil {
						return m, badRequest("can't parse keyboard button")
					}
				}
				if b.Text == "" {
					return m, badRequest("keyboard button text must be non-empty")
				}
				out = append(out, ReplyButton(b))
			}
			if len(out) > 0 {
				m.reply = append(m.reply, out)
			}
		}
		if len(m.reply) == 0 {
			return m, badRequest("keyboard must be non-empty")
		}
		return m, nil
	}
	if rawRemove, ok := obj["remove_keyboard"]; ok {
		if err := json.Unmarshal(rawRemove, &m.remove); err != nil || !m.remove {
			return m, badRequest("can't parse reply keyboard markup JSON object")
		}
		return m, nil
	}
	if _, ok := obj["force_reply"]; ok {
		return m, nil
	}
	return m, badRequest("can't parse reply keyboard markup JSON object")
}

// inlineActions are the fields of which an inline button must have one.
var inlineActions = []string{
	"url", "callback_data", "web_app", "login_url", "switch_inline_query",
	"switch_inline_query_current_chat", "switch_inline_query_chosen_chat",
	"copy_text", "callback_game", "pay",
}

func parseInlineButton(fields map[string]json.RawMessage) (Button, *apiError) {
	var b Button
	if err := json.Unmarshal(fields["text"], &b.Text); err != nil || b.Text == "" {
		return b, badRequest("can't parse inline keyboard button: Text must be non-empty")
	}
	action := false
	for _, name := range inlineActions {
		if _, ok := fields[name]; ok {
			action = true
		}
	}
	if !action {
		return b, badRequest("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard")
	}
	if raw, ok := fields["callback_data"]; ok {
		if err := json.Unmarshal(raw, &b.CallbackData); err != nil || b.CallbackData == "" || len(b.CallbackData) > 64 {
			return b, badRequest("BUTTON_DATA_INVALID")
		}
	}
	if raw, ok := fields["url"]; ok {
		if err := json.Unmarshal(raw, &b.URL); err != nil {
			return b, badRequest("BUTTON_URL_INVALID")
		}
		u, err := url.Parse(b.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "tg") || (u.Scheme != "tg" && u.Host == "") {
			return b, badRequest("BUTTON_URL_INVALID")
		}
	}
	return b, nil
}
