//! The run form renders every field kind as its control: text, textarea, password, numbers,
//! checkbox, select, radios with `enumNames`, checkboxes, a list, a nested object, a field a
//! `dependencies`/`oneOf` branch adds, the `ui:*` options, every field extension; an
//! unsupported `ui:field` is named while the rest renders.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

mod support;

use backlot_plugin_api::FakeBackend;
use backlot_plugin_api::testkit::settle;
use support::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn fake() -> ScaffolderFake {
    ScaffolderFake::new(FakeBackend::new().with_entities(catalog()))
        .with(|s| s.forms = vec![every_field_form()])
}

#[wasm_bindgen_test]
async fn every_kind_renders_as_its_control() {
    let page = mount(&fake(), EVERY_FIELD);
    page.wait_for(".template-form[data-step='0']").await;
    assert_eq!(
        texts(&page, ".stepper-step"),
        ["Basics", "Catalog", "Review"]
    );
    assert_eq!(texts(&page, ".stepper-step.current"), ["Basics"]);

    let name = page.one("[data-field='name'] input[type='text']#field-name");
    assert_eq!(
        name.get_attribute("placeholder").as_deref(),
        Some("my-service")
    );
    assert!(name.has_attribute("autofocus"));
    assert_eq!(name.get_attribute("aria-required").as_deref(), Some("true"));
    assert_eq!(
        page.text("[data-field='name'] .form-help"),
        "Lowercase letters, digits and dashes."
    );
    assert!(
        name.get_attribute("aria-describedby")
            .unwrap()
            .contains("field-name-help")
    );
    assert_eq!(page.text("label[for='field-name']").trim(), "Name *");
    page.one("[data-field='description'] textarea");
    page.one("[data-field='token'] input[type='password']");
    page.one("[data-field='replicas'] input[type='number'][step='1']");
    page.one("[data-field='ratio'] input[type='number'][step='any']");
    page.one("[data-field='public'].form-check input[type='checkbox']");
    assert_eq!(
        texts(&page, "[data-field='language'] select option"),
        ["Choose…", "rust", "go"]
    );
    assert_eq!(
        texts(
            &page,
            "[data-field='tier'] .form-choices[role='radiogroup'] label"
        ),
        ["Gold tier", "Silver tier"]
    );
    assert_eq!(page.count("[data-field='tier'] input[type='radio']"), 2);
    assert_eq!(
        texts(&page, "[data-field='extras'] .form-choices label"),
        ["ci", "docs", "lint"]
    );
    assert_eq!(
        page.count("[data-field='extras'] input[type='checkbox']"),
        3
    );
    page.one("[data-field='aliases'] textarea");
    assert_eq!(
        page.text("fieldset[data-field='settings'] legend"),
        "Settings"
    );
    page.one("fieldset[data-field='settings'] [data-field='settings.port'] input[type='number']");
    let region = page.one("[data-field='settings.region'] input");
    assert!(region.has_attribute("readonly"));
    assert_eq!(
        value_of(&page, "[data-field='settings.region'] input"),
        "eu-west-1"
    );

    // The unsupported extension is named; it has no control, the rest renders.
    let skipped = page.text("[data-testid='skipped']");
    assert!(
        skipped.contains("fancy") && skipped.contains("ShinyPicker"),
        "{skipped}"
    );
    assert!(page.find("[data-field='fancy']").is_none());

    // A `dependencies`/`oneOf` branch adds its field for the value chosen.
    assert!(page.find("[data-field='servicePort']").is_none());
    assert!(page.find("[data-field='domain']").is_none());
    choose(&page, "[data-field='kind'] select", "service").await;
    page.wait_for("[data-field='servicePort'] input[type='number']")
        .await;
    assert!(page.find("[data-field='domain']").is_none());
    choose(&page, "[data-field='kind'] select", "website").await;
    page.wait_for("[data-field='domain'] input[type='text']")
        .await;
    assert!(page.find("[data-field='servicePort']").is_none());

    // Page 2: every field extension.
    type_into(&page, "#field-name", "my-service").await;
    choose(&page, "[data-field='language'] select", "go").await;
    press(&page, "[data-action='next']").await;
    page.wait_for(".template-form[data-step='1']").await;
    for (field, extension) in [
        ("component", "EntityPicker"),
        ("owner", "OwnerPicker"),
        ("dependsOn", "MultiEntityPicker"),
        ("tags", "EntityTagsPicker"),
        ("mine", "OwnedEntityPicker"),
        ("myGroup", "MyGroupsPicker"),
    ] {
        let picker = format!("[data-field='{field}'] .picker[data-extension='{extension}']");
        page.one(&format!("{picker} input[list]"));
        page.one(&format!("{picker} datalist"));
    }
    page.one("[data-field='entityName'] input[type='text']#field-entityName");
    assert_eq!(page.count("[data-field='repoUrl'] .repo-url input"), 3);
    assert_eq!(value_of(&page, "input[name='repo-host']"), "github.com");
    assert!(
        page.one("input[name='repo-host']")
            .has_attribute("readonly")
    );
    // Who "me" is was not told: the pickers of mine say so.
    assert!(
        page.text("[data-field='mine']")
            .contains("Tell Backlot who you are"),
        "{}",
        page.root().inner_html()
    );
    // … and suggest nothing rather than everybody's.
    settle().await;
    assert_eq!(page.count("[data-field='mine'] datalist option"), 0);
    assert_eq!(page.count("[data-field='myGroup'] datalist option"), 0);
    assert!(page.count("[data-field='owner'] datalist option") > 0);
}
