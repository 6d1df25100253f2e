package registry

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// eventHelperEnv selects what TestEventHelperProcess does in a child.
const eventHelperEnv = "COWORKBOT_EVENT_HELPER"

const raceProcs, raceTries = 4, 10

// raceRequest is the i-th sign-up of child proc: one person each, a user
// and a key of their own, the same in every process.
func raceRequest(proc, i int, eventID int64) SignupRequest {
	return SignupRequest{Key: fmt.Sprintf("race:%d:%d", proc, i), UserID: int64(proc*100 + i + 1), EventID: eventID, People: 1}
}

// TestEventHelperProcess is not a test: run as a child process by
// TestSignUpRaceAcrossProcesses, it signs up on the database and for the
// event it is given, printing "ok ID" after each sign-up it got (made or
// found by its key) and "full" after each refusal. It sends its own
// requests, then every child's again, as a redelivered update would be.
func TestEventHelperProcess(t *testing.T) {
	if os.Getenv(eventHelperEnv) == "" {
		return
	}
	ctx := context.Background()
	d, err := Open(ctx, os.Getenv("COWORKBOT_DB"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	d.Now = func() time.Time { return time.Date(2026, 12, 2, 10, 0, 0, 0, Rome) }
	proc, _ := strconv.Atoi(os.Getenv("COWORKBOT_PROC"))
	event, _ := strconv.ParseInt(os.Getenv("COWORKBOT_EVENT"), 10, 64)
	out := bufio.NewWriter(os.Stdout)
	send := func(req SignupRequest) {
		ss, err := d.SignUp(ctx, req)
		var r *SignupRefusal
		switch {
		case err == nil && len(ss) == 1:
			fmt.Fprintln(out, "ok", ss[0].ID)
		case errors.As(err, &r) && r.Reason == SignupFull:
			fmt.Fprintln(out, "full")
		default:
			fmt.Fprintln(os.Stderr, req, ss, err)
			os.Exit(3)
		}
		out.Flush()
	}
	for i := range raceTries {
		send(raceRequest(proc, i, event))
	}
	for p := range raceProcs {
		for i := range raceTries {
			send(raceRequest(p, i, event))
		}
	}
	os.Exit(0)
}

func TestSignUpRaceAcrossProcesses(t *testing.T) {
	d := mustRoles(t)
	ctx := context.Background()
	const seats = 10 // for 4 × 10 people
	e := smallEvent(t, d, seats)
	var mu sync.Mutex
	got := map[int64]bool{}
	var wg sync.WaitGroup
	for p := range raceProcs {
		cmd := exec.Command(os.Args[0], "-test.run=^TestEventHelperProcess$")
		cmd.Env = append(os.Environ(), eventHelperEnv+"=race", "COWORKBOT_DB="+d.Path(), "COWORKBOT_PROC="+strconv.Itoa(p),
			"COWORKBOT_EVENT="+strconv.FormatInt(e.ID, 10))
		cmd.Stderr = os.Stderr
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		lines := bufio.NewScanner(stdout)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for lines.Scan() {
				if id, ok := strings.CutPrefix(lines.Text(), "ok "); ok {
					n, _ := strconv.ParseInt(id, 10, 64)
					mu.Lock()
					got[n] = true
					mu.Unlock()
				}
			}
			if err := cmd.Wait(); err != nil {
				t.Errorf("child %d: %v", p, err)
			}
		}()
	}
	wg.Wait()
	if len(got) != seats {
		t.Errorf("got %d sign-ups accepted, want %d", len(got), seats)
	}
	if n := countRows(t, d, `SELECT count(*) FROM signups WHERE status = 'confirmed'`); n != len(got) {
		t.Errorf("got %d stored sign-ups, want %d", n, len(got))
	}
	for id := range got {
		if s, err := d.SignupByID(ctx, id); err != nil || s.Status != Confirmed || s.EventID != e.ID {
			t.Errorf("accepted %d: got %+v %v, want it stored", id, s, err)
		}
	}
	if ev := mustEvent(t, d, e.ID); ev.Taken != seats || ev.Left != 0 {
		t.Errorf("got %d taken and %d left, want %d and 0", ev.Taken, ev.Left, seats)
	}
	checkSignups(t, d)
}
