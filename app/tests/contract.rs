//! One contract, two implementations: the same command script runs against the real `Api`
//! (the demo catalog in a real SQLite store) and against the UI's `FakeBackend` seeded with
//! the same entities, and their answers must agree. UI tests run against the fake, so where
//! the fake answers differently from the app, a UI test would prove nothing.
//!
//! What is compared: catalog listings (filters, sorts, paging by offset, totals), facets with
//! their counts, stars, recent visits, preferences and UI state, and the error codes of
//! refused commands. What is normalized, and why:
//! - cursors are opaque and differ by design: only whether there is a next page counts;
//! - text search: the store ranks matches (bm25), the fake does not, so matching entities
//!   and totals are compared, not their order;
//! - sorted listings: entities with the same value of the sorted field may come in any
//!   order (the store keeps insertion order), so within each run of equal values the refs
//!   are compared as sets.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use backlot_app::Api;
use backlot_model::query::{EntityPage, EntitySummary};
use backlot_plugin_api::FakeBackend;
use serde_json::{Value, json};

type Answer = Result<Value, backlot_model::ErrorCode>;

fn real(api: &Api, name: &str, args: &Value) -> Answer {
    api.dispatch(name, args.clone()).map_err(|e| e.code)
}

fn fake(backend: &FakeBackend, name: &'static str, args: &Value) -> Answer {
    backend.dispatch(name, args.clone()).map_err(|e| e.code)
}

/// Every entity of the real catalog, paged by offset.
fn all_entities(api: &Api) -> Vec<EntitySummary> {
    let mut all = Vec::new();
    loop {
        let page: EntityPage = serde_json::from_value(
            api.dispatch(
                "query_entities",
                json!({"query": {"limit": 100, "offset": all.len()}}),
            )
            .unwrap(),
        )
        .unwrap();
        let done = page.items.len() < 100;
        all.extend(page.items);
        if done {
            return all;
        }
    }
}

/// `user` → the groups it is a member of, from the real catalog's relations.
fn memberships(api: &Api, users: &[&EntitySummary]) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    for user in users {
        let view = api
            .dispatch("entity", json!({"entityRef": user.entity_ref}))
            .unwrap();
        for r in view["entity"]["relations"].as_array().into_iter().flatten() {
            if r["type"] == "memberOf" {
                pairs.push((
                    user.entity_ref.clone(),
                    r["targetRef"].as_str().unwrap().to_string(),
                ));
            }
        }
    }
    pairs
}

fn normalize(name: &str, args: &Value, answer: Answer) -> Answer {
    let mut value = answer?;
    if name == "query_entities" {
        let next = !value["nextCursor"].is_null();
        value["nextCursor"] = json!(next);
        let field = args["query"]["order"]["field"].as_str().unwrap_or("name");
        if let Some(items) = value["items"].as_array_mut() {
            if args["query"]["text"].is_string() {
                items.sort_by(|a, b| a["entityRef"].as_str().cmp(&b["entityRef"].as_str()));
            } else {
                sort_ties(items, field);
            }
        }
    }
    Ok(value)
}

/// Sorts each run of items with the same `field` value by ref.
fn sort_ties(items: &mut [Value], field: &str) {
    let key = |v: &Value| v[field].as_str().map(str::to_lowercase);
    let mut start = 0;
    while start < items.len() {
        let run = items[start..]
            .iter()
            .take_while(|v| key(v) == key(&items[start]))
            .count();
        items[start..start + run]
            .sort_by(|a, b| a["entityRef"].as_str().cmp(&b["entityRef"].as_str()));
        start += run;
    }
}

fn short(value: &Value) -> String {
    let text = value.to_string();
    if text.len() > 200 {
        format!("{}…", &text[..200])
    } else {
        text
    }
}

/// An answer as a failure message shows it: listings as their refs, the rest shortened.
fn brief(answer: &Answer) -> String {
    match answer {
        Ok(v) if v["items"].is_array() => {
            let refs: Vec<&str> = v["items"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|e| e["entityRef"].as_str())
                .collect();
            format!("{} of {}: {}", refs.len(), v["total"], refs.join(" "))
        }
        Ok(v) => short(v),
        Err(code) => format!("error {code:?}"),
    }
}

#[test]
fn the_fake_answers_the_script_as_the_app_does() {
    let dir = tempfile::tempdir().unwrap();
    let api = Api::open(dir.path());
    api.dispatch("load_demo_catalog", json!({})).unwrap();
    let entities = all_entities(&api);
    assert!(
        entities.len() > 40,
        "the demo catalog is loaded: {}",
        entities.len()
    );

    let users: Vec<&EntitySummary> = entities
        .iter()
        .filter(|e| e.kind.eq_ignore_ascii_case("user"))
        .collect();
    let member = memberships(&api, &users);
    assert!(!member.is_empty(), "the demo has users in groups");
    let mut fake_backend = FakeBackend::new().with_entities(entities.clone());
    for (user, group) in &member {
        fake_backend = fake_backend.with_membership(user, group);
    }
    let me = member[0].0.clone();
    let component = entities
        .iter()
        .find(|e| e.kind.eq_ignore_ascii_case("component"))
        .unwrap();
    let owner = component.owner.clone().unwrap();
    let tag = entities
        .iter()
        .flat_map(|e| e.tags.iter())
        .next()
        .unwrap()
        .clone();

    let script: Vec<(&'static str, Value)> = vec![
        ("catalog_summary", json!({})),
        ("query_entities", json!({"query": {}})),
        ("query_entities", json!({"query": {"limit": 10}})),
        (
            "query_entities",
            json!({"query": {"limit": 10, "offset": 20}}),
        ),
        (
            "query_entities",
            json!({"query": {"limit": 7, "offset": entities.len() - 3}}),
        ),
        (
            "query_entities",
            json!({"query": {"filter": {"kinds": ["component"]}}}),
        ),
        (
            "query_entities",
            json!({"query": {"filter": {"kinds": ["Component", "API"]}, "order": {"field": "kind"}}}),
        ),
        (
            "query_entities",
            json!({"query": {"filter": {"owners": [owner]}, "order": {"field": "owner", "descending": true}}}),
        ),
        (
            "query_entities",
            json!({"query": {"filter": {"tags": [tag]}}}),
        ),
        (
            "query_entities",
            json!({"query": {"filter": {"lifecycles": ["production"]}, "order": {"field": "lifecycle"}}}),
        ),
        (
            "query_entities",
            json!({"query": {"order": {"field": "type"}, "limit": 100}}),
        ),
        (
            "query_entities",
            json!({"query": {"order": {"field": "system", "descending": true}, "limit": 100}}),
        ),
        (
            "query_entities",
            json!({"query": {"order": {"field": "namespace"}, "limit": 100}}),
        ),
        ("query_entities", json!({"query": {"text": "pay"}})),
        (
            "query_entities",
            json!({"query": {"text": "route", "filter": {"kinds": ["component"]}}}),
        ),
        (
            "query_entities",
            json!({"query": {"filter": {"ownedBy": me}}}),
        ),
        ("facets", json!({"filter": {}})),
        ("facets", json!({"filter": {"kinds": ["component"]}})),
        (
            "facets",
            json!({"filter": {"owners": [owner], "kinds": ["component", "api"]}}),
        ),
        (
            "set_starred",
            json!({"entityRef": component.entity_ref, "starred": true}),
        ),
        (
            "set_starred",
            json!({"entityRef": "component:default/not-in-the-catalog", "starred": true}),
        ),
        ("starred", json!({})),
        (
            "query_entities",
            json!({"query": {"filter": {"starred": true}}}),
        ),
        ("facets", json!({"filter": {"starred": true}})),
        (
            "set_starred",
            json!({"entityRef": component.entity_ref, "starred": false}),
        ),
        ("starred", json!({})),
        ("record_visit", json!({"entityRef": component.entity_ref})),
        ("record_visit", json!({"entityRef": users[0].entity_ref})),
        ("record_visit", json!({"entityRef": component.entity_ref})),
        ("recent", json!({"limit": 5})),
        ("get_preferences", json!({})),
        (
            "set_preferences",
            json!({"preferences": {"theme": "dark", "userEntityRef": me}}),
        ),
        ("get_preferences", json!({})),
        (
            "set_preferences",
            json!({"preferences": {"userEntityRef": "user:default/"}}),
        ),
        ("ui_state", json!({"key": "last-location"})),
        (
            "set_ui_state",
            json!({"key": "last-location", "value": "/catalog?kind=api"}),
        ),
        ("ui_state", json!({"key": "last-location"})),
        (
            "set_ui_state",
            json!({"key": "no spaces allowed", "value": "x"}),
        ),
        (
            "set_ui_state",
            json!({"key": "big", "value": "x".repeat(5000)}),
        ),
        (
            "entity",
            json!({"entityRef": "component:default/not-in-the-catalog"}),
        ),
        ("query_entities", json!({"query": 3})),
        ("no_such_command", json!({})),
    ];

    let mut differences = Vec::new();
    for (i, (name, args)) in script.iter().enumerate() {
        let a = normalize(name, args, real(&api, name, args));
        let b = normalize(name, args, fake(&fake_backend, name, args));
        if a != b {
            differences.push(format!(
                "step {i} `{name}` {}:\n   app:  {}\n   fake: {}",
                short(args),
                brief(&a),
                brief(&b)
            ));
        }
    }
    assert!(
        differences.is_empty(),
        "the fake disagrees with the app:\n{}",
        differences.join("\n")
    );
}

#[test]
fn the_fake_routes_every_command_the_app_routes() {
    let dir = tempfile::tempdir().unwrap();
    let api = Api::builder(dir.path()).plugins(Vec::new()).open();
    let mut app: Vec<&str> = api.command_names();
    app.sort_unstable();
    let fake: Vec<&str> = FakeBackend::routes().names().collect();
    assert_eq!(fake, app);
}
