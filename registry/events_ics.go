package registry

import (
	"context"
	"fmt"
	"io"
	"net/mail"
	"net/url"
	"strings"
	"time"

	"github.com/comune-seregno/coworkbot/registry/ical"
)

// The iCalendar feed of the events.
const (
	// FeedDomain ends every event's UID, "event-<id>@" FeedDomain: stable
	// across edits and exports, unique in the world, telling nothing
	// about anyone.
	FeedDomain = "coworkbot.comune.seregno.mb.it"
	// FeedKeep is how long an event stays in the feed after it ended, so
	// that a subscribed calendar keeps the recent past; a cancelled one
	// stays as long, as STATUS:CANCELLED.
	FeedKeep = 30 * 24 * time.Hour
	// FeedRefresh is how often a subscribed app is asked to fetch the feed.
	FeedRefresh = 6 * time.Hour
)

// FeedOrganizer is the ORGANIZER of events whose space has no email.
var FeedOrganizer = ical.Organizer{Name: "Comune di Seregno", Email: "urp@comune.seregno.mb.it"}

// EventUID is the iCalendar UID of a meeting.
func EventUID(id int64) string { return fmt.Sprintf("event-%d@%s", id, FeedDomain) }

// WriteCalendar writes the events of the approved spaces (of one space,
// when spaceID is not "") as an iCalendar file in Europe/Rome: every meeting
// that has not ended, and those that ended within FeedKeep, published ones
// as CONFIRMED and cancelled ones as CANCELLED, each its own VEVENT with
// its UID (EventUID) and SEQUENCE, soonest first. An unknown space is
// ErrNotFound.
func (d *DB) WriteCalendar(ctx context.Context, w io.Writer, spaceID string) error {
	now := d.now()
	spaces := map[string]Space{}
	cal := ical.Calendar{Name: "Eventi e corsi nei coworking – Comune di Seregno",
		Description: "Eventi e corsi negli spazi dell'elenco ufficiale dei coworking del Comune di Seregno. Dati aperti, licenza " + Licence + ".",
		TZ:          Rome, Stamp: now, Organizer: FeedOrganizer, Refresh: FeedRefresh, Events: []ical.Event{}}
	if spaceID != "" {
		s, err := d.Space(ctx, spaceID)
		if err != nil {
			return err
		}
		spaces[s.ID] = s
		cal.Name = s.Name + " – eventi e corsi"
	} else {
		all, err := d.Spaces(ctx, Approved)
		if err != nil {
			return err
		}
		for _, s := range all {
			spaces[s.ID] = s
		}
	}
	since := now.Add(-FeedKeep)
	where := `(e.day > ? OR (e.day = ? AND e.end_min > ?))`
	args := []any{dayKey(since.In(Rome)), dayKey(since.In(Rome)), minuteOf(since.In(Rome))}
	if spaceID != "" {
		where, args = where+` AND e.space_id = ?`, append(args, spaceID)
	}
	es, err := d.eventsWhere(ctx, d.db, now, where+` ORDER BY e.day, e.start_min, e.id`, args...)
	if err != nil {
		return err
	}
	for _, e := range es {
		s, ok := spaces[e.SpaceID]
		if !ok || s.Status != Approved || !e.End().After(since) {
			continue
		}
		cal.Events = append(cal.Events, icalEvent(e, &s))
	}
	return ical.Write(w, cal)
}

// icalEvent is a meeting as a VEVENT.
func icalEvent(e Event, s *Space) ical.Event {
	summary := e.Title
	if e.Meetings > 1 {
		summary += fmt.Sprintf(" (%d/%d)", e.Meeting, e.Meetings)
	}
	var place []string
	if r, ok := s.Room(e.RoomID); ok {
		place = append(place, r.Name)
	}
	place = append(place, s.Name)
	if s.Address != "" {
		place = append(place, s.Address)
	}
	place = append(place, s.Comune)
	ev := ical.Event{UID: EventUID(e.ID), Start: e.Start(), End: e.End(), Summary: summary, Description: e.Description,
		Location: strings.Join(place, ", "), Geo: &ical.Geo{Lat: s.Location.Lat(), Lon: s.Location.Lon()},
		Language: e.Lang, Status: ical.StatusConfirmed, Sequence: e.Sequence, Created: e.Created, Modified: e.Updated}
	if e.Status == EventCancelled {
		ev.Status = ical.StatusCancelled
	}
	if u, err := url.Parse(s.Website); err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" &&
		!strings.ContainsAny(s.Website, " \t\r\n\"") {
		ev.URL = s.Website
	}
	if a, err := mail.ParseAddress(s.Email); err == nil && a.Address == s.Email && !strings.ContainsAny(s.Email, " \t\r\n\"<>") {
		ev.Organizer = &ical.Organizer{Name: s.Name, Email: s.Email}
	}
	return ev
}
