package places

import (
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
)

// TestNearestIndexAgreesWithScan compares the index with the scan of every
// comune at random points over Italy and its seas, near the comuni's
// points (where ties and cell edges are) and far away.
func TestNearestIndexAgreesWithScan(t *testing.T) {
	g := Default()
	ix := NewNearestIndex(g)
	rng := rand.New(rand.NewPCG(1, 2))
	comuni := g.comuni
	var points []orb.Point
	for range 3000 {
		points = append(points, orb.Point{6 + rng.Float64()*13, 36 + rng.Float64()*11})
	}
	for range 1000 {
		c := g.places[comuni[rng.IntN(len(comuni))]].Point
		points = append(points, orb.Point{c.Lon() + (rng.Float64()-0.5)*0.01, c.Lat() + (rng.Float64()-0.5)*0.01}, c)
	}
	points = append(points, orb.Point{-74, 40.7}, orb.Point{151.2, -33.9}, orb.Point{0, 89.9}, orb.Point{9.2, 45.65})
	for _, p := range points {
		want, wantD := g.Nearest(p)
		got, gotD := ix.Nearest(p)
		if got.ID != want.ID || gotD != wantD {
			t.Fatalf("at %v: got %s at %.1f m, want %s at %.1f m", p, got.ID, gotD, want.ID, wantD)
		}
	}
}

func TestNearestIndexEmpty(t *testing.T) {
	ix := NewNearestIndex(&Gazetteer{})
	if p, d := ix.Nearest(orb.Point{9, 45}); p.ID != "" || d < 1e300 {
		t.Errorf("got %q at %v, want nothing at +Inf", p.ID, d)
	}
}

func BenchmarkNearestIndex(b *testing.B) {
	g := Default()
	ix := NewNearestIndex(g)
	p := orb.Point{9.2101, 45.6469}
	b.Run("scan", func(b *testing.B) {
		for range b.N {
			g.Nearest(p)
		}
	})
	b.Run("index", func(b *testing.B) {
		for range b.N {
			ix.Nearest(p)
		}
	})
}
