//! Syncing from a team backend through the API, against a Backstage-compatible server on
//! 127.0.0.1: Settings saves the URL, "Sync now" runs in the background with progress,
//! the catalog fills, a second sync is incremental, failures are recorded and leave the
//! catalog as it was.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use std::time::{Duration, Instant};

use backlot_app::Api;
use backlot_catalog_sync::test_server::{
    Catalog, Fault, FaultOn, FaultRule, ServerOptions, TestServer,
};
use backlot_model::ipc::TeamBackend;
use serde_json::json;

fn server(n: usize, opts: ServerOptions) -> (tokio::runtime::Runtime, TestServer) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt
        .block_on(TestServer::start(Catalog::generate(n), opts))
        .unwrap();
    (rt, server)
}

fn team(api: &Api) -> TeamBackend {
    serde_json::from_value(api.dispatch("team_backend", json!({})).unwrap()).unwrap()
}

/// Waits (bounded) for the background sync to end; returns the state after it.
fn wait_for_sync(api: &Api) -> TeamBackend {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let team = team(api);
        if team.sync.running.is_none() {
            return team;
        }
        assert!(
            Instant::now() < deadline,
            "sync did not finish in 60 s: {:?}",
            team.sync.running
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn total(api: &Api) -> u64 {
    api.dispatch("catalog_summary", json!({})).unwrap()["total"]
        .as_u64()
        .unwrap()
}

#[test]
fn sync_now_fills_the_catalog_then_stays_incremental() {
    let (_rt, server) = server(
        300,
        ServerOptions {
            token: None,
            ..ServerOptions::default()
        },
    );
    let dir = tempfile::tempdir().unwrap();
    let api = Api::open(dir.path());

    let check = api
        .dispatch(
            "test_team_backend",
            json!({"url": server.base_url(), "token": null}),
        )
        .unwrap();
    assert_eq!(check["entityCount"], 300);

    api.dispatch(
        "save_team_backend",
        json!({"url": format!("{}/", server.base_url()), "token": null}),
    )
    .unwrap();
    assert_eq!(
        team(&api).url.as_deref(),
        Some(server.base_url().as_str()),
        "saved without the trailing slash"
    );

    let started = api.dispatch("start_sync", json!({"full": false})).unwrap();
    assert_eq!(
        started["running"]["mode"], "full",
        "the first sync is a full one"
    );
    let after = wait_for_sync(&api);
    let status = after.sync.status.expect("status recorded");
    assert!(status.last_success_ms.is_some(), "{status:?}");
    assert_eq!(status.last_error, None);
    assert_eq!(status.added, 300);
    assert_eq!(total(&api), 300);

    // Change one entity upstream: the next "Sync now" is incremental and applies just that.
    let key = server.with_catalog(|c| c.keys().next().cloned()).unwrap();
    server.with_catalog(|c| c.touch(&key));
    let started = api.dispatch("start_sync", json!({"full": false})).unwrap();
    assert_eq!(started["running"]["mode"], "incremental");
    let status = wait_for_sync(&api).sync.status.unwrap();
    assert_eq!(
        (status.added, status.updated, status.removed),
        (0, 1, 0),
        "{status:?}"
    );
    assert_eq!(total(&api), 300);
}

#[test]
fn a_failed_sync_is_recorded_and_the_catalog_is_untouched() {
    let (_rt, server) = server(
        120,
        ServerOptions {
            token: None,
            ..ServerOptions::default()
        },
    );
    let dir = tempfile::tempdir().unwrap();
    let api = Api::open(dir.path());
    api.dispatch(
        "save_team_backend",
        json!({"url": server.base_url(), "token": null}),
    )
    .unwrap();
    api.dispatch("start_sync", json!({"full": true})).unwrap();
    wait_for_sync(&api);
    assert_eq!(total(&api), 120);

    server.with_catalog(|c| {
        let key = c.keys().next().cloned().unwrap();
        c.remove(&key);
    });
    server.inject(FaultRule::always(FaultOn::Any, Fault::Status(500)));
    api.dispatch("start_sync", json!({"full": true})).unwrap();
    let status = wait_for_sync(&api).sync.status.unwrap();
    assert_eq!(
        status.last_error_kind.as_deref(),
        Some("server_error"),
        "{status:?}"
    );
    assert!(status.last_success_ms.is_some(), "the last success is kept");
    assert_eq!(total(&api), 120, "the failed sync changed nothing");

    server.clear_faults();
    api.dispatch("start_sync", json!({"full": false})).unwrap();
    let status = wait_for_sync(&api).sync.status.unwrap();
    assert_eq!(status.last_error, None, "{status:?}");
    assert_eq!(total(&api), 119);
}

#[test]
fn sync_without_a_backend_or_twice_at_once_is_refused_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let api = Api::open(dir.path());
    let err = api
        .dispatch("start_sync", json!({"full": false}))
        .unwrap_err();
    assert!(err.message.contains("no team backend"), "{err}");
    let err = api
        .dispatch(
            "save_team_backend",
            json!({"url": "backstage.local", "token": null}),
        )
        .unwrap_err();
    assert!(err.message.contains("not a backend URL"), "{err}");
}

#[test]
fn background_sync_runs_when_due_and_not_before() {
    let (_rt, server) = server(
        40,
        ServerOptions {
            token: None,
            ..ServerOptions::default()
        },
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("app-config.yaml"),
        format!(
            "backlot:\n  teamBackend:\n    baseUrl: {}\n    syncIntervalMinutes: 10\n",
            server.base_url()
        ),
    )
    .unwrap();
    let api = Api::open(dir.path());
    assert_eq!(api.sync_interval_minutes(), 10);
    assert_eq!(
        team(&api).url.as_deref(),
        Some(server.base_url().as_str()),
        "the URL comes from app-config.yaml"
    );

    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64;
    assert!(api.sync_if_due(now).unwrap(), "never synced: due at once");
    wait_for_sync(&api);
    assert_eq!(total(&api), 40);
    assert!(
        !api.sync_if_due(now + 60_000).unwrap(),
        "one minute later: not due"
    );
    assert!(
        api.sync_if_due(now + 11 * 60_000).unwrap(),
        "after the interval: due"
    );
    wait_for_sync(&api);
}

#[test]
fn a_local_file_shadows_the_team_copy_on_the_entity_page() {
    let (_rt, server) = server(
        60,
        ServerOptions {
            token: None,
            ..ServerOptions::default()
        },
    );
    let dir = tempfile::tempdir().unwrap();
    let api = Api::open(dir.path());
    api.dispatch(
        "save_team_backend",
        json!({"url": server.base_url(), "token": null}),
    )
    .unwrap();
    api.dispatch("start_sync", json!({"full": true})).unwrap();
    wait_for_sync(&api);

    let key = server
        .with_catalog(|c| {
            c.keys()
                .find(|k| k.starts_with("component:default/"))
                .cloned()
        })
        .unwrap();
    let name = key.rsplit('/').next().unwrap().to_string();
    let team_view = api.dispatch("entity", json!({"entityRef": key})).unwrap();
    assert_eq!(team_view["fromTeam"], true);
    assert_eq!(team_view["shadowedTeamCopy"], serde_json::Value::Null);

    let file = dir.path().join("catalog-info.yaml");
    std::fs::write(
        &file,
        format!(
            "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: {name}\n  description: the local edit\nspec:\n  type: service\n  lifecycle: experimental\n  owner: team-local\n"
        ),
    )
    .unwrap();
    let mut store =
        backlot_catalog_backend::Store::open(&dir.path().join(backlot_app::STORE_FILE)).unwrap();
    backlot_catalog_backend::ingest(&mut store, &[file]).unwrap();

    let view = api.dispatch("entity", json!({"entityRef": key})).unwrap();
    assert_eq!(view["fromTeam"], false);
    assert_eq!(view["entity"]["metadata"]["description"], "the local edit");
    assert_eq!(view["shadowedTeamCopy"]["metadata"]["name"], name);
    assert_ne!(
        view["shadowedTeamCopy"]["metadata"]["description"],
        "the local edit"
    );
}
