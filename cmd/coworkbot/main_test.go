package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/comune-seregno/coworkbot/bot/telegramtest"
	"github.com/comune-seregno/coworkbot/registry"
)

// chat runs "coworkbot chat" with the given input lines and returns what it printed.
func chat(t *testing.T, args []string, lines ...string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	in := strings.NewReader(strings.Join(lines, "\n") + "\n")
	if err := run(context.Background(), append([]string{"chat"}, args...), in, &out, &errOut); err != nil {
		t.Fatalf("chat: %v\n%s", err, errOut.String())
	}
	return out.String()
}

// after returns what follows the last occurrence of marker.
func after(s, marker string) string {
	i := strings.LastIndex(s, marker)
	if i < 0 {
		return ""
	}
	return s[i:]
}

func TestChatOnTheDemoRegistry(t *testing.T) {
	out := chat(t, []string{"-now", "2026-12-02T10:00", "-name", "Anna"},
		"/start", "@45.6469,9.2101", "con cobaby", "#1")
	if !strings.Contains(out, "Ciao Anna") || !strings.Contains(out, "[1] 🔎 Cerca per servizio") {
		t.Errorf("got %q, want the greeting with numbered buttons", out)
	}
	near := after(out, "Grazie, sei dalle parti di Seregno")
	if !strings.Contains(near, "1. Binario Uno") {
		t.Errorf("got %q, want Binario Uno nearest the station", near)
	}
	cobaby := after(out, "🔎 Spazi con Cobaby")
	if !strings.Contains(cobaby, "1. Officina Brianza") || !strings.Contains(cobaby, "2. Nido & Lavoro") || strings.Contains(cobaby, "Binario") {
		t.Errorf("got %q, want the Cobaby spaces nearest first", cobaby)
	}
	if !strings.Contains(out, "🪑 20 scrivanie prenotabili") || !strings.Contains(out, "openstreetmap.org/?mlat=45.65190") {
		t.Errorf("got %q, want the details of Officina Brianza with a map", out)
	}
}

func TestChatBadInput(t *testing.T) {
	out := chat(t, []string{"-lang", "en"}, "#9", "@95,300", "asdfgh qwerty", "/frobnicate")
	for _, want := range []string{"There is no button 9", "Not a valid location", "I didn't quite get that", "I don't know the command /frobnicate"} {
		if !strings.Contains(out, want) {
			t.Errorf("got %q, want %q", out, want)
		}
	}
}

// demoFile makes a database file holding the demo registry.
func demoFile(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "r.db")
	d, err := registry.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if err := d.LoadDemo(context.Background()); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestChatRemembersTheUser(t *testing.T) {
	db := demoFile(t)
	chat(t, []string{"-db", db, "-user", "77"}, "/language en")
	out := chat(t, []string{"-db", db, "-user", "77"}, "/help")
	if !strings.Contains(out, "What I can do") {
		t.Errorf("got %q, want the language remembered across runs", out)
	}
}

func TestChatBooking(t *testing.T) {
	db := demoFile(t)
	args := []string{"-db", db, "-now", "2026-12-02T10:00", "-user", "5"}
	out := chat(t, args, "prenota 2 scrivanie venerdì mattina da Officina Brianza", "#1", "#1")
	if !strings.Contains(out, "Officina Brianza, ven 4 dic, 8:30–13:00, 2 scrivanie · 18 €") || !strings.Contains(out, "Codice prenotazione:") {
		t.Fatalf("got %q, want the booking summary and its code", out)
	}
	// Confirm pressed twice ("#1" again on the confirmation's only button
	// shows the bookings instead); one booking only.
	out = chat(t, args, "/prenotazioni")
	if !strings.Contains(out, "Hai 1 prenotazione") {
		t.Fatalf("got %q, want exactly one booking", out)
	}
	code := strings.TrimSpace(after(out, "codice ")[len("codice "):][:6])
	out = chat(t, args, "annulla "+code, "#1", "/prenotazioni")
	if !strings.Contains(out, "Prenotazione "+code+" annullata") || !strings.Contains(out, "Non hai prenotazioni in programma") {
		t.Errorf("got %q, want the booking cancelled", out)
	}
	// A closed day is refused with a way forward.
	out = chat(t, args, "prenota una scrivania domenica da Officina Brianza")
	if !strings.Contains(out, "chiuso") {
		t.Errorf("got %q, want Sunday refused as closed", out)
	}
}

func TestServeAgainstFakeBotAPI(t *testing.T) {
	srv := telegramtest.NewServer("42:abc")
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	var logs bytes.Buffer
	go func() {
		done <- run(ctx, []string{"serve", "-token", "42:abc", "-api-endpoint", srv.URL(), "-poll-timeout", "1s",
			"-db", filepath.Join(t.TempDir(), "serve.db")}, nil, nil, &logs)
	}()
	u := telegramtest.User{ID: 3, FirstName: "Dora", LanguageCode: "it"}
	srv.SendText(u, "/start")
	wait, stop := context.WithTimeout(context.Background(), 20*time.Second)
	defer stop()
	if _, err := srv.WaitMessages(wait, u.ID, 2); err != nil {
		t.Fatalf("no answer to /start: %v\n%s", err, logs.String())
	}
	// An empty registry answers kindly rather than failing.
	srv.SendText(u, "coworking con la fibra")
	msgs, err := srv.WaitMessages(wait, u.ID, 3)
	if err != nil {
		t.Fatal(err)
	}
	if got := msgs[2].Plain; !strings.Contains(got, "Non ho trovato spazi") {
		t.Errorf("got %q, want no spaces found in an empty registry", got)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve returned %v, want a clean stop", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop when its context ended")
	}
}

func TestImportExportCLI(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "list.db")
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"import", "-db", db, "../../docs/example.geojson"}, nil, &out, &errOut); err != nil {
		t.Fatalf("import: %v\n%s", err, errOut.String())
	}
	if !strings.Contains(out.String(), "3 nuovi") {
		t.Errorf("got %q, want 3 new spaces", out.String())
	}
	export := func(format string) string {
		t.Helper()
		var b bytes.Buffer
		if err := run(context.Background(), []string{"export", "-db", db, "-format", format}, nil, &b, &errOut); err != nil {
			t.Fatalf("export: %v", err)
		}
		return b.String()
	}
	geo, csv := export("geojson"), export("csv")
	// Export, import, export: the same bytes, in both formats.
	for _, c := range []struct{ name, doc string }{{"x.geojson", geo}, {"x.csv", csv}} {
		f := filepath.Join(dir, c.name)
		os.WriteFile(f, []byte(c.doc), 0o644)
		db2 := filepath.Join(dir, "again-"+c.name+".db")
		if err := run(context.Background(), []string{"import", "-db", db2, f}, nil, &out, &errOut); err != nil {
			t.Fatalf("re-import %s: %v", c.name, err)
		}
		var b bytes.Buffer
		format := strings.TrimPrefix(filepath.Ext(c.name), ".")
		if err := run(context.Background(), []string{"export", "-db", db2, "-format", format}, nil, &b, &errOut); err != nil {
			t.Fatal(err)
		}
		if b.String() != c.doc {
			t.Errorf("%s: export after import differs", c.name)
		}
	}
	// A file with one mistake is refused, with a message that points at it.
	var fc map[string]any
	json.Unmarshal([]byte(geo), &fc)
	fc["features"].([]any)[1].(map[string]any)["properties"].(map[string]any)["services"] = []string{"wifi", "fibra"}
	bad, _ := json.Marshal(fc)
	badFile := filepath.Join(dir, "bad.geojson")
	os.WriteFile(badFile, bad, 0o644)
	errOut.Reset()
	err := run(context.Background(), []string{"import", "-db", db, badFile}, nil, &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "rifiutata") {
		t.Fatalf("got %v, want the import refused", err)
	}
	if msg := errOut.String(); !strings.Contains(msg, "record 2") || !strings.Contains(msg, "campo «services»") || !strings.Contains(msg, "«fibra»") {
		t.Errorf("got %q, want the record, the field and the bad value", msg)
	}
	if export("geojson") != geo {
		t.Error("a refused import changed the registry")
	}
	fresh := filepath.Join(dir, "never.db")
	if err := run(context.Background(), []string{"import", "-db", fresh, badFile}, nil, &out, &errOut); err == nil {
		t.Error("got a bad file imported into a new database")
	}
	if _, err := os.Stat(fresh); !os.IsNotExist(err) {
		t.Errorf("got %v for the database of a refused import, want no file at all", err)
	}
	// Usage errors.
	var u usageError
	if err := run(context.Background(), []string{"export", "-db", db, "-format", "xml"}, nil, &out, &errOut); !asUsage(err, &u) {
		t.Errorf("got %v, want a usage error", err)
	}
}

func asUsage(err error, u *usageError) bool {
	v, ok := err.(usageError)
	if ok {
		*u = v
	}
	return ok
}

func TestPatronDayIsAHoliday(t *testing.T) {
	line := "prenota una scrivania il 19 marzo da Officina Brianza"
	if out := chat(t, []string{"-now", "2027-03-10T10:00"}, line); !strings.Contains(out, "festa (San Giuseppe)") {
		t.Errorf("got %q, want 19 March closed for San Giuseppe", out)
	}
	if out := chat(t, []string{"-now", "2027-03-10T10:00", "-patron", "12-07"}, line); strings.Contains(out, "festa") {
		t.Errorf("got %q, want 19 March open with another patron", out)
	}
	var errOut bytes.Buffer
	if err := run(context.Background(), []string{"chat", "-patron", "19/03"}, strings.NewReader(""), &errOut, &errOut); !asUsage(err, new(usageError)) {
		t.Errorf("got %v, want a usage error for a bad -patron", err)
	}
}
