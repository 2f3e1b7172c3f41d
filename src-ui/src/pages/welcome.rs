//! The first-run page (`/welcome`): three ways to a populated catalog — the bundled demo,
//! a local folder of `catalog-info.yaml` files, or the team's Backstage backend. Each ends
//! on the catalog page with the entities in it. The shell opens this page on start while
//! the catalog is empty and no path was completed; it has no sidebar entry.

use std::time::Duration;

use backlot_model::{ApiError, ErrorCode};
use backlot_model::ipc::{
    CatalogLoaded, CompleteOnboarding, GetTeamBackend, LoadDemoCatalog, OpenCatalogFolder, SaveTeamBackend,
    StartSync, SyncProgress,
};
use backlot_plugin_api::components::{Card, ErrorBanner};
use backlot_plugin_api::routing::RouteMatch;
use backlot_plugin_api::{BackendHandle, Icon, IconView, Plugin, use_shell};
use web_sys::HtmlInputElement;
use yew::platform::spawn_local;
use yew::platform::time::sleep;
use yew::prelude::*;

use crate::sync_view::SyncProgressBar;

pub const PATH: &str = "/welcome";

pub fn plugin() -> Plugin {
    Plugin::new("welcome", "Welcome", Icon::Home).route(PATH, |_: &RouteMatch| html! { <WelcomePage /> })
}

/// Which path is running, or how the last attempt ended.
#[derive(Clone, PartialEq)]
enum Status {
    Idle,
    Working(&'static str),
    Syncing(Option<SyncProgress>),
    Failed(&'static str, ApiError),
}

#[component(WelcomePage)]
fn welcome_page() -> Html {
    let shell = use_shell();
    let status = use_state(|| Status::Idle);
    let folder_input = use_node_ref();
    let url_input = use_node_ref();
    let token_input = use_node_ref();
    let busy = matches!(*status, Status::Working(_) | Status::Syncing(_));

    // Every path ends the same way: the catalog pages re-load, and the catalog opens.
    let finish = {
        let (changed, navigate) = (shell.catalog_changed.clone(), shell.navigate.clone());
        Callback::from(move |_: ()| {
            changed.emit(());
            navigate.emit("/catalog".to_string());
        })
    };
    let loaded = {
        let (status, finish) = (status.clone(), finish.clone());
        move |path: &'static str, result: Result<CatalogLoaded, ApiError>| match result {
            Ok(_) => {
                status.set(Status::Idle);
                finish.emit(());
            }
            Err(error) => status.set(Status::Failed(path, error)),
        }
    };

    let on_demo = {
        let (backend, status, loaded) = (shell.backend.clone(), status.clone(), loaded.clone());
        Callback::from(move |_| {
            status.set(Status::Working("demo"));
            let (backend, loaded) = (backend.clone(), loaded.clone());
            spawn_local(async move { loaded("demo", backend.call(LoadDemoCatalog {}).await) });
        })
    };
    let on_folder = {
        let (backend, status, folder_input) = (shell.backend.clone(), status.clone(), folder_input.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let path = folder_input.cast::<HtmlInputElement>().map(|i| i.value()).unwrap_or_default();
            status.set(Status::Working("folder"));
            let (backend, loaded) = (backend.clone(), loaded.clone());
            spawn_local(async move { loaded("folder", backend.call(OpenCatalogFolder { path }).await) });
        })
    };
    let on_team = {
        let (backend, status) = (shell.backend.clone(), status.clone());
        let (url_input, token_input, finish) = (url_input.clone(), token_input.clone(), finish.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let url = url_input.cast::<HtmlInputElement>().map(|i| i.value().trim().to_string()).unwrap_or_default();
            // The token goes to the keychain and leaves the page at once.
            let token = token_input.cast::<HtmlInputElement>().and_then(|i| {
                let value = i.value();
                i.set_value("");
                (!value.is_empty()).then_some(value)
            });
            status.set(Status::Working("team"));
            let (backend, status, finish) = (backend.clone(), status.clone(), finish.clone());
            spawn_local(async move {
                match connect_and_sync(&backend, url, token, &status).await {
                    Ok(()) => {
                        status.set(Status::Idle);
                        finish.emit(());
                    }
                    Err(error) => status.set(Status::Failed("team", error)),
                }
            });
        })
    };
    let on_skip = {
        let (backend, navigate) = (shell.backend.clone(), shell.navigate.clone());
        Callback::from(move |_| {
            let (backend, navigate) = (backend.clone(), navigate.clone());
            spawn_local(async move {
                let _ = backend.call(CompleteOnboarding {}).await;
                navigate.emit("/".to_string());
            });
        })
    };

    let error_for = |path: &'static str| match &*status {
        Status::Failed(failed, error) if *failed == path => html! {
            <div data-testid={format!("{path}-error")}><ErrorBanner error={error.clone()} /></div>
        },
        _ => html! {},
    };
    let working = |path: &'static str| matches!(&*status, Status::Working(p) if *p == path);

    html! {
        <div class="page welcome" data-testid="welcome">
            <section class="welcome-hero">
                <h2>{"Welcome to Backlot"}</h2>
                <p>{"Backlot shows your software catalog — services, APIs, systems, resources and the teams that own them — on your desktop, offline. Choose where the catalog comes from; you can add the other sources later in Settings."}</p>
            </section>
            <div class="welcome-paths">
                <Card title="Explore the demo catalog" class="welcome-path welcome-demo">
                    <IconView icon={Icon::Component} size={28} />
                    <p>{"Parcelpine, a made-up parcel-delivery company: services, APIs, systems, domains, resources, teams and people, with their relations. Good for a first look."}</p>
                    <button type="button" class="button" data-action="load-demo" onclick={on_demo} disabled={busy}>
                        { if working("demo") { "Loading…" } else { "Load the demo catalog" } }
                    </button>
                    { error_for("demo") }
                </Card>
                <Card title="Open a folder" class="welcome-path welcome-folder">
                    <IconView icon={Icon::Location} size={28} />
                    <p>{"Reads every catalog-info.yaml under a folder (your checked-out repositories, for example) and the locations they point at. Backlot remembers the folder so you can refresh it later."}</p>
                    <form class="field" onsubmit={on_folder}>
                        <label class="field-label" for="catalog-folder">{"Folder"}</label>
                        <input id="catalog-folder" ref={folder_input} type="text" name="catalog-folder"
                               placeholder="/home/you/src or ~/src" spellcheck="false" autocomplete="off" />
                        <div class="field-row">
                            <button type="submit" class="button" data-action="open-folder" disabled={busy}>
                                { if working("folder") { "Reading…" } else { "Open folder" } }
                            </button>
                        </div>
                    </form>
                    { error_for("folder") }
                </Card>
                <Card title="Connect a team backend" class="welcome-path welcome-team">
                    <IconView icon={Icon::Group} size={28} />
                    <p>{"Syncs the catalog of your team's Backstage backend and keeps a local copy that works offline. The token is stored in the system keychain."}</p>
                    <form class="field" onsubmit={on_team}>
                        <label class="field-label" for="welcome-team-url">{"Backstage backend URL"}</label>
                        <input id="welcome-team-url" ref={url_input} type="text" name="team-url"
                               placeholder="https://backstage.example.com" spellcheck="false" autocomplete="off" />
                        <label class="field-label" for="welcome-team-token">{"Token (optional)"}</label>
                        <input id="welcome-team-token" ref={token_input} type="password" name="team-token" autocomplete="off"
                               placeholder="A Backstage static external access token" />
                        <div class="field-row">
                            <button type="submit" class="button" data-action="connect" disabled={busy}>
                                { if matches!(*status, Status::Syncing(_) | Status::Working("team")) { "Syncing…" } else { "Connect and sync" } }
                            </button>
                        </div>
                    </form>
                    if let Status::Syncing(Some(progress)) = &*status { <SyncProgressBar progress={progress.clone()} /> }
                    { error_for("team") }
                </Card>
            </div>
            <p class="welcome-skip">
                <button type="button" class="button button-secondary" data-action="skip" onclick={on_skip} disabled={busy}>
                    {"Skip for now"}
                </button>
            </p>
        </div>
    }
}

/// Saves the backend (URL, token into the keychain), runs a full sync and waits for it.
async fn connect_and_sync(
    backend: &BackendHandle,
    url: String,
    token: Option<String>,
    status: &UseStateHandle<Status>,
) -> Result<(), ApiError> {
    backend.call(SaveTeamBackend { url, token }).await?;
    let mut state = backend.call(StartSync { full: true }).await?;
    while let Some(progress) = state.running.take() {
        status.set(Status::Syncing(Some(progress)));
        sleep(Duration::from_millis(300)).await;
        state = backend.call(GetTeamBackend {}).await?.sync;
    }
    match state.status {
        Some(s) if s.last_success_ms.is_some() && s.last_error.is_none() => {
            backend.call(CompleteOnboarding {}).await?;
            Ok(())
        }
        Some(s) => Err(ApiError::new(
            match s.last_error_kind.as_deref() {
                Some("unauthorized" | "forbidden" | "invalid_token") => ErrorCode::Unauthorized,
                Some("unreachable" | "timeout" | "connection_cut" | "tls") => ErrorCode::Offline,
                _ => ErrorCode::InvalidInput,
            },
            format!(
                "the sync did not finish: {}",
                s.last_error.unwrap_or_else(|| "the backend's catalog could not be read".into())
            ),
        )),
        None => Err(ApiError::internal("the sync ended without a result")),
    }
}
