-- Backlot catalog schema, version 5: a large first sync writes ahead of its commit.
--
-- A first full sync of a large team catalog writes most of its rows — documents, tags,
-- relations, full-text rows, the team copies — in short transactions before its commit, so
-- that the commit (the one transaction that makes the sync visible) holds the write lock
-- briefly and the user's own writes never wait long (see store/team_write_ahead.rs).
--
-- The rows written ahead belong to entity ids in [lo, hi): above every id in use, and without
-- an `entities` row until the commit inserts them. Queries reach documents, tags and relations
-- through `entities`, so they never see them; queries that read the full-text tables alone
-- skip rowids from `lo` up while a range is recorded here. The commit removes the record; a
-- sync that never committed (killed, failed) leaves it, and the next sync deletes its rows.
CREATE TABLE pending_ids (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    lo  INTEGER NOT NULL,
    hi  INTEGER NOT NULL
);

-- The team copies written ahead; the commit swaps this table with `team_entities` (it is empty
-- otherwise). Same columns as team_entities.
CREATE TABLE team_entities_next (
    id          INTEGER PRIMARY KEY,
    entity_ref  TEXT NOT NULL UNIQUE,
    source      TEXT NOT NULL,
    uid         TEXT,
    etag        TEXT NOT NULL,
    json        TEXT NOT NULL
);
