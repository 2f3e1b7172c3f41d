//! The shell against the fake backend, in headless Chromium: the sidebar shows every
//! plugin's entry, navigating changes the page, and pages keep their state.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use std::time::Duration;

use backlot_model::ipc::ThemePreference;
use backlot_model::query::EntitySummary;
use backlot_plugin_api::FakeBackend;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{HtmlElement, HtmlInputElement};
use yew_router::history::{AnyHistory, MemoryHistory};

wasm_bindgen_test_configure!(run_in_browser);

mod support;
use support::*;

#[wasm_bindgen_test]
async fn sidebar_shows_every_plugin_entry_in_order() {
    let app = mount("/").await;
    let labels: Vec<String> = app
        .all(".nav-item")
        .iter()
        .map(|a| a.text_content().unwrap_or_default())
        .collect();
    assert_eq!(
        labels,
        ["Home", "Catalog", "APIs", "Create", "Docs", "Settings"]
    );
    let plugins: Vec<String> = app
        .all(".nav-item")
        .iter()
        .map(|a| a.get_attribute("data-plugin").unwrap())
        .collect();
    assert_eq!(
        plugins,
        [
            "home",
            "catalog",
            "api-docs",
            "scaffolder",
            "techdocs",
            "settings"
        ]
    );
    assert_eq!(
        app.one(".nav-item.active")
            .get_attribute("data-plugin")
            .as_deref(),
        Some("home")
    );
}

#[wasm_bindgen_test]
async fn navigating_changes_the_page_and_title() {
    let app = mount("/").await;
    assert_eq!(app.text(".page-title"), "Home");
    assert_eq!(app.text("[data-testid='catalog-total']"), "62");

    app.click(".nav-item[data-plugin='catalog']").await;
    assert_eq!(app.text(".page-title"), "Catalog");
    assert_eq!(app.active_pane(), "catalog:/catalog");
    // 62 entities, a virtualized table: only the rows in view (and a margin) are rendered.
    assert_eq!(
        app.one(".pane-active .vt")
            .get_attribute("aria-rowcount")
            .as_deref(),
        Some("62")
    );
    let rendered = app.all(".pane-active .vt-slab .vt-row").len();
    assert!(rendered > 10 && rendered < 62, "{rendered} rows rendered");

    app.click(".nav-item[data-plugin='settings']").await;
    assert_eq!(app.text(".page-title"), "Settings");
    assert_eq!(
        app.text(".pane-active [data-testid='app-version']"),
        "0.0.0-fake"
    );
    assert_eq!(gloo_document().title(), "Settings · Backlot");
}

#[wasm_bindgen_test]
async fn pages_keep_typed_text_and_scroll_when_switching_back() {
    let app = mount("/catalog").await;
    app.type_into(".pane-active input[name='catalog-search']", "service")
        .await;
    assert_eq!(
        app.one(".pane-active .vt")
            .get_attribute("aria-rowcount")
            .as_deref(),
        Some("60")
    );
    let table: HtmlElement = app
        .one(".pane-active [data-testid='catalog-scroll']")
        .dyn_into()
        .unwrap();
    table.set_scroll_top(300);
    assert_eq!(
        table.scroll_top(),
        300,
        "the catalog table must be scrollable for this test"
    );
    settle().await;
    let queries_before = app
        .fake
        .calls()
        .iter()
        .filter(|c| **c == "query_entities")
        .count();

    app.click(".nav-item[data-plugin='settings']").await;
    assert_eq!(app.active_pane(), "settings:/settings");
    // The catalog pane is hidden, not destroyed.
    let hidden = app.one("[data-pane='catalog:/catalog']");
    assert_eq!(hidden.get_attribute("aria-hidden").as_deref(), Some("true"));

    app.click(".nav-item[data-plugin='catalog']").await;
    let input: HtmlInputElement = app
        .one(".pane-active input[name='catalog-search']")
        .dyn_into()
        .unwrap();
    assert_eq!(input.value(), "service");
    let table: HtmlElement = app
        .one(".pane-active [data-testid='catalog-scroll']")
        .dyn_into()
        .unwrap();
    assert_eq!(table.scroll_top(), 300);
    // Coming back did not reload the page.
    let queries_after = app
        .fake
        .calls()
        .iter()
        .filter(|c| **c == "query_entities")
        .count();
    assert_eq!(queries_after, queries_before);
}

#[wasm_bindgen_test]
async fn kind_chips_filter_and_unknown_routes_say_not_found() {
    let app = mount("/catalog?kind=api").await;
    assert_eq!(app.all(".pane-active .vt-slab .vt-row").len(), 1);
    assert_eq!(
        app.one(".pane-active .vt-slab .vt-row")
            .get_attribute("data-ref")
            .as_deref(),
        Some("api:default/payments-api")
    );
    drop(app);
    let app = mount("/no/such/page").await;
    assert!(app.text(".pane-active").contains("Page not found"));
    assert!(app.all(".nav-item.active").is_empty());
    assert_eq!(app.text(".page-title"), "Not found");
}

#[wasm_bindgen_test]
async fn theme_choice_is_applied_and_saved() {
    let app = mount("/settings").await;
    app.click("[data-theme-choice='dark']").await;
    let root = gloo_document().document_element().unwrap();
    assert_eq!(root.get_attribute("data-theme").as_deref(), Some("dark"));
    assert_eq!(app.fake.preferences().theme, ThemePreference::Dark);
    app.click("[data-theme-choice='light']").await;
    assert_eq!(root.get_attribute("data-theme").as_deref(), Some("light"));
    assert_eq!(app.fake.preferences().theme, ThemePreference::Light);
}

#[wasm_bindgen_test]
async fn state_survives_a_tour_of_every_page_and_a_theme_change() {
    // The browser's history, as in the app.
    let app = mount_with(
        "/",
        AnyHistory::from(yew_router::history::BrowserHistory::new()),
    )
    .await;
    app.click(".nav-item[data-plugin='catalog']").await;
    app.type_into(".pane-active input[name='catalog-search']", "payments")
        .await;
    // The search waits for typing to pause, then asks: on a loaded machine that can take
    // longer than one settle.
    app.eventually("one row for “payments”", |app| {
        app.all(".pane-active .vt-slab .vt-row").len() == 1
    })
    .await;
    app.click(".nav-item[data-plugin='settings']").await;
    app.click("[data-theme-choice='dark']").await;
    app.click(".nav-item[data-plugin='home']").await;
    app.click(".nav-item[data-plugin='catalog']").await;
    let input: HtmlInputElement = app
        .one(".pane-active input[name='catalog-search']")
        .dyn_into()
        .unwrap();
    assert_eq!(input.value(), "payments");
    assert_eq!(app.all(".pane-active .vt-slab .vt-row").len(), 1);
}

#[wasm_bindgen_test]
async fn credentials_are_stored_replaced_and_deleted_without_coming_back() {
    let fake = FakeBackend::new().with_secret_needed("github-token", "proxy /github");
    let app = mount_fake("/settings", AnyHistory::from(MemoryHistory::new()), fake).await;
    let row = "[data-secret='github-token']";
    assert_eq!(
        app.text(&format!("{row} [data-testid='secret-state']")),
        "Missing"
    );
    assert!(app.text(row).contains("used by proxy /github"));

    let input: HtmlInputElement = app
        .one(&format!("{row} input[name='secret-value']"))
        .dyn_into()
        .unwrap();
    assert_eq!(input.type_(), "password");
    input.set_value("ghp_canary_value");
    submit(&app, &format!("{row} form")).await;
    assert_eq!(
        app.fake.keychain_value("github-token").as_deref(),
        Some("ghp_canary_value")
    );
    assert_eq!(
        app.text(&format!("{row} [data-testid='secret-state']")),
        "Set"
    );
    let input: HtmlInputElement = app
        .one(&format!("{row} input[name='secret-value']"))
        .dyn_into()
        .unwrap();
    assert_eq!(input.value(), "", "the value does not stay in the page");
    assert!(!app.root.inner_html().contains("ghp_canary_value"));

    app.click(&format!("{row} .button-secondary")).await;
    assert_eq!(app.fake.keychain_value("github-token"), None);
    assert_eq!(
        app.text(&format!("{row} [data-testid='secret-state']")),
        "Missing"
    );
}

#[wasm_bindgen_test]
async fn an_unavailable_keychain_is_explained_and_inputs_are_disabled() {
    use backlot_model::{ApiError, ErrorCode};
    let fake = FakeBackend::new()
        .with_secret_needed("github-token", "proxy /github")
        .with_keychain_error(ApiError::new(
            ErrorCode::KeychainUnavailable,
            "no Secret Service is running",
        ));
    let app = mount_fake("/settings", AnyHistory::from(MemoryHistory::new()), fake).await;
    let banner = app.text(".credentials .banner-error");
    assert!(banner.contains("no Secret Service is running"), "{banner}");
    assert!(banner.contains("keychain_unavailable"), "{banner}");
    let input: HtmlInputElement = app
        .one("[data-secret='github-token'] input")
        .dyn_into()
        .unwrap();
    assert!(input.disabled());
}

#[wasm_bindgen_test]
async fn settings_sign_in_waits_for_the_browser_then_shows_who_and_signs_out() {
    let app = mount_fake(
        "/settings",
        AnyHistory::from(MemoryHistory::new()),
        FakeBackend::new().with_entities(many_entities()),
    )
    .await;
    let card = ".pane-active .team-backend";
    assert!(
        app.all(&format!("{card} input[name='team-token']"))
            .is_empty(),
        "Sign in is the default: no token field"
    );
    app.type_into(
        &format!("{card} input[name='team-url']"),
        "https://backstage.example.com",
    )
    .await;
    app.click(&format!("{card} [data-action='sign-in']")).await;
    app.eventually("the waiting state", |app| {
        app.all(&format!("{card} [data-testid='sign-in-address']"))
            .len()
            == 1
    })
    .await;
    assert!(
        app.text(&format!("{card} [data-testid='sign-in-address']"))
            .starts_with("https://backstage.example.com/api/auth/v1/authorize")
    );

    // The browser comes back; the card asks again while it waits (every 500 ms).
    app.fake.finish_sign_in(Ok("user:default/ada"));
    app.eventually("signed in", |app| {
        app.text(&format!("{card} [data-testid='sign-in-state']"))
            .contains("Signed in as user:default/ada")
    })
    .await;
    // "Me" now comes from the session: Settings → You says so.
    app.eventually("me from the session", |app| {
        app.all("[data-testid='signed-in-as']").len() == 1
    })
    .await;
    assert!(
        app.text("[data-testid='signed-in-as']")
            .contains("user:default/ada")
    );

    app.click(&format!("{card} [data-action='sign-out']")).await;
    app.eventually("signed out", |app| {
        app.all(&format!("{card} [data-action='sign-in']")).len() == 1
    })
    .await;
    assert!(app.fake.calls().contains(&"sign_out"));
}

#[wasm_bindgen_test]
async fn team_backend_can_be_tested_saved_and_synced() {
    let app = mount_fake(
        "/settings",
        AnyHistory::from(MemoryHistory::new()),
        FakeBackend::new().with_entities(many_entities()),
    )
    .await;
    let card = ".pane-active .team-backend";
    assert!(
        app.one(&format!("{card} [data-action='sync']"))
            .has_attribute("disabled"),
        "nothing to sync yet"
    );
    app.click(&format!("{card} [data-action='mode-token']"))
        .await;
    assert_eq!(
        app.text(&format!("{card} [data-testid='token-state']")),
        "not set"
    );
    assert!(
        app.all("[data-testid='sync-indicator']").is_empty(),
        "no indicator without a backend"
    );

    app.type_into(&format!("{card} input[name='team-url']"), "not a url")
        .await;
    app.click(&format!("{card} [data-action='test']")).await;
    assert!(
        app.text(&format!("{card} [data-testid='connection-check']"))
            .contains("invalid_input")
    );

    app.type_into(
        &format!("{card} input[name='team-url']"),
        "https://backstage.example.com",
    )
    .await;
    let token: HtmlInputElement = app
        .one(&format!("{card} input[name='team-token']"))
        .dyn_into()
        .unwrap();
    token.set_value("tok_canary");
    app.click(&format!("{card} [data-action='test']")).await;
    assert_eq!(
        app.text(&format!("{card} [data-testid='connection-check']")),
        "Connected: the catalog holds 62 entities (1 ms)."
    );
    submit(&app, &format!("{card} form")).await;
    assert_eq!(token.value(), "", "a saved token is taken out of the page");
    assert_eq!(
        app.fake.keychain_value("team-backend-token").as_deref(),
        Some("tok_canary")
    );
    assert_eq!(
        app.text(&format!("{card} [data-testid='token-state']")),
        "stored in keychain"
    );
    assert!(!app.root.inner_html().contains("tok_canary"));
    let url: HtmlInputElement = app
        .one(&format!("{card} input[name='team-url']"))
        .dyn_into()
        .unwrap();
    assert_eq!(
        url.value(),
        "https://backstage.example.com",
        "the typed URL survived the check and the save"
    );

    app.click(&format!("{card} [data-action='sync']")).await;
    assert!(
        app.text(&format!("{card} [data-testid='sync-detail']"))
            .starts_with("incremental sync · listing")
    );
    app.click(&format!("{card} [data-action='cancel']")).await;
    assert!(
        app.all(&format!("{card} [data-testid='sync-progress']"))
            .is_empty()
    );
    assert_eq!(
        app.text(&format!("{card} [data-testid='last-sync']")),
        "Not synced yet."
    );
}

#[wasm_bindgen_test]
async fn a_sync_refused_for_a_shrunken_catalog_asks_and_accepting_syncs_again() {
    use backlot_model::ipc::{StartSync, SyncState, TeamBackend};
    use backlot_model::sync::{CATALOG_SHRANK, SyncStatus};
    let status = SyncStatus {
        last_error: Some(
            "the team backend now serves 0 entities where the offline catalog has 120".into(),
        ),
        last_error_kind: Some(CATALOG_SHRANK.into()),
        team_entities: 120,
        ..Default::default()
    };
    let team = TeamBackend {
        url: Some("https://backstage.example.com".into()),
        sync: SyncState {
            status: Some(status),
            ..Default::default()
        },
        ..Default::default()
    };
    let app = mount_fake(
        "/settings",
        AnyHistory::from(MemoryHistory::new()),
        FakeBackend::new().with_team_backend(team),
    )
    .await;
    let card = ".pane-active .team-backend";
    let banner = app.text(&format!("{card} [data-testid='last-sync'] .banner"));
    assert!(banner.contains("serves 0 entities"), "{banner}");
    app.click(&format!("{card} [data-action='accept-shrink']"))
        .await;
    assert_eq!(
        app.fake.last_sync_start(),
        Some(StartSync {
            full: true,
            accept_shrink: true
        })
    );
}

#[wasm_bindgen_test]
async fn the_header_says_how_old_the_team_catalog_is() {
    use backlot_model::ipc::{SyncState, TeamBackend};
    use backlot_model::sync::SyncStatus;
    let twelve_minutes_ago = js_sys::Date::now() as u64 - 12 * 60_000 - 5_000;
    let status = SyncStatus {
        last_success_ms: Some(twelve_minutes_ago),
        ..Default::default()
    };
    let team = TeamBackend {
        url: Some("https://backstage.example.com".into()),
        sync: SyncState {
            status: Some(status),
            ..Default::default()
        },
        ..Default::default()
    };
    let app = mount_fake(
        "/",
        AnyHistory::from(MemoryHistory::new()),
        FakeBackend::new().with_team_backend(team),
    )
    .await;
    assert_eq!(
        app.text("[data-testid='sync-indicator']"),
        "Team catalog synced 12 min ago"
    );
}

#[wasm_bindgen_test]
async fn a_finished_sync_reloads_catalog_pages_kept_alive() {
    let app = mount("/").await;
    app.click(".nav-item[data-plugin='settings']").await;
    let card = ".pane-active .team-backend";
    app.type_into(
        &format!("{card} input[name='team-url']"),
        "https://backstage.example.com",
    )
    .await;
    submit(&app, &format!("{card} form")).await;
    let summaries_before = app
        .fake
        .calls()
        .iter()
        .filter(|c| **c == "catalog_summary")
        .count();
    app.click(&format!("{card} [data-action='sync']")).await;
    app.click(&format!("{card} [data-action='cancel']")).await;
    gloo_timers::future::sleep(Duration::from_millis(200)).await;
    let summaries_after = app
        .fake
        .calls()
        .iter()
        .filter(|c| **c == "catalog_summary")
        .count();
    assert_eq!(
        summaries_after,
        summaries_before + 1,
        "Home re-loaded its counts once the sync ended"
    );
}

#[wasm_bindgen_test]
async fn an_entity_page_opens_from_the_table_and_links_its_relations() {
    let mut entities = many_entities();
    entities.push(EntitySummary {
        entity_ref: "group:default/payments".into(),
        kind: "Group".into(),
        namespace: "default".into(),
        name: "payments".into(),
        title: Some("Payments team".into()),
        ..Default::default()
    });
    let app = mount_fake(
        "/catalog",
        AnyHistory::from(MemoryHistory::new()),
        FakeBackend::new().with_entities(entities),
    )
    .await;
    app.click(".pane-active .vt-row[data-ref='api:default/payments-api'] .vt-name a")
        .await;
    assert_eq!(app.active_pane(), "catalog:/catalog/:namespace/:kind/:name");
    assert_eq!(
        app.one(".pane-active .entity-page")
            .get_attribute("data-ref")
            .as_deref(),
        Some("api:default/payments-api")
    );
    assert_eq!(app.text(".pane-active .entity-header h2"), "payments-api");
    assert_eq!(
        app.text(".pane-active [data-testid='entity-source']"),
        "From a local catalog file"
    );
    assert_eq!(
        app.text(".pane-active .about dd .entity-link"),
        "Payments team"
    );
    assert!(
        app.all(".pane-active [data-testid='shadow-notice']")
            .is_empty()
    );

    // Follow the owner link; the catalog list kept its own pane meanwhile.
    app.click(".pane-active .relations [data-relation='ownedBy'] a")
        .await;
    assert_eq!(
        app.one(".pane-active .entity-page")
            .get_attribute("data-ref")
            .as_deref(),
        Some("group:default/payments")
    );
    assert!(
        app.one("[data-pane='catalog:/catalog']")
            .get_attribute("aria-hidden")
            .is_some()
    );
}

#[wasm_bindgen_test]
async fn a_local_entity_says_it_shadows_the_team_copy() {
    use backlot_model::entity::{Entity, EntityMetadata};
    use backlot_model::ingest::EntityDetails;
    use backlot_model::ipc::EntityView;
    let entity = |description: &str| Entity {
        api_version: "backstage.io/v1alpha1".into(),
        kind: "Component".into(),
        metadata: EntityMetadata {
            name: "checkout-web".into(),
            description: Some(description.into()),
            ..Default::default()
        },
        spec: None,
        relations: vec![],
        status: None,
    };
    let view = EntityView {
        details: EntityDetails {
            entity: entity("local edit"),
            related: vec![],
        },
        from_team: false,
        shadowed_team_copy: Some(entity("as the team has it")),
        problems: vec![],
        starred: false,
    };
    let fake = FakeBackend::new().with_entity_view(view);
    let app = mount_fake(
        "/catalog/default/component/checkout-web",
        AnyHistory::from(MemoryHistory::new()),
        fake,
    )
    .await;
    assert!(
        app.text(".pane-active [data-testid='shadow-notice']")
            .contains("shadows the team backend's copy")
    );
    assert!(
        app.text(".pane-active .team-copy pre")
            .contains("as the team has it")
    );
    assert!(app.text(".pane-active .about").contains("local edit"));
}

fn team_entity_view(from_team: bool) -> backlot_model::ipc::EntityView {
    use backlot_model::entity::{Entity, EntityMetadata};
    use backlot_model::ingest::EntityDetails;
    backlot_model::ipc::EntityView {
        details: EntityDetails {
            entity: Entity {
                api_version: "backstage.io/v1alpha1".into(),
                kind: "Component".into(),
                metadata: EntityMetadata {
                    name: "checkout-web".into(),
                    ..Default::default()
                },
                spec: None,
                relations: vec![],
                status: None,
            },
            related: vec![],
        },
        from_team,
        shadowed_team_copy: None,
        problems: vec![],
        starred: false,
    }
}

fn signed_in_team() -> backlot_model::ipc::TeamBackend {
    backlot_model::ipc::TeamBackend {
        url: Some("https://backstage.example.com".into()),
        session: backlot_model::ipc::SessionState {
            signed_in: true,
            user: Some("user:default/ada".into()),
            renews: true,
            ..Default::default()
        },
        ..Default::default()
    }
}

/// The app on `path` with a catalog, signed in to a team backend.
async fn mount_signed_in(path: &str) -> Mounted {
    mount_fake(
        path,
        AnyHistory::from(MemoryHistory::new()),
        FakeBackend::new()
            .with_entities(many_entities())
            .with_team_backend(signed_in_team()),
    )
    .await
}

#[wasm_bindgen_test]
async fn team_entity_actions_need_a_team_entity_and_a_credential() {
    let mount_entity = |from_team: bool, team: Option<backlot_model::ipc::TeamBackend>| {
        let fake = FakeBackend::new().with_entity_view(team_entity_view(from_team));
        let fake = match team {
            Some(team) => fake.with_team_backend(team),
            None => fake,
        };
        mount_fake(
            "/catalog/default/component/checkout-web",
            AnyHistory::from(MemoryHistory::new()),
            fake,
        )
    };
    let actions = ".pane-active [data-action='refresh-entity']";
    // A team entity, not signed in: no actions; signed in, but a local entity: none either.
    assert!(mount_entity(true, None).await.all(actions).is_empty());
    assert!(
        mount_entity(false, Some(signed_in_team()))
            .await
            .all(actions)
            .is_empty()
    );

    let app = mount_entity(true, Some(signed_in_team())).await;
    app.click(".pane-active [data-action='refresh-entity']")
        .await;
    assert!(
        app.text(".pane-active [data-testid='team-action-outcome']")
            .contains("Refresh requested")
    );
    assert!(app.fake.calls().contains(&"refresh_team_entity"));

    // Unregister asks first, listing what goes; Cancel sends nothing.
    app.click(".pane-active [data-action='unregister-entity']")
        .await;
    let confirm = app.text(".pane-active [data-testid='unregister-confirm']");
    assert!(
        confirm.contains("component:default/checkout-web"),
        "{confirm}"
    );
    assert!(confirm.contains("These 1 entities"), "{confirm}");
    app.click(".pane-active [data-action='cancel-unregister']")
        .await;
    assert!(app.fake.unregistered().is_empty());
    app.click(".pane-active [data-action='unregister-entity']")
        .await;
    app.click(".pane-active [data-action='confirm-unregister']")
        .await;
    assert_eq!(app.fake.unregistered().len(), 1);
    assert!(
        app.text(".pane-active [data-testid='team-action-outcome']")
            .starts_with("Unregistered: 1 entities")
    );
}

#[wasm_bindgen_test]
async fn registering_a_component_previews_then_imports_and_refuses_a_second_time() {
    let app = mount_signed_in("/catalog").await;
    app.click(".pane-active .register-link").await;
    let url = "https://git.example.com/acme/payments/catalog-info.yaml";
    app.type_into(".pane-active input[name='import-url']", url)
        .await;
    submit(&app, ".pane-active .catalog-import form").await;
    assert!(
        app.text(".pane-active [data-testid='import-outcome']")
            .contains("Importing adds 1 entities")
    );
    assert!(
        app.fake.registered().is_empty(),
        "a preview registers nothing"
    );
    app.click(".pane-active [data-action='import']").await;
    assert_eq!(app.fake.registered(), [url]);
    assert!(
        app.text(".pane-active [data-testid='import-outcome']")
            .starts_with("Registered. 1 entities")
    );
    submit(&app, ".pane-active .catalog-import form").await;
    assert!(
        app.text(".pane-active [data-testid='import-outcome']")
            .contains("registered already")
    );
}

#[wasm_bindgen_test]
async fn home_greets_the_signed_in_user_and_links_what_they_own() {
    let app = mount_signed_in("/").await;
    let line = app.text(".pane-active [data-testid='home-me']");
    assert!(line.starts_with("Signed in as user:default/ada"), "{line}");
    app.click(".pane-active [data-testid='home-me'] a[href*='mine']")
        .await;
    assert_eq!(app.active_pane(), "catalog:/catalog");
}
