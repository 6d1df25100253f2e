package registry

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/paulmach/orb"

	"github.com/comune-seregno/coworkbot/registry/hours"
)

// Licence and attribution stated in every export: the list is open data.
const (
	Licence     = "CC-BY-4.0"
	Attribution = "Comune di Seregno, elenco ufficiale degli spazi di coworking"
)

type geoCollection struct {
	Type        string            `json:"type"`
	Name        string            `json:"name,omitempty"`
	License     string            `json:"license,omitempty"`
	Attribution string            `json:"attribution,omitempty"`
	Features    []json.RawMessage `json:"features"`
}

type geoFeature struct {
	Type       string                     `json:"type"`
	ID         string                     `json:"id,omitempty"`
	Geometry   *geoPoint                  `json:"geometry"`
	Properties map[string]json.RawMessage `json:"properties"`
}

type geoPoint struct {
	Type        string          `json:"type"`
	Coordinates json.RawMessage `json:"coordinates"`
}

// geoProps is a space's properties in the order they are written.
type geoProps struct {
	ID           string            `json:"id"`
	Name         string            `json:"name"`
	Amenity      string            `json:"amenity"`
	Comune       string            `json:"comune"`
	Address      string            `json:"address,omitempty"`
	Services     []Service         `json:"services"`
	Desks        int               `json:"desks"`
	OpeningHours string            `json:"opening_hours"`
	PriceDay     *float64          `json:"price_day_eur,omitempty"`
	PriceHalfDay *float64          `json:"price_half_day_eur,omitempty"`
	Phone        string            `json:"phone,omitempty"`
	Email        string            `json:"email,omitempty"`
	Website      string            `json:"website,omitempty"`
	Description  map[string]string `json:"description,omitempty"`
	Rooms        []geoRoom         `json:"rooms,omitempty"`
}

type geoRoom struct {
	ID        string   `json:"id"`
	Name      string   `json:"name"`
	Seats     int      `json:"seats"`
	PriceHour *float64 `json:"price_hour_eur,omitempty"`
}

// WriteGeoJSON writes spaces as a GeoJSON FeatureCollection, one feature a
// line, with the OpenStreetMap keys amenity=coworking_space and
// opening_hours, and the licence stated.
func WriteGeoJSON(w io.Writer, spaces []Space) error {
	var b bytes.Buffer
	head, err := json.Marshal(geoCollection{Type: "FeatureCollection", Name: "coworking-seregno",
		License: Licence, Attribution: Attribution, Features: []json.RawMessage{}})
	if err != nil {
		return err
	}
	b.Write(head[:len(head)-3]) // drop "[]}" to stream the features
	b.WriteString("[\n")
	for i := range spaces {
		f, err := featureJSON(&spaces[i])
		if err != nil {
			return err
		}
		b.Write(f)
		if i < len(spaces)-1 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
	b.WriteString("]}\n")
	_, err = w.Write(b.Bytes())
	return err
}

// featureJSON is a space as one GeoJSON feature: the registry's own
// encoding of a space, also used for applications and the audit log.
func featureJSON(s *Space) ([]byte, error) {
	props := geoProps{ID: s.ID, Name: s.Name, Amenity: "coworking_space", Comune: s.Comune, Address: s.Address,
		Services: s.Services.List(), Desks: s.Desks, OpeningHours: s.Hours.String(),
		PriceDay: eurPtr(s.PriceDayCents), PriceHalfDay: eurPtr(s.PriceHalfDayCents),
		Phone: s.Phone, Email: s.Email, Website: s.Website, Description: nonEmpty(s.Description)}
	if props.Services == nil {
		props.Services = []Service{}
	}
	if len(props.Description) == 0 {
		props.Description = nil
	}
	for _, r := range s.Rooms {
		props.Rooms = append(props.Rooms, geoRoom{ID: r.ID, Name: r.Name, Seats: r.Seats, PriceHour: eurPtr(r.PriceHourCents)})
	}
	pj, err := json.Marshal(props)
	if err != nil {
		return nil, err
	}
	cj, err := json.Marshal([]float64{s.Location.Lon(), s.Location.Lat()})
	if err != nil {
		return nil, err
	}
	return fmt.Appendf(nil, `{"type":"Feature","id":%q,"geometry":{"type":"Point","coordinates":%s},"properties":%s}`, s.ID, cj, pj), nil
}

func eurPtr(cents int) *float64 {
	if cents == 0 {
		return nil
	}
	f := float64(cents) / 100
	return &f
}

// ReadGeoJSON reads spaces from a GeoJSON FeatureCollection, which is UTF-8
// (RFC 8259; a byte order mark is ignored). It returns every problem it
// finds, each with its record (feature) number: text that is not UTF-8, or
// holds U+FFFD or a control character, is refused with its field.
func ReadGeoJSON(r io.Reader) ([]Space, Problems) {
	data, probs := readLimited(r)
	if probs != nil {
		return nil, probs
	}
	data = bytes.TrimPrefix(data, utf8BOM)
	var fc geoCollection
	if err := json.Unmarshal(data, &fc); err != nil {
		return nil, Problems{{Code: ProbUnreadable, Value: err.Error()}}
	}
	if fc.Type != "FeatureCollection" {
		return nil, Problems{{Field: "type", Code: ProbBadType, Value: fc.Type}}
	}
	if len(fc.Features) == 0 {
		return nil, Problems{{Code: ProbEmptyFile}}
	}
	if len(fc.Features) > MaxRecords {
		return nil, Problems{{Record: MaxRecords + 1, Code: ProbTooManyRecords, Value: strconv.Itoa(MaxRecords)}}
	}
	var spaces []Space
	said := false // whether a feature's problem already names the bytes that are not UTF-8
	for i, raw := range fc.Features {
		s, ps := decodeFeature(raw)
		for _, p := range ps {
			p.Record, p.ID = i+1, s.ID
			probs = append(probs, p)
			said = said || p.Code == ProbNotUTF8
		}
		spaces = append(spaces, s)
	}
	if !said && !utf8.Valid(data) { // outside the features' properties
		probs = append(probs, Problem{Code: ProbNotUTF8, Value: byteName(data[firstInvalid(string(data))])})
	}
	return spaces, probs
}

var knownProps = []string{"id", "name", "amenity", "comune", "address", "services", "desks", "opening_hours",
	"price_day_eur", "price_half_day_eur", "phone", "email", "website", "description", "rooms"}

func decodeFeature(raw json.RawMessage) (Space, []Problem) {
	var s Space
	var ps []Problem
	bad := func(field, code, value string) { ps = append(ps, Problem{Field: field, Code: code, Value: value}) }
	var f geoFeature
	if err := json.Unmarshal(raw, &f); err != nil {
		bad("", ProbUnreadable, err.Error())
		return s, ps
	}
	if f.Type != "Feature" {
		bad("type", ProbBadType, f.Type)
	}
	// Text that is not UTF-8 reaches here as bytes: json.Unmarshal would
	// turn each bad byte into U+FFFD, so look at the bytes first.
	notUTF8 := map[string]bool{}
	for _, key := range slices.Sorted(maps.Keys(f.Properties)) {
		if v := f.Properties[key]; !utf8.Valid(v) {
			bad(key, ProbNotUTF8, byteName(v[firstInvalid(string(v))]))
			notUTF8[key] = true
		}
	}
	str := func(key string) string {
		v, ok := f.Properties[key]
		if !ok || string(v) == "null" {
			return ""
		}
		var out string
		if err := json.Unmarshal(v, &out); err != nil {
			bad(key, ProbBadType, string(v))
		}
		return strings.TrimSpace(out)
	}
	num := func(key string) (float64, bool) {
		v, ok := f.Properties[key]
		if !ok || string(v) == "null" {
			return 0, false
		}
		var out float64
		if err := json.Unmarshal(v, &out); err != nil {
			bad(key, ProbNotNumber, string(v))
			return 0, false
		}
		return out, true
	}
	s.ID, s.Name, s.Comune, s.Address = str("id"), str("name"), str("comune"), str("address")
	if s.ID == "" {
		s.ID = f.ID
	}
	s.Phone, s.Email, s.Website = str("phone"), str("email"), str("website")
	for key := range f.Properties {
		if !slices.Contains(knownProps, key) && !strings.Contains(key, ":") {
			bad(key, ProbUnknownField, key)
		}
	}
	// Coordinates.
	if f.Geometry == nil || f.Geometry.Type != "Point" {
		kind := "null"
		if f.Geometry != nil {
			kind = f.Geometry.Type
		}
		bad("coordinates", ProbBadGeometry, kind)
	} else {
		var c []float64
		if err := json.Unmarshal(f.Geometry.Coordinates, &c); err != nil || len(c) < 2 {
			var compact bytes.Buffer
			if json.Compact(&compact, f.Geometry.Coordinates) != nil {
				compact.Reset()
				compact.Write(f.Geometry.Coordinates)
			}
			bad("coordinates", ProbBadCoords, compact.String())
		} else {
			s.Location = orb.Point{c[0], c[1]}
		}
	}
	// Services.
	if v, ok := f.Properties["services"]; ok && string(v) != "null" {
		var codes []string
		if err := json.Unmarshal(v, &codes); err != nil {
			bad("services", ProbBadType, string(v))
		}
		s.Services, ps = parseServices(codes, ps)
	}
	if n, ok := num("desks"); ok {
		if n != math.Trunc(n) {
			bad("desks", ProbNotNumber, fmt.Sprint(n))
		}
		s.Desks = int(n)
	}
	s.Hours, ps = parseHours(str("opening_hours"), ps)
	if n, ok := num("price_day_eur"); ok {
		s.PriceDayCents = cents(n)
	}
	if n, ok := num("price_half_day_eur"); ok {
		s.PriceHalfDayCents = cents(n)
	}
	if v, ok := f.Properties["description"]; ok && string(v) != "null" {
		if err := json.Unmarshal(v, &s.Description); err != nil {
			bad("description", ProbBadType, string(v))
		}
	}
	if v, ok := f.Properties["rooms"]; ok && string(v) != "null" {
		var rooms []geoRoom
		if err := json.Unmarshal(v, &rooms); err != nil {
			bad("rooms", ProbBadRoom, string(v))
		}
		for _, r := range rooms {
			room := Room{ID: r.ID, Name: r.Name, Seats: r.Seats}
			if r.PriceHour != nil {
				room.PriceHourCents = cents(*r.PriceHour)
			}
			s.Rooms = append(s.Rooms, room)
		}
	}
	for _, p := range s.textProblems() {
		property := p.Field
		if strings.HasPrefix(property, "description_") {
			property = "description"
		}
		if !notUTF8[property] {
			ps = append(ps, p)
		}
	}
	return s, ps
}

func parseServices(codes []string, ps []Problem) (ServiceSet, []Problem) {
	var set ServiceSet
	if len(codes) > MaxServices {
		return set, append(ps, Problem{Field: "services", Code: ProbTooMany, Value: strconv.Itoa(MaxServices)})
	}
	for _, c := range codes {
		if strings.TrimSpace(c) == "" {
			continue
		}
		svc, err := ParseService(c)
		if err != nil {
			ps = append(ps, Problem{Field: "services", Code: ProbUnknownSvc, Value: c})
			continue
		}
		set |= SetOf(svc)
	}
	return set, ps
}

func parseHours(expr string, ps []Problem) (hours.Schedule, []Problem) {
	if expr == "" {
		return hours.Schedule{}, ps // Validate reports it missing
	}
	h, err := hours.Parse(expr)
	if err != nil {
		return h, append(ps, Problem{Field: "opening_hours", Code: ProbBadHours, Value: expr})
	}
	return h, ps
}

func cents(eur float64) int { return int(math.Round(eur * 100)) }
