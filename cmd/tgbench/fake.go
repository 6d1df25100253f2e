package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"hash/fnv"
	"io"
	"math"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Fake is a lean Bot API on the loopback interface, for load: getUpdates
// with real long polling (offsets, timeout, limit), the users' scripts
// played one step after the bot's reply to the previous one, and the bot's
// inline keyboards kept per chat so that its buttons can be pressed. It
// keeps counters, not a record of every call, and every request costs it a
// constant amount of work.
type Fake struct {
	URL string // base URL; the bot appends /bot<token>/<method>

	ln        net.Listener
	srv       *http.Server
	ready     chan struct{} // closed at the first getUpdates
	readyOnce sync.Once
	done      chan struct{} // closed when every user has had a reply to every step
	closed    chan struct{}
	close     sync.Once
	now       func() time.Time

	mu     sync.Mutex
	notify chan struct{} // closed and replaced when an update is queued
	queue  []*fakeUpdate // unconfirmed updates, in id order, from head on
	head   int
	nextID int
	users  map[int64]*fakeUser
	left   int // users whose script is not over
	stats  FakeStats
}

// FakeStats are the fake's counters.
type FakeStats struct {
	Steps       int            // steps in all scripts
	Updates     int            // updates handed out (each counted once)
	Redelivered int            // updates handed out again (the offset had not confirmed them)
	Answered    int            // steps that had a reply
	Replies     int            // replies: sendMessage, editMessageText, sendVenue, sendLocation, answerCallbackQuery
	Duplicated  int            // replies identical to one already given to the same step
	Unsolicited int            // replies to a chat with no step handed out, or to an unknown chat or query
	Pressed     int            // button presses of a keyboard the bot sent
	Synthesized int            // presses the fake made up: no button matched
	Polls       int            // getUpdates calls
	Unknown     int            // calls to methods the fake does not know (answered true)
	Calls       map[string]int // calls by method
	First, Last time.Time      // first update handed out; last step answered
}

// Missing is the number of steps that had no reply (including the steps
// never reached because an earlier one had none).
func (s FakeStats) Missing() int { return s.Steps - s.Answered }

type fakeUser struct {
	script *Script
	cur    int  // the step in play
	handed bool // cur has been handed out to the bot
	steps  []stepState
	msgs   int // message ids of the chat, shared by both sides
	last   int // the latest message the bot sent or edited
	kbs    [4]keyboard
	kbNext int
}

type stepState struct {
	answered bool
	msgID    int      // the user's message, or the message whose button was pressed
	replies  []uint64 // fingerprints of the replies, to spot duplicates
}

type keyboard struct {
	msgID   int
	buttons []button
}

type button struct{ label, data string }

type fakeUpdate struct {
	id   int
	user *fakeUser
	step int
	raw  []byte // the update as handed out, built at the first hand-out
}

// botUser is who getMe says the bot is.
var botUser = wireUser{ID: 123456, IsBot: true, FirstName: "Bench", Username: "tgbench_bot", CanJoinGroups: true}

// NewFake starts a fake Bot API on 127.0.0.1 for the given users. Nothing is
// handed out until Start.
func NewFake(scripts []Script) (*Fake, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	f := &Fake{
		URL: "http://" + ln.Addr().String(), ln: ln,
		ready: make(chan struct{}), done: make(chan struct{}), closed: make(chan struct{}),
		now: time.Now, notify: make(chan struct{}), nextID: 1,
		users: make(map[int64]*fakeUser, len(scripts)),
		stats: FakeStats{Calls: map[string]int{}},
	}
	for i := range scripts {
		s := &scripts[i]
		if len(s.Steps) == 0 {
			continue
		}
		f.users[s.UserID] = &fakeUser{script: s, steps: make([]stepState, len(s.Steps))}
		f.stats.Steps += len(s.Steps)
	}
	f.left = len(f.users)
	if f.left == 0 {
		close(f.done)
	}
	f.srv = &http.Server{Handler: f, ReadHeaderTimeout: 10 * time.Second}
	go f.srv.Serve(ln)
	return f, nil
}

// Ready is closed when the bot first polls.
func (f *Fake) Ready() <-chan struct{} { return f.ready }

// Done is closed when every user has had a reply to every step.
func (f *Fake) Done() <-chan struct{} { return f.done }

// Start queues every user's first step.
func (f *Fake) Start() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, u := range f.users {
		f.enqueueLocked(u)
	}
}

// Stats returns a copy of the counters.
func (f *Fake) Stats() FakeStats {
	f.mu.Lock()
	defer f.mu.Unlock()
	s := f.stats
	s.Calls = make(map[string]int, len(f.stats.Calls))
	for k, v := range f.stats.Calls {
		s.Calls[k] = v
	}
	return s
}

// Close ends the long polls under way and stops the server.
func (f *Fake) Close() {
	f.close.Do(func() { close(f.closed) })
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if f.srv.Shutdown(ctx) != nil {
		f.srv.Close()
	}
}

func (f *Fake) enqueueLocked(u *fakeUser) {
	f.queue = append(f.queue, &fakeUpdate{id: f.nextID, user: u, step: u.cur})
	f.nextID++
	close(f.notify)
	f.notify = make(chan struct{})
}

// knownMethods are answered true with no effect.
var knownMethods = map[string]bool{
	"deletewebhook": true, "setmycommands": true, "deletemycommands": true, "setmydescription": true,
	"setmyshortdescription": true, "setmyname": true, "setchatmenubutton": true, "sendchataction": true,
	"close": true, "logout": true,
}

// ServeHTTP answers /bot<token>/<method>; any token is accepted.
func (f *Fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rest, ok := strings.CutPrefix(r.URL.Path, "/bot")
	_, method, ok2 := strings.Cut(rest, "/")
	if !ok || !ok2 || method == "" {
		writeError(w, http.StatusNotFound, "Not Found")
		return
	}
	method = strings.ToLower(method)
	p, err := readParams(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, "Bad Request: "+err.Error())
		return
	}
	f.mu.Lock()
	if _, ok := f.stats.Calls[method]; ok || len(f.stats.Calls) < 64 {
		f.stats.Calls[method]++
	}
	f.mu.Unlock()
	switch method {
	case "getupdates":
		f.getUpdates(w, r, p)
	case "getme":
		writeResult(w, botUser)
	case "sendmessage":
		writeResult(w, f.sendMessage(p, false))
	case "editmessagetext":
		writeResult(w, f.sendMessage(p, true))
	case "sendvenue":
		writeResult(w, f.sendPlace(p, 'v', p.Title+"\x00"+p.Address))
	case "sendlocation":
		writeResult(w, f.sendPlace(p, 'l', strconv.FormatFloat(float64(p.Latitude), 'f', 6, 64)+","+strconv.FormatFloat(float64(p.Longitude), 'f', 6, 64)))
	case "answercallbackquery":
		f.answerCallback(p)
		writeResult(w, true)
	case "getmydescription":
		writeResult(w, map[string]string{"description": ""})
	case "getmyshortdescription":
		writeResult(w, map[string]string{"short_description": ""})
	default:
		if !knownMethods[method] {
			f.mu.Lock()
			f.stats.Unknown++
			f.mu.Unlock()
		}
		writeResult(w, true)
	}
}

// getUpdates confirms the updates before offset and hands out up to limit
// of the rest, waiting up to timeout seconds for one to come.
func (f *Fake) getUpdates(w http.ResponseWriter, r *http.Request, p params) {
	limit := int(p.Limit)
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	timeout := time.Duration(min(max(int(p.Timeout), 0), 50)) * time.Second
	var timer <-chan time.Time
	for {
		f.mu.Lock()
		f.stats.Polls++
		for f.head < len(f.queue) && f.queue[f.head].id < int(p.Offset) {
			f.queue[f.head] = nil
			f.head++
		}
		if f.head > 1024 && 2*f.head > len(f.queue) {
			f.queue = append(f.queue[:0], f.queue[f.head:]...)
			f.head = 0
		}
		n := min(limit, len(f.queue)-f.head)
		var body []byte
		if n > 0 || timeout == 0 {
			body = f.handOutLocked(f.queue[f.head : f.head+n])
		}
		wake := f.notify
		f.mu.Unlock()
		f.readyOnce.Do(func() { close(f.ready) })
		if body != nil {
			writeRaw(w, body)
			return
		}
		if timer == nil {
			t := time.NewTimer(timeout)
			defer t.Stop()
			timer = t.C
		}
		select {
		case <-wake:
		case <-timer:
			writeRaw(w, []byte(`{"ok":true,"result":[]}`))
			return
		case <-r.Context().Done():
			return
		case <-f.closed:
			writeRaw(w, []byte(`{"ok":true,"result":[]}`))
			return
		}
	}
}

// handOutLocked renders the updates (once each) into a getUpdates answer.
func (f *Fake) handOutLocked(ups []*fakeUpdate) []byte {
	size := 24
	for _, up := range ups {
		if up.raw == nil {
			up.raw = f.renderLocked(up)
			f.stats.Updates++
			if f.stats.First.IsZero() {
				f.stats.First = f.now()
			}
			if up.step == up.user.cur {
				up.user.handed = true
			}
		} else {
			f.stats.Redelivered++
		}
		size += len(up.raw) + 1
	}
	b := make([]byte, 0, size)
	b = append(b, `{"ok":true,"result":[`...)
	for i, up := range ups {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, up.raw...)
	}
	return append(b, "]}"...)
}

// renderLocked builds the update of a user's step. A press looks for its
// button in the bot's latest keyboards now, when the bot has had its say.
func (f *Fake) renderLocked(up *fakeUpdate) []byte {
	u := up.user
	s := u.script
	step := s.Steps[up.step]
	from := wireUser{ID: s.UserID, FirstName: s.FirstName, LanguageCode: s.Lang}
	chat := wireChat{ID: s.UserID, Type: "private", FirstName: s.FirstName}
	date := f.now().Unix()
	wu := wireUpdate{UpdateID: up.id}
	switch step.Kind {
	case StepPress:
		data, msgID, found := u.find(step.Press)
		if found {
			f.stats.Pressed++
		} else {
			f.stats.Synthesized++
			data = "tgbench:" + strings.ToLower(step.Press[0])
		}
		u.steps[up.step].msgID = msgID
		q := &wireCallbackQuery{ID: queryID(s.UserID, up.step), From: from, ChatInstance: "ci" + strconv.FormatInt(s.UserID, 10), Data: data}
		if msgID > 0 {
			q.Message = &wireMessage{MessageID: msgID, From: &botUser, Chat: chat, Date: date, Text: "…"}
		}
		wu.CallbackQuery = q
	default:
		u.msgs++
		u.steps[up.step].msgID = u.msgs
		m := &wireMessage{MessageID: u.msgs, From: &from, Chat: chat, Date: date}
		if step.Kind == StepLocation {
			m.Location = &wireLocation{Latitude: step.Lat, Longitude: step.Lon}
		} else {
			m.Text = step.Text
			if strings.HasPrefix(step.Text, "/") {
				cmd, _, _ := strings.Cut(step.Text, " ")
				m.Entities = []wireEntity{{Type: "bot_command", Offset: 0, Length: len([]rune(cmd))}}
			}
		}
		wu.Message = m
	}
	raw, err := json.Marshal(wu)
	if err != nil {
		panic(err) // plain structs of strings and numbers always marshal
	}
	return raw
}

// find looks for a button whose label contains one of want, newest
// keyboard first; without one, it gives the latest message.
func (u *fakeUser) find(want []string) (data string, msgID int, found bool) {
	for i := 1; i <= len(u.kbs); i++ {
		kb := &u.kbs[(u.kbNext-i+len(u.kbs))%len(u.kbs)]
		for _, b := range kb.buttons {
			for _, w := range want {
				if strings.Contains(b.label, w) {
					return b.data, kb.msgID, true
				}
			}
		}
	}
	return "", u.last, false
}

// remember keeps the inline keyboard of a message, replacing the one it had.
func (u *fakeUser) remember(msgID int, buttons []button) {
	for i := range u.kbs {
		if u.kbs[i].msgID == msgID {
			u.kbs[i].buttons = buttons
			return
		}
	}
	if len(buttons) == 0 {
		return
	}
	u.kbs[u.kbNext] = keyboard{msgID: msgID, buttons: buttons}
	u.kbNext = (u.kbNext + 1) % len(u.kbs)
}

// stepOf is the step handed out whose message is msgID (with pressed, the
// press of a button on it), or -1.
func (u *fakeUser) stepOf(msgID int, pressed bool) int {
	if msgID <= 0 {
		return -1
	}
	for i := u.cur; i >= 0; i-- {
		if u.steps[i].msgID == msgID && (u.script.Steps[i].Kind == StepPress) == pressed {
			return i
		}
	}
	return -1
}

func queryID(user int64, step int) string {
	return strconv.FormatInt(user, 10) + "_" + strconv.Itoa(step)
}

// sendMessage is sendMessage, or editMessageText when edit is set.
func (f *Fake) sendMessage(p params, edit bool) any {
	buttons := inlineButtons(p.ReplyMarkup)
	f.mu.Lock()
	defer f.mu.Unlock()
	u := f.users[int64(p.ChatID)]
	if u == nil {
		f.stats.Replies++
		f.stats.Unsolicited++
		return true
	}
	id := int(p.MessageID)
	kind := byte('e')
	step := -1
	if !edit || id <= 0 {
		u.msgs++
		id, kind = u.msgs, 'm'
		step = u.stepOf(p.replyTo(), false)
	} else {
		step = u.stepOf(id, true)
	}
	u.last = id
	if edit || buttons != nil {
		u.remember(id, buttons) // an edit without a keyboard removes it
	}
	f.replyLocked(u, step, fingerprint(kind, p.Text))
	return wireMessage{MessageID: id, From: &botUser, Chat: wireChat{ID: u.script.UserID, Type: "private"}, Date: f.now().Unix()}
}

// sendPlace is sendVenue (kind 'v') or sendLocation ('l').
func (f *Fake) sendPlace(p params, kind byte, what string) any {
	f.mu.Lock()
	defer f.mu.Unlock()
	u := f.users[int64(p.ChatID)]
	if u == nil {
		f.stats.Replies++
		f.stats.Unsolicited++
		return true
	}
	u.msgs++
	u.last = u.msgs
	f.replyLocked(u, u.stepOf(p.replyTo(), false), fingerprint(kind, what))
	return wireMessage{MessageID: u.msgs, From: &botUser, Chat: wireChat{ID: u.script.UserID, Type: "private"}, Date: f.now().Unix()}
}

// answerCallback counts the answer to a press, for the step that pressed.
func (f *Fake) answerCallback(p params) {
	f.mu.Lock()
	defer f.mu.Unlock()
	userPart, stepPart, _ := strings.Cut(p.CallbackQueryID, "_")
	id, err1 := strconv.ParseInt(userPart, 10, 64)
	step, err2 := strconv.Atoi(stepPart)
	u := f.users[id]
	if err1 != nil || err2 != nil || u == nil || step < 0 || step > u.cur {
		f.stats.Replies++
		f.stats.Unsolicited++
		return
	}
	f.replyLocked(u, step, fingerprint('c', p.CallbackQueryID))
}

// replyLocked counts a reply to a user's step. The step is known from the
// reply when it answers a button press, edits the pressed message or quotes
// the user's message; step < 0 means the latest step handed out (a bot
// cannot answer what it has not received). The first reply to the step in
// play queues the next one.
func (f *Fake) replyLocked(u *fakeUser, step int, fp uint64) {
	f.stats.Replies++
	if step < 0 {
		step = u.cur
		if !u.handed {
			step--
		}
	}
	if step < 0 {
		f.stats.Unsolicited++
		return
	}
	st := &u.steps[step]
	for _, old := range st.replies {
		if old == fp {
			f.stats.Duplicated++
			break
		}
	}
	st.replies = append(st.replies, fp)
	if st.answered {
		return
	}
	st.answered = true
	f.stats.Answered++
	if step != u.cur {
		return
	}
	if u.cur+1 < len(u.steps) {
		u.cur++
		u.handed = false
		f.enqueueLocked(u)
		return
	}
	f.left--
	f.stats.Last = f.now()
	if f.left == 0 {
		close(f.done)
	}
}

func fingerprint(kind byte, s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte{kind})
	io.WriteString(h, s)
	return h.Sum64()
}

// inlineButtons reads the buttons of an inline keyboard; nil for none (or
// a reply keyboard).
func inlineButtons(markup []byte) []button {
	if !bytes.Contains(markup, []byte("inline_keyboard")) {
		return nil
	}
	var m wireInlineMarkup
	if json.Unmarshal(markup, &m) != nil {
		return nil
	}
	var out []button
	for _, row := range m.InlineKeyboard {
		for _, b := range row {
			out = append(out, button{label: b.Text, data: b.CallbackData})
		}
	}
	return out
}

// params are the request parameters the fake reads, from a form (as
// go-telegram-bot-api sends them) or a JSON body (as grammY does).
type params struct {
	ChatID          flexInt   `json:"chat_id"`
	MessageID       flexInt   `json:"message_id"`
	Text            string    `json:"text"`
	ReplyMarkup     flexJSON  `json:"reply_markup"`
	CallbackQueryID string    `json:"callback_query_id"`
	Offset          flexInt   `json:"offset"`
	Limit           flexInt   `json:"limit"`
	Timeout         flexInt   `json:"timeout"`
	Latitude        flexFloat `json:"latitude"`
	Longitude       flexFloat `json:"longitude"`
	Title           string    `json:"title"`
	Address         string    `json:"address"`
	ReplyTo         flexInt   `json:"reply_to_message_id"`
	ReplyParameters *struct {
		MessageID flexInt `json:"message_id"`
	} `json:"reply_parameters"`
}

// replyTo is the message a reply quotes, 0 for none.
func (p params) replyTo() int {
	if p.ReplyParameters != nil && p.ReplyParameters.MessageID > 0 {
		return int(p.ReplyParameters.MessageID)
	}
	return int(p.ReplyTo)
}

func readParams(r *http.Request) (params, error) {
	var p params
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return p, err
	}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		if len(bytes.TrimSpace(body)) == 0 {
			return p, nil
		}
		return p, json.Unmarshal(body, &p)
	}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		return p, errors.New("uploads are not supported")
	}
	v, err := url.ParseQuery(string(body))
	if err != nil {
		return p, err
	}
	if r.URL.RawQuery != "" {
		q, err := url.ParseQuery(r.URL.RawQuery)
		if err != nil {
			return p, err
		}
		for k, vs := range q {
			v[k] = append(v[k], vs...)
		}
	}
	var errs []error
	num := func(key string) int64 {
		s := v.Get(key)
		if s == "" {
			return 0
		}
		n, err := strconv.ParseInt(s, 10, 64)
		errs = append(errs, err)
		return n
	}
	float := func(key string) float64 {
		s := v.Get(key)
		if s == "" {
			return 0
		}
		x, err := strconv.ParseFloat(s, 64)
		errs = append(errs, err)
		return x
	}
	p.ChatID, p.MessageID = flexInt(num("chat_id")), flexInt(num("message_id"))
	p.Offset, p.Limit, p.Timeout = flexInt(num("offset")), flexInt(num("limit")), flexInt(num("timeout"))
	p.Latitude, p.Longitude = flexFloat(float("latitude")), flexFloat(float("longitude"))
	p.Text, p.CallbackQueryID = v.Get("text"), v.Get("callback_query_id")
	p.Title, p.Address = v.Get("title"), v.Get("address")
	p.ReplyMarkup = flexJSON(v.Get("reply_markup"))
	p.ReplyTo = flexInt(num("reply_to_message_id"))
	if rp := v.Get("reply_parameters"); rp != "" {
		errs = append(errs, json.Unmarshal([]byte(rp), &p.ReplyParameters))
	}
	return p, errors.Join(errs...)
}

// flexInt is a number given as a JSON number or string.
type flexInt int64

func (n *flexInt) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	if s == "" || s == "null" {
		return nil
	}
	v, err := strconv.ParseInt(s, 10, 64)
	*n = flexInt(v)
	return err
}

// flexFloat is a number given as a JSON number or string.
type flexFloat float64

func (x *flexFloat) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	if s == "" || s == "null" {
		return nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if math.IsNaN(v) {
		return errors.New("NaN")
	}
	*x = flexFloat(v)
	return err
}

// flexJSON is a JSON object given as such or as a string holding it.
type flexJSON []byte

func (j *flexJSON) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*j = flexJSON(s)
		return nil
	}
	*j = append((*j)[:0], b...)
	return nil
}

func writeResult(w http.ResponseWriter, result any) {
	b, err := json.Marshal(struct {
		OK     bool `json:"ok"`
		Result any  `json:"result"`
	}{true, result})
	if err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	writeRaw(w, b)
}

func writeRaw(w http.ResponseWriter, b []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.Write(b)
}

func writeError(w http.ResponseWriter, code int, desc string) {
	b, _ := json.Marshal(struct {
		OK          bool   `json:"ok"`
		ErrorCode   int    `json:"error_code"`
		Description string `json:"description"`
	}{false, code, desc})
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	w.Write(b)
}

// The Bot API objects, with the fields the fake sends or reads.

type wireUser struct {
	ID            int64  `json:"id"`
	IsBot         bool   `json:"is_bot"`
	FirstName     string `json:"first_name"`
	Username      string `json:"username,omitempty"`
	LanguageCode  string `json:"language_code,omitempty"`
	CanJoinGroups bool   `json:"can_join_groups,omitempty"`
}

type wireChat struct {
	ID        int64  `json:"id"`
	Type      string `json:"type"`
	FirstName string `json:"first_name,omitempty"`
}

type wireEntity struct {
	Type   string `json:"type"`
	Offset int    `json:"offset"`
	Length int    `json:"length"`
}

type wireLocation struct {
	Latitude  float64 `json:"latitude"`
	Longitude float64 `json:"longitude"`
}

type wireMessage struct {
	MessageID int           `json:"message_id"`
	From      *wireUser     `json:"from,omitempty"`
	Chat      wireChat      `json:"chat"`
	Date      int64         `json:"date"`
	Text      string        `json:"text,omitempty"`
	Entities  []wireEntity  `json:"entities,omitempty"`
	Location  *wireLocation `json:"location,omitempty"`
}

type wireCallbackQuery struct {
	ID           string       `json:"id"`
	From         wireUser     `json:"from"`
	Message      *wireMessage `json:"message,omitempty"`
	ChatInstance string       `json:"chat_instance"`
	Data         string       `json:"data,omitempty"`
}

type wireUpdate struct {
	UpdateID      int                `json:"update_id"`
	Message       *wireMessage       `json:"message,omitempty"`
	CallbackQuery *wireCallbackQuery `json:"callback_query,omitempty"`
}

type wireInlineMarkup struct {
	InlineKeyboard [][]struct {
		Text         string `json:"text"`
		CallbackData string `json:"callback_data"`
	} `json:"inline_keyboard"`
}
