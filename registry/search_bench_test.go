package registry

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/comune-seregno/coworkbot/registry/hours"
)

// syntheticSpaces spreads n spaces over Lombardy-sized ground around
// Seregno, with random services and a few kinds of hours.
func syntheticSpaces(n int) []Space {
	rng := rand.New(rand.NewPCG(1, uint64(n)))
	exprs := []string{"Mo-Fr 08:30-18:30", "Mo-Fr 09:00-13:00,14:00-18:00; Sa 09:00-12:00", "24/7", "Mo,We,Fr 09:00-17:00"}
	var scheds []hours.Schedule
	for _, e := range exprs {
		h, err := hours.Parse(e)
		if err != nil {
			panic(err)
		}
		scheds = append(scheds, h)
	}
	out := make([]Space, n)
	for i := range out {
		out[i] = Space{
			ID: fmt.Sprintf("s-%d", i), Name: fmt.Sprintf("Spazio %d", i), Comune: "Seregno",
			Location: orb.Point{8.5 + rng.Float64()*2, 45.0 + rng.Float64()*1.5},
			Services: ServiceSet(rng.Uint32() & (1<<len(Services) - 1)),
			Desks:    1 + rng.IntN(40), Hours: scheds[rng.IntN(len(scheds))], Status: Approved,
		}
	}
	return out
}

// BenchmarkSearch measures nearest-first search over the in-memory index,
// including the version check that keeps it fresh, on a real database file.
func BenchmarkSearch(b *testing.B) {
	for _, n := range []int{100, 10_000, 100_000} {
		d := mustOpen(b)
		ctx := context.Background()
		if _, err := d.PutSpaces(ctx, CommandLine, syntheticSpaces(n), PutOptions{}); err != nil {
			b.Fatal(err)
		}
		seregno := orb.Point{9.2046, 45.6503}
		wed := time.Date(2026, 12, 2, 10, 0, 0, 0, Rome)
		queries := map[string]Query{
			"near":                 {Near: &seregno, Limit: 6},
			"near+2services":       {Near: &seregno, Services: SetOf(Cobaby, Fiber), Limit: 6},
			"near+services+openat": {Near: &seregno, Services: SetOf(Wifi), OpenAt: wed, Limit: 6},
			"near+rare":            {Near: &seregno, Services: SetOf(Cobaby, Fiber, H24, Secretary, Lockers, Events), Limit: 6},
		}
		if _, err := d.Search(ctx, Query{}); err != nil { // build the index outside the timing
			b.Fatal(err)
		}
		idx, err := d.currentIndex(ctx)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("n=%d/index-only", n), func(b *testing.B) {
			q := queries["near+2services"]
			b.ReportAllocs()
			for b.Loop() {
				idx.search(q, d.Calendar)
			}
		})
		for _, name := range []string{"near", "near+2services", "near+services+openat", "near+rare"} {
			q := queries[name]
			b.Run(fmt.Sprintf("n=%d/%s", n, name), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, err := d.Search(ctx, q); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// TestSearchMatchesBruteForce checks the grid search against sorting every
// space by distance, on synthetic data with filters.
func TestSearchMatchesBruteForce(t *testing.T) {
	spaces := syntheticSpaces(3000)
	idx := newSpaceIndex(spaces, 1)
	rng := rand.New(rand.NewPCG(7, 7))
	for i := 0; i < 200; i++ {
		p := orb.Point{8.3 + rng.Float64()*2.4, 44.8 + rng.Float64()*1.9}
		q := Query{Near: &p, Services: ServiceSet(rng.Uint32() & 0b111 << rng.IntN(12)), Limit: 1 + rng.IntN(12), Offset: rng.IntN(5)}
		got := idx.search(q, DefaultCalendar)
		var all []Result
		for j := range spaces {
			if spaces[j].Services.Has(q.Services) {
				all = append(all, Result{Space: &spaces[j], Distance: distanceTo(p, spaces[j].Location)})
			}
		}
		sortResults(all)
		want := page(all, q.Offset, q.Limit)
		if len(got) != len(want) {
			t.Fatalf("query %d: got %d results, want %d", i, len(got), len(want))
		}
		for k := range got {
			if got[k].Space.ID != want[k].Space.ID {
				t.Fatalf("query %d result %d: got %s (%.0f m), want %s (%.0f m)", i, k, got[k].Space.ID, got[k].Distance, want[k].Space.ID, want[k].Distance)
			}
		}
	}
}

// BenchmarkIndexRebuild measures what the first search after a change to
// the list pays: reading the approved spaces and building the grid.
func BenchmarkIndexRebuild(b *testing.B) {
	for _, n := range []int{100, 10_000, 100_000} {
		d := mustOpen(b)
		ctx := context.Background()
		if _, err := d.PutSpaces(ctx, CommandLine, syntheticSpaces(n), PutOptions{}); err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				d.mu.Lock()
				d.index = nil
				d.mu.Unlock()
				if _, err := d.currentIndex(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
