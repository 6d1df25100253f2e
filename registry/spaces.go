package registry

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"github.com/comune-seregno/coworkbot/registry/hours"
)

// Problem is one thing wrong with a record: which field, what kind of fault
// (a stable code the caller turns into words) and the offending value.
type Problem struct {
	Record int    // 1-based record number in the file; 0 when not from a file
	Line   int    // line in the file, where the format has lines
	ID     string // the record's id, when it has one
	Field  string
	Code   string // see the Problem codes below
	Value  string
}

// Problem codes.
const (
	ProbMissing       = "missing"             // a required field is empty
	ProbBadCoords     = "bad_coordinates"     // missing, unparseable or outside Area
	ProbSwappedCoords = "swapped_coordinates" // outside Area, inside once swapped
	ProbUnknownSvc    = "unknown_service"
	ProbBadHours      = "bad_hours"
	ProbNegative      = "negative"
	ProbNotNumber     = "not_a_number"
	ProbDuplicateID   = "duplicate_id"
	ProbBadID         = "bad_id"
	ProbBadEmail      = "bad_email"
	ProbBadURL        = "bad_url"
	ProbBadGeometry   = "bad_geometry"
	ProbUnknownField  = "unknown_field"
	ProbBadRoom       = "bad_room"
	ProbUnreadable    = "unreadable"
	ProbBadType       = "bad_type"
	ProbBadLanguage   = "bad_language"
	ProbEmptyFile     = "empty_file"
	ProbTooLong       = "too_long"
)

func (p Problem) String() string {
	var b strings.Builder
	if p.Record > 0 {
		fmt.Fprintf(&b, "record %d", p.Record)
		if p.Line > 0 {
			fmt.Fprintf(&b, " (line %d)", p.Line)
		}
		if p.ID != "" {
			fmt.Fprintf(&b, " [%s]", p.ID)
		}
		b.WriteString(": ")
	}
	if p.Field != "" {
		fmt.Fprintf(&b, "%s: ", p.Field)
	}
	b.WriteString(p.Code)
	if p.Value != "" {
		fmt.Fprintf(&b, " %q", p.Value)
	}
	return b.String()
}

// Problems is a list of problems; as an error it wraps ErrInvalid.
type Problems []Problem

func (ps Problems) Error() string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = p.String()
	}
	return strings.Join(parts, "; ")
}

// Unwrap makes errors.Is(ps, ErrInvalid) true.
func (ps Problems) Unwrap() error { return ErrInvalid }

// Area is where the list's spaces can be: Italy, generously. A point outside
// it is a mistake, most often latitude and longitude swapped.
var Area = orb.Bound{Min: orb.Point{6.6, 35.4}, Max: orb.Point{18.6, 47.1}}

var idPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// Validate checks a space's fields, returning every problem found.
func (s *Space) Validate() []Problem {
	var ps []Problem
	add := func(field, code, value string) {
		ps = append(ps, Problem{ID: s.ID, Field: field, Code: code, Value: value})
	}
	switch {
	case s.ID == "":
		add("id", ProbMissing, "")
	case !idPattern.MatchString(s.ID) || len(s.ID) > MaxID:
		add("id", ProbBadID, s.ID)
	}
	if strings.TrimSpace(s.Name) == "" {
		add("name", ProbMissing, "")
	}
	if strings.TrimSpace(s.Comune) == "" {
		add("comune", ProbMissing, "")
	}
	if lon, lat := s.Location.Lon(), s.Location.Lat(); !Area.Contains(s.Location) {
		code := ProbBadCoords
		if Area.Contains(orb.Point{lat, lon}) {
			code = ProbSwappedCoords
		}
		add("coordinates", code, fmt.Sprintf("lat %g, lon %g", lat, lon))
	}
	if s.Hours.IsZero() {
		add("opening_hours", ProbMissing, "")
	}
	if s.Desks < 0 {
		add("desks", ProbNegative, fmt.Sprint(s.Desks))
	}
	if s.PriceDayCents < 0 {
		add("price_day_eur", ProbNegative, formatEUR(s.PriceDayCents))
	}
	if s.PriceHalfDayCents < 0 {
		add("price_half_day_eur", ProbNegative, formatEUR(s.PriceHalfDayCents))
	}
	if s.Email != "" {
		if a, err := mail.ParseAddress(s.Email); err != nil || a.Address != s.Email {
			add("email", ProbBadEmail, s.Email)
		}
	}
	if s.Website != "" && !strings.HasPrefix(s.Website, "https://") && !strings.HasPrefix(s.Website, "http://") {
		add("website", ProbBadURL, s.Website)
	}
	for lang := range s.Description {
		if len(lang) != 2 || strings.ToLower(lang) != lang {
			add("description", ProbBadLanguage, lang)
		}
	}
	seen := map[string]bool{}
	for _, r := range s.Rooms {
		switch {
		case r.ID == "" || !idPattern.MatchString(r.ID) || seen[r.ID]:
			add("rooms", ProbBadRoom, r.ID)
		case strings.TrimSpace(r.Name) == "" || r.Seats <= 0 || r.PriceHourCents < 0:
			add("rooms", ProbBadRoom, r.Name)
		}
		seen[r.ID] = true
	}
	return append(ps, s.limitProblems()...)
}

// CreateSpace adds one space with the given status, for the staff or the
// operator (a citizen applies instead: see Apply).
func (d *DB) CreateSpace(ctx context.Context, a Actor, s Space, status Status) error {
	if ps := s.Validate(); len(ps) > 0 {
		return Problems(ps)
	}
	now := d.now()
	s.Status, s.Created, s.Updated = status, now, now
	return d.inTx(ctx, func(tx *sql.Tx) error {
		role, err := mustBeStaff(ctx, tx, a)
		if err != nil {
			return err
		}
		if _, err := getSpace(ctx, tx, s.ID); err == nil {
			return fmt.Errorf("space %s exists: %w", s.ID, ErrConflict)
		} else if !isNotFound(err) {
			return err
		}
		if err := writeSpace(ctx, tx, &s); err != nil {
			return err
		}
		after, err := featureJSON(&s)
		if err != nil {
			return err
		}
		return d.audit(ctx, tx, a, role, ActionImport, s.ID, nil, after, "")
	})
}

// SetStatus moves a space to a status: the staff approve, suspend and
// reinstate. note is the reason, kept in the audit log.
func (d *DB) SetStatus(ctx context.Context, a Actor, id string, st Status, note string) error {
	if st != Pending && st != Approved && st != Suspended {
		return fmt.Errorf("status %q: %w", st, ErrInvalid)
	}
	return d.inTx(ctx, func(tx *sql.Tx) error {
		role, err := mustBeStaff(ctx, tx, a)
		if err != nil {
			return err
		}
		return d.setStatus(ctx, tx, a, role, id, st, note)
	})
}

func (d *DB) setStatus(ctx context.Context, tx *sql.Tx, a Actor, role Role, id string, st Status, note string) error {
	var old Status
	err := tx.QueryRowContext(ctx, `SELECT status FROM spaces WHERE id = ?`, id).Scan(&old)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("space %s: %w", id, ErrNotFound)
	}
	if err != nil || old == st {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE spaces SET status = ?, updated_at = ? WHERE id = ?`, st, d.now().Unix(), id); err != nil {
		return err
	}
	action := ActionSpaceStatusEdit
	switch {
	case st == Suspended:
		action = ActionSuspend
	case st == Approved && old == Suspended:
		action = ActionReinstate
	}
	return d.audit(ctx, tx, a, role, action, id, map[string]Status{"status": old}, map[string]Status{"status": st}, note)
}

// Space returns the space with the given id, whatever its status.
//
// Spaces read are kept in memory until the list's version moves (a change
// in this process or another one), so that reading one costs a single small
// query; each call gets its own copy, which the caller may change.
func (d *DB) Space(ctx context.Context, id string) (Space, error) {
	var version int64
	if err := d.db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'spaces_version'`).Scan(&version); err != nil {
		return Space{}, fmt.Errorf("read version: %w", err)
	}
	d.mu.Lock()
	if d.spaces.version != version || d.spaces.byID == nil {
		d.spaces = spaceCache{version: version, byID: map[string]Space{}}
	}
	s, ok := d.spaces.byID[id]
	d.mu.Unlock()
	if ok {
		return s.clone(), nil
	}
	// Read after the version: a change in between is kept under the older
	// version, which the next call finds moved.
	s, err := getSpace(ctx, d.db, id)
	if err != nil {
		return Space{}, err
	}
	d.mu.Lock()
	if d.spaces.version == version && len(d.spaces.byID) < maxCachedSpaces {
		d.spaces.byID[id] = s.clone()
	}
	d.mu.Unlock()
	return s, nil
}

// spaceCache keeps the spaces read by Space at one version of the list.
type spaceCache struct {
	version int64
	byID    map[string]Space
}

// maxCachedSpaces bounds the spaces kept by Space: a comune's whole list,
// not a list of ten thousand read one by one.
const maxCachedSpaces = 1024

// clone copies what a caller could change in place: the rooms and the
// descriptions (the opening hours are never changed in place).
func (s Space) clone() Space {
	s.Rooms = slices.Clone(s.Rooms)
	if s.Description != nil {
		s.Description = maps.Clone(s.Description)
	}
	return s
}

// Spaces returns every space with one of the given statuses (all when none
// is given), ordered by id.
func (d *DB) Spaces(ctx context.Context, statuses ...Status) ([]Space, error) {
	all, err := loadSpaces(ctx, d.db, "", loadAll)
	if err != nil || len(statuses) == 0 {
		return all, err
	}
	out := all[:0]
	for _, s := range all {
		if slices.Contains(statuses, s.Status) {
			out = append(out, s)
		}
	}
	return out, nil
}

type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func isNotFound(err error) bool { return err != nil && errors.Is(err, ErrNotFound) }

func getSpace(ctx context.Context, q queryer, id string) (Space, error) {
	ss, err := loadSpaces(ctx, q, id, loadAll)
	if err != nil {
		return Space{}, err
	}
	if len(ss) == 0 {
		return Space{}, fmt.Errorf("space %q: %w", id, ErrNotFound)
	}
	return ss[0], nil
}

const spaceColumns = `id, name, comune, address, lat, lon, services, desks, opening_hours,
	price_day_cents, price_half_day_cents, phone, email, website, status, created_at, updated_at`

// What loadSpaces reads besides the spaces' own columns.
type loadWhat uint8

const (
	loadRooms loadWhat = 1 << iota
	loadDescriptions
	loadAll = loadRooms | loadDescriptions
)

// loadSpaces reads one space (id != "") or all of them, ordered by id, with
// their rooms and descriptions as what asks.
func loadSpaces(ctx context.Context, q queryer, id string, what loadWhat) ([]Space, error) {
	query := `SELECT ` + spaceColumns + ` FROM spaces`
	var args []any
	if id != "" {
		query += ` WHERE id = ?`
		args = append(args, id)
	}
	rows, err := q.QueryContext(ctx, query+` ORDER BY id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Space
	byID := map[string]int{}
	parsed := map[string]hours.Schedule{} // many spaces share their hours
	for rows.Next() {
		var s Space
		var lat, lon float64
		var oh string
		var created, updated int64
		if err := rows.Scan(&s.ID, &s.Name, &s.Comune, &s.Address, &lat, &lon, &s.Services, &s.Desks, &oh,
			&s.PriceDayCents, &s.PriceHalfDayCents, &s.Phone, &s.Email, &s.Website, &s.Status, &created, &updated); err != nil {
			return nil, err
		}
		s.Location = orb.Point{lon, lat}
		h, ok := parsed[oh]
		if !ok {
			if h, err = hours.Parse(oh); err != nil {
				return nil, fmt.Errorf("space %s: stored hours %q: %w", s.ID, oh, err)
			}
			parsed[oh] = h
		}
		s.Hours = h
		s.Created, s.Updated = time.Unix(created, 0).In(Rome), time.Unix(updated, 0).In(Rome)
		byID[s.ID] = len(out)
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if what == 0 || len(out) == 0 {
		return out, nil
	}
	where, wargs := "", []any{}
	if id != "" {
		where, wargs = ` WHERE space_id = ?`, []any{id}
	}
	rrows, err := q.QueryContext(ctx, `SELECT space_id, id, name, seats, price_hour_cents FROM rooms`+where+` ORDER BY space_id, id`, wargs...)
	if err != nil {
		return nil, err
	}
	defer rrows.Close()
	for rrows.Next() {
		var sid string
		var r Room
		if err := rrows.Scan(&sid, &r.ID, &r.Name, &r.Seats, &r.PriceHourCents); err != nil {
			return nil, err
		}
		if i, ok := byID[sid]; ok {
			out[i].Rooms = append(out[i].Rooms, r)
		}
	}
	if err := rrows.Err(); err != nil {
		return nil, err
	}
	if what&loadDescriptions == 0 {
		return out, nil
	}
	drows, err := q.QueryContext(ctx, `SELECT space_id, lang, text FROM space_descriptions`+where, wargs...)
	if err != nil {
		return nil, err
	}
	defer drows.Close()
	for drows.Next() {
		var sid, lang, text string
		if err := drows.Scan(&sid, &lang, &text); err != nil {
			return nil, err
		}
		if i, ok := byID[sid]; ok {
			if out[i].Description == nil {
				out[i].Description = map[string]string{}
			}
			out[i].Description[lang] = text
		}
	}
	return out, drows.Err()
}

// writeSpace inserts or replaces a space with its rooms and descriptions.
func writeSpace(ctx context.Context, tx *sql.Tx, s *Space) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO spaces (`+spaceColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET name = excluded.name, comune = excluded.comune,
			address = excluded.address, lat = excluded.lat, lon = excluded.lon,
			services = excluded.services, desks = excluded.desks, opening_hours = excluded.opening_hours,
			price_day_cents = excluded.price_day_cents, price_half_day_cents = excluded.price_half_day_cents,
			phone = excluded.phone, email = excluded.email, website = excluded.website,
			status = excluded.status, updated_at = excluded.updated_at`,
		s.ID, s.Name, s.Comune, s.Address, s.Location.Lat(), s.Location.Lon(), s.Services, s.Desks, s.Hours.String(),
		s.PriceDayCents, s.PriceHalfDayCents, s.Phone, s.Email, s.Website, s.Status, s.Created.Unix(), s.Updated.Unix())
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM rooms WHERE space_id = ?`, s.ID); err != nil {
		return err
	}
	for _, r := range s.Rooms {
		if _, err := tx.ExecContext(ctx, `INSERT INTO rooms (space_id, id, name, seats, price_hour_cents) VALUES (?, ?, ?, ?, ?)`,
			s.ID, r.ID, r.Name, r.Seats, r.PriceHourCents); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM space_descriptions WHERE space_id = ?`, s.ID); err != nil {
		return err
	}
	for _, lang := range slices.Sorted(maps.Keys(s.Description)) {
		if s.Description[lang] == "" {
			continue
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO space_descriptions (space_id, lang, text) VALUES (?, ?, ?)`,
			s.ID, lang, s.Description[lang]); err != nil {
			return err
		}
	}
	return nil
}

// sameContent reports whether two spaces hold the same listing (ignoring
// status and times).
func sameContent(a, b *Space) bool {
	da, db := nonEmpty(a.Description), nonEmpty(b.Description)
	return a.ID == b.ID && a.Name == b.Name && a.Comune == b.Comune && a.Address == b.Address &&
		a.Location == b.Location && a.Services == b.Services && a.Desks == b.Desks &&
		slices.Equal(a.Rooms, b.Rooms) && a.Hours.String() == b.Hours.String() &&
		a.PriceDayCents == b.PriceDayCents && a.PriceHalfDayCents == b.PriceHalfDayCents &&
		a.Phone == b.Phone && a.Email == b.Email && a.Website == b.Website && maps.Equal(da, db)
}

func nonEmpty(m map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		if v != "" {
			out[k] = v
		}
	}
	return out
}
