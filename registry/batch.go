package registry

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"
)

// bookCall is one Book call and, once written, its answer.
type bookCall struct {
	ctx  context.Context
	req  BookingRequest
	idx  *spaceIndex
	now  time.Time
	done chan bool // true: lead the next batch; false: answered

	b     Booking
	stale bool
	err   error
}

// commitQueue is a group commit, leader/follower style, with no goroutine
// of its own. Each caller queues its call; the first one finds no batch
// being written and leads: it takes every call queued by then, writes them
// in one transaction (write), hands the lead to the first call queued
// meanwhile and only then answers its batch. Callers wait on their call,
// not on the write lock.
type commitQueue[C interface{ turn() chan bool }] struct {
	mu      sync.Mutex
	calls   []C
	writing bool // a call is writing a batch
}

// do answers c, whose turn channel has room for one answer: in a batch
// that c leads, or one that another call leads.
func (q *commitQueue[C]) do(c C, write func([]C)) {
	q.mu.Lock()
	q.calls = append(q.calls, c)
	lead := !q.writing
	q.writing = true
	q.mu.Unlock()
	if !lead && !<-c.turn() {
		return
	}

	q.mu.Lock()
	batch := q.calls
	q.calls = nil
	q.mu.Unlock()
	write(batch)

	q.mu.Lock()
	if len(q.calls) > 0 {
		q.calls[0].turn() <- true
	} else {
		q.writing = false
	}
	q.mu.Unlock()
	for _, o := range batch {
		o.turn() <- false // c's buffered answer is never read
	}
}

func (c *bookCall) turn() chan bool { return c.done }

// bookQueued answers c by group commit (commitQueue): one immediate
// transaction for the batch (the capacity check of each call sees the calls
// before it; a refusal leaves nothing of its call, since bookTx writes one
// statement at most, its last, and refuses before it; any other error fails
// the whole batch, as SQLite may have rolled the transaction back), one
// COMMIT.
func (d *DB) bookQueued(c *bookCall) {
	c.done = make(chan bool, 1)
	d.books.do(c, d.bookBatch)
}

// bookBatch writes the calls of batch in one transaction. A call succeeds
// only if the COMMIT does; if it fails, every call gets its error.
func (d *DB) bookBatch(batch []*bookCall) {
	defer func() { // a panic fails the batch, and the lead still moves on
		if r := recover(); r != nil {
			for _, c := range batch {
				c.b, c.err = Booking{}, fmt.Errorf("booking: panic: %v", r)
			}
		}
	}()
	// The transaction serves every call: a caller's cancelled context must
	// not interrupt the others' statements. A call whose context is done
	// before its turn is skipped instead.
	ctx := context.WithoutCancel(batch[0].ctx)
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		for _, c := range batch {
			if c.err = c.ctx.Err(); c.err != nil {
				continue
			}
			c.b, c.stale, c.err = d.bookTx(ctx, tx, c.idx, c.req, c.now, 0)
			if c.err == nil {
				continue
			}
			var r *Refusal
			if !errors.As(c.err, &r) && !errors.Is(c.err, ErrConflict) {
				// Not a refusal: SQLite may have rolled the whole
				// transaction back (a full disk, an I/O error), and the
				// next calls would run outside it. The batch fails whole.
				return c.err
			}
			c.b, c.err = Booking{}, mapErr(c.err)
		}
		return nil
	})
	if err != nil {
		for _, c := range batch {
			c.b, c.err = Booking{}, err
		}
	}
}

// bookingIndex returns the search index as it is, building it only if
// there is none: the transaction checks that it is current.
func (d *DB) bookingIndex(ctx context.Context) (*spaceIndex, error) {
	d.mu.Lock()
	idx := d.index
	d.mu.Unlock()
	if idx != nil {
		return idx, nil
	}
	return d.currentIndex(ctx)
}
