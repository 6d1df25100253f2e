package registry

import (
	"context"
	"slices"
	"testing"
	"time"
)

func TestQueryAnyServiceSeatsAndDayRanges(t *testing.T) {
	d := mustDemo(t)
	ctx := context.Background()
	all, err := d.Spaces(ctx, Approved)
	if err != nil {
		t.Fatal(err)
	}
	// Ground truth computed here from the spaces themselves.
	var either, bigRoom, weekend []string
	sat, sun := time.Date(2026, 12, 5, 0, 0, 0, 0, Rome), time.Date(2026, 12, 6, 0, 0, 0, 0, Rome)
	for _, s := range all {
		if s.Services&SetOf(Cobaby, Parking) != 0 {
			either = append(either, s.ID)
		}
		if slices.ContainsFunc(s.Rooms, func(r Room) bool { return r.Seats >= 10 }) {
			bigRoom = append(bigRoom, s.ID)
		}
		if len(s.Hours.Spans(sat, d.Calendar)) > 0 || len(s.Hours.Spans(sun, d.Calendar)) > 0 {
			weekend = append(weekend, s.ID)
		}
	}
	for _, c := range []struct {
		name string
		q    Query
		want []string
	}{
		{"cobaby or parking", Query{Services: SetOf(Cobaby, Parking), AnyService: true, Limit: 100}, either},
		{"a room for 10", Query{MinSeats: 10, Limit: 100}, bigRoom},
		{"open this weekend", Query{During: &Window{Day: sat, Last: sun}, Limit: 100}, weekend},
	} {
		got, err := d.Search(ctx, c.q)
		if err != nil {
			t.Fatal(err)
		}
		ids := ids(got)
		slices.Sort(ids)
		want := slices.Clone(c.want)
		slices.Sort(want)
		if len(want) == 0 || !slices.Equal(ids, want) {
			t.Errorf("%s: got %v, want %v (and not none)", c.name, ids, want)
		}
	}
}
