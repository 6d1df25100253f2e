package registry

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
)

// BenchmarkReadCSV reads a list of MaxRecords spaces as a spreadsheet saves
// it, in UTF-8 and in Windows-1252, to show what reading the text costs.
func BenchmarkReadCSV(b *testing.B) {
	var doc strings.Builder
	doc.WriteString("id;name;comune;address;lat;lon;services;desks;opening_hours;price_day_eur;phone;description_it;rooms\r\n")
	for i := range MaxRecords {
		fmt.Fprintf(&doc, `spazio-%d;Caffè Città %d;Seregno;Via Umberto I %d;45,65%02d;9,20%02d;"wifi;fiber";12;"Mo-Fr 08:30-18:30; Sa 09:00-13:00";12,50 €;'+39 0362 %06d;"Perché lavorare da soli? Giornata a 12,50 €, caffè incluso.";"volta|Sala Volta|8|20,50"`+"\r\n",
			i, i, i, i%100, i%100, i)
	}
	cp1252, err := charmap.Windows1252.NewEncoder().Bytes([]byte(doc.String()))
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name string
		file []byte
	}{{"UTF-8", []byte(doc.String())}, {"Windows-1252", cp1252}} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(c.file)))
			for b.Loop() {
				spaces, err := Read(bytes.NewReader(c.file), CSV)
				if err != nil || len(spaces) != MaxRecords {
					b.Fatalf("got %d spaces, %v", len(spaces), err)
				}
			}
		})
	}
}
