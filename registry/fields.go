package registry

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	"github.com/paulmach/orb"

	"github.com/comune-seregno/coworkbot/registry/hours"
)

// A listing is read field by field where one field's fate differs from
// another's: a provider's change to a reviewed field waits for the staff,
// and a re-import reports each field where the file and the live list
// disagree. Each field's value travels as JSON.

// Field names, as the audit log, the review queue and the import's report
// spell them.
const (
	FieldName        = "name"
	FieldComune      = "comune"
	FieldAddress     = "address"
	FieldLocation    = "location"
	FieldServices    = "services"
	FieldDesks       = "desks"
	FieldHours       = "opening_hours"
	FieldPriceDay    = "price_day"
	FieldPriceHalf   = "price_half_day"
	FieldPhone       = "phone"
	FieldEmail       = "email"
	FieldWebsite     = "website"
	FieldDescription = "description"
	FieldRooms       = "rooms"
)

// Reviewed are the fields citizens rely on to choose a space, which the
// comune vouches for: a provider's change to them waits for the staff.
var Reviewed = []string{FieldName, FieldComune, FieldAddress, FieldLocation, FieldServices, FieldDesks}

type field struct {
	name string
	get  func(*Space) any
	set  func(*Space, []byte) error
}

func jsonSet[T any](apply func(*Space, T)) func(*Space, []byte) error {
	return func(s *Space, raw []byte) error {
		var v T
		if err := json.Unmarshal(raw, &v); err != nil {
			return fmt.Errorf("value %s: %w", raw, ErrInvalid)
		}
		apply(s, v)
		return nil
	}
}

// fields lists every field of a listing, in the order they are reported.
var fields = []field{
	{FieldName, func(s *Space) any { return s.Name }, jsonSet(func(s *Space, v string) { s.Name = v })},
	{FieldComune, func(s *Space) any { return s.Comune }, jsonSet(func(s *Space, v string) { s.Comune = v })},
	{FieldAddress, func(s *Space) any { return s.Address }, jsonSet(func(s *Space, v string) { s.Address = v })},
	{FieldLocation, func(s *Space) any { return [2]float64{s.Location.Lon(), s.Location.Lat()} },
		jsonSet(func(s *Space, v [2]float64) { s.Location = orb.Point{v[0], v[1]} })},
	{FieldServices, func(s *Space) any {
		l := s.Services.List()
		if l == nil {
			l = []Service{}
		}
		return l
	}, func(s *Space, raw []byte) error {
		var codes []string
		if err := json.Unmarshal(raw, &codes); err != nil {
			return fmt.Errorf("services %s: %w", raw, ErrInvalid)
		}
		var set ServiceSet
		for _, c := range codes {
			svc, err := ParseService(c)
			if err != nil {
				return err
			}
			set |= SetOf(svc)
		}
		s.Services = set
		return nil
	}},
	{FieldDesks, func(s *Space) any { return s.Desks }, jsonSet(func(s *Space, v int) { s.Desks = v })},
	{FieldHours, func(s *Space) any { return s.Hours.String() }, func(s *Space, raw []byte) error {
		var expr string
		if err := json.Unmarshal(raw, &expr); err != nil {
			return fmt.Errorf("hours %s: %w", raw, ErrInvalid)
		}
		h, err := hours.Parse(expr)
		if err != nil {
			return fmt.Errorf("hours %q: %v: %w", expr, err, ErrInvalid)
		}
		s.Hours = h
		return nil
	}},
	{FieldPriceDay, func(s *Space) any { return s.PriceDayCents }, jsonSet(func(s *Space, v int) { s.PriceDayCents = v })},
	{FieldPriceHalf, func(s *Space) any { return s.PriceHalfDayCents }, jsonSet(func(s *Space, v int) { s.PriceHalfDayCents = v })},
	{FieldPhone, func(s *Space) any { return s.Phone }, jsonSet(func(s *Space, v string) { s.Phone = v })},
	{FieldEmail, func(s *Space) any { return s.Email }, jsonSet(func(s *Space, v string) { s.Email = v })},
	{FieldWebsite, func(s *Space) any { return s.Website }, jsonSet(func(s *Space, v string) { s.Website = v })},
	{FieldDescription, func(s *Space) any { return nonEmpty(s.Description) },
		jsonSet(func(s *Space, v map[string]string) { s.Description = v })},
	{FieldRooms, func(s *Space) any {
		rs := slices.SortedFunc(slices.Values(s.Rooms), func(a, b Room) int { return compareStrings(a.ID, b.ID) })
		if rs == nil {
			rs = []Room{}
		}
		return rs
	}, jsonSet(func(s *Space, v []Room) { s.Rooms = v })},
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func fieldNamed(name string) (field, bool) {
	for _, f := range fields {
		if f.name == name {
			return f, true
		}
	}
	return field{}, false
}

// fieldValue is a field's value as JSON.
func fieldValue(f field, s *Space) string {
	b, err := json.Marshal(f.get(s))
	if err != nil {
		panic(fmt.Sprintf("registry: field %s does not encode: %v", f.name, err)) // the getters return plain values
	}
	return string(b)
}

// diffFields returns the names of the fields that differ between a and b.
func diffFields(a, b *Space) []string {
	var out []string
	for _, f := range fields {
		if fieldValue(f, a) != fieldValue(f, b) {
			out = append(out, f.name)
		}
	}
	return out
}

// cloneSpace copies a space deeply enough to change it without touching the
// original.
func cloneSpace(s Space) Space {
	s.Rooms = slices.Clone(s.Rooms)
	s.Description = maps.Clone(s.Description)
	return s
}

// SetField sets a field of a space from its JSON value (as a Change holds
// it).
func SetField(s *Space, name, raw string) error {
	f, ok := fieldNamed(name)
	if !ok {
		return fmt.Errorf("field %q: %w", name, ErrInvalid)
	}
	return f.set(s, []byte(raw))
}

// FieldNames lists every field of a listing, in the order they are
// reported.
func FieldNames() []string {
	out := make([]string, len(fields))
	for i, f := range fields {
		out[i] = f.name
	}
	return out
}
