package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

func mustFake(t *testing.T, scripts []Script) *Fake {
	t.Helper()
	f, err := NewFake(scripts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(f.Close)
	return f
}

// call posts form parameters to a method and decodes the result into out.
func call(t *testing.T, f *Fake, method string, form url.Values, out any) {
	t.Helper()
	resp, err := http.PostForm(f.URL+"/bot"+token+"/"+method, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	decode(t, method, resp, out)
}

// callJSON posts a JSON body, as grammY does.
func callJSON(t *testing.T, f *Fake, method string, body any, out any) {
	t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Post(f.URL+"/bot"+token+"/"+method, "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	decode(t, method, resp, out)
}

func decode(t *testing.T, method string, resp *http.Response, out any) {
	t.Helper()
	var env struct {
		OK     bool            `json:"ok"`
		Result json.RawMessage `json:"result"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&env); err != nil {
		t.Fatalf("%s: %v", method, err)
	}
	if !env.OK {
		t.Fatalf("%s: not ok (HTTP %d)", method, resp.StatusCode)
	}
	if out != nil {
		if err := json.Unmarshal(env.Result, out); err != nil {
			t.Fatalf("%s result %s: %v", method, env.Result, err)
		}
	}
}

func getUpdates(t *testing.T, f *Fake, offset, limit, timeout int) []wireUpdate {
	t.Helper()
	form := url.Values{"offset": {strconv.Itoa(offset)}, "timeout": {strconv.Itoa(timeout)}}
	if limit > 0 {
		form.Set("limit", strconv.Itoa(limit))
	}
	var ups []wireUpdate
	call(t, f, "getUpdates", form, &ups)
	return ups
}

func ids(ups []wireUpdate) []int {
	out := []int{}
	for _, u := range ups {
		out = append(out, u.UpdateID)
	}
	return out
}

func sameInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func textScript(id int64, texts ...string) Script {
	s := Script{UserID: id, FirstName: "U", Lang: "it"}
	for _, x := range texts {
		s.Steps = append(s.Steps, Step{Kind: StepText, Text: x})
	}
	return s
}

func TestFakeLongPollingAndOffsets(t *testing.T) {
	f := mustFake(t, []Script{textScript(1, "/start", "ciao"), textScript(2, "hello")})

	if got := getUpdates(t, f, 0, 0, 0); len(got) != 0 {
		t.Fatalf("before Start: got updates %v, want none", ids(got))
	}
	select {
	case <-f.Ready():
	default:
		t.Fatal("Ready not closed after a getUpdates")
	}

	// A long poll under way is answered as soon as the updates come.
	polled := make(chan []wireUpdate, 1)
	go func() {
		form := url.Values{"offset": {"0"}, "timeout": {"30"}}
		resp, err := http.PostForm(f.URL+"/bot"+token+"/getUpdates", form)
		if err != nil {
			polled <- nil
			return
		}
		defer resp.Body.Close()
		var env struct {
			Result []wireUpdate `json:"result"`
		}
		json.NewDecoder(resp.Body).Decode(&env)
		polled <- env.Result
	}()
	waitFor(t, func() bool { return f.Stats().Polls >= 2 })
	f.Start()
	var first []wireUpdate
	select {
	case first = <-polled:
	case <-time.After(10 * time.Second):
		t.Fatal("the long poll was not answered after Start")
	}
	if len(first) != 2 {
		t.Fatalf("got %d updates, want the first step of each user (2)", len(first))
	}

	// Without a new offset the same updates come again; limit is respected.
	again := getUpdates(t, f, 0, 1, 0)
	if !sameInts(ids(again), ids(first)[:1]) {
		t.Fatalf("unconfirmed: got %v, want %v", ids(again), ids(first)[:1])
	}
	if st := f.Stats(); st.Updates != 2 || st.Redelivered != 1 {
		t.Fatalf("got %d updates handed out and %d redelivered, want 2 and 1", st.Updates, st.Redelivered)
	}

	// The user's next step comes only after the bot's reply.
	byUser := map[int64]wireUpdate{}
	for _, u := range first {
		byUser[u.Message.From.ID] = u
	}
	if byUser[1].Message.Text != "/start" || len(byUser[1].Message.Entities) != 1 || byUser[1].Message.Entities[0].Type != "bot_command" {
		t.Fatalf("user 1's first update: got %+v, want /start as a bot_command", byUser[1].Message)
	}
	next := first[1].UpdateID + 1
	if got := getUpdates(t, f, next, 0, 0); len(got) != 0 {
		t.Fatalf("before any reply: got %v, want nothing", ids(got))
	}
	var sent wireMessage
	call(t, f, "sendMessage", url.Values{"chat_id": {"1"}, "text": {"Ciao!"}}, &sent)
	if sent.MessageID <= byUser[1].Message.MessageID || sent.Chat.ID != 1 {
		t.Fatalf("sendMessage: got message %d in chat %d, want a later message in chat 1", sent.MessageID, sent.Chat.ID)
	}
	// A second message before the next step is handed out answers /start too.
	call(t, f, "sendMessage", url.Values{"chat_id": {"1"}, "text": {"Scrivimi pure"}}, nil)
	if st := f.Stats(); st.Answered != 1 || st.Duplicated != 0 {
		t.Fatalf("after two replies to /start: got %d steps answered, %d duplicated; want 1, 0", st.Answered, st.Duplicated)
	}
	got := getUpdates(t, f, next, 0, 0)
	if len(got) != 1 || got[0].Message == nil || got[0].Message.Text != "ciao" || got[0].UpdateID != next {
		t.Fatalf("after the reply: got %+v, want update %d with user 1's second step", got, next)
	}
	// The offset confirmed the first two: they never come back.
	if got := getUpdates(t, f, 0, 0, 0); !sameInts(ids(got), []int{next}) {
		t.Fatalf("after confirming: got %v, want [%d]", ids(got), next)
	}

	// A second reply to the same step, identical, is a duplicate.
	call(t, f, "sendMessage", url.Values{"chat_id": {"2"}, "text": {"hi"}}, nil)
	select {
	case <-f.Done():
		t.Fatal("done with user 1's second step unanswered")
	default:
	}
	call(t, f, "sendMessage", url.Values{"chat_id": {"2"}, "text": {"hi"}}, nil)
	call(t, f, "sendMessage", url.Values{"chat_id": {"1"}, "text": {"ciao a te"}}, nil)
	select {
	case <-f.Done():
	default:
		t.Fatal("every step answered, but Done is not closed")
	}
	st := f.Stats()
	if st.Answered != 3 || st.Missing() != 0 || st.Duplicated != 1 || st.Replies != 5 || st.Unsolicited != 0 {
		t.Fatalf("got answered %d, missing %d, duplicated %d, replies %d, unsolicited %d; want 3, 0, 1, 5, 0",
			st.Answered, st.Missing(), st.Duplicated, st.Replies, st.Unsolicited)
	}
	if st.Last.Before(st.First) {
		t.Fatalf("last reply %v before first update %v", st.Last, st.First)
	}
}

func TestFakePressesRememberedButton(t *testing.T) {
	script := Script{UserID: 7, FirstName: "U", Lang: "it", Steps: []Step{
		{Kind: StepText, Text: "prenota una scrivania lunedì mattina da Officina Brianza"},
		{Kind: StepPress, Press: []string{"Conferma"}},
	}}
	f := mustFake(t, []Script{script})
	f.Start()
	ups := getUpdates(t, f, 0, 0, 0)
	if len(ups) != 1 {
		t.Fatalf("got %d updates, want 1", len(ups))
	}

	// The bot answers the way serve does, through go-telegram-bot-api: a
	// form with the keyboard as a JSON string.
	api, err := tgbotapi.NewBotAPIWithAPIEndpoint(token, f.URL+"/bot%s/%s")
	if err != nil {
		t.Fatal(err)
	}
	msg := tgbotapi.NewMessage(7, "📝 Riepilogo… Confermi?")
	msg.ReplyMarkup = tgbotapi.NewInlineKeyboardMarkup(
		tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData("✅ Conferma", "b:42:ok")),
		tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData("✖ Lascia stare", "b:42:no")),
	)
	summary, err := api.Send(msg)
	if err != nil {
		t.Fatal(err)
	}
	// A later message without an inline keyboard does not hide it.
	if _, err := api.Send(tgbotapi.NewVenue(7, "Officina Brianza", "Via Umberto I 85", 45.65, 9.20)); err != nil {
		t.Fatal(err)
	}

	ups = getUpdates(t, f, ups[0].UpdateID+1, 0, 0)
	if len(ups) != 1 || ups[0].CallbackQuery == nil {
		t.Fatalf("got %+v, want one callback query", ups)
	}
	q := ups[0].CallbackQuery
	if q.Data != "b:42:ok" || q.Message == nil || q.Message.MessageID != summary.MessageID || q.From.ID != 7 {
		t.Fatalf("pressed %q on message %+v by %d, want b:42:ok on message %d by 7", q.Data, q.Message, q.From.ID, summary.MessageID)
	}

	// The answer to the press, then an edit of the pressed message (grammY's
	// JSON this time), both count for the press.
	if _, err := api.Request(tgbotapi.NewCallback(q.ID, "Prenotazione confermata")); err != nil {
		t.Fatal(err)
	}
	select {
	case <-f.Done():
	default:
		t.Fatal("the press was answered, but Done is not closed")
	}
	callJSON(t, f, "editMessageText", map[string]any{"chat_id": 7, "message_id": summary.MessageID, "text": "✅ Prenotato!",
		"reply_markup": map[string]any{"inline_keyboard": [][]map[string]string{{{"text": "📅 Le mie prenotazioni", "callback_data": "l:"}}}}}, nil)
	if _, err := api.Request(tgbotapi.NewCallback(q.ID, "Prenotazione confermata")); err != nil {
		t.Fatal(err)
	}
	st := f.Stats()
	if st.Pressed != 1 || st.Synthesized != 0 || st.Answered != 2 || st.Replies != 5 || st.Duplicated != 1 || st.Unsolicited != 0 {
		t.Fatalf("got pressed %d, synthesized %d, answered %d, replies %d, duplicated %d, unsolicited %d; want 1, 0, 2, 5, 1, 0",
			st.Pressed, st.Synthesized, st.Answered, st.Replies, st.Duplicated, st.Unsolicited)
	}
	// The edit replaced the message's keyboard.
	f.mu.Lock()
	defer f.mu.Unlock()
	if data, id, ok := f.users[7].find([]string{"Conferma"}); ok {
		t.Fatalf("after the edit, Conferma is still on message %d (%s)", id, data)
	}
	if data, _, ok := f.users[7].find([]string{"prenotazioni"}); !ok || data != "l:" {
		t.Fatalf("after the edit: got %q, %v for the new button, want l:", data, ok)
	}
}

func TestFakeSynthesizesPressWithoutButton(t *testing.T) {
	script := Script{UserID: 9, FirstName: "U", Lang: "en", Steps: []Step{
		{Kind: StepLocation, Lat: 45.65, Lon: 9.2},
		{Kind: StepPress, Press: []string{"Confirm"}},
	}}
	f := mustFake(t, []Script{script, textScript(10, "hello")})
	f.Start()
	ups := getUpdates(t, f, 0, 0, 0)
	var loc *wireLocation
	for _, u := range ups {
		if u.Message != nil && u.Message.From.ID == 9 {
			loc = u.Message.Location
		}
	}
	if loc == nil || loc.Latitude != 45.65 || loc.Longitude != 9.2 {
		t.Fatalf("got location %+v, want 45.65, 9.2", loc)
	}
	var echoed wireMessage
	callJSON(t, f, "sendLocation", map[string]any{"chat_id": "9", "latitude": 45.65, "longitude": 9.2}, &echoed)
	ups = getUpdates(t, f, ups[len(ups)-1].UpdateID+1, 0, 0)
	if len(ups) != 1 || ups[0].CallbackQuery == nil {
		t.Fatalf("got %+v, want a callback query", ups)
	}
	q := ups[0].CallbackQuery
	if q.Data != "tgbench:confirm" || q.Message == nil || q.Message.MessageID != echoed.MessageID {
		t.Fatalf("got data %q on %+v, want tgbench:confirm on the echoed message %d", q.Data, q.Message, echoed.MessageID)
	}
	callJSON(t, f, "answerCallbackQuery", map[string]any{"callback_query_id": q.ID, "text": q.Data}, nil)
	callJSON(t, f, "answerCallbackQuery", map[string]any{"callback_query_id": "nobody_0"}, nil)
	callJSON(t, f, "setMyCommands", map[string]any{"commands": []any{}}, nil)
	callJSON(t, f, "someNewMethod", map[string]any{}, nil)
	st := f.Stats()
	if st.Synthesized != 1 || st.Pressed != 0 || st.Answered != 2 || st.Missing() != 1 || st.Unsolicited != 1 || st.Unknown != 1 {
		t.Fatalf("got synthesized %d, pressed %d, answered %d, missing %d, unsolicited %d, unknown %d; want 1, 0, 2, 1, 1, 1",
			st.Synthesized, st.Pressed, st.Answered, st.Missing(), st.Unsolicited, st.Unknown)
	}
	if st.Calls["setmycommands"] != 1 || st.Calls["somenewmethod"] != 1 {
		t.Fatalf("calls by method: %v", st.Calls)
	}
}

// waitFor polls cond (the state of another goroutine) until it holds.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 10 s")
		}
		time.Sleep(time.Millisecond)
	}
}

// A bot that fetches a user's next update before it has finished answering
// the previous one: a reply that quotes the earlier message, or edits the
// pressed one, counts for the step it belongs to.
func TestFakeAttributesQuotedAndEditedReplies(t *testing.T) {
	script := Script{UserID: 3, FirstName: "U", Lang: "it", Steps: []Step{
		{Kind: StepText, Text: "prenota una scrivania lunedì mattina da Binario Uno"},
		{Kind: StepPress, Press: []string{"Conferma"}},
		{Kind: StepText, Text: "grazie"},
	}}
	f := mustFake(t, []Script{script})
	f.Start()
	ups := getUpdates(t, f, 0, 0, 0)
	asked := ups[0].Message.MessageID
	var summary wireMessage
	call(t, f, "sendMessage", url.Values{"chat_id": {"3"}, "text": {"Confermi?"},
		"reply_markup": {`{"inline_keyboard":[[{"text":"✅ Conferma","callback_data":"ok"}]]}`}}, &summary)
	ups = getUpdates(t, f, ups[0].UpdateID+1, 0, 0) // the press is handed out
	if len(ups) != 1 || ups[0].CallbackQuery == nil {
		t.Fatalf("got %+v, want the press", ups)
	}
	// A late second reply to the booking text, quoting it (grammY's reply_parameters).
	callJSON(t, f, "sendMessage", map[string]any{"chat_id": 3, "text": "Oppure scegli un'altra fascia",
		"reply_parameters": map[string]any{"message_id": asked}}, nil)
	if st := f.Stats(); st.Answered != 1 {
		t.Fatalf("a reply quoting the booking text answered the press: %d steps answered, want 1", st.Answered)
	}
	callJSON(t, f, "answerCallbackQuery", map[string]any{"callback_query_id": ups[0].CallbackQuery.ID}, nil)
	ups = getUpdates(t, f, ups[0].UpdateID+1, 0, 0) // "grazie" is handed out
	if len(ups) != 1 || ups[0].Message == nil || ups[0].Message.Text != "grazie" {
		t.Fatalf("got %+v, want the last step", ups)
	}
	// The edit of the pressed message comes after: it belongs to the press.
	call(t, f, "editMessageText", url.Values{"chat_id": {"3"}, "message_id": {strconv.Itoa(summary.MessageID)}, "text": {"✅ Prenotato!"}}, nil)
	select {
	case <-f.Done():
		t.Fatal("the edit of the pressed message answered the last step")
	default:
	}
	call(t, f, "sendMessage", url.Values{"chat_id": {"3"}, "text": {"Prego!"}, "reply_to_message_id": {strconv.Itoa(ups[0].Message.MessageID)}}, nil)
	select {
	case <-f.Done():
	default:
		t.Fatal("every step answered, but Done is not closed")
	}
	if st := f.Stats(); st.Answered != 3 || st.Replies != 5 || st.Duplicated != 0 {
		t.Fatalf("got answered %d, replies %d, duplicated %d; want 3, 5, 0", st.Answered, st.Replies, st.Duplicated)
	}
}
