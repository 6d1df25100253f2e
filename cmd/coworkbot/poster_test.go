package main

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"github.com/comune-seregno/coworkbot/bot"
	"github.com/comune-seregno/coworkbot/bot/poster"
	"github.com/comune-seregno/coworkbot/bot/telegramtest"
	"github.com/comune-seregno/coworkbot/registry"
)

// coworkbot runs the program with args and returns what it printed.
func coworkbot(t *testing.T, args ...string) (stdout string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err = run(context.Background(), args, strings.NewReader(""), &out, &errOut)
	return out.String(), err
}

func TestLinkPrintsTheDeepLink(t *testing.T) {
	db := demoFile(t)
	t.Setenv("TELEGRAM_BOT_USERNAME", "")
	out, err := coworkbot(t, "link", "-db", db, "-space", "officina-brianza", "-bot-username", "@CoworkSeregnoBot")
	if err != nil {
		t.Fatal(err)
	}
	if want := "https://t.me/CoworkSeregnoBot?start=space_officina-brianza\n"; out != want {
		t.Errorf("got %q, want %q", out, want)
	}
	// From the environment, unless the flag says otherwise.
	t.Setenv("TELEGRAM_BOT_USERNAME", "SeregnoLavoroBot")
	if out, err := coworkbot(t, "link", "-db", db, "-space", "binario-uno"); err != nil || out != "https://t.me/SeregnoLavoroBot?start=space_binario-uno\n" {
		t.Errorf("got %q, %v; want the username from $TELEGRAM_BOT_USERNAME", out, err)
	}
	if out, err := coworkbot(t, "link", "-db", db, "-space", "binario-uno", "-bot-username", "AltroNomeBot"); err != nil || !strings.Contains(out, "t.me/AltroNomeBot?") {
		t.Errorf("got %q, %v; want -bot-username before the environment", out, err)
	}
}

// readQR decodes the QR code of a PNG file with ZXing, as a phone would.
func readQR(t *testing.T, path string) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatalf("%s: no QR code read: %v", path, err)
	}
	return res.GetText()
}

// TestPosterLeadsToTheSpace does what a provider would: make the poster,
// read its code from the image, and follow the link's payload back to the
// space in the list.
func TestPosterLeadsToTheSpace(t *testing.T) {
	db := demoFile(t)
	file := filepath.Join(t.TempDir(), "officina.png")
	out, err := coworkbot(t, "poster", "-db", db, "-space", "officina-brianza", "-o", file, "-bot-username", "CoworkSeregnoBot")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "Poster di Officina Brianza scritto in "+file) {
		t.Errorf("got %q, want the file named", out)
	}
	link := readQR(t, file)
	if link != "https://t.me/CoworkSeregnoBot?start=space_officina-brianza" {
		t.Fatalf("decoded %q, want the space's deep link", link)
	}
	u, err := url.Parse(link)
	if err != nil || u.Host != "t.me" || u.Path != "/CoworkSeregnoBot" {
		t.Fatalf("decoded %q: not a link to the bot", link)
	}
	kind, id := bot.ParsePayload(u.Query().Get("start"))
	if kind != bot.PayloadSpace {
		t.Fatalf("payload kind %q, want %q", kind, bot.PayloadSpace)
	}
	d, err := registry.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	s, err := d.Space(context.Background(), id)
	if err != nil || s.Name != "Officina Brianza" || s.Status != registry.Approved {
		t.Errorf("the payload's space %q: got %q (%s), %v; want Officina Brianza, approved", id, s.Name, s.Status, err)
	}
	// 210 × 297 mm at 300 dpi.
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if cfg, err := png.DecodeConfig(f); err != nil || image.Pt(cfg.Width, cfg.Height) != image.Pt(2480, 3508) {
		t.Errorf("got %d×%d pixels, %v; want 2480×3508", cfg.Width, cfg.Height, err)
	}
	if info, err := os.Stat(file); err != nil || info.Mode().Perm() != 0o644 {
		t.Errorf("poster file mode: %v, %v; want 0644", info.Mode(), err)
	}
}

func TestPosterPDF(t *testing.T) {
	db := demoFile(t)
	file := filepath.Join(t.TempDir(), "nido.PDF")
	if _, err := coworkbot(t, "poster", "-db", db, "-space", "nido-lavoro", "-o", file, "-bot-username", "CoworkSeregnoBot", "-lang", "en"); err != nil {
		t.Fatal(err)
	}
	pdf, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"%PDF-1.", "/MediaBox [0 0 595.28 841.89]", "/Subtype /Image", "%%EOF"} {
		if !bytes.Contains(pdf, []byte(want)) {
			t.Errorf("the PDF has no %q", want)
		}
	}
}

// The poster's texts: the official line and the instructions in the
// poster's language first, then in the other.
func TestPosterLanguages(t *testing.T) {
	db := demoFile(t)
	dir := t.TempDir()
	const it, en = "Inquadra il codice per prenotare con il bot del Comune", "Scan the code to book with the Comune's bot"
	for _, c := range []struct {
		lang, official, scan, scanAlt string
	}{
		{"it", "Iscritto all'elenco ufficiale del Comune di Seregno", it, en},
		{"en", "On the Comune di Seregno's official list", en, it},
	} {
		file := filepath.Join(dir, c.lang+".png")
		if _, err := coworkbot(t, "poster", "-db", db, "-space", "nido-lavoro", "-o", file, "-bot-username", "CoworkSeregnoBot", "-lang", c.lang); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var want bytes.Buffer
		err = poster.PNG(&want, poster.Poster{Name: "Nido & Lavoro", Comune: "Seregno", Official: c.official, Scan: c.scan, ScanAlt: c.scanAlt,
			LinkText: "t.me/CoworkSeregnoBot?start=space_nido-lavoro", Link: "https://t.me/CoworkSeregnoBot?start=space_nido-lavoro"})
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want.Bytes()) {
			t.Errorf("-lang %s: the poster is not the one with %q, then %q", c.lang, c.scan, c.scanAlt)
		}
	}
}

func TestLinkAndPosterRefusals(t *testing.T) {
	db := demoFile(t)
	d, err := registry.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := d.SetStatus(ctx, registry.CommandLine, "binario-uno", registry.Suspended, ""); err != nil {
		t.Fatal(err)
	}
	if err := d.SetStatus(ctx, registry.CommandLine, "torre-civica", registry.Pending, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := d.EditSpace(ctx, registry.CommandLine, "nido-lavoro", func(s *registry.Space) error { s.Name = "Nido 東京"; return nil }); err != nil {
		t.Fatal(err)
	}
	d.Close()
	dir := t.TempDir()
	png := filepath.Join(dir, "p.png")
	t.Setenv("TELEGRAM_BOT_USERNAME", "")
	for _, c := range []struct {
		args   []string
		it, en string
	}{
		{[]string{"link", "-db", db, "-bot-username", "CoworkSeregnoBot"},
			"Indica lo spazio con -space", "Specify the space with -space"},
		{[]string{"link", "-db", db, "-space", "nessuno", "-bot-username", "CoworkSeregnoBot"},
			"Nell'elenco non c'è nessuno spazio con id «nessuno»", "There is no space with id “nessuno” on the list"},
		{[]string{"poster", "-db", db, "-space", "binario-uno", "-o", png, "-bot-username", "CoworkSeregnoBot"},
			"Binario Uno (binario-uno) è sospeso dall'elenco", "Binario Uno (binario-uno) is suspended from the list"},
		{[]string{"link", "-db", db, "-space", "binario-uno", "-bot-username", "CoworkSeregnoBot"},
			"è sospeso dall'elenco", "is suspended from the list"},
		{[]string{"poster", "-db", db, "-space", "torre-civica", "-o", png, "-bot-username", "CoworkSeregnoBot"},
			"non è ancora stato approvato dal Comune", "has not been approved by the Comune yet"},
		{[]string{"link", "-db", db, "-space", "officina-brianza"},
			"Manca il nome utente del bot", "The bot's username is missing"},
		{[]string{"poster", "-db", db, "-space", "officina-brianza", "-o", png},
			"Manca il nome utente del bot", "The bot's username is missing"},
		{[]string{"link", "-db", db, "-space", "officina-brianza", "-bot-username", "cowork seregno"},
			"«cowork seregno» non è un nome utente Telegram", "“cowork seregno” is not a Telegram username"},
		{[]string{"poster", "-db", db, "-space", "officina-brianza", "-bot-username", "CoworkSeregnoBot"},
			"Indica il file da scrivere con -o", "Say which file to write with -o"},
		{[]string{"poster", "-db", db, "-space", "officina-brianza", "-o", filepath.Join(dir, "p.jpg"), "-bot-username", "CoworkSeregnoBot"},
			"il file deve finire in .png o .pdf", "the file name must end in .png or .pdf"},
		{[]string{"link", "-space", "officina-brianza", "-bot-username", "CoworkSeregnoBot"},
			"Indica il database dell'elenco con -db", "Specify the list's database with -db"},
		{[]string{"link", "-db", filepath.Join(dir, "nessuno.db"), "-space", "officina-brianza", "-bot-username", "CoworkSeregnoBot"},
			"non esiste", "There is no database at"},
		{[]string{"poster", "-db", db, "-space", "nido-lavoro", "-o", png, "-bot-username", "CoworkSeregnoBot"},
			"«Nido 東京» contiene un carattere che il poster non sa stampare: «東»", "“Nido 東京” contains a character the poster can't print: “東”"},
	} {
		for lang, want := range map[string]string{"it": c.it, "en": c.en} {
			args := append(c.args, "-lang", lang)
			out, err := coworkbot(t, args...)
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("%s: got %q, %v; want %q", strings.Join(args, " "), out, err, want)
			}
		}
	}
	// Nothing was written, not even a half file, and no database was made.
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("left behind: %v", entries)
	}
	// A refused poster does not touch the file already there.
	if err := os.WriteFile(png, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := coworkbot(t, "poster", "-db", db, "-space", "nido-lavoro", "-o", png, "-bot-username", "CoworkSeregnoBot"); err == nil {
		t.Fatal("want the poster refused")
	}
	if got, _ := os.ReadFile(png); string(got) != "old" {
		t.Errorf("the file was overwritten: %q", got)
	}
}

// TestLinkAsksTelegramWhoTheBotIs: with no username given, link asks getMe
// with the token.
func TestLinkAsksTelegramWhoTheBotIs(t *testing.T) {
	srv := telegramtest.NewServer("42:abc")
	defer srv.Close()
	db := demoFile(t)
	t.Setenv("TELEGRAM_BOT_USERNAME", "")
	t.Setenv("TELEGRAM_BOT_TOKEN", "42:abc")
	t.Setenv("TELEGRAM_API_ENDPOINT", srv.URL())
	out, err := coworkbot(t, "link", "-db", db, "-space", "officina-brianza")
	if err != nil {
		t.Fatal(err)
	}
	if want := "https://t.me/" + srv.Me().Username + "?start=space_officina-brianza\n"; out != want {
		t.Errorf("got %q, want %q", out, want)
	}
	if n := len(srv.CallsTo("getMe")); n != 1 {
		t.Errorf("got %d getMe calls, want 1", n)
	}
	t.Setenv("TELEGRAM_BOT_TOKEN", "42:wrong")
	if _, err := coworkbot(t, "link", "-db", db, "-space", "officina-brianza"); err == nil || !strings.Contains(err.Error(), "refused") {
		t.Errorf("got %v with a wrong token, want it refused", err)
	}
}

// TestPosterInTheConsole: a provider asks for the poster in the console
// chat; the PNG is saved where the console says, and it is an A4 page.
func TestPosterInTheConsole(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("TMPDIR", dir)
	db := demoFile(t)
	d, err := registry.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.AddProvider(context.Background(), registry.CommandLine, "officina-brianza", 7); err != nil {
		t.Fatal(err)
	}
	d.Close()
	out := chat(t, []string{"-db", db, "-user", "7", "-bot-username", "CoworkSeregnoBot"}, "/miospazio", "#11")
	file := filepath.Join(dir, "locandina-officina-brianza.png")
	if !strings.Contains(out, "salvato in "+file) || !strings.Contains(out, "https://t.me/CoworkSeregnoBot?start=space_officina-brianza") {
		t.Fatalf("got %q, want the poster saved and its link", out)
	}
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cfg, err := png.DecodeConfig(f)
	if err != nil || cfg.Width != 2480 || cfg.Height != 3508 {
		t.Errorf("got %+v, %v, want an A4 page at 300 dpi", cfg, err)
	}
}
