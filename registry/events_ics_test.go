package registry

import (
	"bytes"
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
)

// parseCalendar reads a feed with golang-ical, an independent parser.
func parseCalendar(t *testing.T, out []byte) *ics.Calendar {
	t.Helper()
	cal, err := ics.ParseCalendar(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("golang-ical cannot parse the feed: %v\n%s", err, out)
	}
	return cal
}

func propValue(cb *ics.ComponentBase, name ics.ComponentProperty) string {
	if p := cb.GetProperty(name); p != nil {
		return p.Value
	}
	return ""
}

func calendarOf(t *testing.T, d *DB, spaceID string) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := d.WriteCalendar(context.Background(), &b, spaceID); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestEventsCalendar(t *testing.T) {
	d := mustRoles(t)
	ctx := context.Background()
	one := mustPublish(t, d, Person(keeper), workshop())[0]
	course := workshop()
	course.SpaceID, course.RoomID, course.Seats = "torre-civica", "concordia", 12
	course.Title, course.Lang, course.Meetings = "English, for; beginners", "en", 3
	course.Day = time.Date(2027, 3, 18, 0, 0, 0, 0, Rome) // across the change to summer time
	meetings := mustPublish(t, d, Person(clerk), course)
	if _, err := d.CancelEvent(ctx, Person(clerk), meetings[1].ID, false, "aula occupata"); err != nil {
		t.Fatal(err)
	}
	if _, err := d.EditEvent(ctx, Person(keeper), one.ID, false, func(dr *EventDraft) error { dr.From = 17 * 60; return nil }); err != nil {
		t.Fatal(err)
	}
	hidden := workshop()
	hidden.SpaceID = "il-cortile"
	mustPublish(t, d, Person(other), hidden)
	if _, err := d.Suspend(ctx, Person(clerk), "il-cortile", ""); err != nil {
		t.Fatal(err)
	}
	out := calendarOf(t, d, "")
	if again := calendarOf(t, d, ""); !bytes.Equal(out, again) {
		t.Error("the same registry at the same time gives other bytes")
	}
	var viaExport bytes.Buffer
	if err := d.Export(ctx, &viaExport, ICS); err != nil || !bytes.Equal(viaExport.Bytes(), out) {
		t.Errorf("Export(ICS): %v, want the same feed", err)
	}
	cal := parseCalendar(t, out)
	var zones []string
	for _, c := range cal.Components {
		if tz, ok := c.(*ics.VTimezone); ok {
			zones = append(zones, propValue(&tz.ComponentBase, ics.ComponentPropertyTzid))
		}
	}
	if len(zones) != 1 || zones[0] != "Europe/Rome" {
		t.Errorf("got time zones %v, want Europe/Rome", zones)
	}
	// Round trip: every meeting of an approved space, soonest first, as it is in the registry.
	want := append([]Event{mustEvent(t, d, one.ID)}, meetings...)
	want[2] = mustEvent(t, d, meetings[1].ID)
	evs := cal.Events()
	if len(evs) != len(want) {
		t.Fatalf("got %d events, want %d:\n%s", len(evs), len(want), out)
	}
	for i, ev := range evs {
		e := want[i]
		cb := &ev.ComponentBase
		if got := ev.Id(); got != "event-"+strconv.FormatInt(e.ID, 10)+"@coworkbot.comune.seregno.mb.it" {
			t.Errorf("event %d: got UID %q", i, got)
		}
		start, err := ev.GetStartAt()
		if err != nil || !start.Equal(e.Start()) || start.Location().String() != "Europe/Rome" {
			t.Errorf("event %d: got start %v (%v), want %v in Europe/Rome", i, start, err, e.Start())
		}
		if end, err := ev.GetEndAt(); err != nil || !end.Equal(e.End()) {
			t.Errorf("event %d: got end %v (%v), want %v", i, end, err, e.End())
		}
		if got := propValue(cb, ics.ComponentPropertySequence); got != strconv.Itoa(e.Sequence) {
			t.Errorf("event %d: got SEQUENCE %s, want %d", i, got, e.Sequence)
		}
		wantStatus := map[EventStatus]string{EventPublished: "CONFIRMED", EventCancelled: "CANCELLED"}[e.Status]
		if got := propValue(cb, ics.ComponentPropertyStatus); got != wantStatus {
			t.Errorf("event %d: got STATUS %s, want %s", i, got, wantStatus)
		}
		summary := cb.GetProperty(ics.ComponentPropertySummary)
		if summary == nil || !strings.HasPrefix(unescape(summary.Value), e.Title) || summary.ICalParameters["LANGUAGE"][0] != e.Lang {
			t.Errorf("event %d: got SUMMARY %+v, want %q in %s", i, summary, e.Title, e.Lang)
		}
	}
	if got := unescape(propValue(&evs[1].ComponentBase, ics.ComponentPropertySummary)); got != "English, for; beginners (1/3)" {
		t.Errorf("got %q, want the title with the meeting's number", got)
	}
	if got := unescape(propValue(&evs[1].ComponentBase, ics.ComponentPropertyLocation)); !strings.HasPrefix(got, "Sala Concordia, Torre Civica") {
		t.Errorf("got LOCATION %q, want the room, then the space", got)
	}
	if got := propValue(&evs[0].ComponentBase, ics.ComponentPropertyOrganizer); got != "mailto:ciao@officinabrianza.example" {
		t.Errorf("got ORGANIZER %q, want the space's address", got)
	}
	if got := propValue(&evs[1].ComponentBase, ics.ComponentPropertyGeo); got == "" {
		t.Error("no GEO")
	}
	if summer, _ := evs[3].GetStartAt(); summer.UTC().Hour() != 16 || !strings.Contains(string(out), "DTSTART;TZID=Europe/Rome:20270401T180000") {
		t.Errorf("the meeting in summer time starts at %v UTC, want 16:00 (18:00 in Rome)", summer.UTC())
	}

	// The feed of one space holds its events only.
	cal = parseCalendar(t, calendarOf(t, d, "officina-brianza"))
	if evs := cal.Events(); len(evs) != 1 || evs[0].Id() != EventUID(one.ID) {
		t.Errorf("got %d events in officina-brianza's feed, want its one", len(evs))
	}
	if name, _ := calProperty(cal, "X-WR-CALNAME"); !strings.HasPrefix(name, "Officina Brianza") {
		t.Errorf("got the feed's name %q, want the space's", name)
	}
	if evs := parseCalendar(t, calendarOf(t, d, "il-cortile")).Events(); len(evs) != 0 {
		t.Errorf("got %d events of a suspended space, want none", len(evs))
	}
	if err := d.WriteCalendar(ctx, &bytes.Buffer{}, "nowhere"); !errors.Is(err, ErrNotFound) {
		t.Errorf("an unknown space: got %v, want ErrNotFound", err)
	}

	// An event stays FeedKeep after it ended, then leaves the feed.
	end := mustEvent(t, d, one.ID).End()
	d.Now = func() time.Time { return end.Add(FeedKeep - time.Minute) }
	if evs := parseCalendar(t, calendarOf(t, d, "officina-brianza")).Events(); len(evs) != 1 {
		t.Errorf("just within FeedKeep: got %d events, want 1", len(evs))
	}
	d.Now = func() time.Time { return end.Add(FeedKeep) }
	if evs := parseCalendar(t, calendarOf(t, d, "officina-brianza")).Events(); len(evs) != 0 {
		t.Errorf("past FeedKeep: got %d events, want none", len(evs))
	}
}

// unescape reads RFC 5545 TEXT escapes back.
func unescape(s string) string {
	return strings.NewReplacer(`\,`, ",", `\;`, ";", `\n`, "\n", `\N`, "\n", `\\`, `\`).Replace(s)
}

func calProperty(cal *ics.Calendar, name string) (string, bool) {
	for _, p := range cal.CalendarProperties {
		if p.IANAToken == name {
			return p.Value, true
		}
	}
	return "", false
}
