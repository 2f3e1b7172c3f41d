//! The API docs plugin in headless Chromium: each shared fixture definition rendered as a
//! user sees it, broken definitions, where the plugin applies, the APIs page and the
//! component cards against the fake backend.
//!
//! Fixtures: `tests/fixtures/backstage-examples/apis/` at the repository root (copied
//! from backstage/backstage's catalog-model examples; see its SOURCE.md).
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used)]

use std::rc::Rc;
use std::time::Duration;

use backlot_api_docs::model::document;
use backlot_api_docs::{ApiRelations, ApiTab, ApisPage};
use backlot_model::ipc::{EntityView, Preferences};
use backlot_model::query::EntitySummary;
use backlot_plugin_api::routing::match_pattern;
use backlot_plugin_api::{BackendHandle, EntityContext, FakeBackend, ShellContext};
use serde_json::{Value, json};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

wasm_bindgen_test_configure!(run_in_browser);

const PETSTORE: &str =
    include_str!("../../../tests/fixtures/backstage-examples/apis/petstore-api.yaml");
const STREETLIGHTS: &str =
    include_str!("../../../tests/fixtures/backstage-examples/apis/streetlights-api.yaml");
const SWAPI: &str =
    include_str!("../../../tests/fixtures/backstage-examples/apis/swapi-graphql.yaml");
const HELLO_WORLD: &str =
    include_str!("../../../tests/fixtures/backstage-examples/apis/hello-world-api.yaml");

fn fixture(entity_yaml: &str) -> EntityContext {
    let entity = document::parse(entity_yaml).expect("fixture parses");
    let name = entity["metadata"]["name"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    EntityContext {
        entity_ref: format!("api:default/{name}"),
        entity,
    }
}

fn api_entity(api_type: &str, definition: Value) -> EntityContext {
    EntityContext {
        entity_ref: "api:default/broken".into(),
        entity: json!({"apiVersion": "backstage.io/v1alpha1", "kind": "API", "metadata": {"name": "broken"},
                       "spec": {"type": api_type, "lifecycle": "production", "owner": "team-a", "definition": definition}}),
    }
}

struct Mounted {
    root: Element,
}

impl Drop for Mounted {
    fn drop(&mut self) {
        self.root.remove();
    }
}

async fn settle() {
    gloo_timers::future::sleep(Duration::from_millis(60)).await;
}

fn new_root() -> Element {
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    root
}

async fn mount_tab(entity: EntityContext) -> Mounted {
    let root = new_root();
    yew::Renderer::<ApiTab>::with_root_and_props(
        root.clone(),
        backlot_api_docs::view::ApiTabProps { entity },
    )
    .render();
    settle().await;
    Mounted { root }
}

#[derive(Clone, PartialEq)]
enum Show {
    ApisPage(String),
    Relations(EntityContext, &'static str),
}

#[derive(Properties, PartialEq)]
struct HostProps {
    backend: BackendHandle,
    show: Show,
}

/// Provides the shell context plugin pages expect.
#[component(Host)]
fn host(props: &HostProps) -> Html {
    let context = ShellContext {
        backend: props.backend.clone(),
        preferences: Preferences::default(),
        set_preferences: Callback::noop(),
        navigate: Callback::noop(),
        replace: Callback::noop(),
        catalog_version: 0,
        catalog_changed: Callback::noop(),
        entity_tabs: Rc::new(backlot_api_docs::plugin().entity_tabs),
        entity_cards: Rc::new(backlot_api_docs::plugin().entity_cards),
    };
    html! {
        <ContextProvider<ShellContext> {context}>
            { match &props.show {
                Show::ApisPage(location) => html! { <ApisPage route={match_pattern("/api-docs", location).expect("route")} /> },
                Show::Relations(entity, relation) => html! { <ApiRelations entity={entity.clone()} relation={*relation} /> },
            } }
        </ContextProvider<ShellContext>>
    }
}

async fn mount_host(fake: FakeBackend, show: Show) -> Mounted {
    let root = new_root();
    yew::Renderer::<Host>::with_root_and_props(
        root.clone(),
        HostProps {
            backend: BackendHandle::new(fake),
            show,
        },
    )
    .render();
    settle().await;
    Mounted { root }
}

impl Mounted {
    fn all(&self, css: &str) -> Vec<Element> {
        let list = self.root.query_selector_all(css).unwrap();
        (0..list.length())
            .filter_map(|i| list.item(i)?.dyn_into::<Element>().ok())
            .collect()
    }

    fn one(&self, css: &str) -> Element {
        self.root.query_selector(css).unwrap().unwrap_or_else(|| {
            panic!(
                "no element `{css}` in {}",
                self.root
                    .inner_html()
                    .chars()
                    .take(2000)
                    .collect::<String>()
            )
        })
    }

    fn text(&self, css: &str) -> String {
        self.one(css).text_content().unwrap_or_default()
    }

    fn texts(&self, css: &str) -> Vec<String> {
        self.all(css)
            .iter()
            .map(|e| e.text_content().unwrap_or_default().trim().to_string())
            .collect()
    }

    async fn click(&self, css: &str) {
        self.one(css).dyn_into::<HtmlElement>().unwrap().click();
        settle().await;
    }

    async fn type_into(&self, css: &str, text: &str) {
        let input: HtmlInputElement = self.one(css).dyn_into().unwrap();
        input.set_value(text);
        input
            .dispatch_event(&web_sys::InputEvent::new("input").unwrap())
            .unwrap();
        settle().await;
    }

    async fn choose(&self, css: &str, value: &str) {
        let select: HtmlSelectElement = self.one(css).dyn_into().unwrap();
        select.set_value(value);
        select
            .dispatch_event(&web_sys::Event::new("change").unwrap())
            .unwrap();
        settle().await;
    }
}

#[wasm_bindgen_test]
async fn petstore_openapi_operations_parameters_and_schemas() {
    let m = mount_tab(fixture(PETSTORE)).await;
    m.one(".api-docs[data-format='openapi']");
    assert_eq!(m.text(".api-format"), "OpenAPI 3.0.0");
    assert_eq!(m.text(".api-title"), "Swagger Petstore");
    assert_eq!(m.texts(".api-server"), ["http://petstore.swagger.io/v1"]);
    // Operations grouped under their tag, in document order, collapsible.
    assert_eq!(m.texts(".op-group-title"), ["pets", "Schemas"]);
    let ops: Vec<(String, String)> = m
        .all("details.operation")
        .iter()
        .map(|e| {
            (
                e.get_attribute("data-method").unwrap(),
                e.get_attribute("data-path").unwrap(),
            )
        })
        .collect();
    assert_eq!(
        ops,
        [
            ("get".into(), "/pets".into()),
            ("post".into(), "/pets".into()),
            ("get".into(), "/pets/{petId}".into())
        ]
    );
    assert_eq!(
        m.texts(".operation-summary .op-summary"),
        ["List all pets", "Create a pet", "Info for a specific pet"]
    );
    assert_eq!(m.text("details.operation .method"), "GET");
    // Parameters.
    let limit = m.one("details[data-path='/pets'][data-method='get'] tr[data-param='limit']");
    let limit_text = limit.text_content().unwrap();
    assert!(
        limit_text.contains("query")
            && limit_text.contains("integer (int32)")
            && limit_text.contains("How many items"),
        "{limit_text}"
    );
    assert!(
        m.text("details[data-path='/pets/{petId}'] tr[data-param='petId']")
            .contains("required")
    );
    // Responses with the nested schema (array of Pet → its properties) and headers.
    let ok = "details[data-path='/pets'][data-method='get'] .api-response[data-status='200']";
    assert!(
        m.text(&format!("{ok} .api-response-head"))
            .contains("A paged array of pets")
    );
    assert_eq!(
        m.text(&format!("{ok} .schema-root .prop-type")),
        "array of Pet"
    );
    assert_eq!(
        m.texts(&format!(
            "{ok} .api-media > .schema-tree > .schema-props > .schema-prop > .prop-name"
        )),
        ["id", "name", "tag"]
    );
    assert!(
        m.text(&format!("{ok} .schema-prop[data-prop='id']"))
            .contains("required")
    );
    assert!(
        !m.text(&format!("{ok} .schema-prop[data-prop='tag']"))
            .contains("required")
    );
    assert!(
        m.text(&format!("{ok} tr[data-param='x-next']"))
            .contains("A link to the next page")
    );
    // An example made up from the schema, with a copy button.
    let example = m.text(&format!("{ok} .api-example-body"));
    assert!(
        example.contains("\"name\": \"string\"") && example.contains("\"id\": 0"),
        "{example}"
    );
    m.one(&format!("{ok} .copy-example"));
    // Named schemas.
    let schemas: Vec<String> = m
        .all(".schema-def")
        .iter()
        .map(|e| e.get_attribute("data-schema").unwrap())
        .collect();
    assert_eq!(schemas, ["Pet", "Pets", "Error"]);
    assert!(
        m.text(".schema-def[data-schema='Error']")
            .contains("message")
    );
    // A named schema in a response follows to its entry in the Schemas list.
    let default_error = "details[data-path='/pets'][data-method='get'] .api-response[data-status='default'] .schema-root [data-goto-schema='Error']";
    assert!(
        !m.one(".schema-def[data-schema='Error']")
            .has_attribute("open")
    );
    m.click(default_error).await;
    assert!(
        m.one(".schema-def[data-schema='Error']")
            .has_attribute("open")
    );

    // The filter box narrows the operations.
    m.type_into("input[name='api-filter']", "petid").await;
    assert_eq!(m.all("details.operation").len(), 1);
    assert_eq!(
        m.one("details.operation")
            .get_attribute("data-path")
            .as_deref(),
        Some("/pets/{petId}")
    );
    m.type_into("input[name='api-filter']", "nothing-like-this")
        .await;
    assert!(m.all("details.operation").is_empty());
    m.one(".api-no-match");
    m.type_into("input[name='api-filter']", "").await;
    assert_eq!(m.all("details.operation").len(), 3);

    // The raw definition, highlighted, one numbered line per source line.
    m.click("button[data-mode='source']").await;
    assert!(m.all("details.operation").is_empty());
    let definition = fixture(PETSTORE).entity["spec"]["definition"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        m.all(".api-source .src-line").len(),
        definition.split('\n').count()
    );
    assert_eq!(
        m.text(".api-source .src-line[data-line='1'] .tok-key"),
        "openapi"
    );
    m.click("button[data-mode='rendered']").await;
    assert_eq!(m.all("details.operation").len(), 3);
}

#[wasm_bindgen_test]
async fn streetlights_asyncapi_channels_operations_messages() {
    let m = mount_tab(fixture(STREETLIGHTS)).await;
    m.one(".api-docs[data-format='asyncapi']");
    assert_eq!(m.text(".api-format"), "AsyncAPI 2.0.0");
    assert_eq!(m.text(".api-title"), "Streetlights API");
    // The description's Markdown: a heading and a list, as text.
    assert_eq!(
        m.text(".api-info .api-prose-heading"),
        "Check out its awesome features:"
    );
    assert_eq!(m.all(".api-info .api-prose li").len(), 3);
    assert!(m.text("tr[data-server='production']").contains("mqtt"));
    let channels = m.texts(".channel-address");
    assert_eq!(channels.len(), 4);
    assert_eq!(
        channels[0],
        "smartylighting/streetlights/1/0/event/{streetlightId}/lighting/measured"
    );
    let measured = ".channel[data-channel='smartylighting/streetlights/1/0/event/{streetlightId}/lighting/measured']";
    assert!(
        m.text(&format!("{measured} tr[data-param='streetlightId']"))
            .contains("The ID of the streetlight.")
    );
    let op = format!("{measured} .operation[data-operation='receiveLightMeasurement']");
    assert_eq!(m.text(&format!("{op} .method")), "SUBSCRIBE");
    assert_eq!(m.text(&format!("{op} .api-message-name")), "Light measured");
    assert_eq!(
        m.text(&format!("{op} .api-message .content-type")),
        "application/json"
    );
    assert!(
        m.text(&format!("{op} .schema-prop[data-prop='lumens']"))
            .contains("minimum: 0")
    );
    assert!(
        m.text(&format!("{op} .schema-prop[data-prop='sentAt']"))
            .contains("string (date-time)")
    );
    assert!(
        m.text(&format!("{op} .schema-prop[data-prop='my-app-header']"))
            .contains("integer")
    );
    let publish: Vec<String> = m
        .all(".operation.op-publish")
        .iter()
        .map(|e| e.get_attribute("data-operation").unwrap())
        .collect();
    assert_eq!(publish, ["turnOn", "turnOff", "dimLight"]);

    m.type_into("input[name='api-filter']", "dim").await;
    assert_eq!(
        m.texts(".channel-address"),
        ["smartylighting/streetlights/1/0/action/{streetlightId}/dim"]
    );
}

#[wasm_bindgen_test]
async fn swapi_graphql_types_and_queries() {
    let m = mount_tab(fixture(SWAPI)).await;
    m.one(".api-docs[data-format='graphql']");
    assert_eq!(
        m.text(".gql-root[data-root='query'] .op-group-title"),
        "Queries on Root"
    );
    let all_films =
        m.text(".gql-root[data-root='query'] .gql-field[data-field='allFilms'] .gql-signature");
    assert_eq!(
        all_films,
        "allFilms(after: String, first: Int, before: String, last: Int): FilmsConnection"
    );
    assert!(
        m.all(".gql-root[data-root='mutation']").is_empty(),
        "swapi has no mutations"
    );
    let film = ".gql-type[data-type='Film']";
    assert_eq!(
        m.one(film).get_attribute("data-kind").as_deref(),
        Some("type")
    );
    assert!(
        m.text(&format!("{film} summary"))
            .contains("implements Node")
    );
    assert_eq!(
        m.text(&format!(
            "{film} .gql-field[data-field='title'] .gql-signature"
        )),
        "title: String"
    );
    assert!(
        m.text(&format!("{film} .gql-field[data-field='title']"))
            .contains("The title of this film.")
    );
    assert_eq!(
        m.text(&format!(
            "{film} .gql-field[data-field='id'] .gql-signature"
        )),
        "id: ID!"
    );
    assert_eq!(
        m.one(".gql-type[data-type='Node']")
            .get_attribute("data-kind")
            .as_deref(),
        Some("interface")
    );
    // The root type is listed as queries, not again among the types.
    assert!(m.all(".gql-type[data-type='Root']").is_empty());
    // Following a type reference opens that type.
    assert!(
        !m.one(".gql-type[data-type='FilmsConnection']")
            .has_attribute("open")
    );
    m.click(".gql-root[data-root='query'] .gql-field[data-field='allFilms'] [data-goto-type='FilmsConnection']").await;
    assert!(
        m.one(".gql-type[data-type='FilmsConnection']")
            .has_attribute("open")
    );
    assert!(
        m.all(".gql-field[data-field='allFilms'] [data-goto-type='String']")
            .is_empty(),
        "built-in scalars are not links"
    );
    let init = web_sys::KeyboardEventInit::new();
    init.set_key("Enter");
    init.set_bubbles(true);
    let enter =
        web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    m.one(
        ".gql-type[data-type='Film'] .gql-field[data-field='vehicleConnection'] [data-goto-type]",
    )
    .dispatch_event(&enter)
    .unwrap();
    settle().await;
    assert!(
        m.one(".gql-type[data-type='FilmVehiclesConnection']")
            .has_attribute("open"),
        "Enter follows the link"
    );

    m.type_into("input[name='api-filter']", "starship").await;
    m.one(".gql-type[data-type='Film']"); // it has starshipConnection
    m.one(".gql-type[data-type='Starship']");
    assert!(m.all(".gql-type[data-type='PageInfo']").is_empty());
    let queries = m
        .all(".gql-root[data-root='query'] .gql-field")
        .iter()
        .map(|e| e.get_attribute("data-field").unwrap())
        .collect::<Vec<_>>();
    assert_eq!(queries, ["allStarships", "starship"]);
}

#[wasm_bindgen_test]
async fn hello_world_grpc_highlighted_proto() {
    let m = mount_tab(fixture(HELLO_WORLD)).await;
    m.one(".api-docs[data-format='protobuf']");
    assert_eq!(m.text(".proto-package"), "helloworld");
    assert_eq!(
        m.texts(".proto-service[data-service='Greeter'] .proto-rpc"),
        ["SayHello(HelloRequest) returns (HelloReply)"]
    );
    let keywords = m.texts(".api-source .tok-kw");
    for k in [
        "syntax", "option", "package", "service", "rpc", "returns", "message",
    ] {
        assert!(
            keywords.iter().any(|w| w == k),
            "{k} not highlighted: {keywords:?}"
        );
    }
    assert!(
        m.texts(".api-source .tok-com")
            .iter()
            .any(|c| c == "// The greeting service definition.")
    );
    assert!(
        m.texts(".api-source .tok-str")
            .iter()
            .any(|s| s == "\"proto3\"")
    );
    assert!(
        m.texts(".api-source .tok-type")
            .iter()
            .any(|s| s == "HelloRequest")
    );
    assert_eq!(
        m.one(".api-source")
            .get_attribute("data-language")
            .as_deref(),
        Some("protobuf")
    );
    // Nothing to switch between: the source is the view.
    assert!(m.all("button[data-mode]").is_empty());
}

#[wasm_bindgen_test]
async fn broken_yaml_shows_error_line_and_raw_source() {
    let definition = "openapi: 3.0.0\ninfo:\n  title: Broken\n  version: [1.0\npaths: {}\n";
    let m = mount_tab(api_entity("openapi", json!(definition))).await;
    m.one(".api-docs[data-format='error']");
    let alert = m.one(".api-error[role='alert']");
    assert!(
        alert
            .text_content()
            .unwrap()
            .contains("This openapi definition could not be read")
    );
    assert!(
        m.text("[data-testid='api-error-message']")
            .starts_with("invalid YAML")
    );
    let position = m.text("[data-testid='api-error-line']");
    let line: usize = position
        .trim_start_matches("Line ")
        .split(',')
        .next()
        .unwrap()
        .parse()
        .expect(&position);
    assert!((4..=5).contains(&line), "{position}");
    // The raw source, every line, with the error's line marked.
    assert_eq!(
        m.all(".api-source .src-line").len(),
        definition.split('\n').count()
    );
    assert_eq!(m.all(".src-line-error").len(), 1);
    assert_eq!(
        m.one(".src-line-error").get_attribute("data-line"),
        Some(line.to_string())
    );
    assert!(m.text(".api-source").contains("version: [1.0"));
}

#[wasm_bindgen_test]
async fn broken_graphql_and_wrong_shapes_fail_clearly() {
    let m = mount_tab(api_entity(
        "graphql",
        json!("type Query {\n  pets: [Pet]\n  owner Owner\n}\n"),
    ))
    .await;
    assert!(
        m.text("[data-testid='api-error-message']")
            .contains("expected `:`")
    );
    assert_eq!(m.text("[data-testid='api-error-line']"), "Line 3, column 9");
    assert_eq!(
        m.one(".src-line-error")
            .get_attribute("data-line")
            .as_deref(),
        Some("3")
    );
    drop(m);

    // Valid YAML but not an AsyncAPI document: the reason, and the source (no line).
    let m = mount_tab(api_entity("asyncapi", json!("title: nope\nchannels: {}\n"))).await;
    assert!(
        m.text("[data-testid='api-error-message']")
            .contains("no `asyncapi` version field")
    );
    assert!(m.all("[data-testid='api-error-line']").is_empty());
    assert_eq!(m.all(".api-source .src-line").len(), 3);
    drop(m);

    // Odd values never leave the tab blank.
    for (api_type, definition, format) in [
        ("openapi", json!(42), "error"),
        ("openapi", json!(["a", "b"]), "error"),
        ("openapi", Value::Null, "missing"),
        (
            "openapi",
            json!("https://example.com/openapi.yaml"),
            "remote",
        ),
        ("grpc", json!("message A {\n  string a = 1;\n"), "error"),
        ("sql", json!("SELECT 1;"), "source"),
    ] {
        let m = mount_tab(api_entity(api_type, definition.clone())).await;
        m.one(&format!(".api-docs[data-format='{format}']"));
        assert!(
            !m.text(".api-docs").trim().is_empty(),
            "{definition} rendered nothing"
        );
    }
}

#[wasm_bindgen_test]
async fn applies_to_api_entities_and_components_with_api_relations() {
    let plugin = backlot_api_docs::plugin();
    let tab = plugin
        .entity_tabs
        .iter()
        .find(|t| t.id == "api")
        .expect("the API tab");
    assert_eq!(tab.title, "API");
    assert!((tab.applies_to)(&fixture(PETSTORE)));
    let component = EntityContext {
        entity_ref: "component:default/petstore".into(),
        entity: json!({"kind": "Component", "metadata": {"name": "petstore"},
                       "relations": [{"type": "providesApi", "targetRef": "api:default/petstore"}]}),
    };
    assert!(!(tab.applies_to)(&component));
    let card = |id: &str| {
        plugin
            .entity_cards
            .iter()
            .find(|c| c.id == id)
            .copied()
            .expect(id)
    };
    assert!((card("provided-apis").applies_to)(&component));
    assert!(!(card("consumed-apis").applies_to)(&component));
    assert!(!(card("provided-apis").applies_to)(&fixture(PETSTORE)));
    assert!(
        plugin.routes.iter().any(|r| r.pattern == "/api-docs"),
        "the APIs page route"
    );
    let nav = plugin.nav.expect("a sidebar entry");
    assert_eq!((nav.label, nav.path), ("APIs", "/api-docs"));
}

fn summary(kind: &str, name: &str, spec_type: &str, owner: &str, lifecycle: &str) -> EntitySummary {
    EntitySummary {
        entity_ref: format!("{}:default/{name}", kind.to_lowercase()),
        kind: kind.into(),
        namespace: "default".into(),
        name: name.into(),
        spec_type: Some(spec_type.into()),
        owner: Some(format!("group:default/{owner}")),
        lifecycle: Some(lifecycle.into()),
        description: Some(format!("The {name} {kind}")),
        ..Default::default()
    }
}

fn catalog() -> Vec<EntitySummary> {
    vec![
        summary("API", "petstore", "openapi", "team-c", "experimental"),
        summary("API", "streetlights", "asyncapi", "team-c", "production"),
        summary("API", "starwars-graphql", "graphql", "team-b", "production"),
        summary("API", "hello-world", "grpc", "team-c", "deprecated"),
        summary("Component", "petstore", "service", "team-c", "production"),
    ]
}

#[wasm_bindgen_test]
async fn apis_page_lists_apis_with_filters() {
    let m = mount_host(
        FakeBackend::new().with_entities(catalog()),
        Show::ApisPage("/api-docs".into()),
    )
    .await;
    let refs: Vec<String> = m
        .all(".api-table tbody tr")
        .iter()
        .map(|r| r.get_attribute("data-ref").unwrap())
        .collect();
    assert_eq!(
        refs,
        [
            "api:default/hello-world",
            "api:default/petstore",
            "api:default/starwars-graphql",
            "api:default/streetlights"
        ]
    );
    assert_eq!(m.text("[data-testid='api-count']"), "4 APIs");
    let link = m.one("tr[data-ref='api:default/petstore'] a");
    assert_eq!(
        link.get_attribute("href").as_deref(),
        Some("/catalog/default/api/petstore?tab=api")
    );
    assert!(
        m.text("tr[data-ref='api:default/petstore']")
            .contains("team-c")
    );
    // Facet options come from the APIs only (no "service" type).
    let types: Vec<String> = m
        .all("select[name='api-type'] option")
        .iter()
        .map(|o| o.get_attribute("value").unwrap())
        .collect();
    assert_eq!(types.len(), 5, "{types:?}");
    assert!(!types.contains(&"service".to_string()));

    m.choose("select[name='api-type']", "grpc").await;
    assert_eq!(m.all(".api-table tbody tr").len(), 1);
    assert_eq!(m.text("[data-testid='api-count']"), "1 API");
    m.click(".clear-filters").await;
    m.choose("select[name='api-owner']", "group:default/team-c")
        .await;
    m.choose("select[name='api-lifecycle']", "production").await;
    let refs: Vec<String> = m
        .all(".api-table tbody tr")
        .iter()
        .map(|r| r.get_attribute("data-ref").unwrap())
        .collect();
    assert_eq!(refs, ["api:default/streetlights"]);
    m.click(".clear-filters").await;
    m.type_into("input[name='apis-search']", "graphql").await;
    assert_eq!(m.all(".api-table tbody tr").len(), 1);
    m.type_into("input[name='apis-search']", "zzz").await;
    m.one(".empty-state");
}

#[wasm_bindgen_test]
async fn apis_page_initial_filters_and_empty_catalog() {
    let m = mount_host(
        FakeBackend::new().with_entities(catalog()),
        Show::ApisPage("/api-docs?lifecycle=deprecated".into()),
    )
    .await;
    let refs: Vec<String> = m
        .all(".api-table tbody tr")
        .iter()
        .map(|r| r.get_attribute("data-ref").unwrap())
        .collect();
    assert_eq!(refs, ["api:default/hello-world"]);
    drop(m);
    let m = mount_host(FakeBackend::new(), Show::ApisPage("/api-docs".into())).await;
    assert!(m.text(".empty-state").contains("No APIs yet"));
}

#[wasm_bindgen_test]
async fn provided_apis_card_lists_the_component_apis() {
    let component = json!({
        "apiVersion": "backstage.io/v1alpha1", "kind": "Component",
        "metadata": {"name": "petstore", "namespace": "default"},
        "spec": {"type": "service", "owner": "team-c", "lifecycle": "production", "providesApi": ["petstore", "playback-order"]},
        "relations": [
            {"type": "providesApi", "targetRef": "api:default/playback-order"},
            {"type": "providesApi", "targetRef": "api:default/petstore"},
            {"type": "consumesApi", "targetRef": "api:default/hello-world"},
        ]
    });
    let related: Vec<EntitySummary> = catalog().into_iter().filter(|s| s.kind == "API").collect();
    let view: EntityView = serde_json::from_value(json!({
        "entity": component, "related": related, "fromTeam": false, "shadowedTeamCopy": null
    }))
    .expect("an entity view");
    let fake = FakeBackend::new()
        .with_entities(catalog())
        .with_entity_view(view);
    let ctx = EntityContext {
        entity_ref: "component:default/petstore".into(),
        entity: component,
    };

    let m = mount_host(fake.clone(), Show::Relations(ctx.clone(), "providesApi")).await;
    let rows: Vec<String> = m
        .all(".api-relations-table tbody tr")
        .iter()
        .map(|r| r.get_attribute("data-ref").unwrap())
        .collect();
    // In the catalog first, then dangling references.
    assert_eq!(rows, ["api:default/petstore", "api:default/playback-order"]);
    let petstore = "tr[data-ref='api:default/petstore']";
    assert_eq!(
        m.one(&format!("{petstore} a"))
            .get_attribute("href")
            .as_deref(),
        Some("/catalog/default/api/petstore?tab=api")
    );
    assert!(m.text(petstore).contains("openapi") && m.text(petstore).contains("experimental"));
    // A relation to an API the catalog does not have: named, not linked.
    assert!(
        m.text("tr[data-ref='api:default/playback-order']")
            .contains("Not in the catalog")
    );
    assert!(
        m.all("tr[data-ref='api:default/playback-order'] a")
            .is_empty()
    );
    drop(m);

    let m = mount_host(fake, Show::Relations(ctx, "consumesApi")).await;
    assert_eq!(
        m.texts(".api-relations-table tbody tr td:first-child a"),
        ["hello-world"]
    );
}

/// Milliseconds since the page started.
fn now_ms() -> f64 {
    web_sys::window().unwrap().performance().unwrap().now()
}

/// Named schemas `S0`…`S{depth}`: `S{i}` has `fan_out` properties of type `S{i+1}`; the last
/// is a string. Unfolded, `fan_out^depth` nodes.
fn fan_out_schemas(fan_out: usize, depth: usize) -> serde_json::Map<String, Value> {
    let mut schemas = serde_json::Map::new();
    for level in 0..depth {
        let props: serde_json::Map<String, Value> = (0..fan_out)
            .map(|i| {
                (
                    format!("p{i}"),
                    json!({"$ref": format!("#/components/schemas/S{}", level + 1)}),
                )
            })
            .collect();
        schemas.insert(
            format!("S{level}"),
            json!({"type": "object", "properties": props}),
        );
    }
    schemas.insert(format!("S{depth}"), json!({"type": "string"}));
    schemas
}

fn fan_out_openapi(fan_out: usize, depth: usize) -> Value {
    json!({
        "openapi": "3.0.0", "info": {"title": "Fan-out", "version": "1"},
        "paths": {"/boom": {"get": {"responses": {"200": {"description": "ok",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/S0"}}}}}}}},
        "components": {"schemas": fan_out_schemas(fan_out, depth)}
    })
}

const BOOM: &str = "details[data-path='/boom'] .api-response[data-status='200'] .api-media";

#[wasm_bindgen_test]
async fn exponential_ref_fan_out_shows_a_notice_not_a_hang() {
    // 40^4 = 2.5 million nodes unfolded, per schema.
    let started = now_ms();
    let m = mount_tab(api_entity("openapi", fan_out_openapi(40, 4))).await;
    m.one(".api-docs[data-format='openapi']");
    let notice = m.text(&format!("{BOOM} [data-testid='schema-too-large']"));
    assert!(notice.contains("too large to show in full"), "{notice}");
    // What is shown starts with the first property, with its own properties.
    assert_eq!(
        m.texts(&format!(
            "{BOOM} > .schema-tree > .schema-props > .schema-prop > .prop-name"
        ))
        .first()
        .map(String::as_str),
        Some("p0")
    );
    // The named schemas too.
    m.one(".schema-def[data-schema='S0'] [data-testid='schema-too-large']");
    let elapsed = now_ms() - started;
    assert!(elapsed < 1_000.0, "took {elapsed} ms");
    drop(m);

    // The same in an AsyncAPI payload.
    let started = now_ms();
    let m = mount_tab(api_entity(
        "asyncapi",
        json!({
            "asyncapi": "2.6.0", "info": {"title": "Fan-out", "version": "1"},
            "channels": {"boom": {"subscribe": {"message": {"payload": {"$ref": "#/components/schemas/S0"}}}}},
            "components": {"schemas": fan_out_schemas(40, 4)}
        }),
    ))
    .await;
    m.one(".api-message [data-testid='schema-too-large']");
    let elapsed = now_ms() - started;
    assert!(elapsed < 1_000.0, "took {elapsed} ms");
}

#[wasm_bindgen_test]
async fn deep_schemas_are_collapsed_and_built_when_opened() {
    // 2^40 nodes unfolded: shown two levels deep, the rest on demand.
    let started = now_ms();
    let m = mount_tab(api_entity("openapi", fan_out_openapi(2, 40))).await;
    m.one(".api-docs[data-format='openapi']");
    assert!(m.all("[data-testid='schema-too-large']").is_empty());
    let elapsed = now_ms() - started;
    assert!(elapsed < 1_000.0, "took {elapsed} ms");
    // p0 → p0, p1 (of type S2), each collapsed: their properties are not built yet.
    let first = format!(
        "{BOOM} > .schema-tree > .schema-props > .schema-prop[data-prop='p0'] > .schema-props > .schema-prop[data-prop='p0']"
    );
    let collapsed = format!("{first} > details.schema-collapsed");
    assert_eq!(m.text(&format!("{collapsed} > summary")), "2 properties");
    assert!(m.all(&format!("{collapsed} .schema-prop")).is_empty());
    // Opening it builds them (of type S3), and theirs, collapsed again.
    m.click(&format!("{collapsed} > summary")).await;
    assert_eq!(
        m.texts(&format!(
            "{collapsed} > .schema-props > .schema-prop > .prop-name"
        )),
        ["p0", "p1"]
    );
    assert!(
        m.text(&format!(
            "{collapsed} > .schema-props > .schema-prop[data-prop='p0']"
        ))
        .contains("S3")
    );
    let deeper = format!(
        "{collapsed} > .schema-props > .schema-prop[data-prop='p0'] details.schema-collapsed"
    );
    assert!(m.all(&format!("{deeper} .schema-prop")).is_empty());
    m.click(&format!("{deeper} > summary")).await;
    assert_eq!(
        m.all(&format!("{deeper} > .schema-props > .schema-prop"))
            .len(),
        2
    );
    // Closing and opening again keeps what was built.
    m.click(&format!("{collapsed} > summary")).await;
    m.click(&format!("{collapsed} > summary")).await;
    assert_eq!(
        m.all(&format!("{deeper} > .schema-props > .schema-prop"))
            .len(),
        2
    );
}

#[wasm_bindgen_test]
async fn graphql_nesting_past_the_limit_is_an_error_not_a_stack_overflow() {
    let n = 100_000;
    for (what, sdl) in [
        (
            "list type",
            format!(
                "type Query {{\n  a: {}Int{}\n}}\n",
                "[".repeat(n),
                "]".repeat(n)
            ),
        ),
        (
            "list value",
            format!(
                "type Query {{\n  a(x: [Int] = {}1{}): Int\n}}\n",
                "[".repeat(n),
                "]".repeat(n)
            ),
        ),
        (
            "object value",
            format!(
                "input I {{\n  a: I = {}{}\n}}\n",
                "{a: ".repeat(n),
                "}".repeat(n)
            ),
        ),
    ] {
        let started = now_ms();
        let m = mount_tab(api_entity("graphql", json!(sdl))).await;
        m.one(".api-docs[data-format='error']");
        let message = m.text("[data-testid='api-error-message']");
        assert!(
            message.contains(&format!("{what} nested more than 64 levels deep")),
            "{message}"
        );
        assert_eq!(
            m.text("[data-testid='api-error-line']").split(',').next(),
            Some("Line 2")
        );
        let elapsed = now_ms() - started;
        assert!(elapsed < 1_000.0, "{what}: took {elapsed} ms");
    }
}
