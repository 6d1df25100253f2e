-- Events and courses in the listed spaces, the people signed up for them,
-- and the waiting lists of full ones. Each row of events is one meeting: a
-- one-off event is a series of one, a weekly course of N meetings is N rows
-- sharing series_id (the id of its first meeting), so that every meeting has
-- its own seats, sign-ups, time, status and sequence. Days are 'YYYY-MM-DD'
-- calendar dates in Europe/Rome; times of day are wall-clock minutes since
-- midnight; instants are Unix seconds. Nothing here is ever deleted: an
-- event or a sign-up is cancelled.
CREATE TABLE events (
	id            INTEGER PRIMARY KEY,
	series_id     INTEGER NOT NULL,                      -- the first meeting's id; its own for a one-off
	meeting       INTEGER NOT NULL CHECK (meeting >= 1), -- which meeting of the series
	meetings      INTEGER NOT NULL CHECK (meetings >= meeting),
	space_id      TEXT NOT NULL REFERENCES spaces (id),
	room_id       TEXT NOT NULL DEFAULT '',              -- '' when it names no room
	title         TEXT NOT NULL CHECK (title <> ''),
	description   TEXT NOT NULL DEFAULT '',
	lang          TEXT NOT NULL CHECK (length(lang) = 2), -- the language it is held in
	photo         TEXT NOT NULL DEFAULT '',              -- opaque: a file id the bot keeps
	day           TEXT NOT NULL CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
	start_min     INTEGER NOT NULL CHECK (start_min >= 0),
	end_min       INTEGER NOT NULL CHECK (end_min > start_min AND end_min <= 1440),
	seats         INTEGER NOT NULL CHECK (seats >= 0),   -- 0: unlimited
	price_cents   INTEGER NOT NULL DEFAULT 0 CHECK (price_cents >= 0),
	status        TEXT NOT NULL CHECK (status IN ('published', 'cancelled')),
	sequence      INTEGER NOT NULL DEFAULT 0 CHECK (sequence >= 0), -- iCalendar's SEQUENCE
	search        TEXT NOT NULL DEFAULT '',              -- title and description folded, for the text match
	created_by    INTEGER,                               -- NULL: the server's command line
	created_at    INTEGER NOT NULL,
	updated_at    INTEGER NOT NULL,
	cancelled_at  INTEGER,
	cancel_reason TEXT NOT NULL DEFAULT '',
	CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL))
);
CREATE INDEX events_day ON events (day, start_min);
CREATE INDEX events_space ON events (space_id, day);
CREATE INDEX events_series ON events (series_id, meeting);

-- A place for people at one meeting. A request for a whole course writes
-- one row a meeting, all with its key (and asked_id, the meeting it named).
CREATE TABLE signups (
	id           INTEGER PRIMARY KEY,
	key          TEXT NOT NULL CHECK (key <> ''),         -- idempotency key of the request
	user_id      INTEGER NOT NULL,
	event_id     INTEGER NOT NULL REFERENCES events (id),
	asked_id     INTEGER NOT NULL,
	series       INTEGER NOT NULL CHECK (series IN (0, 1)),
	people       INTEGER NOT NULL CHECK (people > 0),
	status       TEXT NOT NULL CHECK (status IN ('confirmed', 'cancelled')),
	created_at   INTEGER NOT NULL,
	cancelled_at INTEGER,
	cancelled_by TEXT NOT NULL DEFAULT ''
		CHECK (cancelled_by IN ('', 'user', 'event', 'closure', 'suspension', 'erasure')),
	reminded_at  INTEGER,
	CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL)),
	UNIQUE (key, event_id)
);
CREATE INDEX signups_event ON signups (event_id, status);
CREATE INDEX signups_user ON signups (user_id, status);
CREATE UNIQUE INDEX signups_once ON signups (event_id, user_id) WHERE status = 'confirmed';

-- People waiting for seats at a full meeting, first come first served.
CREATE TABLE event_waitlist (
	id         INTEGER PRIMARY KEY,
	event_id   INTEGER NOT NULL REFERENCES events (id),
	user_id    INTEGER NOT NULL,
	people     INTEGER NOT NULL CHECK (people > 0),
	status     TEXT NOT NULL CHECK (status IN ('waiting', 'offered', 'booked', 'declined', 'expired', 'left')),
	created_at INTEGER NOT NULL
);
CREATE INDEX event_waitlist_event ON event_waitlist (event_id, status);
CREATE INDEX event_waitlist_user ON event_waitlist (user_id, status);
CREATE UNIQUE INDEX event_waitlist_once ON event_waitlist (event_id, user_id) WHERE status IN ('waiting', 'offered');

-- Seats offered to one who waits: held for them until expires_at.
CREATE TABLE event_offers (
	id         INTEGER PRIMARY KEY,
	entry_id   INTEGER NOT NULL UNIQUE REFERENCES event_waitlist (id),
	status     TEXT NOT NULL CHECK (status IN ('open', 'accepted', 'declined', 'expired')),
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL CHECK (expires_at >= created_at),
	signup_id  INTEGER REFERENCES signups (id),
	CHECK ((status = 'accepted') = (signup_id IS NOT NULL))
);
CREATE INDEX event_offers_open ON event_offers (status, expires_at);
