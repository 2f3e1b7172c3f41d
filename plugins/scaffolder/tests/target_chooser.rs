//! Create on a template that publishes asks where the result goes: a folder (suggested
//! from the form's name) sends `StartRun` with that folder and follows the run on its page;
//! "as the template says" leaves it to the template; a template that does not publish starts
//! at once.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

mod support;

use backlot_model::ApiError;
use backlot_plugin_api::FakeBackend;
use backlot_plugin_api::testkit::Page;
use backlot_scaffolder_common::ipc::{PublishTarget, StartRun};
use serde_json::json;
use support::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn fake() -> ScaffolderFake {
    let page = json!({"title": "About", "required": ["name"],
                      "properties": {"name": {"title": "Name", "type": "string"}}});
    let mut publisher = form("publisher", vec![page.clone()]);
    publisher.publishes = true;
    ScaffolderFake::new(FakeBackend::new())
        .with(|s| s.forms = vec![publisher, form("local-only", vec![page])])
}

async fn fill_and_create(page: &Page) {
    page.wait_for(".template-form").await;
    type_into(page, "#field-name", "route-planner").await;
    press(page, "[data-action='next']").await;
    press(page, "[data-action='create']").await;
}

#[wasm_bindgen_test]
async fn a_folder_is_asked_for_and_the_run_followed() {
    let fake = fake();
    let page = mount(&fake, "/create/templates/default/publisher");
    fill_and_create(&page).await;
    page.wait_for("[data-testid='target']").await;
    assert!(
        fake.state.borrow().starts.is_empty(),
        "nothing starts before the choice"
    );
    assert!(checked(
        &page,
        "[data-testid='target'] label:nth-of-type(1) input"
    ));
    assert_eq!(
        value_of(&page, "input[name='target-folder']"),
        "~/route-planner"
    );

    // An emptied folder cannot be started.
    type_into(&page, "input[name='target-folder']", "  ").await;
    assert!(page.one("[data-action='start']").has_attribute("disabled"));

    type_into(
        &page,
        "input[name='target-folder']",
        "/tmp/work/route-planner ",
    )
    .await;
    press(&page, "[data-action='start']").await;
    page.wait_until("the run's page", |p| !p.navigations().is_empty())
        .await;
    assert_eq!(
        fake.state.borrow().starts,
        [StartRun {
            entity_ref: "template:default/publisher".into(),
            values: json!({"name": "route-planner"}),
            target: PublishTarget::Folder {
                path: "/tmp/work/route-planner".into()
            },
        }]
    );
    assert_eq!(page.navigations(), ["/create/runs/run-1"]);
}

#[wasm_bindgen_test]
async fn as_the_template_says_or_at_once_when_nothing_is_published() {
    let fake = fake();
    let page = mount(&fake, "/create/templates/default/publisher");
    fill_and_create(&page).await;
    press(&page, "[data-testid='target'] label:nth-of-type(2) input").await;
    assert!(page.find("input[name='target-folder']").is_none());
    press(&page, "[data-action='start']").await;
    page.wait_until("the run's page", |p| !p.navigations().is_empty())
        .await;
    assert_eq!(
        fake.state.borrow().starts[0].target,
        PublishTarget::AsTemplateSays
    );
    drop(page);

    let page = mount(&fake, "/create/templates/default/local-only");
    fill_and_create(&page).await;
    page.wait_until("the run's page", |p| !p.navigations().is_empty())
        .await;
    assert!(page.find("[data-testid='target']").is_none());
    let starts = fake.state.borrow().starts.clone();
    assert_eq!(starts.len(), 2);
    assert_eq!(starts[1].entity_ref, "template:default/local-only");
    assert_eq!(starts[1].target, PublishTarget::AsTemplateSays);
    assert_eq!(page.navigations(), ["/create/runs/run-2"]);
}

#[wasm_bindgen_test]
async fn a_start_refused_is_shown_and_the_form_stays() {
    let fake = fake().with(|s| {
        s.start_error = Some(ApiError::invalid_input("the folder /etc is not empty"));
    });
    let page = mount(&fake, "/create/templates/default/local-only");
    fill_and_create(&page).await;
    page.wait_for(".banner-error").await;
    assert!(
        page.text(".banner-error")
            .contains("the folder /etc is not empty")
    );
    assert!(page.navigations().is_empty());
    assert_eq!(step(&page), "review");
}
