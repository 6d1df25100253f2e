package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/comune-seregno/coworkbot/locales"
	"github.com/comune-seregno/coworkbot/registry"
	"golang.org/x/text/encoding/unicode"
)

// TestEveryProblemHasWords checks that every problem code the registry can
// report reads as a sentence in every language, showing its value.
func TestEveryProblemHasWords(t *testing.T) {
	texts, err := locales.New()
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range locales.Languages {
		l := texts.For(lang)
		ids, err := locales.IDs(lang)
		if err != nil {
			t.Fatal(err)
		}
		for _, code := range registry.ProblemCodes {
			msg := ids["problem."+code]["other"]
			if msg == "" {
				t.Errorf("%s: no message for problem %q", lang, code)
				continue
			}
			got := plain(problemText(l, registry.Problem{Record: 3, Line: 4, ID: "uno", Field: "name", Code: code, Value: "VALORE"}))
			if strings.Contains(msg, "{{.Value}}") && !strings.Contains(got, "VALORE") {
				t.Errorf("%s: problem %q: got %q, want the value in it", lang, code, got)
			}
		}
	}
}

// importFile writes doc to a file named name and imports it with the given
// language, returning what the import printed on standard error.
func importFile(t *testing.T, lang, name string, doc []byte) string {
	t.Helper()
	dir := t.TempDir()
	file := filepath.Join(dir, name)
	if err := os.WriteFile(file, doc, 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"import", "-db", filepath.Join(dir, "list.db"), "-lang", lang, file}, nil, &out, &errOut)
	if err == nil {
		t.Fatalf("%s: got the file imported, want it refused", name)
	}
	return errOut.String()
}

// TestImportStatesEveryLimit imports files over each limit, in Italian and in
// English, and checks that each refusal names the record, the field and the
// limit.
func TestImportStatesEveryLimit(t *testing.T) {
	const header = "id;name;comune;lat;lon;opening_hours;address;phone;email;website;description_it;services;rooms\r\n"
	type over struct{ col, value string }
	record := func(o over) string {
		cells := map[string]string{"id": "lungo", "name": "Spazio", "comune": "Seregno", "lat": "45,65", "lon": "9,20",
			"opening_hours": "Mo-Fr 09:00-18:00", "rooms": "volta|Sala Volta|8|20"}
		cells[o.col] = o.value
		var row []string
		for _, c := range strings.Split(strings.TrimSuffix(header, "\r\n"), ";") {
			row = append(row, `"`+cells[c]+`"`)
		}
		return strings.Join(row, ";") + "\r\n"
	}
	var manyRooms []string
	for i := range registry.MaxRooms + 1 {
		manyRooms = append(manyRooms, fmt.Sprintf("s%d|Sala %d|4|10", i, i))
	}
	long := func(n int) string { return strings.Repeat("è", n+1) }
	cases := []struct {
		field string
		o     over
		limit int
		it    string // what the Italian message says of the limit
		en    string
	}{
		{"id", over{"id", strings.Repeat("a", registry.MaxID+1)}, registry.MaxID, "al massimo 48 caratteri", "at most 48 characters"},
		{"name", over{"name", long(registry.MaxName)}, registry.MaxName, "troppo lungo: al massimo 80 caratteri", "too long: at most 80 characters"},
		{"comune", over{"comune", long(registry.MaxComune)}, registry.MaxComune, "al massimo 60 caratteri", "at most 60 characters"},
		{"address", over{"address", long(registry.MaxAddress)}, registry.MaxAddress, "al massimo 120 caratteri", "at most 120 characters"},
		{"phone", over{"phone", strings.Repeat("1", registry.MaxPhone+1)}, registry.MaxPhone, "al massimo 40 caratteri", "at most 40 characters"},
		{"email", over{"email", strings.Repeat("a", registry.MaxEmail) + "@example.org"}, registry.MaxEmail, "al massimo 254 caratteri", "at most 254 characters"},
		{"website", over{"website", "https://" + strings.Repeat("w", registry.MaxWebsite)}, registry.MaxWebsite, "al massimo 200 caratteri", "at most 200 characters"},
		{"description_it", over{"description_it", long(registry.MaxDescription)}, registry.MaxDescription, "al massimo 1500 caratteri", "at most 1500 characters"},
		{"services", over{"services", strings.Repeat("wifi;", registry.MaxServices+1)}, registry.MaxServices, "troppi elementi: al massimo 32", "too many items: at most 32"},
		{"rooms", over{"rooms", strings.Join(manyRooms, ";")}, registry.MaxRooms, "troppi elementi: al massimo 20", "too many items: at most 20"},
		{"rooms", over{"rooms", strings.Repeat("a", registry.MaxRoomID+1) + "|Sala|4"}, registry.MaxRoomID, "al massimo 32 caratteri", "at most 32 characters"},
		{"rooms", over{"rooms", "volta|" + long(registry.MaxRoomName) + "|4"}, registry.MaxRoomName, "al massimo 60 caratteri", "at most 60 characters"},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s %d", c.field, c.limit), func(t *testing.T) {
			doc := []byte(header + record(c.o))
			it := importFile(t, "it", "elenco.csv", doc)
			if !strings.Contains(it, "record 1 (riga 2)") || !strings.Contains(it, "campo «"+c.field+"»") || !strings.Contains(it, c.it) {
				t.Errorf("in Italian: got %q, want record 1 (riga 2), campo «%s» and %q", it, c.field, c.it)
			}
			en := importFile(t, "en", "elenco.csv", doc)
			if !strings.Contains(en, "record 1 (line 2)") || !strings.Contains(en, "field “"+c.field+"”") || !strings.Contains(en, c.en) {
				t.Errorf("in English: got %q, want record 1 (line 2), field “%s” and %q", en, c.field, c.en)
			}
		})
	}

	// The file's size and its number of records.
	big := append([]byte(header), bytes.Repeat([]byte(record(over{"id", "uno"})), registry.MaxFileBytes/80)...)
	if it := importFile(t, "it", "grande.csv", big); !strings.Contains(it, "il file è troppo grande: al massimo 10 MB") {
		t.Errorf("got %q, want the file refused as over 10 MB", it)
	}
	if en := importFile(t, "en", "big.geojson", big); !strings.Contains(en, "the file is too large: at most 10 MB") {
		t.Errorf("got %q, want the file refused as over 10 MB", en)
	}
	var many strings.Builder
	many.WriteString(header)
	for i := range registry.MaxRecords + 1 {
		many.WriteString(record(over{"id", fmt.Sprintf("s%d", i)}))
	}
	want := map[string]string{"it": "record 5001 (riga 5002): il file ha troppi record: al massimo 5000 spazi in un file",
		"en": "record 5001 (line 5002): the file has too many records: at most 5000 spaces in one file"}
	for lang, w := range want {
		if got := importFile(t, lang, "tanti.csv", []byte(many.String())); !strings.Contains(got, w) {
			t.Errorf("%s: got %q, want %q", lang, got, w)
		}
	}
}

// TestImportUnicodeText: Excel's "Unicode text" (Salva con nome → Testo
// Unicode) is a .txt file, UTF-16 with its mark and tabs between the
// columns: the clerk imports it as it is.
func TestImportUnicodeText(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "elenco.db")
	lines := []string{
		"id\tname\tcomune\tlat\tlon\tservices\tdesks\topening_hours",
		"caffe-citta\tCaffè Città\tSeregno\t45,6519\t9,2068\twifi;fiber\t12\tMo-Fr 08:30-18:30",
	}
	text := strings.Join(lines, "\r\n") + "\r\n"
	file, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "elenco.txt")
	if err := os.WriteFile(path, file, 0o644); err != nil {
		t.Fatal(err)
	}
	cli(t, "import", "-db", db, path)
	if out := cli(t, "export", "-db", db, "-format", "csv"); !strings.Contains(out, "Caffè Città") {
		t.Errorf("export after importing Unicode text: got %q, want «Caffè Città»", out)
	}
}
