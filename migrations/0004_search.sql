-- Backlot catalog schema, version 4: the search index of what is not an entity — docs pages,
-- API operations, and what plugins collate. Entities are searched in place (entities_fts).
-- Documents come in scopes: one source (an entity's docs site, an API's definition) whose
-- documents are replaced together when its stamp changes.

-- Bumped by every write that changes the catalog (ingest, sync, a targeted refresh): the
-- search index is brought up to date when it moved.
CREATE TABLE catalog_version (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    n           INTEGER NOT NULL
);
INSERT INTO catalog_version (id, n) VALUES (1, 0);

CREATE TABLE search_scopes (
    doc_type    TEXT NOT NULL,              -- 'docs', 'api', a plugin's type
    scope       TEXT NOT NULL,              -- the entity ref it came from (lowercased)
    stamp       TEXT NOT NULL,              -- changes when its documents would
    PRIMARY KEY (doc_type, scope)
) WITHOUT ROWID;

CREATE TABLE search_docs (
    id          INTEGER PRIMARY KEY,
    doc_type    TEXT NOT NULL,
    scope       TEXT NOT NULL,
    location    TEXT NOT NULL,              -- where it opens in the app
    title       TEXT NOT NULL,
    subtitle    TEXT,
    entity_ref  TEXT
);
CREATE INDEX search_docs_scope ON search_docs (doc_type, scope);

-- Ranked with bm25 weights title > headings > text; prefix queries of 2 and 3 characters.
CREATE VIRTUAL TABLE search_fts USING fts5 (
    title, headings, text,
    prefix = '2 3',
    tokenize = "unicode61 remove_diacritics 2 tokenchars '+#'"
);

-- The index's words, for typo-tolerant queries.
CREATE VIRTUAL TABLE search_vocab USING fts5vocab (search_fts, 'row');

-- `ORDER BY rank` on search_fts is bm25 with the field weights above.
INSERT INTO search_fts (search_fts, rank) VALUES ('rank', 'bm25(10.0, 5.0, 1.0)');
