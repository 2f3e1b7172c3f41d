-- Backlot catalog schema, version 1.
-- Entities keep their full JSON plus the lowercased columns queries filter and sort on.

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
    title        TEXT,
    description  TEXT,
    source_root  TEXT NOT NULL,             -- the ingested path this entity came through
    source_file  TEXT NOT NULL,
    doc_index    INTEGER NOT NULL,
    line         INTEGER NOT NULL,
    hash         INTEGER NOT NULL,          -- content hash, to skip unchanged entities
    json         TEXT NOT NULL              -- the entity in Backstage's API shape, without relations
);

CREATE INDEX entities_kind_name ON entities (kind, name);
CREATE INDEX entities_name ON entities (name);
CREATE INDEX entities_type ON entities (spec_type);
CREATE INDEX entities_owner ON entities (owner);
CREATE INDEX entities_lifecycle ON entities (lifecycle);
CREATE INDEX entities_system ON entities (system);
CREATE INDEX entities_namespace ON entities (namespace);
CREATE INDEX entities_source_root ON entities (source_root);

CREATE TABLE entity_tags (
    tag        TEXT NOT NULL,               -- lowercased
    entity_id  INTEGER NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
    PRIMARY KEY (tag, entity_id)
) WITHOUT ROWID;

CREATE INDEX entity_tags_entity ON entity_tags (entity_id);

-- Every relation an entity's spec produces, both directions; an entity's relations are the
-- rows whose source_ref is its ref, whichever entity originated them.
CREATE TABLE relations (
    originating_id  INTEGER NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
    source_ref      TEXT NOT NULL,
    type            TEXT NOT NULL,
    target_ref      TEXT NOT NULL
);

CREATE INDEX relations_source ON relations (source_ref, type, target_ref);
CREATE INDEX relations_target ON relations (target_ref, type);
CREATE INDEX relations_origin ON relations (originating_id);

-- Full-text index over name, title, description and tags; rowid = entities.id.
CREATE VIRTUAL TABLE entities_fts USING fts5 (
    name, title, description, tags,
    content = '',
    contentless_delete = 1,
    prefix = '2 3 4',
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

-- Facet counts over the whole catalog, refreshed after each ingestion, so the unfiltered
-- facets (the catalog page's first view) cost a few index reads.
CREATE TABLE facet_counts (
    facet  TEXT NOT NULL,
    value  TEXT NOT NULL,
    count  INTEGER NOT NULL,
    PRIMARY KEY (facet, value)
) WITHOUT ROWID;
