package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/comune-seregno/coworkbot/locales"
)

// This file is the sending half of the Telegram edge: replies, messages to
// other people and broadcasts become Bot API calls, paced by one pacer
// (telegram_limit.go) and retried as each kind of call allows, so that
// they survive what a real server does: flood waits, outages, slow answers,
// dropped connections, blocked users.
//
// What happens when a call's outcome is unknown (it timed out after the
// request went out, or the connection dropped before the answer came):
//
//   - a new message (sendMessage, sendVenue, sendLocation, copyMessage) is
//     sent again: at least once, so a person may see it twice but never
//     miss it. The timeout of one call (SendTimeout, 60 s by default) is far
//     longer than Telegram takes even when slow, so that this happens only
//     when the network truly failed;
//   - an edit (editMessageText), a button's answer (answerCallbackQuery), an
//     inline answer and the bot's set-up (commands, descriptions, webhook)
//     are repeated freely: doing them twice leaves what doing them once
//     does (a repeated edit is "message is not modified");
//   - a chat action (sendChatAction, "typing…") is sent at most once: it
//     is never retried.
//
// A call is retried while its patience lasts: ReplyPatience (10 minutes by
// default) for replies and messages to others, BroadcastPatience for a
// broadcast's message, about a minute for a button's answer, which
// Telegram refuses once the press is old.

// The kinds of failure a caller may act on; each wraps the Bot API's own
// error.
var (
	// ErrBlocked is a chat the bot cannot write to: the person blocked the
	// bot or deactivated their account, or the bot was removed from the
	// group. They are marked as having blocked the bot (registry's
	// SetBlocked) and get nothing until they write again.
	ErrBlocked = errors.New("telegram: the bot may not write to this chat")
	// ErrChatNotFound is a chat Telegram does not know: an id that never
	// started the bot.
	ErrChatNotFound = errors.New("telegram: chat not found")
	// ErrRefused is a message Telegram refused as it is (a 400: bad HTML,
	// too long, a bad button): sending it again will not help.
	ErrRefused = errors.New("telegram: message refused")
	// ErrRetryLater is a message that could not be sent for now: the Bot
	// API or the network kept failing for longer than the call's patience.
	// It may have been delivered after all if the last attempt's outcome is
	// unknown.
	ErrRetryLater = errors.New("telegram: not sent for now, retry later")
)

// callKind is how a Bot API call is paced and retried.
type callKind uint8

const (
	callMessage callKind = iota // a new message: paced; at least once
	callEdit                    // an edit of a message: paced; repeated freely
	callAnswer                  // an answer to a button or an inline query: repeated freely, while young
	callAction                  // a chat action: at most once
	callSetup                   // the bot's set-up (getMe, commands, descriptions, webhook): repeated freely
)

// paced reports whether a kind of call counts towards a chat's pace: new
// messages and edits do ("editing of the message in question is still
// subject to per chat limits", the Bot API's developer in
// tdlib/telegram-bot-api#648); a button's answer does not.
func (k callKind) paced() bool { return k == callMessage || k == callEdit }

// answerPatience is how long a button's or an inline query's answer is
// retried: Telegram refuses it once the query is old.
const answerPatience = time.Minute

// outCall says how one call goes: its kind, its lane and chat for the
// pacer, the person whose 403 marks them as having blocked the bot, and
// when to give up.
type outCall struct {
	kind  callKind
	lane  lane
	chat  int64
	user  int64
	until time.Time

	lang           string // the person's language, for the keyboard's placeholder
	removeKeyboard bool   // the message takes the location keyboard away
	parks          bool   // a flood wait returns errFloodWait instead of waiting: the caller parks
}

// errFloodWait is a paced call refused with a 429 when its caller parks
// its update instead of waiting (outCall.parks): nothing was sent, and the
// chat is paused for the retry_after.
var errFloodWait = errors.New("telegram: flood wait, parked")

// reply is the outCall of a message in a conversation with chat, on behalf
// of user.
func (t *Telegram) reply(kind callKind, chat, user int64) outCall {
	patience := t.cfg.ReplyPatience
	if kind == callAnswer {
		patience = answerPatience
	}
	return outCall{kind: kind, lane: laneReply, chat: chat, user: user, until: t.cfg.Now().Add(patience)}
}

// setup is the outCall of a set-up call.
func (t *Telegram) setup() outCall {
	return outCall{kind: callSetup, until: t.cfg.Now().Add(t.cfg.ReplyPatience)}
}

// send delivers one reply: a venue, an edit of the pressed message, or a new
// message with its keyboard. It returns the id of the message sent or
// edited.
func (t *Telegram) send(ctx context.Context, oc outCall, pressed int, r Reply) (int, error) {
	chatID := oc.chat
	if r.Document != nil {
		oc.kind = callMessage
		return t.sendDocument(ctx, oc, r)
	}
	if v := r.Venue; v != nil {
		oc.kind = callMessage
		var m sentMessage
		err := t.call(ctx, oc, "sendVenue", sendVenueBody{ChatID: chatID, Latitude: v.Point.Lat(), Longitude: v.Point.Lon(),
			Title: v.Title, Address: v.Address}, &m)
		return m.MessageID, err
	}
	if r.Photo != "" { // a photo Telegram keeps, by its file id
		oc.kind = callMessage
		var m sentMessage
		err := t.call(ctx, oc, "sendPhoto", sendPhotoBody{ChatID: chatID, Photo: r.Photo}, &m)
		return m.MessageID, err
	}
	if c := r.Copy; c != nil {
		oc.kind = callMessage
		body := copyMessageBody{ChatID: chatID, FromChatID: c.ChatID, MessageID: int(c.MessageID)}
		if len(r.Buttons) > 0 {
			body.ReplyMarkup = inlineKeyboard(r.Buttons)
		}
		var m sentMessage
		err := t.call(ctx, oc, "copyMessage", body, &m)
		return m.MessageID, err
	}
	if r.Edit && pressed != 0 {
		body := editMessageTextBody{ChatID: chatID, MessageID: pressed, Text: r.Text, ParseMode: "HTML", LinkPreview: &linkPreview{IsDisabled: true}}
		if len(r.Buttons) > 0 {
			body.ReplyMarkup = inlineKeyboard(r.Buttons)
		}
		eo := oc
		eo.kind = callEdit
		err := t.call(ctx, eo, "editMessageText", body, nil)
		var apiErr *tgbotapi.Error
		switch {
		case err == nil:
			return pressed, nil
		case errors.As(err, &apiErr) && strings.Contains(apiErr.Message, "message is not modified"):
			return pressed, nil
		case errors.Is(err, ErrBlocked), errors.Is(err, errFloodWait), ctx.Err() != nil:
			return 0, err
		}
		t.log.Info("edit failed, sending anew", "err", err)
	}
	body := sendMessageBody{ChatID: chatID, Text: r.Text, ParseMode: "HTML", LinkPreview: &linkPreview{IsDisabled: true}}
	switch {
	case len(r.Buttons) > 0:
		body.ReplyMarkup = inlineKeyboard(r.Buttons)
	case len(r.Keyboard) > 0:
		// One-time: it goes once a button is pressed (the location shared).
		kb := &replyKeyboard{ResizeKeyboard: true, OneTimeKeyboard: true,
			InputFieldPlaceholder: stripHTML(t.bot.localizer(orDefault(oc.lang, locales.Default)).T("keyboard.placeholder"))}
		for _, row := range r.Keyboard {
			var kr []keyButton
			for _, k := range row {
				kr = append(kr, keyButton{Text: k.Label, RequestLocation: k.RequestLocation})
			}
			kb.Keyboard = append(kb.Keyboard, kr)
		}
		body.ReplyMarkup = kb
	case oc.removeKeyboard:
		body.ReplyMarkup = removeKeyboard{RemoveKeyboard: true}
	}
	oc.kind = callMessage
	var m sentMessage
	err := t.call(ctx, oc, "sendMessage", body, &m)
	return m.MessageID, err
}

func inlineKeyboard(rows [][]Button) *inlineMarkup {
	kb := &inlineMarkup{InlineKeyboard: make([][]inlineButton, 0, len(rows))}
	for _, row := range rows {
		r := make([]inlineButton, 0, len(row))
		for _, b := range row {
			r = append(r, inlineButton{Text: b.Label, CallbackData: b.Data, URL: b.URL})
		}
		kb.InlineKeyboard = append(kb.InlineKeyboard, r)
	}
	return kb
}

// call makes one Bot API call (method with body, its result read into
// result) as its kind allows: a new message waits for its turn (the
// pacer); a 429 waits retry_after (and pauses the chat and the broadcast
// lane), a 5xx or a network error backs off and tries again, until the
// call's patience runs out; a 403 marks the person as having blocked the
// bot.
func (t *Telegram) call(ctx context.Context, oc outCall, method string, body, result any) error {
	for attempt := 0; ; attempt++ {
		if oc.kind.paced() {
			if err := t.pace.wait(ctx, oc.chat, oc.lane); err != nil {
				return err
			}
		}
		pctx := ctx
		if oc.lane == laneBroadcast {
			// A broadcast's message on its way is let arrive and is
			// reported sent: cut by a stop, it would be sent again after
			// the restart. The send timeout still bounds it.
			pctx = context.WithoutCancel(ctx)
		}
		err := t.post(pctx, method, body, result)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if oc.kind == callAction {
			return err // at most once
		}
		var apiErr *tgbotapi.Error
		var wait time.Duration
		switch {
		case errors.As(err, &apiErr) && apiErr.Code == http.StatusTooManyRequests:
			wait = time.Duration(max(apiErr.RetryAfter, 1)) * time.Second
			if oc.kind.paced() {
				t.pace.pause(oc.chat, wait)
			}
		case errors.As(err, &apiErr) && apiErr.Code == http.StatusForbidden:
			if oc.user != 0 {
				t.log.Info("the user blocked the bot", "user", oc.user)
				if err := t.bot.db.SetBlocked(context.WithoutCancel(ctx), oc.user, true); err != nil {
					t.log.Error("remember blocked user", "user", oc.user, "err", err)
				}
			}
			return fmt.Errorf("%w: %w", ErrBlocked, err)
		case errors.As(err, &apiErr) && apiErr.Code == http.StatusBadRequest && strings.Contains(strings.ToLower(apiErr.Message), "chat not found"):
			return fmt.Errorf("%w: %w", ErrChatNotFound, err)
		case errors.As(err, &apiErr) && apiErr.Code >= 500:
			wait = backoff(attempt)
		case errors.As(err, &apiErr):
			return fmt.Errorf("%w: %w", ErrRefused, err) // 400, 404: retrying will not help
		case notSent(err):
			wait = backoff(attempt)
		case isNetError(err):
			// The request may have been performed: a new message is sent
			// again (at least once), anything else is harmless to repeat.
			wait = backoff(attempt)
		default:
			return err
		}
		if now := t.cfg.Now(); now.Add(wait).After(oc.until) {
			if !now.Before(oc.until) {
				return fmt.Errorf("%w: %w", ErrRetryLater, err)
			}
			wait = oc.until.Sub(now) // a last attempt when the patience ends
		}
		if oc.kind.paced() && apiErr != nil && apiErr.Code == http.StatusTooManyRequests {
			t.log.Warn("flood wait", "chat", oc.chat, "retry_after", wait)
			if oc.parks {
				return fmt.Errorf("%w: %w", errFloodWait, err)
			}
			continue // the pacer waits
		}
		t.log.Warn("Bot API call failed, retrying", "method", method, "err", err, "retry_in", wait, "attempt", attempt+1)
		if err := t.cfg.Sleep(ctx, wait); err != nil {
			return err
		}
	}
}

// notSent reports a failure that happened before the request could reach
// the server (it could not connect): repeating it repeats nothing.
func notSent(err error) bool {
	var op *net.OpError
	return errors.Is(err, syscall.ECONNREFUSED) || (errors.As(err, &op) && op.Op == "dial")
}

func isNetError(err error) bool {
	var ne net.Error
	var se *json.SyntaxError // a proxy's HTML error page instead of JSON
	return errors.As(err, &ne) || errors.As(err, &se) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, context.DeadlineExceeded)
}

// Deliver sends a message the bot decided on by itself, or one for someone
// other than the person who asked; someone who blocked the bot is skipped
// (and counts as delivered: there is no one to tell).
func (t *Telegram) Deliver(ctx context.Context, o Outgoing) error {
	u, err := t.bot.db.User(ctx, o.UserID)
	if err != nil {
		return err
	}
	if u.Blocked {
		return nil
	}
	oc := t.reply(callMessage, o.UserID, o.UserID)
	for _, r := range splitLong([]Reply{o.Reply}) {
		r.Edit = false
		if _, err := t.send(ctx, oc, 0, r); err != nil {
			if errors.Is(err, ErrBlocked) {
				return nil
			}
			return err
		}
	}
	return nil
}

// BroadcastMessage is one message of a broadcast: a Reply the bot writes,
// or, when Reply is nil, a copy of the message MessageID of chat FromChat
// (a staff member's announcement as they wrote it, its formatting, photo
// or document kept), sent with copyMessage.
type BroadcastMessage struct {
	Reply     *Reply
	FromChat  int64
	MessageID int
}

// Broadcast sends one message of a broadcast to a chat and returns the id
// of the message sent (of the first, when a long Reply takes several). It
// goes at the broadcast rate (BroadcastRate), never sooner than a second
// after the chat's previous message, after the conversations' own
// replies, and after any flood wait Telegram asked for; a 5xx or a network
// failure is retried for BroadcastPatience. The errors a drainer acts on
// are ErrBlocked (the person is marked: skip them), ErrChatNotFound,
// ErrRefused (the message itself cannot be sent) and ErrRetryLater (try
// this recipient again later); the context's error when ctx ends first. A
// message whose last attempt's outcome is unknown is sent again: at least
// once.
func (t *Telegram) Broadcast(ctx context.Context, chatID int64, m BroadcastMessage) (int, error) {
	oc := outCall{kind: callMessage, lane: laneBroadcast, chat: chatID, user: chatID, until: t.cfg.Now().Add(t.cfg.BroadcastPatience)}
	if chatID < 0 {
		oc.user = 0
	}
	if m.Reply == nil {
		var sent sentMessage
		err := t.call(ctx, oc, "copyMessage", copyMessageBody{ChatID: chatID, FromChatID: m.FromChat, MessageID: m.MessageID}, &sent)
		return sent.MessageID, err
	}
	first := 0
	for _, r := range splitLong([]Reply{*m.Reply}) {
		r.Edit = false
		id, err := t.send(ctx, oc, 0, r)
		if err != nil {
			return first, err
		}
		if first == 0 {
			first = id
		}
	}
	return first, nil
}

// sendDocument sends a reply's file (the person's data, /imieidati) with
// its text as the caption: one sendDocument, the bytes uploaded as
// multipart/form-data.
func (t *Telegram) sendDocument(ctx context.Context, oc outCall, r Reply) (int, error) {
	up := &upload{Fields: map[string]string{"chat_id": strconv.FormatInt(oc.chat, 10), "caption": r.Text, "parse_mode": "HTML"},
		Field: "document", Name: r.Document.Name, Type: r.Document.MIME, Bytes: r.Document.Bytes}
	if len(r.Buttons) > 0 {
		kb, err := json.Marshal(inlineKeyboard(r.Buttons))
		if err != nil {
			return 0, err
		}
		up.Fields["reply_markup"] = string(kb)
	}
	var m sentMessage
	err := t.call(ctx, oc, "sendDocument", up, &m)
	return m.MessageID, err
}

// hasLocationButton reports a reply that brings up the location keyboard.
func hasLocationButton(r Reply) bool {
	for _, row := range r.Keyboard {
		for _, k := range row {
			if k.RequestLocation {
				return true
			}
		}
	}
	return false
}

// keyboards remembers the private chats where the location keyboard may be
// up, so that it goes once the person shares a location or types instead.
// It is lost on a restart: at worst the keyboard stays until the person
// hides it.
type keyboards struct {
	mu sync.Mutex
	up map[int64]bool
}

func (t *Telegram) keyboardUp(chat int64) bool {
	t.kbs.mu.Lock()
	defer t.kbs.mu.Unlock()
	return t.kbs.up[chat]
}

func (t *Telegram) setKeyboardUp(chat int64, up bool) {
	t.kbs.mu.Lock()
	defer t.kbs.mu.Unlock()
	if t.kbs.up == nil {
		t.kbs.up = map[int64]bool{}
	}
	if up {
		t.kbs.up[chat] = true
	} else {
		delete(t.kbs.up, chat)
	}
}

// typingAfter is how long an answer may take before the person is shown
// that the bot is typing: a reply that comes sooner needs no sign.
const typingAfter = 700 * time.Millisecond

// typing sends a chat action when the first reply has not gone out
// typingAfter after the update came in: when the list's index is rebuilt
// after a change, the registry is slow, or Telegram is.
type typing struct {
	mu    sync.Mutex
	done  bool
	timer *time.Timer
}

func (t *Telegram) typingLater(ctx context.Context, chat int64) *typing {
	ty := &typing{}
	ty.timer = time.AfterFunc(typingAfter, func() {
		ty.mu.Lock()
		defer ty.mu.Unlock()
		if ty.done || ctx.Err() != nil {
			return
		}
		oc := t.reply(callAction, chat, 0)
		if err := t.call(ctx, oc, "sendChatAction", chatActionBody{ChatID: chat, Action: "typing"}, nil); err != nil {
			t.log.Info("sendChatAction", "err", err)
		}
	})
	return ty
}

// stop cancels the sign: the answer is going out. It waits for a sign
// being sent, so that none comes after the answer.
func (ty *typing) stop() {
	ty.timer.Stop()
	ty.mu.Lock()
	ty.done = true
	ty.mu.Unlock()
}
