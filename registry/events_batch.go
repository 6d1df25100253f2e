package registry

import (
	"context"
	"database/sql"
	"fmt"
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

func (c *signupCall) turn() chan bool { return c.done }

// signUpQueued answers c by group commit, as bookQueued answers Book, each
// call in its own savepoint (a refusal or an error undoes that call alone,
// and the seats check of each call sees the calls before it).
func (d *DB) signUpQueued(c *signupCall) {
	c.done = make(chan bool, 1)
	d.signups.do(c, d.signUpBatch)
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
