package telegramtest_test

import (
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/comune-seregno/coworkbot/bot/telegramtest"
)

// sendMarkup sends a message with a raw reply_markup.
func sendMarkup(t *testing.T, s *telegramtest.Server, markup string) apiAnswer {
	t.Helper()
	return rawCall(t, s, "sendMessage", url.Values{"chat_id": {"42"}, "text": {"scegli"}, "reply_markup": {markup}})
}

func TestInlineKeyboardRefusals(t *testing.T) {
	tests := []struct {
		name, markup, want string
	}{
		{"not JSON", `{"inline_keyboard":`, "Bad Request: can't parse reply keyboard markup JSON object"},
		{"not an object", `[[{"text":"a","callback_data":"b"}]]`, "Bad Request: object expected as reply markup"},
		{"keyboard not an array", `{"inline_keyboard":{"text":"a"}}`, `Bad Request: field "inline_keyboard" must be of type Array`},
		{"keyboard null", `{"inline_keyboard":null}`, `Bad Request: field "inline_keyboard" must be of type Array`},
		{"row not an array", `{"inline_keyboard":[{"text":"a","callback_data":"b"}]}`, `Bad Request: field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays`},
		{"row null", `{"inline_keyboard":[[{"text":"a","callback_data":"b"}],null]}`, `Bad Request: field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays`},
		{"empty row", `{"inline_keyboard":[[{"text":"a","callback_data":"b"}],[]]}`, "Bad Request: inline keyboard row 2 is empty (telegramtest refuses empty rows, which Telegram drops)"},
		{"button not an object", `{"inline_keyboard":[["a"]]}`, "Bad Request: can't parse inline keyboard button: InlineKeyboardButton must be an Object"},
		{"button without text", `{"inline_keyboard":[[{"callback_data":"b"}]]}`, `Bad Request: can't parse inline keyboard button: Can't find field "text"`},
		{"button with null text", `{"inline_keyboard":[[{"text":null,"callback_data":"b"}]]}`, `Bad Request: can't parse inline keyboard button: Field "text" must be of type String`},
		{"button with empty text", `{"inline_keyboard":[[{"text":"","callback_data":"b"}]]}`, "Bad Request: inline keyboard button text must be non-empty"},
		{"button without action", `{"inline_keyboard":[[{"text":"a"}]]}`, "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"},
		{"empty callback data", `{"inline_keyboard":[[{"text":"a","callback_data":""}]]}`, "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"},
		{"callback data over 64 bytes", `{"inline_keyboard":[[{"text":"a","callback_data":"` + strings.Repeat("x", 65) + `"}]]}`, "Bad Request: BUTTON_DATA_INVALID"},
		{"callback data not a string", `{"inline_keyboard":[[{"text":"a","callback_data":true}]]}`, `Bad Request: can't parse inline keyboard button: Field "callback_data" must be of type String`},
		{"url without a dot", `{"inline_keyboard":[[{"text":"a","url":"http://localhost/"}]]}`, "Bad Request: inline keyboard button URL 'http://localhost/' is invalid: Wrong HTTP URL"},
		{"url with another scheme", `{"inline_keyboard":[[{"text":"a","url":"ftp://x.it/"}]]}`, "Bad Request: inline keyboard button URL 'ftp://x.it/' is invalid: Unsupported URL protocol"},
		{"url with a bad port", `{"inline_keyboard":[[{"text":"a","url":"https://x.it:99999/"}]]}`, "Bad Request: inline keyboard button URL 'https://x.it:99999/' is invalid: Wrong port number specified in the URL"},
		{"url with a space in the host", `{"inline_keyboard":[[{"text":"a","url":"https://x it/"}]]}`, "Bad Request: inline keyboard button URL 'https://x it/' is invalid: Disallowed character in URL host"},
		{"url without host", `{"inline_keyboard":[[{"text":"a","url":"https:///x"}]]}`, "Bad Request: inline keyboard button URL 'https:///x' is invalid: URL host is empty"},
		{"more than 100 buttons", inlineGrid(101), "Bad Request: reply markup is too long"},
		{"reply keyboard in an edit", `{"keyboard":[["a"]]}`, ""}, // accepted by sendMessage, see TestEditRefusesReplyKeyboard
	}
	s, _ := mustServe(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := sendMarkup(t, s, tt.markup)
			if tt.want == "" {
				wantRawOK(t, a, nil)
				return
			}
			wantRawError(t, a, http.StatusBadRequest, tt.want)
		})
	}
	if got := len(s.Messages(alice.ID)); got != 1 {
		t.Errorf("got %d messages, want 1: a refused keyboard stores nothing", got)
	}
}

// inlineGrid is an inline keyboard of n buttons in rows of 8.
func inlineGrid(n int) string {
	var rows []string
	var row []string
	for i := range n {
		row = append(row, fmt.Sprintf(`{"text":"%d","callback_data":"d%d"}`, i, i))
		if len(row) == 8 || i == n-1 {
			rows = append(rows, "["+strings.Join(row, ",")+"]")
			row = nil
		}
	}
	return `{"inline_keyboard":[` + strings.Join(rows, ",") + `]}`
}

func TestInlineKeyboardAccepted(t *testing.T) {
	tests := []struct {
		name, markup string
		want         [][]telegramtest.Button
	}{
		{"100 buttons", inlineGrid(100), nil},
		{"url without scheme", `{"inline_keyboard":[[{"text":"a","url":"www.comune.seregno.mb.it"}]]}`, [][]telegramtest.Button{{{Text: "a", URL: "www.comune.seregno.mb.it"}}}},
		{"tg link", `{"inline_keyboard":[[{"text":"a","url":"tg://resolve?domain=telegramtest_bot"}]]}`, [][]telegramtest.Button{{{Text: "a", URL: "tg://resolve?domain=telegramtest_bot"}}}},
		{"deep link", `{"inline_keyboard":[[{"text":"Apri","url":"https://t.me/telegramtest_bot?start=space_12"}]]}`, [][]telegramtest.Button{{{Text: "Apri", URL: "https://t.me/telegramtest_bot?start=space_12"}}}},
		{"empty url falls back to callback data", `{"inline_keyboard":[[{"text":"a","url":"","callback_data":"b"}]]}`, [][]telegramtest.Button{{{Text: "a", CallbackData: "b"}}}},
		{"switch inline query", `{"inline_keyboard":[[{"text":"Cerca","switch_inline_query":"fibra"}]]}`, [][]telegramtest.Button{{{Text: "Cerca"}}}},
		{"empty keyboard is no keyboard", `{"inline_keyboard":[]}`, nil},
	}
	s, _ := mustServe(t)
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantRawOK(t, sendMarkup(t, s, tt.markup), nil)
			msgs := s.Messages(alice.ID)
			if len(msgs) != i+1 {
				t.Fatalf("got %d messages, want %d", len(msgs), i+1)
			}
			got := msgs[i].Keyboard
			if tt.want == nil && tt.name == "100 buttons" {
				n := 0
				for _, row := range got {
					n += len(row)
				}
				if n != 100 {
					t.Errorf("got %d buttons, want 100", n)
				}
				return
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got keyboard %+v, want %+v", got, tt.want)
			}
		})
	}
}

// TestNilRowFromTheLibrary is the bug of issue 8: a Go nil row goes on the
// wire as null, which Telegram refuses.
func TestNilRowFromTheLibrary(t *testing.T) {
	_, bot := mustServe(t)
	msg := tgbotapi.NewMessage(alice.ID, "Quale giorno?")
	msg.ReplyMarkup = tgbotapi.NewInlineKeyboardMarkup(
		tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData("lun", "d:1")),
		nil,
	)
	_, err := bot.Send(msg)
	wantAPIError(t, err, http.StatusBadRequest, `Bad Request: field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays`)

	msg.ReplyMarkup = tgbotapi.NewInlineKeyboardMarkup(
		tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData("lun", "d:1")),
		[]tgbotapi.InlineKeyboardButton{},
	)
	_, err = bot.Send(msg)
	wantAPIError(t, err, http.StatusBadRequest, "Bad Request: inline keyboard row 2 is empty (telegramtest refuses empty rows, which Telegram drops)")
}

func TestReplyKeyboardRefusals(t *testing.T) {
	tests := []struct {
		name, markup, want string
	}{
		{"keyboard not an array", `{"keyboard":"a"}`, `Bad Request: field "keyboard" must be of type Array`},
		{"row not an array", `{"keyboard":["a"]}`, `Bad Request: field "keyboard" must be an Array of Arrays`},
		{"row null", `{"keyboard":[["a"],null]}`, `Bad Request: field "keyboard" must be an Array of Arrays`},
		{"empty row", `{"keyboard":[["a"],[]]}`, "Bad Request: keyboard row 2 is empty (telegramtest refuses empty rows, which Telegram drops)"},
		{"no rows", `{"keyboard":[]}`, "Bad Request: keyboard must be non-empty (telegramtest refuses an empty keyboard, which Telegram drops)"},
		{"button not a string or object", `{"keyboard":[[1]]}`, "Bad Request: can't parse keyboard button: KeyboardButton must be a String or an Object"},
		{"button without text", `{"keyboard":[[{"request_location":true}]]}`, `Bad Request: can't parse keyboard button: Can't find field "text"`},
		{"button with empty text", `{"keyboard":[[""]]}`, "Bad Request: keyboard button text must be non-empty"},
		{"request_location not a boolean", `{"keyboard":[[{"text":"a","request_location":"yes"}]]}`, `Bad Request: can't parse keyboard button: Field "request_location" must be of type Boolean`},
		{"one_time_keyboard not a boolean", `{"keyboard":[["a"]],"one_time_keyboard":1}`, `Bad Request: field "one_time_keyboard" must be of type Boolean`},
		{"placeholder too long", `{"keyboard":[["a"]],"input_field_placeholder":"` + strings.Repeat("è", 65) + `"}`, "Bad Request: input field placeholder must be 1-64 characters long"},
	}
	s, _ := mustServe(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantRawError(t, sendMarkup(t, s, tt.markup), http.StatusBadRequest, tt.want)
		})
	}
	if got := len(s.Messages(alice.ID)); got != 0 {
		t.Errorf("got %d messages, want none", got)
	}
}

func TestReplyKeyboardOptions(t *testing.T) {
	s, bot := mustServe(t)
	ask := tgbotapi.NewMessage(alice.ID, "Dove sei?")
	kb := tgbotapi.NewOneTimeReplyKeyboard(tgbotapi.NewKeyboardButtonRow(tgbotapi.NewKeyboardButtonLocation("📍 Invia posizione")))
	kb.InputFieldPlaceholder = strings.Repeat("è", 64)
	ask.ReplyMarkup = kb
	if _, err := bot.Send(ask); err != nil {
		t.Fatalf("Send: %v", err)
	}
	// is_persistent is newer than the library: raw JSON.
	wantRawOK(t, sendMarkup(t, s, `{"keyboard":[[{"text":"Sì"},"No"]],"is_persistent":true,"resize_keyboard":true}`), nil)

	got := s.Messages(alice.ID)
	if len(got) != 2 {
		t.Fatalf("got %d messages, want 2", len(got))
	}
	first := got[0]
	if !first.OneTimeKeyboard || !first.ResizeKeyboard || first.PersistentKeyboard || first.InputFieldPlaceholder != kb.InputFieldPlaceholder {
		t.Errorf("got one-time %v resize %v persistent %v placeholder %q, want one-time, resized, not persistent, the placeholder",
			first.OneTimeKeyboard, first.ResizeKeyboard, first.PersistentKeyboard, first.InputFieldPlaceholder)
	}
	if want := [][]telegramtest.ReplyButton{{{Text: "📍 Invia posizione", RequestLocation: true}}}; !reflect.DeepEqual(first.ReplyKeyboard, want) {
		t.Errorf("got keyboard %+v, want %+v", first.ReplyKeyboard, want)
	}
	second := got[1]
	if second.OneTimeKeyboard || !second.ResizeKeyboard || !second.PersistentKeyboard || second.InputFieldPlaceholder != "" {
		t.Errorf("got one-time %v resize %v persistent %v placeholder %q, want resized and persistent only",
			second.OneTimeKeyboard, second.ResizeKeyboard, second.PersistentKeyboard, second.InputFieldPlaceholder)
	}
	if want := [][]telegramtest.ReplyButton{{{Text: "Sì"}, {Text: "No"}}}; !reflect.DeepEqual(second.ReplyKeyboard, want) {
		t.Errorf("got keyboard %+v, want %+v", second.ReplyKeyboard, want)
	}
}

func TestEditRefusesReplyKeyboard(t *testing.T) {
	s, bot := mustServe(t)
	sent, err := bot.Send(tgbotapi.NewMessage(alice.ID, "uno"))
	if err != nil {
		t.Fatalf("Send: %v", err)
	}
	a := rawCall(t, s, "editMessageText", url.Values{
		"chat_id": {"42"}, "message_id": {strconv.Itoa(sent.MessageID)}, "text": {"due"},
		"reply_markup": {`{"keyboard":[["a"]]}`},
	})
	wantRawError(t, a, http.StatusBadRequest, "Bad Request: inline keyboard expected")
}

func TestLinkPreviewRecorded(t *testing.T) {
	s, bot := mustServe(t)
	off := tgbotapi.NewMessage(alice.ID, "Sito: https://www.comune.seregno.mb.it/")
	off.DisableWebPagePreview = true
	if _, err := bot.Send(off); err != nil {
		t.Fatalf("Send: %v", err)
	}
	wantRawOK(t, rawCall(t, s, "sendMessage", url.Values{
		"chat_id": {"42"}, "text": {"Vedi https://x.it/a"},
		"link_preview_options": {`{"url":"https://x.it/a","prefer_small_media":true,"show_above_text":true}`},
	}), nil)
	if _, err := bot.Send(tgbotapi.NewMessage(alice.ID, "nessuna opzione")); err != nil {
		t.Fatalf("Send: %v", err)
	}
	wantRawError(t, rawCall(t, s, "sendMessage", url.Values{"chat_id": {"42"}, "text": {"x"}, "link_preview_options": {`{"is_disabled":`}}),
		http.StatusBadRequest, "Bad Request: can't parse link preview options JSON object")
	wantRawError(t, rawCall(t, s, "sendMessage", url.Values{"chat_id": {"42"}, "text": {"x"}, "link_preview_options": {`[]`}}),
		http.StatusBadRequest, "Bad Request: object expected as link preview options")
	wantRawError(t, rawCall(t, s, "sendMessage", url.Values{"chat_id": {"42"}, "text": {"x"}, "link_preview_options": {`{"is_disabled":"yes"}`}}),
		http.StatusBadRequest, `Bad Request: field "is_disabled" must be of type Boolean`)

	got := s.Messages(alice.ID)
	if len(got) != 3 {
		t.Fatalf("got %d messages, want 3", len(got))
	}
	want := []*telegramtest.LinkPreview{
		{IsDisabled: true},
		{URL: "https://x.it/a", PreferSmallMedia: true, ShowAboveText: true},
		nil,
	}
	for i := range want {
		if !reflect.DeepEqual(got[i].LinkPreview, want[i]) {
			t.Errorf("message %d: got link preview %+v, want %+v", i, got[i].LinkPreview, want[i])
		}
	}
}

func TestExplicitEntities(t *testing.T) {
	s, bot := mustServe(t)
	msg := tgbotapi.NewMessage(alice.ID, "  Avviso: sala chiusa  ")
	msg.Entities = []tgbotapi.MessageEntity{
		{Type: "bold", Offset: 2, Length: 6},
		{Type: "text_link", Offset: 10, Length: 30, URL: "https://X.it"},
		{Type: "url", Offset: 0, Length: 3},
	}
	sent, err := bot.Send(msg)
	if err != nil {
		t.Fatalf("Send: %v", err)
	}
	if sent.Text != "Avviso: sala chiusa" {
		t.Errorf("got text %q, want it trimmed", sent.Text)
	}
	want := []telegramtest.Entity{
		{Type: "bold", Offset: 0, Length: 6},
		{Type: "text_link", Offset: 8, Length: 11, URL: "https://x.it/"},
	}
	if got := s.Messages(alice.ID)[0].Entities; !reflect.DeepEqual(got, want) {
		t.Errorf("got entities %+v, want %+v", got, want)
	}
	wantRawError(t, rawCall(t, s, "sendMessage", url.Values{"chat_id": {"42"}, "text": {"x"}, "entities": {`[{"type":"blink","offset":0,"length":1}]`}}),
		http.StatusBadRequest, "Bad Request: can't parse MessageEntity: Unsupported type specified")
	wantRawError(t, rawCall(t, s, "sendMessage", url.Values{"chat_id": {"42"}, "text": {"x"}, "entities": {`[{"type":"bold","length":1}]`}}),
		http.StatusBadRequest, `Bad Request: can't parse MessageEntity: Can't find field "offset"`)
	wantRawError(t, rawCall(t, s, "sendMessage", url.Values{"chat_id": {"42"}, "text": {"x"}, "entities": {`[{"type":"bold","offset":-1,"length":1}]`}}),
		http.StatusBadRequest, "Bad Request: receive an entity with incorrect offset -1")
}
