package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"slices"
	"strconv"
	"sync"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// This file is the edge's own Bot API client for the calls it makes on
// every update: each is a POST with a JSON body, and its answer is read
// into the few fields the edge needs. go-telegram-bot-api encodes every
// parameter into a form and decodes every answer into a whole Message:
// under load that was a fifth of the edge's work. The library still reads
// the updates (its types) and makes the first getMe.

// apiAnswer is the envelope of every Bot API answer. Result holds a pointer
// to what the caller wants of the result.
type apiAnswer struct {
	OK          bool   `json:"ok"`
	Result      any    `json:"result"`
	ErrorCode   int    `json:"error_code"`
	Description string `json:"description"`
	Parameters  *struct {
		RetryAfter      int   `json:"retry_after"`
		MigrateToChatID int64 `json:"migrate_to_chat_id"`
	} `json:"parameters"`
}

// discard takes a result the caller does not need.
type discard struct{}

func (*discard) UnmarshalJSON([]byte) error { return nil }

// sentMessage is what the edge reads of a message it sent.
type sentMessage struct {
	MessageID int `json:"message_id"`
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// post makes one attempt at a call: method with body (encoded as JSON), its
// result read into result (nil for none), within SendTimeout. A refusal is
// a *tgbotapi.Error, as the library reports it.
func (t *Telegram) post(ctx context.Context, method string, body, result any) error {
	actx, cancel := context.WithTimeout(ctx, t.cfg.SendTimeout)
	defer cancel()
	return t.postWith(actx, t.http, method, body, result)
}

// postWith is post on a given client and context (long polling has its
// own).
func (t *Telegram) postWith(ctx context.Context, client *http.Client, method string, body, result any) error {
	in := bufPool.Get().(*bytes.Buffer)
	defer bufPool.Put(in)
	in.Reset()
	contentType := "application/json"
	if up, ok := body.(*upload); ok {
		var err error
		if contentType, err = up.write(in); err != nil {
			return fmt.Errorf("%s: %w", method, err)
		}
	} else if err := json.NewEncoder(in).Encode(body); err != nil {
		return fmt.Errorf("%s: %w", method, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.base+method, bytes.NewReader(in.Bytes()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", contentType)
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	out := bufPool.Get().(*bytes.Buffer)
	defer bufPool.Put(out)
	out.Reset()
	if _, err := io.Copy(out, resp.Body); err != nil {
		return err
	}
	if result == nil {
		result = &discard{}
	}
	a := apiAnswer{Result: result}
	if err := json.Unmarshal(out.Bytes(), &a); err != nil {
		return fmt.Errorf("%s: %s: %w", method, resp.Status, err)
	}
	if !a.OK {
		e := &tgbotapi.Error{Code: a.ErrorCode, Message: a.Description}
		if a.Parameters != nil {
			e.RetryAfter, e.MigrateToChatID = a.Parameters.RetryAfter, a.Parameters.MigrateToChatID
		}
		return e
	}
	return nil
}

// The bodies of the calls the edge makes.
type (
	linkPreview struct {
		IsDisabled bool `json:"is_disabled"`
	}
	inlineButton struct {
		Text         string `json:"text"`
		CallbackData string `json:"callback_data,omitempty"`
		URL          string `json:"url,omitempty"`
	}
	inlineMarkup struct {
		InlineKeyboard [][]inlineButton `json:"inline_keyboard"`
	}
	keyButton struct {
		Text            string `json:"text"`
		RequestLocation bool   `json:"request_location,omitempty"`
	}
	replyKeyboard struct {
		Keyboard              [][]keyButton `json:"keyboard"`
		ResizeKeyboard        bool          `json:"resize_keyboard,omitempty"`
		OneTimeKeyboard       bool          `json:"one_time_keyboard,omitempty"`
		InputFieldPlaceholder string        `json:"input_field_placeholder,omitempty"`
	}
	removeKeyboard struct {
		RemoveKeyboard bool `json:"remove_keyboard"`
	}
	sendMessageBody struct {
		ChatID      int64        `json:"chat_id"`
		Text        string       `json:"text"`
		ParseMode   string       `json:"parse_mode,omitempty"`
		LinkPreview *linkPreview `json:"link_preview_options,omitempty"`
		ReplyMarkup any          `json:"reply_markup,omitempty"`
	}
	editMessageTextBody struct {
		ChatID      int64         `json:"chat_id"`
		MessageID   int           `json:"message_id"`
		Text        string        `json:"text"`
		ParseMode   string        `json:"parse_mode,omitempty"`
		LinkPreview *linkPreview  `json:"link_preview_options,omitempty"`
		ReplyMarkup *inlineMarkup `json:"reply_markup,omitempty"`
	}
	sendVenueBody struct {
		ChatID    int64   `json:"chat_id"`
		Latitude  float64 `json:"latitude"`
		Longitude float64 `json:"longitude"`
		Title     string  `json:"title"`
		Address   string  `json:"address"`
	}
	copyMessageBody struct {
		ChatID      int64         `json:"chat_id"`
		FromChatID  int64         `json:"from_chat_id"`
		MessageID   int           `json:"message_id"`
		ReplyMarkup *inlineMarkup `json:"reply_markup,omitempty"`
	}
	sendPhotoBody struct {
		ChatID int64  `json:"chat_id"`
		Photo  string `json:"photo"`
	}
	answerCallbackBody struct {
		CallbackQueryID string `json:"callback_query_id"`
		Text            string `json:"text,omitempty"`
	}
	chatActionBody struct {
		ChatID int64  `json:"chat_id"`
		Action string `json:"action"`
	}
	botCommand struct {
		Command     string `json:"command"`
		Description string `json:"description"`
	}
	commandScope struct {
		Type   string `json:"type"`
		ChatID int64  `json:"chat_id,omitempty"`
	}
	setMyCommandsBody struct {
		Commands     []botCommand  `json:"commands"`
		Scope        *commandScope `json:"scope,omitempty"`
		LanguageCode string        `json:"language_code,omitempty"`
	}
	setWebhookBody struct {
		URL            string          `json:"url"`
		SecretToken    string          `json:"secret_token,omitempty"`
		AllowedUpdates json.RawMessage `json:"allowed_updates"`
	}
	getUpdatesBody struct {
		Offset         int             `json:"offset,omitempty"`
		Limit          int             `json:"limit,omitempty"`
		Timeout        int             `json:"timeout,omitempty"`
		AllowedUpdates json.RawMessage `json:"allowed_updates"`
	}
)

// updateBatch reads the result of getUpdates: it splits the array in place
// and decodes only the updates not known already, so that the updates
// Telegram gives again while they are under way cost next to nothing.
type updateBatch struct {
	t      *Telegram
	offset int
	known  func(int) bool
	out    []polledUpdate
}

func (b *updateBatch) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	if len(data) < 2 || data[0] != '[' || data[len(data)-1] != ']' {
		return fmt.Errorf("getUpdates: the result is no array")
	}
	rest := data[1 : len(data)-1]
	for {
		rest = bytes.TrimLeft(rest, " \t\r\n,")
		if len(rest) == 0 {
			return nil
		}
		n, err := jsonValueLen(rest)
		if err != nil {
			return fmt.Errorf("getUpdates: %w", err)
		}
		raw := rest[:n]
		rest = rest[n:]
		id, ok := quickUpdateID(raw)
		if !ok {
			var v struct {
				UpdateID int `json:"update_id"`
			}
			if json.Unmarshal(raw, &v) != nil || v.UpdateID == 0 {
				return fmt.Errorf("getUpdates: an update without an id: %s", raw)
			}
			id = v.UpdateID
		}
		if id < b.offset || b.known(id) {
			continue
		}
		u, _ := b.t.decode(bytes.Clone(raw))
		u.id = id
		b.out = append(b.out, u)
	}
}

// quickUpdateID reads the id of an update that starts with it, as
// Telegram writes them: {"update_id":123,…}.
func quickUpdateID(raw []byte) (int, bool) {
	const prefix = `{"update_id":`
	if !bytes.HasPrefix(raw, []byte(prefix)) {
		return 0, false
	}
	digits := raw[len(prefix):]
	end := 0
	for end < len(digits) && digits[end] >= '0' && digits[end] <= '9' {
		end++
	}
	if end == 0 || end >= len(digits) || (digits[end] != ',' && digits[end] != '}') {
		return 0, false
	}
	id, err := strconv.Atoi(string(digits[:end]))
	return id, err == nil
}

// jsonValueLen returns the length of the JSON object or array that data
// starts with (strings inside it skipped with their escapes).
func jsonValueLen(data []byte) (int, error) {
	if len(data) == 0 || (data[0] != '{' && data[0] != '[') {
		return 0, fmt.Errorf("want an object")
	}
	depth, inString := 0, false
	for i := 0; i < len(data); i++ {
		c := data[i]
		if inString {
			switch c {
			case '\\':
				i++
			case '"':
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				return i + 1, nil
			}
		}
	}
	return 0, fmt.Errorf("unterminated object")
}

// upload is the body of a call that sends a file: its fields and the file,
// as multipart/form-data.
type upload struct {
	Fields            map[string]string
	Field, Name, Type string
	Bytes             []byte
}

// write writes the form into w and returns its content type.
func (u *upload) write(w io.Writer) (string, error) {
	mw := multipart.NewWriter(w)
	for _, k := range slices.Sorted(maps.Keys(u.Fields)) {
		if err := mw.WriteField(k, u.Fields[k]); err != nil {
			return "", err
		}
	}
	h := make(textproto.MIMEHeader)
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q; filename=%q`, u.Field, u.Name))
	h.Set("Content-Type", orDefault(u.Type, "application/octet-stream"))
	part, err := mw.CreatePart(h)
	if err != nil {
		return "", err
	}
	if _, err := part.Write(u.Bytes); err != nil {
		return "", err
	}
	return mw.FormDataContentType(), mw.Close()
}
