//! GitHub Actions in a real window: the CI tab of a catalog entity annotated with
//! `github.com/project-slug`, against a fake GitHub API on 127.0.0.1 reached through the
//! app's own proxy (`/github` aimed at it by a `--config` file). The token is set through
//! Settings → Credentials into a real Secret Service (each test re-runs itself under
//! scripts/with-keyring.sh), goes out in GitHub's `Authorization` header, and is found
//! nowhere in the page or the data folder. Without a token, and with no configuration at
//! all (the built-in `/github` endpoint), the tab says what to do.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use std::path::Path;
use std::process::Command;

use backlot_e2e::{App, app_binary};
use backlot_github_actions_common::fake::FakeGithub;
use backlot_github_actions_common::test_server::FakeGithubServer;

const TOKEN: &str = "ghp_e2e_canary_4b7d0c1e";

/// True inside a private Secret Service session; otherwise re-runs `test` in one (under
/// scripts/with-keyring.sh), checks that the child ran exactly that test and it passed, and
/// returns false.
fn in_keyring_session(test: &str) -> bool {
    backlot_test_support::ensure_keyring_session(test)
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default()
}

/// Two components, one with its GitHub repository, ingested into the data folder's store
/// before the app starts (so the demo catalog stays out).
fn seed_catalog(data_dir: &Path) {
    let file = data_dir.join("catalog-info.yaml");
    std::fs::write(
        &file,
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: payments\n  annotations:\n    github.com/project-slug: acme/payments\nspec:\n  type: service\n  lifecycle: production\n  owner: group:default/payments-team\n---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: no-repo\nspec:\n  type: service\n  lifecycle: production\n  owner: group:default/payments-team\n",
    )
    .unwrap();
    let out = Command::new(app_binary())
        .args(["catalog", "ingest", "--data-dir"])
        .arg(data_dir)
        .arg(&file)
        .output()
        .expect("backlot catalog ingest");
    assert!(
        out.status.success(),
        "ingest failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Goes to an in-app location the way the shell's links do (a history entry, then the
/// router hears of it), without depending on the catalog list's layout.
async fn goto(app: &App, location: &str) {
    app.js(&format!(
        "history.pushState(null, '', '{location}'); window.dispatchEvent(new PopStateEvent('popstate', {{state: null}})); return true"
    ))
    .await;
}

/// Opens an entity's page.
async fn open_entity(app: &App, name: &str) {
    goto(app, &format!("/catalog/default/component/{name}")).await;
    app.wait_until(
        "the entity page",
        &format!("return document.querySelector('.pane-active .entity-page')?.dataset.ref === 'component:default/{name}'"),
    )
    .await;
}

/// Scrolls `css` into the middle of its pane, then clicks it as a user would.
async fn click(app: &App, css: &str) {
    let element = app.find(css).await;
    app.js(&format!(
        "document.querySelector(\"{css}\").scrollIntoView({{block: 'center'}}); return true"
    ))
    .await;
    element
        .click()
        .await
        .unwrap_or_else(|e| panic!("cannot click `{css}`: {e}"));
}

#[tokio::test(flavor = "current_thread")]
async fn the_ci_tab_shows_runs_jobs_and_reruns_through_the_proxy() {
    if !in_keyring_session("the_ci_tab_shows_runs_jobs_and_reruns_through_the_proxy") {
        return;
    }
    let server =
        FakeGithubServer::start(FakeGithub::new(TOKEN, now()).with_repo("acme/payments", 30))
            .unwrap();
    let base = server.base_url();
    let app = App::launch_with(|data_dir| {
        seed_catalog(data_dir);
        let config = data_dir.join("github.yaml");
        std::fs::write(
            &config,
            format!(
                "proxy:\n  endpoints:\n    /github:\n      target: {base}\n      headers:\n        Authorization: Bearer ${{secret:github-token}}\n      allowedMethods: [GET, POST]\n      allowedHeaders: [link, x-ratelimit-remaining, x-ratelimit-reset]\n"
            ),
        )
        .unwrap();
        vec!["--config".into(), config.display().to_string()]
    })
    .await;

    // Only the annotated entity has the tab.
    open_entity(&app, "no-repo").await;
    let tabs = app.tab_titles().await;
    assert!(!tabs.iter().any(|t| t == "CI"), "{tabs:?}");
    open_entity(&app, "payments").await;
    let tabs = app.tab_titles().await;
    assert!(tabs.iter().any(|t| t == "CI"), "{tabs:?}");

    // No token yet: the tab says where to add it, and GitHub is never asked.
    click(
        &app,
        ".pane-active a[href='/catalog/default/component/payments?tab=ci']",
    )
    .await;
    let message = app
        .wait_for_text(
            "the missing-token message",
            ".pane-active .gha-error[data-error=missing_token]",
            "github-token",
        )
        .await;
    assert!(
        message.contains("Add github-token in Settings → Credentials"),
        "{message}"
    );
    assert!(server.requests().is_empty());
    app.screenshot("github-actions-missing-token").await;

    // The fix, in the real window: Settings → Credentials, into the keychain.
    click(&app, ".pane-active .gha-fix").await;
    let row = ".pane-active [data-secret='github-token']";
    app.wait_for_text(
        "the credentials row",
        &format!("{row} [data-testid=secret-state]"),
        "Missing",
    )
    .await;
    app.find(&format!("{row} input[name='secret-value']"))
        .await
        .send_keys(TOKEN)
        .await
        .unwrap();
    click(&app, &format!("{row} button[type='submit']")).await;
    app.wait_for_text(
        "the token to be stored",
        &format!("{row} [data-testid=secret-state]"),
        "Set",
    )
    .await;

    // Back to the CI tab: the runs, as GitHub lists them.
    open_entity(&app, "payments").await;
    click(
        &app,
        ".pane-active a[href='/catalog/default/component/payments?tab=ci']",
    )
    .await;
    app.wait_until(
        "the first page of runs",
        "return document.querySelectorAll('.pane-active .gha-runs tbody tr').length === 20",
    )
    .await;
    let first = app.js("return [...document.querySelectorAll('.pane-active .gha-runs tbody tr:first-child td')].map(td => td.textContent)").await;
    assert_eq!(first[0], "CI #30", "{first}");
    assert_eq!(first[1], "In progress");
    assert_eq!(first[2], "main");
    assert_eq!(first[3], "Add retry to the payment client");
    assert_eq!(first[4], "mona");
    app.screenshot("github-actions-runs").await;

    // Load more: the next page, found through GitHub's Link header.
    click(&app, ".pane-active [data-action='load-more']").await;
    app.wait_until(
        "all 30 runs",
        "return document.querySelectorAll('.pane-active .gha-runs tbody tr').length === 30",
    )
    .await;
    assert!(server.requests().iter().any(|r| r.path.contains("page=2")));

    // Branch filter.
    app.find(".pane-active select[name='gha-branch']")
        .await
        .select_by_value("fix/rounding-errors")
        .await
        .unwrap();
    app.wait_until(
        "only fix/rounding-errors runs",
        "const b = [...document.querySelectorAll('.pane-active .gha-runs .gha-branch-name')].map(c => c.textContent);
         return b.length > 0 && b.every(x => x === 'fix/rounding-errors')",
    )
    .await;
    app.find(".pane-active select[name='gha-branch']")
        .await
        .select_by_value("")
        .await
        .unwrap();
    app.wait_until(
        "all branches again",
        "return document.querySelectorAll('.pane-active .gha-runs tbody tr').length === 20",
    )
    .await;

    // A finished run: its jobs and steps, then Re-run.
    let run_id = app.js("return document.querySelector('.pane-active .gha-runs tbody tr:nth-child(2)').dataset.runId").await;
    let run_id = run_id.as_str().unwrap().to_string();
    click(
        &app,
        ".pane-active .gha-runs tbody tr:nth-child(2) [data-action='open-run']",
    )
    .await;
    app.wait_until(
        "the run's jobs",
        "return document.querySelectorAll('.pane-active .gha-run .gha-job').length > 0",
    )
    .await;
    let steps = app
        .js("return document.querySelectorAll('.pane-active .gha-run .gha-job .gha-step').length")
        .await;
    assert!(steps.as_u64().unwrap_or_default() >= 5, "{steps}");
    let url = app
        .find(".pane-active .gha-run [data-testid='external-url']")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(
        url,
        format!("https://github.com/acme/payments/actions/runs/{run_id}")
    );
    // The window opens no browser (no opener plugin): the address is copied instead, or
    // selected for the keyboard where the webview refuses clipboard writes.
    click(&app, ".pane-active .gha-run [data-action='copy-link']").await;
    let copy = app
        .wait_for_text(
            "the copy outcome",
            ".pane-active .gha-run [data-action=copy-link]",
            "C",
        )
        .await;
    // "Copied" means navigator.clipboard.writeText resolved (this WebKit does not let a
    // page read the clipboard back to check).
    if copy != "Copied" {
        assert_eq!(copy, "Press Ctrl+C to copy");
        assert_eq!(
            app.js("return window.getSelection().toString()").await,
            url.as_str()
        );
    }
    eprintln!("copy link in the real window: {copy}");
    app.screenshot("github-actions-run").await;

    click(&app, ".pane-active .gha-run [data-action='rerun']").await;
    app.wait_for_text(
        "the re-run result",
        ".pane-active [data-testid=rerun-result]",
        "Re-run requested",
    )
    .await;
    let requests = server.requests();
    let post = requests
        .iter()
        .find(|r| r.method == "POST")
        .expect("the fake GitHub got the re-run");
    assert_eq!(
        post.path,
        format!("/repos/acme/payments/actions/runs/{run_id}/rerun")
    );
    assert_eq!(
        post.authorization.as_deref(),
        Some(format!("Bearer {TOKEN}").as_str())
    );
    assert!(
        requests
            .iter()
            .all(|r| r.authorization.as_deref() == Some(format!("Bearer {TOKEN}").as_str()))
    );
    app.wait_until(
        "the run to show as queued",
        &format!("return document.querySelector(\".pane-active tr[data-run-id='{run_id}'] .gha-status\")?.dataset.state === 'queued'"),
    )
    .await;

    // The token stays out of the page and the data folder.
    let source = app.client.source().await.unwrap();
    assert!(!source.contains(TOKEN), "the token reached the page");
    for entry in walk(app.data_dir.path()) {
        let bytes = std::fs::read(&entry).unwrap_or_default();
        assert!(
            !bytes.windows(TOKEN.len()).any(|w| w == TOKEN.as_bytes()),
            "the token is in {}",
            entry.display()
        );
    }
    app.close().await;
}

#[tokio::test(flavor = "current_thread")]
async fn with_no_configuration_the_built_in_endpoint_asks_for_the_token() {
    if !in_keyring_session("with_no_configuration_the_built_in_endpoint_asks_for_the_token") {
        return;
    }
    let app = App::launch_with(|data_dir| {
        seed_catalog(data_dir);
        Vec::new()
    })
    .await;
    click(&app, ".nav-item[data-plugin='settings']").await;
    let endpoints = app
        .find(".pane-active [data-testid='proxy-endpoints']")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        endpoints.contains("/github") && endpoints.contains("https://api.github.com"),
        "{endpoints}"
    );
    let row = app
        .find(".pane-active [data-secret='github-token']")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        row.contains("Missing") && row.contains("used by proxy /github"),
        "{row}"
    );

    open_entity(&app, "payments").await;
    click(
        &app,
        ".pane-active a[href='/catalog/default/component/payments?tab=ci']",
    )
    .await;
    let message = app
        .wait_for_text(
            "the missing-token message",
            ".pane-active .gha-error[data-error=missing_token]",
            "github-token",
        )
        .await;
    assert!(
        message.contains("Add github-token in Settings → Credentials"),
        "{message}"
    );
    app.close().await;
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path))
        } else {
            out.push(path)
        }
    }
    out
}
