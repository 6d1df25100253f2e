package registry

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"
)

// AuditEntry is one change to the list, or to who may change it.
type AuditEntry struct {
	ID      int64
	At      time.Time
	Actor   Actor
	Role    Role   // what the actor was acting as
	Action  string // see the Action constants
	SpaceID string // "" when the action concerns no space
	Before  string // JSON, "" when nothing was there
	After   string // JSON, "" when nothing is left
	Note    string // a reason given, a comment
}

// The actions the audit log records.
const (
	ActionImport          = "space.import"        // a space added or updated by an import
	ActionApply           = "application.create"  // someone applied with a new space
	ActionApprove         = "application.approve" // the staff admitted an application
	ActionReject          = "application.reject"  // the staff refused it
	ActionEdit            = "space.edit"          // a live change (hours, prices, contacts, descriptions, rooms)
	ActionPropose         = "change.propose"      // a provider asked for a reviewed change
	ActionChangeApprove   = "change.approve"      // the staff approved it
	ActionChangeReject    = "change.reject"       // the staff refused it
	ActionSuspend         = "space.suspend"       // removed from citizens' searches
	ActionReinstate       = "space.reinstate"     // back in the list
	ActionClosureAdd      = "closure.add"         // a stretch of days closed
	ActionClosureRemove   = "closure.remove"      // reopened
	ActionStaffAdd        = "staff.add"           // a staff member named
	ActionStaffRemove     = "staff.remove"        // no longer staff
	ActionInvite          = "provider.invite"     // an invitation made
	ActionProviderAdd     = "provider.add"        // someone became a space's provider
	ActionProviderRemove  = "provider.remove"     // no longer its provider
	ActionReadBooking     = "booking.read"        // staff read a booking's details
	ActionReadProvider    = "provider.read"       // staff read a provider's details
	ActionAnnounce        = "announcement.send"   // an announcement confirmed
	ActionAnnounceStop    = "announcement.stop"   // a running one stopped
	ActionEventPublish    = "event.publish"       // an event published
	ActionEventEdit       = "event.edit"          // changed
	ActionEventCancel     = "event.cancel"        // cancelled
	ActionSpaceStatusEdit = "space.status"        // any other change of status
)

// Actions lists every action, for callers that must have words for each.
var Actions = []string{ActionImport, ActionApply, ActionApprove, ActionReject, ActionEdit, ActionPropose,
	ActionChangeApprove, ActionChangeReject, ActionSuspend, ActionReinstate, ActionClosureAdd, ActionClosureRemove,
	ActionStaffAdd, ActionStaffRemove, ActionInvite, ActionProviderAdd, ActionProviderRemove, ActionReadBooking,
	ActionReadProvider, ActionAnnounce, ActionAnnounceStop, ActionEventPublish, ActionEventEdit, ActionEventCancel,
	ActionSpaceStatusEdit}

// audit records one action inside tx, so that a change and its entry are
// written together or not at all. before and after are encoded as JSON
// (nil: nothing); a []byte or json.RawMessage is taken as JSON already.
func (d *DB) audit(ctx context.Context, tx *sql.Tx, a Actor, role Role, action, spaceID string, before, after any, note string) error {
	enc := func(v any) (string, error) {
		switch x := v.(type) {
		case nil:
			return "", nil
		case json.RawMessage:
			return string(x), nil
		case []byte:
			return string(x), nil
		}
		b, err := json.Marshal(v)
		return string(b), err
	}
	bj, err := enc(before)
	if err != nil {
		return err
	}
	aj, err := enc(after)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO audit_log (at, actor, role, action, space_id, before, after, note)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, d.now().Unix(), a.id(), role, action, spaceID, bj, aj, note)
	return err
}

// Audit returns the audit entries from since on (all when zero), newest
// first, at most limit of them (all when limit is 0).
func (d *DB) Audit(ctx context.Context, since time.Time, limit int) ([]AuditEntry, error) {
	q := `SELECT id, at, actor, role, action, space_id, before, after, note FROM audit_log WHERE at >= ? ORDER BY id DESC`
	args := []any{since.Unix()}
	if since.IsZero() {
		args[0] = 0
	}
	if limit > 0 {
		q += ` LIMIT ?`
		args = append(args, limit)
	}
	rows, err := d.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []AuditEntry{}
	for rows.Next() {
		var e AuditEntry
		var at int64
		var actor sql.NullInt64
		if err := rows.Scan(&e.ID, &at, &actor, &e.Role, &e.Action, &e.SpaceID, &e.Before, &e.After, &e.Note); err != nil {
			return nil, err
		}
		e.At = time.Unix(at, 0).In(Rome)
		if actor.Valid {
			e.Actor = Person(actor.Int64)
		} else {
			e.Actor = CommandLine
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// String is an entry in one line, for logs and tests.
func (e AuditEntry) String() string {
	return fmt.Sprintf("%s %s %s as %s on %q", e.At.Format(time.DateTime), e.Actor, e.Action, e.Role, e.SpaceID)
}
