package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// This file is the sending half of the Telegram edge: replies and messages
// to other users become Bot API calls, which survive what a real server
// does (flood limits, outages, blocked users).

var errBlocked = errors.New("the user blocked the bot")

// send delivers one reply: a venue, an edit of the pressed message, or a new
// message with its keyboard.
func (t *Telegram) send(ctx context.Context, chatID int64, pressed int, r Reply) error {
	if r.Document != nil {
		return t.sendDocument(ctx, chatID, r)
	}
	if v := r.Venue; v != nil {
		_, err := t.call(ctx, chatID, tgbotapi.NewVenue(chatID, v.Title, v.Address, v.Point.Lat(), v.Point.Lon()))
		return err
	}
	if r.Photo != "" {
		_, err := t.call(ctx, chatID, tgbotapi.NewPhoto(chatID, tgbotapi.FileID(r.Photo)))
		return err
	}
	if c := r.Copy; c != nil {
		cp := tgbotapi.NewCopyMessage(chatID, c.ChatID, int(c.MessageID))
		if len(r.Buttons) > 0 {
			cp.ReplyMarkup = inlineKeyboard(r.Buttons)
		}
		_, err := t.call(ctx, chatID, cp)
		return err
	}
	if r.Edit && pressed != 0 {
		edit := tgbotapi.NewEditMessageText(chatID, pressed, r.Text)
		edit.ParseMode = tgbotapi.ModeHTML
		edit.DisableWebPagePreview = true
		if len(r.Buttons) > 0 {
			kb := inlineKeyboard(r.Buttons)
			edit.ReplyMarkup = &kb
		}
		_, err := t.call(ctx, chatID, edit)
		var apiErr *tgbotapi.Error
		switch {
		case err == nil:
			return nil
		case errors.As(err, &apiErr) && strings.Contains(apiErr.Message, "message is not modified"):
			return nil
		case errors.Is(err, errBlocked):
			return err
		}
		t.log.Info("edit failed, sending anew", "err", err)
	}
	msg := tgbotapi.NewMessage(chatID, r.Text)
	msg.ParseMode = tgbotapi.ModeHTML
	msg.DisableWebPagePreview = true
	switch {
	case len(r.Buttons) > 0:
		msg.ReplyMarkup = inlineKeyboard(r.Buttons)
	case len(r.Keyboard) > 0:
		var rows [][]tgbotapi.KeyboardButton
		for _, row := range r.Keyboard {
			var kr []tgbotapi.KeyboardButton
			for _, k := range row {
				if k.RequestLocation {
					kr = append(kr, tgbotapi.NewKeyboardButtonLocation(k.Label))
				} else {
					kr = append(kr, tgbotapi.NewKeyboardButton(k.Label))
				}
			}
			rows = append(rows, kr)
		}
		kb := tgbotapi.NewReplyKeyboard(rows...)
		kb.ResizeKeyboard = true
		msg.ReplyMarkup = kb
	}
	_, err := t.call(ctx, chatID, msg)
	return err
}

func inlineKeyboard(rows [][]Button) tgbotapi.InlineKeyboardMarkup {
	var out [][]tgbotapi.InlineKeyboardButton
	for _, row := range rows {
		var r []tgbotapi.InlineKeyboardButton
		for _, b := range row {
			r = append(r, tgbotapi.NewInlineKeyboardButtonData(b.Label, b.Data))
		}
		out = append(out, r)
	}
	return tgbotapi.NewInlineKeyboardMarkup(out...)
}

// maxAttempts bounds the retries of one call.
const maxAttempts = 5

// call makes one Bot API request, surviving what a real server does: a 429
// waits retry_after and tries again, a 5xx or a network error backs off and
// tries again, a 403 marks the user as having blocked the bot. userID is 0
// for calls that concern no user.
func (t *Telegram) call(ctx context.Context, userID int64, c tgbotapi.Chattable) (*tgbotapi.APIResponse, error) {
	var err error
	for attempt := 0; attempt < maxAttempts; attempt++ {
		var resp *tgbotapi.APIResponse
		resp, err = t.api.Request(c)
		if err == nil {
			return resp, nil
		}
		var apiErr *tgbotapi.Error
		var wait time.Duration
		switch {
		case errors.As(err, &apiErr) && apiErr.Code == http.StatusTooManyRequests:
			wait = time.Duration(max(apiErr.RetryAfter, 1)) * time.Second
		case errors.As(err, &apiErr) && apiErr.Code == http.StatusForbidden && userID != 0:
			t.log.Info("user blocked the bot", "user", userID)
			if err := t.bot.db.SetBlocked(ctx, userID, true); err != nil {
				t.log.Error("remember blocked user", "user", userID, "err", err)
			}
			return nil, fmt.Errorf("%w: %v", errBlocked, err)
		case errors.As(err, &apiErr) && apiErr.Code >= 500:
			wait = backoff(attempt)
		case errors.As(err, &apiErr):
			return nil, err // 400, 404: retrying will not help
		case isNetError(err):
			wait = backoff(attempt)
		default:
			return nil, err
		}
		t.log.Warn("Bot API call failed, retrying", "err", err, "retry_in", wait, "attempt", attempt+1)
		if err := t.cfg.Sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
	return nil, err
}

func isNetError(err error) bool {
	var ne net.Error
	var se *json.SyntaxError // a proxy's HTML error page instead of JSON
	return errors.As(err, &ne) || errors.As(err, &se) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
}

// Deliver sends a message the bot decided on by itself; someone who blocked
// the bot is skipped (and counts as delivered: there is no one to tell).
func (t *Telegram) Deliver(ctx context.Context, o Outgoing) error {
	u, err := t.bot.db.User(ctx, o.UserID)
	if err != nil {
		return err
	}
	if u.Blocked {
		return nil
	}
	for _, r := range splitLong([]Reply{o.Reply}) {
		r.Edit = false
		if err := t.send(ctx, o.UserID, 0, r); err != nil {
			if errors.Is(err, errBlocked) {
				return nil
			}
			return err
		}
	}
	return nil
}

// deliverAll sends messages for other users, logging what fails.
func (t *Telegram) deliverAll(ctx context.Context, out []Outgoing) {
	for _, o := range out {
		if err := t.Deliver(ctx, o); err != nil {
			t.log.Warn("message not delivered", "user", o.UserID, "err", err)
		}
	}
}

// sendDocument sends a reply's file (the person's data, /imieidati) with
// its text as the caption: one sendDocument with the bytes uploaded.
func (t *Telegram) sendDocument(ctx context.Context, chatID int64, r Reply) error {
	doc := tgbotapi.NewDocument(chatID, tgbotapi.FileBytes{Name: r.Document.Name, Bytes: r.Document.Bytes})
	doc.Caption = r.Text
	doc.ParseMode = tgbotapi.ModeHTML
	if len(r.Buttons) > 0 {
		doc.ReplyMarkup = inlineKeyboard(r.Buttons)
	}
	_, err := t.call(ctx, chatID, doc)
	return err
}
