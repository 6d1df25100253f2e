package bot

import (
	"bytes"
	"context"
	"image/png"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"github.com/comune-seregno/coworkbot/bot/telegramtest"
	"github.com/comune-seregno/coworkbot/registry"
)

// TestPosterFromMySpace: a provider gets their space's poster in the chat,
// from /miospazio, through serve against the fake Bot API: a PNG file
// whose QR code (read back with ZXing, as a phone would) is the space's
// deep link with the username getMe gave; opening that link's payload
// lands on the space, ready to book. A suspended space gets no poster.
func TestPosterFromMySpace(t *testing.T) {
	db := mustDemoDB(t)
	ctx := context.Background()
	gino := telegramtest.User{ID: 200, FirstName: "Gino", LanguageCode: "it"}
	if err := db.AddProvider(ctx, registry.CommandLine, "officina-brianza", gino.ID); err != nil {
		t.Fatal(err)
	}
	if err := db.AddProvider(ctx, registry.CommandLine, "binario-uno", gino.ID); err != nil {
		t.Fatal(err)
	}
	h := startTelegram(t, db)
	h.say(t, gino, "/miospazio")
	h.press(t, gino, "Officina Brianza")
	h.press(t, gino, "Locandina")
	last := h.last(t, gino.ID)
	if last.Document == nil || last.Document.MimeType != "image/png" || !strings.Contains(last.CaptionPlain, "stampala a grandezza reale") {
		t.Fatalf("got %+v, want the poster as a PNG file with its caption", last)
	}
	img, err := png.Decode(bytes.NewReader(last.Document.Bytes))
	if err != nil {
		t.Fatal(err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true})
	if err != nil {
		t.Fatalf("no QR code read: %v", err)
	}
	want := "https://t.me/" + h.srv.Me().Username + "?start=space_officina-brianza"
	if res.GetText() != want {
		t.Fatalf("the QR code reads %q, want %q", res.GetText(), want)
	}
	// A citizen scans it: the payload opens the space, with Book.
	anna := telegramtest.User{ID: 300, FirstName: "Anna", LanguageCode: "it"}
	_, payload, _ := strings.Cut(res.GetText(), "?start=")
	h.say(t, anna, "/start "+payload)
	if out := h.chatText(anna.ID); !strings.Contains(out, "Officina Brianza") || !strings.Contains(out, "Prenota") {
		t.Errorf("got %q, want the space's card with Book", out)
	}
	// A suspended space: no poster.
	if _, err := db.Suspend(ctx, registry.CommandLine, "binario-uno", "verifiche"); err != nil {
		t.Fatal(err)
	}
	h.say(t, gino, "/miospazio")
	h.press(t, gino, "Binario Uno")
	h.press(t, gino, "Locandina")
	if last := h.last(t, gino.ID); last.Document != nil || !strings.Contains(last.Plain, "solo per gli spazi nell'elenco") {
		t.Errorf("got %+v, want no poster for a suspended space", last)
	}
}
