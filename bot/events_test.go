package bot

import (
	"context"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/comune-seregno/coworkbot/registry"
)

// chatter plays people through the core, as the edges do, pressing buttons
// by their label.
type chatter struct {
	t    *testing.T
	b    *Bot
	last map[int64]Response
	sent map[int64][]Reply // messages for others, by person
}

// chatOn is a chat with a bot on db.
func chatOn(t *testing.T, db *registry.DB) *chatter {
	t.Helper()
	b, err := New(Config{DB: db, Log: quiet})
	if err != nil {
		t.Fatal(err)
	}
	return newChatter(t, b)
}

func newChatter(t *testing.T, b *Bot) *chatter {
	return &chatter{t: t, b: b, last: map[int64]Response{}, sent: map[int64][]Reply{}}
}

func (c *chatter) record(user int64, r Response) Response {
	c.last[user] = r
	for _, o := range r.Others {
		c.sent[o.UserID] = append(c.sent[o.UserID], o.Reply)
	}
	return r
}

func (c *chatter) say(user int64, lang, text string) Response {
	return c.record(user, c.b.Handle(context.Background(), Incoming{UserID: user, FirstName: "P" + idArg(user), ClientLang: lang, Text: text, HTML: esc(text)}))
}

func (c *chatter) press(user int64, lang, label string) Response {
	c.t.Helper()
	for i := len(c.last[user].Replies) - 1; i >= 0; i-- {
		for _, row := range c.last[user].Replies[i].Buttons {
			for _, bt := range row {
				if strings.Contains(bt.Label, label) {
					return c.record(user, c.b.Handle(context.Background(), Incoming{UserID: user, ClientLang: lang, Callback: bt.Data}))
				}
			}
		}
	}
	c.t.Fatalf("user %d: no button %q in %+v", user, label, c.last[user])
	return Response{}
}

func text(r Response) string {
	var b strings.Builder
	for _, x := range r.Replies {
		b.WriteString(x.Text + "\n")
	}
	return b.String() + r.Notice
}

// TestEventsEndToEnd: a provider publishes a workshop in one message; a
// subscriber of events is told; a citizen asks "eventi giovedì", signs up
// for two, sees it in their bookings and gets the reminder; the provider's
// agenda lists them; cancelling the event tells them, with an apology.
func TestEventsEndToEnd(t *testing.T) {
	db := mustDemoDB(t)
	ctx := context.Background()
	const gino, anna, bruno = 200, 300, 400
	if err := db.AddProvider(ctx, registry.CommandLine, "officina-brianza", gino); err != nil {
		t.Fatal(err)
	}
	b, err := New(Config{DB: db, Log: quiet})
	if err != nil {
		t.Fatal(err)
	}
	c := newChatter(t, b)
	c.say(bruno, "en", "/news") // Bruno follows every topic

	// A citizen cannot publish.
	if r := c.say(anna, "it", "/nuovoevento"); !strings.Contains(text(r), "riservata") {
		t.Errorf("a citizen publishing: got %q", text(r))
	}
	// One message says everything but the room, the language and the description.
	r := c.say(gino, "it", "nuovo evento: workshop sulla fatturazione elettronica, giovedì 10 dicembre dalle 18 alle 20, 20 posti, gratuito")
	if !strings.Contains(text(r), "si ripete") {
		t.Fatalf("got %q, want to be asked whether it repeats", text(r))
	}
	c.press(gino, "it", "Una volta sola")
	c.press(gino, "it", "Nessuna sala")
	c.press(gino, "it", "Italiano")
	r = c.say(gino, "it", "Come emettere e ricevere fatture elettroniche, con esempi.")
	if !strings.Contains(text(r), "Workshop sulla fatturazione elettronica") || !strings.Contains(text(r), "giovedì 10 dicembre, 18:00–20:00") || !strings.Contains(text(r), "20 posti liberi · gratis") {
		t.Fatalf("got %q, want the summary", text(r))
	}
	c.press(gino, "it", "Pubblica")
	es, err := db.Events(ctx, registry.EventQuery{})
	if err != nil || len(es) != 1 || es[0].Seats != 20 || !es[0].Free() {
		t.Fatalf("published %+v, %v", es, err)
	}
	// Bruno, subscribed to events, is told (through the outbox).
	var told []Reply
	if _, err := b.Broadcast(ctx, 10, time.Minute, func(_ context.Context, user int64, r Reply) (int64, error) {
		if user == bruno {
			told = append(told, r)
		}
		return 1, nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(told) != 1 || !strings.Contains(told[0].Text, "New event") || !strings.Contains(told[0].Text, "fatturazione") {
		t.Errorf("Bruno was told %+v, want the new event in English", told)
	}

	// Anna asks for Thursday's events (the 10th), signs up for two.
	r = c.say(anna, "it", "eventi giovedì 10 dicembre")
	if !strings.Contains(text(r), "Workshop sulla fatturazione elettronica") {
		t.Fatalf("got %q, want the workshop listed", text(r))
	}
	c.press(anna, "it", "1 · Workshop")
	c.press(anna, "it", "Iscriviti")
	r = c.press(anna, "it", "2")
	if !strings.Contains(text(r), "Iscrizione fatta!") || !strings.Contains(text(r), "2 persone") {
		t.Fatalf("got %q, want Anna signed up for two", text(r))
	}
	if e, _ := db.Event(ctx, es[0].ID); e.Left != 18 {
		t.Errorf("got %d seats left, want 18", e.Left)
	}
	// Pressing the same button again signs up once.
	c.b.Handle(ctx, Incoming{UserID: anna, ClientLang: "it", Callback: data(kEvPeople, idArg(es[0].ID), "2")})
	if e, _ := db.Event(ctx, es[0].ID); e.Left != 18 {
		t.Errorf("a second press: got %d seats left, want 18", e.Left)
	}
	if r = c.say(anna, "it", "/prenotazioni"); !strings.Contains(text(r), "Le tue iscrizioni: 1 evento") {
		t.Errorf("got %q, want the sign-up among Anna's bookings", text(r))
	}
	// The provider's agenda shows it, with Anna's first name and her two
	// places, in the week it falls in.
	if r = c.say(gino, "it", "/agenda"); strings.Contains(text(r), "fatturazione") {
		t.Errorf("got %q, want this week without next week's workshop", text(r))
	}
	if r = c.press(gino, "it", "Giorni dopo"); !strings.Contains(text(r), "fatturazione elettronica: 2 persone") || !strings.Contains(text(r), "P300 (2)") {
		t.Errorf("got %q, want the workshop with Anna's two places", text(r))
	}
	// The reminder, three hours before an evening event.
	db.Now = func() time.Time { return time.Date(2026, 12, 10, 15, 30, 0, 0, registry.Rome) }
	var reminders []Outgoing
	if err := b.Tick(ctx, func(_ context.Context, o Outgoing) error { reminders = append(reminders, o); return nil }); err != nil {
		t.Fatal(err)
	}
	var annas []Outgoing
	for _, o := range reminders {
		if o.UserID == anna {
			annas = append(annas, o)
		}
	}
	if len(annas) != 1 || !strings.Contains(annas[0].Reply.Text, "Promemoria") {
		t.Errorf("got %+v, want one reminder for Anna", reminders)
	}
	db.Now = func() time.Time { return understandNow }
	// Gino cancels the event: Anna is told, with an apology.
	c.say(gino, "it", "eventi")
	c.press(gino, "it", "1 · Workshop")
	c.press(gino, "it", "Annulla l'evento")
	r = c.say(gino, "it", "il relatore è malato")
	if !strings.Contains(text(r), "2 posti sono già presi") || len(c.sent[anna]) != 0 {
		t.Fatalf("got %q, want to be asked to confirm, with the places taken", text(r))
	}
	r = c.press(gino, "it", "Sì, annulla l'evento")
	if !strings.Contains(text(r), "Evento annullato") {
		t.Fatalf("got %q, want the event cancelled", text(r))
	}
	if got := c.sent[anna]; len(got) == 0 || !strings.Contains(got[len(got)-1].Text, "Ci dispiace") || !strings.Contains(got[len(got)-1].Text, "il relatore è malato") {
		t.Errorf("Anna was told %+v, want the apology with the reason", got)
	}
}

// TestEventQuestionsInBothLanguages: the ways citizens ask for events.
func TestEventQuestionsInBothLanguages(t *testing.T) {
	db := mustDemoDB(t)
	ctx := context.Background()
	day := func(d int) time.Time { return time.Date(2026, 12, d, 0, 0, 0, 0, registry.Rome) }
	for _, dr := range []registry.EventDraft{
		{SpaceID: "officina-brianza", Title: "Workshop di marketing", Lang: "it", Day: day(3), From: 18 * 60, To: 20 * 60, Seats: 10},
		{SpaceID: "desio-works", Title: "English conversation club", Lang: "en", Day: day(4), From: 10 * 60, To: 11 * 60, Seats: 8, PriceCents: 500},
		{SpaceID: "torre-civica", Title: "Corso di Excel", Lang: "it", Day: day(9), From: 14 * 60, To: 16 * 60, Meetings: 4, Seats: 12, PriceCents: 4000},
	} {
		if _, err := db.PublishEvent(ctx, registry.CommandLine, dr); err != nil {
			t.Fatal(err)
		}
	}
	b, err := New(Config{DB: db, Log: quiet})
	if err != nil {
		t.Fatal(err)
	}
	c := newChatter(t, b)
	for _, q := range []struct {
		lang, text  string
		want, avoid []string
	}{
		{"it", "eventi questa settimana", []string{"Workshop di marketing", "English conversation club"}, []string{"Corso di Excel"}},
		{"it", "workshop gratuiti", []string{"Workshop di marketing"}, []string{"English conversation"}},
		{"it", "cosa c'è giovedì sera?", []string{"Workshop di marketing"}, []string{"English", "Excel"}},
		{"it", "corsi a Seregno", []string{"Corso di Excel", "Workshop di marketing"}, []string{"English"}},
		{"en", "events in English", []string{"English conversation club"}, []string{"marketing", "Excel"}},
		{"en", "/events", []string{"Workshop di marketing", "English conversation club", "Corso di Excel"}, nil},
	} {
		r := c.say(1, q.lang, q.text)
		got := text(r)
		for _, w := range q.want {
			if !strings.Contains(got, w) {
				t.Errorf("%q: got %q, want %q", q.text, got, w)
			}
		}
		for _, a := range q.avoid {
			if strings.Contains(got, a) {
				t.Errorf("%q: got %q, want no %q", q.text, got, a)
			}
		}
	}
}

// TestPublishingDialogue: /nuovoevento step by step, with a date that does
// not exist, a time already passed and more seats than the room holds, each
// asked again; nothing is published until Publish; an edit of the time
// tells the people signed up, in their language.
func TestPublishingDialogue(t *testing.T) {
	db := mustDemoDB(t)
	ctx := context.Background()
	const gino, anna, john = 200, 300, 500
	if err := db.AddProvider(ctx, registry.CommandLine, "officina-brianza", gino); err != nil {
		t.Fatal(err)
	}
	b, err := New(Config{DB: db, Log: quiet})
	if err != nil {
		t.Fatal(err)
	}
	c := newChatter(t, b)
	step := func(msg, want string) {
		t.Helper()
		if r := c.say(gino, "it", msg); !strings.Contains(text(r), want) {
			t.Fatalf("after %q: got %q, want %q", msg, text(r), want)
		}
	}
	step("/nuovoevento", "Come si intitola")
	step("Corso di Excel", "Quando?")
	step("31 febbraio dalle 10 alle 12", "Mi servono il giorno e gli orari")
	step("oggi dalle 8 alle 9", "è già passato")
	step("martedì 15 dicembre", "Mi servono il giorno e gli orari")
	step("dalle 18 alle 20", "si ripete")
	c.press(gino, "it", "4 incontri")
	c.press(gino, "it", "Sala Volta")
	step("30", "Quanto costa")
	step("40 euro", "In quale lingua")
	c.press(gino, "it", "Italiano")
	step("-", "come lo vedranno i cittadini")
	if es, _ := db.Events(ctx, registry.EventQuery{}); len(es) != 0 {
		t.Fatalf("published before Publish: %+v", es)
	}
	// The room holds 8: the registry says so, and seats are asked again.
	if r := c.press(gino, "it", "Pubblica"); !strings.Contains(text(r), "8") || !strings.Contains(text(r), "Quanti posti") {
		t.Fatalf("got %q, want the room's limit and the seats asked again", text(r))
	}
	step("8", "come lo vedranno i cittadini")
	if r := c.press(gino, "it", "Pubblica"); !strings.Contains(text(r), "4 incontri") {
		t.Fatalf("got %q, want the course of 4 published", text(r))
	}
	es, err := db.Events(ctx, registry.EventQuery{})
	if err != nil || len(es) != 4 || es[0].Seats != 8 || es[0].PriceCents != 4000 || es[0].RoomID != "volta" || es[0].From != 18*60 {
		t.Fatalf("published %+v, %v", es, err)
	}
	first := es[0]

	// Anna (Italian) and John (English) sign up for the first meeting.
	for _, p := range []struct {
		user       int64
		lang, sign string
	}{{anna, "it", "Iscriviti"}, {john, "en", "Sign up"}} {
		c.b.Handle(ctx, Incoming{UserID: p.user, ClientLang: p.lang, Text: "/start"})
		c.record(p.user, c.b.Handle(ctx, Incoming{UserID: p.user, ClientLang: p.lang, Callback: data(kEvent, idArg(first.ID))}))
		c.press(p.user, p.lang, p.sign)
		if r := c.press(p.user, p.lang, "1"); !strings.Contains(text(r), "✅") {
			t.Fatalf("user %d: got %q, want signed up", p.user, text(r))
		}
	}
	// Gino moves the first meeting an hour earlier: both are told.
	c.record(gino, c.b.Handle(ctx, Incoming{UserID: gino, ClientLang: "it", Callback: data(kEvent, idArg(first.ID))}))
	c.press(gino, "it", "Modifica")
	c.press(gino, "it", "Giorno e orario")
	step("martedì 15 dicembre dalle 17 alle 19", "come lo vedranno i cittadini")
	if r := c.press(gino, "it", "Salva"); !strings.Contains(text(r), "le 2 persone iscritte") {
		t.Fatalf("got %q, want both told", text(r))
	}
	if e, _ := db.Event(ctx, first.ID); e.From != 17*60 || e.Left != 6 {
		t.Errorf("got %+v, want 17:00 with the two sign-ups kept", e)
	}
	if got := c.sent[anna]; len(got) != 1 || !strings.Contains(got[0].Text, "è cambiato") || !strings.Contains(got[0].Text, "17:00") {
		t.Errorf("Anna was told %+v, want the change in Italian", got)
	}
	if got := c.sent[john]; len(got) != 1 || !strings.Contains(got[0].Text, "changed") || !strings.Contains(got[0].Text, "17:00") {
		t.Errorf("John was told %+v, want the change in English", got)
	}
	// Someone else's provider or a citizen may not edit it, through a
	// button they should not have.
	r := c.b.Handle(ctx, Incoming{UserID: anna, ClientLang: "it", Callback: data(kEvEdit, idArg(first.ID), "cancel")})
	if !strings.Contains(text(r), "riservat") {
		t.Errorf("a citizen cancelling: got %q, want a refusal", text(r))
	}
	if e, _ := db.Event(ctx, first.ID); e.Status != registry.EventPublished {
		t.Errorf("got %v, want it still published", e.Status)
	}
}

// TestManySignupsFitOneMessage: a whole course of twelve meetings in
// /prenotazioni lists the soonest ten, each with its cancel button, and
// says how many more follow; the strict fake's limits are checked too.
func TestManySignupsFitOneMessage(t *testing.T) {
	db := mustDemoDB(t)
	ctx := context.Background()
	es, err := db.PublishEvent(ctx, registry.CommandLine, registry.EventDraft{SpaceID: "torre-civica", Title: "Corso di Excel, dal primo foglio alle tabelle pivot",
		Lang: "it", Day: time.Date(2026, 12, 9, 0, 0, 0, 0, registry.Rome), From: 14 * 60, To: 16 * 60, Meetings: 12, Seats: 12})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.SignUp(ctx, registry.SignupRequest{Key: "k", UserID: 300, EventID: es[0].ID, People: 1, Series: true}); err != nil {
		t.Fatal(err)
	}
	b, err := New(Config{DB: db, Log: quiet})
	if err != nil {
		t.Fatal(err)
	}
	r := b.Handle(ctx, Incoming{UserID: 300, ClientLang: "it", Text: "/prenotazioni"})
	var list *Reply
	for i := range r.Replies {
		if strings.Contains(r.Replies[i].Text, "Le tue iscrizioni: 12 eventi") {
			list = &r.Replies[i]
		}
	}
	if list == nil {
		t.Fatalf("got %q, want the twelve sign-ups", text(r))
	}
	if n := len(list.Buttons); n != 10 || !strings.Contains(list.Text, "…e altre 2 iscrizioni più avanti.") {
		t.Errorf("got %d buttons and %q, want the soonest ten and 2 more", n, list.Text)
	}
	if n := len(utf16.Encode([]rune(list.Text))); n > 4096 {
		t.Errorf("the list is %d UTF-16 units long, more than Telegram's 4096", n)
	}
}

// TestErasureCancelsSignups: /cancellami says a sign-up will be cancelled,
// and after yes the seat is free for the one waiting, who is offered it.
func TestErasureCancelsSignups(t *testing.T) {
	db := mustDemoDB(t)
	ctx := context.Background()
	es, err := db.PublishEvent(ctx, registry.CommandLine, registry.EventDraft{SpaceID: "torre-civica", Title: "Corso di Excel",
		Lang: "it", Day: time.Date(2026, 12, 9, 0, 0, 0, 0, registry.Rome), From: 14 * 60, To: 16 * 60, Seats: 1})
	if err != nil {
		t.Fatal(err)
	}
	const anna, bruno = 300, 400
	if _, err := db.SignUp(ctx, registry.SignupRequest{Key: "k", UserID: anna, EventID: es[0].ID, People: 1}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.JoinEventWaitlist(ctx, bruno, es[0].ID, 1); err != nil {
		t.Fatal(err)
	}
	c := chatOn(t, db)
	c.say(bruno, "it", "/start")
	if r := c.say(anna, "it", "/cancellami"); !strings.Contains(text(r), "la tua iscrizione a un evento in programma sarà annullata") {
		t.Fatalf("got %q, want the sign-up named", text(r))
	}
	if r := c.press(anna, "it", "Sì, cancella tutto"); !strings.Contains(text(r), "La tua iscrizione a un evento in programma è annullata") {
		t.Errorf("got %q, want the sign-up cancelled", text(r))
	}
	if got := c.sent[bruno]; len(got) != 1 || !strings.Contains(got[0].Text, "Si è liberato un posto") {
		t.Errorf("Bruno was told %+v, want the seat offered", got)
	}
}

// TestEventWaitlistKeepsTheGroup: a family of three that finds one seat
// left waits for three seats, not one; someone who opens a full event is
// asked how many they are before joining the line; and when two seats free
// up, they go to the one who waits alone, since the family does not fit.
func TestEventWaitlistKeepsTheGroup(t *testing.T) {
	db := mustDemoDB(t)
	ctx := context.Background()
	id := robotics(t, db, 3)
	const anna, bruno, carla, dario = 300, 400, 500, 600
	first, err := db.SignUp(ctx, registry.SignupRequest{Key: "a", UserID: anna, EventID: id, People: 2})
	if err != nil {
		t.Fatal(err)
	}
	c := chatOn(t, db)

	// Bruno and two children: one seat is left.
	c.say(bruno, "it", "eventi mercoledì 9 dicembre")
	c.press(bruno, "it", "1 · Laboratorio")
	c.press(bruno, "it", "Iscriviti")
	if r := c.press(bruno, "it", "3"); !strings.Contains(text(r), "Resta solo 1 posto") {
		t.Fatalf("got %q, want one seat left", text(r))
	}
	if r := c.press(bruno, "it", "Avvisami se si libera"); !strings.Contains(text(r), "Sei in lista d'attesa per 3 persone") {
		t.Fatalf("got %q, want Bruno waiting with his family", text(r))
	}
	if w, err := db.EventWaitlist(ctx, bruno); err != nil || len(w) != 1 || w[0].People != 3 {
		t.Fatalf("Bruno's line: %+v, %v; want one entry for 3 people", w, err)
	}

	// Carla takes the last seat; Dario finds the event full.
	if _, err := db.SignUp(ctx, registry.SignupRequest{Key: "c", UserID: carla, EventID: id, People: 1}); err != nil {
		t.Fatal(err)
	}
	c.say(dario, "en", "events on Wednesday 9 December")
	c.press(dario, "en", "1 · Laboratorio")
	if r := c.press(dario, "en", "Tell me if a seat"); !strings.Contains(text(r), "How many people should I put on the waiting list") {
		t.Fatalf("got %q, want Dario asked how many", text(r))
	}
	if r := c.press(dario, "en", "1"); !strings.Contains(text(r), "You're on the waiting list: if a seat frees up") {
		t.Fatalf("got %q, want Dario waiting alone", text(r))
	}

	// Anna's two seats free up: the family does not fit, Dario does.
	_, offers, err := db.CancelSignup(ctx, anna, first[0].ID, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(offers) != 1 || offers[0].Entry.UserID != dario || offers[0].Entry.People != 1 {
		t.Errorf("offers %+v, want one for Dario alone", offers)
	}
}

// TestEventWaitlistButtonsOldAndAgain (found by review): a "wait" button
// sent before groups kept their size ("ew:<event>") still works, and asks
// how many; someone already waiting for 3 who presses it again and picks 1
// keeps their place for 3, and is told 3.
func TestEventWaitlistButtonsOldAndAgain(t *testing.T) {
	db := mustDemoDB(t)
	ctx := context.Background()
	id := robotics(t, db, 1)
	if _, err := db.SignUp(ctx, registry.SignupRequest{Key: "a", UserID: 300, EventID: id, People: 1}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.JoinEventWaitlist(ctx, 400, id, 3); err != nil {
		t.Fatal(err)
	}
	c := chatOn(t, db)
	if r := c.record(400, c.b.Handle(ctx, Incoming{UserID: 400, ClientLang: "en", Callback: "ew:" + idArg(id)})); !strings.Contains(text(r), "How many people should I put on the waiting list") {
		t.Fatalf("an old wait button: got %q, want to be asked how many", text(r))
	}
	if r := c.press(400, "en", "1"); !strings.Contains(text(r), "waiting list for 3 people") {
		t.Errorf("got %q, want Bruno told he waits for 3", text(r))
	}
	if w, err := db.EventWaitlist(ctx, 400); err != nil || len(w) != 1 || w[0].People != 3 {
		t.Errorf("Bruno's line: %+v, %v; want one entry for 3", w, err)
	}
}

// robotics publishes at Torre Civica, on Wednesday 9 December from 16 to
// 18, a family workshop with the given seats, and returns its id.
func robotics(t *testing.T, db *registry.DB, seats int) int64 {
	t.Helper()
	es, err := db.PublishEvent(context.Background(), registry.CommandLine, registry.EventDraft{SpaceID: "torre-civica",
		Title: "Laboratorio di robotica per famiglie", Lang: "it", Day: time.Date(2026, 12, 9, 0, 0, 0, 0, registry.Rome),
		From: 16 * 60, To: 18 * 60, Seats: seats})
	if err != nil {
		t.Fatal(err)
	}
	return es[0].ID
}

// TestCancelOneMeetingOfACourse: for a course signed up for whole, the
// cancel button of a meeting asks whether the later ones go too; "only
// this" keeps them, "the later ones too" cancels them all; the last
// meeting is cancelled at once.
func TestCancelOneMeetingOfACourse(t *testing.T) {
	db := mustDemoDB(t)
	ctx := context.Background()
	es, err := db.PublishEvent(ctx, registry.CommandLine, registry.EventDraft{SpaceID: "torre-civica", Title: "Corso di inglese per il lavoro",
		Lang: "it", Day: time.Date(2026, 12, 9, 0, 0, 0, 0, registry.Rome), From: 18 * 60, To: 20 * 60, Meetings: 4, Seats: 10})
	if err != nil {
		t.Fatal(err)
	}
	const anna = 300
	ss, err := db.SignUp(ctx, registry.SignupRequest{Key: "k", UserID: anna, EventID: es[0].ID, People: 1, Series: true})
	if err != nil || len(ss) != 4 {
		t.Fatalf("signed up for %d meetings (%v), want 4", len(ss), err)
	}
	c := chatOn(t, db)
	left := func() int {
		t.Helper()
		mine, err := db.Signups(ctx, anna, db.Now())
		if err != nil {
			t.Fatal(err)
		}
		return len(mine)
	}
	press := func(id int64) Response {
		return c.record(anna, c.b.Handle(ctx, Incoming{UserID: anna, ClientLang: "it", Callback: data(kEvUnsign, idArg(id))}))
	}
	if r := press(ss[0].ID); !strings.Contains(text(r), "annullo solo questo incontro o anche i successivi?") {
		t.Fatalf("got %q, want to be asked", text(r))
	}
	if left() != 4 {
		t.Fatal("the question cancelled something")
	}
	c.press(anna, "it", "Solo questo incontro")
	if n := left(); n != 3 {
		t.Errorf("after «only this»: %d meetings left, want 3", n)
	}
	press(ss[1].ID)
	if r := c.press(anna, "it", "Anche i 2 incontri successivi"); !strings.Contains(text(r), "Annullate 3 iscrizioni") {
		t.Errorf("got %q, want three cancelled", text(r))
	}
	if n := left(); n != 0 {
		t.Errorf("after «the later ones too»: %d meetings left, want none", n)
	}
	// The last meeting of another course sign-up goes at once.
	ss, err = db.SignUp(ctx, registry.SignupRequest{Key: "k2", UserID: anna, EventID: es[3].ID, People: 1, Series: true})
	if err != nil {
		t.Fatal(err)
	}
	if r := press(ss[0].ID); !strings.Contains(text(r), "Iscrizione annullata") {
		t.Errorf("the last meeting: got %q, want it cancelled at once", text(r))
	}
}
