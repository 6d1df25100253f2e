package registry

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Edit is what EditSpace did: the space as it is now, and the changes that
// wait for the staff.
type Edit struct {
	Space   Space
	Pending []Change
}

// EditSpace applies fn to a copy of a space and stores the result, in one
// transaction with its audit entries. fn's changes are validated first. The
// space's provider changes what goes live at once (hours, prices, contacts,
// descriptions, rooms); a change of theirs to a reviewed field (see
// Reviewed) is kept as a pending Change instead, which the staff approve or
// reject. Staff and the operator change anything at once. Anyone else gets
// ErrForbidden.
func (d *DB) EditSpace(ctx context.Context, a Actor, id string, fn func(*Space) error) (Edit, error) {
	var out Edit
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		out = Edit{}
		role, err := mustKeep(ctx, tx, a, id)
		if err != nil {
			return err
		}
		old, err := getSpace(ctx, tx, id)
		if err != nil {
			return err
		}
		s := cloneSpace(old)
		if err := fn(&s); err != nil {
			return err
		}
		s.ID, s.Status, s.Created = id, old.Status, old.Created
		if ps := s.Validate(); len(ps) > 0 {
			return Problems(ps)
		}
		live := cloneSpace(s)
		if role == RoleProvider {
			for _, name := range diffFields(&old, &s) {
				if !slices.Contains(Reviewed, name) {
					continue
				}
				f, _ := fieldNamed(name)
				c, err := d.propose(ctx, tx, a, id, f, fieldValue(f, &old), fieldValue(f, &s))
				if err != nil {
					return err
				}
				out.Pending = append(out.Pending, c)
				// The live listing keeps the old value until the staff approve.
				if err := f.set(&live, []byte(fieldValue(f, &old))); err != nil {
					return err
				}
			}
		}
		out.Space = live
		if sameContent(&old, &live) {
			out.Space = old
			return nil
		}
		live.Updated = d.now()
		out.Space = live
		if err := writeSpace(ctx, tx, &live); err != nil {
			return err
		}
		return d.auditSpace(ctx, tx, a, role, ActionEdit, &old, &live, "")
	})
	return out, err
}

// auditSpace records a change of a space, as the fields that changed.
func (d *DB) auditSpace(ctx context.Context, tx *sql.Tx, a Actor, role Role, action string, old, now *Space, note string) error {
	before, after := map[string]json.RawMessage{}, map[string]json.RawMessage{}
	for _, name := range diffFields(old, now) {
		f, _ := fieldNamed(name)
		before[name], after[name] = json.RawMessage(fieldValue(f, old)), json.RawMessage(fieldValue(f, now))
	}
	return d.audit(ctx, tx, a, role, action, now.ID, before, after, note)
}

// ChangeStatus is where a reviewed change stands.
type ChangeStatus string

// The statuses of a change.
const (
	ChangePending    ChangeStatus = "pending"
	ChangeApproved   ChangeStatus = "approved"
	ChangeRejected   ChangeStatus = "rejected"
	ChangeSuperseded ChangeStatus = "superseded" // a newer change to the same field took its place
)

// Change is a provider's change to a reviewed field of their space.
type Change struct {
	ID            int64
	SpaceID       string
	UserID        int64
	Field         string
	Before, After string // the field's value as JSON
	Status        ChangeStatus
	Created       time.Time
	DecidedBy     Actor
	Decided       time.Time
	Reason        string // a rejection's reason, for the provider
}

// propose records a pending change, superseding a pending one to the same
// field.
func (d *DB) propose(ctx context.Context, tx *sql.Tx, a Actor, spaceID string, f field, before, after string) (Change, error) {
	now := d.now()
	if _, err := tx.ExecContext(ctx, `UPDATE changes SET status = 'superseded', decided_at = ? WHERE space_id = ? AND field = ? AND status = 'pending'`,
		now.Unix(), spaceID, f.name); err != nil {
		return Change{}, err
	}
	r, err := tx.ExecContext(ctx, `INSERT INTO changes (space_id, user_id, field, before, after, status, created_at) VALUES (?, ?, ?, ?, ?, 'pending', ?)`,
		spaceID, a.UserID, f.name, before, after, now.Unix())
	if err != nil {
		return Change{}, err
	}
	id, err := r.LastInsertId()
	if err != nil {
		return Change{}, err
	}
	if err := d.audit(ctx, tx, a, RoleProvider, ActionPropose, spaceID, map[string]json.RawMessage{f.name: json.RawMessage(before)},
		map[string]json.RawMessage{f.name: json.RawMessage(after)}, ""); err != nil {
		return Change{}, err
	}
	return changeWhere(ctx, tx, `id = ?`, id)
}

const changeColumns = `id, space_id, user_id, field, before, after, status, created_at, decided_by, decided_at, reason`

func scanChange(r scanner) (Change, error) {
	var c Change
	var created int64
	var by, at sql.NullInt64
	if err := r.Scan(&c.ID, &c.SpaceID, &c.UserID, &c.Field, &c.Before, &c.After, &c.Status, &created, &by, &at, &c.Reason); err != nil {
		return c, err
	}
	c.Created = time.Unix(created, 0).In(Rome)
	if at.Valid {
		c.Decided, c.DecidedBy = time.Unix(at.Int64, 0).In(Rome), actorOf(by)
	}
	return c, nil
}

func changeWhere(ctx context.Context, q queryer, where string, args ...any) (Change, error) {
	c, err := scanChange(q.QueryRowContext(ctx, `SELECT `+changeColumns+` FROM changes WHERE `+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return c, fmt.Errorf("change %v: %w", args, ErrNotFound)
	}
	return c, err
}

// PendingChanges returns the changes waiting for the staff, oldest first:
// of one space, or of all when spaceID is "".
func (d *DB) PendingChanges(ctx context.Context, spaceID string) ([]Change, error) {
	q := `SELECT ` + changeColumns + ` FROM changes WHERE status = 'pending'`
	var args []any
	if spaceID != "" {
		q += ` AND space_id = ?`
		args = append(args, spaceID)
	}
	rows, err := d.db.QueryContext(ctx, q+` ORDER BY id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Change{}
	for rows.Next() {
		c, err := scanChange(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Change returns a change by its id.
func (d *DB) Change(ctx context.Context, id int64) (Change, error) {
	return changeWhere(ctx, d.db, `id = ?`, id)
}

// ReviewChange approves (the field takes the change's value) or rejects a
// pending change, for the staff; reason goes to the provider. A change
// already decided gives ErrClosed.
func (d *DB) ReviewChange(ctx context.Context, a Actor, id int64, approve bool, reason string) (Change, error) {
	var c Change
	if err := checkReason(reason); err != nil {
		return c, err
	}
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		role, err := mustBeStaff(ctx, tx, a)
		if err != nil {
			return err
		}
		if c, err = changeWhere(ctx, tx, `id = ?`, id); err != nil {
			return err
		}
		if c.Status != ChangePending {
			return fmt.Errorf("change %d is %s: %w", id, c.Status, ErrClosed)
		}
		status, action := ChangeRejected, ActionChangeReject
		if approve {
			status, action = ChangeApproved, ActionChangeApprove
			old, err := getSpace(ctx, tx, c.SpaceID)
			if err != nil {
				return err
			}
			s := cloneSpace(old)
			f, ok := fieldNamed(c.Field)
			if !ok {
				return fmt.Errorf("change %d: field %q: %w", id, c.Field, ErrInvalid)
			}
			if err := f.set(&s, []byte(c.After)); err != nil {
				return err
			}
			if ps := s.Validate(); len(ps) > 0 {
				return Problems(ps)
			}
			s.Updated = d.now()
			if err := writeSpace(ctx, tx, &s); err != nil {
				return err
			}
		}
		now := d.now()
		if _, err := tx.ExecContext(ctx, `UPDATE changes SET status = ?, decided_by = ?, decided_at = ?, reason = ? WHERE id = ?`,
			status, a.id(), now.Unix(), reason, id); err != nil {
			return err
		}
		c.Status, c.DecidedBy, c.Decided, c.Reason = status, a, now.Truncate(time.Second), reason
		return d.audit(ctx, tx, a, role, action, c.SpaceID, map[string]json.RawMessage{c.Field: json.RawMessage(c.Before)},
			map[string]json.RawMessage{c.Field: json.RawMessage(c.After)}, reason)
	})
	return c, err
}

// AppStatus is where an application stands.
type AppStatus string

// The statuses of an application.
const (
	AppPending  AppStatus = "pending"
	AppApproved AppStatus = "approved"
	AppRejected AppStatus = "rejected"
)

// Application is someone's request to join the list with a new space.
type Application struct {
	ID        int64
	UserID    int64
	Space     Space // as proposed
	Status    AppStatus
	Created   time.Time
	DecidedBy Actor
	Decided   time.Time
	Reason    string
}

// Apply records a person's application with a new space, validated as an
// import would; the space's id is made from its name (unique in the list and
// among pending applications). The staff decide with ReviewApplication.
func (d *DB) Apply(ctx context.Context, userID int64, s Space) (Application, error) {
	var app Application
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		id, err := freeID(ctx, tx, s.Name+" "+s.Comune)
		if err != nil {
			return err
		}
		s.ID = id
		if ps := s.Validate(); len(ps) > 0 {
			return Problems(ps)
		}
		proposal, err := featureJSON(&s)
		if err != nil {
			return err
		}
		r, err := tx.ExecContext(ctx, `INSERT INTO applications (user_id, space_id, proposal, status, created_at) VALUES (?, ?, ?, 'pending', ?)`,
			userID, id, string(proposal), d.now().Unix())
		if err != nil {
			return err
		}
		appID, err := r.LastInsertId()
		if err != nil {
			return err
		}
		if err := d.audit(ctx, tx, Person(userID), RoleCitizen, ActionApply, id, nil, json.RawMessage(proposal), ""); err != nil {
			return err
		}
		app, err = applicationWhere(ctx, tx, `id = ?`, appID)
		return err
	})
	return app, err
}

// freeID makes a space id from words, not used by a space or a pending
// application: "Officina Brianza Seregno" → "officina-brianza-seregno",
// then "-2", "-3"… when taken.
func freeID(ctx context.Context, q queryer, words string) (string, error) {
	base := Slug(words)
	if base == "" {
		base = "spazio"
	}
	base = strings.TrimRight(base[:min(len(base), MaxID-3)], "-")
	for n := 1; n < 100; n++ {
		id := base
		if n > 1 {
			id = fmt.Sprintf("%s-%d", base, n)
		}
		var taken bool
		if err := q.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM spaces WHERE id = ?1)
			OR EXISTS (SELECT 1 FROM applications WHERE space_id = ?1 AND status = 'pending')`, id).Scan(&taken); err != nil {
			return "", err
		}
		if !taken {
			return id, nil
		}
	}
	return "", fmt.Errorf("no free id for %q: %w", words, ErrConflict)
}

// Slug turns words into an id: lower-case ASCII letters and digits joined by
// hyphens, accents dropped ("Caffè Città" → "caffe-citta").
func Slug(words string) string {
	var b strings.Builder
	dash := false
	for _, r := range norm.NFD.String(strings.ToLower(words)) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		default:
			dash = true
		}
	}
	return b.String()
}

const applicationColumns = `id, user_id, proposal, status, created_at, decided_by, decided_at, reason`

func applicationWhere(ctx context.Context, q queryer, where string, args ...any) (Application, error) {
	a, err := scanApplication(q.QueryRowContext(ctx, `SELECT `+applicationColumns+` FROM applications WHERE `+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return a, fmt.Errorf("application %v: %w", args, ErrNotFound)
	}
	return a, err
}

func scanApplication(r scanner) (Application, error) {
	var a Application
	var proposal string
	var created int64
	var by, at sql.NullInt64
	if err := r.Scan(&a.ID, &a.UserID, &proposal, &a.Status, &created, &by, &at, &a.Reason); err != nil {
		return a, err
	}
	s, ps := decodeFeature(json.RawMessage(proposal))
	if len(ps) > 0 {
		return a, fmt.Errorf("application %d: stored proposal: %w", a.ID, Problems(ps))
	}
	a.Space = s
	a.Created = time.Unix(created, 0).In(Rome)
	if at.Valid {
		a.Decided, a.DecidedBy = time.Unix(at.Int64, 0).In(Rome), actorOf(by)
	}
	return a, nil
}

// Applications returns the applications with a status, oldest first.
func (d *DB) Applications(ctx context.Context, status AppStatus) ([]Application, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT `+applicationColumns+` FROM applications WHERE status = ? ORDER BY id`, status)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Application{}
	for rows.Next() {
		a, err := scanApplication(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// Application returns an application by its id.
func (d *DB) Application(ctx context.Context, id int64) (Application, error) {
	return applicationWhere(ctx, d.db, `id = ?`, id)
}

// PendingApplicationFor returns the pending application whose space will
// have the given id.
func (d *DB) PendingApplicationFor(ctx context.Context, spaceID string) (Application, error) {
	return applicationWhere(ctx, d.db, `space_id = ? AND status = 'pending'`, spaceID)
}

// ReviewApplication admits a pending application into the list (the space
// is created, approved, with the applicant as its provider) or rejects it,
// for the staff; reason goes to the applicant. One already decided gives
// ErrClosed.
func (d *DB) ReviewApplication(ctx context.Context, a Actor, id int64, approve bool, reason string) (Application, error) {
	var app Application
	if err := checkReason(reason); err != nil {
		return app, err
	}
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		role, err := mustBeStaff(ctx, tx, a)
		if err != nil {
			return err
		}
		if app, err = applicationWhere(ctx, tx, `id = ?`, id); err != nil {
			return err
		}
		if app.Status != AppPending {
			return fmt.Errorf("application %d is %s: %w", id, app.Status, ErrClosed)
		}
		status, action := AppRejected, ActionReject
		now := d.now()
		if approve {
			status, action = AppApproved, ActionApprove
			s := app.Space
			if _, err := getSpace(ctx, tx, s.ID); err == nil {
				return fmt.Errorf("space %s exists: %w", s.ID, ErrConflict)
			} else if !isNotFound(err) {
				return err
			}
			s.Status, s.Created, s.Updated = Approved, now, now
			if err := writeSpace(ctx, tx, &s); err != nil {
				return err
			}
			if err := d.addProvider(ctx, tx, a, role, s.ID, app.UserID, "application"); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE applications SET status = ?, decided_by = ?, decided_at = ?, reason = ? WHERE id = ?`,
			status, a.id(), now.Unix(), reason, id); err != nil {
			return err
		}
		app.Status, app.DecidedBy, app.Decided, app.Reason = status, a, now.Truncate(time.Second), reason
		return d.audit(ctx, tx, a, role, action, app.Space.ID, nil, map[string]any{"application": id, "status": status}, reason)
	})
	return app, err
}

// Suspension is what suspending a space did, for the chat to tell the
// people it concerns.
type Suspension struct {
	// Changed is false when the space was suspended already: then nothing
	// was done, and nobody needs telling again.
	Changed  bool
	Bookings []Booking // its upcoming bookings, cancelled
	Signups  []Signup  // the sign-ups for its coming events, cancelled
}

// Suspend takes a space out of citizens' searches at once, for the staff,
// in one transaction: its upcoming bookings and the sign-ups for its coming
// events are cancelled, its waiting lists and open offers closed (its
// events stay as they are, hidden until it is reinstated). Suspending twice
// changes nothing the second time.
func (d *DB) Suspend(ctx context.Context, a Actor, spaceID, reason string) (Suspension, error) {
	var out Suspension
	if err := checkReason(reason); err != nil {
		return out, err
	}
	now := d.now()
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		out = Suspension{}
		role, err := mustBeStaff(ctx, tx, a)
		if err != nil {
			return err
		}
		var old Status
		err = tx.QueryRowContext(ctx, `SELECT status FROM spaces WHERE id = ?`, spaceID).Scan(&old)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("space %s: %w", spaceID, ErrNotFound)
		case err != nil || old == Suspended:
			return err
		}
		if err := d.setStatus(ctx, tx, a, role, spaceID, Suspended, reason); err != nil {
			return err
		}
		out.Changed = true
		if out.Bookings, err = d.cancelWhere(ctx, tx, cancelledBySuspension, `space_id = ?`, spaceID); err != nil {
			return err
		}
		out.Signups, err = d.cancelSpaceSignups(ctx, tx, now, spaceID, cancelledBySuspension)
		return err
	})
	return out, err
}

// cancelSpaceSignups cancels the confirmed sign-ups for a space's coming
// events, and closes their waiting lists, in tx; by says why.
func (d *DB) cancelSpaceSignups(ctx context.Context, tx *sql.Tx, now time.Time, spaceID, by string) ([]Signup, error) {
	const coming = `e.space_id = ? AND e.status = 'published' AND (e.day > ? OR (e.day = ? AND e.start_min > ?))`
	today, minute := dayKey(now), minuteOf(now)
	sg, err := d.signupsWhere(ctx, tx, now, `s.status = 'confirmed' AND `+coming+` ORDER BY s.id`, spaceID, today, today, minute)
	if err != nil {
		return nil, err
	}
	for i := range sg {
		if _, err := tx.ExecContext(ctx, `UPDATE signups SET status = 'cancelled', cancelled_at = ?, cancelled_by = ? WHERE id = ?`,
			now.Unix(), by, sg[i].ID); err != nil {
			return nil, err
		}
		sg[i].Status, sg[i].Cancelled, sg[i].CancelledBy = Cancelled, now.Truncate(time.Second), by
	}
	rows, err := tx.QueryContext(ctx, `SELECT e.id FROM events e WHERE `+coming, spaceID, today, today, minute)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, id := range ids {
		if _, err := d.closeEventLine(ctx, tx, now, id); err != nil {
			return nil, err
		}
	}
	return sg, nil
}

// Reinstate brings a suspended space back into the list, for the staff.
func (d *DB) Reinstate(ctx context.Context, a Actor, spaceID, note string) error {
	if err := checkReason(note); err != nil {
		return err
	}
	return d.inTx(ctx, func(tx *sql.Tx) error {
		role, err := mustBeStaff(ctx, tx, a)
		if err != nil {
			return err
		}
		return d.setStatus(ctx, tx, a, role, spaceID, Approved, note)
	})
}

// Why the registry cancelled bookings, as stored.
const (
	cancelledByUser       = "user"
	cancelledByClosure    = "closure"
	cancelledBySuspension = "suspension"
	cancelledByErasure    = "erasure"
)

// cancelWhere cancels the confirmed bookings that have not ended and match
// where (with args), closes the waiting lists and open offers for the same
// space and days, and returns the bookings cancelled.
func (d *DB) cancelWhere(ctx context.Context, tx *sql.Tx, by, where string, args ...any) ([]Booking, error) {
	now := d.now()
	today, minute := dayKey(now), minuteOf(now)
	cond := `status = 'confirmed' AND (day > ? OR (day = ? AND end_min > ?)) AND ` + where
	qargs := append([]any{today, today, minute}, args...)
	rows, err := tx.QueryContext(ctx, `SELECT `+bookingColumns+` FROM bookings WHERE `+cond+` ORDER BY day, start_min, id`, qargs...)
	if err != nil {
		return nil, err
	}
	var out []Booking
	for rows.Next() {
		b, err := d.scanBooking(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, b)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE bookings SET status = 'cancelled', cancelled_at = ?, cancelled_by = ? WHERE `+cond,
		append([]any{now.Unix(), by}, qargs...)...); err != nil {
		return nil, err
	}
	// The lines for the same space and days close: nobody can be offered a
	// place there now.
	wcond := `status IN ('waiting', 'offered') AND day >= ? AND ` + where
	wargs := append([]any{today}, args...)
	if _, err := tx.ExecContext(ctx, `UPDATE offers SET status = 'expired' WHERE status = 'open' AND entry_id IN (SELECT id FROM waitlist WHERE `+wcond+`)`, wargs...); err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE waitlist SET status = 'expired' WHERE `+wcond, wargs...); err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Status, out[i].Cancelled = Cancelled, now.Truncate(time.Second)
	}
	return out, nil
}
