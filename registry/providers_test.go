package registry

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
)

const (
	clerk    int64 = 900 // staff, named on the command line
	keeper   int64 = 901 // provider of officina-brianza
	other    int64 = 902 // provider of il-cortile
	citizen  int64 = 903
	newcomer int64 = 904
)

// mustRoles opens the demo with a staff member and two providers.
func mustRoles(t *testing.T) *DB {
	t.Helper()
	d := mustDemo(t)
	ctx := context.Background()
	if err := d.AddStaff(ctx, CommandLine, clerk, "Carla"); err != nil {
		t.Fatal(err)
	}
	if err := d.AddProvider(ctx, Person(clerk), "officina-brianza", keeper); err != nil {
		t.Fatal(err)
	}
	if err := d.AddProvider(ctx, CommandLine, "il-cortile", other); err != nil {
		t.Fatal(err)
	}
	return d
}

func TestRoles(t *testing.T) {
	d := mustRoles(t)
	ctx := context.Background()
	for _, c := range []struct {
		user   int64
		staff  bool
		spaces []string
	}{{clerk, true, nil}, {keeper, false, []string{"officina-brianza"}}, {citizen, false, nil}} {
		r, err := d.Roles(ctx, c.user)
		if err != nil {
			t.Fatal(err)
		}
		if r.Staff != c.staff || !slices.Equal(r.Spaces, c.spaces) {
			t.Errorf("user %d: got %+v, want staff %v spaces %v", c.user, r, c.staff, c.spaces)
		}
	}
	// Only staff name staff or providers.
	if err := d.AddStaff(ctx, Person(citizen), citizen, "Me"); !errors.Is(err, ErrForbidden) {
		t.Errorf("a citizen naming themselves staff: got %v, want ErrForbidden", err)
	}
	if err := d.AddProvider(ctx, Person(keeper), "binario-uno", keeper); !errors.Is(err, ErrForbidden) {
		t.Errorf("a provider taking another space: got %v, want ErrForbidden", err)
	}
	// The chat never removes the last staff member; the command line may.
	if err := d.RemoveStaff(ctx, Person(clerk), clerk); !errors.Is(err, ErrConflict) {
		t.Errorf("removing the last staff member in chat: got %v, want ErrConflict", err)
	}
	if err := d.RemoveStaff(ctx, CommandLine, clerk); err != nil {
		t.Errorf("removing from the command line: %v", err)
	}
}

func TestEditSpaceByRole(t *testing.T) {
	d := mustRoles(t)
	ctx := context.Background()
	newHours := mustHours(t, "Mo-Fr 09:00-13:00,14:00-18:00; Sa 09:00-12:00")

	// A citizen and the provider of another space change nothing.
	for _, a := range []Actor{Person(citizen), Person(other)} {
		_, err := d.EditSpace(ctx, a, "officina-brianza", func(s *Space) error { s.Hours = newHours; return nil })
		if !errors.Is(err, ErrForbidden) {
			t.Errorf("%s editing officina-brianza: got %v, want ErrForbidden", a, err)
		}
	}
	if s, _ := d.Space(ctx, "officina-brianza"); s.Hours.String() == newHours.String() {
		t.Fatal("a refused edit was written")
	}

	// The provider's hours go live; Cobaby waits for the staff.
	e, err := d.EditSpace(ctx, Person(keeper), "officina-brianza", func(s *Space) error {
		s.Hours = newHours
		s.Services |= SetOf(Parking)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if e.Space.Hours.String() != newHours.String() || e.Space.Services.Has(SetOf(Parking)) {
		t.Errorf("got hours %s and services %v, want the new hours live and no parking yet", e.Space.Hours, e.Space.Services.List())
	}
	if len(e.Pending) != 1 || e.Pending[0].Field != FieldServices || e.Pending[0].Status != ChangePending {
		t.Fatalf("got pending %+v, want one change of services", e.Pending)
	}
	found, _ := d.Search(ctx, Query{Services: SetOf(Parking), Limit: 50})
	if slices.Contains(ids(found), "officina-brianza") {
		t.Error("citizens find the unapproved parking")
	}
	// A provider may not decide their own change; the staff approve it.
	if _, err := d.ReviewChange(ctx, Person(keeper), e.Pending[0].ID, true, ""); !errors.Is(err, ErrForbidden) {
		t.Errorf("a provider approving: got %v, want ErrForbidden", err)
	}
	c, err := d.ReviewChange(ctx, Person(clerk), e.Pending[0].ID, true, "")
	if err != nil || c.Status != ChangeApproved {
		t.Fatalf("approve: %+v, %v", c, err)
	}
	found, _ = d.Search(ctx, Query{Services: SetOf(Parking), Limit: 50})
	if !slices.Contains(ids(found), "officina-brianza") {
		t.Error("citizens do not find the approved parking")
	}
	if _, err := d.ReviewChange(ctx, Person(clerk), c.ID, false, "twice"); !errors.Is(err, ErrClosed) {
		t.Errorf("reviewing twice: got %v, want ErrClosed", err)
	}
	// A rejected change leaves the listing as it was, with its reason.
	e, err = d.EditSpace(ctx, Person(keeper), "officina-brianza", func(s *Space) error { s.Desks = 200; return nil })
	if err != nil {
		t.Fatal(err)
	}
	c, err = d.ReviewChange(ctx, Person(clerk), e.Pending[0].ID, false, "troppe")
	if err != nil || c.Reason != "troppe" {
		t.Fatalf("reject: %+v, %v", c, err)
	}
	if s, _ := d.Space(ctx, "officina-brianza"); s.Desks == 200 {
		t.Error("a rejected change went live")
	}
	// Staff change reviewed fields at once.
	e, err = d.EditSpace(ctx, Person(clerk), "il-cortile", func(s *Space) error { s.Desks = 7; return nil })
	if err != nil || e.Space.Desks != 7 || len(e.Pending) != 0 {
		t.Errorf("staff edit: got %+v, %v, want 7 desks at once", e, err)
	}
	// Every step is in the audit log, newest first.
	log, err := d.Audit(ctx, time.Time{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range log {
		actions = append(actions, e.Action)
	}
	for _, want := range []string{ActionEdit, ActionPropose, ActionChangeApprove, ActionChangeReject, ActionProviderAdd, ActionStaffAdd} {
		if !slices.Contains(actions, want) {
			t.Errorf("audit log %v lacks %s", actions, want)
		}
	}
}

func TestClosureCancelsBookings(t *testing.T) {
	d := mustRoles(t)
	ctx := context.Background()
	bk := mustBook(t, d, desks(citizen, "officina-brianza", fri4, Morning, 1))
	keep := mustBook(t, d, desks(citizen, "officina-brianza", thu3, Morning, 1))
	if _, _, err := d.AddClosure(ctx, Person(citizen), Closure{SpaceID: "officina-brianza", First: fri4, Last: fri4}); !errors.Is(err, ErrForbidden) {
		t.Errorf("a citizen closing a space: got %v, want ErrForbidden", err)
	}
	_, cancelled, err := d.AddClosure(ctx, Person(keeper), Closure{SpaceID: "officina-brianza", First: fri4, Last: sat5, Note: "ferie"})
	if err != nil {
		t.Fatal(err)
	}
	if len(cancelled) != 1 || cancelled[0].Code != bk.Code || cancelled[0].Status != Cancelled {
		t.Fatalf("got cancelled %+v, want the Friday booking", cancelled)
	}
	got, _ := d.Booking(ctx, bk.Code)
	if got.Status != Cancelled || got.CancelledBy != "closure" {
		t.Errorf("got %+v, want it cancelled by the closure", got)
	}
	if got, _ := d.Booking(ctx, keep.Code); got.Status != Confirmed {
		t.Errorf("Thursday's booking: got %s, want it kept", got.Status)
	}
}

func TestInvitations(t *testing.T) {
	d := mustRoles(t)
	ctx := context.Background()
	if _, err := d.Invite(ctx, Person(keeper), "binario-uno"); !errors.Is(err, ErrForbidden) {
		t.Errorf("a provider inviting: got %v, want ErrForbidden", err)
	}
	tok, err := d.Invite(ctx, Person(clerk), "binario-uno")
	if err != nil {
		t.Fatal(err)
	}
	if len(tok) > 58 || strings.Trim(tok, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") != "" {
		t.Errorf("token %q does not fit a Telegram start parameter after inv_", tok)
	}
	if _, err := d.AcceptInvitation(ctx, citizen, "nonsense"); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown token: got %v, want ErrNotFound", err)
	}
	space, err := d.AcceptInvitation(ctx, newcomer, tok)
	if err != nil || space != "binario-uno" {
		t.Fatalf("accept: %q, %v", space, err)
	}
	if r, _ := d.Roles(ctx, newcomer); !r.Provides("binario-uno") {
		t.Error("the invited person is not the provider")
	}
	if _, err := d.AcceptInvitation(ctx, newcomer, tok); err != nil {
		t.Errorf("the same person opening the link again: %v", err)
	}
	if _, err := d.AcceptInvitation(ctx, citizen, tok); !errors.Is(err, ErrInvitationUsed) {
		t.Errorf("someone else reusing it: got %v, want ErrInvitationUsed", err)
	}
	old, err := d.Invite(ctx, CommandLine, "il-cortile")
	if err != nil {
		t.Fatal(err)
	}
	now := d.Now()
	d.Now = func() time.Time { return now.Add(InvitationFor + time.Minute) }
	if _, err := d.AcceptInvitation(ctx, citizen, old); !errors.Is(err, ErrInvitationExpired) {
		t.Errorf("after 14 days: got %v, want ErrInvitationExpired", err)
	}
}

func TestApplication(t *testing.T) {
	d := mustRoles(t)
	ctx := context.Background()
	s := Space{Name: "Caffè Città", Comune: "Seregno", Address: "Via Roma 1", Location: mustDemoPoint(t, d),
		Services: SetOf(Cobaby, Wifi), Desks: 6, Hours: mustHours(t, "Mo-Fr 09:00-18:00")}
	bad := s
	bad.Name = ""
	if _, err := d.Apply(ctx, newcomer, bad); !errors.Is(err, ErrInvalid) {
		t.Errorf("an application without a name: got %v, want ErrInvalid", err)
	}
	app, err := d.Apply(ctx, newcomer, s)
	if err != nil {
		t.Fatal(err)
	}
	if app.Space.ID != "caffe-citta-seregno" || app.Status != AppPending {
		t.Fatalf("got %+v, want a pending application for caffe-citta-seregno", app)
	}
	if _, err := d.Space(ctx, app.Space.ID); !errors.Is(err, ErrNotFound) {
		t.Error("a pending application is already a space")
	}
	again, err := d.Apply(ctx, citizen, s)
	if err != nil || again.Space.ID != "caffe-citta-seregno-2" {
		t.Errorf("a second application with the same name: %+v, %v, want id -2", again, err)
	}
	if _, err := d.ReviewApplication(ctx, Person(keeper), app.ID, true, ""); !errors.Is(err, ErrForbidden) {
		t.Errorf("a provider approving: got %v, want ErrForbidden", err)
	}
	if app, err = d.ReviewApplication(ctx, Person(clerk), app.ID, true, ""); err != nil || app.Status != AppApproved {
		t.Fatalf("approve: %+v, %v", app, err)
	}
	sp, err := d.Space(ctx, "caffe-citta-seregno")
	if err != nil || sp.Status != Approved {
		t.Fatalf("the approved space: %+v, %v", sp, err)
	}
	if r, _ := d.Roles(ctx, newcomer); !r.Provides(sp.ID) {
		t.Error("the applicant is not its provider")
	}
	found, _ := d.Search(ctx, Query{Services: SetOf(Cobaby), Limit: 50})
	if !slices.Contains(ids(found), sp.ID) {
		t.Error("citizens do not find the new space")
	}
	if again, err = d.ReviewApplication(ctx, Person(clerk), again.ID, false, "doppione"); err != nil || again.Status != AppRejected || again.Reason != "doppione" {
		t.Errorf("reject: %+v, %v", again, err)
	}
	if _, err := d.ReviewApplication(ctx, Person(clerk), again.ID, true, ""); !errors.Is(err, ErrClosed) {
		t.Errorf("reviewing twice: got %v, want ErrClosed", err)
	}
}

func mustDemoPoint(t *testing.T, d *DB) orb.Point {
	t.Helper()
	s, err := d.Space(context.Background(), "officina-brianza")
	if err != nil {
		t.Fatal(err)
	}
	return s.Location
}

func TestSuspendAndReinstate(t *testing.T) {
	d := mustRoles(t)
	ctx := context.Background()
	bk := mustBook(t, d, desks(citizen, "il-cortile", fri4, Morning, 1))
	if _, err := d.Suspend(ctx, Person(other), "il-cortile", ""); !errors.Is(err, ErrForbidden) {
		t.Errorf("a provider suspending: got %v, want ErrForbidden", err)
	}
	sus, err := d.Suspend(ctx, Person(clerk), "il-cortile", "verifiche")
	if err != nil || !sus.Changed || len(sus.Bookings) != 1 || sus.Bookings[0].Code != bk.Code {
		t.Fatalf("suspend: %+v, %v, want the booking cancelled", sus, err)
	}
	found, _ := d.Search(ctx, Query{Limit: 50})
	if slices.Contains(ids(found), "il-cortile") {
		t.Error("a suspended space is still found")
	}
	if _, err := d.Book(ctx, desks(citizen, "il-cortile", fri4, Afternoon, 1)); !errors.Is(err, ErrForbidden) {
		t.Errorf("booking a suspended space: got %v, want refused", err)
	}
	if again, err := d.Suspend(ctx, Person(clerk), "il-cortile", ""); err != nil || again.Changed || len(again.Bookings) != 0 {
		t.Errorf("suspending twice: %+v, %v, want nothing done", again, err)
	}
	if err := d.Reinstate(ctx, Person(clerk), "il-cortile", ""); err != nil {
		t.Fatal(err)
	}
	found, _ = d.Search(ctx, Query{Limit: 50})
	if !slices.Contains(ids(found), "il-cortile") {
		t.Error("a reinstated space is not found")
	}
}

func TestImportReportsDisagreements(t *testing.T) {
	d := mustRoles(t)
	ctx := context.Background()
	file, err := DemoSpaces()
	if err != nil {
		t.Fatal(err)
	}
	// In the chat, the provider changes the hours; the comune's file, edited
	// meanwhile, changes the same hours and the phone.
	chatHours := mustHours(t, "Mo-Fr 09:00-19:00")
	if _, err := d.EditSpace(ctx, Person(keeper), "officina-brianza", func(s *Space) error { s.Hours = chatHours; return nil }); err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(file, func(s Space) bool { return s.ID == "officina-brianza" })
	file[i].Hours = mustHours(t, "Mo-Fr 08:00-20:00")
	file[i].Phone = "+39 0362 999999"
	dropped := file[len(file)-1].ID
	file = file[:len(file)-1]

	res, err := d.PutSpaces(ctx, CommandLine, file, PutOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Disagreements) != 1 || res.Disagreements[0].Field != FieldHours || res.Disagreements[0].FileKept {
		t.Fatalf("got disagreements %+v, want the hours, the live ones kept", res.Disagreements)
	}
	if !slices.Equal(res.Missing, []string{dropped}) {
		t.Errorf("got missing %v, want %v", res.Missing, dropped)
	}
	s, _ := d.Space(ctx, "officina-brianza")
	if s.Hours.String() != chatHours.String() || s.Phone != "+39 0362 999999" {
		t.Errorf("got hours %s and phone %s, want the chat's hours and the file's phone", s.Hours, s.Phone)
	}
	if _, err := d.Space(ctx, dropped); err != nil {
		t.Errorf("a space missing from the file was deleted: %v", err)
	}
	// Again, with the file winning.
	res, err = d.PutSpaces(ctx, CommandLine, file, PutOptions{FileWins: true})
	if err != nil || len(res.Disagreements) != 1 || !res.Disagreements[0].FileKept {
		t.Fatalf("got %+v, %v, want the hours reported with the file's kept", res, err)
	}
	if s, _ := d.Space(ctx, "officina-brianza"); s.Hours.String() != file[i].Hours.String() {
		t.Errorf("got hours %s, want the file's", s.Hours)
	}
	// Once imported, the file and the list agree: nothing more to report.
	if res, err = d.PutSpaces(ctx, CommandLine, file, PutOptions{}); err != nil || len(res.Disagreements) != 0 {
		t.Errorf("got %+v, %v, want no disagreement after the file won", res.Disagreements, err)
	}
	// A citizen cannot import.
	if _, err := d.PutSpaces(ctx, Person(citizen), file, PutOptions{}); !errors.Is(err, ErrForbidden) {
		t.Errorf("a citizen importing: got %v, want ErrForbidden", err)
	}
}

func TestAgendaAndFigures(t *testing.T) {
	d := mustRoles(t)
	ctx := context.Background()
	if err := d.SaveUser(ctx, User{ID: citizen, FirstName: "Bruno"}); err != nil {
		t.Fatal(err)
	}
	mustBook(t, d, desks(citizen, "officina-brianza", fri4, Morning, 2))
	if _, err := d.Agenda(ctx, Person(citizen), "officina-brianza", wed2, fri4); !errors.Is(err, ErrForbidden) {
		t.Errorf("a citizen reading the agenda: got %v, want ErrForbidden", err)
	}
	ag, err := d.Agenda(ctx, Person(keeper), "officina-brianza", wed2, fri4)
	if err != nil || len(ag) != 1 || ag[0].FirstName != "Bruno" || ag[0].Desks != 2 {
		t.Fatalf("agenda: %+v, %v", ag, err)
	}
	left, err := d.SlotsLeft(ctx, "officina-brianza", fri4)
	if err != nil || len(left) != 3 || left[0].Slot != Morning || left[0].Left != 18 {
		t.Errorf("slots left: %+v, %v, want 18 of 20 in the morning", left, err)
	}
	if _, err := d.Figures(ctx, Person(keeper), fri4); !errors.Is(err, ErrForbidden) {
		t.Errorf("a provider reading the figures: got %v, want ErrForbidden", err)
	}
	figs, err := d.Figures(ctx, Person(clerk), fri4)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(figs, func(f SpaceFigures) bool { return f.SpaceID == "officina-brianza" })
	if i < 0 || figs[i].Bookings != 1 {
		t.Errorf("figures: %+v, want one booking at officina-brianza", figs)
	}
}
