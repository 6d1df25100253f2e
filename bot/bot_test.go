package bot

import (
	"context"
	"encoding/json"
	"sync"
	"testing"

	"github.com/comune-seregno/coworkbot/registry"
)

// TestOneUsersRequestsDoNotOverwriteEachOther presses every service of the
// picker at once, as a webhook may deliver them; no press may be lost.
func TestOneUsersRequestsDoNotOverwriteEachOther(t *testing.T) {
	db := mustDemoDB(t)
	b, err := New(Config{DB: db, Log: quiet})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for _, svc := range registry.Services {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b.Handle(context.Background(), Incoming{UserID: 4, Callback: "f:" + string(svc)})
		}()
	}
	wg.Wait()
	u, err := db.User(context.Background(), 4)
	if err != nil {
		t.Fatal(err)
	}
	var st state
	if err := json.Unmarshal([]byte(u.State), &st); err != nil {
		t.Fatal(err)
	}
	if len(st.Picker) != len(registry.Services) {
		t.Errorf("got %d services chosen (%v), want all %d", len(st.Picker), st.Picker, len(registry.Services))
	}
}
