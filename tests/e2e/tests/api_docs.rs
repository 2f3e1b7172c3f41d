//! API docs in a real window, on Backstage's example files (`tests/fixtures/backstage-examples`:
//! petstore, streetlights, swapi and hello-world APIs, petstore-webhook's `$text` definition,
//! spotify's remote `$text`, and the petstore component that provides them) plus one broken
//! definition, ingested with `backlot catalog ingest` before the app starts: the APIs page
//! and its filters, the API tab of each kind of definition, the error of the broken one, and
//! the cards on the component's overview (and none on the API's).

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use std::path::Path;
use std::time::{Duration, Instant};

use backlot_e2e::{App, backlot, workspace_root};

const BROKEN: &str = "apiVersion: backstage.io/v1alpha1
kind: API
metadata:
  name: broken-orders
  description: An API whose definition does not parse
spec:
  type: openapi
  lifecycle: experimental
  owner: team-c
  definition: |
    openapi: 3.0.0
    info:
      title: Orders
      version: [1.0
    paths: {}
";

fn ingest_fixtures(data_dir: &Path) {
    let fixtures = workspace_root().join("tests/fixtures/backstage-examples");
    assert!(
        fixtures.is_dir(),
        "the fixtures are missing at {}",
        fixtures.display()
    );
    let broken = data_dir.join("broken-api.yaml");
    std::fs::write(&broken, BROKEN).unwrap();
    let mut args = vec![
        "catalog".to_string(),
        "ingest".to_string(),
        "--json".to_string(),
    ];
    args.extend(
        [
            "apis/petstore-api.yaml",
            "apis/streetlights-api.yaml",
            "apis/swapi-graphql.yaml",
            "apis/hello-world-api.yaml",
            "apis/petstore-webhook-api.yaml",
            "apis/spotify-api.yaml",
            "components/petstore-component.yaml",
        ]
        .map(|f| fixtures.join(f).display().to_string()),
    );
    args.push(broken.display().to_string());
    let out = backlot(data_dir, &args);
    let report: serde_json::Value = serde_json::from_str(&out).expect("a JSON report");
    assert_eq!(report["added"], 8, "{report}");
    assert_eq!(report["errors"], serde_json::json!([]), "{report}");
}

async fn text_of(app: &App, css: &str) -> String {
    app.js(&format!(
        "return document.querySelector(\"{css}\")?.textContent ?? ''"
    ))
    .await
    .as_str()
    .unwrap_or_default()
    .to_string()
}

async fn wait_for_text(app: &App, what: &str, css: &str, needle: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let text = text_of(app, css).await;
        if text.contains(needle) {
            return text;
        }
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {what}: `{css}` says {text:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn count(app: &App, css: &str) -> u64 {
    app.js(&format!(
        "return document.querySelectorAll(\"{css}\").length"
    ))
    .await
    .as_u64()
    .unwrap_or_default()
}

async fn tab_titles(app: &App) -> Vec<String> {
    let titles = app.js("return [...document.querySelectorAll('.pane-active .entity-page nav.tabs a')].map(a => a.textContent)").await;
    titles
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap_or_default().to_string())
        .collect()
}

/// Opens the APIs page and follows the link of `name`'s row to its API tab.
async fn open_api(app: &App, name: &str) {
    app.find(".nav-item[data-plugin='api-docs']")
        .await
        .click()
        .await
        .unwrap();
    app.find(&format!(
        ".pane-active .api-table tr[data-ref='api:default/{name}'] a"
    ))
    .await
    .click()
    .await
    .unwrap();
    app.wait_until(
        "the API's page",
        &format!("return document.querySelector('.pane-active .entity-page')?.dataset.ref === 'api:default/{name}' && !!document.querySelector('.pane-active .api-docs')"),
    )
    .await;
}

#[tokio::test(flavor = "current_thread")]
async fn api_docs_on_the_fixtures() {
    let app = App::launch_with(|data_dir| {
        ingest_fixtures(data_dir);
        Vec::new()
    })
    .await;

    // The APIs page: every API (the demo catalog's and the fixtures'), filterable.
    let nav = app.find(".nav-item[data-plugin='api-docs']").await;
    assert_eq!(nav.text().await.unwrap().trim(), "APIs");
    nav.click().await.unwrap();
    app.find(".pane-active .api-table tr[data-ref='api:default/petstore']")
        .await;
    for name in [
        "streetlights",
        "starwars-graphql",
        "hello-world",
        "petstore-webhook",
        "broken-orders",
    ] {
        assert_eq!(
            count(
                &app,
                &format!(".pane-active .api-table tr[data-ref='api:default/{name}']")
            )
            .await,
            1,
            "{name} listed"
        );
    }
    assert_eq!(
        count(&app, ".pane-active .api-table tr[data-ref^='component:']").await,
        0,
        "only APIs"
    );
    app.js(
        "const s = document.querySelector('.pane-active select[name=api-type]'); s.value = 'graphql'; s.dispatchEvent(new Event('change', {bubbles: true})); return true",
    )
    .await;
    app.wait_until(
        "the type filter",
        "return [...document.querySelectorAll('.pane-active .api-table tbody tr')].every(r => r.textContent.includes('graphql'))",
    )
    .await;
    assert_eq!(
        count(
            &app,
            ".pane-active .api-table tr[data-ref='api:default/starwars-graphql']"
        )
        .await,
        1
    );
    assert_eq!(
        count(
            &app,
            ".pane-active .api-table tr[data-ref='api:default/petstore']"
        )
        .await,
        0
    );
    app.screenshot("api-docs-apis-page").await;
    app.find(".pane-active .clear-filters")
        .await
        .click()
        .await
        .unwrap();
    app.find(".pane-active .api-table tr[data-ref='api:default/petstore']")
        .await;
    let listed = app.js("return [...document.querySelectorAll('.pane-active .api-table tbody tr')].map(r => r.dataset.ref)").await;
    let listed: Vec<String> = listed
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r.as_str().map(str::to_string))
        .collect();
    assert!(listed.len() >= 7, "{listed:?}");

    // Every API in the window (the demo catalog's too) renders as something other than an
    // error, except the broken one.
    for entity_ref in &listed {
        let name = entity_ref.rsplit('/').next().unwrap();
        open_api(&app, name).await;
        let format = app
            .js("return document.querySelector('.pane-active .api-docs')?.dataset.format ?? ''")
            .await;
        let expected_error = name == "broken-orders";
        assert_eq!(
            format == "error",
            expected_error,
            "{entity_ref} rendered as {format}"
        );
    }

    // petstore's API tab: operations grouped by tag; opening one shows its parameters and
    // the response schema's properties.
    open_api(&app, "petstore").await;
    assert!(tab_titles(&app).await.iter().any(|t| t == "API"));
    app.find(".pane-active .api-docs[data-format='openapi']")
        .await;
    assert_eq!(
        text_of(&app, ".pane-active .api-title").await,
        "Swagger Petstore"
    );
    let ops = app.js("return [...document.querySelectorAll('.pane-active details.operation')].map(d => d.dataset.method + ' ' + d.dataset.path)").await;
    assert_eq!(
        ops,
        serde_json::json!(["get /pets", "post /pets", "get /pets/{petId}"])
    );
    app.find(".pane-active details.operation[data-path='/pets'][data-method='get'] summary")
        .await
        .click()
        .await
        .unwrap();
    let limit = app
        .find(".pane-active details.operation[open] tr[data-param='limit']")
        .await;
    assert!(
        limit.is_displayed().await.unwrap(),
        "the opened operation shows its parameters"
    );
    assert!(limit.text().await.unwrap().contains("integer (int32)"));
    let props = app.js("return [...document.querySelectorAll(\".pane-active details.operation[open] .api-response[data-status='200'] .api-media > .schema-tree > .schema-props > .schema-prop\")].map(p => p.dataset.prop)").await;
    assert_eq!(props, serde_json::json!(["id", "name", "tag"]));
    app.screenshot("api-docs-petstore").await;
    // Copying an example works in the window (the button says so).
    app.find(".pane-active details.operation[open] .api-response[data-status='200'] .copy-example")
        .await
        .click()
        .await
        .unwrap();
    wait_for_text(
        &app,
        "the copy",
        ".pane-active details.operation[open] .api-response[data-status='200'] .copy-example",
        "Copied",
    )
    .await;
    // The API's overview: no card from this plugin (the catalog shows its providers).
    app.find(".pane-active .entity-page nav.tabs a[href='/catalog/default/api/petstore']")
        .await
        .click()
        .await
        .unwrap();
    app.wait_until(
        "the API's overview",
        "return !!document.querySelector('.pane-active .entity-page .entity-grid') && !document.querySelector('.pane-active .api-docs')",
    )
    .await;
    assert_eq!(
        count(&app, ".pane-active .api-relations").await,
        0,
        "no API cards on an API"
    );

    // The `$text` definition was resolved at ingestion and renders as OpenAPI 3.1.
    open_api(&app, "petstore-webhook").await;
    wait_for_text(
        &app,
        "the webhook definition",
        ".pane-active .api-docs[data-format='openapi'] .api-format",
        "OpenAPI 3.1.0",
    )
    .await;
    assert_eq!(
        count(
            &app,
            ".pane-active details.operation[data-path='newPet'][data-method='post']"
        )
        .await,
        1
    );

    // A remote `$text` (not fetched offline): the tab says where the definition lives.
    open_api(&app, "spotify").await;
    app.find(".pane-active .api-docs[data-format='remote']")
        .await;
    wait_for_text(
        &app,
        "the remote notice",
        ".pane-active .api-docs .empty-state",
        "https://github.com/APIs-guru/openapi-directory",
    )
    .await;

    // AsyncAPI, GraphQL and gRPC.
    open_api(&app, "streetlights").await;
    app.find(".pane-active .api-docs[data-format='asyncapi']")
        .await;
    assert_eq!(count(&app, ".pane-active .channel").await, 4);
    wait_for_text(
        &app,
        "a message",
        ".pane-active .operation[data-operation='receiveLightMeasurement'] .api-message-name",
        "Light measured",
    )
    .await;
    app.screenshot("api-docs-asyncapi").await;
    open_api(&app, "starwars-graphql").await;
    app.find(".pane-active .api-docs[data-format='graphql']")
        .await;
    wait_for_text(
        &app,
        "the allFilms query",
        ".pane-active .gql-root[data-root='query'] .gql-field[data-field='allFilms']",
        "FilmsConnection",
    )
    .await;
    assert_eq!(
        count(&app, ".pane-active .gql-type[data-type='Film']").await,
        1
    );
    app.screenshot("api-docs-graphql").await;
    open_api(&app, "hello-world").await;
    app.find(".pane-active .api-docs[data-format='protobuf']")
        .await;
    wait_for_text(
        &app,
        "the rpc",
        ".pane-active .proto-rpc",
        "SayHello(HelloRequest) returns (HelloReply)",
    )
    .await;
    assert!(count(&app, ".pane-active .api-source .tok-kw").await > 5);
    app.screenshot("api-docs-grpc").await;

    // A definition that does not parse: the error with its line, over the raw source.
    open_api(&app, "broken-orders").await;
    let alert = app.find(".pane-active .api-error[role='alert']").await;
    assert!(alert.text().await.unwrap().contains("invalid YAML"));
    let position = text_of(&app, ".pane-active [data-testid='api-error-line']").await;
    assert!(
        position.starts_with("Line 4") || position.starts_with("Line 5"),
        "{position}"
    );
    assert_eq!(
        count(&app, ".pane-active .api-source .src-line-error").await,
        1
    );
    assert!(
        text_of(&app, ".pane-active .api-source")
            .await
            .contains("version: [1.0")
    );
    app.screenshot("api-docs-error").await;

    // The petstore component: no API tab, and cards for the APIs it provides and consumes.
    app.find(".nav-item[data-plugin='catalog']")
        .await
        .click()
        .await
        .unwrap();
    let search = app.find(".pane-active input[name='catalog-search']").await;
    search.clear().await.unwrap();
    search.send_keys("petstore").await.unwrap();
    app.find(".pane-active a[href='/catalog/default/component/petstore']")
        .await
        .click()
        .await
        .unwrap();
    app.wait_until(
        "the component's page",
        "return document.querySelector('.pane-active .entity-page')?.dataset.ref === 'component:default/petstore'",
    )
    .await;
    assert!(
        !tab_titles(&app).await.iter().any(|t| t == "API"),
        "components have no API tab"
    );
    let provided = ".pane-active .api-relations[data-relation='providesApi']";
    app.find(&format!("{provided} tr[data-ref='api:default/petstore'] a"))
        .await;
    let rows = app
        .js(&format!(
            "return [...document.querySelectorAll(\"{provided} tbody tr\")].map(r => r.dataset.ref)"
        ))
        .await;
    assert_eq!(
        rows,
        serde_json::json!([
            "api:default/petstore",
            "api:default/streetlights",
            "api:default/playback-order"
        ])
    );
    wait_for_text(
        &app,
        "the missing API",
        &format!("{provided} tr[data-ref='api:default/playback-order']"),
        "Not in the catalog",
    )
    .await;
    let consumed = ".pane-active .api-relations[data-relation='consumesApi']";
    wait_for_text(
        &app,
        "the consumed API",
        &format!("{consumed} tr[data-ref='api:default/searcher']"),
        "searcher",
    )
    .await;
    app.screenshot("api-docs-component-cards").await;
    // The card's link leads to the API tab.
    app.find(&format!(
        "{provided} tr[data-ref='api:default/streetlights'] a"
    ))
    .await
    .click()
    .await
    .unwrap();
    app.wait_until(
        "the streetlights API tab",
        "return document.querySelector('.pane-active .entity-page')?.dataset.ref === 'api:default/streetlights' && !!document.querySelector(\".pane-active .api-docs[data-format='asyncapi']\")",
    )
    .await;

    app.close().await;
}
