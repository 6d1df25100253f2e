package bot

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/comune-seregno/coworkbot/registry"
)

// TestIssueTenExamples types every example of issue 10 that the bot (not
// only the parser) must answer, on the demo list, and checks the answer as a
// person reads it.
func TestIssueTenExamples(t *testing.T) {
	for _, c := range []struct {
		lang, text  string
		want, avoid []string
	}{
		{"it", "cos'è il cobaby?", []string{"Cobaby", "bambini"}, nil},
		{"it", "quali servizi ci sono?", []string{"I servizi che gli spazi", "Fibra", "Parcheggio"}, nil},
		{"it", "Officina Brianza ha il parcheggio?", []string{"❌ No, Officina Brianza non ha parcheggio", "Officina Brianza\n📍"}, nil},
		{"it", "Officina Brianza ha il cobaby?", []string{"✅ Sì, Officina Brianza ha Cobaby"}, nil},
		{"it", "il Cortile è aperto domani pomeriggio?", []string{"lo spazio Il Cortile", "domani pomeriggio"}, nil},
		{"it", "coworking a Borgofantasia", []string{"Non conosco «borgofantasia»", "Spazi vicino al centro di Seregno"}, nil},
		{"it", "coworking con cobaby o fibra", []string{"Spazi con Cobaby o fibra"}, nil},
		{"it", "sala riunioni per 6 persone", []string{"con una sala da almeno 6 posti"}, []string{"6 scrivanie"}},
		{"it", "coworking aperto questo weekend", []string{"aperti tra sabato 5 dicembre e domenica 6 dicembre"}, nil},
		{"it", "coworking il 30 novembre", []string{"Quel giorno (lunedì 30 novembre) è già passato"}, nil},
		{"it", "coworking aperto a Natale", []string{"venerdì 25 dicembre"}, nil},
		{"it", "coworking aperto fino alle 21", []string{"dalle 20:00 alle 21:00"}, nil},
		{"en", "is Officina Brianza open tomorrow afternoon?", []string{"Officina Brianza is open tomorrow afternoon"}, nil},
		{"en", "coworking with childcare or parking", []string{"Spaces with Cobaby or parking"}, nil},
	} {
		t.Run(c.text, func(t *testing.T) {
			chat := newUnderstandChat(t)
			out := chat.say(t, 1, c.lang, c.text)
			for _, w := range c.want {
				if !strings.Contains(out, w) {
					t.Errorf("got %q, want %q in it", out, w)
				}
			}
			for _, a := range c.avoid {
				if strings.Contains(out, a) {
					t.Errorf("got %q, want no %q", out, a)
				}
			}
		})
	}
}

// TestEveningMeansEvening: "stasera" lists only spaces open for an hour or
// more after 19:00.
func TestEveningMeansEvening(t *testing.T) {
	chat := newUnderstandChat(t)
	out := chat.say(t, 1, "it", "coworking aperto stasera")
	spaces, err := chat.db.Spaces(context.Background(), registry.Approved)
	if err != nil {
		t.Fatal(err)
	}
	for _, sp := range spaces {
		spans := sp.Hours.Spans(understandNow, chat.db.Calendar)
		lateEnough := false
		for _, s := range spans {
			lateEnough = lateEnough || s.To >= 20*60
		}
		if !lateEnough && strings.Contains(out, ". "+sp.Name+" ") {
			t.Errorf("%s closes before 20:00 but is listed for the evening:\n%s", sp.Name, out)
		}
	}
}

// TestTheBookingFlowListens: typed answers work at every step.
func TestTheBookingFlowListens(t *testing.T) {
	chat := newUnderstandChat(t)
	ctx := context.Background()
	// A day and a slot typed, then how many in words, then "sì".
	out := chat.say(t, 1, "it", "prenota da Officina Brianza\nmeglio venerdì\nil pomeriggio\n2 scrivanie\nsì")
	if !strings.Contains(out, "Prenotato!") || !strings.Contains(out, "Officina Brianza, ven 4 dic, 13:00–18:30, 2 scrivanie · 18 €") {
		t.Fatalf("got %q, want Friday afternoon for 2 booked by typing", out)
	}
	// "annulla" anywhere drops the booking.
	out = chat.say(t, 2, "it", "prenota una scrivania da Officina Brianza\nlascia stare")
	if !strings.Contains(out, "nessuna prenotazione") {
		t.Errorf("got %q, want the booking dropped", out)
	}
	if bks, _ := chat.db.Bookings(ctx, 2, understandNow); len(bks) != 0 {
		t.Errorf("got %d bookings, want none", len(bks))
	}
	// A slot the space does not have is refused when asked, with the ones it has.
	out = chat.say(t, 3, "it", "prenota una scrivania sabato pomeriggio da Torre Civica")
	if !strings.Contains(out, "non ha la fascia «pomeriggio»") || strings.Contains(out, "0:00–0:00") {
		t.Errorf("got %q, want Saturday afternoon refused with the slots it has", out)
	}
	// Cancelling "la prenotazione di venerdì" finds Friday's booking, not a code "VENERD".
	out = chat.say(t, 1, "it", "cancella la mia prenotazione di venerdì")
	if !regexp.MustCompile(`Vuoi annullare questa prenotazione\?\nOfficina Brianza, ven 4 dic`).MatchString(out) {
		t.Errorf("got %q, want Friday's booking offered for cancelling", out)
	}
	if strings.Contains(out, "VENERD") {
		t.Errorf("got %q: read a code out of a weekday", out)
	}
	// A room by name, by text.
	out = chat.say(t, 4, "it", "prenota la sala Volta da Officina Brianza giovedì dalle 10 alle 12\nsì")
	if !strings.Contains(out, "Sala Volta") || !strings.Contains(out, "10:00–12:00") || !strings.Contains(out, "Prenotato!") {
		t.Errorf("got %q, want the Sala Volta booked on Thursday 10–12", out)
	}
}
