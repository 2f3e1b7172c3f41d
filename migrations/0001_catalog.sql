-- Backlot catalog schema, version 1.
-- Entities: the lowercased columns queries filter and sort on; their JSON is in entity_docs.

CREATE TABLE entities (
    id           INTEGER PRIMARY KEY,
    entity_ref   TEXT NOT NULL UNIQUE,      -- kind:namespace/name, lowercased
    kind         TEXT NOT NULL,             -- lowercased
    namespace    TEXT NOT NULL,             -- lowercased
    name         TEXT NOT NULL,             -- lowercased
    spec_type    TEXT,                      -- lowercased
    owner        TEXT,                      -- full ref, lowercased
    lifecycle    TEXT,                      -- lowercased
    system       TEXT,                      -- full ref, lowercased
    source_root  TEXT NOT NULL,             -- the ingested path this entity came through
    source_file  TEXT NOT NULL,
    doc_index    INTEGER NOT NULL,
    line         INTEGER NOT NULL,
    hash         INTEGER NOT NULL           -- content hash, to skip unchanged entities
);

-- The entity in Backstage's API shape (without relations), apart from the narrow rows above so
-- that scans, counts and index builds over `entities` stay cheap.
CREATE TABLE entity_docs (
    id    INTEGER PRIMARY KEY,              -- entities.id
    json  TEXT NOT NULL
);

-- Secondary indexes are dropped and rebuilt around large ingestions (see store/write.rs);
-- every index on entities, entity_tags and relations must be recreatable from its SQL.
CREATE INDEX entities_kind ON entities (kind, lifecycle);
CREATE INDEX entities_name ON entities (name);
CREATE INDEX entities_type ON entities (spec_type);
CREATE INDEX entities_owner ON entities (owner);
CREATE INDEX entities_system ON entities (system);

-- Children of entities are deleted explicitly with their entity (no foreign keys: they would
-- cost a lookup per inserted row).
CREATE TABLE entity_tags (
    entity_id  INTEGER NOT NULL,
    tag        TEXT NOT NULL,               -- lowercased
    PRIMARY KEY (entity_id, tag)
) WITHOUT ROWID;

CREATE INDEX entity_tags_tag ON entity_tags (tag);

-- The relations an entity's spec produces, stored once, in the direction they are written
-- (ownedBy, partOf, …). The inverse direction (ownerOf, hasPart, …) is read from the same row:
-- an entity's relations are its own rows plus the inverses of rows that target it.
CREATE TABLE relations (
    originating_id  INTEGER NOT NULL,       -- entities.id of the entity whose spec says it
    type            TEXT NOT NULL,
    target_ref      TEXT NOT NULL,          -- lowercased
    PRIMARY KEY (originating_id, type, target_ref)
) WITHOUT ROWID;

CREATE INDEX relations_target ON relations (target_ref, type);

-- Full-text index over name, title, description and tags; rowid = entities.id. The kind is
-- indexed too so that a kind filter is matched inside the index (it is never searched as text).
-- The 3-character prefix index makes the usual short prefixes ("pay*") read one doclist.
-- Contentless tables need detail=full for bm25 to work.
CREATE VIRTUAL TABLE entities_fts USING fts5 (
    name, title, description, tags, kind,
    content = '',
    contentless_delete = 1,
    prefix = '3',
    tokenize = "unicode61 remove_diacritics 2 tokenchars '+#'"
);

-- Names alone: a small index to rank name matches first when a search matches too many
-- entities to rank them all (see store/query.rs).
CREATE VIRTUAL TABLE entity_names_fts USING fts5 (
    name, kind,
    content = '',
    contentless_delete = 1,
    prefix = '3',
    tokenize = "unicode61 remove_diacritics 2 tokenchars '+#'"
);

-- Problems from the last ingestion of each source root, for the summary and the UI.
CREATE TABLE ingest_errors (
    source_root  TEXT NOT NULL,
    file         TEXT NOT NULL,
    doc_index    INTEGER,
    line         INTEGER,
    col          INTEGER,
    field        TEXT,
    message      TEXT NOT NULL
);

CREATE INDEX ingest_errors_root ON ingest_errors (source_root);

CREATE TABLE preferences (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);

-- Facet counts per kind, refreshed after each ingestion, so the facets of the whole catalog
-- and of a kind selection (the catalog page's usual views) cost a few index reads.
CREATE TABLE facet_counts (
    kind   TEXT NOT NULL,
    facet  TEXT NOT NULL,
    value  TEXT NOT NULL,
    count  INTEGER NOT NULL,
    PRIMARY KEY (kind, facet, value)
) WITHOUT ROWID;
