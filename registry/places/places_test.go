package places

import (
	"bufio"
	"errors"
	"math"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
)

// mbComuni are the 55 comuni of the province of Monza e Brianza.
var mbComuni = []string{
	"Agrate Brianza", "Aicurzio", "Albiate", "Arcore", "Barlassina", "Bellusco",
	"Bernareggio", "Besana in Brianza", "Biassono", "Bovisio-Masciago", "Briosco",
	"Brugherio", "Burago di Molgora", "Busnago", "Camparada", "Caponago",
	"Carate Brianza", "Carnate", "Cavenago di Brianza", "Ceriano Laghetto",
	"Cesano Maderno", "Cogliate", "Concorezzo", "Cornate d'Adda", "Correzzana",
	"Desio", "Giussano", "Lazzate", "Lentate sul Seveso", "Lesmo", "Limbiate",
	"Lissone", "Macherio", "Meda", "Mezzago", "Misinto", "Monza", "Muggiò",
	"Nova Milanese", "Ornago", "Renate", "Roncello", "Ronco Briantino", "Seregno",
	"Seveso", "Sovico", "Sulbiate", "Triuggio", "Usmate Velate", "Varedo",
	"Vedano al Lambro", "Veduggio con Colzano", "Verano Brianza", "Villasanta",
	"Vimercate",
}

// neighbours are comuni of the provinces around Monza e Brianza that border
// it or lie just beyond its edge, with their provinces.
var neighbours = []struct{ name, province string }{
	{"Milano", "MI"}, {"Paderno Dugnano", "MI"}, {"Cusano Milanino", "MI"},
	{"Cinisello Balsamo", "MI"}, {"Sesto San Giovanni", "MI"}, {"Cologno Monzese", "MI"},
	{"Carugate", "MI"}, {"Cernusco sul Naviglio", "MI"}, {"Pessano con Bornago", "MI"},
	{"Cambiago", "MI"}, {"Basiano", "MI"}, {"Trezzano Rosa", "MI"}, {"Grezzago", "MI"},
	{"Trezzo sull'Adda", "MI"}, {"Senago", "MI"}, {"Solaro", "MI"}, {"Cesate", "MI"},
	{"Bollate", "MI"},
	{"Cabiate", "CO"}, {"Mariano Comense", "CO"}, {"Lomazzo", "CO"}, {"Rovellasca", "CO"},
	{"Rovello Porro", "CO"}, {"Cermenate", "CO"}, {"Novedrate", "CO"}, {"Carimate", "CO"},
	{"Inverigo", "CO"}, {"Arosio", "CO"}, {"Cantù", "CO"},
	{"Nibionno", "LC"}, {"Costa Masnaga", "LC"}, {"Monticello Brianza", "LC"},
	{"Casatenovo", "LC"}, {"Lomagna", "LC"}, {"Osnago", "LC"}, {"Robbiate", "LC"},
	{"Paderno d'Adda", "LC"}, {"Verderio", "LC"}, {"Cassago Brianza", "LC"},
	{"Imbersago", "LC"},
	{"Calusco d'Adda", "BG"}, {"Medolago", "BG"}, {"Suisio", "BG"}, {"Solza", "BG"},
}

// box is a latitude/longitude bounding box.
type box struct{ minLat, maxLat, minLon, maxLon float64 }

func (b box) contains(p orb.Point) bool {
	return p.Lat() >= b.minLat && p.Lat() <= b.maxLat && p.Lon() >= b.minLon && p.Lon() <= b.maxLon
}

var (
	mbBox        = box{45.54, 45.75, 9.05, 9.50}
	aroundMBBox  = box{45.45, 45.80, 9.00, 9.55}
	seregnoPoint = orb.Point{9.204, 45.650}
)

func mustLookup(t *testing.T, g *Gazetteer, name string) Place {
	t.Helper()
	p, ok := g.Lookup(name)
	if !ok {
		t.Fatalf("Lookup(%q): not found", name)
	}
	return p
}

func mustParse(t *testing.T, data string) *Gazetteer {
	t.Helper()
	g, err := Parse(strings.NewReader(data))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return g
}

func TestMBComuni(t *testing.T) {
	g := Default()
	for _, name := range mbComuni {
		p := mustLookup(t, g, name)
		if p.Kind != KindComune {
			t.Errorf("%s: got kind %q, want %q", name, p.Kind, KindComune)
		}
		if p.Province != "MB" {
			t.Errorf("%s: got province %q, want MB", name, p.Province)
		}
		if want := strings.ReplaceAll(Normalize(name), " ", "-"); p.ID != want {
			t.Errorf("%s: got id %q, want %q", name, p.ID, want)
		}
		if Normalize(p.Name) != Normalize(name) {
			t.Errorf("%s: got name %q", name, p.Name)
		}
		if !mbBox.contains(p.Point) {
			t.Errorf("%s: point %v outside the province's box %+v", name, p.Point, mbBox)
		}
		if p.Comune != p.Name {
			t.Errorf("%s: got comune %q, want its own name", name, p.Comune)
		}
	}
	var inMB []string
	for _, p := range g.All() {
		if p.Kind == KindComune && p.Province == "MB" {
			inMB = append(inMB, Normalize(p.Name))
		}
	}
	if got, want := len(inMB), len(mbComuni); got != want {
		t.Errorf("got %d comuni in MB, want %d: %v", got, want, inMB)
	}
}

func TestNeighbours(t *testing.T) {
	g := Default()
	for _, n := range neighbours {
		p := mustLookup(t, g, n.name)
		if p.Kind != KindComune || p.Province != n.province {
			t.Errorf("%s: got %s in %q, want comune in %q", n.name, p.Kind, p.Province, n.province)
		}
		if !aroundMBBox.contains(p.Point) {
			t.Errorf("%s: point %v outside %+v", n.name, p.Point, aroundMBBox)
		}
	}
}

func TestSeregnoPlaces(t *testing.T) {
	g := Default()
	tests := []struct {
		id   string
		kind Kind
		// names are names and aliases that must find the place.
		names []string
	}{
		{"seregno-stazione", KindStation, []string{"Stazione di Seregno", "stazione", "Stazione FS", "station", "railway station", "Train Station"}},
		{"seregno-centro", KindCentre, []string{"centro", "Centro di Seregno", "city centre", "town centre", "downtown"}},
		{"seregno-piazza-concordia", KindSquare, []string{"Piazza della Concordia", "piazza Concordia", "concordia"}},
		{"seregno-piazza-martiri-della-liberta", KindSquare, []string{"Piazza Martiri della Libertà", "piazza della libertà", "Piazza Libertà"}},
		{"seregno-piazza-risorgimento", KindSquare, []string{"Piazza Risorgimento", "risorgimento"}},
	}
	for _, tt := range tests {
		p, ok := g.ByID(tt.id)
		if !ok {
			t.Errorf("ByID(%q): not found", tt.id)
			continue
		}
		if p.Kind != tt.kind || p.Comune != "Seregno" || p.Province != "MB" || p.Source != "hand" {
			t.Errorf("%s: got kind %q comune %q province %q source %q, want %q Seregno MB hand",
				tt.id, p.Kind, p.Comune, p.Province, p.Source, tt.kind)
		}
		if d := geo.Distance(p.Point, seregnoPoint); d > 1500 {
			t.Errorf("%s: %0.f m from Seregno's centre, want at most 1500", tt.id, d)
		}
		for _, name := range tt.names {
			if got := mustLookup(t, g, name); got.ID != tt.id {
				t.Errorf("Lookup(%q): got %q, want %q", name, got.ID, tt.id)
			}
		}
	}
}

// TestHandRowsGenerated checks that places.tsv was regenerated after the
// last change to hand.tsv.
func TestHandRowsGenerated(t *testing.T) {
	f, err := os.Open("hand.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	g := Default()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, "id\t") {
			continue
		}
		fields := strings.Split(line, "\t")
		n++
		p, ok := g.ByID(fields[0])
		if !ok {
			t.Errorf("hand row %q missing from places.tsv: run go generate", fields[0])
			continue
		}
		if p.Name != fields[1] || p.Source != "hand" {
			t.Errorf("hand row %q: got name %q source %q, want %q hand", fields[0], p.Name, p.Source, fields[1])
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Error("got no rows in hand.tsv")
	}
}

func TestLookupInsensitive(t *testing.T) {
	g := Default()
	tests := []struct{ in, want string }{
		{"Cesano Maderno", "cesano-maderno"},
		{"cesano maderno", "cesano-maderno"},
		{"CESANO-MADERNO", "cesano-maderno"},
		{"  Cesano   Maderno ", "cesano-maderno"},
		{"Muggiò", "muggio"},
		{"muggio", "muggio"},
		{"MUGGIÒ", "muggio"},
		{"Cornate d'Adda", "cornate-d-adda"},
		{"Cornate d’Adda", "cornate-d-adda"},
		{"cornate d adda", "cornate-d-adda"},
		{"Bovisio Masciago", "bovisio-masciago"},
		{"Usmate-Velate", "usmate-velate"},
		{"Sant'Angelo Lodigiano", "sant-angelo-lodigiano"},
		{"sant angelo lodigiano", "sant-angelo-lodigiano"},
		{"Forli", "forli"},
		{"Milan", "milano"},
		{"monza e brianza", "monza"},
		{"Cusano", "cusano-milanino"},
	}
	for _, tt := range tests {
		if got := mustLookup(t, g, tt.in); got.ID != tt.want {
			t.Errorf("Lookup(%q): got %q, want %q", tt.in, got.ID, tt.want)
		}
	}
	for _, in := range []string{"", "Gotham", "   ", "Cesano Madern"} {
		if p, ok := g.Lookup(in); ok {
			t.Errorf("Lookup(%q): got %q, want not found", in, p.ID)
		}
	}
}

// tieData holds places that share names, to test Lookup's preferences.
const tieData = `# test data
id	name	kind	comune	province	lat	lon	population	ordinary	aliases	source
borgo-rm	Borgo	comune	Borgo	RM	41.9	12.5	90000	0		test
borgo-mb	Borgo	locality	Desio	MB	45.62	9.20	100	0		test
borgo-mi	Borgo	comune	Borgo	MI	45.55	9.20	5000	0		test
borgo-co	Borgo	comune	Borgo	CO	45.70	9.20	5000	0		test
lago-na	Lago	locality	Napoli	NA	40.8	14.2	900000	0		test
lago-pa	Lago	comune	Lago	PA	38.1	13.3	100	0		test
lago-ts	Lago	comune	Lago	TS	45.6	13.7	200	0		test
`

func TestLookupPreference(t *testing.T) {
	g := mustParse(t, tieData)
	tests := []struct {
		name string
		want []string
	}{
		// MB first, then within 50 km of Seregno nearest first, then far.
		{"borgo", []string{"borgo-mb", "borgo-co", "borgo-mi", "borgo-rm"}},
		// Far away: comuni before localities, then the most populous.
		{"lago", []string{"lago-ts", "lago-pa", "lago-na"}},
	}
	for _, tt := range tests {
		var got []string
		for _, p := range g.LookupAll(tt.name) {
			got = append(got, p.ID)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("LookupAll(%q): got %v, want %v", tt.name, got, tt.want)
		}
		if p := mustLookup(t, g, tt.name); p.ID != tt.want[0] {
			t.Errorf("Lookup(%q): got %q, want %q", tt.name, p.ID, tt.want[0])
		}
	}
}

func TestLookupPrefersLocalInEmbeddedData(t *testing.T) {
	g := Default()
	tests := []struct{ name, wantProvince string }{
		{"Villanova", "MB"},
		{"Solaro", "MI"},
		{"Cesano", "MB"},
		{"Stazione", "MB"},
	}
	for _, tt := range tests {
		all := g.LookupAll(tt.name)
		if len(all) < 2 {
			t.Errorf("LookupAll(%q): got %d places, want a tie of at least 2", tt.name, len(all))
			continue
		}
		if p := mustLookup(t, g, tt.name); p.Province != tt.wantProvince {
			t.Errorf("Lookup(%q): got %s in %q, want province %q", tt.name, p.ID, p.Province, tt.wantProvince)
		}
	}
}

func TestCoordinates(t *testing.T) {
	g := Default()
	tests := []struct {
		name   string
		at     orb.Point
		within float64
	}{
		{"Seregno", orb.Point{9.204, 45.650}, 2000},
		{"Monza", orb.Point{9.274, 45.584}, 3000},
		{"Milano", orb.Point{9.190, 45.464}, 3000},
		{"Desio", orb.Point{9.207, 45.618}, 2000},
	}
	for _, tt := range tests {
		p := mustLookup(t, g, tt.name)
		if d := geo.Distance(p.Point, tt.at); d > tt.within {
			t.Errorf("%s: %.0f m from %v, want at most %.0f", tt.name, d, tt.at, tt.within)
		}
	}
}

func TestNearest(t *testing.T) {
	g := Default()
	for _, name := range mbComuni {
		p := mustLookup(t, g, name)
		got, d := g.Nearest(p.Point)
		if got.ID != p.ID || d != 0 {
			t.Errorf("Nearest(%s's point): got %q at %.0f m, want %q at 0 m", name, got.ID, d, p.ID)
		}
	}
	station, _ := g.ByID("seregno-stazione")
	got, d := g.Nearest(station.Point)
	if got.ID != "seregno" {
		t.Errorf("Nearest(station): got %q, want seregno", got.ID)
	}
	if want := geo.Distance(station.Point, got.Point); d != want {
		t.Errorf("Nearest(station): got distance %f, want %f", d, want)
	}
	if got, _ := g.Nearest(orb.Point{9.1900, 45.4642}); got.ID != "milano" { // the Duomo
		t.Errorf("Nearest(Duomo di Milano): got %q, want milano", got.ID)
	}
	// Only squares: no comune to be nearest.
	empty := mustParse(t, "id\tname\tkind\tcomune\tprovince\tlat\tlon\tpopulation\tordinary\taliases\tsource\n"+
		"sq\tPiazza\tsquare\tX\tMB\t45\t9\t0\t0\t\thand\n")
	if p, d := empty.Nearest(seregnoPoint); p.ID != "" || !math.IsInf(d, 1) {
		t.Errorf("Nearest with no comuni: got %q at %f, want none at +Inf", p.ID, d)
	}
}

func TestIDsUniqueAndStable(t *testing.T) {
	g := Default()
	all := g.All()
	if len(all) < 7000 {
		t.Fatalf("got %d places, want at least 7000", len(all))
	}
	seen := map[string]bool{}
	for i, p := range all {
		if seen[p.ID] {
			t.Errorf("id %q used twice", p.ID)
		}
		seen[p.ID] = true
		if i > 0 && all[i-1].ID >= p.ID {
			t.Errorf("All not sorted by id: %q before %q", all[i-1].ID, p.ID)
		}
		if got, ok := g.ByID(p.ID); !ok || got.Name != p.Name {
			t.Errorf("ByID(%q): got %q %v, want %q", p.ID, got.Name, ok, p.Name)
		}
		if p.Province == "" && p.Kind == KindComune {
			t.Errorf("%s: comune without province", p.ID)
		}
	}
	all[0].ID = "changed"
	if g.All()[0].ID == "changed" {
		t.Error("All returned the gazetteer's own slice")
	}
}

func TestOrdinary(t *testing.T) {
	g := Default()
	tests := []struct {
		name string
		want bool
	}{
		{"Sale", true}, {"Ora", true}, {"Re", true}, {"Vita", true},
		{"Bella", true}, {"Erba", true}, {"Cento", true},
		{"Desio", false}, {"Monza", false}, {"Seregno", false}, {"Milano", false},
		{"Bologna", false}, {"Lodi", false},
	}
	for _, tt := range tests {
		if p := mustLookup(t, g, tt.name); p.Ordinary != tt.want {
			t.Errorf("%s (%s): got Ordinary %v, want %v", tt.name, p.ID, p.Ordinary, tt.want)
		}
	}
}

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Sant'Angelo", "sant angelo"},
		{"Sant’Angelo", "sant angelo"},
		{"CESANO-MADERNO", "cesano maderno"},
		{"Muggiò", "muggio"},
		{"Forlì", "forli"},
		{"Cantù", "cantu"},
		{"Perché È così", "perche e cosi"},
		{"S. Giovanni", "s giovanni"},
		{"  a  b  ", "a b"},
		{"Brückl", "bruckl"},
		{"Muggio\u0300", "muggio"}, // decomposed accent
		{"", ""},
		{"'-.", ""},
	}
	for _, tt := range tests {
		if got := Normalize(tt.in); got != tt.want {
			t.Errorf("Normalize(%q): got %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	const header = "id\tname\tkind\tcomune\tprovince\tlat\tlon\tpopulation\tordinary\taliases\tsource\n"
	tests := []struct{ name, data string }{
		{"empty", ""},
		{"comments only", "# nothing\n"},
		{"bad header", "id\tname\n"},
		{"too few columns", header + "a\tA\tcomune\n"},
		{"unknown kind", header + "a\tA\tcity\tA\tMB\t45\t9\t0\t0\t\tt\n"},
		{"bad lat", header + "a\tA\tcomune\tA\tMB\tx\t9\t0\t0\t\tt\n"},
		{"lat out of range", header + "a\tA\tcomune\tA\tMB\t95\t9\t0\t0\t\tt\n"},
		{"bad population", header + "a\tA\tcomune\tA\tMB\t45\t9\tmany\t0\t\tt\n"},
		{"bad ordinary", header + "a\tA\tcomune\tA\tMB\t45\t9\t0\tyes\t\tt\n"},
		{"empty id", header + "\tA\tcomune\tA\tMB\t45\t9\t0\t0\t\tt\n"},
		{"duplicate id", header + "a\tA\tcomune\tA\tMB\t45\t9\t0\t0\t\tt\na\tB\tcomune\tB\tMB\t45\t9\t0\t0\t\tt\n"},
	}
	for _, tt := range tests {
		g, err := Parse(strings.NewReader(tt.data))
		if !errors.Is(err, ErrFormat) {
			t.Errorf("%s: got %v, %v; want an ErrFormat error", tt.name, g, err)
		}
	}
}

func TestDefaultConcurrent(t *testing.T) {
	var wg sync.WaitGroup
	got := make([]string, 8)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p, _ := Default().Lookup("Seregno")
			got[i] = p.ID
		}()
	}
	wg.Wait()
	for i, id := range got {
		if id != "seregno" {
			t.Errorf("goroutine %d: got %q, want seregno", i, id)
		}
	}
}

func BenchmarkLookup(b *testing.B) {
	g := Default()
	names := []string{"Cesano Maderno", "MUGGIÒ", "stazione", "Sant'Angelo Lodigiano", "nowhere at all"}
	for i := 0; b.Loop(); i++ {
		g.Lookup(names[i%len(names)])
	}
}

func BenchmarkNearest(b *testing.B) {
	g := Default()
	for b.Loop() {
		g.Nearest(seregnoPoint)
	}
}

func BenchmarkParseEmbedded(b *testing.B) {
	for b.Loop() {
		if _, err := Parse(strings.NewReader(embedded)); err != nil {
			b.Fatal(err)
		}
	}
}

func TestShortNamesOfNearbyComuni(t *testing.T) {
	for short, want := range map[string]string{"Carate": "carate-brianza", "Bovisio": "bovisio-masciago", "Verano": "verano-brianza",
		"Cesano": "cesano-maderno", "Agrate": "agrate-brianza", "Lentate": "lentate-sul-seveso", "Cinisello": "cinisello-balsamo"} {
		if p, ok := Default().Lookup(short); !ok || p.ID != want {
			t.Errorf("Lookup(%q): got %q, want %q", short, p.ID, want)
		}
	}
	if p, _ := Default().Lookup("San"); p.ID != "" && p.Province == "MB" {
		t.Errorf("got %q for San, want no short name for San …", p.ID)
	}
}
