//! Settings → Local sources: the folders of catalog files opened here or on the welcome
//! page, with "Refresh" (read the folder again) and "Remove" (forget it and its entities),
//! and a field to add another folder.

use backlot_model::ApiError;
use backlot_model::ipc::{
    GetLocalSources, OpenCatalogFolder, RefreshLocalSource, RemoveLocalSource,
};
use backlot_plugin_api::components::{Card, ErrorBanner, Spinner};
use backlot_plugin_api::{BackendHandle, use_command, use_shell};
use web_sys::HtmlInputElement;
use yew::platform::spawn_local;
use yew::prelude::*;

/// What a button asks for.
#[derive(Clone)]
enum Action {
    Add(String),
    Refresh(String),
    Remove(String),
}

async fn run(backend: &BackendHandle, action: Action) -> Result<String, ApiError> {
    Ok(match action {
        Action::Add(path) => {
            let loaded = backend
                .call(OpenCatalogFolder {
                    path,
                    globs: Vec::new(),
                })
                .await?;
            format!(
                "Added {}: {} entities.",
                loaded.source.path, loaded.source.entity_count
            )
        }
        Action::Refresh(path) => {
            let loaded = backend.call(RefreshLocalSource { path }).await?;
            let r = &loaded.report;
            format!(
                "Refreshed {}: {} added, {} updated, {} removed.",
                loaded.source.path, r.added, r.updated, r.removed
            )
        }
        Action::Remove(path) => {
            backend
                .call(RemoveLocalSource { path: path.clone() })
                .await?;
            format!("Removed {path} and its entities.")
        }
    })
}

#[component(LocalSourcesCard)]
pub fn local_sources_card() -> Html {
    let shell = use_shell();
    let sources = use_command(shell.catalog_version, |_| GetLocalSources {});
    let outcome = use_state(|| None::<Result<String, ApiError>>);
    let busy = use_state(|| false);
    let folder_input = use_node_ref();
    let act = {
        let (backend, outcome, busy, changed) = (
            shell.backend.clone(),
            outcome.clone(),
            busy.clone(),
            shell.catalog_changed.clone(),
        );
        Callback::from(move |action: Action| {
            let (backend, outcome, busy, changed) = (
                backend.clone(),
                outcome.clone(),
                busy.clone(),
                changed.clone(),
            );
            busy.set(true);
            spawn_local(async move {
                let result = run(&backend, action).await;
                if result.is_ok() {
                    changed.emit(()); // re-lists the sources and re-loads catalog pages
                }
                outcome.set(Some(result));
                busy.set(false);
            });
        })
    };
    let on_add = {
        let (act, folder_input) = (act.clone(), folder_input.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if let Some(input) = folder_input.cast::<HtmlInputElement>() {
                act.emit(Action::Add(input.value()));
                input.set_value("");
            }
        })
    };
    let button = |label: &'static str, action: Action, data: &'static str| {
        let act = act.clone();
        html! {
            <button type="button" class="button button-secondary" data-action={data} disabled={*busy}
                    onclick={Callback::from(move |_| act.emit(action.clone()))}>{label}</button>
        }
    };
    let list = match sources.result() {
        None => html! { <Spinner /> },
        Some(Err(error)) => html! { <ErrorBanner error={error.clone()} /> },
        Some(Ok(list)) if list.is_empty() => html! {
            <p class="muted" data-testid="no-local-sources">{"No folders yet. Add one below, or use a team backend."}</p>
        },
        Some(Ok(list)) => html! {
            <ul class="local-sources" data-testid="local-sources">
                { for list.iter().map(|s| html! {
                    <li class="local-source" data-path={s.path.clone()}>
                        <code>{&s.path}</code>
                        <span class="muted small">
                            {format!("{} entities", s.entity_count)}
                            if s.error_count > 0 { {format!(" · {} problems", s.error_count)} }
                        </span>
                        <span class="local-source-actions">
                            { button("Refresh", Action::Refresh(s.path.clone()), "refresh-source") }
                            { button("Remove", Action::Remove(s.path.clone()), "remove-source") }
                        </span>
                    </li>
                }) }
            </ul>
        },
    };
    html! {
        <Card title="Local sources" class="local-sources-card">
            {list}
            <form class="field" onsubmit={on_add}>
                <label class="field-label" for="settings-catalog-folder">{"Add a folder of catalog-info.yaml files"}</label>
                <input id="settings-catalog-folder" ref={folder_input} type="text" name="catalog-folder"
                       placeholder="/home/you/src or ~/src" spellcheck="false" autocomplete="off" />
                <div class="field-row">
                    <button type="submit" class="button" data-action="add-source" disabled={*busy}>{"Add folder"}</button>
                </div>
            </form>
            { match &*outcome {
                None => html! {},
                Some(Ok(message)) => html! { <p class="check-ok" data-testid="source-outcome">{message}</p> },
                Some(Err(error)) => html! { <div data-testid="source-outcome"><ErrorBanner error={error.clone()} /></div> },
            } }
        </Card>
    }
}
