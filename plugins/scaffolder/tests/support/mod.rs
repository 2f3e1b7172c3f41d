//! Shared setup of the Create plugin's UI tests: a backend that answers the scaffolder
//! commands from the test's data and records what they received (everything else goes to
//! `FakeBackend`, whose catalog feeds the pickers), the plugin's routes mounted in a test
//! shell, and small helpers to type, choose and press keys as a user would.

#![allow(dead_code)] // each test binary uses part of it
#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use std::cell::RefCell;
use std::rc::Rc;

use backlot_model::ipc::{self, Command, QueryEntities};
use backlot_model::query::{EntityQuery, EntitySummary};
use backlot_model::{ApiError, ErrorCode};
use backlot_plugin_api::testkit::{Page, TestShell, settle};
use backlot_plugin_api::{Backend, BackendFuture, FakeBackend};
use backlot_scaffolder_common::ipc::{
    CancelRun, DryRunTemplate, GetRun, GetTemplate, ListRuns, ListTemplates, RunStatus, RunSummary,
    RunView, StartRun, TemplateForm, TemplateSummary,
};
use backlot_scaffolder_common::{DryRunResult, ProducedFile};
use serde_json::Value;
use wasm_bindgen::JsCast;
use web_sys::{
    Event, EventInit, HtmlElement, HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement,
    KeyboardEvent, KeyboardEventInit,
};

/// What the scaffolder commands answer and what they received.
#[derive(Default)]
pub struct State {
    pub templates: Vec<TemplateSummary>,
    pub forms: Vec<TemplateForm>,
    pub dry_run: Option<DryRunResult>,
    pub runs: Vec<RunSummary>,
    /// The run's states, one per `GetRun` call (the last one repeats).
    pub run_states: Vec<RunView>,
    /// What `StartRun` answers instead of an id.
    pub start_error: Option<ApiError>,
    /// The state a `CancelRun` leaves.
    pub cancelled: Option<RunView>,
    // Received:
    pub dry_runs: Vec<DryRunTemplate>,
    pub starts: Vec<StartRun>,
    pub get_runs: usize,
    pub cancels: Vec<CancelRun>,
    pub queries: Vec<EntityQuery>,
}

/// Cloning shares the state.
#[derive(Clone, Default)]
pub struct ScaffolderFake {
    pub inner: FakeBackend,
    pub state: Rc<RefCell<State>>,
}

impl ScaffolderFake {
    pub fn new(inner: FakeBackend) -> Self {
        Self {
            inner,
            state: Rc::default(),
        }
    }

    pub fn with(self, set: impl FnOnce(&mut State)) -> Self {
        set(&mut self.state.borrow_mut());
        self
    }

    fn answer(&self, command: &str, args: Value) -> Result<Value, ApiError> {
        let mut s = self.state.borrow_mut();
        match command {
            ListTemplates::NAME => {
                ipc::dispatch_typed::<ListTemplates>(args, |_| Ok(s.templates.clone()))
            }
            GetTemplate::NAME => ipc::dispatch_typed::<GetTemplate>(args, |c| {
                s.forms
                    .iter()
                    .find(|f| f.summary.entity_ref == c.entity_ref)
                    .cloned()
                    .ok_or_else(|| ApiError::not_found(format!("no template {}", c.entity_ref)))
            }),
            DryRunTemplate::NAME => ipc::dispatch_typed::<DryRunTemplate>(args, |c| {
                s.dry_runs.push(c);
                s.dry_run
                    .clone()
                    .ok_or_else(|| ApiError::new(ErrorCode::Internal, "no dry run set up"))
            }),
            StartRun::NAME => ipc::dispatch_typed::<StartRun>(args, |c| {
                s.starts.push(c);
                match &s.start_error {
                    Some(e) => Err(e.clone()),
                    None => Ok(format!("run-{}", s.starts.len())),
                }
            }),
            GetRun::NAME => ipc::dispatch_typed::<GetRun>(args, |_| {
                s.get_runs += 1;
                let i = (s.get_runs - 1).min(s.run_states.len().saturating_sub(1));
                s.run_states
                    .get(i)
                    .cloned()
                    .ok_or_else(|| ApiError::not_found("no such run"))
            }),
            CancelRun::NAME => ipc::dispatch_typed::<CancelRun>(args, |c| {
                s.cancels.push(c);
                let view = s.cancelled.clone().unwrap_or_default();
                // From now on the run is cancelled.
                s.run_states = vec![view.clone()];
                s.get_runs = 0;
                Ok(view)
            }),
            ListRuns::NAME => ipc::dispatch_typed::<ListRuns>(args, |_| Ok(s.runs.clone())),
            other => Err(ipc::unknown_command(other)),
        }
    }
}

impl Backend for ScaffolderFake {
    fn invoke(&self, command: &'static str, args: Value) -> BackendFuture {
        if command == QueryEntities::NAME
            && let Ok(q) = serde_json::from_value::<QueryEntities>(args.clone())
        {
            self.state.borrow_mut().queries.push(q.query);
        }
        if !command.starts_with("scaffolder_") {
            return self.inner.invoke(command, args);
        }
        let result = self.answer(command, args);
        Box::pin(async move { result })
    }
}

/// The plugin's route of `location`, mounted in a test shell over `fake`.
pub fn mount(fake: &ScaffolderFake, location: &str) -> Page {
    TestShell::new(fake.clone()).mount_route(&[backlot_scaffolder::plugin()], location)
}

/// As [`mount`], the shell knowing who the user is.
pub fn mount_as(fake: &ScaffolderFake, me: &str, location: &str) -> Page {
    TestShell::new(fake.clone())
        .with_preferences(backlot_model::ipc::Preferences {
            user_entity_ref: Some(me.to_string()),
            ..Default::default()
        })
        .mount_route(&[backlot_scaffolder::plugin()], location)
}

pub fn template(name: &str, title: &str) -> TemplateSummary {
    TemplateSummary {
        entity_ref: format!("template:default/{name}"),
        name: name.into(),
        title: Some(title.into()),
        ..TemplateSummary::default()
    }
}

pub fn form(name: &str, parameters: Vec<Value>) -> TemplateForm {
    TemplateForm {
        summary: template(name, name),
        parameters,
        ..TemplateForm::default()
    }
}

pub fn entity(kind: &str, name: &str, title: Option<&str>) -> EntitySummary {
    EntitySummary {
        entity_ref: format!("{}:default/{name}", kind.to_lowercase()),
        kind: kind.into(),
        namespace: "default".into(),
        name: name.into(),
        title: title.map(str::to_string),
        ..EntitySummary::default()
    }
}

pub fn file(path: &str, bytes: &[u8]) -> ProducedFile {
    ProducedFile {
        path: path.into(),
        bytes: bytes.to_vec(),
        executable: false,
    }
}

pub fn run_summary(id: &str, title: &str, status: RunStatus) -> RunSummary {
    RunSummary {
        id: id.into(),
        template_ref: "template:default/new-service".into(),
        template_title: title.into(),
        status,
        started_ms: 1,
        ..RunSummary::default()
    }
}

fn bubbling(kind: &str) -> Event {
    let init = EventInit::new();
    init.set_bubbles(true);
    Event::new_with_event_init_dict(kind, &init).unwrap()
}

/// Types `text` into the input or textarea `css` (replacing what was there), as `input`.
pub async fn type_into(page: &Page, css: &str, text: &str) {
    let el = page.wait_for(css).await;
    if let Some(input) = el.dyn_ref::<HtmlInputElement>() {
        input.set_value(text);
    } else {
        el.dyn_ref::<HtmlTextAreaElement>()
            .unwrap_or_else(|| panic!("{css} is no input"))
            .set_value(text);
    }
    el.dispatch_event(&bubbling("input")).unwrap();
    settle().await;
}

/// Sets the input `css` to `text` and fires `change` (fields that read on change).
pub async fn change_to(page: &Page, css: &str, text: &str) {
    let el = page.wait_for(css).await;
    el.dyn_ref::<HtmlInputElement>()
        .unwrap_or_else(|| panic!("{css} is no input"))
        .set_value(text);
    el.dispatch_event(&bubbling("change")).unwrap();
    settle().await;
}

/// Chooses the option labelled `label` in the select `css`.
pub async fn choose(page: &Page, css: &str, label: &str) {
    let select: HtmlSelectElement = page.wait_for(css).await.dyn_into().unwrap();
    let options = select.options();
    let index = (0..options.length())
        .find(|i| options.item(*i).and_then(|o| o.text_content()).as_deref() == Some(label))
        .unwrap_or_else(|| panic!("no option {label} in {css}"));
    select.set_selected_index(index as i32);
    select.dispatch_event(&bubbling("change")).unwrap();
    settle().await;
}

/// Clicks `css` (a button, checkbox, radio, link) once it is there, and lets the UI settle.
pub async fn press(page: &Page, css: &str) {
    page.wait_for(css)
        .await
        .dyn_into::<HtmlElement>()
        .unwrap()
        .click();
    settle().await;
}

/// Presses `key` in `css`.
pub async fn key(page: &Page, css: &str, key: &str) {
    let init = KeyboardEventInit::new();
    init.set_key(key);
    init.set_bubbles(true);
    init.set_cancelable(true);
    let event = KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    page.wait_for(css).await.dispatch_event(&event).unwrap();
    settle().await;
}

/// The value of the input, textarea or select `css`.
pub fn value_of(page: &Page, css: &str) -> String {
    let el = page.one(css);
    if let Some(i) = el.dyn_ref::<HtmlInputElement>() {
        i.value()
    } else if let Some(t) = el.dyn_ref::<HtmlTextAreaElement>() {
        t.value()
    } else {
        el.dyn_ref::<HtmlSelectElement>()
            .unwrap_or_else(|| panic!("{css} has no value"))
            .value()
    }
}

pub fn checked(page: &Page, css: &str) -> bool {
    page.one(css)
        .dyn_into::<HtmlInputElement>()
        .unwrap()
        .checked()
}

/// The texts of every `css`, trimmed.
pub fn texts(page: &Page, css: &str) -> Vec<String> {
    page.all(css)
        .iter()
        .map(|e| e.text_content().unwrap_or_default().trim().to_string())
        .collect()
}

/// The form's current step (`0`, `1`, …, `review`).
pub fn step(page: &Page) -> String {
    page.one(".template-form")
        .get_attribute("data-step")
        .unwrap_or_default()
}

/// A two-page template using every field kind the form knows: page 1 the plain JSON
/// schema kinds (and a `dependencies`/`oneOf` field, and an unsupported `ui:field`), page 2
/// every field extension.
pub fn every_field_form() -> TemplateForm {
    let basics = serde_json::json!({
        "title": "Basics",
        "required": ["name", "language"],
        "properties": {
            "name": {"title": "Name", "type": "string", "pattern": "^[a-z][a-z0-9-]*$",
                     "ui:help": "Lowercase letters, digits and dashes.", "ui:placeholder": "my-service",
                     "ui:autofocus": true},
            "description": {"title": "Description", "type": "string", "ui:widget": "textarea"},
            "token": {"title": "Token", "type": "string", "ui:widget": "password"},
            "replicas": {"title": "Replicas", "type": "integer", "minimum": 1},
            "ratio": {"title": "Ratio", "type": "number"},
            "public": {"title": "Public", "type": "boolean"},
            "language": {"title": "Language", "type": "string", "enum": ["rust", "go"]},
            "tier": {"title": "Tier", "type": "string", "enum": ["gold", "silver"],
                     "enumNames": ["Gold tier", "Silver tier"], "ui:widget": "radio"},
            "extras": {"title": "Extras", "type": "array", "uniqueItems": true,
                       "items": {"type": "string", "enum": ["ci", "docs", "lint"]}, "ui:widget": "checkboxes"},
            "aliases": {"title": "Aliases", "type": "array", "items": {"type": "string"}},
            "settings": {"title": "Settings", "type": "object", "properties": {
                "port": {"title": "Port", "type": "integer"},
                "region": {"title": "Region", "type": "string", "default": "eu-west-1", "ui:readonly": true}
            }},
            "kind": {"title": "Kind", "type": "string", "enum": ["service", "website"]},
            "fancy": {"title": "Fancy", "type": "string", "ui:field": "ShinyPicker"}
        },
        "dependencies": {"kind": {"oneOf": [
            {"properties": {"kind": {"enum": ["service"]}, "servicePort": {"title": "Service port", "type": "integer"}}},
            {"properties": {"kind": {"enum": ["website"]}, "domain": {"title": "Domain", "type": "string"}}}
        ]}}
    });
    let catalog = serde_json::json!({
        "title": "Catalog",
        "required": ["owner"],
        "properties": {
            "component": {"title": "Component", "type": "string", "ui:field": "EntityPicker",
                          "ui:options": {"catalogFilter": [{"kind": "Component"}]}},
            "owner": {"title": "Owner", "type": "string", "ui:field": "OwnerPicker",
                      "ui:options": {"allowedKinds": ["Group"]}},
            "dependsOn": {"title": "Depends on", "type": "array", "ui:field": "MultiEntityPicker"},
            "entityName": {"title": "Entity name", "type": "string", "ui:field": "EntityNamePicker"},
            "tags": {"title": "Tags", "type": "array", "ui:field": "EntityTagsPicker"},
            "repoUrl": {"title": "Repository", "type": "string", "ui:field": "RepoUrlPicker",
                        "ui:options": {"allowedHosts": ["github.com"]}},
            "mine": {"title": "Mine", "type": "string", "ui:field": "OwnedEntityPicker"},
            "myGroup": {"title": "My group", "type": "string", "ui:field": "MyGroupsPicker"}
        }
    });
    form("every-field", vec![basics, catalog])
}

/// The catalog the pickers suggest from.
pub fn catalog() -> Vec<EntitySummary> {
    vec![
        entity("Component", "payments", Some("Payments")),
        entity("Component", "payroll", None),
        entity("API", "payments-api", None),
        entity("Group", "platform", Some("Platform team")),
        entity("User", "ada", None),
    ]
}

pub const EVERY_FIELD: &str = "/create/templates/default/every-field";
