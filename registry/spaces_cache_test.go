package registry

import (
	"context"
	"testing"
)

// DB.Space keeps the spaces it reads: what another process changes, what
// this one changes, and a hand-made UPDATE of a room all show at once, and a
// caller that changes its copy changes nothing for the next one.
func TestSpaceCacheFollowsEveryChange(t *testing.T) {
	d := mustDemo(t)
	ctx := context.Background()
	other := openHandles(t, d, 2)[1] // another process on the same file
	const id = "lambro-hub"
	s, err := d.Space(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Rooms) == 0 || s.Description["it"] == "" {
		t.Fatalf("%s: want rooms and an Italian description, got %+v", id, s)
	}
	desks, room, it := s.Desks, s.Rooms[0], s.Description["it"]

	// A caller's changes stay in its copy.
	s.Desks, s.Rooms[0].Name, s.Description["it"] = 999, "Scritta sopra", "Scritta sopra"
	s.Rooms = append(s.Rooms, Room{ID: "nuova", Name: "Nuova", Seats: 2})
	again, err := d.Space(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if again.Desks != desks || again.Rooms[0] != room || again.Description["it"] != it || len(again.Rooms) != len(s.Rooms)-1 {
		t.Fatalf("a caller's change reached the next reader: %+v", again)
	}

	// Another process changes the space.
	changed := again
	changed.Desks = desks + 5
	changed.Description = map[string]string{"it": "Descrizione nuova", "en": "A new description"}
	if _, err := other.PutSpaces(ctx, CommandLine, []Space{changed}, PutOptions{}); err != nil {
		t.Fatal(err)
	}
	got, err := d.Space(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if got.Desks != desks+5 || got.Description["it"] != "Descrizione nuova" || got.Description["en"] != "A new description" {
		t.Fatalf("another process's change not seen: desks %d, descriptions %v", got.Desks, got.Description)
	}

	// A clerk's UPDATE of a room, by hand in sqlite3.
	if _, err := other.db.ExecContext(ctx, `UPDATE rooms SET name = 'Sala Ritoccata' WHERE space_id = ? AND id = ?`, id, room.ID); err != nil {
		t.Fatal(err)
	}
	if got, err = d.Space(ctx, id); err != nil {
		t.Fatal(err)
	}
	if got.Rooms[0].Name != "Sala Ritoccata" {
		t.Fatalf("a room's UPDATE not seen: %+v", got.Rooms[0])
	}
	if _, err := other.db.ExecContext(ctx, `UPDATE space_descriptions SET text = 'Ritoccata' WHERE space_id = ? AND lang = 'it'`, id); err != nil {
		t.Fatal(err)
	}
	if got, err = d.Space(ctx, id); err != nil {
		t.Fatal(err)
	}
	if got.Description["it"] != "Ritoccata" {
		t.Fatalf("a description's UPDATE not seen: %q", got.Description["it"])
	}

	// A space that does not exist is not found, now or once it exists.
	if _, err := d.Space(ctx, "nuovo-spazio"); !isNotFound(err) {
		t.Fatalf("unknown space: got %v, want not found", err)
	}
	fresh := again
	fresh.ID, fresh.Name = "nuovo-spazio", "Nuovo Spazio"
	if _, err := other.PutSpaces(ctx, CommandLine, []Space{fresh}, PutOptions{}); err != nil {
		t.Fatal(err)
	}
	if got, err = d.Space(ctx, "nuovo-spazio"); err != nil || got.Name != "Nuovo Spazio" {
		t.Fatalf("a space added by another process: %+v, %v", got, err)
	}
}
