//! The welcome page's team path: sign in to the team's Backstage in the browser (the
//! default) or save a token into the keychain, then run a full sync with its progress
//! shown, and finish onboarding when it succeeded.

use std::time::Duration;

use backlot_model::ipc::{
    CancelSignIn, CompleteOnboarding, GetTeamBackend, SaveTeamBackend, StartSignIn, StartSync,
};
use backlot_model::{ApiError, ErrorCode};
use backlot_plugin_api::components::Card;
use backlot_plugin_api::{BackendHandle, Icon, IconView, use_backend};
use web_sys::HtmlInputElement;
use yew::platform::spawn_local;
use yew::platform::time::sleep;
use yew::prelude::*;

use super::{PathProps, Status};
use crate::auth_choice::{AuthChoice, AuthMode};
use crate::sync_view::SyncProgressBar;

/// How often the sync's progress is asked for (ms).
const POLL: Duration = Duration::from_millis(300);

#[component(TeamPath)]
pub fn team_path(props: &PathProps) -> Html {
    let backend = use_backend();
    let url_input = use_node_ref();
    let token_input = use_node_ref();
    let auth = use_state(|| AuthMode::SignIn);
    let on_mode = {
        let auth = auth.clone();
        Callback::from(move |m| auth.set(m))
    };
    let on_cancel = {
        let backend = backend.clone();
        Callback::from(move |_| {
            let backend = backend.clone();
            // The waiting sign-in then ends with "cancelled".
            spawn_local(async move {
                let _ = backend.call(CancelSignIn {}).await;
            });
        })
    };
    let onsubmit = {
        let (on_status, on_done) = (props.on_status.clone(), props.on_done.clone());
        let (url_input, token_input) = (url_input.clone(), token_input.clone());
        let how = *auth;
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
                let connected = match how {
                    AuthMode::SignIn => sign_in(&backend, url, &on_status).await,
                    AuthMode::Token => backend
                        .call(SaveTeamBackend { url, token })
                        .await
                        .map(|_| ()),
                };
                match async {
                    connected?;
                    sync_and_finish(&backend, &on_status).await
                }
                .await
                {
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
            <p>{"Syncs the catalog of your team's Backstage backend and keeps a local copy that works offline. Sign in as you do in the browser; the session is kept in the system keychain."}</p>
            <AuthChoice mode={*auth} on_change={on_mode} />
            <form class="field" {onsubmit}>
                <label class="field-label" for="welcome-team-url">{"Backstage backend URL"}</label>
                <input id="welcome-team-url" ref={url_input} type="text" name="team-url"
                       placeholder="https://backstage.example.com" spellcheck="false" autocomplete="off" />
                if *auth == AuthMode::Token {
                    <label class="field-label" for="welcome-team-token">{"Token (optional)"}</label>
                    <input id="welcome-team-token" ref={token_input} type="password" name="team-token" autocomplete="off"
                           placeholder="A Backstage static external access token" />
                }
                <div class="field-row">
                    <button type="submit" class="button" data-action="connect" disabled={status.busy()}>
                        { match (status, *auth) {
                            (Status::SigningIn(_), _) => "Waiting for the browser…",
                            (Status::Syncing(_) | Status::Working("team"), _) => "Syncing…",
                            (_, AuthMode::SignIn) => "Sign in and sync",
                            (_, AuthMode::Token) => "Connect and sync",
                        } }
                    </button>
                </div>
            </form>
            if let Status::SigningIn(address) = status {
                <p class="field-help" data-testid="sign-in-address">
                    {"Sign in in the browser window that opened. No browser? Open this address: "}
                    <code class="sign-in-address">{address.clone()}</code>
                    {" "}
                    <button type="button" class="button button-secondary" onclick={on_cancel} data-action="cancel-sign-in">{"Cancel"}</button>
                </p>
            }
            if let Status::Syncing(Some(progress)) = status { <SyncProgressBar progress={progress.clone()} /> }
            { status.error_for("team") }
        </Card>
    }
}

/// Signs in to the backend at `url` (saved as the team backend): the browser opens, and
/// this waits until the session is set up or the sign-in failed.
async fn sign_in(
    backend: &BackendHandle,
    url: String,
    on_status: &Callback<Status>,
) -> Result<(), ApiError> {
    let started = backend.call(StartSignIn { url }).await?;
    on_status.emit(Status::SigningIn(started.authorize_url));
    loop {
        sleep(POLL).await;
        let session = backend.call(GetTeamBackend {}).await?.session;
        if session.pending.is_some() {
            continue;
        }
        return match (session.signed_in, session.error) {
            (_, Some(error)) => Err(error),
            (true, None) => Ok(()),
            (false, None) => Err(ApiError::new(
                ErrorCode::Unauthorized,
                "sign-in was cancelled",
            )),
        };
    }
}

/// Runs a full sync from the saved backend, waits for it, and finishes onboarding.
async fn sync_and_finish(
    backend: &BackendHandle,
    on_status: &Callback<Status>,
) -> Result<(), ApiError> {
    on_status.emit(Status::Working("team"));
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
