package bot

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// The Telegram edge's drainer of the announcements' outbox: it claims the
// deliveries due, about a second's worth at the broadcast rate, sends each
// through the shared pacer's broadcast lane (Broadcast: after the
// conversations' own replies, never two messages a second to one chat, a
// flood wait obeyed), and records each outcome in the registry. The staff
// member who sent an announcement sees its delivery report in the message
// that confirmed it, edited every few seconds, and its final count.

// broadcastIdle is how often an empty outbox is looked at again.
const broadcastIdle = time.Second

// progressEvery is how often an announcement's delivery report is edited
// while it is being sent.
const progressEvery = 5 * time.Second

// broadcaster drains the outbox until ctx ends, with a few senders. What is claimed when it
// ends and not yet sent goes back to the outbox (DeliveryUnsent); a crash
// instead leaves it leased, and the next start takes it back at once
// (ReleaseClaims): a delivery is sent at least once, and at most the
// claim in flight at a crash (about a second's worth, BroadcastRate
// messages) twice. One serve per registry: a second sender would take
// back what the first has in flight.
func (t *Telegram) broadcaster(ctx context.Context) {
	// What the previous process had in flight when it died goes first.
	if n, err := t.bot.db.ReleaseClaims(ctx); err != nil {
		t.log.Error("release the claims of the last run", "err", err)
	} else if n > 0 {
		t.log.Info("deliveries in flight at the last stop, sent again", "deliveries", n)
	}
	// Several senders, so that one claims and reports while the others
	// send: the pacer keeps them all to the rate together. Each claims its
	// share of a second's worth.
	senders := min(max(2, int(t.cfg.BroadcastRate)/100), 8)
	claim := max(1, int(t.cfg.BroadcastRate)/senders)
	// Long enough to send the whole claim, each message with its retries.
	lease := t.cfg.BroadcastPatience + time.Duration(float64(claim*senders)/t.cfg.BroadcastRate*float64(time.Second)) + time.Minute
	var mu sync.Mutex
	edited := map[int64]time.Time{}
	var wg sync.WaitGroup
	for range senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				res, err := t.bot.Broadcast(ctx, claim, lease, t.broadcastOne)
				if err != nil && ctx.Err() == nil {
					t.log.Error("broadcast", "err", err)
				}
				now := t.cfg.Now()
				var show []int64
				mu.Lock()
				for _, id := range res.Active {
					if now.Sub(edited[id]) >= progressEvery {
						show = append(show, id)
						edited[id] = now
					}
				}
				for _, a := range res.Finished {
					show = append(show, a.ID)
					delete(edited, a.ID)
				}
				mu.Unlock()
				for _, id := range show {
					t.showProgress(ctx, id)
				}
				if err != nil || res.Delivered+len(res.Active)+len(res.Finished) == 0 {
					select { // a real wait: the tests' Sleep returns at once
					case <-ctx.Done():
						return
					case <-time.After(broadcastIdle):
					}
				}
			}
		}()
	}
	wg.Wait()
}

// broadcastOne sends one delivery, turning the edge's errors into the
// outcomes the registry records.
func (t *Telegram) broadcastOne(ctx context.Context, user int64, r Reply) (int64, error) {
	m := BroadcastMessage{Reply: &r}
	if c := r.Copy; c != nil {
		m = BroadcastMessage{FromChat: c.ChatID, MessageID: int(c.MessageID)}
	}
	id, err := t.Broadcast(ctx, user, m)
	switch {
	case err == nil:
		return int64(id), nil
	case errors.Is(err, ErrBlocked):
		return 0, fmt.Errorf("%w: %w", ErrRecipientBlocked, err)
	case errors.Is(err, ErrChatNotFound):
		return 0, fmt.Errorf("%w: %w", ErrRecipientGone, err)
	case errors.Is(err, ErrRetryLater):
		return 0, &RetryLater{Err: err}
	}
	return 0, err
}

// showProgress edits the delivery report the sender was shown when they
// confirmed the announcement (or sends it, when that message is unknown).
func (t *Telegram) showProgress(ctx context.Context, id int64) {
	ctx = context.WithoutCancel(ctx) // the last report goes even as the bot stops
	o, a, err := t.bot.Progress(ctx, id)
	if err != nil {
		t.log.Error("progress of an announcement", "announcement", id, "err", err)
		return
	}
	if o.UserID == 0 {
		return // an automatic announcement: nobody to tell
	}
	oc := t.reply(callMessage, o.UserID, o.UserID)
	r := o.Reply
	r.Edit = a.ProgressMessageID != 0
	msg, err := t.send(ctx, oc, int(a.ProgressMessageID), r)
	if err != nil {
		t.log.Warn("progress not shown", "announcement", id, "err", err)
		return
	}
	if int64(msg) != a.ProgressMessageID {
		if err := t.bot.db.SetProgressMessage(ctx, id, int64(msg)); err != nil {
			t.log.Error("record the progress message", "announcement", id, "err", err)
		}
	}
}
