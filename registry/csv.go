package registry

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
)

// The CSV columns, in the order they are written. Descriptions add one
// description_<lang> column per language present.
var csvColumns = []string{"id", "name", "comune", "address", "lat", "lon", "services", "desks", "opening_hours",
	"price_day_eur", "price_half_day_eur", "phone", "email", "website"}

// WriteCSV writes spaces as CSV (UTF-8, comma-separated, RFC 4180 quoting)
// with a header line: services separated by ";", descriptions as description_it,
// description_en, ..., rooms as "id|name|seats|price_hour_eur" separated by
// ";". A cell that a spreadsheet would read as a formula is prefixed with a
// single quote (see neutralise); ReadCSV removes it again.
func WriteCSV(w io.Writer, spaces []Space) error {
	langs := map[string]bool{"it": true, "en": true}
	for _, s := range spaces {
		for l, d := range s.Description {
			if d != "" {
				langs[l] = true
			}
		}
	}
	header := slices.Clone(csvColumns)
	sortedLangs := slices.Sorted(maps.Keys(langs))
	for _, l := range sortedLangs {
		header = append(header, "description_"+l)
	}
	header = append(header, "rooms")
	cw := csv.NewWriter(w)
	if err := cw.Write(header); err != nil {
		return err
	}
	for _, s := range spaces {
		var svc []string
		for _, x := range s.Services.List() {
			svc = append(svc, string(x))
		}
		rec := []string{s.ID, s.Name, s.Comune, s.Address,
			strconv.FormatFloat(s.Location.Lat(), 'f', -1, 64), strconv.FormatFloat(s.Location.Lon(), 'f', -1, 64),
			strings.Join(svc, ";"), strconv.Itoa(s.Desks), s.Hours.String(),
			eurCell(s.PriceDayCents), eurCell(s.PriceHalfDayCents), s.Phone, s.Email, s.Website}
		for _, l := range sortedLangs {
			rec = append(rec, s.Description[l])
		}
		var rooms []string
		for _, r := range s.Rooms {
			rooms = append(rooms, strings.Join([]string{r.ID, r.Name, strconv.Itoa(r.Seats), eurCell(r.PriceHourCents)}, "|"))
		}
		rec = append(rec, strings.Join(rooms, ";"))
		for i := range rec {
			rec[i] = neutralise(rec[i])
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func eurCell(c int) string {
	if c == 0 {
		return ""
	}
	return formatEUR(c)
}

// ReadCSV reads spaces from CSV with a header line naming the columns (in any
// order), separated by commas or, as a spreadsheet in Italian saves them, by
// semicolons. The text is UTF-8 (with or without a byte order mark) or
// Windows-1252 (and so ISO-8859-1); a cell in neither, or holding U+FFFD or a
// control character, is refused. It returns every problem it finds, each
// with its record number, line and field.
func ReadCSV(r io.Reader) ([]Space, Problems) {
	spaces, _, probs := readCSV(r)
	return spaces, probs
}

// readCSV is ReadCSV that also gives each space's line.
func readCSV(r io.Reader) ([]Space, []int, Problems) {
	data, probs := readLimited(r)
	if probs != nil {
		return nil, nil, probs
	}
	data, err := fromUTF16(data)
	if err != nil {
		return nil, nil, Problems{{Code: ProbUnreadable, Value: err.Error()}}
	}
	data, cs := sniffCharset(data)
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	// A spreadsheet in Italian saves CSV with ";" between the columns, and
	// "Unicode text" with tabs.
	first := firstLine(data)
	semicolons, commas, tabs := bytes.Count(first, []byte(";")), bytes.Count(first, []byte(",")), bytes.Count(first, []byte("\t"))
	switch {
	case tabs > semicolons && tabs > commas:
		cr.Comma = '\t'
	case semicolons > commas:
		cr.Comma = ';'
	}
	raw, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, nil, Problems{{Code: ProbEmptyFile}}
	}
	if err != nil {
		return nil, nil, Problems{{Code: ProbUnreadable, Value: err.Error()}}
	}
	for _, h := range raw {
		if _, p := cs.cellText(h); p != nil {
			p.Line = 1
			probs = append(probs, *p)
		}
	}
	if len(probs) > 0 { // the header is not text: nothing else can be read
		return nil, nil, probs
	}
	header := make([]string, len(raw))
	col := map[string]int{}
	for i, h := range raw {
		h, _ := cs.cellText(h)
		h = strings.TrimSpace(h)
		if h == "" {
			continue // a column without a name: a spreadsheet adds empty ones
		}
		known := slices.Contains(csvColumns, h) || h == "rooms" || h == "amenity" ||
			(strings.HasPrefix(h, "description_") && len(h) == len("description_it"))
		if !known {
			probs = append(probs, Problem{Line: 1, Field: h, Code: ProbUnknownField, Value: h})
		}
		header[i], col[h] = h, i
	}
	for _, need := range []string{"id", "name", "lat", "lon"} {
		if _, ok := col[need]; !ok {
			probs = append(probs, Problem{Line: 1, Field: need, Code: ProbMissing})
		}
	}
	if len(probs) > 0 {
		return nil, nil, probs
	}
	var spaces []Space
	var lines []int
	for rec := 1; ; rec++ {
		row, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			probs = append(probs, Problem{Record: rec, Line: line, Code: ProbUnreadable, Value: err.Error()})
			break
		}
		if rec > MaxRecords {
			probs = append(probs, Problem{Record: rec, Line: line, Code: ProbTooManyRecords, Value: strconv.Itoa(MaxRecords)})
			break
		}
		var cellProbs []Problem
		for i, cell := range row {
			text, p := cs.cellText(cell)
			if p != nil {
				if i < len(header) {
					p.Field = header[i]
				}
				p.Line, _ = cr.FieldPos(i)
				cellProbs = append(cellProbs, *p)
			}
			row[i] = text
		}
		s, ps := decodeCSVRow(row, col)
		for _, p := range cellProbs {
			p.Record, p.ID = rec, s.ID
			probs = append(probs, p)
		}
		for _, p := range ps {
			p.Record, p.Line, p.ID = rec, line, s.ID
			probs = append(probs, p)
		}
		spaces = append(spaces, s)
		lines = append(lines, line)
	}
	if len(spaces) == 0 && len(probs) == 0 {
		probs = append(probs, Problem{Code: ProbEmptyFile})
	}
	return spaces, lines, probs
}

func decodeCSVRow(row []string, col map[string]int) (Space, []Problem) {
	var ps []Problem
	// A cell is trimmed, then loses the quote that kept a spreadsheet from
	// reading it as a formula.
	cell := func(i int) string {
		if i < len(row) {
			return unneutralise(strings.TrimSpace(row[i]))
		}
		return ""
	}
	get := func(name string) string {
		if i, ok := col[name]; ok {
			return cell(i)
		}
		return ""
	}
	price := func(name string) int {
		v := get(name)
		if v == "" {
			return 0
		}
		f, code := euros(v)
		if code != "" {
			ps = append(ps, Problem{Field: name, Code: code, Value: v})
			return 0
		}
		return cents(f)
	}
	s := Space{ID: get("id"), Name: get("name"), Comune: get("comune"), Address: get("address"),
		Phone: get("phone"), Email: get("email"), Website: get("website")}
	lat, latCode := decimal(get("lat"))
	lon, lonCode := decimal(get("lon"))
	switch {
	case latCode == ProbThousands:
		ps = append(ps, Problem{Field: "coordinates", Code: ProbThousands, Value: get("lat")})
	case lonCode == ProbThousands:
		ps = append(ps, Problem{Field: "coordinates", Code: ProbThousands, Value: get("lon")})
	case latCode != "" || lonCode != "":
		ps = append(ps, Problem{Field: "coordinates", Code: ProbBadCoords, Value: "lat " + get("lat") + "; lon " + get("lon")})
	default:
		s.Location = orb.Point{lon, lat}
	}
	s.Services, ps = parseServices(strings.FieldsFunc(get("services"), func(r rune) bool { return r == ';' || r == ',' }), ps)
	if d := get("desks"); d != "" {
		n, err := strconv.Atoi(d)
		if err != nil {
			ps = append(ps, Problem{Field: "desks", Code: ProbNotNumber, Value: d})
		}
		s.Desks = n
	}
	s.Hours, ps = parseHours(get("opening_hours"), ps)
	s.PriceDayCents = price("price_day_eur")
	s.PriceHalfDayCents = price("price_half_day_eur")
	for name, i := range col {
		if lang, ok := strings.CutPrefix(name, "description_"); ok && cell(i) != "" {
			if s.Description == nil {
				s.Description = map[string]string{}
			}
			s.Description[lang] = cell(i)
		}
	}
	if rooms := get("rooms"); rooms != "" {
		for _, part := range strings.Split(rooms, ";") {
			f := strings.Split(part, "|")
			if len(f) < 3 || len(f) > 4 {
				ps = append(ps, Problem{Field: "rooms", Code: ProbBadRoom, Value: part})
				continue
			}
			seats, err := strconv.Atoi(strings.TrimSpace(f[2]))
			if err != nil {
				ps = append(ps, Problem{Field: "rooms", Code: ProbBadRoom, Value: part})
				continue
			}
			r := Room{ID: strings.TrimSpace(f[0]), Name: strings.TrimSpace(f[1]), Seats: seats}
			if len(f) == 4 && strings.TrimSpace(f[3]) != "" {
				p, code := euros(strings.TrimSpace(f[3]))
				if code != "" {
					ps = append(ps, Problem{Field: "rooms", Code: ProbBadRoom, Value: part})
					continue
				}
				r.PriceHourCents = cents(p)
			}
			s.Rooms = append(s.Rooms, r)
		}
	}
	return s, ps
}

// Format is an import/export file format.
type Format string

// The file formats.
const (
	GeoJSON Format = "geojson"
	CSV     Format = "csv"
)

// FormatOf picks the format from a file name, "" when unknown.
func FormatOf(name string) Format {
	switch n := strings.ToLower(name); {
	case strings.HasSuffix(n, ".geojson"), strings.HasSuffix(n, ".json"):
		return GeoJSON
	case strings.HasSuffix(n, ".csv"), strings.HasSuffix(n, ".tsv"), strings.HasSuffix(n, ".txt"):
		return CSV // a spreadsheet's "Unicode text" is a .txt with tabs
	}
	return ""
}

// Read decodes a file in the given format and validates every record; it
// returns the spaces only when there is no problem at all.
func Read(r io.Reader, f Format) ([]Space, error) {
	var spaces []Space
	var lines []int
	var probs Problems
	switch f {
	case GeoJSON:
		spaces, probs = ReadGeoJSON(r)
	case CSV:
		spaces, lines, probs = readCSV(r)
	default:
		return nil, fmt.Errorf("format %q: %w", f, ErrInvalid)
	}
	// Add what Validate finds and the decoder did not already say, and
	// repeated ids.
	said := map[[2]string]bool{}
	for _, p := range probs {
		said[[2]string{strconv.Itoa(p.Record), p.Field}] = true
	}
	lineOf := func(rec int) int {
		if rec-1 < len(lines) {
			return lines[rec-1]
		}
		return 0
	}
	seen := map[string]int{}
	for i := range spaces {
		rec := i + 1
		for _, p := range spaces[i].Validate() {
			if said[[2]string{strconv.Itoa(rec), p.Field}] {
				continue
			}
			p.Record, p.Line = rec, lineOf(rec)
			probs = append(probs, p)
		}
		if id := spaces[i].ID; id != "" {
			if first, dup := seen[id]; dup {
				probs = append(probs, Problem{Record: rec, Line: lineOf(rec), ID: id, Field: "id", Code: ProbDuplicateID, Value: strconv.Itoa(first)})
			} else {
				seen[id] = rec
			}
		}
	}
	if len(probs) > 0 {
		slices.SortStableFunc(probs, func(a, b Problem) int { return a.Record - b.Record })
		return nil, probs
	}
	return spaces, nil
}

// Write encodes spaces in the given format.
func Write(w io.Writer, spaces []Space, f Format) error {
	switch f {
	case GeoJSON:
		return WriteGeoJSON(w, spaces)
	case CSV:
		return WriteCSV(w, spaces)
	}
	return fmt.Errorf("format %q: %w", f, ErrInvalid)
}

func firstLine(b []byte) []byte {
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		return b[:i]
	}
	return b
}
