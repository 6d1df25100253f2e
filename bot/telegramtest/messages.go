package telegramtest

import (
	"context"
	"fmt"
	"net/http"
	"reflect"
	"strings"
)

// Message is a message in a chat, as the chat shows it now: one the bot
// sent, or one a user posted by choosing one of the bot's inline results.
type Message struct {
	ID     int
	ChatID int64
	// Text is the text as the bot sent it, markup included.
	Text string
	// Plain is the text as the user reads it: HTML tags stripped and
	// entities decoded when ParseMode is HTML, leading and trailing spaces
	// and newlines trimmed as Telegram trims them.
	Plain     string
	ParseMode string
	// Entities are the formatting entities of Plain, with offsets and
	// lengths in UTF-16 code units.
	Entities []Entity
	// Keyboard is the inline keyboard under the message.
	Keyboard [][]Button
	// ReplyKeyboard is the custom keyboard the message brought up, with its
	// options.
	ReplyKeyboard         [][]ReplyButton
	OneTimeKeyboard       bool
	ResizeKeyboard        bool
	PersistentKeyboard    bool
	InputFieldPlaceholder string
	// RemoveKeyboard reports that the message removed the custom keyboard.
	RemoveKeyboard bool
	// LinkPreview holds the link preview options the message was sent
	// with, nil when it had none; disable_web_page_preview is read as
	// LinkPreview{IsDisabled: true}.
	LinkPreview *LinkPreview
	Location    *Location
	Venue       *Venue
	// Photo and Document are the file the message carries, if any, with
	// Caption as sent (markup included), CaptionPlain as the user reads it
	// and its entities.
	Photo           *File
	Document        *File
	Caption         string
	CaptionPlain    string
	CaptionEntities []Entity
	// CopiedFrom names the message copyMessage copied, if it is a copy.
	CopiedFrom *MessageRef
	// ViaBot reports a message a user posted by choosing an inline result;
	// SentBy is that user.
	ViaBot bool
	SentBy int64
	// Edited reports that the message was edited after it was sent.
	Edited bool

	date     int64
	editDate int64
}

// MessageRef names a message: its chat and its ID in the chat.
type MessageRef struct {
	ChatID    int64
	MessageID int
}

// Entity is a MessageEntity: a bold or italic run, a link and so on, with
// its offset and length in UTF-16 code units.
type Entity struct {
	Type          string
	Offset        int
	Length        int
	URL           string
	Language      string
	CustomEmojiID string
}

// LinkPreview is the LinkPreviewOptions object.
type LinkPreview struct {
	IsDisabled       bool
	URL              string
	PreferSmallMedia bool
	PreferLargeMedia bool
	ShowAboveText    bool
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

// chatState holds one chat: its message_id counter, shared by the users'
// and the bot's messages as in Telegram, the bot's messages and the users'.
type chatState struct {
	lastID  int
	msgs    []Message
	byID    map[int]int // message_id → index in msgs
	users   map[int]*wireMessage
	actions []string
	changed chan struct{} // closed and replaced when msgs change
}

func (c *chatState) take() int {
	c.lastID++
	return c.lastID
}

func (c *chatState) find(id int) *Message {
	if i, ok := c.byID[id]; ok {
		return &c.msgs[i]
	}
	return nil
}

func (c *chatState) notify() {
	close(c.changed)
	c.changed = make(chan struct{})
}

func (s *Server) chatLocked(id int64) *chatState {
	c := s.chats[id]
	if c == nil {
		c = &chatState{byID: make(map[int]int), users: make(map[int]*wireMessage), changed: make(chan struct{})}
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
// shows them now (edits applied), with the messages users posted there by
// choosing the bot's inline results.
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

// MessageCount returns how many messages Messages would return.
func (s *Server) MessageCount(chatID int64) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.chats[chatID]; c != nil {
		return len(c.msgs)
	}
	return 0
}

// WaitMessages blocks until the bot has sent at least n messages to a chat
// and returns them all, or returns an error with the messages so far when
// ctx ends first. It wakes only for changes in that chat.
func (s *Server) WaitMessages(ctx context.Context, chatID int64, n int) ([]Message, error) {
	have := 0
	err := s.waitOn(ctx, func() bool {
		have = len(s.chatLocked(chatID).msgs)
		return have >= n
	}, func() chan struct{} { return s.chats[chatID].changed })
	got := s.Messages(chatID)
	if err != nil {
		return got, fmt.Errorf("telegramtest: waiting for %d bot messages in chat %d, have %d: %w", n, chatID, have, err)
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

func (s *Server) sendMessage(r *request) (any, *apiError) {
	p := r.params
	chatID, aerr := chatIDParam(p, "chat_id")
	if aerr != nil {
		return nil, aerr
	}
	t, aerr := messageText(p.Get("text"), p.Get("parse_mode"), p.Get("entities"))
	if aerr != nil {
		return nil, aerr
	}
	preview, aerr := linkPreviewParam(p)
	if aerr != nil {
		return nil, aerr
	}
	m, aerr := parseMarkup(p.Get("reply_markup"), false)
	if aerr != nil {
		return nil, aerr
	}
	msg := Message{
		Text:        p.Get("text"),
		Plain:       t.plain,
		ParseMode:   p.Get("parse_mode"),
		Entities:    t.entities,
		LinkPreview: preview,
	}
	m.applyTo(&msg)
	return s.store(chatID, msg)
}

func (s *Server) sendLocation(r *request) (any, *apiError) {
	p := r.params
	chatID, aerr := chatIDParam(p, "chat_id")
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
	msg := Message{Location: &loc}
	m.applyTo(&msg)
	return s.store(chatID, msg)
}

func (s *Server) sendVenue(r *request) (any, *apiError) {
	p := r.params
	chatID, aerr := chatIDParam(p, "chat_id")
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
	msg := Message{
		Location: &loc,
		Venue:    &Venue{Location: loc, Title: title, Address: address},
	}
	m.applyTo(&msg)
	return s.store(chatID, msg)
}

func locationParams(p map[string][]string) (Location, *apiError) {
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

// store adds a bot message to a chat and returns its wire form. It refuses
// what Telegram refuses for the chat itself: a user who blocked the bot, a
// group the bot is not in, a message over the rate limits.
func (s *Server) store(chatID int64, m Message) (any, *apiError) {
	w, aerr := s.storeWire(chatID, m)
	if aerr != nil {
		return nil, aerr
	}
	return w, nil
}

func (s *Server) storeWire(chatID int64, m Message) (*wireMessage, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if aerr := s.canWriteLocked(chatID); aerr != nil {
		return nil, aerr
	}
	if aerr := s.checkRateLocked(chatID, s.now()); aerr != nil {
		return nil, aerr
	}
	return s.wireLocked(s.appendLocked(chatID, m)), nil
}

// appendLocked adds m to a chat, giving it the next message_id.
func (s *Server) appendLocked(chatID int64, m Message) *Message {
	c := s.chatLocked(chatID)
	m.ID = c.take()
	m.ChatID = chatID
	m.date = s.now().Unix()
	c.byID[m.ID] = len(c.msgs)
	c.msgs = append(c.msgs, m)
	c.notify()
	s.notifyLocked()
	return &c.msgs[len(c.msgs)-1]
}

// canWriteLocked refuses to write in a chat the bot cannot write in: a
// private chat whose user blocked the bot, or a group the bot is not a
// member of (unknown to the fake, left or removed).
func (s *Server) canWriteLocked(chatID int64) *apiError {
	if chatID > 0 {
		if s.blocked[chatID] {
			return errBlocked
		}
		return nil
	}
	g := s.groups[chatID]
	if g == nil {
		return badRequest("chat not found")
	}
	kind := "group"
	if g.Supergroup {
		kind = "supergroup"
	}
	switch g.status {
	case "kicked":
		return &apiError{code: http.StatusForbidden, desc: "Forbidden: bot was kicked from the " + kind + " chat"}
	case "left":
		return &apiError{code: http.StatusForbidden, desc: "Forbidden: bot is not a member of the " + kind + " chat"}
	}
	return nil
}

func (s *Server) editMessageText(r *request) (any, *apiError) {
	p := r.params
	t, aerr := messageText(p.Get("text"), p.Get("parse_mode"), p.Get("entities"))
	if aerr != nil {
		return nil, aerr
	}
	preview, aerr := linkPreviewParam(p)
	if aerr != nil {
		return nil, aerr
	}
	m, aerr := parseMarkup(p.Get("reply_markup"), true)
	if aerr != nil {
		return nil, aerr
	}
	return s.edit(p, func(msg *Message) *apiError {
		if msg.Location != nil || msg.Photo != nil || msg.Document != nil {
			return badRequest("there is no text in the message to edit")
		}
		if msg.Plain == t.plain && reflect.DeepEqual(msg.Entities, t.entities) && reflect.DeepEqual(msg.Keyboard, m.inline) {
			return errNotModified
		}
		msg.Text, msg.Plain, msg.ParseMode, msg.Entities = p.Get("text"), t.plain, p.Get("parse_mode"), t.entities
		msg.LinkPreview = preview
		msg.Keyboard = m.inline
		return nil
	})
}

func (s *Server) editMessageReplyMarkup(r *request) (any, *apiError) {
	m, aerr := parseMarkup(r.params.Get("reply_markup"), true)
	if aerr != nil {
		return nil, aerr
	}
	return s.edit(r.params, func(msg *Message) *apiError {
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
func (s *Server) edit(p map[string][]string, change func(*Message) *apiError) (any, *apiError) {
	if get(p, "inline_message_id") != "" {
		return nil, badRequest("MESSAGE_ID_INVALID")
	}
	chatID, aerr := chatIDParam(p, "chat_id")
	if aerr != nil {
		return nil, aerr
	}
	id, aerr := intParam(p, "message_id", 0)
	if aerr != nil {
		return nil, aerr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if aerr := s.canWriteLocked(chatID); aerr != nil {
		return nil, aerr
	}
	var msg *Message
	if c := s.chats[chatID]; c != nil {
		msg = c.find(int(id))
	}
	if msg == nil || msg.ViaBot {
		return nil, badRequest("message to edit not found")
	}
	edited := *msg
	if aerr := change(&edited); aerr != nil {
		return nil, aerr
	}
	if aerr := s.checkRateLocked(chatID, s.now()); aerr != nil {
		return nil, aerr
	}
	edited.Edited = true
	edited.editDate = s.now().Unix()
	*msg = edited
	s.chats[chatID].notify()
	s.notifyLocked()
	return s.wireLocked(msg), nil
}

func get(p map[string][]string, name string) string {
	if vs := p[name]; len(vs) > 0 {
		return vs[0]
	}
	return ""
}

func (s *Server) answerCallbackQuery(r *request) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.queries[r.params.Get("callback_query_id")]
	if q == nil || q.answered {
		return nil, badRequest("query is too old and response timeout expired or query ID is invalid")
	}
	q.answered = true
	q.text = r.params.Get("text")
	s.notifyLocked()
	return true, nil
}

// wireLocked renders a message of a chat in the wire format.
func (s *Server) wireLocked(m *Message) *wireMessage {
	me := s.me
	w := &wireMessage{
		MessageID:       m.ID,
		From:            &me,
		Chat:            s.chatWireLocked(m.ChatID),
		Date:            m.date,
		EditDate:        m.editDate,
		Text:            m.Plain,
		Entities:        toWire(m.Entities),
		Caption:         m.CaptionPlain,
		CaptionEntities: toWire(m.CaptionEntities),
	}
	if m.ViaBot {
		from := userWire(s.users[m.SentBy])
		w.From = &from
		w.ViaBot = &me
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
	if m.Photo != nil {
		w.Photo = photoSizes(m.Photo)
	}
	if m.Document != nil {
		w.Document = documentWire(m.Document)
	}
	if len(m.Keyboard) > 0 {
		w.ReplyMarkup = inlineMarkupWire(m.Keyboard)
	}
	return w
}

func inlineMarkupWire(keyboard [][]Button) *wireInlineMarkup {
	rows := make([][]wireButton, len(keyboard))
	for i, row := range keyboard {
		for _, b := range row {
			wb := wireButton{Text: b.Text, URL: b.URL}
			if b.CallbackData != "" {
				data := b.CallbackData
				wb.CallbackData = &data
			}
			rows[i] = append(rows[i], wb)
		}
	}
	return &wireInlineMarkup{InlineKeyboard: rows}
}

func toWire(entities []Entity) []wireEntity {
	if len(entities) == 0 {
		return nil
	}
	out := make([]wireEntity, len(entities))
	for i, e := range entities {
		out[i] = wireEntity(e)
	}
	return out
}

func fromWire(entities []wireEntity) []Entity {
	if len(entities) == 0 {
		return nil
	}
	out := make([]Entity, len(entities))
	for i, e := range entities {
		out[i] = Entity(e)
	}
	return out
}
