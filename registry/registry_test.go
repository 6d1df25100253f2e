package registry

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
)

func mustOpen(t testing.TB) *DB {
	t.Helper()
	d, err := Open(context.Background(), filepath.Join(t.TempDir(), "registry.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	d.Now = func() time.Time { return time.Date(2026, 12, 2, 10, 0, 0, 0, Rome) }
	return d
}

func mustDemo(t testing.TB) *DB {
	t.Helper()
	d := mustOpen(t)
	if err := d.LoadDemo(context.Background()); err != nil {
		t.Fatal(err)
	}
	return d
}

func exportString(t *testing.T, d *DB, f Format) string {
	t.Helper()
	var b bytes.Buffer
	if err := d.Export(context.Background(), &b, f); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestDemoLoads(t *testing.T) {
	d := mustDemo(t)
	spaces, err := d.Spaces(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(spaces) < 12 || len(spaces) > 20 {
		t.Fatalf("got %d demo spaces, want 12 to 20", len(spaces))
	}
	var cobaby, h24, saturday, mornings bool
	sat := time.Date(2026, 12, 5, 10, 0, 0, 0, Rome)
	afternoon := time.Date(2026, 12, 2, 15, 0, 0, 0, Rome)
	for _, s := range spaces {
		if s.Status != Approved {
			t.Errorf("%s: got status %s, want approved", s.ID, s.Status)
		}
		if !strings.Contains(s.DescriptionIn("it"), "dimostrativ") || !strings.Contains(s.DescriptionIn("en"), "Demo") {
			t.Errorf("%s: description does not say it is demo data", s.ID)
		}
		cobaby = cobaby || s.Services.Has(SetOf(Cobaby))
		h24 = h24 || s.Hours.Always()
		saturday = saturday || s.Hours.OpenAt(sat, d.Calendar)
		mornings = mornings || (s.Desks <= 5 && !s.Hours.OpenAt(afternoon, d.Calendar) && s.Hours.OpenOn(afternoon, d.Calendar))
	}
	if !cobaby || !h24 || !saturday || !mornings {
		t.Errorf("demo spread: cobaby %v, 24/7 %v, Saturday %v, small mornings-only %v; want all true", cobaby, h24, saturday, mornings)
	}
}

func TestExportImportExportSameBytes(t *testing.T) {
	for _, f := range []Format{GeoJSON, CSV} {
		t.Run(string(f), func(t *testing.T) {
			first := exportString(t, mustDemo(t), f)
			d2 := mustOpen(t)
			res, err := d2.Import(context.Background(), CommandLine, strings.NewReader(first), f)
			if err != nil {
				t.Fatal(err)
			}
			if res.Added != 15 {
				t.Errorf("got %d added, want 15", res.Added)
			}
			if second := exportString(t, d2, f); second != first {
				t.Errorf("second export differs from first:\n%s\n---\n%s", second, first)
			}
			// Importing again changes nothing and duplicates nothing.
			res, err = d2.Import(context.Background(), CommandLine, strings.NewReader(first), f)
			if err != nil {
				t.Fatal(err)
			}
			if res.Unchanged != 15 || res.Added != 0 || res.Updated != 0 {
				t.Errorf("re-import: got %+v, want 15 unchanged", res)
			}
		})
	}
}

func TestExportIsOpenData(t *testing.T) {
	var fc map[string]any
	if err := json.Unmarshal([]byte(exportString(t, mustDemo(t), GeoJSON)), &fc); err != nil {
		t.Fatal(err)
	}
	if fc["license"] != Licence {
		t.Errorf("got license %v, want %s", fc["license"], Licence)
	}
	f0 := fc["features"].([]any)[0].(map[string]any)
	props := f0["properties"].(map[string]any)
	if props["amenity"] != "coworking_space" || props["opening_hours"] == "" {
		t.Errorf("got amenity %v opening_hours %v, want the OSM keys", props["amenity"], props["opening_hours"])
	}
	geom := f0["geometry"].(map[string]any)
	c := geom["coordinates"].([]any)
	if lon := c[0].(float64); lon < 9 || lon > 10 {
		t.Errorf("got lon %v first, want [lon, lat] order", lon)
	}
}

func TestReimportUpdatesByID(t *testing.T) {
	d := mustDemo(t)
	ctx := context.Background()
	doc := exportString(t, d, GeoJSON)
	edited := strings.Replace(doc, `"desks":20`, `"desks":22`, 1)
	edited = strings.Replace(edited, `"name":"Il Cortile"`, `"name":"Il Cortile Nuovo"`, 1)
	res, err := d.Import(ctx, CommandLine, strings.NewReader(edited), GeoJSON)
	if err != nil {
		t.Fatal(err)
	}
	if res.Updated != 2 || res.Unchanged != 13 || res.Added != 0 {
		t.Errorf("got %+v, want 2 updated, 13 unchanged", res)
	}
	s, err := d.Space(ctx, "officina-brianza")
	if err != nil {
		t.Fatal(err)
	}
	if s.Desks != 22 {
		t.Errorf("got %d desks, want 22", s.Desks)
	}
	all, _ := d.Spaces(ctx)
	if len(all) != 15 {
		t.Errorf("got %d spaces, want 15", len(all))
	}
}

// editGeoJSON returns doc with fn applied to the feature whose id is id.
func editGeoJSON(t *testing.T, doc, id string, fn func(f map[string]any, props map[string]any)) string {
	t.Helper()
	var fc map[string]any
	if err := json.Unmarshal([]byte(doc), &fc); err != nil {
		t.Fatal(err)
	}
	for _, f := range fc["features"].([]any) {
		f := f.(map[string]any)
		if props := f["properties"].(map[string]any); props["id"] == id {
			fn(f, props)
		}
	}
	out, err := json.Marshal(fc)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// editCSV returns doc with column col of the row whose id is id set to v.
func editCSV(t *testing.T, doc, id, col, v string) string {
	t.Helper()
	rows, err := csv.NewReader(strings.NewReader(doc)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows[1:] {
		if r[0] == id {
			r[slices.Index(rows[0], col)] = v
		}
	}
	var b strings.Builder
	w := csv.NewWriter(&b)
	w.WriteAll(rows)
	return b.String()
}

func TestImportRefusesBadFiles(t *testing.T) {
	good := exportString(t, mustDemo(t), GeoJSON)
	goodCSV := exportString(t, mustDemo(t), CSV)
	// Records are in id order: binario-uno is 1, desio-works 5, il-cortile 6,
	// officina-brianza 10; in the CSV, record N is on line N+1.
	geo := func(id string, fn func(f, props map[string]any)) string { return editGeoJSON(t, good, id, fn) }
	cases := []struct {
		name   string
		format Format
		doc    string
		want   []Problem // record, field and code of each expected problem
	}{
		{"bad coordinates", GeoJSON, geo("officina-brianza", func(f, _ map[string]any) {
			f["geometry"].(map[string]any)["coordinates"] = []any{9.2}
		}), []Problem{{Record: 10, Field: "coordinates", Code: ProbBadCoords}}},
		{"coordinates out of range", GeoJSON, geo("officina-brianza", func(f, _ map[string]any) {
			f["geometry"].(map[string]any)["coordinates"] = []any{9.2, 145.6}
		}), []Problem{{Record: 10, Field: "coordinates", Code: ProbBadCoords}}},
		{"latitude and longitude swapped", GeoJSON, geo("officina-brianza", func(f, _ map[string]any) {
			f["geometry"].(map[string]any)["coordinates"] = []any{45.6519, 9.2068}
		}), []Problem{{Record: 10, Field: "coordinates", Code: ProbSwappedCoords}}},
		{"no geometry", GeoJSON, geo("officina-brianza", func(f, _ map[string]any) { f["geometry"] = nil }),
			[]Problem{{Record: 10, Field: "coordinates", Code: ProbBadGeometry}}},
		{"unknown service", GeoJSON, geo("desio-works", func(_, p map[string]any) { p["services"] = []any{"cobaby", "fibra"} }),
			[]Problem{{Record: 5, Field: "services", Code: ProbUnknownSvc, Value: "fibra"}}},
		{"unparseable hours", GeoJSON, geo("desio-works", func(_, p map[string]any) { p["opening_hours"] = "Lu-Ve 8:30-18:30" }),
			[]Problem{{Record: 5, Field: "opening_hours", Code: ProbBadHours}}},
		{"missing hours", GeoJSON, geo("desio-works", func(_, p map[string]any) { delete(p, "opening_hours") }),
			[]Problem{{Record: 5, Field: "opening_hours", Code: ProbMissing}}},
		{"negative desks", GeoJSON, geo("officina-brianza", func(_, p map[string]any) { p["desks"] = -2 }),
			[]Problem{{Record: 10, Field: "desks", Code: ProbNegative}}},
		{"desks not a number", GeoJSON, geo("officina-brianza", func(_, p map[string]any) { p["desks"] = "venti" }),
			[]Problem{{Record: 10, Field: "desks", Code: ProbNotNumber}}},
		{"missing name", GeoJSON, geo("il-cortile", func(_, p map[string]any) { delete(p, "name") }),
			[]Problem{{Record: 6, Field: "name", Code: ProbMissing}}},
		{"duplicate id", GeoJSON, geo("il-cortile", func(_, p map[string]any) { p["id"] = "binario-uno" }),
			[]Problem{{Record: 6, Field: "id", Code: ProbDuplicateID}}},
		{"two mistakes", GeoJSON, editGeoJSON(t, geo("officina-brianza", func(_, p map[string]any) { p["desks"] = -2 }),
			"desio-works", func(_, p map[string]any) { p["services"] = []any{"cobaby", "fibra"} }),
			[]Problem{{Record: 5, Field: "services", Code: ProbUnknownSvc}, {Record: 10, Field: "desks", Code: ProbNegative}}},
		{"unknown property", GeoJSON, geo("officina-brianza", func(_, p map[string]any) { p["desk"] = 3 }),
			[]Problem{{Record: 10, Field: "desk", Code: ProbUnknownField}}},
		{"not json", GeoJSON, `{"type":"FeatureCollection","features":[`, []Problem{{Code: ProbUnreadable}}},
		{"empty collection", GeoJSON, `{"type":"FeatureCollection","features":[]}`, []Problem{{Code: ProbEmptyFile}}},
		{"csv bad lat", CSV, editCSV(t, goodCSV, "officina-brianza", "lat", "45,65,19"),
			[]Problem{{Record: 10, Line: 11, Field: "coordinates", Code: ProbBadCoords}}},
		{"csv unknown service", CSV, editCSV(t, goodCSV, "desio-works", "services", "cobaby;fibra"),
			[]Problem{{Record: 5, Line: 6, Field: "services", Code: ProbUnknownSvc}}},
		{"csv negative desks", CSV, editCSV(t, goodCSV, "officina-brianza", "desks", "-20"),
			[]Problem{{Record: 10, Line: 11, Field: "desks", Code: ProbNegative}}},
		{"csv missing name", CSV, editCSV(t, goodCSV, "il-cortile", "name", ""),
			[]Problem{{Record: 6, Line: 7, Field: "name", Code: ProbMissing}}},
		{"csv unknown column", CSV, strings.Replace(goodCSV, "desks", "desk", 1),
			[]Problem{{Line: 1, Field: "desk", Code: ProbUnknownField}}},
		{"csv ragged quotes", CSV, goodCSV + "x,\"unterminated\n", []Problem{{Record: 16, Code: ProbUnreadable}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := mustDemo(t)
			before := exportString(t, d, GeoJSON)
			_, err := d.Import(context.Background(), CommandLine, strings.NewReader(c.doc), c.format)
			var probs Problems
			if !errors.As(err, &probs) || !errors.Is(err, ErrInvalid) {
				t.Fatalf("got error %v, want Problems", err)
			}
			if len(probs) != len(c.want) {
				t.Fatalf("got %d problems %v, want %d %v", len(probs), probs, len(c.want), c.want)
			}
			for i, w := range c.want {
				g := probs[i]
				if g.Record != w.Record || g.Field != w.Field || g.Code != w.Code || (w.Line != 0 && g.Line != w.Line) || (w.Value != "" && g.Value != w.Value) {
					t.Errorf("problem %d: got %+v, want %+v", i, g, w)
				}
			}
			if after := exportString(t, d, GeoJSON); after != before {
				t.Error("a refused import changed the database")
			}
		})
	}
}

func TestImportUnreadableFile(t *testing.T) {
	d := mustOpen(t)
	f, err := os.Open(t.TempDir()) // a directory reads as an error
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	_, err = d.Import(context.Background(), CommandLine, f, GeoJSON)
	var probs Problems
	if !errors.As(err, &probs) || probs[0].Code != ProbUnreadable {
		t.Fatalf("got %v, want an unreadable problem", err)
	}
}

func TestSearchOrderAndFilters(t *testing.T) {
	d := mustDemo(t)
	ctx := context.Background()
	station := orb.Point{9.2101, 45.6469}
	rs, err := d.Search(ctx, Query{Near: &station, Limit: 20})
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 15 {
		t.Fatalf("got %d results, want 15", len(rs))
	}
	if rs[0].Space.ID != "binario-uno" {
		t.Errorf("got %s nearest the station, want binario-uno", rs[0].Space.ID)
	}
	for i := 1; i < len(rs); i++ {
		if rs[i].Distance < rs[i-1].Distance {
			t.Errorf("result %d (%s, %.0f m) nearer than %d (%.0f m)", i, rs[i].Space.ID, rs[i].Distance, i-1, rs[i-1].Distance)
		}
	}
	// Paging gives the same order.
	p2, _ := d.Search(ctx, Query{Near: &station, Offset: 5, Limit: 5})
	for i := range p2 {
		if p2[i].Space.ID != rs[5+i].Space.ID {
			t.Errorf("page 2 item %d: got %s, want %s", i, p2[i].Space.ID, rs[5+i].Space.ID)
		}
	}
	wed10 := time.Date(2026, 12, 2, 10, 0, 0, 0, Rome)
	sunday := time.Date(2026, 12, 6, 0, 0, 0, 0, Rome)
	tests := []struct {
		name string
		q    Query
		want []string
	}{
		{"cobaby", Query{Services: SetOf(Cobaby)}, []string{"officina-brianza", "nido-lavoro", "desio-works"}},
		{"cobaby and fibre", Query{Services: SetOf(Cobaby, Fiber)}, []string{"officina-brianza", "desio-works"}},
		{"open on Sunday", Query{During: &Window{Day: sunday}}, []string{"binario-uno"}},
		{"open Saturday afternoon", Query{During: &Window{Day: sunday.AddDate(0, 0, -1), From: 14 * 60, To: 18 * 60, Cover: true}}, []string{"binario-uno", "lambro-hub"}},
		{"open Wednesday 15:00", Query{OpenAt: wed10.Add(5 * time.Hour), Services: SetOf(Kitchen)},
			[]string{"officina-brianza", "nido-lavoro", "spazio-ceredo", "spazio-filanda", "seveso-green", "cascina-lambro"}},
		{"on 8 December (a holiday) only 24/7", Query{During: &Window{Day: time.Date(2026, 12, 8, 0, 0, 0, 0, Rome)}}, []string{"binario-uno"}},
		{"in Monza", Query{Comune: "monza"}, []string{"lambro-hub"}},
		{"nothing", Query{Services: SetOf(Cobaby, H24)}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.q.Near, tt.q.Limit = &station, 20
			rs, err := d.Search(ctx, tt.q)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]bool{}
			for _, r := range rs {
				got[r.Space.ID] = true
			}
			if len(got) != len(tt.want) {
				t.Errorf("got %v, want %v", ids(rs), tt.want)
			}
			for _, w := range tt.want {
				if !got[w] {
					t.Errorf("got %v, want %s among them", ids(rs), w)
				}
			}
		})
	}
}

func TestSearchSeesOnlyApprovedAndNoticesChanges(t *testing.T) {
	d := mustDemo(t)
	ctx := context.Background()
	if _, err := d.Search(ctx, Query{}); err != nil {
		t.Fatal(err)
	}
	if err := d.SetStatus(ctx, CommandLine, "binario-uno", Suspended, ""); err != nil {
		t.Fatal(err)
	}
	// A second handle on the same file, as another process would have.
	other, err := Open(ctx, d.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	rs, err := other.Search(ctx, Query{Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if r.Space.ID == "binario-uno" {
			t.Error("a suspended space was found")
		}
	}
	if err := other.SetStatus(ctx, CommandLine, "binario-uno", Approved, ""); err != nil {
		t.Fatal(err)
	}
	rs, _ = d.Search(ctx, Query{Limit: 50})
	if len(rs) != 15 {
		t.Errorf("got %d after re-approval in another handle, want 15", len(rs))
	}
	if err := d.SetStatus(ctx, CommandLine, "nope", Approved, ""); !errors.Is(err, ErrNotFound) {
		t.Errorf("got %v, want ErrNotFound", err)
	}
}

func ids(rs []Result) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Space.ID)
	}
	return out
}

func TestReimportWithRoomsInAnotherOrderIsUnchanged(t *testing.T) {
	d := mustDemo(t)
	ctx := context.Background()
	spaces, err := DemoSpaces()
	if err != nil {
		t.Fatal(err)
	}
	for i := range spaces {
		slices.Reverse(spaces[i].Rooms)
	}
	res, err := d.PutSpaces(ctx, CommandLine, spaces, PutOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Unchanged != len(spaces) {
		t.Errorf("got %+v, want all %d unchanged", res, len(spaces))
	}
}

func TestImportCSVWithSemicolons(t *testing.T) {
	doc := exportString(t, mustDemo(t), CSV)
	rows, err := csv.NewReader(strings.NewReader(doc)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	w := csv.NewWriter(&b)
	w.Comma = ';' // as a spreadsheet in Italian saves it
	w.WriteAll(rows)
	d := mustOpen(t)
	res, err := d.Import(context.Background(), CommandLine, strings.NewReader(b.String()), CSV)
	if err != nil {
		t.Fatal(err)
	}
	if res.Added != 15 {
		t.Errorf("got %d added, want 15", res.Added)
	}
	if got := exportString(t, d, CSV); got != doc {
		t.Error("a semicolon CSV did not load the same list")
	}
}

// TestMigrationVersionsAreUnique: two migrations with one number would
// leave one of them unapplied on every database that had the other.
func TestMigrationVersionsAreUnique(t *testing.T) {
	entries, err := os.ReadDir("migrations")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]string{}
	for _, e := range entries {
		v, _, _ := strings.Cut(e.Name(), "_")
		if other, ok := seen[v]; ok {
			t.Errorf("migrations %s and %s share version %s", other, e.Name(), v)
		}
		seen[v] = e.Name()
	}
	if len(seen) < 10 {
		t.Errorf("found %d migrations: is the directory right?", len(seen))
	}
}
