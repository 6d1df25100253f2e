package registry

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// mustBroadcast opens a database with the clerk as staff, n subscribers
// (ids 1 … n) and one announcement to all of them.
func mustBroadcast(t *testing.T, n int) (*DB, Announcement) {
	t.Helper()
	d := mustRoles(t)
	mustSubscribers(t, d, 1, n)
	an, err := d.Announce(context.Background(), Person(clerk), Draft{Topic: TopicNews, Content: text("Avviso")})
	if err != nil {
		t.Fatal(err)
	}
	return d, an
}

// TestClaimsNeverOverlap has 8 goroutines on each of two handles on one
// file claim and report 3,000 deliveries: none is claimed twice while its
// lease holds, and every one is sent.
func TestClaimsNeverOverlap(t *testing.T) {
	const n = 3000
	d, an := mustBroadcast(t, n)
	handles := openHandles(t, d, 2)
	ctx := context.Background()
	var mu sync.Mutex
	claimed := map[int64]int{} // delivery → times claimed
	var wg sync.WaitGroup
	for h := range handles {
		for g := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					ds, err := handles[h].ClaimDeliveries(ctx, 1+g*3, time.Hour)
					if err != nil {
						t.Error(err)
						return
					}
					if len(ds) == 0 {
						return
					}
					out := make([]Outcome, len(ds))
					mu.Lock()
					for i, dl := range ds {
						claimed[dl.ID]++
						out[i] = Outcome{DeliveryID: dl.ID, Attempt: dl.Attempt, Result: DeliverySent, MessageID: int64(i)}
					}
					mu.Unlock()
					if _, err := handles[h].ReportDeliveries(ctx, out...); err != nil {
						t.Error(err)
						return
					}
				}
			}()
		}
	}
	wg.Wait()
	if len(claimed) != n {
		t.Errorf("claimed %d deliveries, want %d", len(claimed), n)
	}
	for id, k := range claimed {
		if k != 1 {
			t.Errorf("delivery %d claimed %d times, want once", id, k)
		}
	}
	if c := checkCounts(t, d, an.ID); c.Sent != n || c.Left() != 0 {
		t.Errorf("got %+v, want all %d sent", c, n)
	}
	if an, _ := d.Announcement(ctx, an.ID); an.Status != AnnouncementDone {
		t.Errorf("got %s, want done", an.Status)
	}
}

// TestLeases: a claimed delivery is nobody else's until its lease runs out,
// then it is claimed again, with its attempt counted; a report from the
// sender who lost the lease cannot put it back.
func TestLeases(t *testing.T) {
	d, an := mustBroadcast(t, 3)
	ctx := context.Background()
	now := d.Now()
	at := func(after time.Duration) { d.Now = func() time.Time { return now.Add(after) } }
	first, _ := d.ClaimDeliveries(ctx, 3, time.Minute)
	if len(first) != 3 || first[0].Attempt != 1 {
		t.Fatalf("claimed %+v", first)
	}
	at(59 * time.Second)
	if ds, _ := d.ClaimDeliveries(ctx, 3, time.Minute); len(ds) != 0 {
		t.Errorf("within the lease: claimed %d, want 0", len(ds))
	}
	if next, ok, err := d.NextDelivery(ctx); err != nil || !ok || !next.Equal(now.Add(time.Minute)) {
		t.Errorf("NextDelivery: got %v %v %v, want the end of the lease", next, ok, err)
	}
	at(61 * time.Second)
	second, _ := d.ClaimDeliveries(ctx, 3, time.Minute)
	if len(second) != 3 || second[0].Attempt != 2 || second[0].ID != first[0].ID {
		t.Fatalf("after the lease: claimed %+v, want the same three, attempt 2", second)
	}
	// The first sender, late: its failure is ignored, its sent is taken.
	fin, err := d.ReportDeliveries(ctx,
		Outcome{DeliveryID: first[0].ID, Attempt: 1, Result: DeliveryFailed, Error: "timeout"},
		Outcome{DeliveryID: first[1].ID, Attempt: 1, Result: DeliverySent, MessageID: 7},
		Outcome{DeliveryID: first[2].ID, Attempt: 1, Result: DeliveryUnsent})
	if err != nil || len(fin) != 0 {
		t.Fatalf("late reports: %v %v", fin, err)
	}
	if ds, _ := d.ClaimDeliveries(ctx, 3, time.Minute); len(ds) != 0 {
		t.Errorf("a late report put back %d deliveries in flight elsewhere", len(ds))
	}
	// The second sender reports all three: the one already sent stays
	// counted once.
	var out []Outcome
	for _, dl := range second {
		out = append(out, Outcome{DeliveryID: dl.ID, Attempt: dl.Attempt, Result: DeliverySent, MessageID: 8})
	}
	fin, err = d.ReportDeliveries(ctx, out...)
	if err != nil || len(fin) != 1 || fin[0] != an.ID {
		t.Errorf("got finished %v %v, want [%d]", fin, err, an.ID)
	}
	if c := checkCounts(t, d, an.ID); c.Sent != 3 {
		t.Errorf("got %+v, want 3 sent", c)
	}
	if _, ok, _ := d.NextDelivery(ctx); ok {
		t.Error("NextDelivery: something pending after all was sent")
	}
	// Refusals.
	if _, err := d.ClaimDeliveries(ctx, 0, time.Minute); !errors.Is(err, ErrInvalid) {
		t.Errorf("claiming 0: got %v, want ErrInvalid", err)
	}
	if _, err := d.ClaimDeliveries(ctx, 1, time.Millisecond); !errors.Is(err, ErrInvalid) {
		t.Errorf("a lease of 1 ms: got %v, want ErrInvalid", err)
	}
	if _, err := d.ReportDeliveries(ctx, Outcome{DeliveryID: 1, Attempt: 0, Result: DeliverySent}); !errors.Is(err, ErrInvalid) {
		t.Errorf("a report of attempt 0: got %v, want ErrInvalid", err)
	}
}

// TestRetries: a failure waits DeliveryBackoff (or retry_after), an unsent
// delivery comes back at once without counting, and the DeliveryAttempts-th
// failure is final, as is a delivery whose leases keep running out.
func TestRetries(t *testing.T) {
	ctx := context.Background()
	var d *DB
	var now time.Time
	at := func(after time.Duration) { d.Now = func() time.Time { return now.Add(after) } }
	claim := func() []Delivery {
		t.Helper()
		ds, err := d.ClaimDeliveries(ctx, 5, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		return ds
	}
	report := func(o Outcome) {
		t.Helper()
		if _, err := d.ReportDeliveries(ctx, o); err != nil {
			t.Fatal(err)
		}
	}

	d, an := mustBroadcast(t, 1)
	now = d.Now()
	ds := claim()
	report(Outcome{DeliveryID: ds[0].ID, Attempt: 1, Result: DeliveryUnsent})
	if again := claim(); len(again) != 1 || again[0].Attempt != 1 {
		t.Fatalf("an unsent delivery: got %+v, want it back at once, at attempt 1", again)
	}
	report(Outcome{DeliveryID: ds[0].ID, Attempt: 1, Result: DeliveryUnsent})
	elapsed := time.Duration(0)
	for attempt := 1; attempt < DeliveryAttempts; attempt++ {
		ds := claim()
		if len(ds) != 1 || ds[0].Attempt != attempt {
			t.Fatalf("at %v: claimed %+v, want attempt %d", elapsed, ds, attempt)
		}
		report(Outcome{DeliveryID: ds[0].ID, Attempt: attempt, Result: DeliveryFailed, Error: "Bad Gateway"})
		wait := DeliveryBackoff(attempt)
		at(elapsed + wait - time.Second)
		if early := claim(); len(early) != 0 {
			t.Fatalf("attempt %d: claimed again before its backoff of %v", attempt, wait)
		}
		elapsed += wait
		at(elapsed)
	}
	if c := checkCounts(t, d, an.ID); c.Left() != 1 {
		t.Errorf("after %d failures: got %+v, want it still left", DeliveryAttempts-1, c)
	}
	ds = claim()
	report(Outcome{DeliveryID: ds[0].ID, Attempt: ds[0].Attempt, Result: DeliveryFailed, Error: strings.Repeat("é", 400)})
	if c := checkCounts(t, d, an.ID); c.Failed != 1 || c.Left() != 0 {
		t.Errorf("after %d failures: got %+v, want it failed", DeliveryAttempts, c)
	}
	if an, _ := d.Announcement(ctx, an.ID); an.Status != AnnouncementDone {
		t.Errorf("got %s, want done", an.Status)
	}
	if n := countRows(t, d, `SELECT length(CAST(error AS BLOB)) FROM deliveries`); n > maxDeliveryError || n < maxDeliveryError-1 {
		t.Errorf("kept %d bytes of the error, want at most %d, whole characters", n, maxDeliveryError)
	}
	if elapsed < 3*time.Hour || elapsed > 4*time.Hour {
		t.Errorf("the retries took %v, want about three and a half hours", elapsed)
	}

	// retry_after is honoured when longer than the backoff.
	d, an = mustBroadcast(t, 1)
	now = d.Now()
	ds = claim()
	report(Outcome{DeliveryID: ds[0].ID, Attempt: 1, Result: DeliveryFailed, RetryAfter: 10 * time.Minute})
	at(10*time.Minute - time.Second)
	if len(claim()) != 0 {
		t.Error("claimed before retry_after")
	}
	// A delivery whose leases keep running out fails after
	// DeliveryAttempts leases.
	elapsed = 10 * time.Minute
	for attempt := 2; attempt <= DeliveryAttempts; attempt++ {
		at(elapsed)
		if ds := claim(); len(ds) != 1 || ds[0].Attempt != attempt {
			t.Fatalf("claimed %+v, want attempt %d", ds, attempt)
		} // and never reported: the sender dies each time
		elapsed += time.Minute
	}
	at(elapsed)
	if ds := claim(); len(ds) != 0 {
		t.Errorf("claimed %+v after %d leases ran out", ds, DeliveryAttempts)
	}
	if c := checkCounts(t, d, an.ID); c.Failed != 1 {
		t.Errorf("got %+v, want 1 failed", c)
	}
}

// TestCrashResumes abandons a sender mid-broadcast at several points — a
// delivery sent but not reported, the rest of its batch claimed and not
// sent — and resumes on a fresh handle once the lease has run out: every
// subscriber receives the announcement, and only the one in flight twice.
func TestCrashResumes(t *testing.T) {
	const n, batch = 1000, 25
	for _, crashAt := range []int{0, 1, 24, 25, 26, 499, 999} {
		t.Run(strconv.Itoa(crashAt), func(t *testing.T) {
			d, an := mustBroadcast(t, n)
			ctx := context.Background()
			received := map[int64]int{}
			sent := 0
		sending:
			for {
				ds, err := d.ClaimDeliveries(ctx, batch, time.Minute)
				if err != nil {
					t.Fatal(err)
				}
				for _, dl := range ds {
					received[dl.UserID]++
					if sent == crashAt {
						break sending // sent, and the process dies before reporting
					}
					sent++
					if _, err := d.ReportDeliveries(ctx, Outcome{DeliveryID: dl.ID, Attempt: dl.Attempt, Result: DeliverySent}); err != nil {
						t.Fatal(err)
					}
				}
			}
			crashed := d.Now()
			d.Close()
			d2, err := Open(ctx, d.Path())
			if err != nil {
				t.Fatal(err)
			}
			defer d2.Close()
			d2.Now = func() time.Time { return crashed.Add(time.Minute + time.Second) }
			for uid, k := range drain(t, d2, batch) {
				received[uid] += k
			}
			dups := 0
			for uid := int64(1); uid <= n; uid++ {
				if received[uid] == 0 {
					t.Errorf("subscriber %d received nothing", uid)
				}
				dups += received[uid] - 1
			}
			if dups != 1 {
				t.Errorf("got %d duplicates, want the 1 in flight", dups)
			}
			if c := checkCounts(t, d2, an.ID); c.Sent != n {
				t.Errorf("got %+v, want %d sent", c, n)
			}
		})
	}
}

// outboxHelperEnv selects what TestOutboxHelperProcess does.
const outboxHelperEnv = "COWORKBOT_OUTBOX_HELPER"

// TestOutboxHelperProcess is not a test: run as a child process, it drains
// the outbox of the database it is given, claiming 10 at a time, sending
// one message for each line it reads (printing "sent USER" once it would
// have reached Telegram) and reporting the ten together; or it confirms a
// draft. The parent kills it.
func TestOutboxHelperProcess(t *testing.T) {
	mode := os.Getenv(outboxHelperEnv)
	if mode == "" {
		return
	}
	ctx := context.Background()
	d, err := Open(ctx, os.Getenv("COWORKBOT_DB"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	unix, _ := strconv.ParseInt(os.Getenv("COWORKBOT_NOW"), 10, 64)
	d.Now = func() time.Time { return time.Unix(unix, 0) }
	fail := func(err error) {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	out := bufio.NewWriter(os.Stdout)
	in := bufio.NewScanner(os.Stdin)
	switch mode {
	case "drain":
		for {
			ds, err := d.ClaimDeliveries(ctx, 10, time.Minute)
			if err != nil {
				fail(err)
			}
			if len(ds) == 0 {
				os.Exit(0)
			}
			var outs []Outcome
			for _, dl := range ds {
				if !in.Scan() { // the parent's go-ahead for each message
					os.Exit(0)
				}
				fmt.Fprintln(out, "sent", dl.UserID)
				out.Flush() // it reached Telegram; we may be killed now
				outs = append(outs, Outcome{DeliveryID: dl.ID, Attempt: dl.Attempt, Result: DeliverySent})
			}
			if _, err := d.ReportDeliveries(ctx, outs...); err != nil {
				fail(err)
			}
		}
	case "confirm":
		id, _ := strconv.ParseInt(os.Getenv("COWORKBOT_DRAFT"), 10, 64)
		fmt.Fprintln(out, "confirming")
		out.Flush()
		if _, err := d.Confirm(ctx, Person(clerk), id); err != nil {
			fail(err)
		}
		fmt.Fprintln(out, "confirmed")
		out.Flush()
	}
	os.Exit(0)
}

func outboxChild(t *testing.T, path, mode string, now time.Time, env ...string) (*exec.Cmd, io.Writer, *bufio.Scanner) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestOutboxHelperProcess$")
	cmd.Env = append(append(os.Environ(), outboxHelperEnv+"="+mode, "COWORKBOT_DB="+path,
		"COWORKBOT_NOW="+strconv.FormatInt(now.Unix(), 10)), env...)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, stdin, bufio.NewScanner(stdout)
}

// TestKilledSendersLoseNoRecipient SIGKILLs three sender processes in turn
// at random points of a broadcast to 4,000 subscribers, then drains the
// rest: everyone received it, and no more were sent twice than the
// killed senders had in flight (10 each).
func TestKilledSendersLoseNoRecipient(t *testing.T) {
	const n, kills, inFlight = 4000, 3, 10
	d, an := mustBroadcast(t, n)
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 12))
	received := map[int64]int{}
	now := d.Now()
	d.Close()
	for k := range kills {
		cmd, goAhead, lines := outboxChild(t, d.Path(), "drain", now)
		killAfter := 1 + rng.IntN(n/(kills+1))
		for range killAfter {
			fmt.Fprintln(goAhead)
			if !lines.Scan() {
				t.Fatal("the sender stopped early")
			}
			uid, _ := strings.CutPrefix(lines.Text(), "sent ")
			id, _ := strconv.ParseInt(uid, 10, 64)
			received[id]++
		}
		// One more go-ahead, and a kill at once: before, while or after it
		// sends, or while it reports.
		fmt.Fprintln(goAhead)
		if err := cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		for lines.Scan() {
			uid, _ := strings.CutPrefix(lines.Text(), "sent ")
			id, _ := strconv.ParseInt(uid, 10, 64)
			received[id]++
		}
		cmd.Wait()
		t.Logf("sender %d killed after %d messages; %d people reached so far", k+1, killAfter, len(received))
		now = now.Add(time.Minute + time.Second) // past the dead sender's lease
	}
	d2, err := Open(context.Background(), d.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer d2.Close()
	d2.Now = func() time.Time { return now }
	var integrity string
	if err := d2.db.QueryRow(`PRAGMA integrity_check`).Scan(&integrity); err != nil || integrity != "ok" {
		t.Fatalf("integrity_check: got %q %v, want ok", integrity, err)
	}
	for uid, k := range drain(t, d2, 50) {
		received[uid] += k
	}
	dups := 0
	for uid := int64(1); uid <= n; uid++ {
		if received[uid] == 0 {
			t.Errorf("subscriber %d received nothing", uid)
		}
		dups += received[uid] - 1
	}
	if dups > kills*inFlight {
		t.Errorf("got %d duplicates, want at most %d", dups, kills*inFlight)
	}
	t.Logf("%d duplicates", dups)
	if c := checkCounts(t, d2, an.ID); c.Sent != n {
		t.Errorf("got %+v, want %d sent", c, n)
	}
}

// TestKilledConfirmWritesAllOrNothing SIGKILLs a process while it confirms
// an announcement to 20,000 people: afterwards the draft is either still a
// draft with no delivery, or being sent with every delivery.
func TestKilledConfirmWritesAllOrNothing(t *testing.T) {
	const n = 20000
	d := mustRoles(t)
	mustSubscribers(t, d, 1, n)
	dr, err := d.Compose(context.Background(), Person(clerk), Draft{Topic: TopicNews, Content: text("x")})
	if err != nil {
		t.Fatal(err)
	}
	now := d.Now()
	d.Close()
	// Killed as soon as it starts confirming, then left to finish.
	for _, kill := range []bool{true, false} {
		cmd, _, lines := outboxChild(t, d.Path(), "confirm", now, "COWORKBOT_DRAFT="+strconv.FormatInt(dr.ID, 10))
		lines.Scan() // "confirming"
		if kill {
			cmd.Process.Kill()
		}
		confirmed := lines.Scan() && lines.Text() == "confirmed"
		if err := cmd.Wait(); !kill && err != nil {
			t.Fatal(err)
		}
		d2, err := Open(context.Background(), d.Path())
		if err != nil {
			t.Fatal(err)
		}
		an, err := d2.Announcement(context.Background(), dr.ID)
		if err != nil {
			t.Fatal(err)
		}
		rows := countRows(t, d2, `SELECT count(*) FROM deliveries`)
		audits := countRows(t, d2, `SELECT count(*) FROM audit_log WHERE action = ?`, ActionAnnounce)
		d2.Close()
		t.Logf("killed %v: %s, %d deliveries (the child said confirmed: %v)", kill, an.Status, rows, confirmed)
		switch {
		case an.Status == AnnouncementDraft && rows == 0 && audits == 0 && !confirmed && kill:
		case an.Status == AnnouncementSending && rows == n && an.Counts.Total == n && audits == 1:
			return // confirmed: nothing more to try
		default:
			t.Fatalf("got %s with %d deliveries, %d audit entries; want a draft with none or %d being sent", an.Status, rows, audits, n)
		}
	}
}

// TestReleaseClaims: a sender starting after a crash takes back at once
// what the dead one had leased, and leaves alone a delivery waiting for its
// retry.
func TestReleaseClaims(t *testing.T) {
	d, an := mustBroadcast(t, 3)
	ctx := context.Background()
	leased, _ := d.ClaimDeliveries(ctx, 2, 3*time.Minute)
	if len(leased) != 2 {
		t.Fatalf("claimed %d, want 2", len(leased))
	}
	retry, _ := d.ClaimDeliveries(ctx, 1, 3*time.Minute)
	if _, err := d.ReportDeliveries(ctx, Outcome{DeliveryID: retry[0].ID, Attempt: retry[0].Attempt, Result: DeliveryFailed,
		Error: "502", RetryAfter: time.Hour}); err != nil {
		t.Fatal(err)
	}
	// The sender dies; another starts.
	n, err := d.ReleaseClaims(ctx)
	if err != nil || n != 2 {
		t.Fatalf("released %d, %v, want the 2 leased", n, err)
	}
	again, _ := d.ClaimDeliveries(ctx, 3, time.Minute)
	if len(again) != 2 || again[0].ID != leased[0].ID || again[1].ID != leased[1].ID || again[0].Attempt != 2 {
		t.Errorf("claimed %+v, want the two released ones, attempt 2, and not the one waiting an hour", again)
	}
	var out []Outcome
	for _, dl := range again {
		out = append(out, Outcome{DeliveryID: dl.ID, Attempt: dl.Attempt, Result: DeliverySent, MessageID: 9})
	}
	if _, err := d.ReportDeliveries(ctx, out...); err != nil {
		t.Fatal(err)
	}
	if c := checkCounts(t, d, an.ID); c.Sent != 2 || c.Left() != 1 {
		t.Errorf("got %+v, want 2 sent and the retry left", c)
	}
}
