//! Review lists what was entered (the password masked); "Dry run" sends exactly the values,
//! types kept; the dry run's file tree opens a file on click, a binary one by its size.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

mod support;

use backlot_plugin_api::FakeBackend;
use backlot_scaffolder_common::{DryRunResult, StepReport, StepStatus};
use serde_json::json;
use support::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn fake() -> ScaffolderFake {
    let result = DryRunResult {
        files: vec![
            file("README.md", b"# my-service\n"),
            file("assets/logo.png", &[0x89, b'P', b'N', b'G', 0, 0, 1]),
            file("src/main.rs", b"fn main() {}\n"),
        ],
        log: vec!["Fetching template".into(), "Done".into()],
        events: vec![],
        steps: vec![StepReport {
            id: "fetch".into(),
            name: "Fetch".into(),
            action: "fetch:template".into(),
            status: StepStatus::Done,
        }],
        output: json!({}),
    };
    ScaffolderFake::new(FakeBackend::new().with_entities(catalog())).with(|s| {
        s.forms = vec![every_field_form()];
        s.dry_run = Some(result);
    })
}

/// Fills both pages with a value of every type and goes to Review.
async fn fill(page: &backlot_plugin_api::testkit::Page) {
    page.wait_for(".template-form[data-step='0']").await;
    type_into(page, "#field-name", "my-service").await;
    type_into(
        page,
        "[data-field='description'] textarea",
        "Line one\nLine two",
    )
    .await;
    type_into(page, "[data-field='token'] input", "s3cret").await;
    type_into(page, "[data-field='replicas'] input", "3").await;
    type_into(page, "[data-field='ratio'] input", "0.5").await;
    press(page, "[data-field='public'] input").await;
    choose(page, "[data-field='language'] select", "go").await;
    press(page, "[data-field='tier'] label:last-child input").await;
    press(page, "[data-field='extras'] label:last-child input").await;
    press(page, "[data-field='extras'] label:first-child input").await;
    type_into(page, "[data-field='aliases'] textarea", "svc\n\n api \n").await;
    type_into(page, "[data-field='settings.port'] input", "8080").await;
    choose(page, "[data-field='kind'] select", "service").await;
    type_into(page, "[data-field='servicePort'] input", "9000").await;
    press(page, "[data-action='next']").await;
    assert_eq!(step(page), "1");
    type_into(page, "[data-field='owner'] input", "group:default/platform").await;
    type_into(page, "[data-field='tags'] input", "rust").await;
    key(page, "[data-field='tags'] input", "Enter").await;
    change_to(page, "input[name='repo-owner']", "acme").await;
    change_to(page, "input[name='repo-name']", "my-service").await;
    press(page, "[data-action='next']").await;
    assert_eq!(step(page), "review", "{}", page.root().inner_html());
}

#[wasm_bindgen_test]
async fn review_masks_the_password_and_the_dry_run_gets_the_typed_values() {
    let fake = fake();
    let page = mount(&fake, EVERY_FIELD);
    fill(&page).await;

    let row = |field: &str| page.text(&format!(".review dd[data-field='{field}']"));
    assert_eq!(row("name"), "my-service");
    assert_eq!(row("token"), "••••••");
    assert!(!page.text(".review").contains("s3cret"));
    assert_eq!(row("replicas"), "3");
    assert_eq!(row("public"), "Yes");
    assert_eq!(row("extras"), "ci, lint");
    assert_eq!(row("aliases"), "svc, api");
    assert_eq!(row("settings.port"), "8080");
    assert_eq!(row("settings.region"), "eu-west-1");
    assert_eq!(row("servicePort"), "9000");
    assert_eq!(row("repoUrl"), "github.com?owner=acme&repo=my-service");
    assert_eq!(row("component"), "—");

    press(&page, "[data-action='dry-run']").await;
    page.wait_for("[data-testid='dry-run']").await;
    let sent = fake.state.borrow().dry_runs.clone();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].entity_ref, "template:default/every-field");
    assert_eq!(
        sent[0].values,
        json!({
            "name": "my-service",
            "description": "Line one\nLine two",
            "token": "s3cret",
            "replicas": 3,
            "ratio": 0.5,
            "public": true,
            "language": "go",
            "tier": "silver",
            "extras": ["ci", "lint"],
            "aliases": ["svc", "api"],
            "settings": {"port": 8080, "region": "eu-west-1"},
            "kind": "service",
            "servicePort": 9000,
            "owner": "group:default/platform",
            "tags": ["rust"],
            "repoUrl": "github.com?owner=acme&repo=my-service"
        })
    );
    // Numbers stay numbers (an integer is not sent as 3.0).
    assert!(sent[0].values["replicas"].is_i64());
    assert!(sent[0].values["ratio"].is_f64());
}

#[wasm_bindgen_test]
async fn the_dry_run_shows_the_file_tree_and_each_file() {
    let fake = fake();
    let page = mount(&fake, EVERY_FIELD);
    fill(&page).await;
    press(&page, "[data-action='dry-run']").await;
    page.wait_for("[data-testid='dry-run']").await;

    assert_eq!(page.text("[data-testid='dry-run'] h2"), "Dry run: 3 files");
    assert_eq!(
        texts(&page, ".file-tree-item"),
        ["README.md", "logo.png", "main.rs"]
    );
    assert_eq!(texts(&page, ".file-tree-folder"), ["assets/", "src/"]);
    // The first file is open.
    assert_eq!(page.text("[data-testid='file-path']"), "README.md");
    assert_eq!(page.text("[data-testid='file-contents']"), "# my-service\n");
    assert!(
        page.one(".file-tree-item[data-path='README.md']")
            .class_name()
            .contains("selected")
    );

    press(&page, ".file-tree-item[data-path='src/main.rs']").await;
    assert_eq!(page.text("[data-testid='file-path']"), "src/main.rs");
    assert_eq!(
        page.text("pre[data-testid='file-contents']"),
        "fn main() {}\n"
    );
    assert_eq!(
        page.one(".file-tree-item[data-path='src/main.rs']")
            .get_attribute("aria-pressed")
            .as_deref(),
        Some("true")
    );

    press(&page, ".file-tree-item[data-path='assets/logo.png']").await;
    assert_eq!(
        page.text("[data-testid='file-contents']"),
        "A binary file of 7 bytes."
    );
    assert_eq!(
        texts(&page, ".run-steps li"),
        ["Fetch (fetch:template) — done"]
    );
    assert!(page.text(".run-log pre").contains("Fetching template"));
}
