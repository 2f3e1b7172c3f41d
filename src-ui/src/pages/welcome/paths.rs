//! The welcome page's local paths: load the bundled demo catalog, or open a folder of
//! `catalog-info.yaml` files.

use backlot_model::ApiError;
use backlot_model::ipc::{CatalogLoaded, LoadDemoCatalog, OpenCatalogFolder};
use backlot_plugin_api::components::Card;
use backlot_plugin_api::{Icon, IconView, use_command_callback};
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::{PathProps, Status};

/// What a path does with the catalog's answer: open it, or show why not.
fn on_loaded(path: &'static str, props: &PathProps) -> Callback<Result<CatalogLoaded, ApiError>> {
    let (on_status, on_done) = (props.on_status.clone(), props.on_done.clone());
    Callback::from(
        move |result: Result<CatalogLoaded, ApiError>| match result {
            Ok(_) => {
                on_status.emit(Status::Idle);
                on_done.emit(());
            }
            Err(error) => on_status.emit(Status::Failed(path, error)),
        },
    )
}

#[component(DemoPath)]
pub fn demo_path(props: &PathProps) -> Html {
    let load = use_command_callback::<LoadDemoCatalog>(on_loaded("demo", props));
    let onclick = {
        let on_status = props.on_status.clone();
        Callback::from(move |_| {
            on_status.emit(Status::Working("demo"));
            load.emit(LoadDemoCatalog {});
        })
    };
    let status = &props.status;
    html! {
        <Card title="Explore the demo catalog" class="welcome-path welcome-demo">
            <IconView icon={Icon::Component} size={28} />
            <p>{"Parcelpine, a made-up parcel-delivery company: services, APIs, systems, domains, resources, teams and people, with their relations. Good for a first look."}</p>
            <button type="button" class="button" data-action="load-demo" {onclick} disabled={status.busy()}>
                { if status.working("demo") { "Loading…" } else { "Load the demo catalog" } }
            </button>
            { status.error_for("demo") }
        </Card>
    }
}

#[component(FolderPath)]
pub fn folder_path(props: &PathProps) -> Html {
    let folder_input = use_node_ref();
    let globs_input = use_node_ref();
    let open = use_command_callback::<OpenCatalogFolder>(on_loaded("folder", props));
    let onsubmit = {
        let on_status = props.on_status.clone();
        let (folder_input, globs_input) = (folder_input.clone(), globs_input.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let value = |input: &NodeRef| {
                input
                    .cast::<HtmlInputElement>()
                    .map(|i| i.value())
                    .unwrap_or_default()
            };
            on_status.emit(Status::Working("folder"));
            open.emit(OpenCatalogFolder {
                path: value(&folder_input),
                globs: file_patterns(&value(&globs_input)),
            });
        })
    };
    let status = &props.status;
    html! {
        <Card title="Open a folder" class="welcome-path welcome-folder">
            <IconView icon={Icon::Location} size={28} />
            <p>{"Reads every catalog-info.yaml (or catalog-info.yml, .catalog-info.yaml) under a folder (your checked-out repositories, for example) and the locations they point at. Backlot remembers the folder so you can refresh it later."}</p>
            <form class="field" {onsubmit}>
                <label class="field-label" for="catalog-folder">{"Folder"}</label>
                <input id="catalog-folder" ref={folder_input} type="text" name="catalog-folder"
                       placeholder="/home/you/src or ~/src" spellcheck="false" autocomplete="off" />
                <label class="field-label" for="catalog-globs">{"Also read files matching (optional)"}</label>
                <input id="catalog-globs" ref={globs_input} type="text" name="catalog-globs"
                       placeholder="*.yaml, examples/**/*.yaml" spellcheck="false" autocomplete="off" />
                <div class="field-row">
                    <button type="submit" class="button" data-action="open-folder" disabled={status.busy()}>
                        { if status.working("folder") { "Reading…" } else { "Open folder" } }
                    </button>
                </div>
            </form>
            { status.error_for("folder") }
        </Card>
    }
}

/// The file patterns typed in one box: separated by commas, blanks dropped.
fn file_patterns(text: &str) -> Vec<String> {
    text.split([',', '\n'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect()
}
