//! The plugin's stylesheet with the shell's, on real pages: the cards in a grid, the stepper
//! in a row, the repository location's three fields in a row, a problem in the error
//! color, the dry run's tree beside the file and the file scrolling within a height, step
//! dots colored by status — in the light and the dark theme.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

mod support;

use backlot_plugin_api::FakeBackend;
use backlot_plugin_api::testkit::{Page, install_stylesheet};
use backlot_scaffolder_common::ipc::RunStatus;
use backlot_scaffolder_common::{DryRunResult, StepReport, StepStatus};
use serde_json::json;
use support::*;
use wasm_bindgen_test::*;
use web_sys::Element;

wasm_bindgen_test_configure!(run_in_browser);

fn styles() {
    install_stylesheet(
        "backlot-css",
        concat!(
            include_str!("../../../src-ui/styles/app.css"),
            include_str!("../../catalog/styles.css"),
            include_str!("../styles.css"),
        ),
    );
}

fn style(el: &Element, property: &str) -> String {
    web_sys::window()
        .unwrap()
        .get_computed_style(el)
        .unwrap()
        .unwrap()
        .get_property_value(property)
        .unwrap()
}

/// The value of a palette variable, as a computed color (`rgb(…)`).
fn palette(page: &Page, var: &str) -> String {
    let probe = web_sys::window()
        .unwrap()
        .document()
        .unwrap()
        .create_element("span")
        .unwrap();
    probe
        .set_attribute("style", &format!("color: var({var})"))
        .unwrap();
    page.root().append_child(&probe).unwrap();
    let color = style(&probe, "color");
    probe.remove();
    color
}

fn rect(page: &Page, css: &str) -> web_sys::DomRect {
    page.one(css).get_bounding_client_rect()
}

fn set_theme(dark: bool) {
    let html = web_sys::window()
        .unwrap()
        .document()
        .unwrap()
        .document_element()
        .unwrap();
    if dark {
        html.set_attribute("data-theme", "dark").unwrap();
    } else {
        html.remove_attribute("data-theme").unwrap();
    }
}

#[wasm_bindgen_test]
async fn cards_form_and_dry_run_are_laid_out() {
    styles();
    for dark in [false, true] {
        set_theme(dark);
        let mut templates: Vec<_> = (0..4)
            .map(|i| template(&format!("t{i}"), &format!("Template {i}")))
            .collect();
        templates[0].tags = vec!["rust".into()];
        let fake = ScaffolderFake::new(FakeBackend::new().with_entities(catalog())).with(|s| {
            s.templates = templates;
            s.runs = vec![run_summary("r1", "Template 0", RunStatus::Failed)];
            s.forms = vec![every_field_form()];
            s.dry_run = Some(DryRunResult {
                files: vec![file("a.txt", "line\n".repeat(400).as_bytes())],
                log: vec![],
                events: vec![],
                steps: vec![StepReport {
                    id: "a".into(),
                    name: "A".into(),
                    action: "fetch:plain".into(),
                    status: StepStatus::Failed,
                }],
                output: json!({}),
            });
        });
        let page = TestShellWide::mount(&fake, "/create");
        page.wait_for(".template-card").await;
        // Cards side by side (a grid), not stacked.
        let cards = page.all(".template-card");
        let (a, b) = (
            cards[0].get_bounding_client_rect(),
            cards[1].get_bounding_client_rect(),
        );
        assert_eq!(a.top(), b.top());
        assert!(b.left() > a.right(), "{} {}", a.right(), b.left());
        assert_eq!(style(&page.one(".template-cards"), "display"), "grid");
        assert_eq!(
            style(&page.one(".template-card"), "background-color"),
            palette(&page, "--surface")
        );
        drop(page);

        let page = TestShellWide::mount(&fake, EVERY_FIELD);
        page.wait_for(".template-form").await;
        let steps = page.all(".stepper-step");
        assert_eq!(
            steps[0].get_bounding_client_rect().top(),
            steps[2].get_bounding_client_rect().top(),
            "the stepper is a row"
        );
        press(&page, "[data-action='next']").await;
        assert_eq!(
            style(&page.one(".form-problem"), "color"),
            palette(&page, "--error")
        );
        assert_ne!(
            style(&page.one(".form-problem"), "color"),
            style(&page.one(".form-label"), "color")
        );
        type_into(&page, "#field-name", "x").await;
        choose(&page, "[data-field='language'] select", "go").await;
        press(&page, "[data-action='next']").await;
        let (host, owner, repo) = (
            rect(&page, "input[name='repo-host']"),
            rect(&page, "input[name='repo-owner']"),
            rect(&page, "input[name='repo-name']"),
        );
        assert!(host.top() == owner.top() && owner.top() == repo.top());
        assert!(host.right() <= owner.left() && owner.right() <= repo.left());
        type_into(
            &page,
            "[data-field='owner'] input",
            "group:default/platform",
        )
        .await;
        press(&page, "[data-action='next']").await;
        assert_eq!(style(&page.one(".review"), "display"), "grid");
        let (dt, dd) = (rect(&page, ".review dt"), rect(&page, ".review dd"));
        assert!(dt.top() == dd.top() && dt.right() <= dd.left());

        press(&page, "[data-action='dry-run']").await;
        page.wait_for(".file-view pre").await;
        let (tree, view) = (rect(&page, ".file-tree"), rect(&page, ".file-view"));
        assert!(tree.right() <= view.left(), "the tree is left of the file");
        let pre = page.one(".file-view pre");
        assert_eq!(style(&pre, "overflow-y"), "auto");
        assert!(pre.get_bounding_client_rect().height() <= 481.0);
        assert!(pre.scroll_height() > pre.client_height());
        assert_eq!(
            style(&page.one(".file-tree-item.selected"), "color"),
            palette(&page, "--accent")
        );
        let dot = web_sys::window()
            .unwrap()
            .get_computed_style_with_pseudo_elt(&page.one(".run-steps li"), "::before")
            .unwrap()
            .unwrap()
            .get_property_value("background-color")
            .unwrap();
        assert_eq!(dot, palette(&page, "--error"), "a failed step's dot");
    }
    set_theme(false);
}

/// Pages mounted at a desktop window's width.
struct TestShellWide;

impl TestShellWide {
    fn mount(fake: &ScaffolderFake, location: &str) -> Page {
        backlot_plugin_api::testkit::TestShell::new(fake.clone())
            .with_root_style("width: 1100px")
            .mount_route(&[backlot_scaffolder::plugin()], location)
    }
}
