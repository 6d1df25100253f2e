package telegramtest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf16"
)

// pendingUpdate is an update waiting to be confirmed by a getUpdates offset.
type pendingUpdate struct {
	id   int
	kind string // message, callback_query, …: the update's one optional field
	raw  json.RawMessage
}

// SendText enqueues an update with a message from u in its private chat
// with the bot. Text starting with a slash gets a bot_command entity for its
// first word, as Telegram adds. It returns the update_id.
func (s *Server) SendText(u User, text string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	msg := s.userMessageLocked(u)
	msg.Text = text
	cmd := text
	if i := strings.IndexFunc(text, unicode.IsSpace); i >= 0 {
		cmd = text[:i]
	}
	if len(cmd) > 1 && cmd[0] == '/' {
		msg.Entities = []wireEntity{{Type: "bot_command", Offset: 0, Length: utf16Len(cmd)}}
	}
	return s.enqueueLocked(wireUpdate{Message: msg})
}

// SendLocation enqueues an update with a location shared by u in its
// private chat with the bot. It returns the update_id.
func (s *Server) SendLocation(u User, lat, lon float64) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	msg := s.userMessageLocked(u)
	msg.Location = &wireLocation{Latitude: lat, Longitude: lon}
	return s.enqueueLocked(wireUpdate{Message: msg})
}

// Press enqueues a callback query from u pressing a button with data under
// the bot message messageID in u's chat. The message travels with the query
// as the chat shows it now; an unknown messageID gets a bare message, as for
// a message too old to be shown. It returns the callback query ID, which the
// bot must answer.
func (s *Server) Press(u User, messageID int, data string) (queryID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pressLocked(u, messageID, data)
}

// PressLabel presses the inline button whose label contains label in the
// latest bot message of u's chat that has an inline keyboard. A label equal
// to a button's text wins over labels that only contain it. It fails when no
// button or more than one button matches, or when the button carries no
// callback data.
func (s *Server) PressLabel(u User, label string) (queryID string, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chats[u.ID]
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
		return "", fmt.Errorf("telegramtest: no bot message with an inline keyboard in chat %d", u.ID)
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
		return "", fmt.Errorf("telegramtest: no button %q in message %d of chat %d; buttons: %s", label, msg.ID, u.ID, strings.Join(labels, ", "))
	case len(found) > 1:
		return "", fmt.Errorf("telegramtest: %d buttons match %q in message %d of chat %d; buttons: %s", len(found), label, msg.ID, u.ID, strings.Join(labels, ", "))
	case found[0].CallbackData == "":
		return "", fmt.Errorf("telegramtest: button %q in message %d of chat %d has no callback data", found[0].Text, msg.ID, u.ID)
	}
	return s.pressLocked(u, msg.ID, found[0].CallbackData), nil
}

func (s *Server) pressLocked(u User, messageID int, data string) string {
	s.rememberLocked(u)
	s.nextQuery++
	id := strconv.FormatInt(4_000_000_000_000_000_000+s.nextQuery, 10)
	s.queries[id] = &callbackQuery{}
	s.pressed = append(s.pressed, id)

	msg := &wireMessage{MessageID: messageID, Chat: s.chatWireLocked(u.ID)}
	if c := s.chats[u.ID]; c != nil {
		if m := c.find(messageID); m != nil {
			msg = s.wireLocked(m)
		}
	}
	s.enqueueLocked(wireUpdate{CallbackQuery: &wireCallbackQuery{
		ID:           id,
		From:         userWire(u),
		Message:      msg,
		ChatInstance: strconv.FormatInt(u.ID, 10),
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
	s.pending = append(s.pending, pendingUpdate{id: id, kind: kind, raw: out})
	s.notifyLocked()
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
func (s *Server) getUpdates(ctx context.Context, p url.Values) (any, *apiError) {
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
		s.allowed = allowed
	}
	s.pollGen++
	gen := s.pollGen
	s.confirmLocked(offset)
	s.notifyLocked()

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
		changed := s.changed
		s.mu.Unlock()

		select {
		case <-changed:
			s.mu.Lock()
			continue
		case <-timer.C:
		case <-ctx.Done():
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

// confirmLocked forgets the updates that offset confirms. A negative offset
// keeps only the last -offset updates.
func (s *Server) confirmLocked(offset int64) {
	switch {
	case offset > 0:
		s.pending = slices.DeleteFunc(s.pending, func(u pendingUpdate) bool { return int64(u.id) < offset })
	case offset < 0:
		if keep := int(-offset); keep < len(s.pending) {
			s.pending = slices.Clone(s.pending[len(s.pending)-keep:])
		}
	}
}

// batchLocked returns up to limit pending updates, dropping those of kinds
// that allowed_updates excludes, as Telegram never delivers them.
func (s *Server) batchLocked(limit int) []json.RawMessage {
	if len(s.allowed) > 0 {
		s.pending = slices.DeleteFunc(s.pending, func(u pendingUpdate) bool {
			return !slices.Contains(s.allowed, u.kind)
		})
	}
	batch := []json.RawMessage{}
	for _, u := range s.pending {
		if len(batch) == limit {
			break
		}
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
	kind := "message"
	if u.CallbackQuery != nil {
		kind = "callback_query"
	}
	s.pending = append(s.pending, pendingUpdate{id: u.UpdateID, kind: kind, raw: raw})
	s.notifyLocked()
	return u.UpdateID
}

// userMessageLocked starts a message from u in its private chat, taking the
// next message_id of the chat.
func (s *Server) userMessageLocked(u User) *wireMessage {
	s.rememberLocked(u)
	from := userWire(u)
	return &wireMessage{
		MessageID: s.chatLocked(u.ID).take(),
		From:      &from,
		Chat:      s.chatWireLocked(u.ID),
		Date:      s.Now().Unix(),
	}
}

func (s *Server) rememberLocked(u User) {
	s.users[u.ID] = u
}

func userWire(u User) wireUser {
	return wireUser{ID: u.ID, FirstName: u.FirstName, Username: u.Username, LanguageCode: u.LanguageCode}
}

func (s *Server) chatWireLocked(id int64) wireChat {
	u, ok := s.users[id]
	if !ok || u.FirstName == "" {
		u.FirstName = "User"
	}
	return wireChat{ID: id, Type: "private", FirstName: u.FirstName, Username: u.Username}
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}
