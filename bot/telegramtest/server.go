package telegramtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
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
	// Params holds the request parameters. Uploaded files are not among
	// them: their field names are in Files.
	Params url.Values
	// Files names the multipart fields that carried a file.
	Files []string
	// Status is the HTTP status of the answer; 0 when the connection was
	// dropped without one.
	Status int
	// Error is the description of a failed call, empty on success.
	Error string
	// At is when the request arrived, on the server's clock (Now).
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
	errTooLarge     = &apiError{code: http.StatusRequestEntityTooLarge, desc: "Request Entity Too Large"}
)

// maxUploadSize is the largest request the Bot API accepts: 50 MB for
// files sent by bots (core.telegram.org/bots/api#sending-files).
const maxUploadSize = 50 << 20

// request is one Bot API call as a handler sees it.
type request struct {
	ctx    context.Context
	params url.Values
	files  map[string]upload
}

// upload is a file part of a multipart request.
type upload struct {
	name        string
	contentType string
	data        []byte
}

// handler serves one Bot API method. It returns the result to put in the
// envelope, or the failure.
type handler func(r *request) (any, *apiError)

// Server is a fake Telegram Bot API server listening on 127.0.0.1.
type Server struct {
	token     string
	maxUpload int64 // maxUploadSize; smaller in the package's own tests
	ts        *httptest.Server
	methods   map[string]string  // lower-case name → documented name
	routes    map[string]handler // documented name → handler
	done      chan struct{}
	close     sync.Once

	// Now tells the time used for message dates, call times, failure
	// windows and rate limits. It defaults to time.Now and may be replaced
	// before the first request; the delays of slow answers are real time.
	Now func() time.Time

	mu      sync.Mutex
	me      wireUser
	changed chan struct{} // closed and replaced on every change of state
	updated chan struct{} // the same, for changes that concern getUpdates

	calls    []Call
	callsBy  map[string][]int // method → indexes in calls
	faults   []*fault
	limits   RateLimit
	sent     sendLog
	blocked  map[int64]bool
	users    map[int64]User
	groups   map[int64]*groupState
	privacy  bool
	feedback bool

	nextUpdateID int
	pending      []pendingUpdate
	allowed      []string
	pollGen      int
	polling      int

	chats     map[int64]*chatState
	nextQuery int64
	queries   map[string]*callbackQuery
	pressed   []string
	inline    map[string]*inlineQuery
	files     map[string]*File
	nextFile  int64

	commands     map[commandKey][]Command
	descriptions map[string]string // language code → description
	shorts       map[string]string // language code → short description
	webhookURL   string
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
		token:     token,
		maxUpload: maxUploadSize,
		me: wireUser{
			ID: id, IsBot: true, FirstName: "Test Bot", Username: "telegramtest_bot",
			CanJoinGroups: true, SupportsInlineQueries: true,
		},
		done:         make(chan struct{}),
		Now:          time.Now,
		changed:      make(chan struct{}),
		updated:      make(chan struct{}),
		callsBy:      make(map[string][]int),
		sent:         newSendLog(),
		blocked:      make(map[int64]bool),
		users:        make(map[int64]User),
		groups:       make(map[int64]*groupState),
		privacy:      true,
		nextUpdateID: 1,
		chats:        make(map[int64]*chatState),
		queries:      make(map[string]*callbackQuery),
		inline:       make(map[string]*inlineQuery),
		files:        make(map[string]*File),
		commands:     make(map[commandKey][]Command),
		descriptions: make(map[string]string),
		shorts:       make(map[string]string),
	}
	s.routes = map[string]handler{
		"getMe":                  s.getMe,
		"getUpdates":             s.getUpdates,
		"sendMessage":            s.sendMessage,
		"sendPhoto":              s.sendPhoto,
		"sendDocument":           s.sendDocument,
		"copyMessage":            s.copyMessage,
		"sendChatAction":         s.sendChatAction,
		"editMessageText":        s.editMessageText,
		"editMessageReplyMarkup": s.editMessageReplyMarkup,
		"answerCallbackQuery":    s.answerCallbackQuery,
		"answerInlineQuery":      s.answerInlineQuery,
		"sendLocation":           s.sendLocation,
		"sendVenue":              s.sendVenue,
		"setMyCommands":          s.setMyCommands,
		"getMyCommands":          s.getMyCommands,
		"deleteMyCommands":       s.deleteMyCommands,
		"setMyDescription":       s.setMyDescription,
		"getMyDescription":       s.getMyDescription,
		"setMyShortDescription":  s.setMyShortDescription,
		"getMyShortDescription":  s.getMyShortDescription,
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
	s.mu.Lock()
	defer s.mu.Unlock()
	return User{ID: s.me.ID, FirstName: s.me.FirstName, Username: s.me.Username}
}

func (s *Server) now() time.Time {
	return s.Now()
}

// Calls returns every request received so far, in the order they completed.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Call, 0, len(s.calls))
	for _, c := range s.calls {
		out = append(out, c.clone())
	}
	return out
}

// CallsTo returns the requests received so far for one method.
func (s *Server) CallsTo(method string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.callsToLocked(s.canonical(method))
}

// WaitCalls blocks until at least n requests for method have completed and
// returns them, or returns an error when ctx ends first.
func (s *Server) WaitCalls(ctx context.Context, method string, n int) ([]Call, error) {
	method = s.canonical(method)
	have := 0
	err := s.wait(ctx, func() bool {
		have = len(s.callsBy[method])
		return have >= n
	})
	s.mu.Lock()
	got := s.callsToLocked(method)
	s.mu.Unlock()
	if err != nil {
		return got, fmt.Errorf("telegramtest: waiting for %d calls to %s, have %d: %w", n, method, have, err)
	}
	return got, nil
}

func (s *Server) callsToLocked(method string) []Call {
	idx := s.callsBy[method]
	out := make([]Call, 0, len(idx))
	for _, i := range idx {
		out = append(out, s.calls[i].clone())
	}
	return out
}

func (c Call) clone() Call {
	c.Params = cloneValues(c.Params)
	c.Files = append([]string(nil), c.Files...)
	return c
}

// canonical spells a method name as the documentation does, when the fake
// knows it.
func (s *Server) canonical(method string) string {
	if name, ok := s.methods[strings.ToLower(method)]; ok {
		return name
	}
	return method
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

// Block makes the user block the bot without telling the bot: from now on
// every message sent or edited in the user's chat fails with 403
// "Forbidden: bot was blocked by the user". BlockBot does the same and also
// sends the my_chat_member update Telegram sends.
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

// serveHTTP routes /bot<token>/<method>, applies the injected faults,
// records the call and writes the answer.
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	at := s.now()
	name := ""
	req := &request{ctx: r.Context(), params: url.Values{}}
	var f *fault
	result, aerr := func() (any, *apiError) {
		rest, ok := strings.CutPrefix(r.URL.Path, "/bot")
		if !ok {
			return nil, errNotFound
		}
		token, method, ok := strings.Cut(rest, "/")
		if !ok || method == "" {
			return nil, errNotFound
		}
		name = s.canonical(method)
		if token != s.token {
			return nil, errUnauthorized
		}
		if aerr := readParams(w, r, req, s.maxUpload); aerr != nil {
			return nil, aerr
		}
		route, ok := s.routes[name]
		if !ok {
			return nil, errNotFound
		}
		f = s.takeFault(name, at)
		if f != nil && f.code != 0 {
			return nil, f.apiError(at)
		}
		if f != nil && f.drop == DropBefore {
			return nil, nil
		}
		return route(req)
	}()

	if f != nil && f.delay > 0 {
		s.sleep(r.Context(), f.delay)
	}
	if f != nil && f.drop != NoDrop {
		s.record(name, req, at, 0, "connection dropped")
		dropConnection(w)
		return
	}

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
	s.record(name, req, at, status, resp.Description)

	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// record appends a call to the log.
func (s *Server) record(name string, req *request, at time.Time, status int, desc string) {
	if name == "" {
		return
	}
	var files []string
	for field := range req.files {
		files = append(files, field)
	}
	sort.Strings(files)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.callsBy[name] = append(s.callsBy[name], len(s.calls))
	s.calls = append(s.calls, Call{Method: name, Params: req.params, Files: files, Status: status, Error: desc, At: at})
	s.notifyLocked()
}

// sleep waits d, or less when the client goes away or the server closes.
func (s *Server) sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	case <-s.done:
	}
}

// dropConnection closes the client's connection without an answer.
func dropConnection(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}

// readParams collects the parameters from the query string and from a
// form-encoded, multipart or JSON body.
func readParams(w http.ResponseWriter, r *http.Request, req *request, limit int64) *apiError {
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	ct, ctParams, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "multipart/form-data":
		req.params = r.URL.Query()
		req.files = make(map[string]upload)
		mr := multipart.NewReader(r.Body, ctParams["boundary"])
		for {
			part, err := mr.NextPart()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return tooLargeOr(err, badRequest("can't parse multipart request: %v", err))
			}
			data, err := io.ReadAll(part)
			if err != nil {
				return tooLargeOr(err, badRequest("can't parse multipart request: %v", err))
			}
			if part.FileName() != "" {
				req.files[part.FormName()] = upload{name: part.FileName(), contentType: part.Header.Get("Content-Type"), data: data}
			} else {
				req.params.Set(part.FormName(), string(data))
			}
		}
	case "application/json":
		req.params = r.URL.Query()
		var body map[string]json.RawMessage
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			return tooLargeOr(err, badRequest("can't parse JSON request body: %v", err))
		}
		for k, raw := range body {
			var str string
			if err := json.Unmarshal(raw, &str); err == nil {
				req.params.Set(k, str)
			} else {
				req.params.Set(k, string(raw))
			}
		}
		return nil
	default:
		if err := r.ParseForm(); err != nil {
			return tooLargeOr(err, badRequest("can't parse request parameters: %v", err))
		}
		req.params = r.Form
		return nil
	}
}

func tooLargeOr(err error, other *apiError) *apiError {
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return errTooLarge
	}
	return other
}

// notifyLocked wakes everything waiting for a change of state. The caller
// holds s.mu.
func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// notifyUpdatesLocked wakes the long polls as well: the queue of updates,
// the webhook or the generation of polls changed.
func (s *Server) notifyUpdatesLocked() {
	close(s.updated)
	s.updated = make(chan struct{})
	s.notifyLocked()
}

// wait blocks until cond, called with s.mu held, reports true, or until ctx
// ends or the server closes.
func (s *Server) wait(ctx context.Context, cond func() bool) error {
	return s.waitOn(ctx, cond, func() chan struct{} { return s.changed })
}

// waitOn is wait with the channel to watch, read with s.mu held.
func (s *Server) waitOn(ctx context.Context, cond func() bool, ch func() chan struct{}) error {
	for {
		s.mu.Lock()
		ok := cond()
		changed := ch()
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

func (s *Server) getMe(*request) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	me := s.me
	me.CanReadAllGroupMessages = !s.privacy
	return me, nil
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

// chatIDParam reads chat_id, or another parameter naming a chat. The fake
// knows no public usernames, so an @username never names a chat.
func chatIDParam(p url.Values, name string) (int64, *apiError) {
	v := strings.TrimSpace(p.Get(name))
	if v == "" {
		if name == "chat_id" {
			return 0, badRequest("chat_id is empty")
		}
		return 0, badRequest("parameter %q is required", name)
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
