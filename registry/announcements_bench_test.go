package registry

import (
	"context"
	"fmt"
	"syscall"
	"testing"
	"time"
)

// The outbox's costs, on a database file as the bot has it. Run each
// benchmark in its own process, so that peak-RSS-MB is its own:
//
//	go test ./registry -run '^$' -bench 'BenchmarkOutboxWrite' -benchtime 5x
//	go test ./registry -run '^$' -bench 'BenchmarkOutboxDrain' -benchtime 100000x
//	go test ./registry -run '^$' -bench 'BenchmarkOutboxPaced' -benchtime 20000x
//
// OutboxWrite confirms an announcement to 100,000 subscribers: ns/op is
// the one transaction, DB-MB/100k what the file grows by. OutboxDrain
// claims and reports deliveries as fast as it can, a claim of 25 at a time
// and a report per delivery (the tightest bound on duplicates) or per
// claim: ns/op and CPU-µs/delivery are the database's cost of one
// delivery, and CPU-%@1000/s what 1,000 deliveries a second would take of
// one core. OutboxPaced does the same at 1,000 a second, in claims of 50
// every 50 ms, and reports the rate it achieved and the CPU the whole
// process used meanwhile.

const benchSubscribers = 100_000

// benchOutbox opens a database with benchSubscribers subscribers and the
// clerk as staff.
func benchOutbox(b *testing.B) *DB {
	b.Helper()
	d := mustOpen(b)
	d.Now = time.Now
	if err := d.AddStaff(context.Background(), CommandLine, clerk, "Carla"); err != nil {
		b.Fatal(err)
	}
	mustSubscribers(b, d, 1, benchSubscribers)
	return d
}

// dbBytes is the size of the database once its WAL is checkpointed.
func dbBytes(b *testing.B, d *DB) int64 {
	b.Helper()
	var pages, size int64
	if _, err := d.db.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		b.Fatal(err)
	}
	if err := d.db.QueryRow(`PRAGMA page_count`).Scan(&pages); err != nil {
		b.Fatal(err)
	}
	if err := d.db.QueryRow(`PRAGMA page_size`).Scan(&size); err != nil {
		b.Fatal(err)
	}
	return pages * size
}

// cpuTime is the CPU the process has used, user and system.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportPeakRSS reports the process's peak resident memory.
func reportPeakRSS(b *testing.B) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(ru.Maxrss)/1024, "peak-RSS-MB") // Linux gives kB
}

func BenchmarkOutboxWrite(b *testing.B) {
	d := benchOutbox(b)
	ctx := context.Background()
	before := dbBytes(b, d)
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		dr, err := d.Compose(ctx, Person(clerk), Draft{Topic: TopicNews, Content: text("Avviso")})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		an, err := d.Confirm(ctx, Person(clerk), dr.ID)
		if err != nil {
			b.Fatal(err)
		}
		if an.Counts.Total != benchSubscribers {
			b.Fatalf("got %d recipients, want %d", an.Counts.Total, benchSubscribers)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(dbBytes(b, d)-before)/float64(b.N)/1e6, "DB-MB/100k")
	reportPeakRSS(b)
}

// refill makes sure at least n deliveries are pending, announcing to every
// subscriber as often as needed.
func refill(b *testing.B, d *DB, n int) {
	b.Helper()
	for pending := 0; pending < n; pending += benchSubscribers {
		if _, err := d.Announce(context.Background(), Person(clerk), Draft{Topic: TopicNews, Content: text("Avviso")}); err != nil {
			b.Fatal(err)
		}
	}
}

// deliver claims up to claim deliveries and reports them as sent, one
// report per delivery or one for the claim; it returns how many it had.
func deliver(b *testing.B, d *DB, claim int, perDelivery bool) int {
	ctx := context.Background()
	ds, err := d.ClaimDeliveries(ctx, claim, time.Minute)
	if err != nil {
		b.Fatal(err)
	}
	out := make([]Outcome, 0, len(ds))
	for _, dl := range ds {
		o := Outcome{DeliveryID: dl.ID, Attempt: dl.Attempt, Result: DeliverySent, MessageID: dl.ID}
		if perDelivery {
			if _, err := d.ReportDeliveries(ctx, o); err != nil {
				b.Fatal(err)
			}
			continue
		}
		out = append(out, o)
	}
	if len(out) > 0 {
		if _, err := d.ReportDeliveries(ctx, out...); err != nil {
			b.Fatal(err)
		}
	}
	return len(ds)
}

func BenchmarkOutboxDrain(b *testing.B) {
	for _, c := range []struct {
		claim       int
		perDelivery bool
	}{{25, true}, {25, false}} {
		name := fmt.Sprintf("claim=%d/report=each", c.claim)
		if !c.perDelivery {
			name = fmt.Sprintf("claim=%d/report=claim", c.claim)
		}
		b.Run(name, func(b *testing.B) {
			d := benchOutbox(b)
			refill(b, d, b.N)
			written := dbBytes(b, d)
			cpu := cpuTime(b)
			b.ResetTimer()
			for done := 0; done < b.N; {
				done += deliver(b, d, min(c.claim, b.N-done), c.perDelivery)
			}
			b.StopTimer()
			used := cpuTime(b) - cpu
			b.ReportMetric(float64(used.Microseconds())/float64(b.N), "CPU-µs/delivery")
			b.ReportMetric(float64(used.Microseconds())/float64(b.N)*1000/1e6*100, "CPU-%@1000/s")
			b.ReportMetric(float64(dbBytes(b, d)-written)/float64(b.N)*benchSubscribers/1e6, "drain-DB-MB/100k")
			reportPeakRSS(b)
		})
	}
}

func BenchmarkOutboxPaced(b *testing.B) {
	const rate, batch = 1000, 50
	for _, perDelivery := range []bool{true, false} {
		name := "report=each"
		if !perDelivery {
			name = "report=claim"
		}
		b.Run(name, func(b *testing.B) {
			d := benchOutbox(b)
			refill(b, d, b.N)
			tick := time.NewTicker(time.Second * batch / rate)
			defer tick.Stop()
			cpu := cpuTime(b)
			b.ResetTimer()
			for done := 0; done < b.N; {
				<-tick.C
				done += deliver(b, d, min(batch, b.N-done), perDelivery)
			}
			b.StopTimer()
			used := cpuTime(b) - cpu
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "deliveries/s")
			b.ReportMetric(used.Seconds()/b.Elapsed().Seconds()*100, "CPU-%")
			b.ReportMetric(float64(used.Microseconds())/float64(b.N), "CPU-µs/delivery")
			reportPeakRSS(b)
		})
	}
}
