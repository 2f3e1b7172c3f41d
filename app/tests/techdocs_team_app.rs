//! A team entity's docs through the whole app: the entity arrives by a real sync from a
//! Backstage-compatible catalog server, the token goes into a real Secret Service through
//! Settings' command, and `techdocs_site` fetches the published site from a docs server
//! with that token. Runs itself inside scripts/with-keyring.sh when started outside one.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

#[path = "docs_support/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use backlot_app::Api;
use backlot_catalog_sync::test_server::{Catalog, ServerOptions, TestServer};
use backlot_model::ErrorCode;
use common::{SiteServer, publish_team_site};
use serde_json::json;

const TOKEN: &str = "team-app-canary-7f3a";

fn wait_for_sync(api: &Api) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while api.dispatch("team_backend", json!({})).unwrap()["sync"]["running"]
        != serde_json::Value::Null
    {
        assert!(Instant::now() < deadline, "sync did not finish");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_synced_team_entity_reads_its_published_docs_with_the_keychain_token() {
    if !backlot_test_support::ensure_keyring_session(
        "a_synced_team_entity_reads_its_published_docs_with_the_keychain_token",
    ) {
        return;
    }
    let rt = tokio::runtime::Runtime::new().unwrap();
    let catalog = Catalog::from_entities(vec![json!({
        "apiVersion": "backstage.io/v1alpha1", "kind": "Component",
        "metadata": {"name": "team-svc", "annotations": {"backstage.io/techdocs-ref": "url:https://git.example/team-svc"}},
        "spec": {"type": "service", "lifecycle": "production", "owner": "team-a"}
    })]);
    let catalog_server = rt
        .block_on(TestServer::start(
            catalog,
            ServerOptions {
                token: None,
                ..Default::default()
            },
        ))
        .unwrap();
    let published = tempfile::tempdir().unwrap();
    publish_team_site(published.path(), "etag-app");
    let docs_server = SiteServer::start(published.path(), TOKEN);

    let dir = tempfile::tempdir().unwrap();
    let api = Api::open(dir.path());
    api.dispatch(
        "save_team_backend",
        json!({"url": catalog_server.base_url(), "token": null}),
    )
    .unwrap();
    api.dispatch("start_sync", json!({"full": true})).unwrap();
    wait_for_sync(&api);
    let listed = api.dispatch("techdocs_entities", json!({})).unwrap();
    assert_eq!(listed[0]["entityRef"], "component:default/team-svc");
    assert_eq!(listed[0]["origin"], "team");

    // The team backend now points at the docs server, with no token yet: a clear refusal.
    api.dispatch(
        "save_team_backend",
        json!({"url": docs_server.url, "token": null}),
    )
    .unwrap();
    let e = api
        .dispatch(
            "techdocs_site",
            json!({"entityRef": "component:default/team-svc"}),
        )
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Unauthorized, "{e}");
    assert!(e.message.contains("Settings → Team backend"), "{e}");

    // With the token in the keychain the site comes, fetched with it.
    api.dispatch(
        "save_team_backend",
        json!({"url": docs_server.url, "token": TOKEN}),
    )
    .unwrap();
    let site = api
        .dispatch(
            "techdocs_site",
            json!({"entityRef": "component:default/team-svc"}),
        )
        .unwrap();
    assert_eq!(site["siteName"], "Team Svc");
    assert_eq!(site["origin"], "team");
    let page = api
        .dispatch(
            "techdocs_page",
            json!({"entityRef": "component:default/team-svc", "page": "guide/install/index.html"}),
        )
        .unwrap();
    assert_eq!(page["title"], "Install");
    let seen = docs_server.seen.lock().unwrap();
    assert!(
        seen.iter()
            .any(|r| r.authorization.as_deref() == Some(&format!("Bearer {TOKEN}"))),
        "{seen:?}"
    );
    assert!(!serde_json::to_string(&site).unwrap().contains(TOKEN));
}
