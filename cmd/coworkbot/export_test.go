package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/comune-seregno/coworkbot/registry"
)

func TestExportEventsCLI(t *testing.T) {
	db := demoFile(t)
	ctx := context.Background()
	d, err := registry.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	// The command runs on the real clock: the events are next week's.
	day := time.Now().In(registry.Rome).AddDate(0, 0, 7)
	dr := registry.EventDraft{SpaceID: "officina-brianza", Title: "Workshop sulla fatturazione elettronica", Lang: "it",
		Day: day, From: 18 * 60, To: 20 * 60, Seats: 20}
	mine, err := d.PublishEvent(ctx, registry.CommandLine, dr)
	if err != nil {
		t.Fatal(err)
	}
	dr.SpaceID, dr.Title, dr.Meetings = "torre-civica", "Corso di inglese", 3
	course, err := d.PublishEvent(ctx, registry.CommandLine, dr)
	if err != nil {
		t.Fatal(err)
	}
	geoBefore := cli(t, "export", "-db", db, "-format", "geojson")
	d.Close()

	parse := func(out string) []*ics.VEvent {
		t.Helper()
		cal, err := ics.ParseCalendar(strings.NewReader(out))
		if err != nil {
			t.Fatalf("golang-ical cannot parse the export: %v\n%s", err, out)
		}
		return cal.Events()
	}
	all := parse(cli(t, "export", "-db", db, "-format", "ics"))
	if len(all) != 4 || all[0].Id() != registry.EventUID(mine[0].ID) {
		t.Fatalf("got %d events, want the workshop and three meetings, the workshop first", len(all))
	}
	want := append(append([]registry.Event{}, mine...), course...)
	for i, ev := range all {
		e := want[i]
		if start, err := ev.GetStartAt(); err != nil || !start.Equal(e.Start()) {
			t.Errorf("event %d: got start %v %v, want %v", i, start, err, e.Start())
		}
	}
	one := parse(cli(t, "export", "-db", db, "-format", "ics", "-space", "torre-civica"))
	if len(one) != 3 || one[0].Id() != registry.EventUID(course[0].ID) {
		t.Errorf("got %d events in torre-civica's feed, want its three", len(one))
	}
	// To a file, as a web server would publish it.
	file := filepath.Join(t.TempDir(), "eventi.ics")
	cli(t, "export", "-db", db, "-format", "ics", "-o", file)
	if b, err := os.ReadFile(file); err != nil || len(parse(string(b))) != 4 {
		t.Errorf("the file: %v, want the four events", err)
	}
	// The list's exports carry no events.
	if got := cli(t, "export", "-db", db, "-format", "geojson"); got != geoBefore || strings.Contains(got, "Workshop") {
		t.Error("the GeoJSON export holds events")
	}

	var out, errOut bytes.Buffer
	var u usageError
	if err := run(ctx, []string{"export", "-db", db, "-format", "geojson", "-space", "torre-civica"}, nil, &out, &errOut); !errors.As(err, &u) {
		t.Errorf("-space with geojson: got %v, want a usage error", err)
	}
	if err := run(ctx, []string{"export", "-db", db, "-format", "ics", "-space", "nowhere"}, nil, &out, &errOut); !errors.Is(err, registry.ErrNotFound) {
		t.Errorf("an unknown space: got %v, want ErrNotFound", err)
	}
}
