package telegramtest_test

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/comune-seregno/coworkbot/bot/telegramtest"
)

var bob = telegramtest.User{ID: 43, FirstName: "Bob", Username: "bob", LanguageCode: "en"}

// pngImage is a w×h PNG.
func pngImage(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	img.Set(0, 0, color.RGBA{R: 200, A: 255})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// blankPNG is a black w×h PNG in one bit per pixel, written by hand: the
// image encoder is slow on large images under the race detector.
func blankPNG(t testing.TB, w, h int) []byte {
	t.Helper()
	var out bytes.Buffer
	out.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, data []byte) {
		_ = binary.Write(&out, binary.BigEndian, uint32(len(data)))
		crc := crc32.NewIEEE()
		crc.Write([]byte(typ))
		crc.Write(data)
		out.WriteString(typ)
		out.Write(data)
		_ = binary.Write(&out, binary.BigEndian, crc.Sum32())
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8] = 1 // bit depth; colour type 0 (grey), no interlace
	chunk("IHDR", ihdr)
	var raw bytes.Buffer
	zw := zlib.NewWriter(&raw)
	_, _ = zw.Write(make([]byte, h*(1+(w+7)/8)))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	chunk("IDAT", raw.Bytes())
	chunk("IEND", nil)
	if _, err := png.DecodeConfig(bytes.NewReader(out.Bytes())); err != nil {
		t.Fatalf("blankPNG: %v", err)
	}
	return out.Bytes()
}

// wantUploadError checks a refused upload. The library drops the
// error_code of multipart answers, so the status is read from the call log.
func wantUploadError(t *testing.T, s *telegramtest.Server, err error, method string, code int, description string) {
	t.Helper()
	var e *tgbotapi.Error
	if !errors.As(err, &e) {
		t.Fatalf("got error %v (%T), want a *tgbotapi.Error", err, err)
	}
	calls := s.CallsTo(method)
	if len(calls) == 0 {
		t.Fatalf("no calls to %s", method)
	}
	if last := calls[len(calls)-1]; e.Message != description || last.Status != code {
		t.Errorf("got %d %q, want %d %q", last.Status, e.Message, code, description)
	}
}

func TestSendPhotoUpload(t *testing.T) {
	s, bot := mustServe(t)
	data := blankPNG(t, 2600, 200)
	photo := tgbotapi.NewPhoto(alice.ID, tgbotapi.FileBytes{Name: "sala.png", Bytes: data})
	photo.Caption = "<b>Sala</b> riunioni &amp; co"
	photo.ParseMode = tgbotapi.ModeHTML
	sent, err := bot.Send(photo)
	if err != nil {
		t.Fatalf("sendPhoto: %v", err)
	}
	if len(sent.Photo) < 2 {
		t.Fatalf("got photo sizes %+v, want several", sent.Photo)
	}
	largest := sent.Photo[len(sent.Photo)-1]
	if largest.Width != 2560 || largest.Height != 196 || largest.FileSize != len(data) {
		t.Errorf("got largest size %+v, want 2560×196 of %d bytes", largest, len(data))
	}
	if sent.Photo[0].Width != 90 || sent.Photo[0].Height != 6 {
		t.Errorf("got smallest size %+v, want 90×6", sent.Photo[0])
	}
	if sent.Caption != "Sala riunioni & co" || len(sent.CaptionEntities) != 1 || sent.CaptionEntities[0].Type != "bold" {
		t.Errorf("got caption %q with %+v, want the parsed caption with one bold entity", sent.Caption, sent.CaptionEntities)
	}
	if calls := s.CallsTo("sendPhoto"); len(calls) != 1 || !reflect.DeepEqual(calls[0].Files, []string{"photo"}) {
		t.Errorf("got calls %+v, want one with the photo file", calls)
	}

	msgs := s.Messages(alice.ID)
	if len(msgs) != 1 || msgs[0].Photo == nil {
		t.Fatalf("got %+v, want one photo", msgs)
	}
	got := msgs[0]
	if !bytes.Equal(got.Photo.Bytes, data) || got.Photo.FileID != largest.FileID || got.Photo.Width != 2560 {
		t.Errorf("got photo %s %d×%d, want the uploaded bytes as %s", got.Photo.FileID, got.Photo.Width, got.Photo.Height, largest.FileID)
	}
	if got.Caption != photo.Caption || got.CaptionPlain != "Sala riunioni & co" || got.ParseMode != "HTML" {
		t.Errorf("got caption %q / %q in %q, want it as sent and as read", got.Caption, got.CaptionPlain, got.ParseMode)
	}
	if want := []telegramtest.Entity{{Type: "bold", Offset: 0, Length: 4}}; !reflect.DeepEqual(got.CaptionEntities, want) {
		t.Errorf("got caption entities %+v, want %+v", got.CaptionEntities, want)
	}

	// The same photo again by its file_id, and by a smaller size's.
	for _, id := range []string{largest.FileID, sent.Photo[0].FileID} {
		again, err := bot.Send(tgbotapi.NewPhoto(bob.ID, tgbotapi.FileID(id)))
		if err != nil {
			t.Fatalf("sendPhoto by file_id: %v", err)
		}
		if again.Photo[len(again.Photo)-1].FileUniqueID != largest.FileUniqueID {
			t.Errorf("got %+v, want the same file", again.Photo)
		}
	}
	if f, ok := s.File(sent.Photo[1].FileID); !ok || !bytes.Equal(f.Bytes, data) {
		t.Errorf("File(%s): got %v, want the photo", sent.Photo[1].FileID, ok)
	}
}

func TestSendPhotoRefusals(t *testing.T) {
	s, bot := mustServe(t)
	doc, err := bot.Send(tgbotapi.NewDocument(alice.ID, tgbotapi.FileBytes{Name: "a.txt", Bytes: []byte("x")}))
	if err != nil {
		t.Fatalf("sendDocument: %v", err)
	}
	small := pngImage(t, 10, 10)
	tests := []struct {
		name   string
		config tgbotapi.PhotoConfig
		want   string
	}{
		{"not an image", tgbotapi.NewPhoto(alice.ID, tgbotapi.FileBytes{Name: "x.png", Bytes: []byte("not a png")}), "Bad Request: IMAGE_PROCESS_FAILED"},
		{"empty file", tgbotapi.NewPhoto(alice.ID, tgbotapi.FileBytes{Name: "x.png", Bytes: nil}), "Bad Request: file must be non-empty"},
		{"too narrow", tgbotapi.NewPhoto(alice.ID, tgbotapi.FileBytes{Name: "x.png", Bytes: blankPNG(t, 2100, 100)}), "Bad Request: PHOTO_INVALID_DIMENSIONS"},
		{"too large", tgbotapi.NewPhoto(alice.ID, tgbotapi.FileBytes{Name: "x.png", Bytes: blankPNG(t, 6000, 4001)}), "Bad Request: PHOTO_INVALID_DIMENSIONS"},
		{"caption too long", captioned(tgbotapi.NewPhoto(alice.ID, tgbotapi.FileBytes{Name: "x.png", Bytes: small}), strings.Repeat("è", 1025), ""), "Bad Request: message caption is too long"},
		{"caption with bad HTML", captioned(tgbotapi.NewPhoto(alice.ID, tgbotapi.FileBytes{Name: "x.png", Bytes: small}), "<b>x", "HTML"), `Bad Request: can't parse entities: Can't find end tag corresponding to start tag "b"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := bot.Send(tt.config)
			wantUploadError(t, s, err, "sendPhoto", http.StatusBadRequest, tt.want)
		})
	}
	// Without uploads the library answers with the error code.
	_, err = bot.Send(tgbotapi.NewPhoto(alice.ID, tgbotapi.FileID("AgACnope")))
	wantAPIError(t, err, http.StatusBadRequest, "Bad Request: wrong file identifier/HTTP URL specified")
	_, err = bot.Send(tgbotapi.NewPhoto(alice.ID, tgbotapi.FileURL("https://example.org/a.png")))
	wantAPIError(t, err, http.StatusBadRequest, "Bad Request: wrong file identifier/HTTP URL specified")
	_, err = bot.Send(tgbotapi.NewPhoto(alice.ID, tgbotapi.FileID(doc.Document.FileID)))
	wantAPIError(t, err, http.StatusBadRequest, "Bad Request: can't use file of type Document as Photo")
	wantRawError(t, rawCall(t, s, "sendPhoto", url.Values{"chat_id": {"42"}}), http.StatusBadRequest, "Bad Request: there is no photo in the request")

	// 1,024 characters of caption are fine.
	if _, err := bot.Send(captioned(tgbotapi.NewPhoto(alice.ID, tgbotapi.FileBytes{Name: "x.png", Bytes: small}), strings.Repeat("è", 1024), "")); err != nil {
		t.Errorf("caption of 1024 characters: %v", err)
	}
	if got := len(s.Messages(alice.ID)); got != 2 {
		t.Errorf("got %d messages, want the document and the last photo", got)
	}
}

func captioned(c tgbotapi.PhotoConfig, caption, mode string) tgbotapi.PhotoConfig {
	c.Caption, c.ParseMode = caption, mode
	return c
}

func TestSendDocument(t *testing.T) {
	s, bot := mustServe(t)
	pdf := []byte("%PDF-1.4 bando")
	doc := tgbotapi.NewDocument(alice.ID, tgbotapi.FileReader{Name: "bando 2026.pdf", Reader: bytes.NewReader(pdf)})
	doc.Caption = "Il <i>bando</i>"
	doc.ParseMode = tgbotapi.ModeHTML
	doc.ReplyMarkup = tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonURL("Sito", "https://www.comune.seregno.mb.it/")))
	sent, err := bot.Send(doc)
	if err != nil {
		t.Fatalf("sendDocument: %v", err)
	}
	if sent.Document == nil || sent.Document.FileName != "bando 2026.pdf" || sent.Document.MimeType != "application/pdf" || sent.Document.FileSize != len(pdf) {
		t.Fatalf("got document %+v, want bando 2026.pdf as application/pdf", sent.Document)
	}
	got := s.Messages(alice.ID)[0]
	if got.Document == nil || !bytes.Equal(got.Document.Bytes, pdf) || got.CaptionPlain != "Il bando" || len(got.Keyboard) != 1 {
		t.Errorf("got %+v, want the document with its caption and keyboard", got)
	}
	again, err := bot.Send(tgbotapi.NewDocument(bob.ID, tgbotapi.FileID(sent.Document.FileID)))
	if err != nil {
		t.Fatalf("sendDocument by file_id: %v", err)
	}
	if again.Document.FileUniqueID != sent.Document.FileUniqueID {
		t.Errorf("got %+v, want the same document", again.Document)
	}
	photo, err := bot.Send(tgbotapi.NewPhoto(alice.ID, tgbotapi.FileBytes{Name: "x.png", Bytes: pngImage(t, 4, 4)}))
	if err != nil {
		t.Fatalf("sendPhoto: %v", err)
	}
	_, err = bot.Send(tgbotapi.NewDocument(alice.ID, tgbotapi.FileID(photo.Photo[0].FileID)))
	wantAPIError(t, err, http.StatusBadRequest, "Bad Request: can't use file of type Photo as Document")
	wantRawError(t, rawCall(t, s, "sendDocument", url.Values{"chat_id": {"42"}}), http.StatusBadRequest, "Bad Request: there is no document in the request")
}

func TestUploadToBlockedUser(t *testing.T) {
	s, bot := mustServe(t)
	s.Block(alice.ID)
	_, err := bot.Send(tgbotapi.NewPhoto(alice.ID, tgbotapi.FileBytes{Name: "x.png", Bytes: pngImage(t, 4, 4)}))
	wantUploadError(t, s, err, "sendPhoto", http.StatusForbidden, "Forbidden: bot was blocked by the user")
}

// userMessageIDs reads the updates and returns the message_id of each.
func userMessageIDs(t *testing.T, bot *tgbotapi.BotAPI) []int {
	t.Helper()
	updates, err := bot.GetUpdates(tgbotapi.UpdateConfig{})
	if err != nil {
		t.Fatalf("GetUpdates: %v", err)
	}
	var ids []int
	for _, u := range updates {
		if u.Message == nil {
			t.Fatalf("got update %+v, want messages", u)
		}
		ids = append(ids, u.Message.MessageID)
	}
	return ids
}

func TestUserFormattedPhotoAndDocumentUpdates(t *testing.T) {
	s, bot := mustServe(t)
	text, entities, err := telegramtest.ParseHTML(`<b>Avviso</b>: la <i>Sala Studio</i> chiude. <a href="https://www.comune.seregno.mb.it/">Sito</a>`)
	if err != nil {
		t.Fatal(err)
	}
	s.SendFormatted(alice, text, entities...)
	data := pngImage(t, 640, 480)
	s.SendPhoto(alice, data, "Nuova sala", telegramtest.Entity{Type: "italic", Offset: 0, Length: 5})
	s.SendDocument(alice, telegramtest.Upload{Name: "orari.csv", Bytes: []byte("a;b\r\n")}, "")

	updates, err := bot.GetUpdates(tgbotapi.UpdateConfig{})
	if err != nil {
		t.Fatalf("GetUpdates: %v", err)
	}
	if len(updates) != 3 {
		t.Fatalf("got %d updates, want 3", len(updates))
	}
	m := updates[0].Message
	if m.Text != "Avviso: la Sala Studio chiude. Sito" || len(m.Entities) != 3 {
		t.Fatalf("got %q with %+v, want the formatted text", m.Text, m.Entities)
	}
	if m.Entities[2].Type != "text_link" || m.Entities[2].URL != "https://www.comune.seregno.mb.it/" || m.IsCommand() {
		t.Errorf("got entities %+v, want a link last and no command", m.Entities)
	}
	p := updates[1].Message
	if len(p.Photo) == 0 || p.Photo[len(p.Photo)-1].Width != 640 || p.Caption != "Nuova sala" || p.CaptionEntities[0].Type != "italic" {
		t.Errorf("got photo %+v caption %q %+v, want the 640-pixel photo with its caption", p.Photo, p.Caption, p.CaptionEntities)
	}
	if f, ok := s.File(p.Photo[0].FileID); !ok || !bytes.Equal(f.Bytes, data) {
		t.Errorf("the user's photo is not known by its file_id")
	}
	d := updates[2].Message
	if d.Document == nil || d.Document.FileName != "orari.csv" || d.Document.MimeType != "text/csv" {
		t.Errorf("got document %+v, want orari.csv as text/csv", d.Document)
	}
	// The bot may send the user's photo on by its file_id.
	if _, err := bot.Send(tgbotapi.NewPhoto(bob.ID, tgbotapi.FileID(p.Photo[len(p.Photo)-1].FileID))); err != nil {
		t.Errorf("sendPhoto with the user's file_id: %v", err)
	}
}

func TestCopyMessage(t *testing.T) {
	s, bot := mustServe(t)
	text, entities, err := telegramtest.ParseHTML("<b>Avviso</b> 🏢 <i>chiusura</i> il 2 dicembre")
	if err != nil {
		t.Fatal(err)
	}
	s.SendFormatted(alice, text, entities...)
	data := pngImage(t, 100, 100)
	s.SendPhoto(alice, data, "Foto della sala", telegramtest.Entity{Type: "bold", Offset: 0, Length: 4})
	s.SendDocument(alice, telegramtest.Upload{Name: "bando.pdf", Bytes: []byte("%PDF")}, "Bando")
	ids := userMessageIDs(t, bot)

	for _, id := range ids {
		copied, err := bot.CopyMessage(tgbotapi.NewCopyMessage(bob.ID, alice.ID, id))
		if err != nil {
			t.Fatalf("copyMessage %d: %v", id, err)
		}
		if copied.MessageID == 0 {
			t.Errorf("got message_id 0, want the copy's")
		}
	}
	withCaption := tgbotapi.NewCopyMessage(bob.ID, alice.ID, ids[1])
	withCaption.Caption = "<u>Nuova</u> didascalia"
	withCaption.ParseMode = tgbotapi.ModeHTML
	withCaption.ReplyMarkup = tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData("Apri", "open:1")))
	if _, err := bot.CopyMessage(withCaption); err != nil {
		t.Fatalf("copyMessage with caption: %v", err)
	}

	got := s.Messages(bob.ID)
	if len(got) != 4 {
		t.Fatalf("got %d copies, want 4", len(got))
	}
	if got[0].Plain != text || !reflect.DeepEqual(got[0].Entities, entities) || got[0].ParseMode != "" {
		t.Errorf("got text copy %q %+v, want %q %+v", got[0].Plain, got[0].Entities, text, entities)
	}
	if want := (&telegramtest.MessageRef{ChatID: alice.ID, MessageID: ids[0]}); !reflect.DeepEqual(got[0].CopiedFrom, want) {
		t.Errorf("got CopiedFrom %+v, want %+v", got[0].CopiedFrom, want)
	}
	if got[1].Photo == nil || !bytes.Equal(got[1].Photo.Bytes, data) || got[1].CaptionPlain != "Foto della sala" ||
		!reflect.DeepEqual(got[1].CaptionEntities, []telegramtest.Entity{{Type: "bold", Offset: 0, Length: 4}}) {
		t.Errorf("got photo copy %+v, want the photo with its caption and entities", got[1])
	}
	if got[2].Document == nil || got[2].Document.FileName != "bando.pdf" || got[2].CaptionPlain != "Bando" {
		t.Errorf("got document copy %+v, want bando.pdf with its caption", got[2])
	}
	if got[3].CaptionPlain != "Nuova didascalia" || got[3].CaptionEntities[0].Type != "underline" || len(got[3].Keyboard) != 1 {
		t.Errorf("got %+v, want the new caption and the keyboard", got[3])
	}

	// A copy of a copy, from the bot's own message.
	if _, err := bot.CopyMessage(tgbotapi.NewCopyMessage(alice.ID, bob.ID, got[0].ID)); err != nil {
		t.Errorf("copying the bot's message: %v", err)
	}

	_, err = bot.CopyMessage(tgbotapi.NewCopyMessage(bob.ID, alice.ID, 999))
	wantAPIError(t, err, http.StatusBadRequest, "Bad Request: message to copy not found")
	_, err = bot.CopyMessage(tgbotapi.NewCopyMessage(bob.ID, 777, ids[0]))
	wantAPIError(t, err, http.StatusBadRequest, "Bad Request: message to copy not found")
	wantRawError(t, rawCall(t, s, "copyMessage", url.Values{"chat_id": {"43"}, "message_id": {strconv.Itoa(ids[0])}}),
		http.StatusBadRequest, `Bad Request: parameter "from_chat_id" is required`)
	bad := tgbotapi.NewCopyMessage(bob.ID, alice.ID, ids[0])
	bad.ReplyMarkup = tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData("x", strings.Repeat("y", 65))))
	_, err = bot.CopyMessage(bad)
	wantAPIError(t, err, http.StatusBadRequest, "Bad Request: BUTTON_DATA_INVALID")
	tooLong := tgbotapi.NewCopyMessage(bob.ID, alice.ID, ids[1])
	tooLong.Caption = strings.Repeat("a", 1025)
	_, err = bot.CopyMessage(tooLong)
	wantAPIError(t, err, http.StatusBadRequest, "Bad Request: message caption is too long")

	s.Block(bob.ID)
	_, err = bot.CopyMessage(tgbotapi.NewCopyMessage(bob.ID, alice.ID, ids[0]))
	wantAPIError(t, err, http.StatusForbidden, "Forbidden: bot was blocked by the user")
	if n := s.MessageCount(bob.ID); n != 4 {
		t.Errorf("got %d messages for bob, want 4: refused copies store nothing", n)
	}
}

func TestSendChatAction(t *testing.T) {
	s, bot := mustServe(t)
	for _, action := range []string{tgbotapi.ChatTyping, tgbotapi.ChatUploadPhoto, "UPLOAD_DOCUMENT"} {
		if _, err := bot.Request(tgbotapi.NewChatAction(alice.ID, action)); err != nil {
			t.Fatalf("sendChatAction %s: %v", action, err)
		}
	}
	if got, want := s.ChatActions(alice.ID), []string{"typing", "upload_photo", "upload_document"}; !reflect.DeepEqual(got, want) {
		t.Errorf("got actions %v, want %v", got, want)
	}
	_, err := bot.Request(tgbotapi.NewChatAction(alice.ID, "dancing"))
	wantAPIError(t, err, http.StatusBadRequest, "Bad Request: wrong parameter action in request")
	_, err = bot.Request(tgbotapi.NewChatAction(-100, tgbotapi.ChatTyping))
	wantAPIError(t, err, http.StatusBadRequest, "Bad Request: chat not found")
	s.Block(alice.ID)
	_, err = bot.Request(tgbotapi.NewChatAction(alice.ID, tgbotapi.ChatTyping))
	wantAPIError(t, err, http.StatusForbidden, "Forbidden: bot was blocked by the user")
	if got := len(s.Messages(alice.ID)); got != 0 {
		t.Errorf("got %d messages, want none: actions are not messages", got)
	}
}
