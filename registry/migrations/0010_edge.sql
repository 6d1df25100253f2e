-- Updates the Telegram front end confirmed to Telegram before it was done
-- with them (a reply still being retried, minutes long, that would
-- otherwise hold back everyone else's updates): kept here, with the update
-- as Telegram sent it, so that a restart handles them again. A row goes
-- when its update is marked handled.
CREATE TABLE held_updates (
	source    TEXT NOT NULL,
	update_id INTEGER NOT NULL,
	raw       TEXT NOT NULL,                  -- the update's JSON
	held_at   INTEGER NOT NULL,
	PRIMARY KEY (source, update_id)
);
