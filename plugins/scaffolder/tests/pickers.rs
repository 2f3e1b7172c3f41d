//! The field extensions against the fake catalog: entity pickers suggest through
//! `QueryEntities` narrowed by their options (`catalogFilter`, `allowedKinds`, mine, my
//! groups) and a pick is a `kind:namespace/name` ref; the multi-entity picker keeps a list;
//! RepoUrlPicker writes `host?owner=o&repo=r` and refuses a host outside `allowedHosts`;
//! EntityTagsPicker refuses a tag Backstage would refuse.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

mod support;

use backlot_plugin_api::FakeBackend;
use backlot_plugin_api::testkit::Page;
use serde_json::json;
use support::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const PICKERS: &str = "/create/templates/default/pickers";

fn fake() -> ScaffolderFake {
    let mut entities = catalog();
    entities[1].owner = Some("user:default/ada".into());
    let parameters = json!({
        "title": "Pickers",
        "properties": {
            "component": {"title": "Component", "type": "string", "ui:field": "EntityPicker",
                          "ui:options": {"catalogFilter": [{"kind": "Component"}, {"kind": "API"}]}},
            "owner": {"title": "Owner", "type": "string", "ui:field": "OwnerPicker",
                      "ui:options": {"allowedKinds": ["Group"]}},
            "dependsOn": {"title": "Depends on", "type": "array", "ui:field": "MultiEntityPicker"},
            "mine": {"title": "Mine", "type": "string", "ui:field": "OwnedEntityPicker"},
            "myGroup": {"title": "My group", "type": "string", "ui:field": "MyGroupsPicker"},
            "repoUrl": {"title": "Repository", "type": "string", "ui:field": "RepoUrlPicker",
                        "ui:options": {"allowedHosts": ["github.com"]}},
            "tags": {"title": "Tags", "type": "array", "ui:field": "EntityTagsPicker"}
        }
    });
    ScaffolderFake::new(FakeBackend::new().with_entities(entities))
        .with(|s| s.forms = vec![form("pickers", vec![parameters])])
}

/// The suggestions (option values) of a field's datalist.
fn suggestions(page: &Page, field: &str) -> Vec<String> {
    page.all(&format!("[data-field='{field}'] datalist option"))
        .iter()
        .filter_map(|o| o.get_attribute("value"))
        .collect()
}

async fn review_value(page: &Page, field: &str) -> String {
    press(page, "[data-action='next']").await;
    assert_eq!(step(page), "review", "{}", page.root().inner_html());
    let value = page.text(&format!(".review dd[data-field='{field}']"));
    press(page, "[data-action='back']").await;
    value
}

#[wasm_bindgen_test]
async fn entity_pickers_suggest_from_the_catalog_as_their_options_say() {
    let fake = fake();
    let page = mount_as(&fake, "user:default/ada", PICKERS);
    page.wait_for(".template-form").await;
    let input = "[data-field='component'] input";
    type_into(&page, input, "pay").await;
    page.wait_until("the suggestions for “pay”", |p| {
        suggestions(p, "component").len() == 3
    })
    .await;
    assert_eq!(
        suggestions(&page, "component"),
        [
            "component:default/payments",
            "api:default/payments-api",
            "component:default/payroll"
        ]
    );
    assert_eq!(
        texts(&page, "[data-field='component'] datalist option")[0],
        "Payments"
    );
    {
        let state = fake.state.borrow();
        let typed = state
            .queries
            .iter()
            .find(|q| q.text.as_deref() == Some("pay"))
            .expect("a query with the typed text");
        assert_eq!(typed.filter.kinds, ["Component", "API"]);
        // The other pickers asked with their own filters.
        assert!(
            state.queries.iter().any(|q| q.filter.kinds == ["Group"]),
            "{:?}",
            state.queries
        );
        assert!(state.queries.iter().any(|q| {
            q.filter.kinds == ["group"]
                && q.filter.relation.as_ref().is_some_and(|r| {
                    r.relation_type == "hasMember" && r.target_ref == "user:default/ada"
                })
        }));
        assert!(
            state
                .queries
                .iter()
                .any(|q| q.filter.owned_by.as_deref() == Some("user:default/ada"))
        );
    }
    assert_eq!(suggestions(&page, "owner"), ["group:default/platform"]);
    assert_eq!(suggestions(&page, "mine"), ["component:default/payroll"]);

    // Picking a suggestion puts its ref in the field (the datalist fills the input).
    type_into(&page, input, "component:default/payments").await;
    assert_eq!(
        review_value(&page, "component").await,
        "component:default/payments"
    );
    // A ref typed in full is not searched as text.
    assert!(
        fake.state
            .borrow()
            .queries
            .iter()
            .all(|q| q.text.as_deref().is_none_or(|t| !t.contains(':')))
    );

    // The multi-entity picker: Enter adds, × removes.
    let multi = "[data-field='dependsOn'] input";
    type_into(&page, multi, "api:default/payments-api").await;
    key(&page, multi, "Enter").await;
    type_into(&page, multi, "component:default/payroll").await;
    key(&page, multi, "Enter").await;
    assert_eq!(
        texts(&page, "[data-field='dependsOn'] .chips li")
            .iter()
            .map(|t| t.trim_end_matches('×').to_string())
            .collect::<Vec<_>>(),
        ["api:default/payments-api", "component:default/payroll"]
    );
    assert_eq!(value_of(&page, multi), "");
    press(&page, "[data-field='dependsOn'] .chip-remove").await;
    assert_eq!(
        review_value(&page, "dependsOn").await,
        "component:default/payroll"
    );
}

#[wasm_bindgen_test]
async fn the_repo_url_picker_writes_the_location_and_keeps_to_the_allowed_hosts() {
    let fake = fake();
    let page = mount(&fake, PICKERS);
    page.wait_for(".template-form").await;
    assert_eq!(value_of(&page, "input[name='repo-host']"), "github.com");
    change_to(&page, "input[name='repo-owner']", "acme").await;
    // Half a location is refused, though the field is optional.
    press(&page, "[data-action='next']").await;
    assert_eq!(step(&page), "0");
    assert_eq!(
        page.text("[data-field='repoUrl'] .form-problem"),
        "Host, owner and repository are all needed."
    );
    change_to(&page, "input[name='repo-name']", "route-planner").await;
    assert_eq!(
        review_value(&page, "repoUrl").await,
        "github.com?owner=acme&repo=route-planner"
    );
    change_to(&page, "input[name='repo-name']", "bad name").await;
    press(&page, "[data-action='next']").await;
    assert_eq!(step(&page), "0");
    assert_eq!(
        page.text("[data-field='repoUrl'] .form-problem"),
        "Owner and repository: letters, digits, -, _ and . only."
    );
    drop(page);

    // A location from elsewhere (a run again of an older version) on a host not allowed:
    // refused, and the allowed host can be chosen.
    let values = backlot_text::percent::encode(
        &json!({"repoUrl": "gitlab.com?owner=acme&repo=x"}).to_string(),
    );
    let page = mount(&fake, &format!("{PICKERS}?values={values}"));
    page.wait_for(".template-form").await;
    press(&page, "[data-action='next']").await;
    assert_eq!(step(&page), "0");
    assert_eq!(
        page.text("[data-field='repoUrl'] .form-problem"),
        "The host must be one of: github.com."
    );
    choose(&page, "select[name='repo-host']", "github.com").await;
    assert!(page.find("[data-field='repoUrl'] .form-problem").is_none());
    assert_eq!(
        review_value(&page, "repoUrl").await,
        "github.com?owner=acme&repo=x"
    );
}

#[wasm_bindgen_test]
async fn the_tags_picker_refuses_invalid_tags() {
    let fake = fake();
    let page = mount(&fake, PICKERS);
    page.wait_for(".template-form").await;
    let input = "[data-field='tags'] input";
    type_into(&page, input, "Not A Tag").await;
    key(&page, input, "Enter").await;
    assert_eq!(
        page.text("[data-field='tags'] .form-problem"),
        "“Not A Tag”: lowercase letters, digits and : + #, in words joined by -."
    );
    assert_eq!(page.count("[data-field='tags'] .chips li"), 0);
    assert_eq!(value_of(&page, input), "Not A Tag");

    type_into(&page, input, "rust").await;
    key(&page, input, "Enter").await;
    type_into(&page, input, "k8s:prod").await;
    key(&page, input, "Enter").await;
    type_into(&page, input, "rust").await;
    key(&page, input, "Enter").await;
    assert!(page.find("[data-field='tags'] .form-problem").is_none());
    assert_eq!(page.count("[data-field='tags'] .chips li"), 2);
    assert_eq!(review_value(&page, "tags").await, "rust, k8s:prod");
}
