package places

import (
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
)

// NearestIndex finds the comune nearest a point as Gazetteer.Nearest does,
// without measuring the distance to every comune: the comuni are put in a
// grid of cells a tenth of a degree wide, and a look-up measures the comuni
// of the cells around the point, ring by ring, until no farther ring can
// hold a nearer one. It is immutable and safe for concurrent use.
type NearestIndex struct {
	g     *Gazetteer
	cells map[cell][]int // indexes into g.places
	// minLat, maxLat bound the comuni's latitudes.
	minLat, maxLat float64
	rings          int // the most rings a look-up visits before it measures every comune
}

type cell struct{ lat, lon int32 }

// cellDeg is the side of a cell, in degrees.
const cellDeg = 0.1

func cellOf(p orb.Point) cell {
	return cell{lat: int32(math.Floor(p.Lat() / cellDeg)), lon: int32(math.Floor(p.Lon() / cellDeg))}
}

// NewNearestIndex indexes the comuni of g.
func NewNearestIndex(g *Gazetteer) *NearestIndex {
	ix := &NearestIndex{g: g, cells: make(map[cell][]int), minLat: math.Inf(1), maxLat: math.Inf(-1), rings: 30}
	for _, i := range g.comuni {
		p := g.places[i].Point
		c := cellOf(p)
		ix.cells[c] = append(ix.cells[c], i)
		ix.minLat, ix.maxLat = math.Min(ix.minLat, p.Lat()), math.Max(ix.maxLat, p.Lat())
	}
	return ix
}

// Nearest returns the comune whose point is nearest p and its distance in
// metres, as Gazetteer.Nearest does (the first in the gazetteer's order on
// a tie). With no comuni it returns the zero Place and +Inf.
func (ix *NearestIndex) Nearest(p orb.Point) (Place, float64) {
	if len(ix.cells) == 0 {
		return Place{}, math.Inf(1)
	}
	c := cellOf(p)
	best, bestD := -1, math.Inf(1)
	for r := 0; r <= ix.rings; r++ {
		// Every point of ring r is at least (r-1) cells of latitude away
		// from p, or (r-1) cells of longitude, which are narrowest at the
		// latitude farthest from the equator within reach.
		if best >= 0 && ix.ringFloor(p, r) > bestD {
			return ix.g.places[best], bestD
		}
		for _, k := range ring(c, r) {
			for _, i := range ix.cells[k] {
				d := geo.Distance(p, ix.g.places[i].Point)
				if d < bestD || (d == bestD && i < best) {
					best, bestD = i, d
				}
			}
		}
	}
	// Far from every comune: measure them all.
	return ix.g.Nearest(p)
}

// ringFloor is a lower bound of the distance from p to any comune in the
// cells of ring r around p's cell: such a comune is at least r-1 cells away
// in latitude or in longitude. geo.Distance measures R·√(Δφ² + (Δλ·cos φm)²),
// φm the mean latitude of the two points, so a difference of Δφ is at least
// R·Δφ away and one of Δλ at least R·Δλ·cos φ, where φ is the latitude, of
// p or of a comune, farthest from the equator.
func (ix *NearestIndex) ringFloor(p orb.Point, r int) float64 {
	if r <= 1 {
		return 0
	}
	gap := float64(r-1) * cellDeg * math.Pi / 180
	phi := math.Max(math.Abs(p.Lat()), math.Max(math.Abs(ix.minLat), math.Abs(ix.maxLat))) * math.Pi / 180
	return orb.EarthRadius * gap * math.Cos(phi) * (1 - 1e-9)
}

// ring returns the cells at Chebyshev distance r from c.
func ring(c cell, r int) []cell {
	if r == 0 {
		return []cell{c}
	}
	out := make([]cell, 0, 8*r)
	r32 := int32(r)
	for d := -r32; d <= r32; d++ {
		out = append(out, cell{c.lat - r32, c.lon + d}, cell{c.lat + r32, c.lon + d})
	}
	for d := -r32 + 1; d <= r32-1; d++ {
		out = append(out, cell{c.lat + d, c.lon - r32}, cell{c.lat + d, c.lon + r32})
	}
	return out
}
