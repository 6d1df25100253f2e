package bot

import (
	"regexp"
	"strings"
	"testing"
)

// TestWaitlistThroughTheChat: a slot fills up, someone queues, the booking
// is cancelled, the place is offered and taken.
func TestWaitlistThroughTheChat(t *testing.T) {
	c := newUnderstandChat(t)
	// Anna takes the four desks of Il Cortile on Friday morning.
	out := c.say(t, 1, "it", "prenota 4 scrivanie venerdì mattina da Il Cortile\n#1")
	code := regexp.MustCompile(`Codice prenotazione: ([A-Z0-9]{6})`).FindStringSubmatch(out)
	if code == nil {
		t.Fatalf("got %q, want Anna's booking", out)
	}
	// Bruno finds it full and queues.
	out = c.say(t, 2, "it", "prenota 1 scrivania venerdì mattina da Il Cortile\n#1")
	if !strings.Contains(out, "non resta nessuna scrivania libera") || !strings.Contains(out, "Avvisami se si libera") {
		t.Fatalf("got %q, want the slot full with a waitlist button", out)
	}
	n := buttonNumber(t, out, "Avvisami se si libera")
	out = c.say(t, 2, "it", "prenota 1 scrivania venerdì mattina da Il Cortile\n#1\n#"+n)
	if !strings.Contains(out, "Sei in lista d'attesa") {
		t.Fatalf("got %q, want Bruno on the waiting list", out)
	}
	if out = c.say(t, 2, "it", "/prenotazioni"); !strings.Contains(out, "Sei in lista d'attesa per") {
		t.Errorf("got %q, want the waiting list among Bruno's bookings", out)
	}
	// Anna cancels: the place is offered to Bruno, who takes it.
	c.say(t, 1, "it", "annulla "+code[1]+"\n#1")
	out = c.say(t, 2, "it", "/prenotazioni")
	if !strings.Contains(out, "Si è liberato un posto") {
		t.Fatalf("got %q, want the offer in Bruno's bookings", out)
	}
	out = c.say(t, 2, "it", "/prenotazioni\n#"+buttonNumber(t, out, "Prendo il posto"))
	if !strings.Contains(out, "Prenotato!") || !strings.Contains(out, "Il Cortile, venerdì 4 dicembre") {
		t.Errorf("got %q, want Bruno booked", out)
	}
}

// buttonNumber finds the number the console gave a button.
func buttonNumber(t *testing.T, out, label string) string {
	t.Helper()
	m := regexp.MustCompile(`\[(\d+)\] [^\n]*`+regexp.QuoteMeta(label)).FindAllStringSubmatch(out, -1)
	if m == nil {
		t.Fatalf("no button %q in %q", label, out)
	}
	return m[len(m)-1][1]
}
