-- An erased person's past sign-ups stay, with user id 0 ("a person since
-- erased"), so that an event's count of who came is kept; two erased
-- people at one event must not collide in the once-a-person index.
DROP INDEX signups_once;
CREATE UNIQUE INDEX signups_once ON signups (event_id, user_id) WHERE status = 'confirmed' AND user_id <> 0;
