package bot

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/comune-seregno/coworkbot/registry"
)

// Tests written in review: each shows a bug (it fails until the bug is
// fixed). See the review's report for the cause and the fix of each.

// reviewDay is a day of December 2026 in Rome; mustDemoDB's clock is
// Wednesday the 2nd at 10:00.
func reviewDay(d int) time.Time { return time.Date(2026, 12, d, 0, 0, 0, 0, registry.Rome) }

// reviewBot is the demo registry with gino providing Officina Brianza, carla
// on the staff, and a bot over them.
func reviewBot(t *testing.T) (*registry.DB, *Bot, *chatter) {
	t.Helper()
	db := mustDemoDB(t)
	ctx := context.Background()
	if err := db.AddProvider(ctx, registry.CommandLine, "officina-brianza", reviewGino); err != nil {
		t.Fatal(err)
	}
	if err := db.AddStaff(ctx, registry.CommandLine, reviewCarla, "Carla"); err != nil {
		t.Fatal(err)
	}
	b, err := New(Config{DB: db, Log: quiet})
	if err != nil {
		t.Fatal(err)
	}
	return db, b, newChatter(t, b)
}

const reviewGino, reviewCarla, reviewAnna, reviewJohn = 200, 100, 300, 500

// reviewEvent publishes a workshop at Officina Brianza on Thursday the 10th,
// 18:00–20:00, with seats.
func reviewEvent(t *testing.T, db *registry.DB, seats int) registry.Event {
	t.Helper()
	es, err := db.PublishEvent(context.Background(), registry.CommandLine, registry.EventDraft{SpaceID: "officina-brianza",
		Title: "Workshop di fatturazione", Lang: "it", Day: reviewDay(10), From: 18 * 60, To: 20 * 60, Seats: seats})
	if err != nil {
		t.Fatal(err)
	}
	return es[0]
}

// TestReviewEventCancelAnsweredNo: the provider presses "Annulla l'evento",
// is asked for a reason, and answers "no": the event must stay published.
// Today any text at all is taken as the reason and the event is cancelled,
// its sign-ups with it.
func TestReviewEventCancelAnsweredNo(t *testing.T) {
	db, b, c := reviewBot(t)
	ctx := context.Background()
	e := reviewEvent(t, db, 10)
	if _, err := db.SignUp(ctx, registry.SignupRequest{Key: "k", UserID: reviewAnna, EventID: e.ID, People: 1}); err != nil {
		t.Fatal(err)
	}
	c.record(reviewGino, b.Handle(ctx, Incoming{UserID: reviewGino, ClientLang: "it", Callback: data(kEvent, idArg(e.ID))}))
	c.press(reviewGino, "it", "Annulla l'evento")
	c.say(reviewGino, "it", "no")
	if got, _ := db.Event(ctx, e.ID); got.Status != registry.EventPublished {
		t.Errorf(`after "no": event is %s with reason %q, want it still published`, got.Status, got.CancelReason)
	}
	if len(c.sent[reviewAnna]) > 0 {
		t.Errorf("Anna was told %q, want nothing", c.sent[reviewAnna][0].Text)
	}
}

// TestReviewEventCancelHijacked: the provider presses "Annulla l'evento",
// changes their mind and goes on using the bot (a command, then a
// question): the question must not cancel the event.
func TestReviewEventCancelHijacked(t *testing.T) {
	db, b, c := reviewBot(t)
	ctx := context.Background()
	e := reviewEvent(t, db, 10)
	c.record(reviewGino, b.Handle(ctx, Incoming{UserID: reviewGino, ClientLang: "it", Callback: data(kEvent, idArg(e.ID))}))
	c.press(reviewGino, "it", "Annulla l'evento")
	c.say(reviewGino, "it", "/eventi")
	c.say(reviewGino, "it", "cosa c'è giovedì sera?")
	if got, _ := db.Event(ctx, e.ID); got.Status != registry.EventPublished {
		t.Errorf("event is %s with reason %q, want it still published", got.Status, got.CancelReason)
	}
}

// TestReviewDescriptionHijacked: a provider opens the description, then
// uses a command and asks something: the question must not become the
// space's description (it goes live at once, unreviewed).
func TestReviewDescriptionHijacked(t *testing.T) {
	db, _, c := reviewBot(t)
	ctx := context.Background()
	before, _ := db.Space(ctx, "officina-brianza")
	c.say(reviewGino, "it", "/miospazio")
	c.press(reviewGino, "it", "Descrizione")
	c.say(reviewGino, "it", "/eventi")
	c.say(reviewGino, "it", "cosa c'è giovedì sera?")
	if after, _ := db.Space(ctx, "officina-brianza"); after.Description["it"] != before.Description["it"] {
		t.Errorf("description became %q, want %q kept", after.Description["it"], before.Description["it"])
	}
}

// TestReviewSuspendHijacked: a staff member presses Suspend, changes their
// mind and searches: the search must not suspend the space (and cancel
// its bookings).
func TestReviewSuspendHijacked(t *testing.T) {
	db, b, c := reviewBot(t)
	ctx := context.Background()
	c.record(reviewCarla, b.Handle(ctx, Incoming{UserID: reviewCarla, ClientLang: "it", Callback: data(kStaffSpace, "il-cortile")}))
	c.press(reviewCarla, "it", "Sospendi")
	c.say(reviewCarla, "it", "/cerca")
	c.say(reviewCarla, "it", "coworking a Desio con fibra")
	if sp, _ := db.Space(ctx, "il-cortile"); sp.Status != registry.Approved {
		t.Errorf("il-cortile is %s, want it still approved", sp.Status)
	}
}

// TestReviewEventFormAnnulla: "annulla" while writing an event drops the
// form, as it drops a booking; today it becomes the event's title.
func TestReviewEventFormAnnulla(t *testing.T) {
	_, _, c := reviewBot(t)
	c.say(reviewGino, "it", "/nuovoevento")
	r := c.say(reviewGino, "it", "annulla")
	if strings.Contains(text(r), "Quando?") {
		t.Errorf(`"annulla" was taken as the title: got %q`, text(r))
	}
	// And the next message is not an answer to the form either.
	if r = c.say(reviewGino, "it", "eventi questa settimana"); strings.Contains(text(r), "Mi servono il giorno") {
		t.Errorf("the form still takes messages after annulla: got %q", text(r))
	}
}

// TestReviewClosureOffersAnotherDay: a booking cancelled by a closure
// comes with "Prenota un altro giorno" (the space stays listed); the
// button is never built.
func TestReviewClosureOffersAnotherDay(t *testing.T) {
	db, _, c := reviewBot(t)
	ctx := context.Background()
	if _, err := db.Book(ctx, registry.BookingRequest{Key: "review-closure", UserID: reviewAnna, SpaceID: "officina-brianza",
		Day: reviewDay(4), Slot: registry.Morning, Desks: 1}); err != nil {
		t.Fatal(err)
	}
	c.say(reviewAnna, "it", "/start")
	c.say(reviewGino, "it", "/chiusura venerdì per lavori")
	got := c.sent[reviewAnna]
	if len(got) != 1 {
		t.Fatalf("Anna was told %+v, want one message", got)
	}
	found := false
	for _, row := range got[0].Buttons {
		for _, bt := range row {
			if strings.Contains(bt.Label, "altro giorno") && strings.HasPrefix(bt.Data, string(kBook)+sep) {
				found = true
			}
		}
	}
	if !found {
		t.Errorf("got buttons %+v, want %q", got[0].Buttons, "Prenota un altro giorno")
	}
}

// TestReviewAnnounceOnNewLine: staff write the command, then the text on the
// next line, as one does on a phone; the bot does not know the command.
func TestReviewAnnounceOnNewLine(t *testing.T) {
	_, _, c := reviewBot(t)
	r := c.say(reviewCarla, "it", "/annuncio\nDa lunedì apre il nuovo spazio in biblioteca.")
	if !strings.Contains(text(r), "Ecco l'avviso") {
		t.Errorf("got %q, want the preview", text(r))
	}
}

// TestReviewWaitlistNotToldSignupCancelled: when an event is cancelled, the
// people waiting for a seat are told "La tua iscrizione è annullata", but
// they had no sign-up.
func TestReviewWaitlistNotToldSignupCancelled(t *testing.T) {
	db, b, c := reviewBot(t)
	ctx := context.Background()
	e := reviewEvent(t, db, 1)
	if _, err := db.SignUp(ctx, registry.SignupRequest{Key: "k", UserID: reviewAnna, EventID: e.ID, People: 1}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.JoinEventWaitlist(ctx, reviewJohn, e.ID, 1); err != nil {
		t.Fatal(err)
	}
	c.say(reviewJohn, "en", "/start")
	c.record(reviewGino, b.Handle(ctx, Incoming{UserID: reviewGino, ClientLang: "it", Callback: data(kEvent, idArg(e.ID))}))
	c.press(reviewGino, "it", "Annulla l'evento")
	c.say(reviewGino, "it", "il relatore è malato")
	c.press(reviewGino, "it", "Sì, annulla l'evento")
	got := c.sent[reviewJohn]
	if len(got) != 1 {
		t.Fatalf("John was told %+v, want one message", got)
	}
	if strings.Contains(got[0].Text, "sign-up is cancelled") {
		t.Errorf("John, who was only waiting, was told %q", got[0].Text)
	}
}

// TestReviewSuspensionTellsSignedUp: suspending a space tells the people with
// upcoming bookings there; those signed up for its events are told nothing,
// their sign-ups stay confirmed in /prenotazioni, and they get no reminder.
func TestReviewSuspensionTellsSignedUp(t *testing.T) {
	db, _, c := reviewBot(t)
	ctx := context.Background()
	e := reviewEvent(t, db, 10)
	if _, err := db.SignUp(ctx, registry.SignupRequest{Key: "k", UserID: reviewAnna, EventID: e.ID, People: 1}); err != nil {
		t.Fatal(err)
	}
	c.say(reviewAnna, "it", "/start")
	c.say(reviewCarla, "it", "/sospendi officina-brianza lavori")
	if sp, _ := db.Space(ctx, "officina-brianza"); sp.Status != registry.Suspended {
		t.Fatalf("got %s, want suspended", sp.Status)
	}
	if len(c.sent[reviewAnna]) == 0 {
		t.Errorf("Anna, signed up for an event there, was told nothing")
	}
}

// TestReviewClosureNoteDoesNotPanic: the reason of a closure is cut from the
// text at an index found in its lower-case copy; "Ⱥ" (2 bytes) lowers to
// "ⱥ" (3 bytes), so the index runs past the end of the text and the
// handler panics.
func TestReviewClosureNoteDoesNotPanic(t *testing.T) {
	db, b, _ := reviewBot(t)
	ctx := context.Background()
	var r Response
	func() {
		defer func() {
			if p := recover(); p != nil {
				t.Errorf("a closure with Ⱥ in its words: panic %v", p)
			}
		}()
		r = b.Handle(ctx, Incoming{UserID: reviewGino, ClientLang: "it", Text: "/chiusura ȺȺȺȺȺȺȺȺȺȺȺȺ domani per ferie"})
	}()
	cs, err := db.Closures(ctx, "officina-brianza", reviewDay(2))
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 1 {
		t.Errorf("got %d closures (reply %q), want tomorrow closed", len(cs), text(r))
	}
}

// TestReviewAddStaffWithoutName: /aggiungistaff takes the name as optional,
// and without one the confirmation starts with an empty placeholder:
// " (777) fa ora parte del personale".
func TestReviewAddStaffWithoutName(t *testing.T) {
	db, _, c := reviewBot(t)
	r := c.say(reviewCarla, "it", "/aggiungistaff 777")
	if roles, err := db.Roles(context.Background(), 777); err != nil || !roles.Staff {
		t.Fatalf("777 is not staff (%v): got %q", err, text(r))
	}
	if got := strings.TrimSpace(text(r)); strings.HasPrefix(got, "(") {
		t.Errorf("got %q, want the person named (or the sentence written without a name)", got)
	}
}

// TestReviewUnsignTwice: the cancel button of a sign-up is in several
// messages (the list, the reminder, a change notice); pressed again after
// the sign-up is gone it says "✖ Annullate 0 iscrizioni." and edits the
// message as if it had done something.
func TestReviewUnsignTwice(t *testing.T) {
	db, b, c := reviewBot(t)
	ctx := context.Background()
	e := reviewEvent(t, db, 10)
	ss, err := db.SignUp(ctx, registry.SignupRequest{Key: "k", UserID: reviewAnna, EventID: e.ID, People: 1})
	if err != nil {
		t.Fatal(err)
	}
	unsign := Incoming{UserID: reviewAnna, ClientLang: "it", Callback: data(kEvUnsign, idArg(ss[0].ID))}
	if r := b.Handle(ctx, unsign); !strings.Contains(text(r), "Iscrizione annullata") {
		t.Fatalf("first press: got %q", text(r))
	}
	if r := c.record(reviewAnna, b.Handle(ctx, unsign)); strings.Contains(text(r), "0 iscrizioni") {
		t.Errorf("second press: got %q, want it told the sign-up was cancelled already", text(r))
	}
}

// TestReviewEventLanguageForged: the form's language button carries any
// slug; a forged "fr" is published, and every card then shows the message
// id "language.fr" for its language.
func TestReviewEventLanguageForged(t *testing.T) {
	db, _, c := reviewBot(t)
	ctx := context.Background()
	c.say(reviewGino, "it", "nuovo evento: workshop sulla fatturazione elettronica, giovedì 10 dicembre dalle 18 alle 20, 20 posti, gratuito")
	c.press(reviewGino, "it", "Una volta sola")
	c.press(reviewGino, "it", "Nessuna sala")
	r := c.b.Handle(ctx, Incoming{UserID: reviewGino, ClientLang: "it", Callback: data(kEvForm, evLang, "fr")})
	if !strings.Contains(r.Notice, "non è più valido") {
		t.Errorf("a forged language: got %+v, want the button refused", r)
	}
	c.press(reviewGino, "it", "Italiano") // the question is still there
	c.press(reviewGino, "it", "Salta")
	r = c.press(reviewGino, "it", "Pubblica")
	es, err := db.Events(ctx, registry.EventQuery{})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		if e.Lang != "it" && e.Lang != "en" {
			t.Errorf("published in %q (reply %q), want only a language the bot has words for", e.Lang, text(r))
		}
	}
}

// TestReviewSuspendTwice: a second Suspend (a double press, or the command
// typed again) changes nothing in the registry, but the space's providers
// are told again that it was suspended.
func TestReviewSuspendTwice(t *testing.T) {
	db, _, c := reviewBot(t)
	c.say(reviewGino, "it", "/start")
	c.say(reviewCarla, "it", "/sospendi officina-brianza lavori")
	c.say(reviewCarla, "it", "/sospendi officina-brianza lavori")
	if sp, _ := db.Space(context.Background(), "officina-brianza"); sp.Status != registry.Suspended {
		t.Fatalf("got %s, want suspended", sp.Status)
	}
	if got := c.sent[reviewGino]; len(got) != 1 {
		t.Errorf("Gino was told %d times, want once: %+v", len(got), got)
	}
}

// TestReviewSuspensionNoticeWords: the suspension's notice to the provider
// and to the staff reuses the closure's count, "N prenotazioni di quei
// giorni sono state annullate", also when there were none: a suspension has
// no "those days", and "0 prenotazioni … le persone sono state avvisate"
// tells of people who do not exist.
func TestReviewSuspensionNoticeWords(t *testing.T) {
	_, _, c := reviewBot(t)
	c.say(reviewGino, "it", "/start")
	r := c.say(reviewCarla, "it", "/sospendi officina-brianza lavori")
	got := c.sent[reviewGino]
	if len(got) != 1 {
		t.Fatalf("Gino was told %+v, want one message", got)
	}
	for who, msg := range map[string]string{"the provider": got[0].Text, "the staff": text(r)} {
		if strings.Contains(msg, "di quei giorni") || strings.Contains(msg, "0 prenotazioni") {
			t.Errorf("%s was told %q", who, msg)
		}
	}
}
