package registry

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

func signup(user, event int64, people int) SignupRequest {
	return SignupRequest{Key: newKey(), UserID: user, EventID: event, People: people}
}

func mustSignUp(t *testing.T, d *DB, req SignupRequest) []Signup {
	t.Helper()
	ss, err := d.SignUp(context.Background(), req)
	if err != nil {
		t.Fatalf("sign up %+v: %v", req, err)
	}
	return ss
}

func signupRefusal(t *testing.T, err error) *SignupRefusal {
	t.Helper()
	var r *SignupRefusal
	if !errors.As(err, &r) {
		t.Fatalf("got error %v, want a *SignupRefusal", err)
	}
	return r
}

// smallEvent publishes the workshop with the given seats.
func smallEvent(t *testing.T, d *DB, seats int) Event {
	t.Helper()
	dr := workshop()
	dr.Seats = seats
	return mustPublish(t, d, Person(keeper), dr)[0]
}

func TestSignUp(t *testing.T) {
	d := mustRoles(t)
	ctx := context.Background()
	e := smallEvent(t, d, 5)
	req := signup(citizen, e.ID, 2)
	ss := mustSignUp(t, d, req)
	if len(ss) != 1 {
		t.Fatalf("got %d sign-ups, want 1", len(ss))
	}
	s := ss[0]
	if s.UserID != citizen || s.EventID != e.ID || s.People != 2 || s.Status != Confirmed || s.Key != req.Key ||
		!s.Created.Equal(d.Now()) || s.Event.ID != e.ID || s.Event.Left != 3 || s.Event.Taken != 2 {
		t.Errorf("got %+v, want 2 confirmed places with 3 left", s)
	}
	if got, err := d.SignupByID(ctx, s.ID); err != nil || got != s {
		t.Errorf("read back %+v %v, want %+v", got, err, s)
	}
	// The same update twice signs up once, even later.
	d.Now = func() time.Time { return time.Date(2026, 12, 11, 9, 0, 0, 0, Rome) }
	again, err := d.SignUp(ctx, req)
	if err != nil || len(again) != 1 || again[0].ID != s.ID {
		t.Errorf("redelivered: got %+v %v, want the same sign-up", again, err)
	}
	d.Now = func() time.Time { return time.Date(2026, 12, 2, 10, 0, 0, 0, Rome) }
	other := req
	other.People = 3
	if _, err := d.SignUp(ctx, other); !errors.Is(err, ErrConflict) {
		t.Errorf("a key reused for other details: got %v, want ErrConflict", err)
	}
	if n := countRows(t, d, `SELECT count(*) FROM signups`); n != 1 {
		t.Errorf("got %d sign-ups stored, want 1", n)
	}

	for _, c := range []struct {
		name   string
		req    SignupRequest
		reason SignupReason
		kind   error
		check  func(*SignupRefusal) bool
	}{
		{"already signed up", signup(citizen, e.ID, 1), SignupAlready, ErrConflict, func(r *SignupRefusal) bool { return r.Signup == s.ID }},
		{"more than a sign-up may bring", signup(newcomer, e.ID, 5), SignupLimit, ErrInvalid, func(r *SignupRefusal) bool { return r.Max == 4 }},
		{"more than the seats left", signup(newcomer, e.ID, 4), SignupFull, ErrFull, func(r *SignupRefusal) bool { return r.Left == 3 && r.EventID == e.ID }},
	} {
		_, err := d.SignUp(ctx, c.req)
		r := signupRefusal(t, err)
		if r.Reason != c.reason || !errors.Is(err, c.kind) || !c.check(r) {
			t.Errorf("%s: got %+v (%v), want %s", c.name, r, err, c.reason)
		}
	}
	if _, err := d.SignUp(ctx, signup(newcomer, e.ID, 0)); !errors.Is(err, ErrInvalid) {
		t.Errorf("nobody: got %v, want ErrInvalid", err)
	}
	if _, err := d.SignUp(ctx, SignupRequest{UserID: newcomer, EventID: e.ID, People: 1}); !errors.Is(err, ErrInvalid) {
		t.Errorf("no key: got %v, want ErrInvalid", err)
	}
	if _, err := d.SignUp(ctx, signup(newcomer, 9999, 1)); !errors.Is(err, ErrNotFound) {
		t.Errorf("an unknown event: got %v, want ErrNotFound", err)
	}
	// The rules can be changed.
	d.EventRules.MaxPeople = 1
	if r := signupRefusal(t, func() error { _, err := d.SignUp(ctx, signup(newcomer, e.ID, 2)); return err }()); r.Reason != SignupLimit || r.Max != 1 {
		t.Errorf("got %+v, want a limit of 1", r)
	}
	d.EventRules.MaxPeople = 0
	// The last three seats, then full.
	mustSignUp(t, d, signup(newcomer, e.ID, 3))
	_, err = d.SignUp(ctx, signup(905, e.ID, 1))
	if r := signupRefusal(t, err); r.Reason != SignupFull || r.Left != 0 {
		t.Errorf("got %+v, want full with none left", r)
	}
	// Begun.
	d.Now = func() time.Time { return e.Start() }
	_, err = d.SignUp(ctx, signup(906, e.ID, 1))
	if r := signupRefusal(t, err); r.Reason != SignupPast || !errors.Is(err, ErrClosed) {
		t.Errorf("got %+v, want past", r)
	}
}

func TestSignUpUnlimitedAndSuspended(t *testing.T) {
	d := mustRoles(t)
	ctx := context.Background()
	dr := workshop()
	dr.Seats = Unlimited
	e := mustPublish(t, d, Person(keeper), dr)[0]
	for i := range 12 {
		mustSignUp(t, d, signup(int64(1000+i), e.ID, 4))
	}
	if got := mustEvent(t, d, e.ID); got.Taken != 48 || got.Limited() {
		t.Errorf("got %+v, want 48 people at an unlimited event", got)
	}
	if _, err := d.JoinEventWaitlist(ctx, citizen, e.ID, 1); !errors.Is(err, ErrConflict) {
		t.Errorf("waiting for an unlimited event: got %v, want ErrConflict", err)
	}
	if _, err := d.Suspend(ctx, Person(clerk), "officina-brianza", ""); err != nil {
		t.Fatal(err)
	}
	_, err := d.SignUp(ctx, signup(citizen, e.ID, 1))
	if r := signupRefusal(t, err); r.Reason != SignupNotApproved || !errors.Is(err, ErrForbidden) {
		t.Errorf("a suspended space: got %+v, want not approved", r)
	}
}

func TestSignUpSeries(t *testing.T) {
	d := mustRoles(t)
	ctx := context.Background()
	dr := workshop()
	dr.Seats, dr.Meetings = 3, 4
	es := mustPublish(t, d, Person(keeper), dr)
	mustSignUp(t, d, signup(citizen, es[2].ID, 1)) // the citizen already has meeting 3
	mustSignUp(t, d, signup(newcomer, es[3].ID, 2))
	// Two people for the course from meeting 2: meeting 4 has one seat left.
	req := signup(citizen, es[1].ID, 2)
	req.Series = true
	_, err := d.SignUp(ctx, req)
	if r := signupRefusal(t, err); r.Reason != SignupFull || r.EventID != es[3].ID || r.Left != 1 {
		t.Errorf("got %+v, want meeting 4 full with one left", r)
	}
	if n := countRows(t, d, `SELECT count(*) FROM signups WHERE key = ?`, req.Key); n != 0 {
		t.Errorf("got %d sign-ups of a refused course, want none", n)
	}
	// One person: meetings 2 and 4 (3 is theirs already).
	req.People = 1
	ss := mustSignUp(t, d, req)
	if len(ss) != 2 || ss[0].EventID != es[1].ID || ss[1].EventID != es[3].ID {
		t.Fatalf("got %+v, want meetings 2 and 4", ss)
	}
	again := mustSignUp(t, d, req)
	if len(again) != 2 || again[0].ID != ss[0].ID || again[1].ID != ss[1].ID {
		t.Errorf("redelivered: got %+v, want the same two", again)
	}
	single := req
	single.Series = false
	if _, err := d.SignUp(ctx, single); !errors.Is(err, ErrConflict) {
		t.Errorf("the key for one meeting only: got %v, want ErrConflict", err)
	}
	// Cancelling from meeting 2 on takes 2 and 4, not 3 (another request).
	cancelled, _, err := d.CancelSignup(ctx, citizen, ss[0].ID, true)
	if err != nil || len(cancelled) != 2 {
		t.Errorf("cancelling the course: got %+v %v, want two", cancelled, err)
	}
	mine, _ := d.Signups(ctx, citizen, d.Now())
	if len(mine) != 1 || mine[0].EventID != es[2].ID {
		t.Errorf("got %+v, want meeting 3 left", mine)
	}
}

func TestCancelSignup(t *testing.T) {
	d := mustRoles(t)
	ctx := context.Background()
	e := smallEvent(t, d, 3)
	s := mustSignUp(t, d, signup(citizen, e.ID, 3))[0]
	w, err := d.JoinEventWaitlist(ctx, newcomer, e.ID, 2)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := d.CancelSignup(ctx, newcomer, s.ID, false); !errors.Is(err, ErrForbidden) {
		t.Errorf("someone else's: got %v, want ErrForbidden", err)
	}
	if _, _, err := d.CancelSignup(ctx, citizen, 9999, false); !errors.Is(err, ErrNotFound) {
		t.Errorf("an unknown sign-up: got %v, want ErrNotFound", err)
	}
	cancelled, offers, err := d.CancelSignup(ctx, citizen, s.ID, false)
	if err != nil || len(cancelled) != 1 || cancelled[0].Status != Cancelled || cancelled[0].CancelledBy != "user" {
		t.Fatalf("got %+v %v, want it cancelled by the user", cancelled, err)
	}
	if len(offers) != 1 || offers[0].Entry.ID != w.ID || offers[0].Entry.Event.Held != 2 || offers[0].Entry.Event.Left != 1 {
		t.Errorf("got offers %+v, want one to the one waiting, holding 2 seats", offers)
	}
	cancelled, offers, err = d.CancelSignup(ctx, citizen, s.ID, false)
	if err != nil || len(cancelled) != 0 || len(offers) != 0 {
		t.Errorf("twice: got %+v %+v %v, want nothing", cancelled, offers, err)
	}
	// Signed up again, and the meeting begins: too late to cancel.
	s2 := mustSignUp(t, d, signup(citizen, e.ID, 1))[0]
	d.Now = func() time.Time { return e.Start().Add(time.Minute) }
	_, _, err = d.CancelSignup(ctx, citizen, s2.ID, false)
	if r := signupRefusal(t, err); r.Reason != SignupPast {
		t.Errorf("got %+v, want past", r)
	}
}

func TestPersonsSignups(t *testing.T) {
	d := mustRoles(t)
	ctx := context.Background()
	later := smallEvent(t, d, 10)
	dr := workshop()
	dr.Day, dr.From, dr.To = thu3, 9*60, 10*60
	sooner := mustPublish(t, d, Person(keeper), dr)[0]
	dr.Day = fri4
	dropped := mustPublish(t, d, Person(keeper), dr)[0]
	a := mustSignUp(t, d, signup(citizen, later.ID, 1))[0]
	b := mustSignUp(t, d, signup(citizen, sooner.ID, 2))[0]
	c := mustSignUp(t, d, signup(citizen, dropped.ID, 1))[0]
	mustSignUp(t, d, signup(newcomer, later.ID, 1))
	if _, _, err := d.CancelSignup(ctx, citizen, c.ID, false); err != nil {
		t.Fatal(err)
	}
	ids := func(ss []Signup) []int64 {
		out := []int64{}
		for _, s := range ss {
			out = append(out, s.ID)
		}
		return out
	}
	got, err := d.Signups(ctx, citizen, d.Now())
	if err != nil || !slices.Equal(ids(got), []int64{b.ID, a.ID}) || got[0].Event.Title != sooner.Title {
		t.Errorf("got %v %v, want %v soonest first with their events", ids(got), err, []int64{b.ID, a.ID})
	}
	if got, _ := d.Signups(ctx, citizen, time.Date(2026, 12, 3, 10, 0, 0, 0, Rome)); !slices.Equal(ids(got), []int64{a.ID}) {
		t.Errorf("once the first has ended: got %v, want %v", ids(got), []int64{a.ID})
	}
}

func TestEventWaitlist(t *testing.T) {
	d := mustRoles(t)
	ctx := context.Background()
	e := smallEvent(t, d, 4)
	if _, err := d.JoinEventWaitlist(ctx, newcomer, e.ID, 1); !errors.Is(err, ErrConflict) {
		t.Errorf("waiting with seats left: got %v, want ErrConflict (sign up)", err)
	}
	holder := mustSignUp(t, d, signup(citizen, e.ID, 4))[0] // full
	w1, err := d.JoinEventWaitlist(ctx, newcomer, e.ID, 3)
	if err != nil {
		t.Fatal(err)
	}
	if again, err := d.JoinEventWaitlist(ctx, newcomer, e.ID, 3); err != nil || again.ID != w1.ID {
		t.Errorf("joining twice: got %+v %v, want the same entry", again, err)
	}
	w2, err := d.JoinEventWaitlist(ctx, 905, e.ID, 2)
	if err != nil {
		t.Fatal(err)
	}
	w3, err := d.JoinEventWaitlist(ctx, 906, e.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.JoinEventWaitlist(ctx, citizen, e.ID, 1); signupRefusal(t, err).Reason != SignupAlready {
		t.Errorf("waiting while signed up: got %v, want already", err)
	}
	if _, err := d.JoinEventWaitlist(ctx, 907, e.ID, 9); signupRefusal(t, err).Reason != SignupLimit {
		t.Errorf("waiting for too many: got %v, want limit", err)
	}
	if ws, _ := d.EventWaitlist(ctx, 905); len(ws) != 1 || ws[0].ID != w2.ID || ws[0].Event.ID != e.ID {
		t.Errorf("got %+v, want the one entry with its event", ws)
	}
	// Four seats free up: the first in line (3) takes three; the second
	// (2) does not fit the one left, the third (1) does.
	_, offers, err := d.CancelSignup(ctx, citizen, holder.ID, false)
	if err != nil || len(offers) != 2 || offers[0].Entry.ID != w1.ID || offers[1].Entry.ID != w3.ID ||
		!offers[0].Expires.Equal(d.Now().Add(DefaultOfferFor)) {
		t.Fatalf("got %+v %v, want offers to the first and the third, for two hours", offers, err)
	}
	o1, o3 := offers[0], offers[1]
	if got, err := d.OpenEventOffer(ctx, newcomer, w1.ID); err != nil || got.ID != o1.ID {
		t.Errorf("OpenEventOffer: got %+v %v, want the offer", got, err)
	}
	// The held seats are not anyone's to take.
	if _, err := d.SignUp(ctx, signup(908, e.ID, 1)); signupRefusal(t, err).Left != 0 {
		t.Errorf("while held: got %v, want no seat left", err)
	}
	if _, err := d.AcceptEventOffer(ctx, 905, o1.ID); !errors.Is(err, ErrForbidden) {
		t.Errorf("someone else's offer: got %v, want ErrForbidden", err)
	}
	if _, err := d.DeclineEventOffer(ctx, 905, o1.ID); !errors.Is(err, ErrForbidden) {
		t.Errorf("someone else declining: got %v, want ErrForbidden", err)
	}
	// Declined: the three seats go to the second in line, for two.
	offers, err = d.DeclineEventOffer(ctx, newcomer, o1.ID)
	if err != nil || len(offers) != 1 || offers[0].Entry.ID != w2.ID {
		t.Fatalf("got %+v %v, want an offer to the second", offers, err)
	}
	if again, err := d.DeclineEventOffer(ctx, newcomer, o1.ID); err != nil || len(again) != 0 {
		t.Errorf("declining twice: got %+v %v, want nothing", again, err)
	}
	if _, err := d.AcceptEventOffer(ctx, newcomer, o1.ID); signupRefusal(t, err).Reason != SignupOfferExpired {
		t.Errorf("accepting a declined offer: got %v, want offer_expired", err)
	}
	s, err := d.AcceptEventOffer(ctx, 905, offers[0].ID)
	if err != nil || s.People != 2 || s.UserID != 905 || s.EventID != e.ID {
		t.Fatalf("accept: got %+v %v, want 2 places", s, err)
	}
	if again, err := d.AcceptEventOffer(ctx, 905, offers[0].ID); err != nil || again.ID != s.ID {
		t.Errorf("accepting twice: got %+v %v, want the same sign-up", again, err)
	}
	if _, err := d.DeclineEventOffer(ctx, 905, offers[0].ID); !errors.Is(err, ErrConflict) {
		t.Errorf("declining an accepted offer: got %v, want ErrConflict", err)
	}
	if ws, _ := d.EventWaitlist(ctx, 905); len(ws) != 0 {
		t.Errorf("after accepting: got %+v in line, want none", ws)
	}
	// The third's offer expires unanswered; nobody else waits.
	d.Now = func() time.Time { return time.Date(2026, 12, 2, 12, 0, 0, 0, Rome) }
	more, err := d.ExpireEventOffers(ctx)
	if err != nil || len(more) != 0 {
		t.Errorf("expiring: got %+v %v, want no new offers", more, err)
	}
	if _, err := d.AcceptEventOffer(ctx, 906, o3.ID); signupRefusal(t, err).Reason != SignupOfferExpired {
		t.Errorf("accepting an expired offer: got %v, want offer_expired", err)
	}
	if got := mustEvent(t, d, e.ID); got.Taken != 2 || got.Held != 0 || got.Left != 2 {
		t.Errorf("got %+v, want 2 taken and 2 left", got)
	}
}

func TestEventOffersExpireInTurn(t *testing.T) {
	d := mustRoles(t)
	ctx := context.Background()
	dr := workshop()
	dr.Day, dr.From, dr.To, dr.Seats = wed2, 11*60, 12*60, 1 // within the hour
	e := mustPublish(t, d, Person(keeper), dr)[0]
	s := mustSignUp(t, d, signup(citizen, e.ID, 1))[0]
	w1, _ := d.JoinEventWaitlist(ctx, newcomer, e.ID, 1)
	w2, _ := d.JoinEventWaitlist(ctx, 905, e.ID, 1)
	_, offers, err := d.CancelSignup(ctx, citizen, s.ID, false)
	if err != nil || len(offers) != 1 || offers[0].Entry.ID != w1.ID || !offers[0].Expires.Equal(e.Start()) {
		t.Fatalf("got %+v %v, want one offer held until the start", offers, err)
	}
	// Held until 11:00; at 10:30 the first leaves the line: the next gets it.
	d.Now = func() time.Time { return time.Date(2026, 12, 2, 10, 30, 0, 0, Rome) }
	offers, err = d.LeaveEventWaitlist(ctx, newcomer, w1.ID)
	if err != nil || len(offers) != 1 || offers[0].Entry.ID != w2.ID {
		t.Fatalf("got %+v %v, want the seat offered to the second", offers, err)
	}
	if _, err := d.LeaveEventWaitlist(ctx, 905, w1.ID); !errors.Is(err, ErrForbidden) {
		t.Errorf("leaving someone else's place: got %v, want ErrForbidden", err)
	}
	// At the start the offer lapses, and nobody is offered a meeting under way.
	d.Now = func() time.Time { return e.Start() }
	more, err := d.ExpireEventOffers(ctx)
	if err != nil || len(more) != 0 {
		t.Errorf("got %+v %v, want nothing offered once begun", more, err)
	}
	if _, err := d.OpenEventOffer(ctx, 905, w2.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("got %v, want no open offer", err)
	}
}

func TestSignUpRaceForTheLastSeats(t *testing.T) {
	d := mustRoles(t)
	ctx := context.Background()
	e := smallEvent(t, d, 10)
	mustSignUp(t, d, signup(citizen, e.ID, 3)) // 7 left
	handles := openHandles(t, d, 4)
	const people = 48
	var mu sync.Mutex
	var won []Signup
	var wg sync.WaitGroup
	for i := range people {
		wg.Add(1)
		go func() {
			defer wg.Done()
			h := handles[i%len(handles)]
			req := SignupRequest{Key: fmt.Sprintf("race:%d", i), UserID: int64(2000 + i), EventID: e.ID, People: 1 + i%2}
			for attempt := 0; attempt < 2; attempt++ { // the second is a redelivery
				ss, err := h.SignUp(ctx, req)
				var r *SignupRefusal
				switch {
				case err == nil:
					if attempt == 0 {
						mu.Lock()
						won = append(won, ss[0])
						mu.Unlock()
					}
				case errors.As(err, &r) && r.Reason == SignupFull:
				default:
					t.Errorf("sign-up %d: %v", i, err)
				}
			}
		}()
	}
	wg.Wait()
	taken := 0
	for _, s := range won {
		taken += s.People
		if got, err := d.SignupByID(ctx, s.ID); err != nil || got.Status != Confirmed {
			t.Errorf("accepted %d: got %+v %v, want it stored", s.ID, got, err)
		}
	}
	if taken > 7 || taken < 6 {
		t.Errorf("got %d people signed up in the race, want 6 or 7 of 7 seats", taken)
	}
	if n := countRows(t, d, `SELECT count(*) FROM signups WHERE status = 'confirmed'`); n != len(won)+1 {
		t.Errorf("got %d stored sign-ups, want %d", n, len(won)+1)
	}
	checkSignups(t, d)
}

// checkSignups checks that no meeting has more people signed up than seats,
// and that no person holds two places at one meeting.
func checkSignups(t *testing.T, d *DB) {
	t.Helper()
	if n := countRows(t, d, `SELECT count(*) FROM events e WHERE e.seats > 0
		AND (SELECT coalesce(sum(people), 0) FROM signups s WHERE s.event_id = e.id AND s.status = 'confirmed') > e.seats`); n != 0 {
		t.Errorf("got %d overbooked events, want none", n)
	}
	if n := countRows(t, d, `SELECT count(*) FROM (SELECT event_id, user_id FROM signups WHERE status = 'confirmed'
		GROUP BY event_id, user_id HAVING count(*) > 1)`); n != 0 {
		t.Errorf("got %d people with two places at one meeting, want none", n)
	}
}

// TestSuspensionCancelsSignups: suspending a space cancels the sign-ups for
// its coming events, like its bookings, and closes their waiting lists;
// suspending it again cancels nothing and says nothing changed.
func TestSuspensionCancelsSignups(t *testing.T) {
	d := mustRoles(t)
	ctx := context.Background()
	e := smallEvent(t, d, 1)
	mine := mustSignUp(t, d, signup(citizen, e.ID, 1))[0]
	if _, err := d.JoinEventWaitlist(ctx, other, e.ID, 1); err != nil {
		t.Fatal(err)
	}
	sus, err := d.Suspend(ctx, Person(clerk), "officina-brianza", "verifiche")
	if err != nil || !sus.Changed || len(sus.Signups) != 1 || sus.Signups[0].ID != mine.ID || sus.Signups[0].Event.Title != e.Title {
		t.Fatalf("suspend: %+v, %v, want the sign-up cancelled", sus, err)
	}
	if got, _ := d.SignupByID(ctx, mine.ID); got.Status != Cancelled || got.CancelledBy != cancelledBySuspension {
		t.Errorf("got %+v, want it cancelled by the suspension", got)
	}
	if w, _ := d.EventWaitlist(ctx, other); len(w) != 0 {
		t.Errorf("got %+v, want the waiting list closed", w)
	}
	if ev := mustEvent(t, d, e.ID); ev.Status != EventPublished || ev.Taken != 0 {
		t.Errorf("got %+v, want the event kept, with nobody signed up", ev)
	}
	if again, err := d.Suspend(ctx, Person(clerk), "officina-brianza", ""); err != nil || again.Changed || len(again.Signups) != 0 {
		t.Errorf("suspending again: %+v, %v, want nothing done", again, err)
	}
	long := strings.Repeat("a", MaxReason+1)
	if _, err := d.Suspend(ctx, Person(clerk), "il-cortile", long); !errors.Is(err, ErrInvalid) {
		t.Errorf("a reason of %d characters: got %v, want ErrInvalid", MaxReason+1, err)
	}
	if sp, _ := d.Space(ctx, "il-cortile"); sp.Status != Approved {
		t.Errorf("refused, yet il-cortile is %s", sp.Status)
	}
}
