package registry

import (
	"context"
	"fmt"
	"testing"
)

// A batch of bookings in which an INSERT fails with SQLITE_FULL (here a
// max_page_count, in production a full disk). SQLite rolls the whole
// transaction back for such an error, so the batch must stop there: the
// calls after it would run outside any transaction, be committed one by
// one (without the write lock between check and insert), while every
// caller is told the batch failed. Found by a review; it failed before the
// fix with "400 calls, 400 with an error, 96 bookings stored".
func TestBatchFailsWholeWhenTheDiskIsFull(t *testing.T) {
	d := mustDemo(t)
	ctx := context.Background()
	d.Rules.MaxActive = 1000
	var pages int
	if err := d.writer.QueryRowContext(ctx, `PRAGMA page_count`).Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if _, err := d.writer.ExecContext(ctx, fmt.Sprintf(`PRAGMA max_page_count = %d`, pages+2)); err != nil {
		t.Fatal(err)
	}
	spaces, err := d.Spaces(ctx, Approved)
	if err != nil {
		t.Fatal(err)
	}
	idx, err := d.currentIndex(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var batch []*bookCall
	for i := range 400 {
		sp := spaces[i%len(spaces)]
		if sp.Desks == 0 {
			continue
		}
		day := thu3.AddDate(0, 0, (i/len(spaces))%5)
		req := BookingRequest{Key: fmt.Sprintf("full:%d", i), UserID: int64(10_000 + i), SpaceID: sp.ID, Day: day, Slot: Morning, Desks: 1}
		batch = append(batch, &bookCall{ctx: ctx, req: req, idx: idx, now: d.now()})
	}
	d.bookBatch(batch)
	var other int
	for _, c := range batch {
		if c.err != nil {
			if other == 0 {
				t.Logf("call error: %v", c.err)
			}
			other++
		}
	}
	n := countRows(t, d, `SELECT count(*) FROM bookings`)
	if other != len(batch) || n != 0 {
		t.Errorf("%d calls, %d with an error, %d bookings stored; want every call failed and none stored", len(batch), other, n)
	}
}
