-- Backlot catalog schema, version 6: full-text tables hold up to 8 MB of pending terms in
-- memory before writing a segment (FTS5's default is 1 MB).
--
-- A large ingestion or sync then writes a few large segments instead of hundreds of small
-- ones that FTS5 merges again and again: at 100,000 entities the catalog bench's ingest went
-- from ~13 s to ~11 s. Pending terms only live inside a writing transaction; the setting is
-- stored with each table (its %_config), so it needs no pragma at open.
INSERT INTO entities_fts (entities_fts, rank) VALUES ('hashsize', 8388608);
INSERT INTO entity_names_fts (entity_names_fts, rank) VALUES ('hashsize', 8388608);
INSERT INTO search_fts (search_fts, rank) VALUES ('hashsize', 8388608);
