-- The official list: spaces, their services, rooms and descriptions.
CREATE TABLE spaces (
	id            TEXT PRIMARY KEY,
	name          TEXT NOT NULL CHECK (name <> ''),
	comune        TEXT NOT NULL,
	address       TEXT NOT NULL DEFAULT '',
	lat           REAL NOT NULL CHECK (lat BETWEEN -90 AND 90),
	lon           REAL NOT NULL CHECK (lon BETWEEN -180 AND 180),
	services      INTEGER NOT NULL DEFAULT 0,   -- bit mask, see registry.Services
	desks         INTEGER NOT NULL DEFAULT 0 CHECK (desks >= 0),
	opening_hours TEXT NOT NULL DEFAULT '',
	price_day_cents      INTEGER NOT NULL DEFAULT 0 CHECK (price_day_cents >= 0),
	price_half_day_cents INTEGER NOT NULL DEFAULT 0 CHECK (price_half_day_cents >= 0),
	phone         TEXT NOT NULL DEFAULT '',
	email         TEXT NOT NULL DEFAULT '',
	website       TEXT NOT NULL DEFAULT '',
	status        TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'suspended')),
	created_at    INTEGER NOT NULL,
	updated_at    INTEGER NOT NULL
);

CREATE TABLE space_descriptions (
	space_id TEXT NOT NULL REFERENCES spaces (id) ON DELETE CASCADE,
	lang     TEXT NOT NULL,
	text     TEXT NOT NULL,
	PRIMARY KEY (space_id, lang)
);

CREATE TABLE rooms (
	space_id         TEXT NOT NULL REFERENCES spaces (id) ON DELETE CASCADE,
	id               TEXT NOT NULL,
	name             TEXT NOT NULL CHECK (name <> ''),
	seats            INTEGER NOT NULL CHECK (seats > 0),
	price_hour_cents INTEGER NOT NULL DEFAULT 0 CHECK (price_hour_cents >= 0),
	PRIMARY KEY (space_id, id)
);

-- spaces_version moves on every change to the list, so every process notices
-- that its in-memory search index is stale.
CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT INTO meta (key, value) VALUES ('spaces_version', 0);

CREATE TRIGGER spaces_ins AFTER INSERT ON spaces BEGIN
	UPDATE meta SET value = value + 1 WHERE key = 'spaces_version'; END;
CREATE TRIGGER spaces_upd AFTER UPDATE ON spaces BEGIN
	UPDATE meta SET value = value + 1 WHERE key = 'spaces_version'; END;
CREATE TRIGGER spaces_del AFTER DELETE ON spaces BEGIN
	UPDATE meta SET value = value + 1 WHERE key = 'spaces_version'; END;
CREATE TRIGGER rooms_ins AFTER INSERT ON rooms BEGIN
	UPDATE meta SET value = value + 1 WHERE key = 'spaces_version'; END;
CREATE TRIGGER rooms_del AFTER DELETE ON rooms BEGIN
	UPDATE meta SET value = value + 1 WHERE key = 'spaces_version'; END;
CREATE TRIGGER descr_ins AFTER INSERT ON space_descriptions BEGIN
	UPDATE meta SET value = value + 1 WHERE key = 'spaces_version'; END;
CREATE TRIGGER descr_del AFTER DELETE ON space_descriptions BEGIN
	UPDATE meta SET value = value + 1 WHERE key = 'spaces_version'; END;
