package registry

import (
	"context"
	"fmt"
	"testing"
)

// BenchmarkKeep stores the bookkeeping of batches of 40 updates, as the
// Telegram edge does under load: each person's row (known people, their
// state a few hundred bytes of JSON) and, depending on the case, the
// handled marks, and the holds of the updates under way with the releases
// of those held by the batch before. ns/op is for one batch; "µs/update"
// divides it by 40.
func BenchmarkKeep(b *testing.B) {
	const batch = 40
	state := `{"search":{"services":["wifi","fibre"],"point":[9.2046,45.6503],"kind":"shared"},"results":["officina-brianza","torre-civica","lambro-hub"],"lang_asked":true,"news_offered":true}`
	raw := `{"update_id":%d,"message":{"message_id":7,"from":{"id":%d,"is_bot":false,"first_name":"Utente","language_code":"it"},"chat":{"id":%d,"first_name":"Utente","type":"private"},"date":1764666000,"text":"coworking con cobaby vicino alla stazione"}}`
	cases := []struct {
		name          string
		marks, holds  bool
		heldReleasing bool
	}{
		{"rows", false, false, false},
		{"rows+marks", true, false, false},
		{"rows+holds", false, true, true},
		{"rows+marks+holds", true, true, true},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			ctx := context.Background()
			d := mustOpen(b)
			users := make([]User, 2000)
			for i := range users {
				u, err := d.User(ctx, int64(700_000_001+i))
				if err != nil {
					b.Fatal(err)
				}
				u.FirstName, u.Lang, u.State = "Utente", "it", state
				users[i] = u
			}
			if err := d.Keep(ctx, Bookkeeping{Source: "telegram", Users: users}); err != nil {
				b.Fatal(err)
			}
			for i := range users { // as read back: known people
				var err error
				if users[i], err = d.User(ctx, users[i].ID); err != nil {
					b.Fatal(err)
				}
			}
			var prev []int64
			id := int64(1)
			b.ResetTimer()
			for n := range b.N {
				k := Bookkeeping{Source: "telegram", Settings: map[string]string{"telegram.offset": fmt.Sprint(id + batch)}}
				var hold []int64
				for i := range batch {
					u := users[(n*batch+i)%len(users)]
					k.Users = append(k.Users, u)
					if c.marks {
						k.Handled = append(k.Handled, id)
					}
					if c.holds {
						k.Hold = append(k.Hold, HeldUpdate{ID: id, Raw: fmt.Sprintf(raw, id, u.ID, u.ID)})
						hold = append(hold, id)
					}
					id++
				}
				if c.heldReleasing {
					k.Release = prev
				}
				prev = hold
				if err := d.Keep(ctx, k); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*batch), "µs/update")
		})
	}
}
