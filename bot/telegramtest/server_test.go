package telegramtest_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/comune-seregno/coworkbot/bot/telegramtest"
)

const token = "123456:test-token"

var alice = telegramtest.User{ID: 42, FirstName: "Alice", Username: "alice", LanguageCode: "it"}

// mustServe starts a fake server and a real client against it.
func mustServe(t *testing.T) (*telegramtest.Server, *tgbotapi.BotAPI) {
	t.Helper()
	s := telegramtest.NewServer(token)
	t.Cleanup(s.Close)
	bot, err := tgbotapi.NewBotAPIWithClient(token, s.URL()+"/bot%s/%s", &http.Client{Timeout: 30 * time.Second})
	if err != nil {
		t.Fatalf("NewBotAPIWithClient: %v", err)
	}
	return s, bot
}

// apiError asserts that err is a Bot API error and returns it.
func apiError(t *testing.T, err error) *tgbotapi.Error {
	t.Helper()
	var e *tgbotapi.Error
	if !errors.As(err, &e) {
		t.Fatalf("got error %v (%T), want a *tgbotapi.Error", err, err)
	}
	return e
}

func wantAPIError(t *testing.T, err error, code int, description string) {
	t.Helper()
	e := apiError(t, err)
	if e.Code != code || e.Message != description {
		t.Errorf("got error %d %q, want %d %q", e.Code, e.Message, code, description)
	}
}

// apiAnswer is a Bot API answer read without the library.
type apiAnswer struct {
	OK          bool            `json:"ok"`
	Result      json.RawMessage `json:"result"`
	ErrorCode   int             `json:"error_code"`
	Description string          `json:"description"`
	Parameters  struct {
		RetryAfter int `json:"retry_after"`
	} `json:"parameters"`
	status int
}

// rawCall makes a form-encoded call through plain HTTP, for the methods the
// library lacks and the parameters it cannot send.
func rawCall(t *testing.T, s *telegramtest.Server, method string, params url.Values) apiAnswer {
	t.Helper()
	resp, err := http.PostForm(s.URL()+"/bot"+token+"/"+method, params)
	if err != nil {
		t.Fatalf("%s: %v", method, err)
	}
	defer resp.Body.Close()
	var a apiAnswer
	if err := json.NewDecoder(resp.Body).Decode(&a); err != nil {
		t.Fatalf("%s: decoding the answer: %v", method, err)
	}
	a.status = resp.StatusCode
	if a.status != http.StatusOK && a.ErrorCode != a.status {
		t.Errorf("%s: got status %d with error_code %d, want them equal", method, a.status, a.ErrorCode)
	}
	return a
}

// wantRawError asserts that a raw call failed with code and description.
func wantRawError(t *testing.T, a apiAnswer, code int, description string) {
	t.Helper()
	if a.OK || a.ErrorCode != code || a.Description != description {
		t.Errorf("got ok=%v %d %q, want %d %q", a.OK, a.ErrorCode, a.Description, code, description)
	}
}

// wantRawOK asserts that a raw call succeeded and decodes its result.
func wantRawOK(t *testing.T, a apiAnswer, result any) {
	t.Helper()
	if !a.OK {
		t.Fatalf("got error %d %q, want success", a.ErrorCode, a.Description)
	}
	if result != nil {
		if err := json.Unmarshal(a.Result, result); err != nil {
			t.Fatalf("decoding result %s: %v", a.Result, err)
		}
	}
}

func testContext(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestGetMe(t *testing.T) {
	s, bot := mustServe(t)
	if got, want := bot.Self.ID, int64(123456); got != want {
		t.Errorf("got bot ID %d, want %d", got, want)
	}
	if !bot.Self.IsBot || bot.Self.UserName != s.Me().Username {
		t.Errorf("got self %+v, want a bot named %q", bot.Self, s.Me().Username)
	}
	if calls := s.CallsTo("getMe"); len(calls) != 1 || calls[0].Status != http.StatusOK {
		t.Errorf("got getMe calls %+v, want one with status 200", calls)
	}
}

func TestWrongToken(t *testing.T) {
	s := telegramtest.NewServer(token)
	t.Cleanup(s.Close)
	_, err := tgbotapi.NewBotAPIWithClient("999:wrong", s.URL()+"/bot%s/%s", &http.Client{})
	wantAPIError(t, err, http.StatusUnauthorized, "Unauthorized")
}

func TestUnknownMethod(t *testing.T) {
	s, bot := mustServe(t)
	_, err := bot.MakeRequest("sendTelepathy", nil)
	wantAPIError(t, err, http.StatusNotFound, "Not Found")
	calls := s.CallsTo("sendTelepathy")
	if len(calls) != 1 || calls[0].Status != http.StatusNotFound {
		t.Errorf("got calls %+v, want one with status 404", calls)
	}
}

func TestMethodNamesIgnoreCase(t *testing.T) {
	s, bot := mustServe(t)
	if _, err := bot.MakeRequest("GETME", nil); err != nil {
		t.Fatalf("GETME: %v", err)
	}
	if got := len(s.CallsTo("getMe")); got != 2 {
		t.Errorf("got %d getMe calls, want 2", got)
	}
}

func TestSendTextArrivesAsCommand(t *testing.T) {
	s, bot := mustServe(t)
	id := s.SendText(alice, "/start hello")
	updates, err := bot.GetUpdates(tgbotapi.UpdateConfig{})
	if err != nil {
		t.Fatalf("GetUpdates: %v", err)
	}
	if len(updates) != 1 {
		t.Fatalf("got %d updates, want 1", len(updates))
	}
	u := updates[0]
	if u.UpdateID != id {
		t.Errorf("got update_id %d, want %d", u.UpdateID, id)
	}
	m := u.Message
	if m == nil {
		t.Fatalf("got update %+v, want a message", u)
	}
	if !m.IsCommand() || m.Command() != "start" || m.CommandArguments() != "hello" {
		t.Errorf("got command %q args %q, want start hello", m.Command(), m.CommandArguments())
	}
	if m.Chat.ID != alice.ID || m.Chat.Type != "private" || m.From.ID != alice.ID || m.From.LanguageCode != "it" {
		t.Errorf("got chat %+v from %+v, want alice's private chat", m.Chat, m.From)
	}
}

func TestSendLocationUpdate(t *testing.T) {
	s, bot := mustServe(t)
	s.SendLocation(alice, 45.65, 9.2)
	updates, err := bot.GetUpdates(tgbotapi.UpdateConfig{})
	if err != nil {
		t.Fatalf("GetUpdates: %v", err)
	}
	if len(updates) != 1 || updates[0].Message == nil || updates[0].Message.Location == nil {
		t.Fatalf("got updates %+v, want one location", updates)
	}
	if loc := updates[0].Message.Location; loc.Latitude != 45.65 || loc.Longitude != 9.2 {
		t.Errorf("got location %+v, want 45.65, 9.2", loc)
	}
}

func TestSendMessageReadBack(t *testing.T) {
	s, bot := mustServe(t)
	s.SendText(alice, "hi") // takes message_id 1 in the chat
	msg := tgbotapi.NewMessage(alice.ID, "<b>Spazio</b> &amp; co")
	msg.ParseMode = tgbotapi.ModeHTML
	msg.ReplyMarkup = tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(
		tgbotapi.NewInlineKeyboardButtonData("Prenota", "book:1"),
		tgbotapi.NewInlineKeyboardButtonURL("Sito", "https://www.comune.seregno.mb.it/"),
	))
	sent, err := bot.Send(msg)
	if err != nil {
		t.Fatalf("Send: %v", err)
	}
	if sent.MessageID != 2 || sent.Text != "Spazio & co" || sent.Chat.ID != alice.ID {
		t.Errorf("got sent message %d %q in chat %d, want 2 %q in chat %d", sent.MessageID, sent.Text, sent.Chat.ID, "Spazio & co", alice.ID)
	}
	if len(sent.Entities) != 1 || sent.Entities[0].Type != "bold" || sent.Entities[0].Length != 6 {
		t.Errorf("got entities %+v, want one bold of length 6", sent.Entities)
	}
	if sent.ReplyMarkup == nil || len(sent.ReplyMarkup.InlineKeyboard) != 1 {
		t.Errorf("got reply markup %+v, want the inline keyboard", sent.ReplyMarkup)
	}

	got := s.Messages(alice.ID)
	want := []telegramtest.Message{{
		ID: 2, ChatID: alice.ID, Text: "<b>Spazio</b> &amp; co", Plain: "Spazio & co", ParseMode: "HTML",
		Keyboard: [][]telegramtest.Button{{
			{Text: "Prenota", CallbackData: "book:1"},
			{Text: "Sito", URL: "https://www.comune.seregno.mb.it/"},
		}},
	}}
	if len(got) != 1 {
		t.Fatalf("got %d messages, want 1", len(got))
	}
	if got[0].ID != want[0].ID || got[0].Text != want[0].Text || got[0].Plain != want[0].Plain ||
		got[0].ParseMode != want[0].ParseMode || !reflect.DeepEqual(got[0].Keyboard, want[0].Keyboard) {
		t.Errorf("got message %+v, want %+v", got[0], want[0])
	}
}

func TestReplyKeyboards(t *testing.T) {
	s, bot := mustServe(t)
	ask := tgbotapi.NewMessage(alice.ID, "Dove sei?")
	ask.ReplyMarkup = tgbotapi.NewReplyKeyboard(tgbotapi.NewKeyboardButtonRow(tgbotapi.NewKeyboardButtonLocation("Invia posizione")))
	if _, err := bot.Send(ask); err != nil {
		t.Fatalf("Send: %v", err)
	}
	done := tgbotapi.NewMessage(alice.ID, "Grazie")
	done.ReplyMarkup = tgbotapi.NewRemoveKeyboard(false)
	if _, err := bot.Send(done); err != nil {
		t.Fatalf("Send: %v", err)
	}
	got := s.Messages(alice.ID)
	if len(got) != 2 {
		t.Fatalf("got %d messages, want 2", len(got))
	}
	wantKeyboard := [][]telegramtest.ReplyButton{{{Text: "Invia posizione", RequestLocation: true}}}
	if !reflect.DeepEqual(got[0].ReplyKeyboard, wantKeyboard) {
		t.Errorf("got reply keyboard %+v, want %+v", got[0].ReplyKeyboard, wantKeyboard)
	}
	if !got[1].RemoveKeyboard {
		t.Errorf("got RemoveKeyboard false, want true")
	}
}

func TestLocationAndVenue(t *testing.T) {
	s, bot := mustServe(t)
	if _, err := bot.Send(tgbotapi.NewLocation(alice.ID, 45.65, 9.2)); err != nil {
		t.Fatalf("send location: %v", err)
	}
	sent, err := bot.Send(tgbotapi.NewVenue(alice.ID, "Cowork Seregno", "Via Umberto I 1", 45.65, 9.2))
	if err != nil {
		t.Fatalf("send venue: %v", err)
	}
	if sent.Venue == nil || sent.Venue.Title != "Cowork Seregno" || sent.Venue.Location.Latitude != 45.65 {
		t.Errorf("got venue %+v, want Cowork Seregno at 45.65", sent.Venue)
	}
	got := s.Messages(alice.ID)
	if len(got) != 2 || got[0].Location == nil || got[1].Venue == nil {
		t.Fatalf("got messages %+v, want a location and a venue", got)
	}
	if got[1].Venue.Address != "Via Umberto I 1" || got[1].Venue.Longitude != 9.2 {
		t.Errorf("got venue %+v, want Via Umberto I 1 at 9.2", got[1].Venue)
	}
	_, err = bot.Send(tgbotapi.NewVenue(alice.ID, "", "Via Umberto I 1", 45.65, 9.2))
	wantAPIError(t, err, http.StatusBadRequest, "Bad Request: venue title is empty")
}

func TestLongPollReturnsWhenUpdateArrives(t *testing.T) {
	s, bot := mustServe(t)
	ctx := testContext(t)
	sent := make(chan int, 1)
	go func() {
		if err := s.WaitPolling(ctx); err != nil {
			sent <- -1
			return
		}
		sent <- s.SendText(alice, "ciao")
	}()
	updates, err := bot.GetUpdates(tgbotapi.UpdateConfig{Timeout: 20})
	if err != nil {
		t.Fatalf("GetUpdates: %v", err)
	}
	id := <-sent
	if id < 0 {
		t.Fatalf("the long poll never started")
	}
	if len(updates) != 1 || updates[0].UpdateID != id || updates[0].Message.Text != "ciao" {
		t.Errorf("got updates %+v, want update %d with ciao", updates, id)
	}
}

func TestLongPollTimesOutEmpty(t *testing.T) {
	_, bot := mustServe(t)
	updates, err := bot.GetUpdates(tgbotapi.UpdateConfig{Timeout: 1})
	if err != nil {
		t.Fatalf("GetUpdates: %v", err)
	}
	if len(updates) != 0 {
		t.Errorf("got %d updates, want 0", len(updates))
	}
}

func TestSecondPollTerminatesFirst(t *testing.T) {
	s, bot := mustServe(t)
	ctx := testContext(t)
	first := make(chan error, 1)
	go func() {
		_, err := bot.GetUpdates(tgbotapi.UpdateConfig{Timeout: 20})
		first <- err
	}()
	if err := s.WaitPolling(ctx); err != nil {
		t.Fatalf("WaitPolling: %v", err)
	}
	if _, err := bot.GetUpdates(tgbotapi.UpdateConfig{}); err != nil {
		t.Fatalf("second GetUpdates: %v", err)
	}
	wantAPIError(t, <-first, http.StatusConflict, "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running")
}

func TestOffsetsConfirm(t *testing.T) {
	s, bot := mustServe(t)
	ids := []int{s.SendText(alice, "uno"), s.SendText(alice, "due"), s.SendText(alice, "tre")}

	tests := []struct {
		name    string
		config  tgbotapi.UpdateConfig
		want    []int
		pending []int
	}{
		{"no offset returns all", tgbotapi.UpdateConfig{}, ids, ids},
		{"no offset confirms nothing", tgbotapi.UpdateConfig{}, ids, ids},
		{"limit", tgbotapi.UpdateConfig{Limit: 2}, ids[:2], ids},
		{"offset confirms below", tgbotapi.UpdateConfig{Offset: ids[1] + 1}, ids[2:], ids[2:]},
		{"older offset is harmless", tgbotapi.UpdateConfig{Offset: ids[0]}, ids[2:], ids[2:]},
		{"offset past the last confirms all", tgbotapi.UpdateConfig{Offset: ids[2] + 1}, nil, nil},
	}
	for _, tt := range tests {
		updates, err := bot.GetUpdates(tt.config)
		if err != nil {
			t.Fatalf("%s: GetUpdates: %v", tt.name, err)
		}
		var got []int
		for _, u := range updates {
			got = append(got, u.UpdateID)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: got updates %v, want %v", tt.name, got, tt.want)
		}
		if pending := s.Pending(); !slices.Equal(pending, tt.pending) {
			t.Errorf("%s: got pending %v, want %v", tt.name, pending, tt.pending)
		}
	}
	if err := s.WaitIdle(testContext(t)); err != nil {
		t.Errorf("WaitIdle: %v", err)
	}
}

func TestWaitIdleEndsWithContext(t *testing.T) {
	s, _ := mustServe(t)
	s.SendText(alice, "nessuno mi legge")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.WaitIdle(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
}

func TestRetryAfter(t *testing.T) {
	s, bot := mustServe(t)
	s.FailNext("sendMessage", 1, http.StatusTooManyRequests, "", 7)
	_, err := bot.Send(tgbotapi.NewMessage(alice.ID, "ciao"))
	e := apiError(t, err)
	if e.Code != 429 || e.RetryAfter != 7 || e.Message != "Too Many Requests: retry after 7" {
		t.Errorf("got %d %q retry_after %d, want 429 %q retry_after 7", e.Code, e.Message, e.RetryAfter, "Too Many Requests: retry after 7")
	}
	if _, err := bot.Send(tgbotapi.NewMessage(alice.ID, "ciao")); err != nil {
		t.Fatalf("second Send: %v", err)
	}
	var statuses []int
	for _, c := range s.CallsTo("sendMessage") {
		statuses = append(statuses, c.Status)
	}
	if want := []int{429, 200}; !slices.Equal(statuses, want) {
		t.Errorf("got statuses %v, want %v", statuses, want)
	}
	if got := len(s.Messages(alice.ID)); got != 1 {
		t.Errorf("got %d messages, want 1: a failed call stores nothing", got)
	}
}

func TestBlockedUser(t *testing.T) {
	s, bot := mustServe(t)
	s.Block(alice.ID)
	_, err := bot.Send(tgbotapi.NewMessage(alice.ID, "ciao"))
	wantAPIError(t, err, http.StatusForbidden, "Forbidden: bot was blocked by the user")
	if got := len(s.Messages(alice.ID)); got != 0 {
		t.Errorf("got %d messages, want 0", got)
	}
	s.Unblock(alice.ID)
	if _, err := bot.Send(tgbotapi.NewMessage(alice.ID, "ciao")); err != nil {
		t.Errorf("Send after Unblock: %v", err)
	}
}

func TestTextValidation(t *testing.T) {
	const parseError = "Bad Request: can't parse entities: "
	tests := []struct {
		name, text, mode string
		wantErr          string // a prefix of the description; empty for success
		wantPlain        string
	}{
		{"plain", "a < b & c", "", "", "a < b & c"},
		{"nested tags", `<b>bold <i>both</i></b> <a href="https://x.it/?a=1&amp;b=2">link</a>`, "HTML", "", "bold both link"},
		{"all tags", `<strong>s</strong><em>e</em><u>u</u><ins>i</ins><s>s</s><strike>k</strike><del>d</del><code>c</code><pre><code class="language-go">p</code></pre><tg-spoiler>t</tg-spoiler><span class="tg-spoiler">x</span><blockquote expandable>q</blockquote>`, "HTML", "", "seuiskdcptxq"},
		{"entities", "&lt;&gt;&amp;&quot;&#65;&#x42;", "HTML", "", `<>&"AB`},
		{"lower-case mode", "<b>x</b>", "html", "", "x"},
		{"unknown tag", "<p>x</p>", "HTML", parseError + `Unsupported start tag "p" at byte offset 0`, ""},
		{"unclosed tag", "<b>x", "HTML", parseError + `Can't find end tag corresponding to start tag "b"`, ""},
		{"crossed tags", "<b><i>x</b></i>", "HTML", parseError + `Unmatched end tag at byte offset 7, expected "</i>", found "</b>"`, ""},
		{"stray end tag", "x</b>", "HTML", parseError + "Unexpected end tag at byte offset 1", ""},
		{"bare less-than", "a < b", "HTML", parseError + `Unsupported start tag "" at byte offset 2`, ""},
		// Telegram reads a "&" that starts no known entity as itself.
		{"bare ampersand", "Tom & Jerry", "HTML", "", "Tom & Jerry"},
		{"unknown named entity", "&nbsp;&copy;", "HTML", "", "&nbsp;&copy;"},
		{"entity without semicolon", "a &amp b &lt c", "HTML", "", "a & b < c"},
		{"ampersand before a word", "&ampere", "HTML", "", "&ampere"},
		{"numeric entity out of range", "&#1114112;", "HTML", "", "&#1114112;"},
		{"surrogate entity", "&#xD83D;", "HTML", parseError + "Text contains invalid Unicode characters after decoding HTML entities, check for unmatched surrogate code units", ""},
		{"span without spoiler", `<span class="x">y</span>`, "HTML", parseError + `Tag "span" must have class "tg-spoiler" at byte offset 0`, ""},
		{"unclosed end tag", "<b>x</b", "HTML", parseError + "Unclosed end tag at byte offset 4", ""},
		{"unquoted attribute", `<a href=x.it/a>y</a>`, "HTML", parseError + "Unexpected end of name token at byte offset 8", ""},
		{"empty end tag closes any", "<b>x</>", "HTML", "", "x"},
		{"empty", "", "", "Bad Request: message text is empty", ""},
		{"empty after tags", "<b> </b>", "HTML", "Bad Request: text must be non-empty", ""},
		{"only spaces", " \n ", "", "Bad Request: text must be non-empty", ""},
		{"trimmed", "\n  ciao  \n\n", "", "", "ciao"},
		{"parse mode none", "<b>x</b>", "None", "", "<b>x</b>"},
		{"raw text over 32 KiB", strings.Repeat("a", 1<<15+1), "", "Bad Request: text is too long", ""},
		{"invalid UTF-8", "a\xffb", "", "Bad Request: strings must be encoded in UTF-8", ""},
		{"longest", strings.Repeat("è", 4096), "", "", strings.Repeat("è", 4096)},
		{"longest with tags", "<b>" + strings.Repeat("a", 4096) + "</b>", "HTML", "", strings.Repeat("a", 4096)},
		{"too long", strings.Repeat("a", 4097), "", "Bad Request: message is too long", ""},
		{"too long after entities", strings.Repeat("&amp;", 4097), "HTML", "Bad Request: message is too long", ""},
		{"unknown parse mode", "x", "BBCode", "Bad Request: unsupported parse_mode", ""},
	}
	_, bot := mustServe(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg := tgbotapi.NewMessage(alice.ID, tt.text)
			msg.ParseMode = tt.mode
			sent, err := bot.Send(msg)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("got error %v, want none", err)
				}
				if sent.Text != tt.wantPlain {
					t.Errorf("got text %q, want %q", sent.Text, tt.wantPlain)
				}
				return
			}
			e := apiError(t, err)
			if e.Code != http.StatusBadRequest || !strings.HasPrefix(e.Message, tt.wantErr) {
				t.Errorf("got %d %q, want 400 %q…", e.Code, e.Message, tt.wantErr)
			}
		})
	}
}

func TestEntityOffsetsAreUTF16(t *testing.T) {
	_, bot := mustServe(t)
	msg := tgbotapi.NewMessage(alice.ID, "🏢 <b>Sala</b> <a href=\"https://x.it\">qui</a>")
	msg.ParseMode = tgbotapi.ModeHTML
	sent, err := bot.Send(msg)
	if err != nil {
		t.Fatalf("Send: %v", err)
	}
	want := []tgbotapi.MessageEntity{
		{Type: "bold", Offset: 3, Length: 4},
		// Telegram stores links normalized, with a path.
		{Type: "text_link", Offset: 8, Length: 3, URL: "https://x.it/"},
	}
	if !reflect.DeepEqual(sent.Entities, want) {
		t.Errorf("got entities %+v, want %+v", sent.Entities, want)
	}
}

func TestCallbackData(t *testing.T) {
	tests := []struct {
		name    string
		data    string
		wantErr string
	}{
		{"64 bytes", strings.Repeat("x", 64), ""},
		{"65 bytes", strings.Repeat("x", 65), "Bad Request: BUTTON_DATA_INVALID"},
		{"multi-byte over 64 bytes", strings.Repeat("è", 33), "Bad Request: BUTTON_DATA_INVALID"},
	}
	_, bot := mustServe(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg := tgbotapi.NewMessage(alice.ID, "scegli")
			msg.ReplyMarkup = tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData("ok", tt.data)))
			_, err := bot.Send(msg)
			if tt.wantErr == "" {
				if err != nil {
					t.Errorf("got error %v, want none", err)
				}
				return
			}
			wantAPIError(t, err, http.StatusBadRequest, tt.wantErr)
		})
	}
}

func TestEditMessage(t *testing.T) {
	s, bot := mustServe(t)
	keyboard := tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData("Avanti", "next")))
	msg := tgbotapi.NewMessage(alice.ID, "pagina 1")
	msg.ReplyMarkup = keyboard
	sent, err := bot.Send(msg)
	if err != nil {
		t.Fatalf("Send: %v", err)
	}

	edit := tgbotapi.NewEditMessageTextAndMarkup(alice.ID, sent.MessageID, "pagina 2", keyboard)
	edited, err := bot.Send(edit)
	if err != nil {
		t.Fatalf("edit: %v", err)
	}
	if edited.Text != "pagina 2" || edited.EditDate == 0 {
		t.Errorf("got edited %q edit_date %d, want pagina 2 with an edit_date", edited.Text, edited.EditDate)
	}
	got := s.Messages(alice.ID)
	if len(got) != 1 || got[0].Text != "pagina 2" || !got[0].Edited || len(got[0].Keyboard) != 1 {
		t.Errorf("got messages %+v, want one edited pagina 2 with its keyboard", got)
	}

	_, err = bot.Send(edit)
	wantAPIError(t, err, http.StatusBadRequest, "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message")

	_, err = bot.Send(tgbotapi.NewEditMessageText(alice.ID, 999, "x"))
	wantAPIError(t, err, http.StatusBadRequest, "Bad Request: message to edit not found")

	// editMessageText without reply_markup drops the keyboard, as in Telegram.
	if _, err := bot.Send(tgbotapi.NewEditMessageText(alice.ID, sent.MessageID, "pagina 2")); err != nil {
		t.Fatalf("edit without keyboard: %v", err)
	}
	if got := s.Messages(alice.ID)[0].Keyboard; got != nil {
		t.Errorf("got keyboard %+v, want none", got)
	}

	if _, err := bot.Send(tgbotapi.NewEditMessageReplyMarkup(alice.ID, sent.MessageID, keyboard)); err != nil {
		t.Fatalf("editMessageReplyMarkup: %v", err)
	}
	if got := s.Messages(alice.ID)[0].Keyboard; len(got) != 1 {
		t.Errorf("got keyboard %+v, want one row", got)
	}
	_, err = bot.Send(tgbotapi.NewEditMessageReplyMarkup(alice.ID, sent.MessageID, keyboard))
	wantAPIError(t, err, http.StatusBadRequest, "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message")
}

func TestCallbackQueries(t *testing.T) {
	s, bot := mustServe(t)
	msg := tgbotapi.NewMessage(alice.ID, "Quale spazio?")
	msg.ReplyMarkup = tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(
		tgbotapi.NewInlineKeyboardButtonData("Sala Riunioni", "space:1"),
		tgbotapi.NewInlineKeyboardButtonData("Sala Studio", "space:2"),
	))
	sent, err := bot.Send(msg)
	if err != nil {
		t.Fatalf("Send: %v", err)
	}

	if _, err := s.PressLabel(alice, "Sala"); err == nil {
		t.Errorf("PressLabel(Sala): got no error, want an ambiguity error")
	}
	if _, err := s.PressLabel(alice, "Palestra"); err == nil {
		t.Errorf("PressLabel(Palestra): got no error, want a not-found error")
	}
	q1, err := s.PressLabel(alice, "Studio")
	if err != nil {
		t.Fatalf("PressLabel: %v", err)
	}
	q2 := s.Press(alice, sent.MessageID, "space:1")

	updates, err := bot.GetUpdates(tgbotapi.UpdateConfig{})
	if err != nil {
		t.Fatalf("GetUpdates: %v", err)
	}
	if len(updates) != 2 {
		t.Fatalf("got %d updates, want 2", len(updates))
	}
	cq := updates[0].CallbackQuery
	if cq == nil || cq.ID != q1 || cq.Data != "space:2" || cq.From.ID != alice.ID || cq.Message.MessageID != sent.MessageID || cq.Message.Chat.ID != alice.ID {
		t.Fatalf("got callback query %+v, want %s with space:2 on message %d", cq, q1, sent.MessageID)
	}
	if got := s.Unanswered(); !slices.Equal(got, []string{q1, q2}) {
		t.Errorf("got unanswered %v, want %v", got, []string{q1, q2})
	}

	if _, err := bot.Request(tgbotapi.NewCallback(q1, "Fatto")); err != nil {
		t.Fatalf("answer: %v", err)
	}
	if text, ok := s.Answered(q1); !ok || text != "Fatto" {
		t.Errorf("got Answered %q %v, want Fatto true", text, ok)
	}
	if _, ok := s.Answered(q2); ok {
		t.Errorf("got q2 answered, want not")
	}
	_, err = bot.Request(tgbotapi.NewCallback(q1, "ancora"))
	wantAPIError(t, err, http.StatusBadRequest, "Bad Request: query is too old and response timeout expired or query ID is invalid")
	_, err = bot.Request(tgbotapi.NewCallback("nope", ""))
	wantAPIError(t, err, http.StatusBadRequest, "Bad Request: query is too old and response timeout expired or query ID is invalid")
	if got := s.Unanswered(); !slices.Equal(got, []string{q2}) {
		t.Errorf("got unanswered %v, want %v", got, []string{q2})
	}
}

func TestWaitMessages(t *testing.T) {
	s, bot := mustServe(t)
	ctx := testContext(t)
	errs := make(chan error, 1)
	go func() {
		_, err := bot.Send(tgbotapi.NewMessage(alice.ID, "uno"))
		if err == nil {
			_, err = bot.Send(tgbotapi.NewMessage(alice.ID, "due"))
		}
		errs <- err
	}()
	got, err := s.WaitMessages(ctx, alice.ID, 2)
	if err != nil {
		t.Fatalf("WaitMessages: %v", err)
	}
	if err := <-errs; err != nil {
		t.Fatalf("Send: %v", err)
	}
	if len(got) != 2 || got[0].Text != "uno" || got[1].Text != "due" {
		t.Errorf("got %+v, want uno and due", got)
	}

	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	got, err = s.WaitMessages(cancelled, alice.ID, 3)
	if !errors.Is(err, context.Canceled) || len(got) != 2 {
		t.Errorf("got %d messages and %v, want 2 and context.Canceled", len(got), err)
	}
}

func TestCommands(t *testing.T) {
	s, bot := mustServe(t)
	it := tgbotapi.NewSetMyCommands(tgbotapi.BotCommand{Command: "spazi", Description: "Elenco degli spazi"})
	it.LanguageCode = "it"
	en := tgbotapi.NewSetMyCommands(tgbotapi.BotCommand{Command: "spaces", Description: "List the spaces"})
	for _, c := range []tgbotapi.SetMyCommandsConfig{it, en} {
		if _, err := bot.Request(c); err != nil {
			t.Fatalf("setMyCommands: %v", err)
		}
	}
	if got, want := s.Commands("it"), []telegramtest.Command{{Command: "spazi", Description: "Elenco degli spazi"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("got it commands %+v, want %+v", got, want)
	}
	if got, want := s.Commands(""), []telegramtest.Command{{Command: "spaces", Description: "List the spaces"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("got default commands %+v, want %+v", got, want)
	}
	private := tgbotapi.NewBotCommandScopeAllPrivateChats()
	if got := s.CommandsFor(telegramtest.CommandScope{Type: private.Type}, "it"); len(got) != 0 {
		t.Errorf("got private-chat commands %+v, want none", got)
	}
	got, err := bot.GetMyCommandsWithConfig(tgbotapi.GetMyCommandsConfig{LanguageCode: "it"})
	if err != nil {
		t.Fatalf("getMyCommands: %v", err)
	}
	if len(got) != 1 || got[0].Command != "spazi" {
		t.Errorf("got %+v, want spazi", got)
	}
	_, err = bot.Request(tgbotapi.NewSetMyCommands(tgbotapi.BotCommand{Command: "Bad Name", Description: "x"}))
	wantAPIError(t, err, http.StatusBadRequest, "Bad Request: BOT_COMMAND_INVALID")
}

func TestWebhookBlocksPolling(t *testing.T) {
	s, bot := mustServe(t)
	hook, err := tgbotapi.NewWebhook("https://example.org/hook")
	if err != nil {
		t.Fatalf("NewWebhook: %v", err)
	}
	if _, err := bot.Request(hook); err != nil {
		t.Fatalf("setWebhook: %v", err)
	}
	_, err = bot.GetUpdates(tgbotapi.UpdateConfig{})
	wantAPIError(t, err, http.StatusConflict, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first")

	s.SendText(alice, "ciao")
	if _, err := bot.Request(tgbotapi.DeleteWebhookConfig{DropPendingUpdates: true}); err != nil {
		t.Fatalf("deleteWebhook: %v", err)
	}
	info, err := bot.GetWebhookInfo()
	if err != nil {
		t.Fatalf("getWebhookInfo: %v", err)
	}
	if info.URL != "" || info.PendingUpdateCount != 0 {
		t.Errorf("got webhook info %+v, want no URL and no pending updates", info)
	}
}

func TestSendUpdateJSON(t *testing.T) {
	s, bot := mustServe(t)
	id := s.SendUpdateJSON([]byte(`{"edited_message":{"message_id":7,"date":0,"chat":{"id":42,"type":"private"},"text":"x"}}`))
	updates, err := bot.GetUpdates(tgbotapi.UpdateConfig{})
	if err != nil {
		t.Fatalf("GetUpdates: %v", err)
	}
	if len(updates) != 1 || updates[0].UpdateID != id || updates[0].EditedMessage == nil || updates[0].EditedMessage.Text != "x" {
		t.Errorf("got %+v, want edited message update %d", updates, id)
	}
	// allowed_updates drops kinds the bot did not ask for.
	s.SendUpdateJSON([]byte(`{"edited_message":{"message_id":8,"date":0,"chat":{"id":42,"type":"private"},"text":"y"}}`))
	want := s.SendText(alice, "z")
	updates, err = bot.GetUpdates(tgbotapi.UpdateConfig{Offset: id + 1, AllowedUpdates: []string{"message", "callback_query"}})
	if err != nil {
		t.Fatalf("GetUpdates: %v", err)
	}
	if len(updates) != 1 || updates[0].UpdateID != want {
		t.Errorf("got %+v, want only update %d", updates, want)
	}
}
