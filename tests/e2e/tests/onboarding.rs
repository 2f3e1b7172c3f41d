//! The first run in a real window: an empty data folder opens on the welcome page; the demo
//! path and the folder path each end on a populated catalog.
//!
//! The `#[ignore]`d tests are the installed-package smoke (`scripts/package-test.sh`): they
//! drive `/usr/bin/backlot` (`BACKLOT_BIN`) in the platform's data folder (`XDG_DATA_HOME`).

use backlot_e2e::App;

const COMPONENT: &str = "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: NAME\n  description: Opened from the welcome page\nspec:\n  type: service\n  lifecycle: experimental\n  owner: group:default/e2e-team\n";

async fn current_path(app: &App) -> String {
    app.js("return location.pathname").await.as_str().unwrap_or_default().to_string()
}

/// Welcome page → "Load the demo catalog" → the catalog → an entity page. Screenshots are
/// named `<prefix>-welcome`, `<prefix>-catalog`, `<prefix>-entity`.
async fn demo_path(app: &App, prefix: &str) {
    app.find(".pane-active [data-testid='welcome']").await;
    assert_eq!(current_path(app).await, "/welcome");
    assert_eq!(app.js("return document.title").await, "Welcome · Backlot");
    app.screenshot(&format!("{prefix}-welcome")).await;

    app.find(".pane-active [data-action='load-demo']").await.click().await.unwrap();
    app.find(".nav-item[data-plugin='catalog'][aria-current='page']").await;
    let row = app.find(".pane-active .vt-row[data-ref^='component:'] .vt-name a").await;
    assert_eq!(current_path(app).await, "/catalog");
    let rows = app.js("return document.querySelectorAll('.pane-active .vt-row[data-ref]').length").await;
    assert!(rows.as_u64().unwrap_or_default() >= 10, "the demo's entities are listed: {rows}");
    app.screenshot(&format!("{prefix}-catalog")).await;

    row.click().await.unwrap();
    let page = app.find(".pane-active .entity-page").await;
    let entity_ref = page.attr("data-ref").await.unwrap().unwrap_or_default();
    assert!(entity_ref.starts_with("component:"), "{entity_ref}");
    app.find(".pane-active .about").await;
    app.screenshot(&format!("{prefix}-entity")).await;

    // Home now shows the catalog, not a way to get started.
    app.find(".nav-item[data-plugin='home']").await.click().await.unwrap();
    let total: u64 = app.find(".pane-active [data-testid='catalog-total']").await.text().await.unwrap().parse().unwrap();
    assert!(total >= 20, "the demo catalog has {total} entities");
}

#[tokio::test(flavor = "current_thread")]
async fn first_run_loads_the_demo_and_opens_an_entity() {
    let app = App::launch_empty().await;
    demo_path(&app, "first-run").await;
    app.close().await;
}

#[tokio::test(flavor = "current_thread")]
async fn first_run_opens_a_folder_and_explains_a_wrong_one() {
    let repos = tempfile::tempdir().unwrap();
    for name in ["e2e-alpha", "e2e-beta"] {
        let dir = repos.path().join(name);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("catalog-info.yaml"), COMPONENT.replace("NAME", name)).unwrap();
    }
    let app = App::launch_empty().await;
    let input = app.find(".pane-active input[name='catalog-folder']").await;

    let missing = repos.path().join("not-here");
    input.send_keys(&missing.display().to_string()).await.unwrap();
    app.find(".pane-active [data-action='open-folder']").await.click().await.unwrap();
    let error = app.find(".pane-active [data-testid='folder-error']").await.text().await.unwrap();
    assert!(error.contains(&format!("the folder {} does not exist", missing.display())), "{error}");
    assert_eq!(current_path(&app).await, "/welcome");

    input.clear().await.unwrap();
    input.send_keys(&repos.path().display().to_string()).await.unwrap();
    app.find(".pane-active [data-action='open-folder']").await.click().await.unwrap();
    app.find(".pane-active .vt-row[data-ref='component:default/e2e-alpha']").await;
    app.find(".pane-active .vt-row[data-ref='component:default/e2e-beta']").await;
    assert_eq!(current_path(&app).await, "/catalog");
    app.screenshot("first-run-folder").await;
    app.close().await;
}

/// The installed app's first run, in `$XDG_DATA_HOME/backlot` (run by the package test).
#[tokio::test(flavor = "current_thread")]
#[ignore = "drives the installed package; run by scripts/package-test.sh"]
async fn installed_app_first_run() {
    let app = App::launch_in_default_data_dir().await;
    demo_path(&app, "package").await;
    app.close().await;
}

/// After an upgrade: the same catalog, no welcome page, the new version, the store's
/// schema current (the new version's migrations ran on the old data).
#[tokio::test(flavor = "current_thread")]
#[ignore = "drives the installed package; run by scripts/package-test.sh"]
async fn upgraded_app_keeps_the_catalog() {
    let expect = |name: &str| std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set"));
    let (total, version, schema) = (expect("EXPECT_TOTAL"), expect("EXPECT_VERSION"), expect("EXPECT_SCHEMA"));
    let app = App::launch_in_default_data_dir().await;
    // It may reopen where the last session ended (the last location is restored): go Home.
    app.find(".nav-item[data-plugin='home']").await.click().await.unwrap();
    assert_eq!(app.find(".pane-active [data-testid='catalog-total']").await.text().await.unwrap(), total);
    let welcomed = app.js("return document.querySelector('[data-testid=welcome]') !== null").await;
    assert_eq!(welcomed, false, "an upgraded app does not open the welcome page");
    app.find(".nav-item[data-plugin='settings']").await.click().await.unwrap();
    assert_eq!(app.find(".pane-active [data-testid='app-version']").await.text().await.unwrap(), version);
    let status = app.find(".pane-active [data-testid='store-status']").await.text().await.unwrap();
    assert!(status.starts_with(&format!("OK schema v{schema} · {total} entities")), "store status: {status}");
    app.js("document.querySelector('.pane-active [data-testid=app-version]').scrollIntoView(); return true").await;
    app.screenshot("package-upgraded").await;
    app.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn first_run_connects_a_team_backend_and_syncs() {
    use backlot_catalog_sync::test_server::{Catalog, ServerOptions, TestServer};
    let server = TestServer::start(Catalog::generate(120), ServerOptions { token: None, ..ServerOptions::default() })
        .await
        .unwrap();
    let app = App::launch_empty().await;
    let card = ".pane-active .welcome-team";
    app.find(&format!("{card} input[name='team-url']")).await.send_keys(&server.base_url()).await.unwrap();
    app.find(&format!("{card} [data-action='connect']")).await.click().await.unwrap();
    app.find(".nav-item[data-plugin='catalog'][aria-current='page']").await;
    app.wait_until(
        "the team's entities in the catalog",
        "return document.querySelector('.pane-active .vt')?.getAttribute('aria-rowcount') === '120'",
    )
    .await;
    assert_eq!(current_path(&app).await, "/catalog");
    app.screenshot("first-run-team").await;
    app.close().await;
}
