package registry

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"time"
)

// signupCall is one SignUp call and, once written, its answer.
type signupCall struct {
	ctx  context.Context
	req  SignupRequest
	now  time.Time
	done chan bool // true: lead the next batch; false: answered

	out []Signup
	err error
}

// signupQueue holds the SignUp calls waiting to be written.
type signupQueue struct {
	mu      sync.Mutex
	calls   []*signupCall
	writing bool // a SignUp call is writing a batch
}

// signUpQueued answers c by group commit, as bookQueued answers Book: the
// first caller to find no batch being written leads, takes every call
// queued by then, writes them in one immediate transaction, each in its
// own savepoint (a refusal or an error undoes that call alone, and the
// seats check of each call sees the calls before it), commits once, hands
// the lead to the first call queued meanwhile and only then answers its
// batch.
func (d *DB) signUpQueued(c *signupCall) {
	q := &d.signups
	c.done = make(chan bool, 1)
	q.mu.Lock()
	q.calls = append(q.calls, c)
	lead := !q.writing
	q.writing = true
	q.mu.Unlock()
	if !lead && !<-c.done {
		return
	}

	q.mu.Lock()
	batch := q.calls
	q.calls = nil
	q.mu.Unlock()
	d.signUpBatch(batch)

	q.mu.Lock()
	if len(q.calls) > 0 {
		q.calls[0].done <- true
	} else {
		q.writing = false
	}
	q.mu.Unlock()
	for _, o := range batch {
		o.done <- false // c's buffered answer is never read
	}
}

// signUpBatch writes the calls of batch in one transaction. A call succeeds
// only if the COMMIT does; if it fails, every call gets its error.
func (d *DB) signUpBatch(batch []*signupCall) {
	defer func() { // a panic fails the batch, and the lead still moves on
		if r := recover(); r != nil {
			for _, c := range batch {
				c.out, c.err = nil, fmt.Errorf("sign-up: panic: %v", r)
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
			if _, err := tx.ExecContext(ctx, `SAVEPOINT signup`); err != nil {
				return err
			}
			c.out, c.err = d.signUpTx(ctx, tx, c.req, c.now, 0)
			end := `RELEASE signup`
			if c.err != nil {
				c.out, c.err = nil, mapErr(c.err)
				end = `ROLLBACK TO signup; RELEASE signup`
			}
			if _, err := tx.ExecContext(ctx, end); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		for _, c := range batch {
			c.out, c.err = nil, err
		}
	}
}
