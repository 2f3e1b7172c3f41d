//! The first run in a real window: an empty data folder opens on the welcome page; the demo
//! path and the folder path each end on a populated catalog.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use backlot_e2e::App;

const COMPONENT: &str = "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: NAME\n  description: Opened from the welcome page\nspec:\n  type: service\n  lifecycle: experimental\n  owner: group:default/e2e-team\n";

#[tokio::test(flavor = "current_thread")]
async fn first_run_loads_the_demo_and_opens_an_entity() {
    let app = App::launch_empty().await;
    app.first_run_demo("first-run").await;
    app.close().await;
}

#[tokio::test(flavor = "current_thread")]
async fn first_run_opens_a_folder_and_explains_a_wrong_one() {
    let repos = tempfile::tempdir().unwrap();
    for name in ["e2e-alpha", "e2e-beta"] {
        let dir = repos.path().join(name);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("catalog-info.yaml"),
            COMPONENT.replace("NAME", name),
        )
        .unwrap();
    }
    let app = App::launch_empty().await;
    let input = app.find(".pane-active input[name='catalog-folder']").await;

    let missing = repos.path().join("not-here");
    input
        .send_keys(&missing.display().to_string())
        .await
        .unwrap();
    app.find(".pane-active [data-action='open-folder']")
        .await
        .click()
        .await
        .unwrap();
    let error = app
        .find(".pane-active [data-testid='folder-error']")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        error.contains(&format!("the folder {} does not exist", missing.display())),
        "{error}"
    );
    assert_eq!(app.current_path().await, "/welcome");

    input.clear().await.unwrap();
    input
        .send_keys(&repos.path().display().to_string())
        .await
        .unwrap();
    app.find(".pane-active [data-action='open-folder']")
        .await
        .click()
        .await
        .unwrap();
    app.find(".pane-active .vt-row[data-ref='component:default/e2e-alpha']")
        .await;
    app.find(".pane-active .vt-row[data-ref='component:default/e2e-beta']")
        .await;
    assert_eq!(app.current_path().await, "/catalog");
    app.screenshot("first-run-folder").await;
    app.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn first_run_connects_a_team_backend_and_syncs() {
    use backlot_catalog_sync::test_server::{Catalog, ServerOptions, TestServer};
    let server = TestServer::start(
        Catalog::generate(120),
        ServerOptions {
            token: None,
            ..ServerOptions::default()
        },
    )
    .await
    .unwrap();
    let app = App::launch_empty().await;
    let card = ".pane-active .welcome-team";
    // This backend lets anyone read (no sign-in): the token path with an empty token.
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
    app.find(&format!("{card} [data-action='connect']"))
        .await
        .click()
        .await
        .unwrap();
    app.find(".nav-item[data-plugin='catalog'][aria-current='page']")
        .await;
    app.wait_until(
        "the team's entities in the catalog",
        "return document.querySelector('.pane-active .vt')?.getAttribute('aria-rowcount') === '120'",
    )
    .await;
    assert_eq!(app.current_path().await, "/catalog");
    app.screenshot("first-run-team").await;
    app.close().await;
}
