package registry

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/comune-seregno/coworkbot/registry/hours"
)

// The demo clock reads Wednesday 2 December 2026, 10:00; Thursday 10
// December is "giovedì 10 dicembre".
var thu10 = time.Date(2026, 12, 10, 0, 0, 0, 0, Rome)

// workshop is the provider's example: a workshop at officina-brianza on
// Thursday 10 December from 18 to 20, 20 seats, free.
func workshop() EventDraft {
	return EventDraft{SpaceID: "officina-brianza", Title: "Workshop sulla fatturazione elettronica",
		Description: "Come emettere e ricevere fatture elettroniche, con esempi.", Lang: "it",
		Day: thu10, From: 18 * 60, To: 20 * 60, Seats: 20}
}

func mustPublish(t *testing.T, d *DB, a Actor, dr EventDraft) []Event {
	t.Helper()
	es, err := d.PublishEvent(context.Background(), a, dr)
	if err != nil {
		t.Fatalf("publish %+v: %v", dr, err)
	}
	return es
}

func mustEvent(t *testing.T, d *DB, id int64) Event {
	t.Helper()
	e, err := d.Event(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// problemsOf returns the problems of an error, failing unless it is one.
func problemsOf(t *testing.T, err error) Problems {
	t.Helper()
	var ps Problems
	if !errors.As(err, &ps) || !errors.Is(err, ErrInvalid) {
		t.Fatalf("got %v, want Problems", err)
	}
	return ps
}

func hasProblem(ps Problems, field, code string) bool {
	return slices.ContainsFunc(ps, func(p Problem) bool { return p.Field == field && p.Code == code })
}

func TestPublishEvent(t *testing.T) {
	d := mustRoles(t)
	ctx := context.Background()
	dr := workshop()
	dr.Title = "  Workshop   sulla fatturazione\telettronica "
	dr.Lang = " IT"
	es := mustPublish(t, d, Person(keeper), dr)
	if len(es) != 1 {
		t.Fatalf("got %d meetings, want 1", len(es))
	}
	e := es[0]
	if e.Title != "Workshop sulla fatturazione elettronica" || e.Lang != "it" || e.SeriesID != e.ID || e.Meeting != 1 || e.Meetings != 1 {
		t.Errorf("got %+v, want the title tidied, in Italian, a series of one", e)
	}
	if e.Status != EventPublished || e.Sequence != 0 || e.Seats != 20 || e.Left != 20 || !e.Free() || !e.Limited() {
		t.Errorf("got %+v, want published, sequence 0, 20 seats left, free", e)
	}
	if got, want := e.Start(), time.Date(2026, 12, 10, 18, 0, 0, 0, Rome); !got.Equal(want) || !e.End().Equal(want.Add(2*time.Hour)) {
		t.Errorf("got %v to %v, want %v for two hours", got, e.End(), want)
	}
	if e.CreatedBy != Person(keeper) || !e.Created.Equal(d.Now()) {
		t.Errorf("got created by %v at %v, want the provider now", e.CreatedBy, e.Created)
	}
	if got := mustEvent(t, d, e.ID); got != e {
		t.Errorf("read back %+v, want %+v", got, e)
	}
	log, err := d.Audit(ctx, time.Time{}, 1)
	if err != nil || len(log) != 1 || log[0].Action != ActionEventPublish || log[0].Actor != Person(keeper) ||
		log[0].Role != RoleProvider || log[0].SpaceID != "officina-brianza" || !strings.Contains(log[0].After, `"title":"Workshop`) {
		t.Errorf("got the audit %v %v, want the publication by the provider", log, err)
	}

	// Staff publish anywhere, the operator too; nobody else.
	other := workshop()
	other.SpaceID = "torre-civica"
	mustPublish(t, d, Person(clerk), other)
	mustPublish(t, d, CommandLine, other)
	n := countRows(t, d, `SELECT count(*) FROM events`)
	for _, a := range []Actor{Person(citizen), Person(keeper)} {
		if _, err := d.PublishEvent(ctx, a, other); !errors.Is(err, ErrForbidden) {
			t.Errorf("%v publishing at torre-civica: got %v, want ErrForbidden", a, err)
		}
	}
	nowhere := workshop()
	nowhere.SpaceID = "nowhere"
	if _, err := d.PublishEvent(ctx, Person(clerk), nowhere); !errors.Is(err, ErrNotFound) {
		t.Errorf("publishing at an unknown space: got %v, want ErrNotFound", err)
	}
	if got := countRows(t, d, `SELECT count(*) FROM events`); got != n {
		t.Errorf("got %d events after the refusals, want %d", got, n)
	}
}

func TestPublishEventProblems(t *testing.T) {
	d := mustRoles(t)
	ctx := context.Background()
	if _, err := d.Suspend(ctx, Person(clerk), "il-cortile", "verifiche"); err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("è", MaxEventTitle+1)
	tests := []struct {
		name        string
		edit        func(*EventDraft)
		field, code string
		value       string
	}{
		{"no title", func(dr *EventDraft) { dr.Title = "  " }, EventFieldTitle, ProbMissing, ""},
		{"a long title", func(dr *EventDraft) { dr.Title = long }, EventFieldTitle, ProbTooLong, "120"},
		{"a control character", func(dr *EventDraft) { dr.Title = "Work\x07shop" }, EventFieldTitle, ProbControlChar, "U+0007"},
		{"a long description", func(dr *EventDraft) { dr.Description = strings.Repeat("a", MaxEventDescription+1) }, EventFieldDescription, ProbTooLong, "1500"},
		{"no language", func(dr *EventDraft) { dr.Lang = "" }, EventFieldLang, ProbMissing, ""},
		{"a language of three letters", func(dr *EventDraft) { dr.Lang = "ita" }, EventFieldLang, ProbBadLanguage, "ita"},
		{"a negative price", func(dr *EventDraft) { dr.PriceCents = -500 }, EventFieldPrice, ProbNegative, "-5"},
		{"negative seats", func(dr *EventDraft) { dr.Seats = -1 }, EventFieldSeats, ProbNegative, "-1"},
		{"too many seats", func(dr *EventDraft) { dr.Seats = MaxEventSeats + 1 }, EventFieldSeats, EventProbSeats, "10000"},
		{"more seats than the room", func(dr *EventDraft) { dr.RoomID, dr.Seats = "volta", 9 }, EventFieldSeats, EventProbSeats, "8"},
		{"unlimited in a room", func(dr *EventDraft) { dr.RoomID, dr.Seats = "volta", Unlimited }, EventFieldSeats, EventProbSeats, "8"},
		{"a room of another space", func(dr *EventDraft) { dr.RoomID = "concordia" }, EventFieldRoom, EventProbRoom, "concordia"},
		{"no day", func(dr *EventDraft) { dr.Day = time.Time{} }, EventFieldDay, ProbMissing, ""},
		{"the end before the start", func(dr *EventDraft) { dr.From, dr.To = 20*60, 18*60 }, EventFieldEnd, EventProbEndBefore, "1080"},
		{"no length", func(dr *EventDraft) { dr.To = dr.From }, EventFieldEnd, EventProbEndBefore, "1080"},
		{"past midnight", func(dr *EventDraft) { dr.From, dr.To = 22*60, 26*60 }, EventFieldEnd, EventProbNotOneDay, "1560"},
		{"a negative start", func(dr *EventDraft) { dr.From = -30 }, EventFieldStart, EventProbNotOneDay, "-30"},
		{"this morning", func(dr *EventDraft) { dr.Day, dr.From, dr.To = wed2, 9*60, 10*60 }, EventFieldStart, EventProbPast, "2026-12-02"},
		{"right now", func(dr *EventDraft) { dr.Day, dr.From, dr.To = wed2, 10*60, 11*60 }, EventFieldStart, EventProbPast, "2026-12-02"},
		{"last week", func(dr *EventDraft) { dr.Day = wed2.AddDate(0, 0, -7) }, EventFieldStart, EventProbPast, "2026-11-25"},
		{"beyond a year", func(dr *EventDraft) { dr.Day = time.Date(2027, 12, 3, 0, 0, 0, 0, Rome) }, EventFieldStart, EventProbTooFar, "2027-12-02"},
		{"a course ending beyond a year", func(dr *EventDraft) { dr.Day, dr.Meetings = thu10.AddDate(0, 0, 7), 52 }, EventFieldStart, EventProbTooFar, "2027-12-02"},
		{"too many meetings", func(dr *EventDraft) { dr.Meetings = MaxMeetings + 1 }, EventFieldMeetings, EventProbMeetings, "52"},
		{"a suspended space", func(dr *EventDraft) { dr.SpaceID = "il-cortile" }, EventFieldSpace, EventProbSpace, "il-cortile"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dr := workshop()
			tt.edit(&dr)
			_, err := d.PublishEvent(ctx, Person(clerk), dr)
			ps := problemsOf(t, err)
			if !slices.ContainsFunc(ps, func(p Problem) bool { return p.Field == tt.field && p.Code == tt.code && p.Value == tt.value }) {
				t.Errorf("got %v, want %s %s %q", ps, tt.field, tt.code, tt.value)
			}
			for _, p := range ps {
				if !slices.Contains(EventProblemCodes, p.Code) {
					t.Errorf("code %q is not in EventProblemCodes", p.Code)
				}
			}
		})
	}
	// Every problem at once, and nothing written.
	dr := EventDraft{SpaceID: "officina-brianza", Lang: "xyz", Seats: -2, PriceCents: -1, Day: thu10, From: 20 * 60, To: 19 * 60}
	ps := problemsOf(t, func() error { _, err := d.PublishEvent(ctx, Person(keeper), dr); return err }())
	for _, want := range [][2]string{{EventFieldTitle, ProbMissing}, {EventFieldLang, ProbBadLanguage}, {EventFieldSeats, ProbNegative},
		{EventFieldPrice, ProbNegative}, {EventFieldEnd, EventProbEndBefore}} {
		if !hasProblem(ps, want[0], want[1]) {
			t.Errorf("got %v, want %s %s among them", ps, want[0], want[1])
		}
	}
	if n := countRows(t, d, `SELECT count(*) FROM events`); n != 0 {
		t.Errorf("got %d events stored, want none", n)
	}
	// A meeting that starts just after now, and one on the last day allowed, are fine.
	soon := workshop()
	soon.Day, soon.From, soon.To = wed2, 10*60+1, 11*60
	mustPublish(t, d, Person(keeper), soon)
	last := workshop()
	last.Day = time.Date(2027, 12, 2, 0, 0, 0, 0, Rome)
	mustPublish(t, d, Person(keeper), last)
}

func TestEventListsAreComplete(t *testing.T) {
	probs := constValues(t, "EventProb")
	if len(probs) < 8 {
		t.Fatalf("found %d EventProb constants, want more: is the parser right?", len(probs))
	}
	for name, v := range probs {
		if !slices.Contains(EventProblemCodes, v) {
			t.Errorf("EventProblemCodes lacks %s (%q)", name, v)
		}
	}
	reasons := constValues(t, "Signup")
	for name, v := range reasons {
		if !slices.Contains(SignupReasons, SignupReason(v)) {
			t.Errorf("SignupReasons lacks %s (%q)", name, v)
		}
	}
	if len(SignupReasons) != len(reasons) {
		t.Errorf("SignupReasons has %d entries, there are %d constants", len(SignupReasons), len(reasons))
	}
	// The event's problem codes that are the list's are real ones.
	for _, c := range EventProblemCodes {
		if !strings.HasPrefix(c, "event_") && !slices.Contains(ProblemCodes, c) {
			t.Errorf("EventProblemCodes has %q, which is neither an event's code nor in ProblemCodes", c)
		}
	}
}

func TestWeeklyCourseAcrossDST(t *testing.T) {
	d := mustRoles(t)
	// Four Thursdays at 18:00 from 11 March 2027: Italy moves to summer
	// time on Sunday 28 March, between the third and the fourth.
	dr := workshop()
	dr.Title, dr.Day, dr.Meetings = "Corso di Excel", time.Date(2027, 3, 11, 0, 0, 0, 0, Rome), 4
	es := mustPublish(t, d, Person(keeper), dr)
	wantDays := []string{"2027-03-11", "2027-03-18", "2027-03-25", "2027-04-01"}
	wantUTC := []string{"17:00", "17:00", "17:00", "16:00"}
	if len(es) != 4 {
		t.Fatalf("got %d meetings, want 4", len(es))
	}
	for i, e := range es {
		if dayKey(e.Day) != wantDays[i] || e.Meeting != i+1 || e.Meetings != 4 || e.SeriesID != es[0].ID {
			t.Errorf("meeting %d: got %s, %d of %d in series %d, want %s, %d of 4 in %d", i, dayKey(e.Day), e.Meeting, e.Meetings, e.SeriesID,
				wantDays[i], i+1, es[0].ID)
		}
		if local, utc := e.Start().Format("15:04"), e.Start().UTC().Format("15:04"); local != "18:00" || utc != wantUTC[i] {
			t.Errorf("meeting %d starts at %s (%s UTC), want 18:00 (%s UTC)", i, local, utc, wantUTC[i])
		}
		if e.End().Sub(e.Start()) != 2*time.Hour {
			t.Errorf("meeting %d lasts %v, want 2h", i, e.End().Sub(e.Start()))
		}
	}
	series, err := d.Series(context.Background(), es[0].ID)
	if err != nil || !slices.Equal(series, es) {
		t.Errorf("Series: got %v %v, want the four meetings", series, err)
	}
	if _, err := d.Series(context.Background(), 9999); !errors.Is(err, ErrNotFound) {
		t.Errorf("an unknown series: got %v, want ErrNotFound", err)
	}
}

func TestEditEvent(t *testing.T) {
	d := mustRoles(t)
	ctx := context.Background()
	e := mustPublish(t, d, Person(keeper), workshop())[0]
	a := mustSignUp(t, d, signup(citizen, e.ID, 2))[0]
	b := mustSignUp(t, d, signup(newcomer, e.ID, 1))[0]

	// A new description concerns nobody and leaves the sequence alone.
	ed, err := d.EditEvent(ctx, Person(keeper), e.ID, false, func(dr *EventDraft) error {
		dr.Description = "Con esempi pratici."
		return nil
	})
	if err != nil || !slices.Equal(ed.Changed, []string{EventFieldDescription}) || len(ed.Concerned) != 0 ||
		ed.Events[0].Sequence != 0 || ed.Events[0].Description != "Con esempi pratici." {
		t.Errorf("description: got %+v, %v, want it changed, nobody concerned, sequence 0", ed, err)
	}
	// Moving it an hour later concerns both sign-ups and raises the sequence.
	ed, err = d.EditEvent(ctx, Person(keeper), e.ID, false, func(dr *EventDraft) error {
		dr.From, dr.To = 19*60, 21*60
		return nil
	})
	if err != nil || !slices.Equal(ed.Changed, []string{EventFieldTime}) || ed.Events[0].Sequence != 1 || ed.Events[0].From != 19*60 {
		t.Fatalf("time: got %+v, %v, want the time changed and sequence 1", ed, err)
	}
	if len(ed.Concerned) != 2 || ed.Concerned[0].ID != a.ID || ed.Concerned[1].ID != b.ID || ed.Concerned[0].Event.From != 19*60 {
		t.Errorf("got concerned %+v, want both sign-ups with the new time", ed.Concerned)
	}
	// The room is a place: it raises the sequence too; the title concerns people.
	ed, err = d.EditEvent(ctx, Person(clerk), e.ID, false, func(dr *EventDraft) error {
		dr.RoomID, dr.Seats, dr.Title = "volta", 8, "Fatture elettroniche"
		return nil
	})
	if err != nil || !slices.Equal(ed.Changed, []string{EventFieldTitle, EventFieldRoom, EventFieldSeats}) || ed.Events[0].Sequence != 2 ||
		len(ed.Concerned) != 2 {
		t.Errorf("room: got %+v, %v, want title, room and seats changed, sequence 2, both concerned", ed, err)
	}
	// Seats below the people signed up are refused, and nothing changes.
	_, err = d.EditEvent(ctx, Person(keeper), e.ID, false, func(dr *EventDraft) error {
		dr.Seats, dr.Title = 2, "Altro"
		return nil
	})
	if ps := problemsOf(t, err); !slices.ContainsFunc(ps, func(p Problem) bool {
		return p.Field == EventFieldSeats && p.Code == EventProbSeatsTaken && p.Value == "3"
	}) {
		t.Errorf("got %v, want seats taken by 3", ps)
	}
	if got := mustEvent(t, d, e.ID); got.Seats != 8 || got.Title != "Fatture elettroniche" {
		t.Errorf("after a refused edit: got %+v, want it unchanged", got)
	}
	// Nothing changed: nothing written.
	before := countRows(t, d, `SELECT count(*) FROM audit_log`)
	ed, err = d.EditEvent(ctx, Person(keeper), e.ID, false, func(dr *EventDraft) error { return nil })
	if err != nil || len(ed.Changed) != 0 || countRows(t, d, `SELECT count(*) FROM audit_log`) != before {
		t.Errorf("a no-op edit: got %+v, %v, want nothing changed nor logged", ed, err)
	}
	// What an edit cannot change, who cannot edit, and fn's own error.
	_, err = d.EditEvent(ctx, Person(clerk), e.ID, false, func(dr *EventDraft) error {
		dr.SpaceID, dr.Meetings = "torre-civica", 3
		return nil
	})
	if ps := problemsOf(t, err); !hasProblem(ps, EventFieldSpace, EventProbFixed) || !hasProblem(ps, EventFieldMeetings, EventProbFixed) {
		t.Errorf("got %v, want the space and the meetings fixed", ps)
	}
	for _, who := range []Actor{Person(citizen), Person(other)} {
		if _, err := d.EditEvent(ctx, who, e.ID, false, func(dr *EventDraft) error { dr.Title = "Mio"; return nil }); !errors.Is(err, ErrForbidden) {
			t.Errorf("%v editing: got %v, want ErrForbidden", who, err)
		}
	}
	oops := errors.New("oops")
	if _, err := d.EditEvent(ctx, Person(keeper), e.ID, false, func(dr *EventDraft) error { return oops }); !errors.Is(err, oops) {
		t.Errorf("fn's error: got %v, want it back", err)
	}
	if _, err := d.EditEvent(ctx, Person(keeper), 9999, false, func(dr *EventDraft) error { return nil }); !errors.Is(err, ErrNotFound) {
		t.Errorf("an unknown event: got %v, want ErrNotFound", err)
	}
	// Once it has begun, it stays as it was.
	d.Now = func() time.Time { return time.Date(2026, 12, 10, 19, 30, 0, 0, Rome) }
	if _, err := d.EditEvent(ctx, Person(keeper), e.ID, false, func(dr *EventDraft) error { dr.Title = "Tardi"; return nil }); !errors.Is(err, ErrClosed) {
		t.Errorf("editing a meeting under way: got %v, want ErrClosed", err)
	}
	edits := 0
	log, _ := d.Audit(ctx, time.Time{}, 0)
	for _, l := range log {
		if l.Action == ActionEventEdit {
			edits++
		}
	}
	if edits != 3 {
		t.Errorf("got %d edits in the audit log, want 3", edits)
	}
}

func TestEditCourseFollowing(t *testing.T) {
	d := mustRoles(t)
	ctx := context.Background()
	dr := workshop()
	dr.Title, dr.Meetings = "Corso di inglese", 4
	es := mustPublish(t, d, Person(keeper), dr)
	// Meeting 3 alone moves to the Friday.
	if _, err := d.EditEvent(ctx, Person(keeper), es[2].ID, false, func(dr *EventDraft) error {
		dr.Day = dr.Day.AddDate(0, 0, 1)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	// From meeting 2 on: an hour earlier, and English; meeting 3 keeps its Friday.
	mustSignUp(t, d, signup(citizen, es[3].ID, 1))
	ed, err := d.EditEvent(ctx, Person(keeper), es[1].ID, true, func(dr *EventDraft) error {
		dr.From, dr.To, dr.Lang = 17*60, 19*60, "en"
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(ed.Events) != 3 || len(ed.Concerned) != 1 || ed.Concerned[0].EventID != es[3].ID {
		t.Fatalf("got %+v, want meetings 2-4 edited and the sign-up at 4 concerned", ed)
	}
	wantDays := []string{"2026-12-10", "2026-12-17", "2026-12-25", "2026-12-31"}
	wantFrom := []int{18 * 60, 17 * 60, 17 * 60, 17 * 60}
	wantSeq := []int{0, 1, 2, 1}
	for i, e := range append([]Event{mustEvent(t, d, es[0].ID)}, ed.Events...) {
		if dayKey(e.Day) != wantDays[i] || e.From != wantFrom[i] || e.Sequence != wantSeq[i] {
			t.Errorf("meeting %d: got %s at %d, sequence %d, want %s at %d, sequence %d", i+1, dayKey(e.Day), e.From, e.Sequence,
				wantDays[i], wantFrom[i], wantSeq[i])
		}
		if wantLang := map[bool]string{true: "it", false: "en"}[i == 0]; e.Lang != wantLang {
			t.Errorf("meeting %d: got %s, want %s", i+1, e.Lang, wantLang)
		}
	}
	// A new day moves each following meeting by as many days.
	ed, err = d.EditEvent(ctx, Person(keeper), es[1].ID, true, func(dr *EventDraft) error {
		dr.Day = dr.Day.AddDate(0, 0, -1)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{"2026-12-16", "2026-12-24", "2026-12-30"} {
		if got := dayKey(ed.Events[i].Day); got != want {
			t.Errorf("meeting %d: got %s, want %s", i+2, got, want)
		}
	}
	// One meeting's problem refuses the edit of all.
	_, err = d.EditEvent(ctx, Person(keeper), es[1].ID, true, func(dr *EventDraft) error {
		dr.Day = dr.Day.AddDate(0, 0, 340)
		return nil
	})
	if ps := problemsOf(t, err); !hasProblem(ps, EventFieldStart, EventProbTooFar) || ps[0].ID == "" {
		t.Errorf("got %v, want a meeting too far, named by its id", ps)
	}
	if got := mustEvent(t, d, es[1].ID); dayKey(got.Day) != "2026-12-16" {
		t.Errorf("after a refused edit meeting 2 is on %s, want 2026-12-16", dayKey(got.Day))
	}
}

func TestCancelEvent(t *testing.T) {
	d := mustRoles(t)
	ctx := context.Background()
	dr := workshop()
	dr.Seats, dr.Meetings = 2, 3
	es := mustPublish(t, d, Person(keeper), dr)
	s1 := mustSignUp(t, d, signup(citizen, es[0].ID, 2))[0]
	s2 := mustSignUp(t, d, signup(newcomer, es[1].ID, 1))[0]
	w, err := d.JoinEventWaitlist(ctx, 905, es[0].ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.CancelEvent(ctx, Person(citizen), es[0].ID, false, ""); !errors.Is(err, ErrForbidden) {
		t.Errorf("a citizen cancelling: got %v, want ErrForbidden", err)
	}
	c, err := d.CancelEvent(ctx, Person(keeper), es[0].ID, false, " il docente è malato ")
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Events) != 1 || c.Events[0].Status != EventCancelled || c.Events[0].Sequence != 1 || c.Events[0].CancelReason != "il docente è malato" ||
		!c.Events[0].Cancelled.Equal(d.Now()) {
		t.Errorf("got %+v, want the first meeting cancelled with its reason, sequence 1", c.Events)
	}
	if len(c.Signups) != 1 || c.Signups[0].ID != s1.ID || c.Signups[0].Status != Cancelled || c.Signups[0].CancelledBy != "event" ||
		c.Signups[0].Event.Status != EventCancelled {
		t.Errorf("got %+v, want the citizen's sign-up cancelled by the event", c.Signups)
	}
	if len(c.Waiting) != 1 || c.Waiting[0].ID != w.ID {
		t.Errorf("got waiting %+v, want the one in line", c.Waiting)
	}
	if ws, _ := d.EventWaitlist(ctx, 905); len(ws) != 0 {
		t.Errorf("got %+v still in line, want none", ws)
	}
	if got, _ := d.SignupByID(ctx, s2.ID); got.Status != Confirmed {
		t.Errorf("the second meeting's sign-up: got %s, want it confirmed", got.Status)
	}
	// Twice: nothing more.
	c, err = d.CancelEvent(ctx, Person(keeper), es[0].ID, false, "")
	if err != nil || len(c.Events) != 0 || mustEvent(t, d, es[0].ID).Sequence != 1 {
		t.Errorf("cancelling twice: got %+v %v, want nothing more", c, err)
	}
	_, err = d.SignUp(ctx, signup(905, es[0].ID, 1))
	if r := signupRefusal(t, err); r.Reason != SignupCancelled || !errors.Is(err, ErrClosed) {
		t.Errorf("signing up for a cancelled event: got %v, want cancelled", err)
	}
	// The rest of the course, from the cancelled first meeting on.
	c, err = d.CancelEvent(ctx, Person(clerk), es[0].ID, true, "")
	if err != nil || len(c.Events) != 2 || len(c.Signups) != 1 || c.Signups[0].ID != s2.ID {
		t.Errorf("the rest of the course: got %+v %v, want two meetings and one sign-up", c, err)
	}
	var cancels int
	log, _ := d.Audit(ctx, time.Time{}, 0)
	for _, l := range log {
		if l.Action == ActionEventCancel {
			cancels++
		}
	}
	if cancels != 2 {
		t.Errorf("got %d cancellations in the audit log, want 2", cancels)
	}
	// A meeting under way cannot be cancelled.
	e := mustPublish(t, d, Person(keeper), workshop())[0]
	d.Now = func() time.Time { return e.Start().Add(time.Minute) }
	if _, err := d.CancelEvent(ctx, Person(keeper), e.ID, false, ""); !errors.Is(err, ErrClosed) {
		t.Errorf("cancelling a meeting under way: got %v, want ErrClosed", err)
	}
}

func TestFindEvents(t *testing.T) {
	d := mustRoles(t)
	ctx := context.Background()
	pub := func(edit func(*EventDraft)) Event {
		dr := workshop()
		edit(&dr)
		return mustPublish(t, d, CommandLine, dr)[0]
	}
	fattura := pub(func(dr *EventDraft) {})
	caffe := pub(func(dr *EventDraft) {
		dr.Title, dr.Description, dr.Day, dr.From, dr.To, dr.PriceCents = "Caffè delle idee", "Colazione e networking", thu3, 8*60, 9*60, 500
	})
	english := pub(func(dr *EventDraft) {
		dr.SpaceID, dr.Title, dr.Description, dr.Lang, dr.Day, dr.Seats = "desio-works", "English conversation", "Practice your English", "en", fri4, Unlimited
	})
	corso := pub(func(dr *EventDraft) {
		dr.SpaceID, dr.Title, dr.Description, dr.Day, dr.Meetings, dr.From, dr.To = "cesano-lab", "Corso di fotografia", "Sei incontri", sat5, 3, 10*60, 12*60
	})
	suspended := pub(func(dr *EventDraft) { dr.SpaceID, dr.Title = "il-cortile", "Nel cortile" })
	gone := pub(func(dr *EventDraft) { dr.Title = "Annullato" })
	past := pub(func(dr *EventDraft) { dr.Day, dr.From, dr.To = wed2, 10*60+30, 11*60 })
	if _, err := d.CancelEvent(ctx, CommandLine, gone.ID, false, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Suspend(ctx, Person(clerk), "il-cortile", ""); err != nil {
		t.Fatal(err)
	}
	mustSignUp(t, d, signup(citizen, fattura.ID, 3))
	d.Now = func() time.Time { return time.Date(2026, 12, 2, 10, 45, 0, 0, Rome) } // past has begun
	_ = past
	_ = suspended

	ids := func(es []Event) []int64 {
		out := []int64{}
		for _, e := range es {
			out = append(out, e.ID)
		}
		return out
	}
	course := func(k int) int64 { return corso.ID + int64(k) }
	sat := hours.Span{From: 18 * 60, To: 24 * 60}
	tests := []struct {
		name string
		q    EventQuery
		want []int64
	}{
		{"everything coming", EventQuery{Limit: 50}, []int64{caffe.ID, english.ID, corso.ID, fattura.ID, course(1), course(2)}},
		{"the default limit", EventQuery{}, []int64{caffe.ID, english.ID, corso.ID, fattura.ID, course(1), course(2)}},
		{"a page", EventQuery{Offset: 1, Limit: 2}, []int64{english.ID, corso.ID}},
		{"this week", EventQuery{From: wed2, To: sat5.AddDate(0, 0, 1)}, []int64{caffe.ID, english.ID, corso.ID}},
		{"Thursday 10", EventQuery{From: thu10, To: thu10}, []int64{fattura.ID}},
		{"in the evening", EventQuery{Starting: &sat}, []int64{english.ID, fattura.ID}},
		{"in Desio, however it is written", EventQuery{Comune: " DESIO "}, []int64{english.ID}},
		{"at a space", EventQuery{SpaceID: "cesano-lab"}, []int64{corso.ID, course(1), course(2)}},
		{"courses once", EventQuery{SpaceID: "cesano-lab", OnePerSeries: true}, []int64{corso.ID}},
		{"free", EventQuery{Free: true, From: thu3, To: fri4}, []int64{english.ID}},
		{"in English", EventQuery{Lang: "EN"}, []int64{english.ID}},
		{"accents", EventQuery{Text: "CAFFE"}, []int64{caffe.ID}},
		{"accents in the query", EventQuery{Text: "caffè idée"}, []int64{caffe.ID}},
		{"the description", EventQuery{Text: "networking"}, []int64{caffe.ID}},
		{"every word", EventQuery{Text: "fatturazione inglese"}, []int64{}},
		{"a plural", EventQuery{Text: "corsi"}, []int64{corso.ID, course(1), course(2)}},
		{"a plural, once", EventQuery{Text: "workshop elettronici"}, []int64{fattura.ID}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := d.Events(ctx, tt.q)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(ids(got), tt.want) {
				t.Errorf("got %v, want %v", ids(got), tt.want)
			}
		})
	}
	got, _ := d.Events(ctx, EventQuery{From: thu10, To: thu10})
	if len(got) != 1 || got[0].Taken != 3 || got[0].Left != 17 {
		t.Errorf("got %+v, want 3 signed up and 17 seats left", got)
	}
	got, _ = d.Events(ctx, EventQuery{Lang: "en"})
	if len(got) != 1 || got[0].Limited() || got[0].Left != 0 {
		t.Errorf("got %+v, want an unlimited event", got)
	}
}

func TestEventAgenda(t *testing.T) {
	d := mustRoles(t)
	ctx := context.Background()
	for _, u := range []User{{ID: citizen, FirstName: "Giulia"}, {ID: newcomer, FirstName: "Marco"}} {
		if err := d.SaveUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	e := mustPublish(t, d, Person(keeper), workshop())[0]
	early := workshop()
	early.Day, early.From, early.To, early.Title = thu3, 9*60, 10*60, "Colazione"
	e0 := mustPublish(t, d, Person(keeper), early)[0]
	elsewhere := workshop()
	elsewhere.SpaceID = "torre-civica"
	mustPublish(t, d, Person(clerk), elsewhere)
	mustSignUp(t, d, signup(citizen, e.ID, 2))
	mustSignUp(t, d, signup(newcomer, e.ID, 1))
	gone := mustSignUp(t, d, signup(905, e.ID, 1))[0]
	if _, _, err := d.CancelSignup(ctx, 905, gone.ID, false); err != nil {
		t.Fatal(err)
	}
	for _, who := range []Actor{Person(keeper), Person(clerk)} {
		ag, err := d.EventAgenda(ctx, who, "officina-brianza", wed2, thu10)
		if err != nil {
			t.Fatal(err)
		}
		if len(ag) != 2 || ag[0].Event.ID != e0.ID || len(ag[0].Attendees) != 0 || ag[1].Event.ID != e.ID {
			t.Fatalf("got %+v, want the two meetings in order", ag)
		}
		want := []Attendee{{FirstName: "Giulia", People: 2}, {FirstName: "Marco", People: 1}}
		for i := range ag[1].Attendees {
			ag[1].Attendees[i].SignupID = 0
		}
		if !slices.Equal(ag[1].Attendees, want) || ag[1].Event.Taken != 3 {
			t.Errorf("got %+v, want Giulia for 2 and Marco", ag[1])
		}
	}
	if ag, _ := d.EventAgenda(ctx, Person(keeper), "officina-brianza", fri4, fri4); len(ag) != 0 {
		t.Errorf("got %+v on a day without events, want none", ag)
	}
	for _, who := range []Actor{Person(citizen), Person(other)} {
		if _, err := d.EventAgenda(ctx, who, "officina-brianza", wed2, thu10); !errors.Is(err, ErrForbidden) {
			t.Errorf("%v reading the agenda: got %v, want ErrForbidden", who, err)
		}
	}
}

func TestDueEventReminders(t *testing.T) {
	d := mustRoles(t)
	ctx := context.Background()
	morning := workshop()
	morning.Day, morning.From, morning.To, morning.Title = fri4, 10*60, 12*60, "Mattina"
	m := mustPublish(t, d, Person(keeper), morning)[0]
	evening := workshop()
	evening.Day, evening.From, evening.To, evening.Title = fri4, 18*60+30, 20*60, "Sera"
	ev := mustPublish(t, d, Person(keeper), evening)[0]
	gone := mustPublish(t, d, Person(keeper), morning)[0]
	sm := mustSignUp(t, d, signup(citizen, m.ID, 1))[0]
	se := mustSignUp(t, d, signup(citizen, ev.ID, 2))[0]
	mustSignUp(t, d, signup(newcomer, m.ID, 1))
	mustSignUp(t, d, signup(905, gone.ID, 1))
	if err := d.SetReminders(ctx, newcomer, false); err != nil {
		t.Fatal(err)
	}
	if _, err := d.CancelEvent(ctx, Person(keeper), gone.ID, false, ""); err != nil {
		t.Fatal(err)
	}
	due := func(at time.Time) []int64 {
		t.Helper()
		ss, err := d.DueEventReminders(ctx, at)
		if err != nil {
			t.Fatal(err)
		}
		out := []int64{}
		for _, s := range ss {
			out = append(out, s.ID)
		}
		return out
	}
	thu := time.Date(2026, 12, 3, 0, 0, 0, 0, Rome)
	for _, c := range []struct {
		at   time.Time
		want []int64
	}{
		{at(thu, 17, 59), []int64{}},
		{at(thu, 18, 0), []int64{sm.ID}},
		{at(thu, 23, 0), []int64{sm.ID}},
		{at(fri4, 9, 59), []int64{sm.ID}},
		{at(fri4, 10, 0), []int64{}}, // begun
		{at(fri4, 15, 29), []int64{}},
		{at(fri4, 15, 30), []int64{se.ID}},
		{at(fri4, 18, 30), []int64{}},
	} {
		if got := due(c.at); !slices.Equal(got, c.want) {
			t.Errorf("at %s: got %v, want %v", c.at.Format(time.DateTime), got, c.want)
		}
	}
	ss, _ := d.DueEventReminders(ctx, at(thu, 19, 0))
	if len(ss) != 1 || ss[0].Event.Title != "Mattina" || ss[0].UserID != citizen {
		t.Errorf("got %+v, want the citizen's morning sign-up with its event", ss)
	}
	if err := d.MarkEventReminded(ctx, sm.ID); err != nil {
		t.Fatal(err)
	}
	if got := due(at(thu, 19, 0)); len(got) != 0 {
		t.Errorf("after marking: got %v, want none", got)
	}
	if got, _ := d.SignupByID(ctx, sm.ID); got.Reminded.IsZero() {
		t.Error("the reminder is not recorded")
	}
	if _, err := d.Suspend(ctx, Person(clerk), "officina-brianza", ""); err != nil {
		t.Fatal(err)
	}
	if got := due(at(fri4, 15, 30)); len(got) != 0 {
		t.Errorf("in a suspended space: got %v, want none", got)
	}
}

func TestGeoJSONExportCarriesNoEvents(t *testing.T) {
	d := mustRoles(t)
	before := exportString(t, d, GeoJSON)
	csvBefore := exportString(t, d, CSV)
	mustPublish(t, d, Person(keeper), workshop())
	if got := exportString(t, d, GeoJSON); got != before {
		t.Error("publishing an event changed the GeoJSON export")
	}
	if got := exportString(t, d, CSV); got != csvBefore {
		t.Error("publishing an event changed the CSV export")
	}
	// A file that carries events anyway is refused at that property.
	var fc map[string]any
	if err := json.Unmarshal([]byte(before), &fc); err != nil {
		t.Fatal(err)
	}
	fc["features"].([]any)[0].(map[string]any)["properties"].(map[string]any)["events"] = []any{map[string]any{"title": "x"}}
	withEvents, _ := json.Marshal(fc)
	_, err := Read(strings.NewReader(string(withEvents)), GeoJSON)
	if ps := problemsOf(t, err); !hasProblem(ps, "events", ProbUnknownField) {
		t.Errorf("got %v, want the events property refused", ps)
	}
	if _, err := Read(strings.NewReader("BEGIN:VCALENDAR"), ICS); !errors.Is(err, ErrInvalid) {
		t.Errorf("reading an iCalendar file as the list: got %v, want ErrInvalid", err)
	}
}

func TestEventInABookedRoom(t *testing.T) {
	d := mustRoles(t)
	ctx := context.Background()
	mustBook(t, d, BookingRequest{Key: newKey(), UserID: citizen, SpaceID: "officina-brianza", RoomID: "volta", Day: thu10, From: 16 * 60, To: 18 * 60})
	dr := workshop()
	dr.RoomID, dr.Seats, dr.From = "volta", 8, 17*60+30
	_, err := d.PublishEvent(ctx, Person(keeper), dr)
	if ps := problemsOf(t, err); len(ps) != 1 || ps[0].Field != EventFieldRoom || ps[0].Code != EventProbRoomTaken || ps[0].Value != "2026-12-10" {
		t.Errorf("got %v, want the room taken on 10 December", ps)
	}
	// A course meets there the week after the booking too: its first meeting is refused.
	dr.Day, dr.Meetings = thu3, 3
	_, err = d.PublishEvent(ctx, Person(keeper), dr)
	if ps := problemsOf(t, err); !hasProblem(ps, EventFieldRoom, EventProbRoomTaken) || ps[0].Value != "2026-12-10" {
		t.Errorf("got %v, want the second meeting's room taken", ps)
	}
	// From 18:00, when the booking ends, it is free; moving it earlier is refused.
	dr.Day, dr.Meetings, dr.From = thu10, 1, 18*60
	e := mustPublish(t, d, Person(keeper), dr)[0]
	_, err = d.EditEvent(ctx, Person(keeper), e.ID, false, func(dr *EventDraft) error { dr.From = 17 * 60; return nil })
	if ps := problemsOf(t, err); !hasProblem(ps, EventFieldRoom, EventProbRoomTaken) {
		t.Errorf("got %v, want the room taken", ps)
	}
}

func TestRoomBookingDuringAnEvent(t *testing.T) {
	d := mustRoles(t)
	ctx := context.Background()
	dr := workshop()
	dr.RoomID, dr.Seats, dr.From, dr.To = "volta", 8, 10*60, 12*60
	e := mustPublish(t, d, Person(keeper), dr)[0]
	room := func(from, to int) BookingRequest {
		return BookingRequest{Key: newKey(), UserID: citizen, SpaceID: "officina-brianza", RoomID: "volta", Day: thu10, From: from, To: to}
	}
	_, err := d.Book(ctx, room(11*60, 13*60))
	if r := refusal(t, err); r.Reason != ReasonRoomTaken {
		t.Errorf("booking the room during the event: got %v, want room_taken", err)
	}
	mustBook(t, d, room(12*60, 13*60)) // after it
	if _, err := d.CancelEvent(ctx, Person(keeper), e.ID, false, ""); err != nil {
		t.Fatal(err)
	}
	mustBook(t, d, room(10*60, 11*60)) // a cancelled event holds nothing
}

// TestEventMovedInItsRoom: an event moved within its own hours is not in
// its own way; it is in the way of another event in the room.
func TestEventMovedInItsRoom(t *testing.T) {
	d := mustRoles(t)
	ctx := context.Background()
	dr := workshop()
	dr.RoomID, dr.Seats = "volta", 8
	e := mustPublish(t, d, Person(keeper), dr)[0]
	if _, err := d.EditEvent(ctx, Person(keeper), e.ID, false, func(dr *EventDraft) error { dr.From, dr.To = 17*60, 19*60; return nil }); err != nil {
		t.Fatalf("moving it an hour earlier: %v", err)
	}
	dr.Title, dr.From, dr.To = "Aperitivo", 20*60, 21*60
	later := mustPublish(t, d, Person(keeper), dr)[0]
	_, err := d.EditEvent(ctx, Person(keeper), later.ID, false, func(dr *EventDraft) error { dr.From = 18 * 60; return nil })
	if ps := problemsOf(t, err); !hasProblem(ps, EventFieldRoom, EventProbRoomTaken) {
		t.Errorf("moving into the other event: got %v, want the room taken", ps)
	}
}
