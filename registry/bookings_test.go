package registry

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/comune-seregno/coworkbot/registry/hours"
)

// The demo clock (mustOpen) reads Wednesday 2 December 2026, 10:00.
var (
	thu3  = time.Date(2026, 12, 3, 0, 0, 0, 0, Rome)
	fri4  = time.Date(2026, 12, 4, 0, 0, 0, 0, Rome)
	sat5  = time.Date(2026, 12, 5, 0, 0, 0, 0, Rome)
	tue8  = time.Date(2026, 12, 8, 0, 0, 0, 0, Rome) // Immacolata Concezione
	wed2  = time.Date(2026, 12, 2, 0, 0, 0, 0, Rome)
	keyNo int
	keyMu sync.Mutex
)

// newKey returns a key no other request of the test run uses.
func newKey() string {
	keyMu.Lock()
	defer keyMu.Unlock()
	keyNo++
	return fmt.Sprintf("test:%d", keyNo)
}

func desks(user int64, space string, day time.Time, slot Slot, n int) BookingRequest {
	return BookingRequest{Key: newKey(), UserID: user, SpaceID: space, Day: day, Slot: slot, Desks: n}
}

func mustBook(t *testing.T, d *DB, req BookingRequest) Booking {
	t.Helper()
	b, err := d.Book(context.Background(), req)
	if err != nil {
		t.Fatalf("book %+v: %v", req, err)
	}
	return b
}

func refusal(t *testing.T, err error) *Refusal {
	t.Helper()
	var r *Refusal
	if !errors.As(err, &r) {
		t.Fatalf("got error %v, want a *Refusal", err)
	}
	return r
}

func at(day time.Time, hh, mm int) time.Time {
	return time.Date(day.Year(), day.Month(), day.Day(), hh, mm, 0, 0, Rome)
}

func TestSlotHours(t *testing.T) {
	sp := func(from, to int) hours.Span { return hours.Span{From: from, To: to} }
	none := hours.Span{}
	tests := []struct {
		name                  string
		spans                 []hours.Span
		morning, afternoon, d hours.Span
	}{
		{"two spans", []hours.Span{sp(510, 750), sp(840, 1080)}, sp(510, 750), sp(840, 1080), sp(510, 1080)},
		{"one span over 13:00", []hours.Span{sp(510, 1110)}, sp(510, 780), sp(780, 1110), sp(510, 1110)},
		{"24/7", []hours.Span{sp(0, 1440)}, sp(480, 780), sp(780, 1140), sp(480, 1140)},
		{"mornings only", []hours.Span{sp(510, 750)}, sp(510, 750), none, sp(510, 750)},
		{"afternoons only", []hours.Span{sp(840, 1080)}, none, sp(840, 1080), sp(840, 1080)},
		{"13:00 leaves a sliver: middle on the hour", []hours.Span{sp(750, 1200)}, sp(750, 960), sp(960, 1200), sp(750, 1200)},
		{"closed", nil, none, none, none},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, c := range []struct {
				slot Slot
				want hours.Span
			}{{Morning, tt.morning}, {Afternoon, tt.afternoon}, {FullDay, tt.d}, {Hours, none}} {
				got, ok := slotIn(tt.spans, c.slot)
				if ok != (c.want != none) || got != c.want {
					t.Errorf("%s: got %v %v, want %v", c.slot, got, ok, c.want)
				}
			}
		})
	}
}

func TestBookRefusals(t *testing.T) {
	d := mustDemo(t)
	ctx := context.Background()
	if err := d.SetStatus(ctx, CommandLine, "smart-verano", Pending, ""); err != nil {
		t.Fatal(err)
	}
	if _, _, err := d.AddClosure(ctx, CommandLine, Closure{SpaceID: "nido-lavoro", First: time.Date(2026, 12, 21, 0, 0, 0, 0, Rome),
		Last: time.Date(2027, 1, 6, 0, 0, 0, 0, Rome), Note: "chiusura natalizia"}); err != nil {
		t.Fatal(err)
	}
	room := func(space, id string, day time.Time, from, to int) BookingRequest {
		return BookingRequest{Key: newKey(), UserID: 1, SpaceID: space, RoomID: id, Day: day, From: from, To: to}
	}
	hoursReq := func(space string, day time.Time, from, to int) BookingRequest {
		return BookingRequest{Key: newKey(), UserID: 1, SpaceID: space, Day: day, Slot: Hours, From: from, To: to, Desks: 1}
	}
	tests := []struct {
		name string
		req  BookingRequest
		want Reason
		kind error
		chk  func(*Refusal) string
	}{
		{"yesterday", desks(1, "officina-brianza", wed2.AddDate(0, 0, -1), FullDay, 1), ReasonPast, ErrInvalid, nil},
		{"today's morning, not over at 10:00", desks(1, "il-cortile", wed2, Morning, 1), "", nil, nil},
		{"today 08:00-09:00 is over", hoursReq("officina-brianza", wed2, 510, 540), ReasonPast, ErrInvalid, nil},
		{"61 days ahead", desks(1, "officina-brianza", time.Date(2027, 2, 1, 0, 0, 0, 0, Rome), FullDay, 1), ReasonTooFar, ErrInvalid,
			func(r *Refusal) string { return check(r.Max == 60, "Max %d, want 60", r.Max) }},
		{"60 days ahead", desks(1, "binario-uno", time.Date(2027, 1, 31, 0, 0, 0, 0, Rome), FullDay, 1), "", nil, nil},
		{"no desks", desks(1, "officina-brianza", thu3, FullDay, 0), ReasonQuantity, ErrInvalid, nil},
		{"more desks than the space", desks(1, "il-cortile", thu3, Morning, 5), ReasonQuantity, ErrInvalid,
			func(r *Refusal) string { return check(r.Max == 4, "Max %d, want 4", r.Max) }},
		{"before opening", hoursReq("officina-brianza", thu3, 480, 600), ReasonOutsideHours, ErrClosed,
			func(r *Refusal) string {
				return check(len(r.Spans) == 1 && r.Spans[0].From == 510, "Spans %v", r.Spans)
			}},
		{"across the lunch break", hoursReq("spazio-ceredo", thu3, 660, 900), "", nil, nil},
		{"in the lunch break", hoursReq("spazio-ceredo", thu3, 790, 830), ReasonOutsideHours, ErrClosed, nil},
		{"no afternoon at a mornings-only space", desks(1, "il-cortile", thu3, Afternoon, 1), ReasonNoSlot, ErrClosed, nil},
		{"saturday at a weekday space", desks(1, "officina-brianza", sat5, FullDay, 1), ReasonClosedDay, ErrClosed, nil},
		{"saturday at lambro-hub", desks(1, "lambro-hub", sat5, Morning, 1), "", nil, nil},
		{"holiday", desks(1, "officina-brianza", tue8, FullDay, 1), ReasonHoliday, ErrClosed,
			func(r *Refusal) string { return check(r.Holiday == "Immacolata Concezione", "Holiday %q", r.Holiday) }},
		{"holiday at a 24/7 space", desks(1, "binario-uno", tue8, FullDay, 1), "", nil, nil},
		{"provider's closure", desks(1, "nido-lavoro", time.Date(2026, 12, 22, 0, 0, 0, 0, Rome), FullDay, 1), ReasonClosure, ErrClosed,
			func(r *Refusal) string {
				return check(r.Closure == "chiusura natalizia" && r.Until.Equal(time.Date(2027, 1, 6, 0, 0, 0, 0, Rome)), "Closure %q until %v", r.Closure, r.Until)
			}},
		{"unknown space", desks(1, "nowhere", thu3, FullDay, 1), ReasonUnknownSpace, ErrNotFound, nil},
		{"not approved", desks(1, "smart-verano", thu3, FullDay, 1), ReasonNotApproved, ErrForbidden, nil},
		{"unknown slot", desks(1, "officina-brianza", thu3, "evening", 1), ReasonBadHours, ErrInvalid, nil},
		{"room", room("officina-brianza", "volta", thu3, 600, 720), "", nil, nil},
		{"unknown room", room("officina-brianza", "marconi", thu3, 600, 720), ReasonUnknownRoom, ErrNotFound, nil},
		{"room not on the hour", room("torre-civica", "concordia", thu3, 630, 720), ReasonBadHours, ErrInvalid, nil},
		{"room after closing", room("officina-brianza", "volta", thu3, 1080, 1140), ReasonOutsideHours, ErrClosed, nil},
		{"room before opening", room("torre-civica", "concordia", thu3, 420, 480), ReasonOutsideHours, ErrClosed, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := d.Book(ctx, tt.req)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("got %v, want a booking", err)
				}
				if b.Status != Confirmed || b.ID == 0 {
					t.Errorf("got %+v, want a confirmed booking", b)
				}
				// The booking is per person: give it back so that the
				// limit of 5 never interferes.
				if _, _, err := d.CancelByID(ctx, 1, b.ID); err != nil {
					t.Fatal(err)
				}
				return
			}
			r := refusal(t, err)
			if r.Reason != tt.want {
				t.Fatalf("got reason %s, want %s", r.Reason, tt.want)
			}
			if !errors.Is(err, tt.kind) {
				t.Errorf("got %v, want it to be %v", err, tt.kind)
			}
			if tt.chk != nil {
				if msg := tt.chk(r); msg != "" {
					t.Error(msg)
				}
			}
		})
	}
}

func check(ok bool, format string, args ...any) string {
	if ok {
		return ""
	}
	return "got " + fmt.Sprintf(format, args...)
}

func TestBookCapacityIsOverlapAware(t *testing.T) {
	d := mustDemo(t)
	ctx := context.Background()
	// spazio-ceredo: 8 desks, 09:00-13:00 and 14:00-18:00.
	mustBook(t, d, desks(1, "spazio-ceredo", thu3, Morning, 5))
	mustBook(t, d, desks(2, "spazio-ceredo", thu3, Afternoon, 8))
	mustBook(t, d, desks(3, "spazio-ceredo", thu3, Morning, 3))
	for _, tt := range []struct {
		req  BookingRequest
		left int
	}{
		{desks(4, "spazio-ceredo", thu3, Morning, 1), 0},
		{desks(4, "spazio-ceredo", thu3, FullDay, 1), 0},
		{BookingRequest{Key: newKey(), UserID: 4, SpaceID: "spazio-ceredo", Day: thu3, Slot: Hours, From: 12 * 60, To: 15 * 60, Desks: 1}, 0},
	} {
		_, err := d.Book(ctx, tt.req)
		if r := refusal(t, err); r.Reason != ReasonFull || r.Left != tt.left || !errors.Is(err, ErrFull) {
			t.Errorf("%s %d-%d: got %v (left %d), want full with %d left", tt.req.Slot, tt.req.From, tt.req.To, err, r.Left, tt.left)
		}
	}
	// il-cortile: 4 desks; 3 taken leave 1, and the refusal says so.
	mustBook(t, d, desks(5, "il-cortile", thu3, Morning, 3))
	_, err := d.Book(ctx, desks(6, "il-cortile", thu3, Morning, 2))
	if r := refusal(t, err); r.Reason != ReasonFull || r.Left != 1 {
		t.Errorf("got %v, want full with 1 left", err)
	}
	mustBook(t, d, desks(6, "il-cortile", thu3, Morning, 1))
	// Explicit hours stack: 08:30-10:30 and 10:30-12:30 each take all four.
	mustBook(t, d, BookingRequest{Key: newKey(), UserID: 7, SpaceID: "il-cortile", Day: fri4, Slot: Hours, From: 510, To: 630, Desks: 4})
	mustBook(t, d, BookingRequest{Key: newKey(), UserID: 7, SpaceID: "il-cortile", Day: fri4, Slot: Hours, From: 630, To: 750, Desks: 4})
}

func TestBookIsIdempotent(t *testing.T) {
	d := mustDemo(t)
	ctx := context.Background()
	req := desks(1, "il-cortile", thu3, Morning, 2)
	first := mustBook(t, d, req)
	second := mustBook(t, d, req)
	if second != first {
		t.Errorf("second call: got %+v, want %+v", second, first)
	}
	other := req
	other.SpaceID = "binario-uno"
	if _, err := d.Book(ctx, other); !errors.Is(err, ErrConflict) {
		t.Errorf("same key, other space: got %v, want ErrConflict", err)
	}
	fewer := req
	fewer.Desks = 1
	if _, err := d.Book(ctx, fewer); !errors.Is(err, ErrConflict) {
		t.Errorf("same key, other number of desks: got %v, want ErrConflict", err)
	}
	later := req
	later.Slot = FullDay
	if _, err := d.Book(ctx, later); !errors.Is(err, ErrConflict) {
		t.Errorf("same key, other slot: got %v, want ErrConflict", err)
	}
	if n := countRows(t, d, `SELECT count(*) FROM bookings`); n != 1 {
		t.Errorf("got %d rows, want 1", n)
	}
	if _, err := d.Book(ctx, desks(1, "il-cortile", thu3, Morning, 1)); err != nil {
		t.Errorf("a new key: got %v, want a booking", err)
	}
	noKey := req
	noKey.Key = ""
	if _, err := d.Book(ctx, noKey); !errors.Is(err, ErrInvalid) {
		t.Errorf("no key: got %v, want ErrInvalid", err)
	}
	// Even once the day is over, the key still answers with its booking.
	d.Now = func() time.Time { return time.Date(2026, 12, 10, 9, 0, 0, 0, Rome) }
	if again := mustBook(t, d, req); again.Code != first.Code {
		t.Errorf("after the day: got %s, want %s", again.Code, first.Code)
	}
}

func countRows(t testing.TB, d *DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := d.db.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// openHandles opens the same database file n more times, with d's clock.
func openHandles(t *testing.T, d *DB, n int) []*DB {
	t.Helper()
	out := []*DB{d}
	for i := 1; i < n; i++ {
		h, err := Open(context.Background(), d.Path())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { h.Close() })
		h.Now = d.Now
		out = append(out, h)
	}
	return out
}

func TestBookRaceForTheLastDesks(t *testing.T) {
	d := mustDemo(t)
	ctx := context.Background()
	handles := openHandles(t, d, 8)
	// officina-brianza has 20 desks: 8 handles × 4 goroutines × 3 tries
	// want 96.
	const goroutines, tries = 4, 3
	var mu sync.Mutex
	var codes []string
	var wg sync.WaitGroup
	for h, db := range handles {
		for g := range goroutines {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range tries {
					user := int64(1000*h + 10*g + i)
					b, err := db.Book(ctx, desks(user, "officina-brianza", thu3, FullDay, 1))
					if err == nil {
						mu.Lock()
						codes = append(codes, b.Code)
						mu.Unlock()
					} else if !errors.Is(err, ErrFull) {
						t.Errorf("got %v, want a booking or ErrFull", err)
					}
				}
			}()
		}
	}
	wg.Wait()
	if len(codes) != 20 {
		t.Errorf("got %d accepted bookings, want 20", len(codes))
	}
	stored, err := d.SpaceBookings(ctx, "officina-brianza", thu3, thu3)
	if err != nil {
		t.Fatal(err)
	}
	if len(stored) != len(codes) {
		t.Errorf("got %d stored bookings, want %d", len(stored), len(codes))
	}
	for _, c := range codes {
		if _, err := d.Booking(ctx, c); err != nil {
			t.Errorf("accepted %s: %v", c, err)
		}
	}
}

// TestBookBatchWithARefusal queues four Book calls while a (pretend)
// batch is being written, then hands the lead to the first, as bookQueued
// does: the four are written in one transaction, the one that no longer
// fits is refused with what is left, and the others are all stored.
func TestBookBatchWithARefusal(t *testing.T) {
	d := mustDemo(t)
	ctx := context.Background()
	// officina-brianza has 20 desks: leave 3.
	mustBook(t, d, desks(1, "officina-brianza", thu3, FullDay, 17))
	reqs := []BookingRequest{
		desks(2, "officina-brianza", thu3, FullDay, 2),
		desks(3, "officina-brianza", thu3, FullDay, 2), // 1 left by then
		desks(4, "officina-brianza", thu3, FullDay, 1),
		desks(5, "officina-brianza", thu3, FullDay, 1), // none left
	}
	d.books.mu.Lock()
	d.books.writing = true
	d.books.mu.Unlock()
	type answer struct {
		b   Booking
		err error
	}
	answers := make([]answer, len(reqs))
	var wg sync.WaitGroup
	for i, req := range reqs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b, err := d.Book(ctx, req)
			answers[i] = answer{b, err}
		}()
		for queued := false; !queued; runtime.Gosched() { // keep the order of reqs
			d.books.mu.Lock()
			queued = len(d.books.calls) == i+1
			d.books.mu.Unlock()
		}
	}
	d.books.mu.Lock()
	d.books.calls[0].done <- true
	d.books.mu.Unlock()
	wg.Wait()

	for _, i := range []int{0, 2} {
		if answers[i].err != nil {
			t.Errorf("request %d: got %v, want a booking", i, answers[i].err)
		} else if _, err := d.Booking(ctx, answers[i].b.Code); err != nil {
			t.Errorf("request %d: accepted %s: %v", i, answers[i].b.Code, err)
		}
	}
	for i, left := range map[int]int{1: 1, 3: 0} {
		if r := refusal(t, answers[i].err); r.Reason != ReasonFull || r.Left != left {
			t.Errorf("request %d: got %s with %d left, want full with %d left", i, r.Reason, r.Left, left)
		}
	}
	if n := countRows(t, d, `SELECT coalesce(sum(desks), 0) FROM bookings WHERE space_id = 'officina-brianza' AND status = 'confirmed'`); n != 20 {
		t.Errorf("got %d desks booked, want 20", n)
	}
	if n := countRows(t, d, `SELECT count(*) FROM bookings`); n != 3 {
		t.Errorf("got %d rows, want 3", n)
	}
	d.books.mu.Lock()
	defer d.books.mu.Unlock()
	if d.books.writing || len(d.books.calls) != 0 {
		t.Errorf("after the batch: writing %v, %d queued; want false, 0", d.books.writing, len(d.books.calls))
	}
}

func TestBookSameKeyConcurrently(t *testing.T) {
	d := mustDemo(t)
	ctx := context.Background()
	handles := openHandles(t, d, 4)
	req := desks(1, "binario-uno", thu3, FullDay, 2) // Confirm pressed many times
	codes := make([]string, 16)
	var wg sync.WaitGroup
	for i := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b, err := handles[i%len(handles)].Book(ctx, req)
			if err != nil {
				t.Error(err)
				return
			}
			codes[i] = b.Code
		}()
	}
	wg.Wait()
	for i, c := range codes {
		if c != codes[0] {
			t.Errorf("call %d: got code %s, want %s", i, c, codes[0])
		}
	}
	if n := countRows(t, d, `SELECT count(*) FROM bookings`); n != 1 {
		t.Errorf("got %d rows, want 1", n)
	}
}

func TestRooms(t *testing.T) {
	d := mustDemo(t)
	ctx := context.Background()
	room := func(user int64, from, to int) BookingRequest {
		return BookingRequest{Key: newKey(), UserID: user, SpaceID: "officina-brianza", RoomID: "volta", Day: thu3, From: from * 60, To: to * 60}
	}
	b := mustBook(t, d, room(1, 10, 12))
	if b.Desks != 0 || b.Slot != Hours || b.RoomID != "volta" {
		t.Errorf("got %+v, want a room booking", b)
	}
	for _, tt := range []struct {
		from, to int
		want     Reason
	}{{11, 13, ReasonRoomTaken}, {9, 11, ReasonRoomTaken}, {9, 18, ReasonRoomTaken}, {12, 13, ""}, {9, 10, ""}} {
		_, err := d.Book(ctx, room(2, tt.from, tt.to))
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%d-%d: got %v, want a booking", tt.from, tt.to, err)
		case tt.want != "" && (!errors.Is(err, ErrFull) || refusal(t, err).Reason != tt.want):
			t.Errorf("%d-%d: got %v, want %s", tt.from, tt.to, err, tt.want)
		}
	}
	// A room does not take desks.
	mustBook(t, d, desks(3, "officina-brianza", thu3, FullDay, 20))
	alt, err := d.Alternatives(ctx, room(4, 10, 12))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range alt.Slots {
		got = append(got, fmt.Sprintf("%d-%d", c.From/60, c.To/60))
	}
	if want := "13-15 14-16 15-17 16-18"; strings.Join(got, " ") != want {
		t.Errorf("room alternatives: got %v, want %s", got, want)
	}
}

func TestPersonalLimit(t *testing.T) {
	d := mustDemo(t)
	ctx := context.Background()
	var first Booking
	for i := range 5 {
		b := mustBook(t, d, desks(7, "binario-uno", thu3.AddDate(0, 0, i), FullDay, 1))
		if i == 0 {
			first = b
		}
	}
	_, err := d.Book(ctx, desks(7, "binario-uno", thu3.AddDate(0, 0, 6), FullDay, 1))
	if r := refusal(t, err); r.Reason != ReasonLimit || r.Max != 5 || !errors.Is(err, ErrForbidden) {
		t.Fatalf("sixth: got %v, want limit 5", err)
	}
	if _, _, err := d.Cancel(ctx, 7, first.Code); err != nil {
		t.Fatal(err)
	}
	mustBook(t, d, desks(7, "binario-uno", thu3.AddDate(0, 0, 6), FullDay, 1))
	// A booking that is over no longer counts.
	d.Now = func() time.Time { return time.Date(2026, 12, 4, 20, 0, 0, 0, Rome) }
	mustBook(t, d, desks(7, "binario-uno", thu3.AddDate(0, 0, 7), FullDay, 1))
	d.Rules.MaxActive = 2
	_, err = d.Book(ctx, desks(7, "binario-uno", thu3.AddDate(0, 0, 8), FullDay, 1))
	if r := refusal(t, err); r.Reason != ReasonLimit || r.Max != 2 {
		t.Errorf("configured: got %v, want limit 2", err)
	}
}

func TestCancelAndLists(t *testing.T) {
	d := mustDemo(t)
	ctx := context.Background()
	a := mustBook(t, d, desks(1, "il-cortile", fri4, Morning, 1))
	b := mustBook(t, d, desks(1, "officina-brianza", thu3, Afternoon, 2))
	mustBook(t, d, desks(2, "officina-brianza", thu3, Morning, 1))
	if _, _, err := d.Cancel(ctx, 2, a.Code); !errors.Is(err, ErrForbidden) {
		t.Errorf("someone else's: got %v, want ErrForbidden", err)
	}
	if _, _, err := d.Cancel(ctx, 1, "QQQQQQ"); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown code: got %v, want ErrNotFound", err)
	}
	got, _, err := d.Cancel(ctx, 1, strings.ToLower(a.Code[:3]+" "+a.Code[3:]))
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != Cancelled || got.Cancelled.IsZero() {
		t.Errorf("got %+v, want cancelled", got)
	}
	if again, _, err := d.Cancel(ctx, 1, a.Code); err != nil || again.Status != Cancelled {
		t.Errorf("twice: got %v %v, want the cancelled booking", again.Status, err)
	}
	if stored, err := d.Booking(ctx, a.Code); err != nil || stored.Status != Cancelled {
		t.Errorf("stored: got %v %v, want it kept as cancelled", stored.Status, err)
	}
	list, err := d.Bookings(ctx, 1, d.Now())
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].Code != b.Code {
		t.Errorf("upcoming: got %v, want only %s", list, b.Code)
	}
	if list, _ := d.Bookings(ctx, 1, at(thu3, 18, 30)); len(list) != 0 {
		t.Errorf("after it ended: got %v, want none", list)
	}
	sb, err := d.SpaceBookings(ctx, "officina-brianza", thu3, fri4)
	if err != nil {
		t.Fatal(err)
	}
	if len(sb) != 2 || sb[0].Slot != Morning || sb[1].Slot != Afternoon {
		t.Errorf("space bookings: got %v, want morning then afternoon", sb)
	}
	d.Now = func() time.Time { return at(thu3, 19, 0) }
	if _, _, err := d.Cancel(ctx, 1, b.Code); !errors.Is(err, ErrInvalid) {
		t.Errorf("over: got %v, want ErrInvalid", err)
	}
}

func TestCodes(t *testing.T) {
	d := mustDemo(t)
	seen := map[string]bool{}
	for i := range 30 {
		b := mustBook(t, d, desks(int64(i), "lambro-hub", thu3, FullDay, 1))
		if len(b.Code) != 6 || strings.Trim(b.Code, CodeAlphabet) != "" {
			t.Errorf("got code %q, want 6 characters of %s", b.Code, CodeAlphabet)
		}
		if seen[b.Code] {
			t.Errorf("code %s twice", b.Code)
		}
		seen[b.Code] = true
	}
}

func TestWaitlist(t *testing.T) {
	d := mustDemo(t)
	ctx := context.Background()
	// il-cortile: 4 desks, mornings only.
	var taken []Booking
	for u := int64(1); u <= 4; u++ {
		taken = append(taken, mustBook(t, d, desks(u, "il-cortile", thu3, Morning, 1)))
	}
	if _, err := d.JoinWaitlist(ctx, desks(9, "il-cortile", fri4, Morning, 1)); !errors.Is(err, ErrConflict) {
		t.Errorf("join with room left: got %v, want ErrConflict", err)
	}
	five, err := d.JoinWaitlist(ctx, desks(5, "il-cortile", thu3, Morning, 2))
	if err != nil {
		t.Fatal(err)
	}
	if again, err := d.JoinWaitlist(ctx, desks(5, "il-cortile", thu3, Morning, 2)); err != nil || again.ID != five.ID {
		t.Errorf("join twice: got %v %v, want entry %d", again.ID, err, five.ID)
	}
	if _, err := d.JoinWaitlist(ctx, desks(6, "il-cortile", thu3, Morning, 1)); err != nil {
		t.Fatal(err)
	}
	// One desk free: five needs two, so six, second in line, gets it.
	_, offers, err := d.Cancel(ctx, 1, taken[0].Code)
	if err != nil {
		t.Fatal(err)
	}
	if len(offers) != 1 || offers[0].Entry.UserID != 6 {
		t.Fatalf("after a cancellation: got %v, want one offer to 6", offers)
	}
	six := offers[0]
	if want := at(wed2, 12, 0); !six.Expires.Equal(want) {
		t.Errorf("expires: got %v, want %v", six.Expires, want)
	}
	// The offered desk is held.
	if _, err := d.Book(ctx, desks(7, "il-cortile", thu3, Morning, 1)); !errors.Is(err, ErrFull) {
		t.Errorf("held desk: got %v, want ErrFull", err)
	}
	if _, _, err := d.Cancel(ctx, 2, taken[1].Code); err != nil {
		t.Fatal(err)
	}
	// Someone else cannot decline it (a forged button), and nothing changes.
	if _, err := d.DeclineOffer(ctx, 7, six.ID); !errors.Is(err, ErrForbidden) {
		t.Errorf("someone else declining: got %v, want ErrForbidden", err)
	}
	// Six declines: now two are free, and five gets them.
	offers, err = d.DeclineOffer(ctx, 6, six.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(offers) != 1 || offers[0].Entry.UserID != 5 || offers[0].Entry.Desks != 2 {
		t.Fatalf("after declining: got %v, want one offer to 5 for 2 desks", offers)
	}
	if again, err := d.DeclineOffer(ctx, 6, six.ID); err != nil || len(again) != 0 {
		t.Errorf("declining twice: got %+v %v, want nothing", again, err)
	}
	if _, err := d.AcceptOffer(ctx, 6, six.ID); refusal(t, err).Reason != ReasonOfferExpired {
		t.Errorf("declined offer accepted: got %v, want offer_expired", err)
	}
	if _, err := d.AcceptOffer(ctx, 6, offers[0].ID); !errors.Is(err, ErrForbidden) {
		t.Errorf("someone else's offer: got %v, want ErrForbidden", err)
	}
	b, err := d.AcceptOffer(ctx, 5, offers[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if b.Desks != 2 || b.Slot != Morning || b.UserID != 5 || b.From != 510 || b.To != 750 {
		t.Errorf("accepted: got %+v, want 2 desks in the morning for 5", b)
	}
	if _, err := d.DeclineOffer(ctx, 5, offers[0].ID); !errors.Is(err, ErrConflict) {
		t.Errorf("declining an accepted offer: got %v, want ErrConflict", err)
	}
	if again, err := d.AcceptOffer(ctx, 5, offers[0].ID); err != nil || again.Code != b.Code {
		t.Errorf("accept twice: got %v %v, want %s", again.Code, err, b.Code)
	}
	if n := countRows(t, d, `SELECT sum(desks) FROM bookings WHERE space_id = 'il-cortile' AND status = 'confirmed'`); n != 4 {
		t.Errorf("got %d desks booked, want 4", n)
	}

	// Expiry moves on to the next in line.
	for _, u := range []int64{8, 9} {
		if _, err := d.JoinWaitlist(ctx, desks(u, "il-cortile", thu3, Morning, 1)); err != nil {
			t.Fatal(err)
		}
	}
	_, offers, err = d.Cancel(ctx, 3, taken[2].Code)
	if err != nil || len(offers) != 1 || offers[0].Entry.UserID != 8 {
		t.Fatalf("got %v %v, want one offer to 8", offers, err)
	}
	eight := offers[0]
	if offers, err := d.ExpireOffers(ctx); err != nil || len(offers) != 0 {
		t.Errorf("before expiry: got %v %v, want nothing", offers, err)
	}
	d.Now = func() time.Time { return at(wed2, 12, 0) }
	offers, err = d.ExpireOffers(ctx)
	if err != nil || len(offers) != 1 || offers[0].Entry.UserID != 9 {
		t.Fatalf("at expiry: got %v %v, want one offer to 9", offers, err)
	}
	if _, err := d.AcceptOffer(ctx, 8, eight.ID); !errors.Is(err, ErrClosed) {
		t.Errorf("expired offer: got %v, want ErrClosed", err)
	}
	if _, err := d.AcceptOffer(ctx, 9, offers[0].ID); err != nil {
		t.Fatal(err)
	}
	// An offer made close to the slot expires when the slot starts.
	d.Now = func() time.Time { return at(thu3, 7, 45) }
	if _, err := d.JoinWaitlist(ctx, desks(10, "il-cortile", thu3, Morning, 1)); err != nil {
		t.Fatal(err)
	}
	_, offers, err = d.Cancel(ctx, 4, taken[3].Code)
	if err != nil || len(offers) != 1 || offers[0].Entry.UserID != 10 {
		t.Fatalf("got %v %v, want an offer to 10", offers, err)
	}
	if want := at(thu3, 8, 30); !offers[0].Expires.Equal(want) {
		t.Errorf("expires: got %v, want %v (the slot's start)", offers[0].Expires, want)
	}
	if list, err := d.Waitlist(ctx, 10); err != nil || len(list) != 1 || list[0].Status != Offered {
		t.Errorf("waitlist of 10: got %v %v, want one offered entry", list, err)
	}
	// Someone else cannot take them out of line (a forged button).
	if _, err := d.LeaveWaitlist(ctx, 11, offers[0].Entry.ID); !errors.Is(err, ErrForbidden) {
		t.Errorf("someone else leaving: got %v, want ErrForbidden", err)
	}
	// Leaving the line gives the held desk back; leaving twice does nothing.
	if _, err := d.LeaveWaitlist(ctx, 10, offers[0].Entry.ID); err != nil {
		t.Fatal(err)
	}
	if again, err := d.LeaveWaitlist(ctx, 10, offers[0].Entry.ID); err != nil || len(again) != 0 {
		t.Errorf("leaving twice: got %+v %v, want nothing", again, err)
	}
	if list, err := d.Waitlist(ctx, 10); err != nil || len(list) != 0 {
		t.Errorf("waitlist of 10 after leaving: got %v %v, want none", list, err)
	}
	mustBook(t, d, desks(11, "il-cortile", thu3, Morning, 1))
}

func TestDueReminders(t *testing.T) {
	d := mustDemo(t)
	ctx := context.Background()
	a := mustBook(t, d, desks(1, "officina-brianza", thu3, Morning, 1))
	mustBook(t, d, desks(2, "officina-brianza", thu3, Morning, 1))
	mustBook(t, d, desks(3, "officina-brianza", fri4, Morning, 1))
	c := mustBook(t, d, desks(4, "officina-brianza", thu3, Afternoon, 1))
	if _, _, err := d.Cancel(ctx, 4, c.Code); err != nil {
		t.Fatal(err)
	}
	if err := d.SetReminders(ctx, 2, false); err != nil {
		t.Fatal(err)
	}
	if on, err := d.RemindersOn(ctx, 2); err != nil || on {
		t.Errorf("reminders of 2: got %v %v, want off", on, err)
	}
	if due, err := d.DueReminders(ctx, at(wed2, 17, 59)); err != nil || len(due) != 0 {
		t.Errorf("17:59: got %v %v, want none", due, err)
	}
	due, err := d.DueReminders(ctx, at(wed2, 18, 0).UTC())
	if err != nil {
		t.Fatal(err)
	}
	if len(due) != 1 || due[0].Code != a.Code {
		t.Fatalf("18:00: got %v, want only %s", due, a.Code)
	}
	if err := d.MarkReminded(ctx, due[0].ID); err != nil {
		t.Fatal(err)
	}
	if due, err := d.DueReminders(ctx, at(wed2, 21, 0)); err != nil || len(due) != 0 {
		t.Errorf("after marking: got %v %v, want none", due, err)
	}
}

func TestBookAcrossDaylightSaving(t *testing.T) {
	d := mustDemo(t)
	ctx := context.Background()
	tests := []struct {
		name      string
		now       time.Time
		req       BookingRequest
		start     string // UTC
		hoursLong float64
	}{
		// Clocks go forward at 02:00: the night from 01:00 to 04:00 lasts two hours.
		{"spring 2026", time.Date(2026, 3, 20, 9, 0, 0, 0, Rome),
			BookingRequest{UserID: 1, SpaceID: "binario-uno", Day: time.Date(2026, 3, 29, 0, 0, 0, 0, Rome), Slot: Hours, From: 60, To: 240, Desks: 1},
			"2026-03-29T00:00:00Z", 2},
		// Clocks go back at 03:00: the night from 01:00 to 04:00 lasts four hours.
		{"autumn 2026", time.Date(2026, 10, 20, 9, 0, 0, 0, Rome),
			BookingRequest{UserID: 1, SpaceID: "binario-uno", Day: time.Date(2026, 10, 25, 0, 0, 0, 0, Rome), Slot: Hours, From: 60, To: 240, Desks: 1},
			"2026-10-24T23:00:00Z", 4},
		{"autumn 2026 full day", time.Date(2026, 10, 20, 9, 0, 0, 0, Rome),
			BookingRequest{UserID: 1, SpaceID: "binario-uno", Day: time.Date(2026, 10, 25, 0, 0, 0, 0, Rome), Slot: FullDay, Desks: 1},
			"2026-10-25T07:00:00Z", 11},
		// Easter Sunday 2027 is also the day clocks go forward.
		{"spring 2027", time.Date(2027, 3, 20, 9, 0, 0, 0, Rome),
			BookingRequest{UserID: 1, SpaceID: "binario-uno", Day: time.Date(2027, 3, 28, 0, 0, 0, 0, Rome), Slot: Morning, Desks: 1},
			"2027-03-28T06:00:00Z", 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d.Now = func() time.Time { return tt.now }
			tt.req.Key = newKey()
			b, err := d.Book(ctx, tt.req)
			if err != nil {
				t.Fatal(err)
			}
			if got := b.Start().UTC().Format(time.RFC3339); got != tt.start {
				t.Errorf("start: got %s, want %s", got, tt.start)
			}
			if got := b.End().Sub(b.Start()).Hours(); got != tt.hoursLong {
				t.Errorf("length: got %v hours, want %v", got, tt.hoursLong)
			}
			// The reminder goes out the evening before, 18:00 local.
			eve := b.Day.AddDate(0, 0, -1)
			due, err := d.DueReminders(ctx, at(eve, 18, 0))
			if err != nil {
				t.Fatal(err)
			}
			if len(due) == 0 || due[len(due)-1].Code != b.Code {
				t.Errorf("reminders: got %v, want %s among them", due, b.Code)
			}
			if err := d.MarkReminded(ctx, b.ID); err != nil {
				t.Fatal(err)
			}
		})
	}
	d.Now = func() time.Time { return time.Date(2027, 3, 20, 9, 0, 0, 0, Rome) }
	_, err := d.Book(ctx, desks(2, "officina-brianza", time.Date(2027, 3, 29, 0, 0, 0, 0, Rome), FullDay, 1))
	if r := refusal(t, err); r.Reason != ReasonHoliday || r.Holiday != "Lunedì dell'Angelo" {
		t.Errorf("Easter Monday 2027: got %v, want holiday", err)
	}
}

func TestClosures(t *testing.T) {
	d := mustDemo(t)
	ctx := context.Background()
	if _, _, err := d.AddClosure(ctx, CommandLine, Closure{SpaceID: "nowhere", First: thu3, Last: thu3}); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown space: got %v, want ErrNotFound", err)
	}
	if _, _, err := d.AddClosure(ctx, CommandLine, Closure{SpaceID: "officina-brianza", First: fri4, Last: thu3}); !errors.Is(err, ErrInvalid) {
		t.Errorf("backwards: got %v, want ErrInvalid", err)
	}
	c, _, err := d.AddClosure(ctx, CommandLine, Closure{SpaceID: "officina-brianza", First: thu3.Add(15 * time.Hour), Last: fri4, Note: "lavori"})
	if err != nil {
		t.Fatal(err)
	}
	if !c.First.Equal(thu3) || c.ID == 0 {
		t.Errorf("got %+v, want a closure from midnight of the 3rd", c)
	}
	_, err = d.Book(ctx, desks(1, "officina-brianza", fri4, Morning, 1))
	if r := refusal(t, err); r.Reason != ReasonClosure || r.Closure != "lavori" || !r.Until.Equal(fri4) {
		t.Errorf("got %v, want closure until the 4th", err)
	}
	list, err := d.Closures(ctx, "officina-brianza", wed2)
	if err != nil || len(list) != 1 || list[0].Note != "lavori" {
		t.Errorf("closures: got %v %v, want the one added", list, err)
	}
	if list, _ := d.Closures(ctx, "officina-brianza", sat5); len(list) != 0 {
		t.Errorf("closures from the 5th: got %v, want none", list)
	}
	if err := d.RemoveClosure(ctx, CommandLine, c.ID); err != nil {
		t.Fatal(err)
	}
	if err := d.RemoveClosure(ctx, CommandLine, c.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("removed twice: got %v, want ErrNotFound", err)
	}
	mustBook(t, d, desks(1, "officina-brianza", fri4, Morning, 1))
}

func TestAlternatives(t *testing.T) {
	d := mustDemo(t)
	ctx := context.Background()
	// spazio-ceredo's morning is full; its afternoon is free.
	mustBook(t, d, desks(1, "spazio-ceredo", thu3, Morning, 8))
	mustBook(t, d, desks(2, "officina-brianza", thu3, Morning, 19)) // one desk left there
	req := desks(3, "spazio-ceredo", thu3, Morning, 2)
	_, err := d.Book(ctx, req)
	if !errors.Is(err, ErrFull) {
		t.Fatalf("got %v, want ErrFull", err)
	}
	alt, err := d.Alternatives(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if len(alt.Slots) != 1 || alt.Slots[0].Slot != Afternoon || alt.Slots[0].Left != 8 {
		t.Errorf("other slots: got %+v, want the afternoon with 8 left", alt.Slots)
	}
	if len(alt.Nearby) != 3 {
		t.Fatalf("nearby: got %+v, want 3", alt.Nearby)
	}
	for i, c := range alt.Nearby {
		if c.SpaceID == "spazio-ceredo" || c.SpaceID == "officina-brianza" || c.Left < 2 {
			t.Errorf("nearby %d: got %+v, want another space with 2 desks free", i, c)
		}
		if i > 0 && c.Distance < alt.Nearby[i-1].Distance {
			t.Errorf("nearby %d: got distance %v after %v, want nearest first", i, c.Distance, alt.Nearby[i-1].Distance)
		}
	}
}

func TestBookSeesChangesToTheList(t *testing.T) {
	d := mustDemo(t)
	ctx := context.Background()
	mustBook(t, d, desks(1, "il-cortile", thu3, Morning, 2)) // builds the index
	if _, err := d.EditSpace(ctx, CommandLine, "il-cortile", func(s *Space) error { s.Desks = 3; return nil }); err != nil {
		t.Fatal(err)
	}
	_, err := d.Book(ctx, desks(2, "il-cortile", thu3, Morning, 2))
	if r := refusal(t, err); r.Reason != ReasonFull || r.Left != 1 {
		t.Errorf("after the change: got %v, want full with 1 left", err)
	}
	if err := d.SetStatus(ctx, CommandLine, "il-cortile", Suspended, ""); err != nil {
		t.Fatal(err)
	}
	_, err = d.Book(ctx, desks(2, "il-cortile", thu3, Morning, 1))
	if r := refusal(t, err); r.Reason != ReasonNotApproved {
		t.Errorf("suspended: got %v, want not_approved", err)
	}
}

func TestCheckDay(t *testing.T) {
	d := mustDemo(t)
	ctx := context.Background()
	if _, _, err := d.AddClosure(ctx, CommandLine, Closure{SpaceID: "officina-brianza", First: time.Date(2026, 12, 14, 0, 0, 0, 0, Rome),
		Last: time.Date(2026, 12, 18, 0, 0, 0, 0, Rome), Note: "lavori"}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		day  time.Time
		want Reason
	}{
		{time.Date(2026, 12, 4, 0, 0, 0, 0, Rome), ""},
		{time.Date(2026, 12, 1, 0, 0, 0, 0, Rome), ReasonPast},
		{time.Date(2026, 12, 6, 0, 0, 0, 0, Rome), ReasonClosedDay},
		{time.Date(2026, 12, 8, 0, 0, 0, 0, Rome), ReasonHoliday},
		{time.Date(2026, 12, 15, 0, 0, 0, 0, Rome), ReasonClosure},
		{time.Date(2027, 3, 1, 0, 0, 0, 0, Rome), ReasonTooFar},
	} {
		err := d.CheckDay(ctx, "officina-brianza", c.day)
		var r *Refusal
		got := Reason("")
		if errors.As(err, &r) {
			got = r.Reason
		} else if err != nil {
			t.Fatalf("%s: %v", c.day.Format(time.DateOnly), err)
		}
		if got != c.want {
			t.Errorf("%s: got %q, want %q", c.day.Format(time.DateOnly), got, c.want)
		}
	}
}
