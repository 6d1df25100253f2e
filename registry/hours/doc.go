// Package hours parses and evaluates opening hours written in the
// OpenStreetMap opening_hours syntax, together with the Italian calendar of
// public holidays.
//
// The supported subset is the one found on real coworking spaces:
//
//	Mo-Fr 08:30-12:30,14:00-18:00; Sa 09:00-13:00; PH off
//	Fr-Mo 18:00-02:00
//	08:00-18:00
//	24/7
//	Su,PH off
//	PH open
//
// A rule is an optional day selector (days Mo..Su, single, ranges that may
// wrap such as Fr-Mo, lists, and PH for public holidays) followed by opening
// spans, "off"/"closed" or "open" (the whole day). A rule without a selector
// applies to the seven weekdays. Rules are separated by ";" and a later rule
// replaces earlier ones for the days it names. Closing times may be 24:00, may
// be earlier than the opening time (the span then ends on the next calendar
// day) or may use the OSM extended form up to 47:59 ("18:00-26:00").
//
// Two choices differ from plain OSM and are worth knowing:
//
//   - A space is closed on public holidays unless the expression says
//     otherwise with a PH rule or is 24/7. Only rules naming PH and 24/7 change
//     what happens on holidays, wherever they appear, so the order of PH
//     rules relative to weekday rules does not matter. String always writes an
//     explicit "PH off" when there is something to close, so that its output
//     means the same to any OSM tool.
//   - "open" without times means 00:00-24:00, as in OSM. "PH open" therefore
//     means open all day on holidays, not "open with the usual hours".
//
// The part of a span that runs past midnight belongs to the next calendar day
// and is kept even when that day is a holiday or is closed: a night that has
// started is not cut short.
//
// Days are calendar dates and times are wall-clock minutes in the location of
// the time.Time given, so the days on which clocks change need no special
// treatment from callers.
package hours
