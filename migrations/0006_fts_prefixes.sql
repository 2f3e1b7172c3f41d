-- Backlot catalog schema, version 6: full-text prefix indexes for the first keystrokes, and
-- larger in-memory batches of terms.
--
-- Prefix indexes of 1, 2 and 3 characters (were 3 for entities, 2 and 3 for documents). A
-- search's first letter ("p*") no longer merges the doclist of every indexed word that starts
-- with it: at 100,000 entities counting "p*" went from ~110 ms to ~4 ms
-- (scripts/fts_prefix_tradeoff.py). The price is paid when writing: each word is indexed
-- under three prefixes instead of one (the catalog bench's "floor" row measures it).
--
-- hashsize: each table holds up to 8 MB of pending terms in memory before writing a segment
-- (FTS5's default is 1 MB), so a large ingestion or sync writes a few large segments instead
-- of hundreds of small ones that FTS5 merges again and again (at 100,000 entities the ingest
-- went from ~12.3 s to ~10.9 s). Pending terms live only inside a writing transaction.
--
-- The entity tables are contentless: they are rebuilt from the entities and their documents
-- (the same text store/write.rs indexes: name, title, description, tags, kind).

DROP TABLE entities_fts;
DROP TABLE entity_names_fts;

CREATE VIRTUAL TABLE entities_fts USING fts5 (
    name, title, description, tags, kind,
    content = '',
    contentless_delete = 1,
    prefix = '1 2 3',
    tokenize = "unicode61 remove_diacritics 2 tokenchars '+#'"
);

CREATE VIRTUAL TABLE entity_names_fts USING fts5 (
    name, kind,
    content = '',
    contentless_delete = 1,
    prefix = '1 2 3',
    tokenize = "unicode61 remove_diacritics 2 tokenchars '+#'"
);

INSERT INTO entities_fts (entities_fts, rank) VALUES ('hashsize', 8388608);
INSERT INTO entity_names_fts (entity_names_fts, rank) VALUES ('hashsize', 8388608);

INSERT INTO entities_fts (rowid, name, title, description, tags, kind)
SELECT e.id,
       json_extract(d.json, '$.metadata.name'),
       json_extract(d.json, '$.metadata.title'),
       json_extract(d.json, '$.metadata.description'),
       (SELECT group_concat(t.tag, ' ') FROM entity_tags t WHERE t.entity_id = e.id),
       e.kind
FROM entities e JOIN entity_docs d ON d.id = e.id;

INSERT INTO entity_names_fts (rowid, name, kind)
SELECT e.id, json_extract(d.json, '$.metadata.name'), e.kind
FROM entities e JOIN entity_docs d ON d.id = e.id;

-- Documents keep their content in the table: copied into the new one.
CREATE VIRTUAL TABLE search_fts_v6 USING fts5 (
    title, headings, text,
    prefix = '1 2 3',
    tokenize = "unicode61 remove_diacritics 2 tokenchars '+#'"
);
INSERT INTO search_fts_v6 (search_fts_v6, rank) VALUES ('hashsize', 8388608);
INSERT INTO search_fts_v6 (rowid, title, headings, text)
SELECT rowid, title, headings, text FROM search_fts;
DROP TABLE search_fts;
ALTER TABLE search_fts_v6 RENAME TO search_fts;
INSERT INTO search_fts (search_fts, rank) VALUES ('rank', 'bm25(10.0, 5.0, 1.0)');
