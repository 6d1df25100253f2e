package telegramtest_test

import (
	"net/http"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/comune-seregno/coworkbot/bot/telegramtest"
)

var coworkers = telegramtest.Group{ID: -1001234567890, Title: "Coworker di Seregno", Supergroup: true}

func TestAddToGroup(t *testing.T) {
	s, bot := mustServe(t)
	memberID, messageID := s.AddToGroup(alice, coworkers)
	updates, err := bot.GetUpdates(tgbotapi.UpdateConfig{})
	if err != nil {
		t.Fatalf("GetUpdates: %v", err)
	}
	if len(updates) != 2 || updates[0].UpdateID != memberID || updates[1].UpdateID != messageID {
		t.Fatalf("got %+v, want the my_chat_member update %d and the message %d", updates, memberID, messageID)
	}
	mcm := updates[0].MyChatMember
	if mcm == nil || mcm.Chat.ID != coworkers.ID || mcm.Chat.Type != "supergroup" || mcm.Chat.Title != coworkers.Title {
		t.Fatalf("got my_chat_member %+v, want one in the supergroup", mcm)
	}
	if mcm.From.ID != alice.ID || mcm.OldChatMember.Status != "left" || mcm.NewChatMember.Status != "member" || mcm.NewChatMember.User.ID != bot.Self.ID {
		t.Errorf("got %+v, want alice adding the bot (left → member)", mcm)
	}
	msg := updates[1].Message
	if msg == nil || len(msg.NewChatMembers) != 1 || msg.NewChatMembers[0].ID != bot.Self.ID || !msg.NewChatMembers[0].IsBot || msg.From.ID != alice.ID {
		t.Errorf("got message %+v, want new_chat_members with the bot, from alice", msg)
	}

	sent, err := bot.Send(tgbotapi.NewMessage(coworkers.ID, "Ciao! Scrivetemi in privato."))
	if err != nil {
		t.Fatalf("sending to the group: %v", err)
	}
	if sent.Chat.Type != "supergroup" || sent.Chat.Title != coworkers.Title {
		t.Errorf("got chat %+v, want the supergroup", sent.Chat)
	}
	if got := s.Messages(coworkers.ID); len(got) != 1 || got[0].ChatID != coworkers.ID {
		t.Errorf("got %+v, want the bot's message in the group", got)
	}
}

func TestGroupCommandsAndPrivacy(t *testing.T) {
	s, bot := mustServe(t)
	plain := telegramtest.Group{ID: -4242, Title: "Amici del coworking"}
	s.AddToGroup(alice, plain)
	if _, err := bot.GetUpdates(tgbotapi.UpdateConfig{Offset: 3}); err != nil {
		t.Fatalf("GetUpdates: %v", err)
	}
	me := bot.Self.UserName

	addressed := s.SendGroupText(bob, plain.ID, "/cerca@"+me+" fibra Desio")
	general := s.SendGroupText(bob, plain.ID, "/cerca")
	if id := s.SendGroupText(bob, plain.ID, "/cerca@otherbot fibra"); id != 0 {
		t.Errorf("a command for another bot got update %d, want none in privacy mode", id)
	}
	if id := s.SendGroupText(bob, plain.ID, "qualcuno conosce @"+me+"?"); id != 0 {
		t.Errorf("a plain text got update %d, want none in privacy mode", id)
	}
	updates, err := bot.GetUpdates(tgbotapi.UpdateConfig{Offset: 3})
	if err != nil {
		t.Fatalf("GetUpdates: %v", err)
	}
	if len(updates) != 2 || updates[0].UpdateID != addressed || updates[1].UpdateID != general {
		t.Fatalf("got %+v, want updates %d and %d", updates, addressed, general)
	}
	m := updates[0].Message
	if m.Chat.Type != "group" || m.Chat.Title != plain.Title || m.From.ID != bob.ID {
		t.Errorf("got chat %+v from %+v, want bob in the group", m.Chat, m.From)
	}
	if !m.IsCommand() || m.Command() != "cerca" || m.CommandWithAt() != "cerca@"+me || m.CommandArguments() != "fibra Desio" {
		t.Errorf("got command %q (%q) args %q, want cerca@%s with fibra Desio", m.Command(), m.CommandWithAt(), m.CommandArguments(), me)
	}
	if bot.Self.CanReadAllGroupMessages {
		t.Errorf("getMe reports reading all group messages, want privacy mode")
	}

	s.SetGroupPrivacy(false)
	if id := s.SendGroupText(bob, plain.ID, "buongiorno a tutti"); id == 0 {
		t.Errorf("a plain text got no update with privacy mode off")
	}
	me2, err := bot.GetMe()
	if err != nil {
		t.Fatalf("getMe: %v", err)
	}
	if !me2.CanReadAllGroupMessages || !me2.SupportsInlineQueries {
		t.Errorf("got %+v, want can_read_all_group_messages and supports_inline_queries", me2)
	}
}

func TestUnknownAndLeftGroups(t *testing.T) {
	s, bot := mustServe(t)
	_, err := bot.Send(tgbotapi.NewMessage(-999, "ciao"))
	wantAPIError(t, err, http.StatusBadRequest, "Bad Request: chat not found")

	s.AddToGroup(alice, coworkers)
	removed := s.RemoveFromGroup(alice, coworkers.ID)
	_, err = bot.Send(tgbotapi.NewMessage(coworkers.ID, "ciao"))
	wantAPIError(t, err, http.StatusForbidden, "Forbidden: bot was kicked from the supergroup chat")
	if id := s.SendGroupText(bob, coworkers.ID, "/cerca"); id != 0 {
		t.Errorf("a command in a group the bot left got update %d, want none", id)
	}
	updates, err := bot.GetUpdates(tgbotapi.UpdateConfig{})
	if err != nil {
		t.Fatalf("GetUpdates: %v", err)
	}
	last := updates[len(updates)-1]
	if last.UpdateID != removed || last.MyChatMember == nil || last.MyChatMember.OldChatMember.Status != "member" || last.MyChatMember.NewChatMember.Status != "kicked" {
		t.Errorf("got last update %+v, want the bot removed (member → kicked)", last)
	}

	s.AddToGroup(alice, telegramtest.Group{ID: -77, Title: "Piccolo gruppo"})
	s.RemoveFromGroup(alice, -77)
	_, err = bot.Send(tgbotapi.NewMessage(-77, "ciao"))
	wantAPIError(t, err, http.StatusForbidden, "Forbidden: bot was kicked from the group chat")
	if got := s.MessageCount(coworkers.ID) + s.MessageCount(-77); got != 0 {
		t.Errorf("got %d messages, want none", got)
	}
}

func TestBlockAndUnblockUpdates(t *testing.T) {
	s, bot := mustServe(t)
	blocked := s.BlockBot(alice)
	_, err := bot.Send(tgbotapi.NewMessage(alice.ID, "ci sei?"))
	wantAPIError(t, err, http.StatusForbidden, "Forbidden: bot was blocked by the user")
	unblocked := s.UnblockBot(alice)
	if _, err := bot.Send(tgbotapi.NewMessage(alice.ID, "bentornata")); err != nil {
		t.Fatalf("Send after UnblockBot: %v", err)
	}

	updates, err := bot.GetUpdates(tgbotapi.UpdateConfig{})
	if err != nil {
		t.Fatalf("GetUpdates: %v", err)
	}
	if len(updates) != 2 || updates[0].UpdateID != blocked || updates[1].UpdateID != unblocked {
		t.Fatalf("got %+v, want updates %d and %d", updates, blocked, unblocked)
	}
	for i, want := range [][2]string{{"member", "kicked"}, {"kicked", "member"}} {
		m := updates[i].MyChatMember
		if m == nil || m.Chat.ID != alice.ID || m.Chat.Type != "private" || m.From.ID != alice.ID ||
			m.OldChatMember.Status != want[0] || m.NewChatMember.Status != want[1] || m.NewChatMember.User.ID != bot.Self.ID {
			t.Errorf("update %d: got %+v, want alice's private chat, %s → %s", i, m, want[0], want[1])
		}
	}
	if got := len(s.Messages(alice.ID)); got != 1 {
		t.Errorf("got %d messages, want only the one after unblocking", got)
	}
}

// TestAllowedUpdatesForNewKinds: a bot asking only for messages and
// callback queries never receives my_chat_member or inline queries.
func TestAllowedUpdatesForNewKinds(t *testing.T) {
	s, bot := mustServe(t)
	s.BlockBot(alice)
	s.SendInlineQuery(bob, "fibra")
	want := s.SendText(bob, "/start")
	s.AddToGroup(bob, coworkers) // my_chat_member and a message
	updates, err := bot.GetUpdates(tgbotapi.UpdateConfig{AllowedUpdates: []string{"message", "callback_query"}})
	if err != nil {
		t.Fatalf("GetUpdates: %v", err)
	}
	if len(updates) != 2 || updates[0].UpdateID != want || updates[1].Message == nil || len(updates[1].Message.NewChatMembers) != 1 {
		t.Errorf("got %+v, want /start and the new_chat_members message only", updates)
	}
	// Later updates of other kinds are not even queued.
	s.UnblockBot(alice)
	if got := len(s.Pending()); got != 2 {
		t.Errorf("got %d pending updates, want 2", got)
	}
	// Back to every kind but chat_member and reactions.
	if _, err := bot.GetUpdates(tgbotapi.UpdateConfig{Offset: want + 100, AllowedUpdates: []string{}}); err != nil {
		t.Fatalf("GetUpdates: %v", err)
	}
	s.BlockBot(alice)
	s.SendUpdateJSON([]byte(`{"chat_member":{"chat":{"id":1,"type":"group"},"from":{"id":1,"is_bot":false,"first_name":"x"},"date":0,"old_chat_member":{"user":{"id":1,"is_bot":false,"first_name":"x"},"status":"left"},"new_chat_member":{"user":{"id":1,"is_bot":false,"first_name":"x"},"status":"member"}}}`))
	updates, err = bot.GetUpdates(tgbotapi.UpdateConfig{AllowedUpdates: []string{}})
	if err != nil {
		t.Fatalf("GetUpdates: %v", err)
	}
	if len(updates) != 1 || updates[0].MyChatMember == nil {
		t.Errorf("got %+v, want my_chat_member only (chat_member is not delivered by default)", updates)
	}
}

func TestPressInGroup(t *testing.T) {
	s, bot := mustServe(t)
	s.AddToGroup(alice, coworkers)
	msg := tgbotapi.NewMessage(coworkers.ID, "Risultati")
	msg.ReplyMarkup = tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData("Altri", "more:2")))
	if _, err := bot.Send(msg); err != nil {
		t.Fatalf("Send: %v", err)
	}
	id, err := s.PressLabelIn(bob, coworkers.ID, "Altri")
	if err != nil {
		t.Fatalf("PressLabelIn: %v", err)
	}
	updates, err := bot.GetUpdates(tgbotapi.UpdateConfig{})
	if err != nil {
		t.Fatalf("GetUpdates: %v", err)
	}
	cq := updates[len(updates)-1].CallbackQuery
	if cq == nil || cq.ID != id || cq.From.ID != bob.ID || cq.Message.Chat.ID != coworkers.ID || cq.Data != "more:2" {
		t.Errorf("got %+v, want bob's press in the group", cq)
	}
}
