package telegramtest

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"testing"
)

// TestUploadTooLarge checks the refusal of a request over the upload limit
// (50 MB on Telegram) with a small limit, as 50 MB through the race
// detector take half a minute.
func TestUploadTooLarge(t *testing.T) {
	s := NewServer("1:t")
	t.Cleanup(s.Close)
	s.maxUpload = 1 << 10
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("chat_id", "42")
	part, _ := w.CreateFormFile("document", "big.bin")
	_, _ = part.Write(make([]byte, 2<<10))
	_ = w.Close()
	resp, err := http.Post(s.URL()+"/bot1:t/sendDocument", w.FormDataContentType(), &body)
	if err != nil {
		t.Fatalf("POST: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("got status %d, want 413", resp.StatusCode)
	}
	if got := s.MessageCount(42); got != 0 {
		t.Errorf("got %d messages, want none", got)
	}
	if calls := s.CallsTo("sendDocument"); len(calls) != 1 || calls[0].Error != "Request Entity Too Large" {
		t.Errorf("got calls %+v, want one refused as too large", calls)
	}
	if maxUploadSize != 50<<20 {
		t.Errorf("got the default limit %d, want Telegram's 50 MB", maxUploadSize)
	}
}
