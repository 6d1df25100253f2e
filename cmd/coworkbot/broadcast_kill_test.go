package main

import (
	"context"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/comune-seregno/coworkbot/bot/telegramtest"
	"github.com/comune-seregno/coworkbot/registry"
)

// TestBroadcastSurvivesSIGKILL runs the real binary draining an
// announcement to 3,000 subscribers and kills it with SIGKILL three times
// at random moments, starting it again each time. Every subscriber gets
// the announcement; the copies beyond the first are at most a claim (a
// second's worth at -broadcast-rate) a kill, as docs/architecture.md says;
// the delivery report counts every one of them as sent.
func TestBroadcastSurvivesSIGKILL(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "coworkbot")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	ctx := context.Background()
	dbPath := demoFile(t)
	db, err := registry.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	const clerk, subscribers, rate, kills = 1, 3000, 200, 3
	if err := db.AddStaff(ctx, registry.CommandLine, clerk, "Carla"); err != nil {
		t.Fatal(err)
	}
	for i := range subscribers {
		if _, err := db.Subscribe(ctx, int64(10_000+i)); err != nil {
			t.Fatal(err)
		}
	}
	html := "🏛 <b>Avviso</b>: gli uffici del Comune chiudono il 24 dicembre."
	an, err := db.Announce(ctx, registry.Person(clerk), registry.Draft{Topic: registry.TopicNews,
		Content: registry.Content{Texts: map[string]registry.Rendered{"it": {HTML: html}, "en": {HTML: html}}}})
	if err != nil {
		t.Fatal(err)
	}

	srv := telegramtest.NewServer("42:abc")
	defer srv.Close()
	var logs syncBuffer
	start := func() *exec.Cmd {
		cmd := exec.Command(bin, "serve", "-db", dbPath, "-api-endpoint", srv.URL(), "-poll-timeout", "1s",
			"-broadcast-rate", strconv.Itoa(rate))
		cmd.Env = append(os.Environ(), "TELEGRAM_BOT_TOKEN=42:abc")
		cmd.Stderr = &logs
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd
	}
	delivered := func() (got map[int64]int) {
		got = map[int64]int{}
		for _, c := range srv.CallsTo("sendMessage") {
			chat, _ := strconv.ParseInt(c.Params.Get("chat_id"), 10, 64)
			if c.Status == 200 && chat != clerk {
				got[chat]++
			}
		}
		return got
	}
	rng := rand.New(rand.NewPCG(12, 0))
	cmd := start()
	for k := range kills {
		// Somewhere in the next third of what is left.
		target := len(delivered()) + rng.IntN(subscribers/(2*kills)) + 50
		deadline := time.Now().Add(60 * time.Second)
		for len(delivered()) < target && time.Now().Before(deadline) {
			time.Sleep(time.Duration(rng.IntN(40)) * time.Millisecond)
		}
		cmd.Process.Kill()
		cmd.Wait()
		t.Logf("kill %d after %d recipients", k+1, len(delivered()))
		cmd = start()
	}
	deadline := time.Now().Add(2 * time.Minute)
	for {
		list, err := db.Announcements(ctx, 1)
		if err == nil && len(list) == 1 && list[0].Status == registry.AnnouncementDone {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the broadcast did not finish: %d of %d received\n%s", len(delivered()), subscribers, logs.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(500 * time.Millisecond) // a late duplicate would show
	cmd.Process.Kill()
	cmd.Wait()

	got := delivered()
	dups := 0
	for i := range subscribers {
		n := got[int64(10_000+i)]
		if n == 0 {
			t.Errorf("subscriber %d received nothing", 10_000+i)
		}
		dups += max(0, n-1)
	}
	if dups > kills*rate {
		t.Errorf("%d duplicates over %d kills, more than a claim of %d each", dups, kills, rate)
	}
	t.Logf("%d duplicates over %d kills (bound %d)", dups, kills, kills*rate)
	final, err := db.Announcement(ctx, an.ID)
	if err != nil {
		t.Fatal(err)
	}
	if final.Counts.Sent != subscribers || final.Counts.Total != subscribers {
		t.Errorf("the report counts %+v, want %d sent of %d", final.Counts, subscribers, subscribers)
	}
}
