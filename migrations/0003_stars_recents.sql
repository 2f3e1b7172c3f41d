-- Backlot catalog schema, version 3: the user's stars and recently visited entities.
-- Both are keyed by entity ref (not entities.id) so they survive re-ingestion and syncs, and
-- a starred entity that disappears comes back starred when it returns.

CREATE TABLE stars (
    entity_ref  TEXT PRIMARY KEY,           -- lowercased
    starred_at  INTEGER NOT NULL            -- unix milliseconds
) WITHOUT ROWID;

CREATE TABLE recent_visits (
    entity_ref  TEXT PRIMARY KEY,           -- lowercased
    visited_at  INTEGER NOT NULL            -- unix milliseconds
) WITHOUT ROWID;

CREATE INDEX recent_visits_time ON recent_visits (visited_at);

-- The "processing errors" filter looks problems up by file.
CREATE INDEX ingest_errors_file ON ingest_errors (file);
