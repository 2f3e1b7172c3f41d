//! Versioned schema: the numbered files of `migrations/`, applied in order at open and tracked
//! in `PRAGMA user_version`.

use rusqlite::Connection;

use crate::error::{Result, StoreError};

/// `(version, sql)`, in order. Add a file to `migrations/` and a line here. One line per
/// migration (not reformatted): scripts/package-test.sh adds one to its N+1 build.
#[rustfmt::skip]
const MIGRATIONS: &[(u32, &str)] = &[
    (1, include_str!("../../../migrations/0001_catalog.sql")),
    (2, include_str!("../../../migrations/0002_team_sync.sql")),
    (3, include_str!("../../../migrations/0003_stars_recents.sql")),
    (4, include_str!("../../../migrations/0004_search.sql")),
    (5, include_str!("../../../migrations/0005_sync_write_ahead.sql")),
    (6, include_str!("../../../migrations/0006_fts_prefixes.sql")),
];

/// The schema version this build writes.
pub fn latest_version() -> u32 {
    MIGRATIONS.last().map_or(0, |m| m.0)
}

pub fn current_version(conn: &Connection) -> Result<u32> {
    Ok(conn.pragma_query_value(None, "user_version", |r| r.get::<_, u32>(0))?)
}

/// Applies every migration newer than the database, each in its own transaction.
pub fn apply(conn: &mut Connection) -> Result<u32> {
    let found = current_version(conn)?;
    let latest = latest_version();
    if found > latest {
        return Err(StoreError::SchemaTooNew {
            found,
            supported: latest,
        });
    }
    for &(version, sql) in MIGRATIONS.iter().filter(|m| m.0 > found) {
        let tx = conn
            .transaction()
            .map_err(|source| StoreError::Migration { version, source })?;
        tx.execute_batch(sql)
            .map_err(|source| StoreError::Migration { version, source })?;
        tx.pragma_update(None, "user_version", version)
            .map_err(|source| StoreError::Migration { version, source })?;
        tx.commit()
            .map_err(|source| StoreError::Migration { version, source })?;
    }
    Ok(latest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_increasing_from_one() {
        for (i, (v, _)) in MIGRATIONS.iter().enumerate() {
            assert_eq!(*v as usize, i + 1);
        }
    }

    #[test]
    fn applies_once_and_refuses_newer_databases() {
        let mut conn = Connection::open_in_memory().unwrap();
        assert_eq!(apply(&mut conn).unwrap(), latest_version());
        assert_eq!(current_version(&conn).unwrap(), latest_version());
        assert_eq!(apply(&mut conn).unwrap(), latest_version());
        conn.pragma_update(None, "user_version", 99).unwrap();
        assert!(matches!(
            apply(&mut conn),
            Err(StoreError::SchemaTooNew { found: 99, .. })
        ));
    }

    #[test]
    fn full_text_tables_buffer_eight_megabytes_of_terms() {
        let mut conn = Connection::open_in_memory().unwrap();
        apply(&mut conn).unwrap();
        for table in ["entities_fts", "entity_names_fts", "search_fts"] {
            let size: i64 = conn
                .query_row(
                    &format!("SELECT v FROM {table}_config WHERE k = 'hashsize'"),
                    [],
                    |r| r.get(0),
                )
                .unwrap();
            assert_eq!(size, 8 << 20, "{table}");
        }
    }

    /// A store written by version 5 (FTS rows as its code wrote them) is searchable by its
    /// first letters after version 6 rebuilt the full-text tables.
    #[test]
    fn version_6_rebuilds_the_full_text_tables_from_the_entities() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v5.db");
        {
            let conn = Connection::open(&path).unwrap();
            for &(version, sql) in MIGRATIONS.iter().filter(|m| m.0 <= 5) {
                conn.execute_batch(sql).unwrap();
                conn.pragma_update(None, "user_version", version).unwrap();
            }
            conn.execute_batch(
                r#"
                INSERT INTO entities (id, entity_ref, kind, namespace, name, source_root, source_file, doc_index, line, hash)
                VALUES (7, 'component:default/payment-service', 'component', 'default', 'payment-service', '/r', '/r/c.yaml', 0, 1, 0);
                INSERT INTO entity_docs (id, json) VALUES (7, '{"apiVersion":"backstage.io/v1alpha1","kind":"Component",
                  "metadata":{"name":"payment-service","namespace":"default","title":"Card Payments","description":"Charges cards","tags":["billing"]},
                  "spec":{"type":"service","owner":"team-a","lifecycle":"production"}}');
                INSERT INTO entity_tags (entity_id, tag) VALUES (7, 'billing');
                INSERT INTO entities_fts (rowid, name, title, description, tags, kind)
                VALUES (7, 'payment-service', 'Card Payments', 'Charges cards', 'billing', 'component');
                INSERT INTO entity_names_fts (rowid, name, kind) VALUES (7, 'payment-service', 'component');
                INSERT INTO search_docs (id, doc_type, scope, location, title) VALUES (3, 'docs', 's', '/docs/s', 'Getting started');
                INSERT INTO search_fts (rowid, title, headings, text) VALUES (3, 'Getting started', 'Install', 'Run the installer');
                "#,
            )
            .unwrap();
        }
        let store = crate::Store::open(&path).unwrap();
        let found = |text: &str| {
            let q = backlot_model::query::EntityQuery {
                text: Some(text.into()),
                ..Default::default()
            };
            let page = store.query(&q).unwrap();
            page.items
                .iter()
                .map(|e| e.entity_ref.clone())
                .collect::<Vec<_>>()
        };
        for text in ["p", "se", "car", "charges", "b", "billing"] {
            assert_eq!(found(text), ["component:default/payment-service"], "{text}");
        }
        assert!(found("x").is_empty());
        drop(store);
        let conn = Connection::open(&path).unwrap();
        assert_eq!(current_version(&conn).unwrap(), 6);
        let docs: Vec<i64> = conn
            .prepare("SELECT rowid FROM search_fts WHERE search_fts MATCH 'r*'")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(docs, [3]);
        let prefix: String = conn
            .query_row(
                "SELECT sql FROM sqlite_master WHERE name = 'entities_fts'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert!(prefix.contains("prefix = '1 2 3'"), "{prefix}");
    }
}
