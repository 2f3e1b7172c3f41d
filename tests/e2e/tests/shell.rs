//! The shell in a real window: sidebar navigation, each page's content, state kept across
//! page switches, theme override.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use backlot_e2e::App;

#[tokio::test(flavor = "current_thread")]
async fn navigates_the_shell_and_keeps_page_state() {
    let app = App::launch().await;

    // Home, with the demo catalog loaded on first run.
    app.find(".nav-item[data-plugin='home'][aria-current='page']")
        .await;
    let hero = app.find(".hero h2").await.text().await.unwrap();
    assert_eq!(hero, "Welcome to Backlot");
    let total: u64 = app
        .find("[data-testid='catalog-total']")
        .await
        .text()
        .await
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        total >= 20,
        "the demo catalog should be loaded, got {total} entities"
    );
    let labels = app
        .js("return [...document.querySelectorAll('.nav-item')].map(a => a.textContent.trim())")
        .await;
    assert_eq!(
        labels,
        serde_json::json!(["Home", "Catalog", "APIs", "Create", "Docs", "Settings"])
    );
    app.screenshot("home").await;

    // Catalog: a table of the demo entities; type a filter and scroll.
    app.find(".nav-item[data-plugin='catalog']")
        .await
        .click()
        .await
        .unwrap();
    app.find(".pane-active .vt-slab .vt-row").await;
    assert_eq!(
        app.find(".page-title").await.text().await.unwrap(),
        "Catalog"
    );
    let search = app.find(".pane-active input[name='catalog-search']").await;
    search.send_keys("a").await.unwrap();
    app.wait_until(
        "the filtered result count",
        "return document.querySelector('.pane-active [data-testid=result-count]')?.textContent.includes('entities') ?? false",
    )
    .await;
    let typed = app
        .js("return document.querySelector('.pane-active input[name=catalog-search]').value")
        .await;
    assert_eq!(typed, "a", "typing reached the field");
    app.js("document.querySelector('.pane-active .page').dataset.marker = 'kept'; return true")
        .await;
    let table = "document.querySelector('.pane-active [data-testid=catalog-scroll]')";
    let scroll_before = app
        .js(&format!(
            "const p = {table}; p.scrollTop = 120; return p.scrollTop"
        ))
        .await;
    assert!(
        scroll_before.as_f64().unwrap_or_default() > 0.0,
        "the catalog page should scroll: {scroll_before}"
    );

    // Settings: about shows the version and the data folder we launched with.
    app.find(".nav-item[data-plugin='settings']")
        .await
        .click()
        .await
        .unwrap();
    let version = app
        .find(".pane-active [data-testid='app-version']")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(version, env!("CARGO_PKG_VERSION"));
    let data_dir = app
        .find(".pane-active [data-testid='data-dir']")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(data_dir, app.data_dir.path().display().to_string());
    let status = app
        .find(".pane-active [data-testid='store-status']")
        .await
        .text()
        .await
        .unwrap();
    assert!(status.starts_with("OK"), "store status: {status}");

    // Theme override: dark, then back to following the system.
    app.find("[data-theme-choice='dark']")
        .await
        .click()
        .await
        .unwrap();
    app.wait_until(
        "dark theme",
        "return document.documentElement.dataset.theme === 'dark'",
    )
    .await;
    app.screenshot("settings-dark").await;
    app.find("[data-theme-choice='light']")
        .await
        .click()
        .await
        .unwrap();
    app.wait_until(
        "light theme",
        "return document.documentElement.dataset.theme === 'light'",
    )
    .await;

    // Back to the catalog: the typed text and the scroll position are as we left them.
    app.find(".nav-item[data-plugin='catalog']")
        .await
        .click()
        .await
        .unwrap();
    app.find(".nav-item[data-plugin='catalog'][aria-current='page']")
        .await;
    let marker = app
        .js("return document.querySelector('.pane-active .page').dataset.marker ?? null")
        .await;
    assert_eq!(marker, "kept", "the catalog page was not re-created");
    let value = app
        .js("return document.querySelector('.pane-active input[name=catalog-search]').value")
        .await;
    assert_eq!(value, "a");
    let scroll_after = app.js(&format!("return {table}.scrollTop")).await;
    assert_eq!(scroll_after, scroll_before, "scroll position kept");
    app.screenshot("catalog").await;

    // Global search from the header lands on the search page with the query applied.
    app.find(".nav-item[data-plugin='home']")
        .await
        .click()
        .await
        .unwrap();
    let global = app.find(".global-search input").await;
    global
        .send_keys("zzz-no-such-entity\u{E007}")
        .await
        .unwrap(); // WebDriver's Enter key
    app.wait_until(
        "the header search to reach the search page",
        "return document.querySelector('.pane-active input[name=search-query]')?.value === 'zzz-no-such-entity'",
    )
    .await;
    app.find(".pane-active [data-testid='no-results']").await;
    app.find(".nav-item[data-plugin='catalog']")
        .await
        .click()
        .await
        .unwrap();
    app.find(".nav-item[data-plugin='catalog'][aria-current='page']")
        .await;

    // Open an entity from the table, then follow its owner link.
    app.js("const i = document.querySelector('.pane-active input[name=catalog-search]'); i.value = ''; i.dispatchEvent(new Event('input', {bubbles: true})); return true").await;
    app.find(".pane-active .vt-row[data-ref^='component:'] .vt-name a")
        .await
        .click()
        .await
        .unwrap();
    let page = app.find(".pane-active .entity-page").await;
    let entity_ref = page.attr("data-ref").await.unwrap().unwrap();
    assert!(entity_ref.starts_with("component:"), "{entity_ref}");
    app.find(".pane-active .about").await;
    let owner = app
        .find(".pane-active .relations [data-relation='ownedBy'] a")
        .await;
    let owner_name = owner.text().await.unwrap();
    owner.click().await.unwrap();
    app.wait_until(
        "the owner's page",
        "return document.querySelector('.pane-active .entity-page')?.dataset.ref.startsWith('group:') ?? false",
    )
    .await;
    assert_eq!(
        app.find(".pane-active .entity-header h2")
            .await
            .text()
            .await
            .unwrap(),
        owner_name
    );
    app.screenshot("entity").await;

    app.close().await;
}
