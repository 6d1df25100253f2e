package telegramtest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// pendingUpdate is an update waiting to be confirmed by a getUpdates offset.
type pendingUpdate struct {
	id   int
	kind string // message, callback_query, …: the update's one optional field
	raw  json.RawMessage
}

// defaultExcluded are the kinds Telegram leaves out when allowed_updates is
// empty or was never given (core.telegram.org/bots/api#getupdates).
var defaultExcluded = []string{"chat_member", "message_reaction", "message_reaction_count"}

// Incoming is a message a user sends, for SendMessage: a text, with
// entities if it is formatted, or a photo or a document with a caption.
type Incoming struct {
	// Chat is the chat it is sent in: 0 for the user's private chat with
	// the bot, or the ID of a group added with AddToGroup.
	Chat     int64
	Text     string
	Entities []Entity
	// Photo is an image (PNG, JPEG or GIF); Document a file of any kind.
	Photo           []byte
	Document        *Upload
	Caption         string
	CaptionEntities []Entity
}

// Upload is a file a user sends, or a file to send in a test.
type Upload struct {
	Name     string
	MimeType string
	Bytes    []byte
}

// SendText enqueues an update with a message from u in its private chat
// with the bot. Text starting with a slash gets a bot_command entity for its
// first word, as Telegram adds. It returns the update_id.
func (s *Server) SendText(u User, text string) int {
	id, _ := s.SendMessage(u, Incoming{Text: text})
	return id
}

// SendFormatted enqueues a text message from u with formatting entities,
// as a user (a member of staff writing an announcement, say) formats it in
// a Telegram client: bold, italic, links and so on. ParseHTML turns HTML
// into the text and its entities. It returns the update_id.
func (s *Server) SendFormatted(u User, text string, entities ...Entity) int {
	id, _ := s.SendMessage(u, Incoming{Text: text, Entities: entities})
	return id
}

// SendPhoto enqueues a photo from u with an optional caption and its
// entities. It panics when photo is not a PNG, JPEG or GIF image, which is
// a mistake in the test. It returns the update_id.
func (s *Server) SendPhoto(u User, photo []byte, caption string, entities ...Entity) int {
	id, _ := s.SendMessage(u, Incoming{Photo: photo, Caption: caption, CaptionEntities: entities})
	return id
}

// SendDocument enqueues a document from u with an optional caption and its
// entities. It returns the update_id.
func (s *Server) SendDocument(u User, doc Upload, caption string, entities ...Entity) int {
	id, _ := s.SendMessage(u, Incoming{Document: &doc, Caption: caption, CaptionEntities: entities})
	return id
}

// SendLocation enqueues an update with a location shared by u in its
// private chat with the bot. It returns the update_id.
func (s *Server) SendLocation(u User, lat, lon float64) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	msg := s.userMessageLocked(u, u.ID)
	msg.Location = &wireLocation{Latitude: lat, Longitude: lon}
	return s.enqueueLocked(wireUpdate{Message: msg})
}

// SendMessage enqueues a message from u, in its private chat or in a group,
// and returns the update_id and the message's message_id in its chat. In a
// group, the bot's privacy mode applies (see SetGroupPrivacy): a message
// the bot would not see is stored for copyMessage but no update is sent,
// and updateID is 0. It panics on a photo that is not an image or a group
// the bot was never added to, which are mistakes in the test.
func (s *Server) SendMessage(u User, in Incoming) (updateID, messageID int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	chatID := in.Chat
	if chatID == 0 {
		chatID = u.ID
	}
	if chatID < 0 && s.groups[chatID] == nil {
		panic(fmt.Sprintf("telegramtest: SendMessage: chat %d is not a group added with AddToGroup", chatID))
	}
	msg := s.userMessageLocked(u, chatID)
	msg.Text = in.Text
	msg.Entities = toWire(in.Entities)
	if len(msg.Entities) == 0 && in.Text != "" {
		msg.Entities = commandEntity(in.Text)
	}
	if in.Photo != nil {
		f, err := newPhoto(in.Photo)
		if err != nil {
			panic(fmt.Sprintf("telegramtest: SendMessage: %v", err))
		}
		msg.Photo = photoSizes(s.registerFileLocked(f, "photo"))
	}
	if in.Document != nil {
		f := newDocument(*in.Document)
		msg.Document = documentWire(s.registerFileLocked(f, "document"))
	}
	msg.Caption = in.Caption
	msg.CaptionEntities = toWire(in.CaptionEntities)
	if chatID < 0 && !s.botSeesLocked(chatID, in.Text) {
		return 0, msg.MessageID
	}
	return s.enqueueLocked(wireUpdate{Message: msg}), msg.MessageID
}

// commandEntity is the bot_command entity Telegram adds to a text that
// starts with a command, "/cerca@bot" included.
func commandEntity(text string) []wireEntity {
	cmd := text
	if i := strings.IndexFunc(text, unicode.IsSpace); i >= 0 {
		cmd = text[:i]
	}
	if len(cmd) > 1 && cmd[0] == '/' {
		return []wireEntity{{Type: "bot_command", Offset: 0, Length: utf16Len(cmd)}}
	}
	return nil
}

// Press enqueues a callback query from u pressing a button with data under
// the bot message messageID in u's chat. The message travels with the query
// as the chat shows it now; an unknown messageID gets a bare message, as for
// a message too old to be shown. It returns the callback query ID, which the
// bot must answer.
func (s *Server) Press(u User, messageID int, data string) (queryID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pressLocked(u, u.ID, messageID, data)
}

// PressLabel presses the inline button whose label contains label in the
// latest bot message of u's chat that has an inline keyboard. A label equal
// to a button's text wins over labels that only contain it. It fails when no
// button or more than one button matches, or when the button carries no
// callback data.
func (s *Server) PressLabel(u User, label string) (queryID string, err error) {
	return s.PressLabelIn(u, u.ID, label)
}

// PressLabelIn is PressLabel in any chat: a group the bot writes in, say.
func (s *Server) PressLabelIn(u User, chatID int64, label string) (queryID string, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chats[chatID]
	var msg *Message
	if c != nil {
		for i := len(c.msgs) - 1; i >= 0; i-- {
			if len(c.msgs[i].Keyboard) > 0 {
				msg = &c.msgs[i]
				break
			}
		}
	}
	if msg == nil {
		return "", fmt.Errorf("telegramtest: no bot message with an inline keyboard in chat %d", chatID)
	}
	var exact, partial []Button
	var labels []string
	for _, row := range msg.Keyboard {
		for _, b := range row {
			labels = append(labels, strconv.Quote(b.Text))
			switch {
			case b.Text == label:
				exact = append(exact, b)
			case strings.Contains(b.Text, label):
				partial = append(partial, b)
			}
		}
	}
	found := exact
	if len(found) == 0 {
		found = partial
	}
	switch {
	case len(found) == 0:
		return "", fmt.Errorf("telegramtest: no button %q in message %d of chat %d; buttons: %s", label, msg.ID, chatID, strings.Join(labels, ", "))
	case len(found) > 1:
		return "", fmt.Errorf("telegramtest: %d buttons match %q in message %d of chat %d; buttons: %s", len(found), label, msg.ID, chatID, strings.Join(labels, ", "))
	case found[0].CallbackData == "":
		return "", fmt.Errorf("telegramtest: button %q in message %d of chat %d has no callback data", found[0].Text, msg.ID, chatID)
	}
	return s.pressLocked(u, chatID, msg.ID, found[0].CallbackData), nil
}

func (s *Server) pressLocked(u User, chatID int64, messageID int, data string) string {
	s.rememberLocked(u)
	s.nextQuery++
	id := strconv.FormatInt(4_000_000_000_000_000_000+s.nextQuery, 10)
	s.queries[id] = &callbackQuery{}
	s.pressed = append(s.pressed, id)

	msg := &wireMessage{MessageID: messageID, Chat: s.chatWireLocked(chatID)}
	if c := s.chats[chatID]; c != nil {
		if m := c.find(messageID); m != nil {
			msg = s.wireLocked(m)
		}
	}
	s.enqueueLocked(wireUpdate{CallbackQuery: &wireCallbackQuery{
		ID:           id,
		From:         userWire(u),
		Message:      msg,
		ChatInstance: strconv.FormatInt(chatID, 10),
		Data:         data,
	}})
	return id
}

// SendUpdateJSON enqueues a raw update, for cases the other helpers do not
// cover. The server sets update_id and returns it. It panics when raw is not
// a JSON object, which is a mistake in the test.
func (s *Server) SendUpdateJSON(raw []byte) int {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil {
		panic(fmt.Sprintf("telegramtest: SendUpdateJSON: %v", err))
	}
	kind := ""
	for k := range obj {
		if k != "update_id" {
			kind = k
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.nextUpdateID
	s.nextUpdateID++
	obj["update_id"] = json.RawMessage(strconv.Itoa(id))
	out, err := json.Marshal(obj)
	if err != nil {
		panic(fmt.Sprintf("telegramtest: SendUpdateJSON: %v", err))
	}
	s.queueLocked(pendingUpdate{id: id, kind: kind, raw: out})
	return id
}

// Pending returns the update_ids enqueued and not yet confirmed.
func (s *Server) Pending() []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := make([]int, len(s.pending))
	for i, u := range s.pending {
		ids[i] = u.id
	}
	return ids
}

// WaitIdle blocks until every enqueued update has been confirmed by the
// offset of a later getUpdates, or returns an error when ctx ends first. A
// bot that handles each batch of updates before asking for the next one has
// then handled them all.
func (s *Server) WaitIdle(ctx context.Context) error {
	n := 0
	err := s.wait(ctx, func() bool {
		n = len(s.pending)
		return n == 0
	})
	if err != nil {
		return fmt.Errorf("telegramtest: waiting for %d unconfirmed updates: %w", n, err)
	}
	return nil
}

// WaitPolling blocks until a getUpdates request is waiting for updates, so
// that an update enqueued next is delivered through long polling, or returns
// an error when ctx ends first.
func (s *Server) WaitPolling(ctx context.Context) error {
	err := s.wait(ctx, func() bool { return s.polling > 0 })
	if err != nil {
		return fmt.Errorf("telegramtest: waiting for a long poll: %w", err)
	}
	return nil
}

// getUpdates implements long polling: it confirms the updates below offset,
// then answers at once with up to limit updates, or waits up to timeout
// seconds for one to arrive.
func (s *Server) getUpdates(r *request) (any, *apiError) {
	p := r.params
	offset, aerr := intParam(p, "offset", 0)
	if aerr != nil {
		return nil, aerr
	}
	limit, aerr := intParam(p, "limit", 100)
	if aerr != nil {
		return nil, aerr
	}
	limit = min(max(limit, 1), 100)
	timeout, aerr := intParam(p, "timeout", 0)
	if aerr != nil {
		return nil, aerr
	}
	var allowed []string
	if raw := p.Get("allowed_updates"); raw != "" && raw != "null" {
		if err := json.Unmarshal([]byte(raw), &allowed); err != nil {
			return nil, badRequest("can't parse allowed updates")
		}
	}

	s.mu.Lock()
	if s.webhookURL != "" {
		s.mu.Unlock()
		return nil, &apiError{code: http.StatusConflict, desc: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"}
	}
	if p.Has("allowed_updates") {
		s.allowLocked(allowed)
	}
	s.pollGen++
	gen := s.pollGen
	s.confirmLocked(offset)
	s.notifyUpdatesLocked()

	var timer *time.Timer
	waiting := false
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	for {
		if s.pollGen != gen {
			s.stopWaitingLocked(&waiting)
			s.mu.Unlock()
			return nil, &apiError{code: http.StatusConflict, desc: "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"}
		}
		batch := s.batchLocked(int(limit))
		if len(batch) > 0 || timeout <= 0 {
			s.stopWaitingLocked(&waiting)
			s.mu.Unlock()
			return batch, nil
		}
		if !waiting {
			waiting = true
			s.polling++
			s.notifyLocked()
			timer = time.NewTimer(time.Duration(timeout) * time.Second)
		}
		updated := s.updated
		s.mu.Unlock()

		select {
		case <-updated:
			s.mu.Lock()
			continue
		case <-timer.C:
		case <-r.ctx.Done():
		case <-s.done:
		}
		s.mu.Lock()
		s.stopWaitingLocked(&waiting)
		s.mu.Unlock()
		return []json.RawMessage{}, nil
	}
}

func (s *Server) stopWaitingLocked(waiting *bool) {
	if *waiting {
		*waiting = false
		s.polling--
		s.notifyLocked()
	}
}

// allowLocked sets the kinds of updates the bot wants, and forgets the
// pending updates of other kinds, as Telegram never delivers them.
func (s *Server) allowLocked(kinds []string) {
	if slices.Equal(kinds, s.allowed) {
		return
	}
	s.allowed = slices.Clone(kinds)
	s.pending = slices.DeleteFunc(s.pending, func(u pendingUpdate) bool { return !s.allowsLocked(u.kind) })
}

// allowsLocked reports whether allowed_updates lets an update of kind
// through.
func (s *Server) allowsLocked(kind string) bool {
	if len(s.allowed) == 0 {
		return !slices.Contains(defaultExcluded, kind)
	}
	return slices.Contains(s.allowed, kind)
}

// confirmLocked forgets the updates that offset confirms. A negative offset
// keeps only the last -offset updates. Update IDs grow, so the confirmed
// ones are a prefix of the queue.
func (s *Server) confirmLocked(offset int64) {
	switch {
	case offset > 0:
		i := sort.Search(len(s.pending), func(i int) bool { return int64(s.pending[i].id) >= offset })
		if i > 0 {
			clear(s.pending[:i])
			s.pending = s.pending[i:]
		}
	case offset < 0:
		if keep := int(-offset); keep < len(s.pending) {
			s.pending = slices.Clone(s.pending[len(s.pending)-keep:])
		}
	}
}

// batchLocked returns up to limit pending updates.
func (s *Server) batchLocked(limit int) []json.RawMessage {
	batch := make([]json.RawMessage, 0, min(limit, len(s.pending)))
	for _, u := range s.pending[:min(limit, len(s.pending))] {
		batch = append(batch, u.raw)
	}
	return batch
}

// enqueueLocked assigns the next update_id to u and queues it.
func (s *Server) enqueueLocked(u wireUpdate) int {
	u.UpdateID = s.nextUpdateID
	s.nextUpdateID++
	raw, err := json.Marshal(u)
	if err != nil {
		panic(fmt.Sprintf("telegramtest: marshalling an update: %v", err))
	}
	s.queueLocked(pendingUpdate{id: u.UpdateID, kind: u.kind(), raw: raw})
	return u.UpdateID
}

// queueLocked queues an update, unless allowed_updates excludes its kind:
// Telegram does not create those.
func (s *Server) queueLocked(u pendingUpdate) {
	if s.allowsLocked(u.kind) {
		s.pending = append(s.pending, u)
	}
	s.notifyUpdatesLocked()
}

// userMessageLocked starts a message from u in a chat, taking the next
// message_id of the chat, and keeps it for copyMessage.
func (s *Server) userMessageLocked(u User, chatID int64) *wireMessage {
	s.rememberLocked(u)
	from := userWire(u)
	c := s.chatLocked(chatID)
	msg := &wireMessage{
		MessageID: c.take(),
		From:      &from,
		Chat:      s.chatWireLocked(chatID),
		Date:      s.now().Unix(),
	}
	c.users[msg.MessageID] = msg
	return msg
}

func (s *Server) rememberLocked(u User) {
	s.users[u.ID] = u
}

func userWire(u User) wireUser {
	return wireUser{ID: u.ID, FirstName: u.FirstName, Username: u.Username, LanguageCode: u.LanguageCode}
}

// chatWireLocked renders a chat: a group the fake knows, or the private
// chat of a user.
func (s *Server) chatWireLocked(id int64) wireChat {
	if g := s.groups[id]; g != nil {
		return g.wire()
	}
	u, ok := s.users[id]
	if !ok || u.FirstName == "" {
		u.FirstName = "User"
	}
	return wireChat{ID: id, Type: "private", FirstName: u.FirstName, Username: u.Username}
}
