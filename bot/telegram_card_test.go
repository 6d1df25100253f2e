package bot

import (
	"context"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/comune-seregno/coworkbot/bot/telegramtest"
	"github.com/comune-seregno/coworkbot/registry"
	"github.com/comune-seregno/coworkbot/registry/hours"
)

// TestALongCardArrivesWhole sends, through the fake Bot API (which refuses
// bad HTML and texts over 4,096 characters as Telegram does), the card of a
// space whose description is 3,500 characters in italics with "&" in it
// (its HTML is longer than a message, and was cut inside the italics and
// the entities), and one of 7,000: every piece is taken, the first has the
// name and the address, the last the Book button, and the description
// arrives whole, in italics.
func TestALongCardArrivesWhole(t *testing.T) {
	for _, repeat := range []int{76, 152} { // 3,496 and 6,992 characters
		testLongCard(t, repeat)
	}
}

func testLongCard(t *testing.T, repeat int) {
	h := startTelegram(t, nil)
	b := h.tg.bot
	hrs, err := hours.Parse("Mo-Fr 08:30-18:30")
	if err != nil {
		t.Fatal(err)
	}
	desc := strings.Repeat("Caffè & tè per tutti, sala riunioni luminosa. ", repeat)
	sp := registry.Space{ID: "lunga", Name: "Nido & Lavoro Lungo", Comune: "Seregno", Address: "Via dell'Orto 3",
		Location: orb.Point{9.2, 45.65}, Desks: 8, Hours: hrs, Services: registry.SetOf(registry.Wifi),
		Description: map[string]string{"it": desc}}
	s := &session{ctx: context.Background(), l: b.localizer("it"), now: h.db.Now()}
	card := Reply{Text: b.detailsText(s, &sp), Buttons: b.detailsButtons(s, &sp)}
	if n := len([]rune(card.Text)); n <= maxMessage {
		t.Fatalf("got a card of %d characters of HTML, want one longer than a message", n)
	}
	u := telegramtest.User{ID: 50, FirstName: "Teo", LanguageCode: "it"}
	if err := h.tg.Deliver(context.Background(), Outgoing{UserID: u.ID, Reply: card}); err != nil {
		t.Fatalf("Deliver: %v", err)
	}
	msgs := h.srv.Messages(u.ID)
	if want := 1 + htmlLen(card.Text)/maxMessage; len(msgs) != want {
		t.Fatalf("got %d messages, want %d", len(msgs), want)
	}
	for _, c := range h.srv.CallsTo("sendMessage") {
		if c.Error != "" {
			t.Errorf("a piece was refused: %s", c.Error)
		}
	}
	if first := msgs[0].Plain; !strings.HasPrefix(first, "Nido & Lavoro Lungo\n📍 Via dell'Orto 3, Seregno") {
		t.Errorf("got the first piece %q, want the name and the address", first[:60])
	}
	last := msgs[len(msgs)-1]
	if len(last.Keyboard) == 0 || !strings.Contains(last.Keyboard[0][0].Text, "Prenota") {
		t.Errorf("got the last piece's buttons %+v, want Book", last.Keyboard)
	}
	var read strings.Builder
	for _, m := range msgs {
		read.WriteString(m.Plain + " ")
		for _, e := range m.Entities {
			if e.Type == "italic" && e.Length < 100 {
				t.Errorf("got an italic run of %d characters, want the description in italics", e.Length)
			}
		}
	}
	if norm := strings.Join(strings.Fields(read.String()), " "); !strings.Contains(norm, strings.TrimSpace(strings.Join(strings.Fields(desc), " "))) {
		t.Error("the description does not arrive whole")
	}
}

// TestButtonLabelsArePlainText: Telegram shows a button's label as plain
// text; a space's name with "&" or an apostrophe reads as written.
func TestButtonLabelsArePlainText(t *testing.T) {
	h := startTelegram(t, nil)
	u := telegramtest.User{ID: 51, FirstName: "Ugo", LanguageCode: "it"}
	h.srv.SendText(u, "coworking con cobaby")
	h.idle(t)
	found := false
	for _, row := range h.last(t, u.ID).Keyboard {
		for _, bt := range row {
			if strings.Contains(bt.Text, "&amp;") || strings.Contains(bt.Text, "&#39;") {
				t.Errorf("got the label %q, want it plain", bt.Text)
			}
			found = found || strings.Contains(bt.Text, "Nido & Lavoro")
		}
	}
	if !found {
		t.Errorf("got buttons %+v, want one for Nido & Lavoro", h.last(t, u.ID).Keyboard)
	}
}
