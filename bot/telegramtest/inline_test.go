package telegramtest_test

import (
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/comune-seregno/coworkbot/bot/telegramtest"
)

// inlineQuery sends an inline query and reads it as the bot does.
func inlineQuery(t *testing.T, s *telegramtest.Server, bot *tgbotapi.BotAPI, u telegramtest.User, query string) string {
	t.Helper()
	id := s.SendInlineQuery(u, query)
	updates, err := bot.GetUpdates(tgbotapi.UpdateConfig{})
	if err != nil {
		t.Fatalf("GetUpdates: %v", err)
	}
	last := updates[len(updates)-1]
	if last.InlineQuery == nil || last.InlineQuery.ID != id || last.InlineQuery.Query != query || last.InlineQuery.From.ID != u.ID {
		t.Fatalf("got update %+v, want inline query %s %q", last, id, query)
	}
	return id
}

func spaceCard(id, title string) tgbotapi.InlineQueryResultArticle {
	card := tgbotapi.NewInlineQueryResultArticleHTML(id, title, "<b>"+title+"</b>\nVia Umberto I 1, Seregno")
	card.Description = "Seregno · fibra, Cobaby"
	keyboard := tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(
		tgbotapi.NewInlineKeyboardButtonURL("Apri nel bot", "https://t.me/telegramtest_bot?start=space_"+id)))
	card.ReplyMarkup = &keyboard
	return card
}

func TestAnswerInlineQueryAndChoose(t *testing.T) {
	s, bot := mustServe(t)
	s.AddToGroup(alice, coworkers)
	s.SetInlineFeedback(true)
	id := inlineQuery(t, s, bot, bob, "fibra Desio")

	answer := tgbotapi.InlineConfig{
		InlineQueryID: id,
		Results:       []any{spaceCard("12", "Officina Brianza"), spaceCard("13", "Binario Uno")},
		CacheTime:     60,
		IsPersonal:    true,
	}
	if _, err := bot.Request(answer); err != nil {
		t.Fatalf("answerInlineQuery: %v", err)
	}
	got, err := s.WaitInlineAnswer(testContext(t), id)
	if err != nil {
		t.Fatalf("WaitInlineAnswer: %v", err)
	}
	if got.CacheTime != 60 || !got.IsPersonal || len(got.Results) != 2 {
		t.Fatalf("got answer %+v, want two personal results cached 60 s", got)
	}
	first := got.Results[0]
	want := telegramtest.InlineResult{
		ID: "12", Title: "Officina Brianza", Description: "Seregno · fibra, Cobaby",
		Text: "<b>Officina Brianza</b>\nVia Umberto I 1, Seregno", ParseMode: "HTML",
		Plain:    "Officina Brianza\nVia Umberto I 1, Seregno",
		Entities: []telegramtest.Entity{{Type: "bold", Offset: 0, Length: 16}},
		Keyboard: [][]telegramtest.Button{{{Text: "Apri nel bot", URL: "https://t.me/telegramtest_bot?start=space_12"}}},
	}
	if !reflect.DeepEqual(first, want) {
		t.Errorf("got result %+v, want %+v", first, want)
	}
	if again, ok := s.InlineAnswered(id); !ok || len(again.Results) != 2 {
		t.Errorf("InlineAnswered: got %+v %v, want the answer", again, ok)
	}

	posted, err := s.ChooseInlineResult(bob, id, "12", coworkers.ID)
	if err != nil {
		t.Fatalf("ChooseInlineResult: %v", err)
	}
	msgs := s.Messages(coworkers.ID)
	if len(msgs) != 1 || msgs[0].ID != posted.ID || !msgs[0].ViaBot || msgs[0].SentBy != bob.ID || msgs[0].Plain != want.Plain || len(msgs[0].Keyboard) != 1 {
		t.Errorf("got %+v, want the card posted by bob via the bot", msgs)
	}
	updates, err := bot.GetUpdates(tgbotapi.UpdateConfig{})
	if err != nil {
		t.Fatalf("GetUpdates: %v", err)
	}
	chosen := updates[len(updates)-1].ChosenInlineResult
	if chosen == nil || chosen.ResultID != "12" || chosen.From.ID != bob.ID || chosen.Query != "fibra Desio" || chosen.InlineMessageID == "" {
		t.Errorf("got %+v, want bob's choice of 12 with an inline_message_id", chosen)
	}

	if _, err := s.ChooseInlineResult(bob, id, "99", coworkers.ID); err == nil {
		t.Errorf("choosing an unknown result: got no error")
	}
	_, err = bot.Request(answer)
	wantAPIError(t, err, http.StatusBadRequest, "Bad Request: query is too old and response timeout expired or query ID is invalid")
}

func TestAnswerInlineQueryRefusals(t *testing.T) {
	valid := func(id string) string {
		return `{"type":"article","id":"` + id + `","title":"T","input_message_content":{"message_text":"x"}}`
	}
	many := make([]string, 51)
	for i := range many {
		many[i] = valid(fmt.Sprint(i))
	}
	tests := []struct {
		name, results, want string
	}{
		{"not JSON", `[{`, "Bad Request: can't parse JSON encoded inline query results: "},
		{"not an array", `{"type":"article"}`, "Bad Request: expected an Array of inline query results"},
		{"more than 50", "[" + strings.Join(many, ",") + "]", "Bad Request: too many inline query results specified"},
		{"not an object", `[1]`, "Bad Request: can't parse inline query result: Inline query result must be an object"},
		{"no type", `[{"id":"1"}]`, `Bad Request: can't parse inline query result: Can't find field "type"`},
		{"no id", `[{"type":"article","title":"T","input_message_content":{"message_text":"x"}}]`, `Bad Request: can't parse inline query result: Can't find field "id"`},
		{"empty id", "[" + valid("") + "]", "Bad Request: RESULT_ID_INVALID"},
		{"id over 64 bytes", "[" + valid(strings.Repeat("é", 33)) + "]", "Bad Request: RESULT_ID_INVALID"},
		{"duplicate ids", "[" + valid("a") + "," + valid("a") + "]", "Bad Request: RESULT_ID_DUPLICATE"},
		{"unknown type", `[{"type":"hologram","id":"1"}]`, `Bad Request: can't parse inline query result: type "hologram" is unsupported for the inline query result`},
		{"no title", `[{"type":"article","id":"1","input_message_content":{"message_text":"x"}}]`, `Bad Request: can't parse inline query result: Can't find field "title"`},
		{"empty title", `[{"type":"article","id":"1","title":" ","input_message_content":{"message_text":"x"}}]`, "Bad Request: ARTICLE_TITLE_EMPTY"},
		{"no message", `[{"type":"article","id":"1","title":"T"}]`, `Bad Request: can't parse inline query result: Can't find field "message_text"`},
		{"empty message", `[{"type":"article","id":"1","title":"T","input_message_content":{"message_text":""}}]`, "Bad Request: can't parse inline query result: Input message content is not specified"},
		{"content not an object", `[{"type":"article","id":"1","title":"T","input_message_content":"x"}]`, `Bad Request: can't parse inline query result: Field "input_message_content" must be of type Object`},
		{"bad HTML", `[{"type":"article","id":"1","title":"T","input_message_content":{"message_text":"<b>x","parse_mode":"HTML"}}]`, `Bad Request: can't parse inline query result: Can't parse entities: Can't find end tag corresponding to start tag "b"`},
		{"message only spaces", `[{"type":"article","id":"1","title":"T","input_message_content":{"message_text":"  "}}]`, "Bad Request: text must be non-empty"},
		{"message too long", `[{"type":"article","id":"1","title":"T","input_message_content":{"message_text":"` + strings.Repeat("a", 4097) + `"}}]`, "Bad Request: MESSAGE_TOO_LONG"},
		{"empty row", `[{"type":"article","id":"1","title":"T","input_message_content":{"message_text":"x"},"reply_markup":{"inline_keyboard":[[]]}}]`, "Bad Request: can't parse inline query result: Inline keyboard row 1 is empty (telegramtest refuses empty rows, which Telegram drops)"},
		{"button data too long", `[{"type":"article","id":"1","title":"T","input_message_content":{"message_text":"x"},"reply_markup":{"inline_keyboard":[[{"text":"a","callback_data":"` + strings.Repeat("x", 65) + `"}]]}}]`, "Bad Request: can't parse inline query result: BUTTON_DATA_INVALID"},
		{"reply keyboard", `[{"type":"article","id":"1","title":"T","input_message_content":{"message_text":"x"},"reply_markup":{"keyboard":[["a"]]}}]`, "Bad Request: inline keyboard expected"},
	}
	s, _ := mustServe(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := s.SendInlineQuery(alice, "q")
			a := rawCall(t, s, "answerInlineQuery", url.Values{"inline_query_id": {id}, "results": {tt.results}})
			if a.OK || a.ErrorCode != http.StatusBadRequest || !strings.HasPrefix(a.Description, tt.want) {
				t.Errorf("got ok=%v %d %q, want 400 %q", a.OK, a.ErrorCode, a.Description, tt.want)
			}
			if _, ok := s.InlineAnswered(id); ok {
				t.Errorf("a refused answer was recorded")
			}
		})
	}
	// 50 results, a legacy message_text and an empty answer are fine.
	for _, results := range []string{"[" + strings.Join(many[:50], ",") + "]", `[{"type":"article","id":"1","title":"T","message_text":"x","hide_url":true,"url":"https://x.it/"}]`, `[]`} {
		id := s.SendInlineQuery(alice, "q")
		wantRawOK(t, rawCall(t, s, "answerInlineQuery", url.Values{"inline_query_id": {id}, "results": {results}}), nil)
		if got, ok := s.InlineAnswered(id); !ok || (len(got.Results) > 0 && got.Results[0].URL != "") || got.CacheTime != 300 {
			t.Errorf("got %+v %v, want an answer cached 300 s without the hidden URL", got, ok)
		}
	}
	wantRawError(t, rawCall(t, s, "answerInlineQuery", url.Values{"inline_query_id": {"123"}, "results": {"[]"}}),
		http.StatusBadRequest, "Bad Request: query is too old and response timeout expired or query ID is invalid")
}
