-- The language the user's Telegram client reports, for the messages the bot
-- sends by itself (reminders, waitlist offers) to someone who never chose one.
ALTER TABLE users ADD COLUMN client_lang TEXT NOT NULL DEFAULT '';
