//! `/catalog-import`: "Register an existing component", as Backstage's catalog-import page:
//! the URL of a `catalog-info.yaml` the team backend can read → **Analyze** (its dry run:
//! what would be added, or that it is registered already) → **Import** → the entities,
//! brought here by the incremental sync it starts.

use backlot_model::ApiError;
use backlot_model::ipc::{RegisterLocation, Registration};
use backlot_plugin_api::components::{Card, ErrorBanner};
use backlot_plugin_api::routing::entity_path;
use backlot_plugin_api::{Link, use_command_callback};
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[component(ImportPage)]
pub fn import_page() -> Html {
    let url = use_state(String::new);
    let answer = use_state(|| None::<Result<Registration, ApiError>>);
    let register = {
        let answer = answer.clone();
        use_command_callback::<RegisterLocation>(Callback::from(move |r| answer.set(Some(r))))
    };
    let oninput = {
        let (url, answer) = (url.clone(), answer.clone());
        Callback::from(move |e: InputEvent| {
            if let Some(input) = e.target_dyn_into::<HtmlInputElement>() {
                url.set(input.value());
                answer.set(None);
            }
        })
    };
    let send = |dry_run: bool| {
        let (url, register) = (url.clone(), register.clone());
        move || {
            register.emit(RegisterLocation {
                url: url.trim().to_string(),
                dry_run,
            })
        }
    };
    let onsubmit = {
        let analyze = send(true);
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            analyze();
        })
    };
    let on_import = {
        let import = send(false);
        Callback::from(move |_| import())
    };
    let result = match &*answer {
        None => html! {},
        Some(Err(e)) => {
            html! { <div data-testid="import-outcome"><ErrorBanner error={e.clone()} /></div> }
        }
        Some(Ok(r)) if r.dry_run && r.exists => html! {
            <p class="text-warning" data-testid="import-outcome">{"This location is registered already; its entities come with the team's catalog."}</p>
        },
        Some(Ok(r)) => html! {
            <div data-testid="import-outcome">
                <p>{ if r.dry_run {
                    format!("Importing adds {} entities to the team's catalog:", r.entities.len())
                } else {
                    format!("Registered. {} entities were added to the team's catalog; a sync is bringing them here:", r.entities.len())
                } }</p>
                <ul class="import-entities">
                    { for r.entities.iter().map(|e| html! {
                        <li>
                            if r.dry_run { <code>{&e.entity_ref}</code> }
                            else { <Link to={entity_path(&e.entity_ref)}>{&e.entity_ref}</Link> }
                            if let Some(d) = &e.description { <span class="muted">{format!(" — {d}")}</span> }
                        </li>
                    }) }
                </ul>
                if r.dry_run {
                    <button type="button" class="button" onclick={on_import} data-action="import">{"Import"}</button>
                }
            </div>
        },
    };
    html! {
        <div class="page catalog-import">
            <Card title="Register an existing component">
                <form class="field" {onsubmit}>
                    <label class="field-label" for="import-url">{"URL of a catalog-info.yaml"}</label>
                    <div class="field-row">
                        <input id="import-url" name="import-url" type="text" value={(*url).clone()} {oninput}
                               placeholder="https://github.com/acme/payments/blob/main/catalog-info.yaml" spellcheck="false" autocomplete="off" />
                        <button type="submit" class="button" data-action="analyze">{"Analyze"}</button>
                    </div>
                    <p class="field-help">{"The team backend reads the file (it needs access to where it lives) and registers its entities in the team's catalog, as Backstage's “Register existing component” does."}</p>
                </form>
                {result}
            </Card>
        </div>
    }
}
