package main

import (
	"bytes"
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/comune-seregno/coworkbot/bot/telegramtest"
	"github.com/comune-seregno/coworkbot/registry"
)

func TestPurgeCLI(t *testing.T) {
	path := demoFile(t)
	ctx := context.Background()
	db, err := registry.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	// A booking made fourteen months ago, for two days later: past the
	// twelve months; one made now is not.
	then := time.Now().In(registry.Rome).AddDate(0, -14, 0)
	db.Now = func() time.Time { return then }
	old, err := db.Book(ctx, registry.BookingRequest{Key: "k1", UserID: 5, SpaceID: "binario-uno", Day: then.AddDate(0, 0, 2), Slot: registry.FullDay, Desks: 1})
	if err != nil {
		t.Fatal(err)
	}
	db.Now = time.Now
	kept, err := db.Book(ctx, registry.BookingRequest{Key: "k2", UserID: 5, SpaceID: "binario-uno", Day: time.Now().AddDate(0, 0, 2), Slot: registry.FullDay, Desks: 1})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()

	purge := func(args ...string) string {
		t.Helper()
		var out, errOut bytes.Buffer
		if err := run(ctx, append([]string{"purge", "-db", path}, args...), nil, &out, &errOut); err != nil {
			t.Fatalf("purge %v: %v\n%s", args, err, errOut.String())
		}
		return out.String()
	}
	out := purge("-dry-run")
	for _, want := range []string{"Prova (-dry-run), nulla è stato cambiato", "posizioni dopo 3 ore", "prenotazioni dopo 12 mesi",
		"• prenotazioni passate rese anonime (i numeri restano): 1"} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run: got %q, want %q", out, want)
		}
	}
	check := func(code string, user int64) {
		t.Helper()
		db, err := registry.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if b, err := db.Booking(ctx, code); err != nil || b.UserID != user {
			t.Errorf("booking %s: got user %d (%v), want %d", code, b.UserID, err, user)
		}
	}
	check(old.Code, 5)
	out = purge("-lang", "en")
	if !strings.Contains(out, "Purge of what was kept too long") || !strings.Contains(out, "• past bookings anonymised (the figures stay): 1") {
		t.Errorf("got %q, want one booking anonymised, in English", out)
	}
	check(old.Code, 0)
	check(kept.Code, 5)
	if out = purge("-keep-bookings", "1", "-dry-run"); !strings.Contains(out, "prenotazioni dopo 1 mese") || !strings.Contains(out, "rese anonime (i numeri restano): 0") {
		t.Errorf("got %q, want nothing more within a month", out)
	}
	var errOut bytes.Buffer
	if err := run(ctx, []string{"purge", "-db", filepath.Join(t.TempDir(), "none.db")}, nil, &errOut, &errOut); err == nil {
		t.Error("purge of a missing database: got no error")
	}
	if err := run(ctx, []string{"purge", "-db", path, "-keep-bookings", "0"}, nil, &errOut, &errOut); !asUsage(err, new(usageError)) {
		t.Errorf("got %v, want a usage error for -keep-bookings 0", err)
	}
}

// TestErasureThroughTheConsole: the same database, chat by chat as each
// person opens it. Zebedea books the four desks of Il Cortile on Friday
// morning and Bruno waits; Zebedea reads their data, then is erased; the
// provider finds the cancellation without the name, Bruno finds the place
// offered, and no cell of the file holds Zebedea.
func TestErasureThroughTheConsole(t *testing.T) {
	path := demoFile(t)
	ctx := context.Background()
	db, err := registry.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.AddProvider(ctx, registry.CommandLine, "il-cortile", 7); err != nil {
		t.Fatal(err)
	}
	db.Close()
	const zeb = "5550123456"
	as := func(user string, name string) []string {
		return []string{"-db", path, "-now", "2026-12-02T10:00", "-user", user, "-name", name}
	}
	out := chat(t, as(zeb, "Zebedea"), "prenota 4 scrivanie venerdì mattina da Il Cortile", "#1")
	code := regexp.MustCompile(`Codice prenotazione: ([A-Z0-9]{6})`).FindStringSubmatch(out)
	if code == nil {
		t.Fatalf("got %q, want a booking", out)
	}
	ask := []string{"prenota 1 scrivania venerdì mattina da Il Cortile", "#1"}
	out = chat(t, as("6", "Bruno"), ask...)
	wait := regexp.MustCompile(`\[(\d+)\] 🔔 Avvisami se si libera`).FindStringSubmatch(out)
	if wait == nil {
		t.Fatalf("got %q, want the slot full", out)
	}
	out = chat(t, as("6", "Bruno"), append(ask, "#"+wait[1])...)
	if !strings.Contains(out, "Sei in lista d'attesa") {
		t.Fatalf("got %q, want Bruno waiting", out)
	}
	if out = chat(t, as(zeb, "Zebedea"), "/imieidati"); !strings.Contains(out, `"code": "`+code[1]+`"`) || !strings.Contains(out, `"first_name": "Zebedea"`) {
		t.Errorf("got %q, want the data printed", out)
	}
	if out = chat(t, as(zeb, "Zebedea"), "/cancellami", "#1"); !strings.Contains(out, "Fatto: ho cancellato i tuoi dati") {
		t.Fatalf("got %q, want the erasure done", out)
	}
	out = chat(t, as("7", "Gino"))
	if !strings.Contains(out, "Prenotazione annullata") || !strings.Contains(out, code[1]) || strings.Contains(out, "Zebedea") {
		t.Errorf("the provider's mail: got %q, want the cancellation without the name", out)
	}
	if out = chat(t, as("6", "Bruno")); !strings.Contains(out, "Si è liberato un posto") {
		t.Errorf("Bruno's mail: got %q, want the place offered", out)
	}
	db, err = registry.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	traces, err := db.Traces(ctx, 5550123456, "Zebedea")
	if err != nil {
		t.Fatal(err)
	}
	for _, tr := range traces {
		t.Errorf("after the erasure: %s", tr)
	}
}

// TestServePrivacyFlags: serve's notice names the contacts its flags
// give, and -log-text says it is on.
func TestServePrivacyFlags(t *testing.T) {
	srv := telegramtest.NewServer("42:abc")
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	var logs bytes.Buffer // read once serve has returned
	go func() {
		done <- run(ctx, []string{"serve", "-token", "42:abc", "-api-endpoint", srv.URL(), "-poll-timeout", "1s",
			"-db", filepath.Join(t.TempDir(), "serve.db"), "-privacy-contact", "Piazza Martiri della Libertà 1", "-dpo-contact", "rpd@comune.example",
			"-privacy-channel", "lo sportello dell'URP", "-keep-location", "2h", "-log-text"}, nil, nil, &logs)
	}()
	u := telegramtest.User{ID: 3, FirstName: "Dora", LanguageCode: "it"}
	srv.SendText(u, "/privacy")
	wait, stop := context.WithTimeout(context.Background(), 20*time.Second)
	defer stop()
	msgs, err := srv.WaitMessages(wait, u.ID, 1)
	if err != nil {
		cancel()
		<-done
		t.Fatalf("no notice: %v\n%s", err, logs.String())
	}
	for _, want := range []string{"Piazza Martiri della Libertà 1", "rpd@comune.example", "lo sportello dell'URP", "dopo 2 ore"} {
		if !strings.Contains(msgs[0].Plain, want) {
			t.Errorf("got %q, want %q", msgs[0].Plain, want)
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("serve: %v", err)
	}
	if !strings.Contains(logs.String(), "personal data goes into the log") {
		t.Errorf("got logs %q, want -log-text to say it is on", logs.String())
	}
	if strings.Contains(logs.String(), "names no contact") {
		t.Error("serve warned of missing contacts that were given")
	}
}
