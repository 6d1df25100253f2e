package bot

import (
	"context"
	"slices"
	"strings"

	"github.com/comune-seregno/coworkbot/locales"
)

// This file answers what comes from outside a person's private chat with
// the bot: inline queries, commands in groups, and the changes of the
// bot's membership of a chat (my_chat_member).

// runOther answers an update that is not of a private chat; it reports
// false when ctx ended first.
func (t *Telegram) runOther(ctx context.Context, r received) bool {
	switch r.kind {
	case kindInline:
		t.answerInline(ctx, r)
	case kindGroup:
		t.answerGroup(ctx, r)
	case kindMember:
		t.memberChanged(ctx, r)
	}
	return ctx.Err() == nil
}

// The bodies of answerInlineQuery.
type (
	inputText struct {
		MessageText string       `json:"message_text"`
		ParseMode   string       `json:"parse_mode"`
		LinkPreview *linkPreview `json:"link_preview_options,omitempty"`
	}
	inlineArticle struct {
		Type        string        `json:"type"`
		ID          string        `json:"id"`
		Title       string        `json:"title"`
		Description string        `json:"description,omitempty"`
		Content     inputText     `json:"input_message_content"`
		ReplyMarkup *inlineMarkup `json:"reply_markup,omitempty"`
	}
	answerInlineBody struct {
		InlineQueryID string          `json:"inline_query_id"`
		Results       []inlineArticle `json:"results"`
		CacheTime     int             `json:"cache_time"`
	}
)

// inlineCacheTime is how long Telegram may keep an inline answer, in
// seconds: the list changes seldom, and the answers are the same for
// everyone.
const inlineCacheTime = 300

// answerInline offers the spaces an inline query asks for, each an article
// whose message is the space's card with a button that opens it in the
// private chat.
func (t *Telegram) answerInline(ctx context.Context, r received) {
	hits, err := t.bot.FindSpaces(ctx, r.in.ClientLang, r.in.Text)
	if err != nil {
		t.log.Error("inline query", "query", r.in.Text, "err", err)
	}
	body := answerInlineBody{InlineQueryID: r.inlineID, Results: []inlineArticle{}, CacheTime: inlineCacheTime}
	for _, h := range hits {
		a := inlineArticle{Type: "article", ID: h.ID, Title: h.Name, Description: strings.TrimSpace(h.Comune + " · " + h.Services),
			Content: inputText{MessageText: h.Card, ParseMode: "HTML", LinkPreview: &linkPreview{IsDisabled: true}}}
		if h.Link != "" {
			a.ReplyMarkup = &inlineMarkup{InlineKeyboard: [][]inlineButton{{{Text: h.Open, URL: h.Link}}}}
		}
		body.Results = append(body.Results, a)
	}
	if err := t.call(ctx, t.reply(callAnswer, 0, 0), "answerInlineQuery", body, nil); err != nil {
		t.log.Warn("answerInlineQuery", "err", err)
	}
}

// answerGroup answers a command in a group if it is addressed to the bot:
// "/cerca@bot fibra", or a group's command without a name ("/cerca fibra",
// which Telegram shows to the bots of the group alike).
func (t *Telegram) answerGroup(ctx context.Context, r received) {
	me := t.api.Self.UserName
	if r.to != "" && !strings.EqualFold(r.to, me) {
		return // another bot's
	}
	if r.to == "" && !isGroupCommand(r.command) {
		return
	}
	reply, ok := t.bot.Group(ctx, r.in.ClientLang, r.command, r.args)
	if !ok {
		return
	}
	t.sendGroup(ctx, r.chatID, reply)
}

// isGroupCommand reports a command a group may use without naming the bot.
func isGroupCommand(name string) bool {
	for _, c := range commands {
		if (c.it == name || c.en == name) && slices.Contains(groupCommands, c.en) {
			return true
		}
	}
	return false
}

// sendGroup posts a reply in a group.
func (t *Telegram) sendGroup(ctx context.Context, chatID int64, reply Reply) {
	resp := Response{Replies: []Reply{reply}}
	t.bot.checkKeyboards(&resp)
	for _, r := range splitLong(resp.Replies) {
		if _, err := t.send(ctx, t.reply(callMessage, chatID, 0), 0, r); err != nil {
			t.log.Warn("group message not delivered", "chat", chatID, "err", err)
			return
		}
	}
}

// memberChanged follows the bot's membership of a chat: a person who
// blocks the bot, or restarts it, is marked; added to a group, the bot says
// in one message what it can do there.
func (t *Telegram) memberChanged(ctx context.Context, r received) {
	in := func(s string) bool { return s == "member" || s == "administrator" || s == "creator" }
	switch {
	case r.chatID > 0: // the person's private chat
		blocked := r.status == "kicked" || r.status == "left"
		if err := t.bot.db.SetBlocked(context.WithoutCancel(ctx), r.chatID, blocked); err != nil {
			t.log.Error("remember blocked user", "user", r.chatID, "err", err)
		}
		t.log.Info("the bot's membership of a private chat changed", "user", r.chatID, "blocked", blocked)
	case in(r.status) && !in(r.oldStatus):
		lang := r.in.ClientLang
		if locales.Match(lang) == "" {
			lang = locales.Default
		}
		t.sendGroup(ctx, r.chatID, t.bot.GroupWelcome(lang))
	}
}
