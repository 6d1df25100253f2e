package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/comune-seregno/coworkbot/registry"
)

// cli runs one command and returns what it printed, failing on an error.
func cli(t *testing.T, args ...string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	if err := run(context.Background(), args, strings.NewReader(""), &out, &errOut); err != nil {
		t.Fatalf("%v: %v\n%s", args, err, errOut.String())
	}
	return out.String()
}

func TestAdminInviteAudit(t *testing.T) {
	db := demoFile(t)
	// The clerk names the first staff member on the command line.
	if out := cli(t, "admin", "add", "-db", db, "4242", "-name", "Carla Rossi"); !strings.Contains(out, "4242 (Carla Rossi) fa ora parte del personale") {
		t.Errorf("admin add: got %q", out)
	}
	if out := cli(t, "admin", "list", "-db", db); !strings.Contains(out, "4242\tCarla Rossi") {
		t.Errorf("admin list: got %q", out)
	}
	var errOut bytes.Buffer
	if err := run(context.Background(), []string{"admin", "add", "-db", db, "carla"}, nil, &bytes.Buffer{}, &errOut); err == nil || !strings.Contains(err.Error(), "non è un id Telegram") {
		t.Errorf("admin add with a name for an id: got %v", err)
	}
	if err := run(context.Background(), []string{"admin", "list", "-db", filepath.Join(t.TempDir(), "none.db")}, nil, &bytes.Buffer{}, &errOut); err == nil || !strings.Contains(err.Error(), "non esiste") {
		t.Errorf("admin on a missing database: got %v", err)
	}
	// An invitation: a link with the bot's username, and the line for the console.
	out := cli(t, "invite", "-db", db, "-space", "officina-brianza", "-bot-username", "CoworkSeregnoBot")
	if !strings.Contains(out, "https://t.me/CoworkSeregnoBot?start=inv_") || !strings.Contains(out, "/start inv_") {
		t.Errorf("invite: got %q", out)
	}
	if err := run(context.Background(), []string{"invite", "-db", db, "-space", "nowhere"}, nil, &bytes.Buffer{}, &errOut); err == nil || !strings.Contains(err.Error(), "nowhere") {
		t.Errorf("invite to an unknown space: got %v", err)
	}
	// The audit log as CSV, oldest first, in the clerk's language.
	path := filepath.Join(t.TempDir(), "audit.csv")
	cli(t, "audit", "-db", db, "-o", path)
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(raw), "\ufeff")))
	r.Comma = ';'
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) < 3 || rows[0][3] != "azione" {
		t.Fatalf("got %d rows, header %v", len(rows), rows[0])
	}
	var actions []string
	for _, row := range rows[1:] {
		actions = append(actions, row[3])
	}
	joined := strings.Join(actions, "|")
	for _, want := range []string{"importazione dal file", "personale aggiunto", "invito a gestire"} {
		if !strings.Contains(joined, want) {
			t.Errorf("audit actions %q lack %q", joined, want)
		}
	}
	if last := rows[len(rows)-1]; last[1] != "riga di comando" || last[4] != "officina-brianza" {
		t.Errorf("last row: got %v, want the invitation by the command line", last)
	}
}

func TestImportReportsWhatTheChatChanged(t *testing.T) {
	db := demoFile(t)
	ctx := context.Background()
	d, err := registry.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.EditSpace(ctx, registry.CommandLine, "officina-brianza", func(s *registry.Space) error { s.Phone = "+39 0362 111111"; return nil }); err != nil {
		t.Fatal(err)
	}
	var file bytes.Buffer
	if err := d.Export(ctx, &file, registry.GeoJSON); err != nil {
		t.Fatal(err)
	}
	d.Close()
	// The clerk's file still has the old phone, and lacks one space.
	doc := strings.ReplaceAll(file.String(), "+39 0362 111111", "+39 0362 000101")
	lines := strings.Split(doc, "\n")
	var kept []string
	for _, l := range lines {
		if !strings.Contains(l, `"id":"smart-verano"`) {
			kept = append(kept, l)
		}
	}
	doc = strings.Replace(strings.Join(kept, "\n"), "},\n]}", "}\n]}", 1)
	path := filepath.Join(t.TempDir(), "elenco.geojson")
	if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	out := cli(t, "import", "-db", db, path)
	for _, want := range []string{"Nel file manca uno spazio dell'elenco: smart-verano", "officina-brianza, phone", "Tenuto il valore del bot"} {
		if !strings.Contains(out, want) {
			t.Errorf("got %q, want %q", out, want)
		}
	}
	out = cli(t, "import", "-db", db, "-keep", "file", "-lang", "en", path)
	if !strings.Contains(out, "Kept the file's value") || !strings.Contains(out, "1 updated") {
		t.Errorf("got %q, want the file's phone kept", out)
	}
}
