//! Settings → Team backend: where the catalog syncs from, its token (into the keychain),
//! "Test connection", "Sync now"/"Cancel", and how the last sync went.

use std::time::Duration;

use backlot_model::ApiError;
use backlot_model::ipc::{
    CancelSync, ConnectionCheck, GetTeamBackend, SaveTeamBackend, StartSync, TeamBackend, TestTeamBackend,
};
use backlot_model::sync::SyncStatus;
use backlot_plugin_api::components::{Card, ErrorBanner, Spinner};
use backlot_plugin_api::{use_backend, use_shell};
use web_sys::HtmlInputElement;
use yew::platform::spawn_local;
use yew::platform::time::sleep;
use yew::prelude::*;

use crate::sync_view::{SyncProgressBar, success_line};

#[component(TeamBackendCard)]
pub fn team_backend_card() -> Html {
    let backend = use_backend();
    let team = use_state(|| None::<Result<TeamBackend, ApiError>>);
    let check = use_state(|| None::<Result<ConnectionCheck, ApiError>>);
    let action_error = use_state(|| None::<ApiError>);
    // The URL field is controlled: its text lives in state (seeded from the saved URL), so
    // re-renders (a connection check, sync progress) never reset what the user typed.
    let url_text = use_state(|| None::<String>);
    let token_input = use_node_ref();

    // Load, and keep polling while a sync runs; when one ends, catalog pages re-load.
    let running = matches!(&*team, Some(Ok(t)) if t.sync.running.is_some());
    let catalog_changed = use_shell().catalog_changed;
    let was_running = use_mut_ref(|| false);
    {
        let (backend, team) = (backend.clone(), team.clone());
        use_effect_with(running, move |running| {
            let running = *running;
            if std::mem::replace(&mut *was_running.borrow_mut(), running) && !running {
                catalog_changed.emit(());
            }
            spawn_local(async move {
                if running {
                    sleep(Duration::from_millis(500)).await;
                }
                team.set(Some(backend.call(GetTeamBackend {}).await));
            });
        });
    }

    let saved_url = match &*team {
        Some(Ok(t)) => t.url.clone(),
        _ => None,
    };
    let shown_url = (*url_text).clone().or(saved_url).unwrap_or_default();
    let on_url_input = {
        let url_text = url_text.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(input) = e.target_dyn_into::<HtmlInputElement>() {
                url_text.set(Some(input.value()));
            }
        })
    };
    let read_fields = {
        let (shown_url, token_input) = (shown_url.clone(), token_input.clone());
        // Saving takes the token out of the page; testing leaves it for the Save that follows.
        move |clear_token: bool| {
            let url = shown_url.trim().to_string();
            let token = token_input.cast::<HtmlInputElement>().and_then(|i| {
                let value = i.value();
                if clear_token {
                    i.set_value("");
                }
                (!value.is_empty()).then_some(value)
            });
            (url, token)
        }
    };
    let on_test = {
        let (backend, check, read_fields) = (backend.clone(), check.clone(), read_fields.clone());
        Callback::from(move |_| {
            let (url, token) = read_fields(false);
            let (backend, check) = (backend.clone(), check.clone());
            check.set(None);
            spawn_local(async move { check.set(Some(backend.call(TestTeamBackend { url, token }).await)) });
        })
    };
    let on_save = {
        let (backend, team, action_error) = (backend.clone(), team.clone(), action_error.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (url, token) = read_fields(true);
            let (backend, team, action_error) = (backend.clone(), team.clone(), action_error.clone());
            spawn_local(async move {
                match backend.call(SaveTeamBackend { url, token }).await {
                    Ok(saved) => {
                        action_error.set(None);
                        team.set(Some(Ok(saved)));
                    }
                    Err(e) => action_error.set(Some(e)),
                }
            });
        })
    };
    let sync_action = |full: Option<bool>| {
        let (backend, team, action_error) = (backend.clone(), team.clone(), action_error.clone());
        Callback::from(move |_| {
            let (backend, team, action_error) = (backend.clone(), team.clone(), action_error.clone());
            spawn_local(async move {
                let result = match full {
                    Some(full) => backend.call(StartSync { full }).await,
                    None => backend.call(CancelSync {}).await,
                };
                match result {
                    Ok(_) => {
                        action_error.set(None);
                        team.set(Some(backend.call(GetTeamBackend {}).await));
                    }
                    Err(e) => action_error.set(Some(e)),
                }
            });
        })
    };

    let body = match &*team {
        None => html! { <Spinner /> },
        Some(Err(error)) => html! { <ErrorBanner error={error.clone()} /> },
        Some(Ok(team)) => html! {
            <>
                <form class="field" onsubmit={on_save}>
                    <label class="field-label" for="team-url">{"Backstage backend URL"}</label>
                    <input id="team-url" type="text" name="team-url" placeholder="https://backstage.example.com"
                           value={shown_url.clone()} oninput={on_url_input} spellcheck="false" autocomplete="off" />
                    <label class="field-label" for="team-token">
                        {"Token "}
                        if team.token_set {
                            <span class="badge badge-ok" data-testid="token-state">{"stored in keychain"}</span>
                        } else {
                            <span class="badge badge-warn" data-testid="token-state">{"not set"}</span>
                        }
                    </label>
                    <input id="team-token" ref={token_input} type="password" name="team-token" autocomplete="off"
                           placeholder={if team.token_set { "Paste a new token to replace it" } else { "A Backstage token (static external access token)" }} />
                    if let Some(error) = &team.keychain_error {
                        <p class="field-help text-warning">{format!("The keychain is unavailable ({}), so a token cannot be stored.", error.message)}</p>
                    }
                    <div class="field-row">
                        <button type="button" class="button button-secondary" onclick={on_test} data-action="test">{"Test connection"}</button>
                        <button type="submit" class="button" data-action="save">{"Save"}</button>
                    </div>
                    { match &*check {
                        None => html! {},
                        Some(Ok(check)) => html! {
                            <p class="check-ok" data-testid="connection-check">
                                {format!("Connected: the catalog holds {} entities ({} ms).", check.entity_count, check.duration_ms)}
                            </p>
                        },
                        Some(Err(error)) => html! { <div data-testid="connection-check"><ErrorBanner error={error.clone()} /></div> },
                    } }
                </form>
                <div class="sync-panel">
                    <div class="field-row">
                        if team.sync.running.is_some() {
                            <button type="button" class="button button-secondary" onclick={sync_action(None)} data-action="cancel">{"Cancel"}</button>
                        } else {
                            <button type="button" class="button" onclick={sync_action(Some(false))} data-action="sync"
                                    disabled={team.url.is_none()}>{"Sync now"}</button>
                            <button type="button" class="button button-secondary" onclick={sync_action(Some(true))} data-action="full-sync"
                                    disabled={team.url.is_none()}>{"Full sync"}</button>
                        }
                    </div>
                    if let Some(progress) = &team.sync.running { <SyncProgressBar progress={progress.clone()} /> }
                    { last_sync(team.sync.status.as_ref()) }
                </div>
                if let Some(error) = &*action_error { <ErrorBanner error={error.clone()} /> }
            </>
        },
    };
    html! { <Card title="Team backend" class="team-backend">{body}</Card> }
}

fn last_sync(status: Option<&SyncStatus>) -> Html {
    let Some(status) = status else {
        return html! { <p class="muted" data-testid="last-sync">{"Not synced yet."}</p> };
    };
    html! {
        <div data-testid="last-sync">
            <p class="muted">{success_line(status).unwrap_or_else(|| "No sync has succeeded yet.".into())}</p>
            if let Some(error) = &status.last_error {
                <div class="banner banner-error" role="alert">
                    <span class="banner-message">{format!("The last sync failed; the catalog was left as it was. {error}")}</span>
                    <code class="banner-code">{status.last_error_kind.clone().unwrap_or_default()}</code>
                </div>
            }
        </div>
    }
}
