package registry

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// This file is the erasure of a person (issue 15): the steps that are more
// than anonymising columns (erasers), then every declared table worked
// through as Tables says.

// Erasure is what erasing a person did that others must hear of.
type Erasure struct {
	// Cancelled are the person's upcoming bookings, cancelled: the spaces'
	// providers are told as of any cancellation (without the name).
	Cancelled []Booking
	// Offers are the places freed (desks, and the offers the person held),
	// offered to the next in line.
	Offers []Offer
	// Signups are the person's sign-ups for events to come, cancelled, and
	// EventOffers the seats that freed (with the offers they held),
	// offered to the next in line.
	Signups     []Signup
	EventOffers []EventOffer
}

// ErrLastStaff refuses to erase the last member of the staff: the chat
// would be locked out of the comune's work. The operator names another
// first (coworkbot admin add).
var ErrLastStaff = fmt.Errorf("the last staff member: %w", ErrConflict)

// erased is the person being erased, as the erasers need them.
type erased struct {
	id    int64
	names []string // their first name and their name on the staff, longest first
	codes []string // the codes of every booking of theirs
}

// An eraser is a step of an erasure that is more than anonymising
// columns. Each runs, in order, inside the erasure's transaction, before
// the declared tables are worked through.
type eraser func(d *DB, ctx context.Context, tx *sql.Tx, p *erased, out *Erasure) error

var erasers = []eraser{
	(*DB).eraseStaff,         // refuses the last staff member, records the removal
	(*DB).eraseProviders,     // records each space left without them
	(*DB).eraseBookings,      // cancels what is to come, offers the places on
	(*DB).eraseSignups,       // the same for events' seats
	(*DB).eraseApplications,  // withdraws what is pending
	(*DB).eraseAnnouncements, // unsubscribes them, stops what copies their chat
	(*DB).eraseOthersMail,    // unread messages to others about their bookings
}

// Erase forgets a person, in one transaction: their upcoming bookings are
// cancelled (the places offered to the next in line), they leave every
// waiting list (an offer they held goes on), their subscription and roles
// go, and every row that names them is deleted or anonymised (see Tables),
// so that nothing left links back to their Telegram id or their name;
// the comune's figures (Figures) count the past as before. The next
// message from the same Telegram account is a new person. Erasing someone
// the registry does not know does nothing; the last staff member gets
// ErrLastStaff.
func (d *DB) Erase(ctx context.Context, userID int64) (Erasure, error) {
	var out Erasure
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		out = Erasure{}
		p, err := personToErase(ctx, tx, userID)
		if err != nil {
			return err
		}
		for _, step := range erasers {
			if err := step(d, ctx, tx, p, &out); err != nil {
				return err
			}
		}
		for _, t := range Tables {
			if err := eraseIn(ctx, tx, t, p); err != nil {
				return fmt.Errorf("erase %s: %w", t.Name, err)
			}
		}
		return nil
	})
	if err == nil {
		d.checkpoint(ctx, true)
	}
	return out, err
}

// checkpoint copies the log into the database file, so that the pages an
// erasure or a purge rewrote replace the old ones there; truncate also
// empties the log file, where the old pages stay until written over. It
// does what it can without waiting: a busy database is checkpointed later,
// as usual.
func (d *DB) checkpoint(ctx context.Context, truncate bool) {
	mode := "PASSIVE"
	if truncate {
		mode = "TRUNCATE"
	}
	d.db.ExecContext(ctx, `PRAGMA wal_checkpoint(`+mode+`)`)
}

func personToErase(ctx context.Context, tx *sql.Tx, userID int64) (*erased, error) {
	p := &erased{id: userID}
	var first, staff sql.NullString
	if err := tx.QueryRowContext(ctx, `SELECT (SELECT first_name FROM users WHERE id = ?1), (SELECT name FROM staff WHERE user_id = ?1)`,
		userID).Scan(&first, &staff); err != nil {
		return nil, err
	}
	for _, n := range []string{staff.String, first.String} {
		if n = strings.TrimSpace(n); n != "" && !slices.Contains(p.names, n) {
			p.names = append(p.names, n)
		}
	}
	sort.Slice(p.names, func(i, j int) bool { return len(p.names[i]) > len(p.names[j]) })
	rows, err := tx.QueryContext(ctx, `SELECT code FROM bookings WHERE user_id = ? ORDER BY id`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		p.codes = append(p.codes, c)
	}
	return p, rows.Err()
}

func (d *DB) eraseStaff(ctx context.Context, tx *sql.Tx, p *erased, _ *Erasure) error {
	var staff bool
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM staff WHERE user_id = ?), (SELECT count(*) FROM staff)`, p.id).
		Scan(&staff, &n); err != nil || !staff {
		return err
	}
	if n == 1 {
		return ErrLastStaff
	}
	return d.audit(ctx, tx, Erased, RoleStaff, ActionStaffRemove, "", nil, nil, "erasure")
}

func (d *DB) eraseProviders(ctx context.Context, tx *sql.Tx, p *erased, _ *Erasure) error {
	spaces, err := stringsOf(ctx, tx, `SELECT space_id FROM providers WHERE user_id = ? ORDER BY space_id`, p.id)
	if err != nil {
		return err
	}
	for _, s := range spaces {
		if err := d.audit(ctx, tx, Erased, RoleProvider, ActionProviderRemove, s, nil, nil, "erasure"); err != nil {
			return err
		}
	}
	return nil
}

// eraseBookings cancels the person's upcoming bookings and closes their
// places in line (cancelWhere), then offers what that freed, desks and
// held offers alike, to the next in line.
func (d *DB) eraseBookings(ctx context.Context, tx *sql.Tx, p *erased, out *Erasure) error {
	type spaceDay struct{ space, day string }
	freed := map[spaceDay]bool{}
	rows, err := tx.QueryContext(ctx, `SELECT DISTINCT w.space_id, w.day FROM waitlist w JOIN offers o ON o.entry_id = w.id
		WHERE w.user_id = ? AND o.status = 'open'`, p.id)
	if err != nil {
		return err
	}
	for rows.Next() {
		var sd spaceDay
		if err := rows.Scan(&sd.space, &sd.day); err != nil {
			rows.Close()
			return err
		}
		freed[sd] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	cancelled, err := d.cancelWhere(ctx, tx, cancelledByErasure, `user_id = ?`, p.id)
	if err != nil {
		return err
	}
	for i := range cancelled {
		cancelled[i].CancelledBy = cancelledByErasure
		if cancelled[i].RoomID == "" {
			freed[spaceDay{cancelled[i].SpaceID, dayKey(cancelled[i].Day)}] = true
		}
	}
	out.Cancelled = cancelled
	keys := slices.SortedFunc(maps.Keys(freed), func(a, b spaceDay) int {
		return strings.Compare(a.space+" "+a.day, b.space+" "+b.day)
	})
	now := d.now()
	for _, k := range keys {
		offers, err := d.offerNext(ctx, tx, k.space, k.day, now)
		if err != nil {
			return err
		}
		out.Offers = append(out.Offers, offers...)
	}
	return nil
}

// eraseSignups cancels the person's sign-ups for events to come and takes
// them out of the events' waiting lists (an offer they held expires), then
// offers the seats that freed to the next in line. Their past sign-ups stay,
// about no one, so that each event keeps its count.
func (d *DB) eraseSignups(ctx context.Context, tx *sql.Tx, p *erased, out *Erasure) error {
	now := d.now()
	today, minute := dayKey(now), minuteOf(now)
	const coming = `e.status = 'published' AND (e.day > ?2 OR (e.day = ?2 AND e.start_min > ?3))`
	events, err := int64sOf(ctx, tx, `SELECT s.event_id FROM signups s JOIN events e ON e.id = s.event_id
		WHERE s.user_id = ?1 AND s.status = 'confirmed' AND `+coming+`
		UNION SELECT w.event_id FROM event_waitlist w JOIN event_offers o ON o.entry_id = w.id JOIN events e ON e.id = w.event_id
		WHERE w.user_id = ?1 AND o.status = 'open' AND `+coming+` ORDER BY 1`, p.id, today, minute)
	if err != nil {
		return err
	}
	sg, err := d.signupsWhere(ctx, tx, now, `s.user_id = ? AND s.status = 'confirmed' AND e.status = 'published'
		AND (e.day > ? OR (e.day = ? AND e.start_min > ?)) ORDER BY s.id`, p.id, today, today, minute)
	if err != nil {
		return err
	}
	for i := range sg {
		if _, err := tx.ExecContext(ctx, `UPDATE signups SET status = 'cancelled', cancelled_at = ?, cancelled_by = ? WHERE id = ?`,
			now.Unix(), cancelledByErasure, sg[i].ID); err != nil {
			return err
		}
		sg[i].Status, sg[i].Cancelled, sg[i].CancelledBy = Cancelled, now.Truncate(time.Second), cancelledByErasure
	}
	out.Signups = sg
	if _, err := tx.ExecContext(ctx, `UPDATE event_offers SET status = 'expired' WHERE status = 'open'
		AND entry_id IN (SELECT id FROM event_waitlist WHERE user_id = ?)`, p.id); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE event_waitlist SET status = 'left' WHERE user_id = ? AND status IN ('waiting', 'offered')`, p.id); err != nil {
		return err
	}
	for _, id := range events {
		offers, err := d.offerNextEvent(ctx, tx, id, now)
		if err != nil {
			return err
		}
		out.EventOffers = append(out.EventOffers, offers...)
	}
	return nil
}

// eraseApplications withdraws the person's pending applications: approving
// one would make an erased person a provider.
func (d *DB) eraseApplications(ctx context.Context, tx *sql.Tx, p *erased, _ *Erasure) error {
	_, err := tx.ExecContext(ctx, `DELETE FROM applications WHERE user_id = ? AND status = 'pending'`, p.id)
	return err
}

// eraseAnnouncements takes the person out of the announcements
// (forgetAnnouncementsTx) and forgets what of theirs the announcements
// keep: their drafts go, and an announcement copied from their chat (its
// id is theirs) forgets which message it copied, the rest of it stopped if
// it was still being sent.
func (d *DB) eraseAnnouncements(ctx context.Context, tx *sql.Tx, p *erased, _ *Erasure) error {
	if err := d.forgetAnnouncementsTx(ctx, tx, p.id); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM announcements WHERE status = 'draft' AND created_by = ?`, p.id); err != nil {
		return err
	}
	sending, err := int64sOf(ctx, tx, `SELECT id FROM announcements WHERE from_chat = ? AND status = 'sending' ORDER BY id`, p.id)
	if err != nil {
		return err
	}
	now := d.now().Unix()
	for _, id := range sending {
		r, err := tx.ExecContext(ctx, `UPDATE deliveries SET status = 'stopped', done_at = ? WHERE announcement_id = ? AND status = 'pending'`, now, id)
		if err != nil {
			return err
		}
		n, err := r.RowsAffected()
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE announcements SET status = 'stopped', finished_at = ?, n_stopped = n_stopped + ? WHERE id = ?`,
			now, n, id); err != nil {
			return err
		}
		if err := d.audit(ctx, tx, Erased, RoleStaff, ActionAnnounceStop, "", nil, map[string]any{"announcement": id, "stopped": n}, "erasure"); err != nil {
			return err
		}
	}
	_, err = tx.ExecContext(ctx, `UPDATE announcements SET kind = 'text', texts = '{}', from_chat = 0, message_id = 0
		WHERE kind = 'copy' AND from_chat = ?`, p.id)
	return err
}

// eraseOthersMail deletes the messages kept for other people that are
// about the person's bookings (a provider told "Anna booked ABCDEF"), so
// that no one's mailbox keeps their name.
func (d *DB) eraseOthersMail(ctx context.Context, tx *sql.Tx, p *erased, _ *Erasure) error {
	for _, code := range p.codes {
		if _, err := tx.ExecContext(ctx, `DELETE FROM mailbox WHERE user_id <> ? AND instr(message, ?) > 0`, p.id, code); err != nil {
			return err
		}
	}
	return nil
}

// eraseIn works through one declared table: in the rows that name the
// person, their names are blanked and their ids in JSON turned to 0; their
// keys are replaced; the rows about them are deleted if the table's fate
// is Drop; and every id of theirs left becomes 0 (or NULL).
func eraseIn(ctx context.Context, tx *sql.Tx, t Table, p *erased) error {
	sel := t.selector()
	if sel == "" {
		return nil
	}
	table := quoteID(t.Name)
	if texts := t.columns(Name, FreeText, JSON, JSONWithIDs); len(texts) > 0 {
		if err := redactRows(ctx, tx, t, texts, p); err != nil {
			return err
		}
	}
	for _, c := range t.columns(Key) {
		if _, err := tx.ExecContext(ctx, `UPDATE `+table+` SET `+quoteID(c)+` = 'anon:' || rowid WHERE `+t.owned(), p.id); err != nil {
			return err
		}
	}
	if t.Fate == Drop {
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE `+t.owned(), p.id); err != nil {
			return err
		}
	}
	for _, c := range t.columns(UserID, UserIDNull) {
		to := "0"
		if t.Columns[c] == UserIDNull {
			to = "NULL"
		}
		if _, err := tx.ExecContext(ctx, `UPDATE `+table+` SET `+quoteID(c)+` = `+to+` WHERE `+quoteID(c)+` = ?1`, p.id); err != nil {
			return err
		}
	}
	return nil
}

// redactRows rewrites the name, text and JSON columns of the rows that
// name the person.
func redactRows(ctx context.Context, tx *sql.Tx, t Table, cols []string, p *erased) error {
	quoted := make([]string, len(cols))
	for i, c := range cols {
		quoted[i] = quoteID(c)
	}
	rows, err := tx.QueryContext(ctx, `SELECT rowid, `+strings.Join(quoted, ", ")+` FROM `+quoteID(t.Name)+` WHERE `+t.selector(), p.id)
	if err != nil {
		return err
	}
	type change struct {
		rowid int64
		vals  []any
	}
	var changes []change
	for rows.Next() {
		var rowid int64
		vals := make([]sql.NullString, len(cols))
		dest := []any{&rowid}
		for i := range vals {
			dest = append(dest, &vals[i])
		}
		if err := rows.Scan(dest...); err != nil {
			rows.Close()
			return err
		}
		c := change{rowid: rowid, vals: make([]any, len(cols))}
		changed := false
		for i, col := range cols {
			c.vals[i] = vals[i]
			if !vals[i].Valid {
				continue
			}
			var now string
			switch t.Columns[col] {
			case Name:
				now = vals[i].String
				if slices.ContainsFunc(p.names, func(n string) bool { return strings.EqualFold(strings.TrimSpace(now), n) }) {
					now = ""
				}
			case FreeText:
				now = redactNames(vals[i].String, p.names)
			case JSON, JSONWithIDs:
				now = redactJSON(vals[i].String, p)
			}
			if now != vals[i].String {
				c.vals[i], changed = now, true
			}
		}
		if changed {
			changes = append(changes, c)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	set := make([]string, len(cols))
	for i, q := range quoted {
		set[i] = q + ` = ?`
	}
	for _, c := range changes {
		if _, err := tx.ExecContext(ctx, `UPDATE `+quoteID(t.Name)+` SET `+strings.Join(set, ", ")+` WHERE rowid = ?`,
			append(c.vals, c.rowid)...); err != nil {
			return err
		}
	}
	return nil
}

// redactJSON turns the person's ids (under keys ending in "user_id") into
// 0 and blanks the values that are their names, in a JSON text; text that
// is not JSON is redacted as words.
func redactJSON(s string, p *erased) string {
	if strings.TrimSpace(s) == "" {
		return s
	}
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return redactNames(s, p.names)
	}
	id := json.Number(strconv.FormatInt(p.id, 10))
	var walk func(key string, v any) any
	walk = func(key string, v any) any {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				x[k] = walk(k, e)
			}
		case []any:
			for i, e := range x {
				x[i] = walk(key, e)
			}
		case json.Number:
			if x == id && strings.HasSuffix(key, "user_id") {
				return json.Number("0")
			}
		case string:
			if slices.ContainsFunc(p.names, func(n string) bool { return strings.EqualFold(strings.TrimSpace(x), n) }) {
				return ""
			}
		}
		return v
	}
	v = walk("", v)
	b, err := json.Marshal(v)
	if err != nil {
		return s
	}
	if string(b) == compactJSON(s) {
		return s // nothing of theirs: leave the text as it was written
	}
	return string(b)
}

func compactJSON(s string) string {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil {
		return s
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// redactNames blanks each of names where it stands as a word in s,
// ignoring case: "Anna" goes from "Grazie Anna!" but not from "Annalisa".
func redactNames(s string, names []string) string {
	for _, n := range names {
		s = redactWord(s, n)
	}
	return s
}

func redactWord(s, word string) string {
	if word == "" {
		return s
	}
	lower, w := strings.ToLower(s), strings.ToLower(word)
	if len(lower) != len(s) {
		// A rune whose lower case is longer: compare rune by rune instead.
		return redactWordSlow(s, word)
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		j := strings.Index(lower[i:], w)
		if j < 0 {
			b.WriteString(s[i:])
			break
		}
		at, end := i+j, i+j+len(w)
		if boundary(s, at, true) && boundary(s, end, false) {
			b.WriteString(s[i:at])
			b.WriteString("—")
		} else {
			b.WriteString(s[i:end])
		}
		i = end
	}
	return b.String()
}

func redactWordSlow(s, word string) string {
	rs, ws := []rune(s), []rune(strings.ToLower(word))
	var b strings.Builder
	for i := 0; i < len(rs); {
		if i+len(ws) <= len(rs) && strings.ToLower(string(rs[i:i+len(ws)])) == string(ws) &&
			(i == 0 || !isWordRune(rs[i-1])) && (i+len(ws) == len(rs) || !isWordRune(rs[i+len(ws)])) {
			b.WriteString("—")
			i += len(ws)
			continue
		}
		b.WriteRune(rs[i])
		i++
	}
	return b.String()
}

// boundary reports whether byte offset i of s is the edge of a word: the
// rune before it (start) or at it (end) is no letter or digit.
func boundary(s string, i int, start bool) bool {
	if start {
		if i == 0 {
			return true
		}
		r, _ := utf8.DecodeLastRuneInString(s[:i])
		return !isWordRune(r)
	}
	if i >= len(s) {
		return true
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return !isWordRune(r)
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' }
