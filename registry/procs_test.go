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

// helperEnv selects what TestHelperProcess does in a child process.
const helperEnv = "COWORKBOT_BOOKING_HELPER"

// TestHelperProcess is not a test: run as a child process by the tests
// below (the os/exec pattern), it books on the database they name and
// prints "ok CODE" after each booking it made, and "full" after each refusal.
func TestHelperProcess(t *testing.T) {
	mode := os.Getenv(helperEnv)
	if mode == "" {
		return
	}
	ctx := context.Background()
	d, err := Open(ctx, os.Getenv("COWORKBOT_DB"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	d.Now = func() time.Time { return time.Date(2026, 12, 2, 10, 0, 0, 0, Rome) }
	d.Rules.MaxDaysAhead = 3650
	proc, _ := strconv.Atoi(os.Getenv("COWORKBOT_PROC"))
	out := bufio.NewWriter(os.Stdout)
	report := func(b Booking, err error) {
		switch {
		case err == nil:
			fmt.Fprintln(out, "ok", b.Code)
		case errors.Is(err, ErrFull) || errors.Is(err, ErrClosed):
			fmt.Fprintln(out, "full")
		default:
			fmt.Fprintln(os.Stderr, err)
			os.Exit(3)
		}
		out.Flush() // the parent may kill us at any moment after this
	}
	switch mode {
	case "race":
		// Everyone wants officina-brianza on 3 December.
		for i := range 10 {
			report(d.Book(ctx, BookingRequest{Key: fmt.Sprintf("race:%d:%d", proc, i), UserID: int64(proc*100 + i),
				SpaceID: "officina-brianza", Day: thu3, Slot: FullDay, Desks: 1}))
		}
	case "crash":
		// Book without end, all over the list, cancelling now and then,
		// until killed.
		spaces := []string{"il-cortile", "binario-uno", "spazio-ceredo", "smart-verano", "officina-brianza"}
		slots := []Slot{Morning, Afternoon, FullDay}
		for i := 0; ; i++ {
			b, err := d.Book(ctx, BookingRequest{Key: fmt.Sprintf("crash:%d:%d", proc, i), UserID: int64(proc*1_000_000 + i/4 + 1),
				SpaceID: spaces[i%len(spaces)], Day: thu3.AddDate(0, 0, i/40), Slot: slots[i%len(slots)], Desks: 1 + i%3})
			report(b, err)
			if err == nil && i%7 == 0 {
				if _, _, err := d.Cancel(ctx, b.UserID, b.Code); err != nil {
					fmt.Fprintln(os.Stderr, err)
					os.Exit(3)
				}
			}
		}
	}
	os.Exit(0)
}

// child starts the test binary as a helper process on the database of d.
func child(t *testing.T, d *DB, mode string, proc int) (*exec.Cmd, *bufio.Scanner) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
	cmd.Env = append(os.Environ(), helperEnv+"="+mode, "COWORKBOT_DB="+d.Path(), "COWORKBOT_PROC="+strconv.Itoa(proc))
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, bufio.NewScanner(stdout)
}

func TestBookRaceAcrossProcesses(t *testing.T) {
	d := mustDemo(t)
	ctx := context.Background()
	const procs = 4 // × 10 tries for 20 desks
	var mu sync.Mutex
	var codes []string
	var wg sync.WaitGroup
	for p := range procs {
		cmd, lines := child(t, d, "race", p)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for lines.Scan() {
				if code, ok := strings.CutPrefix(lines.Text(), "ok "); ok {
					mu.Lock()
					codes = append(codes, code)
					mu.Unlock()
				}
			}
			if err := cmd.Wait(); err != nil {
				t.Errorf("child %d: %v", p, err)
			}
		}()
	}
	wg.Wait()
	if len(codes) != 20 {
		t.Errorf("got %d accepted bookings, want 20", len(codes))
	}
	if n := countRows(t, d, `SELECT count(*) FROM bookings WHERE status = 'confirmed'`); n != len(codes) {
		t.Errorf("got %d stored bookings, want %d", n, len(codes))
	}
	for _, c := range codes {
		if _, err := d.Booking(ctx, c); err != nil {
			t.Errorf("accepted %s: %v", c, err)
		}
	}
}

func TestCrashLeavesNoHalfBooking(t *testing.T) {
	d := mustDemo(t)
	ctx := context.Background()
	const procs, before = 2, 300 // each child is killed after this many answers
	var codes []string
	for p := range procs {
		cmd, lines := child(t, d, "crash", p)
		for n := 0; n < before && lines.Scan(); n++ {
			if code, ok := strings.CutPrefix(lines.Text(), "ok "); ok {
				codes = append(codes, code)
			}
		}
		if err := cmd.Process.Kill(); err != nil { // SIGKILL, mid-loop
			t.Fatal(err)
		}
		cmd.Wait()
	}
	if len(codes) == 0 {
		t.Fatal("the children booked nothing")
	}
	// Open afresh, as after a crash, and check everything.
	d2, err := Open(ctx, d.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer d2.Close()
	var integrity string
	if err := d2.db.QueryRow(`PRAGMA integrity_check`).Scan(&integrity); err != nil || integrity != "ok" {
		t.Fatalf("integrity_check: got %q %v, want ok", integrity, err)
	}
	for _, c := range codes {
		if _, err := d2.Booking(ctx, c); err != nil {
			t.Errorf("reported %s: %v", c, err)
		}
	}
	t.Logf("%d bookings reported before the kills, %d stored", len(codes), countRows(t, d2, `SELECT count(*) FROM bookings`))
	checkBookings(t, d2)
}

// checkBookings checks that every stored booking is whole and that no
// space is ever overbooked.
func checkBookings(t *testing.T, d *DB) {
	t.Helper()
	ctx := context.Background()
	if n := countRows(t, d, `SELECT count(*) FROM bookings WHERE length(code) <> 6 OR key = '' OR user_id = 0
		OR desks < 1 AND room_id = '' OR end_min <= start_min OR status NOT IN ('confirmed', 'cancelled')
		OR (status = 'cancelled') <> (cancelled_at IS NOT NULL) OR created_at = 0`); n != 0 {
		t.Errorf("got %d incomplete bookings, want 0", n)
	}
	rows, err := d.db.QueryContext(ctx, `SELECT space_id, day, start_min, end_min, desks, code
		FROM bookings WHERE status = 'confirmed' AND room_id = ''`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	type spaceDay struct{ space, day string }
	byDay := map[spaceDay][]interval{}
	capacity := map[string]int{}
	for rows.Next() {
		var sd spaceDay
		var iv interval
		var code string
		if err := rows.Scan(&sd.space, &sd.day, &iv.from, &iv.to, &iv.desks, &code); err != nil {
			t.Fatal(err)
		}
		if strings.Trim(code, CodeAlphabet) != "" {
			t.Errorf("code %q has characters outside %s", code, CodeAlphabet)
		}
		byDay[sd] = append(byDay[sd], iv)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	for sd, ivs := range byDay {
		if _, ok := capacity[sd.space]; !ok {
			s, err := d.Space(ctx, sd.space)
			if err != nil {
				t.Fatal(err)
			}
			capacity[sd.space] = s.Desks
		}
		if p := peak(ivs, 0, 24*60); p > capacity[sd.space] {
			t.Errorf("%s on %s: got %d desks at once, want at most %d", sd.space, sd.day, p, capacity[sd.space])
		}
	}
}
