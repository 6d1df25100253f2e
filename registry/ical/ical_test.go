package ical

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

var comune = Organizer{Name: "Comune di Seregno", Email: "urp@comune.seregno.mb.it"}

// sample is a calendar with one of each thing the writer writes.
func sample(t testing.TB) Calendar {
	rome := mustLoad(t, "Europe/Rome")
	at := func(y int, m time.Month, d, hh, mm int) time.Time { return time.Date(y, m, d, hh, mm, 0, 0, rome) }
	return Calendar{
		Name:        "Eventi e corsi nei coworking di Seregno",
		Description: "L'elenco ufficiale del Comune: eventi, corsi e workshop; aggiornato ogni ora.\nCC-BY-4.0",
		ProdID:      "-//Comune di Seregno//coworkbot 1.0//IT",
		TZ:          rome,
		Stamp:       time.Date(2026, 11, 20, 8, 30, 0, 0, time.UTC),
		Organizer:   comune,
		Refresh:     time.Hour,
		Events: []Event{
			{
				UID:   "event-12@coworkbot.comune.seregno.mb.it",
				Start: at(2026, 12, 10, 18, 0), End: at(2026, 12, 10, 20, 0),
				Summary: "Workshop: fatturazione elettronica, gratuito; 20 posti",
				Description: "Giovedì sera, all'Officina: perché la fattura elettronica non è più un incubo. 🧾✨\n" +
					"Porta il portatile; chi non ce l'ha, ne trova uno in sala.\r\n" +
					"Cartella dei modelli: C:\\Documenti\\Fatture, oppure \"Drive\".\n\n" +
					strings.Repeat("Più di settantacinque ottetti su una riga sola, con accenti àèéìòù e € — ", 4),
				Location:   "Officina Brianza, via Umberto I 12, 20831 Seregno (MB)",
				Geo:        &Geo{Lat: 45.650912, Lon: 9.204871},
				URL:        "https://t.me/coworkbot?start=event-12",
				Language:   "it",
				Status:     StatusConfirmed,
				Sequence:   2,
				Created:    time.Date(2026, 11, 2, 9, 15, 0, 0, time.UTC),
				Modified:   time.Date(2026, 11, 18, 17, 4, 31, 0, time.UTC),
				Categories: []string{"workshop", "fisco; tasse, IVA", ""},
				Organizer:  &Organizer{Name: `Officina "Brianza" Srl`, Email: "eventi@officinabrianza.it"},
			},
			{
				// Thursdays from 8 October: three in CEST, five in CET.
				UID:   "event-13@coworkbot.comune.seregno.mb.it",
				Start: at(2026, 10, 8, 18, 0), End: at(2026, 10, 8, 19, 30),
				Summary:    "English for freelancers 🇬🇧 (8 meetings)",
				Language:   "en",
				Location:   "CoOffice, piazza Concordia 1, Seregno",
				Status:     StatusConfirmed,
				Categories: []string{"course"},
				Recurrence: &Recurrence{Weekly: 8},
			},
			{
				// Thursdays from 12 March: across the spring change, not
				// on San Giuseppe, and once more on a Tuesday.
				UID:   "event-14@coworkbot.comune.seregno.mb.it",
				Start: at(2026, 3, 12, 18, 0), End: at(2026, 3, 12, 20, 0),
				Summary: "Corso di contabilità per partite IVA",
				Recurrence: &Recurrence{
					Weekly: 6,
					Dates:  []time.Time{at(2026, 4, 21, 18, 0)},
					Except: []time.Time{at(2026, 3, 19, 18, 0)},
				},
			},
			{
				UID:   "event-15@coworkbot.comune.seregno.mb.it",
				Start: at(2026, 12, 4, 19, 0).UTC(), End: at(2026, 12, 4, 21, 0).UTC(), // given in UTC, written in Rome
				Summary:  "Aperitivo di networking",
				Status:   StatusCancelled,
				Sequence: 1,
			},
		},
	}
}

// wantText is what a TEXT value should read back as: line breaks as LF,
// control characters but tab and LF gone, invalid UTF-8 replaced, no white
// space around it.
func wantText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	s = strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\t' && r != '\n' || r == 0x7f {
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

// wantTexts is wantText of each, less the empty ones.
func wantTexts(ss []string) []string {
	var out []string
	for _, s := range ss {
		if w := wantText(s); w != "" {
			out = append(out, w)
		}
	}
	return out
}

// values returns the values of every property name of a component.
func values(cb *ics.ComponentBase, name string) []string {
	var out []string
	for _, p := range props(cb, name) {
		out = append(out, p.Value)
	}
	return out
}

func TestRoundTrip(t *testing.T) {
	c := sample(t)
	cal := parse(t, write(t, c))

	for name, want := range map[string]string{
		"VERSION":          "2.0",
		"PRODID":           c.ProdID,
		"CALSCALE":         "GREGORIAN",
		"METHOD":           "PUBLISH",
		"NAME":             c.Name,
		"X-WR-CALNAME":     c.Name,
		"DESCRIPTION":      c.Description,
		"X-WR-CALDESC":     c.Description,
		"X-WR-TIMEZONE":    "Europe/Rome",
		"REFRESH-INTERVAL": "PT1H",
		"X-PUBLISHED-TTL":  "PT1H",
	} {
		if got, ok := calProp(cal, name); !ok || got != want {
			t.Errorf("%s = %q (once: %v), want %q", name, got, ok, want)
		}
	}

	evs := cal.Events()
	if len(evs) != len(c.Events) {
		t.Fatalf("%d events, want %d", len(evs), len(c.Events))
	}
	for i, in := range c.Events {
		t.Run(in.UID, func(t *testing.T) { checkEvent(t, c, in, evs[i]) })
	}
}

// checkEvent checks that every field of in reads back from got.
func checkEvent(t *testing.T, c Calendar, in Event, got *ics.VEvent) {
	t.Helper()
	cb := &got.ComponentBase
	text := func(name, want string) {
		t.Helper()
		ps := props(cb, name)
		if wantText(want) == "" {
			if len(ps) != 0 {
				t.Errorf("%s = %q, want none", name, ps[0].Value)
			}
			return
		}
		if len(ps) != 1 || ps[0].Value != wantText(want) {
			t.Errorf("%s = %v, want %q", name, ps, wantText(want))
		}
	}
	instant := func(name string, want time.Time, local bool) {
		t.Helper()
		p := one(t, cb, name)
		if got := dateTimeOf(t, p); !got.Equal(want.Truncate(time.Second)) {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
		if tzid := paramOf(p, "TZID"); local && tzid != c.TZ.String() {
			t.Errorf("%s;TZID=%q, want %q", name, tzid, c.TZ)
		} else if !local && (tzid != "" || !strings.HasSuffix(p.Value, "Z")) {
			t.Errorf("%s = %q (TZID %q), want UTC", name, p.Value, tzid)
		}
	}

	text("UID", in.UID)
	instant("DTSTAMP", c.Stamp, false)
	instant("DTSTART", in.Start, true)
	instant("DTEND", in.End, true)
	text("SUMMARY", in.Summary)
	text("DESCRIPTION", in.Description)
	text("LOCATION", in.Location)
	text("URL", in.URL)
	text("STATUS", string(in.Status))
	if lang := paramOf(one(t, cb, "SUMMARY"), "LANGUAGE"); lang != in.Language {
		t.Errorf("SUMMARY;LANGUAGE=%q, want %q", lang, in.Language)
	}
	if in.Description != "" {
		if lang := paramOf(one(t, cb, "DESCRIPTION"), "LANGUAGE"); lang != in.Language {
			t.Errorf("DESCRIPTION;LANGUAGE=%q, want %q", lang, in.Language)
		}
	}
	if seq := one(t, cb, "SEQUENCE").Value; seq != strconv.Itoa(in.Sequence) {
		t.Errorf("SEQUENCE = %s, want %d", seq, in.Sequence)
	}
	for name, want := range map[string]time.Time{"CREATED": in.Created, "LAST-MODIFIED": in.Modified} {
		if want.IsZero() {
			if ps := props(cb, name); len(ps) != 0 {
				t.Errorf("%s = %s, want none", name, ps[0].Value)
			}
			continue
		}
		instant(name, want, false)
	}

	if in.Geo == nil {
		if ps := props(cb, "GEO"); len(ps) != 0 {
			t.Errorf("GEO = %s, want none", ps[0].Value)
		}
	} else {
		v := one(t, cb, "GEO").Value
		lat, lon, ok := strings.Cut(v, ";")
		la, err1 := strconv.ParseFloat(lat, 64)
		lo, err2 := strconv.ParseFloat(lon, 64)
		if !ok || err1 != nil || err2 != nil || math.Abs(la-in.Geo.Lat) > 1e-6 || math.Abs(lo-in.Geo.Lon) > 1e-6 {
			t.Errorf("GEO = %q, want %v;%v", v, in.Geo.Lat, in.Geo.Lon)
		}
	}

	org := c.Organizer
	if in.Organizer != nil {
		org = *in.Organizer
	}
	p := one(t, cb, "ORGANIZER")
	if p.Value != "mailto:"+org.Email {
		t.Errorf("ORGANIZER = %q, want mailto:%s", p.Value, org.Email)
	}
	if cn, want := paramOf(p, "CN"), strings.ReplaceAll(org.Name, `"`, "'"); cn != want {
		t.Errorf("ORGANIZER;CN=%q, want %q", cn, want)
	}

	if got, want := values(cb, "CATEGORIES"), wantTexts(in.Categories); !slices.Equal(got, want) {
		t.Errorf("CATEGORIES = %q, want %q", got, want)
	}

	r := in.Recurrence
	if r == nil {
		r = &Recurrence{}
	}
	rule := ""
	if r.Weekly > 1 {
		rule = "FREQ=WEEKLY;COUNT=" + strconv.Itoa(r.Weekly)
	}
	text("RRULE", rule)
	for name, want := range map[string][]time.Time{"RDATE": r.Dates, "EXDATE": r.Except} {
		ps := props(cb, name)
		if len(ps) != len(want) {
			t.Errorf("%d %s, want %d", len(ps), name, len(want))
			continue
		}
		for i, p := range ps {
			if got := dateTimeOf(t, p); !got.Equal(want[i]) {
				t.Errorf("%s %d = %v, want %v", name, i, got, want[i])
			}
		}
	}
}

// TestCourseKeepsLocalTime expands the courses as an app without tz data
// does, from the file alone (rrule-go for RRULE, RDATE and EXDATE; the
// file's VTIMEZONE for the offsets): every meeting is at 18:00 in Seregno,
// in CEST and in CET alike.
func TestCourseKeepsLocalTime(t *testing.T) {
	c := sample(t)
	rome := c.TZ
	cal := parse(t, write(t, c))
	tzid, zone := readZone(t, cal, 2028)
	if tzid != "Europe/Rome" {
		t.Fatalf("TZID %q, want Europe/Rome", tzid)
	}
	at := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 18, 0, 0, 0, rome) }
	tests := []struct {
		uid  string
		want []time.Time
	}{
		{"event-13@coworkbot.comune.seregno.mb.it", []time.Time{
			at(10, 8), at(10, 15), at(10, 22), at(10, 29), at(11, 5), at(11, 12), at(11, 19), at(11, 26)}},
		{"event-14@coworkbot.comune.seregno.mb.it", []time.Time{
			at(3, 12), at(3, 26), at(4, 2), at(4, 9), at(4, 16), at(4, 21)}},
	}
	for _, tt := range tests {
		var ev *ics.VEvent
		for _, e := range cal.Events() {
			if e.Id() == tt.uid {
				ev = e
			}
		}
		if ev == nil {
			t.Fatalf("no event %s", tt.uid)
		}
		got := eventInstances(t, ev, zone, tzid)
		if len(got) != len(tt.want) {
			t.Fatalf("%s: %d meetings %v, want %d", tt.uid, len(got), got, len(tt.want))
		}
		zones := map[string]bool{}
		for i := range got {
			if !got[i].Equal(tt.want[i]) {
				t.Errorf("%s: meeting %d at %v, want %v", tt.uid, i, got[i].In(rome), tt.want[i])
			}
			name, _ := tt.want[i].Zone()
			zones[name] = true
		}
		if !zones["CET"] || !zones["CEST"] {
			t.Errorf("%s: the meetings are all in %v; the test wants both CET and CEST", tt.uid, zones)
		}
	}
	// And in UTC the hour moves: 16:00 in summer time, 17:00 in winter.
	if h := at(10, 22).UTC().Hour(); h != 16 {
		t.Errorf("22 October 18:00 is %d:00 UTC, want 16", h)
	}
	if h := at(10, 29).UTC().Hour(); h != 17 {
		t.Errorf("29 October 18:00 is %d:00 UTC, want 17", h)
	}
}

func TestGolden(t *testing.T) {
	rome := mustLoad(t, "Europe/Rome")
	c := Calendar{
		Name:      "Eventi a Seregno",
		TZ:        rome,
		Stamp:     time.Date(2026, 11, 20, 8, 30, 0, 0, time.UTC),
		Organizer: comune,
		Events: []Event{{
			UID:   "event-7@coworkbot.comune.seregno.mb.it",
			Start: time.Date(2026, 12, 3, 18, 0, 0, 0, rome), End: time.Date(2026, 12, 3, 20, 0, 0, 0, rome),
			Summary:     "Fatturazione elettronica, senza paura",
			Description: "Per chi apre la partita IVA; posti limitati.\nGratuito.",
			Location:    "Binario Uno, via Stazione 1, Seregno",
			Geo:         &Geo{Lat: 45.6497, Lon: 9.2003},
			URL:         "https://t.me/coworkbot?start=event-7",
			Language:    "it",
			Status:      StatusConfirmed,
			Created:     time.Date(2026, 11, 2, 9, 15, 0, 0, time.UTC),
			Modified:    time.Date(2026, 11, 2, 9, 15, 0, 0, time.UTC),
			Categories:  []string{"workshop", "fisco"},
			Recurrence:  &Recurrence{Weekly: 4},
		}},
	}
	got := write(t, c)
	path := filepath.Join("testdata", "small.ics")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -run TestGolden -update writes it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("the output differs from %s:\ngot:\n%s\nwant:\n%s", path, got, want)
	}
	parse(t, want)
}

func TestDeterministic(t *testing.T) {
	first := write(t, sample(t))
	for range 20 {
		if got := write(t, sample(t)); !bytes.Equal(got, first) {
			t.Fatalf("two writes of the same calendar differ:\n%s\n---\n%s", first, got)
		}
	}
	var uids []string
	for _, l := range unfoldedLines(t, first) {
		if uid, ok := strings.CutPrefix(l, "UID:"); ok {
			uids = append(uids, uid)
		}
	}
	var want []string
	for _, e := range sample(t).Events {
		want = append(want, e.UID)
	}
	if strings.Join(uids, " ") != strings.Join(want, " ") {
		t.Errorf("events written in order %v, want %v", uids, want)
	}
}

// TestRepeatedHour: on the night the clocks go back, 02:00 to 03:00 happens
// twice in Rome. RFC 5545 reads such a local time as the first, libical and
// Go as the second, so both are written in UTC; the hours either side, which
// happen once, stay local.
func TestRepeatedHour(t *testing.T) {
	c := sample(t)
	utc := func(hh, mm int) time.Time { return time.Date(2026, 10, 24, hh, mm, 0, 0, time.UTC) }
	tests := []struct {
		at   time.Time
		want string
	}{
		{utc(23, 30), "TZID=Europe/Rome:20261025T013000"}, // 01:30 CEST
		{utc(23, 59), "TZID=Europe/Rome:20261025T015900"},
		{utc(24, 0), "20261025T000000Z"},  // 02:00 CEST, the first time
		{utc(24, 30), "20261025T003000Z"}, // 02:30 CEST
		{utc(25, 0), "20261025T010000Z"},  // 02:00 CET, the second time
		{utc(25, 59), "20261025T015900Z"}, // 02:59 CET
		{utc(26, 0), "TZID=Europe/Rome:20261025T030000"},
		{utc(26, 30), "TZID=Europe/Rome:20261025T033000"},
	}
	c.Events = nil
	for i, tt := range tests {
		c.Events = append(c.Events, Event{UID: fmt.Sprintf("e%d@x", i), Start: tt.at, End: tt.at.Add(time.Hour), Summary: "x"})
	}
	cal := parse(t, write(t, c))
	tzid, zone := readZone(t, cal, 2027)
	for i, ev := range cal.Events() {
		p := one(t, &ev.ComponentBase, "DTSTART")
		got := p.Value
		if tz := paramOf(p, "TZID"); tz != "" {
			got = "TZID=" + tz + ":" + got
		}
		if got != tests[i].want {
			t.Errorf("%v is written %s, want %s", tests[i].at, got, tests[i].want)
		}
		at := dateTimeOf(t, p)
		if paramOf(p, "TZID") == tzid {
			wall, _ := time.Parse("20060102T150405", p.Value)
			at = zone.resolve(wall)
		}
		if !at.Equal(tests[i].at) {
			t.Errorf("DTSTART %s reads as %v, want %v", got, at, tests[i].at)
		}
	}
}

// TestEmpty: a calendar with no events still has a component, as RFC 5545
// wants: the VTIMEZONE.
func TestEmpty(t *testing.T) {
	c := sample(t)
	c.Events = nil
	cal := parse(t, write(t, c))
	if len(cal.Events()) != 0 || len(cal.Timezones()) != 1 {
		t.Errorf("%d events and %d VTIMEZONEs, want 0 and 1", len(cal.Events()), len(cal.Timezones()))
	}
}

func TestDefaults(t *testing.T) {
	c := sample(t)
	c.ProdID, c.Name, c.Description, c.Refresh = "", "", "", 0
	cal := parse(t, write(t, c))
	if got, _ := calProp(cal, "PRODID"); got != DefaultProdID {
		t.Errorf("PRODID = %q, want %q", got, DefaultProdID)
	}
	for _, name := range []string{"NAME", "X-WR-CALNAME", "DESCRIPTION", "X-WR-CALDESC", "REFRESH-INTERVAL", "X-PUBLISHED-TTL"} {
		if got, ok := calProp(cal, name); ok || got != "" {
			t.Errorf("%s = %q, want none", name, got)
		}
	}
}

func TestFormatDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		time.Hour:                  "PT1H",
		6 * time.Hour:              "PT6H",
		90 * time.Minute:           "PT1H30M",
		24 * time.Hour:             "P1D",
		26*time.Hour + time.Second: "P1DT2H1S",
		45 * time.Second:           "PT45S",
	} {
		if got := formatDuration(d); got != want {
			t.Errorf("formatDuration(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestInvalid(t *testing.T) {
	tests := []struct {
		name   string
		change func(c *Calendar, e *Event)
	}{
		{"no time zone", func(c *Calendar, e *Event) { c.TZ = nil }},
		{"time.Local", func(c *Calendar, e *Event) { c.TZ = time.Local }},
		{"a zone name that needs quoting", func(c *Calendar, e *Event) { c.TZ = time.FixedZone("ora; di Roma", 3600) }},
		{"no stamp", func(c *Calendar, e *Event) { c.Stamp = time.Time{} }},
		{"negative refresh", func(c *Calendar, e *Event) { c.Refresh = -time.Hour }},
		{"bad calendar organizer", func(c *Calendar, e *Event) { c.Organizer.Email = "urp at comune" }},
		{"no organizer anywhere", func(c *Calendar, e *Event) { c.Organizer = Organizer{}; e.Organizer = nil }},
		{"an organizer with no email", func(c *Calendar, e *Event) { e.Organizer = &Organizer{Name: "Officina"} }},
		{"an organizer email with a name", func(c *Calendar, e *Event) {
			e.Organizer = &Organizer{Email: "Officina <info@officina.it>"}
		}},
		{"no UID", func(c *Calendar, e *Event) { e.UID = "" }},
		{"the same UID twice", func(c *Calendar, e *Event) { c.Events[1].UID = e.UID }},
		{"no summary", func(c *Calendar, e *Event) { e.Summary = "" }},
		{"a summary of control characters", func(c *Calendar, e *Event) { e.Summary = " \x01\x02 " }},
		{"no start", func(c *Calendar, e *Event) { e.Start = time.Time{} }},
		{"no end", func(c *Calendar, e *Event) { e.End = time.Time{} }},
		{"end before start", func(c *Calendar, e *Event) { e.End = e.Start.Add(-time.Hour) }},
		{"end at start", func(c *Calendar, e *Event) { e.End = e.Start.Add(500 * time.Millisecond) }},
		{"latitude past the pole", func(c *Calendar, e *Event) { e.Geo = &Geo{Lat: 91, Lon: 9} }},
		{"longitude NaN", func(c *Calendar, e *Event) { e.Geo = &Geo{Lat: 45, Lon: math.NaN()} }},
		{"a relative URL", func(c *Calendar, e *Event) { e.URL = "/eventi/12" }},
		{"a URL with a space", func(c *Calendar, e *Event) { e.URL = "https://example.org/a b" }},
		{"a URL with a line break", func(c *Calendar, e *Event) { e.URL = "https://example.org/\r\nX-EVIL:1" }},
		{"a language with a space", func(c *Calendar, e *Event) { e.Language = "it IT" }},
		{"an unknown status", func(c *Calendar, e *Event) { e.Status = "POSTPONED" }},
		{"a negative sequence", func(c *Calendar, e *Event) { e.Sequence = -1 }},
		{"negative weekly meetings", func(c *Calendar, e *Event) { e.Recurrence = &Recurrence{Weekly: -2} }},
		{"an extra meeting before the first", func(c *Calendar, e *Event) {
			e.Recurrence = &Recurrence{Dates: []time.Time{e.Start.AddDate(0, 0, -7)}}
		}},
		{"an exception off the weekly dates", func(c *Calendar, e *Event) {
			e.Recurrence = &Recurrence{Weekly: 4, Except: []time.Time{e.Start.AddDate(0, 0, 8)}}
		}},
		{"an exception past the last meeting", func(c *Calendar, e *Event) {
			e.Recurrence = &Recurrence{Weekly: 4, Except: []time.Time{e.Start.AddDate(0, 0, 28)}}
		}},
		{"an exception without weekly meetings", func(c *Calendar, e *Event) {
			e.Recurrence = &Recurrence{Except: []time.Time{e.Start.AddDate(0, 0, 7)}}
		}},
		{"the first meeting excepted", func(c *Calendar, e *Event) {
			e.Recurrence = &Recurrence{Weekly: 4, Except: []time.Time{e.Start}}
		}},
		{"an extra meeting on a weekly one", func(c *Calendar, e *Event) {
			e.Recurrence = &Recurrence{Weekly: 4, Dates: []time.Time{e.Start.AddDate(0, 0, 14)}}
		}},
		{"the same extra meeting twice", func(c *Calendar, e *Event) {
			d := e.Start.AddDate(0, 0, 3)
			e.Recurrence = &Recurrence{Dates: []time.Time{d, d}}
		}},
		{"a javascript: URL", func(c *Calendar, e *Event) { e.URL = "javascript:alert(1)" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := sample(t)
			tt.change(&c, &c.Events[0])
			var b bytes.Buffer
			err := Write(&b, c)
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("Write: %v, want ErrInvalid", err)
			}
			if b.Len() != 0 {
				t.Errorf("Write wrote %d bytes for an invalid calendar, want none", b.Len())
			}
		})
	}
}

type failingWriter struct{}

var errDiskFull = errors.New("disk full")

func (failingWriter) Write([]byte) (int, error) { return 0, errDiskFull }

func TestWriterError(t *testing.T) {
	if err := Write(failingWriter{}, sample(t)); !errors.Is(err, errDiskFull) {
		t.Errorf("Write to a failing writer: %v, want %v", err, errDiskFull)
	}
}

// TestWeeklyAcrossDST: a course's meetings keep their local time, so the
// fourth meeting of a Thursday 18:00 course that starts in CEST is at 18:00
// CET, not 168 hours after the third.
func TestWeeklyAcrossDST(t *testing.T) {
	rome := mustLoad(t, "Europe/Rome")
	start := time.Date(2026, 10, 8, 18, 0, 0, 0, rome)
	e := Event{Start: start, End: start.Add(time.Hour), Recurrence: &Recurrence{Weekly: 8}}
	for _, tt := range []struct {
		at   time.Time
		want bool
	}{
		{start, false}, // the first is not "after the first"
		{time.Date(2026, 10, 22, 18, 0, 0, 0, rome), true},
		{time.Date(2026, 10, 29, 18, 0, 0, 0, rome), true},
		{start.Add(3 * 7 * 24 * time.Hour), false}, // 17:00 CET
		{time.Date(2026, 11, 26, 18, 0, 0, 0, rome), true},
		{time.Date(2026, 12, 3, 18, 0, 0, 0, rome), false}, // a ninth
		{time.Date(2026, 10, 28, 18, 0, 0, 0, rome), false},
		{time.Date(2026, 10, 1, 18, 0, 0, 0, rome), false},
	} {
		if got := e.isWeekly(tt.at, rome); got != tt.want {
			t.Errorf("isWeekly(%v) = %v, want %v", tt.at, got, tt.want)
		}
	}
}
