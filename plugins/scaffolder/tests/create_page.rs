//! The Create page: a card per template from `ListTemplates`, the type/tag/owner chips and
//! the search box filtering them, a card leading to its template's page, the recent runs
//! with their statuses.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

mod support;

use backlot_plugin_api::FakeBackend;
use backlot_plugin_api::testkit::Page;
use backlot_scaffolder_common::ipc::RunStatus;
use support::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn fake() -> ScaffolderFake {
    let mut service = template("rust-service", "Rust service");
    service.description = Some("A web service in Rust".into());
    service.template_type = Some("service".into());
    service.tags = vec!["rust".into(), "recommended".into()];
    service.owner = Some("group:default/platform".into());
    let mut site = template("docs-site", "Docs site");
    site.template_type = Some("website".into());
    site.tags = vec!["docs".into()];
    site.owner = Some("group:default/web".into());
    site.from_team = true;
    let mut lib = template("go-library", "Go library");
    lib.template_type = Some("library".into());
    lib.tags = vec!["go".into(), "recommended".into()];
    lib.owner = Some("group:default/platform".into());
    ScaffolderFake::new(FakeBackend::new()).with(|s| {
        s.templates = vec![service, site, lib];
        s.runs = vec![
            run_summary("r3", "Rust service", RunStatus::Running),
            run_summary("r2", "Docs site", RunStatus::Failed),
            run_summary("r1", "Go library", RunStatus::Completed),
        ];
    })
}

fn cards(page: &Page) -> Vec<String> {
    texts(page, ".template-card .template-card-title")
}

#[wasm_bindgen_test]
async fn cards_are_filtered_by_chips_and_search() {
    let page = mount(&fake(), "/create");
    page.wait_for(".template-card").await;
    assert_eq!(cards(&page), ["Rust service", "Docs site", "Go library"]);
    assert_eq!(
        page.text("[data-testid='template-count']"),
        "3 of 3 templates"
    );
    let card = ".template-card[data-ref='template:default/rust-service']";
    assert_eq!(
        texts(&page, &format!("{card} .tag")),
        ["rust", "recommended"]
    );
    assert!(page.text(card).contains("A web service in Rust"));
    assert!(page.text(card).contains("Owner: group:default/platform"));
    assert!(
        page.text(".template-card[data-ref='template:default/docs-site'] .template-card-head")
            .contains("team")
    );
    assert_eq!(
        texts(&page, "[data-facet='Type'] .chip"),
        ["library", "service", "website"]
    );

    // Type chip: on, then off again.
    press(&page, "[data-facet='Type'] .chip[data-value='website']").await;
    assert_eq!(cards(&page), ["Docs site"]);
    assert_eq!(
        page.one("[data-facet='Type'] .chip[data-value='website']")
            .get_attribute("aria-pressed")
            .as_deref(),
        Some("true")
    );
    press(&page, "[data-facet='Type'] .chip[data-value='website']").await;
    assert_eq!(cards(&page).len(), 3);

    // Tag and owner chips combine.
    press(&page, "[data-facet='Tag'] .chip[data-value='recommended']").await;
    assert_eq!(cards(&page), ["Rust service", "Go library"]);
    press(
        &page,
        "[data-facet='Owner'] .chip[data-value='group:default/web']",
    )
    .await;
    assert!(cards(&page).is_empty());
    assert_eq!(
        page.text("[data-testid='template-count']"),
        "0 of 3 templates"
    );
    press(
        &page,
        "[data-facet='Owner'] .chip[data-value='group:default/platform']",
    )
    .await;
    assert_eq!(cards(&page), ["Rust service", "Go library"]);

    // The search box narrows further (title, description, tags).
    type_into(&page, "input[name='template-filter']", "web SERVICE").await;
    assert_eq!(cards(&page), ["Rust service"]);
    type_into(&page, "input[name='template-filter']", "go").await;
    assert_eq!(cards(&page), ["Go library"]);
    press(&page, "[data-facet='Tag'] .chip[data-value='recommended']").await;
    press(
        &page,
        "[data-facet='Owner'] .chip[data-value='group:default/platform']",
    )
    .await;
    type_into(&page, "input[name='template-filter']", "docs").await;
    assert_eq!(cards(&page), ["Docs site"]);
}

#[wasm_bindgen_test]
async fn a_card_leads_to_its_template_and_runs_show_their_status() {
    let page = mount(&fake(), "/create");
    page.wait_for(".template-card").await;
    let title =
        page.one(".template-card[data-ref='template:default/go-library'] .template-card-title");
    assert_eq!(
        title.get_attribute("href").as_deref(),
        Some("/create/templates/default/go-library")
    );
    press(
        &page,
        ".template-card[data-ref='template:default/go-library'] .button",
    )
    .await;
    assert_eq!(page.navigations(), ["/create/templates/default/go-library"]);

    page.wait_for("[data-testid='runs']").await;
    let runs: Vec<(String, String)> = page
        .all(".run-list-item")
        .iter()
        .map(|li| {
            (
                li.query_selector("a")
                    .unwrap()
                    .unwrap()
                    .text_content()
                    .unwrap(),
                li.get_attribute("data-status").unwrap(),
            )
        })
        .collect();
    assert_eq!(
        runs,
        [
            ("Rust service".to_string(), "running".to_string()),
            ("Docs site".into(), "failed".into()),
            ("Go library".into(), "completed".into())
        ]
    );
    assert_eq!(
        texts(&page, ".run-list-item .badge"),
        ["running", "failed", "completed"]
    );
    assert!(
        page.one(".run-list-item[data-status='failed'] .badge")
            .class_name()
            .contains("badge-error")
    );
    press(&page, ".run-list-item[data-status='failed'] a").await;
    assert_eq!(page.navigations().last().unwrap(), "/create/runs/r2");
}

#[wasm_bindgen_test]
async fn no_templates_says_how_to_add_one() {
    let page = mount(&ScaffolderFake::new(FakeBackend::new()), "/create");
    page.wait_until("the empty state", |p| {
        p.find(".page")
            .is_some_and(|e| e.text_content().unwrap().contains("No templates yet"))
    })
    .await;
    assert!(page.find("[data-testid='runs']").is_none());
}
