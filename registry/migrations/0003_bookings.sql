-- Desk and room bookings, the provider's closures, the waitlist with its
-- offers, and who wants a reminder. Days are 'YYYY-MM-DD' calendar dates in
-- Europe/Rome; times of day are wall-clock minutes since midnight; instants
-- are Unix seconds. Nothing here is ever deleted: a booking is cancelled.
CREATE TABLE bookings (
	id           INTEGER PRIMARY KEY,
	code         TEXT NOT NULL UNIQUE CHECK (length(code) = 6),
	key          TEXT NOT NULL UNIQUE CHECK (key <> ''),  -- idempotency key
	user_id      INTEGER NOT NULL,
	space_id     TEXT NOT NULL REFERENCES spaces (id),
	room_id      TEXT NOT NULL DEFAULT '',                 -- '' for desks
	day          TEXT NOT NULL CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
	slot         TEXT NOT NULL CHECK (slot IN ('morning', 'afternoon', 'day', 'hours')),
	start_min    INTEGER NOT NULL CHECK (start_min >= 0),
	end_min      INTEGER NOT NULL CHECK (end_min > start_min AND end_min <= 1440),
	desks        INTEGER NOT NULL CHECK (desks >= 0),
	status       TEXT NOT NULL CHECK (status IN ('confirmed', 'cancelled')),
	created_at   INTEGER NOT NULL,
	cancelled_at INTEGER,
	reminded_at  INTEGER,
	CHECK ((room_id = '') = (desks > 0)),
	CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL))
);
CREATE INDEX bookings_space_day ON bookings (space_id, day, status);
CREATE INDEX bookings_user ON bookings (user_id, status, day);
CREATE INDEX bookings_day ON bookings (day, status);

-- Days a provider closes a space (holidays of their own, works, events).
CREATE TABLE closures (
	id         INTEGER PRIMARY KEY,
	space_id   TEXT NOT NULL REFERENCES spaces (id) ON DELETE CASCADE,
	first_day  TEXT NOT NULL CHECK (first_day GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
	last_day   TEXT NOT NULL CHECK (last_day >= first_day),
	note       TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL
);
CREATE INDEX closures_space ON closures (space_id, last_day);

-- People waiting for desks in a full slot, first come first served.
CREATE TABLE waitlist (
	id         INTEGER PRIMARY KEY,
	user_id    INTEGER NOT NULL,
	space_id   TEXT NOT NULL REFERENCES spaces (id),
	day        TEXT NOT NULL CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
	slot       TEXT NOT NULL CHECK (slot IN ('morning', 'afternoon', 'day', 'hours')),
	start_min  INTEGER NOT NULL CHECK (start_min >= 0),
	end_min    INTEGER NOT NULL CHECK (end_min > start_min AND end_min <= 1440),
	desks      INTEGER NOT NULL CHECK (desks > 0),
	status     TEXT NOT NULL CHECK (status IN ('waiting', 'offered', 'booked', 'declined', 'expired', 'left')),
	created_at INTEGER NOT NULL
);
CREATE INDEX waitlist_space_day ON waitlist (space_id, day, status);
CREATE UNIQUE INDEX waitlist_once ON waitlist (user_id, space_id, day, start_min, end_min)
	WHERE status IN ('waiting', 'offered');

-- A place offered to the one waiting: held for them until expires_at.
CREATE TABLE offers (
	id         INTEGER PRIMARY KEY,
	entry_id   INTEGER NOT NULL UNIQUE REFERENCES waitlist (id),
	status     TEXT NOT NULL CHECK (status IN ('open', 'accepted', 'declined', 'expired')),
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL CHECK (expires_at >= created_at),
	booking_id INTEGER REFERENCES bookings (id),
	CHECK ((status = 'accepted') = (booking_id IS NOT NULL))
);
CREATE INDEX offers_open ON offers (status, expires_at);

-- Whoever turned the evening-before reminders off (on is the default).
CREATE TABLE reminder_prefs (
	user_id   INTEGER PRIMARY KEY,
	reminders INTEGER NOT NULL CHECK (reminders IN (0, 1))
);
