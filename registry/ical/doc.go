// Package ical writes the list's events as an iCalendar file (RFC 5545) that
// any calendar app can import or subscribe to.
//
// It writes one subset of the format, the one a published feed of timed
// events needs, and writes it the same way every time:
//
//   - one VCALENDAR with VERSION:2.0, PRODID, CALSCALE:GREGORIAN and
//     METHOD:PUBLISH (RFC 5546: a feed that people read, not an invitation),
//     the calendar's name and description both as RFC 7986 NAME and
//     DESCRIPTION and as the X-WR-CALNAME, X-WR-CALDESC and X-WR-TIMEZONE
//     that Google, Apple and Outlook read, and optionally REFRESH-INTERVAL
//     and X-PUBLISHED-TTL, which tell a subscribed app how often to fetch;
//   - one VTIMEZONE for the calendar's zone, generated from Go's tz data
//     for the years the events span: a yearly rule (for Europe/Rome the EU
//     one, CEST from the last Sunday of March and CET from the last Sunday
//     of October) where the transitions follow one, and explicit onsets
//     where they do not, so that an app without tz data, or with older tz
//     data, puts every event at the same instant as one with it. It is
//     exact over the years the events fall in and the year either side,
//     which is all the file needs;
//   - a VEVENT per event, in the order given, with a timed DTSTART and DTEND
//     in that zone (TZID), UID, DTSTAMP, SUMMARY, DESCRIPTION, LOCATION,
//     GEO, URL, ORGANIZER, CATEGORIES, STATUS, SEQUENCE, CREATED and
//     LAST-MODIFIED, and for a course RRULE:FREQ=WEEKLY;COUNT=N, RDATE and
//     EXDATE.
//
// It writes no all-day events, DURATION, VALARM, ATTENDEE or attachments:
// events in a coworking space have a start and an end time; reminders belong
// to each person's app; the people signed up are personal data and stay out
// of an open feed; and what few apps read well is left out rather than
// written half right.
//
// Where RFC 5545 allows several forms, it writes the one every reader tried
// here reads the same way (golang-ical, rrule-go, and libical, the library
// behind Evolution and KDE's calendars):
//
//   - a local time that happens twice, in the hour lived again when the
//     clocks go back, is written in UTC: the RFC reads it as the first of
//     the two, libical and Go as the second;
//   - RDATE is written in UTC: libical 3.0 ignores its TZID when it expands
//     the meetings;
//   - each category is its own CATEGORIES property: libical splits a
//     comma-separated list wrongly around a double quote or a backslash;
//   - TEXT and parameter values lose the white space around them, which
//     libical drops, and a property whose value is then empty is left out.
//
// Text is escaped as RFC 5545 TEXT (backslash, semicolon, comma and line
// breaks; control characters but tab are removed), with CR LF line ends,
// and lines are folded at 75 octets, never inside a UTF-8 sequence. Write
// checks its input first and writes nothing when any of it is invalid; same
// input, same bytes.
//
// The package is pure: it knows nothing of SQL, Telegram or languages. The
// caller maps its own events onto [Event], gives each a stable UID, and
// raises its SEQUENCE whenever the event changes in a way an app should
// notice (time, place, cancellation).
package ical
