-- The list's version moves on an update of a room or a description too,
-- not only on their insertion and deletion: the spaces kept in memory
-- (the search index, and each space read by DB.Space) are dropped when it
-- moves. The bot replaces rooms and descriptions (delete, then insert);
-- these cover a clerk's hand-made UPDATE as well.
CREATE TRIGGER rooms_upd AFTER UPDATE ON rooms BEGIN
	UPDATE meta SET value = value + 1 WHERE key = 'spaces_version'; END;
CREATE TRIGGER descr_upd AFTER UPDATE ON space_descriptions BEGIN
	UPDATE meta SET value = value + 1 WHERE key = 'spaces_version'; END;
