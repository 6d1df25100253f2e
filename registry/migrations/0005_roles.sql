-- Who may change the list, and a record of every change: the comune's
-- staff, the providers of each space, invitations to become one,
-- applications to join the list, the changes that wait for the staff's
-- review, the audit log, and the messages kept for people who are not at
-- the console.
CREATE TABLE staff (
	user_id  INTEGER PRIMARY KEY,                 -- Telegram user id
	name     TEXT NOT NULL DEFAULT '',
	added_by INTEGER,                             -- NULL: named on the server's command line
	added_at INTEGER NOT NULL
);

CREATE TABLE providers (
	space_id TEXT NOT NULL REFERENCES spaces (id),
	user_id  INTEGER NOT NULL,
	added_at INTEGER NOT NULL,
	muted    INTEGER NOT NULL DEFAULT 0 CHECK (muted IN (0, 1)), -- not told of each booking
	PRIMARY KEY (space_id, user_id)
);
CREATE INDEX providers_user ON providers (user_id);

-- A one-time link that makes whoever opens it the provider of a space. Only
-- a hash of the token is kept.
CREATE TABLE invitations (
	token_hash TEXT PRIMARY KEY,
	space_id   TEXT NOT NULL REFERENCES spaces (id),
	created_by INTEGER,                           -- NULL: the command line
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL CHECK (expires_at > created_at),
	used_by    INTEGER,
	used_at    INTEGER,
	CHECK ((used_by IS NULL) = (used_at IS NULL))
);

-- A request to join the list: the space as proposed (JSON, the registry's
-- own encoding), until the staff approve it (it becomes a space) or reject it.
CREATE TABLE applications (
	id         INTEGER PRIMARY KEY,
	user_id    INTEGER NOT NULL,
	space_id   TEXT NOT NULL,                     -- the id the space will have
	proposal   TEXT NOT NULL,
	status     TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
	created_at INTEGER NOT NULL,
	decided_by INTEGER,
	decided_at INTEGER,
	reason     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX applications_status ON applications (status, id);
CREATE UNIQUE INDEX applications_pending_space ON applications (space_id) WHERE status = 'pending';

-- A provider's change to a part of the listing that the comune vouches for
-- (name, address, location, services, desks): it waits for the staff.
CREATE TABLE changes (
	id         INTEGER PRIMARY KEY,
	space_id   TEXT NOT NULL REFERENCES spaces (id),
	user_id    INTEGER NOT NULL,
	field      TEXT NOT NULL,
	before     TEXT NOT NULL,                     -- JSON
	after      TEXT NOT NULL,                     -- JSON
	status     TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'superseded')),
	created_at INTEGER NOT NULL,
	decided_by INTEGER,
	decided_at INTEGER,
	reason     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX changes_status ON changes (status, id);
CREATE UNIQUE INDEX changes_pending_field ON changes (space_id, field) WHERE status = 'pending';

-- Every change to the list and to who may change it: who (a Telegram user
-- id, or NULL for the server's command line), as what, when, what, before
-- and after (JSON).
CREATE TABLE audit_log (
	id       INTEGER PRIMARY KEY,
	at       INTEGER NOT NULL,
	actor    INTEGER,
	role     TEXT NOT NULL CHECK (role IN ('operator', 'staff', 'provider', 'citizen')),
	action   TEXT NOT NULL,
	space_id TEXT NOT NULL DEFAULT '',
	before   TEXT NOT NULL DEFAULT '',
	after    TEXT NOT NULL DEFAULT '',
	note     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_at ON audit_log (at);

-- Messages for someone who was not there to receive them (the console chat
-- speaks as one person at a time): shown the next time they open the chat.
CREATE TABLE mailbox (
	id         INTEGER PRIMARY KEY,
	user_id    INTEGER NOT NULL,
	created_at INTEGER NOT NULL,
	message    TEXT NOT NULL                      -- JSON, owned by the bot
);
CREATE INDEX mailbox_user ON mailbox (user_id, id);

-- Each space as the comune's file last gave it (a GeoJSON feature), so that
-- a re-import tells the file's changes from the chat's.
CREATE TABLE imported (
	space_id TEXT PRIMARY KEY REFERENCES spaces (id),
	feature  TEXT NOT NULL,
	at       INTEGER NOT NULL
);

-- Why a booking was cancelled: by the person ('' or 'user'), a closure of
-- the provider's, the space's suspension, or the person's erasure.
ALTER TABLE bookings ADD COLUMN cancelled_by TEXT NOT NULL DEFAULT ''
	CHECK (cancelled_by IN ('', 'user', 'closure', 'suspension', 'erasure'));
