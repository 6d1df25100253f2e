package registry

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Actor is who changes the list: a person in the chat, by Telegram user id,
// or the operator of the server (the import, admin and invite commands), who
// may do anything.
type Actor struct {
	UserID   int64
	Operator bool
}

// CommandLine is the server's operator.
var CommandLine = Actor{Operator: true}

// Person is the person with a Telegram user id.
func Person(id int64) Actor { return Actor{UserID: id} }

// id is the actor's user id as stored: NULL for the operator.
func (a Actor) id() sql.NullInt64 {
	return sql.NullInt64{Int64: a.UserID, Valid: !a.Operator}
}

func (a Actor) String() string {
	if a.Operator {
		return "operator"
	}
	return "user " + strconv.FormatInt(a.UserID, 10)
}

// Role is what someone acts as.
type Role string

// The roles. Staff may do anything in the chat; a provider may keep their
// own spaces' listings; a citizen may change nothing of the list.
const (
	RoleOperator Role = "operator"
	RoleStaff    Role = "staff"
	RoleProvider Role = "provider"
	RoleCitizen  Role = "citizen"
)

// Roles is what a person may do.
type Roles struct {
	Staff  bool
	Spaces []string // the spaces they provide, by id
}

// Provides reports whether they are the provider of a space.
func (r Roles) Provides(spaceID string) bool { return slices.Contains(r.Spaces, spaceID) }

// Roles returns what a person may do, in one query.
func (d *DB) Roles(ctx context.Context, userID int64) (Roles, error) {
	var r Roles
	var spaces sql.NullString
	err := d.db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM staff WHERE user_id = ?1),
		(SELECT group_concat(space_id, ' ') FROM (SELECT space_id FROM providers WHERE user_id = ?1 ORDER BY space_id))`,
		userID).Scan(&r.Staff, &spaces)
	if err != nil {
		return r, fmt.Errorf("roles of %d: %w", userID, err)
	}
	if spaces.Valid {
		r.Spaces = strings.Fields(spaces.String)
	}
	return r, nil
}

// roleIn tells, inside a transaction, what a may act as on a space ("" for
// none): the operator, staff, its provider, or a citizen.
func roleIn(ctx context.Context, q queryer, a Actor, spaceID string) (Role, error) {
	if a.Operator {
		return RoleOperator, nil
	}
	var staff, provider bool
	err := q.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM staff WHERE user_id = ?1),
		EXISTS (SELECT 1 FROM providers WHERE user_id = ?1 AND space_id = ?2)`, a.UserID, spaceID).Scan(&staff, &provider)
	switch {
	case err != nil:
		return "", err
	case staff:
		return RoleStaff, nil
	case provider:
		return RoleProvider, nil
	}
	return RoleCitizen, nil
}

// mustBeStaff refuses, inside a transaction, anyone who is neither staff nor
// the operator.
func mustBeStaff(ctx context.Context, q queryer, a Actor) (Role, error) {
	role, err := roleIn(ctx, q, a, "")
	if err != nil {
		return "", err
	}
	if role != RoleStaff && role != RoleOperator {
		return "", fmt.Errorf("%s is not staff: %w", a, ErrForbidden)
	}
	return role, nil
}

// mustKeep refuses, inside a transaction, anyone who may not keep a space's
// listing: its provider, staff and the operator may.
func mustKeep(ctx context.Context, q queryer, a Actor, spaceID string) (Role, error) {
	role, err := roleIn(ctx, q, a, spaceID)
	if err != nil {
		return "", err
	}
	if role == RoleCitizen {
		return "", fmt.Errorf("%s may not change space %s: %w", a, spaceID, ErrForbidden)
	}
	return role, nil
}

// StaffMember is a member of the comune's staff.
type StaffMember struct {
	UserID  int64
	Name    string
	AddedBy Actor
	Added   time.Time
}

// AddStaff makes a person staff. The operator names the first ones; staff
// name others. Adding someone twice updates their name.
func (d *DB) AddStaff(ctx context.Context, a Actor, userID int64, name string) error {
	if userID <= 0 {
		return fmt.Errorf("staff id %d: %w", userID, ErrInvalid)
	}
	return d.inTx(ctx, func(tx *sql.Tx) error {
		role, err := mustBeStaff(ctx, tx, a)
		if err != nil {
			return err
		}
		before, err := staffMember(ctx, tx, userID)
		if err != nil && !isNotFound(err) {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO staff (user_id, name, added_by, added_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (user_id) DO UPDATE SET name = excluded.name`, userID, name, a.id(), d.now().Unix()); err != nil {
			return err
		}
		var prev any
		if err == nil {
			prev = map[string]any{"user_id": before.UserID, "name": before.Name}
		}
		return d.audit(ctx, tx, a, role, ActionStaffAdd, "", prev, map[string]any{"user_id": userID, "name": name}, "")
	})
}

// RemoveStaff takes a person off the staff. The last staff member can only
// be removed from the command line, so that the chat never locks the comune
// out.
func (d *DB) RemoveStaff(ctx context.Context, a Actor, userID int64) error {
	return d.inTx(ctx, func(tx *sql.Tx) error {
		role, err := mustBeStaff(ctx, tx, a)
		if err != nil {
			return err
		}
		before, err := staffMember(ctx, tx, userID)
		if err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM staff`).Scan(&n); err != nil {
			return err
		}
		if n == 1 && !a.Operator {
			return fmt.Errorf("the last staff member: %w", ErrConflict)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM staff WHERE user_id = ?`, userID); err != nil {
			return err
		}
		return d.audit(ctx, tx, a, role, ActionStaffRemove, "", map[string]any{"user_id": before.UserID, "name": before.Name}, nil, "")
	})
}

// Staff lists the staff, by name.
func (d *DB) Staff(ctx context.Context) ([]StaffMember, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT user_id, name, added_by, added_at FROM staff ORDER BY name, user_id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []StaffMember{}
	for rows.Next() {
		m, err := d.scanStaff(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// StaffIDs returns the user ids of the staff, to tell them of what needs
// them (an application, a change to review).
func (d *DB) StaffIDs(ctx context.Context) ([]int64, error) {
	return d.ids(ctx, `SELECT user_id FROM staff ORDER BY user_id`)
}

func staffMember(ctx context.Context, q queryer, userID int64) (StaffMember, error) {
	var m StaffMember
	var by sql.NullInt64
	var at int64
	err := q.QueryRowContext(ctx, `SELECT user_id, name, added_by, added_at FROM staff WHERE user_id = ?`, userID).Scan(&m.UserID, &m.Name, &by, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return m, fmt.Errorf("staff %d: %w", userID, ErrNotFound)
	}
	m.AddedBy, m.Added = actorOf(by), time.Unix(at, 0).In(Rome)
	return m, err
}

func (d *DB) scanStaff(r scanner) (StaffMember, error) {
	var m StaffMember
	var by sql.NullInt64
	var at int64
	err := r.Scan(&m.UserID, &m.Name, &by, &at)
	m.AddedBy, m.Added = actorOf(by), time.Unix(at, 0).In(Rome)
	return m, err
}

func actorOf(id sql.NullInt64) Actor {
	if !id.Valid {
		return CommandLine
	}
	return Person(id.Int64)
}

// Provider is a person who keeps a space's listing.
type Provider struct {
	SpaceID string
	UserID  int64
	Added   time.Time
	Muted   bool // not told of each booking and cancellation
}

// Providers returns the providers of a space.
func (d *DB) Providers(ctx context.Context, spaceID string) ([]Provider, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT space_id, user_id, added_at, muted FROM providers WHERE space_id = ? ORDER BY added_at, user_id`, spaceID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Provider{}
	for rows.Next() {
		var p Provider
		var at int64
		if err := rows.Scan(&p.SpaceID, &p.UserID, &at, &p.Muted); err != nil {
			return nil, err
		}
		p.Added = time.Unix(at, 0).In(Rome)
		out = append(out, p)
	}
	return out, rows.Err()
}

// AddProvider makes a person the provider of a space (staff or the operator).
func (d *DB) AddProvider(ctx context.Context, a Actor, spaceID string, userID int64) error {
	return d.inTx(ctx, func(tx *sql.Tx) error {
		role, err := mustBeStaff(ctx, tx, a)
		if err != nil {
			return err
		}
		return d.addProvider(ctx, tx, a, role, spaceID, userID, "")
	})
}

func (d *DB) addProvider(ctx context.Context, tx *sql.Tx, a Actor, role Role, spaceID string, userID int64, note string) error {
	if _, err := getSpace(ctx, tx, spaceID); err != nil {
		return err
	}
	r, err := tx.ExecContext(ctx, `INSERT INTO providers (space_id, user_id, added_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
		spaceID, userID, d.now().Unix())
	if err != nil {
		return err
	}
	if n, _ := r.RowsAffected(); n == 0 {
		return nil // already theirs
	}
	return d.audit(ctx, tx, a, role, ActionProviderAdd, spaceID, nil, map[string]any{"user_id": userID}, note)
}

// RemoveProvider takes a person off a space (staff or the operator).
func (d *DB) RemoveProvider(ctx context.Context, a Actor, spaceID string, userID int64) error {
	return d.inTx(ctx, func(tx *sql.Tx) error {
		role, err := mustBeStaff(ctx, tx, a)
		if err != nil {
			return err
		}
		r, err := tx.ExecContext(ctx, `DELETE FROM providers WHERE space_id = ? AND user_id = ?`, spaceID, userID)
		if err != nil {
			return err
		}
		if n, _ := r.RowsAffected(); n == 0 {
			return fmt.Errorf("provider %d of %s: %w", userID, spaceID, ErrNotFound)
		}
		return d.audit(ctx, tx, a, role, ActionProviderRemove, spaceID, map[string]any{"user_id": userID}, nil, "")
	})
}

// SetMuted turns a provider's booking notifications off or on, for one of
// their spaces.
func (d *DB) SetMuted(ctx context.Context, userID int64, spaceID string, muted bool) error {
	return d.inTx(ctx, func(tx *sql.Tx) error {
		r, err := tx.ExecContext(ctx, `UPDATE providers SET muted = ? WHERE user_id = ? AND space_id = ?`, muted, userID, spaceID)
		if err != nil {
			return err
		}
		if n, _ := r.RowsAffected(); n == 0 {
			return fmt.Errorf("%d does not provide %s: %w", userID, spaceID, ErrForbidden)
		}
		return nil
	})
}

// Invitations last this long.
const InvitationFor = 14 * 24 * time.Hour

// Invite makes a one-time invitation to become a space's provider and
// returns its token (only a hash is stored). Staff or the operator.
func (d *DB) Invite(ctx context.Context, a Actor, spaceID string) (string, error) {
	var raw [18]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", err
	}
	// URL-safe, and within what a Telegram start parameter allows (A-Z a-z 0-9 _ -).
	token := base64.RawURLEncoding.EncodeToString(raw[:])
	now := d.now()
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		role, err := mustBeStaff(ctx, tx, a)
		if err != nil {
			return err
		}
		if _, err := getSpace(ctx, tx, spaceID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO invitations (token_hash, space_id, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
			hashToken(token), spaceID, a.id(), now.Unix(), now.Add(InvitationFor).Unix()); err != nil {
			return err
		}
		return d.audit(ctx, tx, a, role, ActionInvite, spaceID, nil, map[string]any{"expires": now.Add(InvitationFor).Format(time.DateTime)}, "")
	})
	return token, err
}

// Invitation refusals, with the kind each wraps.
var (
	ErrInvitationUsed    = fmt.Errorf("invitation already used: %w", ErrClosed)
	ErrInvitationExpired = fmt.Errorf("invitation expired: %w", ErrClosed)
)

// AcceptInvitation makes userID the provider of the invitation's space and
// returns the space's id. An unknown token is ErrNotFound; a used one
// ErrInvitationUsed (unless it was used by the same person: then it is
// accepted again, harmlessly); an expired one ErrInvitationExpired.
func (d *DB) AcceptInvitation(ctx context.Context, userID int64, token string) (string, error) {
	now := d.now()
	var spaceID string
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		var expires int64
		var usedBy sql.NullInt64
		err := tx.QueryRowContext(ctx, `SELECT space_id, expires_at, used_by FROM invitations WHERE token_hash = ?`, hashToken(token)).
			Scan(&spaceID, &expires, &usedBy)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("invitation: %w", ErrNotFound)
		case err != nil:
			return err
		case usedBy.Valid && usedBy.Int64 == userID:
			return nil
		case usedBy.Valid:
			return ErrInvitationUsed
		case now.Unix() >= expires:
			return ErrInvitationExpired
		}
		if _, err := tx.ExecContext(ctx, `UPDATE invitations SET used_by = ?, used_at = ? WHERE token_hash = ?`, userID, now.Unix(), hashToken(token)); err != nil {
			return err
		}
		return d.addProvider(ctx, tx, Person(userID), RoleProvider, spaceID, userID, "invitation")
	})
	return spaceID, err
}

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// ids runs a query of one integer column.
func (d *DB) ids(ctx context.Context, query string, args ...any) ([]int64, error) {
	return int64sOf(ctx, d.db, query, args...)
}
