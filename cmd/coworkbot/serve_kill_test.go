package main

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/comune-seregno/coworkbot/bot/telegramtest"
	"github.com/comune-seregno/coworkbot/registry"
)

// TestServeSurvivesSIGKILL runs the real binary against the fake Bot API
// while 40 people each make two bookings (one at a space with room for
// half of them, one where most find it full), and kills it with SIGKILL
// at random moments, then starts it again. Every person gets an answer to
// every step; a text is sent twice only across a kill (a reply given again
// for an update that was under way: at least once); every booking shown
// as confirmed is in the registry; no slot holds more than its desks.
func TestServeSurvivesSIGKILL(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "coworkbot")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	dbPath := demoFile(t)
	db, err := registry.Open(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	days := openDays(t, db, []string{"il-cortile", "officina-brianza"}, 2)

	srv := telegramtest.NewServer("42:abc")
	defer srv.Close()
	var logs syncBuffer
	start := func() *exec.Cmd {
		cmd := exec.Command(bin, "serve", "-db", dbPath, "-api-endpoint", srv.URL(), "-poll-timeout", "1s", "-stop-grace", "1s")
		cmd.Env = append(os.Environ(), "TELEGRAM_BOT_TOKEN=42:abc")
		cmd.Stderr = &logs
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd
	}

	const people = 40
	type want struct{ space, text string }
	var (
		mu        sync.Mutex
		confirmed = map[string]int64{} // booking code → person
		missing   []string
	)
	var wg sync.WaitGroup
	for i := range people {
		u := telegramtest.User{ID: int64(100 + i), FirstName: fmt.Sprintf("P%d", i), LanguageCode: "it"}
		steps := []want{
			{"officina-brianza", fmt.Sprintf("prenota 1 scrivania %s mattina da Officina Brianza", days[0])},
			{"il-cortile", fmt.Sprintf("prenota 1 scrivania %s mattina da Il Cortile", days[1])},
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			time.Sleep(time.Duration(i*100) * time.Millisecond) // people arrive over 4 s
			for _, st := range steps {
				time.Sleep(300 * time.Millisecond) // and think a while
				code, err := bookThroughChat(srv, u, st.text, 60*time.Second)
				mu.Lock()
				switch {
				case err != nil:
					missing = append(missing, fmt.Sprintf("%d %q: %v", u.ID, st.text, err))
				case code != "":
					confirmed[code] = u.ID
				}
				mu.Unlock()
			}
		}()
	}

	// Kill it at random moments while the people book, then let it be.
	rng := rand.New(rand.NewPCG(7, 9))
	var kills []time.Time
	cmd := start()
	allDone := make(chan struct{})
	go func() { wg.Wait(); close(allDone) }()
	for range 8 {
		select {
		case <-allDone:
		case <-time.After(time.Duration(200+rng.IntN(600)) * time.Millisecond):
			cmd.Process.Signal(syscall.SIGKILL)
			cmd.Wait()
			kills = append(kills, srv.Now())
			cmd = start()
		}
	}
	<-allDone
	cmd.Process.Signal(syscall.SIGTERM)
	cmd.Wait()
	if len(kills) < 3 {
		t.Errorf("got %d kills before everyone was done, want at least 3", len(kills))
	}

	for _, m := range missing {
		t.Errorf("no answer: %s", m)
	}
	ctx := context.Background()
	stored := map[string]bool{}
	perSlot := map[string]int{}
	for i := range people {
		bks, err := db.Bookings(ctx, int64(100+i), time.Now())
		if err != nil {
			t.Fatal(err)
		}
		for _, bk := range bks {
			stored[bk.Code] = true
			perSlot[fmt.Sprintf("%s %s %d", bk.SpaceID, bk.Day.Format(time.DateOnly), bk.From)] += bk.Desks
		}
	}
	for code, who := range confirmed {
		if !stored[code] {
			t.Errorf("booking %s shown to %d as confirmed is not in the registry", code, who)
		}
	}
	for slot, n := range perSlot {
		sp, err := db.Space(ctx, strings.Fields(slot)[0])
		if err != nil {
			t.Fatal(err)
		}
		if n > sp.Desks {
			t.Errorf("%s: %d desks booked, more than the %d there are", slot, n, sp.Desks)
		}
	}
	if len(stored) < 20 {
		t.Errorf("got %d bookings, want at least the 20 desks of Officina Brianza taken", len(stored))
	}
	// A text twice in a chat: only when a kill came between the two. The
	// killed process's last requests may reach the fake just after the
	// kill was noted, and are logged then: a kill ends when the next
	// process first calls (getMe, as it starts).
	calls := srv.Calls()
	var restarts []time.Time
	for _, kill := range kills {
		for _, c := range calls {
			if c.Method == "getMe" && c.At.After(kill) {
				restarts = append(restarts, c.At)
				break
			}
		}
	}
	for _, d := range srv.Duplicates() {
		var at []time.Time
		for _, c := range calls {
			if c.Error == "" && (c.Method == "sendMessage" || c.Method == "editMessageText") && c.Params.Get("chat_id") == fmt.Sprint(d.ChatID) &&
				plainOf(c.Params.Get("text")) == d.Text {
				at = append(at, c.At)
			}
		}
		if len(at) < 2 {
			continue // an edit that left the same text
		}
		for k := 1; k < len(at); k++ {
			across := false
			for _, restart := range restarts {
				across = across || (at[k-1].Before(restart) && !at[k].Before(restart))
			}
			if !across {
				t.Errorf("chat %d got %q twice with no kill between (%v, %v)", d.ChatID, d.Text, at[k-1], at[k])
			}
		}
	}
	t.Logf("%d kills, %d bookings confirmed, %d texts sent twice across a kill", len(kills), len(confirmed), len(srv.Duplicates()))
	if pending := srv.Pending(); len(pending) != 0 {
		t.Errorf("got updates %v never confirmed, want none", pending)
	}
	if t.Failed() {
		t.Logf("serve's log:\n%s", logs.String())
	}
}

var bookingCode = regexp.MustCompile(`Codice prenotazione: ([A-Z0-9]{6})`)

// bookThroughChat plays a person who asks for a booking in words, presses
// Confirm on the summary and waits for the booking's code, pressing again
// when nothing comes for a while (a press lost to a kill). It returns the
// code, or "" when the booking was refused (the slot was full).
func bookThroughChat(srv *telegramtest.Server, u telegramtest.User, text string, patience time.Duration) (string, error) {
	from := srv.MessageCount(u.ID)
	srv.SendText(u, text)
	deadline := time.Now().Add(patience)
	var pressedAt time.Time
	for time.Now().Before(deadline) {
		msgs := srv.Messages(u.ID)
		if len(msgs) > from {
			mine := msgs[from:]
			for _, m := range mine {
				if c := bookingCode.FindStringSubmatch(m.Plain); c != nil {
					return c[1], nil
				}
				if !pressedAt.IsZero() && !strings.HasPrefix(m.Plain, "📝 Riepilogo") {
					return "", nil // refused: full, most likely
				}
			}
			if pressedAt.IsZero() || time.Since(pressedAt) > 3*time.Second {
				if hasConfirm(mine) {
					if _, err := srv.PressLabel(u, "Conferma"); err == nil {
						pressedAt = time.Now()
					}
				}
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	var got []string
	for _, m := range srv.Messages(u.ID)[from:] {
		got = append(got, m.Plain)
	}
	return "", fmt.Errorf("nothing after %v: %q", patience, got)
}

func hasConfirm(msgs []telegramtest.Message) bool {
	for _, m := range msgs {
		for _, row := range m.Keyboard {
			for _, b := range row {
				if strings.Contains(b.Text, "Conferma") {
					return true
				}
			}
		}
	}
	return false
}

// openDays names, in Italian ("7 dicembre"), the first n days after today
// on which every one of the spaces is open.
func openDays(t *testing.T, db *registry.DB, spaces []string, n int) []string {
	t.Helper()
	months := []string{"gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre", "ottobre", "novembre", "dicembre"}
	var out []string
	day := time.Now().In(registry.Rome)
	for len(out) < n {
		day = day.AddDate(0, 0, 1)
		ok := true
		for _, sp := range spaces {
			d := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, registry.Rome)
			if db.CheckDay(context.Background(), sp, d) != nil {
				ok = false
			}
		}
		if ok {
			out = append(out, fmt.Sprintf("%d %s", day.Day(), months[day.Month()-1]))
		}
	}
	return out
}

// plainOf is a message's text as the chat shows it.
func plainOf(html string) string {
	plain, _, err := telegramtest.ParseHTML(html)
	if err != nil {
		return html
	}
	return strings.TrimSpace(plain)
}

// syncBuffer is a bytes.Buffer safe for a process's writes and the test's
// reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
