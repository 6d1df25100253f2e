package registry

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
)

// This file is what the registry keeps about people, and how a person sees
// it (ExportPerson) and has it erased (Erase), for issue 15. One declared list,
// Tables, says for every table of the schema and every one of its columns
// what it holds about people; the export and the erasure are both driven
// from it, and a test walks the real schema and fails on any table or
// column the list does not declare. A new migration (the events' sign-ups,
// say) adds its tables here, with an eraser if erasing means more than
// anonymising columns (cancelling a sign-up, offering the seat on).

// Holds says what a column holds about people.
type Holds uint8

// What a column may hold.
const (
	// Nobody: nothing about anyone (a space, a status, a count).
	Nobody Holds = iota
	// About: something about the person the row is about (their language,
	// the day they booked). It goes with the row when the row goes, and
	// stays, about no one, when the row stays without their id.
	About
	// UserID: a Telegram user id (the row's person, or someone who acted
	// on it). Erasure turns the person's id into 0, "a person since
	// erased".
	UserID
	// UserIDNull: a Telegram user id that erasure turns into NULL.
	UserIDNull
	// Name: a person's name. Erasure blanks the person's names.
	Name
	// FreeText: words someone wrote, which may name people. Erasure blanks
	// the person's names wherever they stand as words, in the rows that
	// name the person.
	FreeText
	// JSON: JSON about the row's matter, holding no user id (the
	// conversation's state, a proposed listing). The export shows it as
	// JSON; erasure blanks the values that are one of the person's names,
	// in the rows that name them; other words stay (a space called
	// "Studio Rossi" keeps its name: it is the listing, public).
	JSON
	// JSONWithIDs: JSON that may also hold user ids, under keys ending in
	// "user_id" (the audit log's before and after): a person's rows are
	// found by them too, and erasure turns their ids into 0.
	JSONWithIDs
	// Key: text that embeds the user id (a booking's idempotency key,
	// "confirm:<user id>:…"). Erasure replaces it with "anon:<row id>".
	Key
)

// Fate is what erasure does with a person's rows of a table.
type Fate uint8

// The fates of a person's rows.
const (
	Keep Fate = iota // kept, with what names the person anonymised (the counts stay)
	Drop             // deleted
)

// Table is one table of the schema, as privacy sees it.
type Table struct {
	Name string
	// About says what the rows are, in English, for the export.
	About string
	// Owner is the column with the id of the person a row is about ("" when
	// no column says, or the rows are about no one).
	Owner string
	// Rows selects a person's rows when no column of theirs names them (?1
	// is their id): a waitlist offer is theirs through its entry.
	Rows string
	// Fate is what erasure does with the rows whose Owner (or Rows) is the
	// person; in every other row that names them only the naming columns
	// are anonymised.
	Fate Fate
	// Columns says what every column holds; every column of the table is
	// here (TestEveryColumnIsDeclared).
	Columns map[string]Holds
}

// Tables declares every table of the schema, in the order erasure works
// through them (a waitlist entry's offers before the entry, the audit
// entries about applications and changes before those lose their person)
// and the export lists them.
var Tables = []Table{
	{Name: "users", About: "your profile: the name Telegram gives, the language, the last location you shared, where the conversation stands",
		Owner: "id", Fate: Drop, Columns: map[string]Holds{
			"id": UserID, "first_name": Name, "lang": About, "client_lang": About, "lat": About, "lon": About,
			"located_at": About, "state": JSON, "blocked": About, "created_at": About, "updated_at": About}},
	{Name: "reminder_prefs", About: "whether you turned the evening-before reminders off", Owner: "user_id", Fate: Drop,
		Columns: map[string]Holds{"user_id": UserID, "reminders": About}},
	{Name: "subscriptions", About: "the announcements you receive: topics, services, comune", Owner: "user_id", Fate: Drop,
		Columns: map[string]Holds{"user_id": UserID, "topics": About, "services": About, "comune": About, "created_at": About, "updated_at": About}},
	{Name: "deliveries", About: "the announcements sent to you, and how each went", Owner: "user_id", Fate: Keep,
		Columns: map[string]Holds{"id": Nobody, "announcement_id": Nobody, "user_id": UserIDNull, "status": About, "attempts": About,
			"not_before": About, "claimed_at": About, "done_at": About, "message_id": About, "error": FreeText}},
	{Name: "bookings", About: "your bookings, with their history (made, reminded, cancelled)", Owner: "user_id", Fate: Keep,
		Columns: map[string]Holds{"id": Nobody, "code": About, "key": Key, "user_id": UserID, "space_id": About, "room_id": About,
			"day": About, "slot": About, "start_min": About, "end_min": About, "desks": About, "status": About, "created_at": About,
			"cancelled_at": About, "reminded_at": About, "cancelled_by": About}},
	{Name: "offers", About: "the places freed and offered to you from a waiting list",
		Rows: `entry_id IN (SELECT id FROM waitlist WHERE user_id = ?1)`, Fate: Drop,
		Columns: map[string]Holds{"id": Nobody, "entry_id": Nobody, "status": About, "created_at": About, "expires_at": About, "booking_id": Nobody}},
	{Name: "waitlist", About: "your places in waiting lists", Owner: "user_id", Fate: Drop,
		Columns: map[string]Holds{"id": Nobody, "user_id": UserID, "space_id": About, "day": About, "slot": About, "start_min": About,
			"end_min": About, "desks": About, "status": About, "created_at": About}},
	{Name: "signups", About: "your sign-ups for events and courses, with their history (made, reminded, cancelled)",
		Owner: "user_id", Fate: Keep, Columns: map[string]Holds{"id": Nobody, "key": Key, "user_id": UserID, "event_id": About,
			"asked_id": About, "series": About, "people": About, "status": About, "created_at": About, "cancelled_at": About,
			"cancelled_by": About, "reminded_at": About}},
	{Name: "event_offers", About: "the seats at events freed and offered to you from a waiting list",
		Rows: `entry_id IN (SELECT id FROM event_waitlist WHERE user_id = ?1)`, Fate: Drop,
		Columns: map[string]Holds{"id": Nobody, "entry_id": Nobody, "status": About, "created_at": About, "expires_at": About, "signup_id": Nobody}},
	{Name: "event_waitlist", About: "your places in the waiting lists of events", Owner: "user_id", Fate: Drop,
		Columns: map[string]Holds{"id": Nobody, "event_id": About, "user_id": UserID, "people": About, "status": About, "created_at": About}},
	// An event is the space's, public like its listing; who published it
	// and the reason it was cancelled are the only things about people.
	{Name: "events", About: "the events and courses you published for a space", Owner: "", Fate: Keep,
		Rows: `created_by = ?1`,
		Columns: map[string]Holds{"id": Nobody, "series_id": Nobody, "meeting": Nobody, "meetings": Nobody, "space_id": Nobody,
			"room_id": Nobody, "title": Nobody, "description": Nobody, "lang": Nobody, "photo": Nobody, "day": Nobody,
			"start_min": Nobody, "end_min": Nobody, "seats": Nobody, "price_cents": Nobody, "status": Nobody, "sequence": Nobody,
			"search": Nobody, "created_by": UserID, "created_at": About, "updated_at": Nobody, "cancelled_at": Nobody,
			"cancel_reason": FreeText}},
	// An update Telegram sent, kept while it waits for its turn under load
	// or its answer is still being retried (the edge's hold): the whole
	// message, with the sender's id and name. A message sent after the
	// erasure is held again by the edge until it is answered.
	{Name: "held_updates", About: "messages of yours the bot had received and not finished answering",
		Rows: `json_extract(raw, '$.message.from.id') = ?1 OR json_extract(raw, '$.callback_query.from.id') = ?1
			OR json_extract(raw, '$.inline_query.from.id') = ?1`, Fate: Drop,
		Columns: map[string]Holds{"source": Nobody, "update_id": Nobody, "raw": FreeText, "held_at": About}},
	{Name: "mailbox", About: "messages kept for you while you were away from the console chat", Owner: "user_id", Fate: Drop,
		Columns: map[string]Holds{"id": Nobody, "user_id": UserID, "created_at": About, "message": JSON}},
	{Name: "staff", About: "your place on the comune's staff, and whom you added to it", Owner: "user_id", Fate: Drop,
		Columns: map[string]Holds{"user_id": UserID, "name": Name, "added_by": UserID, "added_at": About}},
	{Name: "providers", About: "the spaces you run", Owner: "user_id", Fate: Drop,
		Columns: map[string]Holds{"space_id": About, "user_id": UserID, "added_at": About, "muted": About}},
	{Name: "audit_log", About: "the record of changes to the list that you made or that name you", Owner: "actor", Fate: Keep,
		// Entries about their applications and changes name them too: a
		// reason given may use their name.
		Rows: `(action LIKE 'application.%' OR action LIKE 'change.%') AND space_id IN
			(SELECT space_id FROM applications WHERE user_id = ?1 UNION SELECT space_id FROM changes WHERE user_id = ?1)`,
		Columns: map[string]Holds{"id": Nobody, "at": About, "actor": UserID, "role": About, "action": About, "space_id": Nobody,
			"before": JSONWithIDs, "after": JSONWithIDs, "note": FreeText}},
	{Name: "invitations", About: "invitations to run a space that you made or accepted", Owner: "used_by", Fate: Keep,
		Columns: map[string]Holds{"token_hash": Nobody, "space_id": Nobody, "created_by": UserID, "created_at": Nobody,
			"expires_at": Nobody, "used_by": UserID, "used_at": About}},
	{Name: "applications", About: "your applications to join the list with a space, and those you decided", Owner: "user_id", Fate: Keep,
		Columns: map[string]Holds{"id": Nobody, "user_id": UserID, "space_id": About, "proposal": JSON, "status": About,
			"created_at": About, "decided_by": UserID, "decided_at": About, "reason": FreeText}},
	{Name: "changes", About: "the changes to a listing you asked for, and those you decided", Owner: "user_id", Fate: Keep,
		Columns: map[string]Holds{"id": Nobody, "space_id": About, "user_id": UserID, "field": About, "before": JSON, "after": JSON,
			"status": About, "created_at": About, "decided_by": UserID, "decided_at": About, "reason": FreeText}},
	{Name: "announcements", About: "the announcements you composed or sent for the comune", Owner: "created_by", Fate: Keep,
		Columns: map[string]Holds{"id": Nobody, "status": Nobody, "topic": Nobody, "services": Nobody, "comune": Nobody, "subject": Nobody,
			"kind": Nobody, "from_chat": UserID, "message_id": About, "texts": JSON, "created_by": UserID, "created_at": About,
			"sent_by": UserID, "sent_at": About, "finished_at": Nobody, "progress_message_id": About, "n_total": Nobody, "n_sent": Nobody,
			"n_failed": Nobody, "n_blocked": Nobody, "n_gone": Nobody, "n_stopped": Nobody, "n_skipped": Nobody}},

	// The list itself and the bot's own bookkeeping: nothing about anyone.
	{Name: "spaces", Columns: map[string]Holds{"id": Nobody, "name": Nobody, "comune": Nobody, "address": Nobody, "lat": Nobody,
		"lon": Nobody, "services": Nobody, "desks": Nobody, "opening_hours": Nobody, "price_day_cents": Nobody,
		"price_half_day_cents": Nobody, "phone": Nobody, "email": Nobody, "website": Nobody, "status": Nobody,
		"created_at": Nobody, "updated_at": Nobody}},
	{Name: "space_descriptions", Columns: map[string]Holds{"space_id": Nobody, "lang": Nobody, "text": Nobody}},
	{Name: "rooms", Columns: map[string]Holds{"space_id": Nobody, "id": Nobody, "name": Nobody, "seats": Nobody, "price_hour_cents": Nobody}},
	{Name: "closures", Columns: map[string]Holds{"id": Nobody, "space_id": Nobody, "first_day": Nobody, "last_day": Nobody,
		"note": Nobody, "created_at": Nobody}},
	{Name: "imported", Columns: map[string]Holds{"space_id": Nobody, "feature": Nobody, "at": Nobody}},
	{Name: "meta", Columns: map[string]Holds{"key": Nobody, "value": Nobody}},
	{Name: "settings", Columns: map[string]Holds{"key": Nobody, "value": Nobody}},
	{Name: "handled_updates", Columns: map[string]Holds{"source": Nobody, "update_id": Nobody, "handled_at": Nobody}},
	{Name: "schema_migrations", Columns: map[string]Holds{"version": Nobody, "applied_at": Nobody}},
}

// Personal reports whether the table can hold rows that name a person.
func (t Table) Personal() bool { return t.selector() != "" }

// columns returns the table's columns that hold h, in order.
func (t Table) columns(hs ...Holds) []string {
	var out []string
	for _, c := range slices.Sorted(maps.Keys(t.Columns)) {
		if slices.Contains(hs, t.Columns[c]) {
			out = append(out, c)
		}
	}
	return out
}

// selector is the SQL condition that selects the rows naming a person (?1
// their id): by a user id column, by a user id inside JSON, or by Rows. ""
// for a table that names nobody.
func (t Table) selector() string {
	var or []string
	for _, c := range t.columns(UserID, UserIDNull) {
		or = append(or, quoteID(c)+` = ?1`)
	}
	for _, c := range t.columns(JSONWithIDs) {
		or = append(or, jsonHoldsID(quoteID(c)))
	}
	if t.Rows != "" {
		or = append(or, "("+t.Rows+")")
	}
	return strings.Join(or, " OR ")
}

// owned is the SQL condition that selects the rows about a person.
func (t Table) owned() string {
	if t.Owner != "" {
		return quoteID(t.Owner) + ` = ?1`
	}
	return t.Rows
}

// jsonHoldsID is the SQL condition that a JSON column holds the user id ?1
// under a key ending in "user_id".
// The text search comes first: it spares parsing the JSON of nearly every
// row.
func jsonHoldsID(col string) string {
	return `(instr(` + col + `, CAST(?1 AS TEXT)) > 0 AND EXISTS (SELECT 1 FROM json_tree(CASE WHEN json_valid(` + col + `) THEN ` + col + ` ELSE 'null' END)
		WHERE type = 'integer' AND atom = ?1 AND key LIKE '%user_id'))`
}

func quoteID(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

// tableNamed returns the declaration of a table.
func tableNamed(name string) (Table, bool) {
	for _, t := range Tables {
		if t.Name == name {
			return t, true
		}
	}
	return Table{}, false
}

// Erased is the actor of what an erased person did: their id became 0.
var Erased = Person(0)

// PersonalData is everything the registry keeps about a person, table by
// table (every table that can name a person, even when it holds nothing
// of theirs), as the person gets it from /imieidati.
type PersonalData struct {
	UserID   int64     `json:"telegram_id"`
	Exported time.Time `json:"exported_at"`
	// Note says what the document is, in the person's language: the chat
	// writes it (the registry knows no languages), as it may rewrite each
	// table's About.
	Note   string      `json:"note,omitempty"`
	Tables []TableRows `json:"tables"`
}

// TableRows are a person's rows of one table: each row maps every column
// to its value. Instants are RFC 3339 times in Europe/Rome, JSON columns
// are embedded as JSON, and the ids and names of other people are left
// out (null).
type TableRows struct {
	Table string           `json:"table"`
	About string           `json:"about"`
	Rows  []map[string]any `json:"rows"`
}

// Count returns how many rows of a table the data holds.
func (p PersonalData) Count(table string) int {
	for _, t := range p.Tables {
		if t.Table == table {
			return len(t.Rows)
		}
	}
	return 0
}

// JSON is the data as an indented JSON document.
func (p PersonalData) JSON() ([]byte, error) {
	return json.MarshalIndent(p, "", "  ")
}

// ExportPerson returns everything kept about a person, read in one transaction
// (the writer's, so that it sees one state of every table: an export is
// rare and quick).
func (d *DB) ExportPerson(ctx context.Context, userID int64) (PersonalData, error) {
	out := PersonalData{UserID: userID, Exported: d.now().Truncate(time.Second)}
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		out.Tables = nil
		for _, t := range Tables {
			if !t.Personal() {
				continue
			}
			rows, err := exportTable(ctx, tx, t, userID)
			if err != nil {
				return fmt.Errorf("export %s: %w", t.Name, err)
			}
			out.Tables = append(out.Tables, TableRows{Table: t.Name, About: t.About, Rows: rows})
		}
		return nil
	})
	return out, err
}

func exportTable(ctx context.Context, tx *sql.Tx, t Table, userID int64) ([]map[string]any, error) {
	rows, err := tx.QueryContext(ctx, `SELECT * FROM `+quoteID(t.Name)+` WHERE `+t.selector()+` ORDER BY rowid`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	out := []map[string]any{}
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		owner := t.Owner == "" || asInt(vals[slices.Index(cols, t.Owner)]) == userID
		row := make(map[string]any, len(cols))
		for i, c := range cols {
			row[c] = exportValue(t, c, vals[i], userID, owner)
		}
		out = append(out, row)
	}
	return out, rows.Err()
}

// exportValue is a stored value as the export shows it.
func exportValue(t Table, col string, v any, userID int64, owner bool) any {
	if b, ok := v.([]byte); ok {
		v = string(b)
	}
	switch t.Columns[col] {
	case UserID, UserIDNull:
		if v != nil && asInt(v) != userID {
			return nil // someone else's id
		}
	case Name:
		if !owner {
			return nil // someone else's name
		}
	case JSON, JSONWithIDs:
		if s, ok := v.(string); ok && s != "" && json.Valid([]byte(s)) {
			return json.RawMessage(othersOut(s, userID))
		}
	}
	if n, ok := v.(int64); ok && isInstant(col) {
		return time.Unix(n, 0).In(Rome).Format(time.RFC3339)
	}
	return v
}

// othersOut leaves other people's ids (under keys ending in "user_id") out
// of a JSON text.
func othersOut(s string, userID int64) string {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil {
		return s
	}
	mine := json.Number(strconv.FormatInt(userID, 10))
	changed := false
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
			if strings.HasSuffix(key, "user_id") && x != mine {
				changed = true
				return nil
			}
		}
		return v
	}
	v = walk("", v)
	if !changed {
		return s
	}
	b, err := json.Marshal(v)
	if err != nil {
		return s
	}
	return string(b)
}

// isInstant reports whether a column holds Unix seconds.
func isInstant(col string) bool {
	return col == "at" || col == "not_before" || strings.HasSuffix(col, "_at")
}

func asInt(v any) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case float64:
		return int64(x)
	case []byte:
		n, _ := strconv.ParseInt(string(x), 10, 64)
		return n
	case string:
		n, _ := strconv.ParseInt(x, 10, 64)
		return n
	}
	return 0
}

// Trace is a cell of the database that holds a person's id or name.
type Trace struct {
	Table, Column string
	RowID         int64
	Value         string
}

func (t Trace) String() string {
	return fmt.Sprintf("%s.%s row %d: %q", t.Table, t.Column, t.RowID, t.Value)
}

// Traces scans every column of every table for a person: an integer equal
// to their id, a text holding it in decimal, a text holding one of names
// (ignoring case). After Erase there is none; the tests and the operator
// check it with this.
func (d *DB) Traces(ctx context.Context, userID int64, names ...string) ([]Trace, error) {
	tables, err := d.SchemaTables(ctx)
	if err != nil {
		return nil, err
	}
	idText := strconv.FormatInt(userID, 10)
	var lowered []string
	for _, n := range names {
		if n = strings.ToLower(strings.TrimSpace(n)); n != "" {
			lowered = append(lowered, n)
		}
	}
	var out []Trace
	for _, t := range slices.Sorted(maps.Keys(tables)) {
		for _, c := range tables[t] {
			rows, err := d.db.QueryContext(ctx, `SELECT rowid, `+quoteID(c)+` FROM `+quoteID(t))
			if err != nil {
				return nil, err
			}
			for rows.Next() {
				var rowid int64
				var v any
				if err := rows.Scan(&rowid, &v); err != nil {
					rows.Close()
					return nil, err
				}
				var hit bool
				var text string
				switch x := v.(type) {
				case int64:
					hit, text = x == userID, strconv.FormatInt(x, 10)
				case float64:
					hit, text = x == float64(userID), strconv.FormatFloat(x, 'f', -1, 64)
				case []byte, string:
					if b, ok := x.([]byte); ok {
						text = string(b)
					} else {
						text = x.(string)
					}
					low := strings.ToLower(text)
					hit = strings.Contains(text, idText) || slices.ContainsFunc(lowered, func(n string) bool { return strings.Contains(low, n) })
				}
				if hit {
					out = append(out, Trace{Table: t, Column: c, RowID: rowid, Value: text})
				}
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// SchemaTables returns every table of the database with its columns, in
// order, as SQLite describes them (sqlite_master and table_info).
func (d *DB) SchemaTables(ctx context.Context) (map[string][]string, error) {
	names, err := stringsOf(ctx, d.db, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
	if err != nil {
		return nil, err
	}
	out := map[string][]string{}
	for _, n := range names {
		cols, err := stringsOf(ctx, d.db, `SELECT name FROM pragma_table_info(?) ORDER BY cid`, n)
		if err != nil {
			return nil, err
		}
		out[n] = cols
	}
	return out, nil
}

// stringsOf runs a query of one text column.
func stringsOf(ctx context.Context, q queryer, query string, args ...any) ([]string, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// int64sOf runs a query of one integer column.
func int64sOf(ctx context.Context, q queryer, query string, args ...any) ([]int64, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []int64{}
	for rows.Next() {
		var n int64
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// recordRead records, in the audit log, the staff (or the operator)
// reading a space's bookings or providers when the space is not theirs to
// run: staff see citizens' data only where their task needs it, and each
// such reading is on the record. A provider reading their own space's is
// not recorded. It runs before the data is read, so that nothing is read
// off the record.
func (d *DB) recordRead(ctx context.Context, a Actor, role Role, action, spaceID string, what map[string]any) error {
	if role != RoleStaff && role != RoleOperator {
		return nil
	}
	return d.inTx(ctx, func(tx *sql.Tx) error {
		if !a.Operator {
			var provides bool
			if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM providers WHERE user_id = ? AND space_id = ?)`,
				a.UserID, spaceID).Scan(&provides); err != nil || provides {
				return err
			}
		}
		return d.audit(ctx, tx, a, role, action, spaceID, nil, what, "")
	})
}

// ProviderDetail is a provider as the staff see them: with the first name
// the bot knows.
type ProviderDetail struct {
	Provider
	FirstName string
}

// ProviderDetails returns who runs a space, with their first names, for
// the staff; each reading is recorded in the audit log (ActionReadProvider).
func (d *DB) ProviderDetails(ctx context.Context, a Actor, spaceID string) ([]ProviderDetail, error) {
	role, err := mustBeStaff(ctx, d.db, a)
	if err != nil {
		return nil, err
	}
	if _, err := getSpace(ctx, d.db, spaceID); err != nil {
		return nil, err
	}
	if err := d.recordRead(ctx, a, role, ActionReadProvider, spaceID, map[string]any{"space": spaceID}); err != nil {
		return nil, err
	}
	rows, err := d.db.QueryContext(ctx, `SELECT p.space_id, p.user_id, p.added_at, p.muted, coalesce(u.first_name, '')
		FROM providers p LEFT JOIN users u ON u.id = p.user_id WHERE p.space_id = ? ORDER BY p.added_at, p.user_id`, spaceID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []ProviderDetail{}
	for rows.Next() {
		var p ProviderDetail
		var at int64
		if err := rows.Scan(&p.SpaceID, &p.UserID, &at, &p.Muted, &p.FirstName); err != nil {
			return nil, err
		}
		p.Added = time.Unix(at, 0).In(Rome)
		out = append(out, p)
	}
	return out, rows.Err()
}

// errRollback ends a transaction that only measured what it would do.
var errRollback = errors.New("dry run: rolled back")
