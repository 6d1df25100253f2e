-- The people who talk to the bot, with what the conversation remembers of
-- them. The conversation's own state is opaque JSON owned by the bot.
CREATE TABLE users (
	id          INTEGER PRIMARY KEY,          -- Telegram user id
	first_name  TEXT NOT NULL DEFAULT '',
	lang        TEXT NOT NULL DEFAULT '',     -- chosen language; '' = follow the client
	lat         REAL,                          -- last shared location
	lon         REAL,
	located_at  INTEGER,
	state       TEXT NOT NULL DEFAULT '{}',
	subscribed  INTEGER NOT NULL DEFAULT 0,
	blocked     INTEGER NOT NULL DEFAULT 0,   -- the user blocked the bot: stop messaging
	created_at  INTEGER NOT NULL,
	updated_at  INTEGER NOT NULL
);

-- Key/value settings of the running bot, e.g. the Telegram update offset.
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);

-- Updates already handled, so a redelivered update is not handled twice.
CREATE TABLE handled_updates (
	source     TEXT NOT NULL,
	update_id  INTEGER NOT NULL,
	handled_at INTEGER NOT NULL,
	PRIMARY KEY (source, update_id)
);
