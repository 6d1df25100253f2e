-- Announcements: who subscribes to which topics, what the comune announces,
-- and the outbox of one delivery per recipient that the sender drains.

-- A person's subscription. topics and services are bit masks in the order
-- of registry.Topics and registry.Services; someone with no topic left has
-- no row (they are not subscribed). services and comune narrow what they
-- hear of: 0 and '' mean everything.
CREATE TABLE subscriptions (
	user_id    INTEGER PRIMARY KEY,             -- Telegram user id
	topics     INTEGER NOT NULL CHECK (topics > 0),
	services   INTEGER NOT NULL DEFAULT 0 CHECK (services >= 0),
	comune     TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);

-- Whoever was subscribed before topics existed now has every topic
-- (15 = the four topics of registry.Topics), and users.subscribed goes:
-- subscriptions is the one place that says who is subscribed.
INSERT INTO subscriptions (user_id, topics, services, comune, created_at, updated_at)
	SELECT id, 15, 0, '', updated_at, updated_at FROM users WHERE subscribed = 1;
ALTER TABLE users DROP COLUMN subscribed;

-- An announcement: a copy of a staff member's message (kind 'copy': the
-- chat and message to copyMessage) or texts the bot rendered, by language
-- (kind 'text': JSON {"it": {"html": …, "buttons": …}}), for one topic,
-- about spaces with some services in a comune (0 and '': about nothing in
-- particular). subject names what an automatic announcement is about
-- ('space:ID', 'event:ID'), at most once each. The n_ columns count the
-- deliveries by outcome, kept up to date with every report.
CREATE TABLE announcements (
	id          INTEGER PRIMARY KEY,
	status      TEXT NOT NULL CHECK (status IN ('draft', 'sending', 'done', 'stopped')),
	topic       TEXT NOT NULL CHECK (topic IN ('', 'spaces', 'events', 'calls', 'news')),
	services    INTEGER NOT NULL DEFAULT 0 CHECK (services >= 0),
	comune      TEXT NOT NULL DEFAULT '',
	subject     TEXT,
	kind        TEXT NOT NULL CHECK (kind IN ('copy', 'text')),
	from_chat   INTEGER NOT NULL DEFAULT 0,
	message_id  INTEGER NOT NULL DEFAULT 0,
	texts       TEXT NOT NULL DEFAULT '{}',
	created_by  INTEGER,                        -- NULL: the server's command line
	created_at  INTEGER NOT NULL,
	sent_by     INTEGER,
	sent_at     INTEGER,                        -- NULL while a draft
	finished_at INTEGER,                        -- NULL while a draft or sending
	progress_message_id INTEGER NOT NULL DEFAULT 0, -- the bot's message showing progress to the sender
	n_total     INTEGER NOT NULL DEFAULT 0,
	n_sent      INTEGER NOT NULL DEFAULT 0,
	n_failed    INTEGER NOT NULL DEFAULT 0,
	n_blocked   INTEGER NOT NULL DEFAULT 0,
	n_gone      INTEGER NOT NULL DEFAULT 0,
	n_stopped   INTEGER NOT NULL DEFAULT 0,
	n_skipped   INTEGER NOT NULL DEFAULT 0,
	CHECK (status = 'draft' OR topic <> ''),
	CHECK ((status = 'draft') = (sent_at IS NULL)),
	CHECK ((status IN ('done', 'stopped')) = (finished_at IS NOT NULL)),
	CHECK (kind = 'text' OR (from_chat <> 0 AND message_id > 0)),
	CHECK (n_sent + n_failed + n_blocked + n_gone + n_stopped + n_skipped <= n_total)
);
CREATE UNIQUE INDEX announcements_subject ON announcements (subject) WHERE subject IS NOT NULL;
CREATE INDEX announcements_status ON announcements (status, id);

-- The outbox: one row per recipient of an announcement. A pending row is
-- due from not_before on; claiming it moves not_before to the end of the
-- lease (claimed_at, attempts + 1), so a sender that dies leaves it to be
-- claimed again once the lease runs out. user_id is NULL once the person
-- has been erased.
CREATE TABLE deliveries (
	id              INTEGER PRIMARY KEY,
	announcement_id INTEGER NOT NULL REFERENCES announcements (id),
	user_id         INTEGER,
	status          TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed', 'blocked', 'gone', 'stopped', 'skipped')),
	attempts        INTEGER NOT NULL DEFAULT 0,
	not_before      INTEGER NOT NULL,
	claimed_at      INTEGER,
	done_at         INTEGER,
	message_id      INTEGER,                    -- Telegram's, once sent
	error           TEXT NOT NULL DEFAULT ''
);
CREATE INDEX deliveries_due ON deliveries (not_before) WHERE status = 'pending';
CREATE INDEX deliveries_announcement ON deliveries (announcement_id);
