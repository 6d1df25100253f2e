package bot

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
)

// Past the location's three hours, a search kept in the conversation's
// state (the service picker's, a follow-up) no longer sorts around the old
// point: it searches around the centre, and says so (found by review).
func TestOldLocationNoLongerServesFromState(t *testing.T) {
	db := mustDemoDB(t)
	b, err := New(Config{DB: db, Log: quiet})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	start := db.Now()
	b.Handle(ctx, Incoming{UserID: 1, ClientLang: "it", Location: &orb.Point{9.2101, 45.6469}})
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
