package bot

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/comune-seregno/coworkbot/bot/telegramtest"
	"github.com/comune-seregno/coworkbot/registry"
)

// everything the bot has sent a chat, as the person reads it.
func (h *tgHarness) chatText(chat int64) string {
	var b strings.Builder
	for _, m := range h.srv.Messages(chat) {
		b.WriteString(m.Plain)
		b.WriteString("\n")
		for _, row := range m.Keyboard {
			for _, k := range row {
				b.WriteString("[" + k.Text + "]\n")
			}
		}
	}
	return b.String()
}

func (h *tgHarness) say(t *testing.T, u telegramtest.User, text string) string {
	t.Helper()
	before := len(h.srv.Messages(u.ID))
	h.srv.SendText(u, text)
	h.idle(t)
	var b strings.Builder
	for _, m := range h.srv.Messages(u.ID)[before:] {
		b.WriteString(m.Plain + "\n")
	}
	return b.String()
}

// TestTheComuneAndItsProviders plays issue 11 through serve's real Telegram
// edge against the fake Bot API: a clerk names the first staff member on
// the command line; staff invite a provider; the provider changes the
// hours, closes a day (a citizen's booking is cancelled with a message) and
// asks to add parking (pending until staff approve it, then citizens find
// it); a newcomer applies, staff approve, citizens find the new space; staff
// suspend a space and its bookings' owners are told; a citizen trying any of
// this is refused; the audit log shows every step.
func TestTheComuneAndItsProviders(t *testing.T) {
	db := mustDemoDB(t)
	ctx := context.Background()
	clerk := telegramtest.User{ID: 100, FirstName: "Carla", LanguageCode: "it"}
	gino := telegramtest.User{ID: 200, FirstName: "Gino", LanguageCode: "it"}
	bruno := telegramtest.User{ID: 300, FirstName: "Bruno", LanguageCode: "it"}
	nadia := telegramtest.User{ID: 400, FirstName: "Nadia", LanguageCode: "en"}
	if err := db.AddStaff(ctx, registry.CommandLine, clerk.ID, "Carla"); err != nil {
		t.Fatal(err)
	}
	h := startTelegram(t, db)

	// A citizen is refused everything of the staff's and the providers'.
	for _, cmd := range []string{"/comune", "/sospendi il-cortile", "/invita il-cortile", "/miospazio", "/agenda", "/chiusura domani"} {
		if out := h.say(t, bruno, cmd); !strings.Contains(out, "riservata") {
			t.Errorf("citizen %s: got %q, want it refused", cmd, out)
		}
	}
	// A forged button: the role check at the route refuses it, and nothing changes.
	q := h.srv.Press(bruno, 1, data(kSuspend, "il-cortile"))
	h.idle(t)
	if text, _ := h.srv.Answered(q); !strings.Contains(text, "riservata") {
		t.Errorf("a forged suspend button: got %q, want it refused", text)
	}
	if sp, _ := db.Space(ctx, "il-cortile"); sp.Status != registry.Approved {
		t.Fatalf("a forged button changed the status to %s", sp.Status)
	}

	// Bruno books Friday at Officina Brianza and Thursday at Il Cortile.
	h.say(t, bruno, "prenota 1 scrivania venerdì mattina da Officina Brianza")
	h.press(t, bruno, "Conferma")
	h.say(t, bruno, "prenota 1 scrivania giovedì mattina da Il Cortile")
	h.press(t, bruno, "Conferma")
	codes := regexp.MustCompile(`Codice prenotazione: ([A-Z0-9]{6})`).FindAllStringSubmatch(h.chatText(bruno.ID), -1)
	if len(codes) != 2 {
		t.Fatalf("got %d bookings, want 2:\n%s", len(codes), h.chatText(bruno.ID))
	}

	// Staff invite Gino to run Officina Brianza.
	out := h.say(t, clerk, "/invita officina-brianza")
	link := regexp.MustCompile(`https://t\.me/telegramtest_bot\?start=(inv_[A-Za-z0-9_-]+)`).FindStringSubmatch(out)
	if link == nil {
		t.Fatalf("got %q, want an invitation link", out)
	}
	if out = h.say(t, gino, "/start "+link[1]); !strings.Contains(out, "Ora gestisci Officina Brianza") {
		t.Fatalf("got %q, want Gino welcomed as provider", out)
	}
	if out = h.say(t, bruno, "/start "+link[1]); !strings.Contains(out, "già stato usato") {
		t.Errorf("the invitation reused: got %q", out)
	}

	// Gino changes the hours, in words; they go live at once.
	h.say(t, gino, "/miospazio")
	h.press(t, gino, "Orari")
	if out = h.say(t, gino, "lun-ven 9-13 e 14-19, sabato 9-12"); !strings.Contains(out, "lun–ven 9:00–13:00, 14:00–19:00; sab 9:00–12:00") {
		t.Fatalf("got %q, want the hours read back in words", out)
	}
	h.press(t, gino, "Sì, pubblica")
	if sp, _ := db.Space(ctx, "officina-brianza"); sp.Hours.String() != "Mo-Fr 09:00-13:00,14:00-19:00; Sa 09:00-12:00; PH off" {
		t.Errorf("got hours %q", sp.Hours)
	}

	// Gino closes Friday for works: Bruno's booking is cancelled, and he is
	// told, with an apology and a way forward; Gino was told of the booking.
	if out = h.say(t, gino, "/chiusura venerdì per lavori"); !strings.Contains(out, "Una prenotazione di quei giorni è stata annullata") {
		t.Fatalf("got %q, want the closure and one booking cancelled", out)
	}
	bk, _ := db.Booking(ctx, codes[0][1])
	if bk.Status != registry.Cancelled {
		t.Errorf("Bruno's Friday booking: got %s, want cancelled", bk.Status)
	}
	last := h.last(t, bruno.ID)
	if !strings.Contains(last.Plain, "Ci dispiace") || !strings.Contains(last.Plain, codes[0][1]) || len(last.Keyboard) == 0 {
		t.Errorf("got %q with %v, want Bruno told of the cancellation with ways forward", last.Plain, last.Keyboard)
	}

	// Gino asks to add parking: it waits for review; citizens don't find it.
	h.say(t, gino, "/miospazio")
	h.press(t, gino, "Servizi")
	h.press(t, gino, "Parcheggio")
	h.press(t, gino, "Invia per la verifica")
	if out = h.chatText(gino.ID); !strings.Contains(out, "Inviato al Comune per la verifica") || !strings.Contains(out, "+ 🅿️ Parcheggio") {
		t.Fatalf("got %q, want the change sent for review", out)
	}
	if out = h.say(t, bruno, "coworking con parcheggio a Seregno"); strings.Contains(out, "Officina Brianza") {
		t.Errorf("got %q: the unreviewed parking is already listed", out)
	}
	// The staff were told, and approve it from the message.
	if last = h.last(t, clerk.ID); !strings.Contains(last.Plain, "chiede di modificare") {
		t.Fatalf("got %q, want the staff told of the change", last.Plain)
	}
	h.press(t, clerk, "Approva")
	if out = h.say(t, bruno, "coworking con parcheggio a Seregno"); !strings.Contains(out, "Officina Brianza") {
		t.Errorf("got %q, want the approved parking found", out)
	}
	if last = h.last(t, gino.ID); !strings.Contains(last.Plain, "ha approvato") {
		t.Errorf("got %q, want Gino told of the approval", last.Plain)
	}
	// A booking now reaches Gino.
	h.say(t, bruno, "prenota 2 scrivanie sabato mattina da Officina Brianza")
	h.press(t, bruno, "Conferma")
	if last = h.last(t, gino.ID); !strings.Contains(last.Plain, "Nuova prenotazione") || !strings.Contains(last.Plain, "Bruno") {
		t.Errorf("got %q, want Gino told of Bruno's booking (first name only)", last.Plain)
	}

	// Nadia applies with a new space, in English.
	h.say(t, nadia, "/apply")
	for _, answer := range []string{"Casa del Lavoro Agile", "Seregno", "Via Cavour 12", "45.6530, 9.2030"} {
		h.say(t, nadia, answer)
	}
	h.press(t, nadia, "Kitchen")
	h.press(t, nadia, "Cobaby")
	h.press(t, nadia, "Done")
	for _, answer := range []string{"8", "mon-fri 8:30-18:30", "12 and 7", "+39 0362 123456, ciao@casalavoro.example", "Uno spazio luminoso vicino al centro."} {
		h.say(t, nadia, answer)
	}
	h.press(t, nadia, "Skip")
	h.press(t, nadia, "Send the application")
	if out = h.chatText(nadia.ID); !strings.Contains(out, "Application for Casa del Lavoro Agile sent") {
		t.Fatalf("got %q, want the application sent", out)
	}
	if last = h.last(t, clerk.ID); !strings.Contains(last.Plain, "Nuova candidatura") || !strings.Contains(last.Plain, "Casa del Lavoro Agile") {
		t.Fatalf("got %q, want the staff told of the application", last.Plain)
	}
	h.press(t, clerk, "Approva")
	if last = h.last(t, nadia.ID); !strings.Contains(last.Plain, "is now on the Comune di Seregno's official list") {
		t.Errorf("got %q, want Nadia told of the approval", last.Plain)
	}
	if out = h.say(t, bruno, "coworking con cobaby a Seregno"); !strings.Contains(out, "Casa del Lavoro Agile") {
		t.Errorf("got %q, want the new space found", out)
	}

	// Staff suspend Il Cortile: Bruno's Thursday booking is cancelled, he is told.
	if out = h.say(t, clerk, "/sospendi il-cortile verifiche in corso"); !strings.Contains(out, "è sospeso") {
		t.Fatalf("got %q, want the suspension", out)
	}
	if last = h.last(t, bruno.ID); !strings.Contains(last.Plain, codes[1][1]) || !strings.Contains(last.Plain, "non è più nell'elenco") {
		t.Errorf("got %q, want Bruno told that his booking at Il Cortile is cancelled", last.Plain)
	}
	if out = h.say(t, bruno, "orari del Cortile"); !strings.Contains(out, "non è più") && strings.Contains(out, "Il Cortile") {
		t.Errorf("got %q, want the suspended space gone for citizens", out)
	}

	// The audit log shows every step.
	log, err := db.Audit(ctx, time.Time{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range log {
		actions = append(actions, e.Action)
	}
	for _, want := range []string{registry.ActionStaffAdd, registry.ActionInvite, registry.ActionProviderAdd, registry.ActionEdit,
		registry.ActionClosureAdd, registry.ActionPropose, registry.ActionChangeApprove, registry.ActionApply, registry.ActionApprove,
		registry.ActionSuspend} {
		if !slices.Contains(actions, want) {
			t.Errorf("the audit log %v lacks %s", actions, want)
		}
	}
	if u := h.srv.Unanswered(); len(u) != 0 {
		t.Errorf("unanswered button presses: %v", u)
	}
}
