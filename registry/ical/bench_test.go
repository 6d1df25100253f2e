package ical

import (
	"fmt"
	"io"
	"strings"
	"testing"
	"time"
)

// BenchmarkWrite writes a feed of 1,000 events, a third of them courses, with
// Italian descriptions long enough to fold.
func BenchmarkWrite(b *testing.B) {
	rome := mustLoad(b, "Europe/Rome")
	c := Calendar{Name: "Eventi e corsi a Seregno", TZ: rome, Stamp: time.Date(2026, 11, 20, 8, 30, 0, 0, time.UTC), Organizer: comune}
	start := time.Date(2026, 11, 23, 18, 0, 0, 0, rome)
	for i := range 1000 {
		s := start.Add(time.Duration(i*37) * time.Hour)
		e := Event{
			UID:   fmt.Sprintf("event-%d@coworkbot.comune.seregno.mb.it", i),
			Start: s, End: s.Add(2 * time.Hour),
			Summary:     fmt.Sprintf("Workshop n. %d: fatturazione elettronica, gratuito", i),
			Description: strings.Repeat("Giovedì sera all'Officina; porta il portatile, c'è il caffè. ", 6),
			Location:    "Officina Brianza, via Umberto I 12, Seregno",
			Geo:         &Geo{Lat: 45.6509, Lon: 9.2049},
			URL:         fmt.Sprintf("https://t.me/coworkbot?start=event-%d", i),
			Language:    "it",
			Status:      StatusConfirmed,
			Categories:  []string{"workshop", "gratuito"},
		}
		if i%3 == 0 {
			e.Recurrence = &Recurrence{Weekly: 8}
		}
		c.Events = append(c.Events, e)
	}
	var n int64
	for b.Loop() {
		cw := countingWriter{}
		if err := Write(&cw, c); err != nil {
			b.Fatal(err)
		}
		n = cw.n
	}
	b.SetBytes(n)
}

type countingWriter struct{ n int64 }

func (w *countingWriter) Write(p []byte) (int, error) {
	w.n += int64(len(p))
	return len(p), nil
}

var _ io.Writer = (*countingWriter)(nil)
