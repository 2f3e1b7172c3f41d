//! Connecting a team backend in a real window: Settings → Team backend, test the
//! connection, save, sync now; the catalog grows by the team's entities.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use backlot_catalog_sync::test_server::{Catalog, ServerOptions, TestServer};
use backlot_e2e::App;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_team_backend_is_connected_and_synced_from_settings() {
    let server = TestServer::start(
        Catalog::generate(250),
        ServerOptions {
            token: None,
            ..ServerOptions::default()
        },
    )
    .await
    .unwrap();
    let app = App::launch().await;
    let before: u64 = app
        .find("[data-testid='catalog-total']")
        .await
        .text()
        .await
        .unwrap()
        .parse()
        .unwrap();

    app.find(".nav-item[data-plugin='settings']")
        .await
        .click()
        .await
        .unwrap();
    let card = ".pane-active .team-backend";
    // This backend lets anyone read: "Use a token" with none, then Save.
    app.find(&format!("{card} [data-action='mode-token']"))
        .await
        .click()
        .await
        .unwrap();
    app.find(&format!("{card} input[name='team-url']"))
        .await
        .send_keys(&server.base_url())
        .await
        .unwrap();
    app.find(&format!("{card} [data-action='test']"))
        .await
        .click()
        .await
        .unwrap();
    app.wait_until(
        "the connection check",
        "return document.querySelector('.pane-active [data-testid=connection-check]')?.textContent.includes('250 entities') ?? false",
    )
    .await;
    app.find(&format!("{card} [data-action='save']"))
        .await
        .click()
        .await
        .unwrap();
    app.wait_until(
        "sync to be possible",
        "return document.querySelector('.pane-active [data-action=sync]')?.disabled === false",
    )
    .await;
    app.find(&format!("{card} [data-action='sync']"))
        .await
        .click()
        .await
        .unwrap();
    app.wait_until(
        "the sync to finish",
        "return document.querySelector('.pane-active [data-testid=last-sync]')?.textContent.startsWith('Last synced') ?? false",
    )
    .await;
    let line = app
        .find(".pane-active [data-testid='last-sync']")
        .await
        .text()
        .await
        .unwrap();
    assert!(line.contains("250 added"), "{line}");
    app.screenshot("settings-team-backend").await;

    // Home (kept alive since the start) re-loaded its counts when the sync landed.
    app.find(".nav-item[data-plugin='home']")
        .await
        .click()
        .await
        .unwrap();
    app.wait_until(
        "Home to count the team's entities",
        &format!("return document.querySelector('.pane-active [data-testid=catalog-total]')?.textContent === '{}'", before + 250),
    )
    .await;
    let indicator = app
        .find("[data-testid='sync-indicator']")
        .await
        .text()
        .await
        .unwrap();
    assert!(indicator.starts_with("Team catalog synced"), "{indicator}");
    app.close().await;
}
