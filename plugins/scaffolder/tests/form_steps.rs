//! Going through the form's pages: Next refuses a page with a missing required field or a
//! value not matching its pattern (the field says why) and moves on once fixed; Back keeps
//! every value typed.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

mod support;

use backlot_plugin_api::FakeBackend;
use support::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn fake() -> ScaffolderFake {
    ScaffolderFake::new(FakeBackend::new().with_entities(catalog()))
        .with(|s| s.forms = vec![every_field_form()])
}

#[wasm_bindgen_test]
async fn next_checks_the_page_and_stays_until_fixed() {
    let page = mount(&fake(), EVERY_FIELD);
    page.wait_for(".template-form[data-step='0']").await;
    // No problem shows before Next is pressed.
    assert!(page.find(".form-problem").is_none());

    press(&page, "[data-action='next']").await;
    assert_eq!(step(&page), "0");
    assert_eq!(
        page.text("[data-field='name'] .form-problem"),
        "Name is required."
    );
    assert_eq!(
        page.text("[data-field='language'] .form-problem"),
        "Language is required."
    );
    assert!(
        page.one("[data-field='name']")
            .class_name()
            .contains("invalid")
    );
    assert_eq!(
        page.text("[data-testid='page-problems']"),
        "2 fields to fix before going on."
    );

    // A bad pattern: its own message, and still no going on.
    type_into(&page, "#field-name", "My Service").await;
    choose(&page, "[data-field='language'] select", "rust").await;
    assert_eq!(
        page.text("[data-field='name'] .form-problem"),
        "Must match the pattern ^[a-z][a-z0-9-]*$."
    );
    assert!(page.find("[data-field='language'] .form-problem").is_none());
    press(&page, "[data-action='next']").await;
    assert_eq!(step(&page), "0");

    // A number below its minimum.
    type_into(&page, "[data-field='replicas'] input", "0").await;
    assert_eq!(
        page.text("[data-field='replicas'] .form-problem"),
        "At least 1."
    );
    type_into(&page, "[data-field='replicas'] input", "2").await;

    type_into(&page, "#field-name", "my-service").await;
    assert!(
        page.find(".form-problem").is_none(),
        "{}",
        page.root().inner_html()
    );
    press(&page, "[data-action='next']").await;
    assert_eq!(step(&page), "1");
    assert_eq!(texts(&page, ".stepper-step.done"), ["Basics"]);
    assert_eq!(texts(&page, ".stepper-step.current"), ["Catalog"]);

    // Page 2's required owner, checked on its own Next.
    press(&page, "[data-action='next']").await;
    assert_eq!(step(&page), "1");
    assert_eq!(
        page.text("[data-field='owner'] .form-problem"),
        "Owner is required."
    );
    type_into(
        &page,
        "[data-field='owner'] input",
        "group:default/platform",
    )
    .await;
    press(&page, "[data-action='next']").await;
    assert_eq!(step(&page), "review");
}

#[wasm_bindgen_test]
async fn back_keeps_the_values_typed() {
    let page = mount(&fake(), EVERY_FIELD);
    page.wait_for(".template-form[data-step='0']").await;
    type_into(&page, "#field-name", "my-service").await;
    type_into(&page, "[data-field='description'] textarea", "Two\nlines").await;
    type_into(&page, "[data-field='ratio'] input", "0.5").await;
    press(&page, "[data-field='public'] input").await;
    choose(&page, "[data-field='language'] select", "go").await;
    press(&page, "[data-field='tier'] label:first-child input").await;
    press(&page, "[data-field='tier'] label:last-child input").await;
    press(&page, "[data-field='extras'] label:first-child input").await;
    type_into(&page, "[data-field='aliases'] textarea", "svc\napi").await;
    type_into(&page, "[data-field='settings.port'] input", "8080").await;

    press(&page, "[data-action='next']").await;
    assert_eq!(step(&page), "1");
    type_into(&page, "[data-field='entityName'] input", "payments-v2").await;
    press(&page, "[data-action='back']").await;
    assert_eq!(step(&page), "0");

    assert_eq!(value_of(&page, "#field-name"), "my-service");
    assert_eq!(
        value_of(&page, "[data-field='description'] textarea"),
        "Two\nlines"
    );
    assert_eq!(value_of(&page, "[data-field='ratio'] input"), "0.5");
    assert!(checked(&page, "[data-field='public'] input"));
    assert_eq!(
        page.all("[data-field='language'] option")
            .iter()
            .map(|o| o
                .clone()
                .dyn_into::<web_sys::HtmlOptionElement>()
                .unwrap()
                .selected())
            .collect::<Vec<_>>(),
        [false, false, true]
    );
    assert!(!checked(
        &page,
        "[data-field='tier'] label:first-child input"
    ));
    assert!(checked(&page, "[data-field='tier'] label:last-child input"));
    assert!(checked(
        &page,
        "[data-field='extras'] label:first-child input"
    ));
    assert!(!checked(
        &page,
        "[data-field='extras'] label:last-child input"
    ));
    assert_eq!(
        value_of(&page, "[data-field='aliases'] textarea"),
        "svc\napi"
    );
    assert_eq!(
        value_of(&page, "[data-field='settings.port'] input"),
        "8080"
    );

    press(&page, "[data-action='next']").await;
    assert_eq!(
        value_of(&page, "[data-field='entityName'] input"),
        "payments-v2"
    );
}
