package ical

import (
	"errors"
	"fmt"
	"io"
	"math"
	"net/mail"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// DefaultProdID is the PRODID written when Calendar.ProdID is empty.
const DefaultProdID = "-//Comune di Seregno//coworkbot//IT"

// ErrInvalid is the kind of every error Write returns for a calendar or an
// event it will not write; errors from the io.Writer are returned as they are.
var ErrInvalid = errors.New("ical: invalid")

// Calendar is one iCalendar file: a feed of events in one time zone.
type Calendar struct {
	Name        string // NAME and X-WR-CALNAME, the title apps show for the feed; empty writes neither
	Description string // DESCRIPTION and X-WR-CALDESC; empty writes neither
	ProdID      string // PRODID, "-//Owner//Product//Language"; DefaultProdID when empty

	// TZ is the zone every event is written in, with its VTIMEZONE and as
	// X-WR-TIMEZONE. Required; it must have an IANA name, so not time.Local.
	TZ *time.Location

	// Stamp is when the file is made, every event's DTSTAMP (RFC 5545
	// says so when there is a METHOD). Required: the caller's clock.
	Stamp time.Time

	// Organizer is the ORGANIZER of events that name none of their own.
	// RFC 5546 wants one on every published event, so its Email is
	// required unless every event has its own organizer.
	Organizer Organizer

	// Refresh is how often a subscribed app should fetch the feed again,
	// written as REFRESH-INTERVAL and X-PUBLISHED-TTL; 0 writes neither.
	Refresh time.Duration

	Events []Event // written in this order
}

// Event is one VEVENT: a one-off event, or a course of meetings.
type Event struct {
	// UID identifies the event for its whole life, across edits and
	// exports: apps replace the event with the same UID and keep it as
	// one. Required and unique in the calendar. The recommended form is
	// "event-<id>@coworkbot.comune.seregno.mb.it", with the registry's id
	// of the event: stable, unique in the world, and telling nothing
	// about anyone.
	UID string

	// Start and End are the first meeting's times (End after Start),
	// written in the calendar's zone whatever their own location.
	Start, End time.Time

	Summary     string // SUMMARY, the title; required
	Description string // DESCRIPTION, free text; line breaks are kept
	Location    string // LOCATION, as people read it: the space's name and address
	Geo         *Geo   // GEO; nil writes none
	URL         string // URL, an http or https URL (the event's page, or the space's site)

	// Language is the BCP 47 tag ("it", "en") of Summary and
	// Description, written as their LANGUAGE parameter; empty writes none.
	Language string

	Status Status // STATUS; empty writes none

	// Sequence is the event's revision, raised by one whenever its time,
	// place or status changes, so that apps replace their copy.
	Sequence int

	// Created and Modified are when the event was published and last
	// changed, written in UTC as CREATED and LAST-MODIFIED; zero writes
	// none.
	Created, Modified time.Time

	Categories []string   // CATEGORIES, e.g. "workshop", "corso"; empty ones are left out
	Organizer  *Organizer // nil: the calendar's
	Recurrence *Recurrence
}

// Geo is a point in WGS 84 degrees. Mind the order: registry points are
// [lon, lat], GEO is lat;lon.
type Geo struct {
	Lat, Lon float64
}

// Organizer is who runs an event, written as ORGANIZER;CN=Name:mailto:Email.
type Organizer struct {
	Name  string // CN, e.g. "Officina Brianza"; may be empty
	Email string // where people can write; required for ORGANIZER to be written
}

// Status is an event's STATUS.
type Status string

// The statuses RFC 5545 allows on a VEVENT.
const (
	StatusConfirmed Status = "CONFIRMED"
	StatusTentative Status = "TENTATIVE"
	StatusCancelled Status = "CANCELLED"
)

// Recurrence makes an event a course: the first meeting is the event's Start
// and End, the others follow it.
type Recurrence struct {
	// Weekly is the number of weekly meetings, the first included, on
	// the first meeting's weekday and local time, whatever the daylight
	// saving time: RRULE:FREQ=WEEKLY;COUNT=Weekly. 0 or 1 writes no rule.
	Weekly int

	// Dates are further meetings outside the weekly ones (RDATE), after
	// the first, each lasting as long as the first.
	Dates []time.Time

	// Except are weekly meetings that do not take place (EXDATE); each
	// must be one of them, but not the first (start the event at the
	// next one instead). They still count in Weekly.
	Except []time.Time
}

// Write writes c as an iCalendar file to w. It checks the whole calendar
// first and writes nothing when any of it is invalid (ErrInvalid).
func Write(w io.Writer, c Calendar) error {
	if err := c.check(); err != nil {
		return err
	}
	var cw contentWriter
	c.write(&cw)
	_, err := w.Write(cw.buf.Bytes())
	return err
}

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))
}

func (c *Calendar) check() error {
	if c.TZ == nil {
		return invalid("calendar: no time zone")
	}
	if !validTZID(c.TZ.String()) {
		return invalid("calendar: time zone %q is not an IANA name", c.TZ.String())
	}
	if c.Stamp.IsZero() {
		return invalid("calendar: no stamp (the time the file is made)")
	}
	if c.Refresh < 0 {
		return invalid("calendar: negative refresh interval %v", c.Refresh)
	}
	if err := c.Organizer.check(); err != nil {
		return invalid("calendar: %v", err)
	}
	uids := make(map[string]int, len(c.Events))
	for i := range c.Events {
		e := &c.Events[i]
		uid := cleanText(e.UID)
		if j, ok := uids[uid]; ok {
			return invalid("events %d and %d: the same UID %q", j, i, uid)
		}
		uids[uid] = i
		if err := e.check(c); err != nil {
			return invalid("event %d (%s): %v", i, e.UID, err)
		}
	}
	return nil
}

// validTZID tells whether name looks like an IANA zone name: what TZID and
// X-WR-TIMEZONE need, and nothing that would need quoting or escaping.
func validTZID(name string) bool {
	if name == "" || name == "Local" {
		return false
	}
	for _, r := range name {
		switch {
		case 'A' <= r && r <= 'Z', 'a' <= r && r <= 'z', '0' <= r && r <= '9', r == '/', r == '_', r == '-', r == '+':
		default:
			return false
		}
	}
	return true
}

func (o *Organizer) check() error {
	if o.Email == "" {
		return nil
	}
	a, err := mail.ParseAddress(o.Email)
	if err != nil || a.Address != o.Email || strings.ContainsAny(o.Email, " \t\r\n\"<>") {
		return fmt.Errorf("organizer email %q is not a plain address", o.Email)
	}
	return nil
}

func (e *Event) check(c *Calendar) error {
	if cleanText(e.UID) == "" {
		return errors.New("no UID")
	}
	if cleanText(e.Summary) == "" {
		return errors.New("no summary")
	}
	if e.Start.IsZero() || e.End.IsZero() {
		return errors.New("no start or no end")
	}
	if !e.End.Truncate(time.Second).After(e.Start.Truncate(time.Second)) {
		return fmt.Errorf("end %v is not after start %v", e.End, e.Start)
	}
	if e.Geo != nil {
		g := *e.Geo
		if math.IsNaN(g.Lat) || math.IsNaN(g.Lon) || g.Lat < -90 || g.Lat > 90 || g.Lon < -180 || g.Lon > 180 {
			return fmt.Errorf("geo %v,%v is not a point on Earth", g.Lat, g.Lon)
		}
	}
	if e.URL != "" {
		u, err := url.Parse(e.URL)
		if err != nil || u.Scheme != "https" && u.Scheme != "http" || u.Host == "" || strings.ContainsAny(e.URL, " \t\r\n\"") {
			return fmt.Errorf("URL %q is not an http or https URL", e.URL)
		}
	}
	if e.Language != "" && !validLanguage(e.Language) {
		return fmt.Errorf("language %q is not a language tag", e.Language)
	}
	switch e.Status {
	case "", StatusConfirmed, StatusTentative, StatusCancelled:
	default:
		return fmt.Errorf("status %q is not one of CONFIRMED, TENTATIVE, CANCELLED", e.Status)
	}
	if e.Sequence < 0 {
		return fmt.Errorf("negative sequence %d", e.Sequence)
	}
	if e.Organizer != nil {
		if err := e.Organizer.check(); err != nil {
			return err
		}
		if e.Organizer.Email == "" {
			return errors.New("organizer without an email")
		}
	} else if c.Organizer.Email == "" {
		return errors.New("no organizer, and the calendar has none")
	}
	if r := e.Recurrence; r != nil {
		if r.Weekly < 0 {
			return fmt.Errorf("negative number of weekly meetings %d", r.Weekly)
		}
		for i, d := range r.Dates {
			if !d.After(e.Start) {
				return fmt.Errorf("extra meeting %v is not after the first", d)
			}
			if e.isWeekly(d, c.TZ) || slices.ContainsFunc(r.Dates[:i], d.Equal) {
				return fmt.Errorf("extra meeting %v is already a meeting", d)
			}
		}
		for _, x := range r.Except {
			if !e.isWeekly(x, c.TZ) {
				return fmt.Errorf("excepted meeting %v is not one of the weekly meetings after the first", x)
			}
		}
	}
	return nil
}

// weekly returns the start of the event's k-th weekly meeting (0 is the
// first): the same local time, 7k days later.
func (e *Event) weekly(k int, loc *time.Location) time.Time {
	s := e.Start.In(loc)
	return time.Date(s.Year(), s.Month(), s.Day()+7*k, s.Hour(), s.Minute(), s.Second(), 0, loc)
}

// isWeekly tells whether t starts one of the event's weekly meetings after
// the first. (The first cannot be excepted: apps disagree on an EXDATE of
// DTSTART, and an event that starts later should say so.)
func (e *Event) isWeekly(t time.Time, loc *time.Location) bool {
	if e.Recurrence == nil {
		return false
	}
	s, lt := e.Start.In(loc), t.In(loc)
	days := time.Date(lt.Year(), lt.Month(), lt.Day(), 0, 0, 0, 0, time.UTC).
		Sub(time.Date(s.Year(), s.Month(), s.Day(), 0, 0, 0, 0, time.UTC)) / (24 * time.Hour)
	k := int(days / 7)
	return days%7 == 0 && k >= 1 && k < e.Recurrence.Weekly && e.weekly(k, loc).Equal(t.Truncate(time.Second))
}

// validLanguage is a loose check of a BCP 47 tag: letters, digits and
// hyphens, starting with a letter.
func validLanguage(tag string) bool {
	for i, r := range tag {
		switch {
		case 'A' <= r && r <= 'Z', 'a' <= r && r <= 'z':
		case i > 0 && ('0' <= r && r <= '9' || r == '-'):
		default:
			return false
		}
	}
	return len(tag) <= 35
}

// span returns the earliest and the latest instant the calendar writes as a
// local time.
func (c *Calendar) span() (first, last time.Time) {
	if len(c.Events) == 0 {
		return c.Stamp, c.Stamp
	}
	first, last = c.Events[0].Start, c.Events[0].End
	see := func(t time.Time) {
		if t.Before(first) {
			first = t
		}
		if t.After(last) {
			last = t
		}
	}
	for i := range c.Events {
		e := &c.Events[i]
		see(e.Start)
		see(e.End)
		if r := e.Recurrence; r != nil {
			d := e.End.Sub(e.Start)
			if r.Weekly > 1 {
				see(e.weekly(r.Weekly-1, c.TZ).Add(d))
			}
			for _, t := range r.Dates {
				see(t.Add(d))
			}
		}
	}
	return first, last
}

func (c *Calendar) write(w *contentWriter) {
	w.line("BEGIN", "VCALENDAR")
	w.line("VERSION", "2.0")
	prodID := c.ProdID
	if prodID == "" {
		prodID = DefaultProdID
	}
	w.text("PRODID", prodID)
	w.line("CALSCALE", "GREGORIAN")
	w.line("METHOD", "PUBLISH")
	w.text("NAME", c.Name)
	w.text("X-WR-CALNAME", c.Name)
	w.text("DESCRIPTION", c.Description)
	w.text("X-WR-CALDESC", c.Description)
	tzid := c.TZ.String()
	w.line("X-WR-TIMEZONE", tzid)
	if c.Refresh > 0 {
		d := formatDuration(c.Refresh)
		w.line("REFRESH-INTERVAL", d, param{"VALUE", "DURATION"})
		w.line("X-PUBLISHED-TTL", d)
	}

	first, last := c.span()
	writeTimezone(w, c.TZ, first, last)

	stamp := formatUTC(c.Stamp)
	for i := range c.Events {
		c.Events[i].write(w, c, stamp)
	}
	w.line("END", "VCALENDAR")
}

func (e *Event) write(w *contentWriter, c *Calendar, stamp string) {
	loc := c.TZ
	w.line("BEGIN", "VEVENT")
	w.text("UID", e.UID)
	w.line("DTSTAMP", stamp)
	w.dateTime("DTSTART", e.Start, loc)
	w.dateTime("DTEND", e.End, loc)
	if r := e.Recurrence; r != nil {
		if r.Weekly > 1 {
			w.line("RRULE", "FREQ=WEEKLY;COUNT="+strconv.Itoa(r.Weekly))
		}
		// RDATE in UTC: libical 3.0 (Evolution's) ignores the TZID of an
		// RDATE and would put the meeting hours off. A meeting off the
		// weekly pattern needs no local-time rule to follow.
		for _, t := range r.Dates {
			w.line("RDATE", formatUTC(t))
		}
		for _, t := range r.Except {
			w.dateTime("EXDATE", t, loc)
		}
	}
	var lang []param
	if e.Language != "" {
		lang = []param{{"LANGUAGE", e.Language}}
	}
	w.text("SUMMARY", e.Summary, lang...)
	w.text("DESCRIPTION", e.Description, lang...)
	w.text("LOCATION", e.Location)
	if e.Geo != nil {
		w.line("GEO", formatDegrees(e.Geo.Lat)+";"+formatDegrees(e.Geo.Lon))
	}
	if e.URL != "" {
		w.line("URL", e.URL)
	}
	org := &c.Organizer
	if e.Organizer != nil {
		org = e.Organizer
	}
	if org.Email != "" {
		var cn []param
		if cleanParam(org.Name) != "" {
			cn = []param{{"CN", org.Name}}
		}
		w.line("ORGANIZER", "mailto:"+org.Email, cn...)
	}
	// One CATEGORIES property a category, which RFC 5545 allows, rather
	// than one comma-separated list: libical splits a list wrongly around
	// a double quote or an escaped backslash, golang-ical not at all.
	for _, s := range e.Categories {
		w.text("CATEGORIES", s)
	}
	if e.Status != "" {
		w.line("STATUS", string(e.Status))
	}
	w.line("SEQUENCE", strconv.Itoa(e.Sequence))
	if !e.Created.IsZero() {
		w.line("CREATED", formatUTC(e.Created))
	}
	if !e.Modified.IsZero() {
		w.line("LAST-MODIFIED", formatUTC(e.Modified))
	}
	w.line("END", "VEVENT")
}

// formatDegrees writes a coordinate with at most six decimals (RFC 5545's
// precision for GEO, about 10 cm), without trailing zeros.
func formatDegrees(v float64) string {
	s := strconv.FormatFloat(v, 'f', 6, 64)
	s = strings.TrimRight(s, "0")
	s = strings.TrimSuffix(s, ".")
	if s == "-0" {
		s = "0"
	}
	return s
}

// formatDuration writes d, to the second, as an RFC 5545 DURATION.
func formatDuration(d time.Duration) string {
	secs := int64(d / time.Second)
	if secs < 1 {
		secs = 1
	}
	if secs%86400 == 0 {
		return "P" + strconv.FormatInt(secs/86400, 10) + "D"
	}
	var b strings.Builder
	b.WriteString("P")
	if days := secs / 86400; days > 0 {
		b.WriteString(strconv.FormatInt(days, 10) + "D")
		secs %= 86400
	}
	b.WriteString("T")
	if h := secs / 3600; h > 0 {
		b.WriteString(strconv.FormatInt(h, 10) + "H")
	}
	if m := secs / 60 % 60; m > 0 {
		b.WriteString(strconv.FormatInt(m, 10) + "M")
	}
	if s := secs % 60; s > 0 {
		b.WriteString(strconv.FormatInt(s, 10) + "S")
	}
	return b.String()
}
