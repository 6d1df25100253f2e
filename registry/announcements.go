package registry

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// This file holds the comune's announcements: the staff compose one and
// confirm it, or the chat makes one by itself when a space joins the list,
// and one transaction writes it with one delivery per recipient (the
// outbox, announcements_outbox.go), which a sender drains.

// AnnouncementStatus is where an announcement stands.
type AnnouncementStatus string

// The statuses of an announcement.
const (
	AnnouncementDraft   AnnouncementStatus = "draft"   // being composed, sent to no one
	AnnouncementSending AnnouncementStatus = "sending" // confirmed: its deliveries are being drained
	AnnouncementDone    AnnouncementStatus = "done"    // every delivery has its outcome
	AnnouncementStopped AnnouncementStatus = "stopped" // stopped by the staff: the rest were not sent
)

// Limits on what an announcement holds.
const (
	// MaxAnnouncementText is the longest text in one language, in
	// characters: a Telegram message holds 4,096 once the HTML is parsed,
	// and the markup needs room of its own. The bot checks Telegram's
	// limit itself.
	MaxAnnouncementText = 8192
	// MaxAnnouncementButtons is the most bytes of a text's buttons (JSON).
	MaxAnnouncementButtons = 4096
	// MaxAnnouncementLanguages is the most languages one announcement has.
	MaxAnnouncementLanguages = 8
)

// Content is what an announcement says, opaque to the registry except for
// what delivering it needs: either a copy of a staff member's own message
// (the sender calls copyMessage, so formatting, photos and documents
// survive), or texts the bot rendered, by language.
type Content struct {
	FromChatID int64 // the chat the staff member wrote in
	MessageID  int64 // the message to copy; 0 for Texts

	Texts map[string]Rendered // by language code; used when MessageID is 0
}

// Rendered is an announcement's text in one language, as the bot rendered
// it.
type Rendered struct {
	HTML    string `json:"html"`
	Buttons string `json:"buttons,omitempty"` // JSON owned by the bot; "" for none
}

// IsCopy reports whether the content is a copy of a message.
func (c Content) IsCopy() bool { return c.MessageID != 0 }

// In returns the text for a language: lang's, else Italian, else the first
// language in alphabetical order. A copy has none.
func (c Content) In(lang string) Rendered {
	if r, ok := c.Texts[lang]; ok {
		return r
	}
	if r, ok := c.Texts["it"]; ok {
		return r
	}
	for _, l := range slices.Sorted(maps.Keys(c.Texts)) {
		return c.Texts[l]
	}
	return Rendered{}
}

func (c Content) check() error {
	if c.IsCopy() {
		if c.FromChatID == 0 || c.MessageID < 0 || len(c.Texts) > 0 {
			return fmt.Errorf("a copy of message %d in chat %d, with %d texts: %w", c.MessageID, c.FromChatID, len(c.Texts), ErrInvalid)
		}
		return nil
	}
	if len(c.Texts) == 0 || len(c.Texts) > MaxAnnouncementLanguages {
		return fmt.Errorf("%d languages, want 1 to %d: %w", len(c.Texts), MaxAnnouncementLanguages, ErrInvalid)
	}
	for lang, r := range c.Texts {
		switch {
		case lang == "" || len(lang) > 8:
			return fmt.Errorf("language %q: %w", lang, ErrInvalid)
		case strings.TrimSpace(r.HTML) == "":
			return fmt.Errorf("empty text in %s: %w", lang, ErrInvalid)
		case utf8.RuneCountInString(r.HTML) > MaxAnnouncementText:
			return fmt.Errorf("text in %s of %d characters, at most %d: %w", lang, utf8.RuneCountInString(r.HTML), MaxAnnouncementText, ErrInvalid)
		case len(r.Buttons) > MaxAnnouncementButtons:
			return fmt.Errorf("buttons in %s of %d bytes, at most %d: %w", lang, len(r.Buttons), MaxAnnouncementButtons, ErrInvalid)
		case r.Buttons != "" && !json.Valid([]byte(r.Buttons)):
			return fmt.Errorf("buttons in %s are not JSON: %w", lang, ErrInvalid)
		}
	}
	return nil
}

// Draft is an announcement as it is being composed.
type Draft struct {
	Topic     Topic // "" until chosen; needed to confirm
	Narrowing Narrowing
	Content   Content
}

func (dr *Draft) check(confirming bool) error {
	if dr.Topic != "" && dr.Topic.bit() == 0 {
		return fmt.Errorf("unknown topic %q: %w", dr.Topic, ErrInvalid)
	}
	if confirming && dr.Topic == "" {
		return fmt.Errorf("no topic chosen: %w", ErrInvalid)
	}
	if err := dr.Narrowing.check(); err != nil {
		return err
	}
	return dr.Content.check()
}

// DeliveryCounts counts an announcement's deliveries by outcome.
type DeliveryCounts struct {
	Total   int // recipients when it was confirmed
	Sent    int
	Failed  int // gave up after DeliveryAttempts
	Blocked int // the person blocked the bot (found out on sending, or since it was confirmed)
	Gone    int // the chat no longer exists
	Stopped int // not sent: the announcement was stopped
	Skipped int // not sent: the person unsubscribed from its topic, or was erased, before their turn
}

// Left counts the deliveries still to be made, in flight or waiting for a
// retry.
func (c DeliveryCounts) Left() int {
	return c.Total - c.Sent - c.Failed - c.Blocked - c.Gone - c.Stopped - c.Skipped
}

// Announcement is one announcement of the comune, with its delivery report.
type Announcement struct {
	ID        int64
	Status    AnnouncementStatus
	Topic     Topic // "" in a draft with no topic yet
	Narrowing Narrowing
	Content   Content
	// Subject names what an automatic announcement is about ("space:ID",
	// "event:ID"); "" for one the staff composed.
	Subject string

	Author   Actor     // who composed it (for an automatic one, who approved what it is about)
	Sender   Actor     // who confirmed it; meaningful once Sent is set
	Created  time.Time // composed
	Sent     time.Time // confirmed; zero for a draft
	Finished time.Time // done or stopped; zero until then

	// ProgressMessageID is the bot's message that shows the sender the
	// progress, 0 until the bot records it (SetProgressMessage).
	ProgressMessageID int64

	Counts DeliveryCounts
}

// Automatic reports whether the chat made the announcement by itself.
func (a Announcement) Automatic() bool { return a.Subject != "" }

const announcementColumns = `id, status, topic, services, comune, coalesce(subject, ''), kind, from_chat, message_id, texts,
	created_by, created_at, sent_by, sent_at, finished_at, progress_message_id,
	n_total, n_sent, n_failed, n_blocked, n_gone, n_stopped, n_skipped`

func scanAnnouncement(r scanner) (Announcement, error) {
	var a Announcement
	var kind, texts string
	var createdBy, sentBy, sentAt, finishedAt sql.NullInt64
	var created int64
	c := &a.Counts
	err := r.Scan(&a.ID, &a.Status, &a.Topic, &a.Narrowing.Services, &a.Narrowing.Comune, &a.Subject, &kind,
		&a.Content.FromChatID, &a.Content.MessageID, &texts, &createdBy, &created, &sentBy, &sentAt, &finishedAt,
		&a.ProgressMessageID, &c.Total, &c.Sent, &c.Failed, &c.Blocked, &c.Gone, &c.Stopped, &c.Skipped)
	if err != nil {
		return a, err
	}
	if kind == "text" {
		if err := json.Unmarshal([]byte(texts), &a.Content.Texts); err != nil {
			return a, fmt.Errorf("announcement %d: texts: %w", a.ID, err)
		}
	}
	a.Author, a.Created = actorOf(createdBy), time.Unix(created, 0).In(Rome)
	if sentAt.Valid {
		a.Sender, a.Sent = actorOf(sentBy), time.Unix(sentAt.Int64, 0).In(Rome)
	}
	if finishedAt.Valid {
		a.Finished = time.Unix(finishedAt.Int64, 0).In(Rome)
	}
	return a, nil
}

func announcementByID(ctx context.Context, q queryer, id int64) (Announcement, error) {
	a, err := scanAnnouncement(q.QueryRowContext(ctx, `SELECT `+announcementColumns+` FROM announcements WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return a, fmt.Errorf("announcement %d: %w", id, ErrNotFound)
	}
	return a, err
}

// Announcement returns an announcement with its counts so far.
func (d *DB) Announcement(ctx context.Context, id int64) (Announcement, error) {
	return announcementByID(ctx, d.db, id)
}

// Announcements returns the last confirmed announcements, newest first, at
// most limit of them (all when 0), each with its counts.
func (d *DB) Announcements(ctx context.Context, limit int) ([]Announcement, error) {
	if limit <= 0 {
		limit = -1 // SQLite: no limit
	}
	rows, err := d.db.QueryContext(ctx, `SELECT `+announcementColumns+` FROM announcements WHERE status <> 'draft' ORDER BY id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Announcement{}
	for rows.Next() {
		a, err := scanAnnouncement(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// encodeContent gives the kind and texts columns of a content.
func encodeContent(c Content) (kind, texts string, err error) {
	if c.IsCopy() {
		return "copy", "{}", nil
	}
	b, err := json.Marshal(c.Texts)
	return "text", string(b), err
}

// insertAnnouncement writes a new announcement, a draft or one being sent,
// and returns its id.
func (d *DB) insertAnnouncement(ctx context.Context, tx *sql.Tx, a Actor, dr Draft, subject string, status AnnouncementStatus) (int64, error) {
	kind, texts, err := encodeContent(dr.Content)
	if err != nil {
		return 0, err
	}
	var subj sql.NullString
	if subject != "" {
		subj = sql.NullString{String: subject, Valid: true}
	}
	r, err := tx.ExecContext(ctx, `INSERT INTO announcements (status, topic, services, comune, subject, kind, from_chat, message_id, texts, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		status, dr.Topic, dr.Narrowing.Services, dr.Narrowing.Comune, subj, kind, dr.Content.FromChatID, dr.Content.MessageID, texts,
		a.id(), d.now().Unix())
	if err != nil {
		return 0, err
	}
	return r.LastInsertId()
}

// Compose keeps a draft announcement, for the staff; nothing is sent until
// it is confirmed.
func (d *DB) Compose(ctx context.Context, a Actor, dr Draft) (Announcement, error) {
	if err := dr.check(false); err != nil {
		return Announcement{}, err
	}
	var out Announcement
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := mustBeStaff(ctx, tx, a); err != nil {
			return err
		}
		id, err := d.insertAnnouncement(ctx, tx, a, dr, "", AnnouncementDraft)
		if err != nil {
			return err
		}
		out, err = announcementByID(ctx, tx, id)
		return err
	})
	return out, err
}

// draftOf returns, inside a transaction, the draft a may change: their own
// (the operator may change any). A draft confirmed or dropped meanwhile is
// ErrClosed or ErrNotFound.
func draftOf(ctx context.Context, tx *sql.Tx, a Actor, id int64) (Role, Announcement, error) {
	role, err := mustBeStaff(ctx, tx, a)
	if err != nil {
		return "", Announcement{}, err
	}
	an, err := announcementByID(ctx, tx, id)
	switch {
	case err != nil:
		return "", an, err
	case an.Status != AnnouncementDraft:
		return "", an, fmt.Errorf("announcement %d is %s: %w", id, an.Status, ErrClosed)
	case !a.Operator && an.Author != a:
		return "", an, fmt.Errorf("announcement %d is %s's draft: %w", id, an.Author, ErrForbidden)
	}
	return role, an, nil
}

// EditDraft replaces what a draft says, its topic and its narrowing.
func (d *DB) EditDraft(ctx context.Context, a Actor, id int64, dr Draft) (Announcement, error) {
	if err := dr.check(false); err != nil {
		return Announcement{}, err
	}
	var out Announcement
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		if _, _, err := draftOf(ctx, tx, a, id); err != nil {
			return err
		}
		kind, texts, err := encodeContent(dr.Content)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE announcements SET topic = ?, services = ?, comune = ?, kind = ?, from_chat = ?, message_id = ?, texts = ?
			WHERE id = ?`, dr.Topic, dr.Narrowing.Services, dr.Narrowing.Comune, kind, dr.Content.FromChatID, dr.Content.MessageID, texts, id); err != nil {
			return err
		}
		out, err = announcementByID(ctx, tx, id)
		return err
	})
	return out, err
}

// DropDraft forgets a draft.
func (d *DB) DropDraft(ctx context.Context, a Actor, id int64) error {
	return d.inTx(ctx, func(tx *sql.Tx) error {
		if _, _, err := draftOf(ctx, tx, a, id); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM announcements WHERE id = ?`, id)
		return err
	})
}

// Confirm sends a draft: in one transaction the announcement is marked as
// sending, one delivery is written for each subscriber it reaches (see
// Narrowing; whoever blocked the bot is left out), and the audit records
// it. Confirming twice is ErrClosed the second time. With no one to reach
// it is done at once.
func (d *DB) Confirm(ctx context.Context, a Actor, id int64) (Announcement, error) {
	var out Announcement
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		role, an, err := draftOf(ctx, tx, a, id)
		if err != nil {
			return err
		}
		dr := Draft{Topic: an.Topic, Narrowing: an.Narrowing, Content: an.Content}
		if err := dr.check(true); err != nil {
			return err
		}
		if err := d.send(ctx, tx, a, role, id, dr, "", ""); err != nil {
			return err
		}
		out, err = announcementByID(ctx, tx, id)
		return err
	})
	return out, err
}

// Announce composes and confirms an announcement at once: see Confirm.
func (d *DB) Announce(ctx context.Context, a Actor, dr Draft) (Announcement, error) {
	return d.announce(ctx, a, dr, "", "")
}

// AnnounceSpace tells the subscribers of TopicSpaces that a space joined
// the list, for the staff who approved it: the announcement is about the
// space's services and comune, so that subscribers narrowed to other
// services or another comune do not hear of it. A space not approved is
// ErrClosed. Announcing the same space again sends nothing more and
// returns the first announcement, so a call repeated after a crash is
// harmless.
func (d *DB) AnnounceSpace(ctx context.Context, a Actor, spaceID string, c Content) (Announcement, error) {
	return d.announceAbout(ctx, a, TopicSpaces, "space:"+spaceID, spaceID, c)
}

// AnnounceEvent tells the subscribers of TopicEvents of an event, for the
// staff or for the provider who published it; spaceID is the space of the
// list where it takes place, whose services and comune the announcement is
// about. An event that is not published in that space is ErrNotFound. Like
// AnnounceSpace, an event is announced at most once.
func (d *DB) AnnounceEvent(ctx context.Context, a Actor, eventID, spaceID string, c Content) (Announcement, error) {
	if strings.TrimSpace(eventID) == "" {
		return Announcement{}, fmt.Errorf("no event: %w", ErrInvalid)
	}
	return d.announce(ctx, a, Draft{Topic: TopicEvents, Content: c}, "event:"+eventID, spaceID)
}

func (d *DB) announceAbout(ctx context.Context, a Actor, t Topic, subject, spaceID string, c Content) (Announcement, error) {
	return d.announce(ctx, a, Draft{Topic: t, Content: c}, subject, spaceID)
}

// mayAnnounce refuses whoever may not send an announcement: the staff and
// the operator may send any; the provider of a space only the automatic
// one of an event published there, which must exist.
func mayAnnounce(ctx context.Context, tx *sql.Tx, a Actor, t Topic, subject, spaceID string) (Role, error) {
	id, isEvent := strings.CutPrefix(subject, "event:")
	if t != TopicEvents || !isEvent || spaceID == "" {
		return mustBeStaff(ctx, tx, a)
	}
	role, err := roleIn(ctx, tx, a, spaceID)
	if err != nil {
		return "", err
	}
	if role == RoleCitizen {
		return "", fmt.Errorf("%s may not announce events of %s: %w", a, spaceID, ErrForbidden)
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM events WHERE series_id = ? AND space_id = ? AND status = 'published'`,
		id, spaceID).Scan(&n); err != nil {
		return "", err
	}
	if n == 0 {
		return "", fmt.Errorf("event %s in %s: %w", id, spaceID, ErrNotFound)
	}
	return role, nil
}

// announce writes an announcement and its outbox at once. An automatic one
// (subject set) is written at most once; one about a space (spaceID set)
// is about the space's services and comune, read in the same transaction.
func (d *DB) announce(ctx context.Context, a Actor, dr Draft, subject, spaceID string) (Announcement, error) {
	if err := dr.check(true); err != nil {
		return Announcement{}, err
	}
	var out Announcement
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		role, err := mayAnnounce(ctx, tx, a, dr.Topic, subject, spaceID)
		if err != nil {
			return err
		}
		if subject != "" {
			var id int64
			err := tx.QueryRowContext(ctx, `SELECT id FROM announcements WHERE subject = ?`, subject).Scan(&id)
			if err == nil {
				out, err = announcementByID(ctx, tx, id)
				return err
			}
			if !errors.Is(err, sql.ErrNoRows) {
				return err
			}
		}
		if spaceID != "" {
			var status Status
			err := tx.QueryRowContext(ctx, `SELECT services, comune, status FROM spaces WHERE id = ?`, spaceID).
				Scan(&dr.Narrowing.Services, &dr.Narrowing.Comune, &status)
			switch {
			case errors.Is(err, sql.ErrNoRows):
				return fmt.Errorf("space %q: %w", spaceID, ErrNotFound)
			case err != nil:
				return err
			case status != Approved:
				return fmt.Errorf("space %s is %s: %w", spaceID, status, ErrClosed)
			}
		}
		id, err := d.insertAnnouncement(ctx, tx, a, dr, subject, AnnouncementDraft)
		if err != nil {
			return err
		}
		if err := d.send(ctx, tx, a, role, id, dr, subject, spaceID); err != nil {
			return err
		}
		out, err = announcementByID(ctx, tx, id)
		return err
	})
	return out, err
}

// send turns draft id into an announcement being sent: its outbox, in one
// INSERT … SELECT however many the recipients, and its audit entry (on the
// space it is about, if any).
func (d *DB) send(ctx context.Context, tx *sql.Tx, a Actor, role Role, id int64, dr Draft, subject, spaceID string) error {
	now := d.now().Unix()
	r, err := tx.ExecContext(ctx, `INSERT INTO deliveries (announcement_id, user_id, status, not_before)
		SELECT ?4, s.user_id, 'pending', ?5 FROM subscriptions s WHERE `+audience+` ORDER BY s.user_id`,
		dr.Topic.bit(), dr.Narrowing.Services, dr.Narrowing.Comune, id, now)
	if err != nil {
		return err
	}
	n, err := r.RowsAffected()
	if err != nil {
		return err
	}
	status, finished := AnnouncementSending, sql.NullInt64{}
	if n == 0 {
		status, finished = AnnouncementDone, sql.NullInt64{Int64: now, Valid: true}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE announcements SET status = ?, sent_by = ?, sent_at = ?, finished_at = ?, n_total = ? WHERE id = ?`,
		status, a.id(), now, finished, n, id); err != nil {
		return err
	}
	after := map[string]any{"announcement": id, "topic": dr.Topic, "recipients": n}
	if dr.Narrowing.Services != 0 {
		after["services"] = dr.Narrowing.Services.List()
	}
	if dr.Narrowing.Comune != "" {
		after["comune"] = dr.Narrowing.Comune
	}
	if subject != "" {
		after["subject"] = subject
	}
	return d.audit(ctx, tx, a, role, ActionAnnounce, spaceID, nil, after, "")
}

// StopAnnouncement stops an announcement being sent, for the staff: every
// delivery not made yet is marked stopped and will not be sent. The few in
// flight at that moment may still arrive, and are counted as sent when
// their sender reports them. One not being sent is ErrClosed.
func (d *DB) StopAnnouncement(ctx context.Context, a Actor, id int64) (Announcement, error) {
	var out Announcement
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		role, err := mustBeStaff(ctx, tx, a)
		if err != nil {
			return err
		}
		an, err := announcementByID(ctx, tx, id)
		if err != nil {
			return err
		}
		if an.Status != AnnouncementSending {
			return fmt.Errorf("announcement %d is %s: %w", id, an.Status, ErrClosed)
		}
		now := d.now().Unix()
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
		if out, err = announcementByID(ctx, tx, id); err != nil {
			return err
		}
		c := out.Counts
		return d.audit(ctx, tx, a, role, ActionAnnounceStop, "", nil, map[string]any{"announcement": id, "total": c.Total,
			"sent": c.Sent, "failed": c.Failed, "blocked": c.Blocked, "gone": c.Gone, "stopped": c.Stopped, "skipped": c.Skipped}, "")
	})
	return out, err
}

// SetProgressMessage records the bot's message that shows the sender an
// announcement's progress, so that it is still edited after a restart.
func (d *DB) SetProgressMessage(ctx context.Context, id, messageID int64) error {
	return d.inTx(ctx, func(tx *sql.Tx) error {
		r, err := tx.ExecContext(ctx, `UPDATE announcements SET progress_message_id = ? WHERE id = ?`, messageID, id)
		if err != nil {
			return err
		}
		if n, _ := r.RowsAffected(); n == 0 {
			return fmt.Errorf("announcement %d: %w", id, ErrNotFound)
		}
		return nil
	})
}

// PruneDeliveries forgets who each delivery of the announcements finished
// before t went to, keeping their counts; it returns how many deliveries
// it forgot. The rows are what the database grows by (see the benchmarks
// in announcements_bench_test.go), and name people.
func (d *DB) PruneDeliveries(ctx context.Context, before time.Time) (int64, error) {
	var n int64
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		r, err := tx.ExecContext(ctx, `DELETE FROM deliveries WHERE status <> 'pending' AND announcement_id IN
			(SELECT id FROM announcements WHERE status IN ('done', 'stopped') AND finished_at < ?)`, before.Unix())
		if err != nil {
			return err
		}
		n, err = r.RowsAffected()
		return err
	})
	return n, err
}

// forgetAnnouncementsTx erases a person from the announcements, inside the
// erasure's transaction (issue 15): their subscription goes, their
// deliveries not made yet are skipped, and no delivery names them any
// more; every announcement's counts stay as they were.
func (d *DB) forgetAnnouncementsTx(ctx context.Context, tx *sql.Tx, userID int64) error {
	if err := unsubscribeTx(ctx, tx, userID); err != nil {
		return err
	}
	rows, err := tx.QueryContext(ctx, `SELECT announcement_id, count(*) FROM deliveries WHERE user_id = ? AND status = 'pending' GROUP BY announcement_id`, userID)
	if err != nil {
		return err
	}
	skipped := map[int64]*DeliveryCounts{}
	for rows.Next() {
		var id int64
		c := &DeliveryCounts{}
		if err := rows.Scan(&id, &c.Skipped); err != nil {
			rows.Close()
			return err
		}
		skipped[id] = c
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	now := d.now().Unix()
	if _, err := tx.ExecContext(ctx, `UPDATE deliveries SET status = CASE status WHEN 'pending' THEN 'skipped' ELSE status END,
		done_at = coalesce(done_at, ?), user_id = NULL, message_id = NULL, error = '' WHERE user_id = ?`, now, userID); err != nil {
		return err
	}
	_, err = d.count(ctx, tx, skipped, now)
	return err
}
