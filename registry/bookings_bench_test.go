package registry

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkBook books one desk a call from 1, 8 and 32 concurrent clients
// sharing one *DB on a database file, as the bot does. The bookings are
// spread over ten years of open days at every demo space so that capacity
// seldom refuses them; bookings/s counts only the accepted ones.
func BenchmarkBook(b *testing.B) {
	for _, clients := range []int{1, 8, 32} {
		b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) {
			ctx := context.Background()
			d := mustDemo(b) // the clock stands at 2 December 2026, 10:00
			d.Rules.MaxDaysAhead = 3650
			spaces, err := d.Spaces(ctx)
			if err != nil {
				b.Fatal(err)
			}
			type spaceDay struct {
				space string
				day   time.Time
			}
			var open []spaceDay
			for i := 1; i <= 3650; i++ {
				day := time.Date(2026, 12, 2+i, 0, 0, 0, 0, Rome)
				for _, s := range spaces {
					if s.Hours.OpenOn(day, d.Calendar) {
						open = append(open, spaceDay{s.ID, day})
					}
				}
			}
			var next, accepted atomic.Int64
			var wg sync.WaitGroup
			b.ResetTimer()
			for range clients {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for {
						i := next.Add(1) - 1
						if i >= int64(b.N) {
							return
						}
						sd := open[i%int64(len(open))]
						_, err := d.Book(ctx, BookingRequest{Key: fmt.Sprintf("bench:%d", i), UserID: i + 1,
							SpaceID: sd.space, Day: sd.day, Slot: FullDay, Desks: 1})
						if err == nil {
							accepted.Add(1)
						}
					}
				}()
			}
			wg.Wait()
			b.StopTimer()
			b.ReportMetric(float64(accepted.Load())/b.Elapsed().Seconds(), "bookings/s")
			b.ReportMetric(float64(accepted.Load())/float64(b.N), "accepted/op")
		})
	}
}
