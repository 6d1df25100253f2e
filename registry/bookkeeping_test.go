package registry

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"testing"

	"github.com/paulmach/orb"
)

// TestKeepStoresABatchAtOnce: the rows, the marks, the holds and the offset
// of a batch are stored together; a failing batch stores none of them.
func TestKeepStoresABatchAtOnce(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	p := orb.Point{9.2, 45.65}
	err := db.Keep(ctx, Bookkeeping{
		Source: "telegram",
		Users: []User{{ID: 1, FirstName: "Anna", State: `{"a":1}`}, {ID: 2, Lang: "en", Location: &p, LocatedAt: db.Now()},
			{ID: 1, FirstName: "Anna", State: `{"a":2}`}}, // the later row of a person wins
		Handled:  []int64{10, 11},
		Hold:     []HeldUpdate{{ID: 9, Raw: `{"update_id":9}`}, {ID: 12, Raw: `{"update_id":12}`}},
		Settings: map[string]string{"telegram.offset": "13"},
	})
	if err != nil {
		t.Fatal(err)
	}
	u, err := db.User(ctx, 1)
	if err != nil || u.State != `{"a":2}` || u.FirstName != "Anna" {
		t.Errorf("got user 1 %+v, %v; want the later state", u, err)
	}
	if u, _ := db.User(ctx, 2); u.Lang != "en" || u.Location == nil {
		t.Errorf("got user 2 %+v, want English with a location", u)
	}
	if ids, err := db.HandledFrom(ctx, "telegram", 11); err != nil || !reflect.DeepEqual(ids, []int64{11}) {
		t.Errorf("got handled from 11 %v, %v; want [11]", ids, err)
	}
	held, err := db.HeldUpdates(ctx, "telegram")
	if err != nil || len(held) != 2 || held[0].ID != 9 || held[1].Raw != `{"update_id":12}` {
		t.Errorf("got held %+v, %v; want 9 and 12", held, err)
	}
	if off, _ := db.Setting(ctx, "telegram.offset"); off != "13" {
		t.Errorf("got offset %q, want 13", off)
	}

	// Releasing a held update with its mark; a batch that fails stores
	// nothing.
	if err := db.Keep(ctx, Bookkeeping{Source: "telegram", Handled: []int64{9}, Release: []int64{9}}); err != nil {
		t.Fatal(err)
	}
	if held, _ := db.HeldUpdates(ctx, "telegram"); len(held) != 1 || held[0].ID != 12 {
		t.Errorf("got held %+v, want only 12", held)
	}
	bad := Bookkeeping{Source: "telegram", Users: []User{{ID: 3, FirstName: "Zed"}}, Handled: []int64{14},
		Settings: map[string]string{"telegram.offset": "15"}}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := db.Keep(cctx, bad); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v keeping with a cancelled context, want it cancelled", err)
	}
	if off, _ := db.Setting(ctx, "telegram.offset"); off != "13" {
		t.Errorf("got offset %q after a failed batch, want 13", off)
	}
	if done, _ := db.Handled(ctx, "telegram", 14); done {
		t.Error("got update 14 marked after a failed batch, want it not")
	}
}

// TestUserWithRolesIsUserAndRoles: the one query gives what User and Roles
// give, for a new person, a stored one, staff and a provider.
func TestUserWithRolesIsUserAndRoles(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	if err := db.LoadDemo(ctx); err != nil {
		t.Fatal(err)
	}
	p := orb.Point{9.21, 45.64}
	if err := db.SaveUser(ctx, User{ID: 5, FirstName: "Bo", Lang: "en", ClientLang: "it", Location: &p, LocatedAt: db.Now(), State: `{"x":1}`, Subscribed: true}); err != nil {
		t.Fatal(err)
	}
	if err := db.AddStaff(ctx, CommandLine, 6, "Clerk"); err != nil {
		t.Fatal(err)
	}
	spaces, _, err := db.Listed(ctx)
	if err != nil || len(spaces) < 2 {
		t.Fatalf("got %d spaces, %v", len(spaces), err)
	}
	for _, sp := range spaces[:2] {
		if err := db.AddProvider(ctx, CommandLine, sp.ID, 7); err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range []int64{4, 5, 6, 7} {
		u, r, err := db.UserWithRoles(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		wantU, err1 := db.User(ctx, id)
		wantR, err2 := db.Roles(ctx, id)
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		wantU.Created = u.Created // a new person's is now
		if !reflect.DeepEqual(u, wantU) || r.Staff != wantR.Staff || !slices.Equal(r.Spaces, wantR.Spaces) {
			t.Errorf("user %d: got %+v %+v, want %+v %+v", id, u, r, wantU, wantR)
		}
	}
}
