package registry

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"

	"github.com/comune-seregno/coworkbot/registry/hours"
)

// Query asks for approved spaces. Every field is optional.
type Query struct {
	Near     *orb.Point // sort by distance from here; by name when nil
	Services ServiceSet // all of them must be offered (any one, with AnyService)
	// AnyService makes one of Services enough ("con cobaby o fibra").
	AnyService bool
	// MinSeats asks for a room with at least this many seats.
	MinSeats int
	OpenAt   time.Time // open at this instant (zero: no constraint)
	During   *Window   // open on this day, in this window
	Comune   string    // only spaces in this comune (case-insensitive)
	MinDesks int       // at least this many desks
	Offset   int
	Limit    int // 0 means 10
}

// Window is a time on one day that a space must be open for: the whole day
// when From and To are both 0; otherwise [From, To) in minutes since
// midnight, covered entirely when Cover is set, touched at least otherwise
// (a part of the day such as "la mattina").
type Window struct {
	Day      time.Time
	From, To int
	Cover    bool
	// Last, when set, makes the window a range of days from Day to Last
	// (both included): open in the window on any of them ("questo weekend").
	Last time.Time
}

// Result is a space found by Search and its distance in metres from the
// query's point (0 without one). Space is shared with the index: read only.
type Result struct {
	Space    *Space
	Distance float64
}

// Search returns the approved spaces matching q, nearest first.
func (d *DB) Search(ctx context.Context, q Query) ([]Result, error) {
	idx, err := d.currentIndex(ctx)
	if err != nil {
		return nil, err
	}
	return idx.search(q, d.Calendar), nil
}

// currentIndex returns the in-memory index of approved spaces, rebuilding it
// when the list changed (in this process or another one) since it was built.
func (d *DB) currentIndex(ctx context.Context) (*spaceIndex, error) {
	var version int64
	if err := d.db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'spaces_version'`).Scan(&version); err != nil {
		return nil, fmt.Errorf("read version: %w", err)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.index != nil && d.index.version == version {
		return d.index, nil
	}
	all, err := loadSpaces(ctx, d.db, "", loadRooms) // the parser knows rooms by name
	if err != nil {
		return nil, err
	}
	approved := all[:0]
	for _, s := range all {
		if s.Status == Approved {
			approved = append(approved, s)
		}
	}
	d.index = newSpaceIndex(approved, version)
	return d.index, nil
}

// spaceIndex is a uniform grid over the approved spaces: a nearest-first
// search visits rings of cells around the point and stops as soon as no
// farther cell can hold a closer match.
type spaceIndex struct {
	version    int64
	spaces     []Space
	byName     []int32 // indexes into spaces, by name
	cell       float64 // cell size in degrees
	lat0, lon0 float64 // south-west corner
	rows, cols int
	cells      [][]int32    // row*cols+col → indexes into spaces
	masks      []ServiceSet // union of the services in each cell
}

const metresPerDegree = 111_195.0

func newSpaceIndex(spaces []Space, version int64) *spaceIndex {
	idx := &spaceIndex{version: version, spaces: spaces}
	idx.byName = make([]int32, len(spaces))
	for i := range spaces {
		idx.byName[i] = int32(i)
	}
	sort.SliceStable(idx.byName, func(a, b int) bool {
		return spaces[idx.byName[a]].Name < spaces[idx.byName[b]].Name
	})
	if len(spaces) == 0 {
		return idx
	}
	minLat, maxLat, minLon, maxLon := 90.0, -90.0, 180.0, -180.0
	for _, s := range spaces {
		minLat, maxLat = math.Min(minLat, s.Location.Lat()), math.Max(maxLat, s.Location.Lat())
		minLon, maxLon = math.Min(minLon, s.Location.Lon()), math.Max(maxLon, s.Location.Lon())
	}
	// About four spaces a cell on average, never finer than ~500 m.
	area := math.Max((maxLat-minLat)*(maxLon-minLon), 1e-6)
	idx.cell = math.Max(math.Sqrt(area*4/float64(len(spaces))), 0.005)
	idx.lat0, idx.lon0 = minLat, minLon
	idx.rows = int((maxLat-minLat)/idx.cell) + 1
	idx.cols = int((maxLon-minLon)/idx.cell) + 1
	idx.cells = make([][]int32, idx.rows*idx.cols)
	idx.masks = make([]ServiceSet, idx.rows*idx.cols)
	for i, s := range spaces {
		r, c := idx.rowCol(s.Location)
		k := r*idx.cols + c
		idx.cells[k] = append(idx.cells[k], int32(i))
		idx.masks[k] |= s.Services
	}
	return idx
}

func (idx *spaceIndex) rowCol(p orb.Point) (int, int) {
	r := int(math.Floor((p.Lat() - idx.lat0) / idx.cell))
	c := int(math.Floor((p.Lon() - idx.lon0) / idx.cell))
	return r, c
}

// offers reports whether a set of services answers the query's.
func (q *Query) offers(set ServiceSet) bool {
	if q.AnyService && q.Services != 0 {
		return set&q.Services != 0
	}
	return set.Has(q.Services)
}

func (idx *spaceIndex) matches(s *Space, q *Query, cal hours.Calendar) bool {
	if !q.offers(s.Services) {
		return false
	}
	if q.MinSeats > 0 && !slices.ContainsFunc(s.Rooms, func(r Room) bool { return r.Seats >= q.MinSeats }) {
		return false
	}
	if s.Desks < q.MinDesks {
		return false
	}
	if q.Comune != "" && !equalFold(s.Comune, q.Comune) {
		return false
	}
	if !q.OpenAt.IsZero() && !s.Hours.OpenAt(q.OpenAt, cal) {
		return false
	}
	if w := q.During; w != nil && !openDuring(s, *w, cal) {
		return false
	}
	return true
}

func (idx *spaceIndex) search(q Query, cal hours.Calendar) []Result {
	limit := q.Limit
	if limit <= 0 {
		limit = 10
	}
	need := q.Offset + limit
	var found []Result
	if q.Near == nil {
		for _, i := range idx.byName {
			if s := &idx.spaces[i]; idx.matches(s, &q, cal) {
				found = append(found, Result{Space: s})
				if len(found) == need {
					break
				}
			}
		}
		return page(found, q.Offset, limit)
	}
	if len(idx.spaces) == 0 {
		return nil
	}
	p := *q.Near
	r0, c0 := idx.rowCol(p)
	// The farthest ring that can still hold a cell of the grid.
	maxRing := max(abs(r0), abs(r0-idx.rows+1), abs(c0), abs(c0-idx.cols+1))
	kth := math.Inf(1)
	for ring := 0; ring <= maxRing; ring++ {
		if len(found) >= need && ringMinDistance(ring, idx.cell, p.Lat()) > kth {
			break
		}
		idx.visitRing(r0, c0, ring, func(k int) {
			if !q.offers(idx.masks[k]) {
				return
			}
			for _, i := range idx.cells[k] {
				s := &idx.spaces[i]
				if idx.matches(s, &q, cal) {
					found = append(found, Result{Space: s, Distance: distanceTo(p, s.Location)})
				}
			}
		})
		if len(found) >= need {
			sortResults(found)
			found = found[:need]
			kth = found[need-1].Distance
		}
	}
	sortResults(found)
	return page(found, q.Offset, limit)
}

// visitRing calls fn with each existing cell at Chebyshev distance ring from (r0, c0).
func (idx *spaceIndex) visitRing(r0, c0, ring int, fn func(k int)) {
	visit := func(r, c int) {
		if r >= 0 && r < idx.rows && c >= 0 && c < idx.cols {
			fn(r*idx.cols + c)
		}
	}
	if ring == 0 {
		visit(r0, c0)
		return
	}
	for c := c0 - ring; c <= c0+ring; c++ {
		visit(r0-ring, c)
		visit(r0+ring, c)
	}
	for r := r0 - ring + 1; r <= r0+ring-1; r++ {
		visit(r, c0-ring)
		visit(r, c0+ring)
	}
}

// ringMinDistance is a lower bound, in metres, of the distance from a point to
// any cell of the given ring: ring-1 whole cells lie between them, at the
// narrowest longitude the ring can reach.
func ringMinDistance(ring int, cell, lat float64) float64 {
	if ring <= 1 {
		return 0
	}
	gap := float64(ring-1) * cell
	reach := math.Min(89, math.Abs(lat)+float64(ring+1)*cell)
	return gap * metresPerDegree * math.Cos(reach*math.Pi/180)
}

func sortResults(rs []Result) {
	sort.Slice(rs, func(a, b int) bool {
		if rs[a].Distance != rs[b].Distance {
			return rs[a].Distance < rs[b].Distance
		}
		return rs[a].Space.ID < rs[b].Space.ID
	})
}

func page(rs []Result, offset, limit int) []Result {
	if offset >= len(rs) {
		return nil
	}
	return rs[offset:min(len(rs), offset+limit)]
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// Listed returns the approved spaces, shared with the search index (read
// only), and the version of the list they come from.
func (d *DB) Listed(ctx context.Context) ([]Space, int64, error) {
	idx, err := d.currentIndex(ctx)
	if err != nil {
		return nil, 0, err
	}
	return idx.spaces, idx.version, nil
}

func distanceTo(a, b orb.Point) float64 { return geo.Distance(a, b) }
