package registry

import (
	"bytes"
	"maps"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/comune-seregno/coworkbot/registry/hours"
)

func TestCSVTemplateImports(t *testing.T) {
	file, err := os.ReadFile("../docs/elenco-modello.csv")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(file, []byte("\xef\xbb\xbf")) || !bytes.Contains(file, []byte("\r\n")) || bytes.Count(file, []byte("\n")) != bytes.Count(file, []byte("\r\n")) {
		t.Error("the template is not UTF-8 with a BOM and CRLF line ends")
	}
	header, _, _ := strings.Cut(strings.TrimPrefix(string(file), "\ufeff"), "\r\n")
	if !strings.Contains(header, ";") || strings.Contains(header, ",") {
		t.Errorf("got header %q, want it separated by semicolons", header)
	}
	spaces, err := Read(bytes.NewReader(file), CSV)
	if err != nil {
		t.Fatal(err)
	}
	if len(spaces) != 1 || spaces[0].Location.Lat() < 45 || spaces[0].PriceDayCents == 0 || len(spaces[0].Rooms) == 0 {
		t.Errorf("got %+v, want one example space with coordinates, a price and a room", spaces)
	}
	// Every column the import knows is in the template.
	for _, c := range append(csvColumns, "description_it", "description_en", "rooms") {
		if !slices.Contains(strings.Split(header, ";"), c) {
			t.Errorf("the template has no column %q", c)
		}
	}
}

// TestDocsHoursExamples checks the docs' tables of opening hours, in both
// languages: the Italian day names map to OSM's, and every whole example
// parses, the same examples in both documents.
func TestDocsHoursExamples(t *testing.T) {
	row := regexp.MustCompile("(?m)^\\| ([^|`]+) \\| `([^`]+)` \\|$")
	wantDays := map[string]string{"lun": "Mo", "mar": "Tu", "mer": "We", "gio": "Th", "ven": "Fr", "sab": "Sa", "dom": "Su", "festivi": "PH"}
	seen := map[string]int{}
	for _, doc := range []string{"../docs/registry.md", "../docs/registry.it.md"} {
		src, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		days, examples := map[string]string{}, 0
		for _, m := range row.FindAllStringSubmatch(string(src), -1) {
			italian, osm := m[1], m[2]
			if !strings.ContainsAny(osm, "0123456789") { // a day of the table of days
				name, _, _ := strings.Cut(italian, " ")
				days[name] = osm
				continue
			}
			examples++
			seen[osm]++
			if _, err := hours.Parse(osm); err != nil {
				t.Errorf("%s: example %q → %q: %v", doc, italian, osm, err)
			}
		}
		if !maps.Equal(days, wantDays) {
			t.Errorf("%s: got the days %v, want %v", doc, days, wantDays)
		}
		if examples < 8 {
			t.Errorf("%s: found %d examples of opening hours, want at least 8", doc, examples)
		}
	}
	for expr, n := range seen {
		if n != 2 {
			t.Errorf("example %q is in %d of the two documents, want both", expr, n)
		}
	}
}
