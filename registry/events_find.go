package registry

import (
	"context"
	"database/sql"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/comune-seregno/coworkbot/registry/hours"
)

// EventQuery asks for the coming meetings of published events in approved
// spaces. Every field is optional.
type EventQuery struct {
	From, To time.Time // calendar days, both included; zero From: from now on, zero To: no end
	// Starting keeps the meetings that start within [From, To) minutes of
	// their day ("giovedì sera": 18:00 to 24:00); nil: any time.
	Starting *hours.Span
	Comune   string // case- and accent-insensitive
	SpaceID  string
	Free     bool   // only those that cost nothing
	Lang     string // only those held in this language
	// Text keeps the events whose title or description holds every word
	// of it, ignoring case and accents; a word of five letters or more
	// that ends in a vowel also matches without it ("corsi" finds
	// "corso").
	Text string
	// OnePerSeries keeps only the next meeting of each course.
	OnePerSeries bool
	Offset       int
	Limit        int // 0 means 10
}

// Events returns the meetings q asks for that have not begun, soonest
// first, each with its seats left.
func (d *DB) Events(ctx context.Context, q EventQuery) ([]Event, error) {
	now := d.now()
	where := []string{`e.status = 'published'`, `sp.status = 'approved'`, `(e.day > ? OR (e.day = ? AND e.start_min > ?))`}
	args := []any{dayKey(now), dayKey(now), minuteOf(now)}
	if !q.From.IsZero() {
		where, args = append(where, `e.day >= ?`), append(args, dayKey(q.From))
	}
	if !q.To.IsZero() {
		where, args = append(where, `e.day <= ?`), append(args, dayKey(q.To))
	}
	if q.Starting != nil {
		where, args = append(where, `e.start_min >= ? AND e.start_min < ?`), append(args, q.Starting.From, q.Starting.To)
	}
	if q.SpaceID != "" {
		where, args = append(where, `e.space_id = ?`), append(args, q.SpaceID)
	}
	if q.Free {
		where = append(where, `e.price_cents = 0`)
	}
	if q.Lang != "" {
		where, args = append(where, `e.lang = ?`), append(args, strings.ToLower(strings.TrimSpace(q.Lang)))
	}
	rows, err := d.db.QueryContext(ctx, eventSelect+`, e.search, sp.comune FROM events e JOIN spaces sp ON sp.id = e.space_id
		WHERE `+strings.Join(where, " AND ")+` ORDER BY e.day, e.start_min, e.id`, append([]any{now.Unix()}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	words := queryWords(q.Text)
	comune := fold(strings.TrimSpace(q.Comune))
	seen := map[int64]bool{}
	limit := q.Limit
	if limit <= 0 {
		limit = 10
	}
	out := []Event{}
	skip := q.Offset
	for rows.Next() {
		var search, spaceComune string
		e, err := d.scanEvent(rows, &search, &spaceComune)
		if err != nil {
			return nil, err
		}
		if comune != "" && fold(spaceComune) != comune || !matchesWords(search, words) {
			continue
		}
		if q.OnePerSeries {
			if seen[e.SeriesID] {
				continue
			}
			seen[e.SeriesID] = true
		}
		if skip > 0 {
			skip--
			continue
		}
		out = append(out, e)
		if len(out) == limit {
			break
		}
	}
	return out, rows.Err()
}

// fold lowers s and drops its accents: "Caffè Città" → "caffe citta".
func fold(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		if !unicode.Is(unicode.Mn, r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// searchText is what Events matches Text against.
func searchText(title, description string) string { return fold(title + "\n" + description) }

// queryWords are the folded words of a text query, each cut to what must
// match: a word of five letters or more ending in a vowel loses it, so
// that a plural finds a singular and the other way round.
func queryWords(text string) []string {
	words := strings.FieldsFunc(fold(text), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	for i, w := range words {
		if n := len([]rune(w)); n >= 5 && strings.ContainsRune("aeiou", []rune(w)[n-1]) {
			words[i] = string([]rune(w)[:n-1])
		}
	}
	return words
}

func matchesWords(search string, words []string) bool {
	for _, w := range words {
		if !strings.Contains(search, w) {
			return false
		}
	}
	return true
}

// Attendee is a sign-up as the space's provider sees it: the person's first
// name only, never their Telegram id.
type Attendee struct {
	SignupID  int64
	FirstName string
	People    int
}

// EventAgendaEntry is a meeting with the people signed up for it.
type EventAgendaEntry struct {
	Event     Event
	Attendees []Attendee // in the order they signed up
}

// EventAgenda returns a space's meetings on the days from from to to
// (calendar dates, both included), cancelled ones too, in order, each with
// its confirmed sign-ups and their first names, for its provider or the
// staff.
func (d *DB) EventAgenda(ctx context.Context, a Actor, spaceID string, from, to time.Time) ([]EventAgendaEntry, error) {
	if _, err := mustKeep(ctx, d.db, a, spaceID); err != nil {
		return nil, err
	}
	now := d.now()
	es, err := d.eventsWhere(ctx, d.db, now, `e.space_id = ? AND e.day BETWEEN ? AND ? ORDER BY e.day, e.start_min, e.id`,
		spaceID, dayKey(from), dayKey(to))
	if err != nil {
		return nil, err
	}
	out := make([]EventAgendaEntry, len(es))
	at := map[int64]int{}
	for i, e := range es {
		out[i] = EventAgendaEntry{Event: e, Attendees: []Attendee{}}
		at[e.ID] = i
	}
	rows, err := d.db.QueryContext(ctx, `SELECT s.event_id, s.id, coalesce(u.first_name, ''), s.people
		FROM signups s JOIN events e ON e.id = s.event_id LEFT JOIN users u ON u.id = s.user_id
		WHERE e.space_id = ? AND e.day BETWEEN ? AND ? AND s.status = 'confirmed' ORDER BY s.id`,
		spaceID, dayKey(from), dayKey(to))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var eventID int64
		var at1 Attendee
		if err := rows.Scan(&eventID, &at1.SignupID, &at1.FirstName, &at1.People); err != nil {
			return nil, err
		}
		if i, ok := at[eventID]; ok {
			out[i].Attendees = append(out[i].Attendees, at1)
		}
	}
	return out, rows.Err()
}

// When event reminders go out: the evening before, from EveningFrom, for a
// meeting that starts before it; EveningNotice before the start for one that
// starts at EveningFrom or later.
const (
	EveningFrom   = 18 * 60 // wall-clock minutes
	EveningNotice = 3 * time.Hour
)

// reminderDue is when the reminder of a meeting is due.
func reminderDue(e Event) time.Time {
	if e.From >= EveningFrom {
		return e.Start().Add(-EveningNotice)
	}
	return wallClock(meetingDay(e.Day, 0).AddDate(0, 0, -1), EveningFrom)
}

// DueEventReminders returns the confirmed sign-ups of published meetings
// whose reminder is due at now and not sent yet, whose person has not
// turned reminders off, each with its meeting: the evening before (from
// 18:00) for a meeting that starts before 18:00, three hours before for one
// that starts at 18:00 or later. A meeting that has begun gets none, nor
// one in a space that is not approved (suspended).
func (d *DB) DueEventReminders(ctx context.Context, now time.Time) ([]Signup, error) {
	now = now.In(Rome)
	today := dayKey(now)
	tomorrow := dayKey(time.Date(now.Year(), now.Month(), now.Day()+1, 12, 0, 0, 0, Rome))
	cands, err := d.signupsWhere(ctx, d.db, now, `s.status = 'confirmed' AND s.reminded_at IS NULL AND e.status = 'published'
		AND ((e.day = ? AND e.start_min > ?) OR e.day = ?)
		AND EXISTS (SELECT 1 FROM spaces sp WHERE sp.id = e.space_id AND sp.status = 'approved')
		AND NOT EXISTS (SELECT 1 FROM reminder_prefs p WHERE p.user_id = s.user_id AND p.reminders = 0)
		ORDER BY e.day, e.start_min, s.id`, today, minuteOf(now), tomorrow)
	if err != nil {
		return nil, err
	}
	out := cands[:0]
	for _, s := range cands {
		if !now.Before(reminderDue(s.Event)) && now.Before(s.Event.Start()) {
			out = append(out, s)
		}
	}
	return out, nil
}

// MarkEventReminded records that the reminders of the given sign-ups went
// out.
func (d *DB) MarkEventReminded(ctx context.Context, ids ...int64) error {
	now := d.now().Unix()
	return d.inTx(ctx, func(tx *sql.Tx) error {
		for _, id := range ids {
			if _, err := tx.ExecContext(ctx, `UPDATE signups SET reminded_at = ? WHERE id = ? AND reminded_at IS NULL`, now, id); err != nil {
				return err
			}
		}
		return nil
	})
}
