//! The installed-package smoke, run by `scripts/package-test.sh` (`make test-package`) against
//! `/usr/bin/backlot` (`BACKLOT_BIN`) in the platform's data folder (`XDG_DATA_HOME`). Not part
//! of a plain `cargo test` (`test = false` in Cargo.toml): it needs the package installed.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use backlot_e2e::App;

/// The installed app's first run, in `$XDG_DATA_HOME/backlot` (run by the package test).
#[tokio::test(flavor = "current_thread")]
async fn installed_app_first_run() {
    let app = App::launch_in_default_data_dir().await;
    app.first_run_demo("package").await;
    app.close().await;
}

/// After an upgrade: the same catalog, no welcome page, the new version, the store's
/// schema current (the new version's migrations ran on the old data).
#[tokio::test(flavor = "current_thread")]
async fn upgraded_app_keeps_the_catalog() {
    let expect = |name: &str| std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set"));
    let (total, version, schema) = (
        expect("EXPECT_TOTAL"),
        expect("EXPECT_VERSION"),
        expect("EXPECT_SCHEMA"),
    );
    let app = App::launch_in_default_data_dir().await;
    // It may reopen where the last session ended (the last location is restored): go Home.
    app.find(".nav-item[data-plugin='home']")
        .await
        .click()
        .await
        .unwrap();
    assert_eq!(
        app.find(".pane-active [data-testid='catalog-total']")
            .await
            .text()
            .await
            .unwrap(),
        total
    );
    let welcomed = app
        .js("return document.querySelector('[data-testid=welcome]') !== null")
        .await;
    assert_eq!(
        welcomed, false,
        "an upgraded app does not open the welcome page"
    );
    app.find(".nav-item[data-plugin='settings']")
        .await
        .click()
        .await
        .unwrap();
    assert_eq!(
        app.find(".pane-active [data-testid='app-version']")
            .await
            .text()
            .await
            .unwrap(),
        version
    );
    let status = app
        .find(".pane-active [data-testid='store-status']")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        status.starts_with(&format!("OK schema v{schema} · {total} entities")),
        "store status: {status}"
    );
    app.js("document.querySelector('.pane-active [data-testid=app-version]').scrollIntoView(); return true").await;
    app.screenshot("package-upgraded").await;
    app.close().await;
}
