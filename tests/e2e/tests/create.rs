//! Software Templates in a real window, over the demo catalog: Create in the sidebar, the
//! Rust service template, its form filled with the keyboard, a dry run showing the files,
//! then Create into a new folder — the run page follows it to the end, the folder is a git
//! repository with one commit, and the new component opens from the run's output.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use backlot_e2e::App;

/// Types `text` into the field `css` and leaves it (Tab), so `change` fires too.
async fn fill(app: &App, css: &str, text: &str) {
    let field = app.find(css).await;
    field.click().await.unwrap();
    field.send_keys(&format!("{text}\u{E004}")).await.unwrap();
}

#[tokio::test]
async fn a_template_is_filled_dry_run_and_created_into_a_new_repository_folder() {
    let work = tempfile::tempdir().unwrap();
    let target = work.path().join("dock-scheduler");
    let app = App::launch().await;
    app.find(".nav-item[data-plugin='scaffolder']")
        .await
        .click()
        .await
        .unwrap();
    app.find(".template-card[data-ref='template:default/rust-service'] .template-card-title")
        .await
        .click()
        .await
        .unwrap();

    // Page 1: name (autofocused), owner; Next.
    app.wait_until(
        "the name field has the keyboard",
        "return document.activeElement?.id === 'field-name'",
    )
    .await;
    fill(&app, "#field-name", "dock-scheduler").await;
    fill(&app, "#field-owner", "group:default/team-delivery").await;
    app.find("[data-action='next']")
        .await
        .click()
        .await
        .unwrap();
    // Page 2: the repository (github.com is the only host allowed).
    fill(&app, ".pane-active input[name='repo-owner']", "parcelpine").await;
    fill(
        &app,
        ".pane-active input[name='repo-name']",
        "dock-scheduler",
    )
    .await;
    app.find("[data-action='next']")
        .await
        .click()
        .await
        .unwrap();
    app.wait_for_text(
        "the review",
        ".pane-active .review [data-field='repoUrl']",
        "github.com?owner=parcelpine&repo=dock-scheduler",
    )
    .await;

    // Dry run: the files, each viewable.
    app.find("[data-action='dry-run']")
        .await
        .click()
        .await
        .unwrap();
    app.find(".pane-active .file-tree-item[data-path='catalog-info.yaml']")
        .await
        .click()
        .await
        .unwrap();
    app.wait_for_text(
        "the rendered catalog file",
        ".pane-active [data-testid='file-contents']",
        "name: dock-scheduler",
    )
    .await;
    app.screenshot("create-dry-run").await;

    // Create, into a new folder.
    app.find("[data-action='create']")
        .await
        .click()
        .await
        .unwrap();
    let folder = app.find(".pane-active input[name='target-folder']").await;
    folder.clear().await.unwrap();
    folder.send_keys(target.to_str().unwrap()).await.unwrap();
    app.find("[data-action='start']")
        .await
        .click()
        .await
        .unwrap();
    app.wait_for_text(
        "the run completed",
        ".pane-active [data-testid='run-status']",
        "completed",
    )
    .await;
    app.screenshot("create-run").await;
    let log = std::process::Command::new("git")
        .args(["log", "--format=%s"])
        .current_dir(&target)
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&log.stdout), "initial commit\n");
    assert!(target.join("catalog-info.yaml").is_file());

    // The output's catalog link opens the new component.
    app.wait_for_text(
        "the output links",
        ".pane-active [data-testid='run-output']",
        "Open in catalog",
    )
    .await;
    app.js("[...document.querySelectorAll('.pane-active .run-links a')].find(a => a.textContent.includes('Open in catalog')).click(); return true")
        .await;
    app.wait_until(
        "the new component's page",
        "return location.pathname === '/catalog/default/component/dock-scheduler' \
           && !!document.querySelector('.pane-active .entity-page')",
    )
    .await;
    app.close().await;
}
