//! The welcome page's team path: save the Backstage backend (URL, token into the keychain),
//! run a full sync with its progress shown, and finish onboarding when it succeeded.

use std::time::Duration;

use backlot_model::ipc::{CompleteOnboarding, GetTeamBackend, SaveTeamBackend, StartSync};
use backlot_model::{ApiError, ErrorCode};
use backlot_plugin_api::components::Card;
use backlot_plugin_api::{BackendHandle, Icon, IconView, use_backend};
use web_sys::HtmlInputElement;
use yew::platform::spawn_local;
use yew::platform::time::sleep;
use yew::prelude::*;

use super::{PathProps, Status};
use crate::sync_view::SyncProgressBar;

/// How often the sync's progress is asked for (ms).
const POLL: Duration = Duration::from_millis(300);

#[component(TeamPath)]
pub fn team_path(props: &PathProps) -> Html {
    let backend = use_backend();
    let url_input = use_node_ref();
    let token_input = use_node_ref();
    let onsubmit = {
        let (on_status, on_done) = (props.on_status.clone(), props.on_done.clone());
        let (url_input, token_input) = (url_input.clone(), token_input.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let url = url_input
                .cast::<HtmlInputElement>()
                .map(|i| i.value().trim().to_string())
                .unwrap_or_default();
            // The token goes to the keychain and leaves the page at once.
            let token = token_input.cast::<HtmlInputElement>().and_then(|i| {
                let value = i.value();
                i.set_value("");
                (!value.is_empty()).then_some(value)
            });
            on_status.emit(Status::Working("team"));
            // Several calls in a row, with polling between them: one task, not one command.
            let (backend, on_status, on_done) =
                (backend.clone(), on_status.clone(), on_done.clone());
            spawn_local(async move {
                match connect_and_sync(&backend, url, token, &on_status).await {
                    Ok(()) => {
                        on_status.emit(Status::Idle);
                        on_done.emit(());
                    }
                    Err(error) => on_status.emit(Status::Failed("team", error)),
                }
            });
        })
    };
    let status = &props.status;
    html! {
        <Card title="Connect a team backend" class="welcome-path welcome-team">
            <IconView icon={Icon::Group} size={28} />
            <p>{"Syncs the catalog of your team's Backstage backend and keeps a local copy that works offline. The token is stored in the system keychain."}</p>
            <form class="field" {onsubmit}>
                <label class="field-label" for="welcome-team-url">{"Backstage backend URL"}</label>
                <input id="welcome-team-url" ref={url_input} type="text" name="team-url"
                       placeholder="https://backstage.example.com" spellcheck="false" autocomplete="off" />
                <label class="field-label" for="welcome-team-token">{"Token (optional)"}</label>
                <input id="welcome-team-token" ref={token_input} type="password" name="team-token" autocomplete="off"
                       placeholder="A Backstage static external access token" />
                <div class="field-row">
                    <button type="submit" class="button" data-action="connect" disabled={status.busy()}>
                        { if matches!(status, Status::Syncing(_) | Status::Working("team")) { "Syncing…" } else { "Connect and sync" } }
                    </button>
                </div>
            </form>
            if let Status::Syncing(Some(progress)) = status { <SyncProgressBar progress={progress.clone()} /> }
            { status.error_for("team") }
        </Card>
    }
}

/// Saves the backend (URL, token into the keychain), runs a full sync and waits for it.
async fn connect_and_sync(
    backend: &BackendHandle,
    url: String,
    token: Option<String>,
    on_status: &Callback<Status>,
) -> Result<(), ApiError> {
    backend.call(SaveTeamBackend { url, token }).await?;
    let mut state = backend
        .call(StartSync {
            full: true,
            accept_shrink: false,
        })
        .await?;
    while let Some(progress) = state.running.take() {
        on_status.emit(Status::Syncing(Some(progress)));
        sleep(POLL).await;
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
                s.last_error
                    .unwrap_or_else(|| "the backend's catalog could not be read".into())
            ),
        )),
        None => Err(ApiError::internal("the sync ended without a result")),
    }
}
