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
    (6, include_str!("../../../migrations/0006_fts_pending.sql")),
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
}
