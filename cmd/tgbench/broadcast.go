package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/comune-seregno/coworkbot/registry"
)

// The broadcast bench (issue 12): serve drains one announcement to n
// subscribers at -broadcast-rate against a loopback fake Bot API that
// records when each message arrives and answers one 429 halfway.
//
//	go run ./cmd/tgbench -broadcast 100000 -broadcast-rate 1000
//	go run ./cmd/tgbench -broadcast 1500 -broadcast-rate 25
//
// It reports the rate achieved between the 5th and the 95th percentile of
// the arrivals (so that the start-up and the last claim do not count),
// against the configured one; whether the flood wait was obeyed (no
// message for retry_after after the 429); serve's peak resident memory and
// CPU; and how much the database grew when the announcement was confirmed.

// broadcastSender is the staff member who sends the announcement: the
// messages to their chat are the progress report, not deliveries.
const broadcastSender = 1

// floodWait is the retry_after of the fake's one 429.
const floodWait = 1 * time.Second

// broadcastFake answers what serve calls: getMe, an empty getUpdates after
// a short wait, the set-up calls with true, and records every message sent
// to a subscriber.
type broadcastFake struct {
	total int

	mu       sync.Mutex
	arrivals []time.Time // of the deliveries, in order
	seen     map[int64]int
	flooded  time.Time // when the 429 was answered
	msgID    int
	finished chan struct{}
}

func (f *broadcastFake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rest, _ := strings.CutPrefix(r.URL.Path, "/bot")
	_, method, _ := strings.Cut(rest, "/")
	method = strings.ToLower(method)
	p, err := readParams(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, "Bad Request: "+err.Error())
		return
	}
	switch method {
	case "getme":
		writeResult(w, botUser)
	case "getupdates":
		select {
		case <-time.After(time.Second):
		case <-r.Context().Done():
		}
		writeResult(w, []any{})
	case "sendmessage", "copymessage", "editmessagetext":
		chat := int64(p.ChatID)
		if chat == broadcastSender {
			writeResult(w, f.message(chat))
			return
		}
		f.mu.Lock()
		if len(f.arrivals) == f.total/2 && f.flooded.IsZero() {
			f.flooded = time.Now()
			f.mu.Unlock()
			writeJSON(w, http.StatusTooManyRequests, map[string]any{"ok": false, "error_code": 429,
				"description": fmt.Sprintf("Too Many Requests: retry after %d", int(floodWait/time.Second)),
				"parameters":  map[string]any{"retry_after": int(floodWait / time.Second)}})
			return
		}
		f.arrivals = append(f.arrivals, time.Now())
		f.seen[chat]++
		if len(f.seen) == f.total && f.finished != nil {
			close(f.finished)
			f.finished = nil
		}
		f.mu.Unlock()
		writeResult(w, f.message(chat))
	case "getmydescription", "getmyshortdescription":
		writeResult(w, map[string]string{"description": "", "short_description": ""})
	case "getmycommands":
		writeResult(w, []any{})
	default:
		writeResult(w, true)
	}
}

func (f *broadcastFake) message(chat int64) any {
	f.mu.Lock()
	f.msgID++
	id := f.msgID
	f.mu.Unlock()
	return wireMessage{MessageID: id, From: &botUser, Chat: wireChat{ID: chat, Type: "private"}, Date: time.Now().Unix()}
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}

// BroadcastResult is one broadcast bench run.
type BroadcastResult struct {
	Subscribers   int     `json:"subscribers"`
	Rate          float64 `json:"rate"`           // configured, messages a second
	Achieved      float64 `json:"achieved"`       // between the 5th and 95th percentiles of the arrivals
	Seconds       float64 `json:"seconds"`        // from the first delivery to the last
	Duplicates    int     `json:"duplicates"`     // messages to a chat beyond its first
	FloodGap      float64 `json:"flood_gap"`      // seconds from the 429 to the next message
	PeakRSSMB     float64 `json:"peak_rss_mb"`    // serve's
	CPUSeconds    float64 `json:"cpu_seconds"`    // serve's, the whole run
	DBGrowthMB    float64 `json:"db_growth_mb"`   // when the announcement was confirmed
	ConfirmMillis float64 `json:"confirm_millis"` // the confirming transaction
}

// runBroadcast is tgbench -broadcast N.
func runBroadcast(ctx context.Context, cfg Config, root string, stdout, stderr io.Writer) error {
	tmp, err := os.MkdirTemp("", "tgbench-broadcast-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	fmt.Fprintln(stderr, "tgbench: go build ./cmd/coworkbot")
	if err := runCmd(ctx, root, "go", "build", "-o", tmp+string(filepath.Separator), "./cmd/coworkbot"); err != nil {
		return err
	}
	dbPath := filepath.Join(tmp, "registry.db")
	fmt.Fprintf(stderr, "tgbench: %d subscribers… ", cfg.Broadcast)
	res := BroadcastResult{Subscribers: cfg.Broadcast, Rate: cfg.BroadcastRate}
	if err := broadcastRegistry(ctx, dbPath, cfg.Broadcast, &res); err != nil {
		return err
	}
	fmt.Fprintln(stderr, "written")

	fake := &broadcastFake{total: cfg.Broadcast, seen: map[int64]int{}, finished: make(chan struct{})}
	done := fake.finished
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: fake}
	go srv.Serve(ln)
	defer srv.Close()
	load := loadAvg()
	p, err := startBot([]string{filepath.Join(tmp, "coworkbot"), "serve", "-db", dbPath, "-api-endpoint", "http://" + ln.Addr().String(),
		"-poll-timeout", "1s", "-broadcast-rate", fmt.Sprint(cfg.BroadcastRate)}, tmp, []string{"TELEGRAM_BOT_TOKEN=" + token}, filepath.Join(tmp, "serve.log"))
	if err != nil {
		return err
	}
	// Long enough for the whole broadcast at half the rate.
	limit := time.Duration(float64(cfg.Broadcast)/cfg.BroadcastRate*2*float64(time.Second)) + time.Minute
	select {
	case <-done:
	case <-p.exited:
		return fmt.Errorf("serve stopped: %v\n%s", p.err, p.tail())
	case <-time.After(limit):
		p.stop(5 * time.Second)
		return fmt.Errorf("serve sent %d of %d in %v", len(fake.seen), cfg.Broadcast, limit)
	case <-ctx.Done():
		p.stop(5 * time.Second)
		return ctx.Err()
	}
	time.Sleep(2 * time.Second) // anything late would be a duplicate
	if u, err := readUsage(p.pid()); err == nil {
		res.PeakRSSMB, res.CPUSeconds = float64(u.PeakRSS)/(1<<20), u.CPU.Seconds()
	}
	p.stop(10 * time.Second)

	fake.mu.Lock()
	arr := slices.Clone(fake.arrivals)
	for _, n := range fake.seen {
		res.Duplicates += n - 1
	}
	flooded := fake.flooded
	fake.mu.Unlock()
	lo, hi := len(arr)*5/100, len(arr)*95/100
	if hi > lo {
		span := arr[hi].Sub(arr[lo])
		if !flooded.IsZero() && flooded.After(arr[lo]) && flooded.Before(arr[hi]) {
			// The flood wait is Telegram's pause, not the bot's pace.
			if i, _ := slices.BinarySearchFunc(arr, flooded, func(t, target time.Time) int { return t.Compare(target) }); i < len(arr) {
				span -= arr[i].Sub(arr[i-1])
			}
		}
		res.Achieved = float64(hi-lo) / span.Seconds()
	}
	res.Seconds = arr[len(arr)-1].Sub(arr[0]).Seconds()
	if !flooded.IsZero() {
		if i, ok := slices.BinarySearchFunc(arr, flooded, func(t, target time.Time) int { return t.Compare(target) }); ok || i < len(arr) {
			res.FloodGap = arr[i].Sub(flooded).Seconds()
		}
	}
	fmt.Fprintf(stdout, "broadcast: %d subscribers at -broadcast-rate %g; nproc %d, %s; load average %s → %s\n",
		res.Subscribers, res.Rate, nproc(), cpuModel(), load, loadAvg())
	fmt.Fprintf(stdout, "achieved %.1f messages/s (%.2f%% of the rate) between the 5th and 95th percentiles, the flood wait left out; %.1f s in all; %d duplicates\n",
		res.Achieved, 100*res.Achieved/res.Rate, res.Seconds, res.Duplicates)
	fmt.Fprintf(stdout, "the 429 (retry_after %v): next message %.2f s later\n", floodWait, res.FloodGap)
	fmt.Fprintf(stdout, "serve: peak RSS %.1f MB, CPU %.1f s; confirming wrote %.1f MB to the database in %.0f ms\n",
		res.PeakRSSMB, res.CPUSeconds, res.DBGrowthMB, res.ConfirmMillis)
	if cfg.JSON != "" {
		b, err := json.MarshalIndent(res, "", "  ")
		if err != nil {
			return err
		}
		return os.WriteFile(cfg.JSON, append(b, '\n'), 0o644)
	}
	return nil
}

// broadcastRegistry writes the demo list with n subscribers and one
// announcement confirmed to them, measuring what confirming costs.
func broadcastRegistry(ctx context.Context, path string, n int, res *BroadcastResult) error {
	db, err := registry.Open(ctx, path)
	if err != nil {
		return err
	}
	if err := db.LoadDemo(ctx); err != nil {
		db.Close()
		return err
	}
	if err := db.AddStaff(ctx, registry.CommandLine, broadcastSender, "Bench"); err != nil {
		db.Close()
		return err
	}
	for i := range n {
		if _, err := db.Subscribe(ctx, 700_000_001+int64(i)); err != nil {
			db.Close()
			return err
		}
	}
	// Closing checkpoints the write-ahead log into the file: the sizes
	// before and after compare like with like.
	if err := db.Close(); err != nil {
		return err
	}
	before, err := dbSize(path)
	if err != nil {
		return err
	}
	if db, err = registry.Open(ctx, path); err != nil {
		return err
	}
	defer func() {
		if db != nil {
			db.Close()
		}
	}()
	start := time.Now()
	html := "🏛 <b>Avviso del Comune</b>: gli uffici chiudono il 24 dicembre."
	if _, err := db.Announce(ctx, registry.Person(broadcastSender), registry.Draft{Topic: registry.TopicNews,
		Content: registry.Content{Texts: map[string]registry.Rendered{"it": {HTML: html}, "en": {HTML: html}}}}); err != nil {
		return err
	}
	res.ConfirmMillis = float64(time.Since(start).Microseconds()) / 1000
	err = db.Close()
	db = nil
	if err != nil {
		return err
	}
	after, err := dbSize(path)
	if err != nil {
		return err
	}
	res.DBGrowthMB = float64(after-before) / (1 << 20)
	return nil
}

// dbSize is the database's file and its write-ahead log.
func dbSize(path string) (int64, error) {
	var total int64
	for _, f := range []string{path, path + "-wal"} {
		st, err := os.Stat(f)
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			return 0, err
		}
		total += st.Size()
	}
	return total, nil
}
