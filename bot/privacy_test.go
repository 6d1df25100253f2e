package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/comune-seregno/coworkbot/bot/telegramtest"
	"github.com/comune-seregno/coworkbot/locales"
	"github.com/comune-seregno/coworkbot/registry"
)

// all is every text of a response, as a person reads it.
func all(resp Response) string {
	var b strings.Builder
	b.WriteString(stripHTML(resp.Notice))
	for _, r := range resp.Replies {
		b.WriteString("\n" + stripHTML(r.Text))
		for _, row := range r.Buttons {
			for _, bt := range row {
				b.WriteString("\n[" + bt.Label + "]")
			}
		}
	}
	return b.String()
}

func TestPrivacyNotice(t *testing.T) {
	db := mustDemoDB(t)
	b, err := New(Config{DB: db, Log: quiet, Privacy: Privacy{Contact: "Piazza Martiri della Libertà 1, protocollo@comune.example",
		DPO: "rpd@comune.example", Channel: "lo sportello «Spazio Città» & il sito"}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	it := b.Handle(ctx, Incoming{UserID: 1, ClientLang: "it", Text: "/privacy"})
	text := all(it)
	for _, want := range []string{"Titolare: Comune di Seregno — Piazza Martiri della Libertà 1, protocollo@comune.example", "rpd@comune.example",
		"lo sportello «Spazio Città» & il sito", "dopo 3 ore", "dopo un giorno di silenzio", "Dopo 12 mesi", "art. 6, par. 1, lett. e)",
		"art. 2-ter", "mai il tuo identificativo Telegram né la tua posizione", "Telegram è una piattaforma di terzi", "/imieidati", "/cancellami",
		"Garante", "[📄 I miei dati]", "[🗑 Cancella i miei dati]"} {
		if !strings.Contains(text, want) {
			t.Errorf("the Italian notice has no %q:\n%s", want, text)
		}
	}
	if !strings.Contains(it.Replies[0].Text, "&amp; il sito") {
		t.Error("the channel's & is not escaped for Telegram's HTML")
	}
	en := all(b.Handle(ctx, Incoming{UserID: 2, ClientLang: "en", Text: "/privacy"}))
	for _, want := range []string{"Controller: Comune di Seregno", "rpd@comune.example", "after 3 hours", "after a day of silence",
		"12 months after the day booked", "art. 6(1)(e) GDPR", "third-party platform", "/mydata", "/deleteme", "[📄 My data]"} {
		if !strings.Contains(en, want) {
			t.Errorf("the English notice has no %q:\n%s", want, en)
		}
	}
	// Unconfigured, the notice says where the contacts are.
	plain, err := New(Config{DB: db, Log: quiet, Retention: registry.Retention{Location: 2 * time.Hour, BookingMonths: 6}})
	if err != nil {
		t.Fatal(err)
	}
	text = all(plain.Handle(ctx, Incoming{UserID: 1, ClientLang: "it", Text: "/privacy"}))
	for _, want := range []string{"i recapiti sono sul sito istituzionale del Comune", "gli uffici del Comune", "dopo 2 ore", "Dopo 6 mesi"} {
		if !strings.Contains(text, want) {
			t.Errorf("the unconfigured notice has no %q:\n%s", want, text)
		}
	}
}

func TestPrivacyNoticeOfTheComune(t *testing.T) {
	db := mustDemoDB(t)
	dir := t.TempDir()
	own := "<b>Informativa del Comune</b>\nTitolare: {{.Contact}}. Posizioni: {{.LocationFor}}; prenotazioni: {{.BookingsFor}}."
	if err := os.WriteFile(filepath.Join(dir, "privacy.it.html"), []byte(own), 0o644); err != nil {
		t.Fatal(err)
	}
	b, err := New(Config{DB: db, Log: quiet, Privacy: Privacy{Dir: dir, Contact: "Ufficio <URP>"}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	it := b.Handle(ctx, Incoming{UserID: 1, ClientLang: "it", Text: "/privacy"})
	if got := it.Replies[0].Text; got != "<b>Informativa del Comune</b>\nTitolare: Ufficio &lt;URP&gt;. Posizioni: 3 ore; prenotazioni: 12 mesi." {
		t.Errorf("got %q, want the comune's own notice, filled in", got)
	}
	if en := all(b.Handle(ctx, Incoming{UserID: 2, ClientLang: "en", Text: "/privacy"})); !strings.Contains(en, "Controller: Comune di Seregno — Ufficio <URP>") {
		t.Errorf("got %q, want the default English notice where the comune wrote none", en)
	}
	for name, bad := range map[string]string{"unknown tag": "<div>Informativa</div>", "unclosed": "<b>Informativa", "bad template": "{{.Nobody}}", "empty": "  \n"} {
		if err := os.WriteFile(filepath.Join(dir, "privacy.en.html"), []byte(bad), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := New(Config{DB: db, Log: quiet, Privacy: Privacy{Dir: dir}}); err == nil {
			t.Errorf("%s: got a bot, want the notice refused", name)
		}
	}
	if _, err := New(Config{DB: db, Log: quiet, Privacy: Privacy{Dir: filepath.Join(dir, "missing")}}); err == nil {
		t.Error("a missing notice directory: got a bot, want an error")
	}
}

// TestPrivacyInWords: the words people use reach the notice, their data
// and their erasure, in both languages.
func TestPrivacyInWords(t *testing.T) {
	db := mustDemoDB(t)
	b, err := New(Config{DB: db, Log: quiet})
	if err != nil {
		t.Fatal(err)
	}
	notice, data, erase := "Informativa sul trattamento", "Ecco cosa conservo su di te", "Vuoi che cancelli tutti i tuoi dati?"
	noticeEN, dataEN, eraseEN := "How we process your personal data", "Here is what I keep about you", "Do you want me to erase all your data?"
	for _, c := range []struct{ lang, text, want string }{
		{"it", "privacy", notice},
		{"it", "informativa privacy", notice},
		{"it", "come trattate i miei dati?", notice},
		{"it", "che dati avete su di me?", data},
		{"it", "i miei dati", data},
		{"it", "cancella i miei dati", erase},
		{"it", "come cancello i miei dati?", erase},
		{"it", "/imieidati", data},
		{"it", "/cancellami", erase},
		{"en", "privacy policy", noticeEN},
		{"en", "what data do you keep about me?", dataEN},
		{"en", "delete my data", eraseEN},
		{"en", "/mydata", dataEN},
		{"en", "/deleteme", eraseEN},
	} {
		// A person who wrote before, so that the export finds their profile.
		b.Handle(context.Background(), Incoming{UserID: 7, FirstName: "Ada", ClientLang: c.lang, Text: "/start"})
		if got := all(b.Handle(context.Background(), Incoming{UserID: 7, FirstName: "Ada", ClientLang: c.lang, Text: c.text})); !strings.Contains(got, c.want) {
			t.Errorf("%s %q: got %q, want %q", c.lang, c.text, got, c.want)
		}
	}
}

// TestMyData: the summary counts what is kept, and the file holds it all.
func TestMyData(t *testing.T) {
	c := newUnderstandChat(t)
	out := c.say(t, 1, "it", "prenota 1 scrivania venerdì mattina da Il Cortile\n#1\n/avvisi\n/promemoria no")
	code := regexp.MustCompile(`Codice prenotazione: ([A-Z0-9]{6})`).FindStringSubmatch(out)
	if code == nil {
		t.Fatalf("got %q, want a booking", out)
	}
	resp := c.bot.Handle(context.Background(), Incoming{UserID: 1, FirstName: "Test", ClientLang: "it", Text: "/imieidati"})
	if len(resp.Replies) != 2 || resp.Replies[1].Document == nil {
		t.Fatalf("got %+v, want a summary and a document", resp)
	}
	summary := stripHTML(resp.Replies[0].Text)
	for _, want := range []string{"il tuo profilo", "la tua scelta sui promemoria", "la tua iscrizione agli avvisi", "1 prenotazione, con la sua storia"} {
		if !strings.Contains(summary, want) {
			t.Errorf("the summary has no %q:\n%s", want, summary)
		}
	}
	doc := resp.Replies[1].Document
	if doc.Name != "imieidati-2026-12-02.json" || doc.MIME != "application/json" {
		t.Errorf("got %s (%s), want imieidati-2026-12-02.json as JSON", doc.Name, doc.MIME)
	}
	var data struct {
		ID     int64 `json:"telegram_id"`
		Tables []struct {
			Table string           `json:"table"`
			Rows  []map[string]any `json:"rows"`
		} `json:"tables"`
	}
	if err := json.Unmarshal(doc.Bytes, &data); err != nil {
		t.Fatalf("the document is not JSON: %v", err)
	}
	rows := map[string][]map[string]any{}
	for _, tb := range data.Tables {
		rows[tb.Table] = tb.Rows
	}
	if data.ID != 1 || len(rows["bookings"]) != 1 || rows["bookings"][0]["code"] != code[1] || rows["users"][0]["first_name"] != "Test" ||
		len(rows["subscriptions"]) != 1 || rows["reminder_prefs"][0]["reminders"] != float64(0) {
		t.Errorf("got %s, want the person's profile, booking, subscription and reminders", doc.Bytes)
	}
	if !bytes.Contains(doc.Bytes, []byte(`"about": "le tue prenotazioni, con la loro storia`)) || !bytes.Contains(doc.Bytes, []byte(`"note": "Tutto ciò che il Comune di Seregno conserva`)) {
		t.Errorf("got %s, want the file explained in Italian", doc.Bytes)
	}
	// Someone the bot knows nothing about is told so.
	resp = c.bot.Handle(context.Background(), Incoming{UserID: 99, ClientLang: "en", Text: "/mydata"})
	if got := stripHTML(resp.Replies[0].Text); !strings.Contains(got, "I keep nothing about you") || resp.Replies[1].Document == nil {
		t.Errorf("got %q, want nothing kept, and the file", got)
	}
	// The console shows the file.
	if out := c.say(t, 1, "it", "/imieidati"); !strings.Contains(out, "📎 imieidati-2026-12-02.json (application/json,") || !strings.Contains(out, `"code": "`+code[1]+`"`) {
		t.Errorf("got %q, want the console to print the document", out)
	}
}

// TestEraseAsksFirst: nothing is erased until the person says yes, and a
// yes long after the question asks again.
func TestEraseAsksFirst(t *testing.T) {
	c := newUnderstandChat(t)
	ctx := context.Background()
	out := c.say(t, 1, "it", "prenota 1 scrivania venerdì mattina da Il Cortile\n#1\n/avvisi\n/cancellami")
	for _, want := range []string{"Vuoi che cancelli tutti i tuoi dati?", "la tua prenotazione in programma sarà annullata", "non riceverai più gli avvisi",
		"[1] 🗑 Sì, cancella tutto", "[2] No, tieni i miei dati"} {
		if !strings.Contains(out, want) {
			t.Errorf("got %q, want %q", out, want)
		}
	}
	if out = c.say(t, 1, "it", "/cancellami\n#2"); !strings.Contains(out, "non ho cancellato nulla") {
		t.Errorf("got %q, want nothing erased", out)
	}
	old := c.db.Now().Add(-eraseAskFor - time.Minute).Unix()
	resp := c.bot.Handle(ctx, Incoming{UserID: 1, Callback: data(kErase, itoa(old))})
	if got := all(resp); !strings.Contains(got, "Questa domanda è di un po' di tempo fa") {
		t.Errorf("an old yes: got %q, want the question asked again", got)
	}
	if bks, _ := c.db.Bookings(ctx, 1, c.db.Now()); len(bks) != 1 {
		t.Errorf("got %d bookings, want the booking kept", len(bks))
	}
	// The only staff member is told why not.
	if err := c.db.AddStaff(ctx, registry.CommandLine, 2, "Carla"); err != nil {
		t.Fatal(err)
	}
	if out := c.say(t, 2, "it", "/cancellami"); !strings.Contains(out, "Sei l'unica persona dello staff") || strings.Contains(out, "Sì, cancella tutto") {
		t.Errorf("got %q, want the last staff member refused", out)
	}
	resp = c.bot.Handle(ctx, Incoming{UserID: 2, Callback: data(kErase, itoa(c.db.Now().Unix()))})
	if got := all(resp); !strings.Contains(got, "Sei l'unica persona dello staff") {
		t.Errorf("a forged yes of the last staff member: got %q, want it refused", got)
	}
}

func itoa(n int64) string { return idArg(n) }

// TestErasureThroughTelegram plays issue 15 through serve's real Telegram
// edge against the fake Bot API: Zebedea books the last desks of a slot
// someone waits for, subscribes, gets their data as a file, asks to be
// erased and says yes; the one waiting is offered the place, the provider
// is told without Zebedea's name, no cell of the database holds Zebedea,
// and their next message is from a new person.
func TestErasureThroughTelegram(t *testing.T) {
	db := mustDemoDB(t)
	ctx := context.Background()
	zeb := telegramtest.User{ID: 5550123456, FirstName: "Zebedea", LanguageCode: "it"}
	bruno := telegramtest.User{ID: 300, FirstName: "Bruno", LanguageCode: "it"}
	gino := telegramtest.User{ID: 200, FirstName: "Gino", LanguageCode: "it"}
	if err := db.AddProvider(ctx, registry.CommandLine, "il-cortile", gino.ID); err != nil {
		t.Fatal(err)
	}
	h := startTelegram(t, db)
	h.say(t, gino, "/start")

	h.say(t, zeb, "prenota 4 scrivanie venerdì mattina da Il Cortile")
	h.press(t, zeb, "Conferma")
	code := regexp.MustCompile(`Codice prenotazione: ([A-Z0-9]{6})`).FindStringSubmatch(h.chatText(zeb.ID))
	if code == nil {
		t.Fatalf("no booking:\n%s", h.chatText(zeb.ID))
	}
	if out := h.chatText(gino.ID); !strings.Contains(out, "Zebedea") {
		t.Fatalf("got %q, want the provider told of Zebedea's booking", out)
	}
	h.say(t, bruno, "prenota 1 scrivania venerdì mattina da Il Cortile")
	h.press(t, bruno, "Conferma")
	h.press(t, bruno, "Avvisami se si libera")
	if !strings.Contains(h.chatText(bruno.ID), "Sei in lista d'attesa") {
		t.Fatalf("Bruno is not waiting:\n%s", h.chatText(bruno.ID))
	}
	h.say(t, zeb, "/avvisi")

	// Their data, as a file.
	before := len(h.srv.Messages(zeb.ID))
	h.say(t, zeb, "che dati avete su di me?")
	msgs := h.srv.Messages(zeb.ID)[before:]
	if len(msgs) != 2 || msgs[1].Document == nil {
		t.Fatalf("got %+v, want a summary and a document", msgs)
	}
	if !strings.Contains(msgs[0].Plain, "1 prenotazione, con la sua storia") {
		t.Errorf("got %q, want the summary", msgs[0].Plain)
	}
	doc := msgs[1].Document
	if doc.FileName != "imieidati-2026-12-02.json" || doc.MimeType != "application/json" || !json.Valid(doc.Bytes) ||
		!bytes.Contains(doc.Bytes, []byte(code[1])) || !bytes.Contains(doc.Bytes, []byte(`"first_name": "Zebedea"`)) {
		t.Errorf("got document %s (%s): %s", doc.FileName, doc.MimeType, doc.Bytes)
	}
	if msgs[1].CaptionPlain != "📄 I tuoi dati, come li conserva il Comune" {
		t.Errorf("got caption %q", msgs[1].CaptionPlain)
	}

	// The erasure.
	if out := h.say(t, zeb, "cancella i miei dati"); !strings.Contains(out, "Vuoi che cancelli tutti i tuoi dati?") {
		t.Fatalf("got %q, want the question", out)
	}
	gotBefore := len(h.srv.Messages(gino.ID))
	h.press(t, zeb, "Sì, cancella tutto")
	if got := h.last(t, zeb.ID).Plain; !strings.Contains(got, "Fatto: ho cancellato i tuoi dati. La tua prenotazione in programma è annullata") {
		t.Errorf("got %q, want the erasure confirmed", got)
	}
	if got := h.chatText(bruno.ID); !strings.Contains(got, "Si è liberato un posto") {
		t.Errorf("got %q, want Bruno offered the desk", got)
	}
	told := h.srv.Messages(gino.ID)[gotBefore:]
	if len(told) != 1 || !strings.Contains(told[0].Plain, code[1]) || !strings.Contains(told[0].Plain, "ha chiesto di cancellare i propri dati") ||
		strings.Contains(told[0].Plain, "Zebedea") {
		t.Errorf("got %+v, want the provider told of the cancellation, without the name", told)
	}
	traces, err := db.Traces(ctx, zeb.ID, zeb.FirstName)
	if err != nil {
		t.Fatal(err)
	}
	for _, tr := range traces {
		t.Errorf("after the erasure: %s", tr)
	}
	h.press(t, bruno, "Prendo il posto")
	if !strings.Contains(h.last(t, bruno.ID).Plain, "Prenotato!") {
		t.Errorf("got %q, want Bruno booked", h.last(t, bruno.ID).Plain)
	}

	// A new person.
	if out := h.say(t, zeb, "/prenotazioni"); !strings.Contains(out, "Non hai prenotazioni in programma") {
		t.Errorf("got %q, want no bookings for the new person", out)
	}
	if u, _ := db.User(ctx, zeb.ID); u.Subscribed {
		t.Error("the new person is subscribed")
	}
}

func TestEveryPersonalTableHasASummaryLine(t *testing.T) {
	for _, lang := range locales.Languages {
		have, err := locales.IDs(lang)
		if err != nil {
			t.Fatal(err)
		}
		for _, tb := range registry.Tables {
			for _, id := range []string{tableMessage(tb.Name), aboutMessage(tb.Name)} {
				if _, ok := have[id]; tb.Personal() && !ok {
					t.Errorf("%s: no message %s for /imieidati", lang, id)
				}
			}
		}
	}
}

// TestNoTextInTheLog: the log has a message's text only with LogText, and
// the bot says so when it is on.
func TestNoTextInTheLog(t *testing.T) {
	db := mustDemoDB(t)
	for _, on := range []bool{false, true} {
		var logs bytes.Buffer
		log := slog.New(slog.NewTextHandler(&logs, nil))
		b, err := New(Config{DB: db, Log: log, LogText: on})
		if err != nil {
			t.Fatal(err)
		}
		b.log.Error("handle", "user", 1, b.textAttr("prenota per Zebedea"), "err", "boom")
		if got := strings.Contains(logs.String(), "Zebedea"); got != on {
			t.Errorf("LogText %v: got the text in the log %v:\n%s", on, got, logs.String())
		}
		if warned := strings.Contains(logs.String(), "personal data goes into the log"); warned != on {
			t.Errorf("LogText %v: got the warning %v", on, warned)
		}
	}
}

// TestTickPurges: the ticker forgets a shared location after three hours
// and the conversation after a day of silence.
func TestTickPurges(t *testing.T) {
	db, b, start := sharedLocation(t)
	ctx := context.Background()
	b.Handle(ctx, Incoming{UserID: 1, ClientLang: "it", Text: "prenota una scrivania venerdì da Il Cortile"})
	tick := func(after time.Duration) registry.User {
		t.Helper()
		db.Now = func() time.Time { return start.Add(after) }
		if err := b.Tick(ctx, func(context.Context, Outgoing) error { return nil }); err != nil {
			t.Fatal(err)
		}
		u, err := db.User(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	if u := tick(2 * time.Hour); u.Location == nil || u.State == "{}" {
		t.Fatalf("after 2 hours: got location %v, state %s, want both kept", u.Location, u.State)
	}
	if u := tick(3*time.Hour + time.Minute); u.Location != nil || u.State == "{}" {
		t.Errorf("after 3 hours: got location %v, state %s, want the location gone, the state kept", u.Location, u.State)
	}
	if u := tick(24*time.Hour + time.Minute); u.State != "{}" {
		t.Errorf("after a day: got state %s, want it gone", u.State)
	}
}

// TestLocationServesAsLongAsItIsKept: without a purge (the console, or
// before the ticker's next round) a location shared more than three hours
// ago, as long as the notice says it is kept, is not used: "vicino a me"
// asks for it again; within the three hours it is used.
func TestLocationServesAsLongAsItIsKept(t *testing.T) {
	db, b, start := sharedLocation(t)
	ctx := context.Background()
	ask := func(after time.Duration) Response {
		db.Now = func() time.Time { return start.Add(after) }
		return b.Handle(ctx, Incoming{UserID: 1, ClientLang: "it", Text: "coworking con la fibra vicino a me"})
	}
	asksForIt := func(r Response) bool {
		for _, x := range r.Replies {
			for _, row := range x.Keyboard {
				for _, k := range row {
					if k.RequestLocation {
						return true
					}
				}
			}
		}
		return false
	}
	if r := ask(2 * time.Hour); asksForIt(r) || !strings.Contains(text(r), " m") {
		t.Errorf("after 2 hours: got %q, want the spaces near the shared location, with distances", text(r))
	}
	if r := ask(3*time.Hour + time.Minute); !asksForIt(r) {
		t.Errorf("after 3 hours: got %q, want to be asked for the location again", text(r))
	}
	// Nor does a search kept in the conversation's state (the service
	// picker's, a follow-up) sort around it: around the centre, and it
	// says so (found by review).
	db.Now = func() time.Time { return start.Add(4 * time.Hour) }
	r := b.Handle(ctx, Incoming{UserID: 1, ClientLang: "it", Callback: "f:go"})
	if strings.Contains(text(r), "vicino a te") || !strings.Contains(text(r), "vicino al centro di Seregno") {
		t.Errorf("4 hours after sharing it, the picker: got %.200q, want the centre", text(r))
	}
	r = b.Handle(ctx, Incoming{UserID: 1, ClientLang: "it", Text: "e domani?"})
	if !strings.Contains(text(r), "vicino al centro di Seregno, aperti domani") {
		t.Errorf("4 hours after sharing it, a follow-up: got %.200q, want the centre", text(r))
	}
}

// sharedLocation is the demo registry and a bot to which person 1 has just
// shared a location near Seregno's station, and when.
func sharedLocation(t *testing.T) (*registry.DB, *Bot, time.Time) {
	t.Helper()
	db := mustDemoDB(t)
	b, err := New(Config{DB: db, Log: quiet})
	if err != nil {
		t.Fatal(err)
	}
	start := db.Now()
	b.Handle(context.Background(), Incoming{UserID: 1, ClientLang: "it", Location: &orb.Point{9.2101, 45.6469}})
	return db, b, start
}
