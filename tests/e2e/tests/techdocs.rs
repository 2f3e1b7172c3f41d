//! TechDocs in a real window: the backstage-demo fixture (its catalog-info.yaml with
//! `backstage.io/techdocs-ref: dir:.`, mkdocs.yml and docs/) ingested beside the demo
//! catalog; its Docs tab renders the MkDocs site from the files, an in-doc link opens the
//! other page, search finds a section, and the Docs page lists it. An entity without the
//! annotation has no Docs tab; one with a broken mkdocs.yml says which file and line.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use std::path::Path;

use backlot_e2e::{App, backlot, workspace_root};

/// Ingests the backstage-demo fixture and a component whose mkdocs.yml is broken.
fn ingest_fixtures(data_dir: &Path) {
    let broken = data_dir.join("broken-docs");
    std::fs::create_dir_all(broken.join("docs")).unwrap();
    std::fs::write(
        broken.join("mkdocs.yml"),
        "site_name: Broken\nnav:\n  - Home: [index.md\n",
    )
    .unwrap();
    std::fs::write(
        broken.join("catalog-info.yaml"),
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: broken-docs\n  annotations:\n    backstage.io/techdocs-ref: dir:.\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n",
    )
    .unwrap();
    for path in [
        workspace_root().join("tests/fixtures/backstage-demo/catalog-info.yaml"),
        broken.join("catalog-info.yaml"),
    ] {
        backlot(
            data_dir,
            ["catalog".as_ref(), "ingest".as_ref(), path.as_os_str()],
        );
    }
}

/// Opens an entity's page through the catalog's search box and its table.
async fn open_entity(app: &App, name: &str) {
    app.find(".nav-item[data-plugin='catalog']")
        .await
        .click()
        .await
        .unwrap();
    let search = app.find(".pane-active input[name='catalog-search']").await;
    search.clear().await.unwrap();
    search.send_keys(name).await.unwrap();
    app.find(&format!(
        ".pane-active a[href='/catalog/default/component/{name}']"
    ))
    .await
    .click()
    .await
    .unwrap();
    app.wait_until(
        "the entity page",
        &format!("return document.querySelector('.pane-active .entity-page')?.dataset.ref === 'component:default/{name}'"),
    )
    .await;
}

async fn text(app: &App, css: &str) -> String {
    app.find(css).await.text().await.unwrap()
}

#[tokio::test(flavor = "current_thread")]
async fn docs_tab_renders_the_fixture_site_follows_links_and_searches() {
    let app = App::launch_with(|data_dir| {
        ingest_fixtures(data_dir);
        Vec::new()
    })
    .await;

    // The Docs tab appears for the entity with the annotation…
    open_entity(&app, "backstage-demo").await;
    let tabs = app.tab_titles().await;
    assert!(tabs.iter().any(|t| t == "Docs"), "{tabs:?}");
    app.find(".pane-active .entity-page nav.tabs a[href$='?tab=docs']")
        .await
        .click()
        .await
        .unwrap();

    // …and shows the site: its name, a nav tree made from the files, the rendered home page.
    assert_eq!(
        text(&app, ".pane-active [data-testid='docs-site-name']").await,
        "Backstage Demo"
    );
    app.find(".pane-active .docs-content[data-page='index.md'] h1#techdocs")
        .await;
    let nav = app.js("return [...document.querySelectorAll('.pane-active .docs-nav-link')].map(a => a.textContent)").await;
    let nav: Vec<&str> = nav
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    assert!(
        nav.contains(&"TechDocs")
            && nav.contains(&"Basic Markdown")
            && nav.contains(&"Code blocks"),
        "{nav:?}"
    );
    let scripts = app.js("return document.querySelectorAll('.pane-active .docs-content script, .pane-active .docs-content iframe').length").await;
    assert_eq!(scripts, 0);
    app.screenshot("techdocs-home").await;

    // An internal link opens the other page inside the tab: table and headings rendered.
    app.find(".pane-active .docs-content a[href*='page=examples/basic.md']")
        .await
        .click()
        .await
        .unwrap();
    app.find(".pane-active .docs-content[data-page='examples/basic.md'] table th")
        .await;
    assert_eq!(
        text(&app, ".pane-active .docs-content h1").await,
        "Basic Markdown"
    );
    let still_tab = app
        .js("return document.querySelector('.pane-active .entity-page')?.dataset.ref ?? null")
        .await;
    assert_eq!(
        still_tab, "component:default/backstage-demo",
        "the link stayed inside the entity page"
    );
    let active = app.js("return document.querySelector('.pane-active .docs-nav-link.active')?.dataset.page ?? null").await;
    assert_eq!(active, "examples/basic.md");
    app.screenshot("techdocs-basic").await;

    // Search: a hit on the code page, opened with its highlighted code.
    let search = app.find(".pane-active input[name='docs-search']").await;
    search.send_keys("pygments lexers").await.unwrap();
    app.find(".pane-active .docs-search button")
        .await
        .click()
        .await
        .unwrap();
    app.find(".pane-active .docs-hit[data-page='examples/code.md']")
        .await
        .click()
        .await
        .unwrap();
    app.find(
        ".pane-active .docs-content[data-page='examples/code.md'] code.language-typescript .tok-kw",
    )
    .await;
    app.screenshot("techdocs-search").await;

    // The Docs page lists it; its entry opens the docs page of the entity.
    app.find(".nav-item[data-plugin='techdocs']")
        .await
        .click()
        .await
        .unwrap();
    let listed = app
        .find(".pane-active .docs-list-item[data-ref='component:default/backstage-demo'] a")
        .await;
    app.screenshot("techdocs-list").await;
    listed.click().await.unwrap();
    app.find(".pane-active .docs-page .docs-content[data-page='index.md'] h1")
        .await;
    app.screenshot("techdocs-route").await;

    // An entity without the annotation has no Docs tab.
    open_entity(&app, "depot-scheduler").await;
    let tabs = app.tab_titles().await;
    assert!(!tabs.iter().any(|t| t == "Docs"), "{tabs:?}");

    // Broken docs say where: the file and line of the bad mkdocs.yml.
    open_entity(&app, "broken-docs").await;
    app.find(".pane-active .entity-page nav.tabs a[href$='?tab=docs']")
        .await
        .click()
        .await
        .unwrap();
    let banner = text(&app, ".pane-active .docs-failed .banner-error").await;
    assert!(
        banner.contains("broken-docs/mkdocs.yml:") && banner.contains("invalid_input"),
        "{banner}"
    );
    app.screenshot("techdocs-broken").await;

    app.close().await;
}
