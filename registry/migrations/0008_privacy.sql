-- Privacy (issue 15): the purge and the erasure find what is theirs without
-- reading every row. The purge runs every minute: shared locations and
-- conversations' states past their time, bookings that still name someone.
CREATE INDEX users_located ON users (located_at) WHERE located_at IS NOT NULL;
CREATE INDEX users_state ON users (updated_at) WHERE state <> '{}';
CREATE INDEX bookings_named ON bookings (day) WHERE user_id <> 0;
CREATE INDEX waitlist_day ON waitlist (day);
CREATE INDEX mailbox_created ON mailbox (created_at);
-- What a person did, for their export and their erasure.
CREATE INDEX audit_actor ON audit_log (actor);
CREATE INDEX applications_user ON applications (user_id);
CREATE INDEX changes_user ON changes (user_id);
