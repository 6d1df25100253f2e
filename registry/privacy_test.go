package registry

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
)

// The person of the privacy tests: an id and names that appear nowhere
// else, so that any cell holding them is theirs.
const (
	zeb          int64 = 5550123456
	zebName            = "Zebedea"
	zebStaffName       = "Zebedea Quaglia"
	waiting      int64 = 906 // in line behind Zebedea at smart-verano
	colleague    int64 = 907 // staff Zebedea names
)

var (
	oct8 = time.Date(2026, 10, 8, 0, 0, 0, 0, Rome)
	dec2 = time.Date(2026, 12, 2, 10, 0, 0, 0, Rome)
)

func setClock(d *DB, t time.Time) { d.Now = func() time.Time { return t } }

// everywhere is what the fixture left: Zebedea in every table that can
// name a person.
type everywhere struct {
	past, upcoming, room Booking
	ownSpace             string // the space Zebedea's application made
	seat, waited         Event  // a full event Zebedea is signed up for; one where they hold a freed seat
	pastSignup           Signup // a sign-up for October's event
}

// zebedeaEverywhere opens the demo with its roles and has Zebedea do
// everything a person can, so that every table that can name someone
// names them: a profile with a location and a conversation, reminders
// off, a subscription, announcements received, composed and sent (one
// copied from their chat, still sending), bookings past, upcoming and of a
// room, a place in a full slot's line with an open offer, applications
// pending, approved and rejected (with a reason naming them), a change
// proposed and rejected, staff and provider roles, invitations made and
// accepted, a staff reading recorded, and mail kept for them and about
// them.
func zebedeaEverywhere(t *testing.T) (*DB, everywhere) {
	t.Helper()
	d := mustRoles(t)
	ctx := context.Background()
	var f everywhere
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	// October: a booking kept, one cancelled.
	setClock(d, time.Date(2026, 10, 7, 10, 0, 0, 0, Rome))
	f.past = mustBook(t, d, BookingRequest{Key: fmt.Sprintf("confirm:%d:past:1", zeb), UserID: zeb, SpaceID: "officina-brianza", Day: oct8, Slot: Morning, Desks: 1})
	gone := mustBook(t, d, desks(zeb, "officina-brianza", oct8, Afternoon, 1))
	if _, _, err := d.Cancel(ctx, zeb, gone.Code); err != nil {
		t.Fatal(err)
	}
	october := workshop()
	october.Day = oct8
	f.pastSignup = mustSignUp(t, d, SignupRequest{Key: fmt.Sprintf("signup:%d:past:1", zeb), UserID: zeb,
		EventID: mustPublish(t, d, Person(keeper), october)[0].ID, People: 2})[0]
	setClock(d, dec2)

	u, err := d.User(ctx, zeb)
	must(err)
	u.FirstName, u.Lang, u.ClientLang = zebName, "it", "it"
	u.Location, u.LocatedAt = &orb.Point{9.2101, 45.6469}, dec2
	u.State = `{"search":{"text":"cobaby vicino a me"}}`
	must(d.SaveUser(ctx, u))
	must(d.SetReminders(ctx, zeb, false))
	_, err = d.Subscribe(ctx, zeb)
	must(err)
	_, err = d.Narrow(ctx, zeb, Narrowing{Services: SetOf(Cobaby)})
	must(err)
	mustSubscribers(t, d, 1, 3)
	_, err = d.Announce(ctx, Person(clerk), Draft{Topic: TopicNews, Content: text("Novità in biblioteca")})
	must(err)
	drain(t, d, 100) // sent to Zebedea, with Telegram's message id
	_, err = d.Announce(ctx, Person(clerk), Draft{Topic: TopicNews, Content: text("Orari di dicembre")})
	must(err) // pending for Zebedea

	// Upcoming: all four desks of il-cortile on Friday morning, with
	// someone in line behind; a room on Thursday.
	f.upcoming = mustBook(t, d, BookingRequest{Key: fmt.Sprintf("confirm:%d:up:1", zeb), UserID: zeb, SpaceID: "il-cortile", Day: fri4, Slot: Morning, Desks: 4})
	_, err = d.JoinWaitlist(ctx, desks(citizen, "il-cortile", fri4, Morning, 1))
	must(err)
	f.room = mustBook(t, d, BookingRequest{Key: newKey(), UserID: zeb, SpaceID: "officina-brianza", RoomID: "volta", Day: thu3, From: 600, To: 720})
	// smart-verano's six desks on Friday: Zebedea waits, then is offered
	// the desk freed, with someone waiting behind.
	mustBook(t, d, desks(newcomer, "smart-verano", fri4, Morning, 5))
	one := mustBook(t, d, desks(newcomer, "smart-verano", fri4, Morning, 1))
	_, err = d.JoinWaitlist(ctx, desks(zeb, "smart-verano", fri4, Morning, 1))
	must(err)
	_, err = d.JoinWaitlist(ctx, desks(waiting, "smart-verano", fri4, Morning, 1))
	must(err)
	if _, offers, err := d.Cancel(ctx, newcomer, one.Code); err != nil || len(offers) != 1 || offers[0].Entry.UserID != zeb {
		t.Fatalf("got offers %+v, %v, want one for Zebedea", offers, err)
	}

	// Events: a one-seat workshop Zebedea took, with someone waiting
	// behind; another whose freed seat is offered to Zebedea, with the
	// citizen behind.
	full := workshop()
	full.Seats = 1
	f.seat = mustPublish(t, d, Person(keeper), full)[0]
	mustSignUp(t, d, SignupRequest{Key: fmt.Sprintf("signup:%d:seat:1", zeb), UserID: zeb, EventID: f.seat.ID, People: 1})
	_, err = d.JoinEventWaitlist(ctx, waiting, f.seat.ID, 1)
	must(err)
	full.Title = "Aperitivo tra coworker"
	f.waited = mustPublish(t, d, Person(keeper), full)[0]
	taken := mustSignUp(t, d, signup(newcomer, f.waited.ID, 1))[0]
	_, err = d.JoinEventWaitlist(ctx, zeb, f.waited.ID, 1)
	must(err)
	_, err = d.JoinEventWaitlist(ctx, citizen, f.waited.ID, 1)
	must(err)
	if _, offers, err := d.CancelSignup(ctx, newcomer, taken.ID, false); err != nil || len(offers) != 1 || offers[0].Entry.UserID != zeb {
		t.Fatalf("got event offers %+v, %v, want one for Zebedea", offers, err)
	}

	// Applications: one approved (Zebedea runs the space), one rejected
	// with a reason that names them, one pending.
	space := func(name string) Space {
		return Space{Name: name, Comune: "Seregno", Address: "Via Garibaldi 8", Location: mustDemoPoint(t, d),
			Services: SetOf(Wifi), Desks: 3, Hours: mustHours(t, "Mo-Fr 09:00-18:00"), Email: "bottega@example.org"}
	}
	app, err := d.Apply(ctx, zeb, space("Bottega Verde"))
	must(err)
	_, err = d.ReviewApplication(ctx, Person(clerk), app.ID, true, "")
	must(err)
	f.ownSpace = app.Space.ID
	no, err := d.Apply(ctx, zeb, space("Seconda Bottega"))
	must(err)
	_, err = d.ReviewApplication(ctx, Person(clerk), no.ID, false, "Grazie Zebedea, ma manca l'indirizzo.")
	must(err)
	_, err = d.Apply(ctx, zeb, space("Terza Bottega"))
	must(err)
	// A change of their listing, rejected with their name in the reason.
	e, err := d.EditSpace(ctx, Person(zeb), f.ownSpace, func(s *Space) error { s.Name = "Bottega Verde di Seregno"; return nil })
	must(err)
	if len(e.Pending) != 1 {
		t.Fatalf("got %d pending changes, want 1", len(e.Pending))
	}
	_, err = d.ReviewChange(ctx, Person(clerk), e.Pending[0].ID, false, "Zebedea: il nome resta quello approvato.")
	must(err)

	// Staff: named by the clerk; names a colleague, invites, reads an
	// agenda, composes a draft and sends a copy of a message of theirs.
	must(d.AddStaff(ctx, Person(clerk), zeb, zebStaffName))
	must(d.AddStaff(ctx, Person(zeb), colleague, "Ugo"))
	_, err = d.Invite(ctx, Person(zeb), "binario-uno")
	must(err)
	tok, err := d.Invite(ctx, Person(clerk), "nido-lavoro")
	must(err)
	_, err = d.AcceptInvitation(ctx, zeb, tok)
	must(err)
	_, err = d.Agenda(ctx, Person(zeb), "il-cortile", dec2, fri4)
	must(err)
	_, err = d.Compose(ctx, Person(zeb), Draft{Content: Content{FromChatID: zeb, MessageID: 41}})
	must(err)
	_, err = d.Announce(ctx, Person(zeb), Draft{Topic: TopicEvents, Content: Content{FromChatID: zeb, MessageID: 42}})
	must(err)
	// As staff, an event published in their own space, and one cancelled
	// with a reason that names them.
	mine := workshop()
	mine.SpaceID, mine.Title = f.ownSpace, "Porte aperte alla Bottega"
	mustPublish(t, d, Person(zeb), mine)
	mine.Title = "Laboratorio di ceramica"
	off := mustPublish(t, d, Person(zeb), mine)[0]
	_, err = d.CancelEvent(ctx, Person(zeb), off.ID, false, "Zebedea ha l'influenza")
	must(err)

	// An update of theirs held while its answer was retried.
	must(d.Keep(ctx, Bookkeeping{Source: "telegram", Hold: []HeldUpdate{{ID: 77,
		Raw: fmt.Sprintf(`{"update_id":77,"message":{"message_id":5,"from":{"id":%d,"first_name":%q},"chat":{"id":%d,"type":"private"},"text":"prenota"}}`, zeb, zebName, zeb)}}}))

	// Mail kept for them, and for a provider about their booking.
	must(d.Post(ctx, zeb, `{"Text":"Si è liberato un posto"}`))
	must(d.Post(ctx, other, fmt.Sprintf(`{"Text":"Zebedea ha prenotato: codice %s"}`, f.upcoming.Code)))
	must(d.Post(ctx, other, `{"Text":"Un'altra notizia"}`))
	return d, f
}

// TestEveryColumnIsDeclared walks the real schema (sqlite_master and
// table_info): every table and every column must be declared in Tables,
// with what it holds about people, and every declaration must still
// exist. A migration that adds a column (a phone number, a sign-up's
// user id) fails here until its author says what it holds, which decides
// how the export shows it and how erasure treats it.
func TestEveryColumnIsDeclared(t *testing.T) {
	d := mustOpen(t)
	schema, err := d.SchemaTables(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(schema) < 20 {
		t.Fatalf("found %d tables: is the walk right?", len(schema))
	}
	for name, cols := range schema {
		decl, ok := tableNamed(name)
		if !ok {
			t.Errorf("table %s is not declared in registry/privacy.go (Tables): say what each of its columns holds about people", name)
			continue
		}
		for _, c := range cols {
			if _, ok := decl.Columns[c]; !ok {
				t.Errorf("column %s.%s is not declared in registry/privacy.go (Tables): say what it holds about people", name, c)
			}
		}
		for c := range decl.Columns {
			if !slices.Contains(cols, c) {
				t.Errorf("Tables declares %s.%s, which the schema does not have", name, c)
			}
		}
		if decl.Personal() && (decl.About == "" || decl.Owner == "" && decl.Rows == "") {
			t.Errorf("table %s names people: it needs About and an Owner (or Rows)", name)
		}
		if decl.Owner != "" && !slices.Contains(decl.columns(UserID, UserIDNull), decl.Owner) {
			t.Errorf("table %s: owner %q is no user id column", name, decl.Owner)
		}
	}
	for _, decl := range Tables {
		if _, ok := schema[decl.Name]; !ok {
			t.Errorf("Tables declares %s, which the schema does not have", decl.Name)
		}
	}
}

// TestExportCoversEveryPersonalTable: with Zebedea in every table that can
// name a person, the export holds rows of every one of them, each row with
// every column of its table, and their name, codes and choices.
func TestExportCoversEveryPersonalTable(t *testing.T) {
	d, f := zebedeaEverywhere(t)
	ctx := context.Background()
	schema, err := d.SchemaTables(ctx)
	if err != nil {
		t.Fatal(err)
	}
	data, err := d.ExportPerson(ctx, zeb)
	if err != nil {
		t.Fatal(err)
	}
	personal := 0
	for _, decl := range Tables {
		if !decl.Personal() {
			if data.Count(decl.Name) != 0 {
				t.Errorf("the export has rows of %s, which names nobody", decl.Name)
			}
			continue
		}
		personal++
		if data.Count(decl.Name) == 0 {
			t.Errorf("the export has no rows of %s: the fixture (zebedeaEverywhere) must put the person there, and the export find them", decl.Name)
			continue
		}
		for _, tr := range data.Tables {
			if tr.Table != decl.Name {
				continue
			}
			for _, row := range tr.Rows {
				for _, c := range schema[decl.Name] {
					if _, ok := row[c]; !ok {
						t.Errorf("%s: an exported row has no column %s", decl.Name, c)
					}
				}
			}
		}
	}
	if personal < 15 {
		t.Errorf("found %d personal tables, want every one of them", personal)
	}
	doc, err := data.JSON()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"telegram_id": 5550123456`, `"first_name": "Zebedea"`, `"name": "Zebedea Quaglia"`, f.past.Code, f.upcoming.Code,
		f.room.Code, `"reminders": 0`, `"cobaby vicino a me"`, `"status": "offered"`, "Bottega Verde", `"action": "booking.read"`,
		`"located_at": "2026-12-02T10:00:00+01:00"`} {
		if !strings.Contains(string(doc), want) {
			t.Errorf("the export has no %s", want)
		}
	}
	// Other people's ids are not theirs to see: the staff member who decided
	// their application, the one who added them to the staff, the
	// colleague they added is known by the name they gave only.
	var back any
	if err := json.Unmarshal(doc, &back); err != nil {
		t.Fatalf("the export is not JSON: %v", err)
	}
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				walk(path+"."+k, e)
			}
		case []any:
			for i, e := range x {
				walk(fmt.Sprintf("%s[%d]", path, i), e)
			}
		case float64:
			if x == float64(clerk) || x == float64(colleague) {
				t.Errorf("the export shows someone else's id at %s: %v", path, x)
			}
		}
	}
	walk("", back)
}

// figures returns each space's figures of a month, by space.
func figures(t *testing.T, d *DB, month time.Time) map[string]SpaceFigures {
	t.Helper()
	fs, err := d.Figures(context.Background(), Person(clerk), month)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]SpaceFigures{}
	for _, f := range fs {
		out[f.SpaceID] = f
	}
	return out
}

// TestErasureLeavesNoTrace erases Zebedea from everywhere: no cell of any
// table of the real file holds their id or a name of theirs (inside JSON
// text too), the past counts the same in the comune's figures, what was to
// come is cancelled and offered to the next in line, and a later message
// is from a new person.
func TestErasureLeavesNoTrace(t *testing.T) {
	d, f := zebedeaEverywhere(t)
	ctx := context.Background()
	if traces, _ := d.Traces(ctx, zeb, zebName, zebStaffName); len(traces) < 30 {
		t.Fatalf("found %d traces before the erasure: is the fixture or the scan broken?", len(traces))
	}
	october, december := figures(t, d, oct8), figures(t, d, dec2)
	rows := map[string]int{}
	for _, tb := range []string{"bookings", "audit_log", "deliveries", "announcements", "applications", "changes", "invitations"} {
		rows[tb] = countRows(t, d, `SELECT count(*) FROM `+tb)
	}

	er, err := d.Erase(ctx, zeb)
	if err != nil {
		t.Fatal(err)
	}
	traces, err := d.Traces(ctx, zeb, zebName, zebStaffName)
	if err != nil {
		t.Fatal(err)
	}
	for _, tr := range traces {
		t.Errorf("after the erasure: %s", tr)
	}

	// What was to come is cancelled, and freed for the next in line.
	var cancelled []string
	for _, b := range er.Cancelled {
		cancelled = append(cancelled, b.Code)
		if b.CancelledBy != "erasure" || b.Status != Cancelled {
			t.Errorf("booking %s: got %s by %q, want cancelled by erasure", b.Code, b.Status, b.CancelledBy)
		}
	}
	slices.Sort(cancelled)
	want := []string{f.upcoming.Code, f.room.Code}
	slices.Sort(want)
	if !slices.Equal(cancelled, want) {
		t.Errorf("cancelled %v, want the upcoming desks and room %v", cancelled, want)
	}
	offered := map[string]int64{}
	for _, o := range er.Offers {
		offered[o.Entry.SpaceID] = o.Entry.UserID
	}
	if offered["il-cortile"] != citizen || offered["smart-verano"] != waiting || len(er.Offers) != 2 {
		t.Errorf("got offers %+v, want il-cortile's desk to %d and the desk Zebedea was offered at smart-verano to %d", er.Offers, citizen, waiting)
	}
	for _, o := range er.Offers {
		b, err := d.AcceptOffer(ctx, o.Entry.UserID, o.ID)
		if err != nil {
			t.Errorf("the next in line at %s could not take the place: %v", o.Entry.SpaceID, err)
		} else if b.Status != Confirmed {
			t.Errorf("got %+v, want a confirmed booking", b)
		}
	}

	// Their sign-up for the full workshop is cancelled, and its seat offered
	// to who waited; the seat they were offered goes to the citizen.
	if len(er.Signups) != 1 || er.Signups[0].EventID != f.seat.ID || er.Signups[0].CancelledBy != "erasure" {
		t.Errorf("got sign-ups %+v, want the workshop's cancelled by erasure", er.Signups)
	}
	eventOffered := map[int64]int64{}
	for _, o := range er.EventOffers {
		eventOffered[o.Entry.EventID] = o.Entry.UserID
	}
	if len(er.EventOffers) != 2 || eventOffered[f.seat.ID] != waiting || eventOffered[f.waited.ID] != citizen {
		t.Errorf("got event offers %+v, want the workshop's seat to %d and the aperitivo's to %d", er.EventOffers, waiting, citizen)
	}
	for _, o := range er.EventOffers {
		if _, err := d.AcceptEventOffer(ctx, o.Entry.UserID, o.ID); err != nil {
			t.Errorf("the next in line for event %d could not take the seat: %v", o.Entry.EventID, err)
		}
	}
	// October's event still counts the two people who came.
	if ev := mustEvent(t, d, f.pastSignup.EventID); ev.Taken != 2 {
		t.Errorf("October's event: got %d people, want 2 still counted", ev.Taken)
	}

	// The past counts as before; December lost only what was cancelled.
	if got := figures(t, d, oct8); !equalFigures(got, october) {
		t.Errorf("October's figures: got %+v, want %+v", got, october)
	}
	dec := figures(t, d, dec2)
	// il-cortile: Zebedea's booking of four desks gone, the citizen's of the desk offered made.
	if want := december["il-cortile"].Bookings - 1 + 1; dec["il-cortile"].Bookings != want {
		t.Errorf("il-cortile in December: got %d bookings, want %d", dec["il-cortile"].Bookings, want)
	}
	if dec["officina-brianza"].Bookings != december["officina-brianza"].Bookings-1 || dec["officina-brianza"].CancelledByUser != december["officina-brianza"].CancelledByUser {
		t.Errorf("officina-brianza in December: got %+v, want one booking (the room) fewer, no cancellation by its person", dec["officina-brianza"])
	}
	for tb, n := range rows {
		after := countRows(t, d, `SELECT count(*) FROM `+tb)
		switch {
		case tb == "bookings" && after != n+2: // the two offers taken
			t.Errorf("bookings: got %d rows, want %d kept and the two offers taken", after, n)
		case tb == "announcements" && after != n-1: // the draft
			t.Errorf("announcements: got %d rows, want %d, all but the draft", after, n-1)
		case tb == "applications" && after != n-1: // the pending one
			t.Errorf("applications: got %d rows, want %d, all but the pending one", after, n-1)
		case tb == "audit_log" && after <= n:
			t.Errorf("audit_log: got %d entries, want more than %d (the roles the erasure ended)", after, n)
		case tb != "bookings" && tb != "announcements" && tb != "applications" && tb != "audit_log" && after != n:
			t.Errorf("%s: got %d rows, want %d kept", tb, after, n)
		}
	}
	// The copy sent from their chat stopped; the pending announcement skips them.
	var stopped int
	if err := d.db.QueryRow(`SELECT count(*) FROM announcements WHERE status = 'stopped' AND topic = 'events'`).Scan(&stopped); err != nil || stopped != 1 {
		t.Errorf("got %d stopped copies (%v), want the copy of Zebedea's message stopped", stopped, err)
	}
	// The provider keeps the mail that is not about Zebedea.
	if mail, _ := d.TakeMail(ctx, other); len(mail) != 1 || !strings.Contains(mail[0], "Un'altra notizia") {
		t.Errorf("got the provider's mail %q, want the message about someone else kept", mail)
	}

	// A later message is from a new person.
	u, err := d.User(ctx, zeb)
	if err != nil {
		t.Fatal(err)
	}
	roles, _ := d.Roles(ctx, zeb)
	bks, _ := d.Bookings(ctx, zeb, dec2.AddDate(-1, 0, 0))
	if u.FirstName != "" || u.Lang != "" || u.Location != nil || u.Subscribed || roles.Staff || len(roles.Spaces) > 0 || len(bks) > 0 {
		t.Errorf("after the erasure: got user %+v, roles %+v, bookings %d, want a new person", u, roles, len(bks))
	}
	if on, _ := d.RemindersOn(ctx, zeb); !on {
		t.Error("a new person has reminders off")
	}
	data, err := d.ExportPerson(ctx, zeb)
	if err != nil {
		t.Fatal(err)
	}
	for _, tr := range data.Tables {
		if len(tr.Rows) > 0 {
			t.Errorf("after the erasure the export has %d rows of %s", len(tr.Rows), tr.Table)
		}
	}
	// Erasing twice is harmless.
	if er, err := d.Erase(ctx, zeb); err != nil || len(er.Cancelled)+len(er.Offers) > 0 {
		t.Errorf("erasing again: got %+v, %v, want nothing done", er, err)
	}
}

func equalFigures(a, b map[string]SpaceFigures) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestErasureRefusesTheLastStaff: the last staff member cannot be erased from
// the chat, and the refusal leaves every table as it was.
func TestErasureRefusesTheLastStaff(t *testing.T) {
	d := mustRoles(t)
	ctx := context.Background()
	b := mustBook(t, d, desks(clerk, "il-cortile", fri4, Morning, 1))
	before, _ := d.Traces(ctx, clerk, "Carla")
	if _, err := d.Erase(ctx, clerk); !errors.Is(err, ErrLastStaff) || !errors.Is(err, ErrConflict) {
		t.Fatalf("got %v, want ErrLastStaff", err)
	}
	after, _ := d.Traces(ctx, clerk, "Carla")
	if len(after) != len(before) || len(before) == 0 {
		t.Errorf("got %d traces after a refused erasure, want the %d before", len(after), len(before))
	}
	if got, _ := d.Booking(ctx, b.Code); got.Status != Confirmed {
		t.Errorf("a refused erasure cancelled booking %s", b.Code)
	}
	if err := d.AddStaff(ctx, CommandLine, colleague, "Ugo"); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Erase(ctx, clerk); err != nil {
		t.Fatalf("with another staff member: %v", err)
	}
	if r, _ := d.Roles(ctx, clerk); r.Staff {
		t.Error("the erased clerk is still staff")
	}
}

func TestRedactWord(t *testing.T) {
	for _, c := range []struct{ in, name, want string }{
		{"Grazie Anna!", "Anna", "Grazie —!"},
		{"anna, ANNA e Annalisa", "Anna", "—, — e Annalisa"},
		{"Zoë scrive: ciao Zoë", "Zoë", "— scrive: ciao —"},
		{"İstanbul Ayşe", "Ayşe", "İstanbul —"},
		{"nessuno", "Anna", "nessuno"},
	} {
		if got := redactWord(c.in, c.name); got != c.want {
			t.Errorf("redactWord(%q, %q) = %q, want %q", c.in, c.name, got, c.want)
		}
	}
	p := &erased{id: 42, names: []string{"Anna"}}
	in := `{"user_id":42,"name":"Anna","note":"per Anna","count":42,"other_user_id":7}`
	got := redactJSON(in, p)
	want := `{"count":42,"name":"","note":"per Anna","other_user_id":7,"user_id":0}` // names as values go, words of a text stay
	if got != want {
		t.Errorf("redactJSON: got %s, want %s", got, want)
	}
	if same := `{"b": 1, "a": "x"}`; redactJSON(same, p) != same {
		t.Errorf("redactJSON changed a text that names nobody: %s", redactJSON(same, p))
	}
}

// TestPurgeBoundary: with a fixed clock, the purge anonymises exactly the
// bookings of days before the cutoff (twelve months back), forgets the
// locations and states older than their times and keeps the others; the
// figures count the same; a dry run reports the same numbers and changes
// nothing.
func TestPurgeBoundary(t *testing.T) {
	d := mustRoles(t)
	ctx := context.Background()
	now := time.Date(2027, 12, 15, 10, 0, 0, 0, Rome)
	cutoff := time.Date(2026, 12, 15, 0, 0, 0, 0, Rome)
	if got := BookingCutoff(now, 12); dayKey(got) != dayKey(cutoff) {
		t.Fatalf("cutoff %s, want %s", dayKey(got), dayKey(cutoff))
	}
	// Bookings on the day before the cutoff (anonymised) and on it (kept).
	setClock(d, time.Date(2026, 12, 10, 10, 0, 0, 0, Rome))
	old := mustBook(t, d, desks(citizen, "officina-brianza", cutoff.AddDate(0, 0, -1), Morning, 1))
	kept := mustBook(t, d, desks(citizen, "officina-brianza", cutoff, Morning, 1))
	mustBook(t, d, desks(other, "il-cortile", cutoff.AddDate(0, 0, -1), Morning, 4))
	if _, err := d.JoinWaitlist(ctx, desks(keeper, "il-cortile", cutoff.AddDate(0, 0, -1), Morning, 1)); err != nil {
		t.Fatal(err)
	}
	// Locations and states, just over and just under their times.
	for id, age := range map[int64]time.Duration{1: 3*time.Hour + time.Second, 2: 3*time.Hour - time.Second} {
		setClock(d, now.Add(-age))
		u, _ := d.User(ctx, id)
		u.Location, u.LocatedAt = &orb.Point{9.2, 45.6}, now.Add(-age)
		if err := d.SaveUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	for id, age := range map[int64]time.Duration{3: 24*time.Hour + time.Second, 4: 24*time.Hour - time.Second} {
		setClock(d, now.Add(-age))
		u, _ := d.User(ctx, id)
		u.State = `{"results":["il-cortile"]}`
		if err := d.SaveUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	setClock(d, now)
	before := [2]map[string]SpaceFigures{figures(t, d, cutoff.AddDate(0, 0, -1)), figures(t, d, cutoff)}

	dry, err := d.Purge(ctx, Retention{}, true)
	if err != nil {
		t.Fatal(err)
	}
	want := Purged{Locations: 1, States: 1, Bookings: 2, WaitEntries: 1} // the old desk and il-cortile's four
	if dry != want {
		t.Errorf("dry run: got %+v, want %+v", dry, want)
	}
	if b, _ := d.Booking(ctx, old.Code); b.UserID != citizen {
		t.Error("a dry run anonymised a booking")
	}
	got, err := d.Purge(ctx, Retention{}, false)
	if err != nil {
		t.Fatal(err)
	}
	if got != dry {
		t.Errorf("purge: got %+v, want what the dry run said, %+v", got, dry)
	}
	if b, _ := d.Booking(ctx, old.Code); b.UserID != 0 || !strings.HasPrefix(b.Key, "anon:") {
		t.Errorf("the booking of the day before the cutoff: got user %d key %q, want anonymised", b.UserID, b.Key)
	}
	if b, _ := d.Booking(ctx, kept.Code); b.UserID != citizen {
		t.Errorf("the booking of the cutoff day: got user %d, want %d kept", b.UserID, citizen)
	}
	for id, wantLoc := range map[int64]bool{1: false, 2: true} {
		if u, _ := d.User(ctx, id); (u.Location != nil) != wantLoc {
			t.Errorf("user %d: location %v, want kept %v", id, u.Location, wantLoc)
		}
	}
	for id, wantState := range map[int64]bool{3: false, 4: true} {
		if u, _ := d.User(ctx, id); (u.State != "{}") != wantState {
			t.Errorf("user %d: state %q, want kept %v", id, u.State, wantState)
		}
	}
	after := [2]map[string]SpaceFigures{figures(t, d, cutoff.AddDate(0, 0, -1)), figures(t, d, cutoff)}
	for i := range after {
		if !equalFigures(after[i], before[i]) {
			t.Errorf("figures of month %d: got %+v, want %+v", i, after[i], before[i])
		}
	}
	if again, _ := d.Purge(ctx, Retention{}, false); !again.Zero() {
		t.Errorf("a second purge: got %+v, want nothing left to do", again)
	}
	// A shorter period reaches further.
	if p, _ := d.Purge(ctx, Retention{BookingMonths: 1}, true); p.Bookings != 1 {
		t.Errorf("one month: got %+v, want the cutoff day's booking", p)
	}
}

// TestPurgeForgetsDeliveries: whom a finished announcement went to goes
// after the period, the counts stay.
func TestPurgeForgetsDeliveries(t *testing.T) {
	d := mustRoles(t)
	ctx := context.Background()
	mustSubscribers(t, d, 1, 5)
	an, err := d.Announce(ctx, Person(clerk), Draft{Topic: TopicNews, Content: text("uno")})
	if err != nil {
		t.Fatal(err)
	}
	drain(t, d, 10)
	setClock(d, dec2.Add(DefaultDeliveriesFor+time.Minute))
	if p, _ := d.Purge(ctx, Retention{}, true); p.Deliveries != 5 {
		t.Errorf("dry run: got %+v, want 5 deliveries", p)
	}
	if p, _ := d.Purge(ctx, Retention{}, false); p.Deliveries != 5 {
		t.Errorf("got %+v, want 5 deliveries", p)
	}
	if got, _ := d.Announcement(ctx, an.ID); got.Counts.Sent != 5 {
		t.Errorf("got %+v, want the counts kept", got.Counts)
	}
}

// TestStaffReadingIsRecorded: the staff reading a space's bookings or
// providers is in the audit log; its provider reading its own bookings is
// not.
func TestStaffReadingIsRecorded(t *testing.T) {
	d := mustRoles(t)
	ctx := context.Background()
	mustBook(t, d, desks(citizen, "officina-brianza", fri4, Morning, 1))
	reads := func(action string) int {
		return countRows(t, d, `SELECT count(*) FROM audit_log WHERE action = ?`, action)
	}
	if _, err := d.Agenda(ctx, Person(keeper), "officina-brianza", wed2, fri4); err != nil {
		t.Fatal(err)
	}
	if n := reads(ActionReadBooking); n != 0 {
		t.Errorf("the provider reading their agenda: got %d entries, want none", n)
	}
	entries, err := d.Agenda(ctx, Person(clerk), "officina-brianza", wed2, fri4)
	if err != nil || len(entries) != 1 {
		t.Fatalf("got %d entries, %v", len(entries), err)
	}
	if n := reads(ActionReadBooking); n != 1 {
		t.Errorf("the staff reading an agenda: got %d entries, want 1", n)
	}
	log, _ := d.Audit(ctx, time.Time{}, 1)
	if e := log[0]; e.Actor != Person(clerk) || e.Role != RoleStaff || e.SpaceID != "officina-brianza" || !strings.Contains(e.After, "2026-12-04") {
		t.Errorf("got %+v, want the clerk's reading of officina-brianza to Friday", e)
	}
	if _, err := d.ProviderDetails(ctx, Person(keeper), "officina-brianza"); !errors.Is(err, ErrForbidden) {
		t.Errorf("a provider reading provider details: got %v, want ErrForbidden", err)
	}
	u, _ := d.User(ctx, keeper)
	u.FirstName = "Gino"
	d.SaveUser(ctx, u)
	ps, err := d.ProviderDetails(ctx, Person(clerk), "officina-brianza")
	if err != nil || len(ps) != 1 || ps[0].UserID != keeper || ps[0].FirstName != "Gino" {
		t.Errorf("got %+v, %v, want Gino", ps, err)
	}
	if n := reads(ActionReadProvider); n != 1 {
		t.Errorf("the staff reading providers: got %d entries, want 1", n)
	}
}

// TestTwoErasedAtOneEvent: two people who came to the same event are
// erased one after the other; both past sign-ups stay, about no one.
func TestTwoErasedAtOneEvent(t *testing.T) {
	d := mustRoles(t)
	ctx := context.Background()
	setClock(d, time.Date(2026, 10, 7, 10, 0, 0, 0, Rome))
	dr := workshop()
	dr.Day = oct8
	e := mustPublish(t, d, Person(keeper), dr)[0]
	for _, u := range []int64{citizen, newcomer} {
		mustSignUp(t, d, signup(u, e.ID, 1))
	}
	setClock(d, dec2)
	for _, u := range []int64{citizen, newcomer} {
		if _, err := d.Erase(ctx, u); err != nil {
			t.Fatalf("erasing %d: %v", u, err)
		}
	}
	if ev := mustEvent(t, d, e.ID); ev.Taken != 2 {
		t.Errorf("got %d people at the event, want the 2 who came", ev.Taken)
	}
	if n := countRows(t, d, `SELECT count(*) FROM signups WHERE user_id = 0 AND status = 'confirmed'`); n != 2 {
		t.Errorf("got %d anonymous sign-ups, want 2", n)
	}
}

// TestRowReadBeforeErasure: a user's row read before their erasure (the
// Telegram edge stores a batch's rows after the batch) saves nothing once
// they are erased: they do not come back.
func TestRowReadBeforeErasure(t *testing.T) {
	d := mustRoles(t)
	ctx := context.Background()
	u, err := d.User(ctx, citizen)
	if err != nil {
		t.Fatal(err)
	}
	u.FirstName = "Zoe"
	if err := d.SaveUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	before, err := d.User(ctx, citizen)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Erase(ctx, citizen); err != nil {
		t.Fatal(err)
	}
	before.State = `{"search":{"text":"dopo"}}`
	if err := d.Keep(ctx, Bookkeeping{Source: "telegram", Users: []User{before}}); err != nil {
		t.Fatal(err)
	}
	if n := countRows(t, d, `SELECT count(*) FROM users WHERE id = ?`, citizen); n != 0 {
		t.Errorf("got %d rows for the erased person, want none", n)
	}
	// A new person with the same id (a later first message) is stored.
	fresh, _ := d.User(ctx, citizen)
	fresh.FirstName = "Zoe"
	if err := d.SaveUser(ctx, fresh); err != nil {
		t.Fatal(err)
	}
	if n := countRows(t, d, `SELECT count(*) FROM users WHERE id = ?`, citizen); n != 1 {
		t.Errorf("got %d rows for the new person, want 1", n)
	}
}

// TestErasureLeavesNoBytesInTheFiles: after an erasure, Zebedea's name is
// in neither the database file nor its log, not even in free space or in an
// old page (secure_delete, and the log checkpointed and emptied at once).
func TestErasureLeavesNoBytesInTheFiles(t *testing.T) {
	d, _ := zebedeaEverywhere(t)
	ctx := context.Background()
	if _, err := d.Erase(ctx, zeb); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{d.Path(), d.Path() + "-wal"} {
		b, err := os.ReadFile(name)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range []string{zebName, zebStaffName} {
			if n := bytes.Count(b, []byte(s)); n > 0 {
				t.Errorf("%s holds %q %d times after the erasure", filepath.Base(name), s, n)
			}
		}
	}
}
