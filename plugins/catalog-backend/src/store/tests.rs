use super::*;

#[test]
fn preferences_round_trip() {
    let store = Store::open_in_memory().unwrap();
    assert_eq!(store.get_preference("theme").unwrap(), None);
    store.set_preference("theme", "dark").unwrap();
    store.set_preference("theme", "light").unwrap();
    assert_eq!(
        store.get_preference("theme").unwrap().as_deref(),
        Some("light")
    );
}

#[test]
fn open_creates_folders_uses_wal_and_reports_status() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a/b/catalog.db");
    let store = Store::open(&path).unwrap();
    let mode: String = store
        .conn()
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    let status = store.status();
    assert!(status.ok, "{status:?}");
    assert_eq!(status.schema_version, crate::migrations::latest_version());
    assert_eq!(status.entity_count, 0);
    assert!(status.size_bytes > 0);
    assert!(status.path.ends_with("catalog.db"));
    drop(store);
    // Reopening an existing file keeps the schema and does not fail.
    assert!(Store::open(&path).unwrap().status().ok);
}

#[test]
fn store_is_send() {
    fn assert_send<T: Send>() {}
    assert_send::<Store>();
}
