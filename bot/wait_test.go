package bot

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"
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
	if !strings.Contains(out, "Prenotato!") || !strings.Contains(out, "Il Cortile, ven 4 dic") {
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

// TestReminderTheEveningBefore: at 18:00 the day before, the bot reminds
// once, in the user's language, unless reminders are off.
func TestReminderTheEveningBefore(t *testing.T) {
	c := newUnderstandChat(t)
	c.say(t, 1, "en", "book 1 desk tomorrow morning at Officina Brianza\n#1")
	c.say(t, 2, "it", "prenota 1 scrivania domani mattina da Officina Brianza\n#1")
	c.say(t, 2, "it", "/promemoria")
	ctx := context.Background()
	var out []Outgoing
	failing := false
	tick := func() {
		t.Helper()
		err := c.bot.Tick(ctx, func(_ context.Context, o Outgoing) error {
			if failing {
				return errors.New("Bot API down")
			}
			out = append(out, o)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if tick(); len(out) != 0 {
		t.Fatalf("got %v at 10:00, want no reminder yet", out)
	}
	c.db.Now = func() time.Time { return understandNow.Add(8*time.Hour + 30*time.Minute) } // 18:30
	failing = true
	tick() // not delivered: tried again at the next tick
	failing = false
	tick()
	if len(out) != 1 || out[0].UserID != 1 || !strings.Contains(out[0].Reply.Text, "Reminder: you have a booking tomorrow") {
		t.Fatalf("got %+v, want one English reminder for user 1 (user 2 turned them off)", out)
	}
	if tick(); len(out) != 1 {
		t.Errorf("got %d reminders after the next tick, want 1: once only", len(out))
	}
}

// TestOldBookingButtonsAreRefused: a Confirm from an older summary must not
// book the draft as it is now.
func TestOldBookingButtonsAreRefused(t *testing.T) {
	c := newUnderstandChat(t)
	ctx := context.Background()
	press := func(data string) Response {
		return c.bot.Handle(ctx, Incoming{UserID: 6, ClientLang: "it", Callback: data})
	}
	resp := c.bot.Handle(ctx, Incoming{UserID: 6, ClientLang: "it", Text: "prenota 1 scrivania venerdì mattina da Officina Brianza"})
	summary := resp.Replies[len(resp.Replies)-1]
	oldConfirm, changeSlotData := summary.Buttons[0][0].Data, summary.Buttons[1][1].Data
	k1, _, ok1 := parseData(oldConfirm)
	k2, a2, ok2 := parseData(changeSlotData)
	if !ok1 || !ok2 || k1 != kBookConfirm || k2 != kBookChange || a2[1] != changeSlot {
		t.Fatalf("got buttons %v, want Confirm and Change slot", summary.Buttons)
	}
	press(changeSlotData) // then the afternoon…
	resp = press(oldConfirm)
	if resp.Notice == "" || len(resp.Replies) != 0 {
		t.Errorf("got %+v, want the old Confirm refused with a notice", resp)
	}
	if bks, _ := c.db.Bookings(ctx, 6, understandNow); len(bks) != 0 {
		t.Errorf("got %d bookings, want none from an old button", len(bks))
	}
}
