package registry

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkSignUp signs up one person a call from 1, 8 and 32 concurrent
// clients sharing one *DB on a database file, as the bot does. The sign-ups
// are spread over 200 events of MaxEventSeats seats at the demo spaces, so
// that seats never refuse one; signups/s counts the accepted ones.
func BenchmarkSignUp(b *testing.B) {
	for _, clients := range []int{1, 8, 32} {
		b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) {
			ctx := context.Background()
			d := mustDemo(b) // the clock stands at 2 December 2026, 10:00
			spaces, err := d.Spaces(ctx)
			if err != nil {
				b.Fatal(err)
			}
			var events []int64
			for i := range 200 {
				es, err := d.PublishEvent(ctx, CommandLine, EventDraft{SpaceID: spaces[i%len(spaces)].ID, Title: fmt.Sprintf("Evento %d", i),
					Lang: "it", Day: time.Date(2026, 12, 3+i%300, 0, 0, 0, 0, Rome), From: 18 * 60, To: 20 * 60, Seats: MaxEventSeats})
				if err != nil {
					b.Fatal(err)
				}
				events = append(events, es[0].ID)
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
						_, err := d.SignUp(ctx, SignupRequest{Key: fmt.Sprintf("bench:%d", i), UserID: i + 1,
							EventID: events[i%int64(len(events))], People: 1})
						if err == nil {
							accepted.Add(1)
						}
					}
				}()
			}
			wg.Wait()
			b.StopTimer()
			b.ReportMetric(float64(accepted.Load())/b.Elapsed().Seconds(), "signups/s")
			b.ReportMetric(float64(accepted.Load())/float64(b.N), "accepted/op")
		})
	}
}
