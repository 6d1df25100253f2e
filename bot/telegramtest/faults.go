package telegramtest

import (
	"fmt"
	"math"
	"net/http"
	"sort"
	"time"
)

// AllMethods, as the method of a Fault, FailNext or FailFor, makes every
// method fail, getUpdates and getMe included.
const AllMethods = "*"

// Drop says whether and when a faulty call loses its connection.
type Drop int

const (
	// NoDrop answers normally.
	NoDrop Drop = iota
	// DropBefore closes the connection without an answer before doing
	// anything: the call has no effect.
	DropBefore
	// DropAfter performs the call (the message is stored, the update
	// confirmed) and then closes the connection without an answer, so the
	// client cannot know it succeeded.
	DropAfter
)

// Fault is a misbehaviour of the server for the calls to one method, or to
// all of them. It applies to the next Calls calls or, when Calls is 0, to
// every call until the window ends: at Until, or For after Inject (on the
// server's clock, Now), or never when both are zero (until ClearFaults).
//
// A fault with a Code fails the call with that HTTP status and error_code
// and does nothing else. Otherwise the call is performed and its answer is
// delayed by Delay (real time: the client's timeouts are real), or its
// connection dropped. Delay also applies before a failure or a drop.
type Fault struct {
	Method string
	Calls  int
	Until  time.Time
	For    time.Duration

	// Code is the HTTP status and error_code of the failure; 0 for none.
	Code int
	// Description replaces Telegram's usual one for the code ("Too Many
	// Requests: retry after N" for 429, and so on) when not empty.
	Description string
	// RetryAfter is sent as parameters.retry_after when positive. A 429
	// in a time window without one says how many seconds the window has
	// left, at least 1, as Telegram's flood waits do.
	RetryAfter int

	Delay time.Duration
	Drop  Drop
}

// fault is an injected Fault as the server keeps it.
type fault struct {
	method     string
	left       int // calls left, or -1 for a time window
	until      time.Time
	code       int
	desc       string
	retryAfter int
	delay      time.Duration
	drop       Drop
}

// apiError is the failure the fault answers at time now.
func (f *fault) apiError(now time.Time) *apiError {
	retry := f.retryAfter
	if f.code == http.StatusTooManyRequests && retry <= 0 && !f.until.IsZero() {
		retry = max(1, int(math.Ceil(f.until.Sub(now).Seconds())))
	}
	desc := f.desc
	if desc == "" {
		desc = defaultDescription(f.code, retry)
	}
	return &apiError{code: f.code, desc: desc, retryAfter: retry}
}

// Inject adds a fault. Faults apply in the order they were injected: the
// first one in force for a call's method (or for AllMethods) decides.
func (s *Server) Inject(f Fault) {
	now := s.now()
	in := &fault{
		method:     f.Method,
		left:       f.Calls,
		until:      f.Until,
		code:       f.Code,
		desc:       f.Description,
		retryAfter: f.RetryAfter,
		delay:      f.Delay,
		drop:       f.Drop,
	}
	if f.Calls <= 0 {
		in.left = -1
		if f.For > 0 {
			in.until = now.Add(f.For)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if in.method != AllMethods {
		in.method = s.canonical(in.method)
	}
	s.faults = append(s.faults, in)
}

// ClearFaults removes every injected fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// FailNext makes the next n calls to method fail with the HTTP status and
// error_code code. An empty description is replaced by Telegram's usual one
// for the code ("Too Many Requests: retry after N" for 429, and so on). A
// positive retryAfter is sent as parameters.retry_after. The failing calls
// have no other effect: a failed getUpdates confirms nothing.
func (s *Server) FailNext(method string, n int, code int, description string, retryAfter int) {
	if n <= 0 {
		return
	}
	s.Inject(Fault{Method: method, Calls: n, Code: code, Description: description, RetryAfter: retryAfter})
}

// FailFor makes every call to method (or to AllMethods) fail with code for
// the duration d from now, on the server's clock: FailFor(AllMethods, 16 *
// time.Second, 429, 0) is a 16-second burst of flood waits, each telling
// the seconds left.
func (s *Server) FailFor(method string, d time.Duration, code int, retryAfter int) {
	s.Inject(Fault{Method: method, For: d, Code: code, RetryAfter: retryAfter})
}

// FailUntil is FailFor with the end of the window given as a time.
func (s *Server) FailUntil(method string, until time.Time, code int, retryAfter int) {
	s.Inject(Fault{Method: method, Until: until, Code: code, RetryAfter: retryAfter})
}

// DelayNext performs the next n calls to method and answers each of them d
// late, so that a client that times out and retries performs the call
// twice.
func (s *Server) DelayNext(method string, n int, d time.Duration) {
	if n <= 0 {
		return
	}
	s.Inject(Fault{Method: method, Calls: n, Delay: d})
}

// DropNext closes the connection of the next n calls to method without an
// answer, before or after performing them.
func (s *Server) DropNext(method string, n int, when Drop) {
	if n <= 0 || when == NoDrop {
		return
	}
	s.Inject(Fault{Method: method, Calls: n, Drop: when})
}

// takeFault returns the fault that applies to a call to method arriving at
// now, consuming one call of it, and forgets the faults that are over.
func (s *Server) takeFault(method string, now time.Time) *fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	var found *fault
	kept := s.faults[:0]
	for _, f := range s.faults {
		over := f.left == 0 || (f.left < 0 && !f.until.IsZero() && !now.Before(f.until))
		if over {
			continue
		}
		if found == nil && (f.method == method || f.method == AllMethods) {
			found = f
			if f.left > 0 {
				f.left--
			}
		}
		kept = append(kept, f)
	}
	clear(s.faults[len(kept):])
	s.faults = kept
	if found == nil {
		return nil
	}
	copied := *found
	return &copied
}

// RateLimit is the pace Telegram allows a bot, as its Bots FAQ states it:
// about 30 messages a second overall, one message a second in a chat and 20
// messages a minute in a group. A zero field is no limit.
type RateLimit struct {
	// PerSecond bounds the messages a second to all chats together.
	PerSecond int
	// PerChatPerSecond bounds the messages a second to one chat.
	PerChatPerSecond int
	// PerGroupPerMinute bounds the messages a minute to one group or
	// supergroup.
	PerGroupPerMinute int
}

// TelegramRateLimit is the pace of the Bots FAQ.
var TelegramRateLimit = RateLimit{PerSecond: 30, PerChatPerSecond: 1, PerGroupPerMinute: 20}

// LimitRate applies rate limits to the methods that send a message
// (sendMessage, sendPhoto, sendDocument, sendLocation, sendVenue,
// copyMessage) and to the edits of one, which count towards a chat's
// limit too ("editing of the message in question is still subject to per
// chat limits", tdlib/telegram-bot-api#648; answerCallbackQuery is not
// limited): a message over a limit fails with 429 and a retry_after
// telling when it would pass. The zero RateLimit, the default, switches
// them off. Limits are measured on the server's clock (Now).
func (s *Server) LimitRate(l RateLimit) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.limits = l
}

// sendLog remembers when recent messages were sent, for the rate limits:
// the times of the last second overall and, per chat, of the last minute.
type sendLog struct {
	all    []time.Time
	byChat map[int64][]time.Time
}

func newSendLog() sendLog {
	return sendLog{byChat: make(map[int64][]time.Time)}
}

// checkRateLocked reports the 429 for a message to chatID at now, if a limit
// forbids it; otherwise it counts the message.
func (s *Server) checkRateLocked(chatID int64, now time.Time) *apiError {
	l := s.limits
	if l == (RateLimit{}) {
		return nil
	}
	second, minute := now.Add(-time.Second), now.Add(-time.Minute)
	s.sent.all = dropBefore(s.sent.all, second)
	times := dropBefore(s.sent.byChat[chatID], minute)
	s.sent.byChat[chatID] = times

	wait := time.Duration(0)
	if l.PerSecond > 0 && len(s.sent.all) >= l.PerSecond {
		wait = max(wait, s.sent.all[len(s.sent.all)-l.PerSecond].Sub(second))
	}
	recent := times[sort.Search(len(times), func(i int) bool { return times[i].After(second) }):]
	if l.PerChatPerSecond > 0 && len(recent) >= l.PerChatPerSecond {
		wait = max(wait, recent[len(recent)-l.PerChatPerSecond].Sub(second))
	}
	if l.PerGroupPerMinute > 0 && chatID < 0 && len(times) >= l.PerGroupPerMinute {
		wait = max(wait, times[len(times)-l.PerGroupPerMinute].Sub(minute))
	}
	if wait > 0 {
		retry := max(1, int(math.Ceil(wait.Seconds())))
		return &apiError{code: http.StatusTooManyRequests, desc: fmt.Sprintf("Too Many Requests: retry after %d", retry), retryAfter: retry}
	}
	s.sent.all = append(s.sent.all, now)
	s.sent.byChat[chatID] = append(times, now)
	return nil
}

// dropBefore removes the leading times not after t from a sorted slice.
func dropBefore(times []time.Time, t time.Time) []time.Time {
	i := sort.Search(len(times), func(i int) bool { return times[i].After(t) })
	if i == 0 {
		return times
	}
	return append(times[:0], times[i:]...)
}

// Duplicate is a text the bot sent more than once to the same chat.
type Duplicate struct {
	ChatID int64
	// Text is the text (or caption) as the user reads it.
	Text  string
	Count int
}

// Duplicates returns every text (or caption) that appears more than once
// among the bot's messages in a chat, ordered by chat and then by the first
// time it was sent. Edits count as the text they leave.
func (s *Server) Duplicates() []Duplicate {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := make([]int64, 0, len(s.chats))
	for id := range s.chats {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	var out []Duplicate
	for _, id := range ids {
		counts := map[string]int{}
		var order []string
		for _, m := range s.chats[id].msgs {
			text := m.Plain
			if text == "" {
				text = m.CaptionPlain
			}
			if text == "" {
				continue
			}
			if counts[text] == 0 {
				order = append(order, text)
			}
			counts[text]++
		}
		for _, text := range order {
			if counts[text] > 1 {
				out = append(out, Duplicate{ChatID: id, Text: text, Count: counts[text]})
			}
		}
	}
	return out
}

// MessageCounts returns how many messages each chat has, as Messages
// returns them, for the chats that have any.
func (s *Server) MessageCounts() map[int64]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[int64]int, len(s.chats))
	for id, c := range s.chats {
		if len(c.msgs) > 0 {
			out[id] = len(c.msgs)
		}
	}
	return out
}

// CallsPerSecond counts the calls to method (or to AllMethods) second by
// second, on the server's clock, from the second of the first one: element
// i is the number of calls that arrived in the i-th second.
func (s *Server) CallsPerSecond(method string) []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	var times []time.Time
	if method == AllMethods {
		for _, c := range s.calls {
			times = append(times, c.At)
		}
	} else {
		for _, i := range s.callsBy[s.canonical(method)] {
			times = append(times, s.calls[i].At)
		}
	}
	if len(times) == 0 {
		return []int{}
	}
	sort.Slice(times, func(i, j int) bool { return times[i].Before(times[j]) })
	start := times[0].Truncate(time.Second)
	out := make([]int, int(times[len(times)-1].Sub(start)/time.Second)+1)
	for _, t := range times {
		out[int(t.Sub(start)/time.Second)]++
	}
	return out
}
