//! `/create/templates/:namespace/:name`: a template's form; Review offers a dry run (the
//! files it would produce, shown below) or Create, which asks where to publish when the
//! template publishes (a folder on this machine, or as the template says) and then follows
//! the run on its own page.

use std::rc::Rc;

use backlot_model::ApiError;
use backlot_plugin_api::components::{ErrorBanner, Spinner};
use backlot_plugin_api::routing::RouteMatch;
use backlot_plugin_api::{Link, perf, use_backend, use_command, use_shell};
use backlot_scaffolder_common::DryRunResult;
use backlot_scaffolder_common::ipc::{
    DryRunTemplate, GetTemplate, PublishTarget, StartRun, TemplateForm,
};
use serde_json::Value;
use web_sys::HtmlInputElement;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::dry_run::DryRunView;
use crate::form::{Submit, TemplateFormView};

#[derive(Properties, PartialEq)]
pub struct TemplatePageProps {
    pub route: RouteMatch,
}

/// What the page shows under the form.
#[derive(Clone, PartialEq)]
enum Outcome {
    None,
    Working,
    DryRun(Rc<DryRunResult>),
    /// Create was pressed on a template that publishes: where to?
    ChooseTarget(Value),
    Failed(ApiError),
}

#[component(TemplatePage)]
pub fn template_page(props: &TemplatePageProps) -> Html {
    let entity_ref = format!(
        "template:{}/{}",
        props.route.param("namespace"),
        props.route.param("name")
    )
    .to_lowercase();
    let initial = props
        .route
        .query("values")
        .and_then(|v| serde_json::from_str::<Value>(v).ok());
    let form = use_command(entity_ref.clone(), |r| GetTemplate {
        entity_ref: r.clone(),
    });
    // For the real-window benchmark: the template opened → its form painted.
    use_effect_with(
        form.data().map(|f| f.summary.entity_ref.clone()),
        |loaded| {
            if loaded.is_some() {
                perf::after_paint(|| {
                    perf::measure("scaffolder:form-open-to-paint", "scaffolder:open")
                });
            }
        },
    );
    let outcome = use_state(|| Outcome::None);
    let backend = use_backend();
    let shell = use_shell();
    let start = {
        let (backend, outcome, navigate, entity_ref) = (
            backend.clone(),
            outcome.clone(),
            shell.navigate.clone(),
            entity_ref.clone(),
        );
        Callback::from(move |(values, target): (Value, PublishTarget)| {
            let (backend, outcome, navigate, entity_ref) = (
                backend.clone(),
                outcome.clone(),
                navigate.clone(),
                entity_ref.clone(),
            );
            outcome.set(Outcome::Working);
            spawn_local(async move {
                match backend
                    .call(StartRun {
                        entity_ref,
                        values,
                        target,
                    })
                    .await
                {
                    Ok(id) => navigate.emit(format!("/create/runs/{id}")),
                    Err(e) => outcome.set(Outcome::Failed(e)),
                }
            });
        })
    };
    let on_submit = {
        let (backend, outcome, entity_ref, start) = (
            backend.clone(),
            outcome.clone(),
            entity_ref.clone(),
            start.clone(),
        );
        let publishes = form.data().is_some_and(|f| f.publishes);
        Callback::from(move |(values, what): (Value, Submit)| match what {
            Submit::DryRun => {
                let (backend, outcome, entity_ref) =
                    (backend.clone(), outcome.clone(), entity_ref.clone());
                outcome.set(Outcome::Working);
                spawn_local(async move {
                    let result = backend.call(DryRunTemplate { entity_ref, values }).await;
                    outcome.set(match result {
                        Ok(r) => Outcome::DryRun(Rc::new(r)),
                        Err(e) => Outcome::Failed(e),
                    });
                });
            }
            Submit::Create if publishes => outcome.set(Outcome::ChooseTarget(values)),
            Submit::Create => start.emit((values, PublishTarget::AsTemplateSays)),
        })
    };
    let body = match form.result() {
        None => html! { <Spinner /> },
        Some(Err(e)) => html! { <ErrorBanner error={e.clone()} /> },
        Some(Ok(f)) => {
            let f = Rc::new(f.clone());
            html! {
                <>
                    { header(&f) }
                    <TemplateFormView form={f.clone()} {initial} {on_submit}
                                      busy={*outcome == Outcome::Working} />
                    { outcome_view(&outcome, &start) }
                </>
            }
        }
    };
    html! {
        <div class="page template-page">
            <p class="small"><Link to="/create">{"← All templates"}</Link></p>
            { body }
        </div>
    }
}

fn header(f: &TemplateForm) -> Html {
    let s = &f.summary;
    html! {
        <div class="page-header template-header">
            <div>
                <h1 class="page-title">{s.title.clone().unwrap_or_else(|| s.name.clone())}</h1>
                if let Some(d) = &s.description { <p class="muted">{d.clone()}</p> }
            </div>
            if !f.unavailable_actions.is_empty() {
                <div class="notice notice-warning small" role="note" data-testid="unavailable-actions">
                    {format!("This template uses actions Backlot does not have ({}): a run stops before them; a dry run shows what comes before.",
                        f.unavailable_actions.join(", "))}
                </div>
            }
        </div>
    }
}

fn outcome_view(outcome: &Outcome, start: &Callback<(Value, PublishTarget)>) -> Html {
    match outcome {
        Outcome::None => html! {},
        Outcome::Working => html! { <Spinner /> },
        Outcome::Failed(e) => html! { <ErrorBanner error={e.clone()} /> },
        Outcome::DryRun(r) => html! { <DryRunView result={r.clone()} /> },
        Outcome::ChooseTarget(values) => {
            html! { <TargetChooser values={values.clone()} on_start={start.clone()} /> }
        }
    }
}

#[derive(Properties, PartialEq)]
struct TargetProps {
    values: Value,
    on_start: Callback<(Value, PublishTarget)>,
}

/// Where a publishing template's result goes: a folder (suggested from the form's name), or
/// what the template's publish step says.
#[component(TargetChooser)]
fn target_chooser(props: &TargetProps) -> Html {
    let suggested = ["name", "component_id", "componentId", "repoName"]
        .iter()
        .find_map(|k| props.values.get(*k).and_then(Value::as_str))
        .map_or_else(|| "~/new-component".to_string(), |n| format!("~/{n}"));
    let folder = use_state(move || suggested);
    let to_folder = use_state(|| true);
    let oninput = {
        let folder = folder.clone();
        Callback::from(move |e: InputEvent| {
            folder.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let choose = |value: bool| {
        let to_folder = to_folder.clone();
        Callback::from(move |_: Event| to_folder.set(value))
    };
    let onclick = {
        let (on_start, values, folder, to_folder) = (
            props.on_start.clone(),
            props.values.clone(),
            folder.clone(),
            to_folder.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let target = if *to_folder {
                PublishTarget::Folder {
                    path: folder.trim().to_string(),
                }
            } else {
                PublishTarget::AsTemplateSays
            };
            on_start.emit((values.clone(), target));
        })
    };
    html! {
        <section class="card target-chooser" aria-label="Where to create it" data-testid="target">
            <h2 class="section-title">{"Where should it go?"}</h2>
            <label class="form-choice">
                <input type="radio" name="target" checked={*to_folder} onchange={choose(true)} />
                {"A new folder on this computer (a git repository with a first commit)"}
            </label>
            if *to_folder {
                <input class="input" type="text" name="target-folder" value={(*folder).clone()} {oninput}
                       aria-label="Folder" spellcheck="false" autocomplete="off" />
            }
            <label class="form-choice">
                <input type="radio" name="target" checked={!*to_folder} onchange={choose(false)} />
                {"As the template says (for GitHub: with your github-token from the keychain)"}
            </label>
            <div class="form-actions">
                <button type="button" class="button" data-action="start" {onclick}
                        disabled={*to_folder && folder.trim().is_empty()}>{"Create"}</button>
            </div>
        </section>
    }
}
