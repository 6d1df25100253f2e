// Package telegramtest provides a fake Telegram Bot API server for tests,
// in the manner of net/http/httptest.
//
// The server speaks the Bot API wire format as
// github.com/go-telegram-bot-api/telegram-bot-api/v5 sends and parses it:
// requests are POSTs (or GETs) to <URL>/bot<token>/<method> with
// form-encoded or JSON parameters, and answers are
// {"ok":true,"result":…} or {"ok":false,"error_code":N,"description":…}
// with the matching HTTP status. getUpdates does real long polling with
// offsets, so a bot's production polling loop can run against it unchanged.
//
// Tests play the users with SendText, SendLocation, Press and PressLabel,
// read what the bot sent with Messages and WaitMessages, and inject failures
// with FailNext and Block. Every method is safe for concurrent use.
package telegramtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// ErrClosed is returned by the Wait methods when the server is closed while
// they wait.
var ErrClosed = errors.New("telegramtest: server closed")

// User is a Telegram user played by a test. Its ID is also the ID of its
// private chat with the bot.
type User struct {
	ID           int64
	FirstName    string
	Username     string
	LanguageCode string
}

// Call is one request the server received, in the order the requests
// completed.
type Call struct {
	// Method is the Bot API method, spelled as in the documentation for the
	// methods the fake knows (Telegram matches method names without regard
	// to case) and as requested otherwise.
	Method string
	// Params holds the request parameters.
	Params url.Values
	// Status is the HTTP status of the answer.
	Status int
	// Error is the description of a failed call, empty on success.
	Error string
	// At is when the request arrived.
	At time.Time
}

// apiError is a Bot API failure: an HTTP status, which is also the
// error_code, a description and an optional retry_after.
type apiError struct {
	code       int
	desc       string
	retryAfter int
}

func badRequest(format string, args ...any) *apiError {
	return &apiError{code: http.StatusBadRequest, desc: "Bad Request: " + fmt.Sprintf(format, args...)}
}

var (
	errNotFound     = &apiError{code: http.StatusNotFound, desc: "Not Found"}
	errUnauthorized = &apiError{code: http.StatusUnauthorized, desc: "Unauthorized"}
	errBlocked      = &apiError{code: http.StatusForbidden, desc: "Forbidden: bot was blocked by the user"}
)

// handler serves one Bot API method. It returns the result to put in the
// envelope, or the failure.
type handler func(ctx context.Context, p url.Values) (any, *apiError)

// injected is a failure queued by FailNext.
type injected struct {
	left int
	err  apiError
}

// Server is a fake Telegram Bot API server listening on 127.0.0.1.
type Server struct {
	token   string
	me      wireUser
	ts      *httptest.Server
	methods map[string]string  // lower-case name → documented name
	routes  map[string]handler // documented name → handler
	done    chan struct{}
	close   sync.Once

	// Now tells the time used for message dates. It defaults to time.Now
	// and may be replaced before the first request.
	Now func() time.Time

	mu      sync.Mutex
	changed chan struct{} // closed and replaced on every change of state

	calls    []Call
	failures map[string][]*injected
	blocked  map[int64]bool
	users    map[int64]User

	nextUpdateID int
	pending      []pendingUpdate
	allowed      []string
	pollGen      int
	polling      int

	chats     map[int64]*chatState
	nextQuery int64
	queries   map[string]*callbackQuery
	pressed   []string

	commands   map[commandKey][]Command
	webhookURL string
}

// NewServer starts a fake Bot API server that accepts token. The bot's ID is
// the number before the colon of the token when there is one, as with real
// tokens, and 1 otherwise. The caller must call Close when done.
func NewServer(token string) *Server {
	id := int64(1)
	if before, _, ok := strings.Cut(token, ":"); ok {
		if n, err := strconv.ParseInt(before, 10, 64); err == nil && n > 0 {
			id = n
		}
	}
	s := &Server{
		token:        token,
		me:           wireUser{ID: id, IsBot: true, FirstName: "Test Bot", Username: "telegramtest_bot", CanJoinGroups: true},
		done:         make(chan struct{}),
		Now:          time.Now,
		changed:      make(chan struct{}),
		failures:     make(map[string][]*injected),
		blocked:      make(map[int64]bool),
		users:        make(map[int64]User),
		nextUpdateID: 1,
		chats:        make(map[int64]*chatState),
		queries:      make(map[string]*callbackQuery),
		commands:     make(map[commandKey][]Command),
	}
	s.routes = map[string]handler{
		"getMe":                  s.getMe,
		"getUpdates":             s.getUpdates,
		"sendMessage":            s.sendMessage,
		"editMessageText":        s.editMessageText,
		"editMessageReplyMarkup": s.editMessageReplyMarkup,
		"answerCallbackQuery":    s.answerCallbackQuery,
		"sendLocation":           s.sendLocation,
		"sendVenue":              s.sendVenue,
		"setMyCommands":          s.setMyCommands,
		"getMyCommands":          s.getMyCommands,
		"deleteMyCommands":       s.deleteMyCommands,
		"setWebhook":             s.setWebhook,
		"deleteWebhook":          s.deleteWebhook,
		"getWebhookInfo":         s.getWebhookInfo,
	}
	s.methods = make(map[string]string, len(s.routes))
	for name := range s.routes {
		s.methods[strings.ToLower(name)] = name
	}
	s.ts = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	return s
}

// Close ends pending long polls and shuts the server down, blocking until
// all outstanding requests have completed.
func (s *Server) Close() {
	s.close.Do(func() { close(s.done) })
	s.ts.Close()
}

// URL returns the base URL of the server, without a trailing slash. The bot
// appends /bot<token>/<method> to it.
func (s *Server) URL() string {
	return s.ts.URL
}

// Me returns the bot user that getMe reports.
func (s *Server) Me() User {
	return User{ID: s.me.ID, FirstName: s.me.FirstName, Username: s.me.Username}
}

// Calls returns every request received so far, in the order they completed.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.callsLocked("")
}

// CallsTo returns the requests received so far for one method.
func (s *Server) CallsTo(method string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.callsLocked(method)
}

// WaitCalls blocks until at least n requests for method have completed and
// returns them, or returns an error when ctx ends first.
func (s *Server) WaitCalls(ctx context.Context, method string, n int) ([]Call, error) {
	var got []Call
	err := s.wait(ctx, func() bool {
		got = s.callsLocked(method)
		return len(got) >= n
	})
	if err != nil {
		return got, fmt.Errorf("telegramtest: waiting for %d calls to %s, have %d: %w", n, method, len(got), err)
	}
	return got, nil
}

func (s *Server) callsLocked(method string) []Call {
	out := []Call{}
	for _, c := range s.calls {
		if method == "" || c.Method == method {
			c.Params = cloneValues(c.Params)
			out = append(out, c)
		}
	}
	return out
}

// FailNext makes the next n calls to method fail with the HTTP status and
// error_code code. An empty description is replaced by Telegram's usual one
// for the code ("Too Many Requests: retry after N" for 429, and so on). A
// positive retryAfter is sent as parameters.retry_after. The failing calls
// have no other effect: a failed getUpdates confirms nothing.
func (s *Server) FailNext(method string, n int, code int, description string, retryAfter int) {
	if description == "" {
		description = defaultDescription(code, retryAfter)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if canonical, ok := s.methods[strings.ToLower(method)]; ok {
		method = canonical
	}
	s.failures[method] = append(s.failures[method], &injected{
		left: n,
		err:  apiError{code: code, desc: description, retryAfter: retryAfter},
	})
}

func defaultDescription(code, retryAfter int) string {
	switch code {
	case http.StatusTooManyRequests:
		return fmt.Sprintf("Too Many Requests: retry after %d", retryAfter)
	case http.StatusForbidden:
		return "Forbidden: bot was blocked by the user"
	case http.StatusBadRequest:
		return "Bad Request"
	case http.StatusUnauthorized:
		return "Unauthorized"
	case http.StatusNotFound:
		return "Not Found"
	case http.StatusConflict:
		return "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
	default:
		if text := http.StatusText(code); text != "" {
			return text
		}
		return "Internal Server Error"
	}
}

// Block makes the user block the bot: from now on every message sent or
// edited in the user's chat fails with 403 "Forbidden: bot was blocked by
// the user".
func (s *Server) Block(userID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.blocked[userID] = true
}

// Unblock undoes Block, as when the user restarts the bot.
func (s *Server) Unblock(userID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.blocked, userID)
}

// serveHTTP routes /bot<token>/<method>, records the call and writes the
// answer.
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	at := time.Now()
	name := ""
	params := url.Values{}
	result, aerr := func() (any, *apiError) {
		rest, ok := strings.CutPrefix(r.URL.Path, "/bot")
		if !ok {
			return nil, errNotFound
		}
		token, method, ok := strings.Cut(rest, "/")
		if !ok || method == "" {
			return nil, errNotFound
		}
		name = method
		if canonical, ok := s.methods[strings.ToLower(method)]; ok {
			name = canonical
		}
		if token != s.token {
			return nil, errUnauthorized
		}
		p, aerr := readParams(r)
		if aerr != nil {
			return nil, aerr
		}
		params = p
		route, ok := s.routes[name]
		if !ok {
			return nil, errNotFound
		}
		if aerr := s.takeFailure(name); aerr != nil {
			return nil, aerr
		}
		return route(r.Context(), p)
	}()

	resp := apiResponse{OK: true, Result: result}
	status := http.StatusOK
	if aerr != nil {
		status = aerr.code
		resp = apiResponse{ErrorCode: aerr.code, Description: aerr.desc}
		if aerr.retryAfter > 0 {
			resp.Parameters = &apiParameters{RetryAfter: aerr.retryAfter}
		}
	}
	body, err := json.Marshal(resp)
	if err != nil {
		status = http.StatusInternalServerError
		resp = apiResponse{ErrorCode: status, Description: "Internal Server Error: " + err.Error()}
		body, _ = json.Marshal(resp)
	}

	if name != "" {
		s.mu.Lock()
		s.calls = append(s.calls, Call{Method: name, Params: params, Status: status, Error: resp.Description, At: at})
		s.notifyLocked()
		s.mu.Unlock()
	}

	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// readParams collects the parameters from the query string and from a
// form-encoded or JSON body. Uploads are refused: the bot sends no files.
func readParams(r *http.Request) (url.Values, *apiError) {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "multipart/form-data":
		return nil, badRequest("file uploads are not supported by telegramtest")
	case "application/json":
		p := r.URL.Query()
		var body map[string]json.RawMessage
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			return nil, badRequest("can't parse JSON request body: %v", err)
		}
		for k, raw := range body {
			var str string
			if err := json.Unmarshal(raw, &str); err == nil {
				p.Set(k, str)
			} else {
				p.Set(k, string(raw))
			}
		}
		return p, nil
	default:
		if err := r.ParseForm(); err != nil {
			return nil, badRequest("can't parse request parameters: %v", err)
		}
		return r.Form, nil
	}
}

// takeFailure consumes one failure injected for method, if any.
func (s *Server) takeFailure(method string) *apiError {
	s.mu.Lock()
	defer s.mu.Unlock()
	queue := s.failures[method]
	for len(queue) > 0 && queue[0].left <= 0 {
		queue = queue[1:]
	}
	s.failures[method] = queue
	if len(queue) == 0 {
		return nil
	}
	queue[0].left--
	e := queue[0].err
	return &e
}

// notifyLocked wakes everything waiting for a change of state. The caller
// holds s.mu.
func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// wait blocks until cond, called with s.mu held, reports true, or until ctx
// ends or the server closes.
func (s *Server) wait(ctx context.Context, cond func() bool) error {
	for {
		s.mu.Lock()
		ok := cond()
		changed := s.changed
		s.mu.Unlock()
		if ok {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return ctx.Err()
		case <-s.done:
			return ErrClosed
		}
	}
}

func (s *Server) getMe(context.Context, url.Values) (any, *apiError) {
	return s.me, nil
}

// Parameter helpers.

func intParam(p url.Values, name string, def int64) (int64, *apiError) {
	v := strings.TrimSpace(p.Get(name))
	if v == "" {
		return def, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, badRequest("invalid %s specified", name)
	}
	return n, nil
}

func floatParam(p url.Values, name string) (float64, *apiError) {
	v := strings.TrimSpace(p.Get(name))
	if v == "" {
		// The library leaves out zero coordinates; Telegram reads them as 0.
		return 0, nil
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return 0, badRequest("invalid %s specified", name)
	}
	return f, nil
}

func boolParam(p url.Values, name string) bool {
	b, err := strconv.ParseBool(p.Get(name))
	return err == nil && b
}

// chatIDParam reads chat_id. The fake only has private chats, so an
// @username never names a chat.
func chatIDParam(p url.Values) (int64, *apiError) {
	v := strings.TrimSpace(p.Get("chat_id"))
	if v == "" {
		return 0, badRequest("chat_id is empty")
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id == 0 {
		return 0, badRequest("chat not found")
	}
	return id, nil
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}
