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
)

// PutOptions say how an import treats the live list.
type PutOptions struct {
	// FileWins makes the file's value win where it disagrees with a change
	// made in the chat since the last import (a provider's live edit, a
	// change the staff approved); by default the live list's value is kept.
	// Either way, each such field is reported.
	FileWins bool
}

// Disagreement is a field where the comune's file and the live list differ
// because the list was changed in the chat since the last import.
type Disagreement struct {
	SpaceID    string
	Field      string // see the Field constants
	File, Live string // the two values, as JSON
	FileKept   bool   // the file's value was written; else the live one stays
}

// PutResult says what PutSpaces did.
type PutResult struct {
	Added, Updated, Unchanged int
	KeptSuspended             []string // ids that stay suspended although re-imported
	// Missing are the spaces of the list that the file does not hold: an
	// import never deletes, and the staff decide whether to suspend them.
	Missing       []string
	Disagreements []Disagreement
}

// PutSpaces writes spaces as the comune's official list: new ones are added
// as approved, existing ones (by id) are updated, nothing is deleted. It is
// all or nothing: one invalid space, or a repeated id, writes nothing and
// returns Problems. A field changed in the chat since the space's last
// import and different in the file is a Disagreement: reported, and settled
// by opts.
//
// Only the operator and the staff may import; each space added or changed is
// in the audit log.
func (d *DB) PutSpaces(ctx context.Context, a Actor, spaces []Space, opts PutOptions) (PutResult, error) {
	var res PutResult
	var probs Problems
	seen := map[string]int{}
	for i := range spaces {
		for _, p := range spaces[i].Validate() {
			p.Record = i + 1
			probs = append(probs, p)
		}
		if first, ok := seen[spaces[i].ID]; ok && spaces[i].ID != "" {
			probs = append(probs, Problem{Record: i + 1, ID: spaces[i].ID, Field: "id", Code: ProbDuplicateID, Value: fmt.Sprint(first)})
		} else {
			seen[spaces[i].ID] = i + 1
		}
	}
	if len(probs) > 0 {
		return res, probs
	}
	now := d.now()
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		res = PutResult{}
		role, err := mustBeStaff(ctx, tx, a)
		if err != nil {
			return err
		}
		for i := range spaces {
			s := spaces[i]
			// Rooms are stored, and come back, in id order.
			s.Rooms = slices.SortedFunc(slices.Values(s.Rooms), func(a, b Room) int { return strings.Compare(a.ID, b.ID) })
			old, err := getSpace(ctx, tx, s.ID)
			var before []byte
			switch {
			case err == nil:
				edited, err := editedInChat(ctx, tx, &old)
				if err != nil {
					return err
				}
				s = merge(&old, &s, edited, opts, &res)
				s.Status, s.Created = old.Status, old.Created
				if old.Status == Pending {
					s.Status = Approved
				}
				if old.Status == Suspended {
					res.KeptSuspended = append(res.KeptSuspended, s.ID)
				}
				if sameContent(&old, &s) && s.Status == old.Status {
					res.Unchanged++
					if err := d.remember(ctx, tx, &spaces[i], now); err != nil {
						return err
					}
					continue
				}
				s.Updated = now
				res.Updated++
				if before, err = featureJSON(&old); err != nil {
					return err
				}
			case isNotFound(err):
				s.Status, s.Created, s.Updated = Approved, now, now
				res.Added++
			default:
				return err
			}
			if err := writeSpace(ctx, tx, &s); err != nil {
				return fmt.Errorf("record %d (%s): %w", i+1, s.ID, err)
			}
			if err := d.remember(ctx, tx, &spaces[i], now); err != nil {
				return err
			}
			after, err := featureJSON(&s)
			if err != nil {
				return err
			}
			if err := d.audit(ctx, tx, a, role, ActionImport, s.ID, before, after, ""); err != nil {
				return err
			}
		}
		ids, err := spaceIDs(ctx, tx)
		if err != nil {
			return err
		}
		for _, id := range ids {
			if _, ok := seen[id]; !ok {
				res.Missing = append(res.Missing, id)
			}
		}
		return nil
	})
	return res, err
}

// merge returns the space to write for a re-import of file over live: each
// field the file changes takes the file's value, unless the chat changed it
// since the last import (edited); then it is a disagreement, settled by opts.
func merge(live, file *Space, edited map[string]bool, opts PutOptions, res *PutResult) Space {
	out := cloneSpace(*live)
	for _, f := range fields {
		fv, lv := fieldValue(f, file), fieldValue(f, live)
		if fv == lv {
			continue
		}
		take := !edited[f.name] || opts.FileWins
		if edited[f.name] {
			res.Disagreements = append(res.Disagreements, Disagreement{SpaceID: live.ID, Field: f.name, File: fv, Live: lv, FileKept: opts.FileWins})
		}
		if take {
			if err := f.set(&out, []byte(fv)); err != nil {
				panic(fmt.Sprintf("registry: field %s does not decode its own value: %v", f.name, err))
			}
		}
	}
	return out
}

// remember keeps a space as the file gave it, for the next import.
func (d *DB) remember(ctx context.Context, tx *sql.Tx, given *Space, now time.Time) error {
	f, err := featureJSON(given)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO imported (space_id, feature, at) VALUES (?, ?, ?)
		ON CONFLICT (space_id) DO UPDATE SET feature = excluded.feature, at = excluded.at`, given.ID, string(f), now.Unix())
	return err
}

// editedInChat returns the fields of a live space that the chat changed
// away from what the comune's file last gave: where the file's last version
// is known, the fields that differ from it; for a space never imported
// since (an application, a list imported before this was kept), the fields
// the audit log shows changed in the chat.
func editedInChat(ctx context.Context, q queryer, live *Space) (map[string]bool, error) {
	out := map[string]bool{}
	var given string
	err := q.QueryRowContext(ctx, `SELECT feature FROM imported WHERE space_id = ?`, live.ID).Scan(&given)
	if err == nil {
		base, ps := decodeFeature(json.RawMessage(given))
		if len(ps) > 0 {
			return nil, fmt.Errorf("%s as last imported: %w", live.ID, Problems(ps))
		}
		for _, name := range diffFields(&base, live) {
			out[name] = true
		}
		return out, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, `SELECT after FROM audit_log WHERE space_id = ? AND action IN (?, ?)`,
		live.ID, ActionEdit, ActionChangeApprove)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var after string
		if err := rows.Scan(&after); err != nil {
			return nil, err
		}
		var changed map[string]json.RawMessage
		if err := json.Unmarshal([]byte(after), &changed); err != nil {
			return nil, fmt.Errorf("audit of %s: %w", live.ID, err)
		}
		for name := range changed {
			out[name] = true
		}
	}
	return out, rows.Err()
}

// spaceIDs returns the ids of every space of the list, whatever its status.
func spaceIDs(ctx context.Context, q queryer) ([]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT id FROM spaces ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}
