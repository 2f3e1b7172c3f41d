-- Backlot catalog schema, version 2: entities synced from a team Backstage backend.
--
-- `team_entities` holds every team entity as the server sent it (with its `relations`, uid and
-- etag), whether it is visible or shadowed. A team entity is visible — it has a row in
-- `entities` (source_root 'team:' || source) with its docs, tags, relations (the server's, as
-- its own rows) and full-text rows — unless a local-file entity holds the same ref: local files
-- win, and the team copy stays here so that it comes back when the local one goes away.

CREATE TABLE team_entities (
    id          INTEGER PRIMARY KEY,
    entity_ref  TEXT NOT NULL UNIQUE,       -- kind:namespace/name, lowercased
    source      TEXT NOT NULL,              -- the team backend's base URL
    uid         TEXT,
    etag        TEXT NOT NULL,              -- metadata.etag ('' when the server sent none)
    json        TEXT NOT NULL               -- the entity as served, with relations
);

CREATE INDEX team_entities_source ON team_entities (source);

-- The last sync (one row): when it succeeded, what it did, the last error. JSON of
-- backlot_model::sync::SyncStatus; written in the sync's own transaction on success.
CREATE TABLE sync_status (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    json  TEXT NOT NULL
);
