//! Settings → Team backend: where the catalog syncs from, signing in to it (or its token,
//! into the keychain), "Test connection", "Sync now"/"Cancel", and how the last sync went.
//!
//! The parts: [`use_team_backend`] (the settings and sync state, polled while a sync runs),
//! [`form`] (URL, token, test, save) and [`sync_panel`] (sync buttons, progress, last sync).

mod form;
mod sign_in;
mod sync_panel;

use backlot_model::ApiError;
use backlot_model::ipc::{GetTeamBackend, TeamBackend};
use backlot_plugin_api::components::{Card, ErrorBanner, Spinner};
use backlot_plugin_api::{UseCommandHandle, use_command, use_shell};
use gloo_timers::callback::Timeout;
use yew::prelude::*;

use form::TeamBackendForm;
use sync_panel::SyncPanel;

/// How often the card asks how a running sync is going (ms).
const POLL_MS: u32 = 500;

#[component(TeamBackendCard)]
pub fn team_backend_card() -> Html {
    let team = use_team_backend();
    // The URL field is controlled: its text lives here (seeded from the saved URL), so
    // re-renders (a connection check, sync progress) never reset what the user typed.
    let url_text = use_state(|| None::<String>);
    // What the last save or sync action said, when it failed.
    let action_error = use_state(|| None::<ApiError>);

    let on_url = {
        let url_text = url_text.clone();
        Callback::from(move |url: String| url_text.set(Some(url)))
    };
    let on_saved = {
        let (team, action_error) = (team.clone(), action_error.clone());
        Callback::from(move |result: Result<TeamBackend, ApiError>| match result {
            Ok(saved) => {
                action_error.set(None);
                team.set(Ok(saved));
            }
            Err(e) => action_error.set(Some(e)),
        })
    };
    let on_sync_action = {
        let (team, action_error) = (team.clone(), action_error.clone());
        Callback::from(move |result: Result<(), ApiError>| match result {
            Ok(()) => {
                action_error.set(None);
                team.reload();
            }
            Err(e) => action_error.set(Some(e)),
        })
    };

    let body = match team.result() {
        None => html! { <Spinner /> },
        Some(Err(error)) => html! { <ErrorBanner error={error.clone()} /> },
        Some(Ok(settings)) => {
            let url = (*url_text)
                .clone()
                .or_else(|| settings.url.clone())
                .unwrap_or_default();
            html! {
                <>
                    <TeamBackendForm team={settings.clone()} {url} {on_url} {on_saved}
                                     on_sign_in={on_sync_action.clone()} />
                    <SyncPanel team={settings.clone()} on_done={on_sync_action} />
                    if let Some(error) = &*action_error { <ErrorBanner error={error.clone()} /> }
                </>
            }
        }
    };
    html! { <Card title="Team backend" class="team-backend">{body}</Card> }
}

/// The team backend's settings and sync state: loaded on mount and asked again every
/// [`POLL_MS`] while a sync runs; when one ends, catalog pages re-load.
#[hook]
fn use_team_backend() -> UseCommandHandle<TeamBackend> {
    let team = use_command((), |_| GetTeamBackend {});
    // Asked again while a sync runs or a sign-in waits for the browser.
    let running = matches!(team.result(), Some(Ok(t)) if t.sync.running.is_some() || t.session.pending.is_some());
    let shell = use_shell();
    let catalog_changed = shell.catalog_changed.clone();
    {
        // Who "me" is follows the session: the shell's preferences are read again when it
        // changes (signed in, out, or as someone else).
        let user = match team.result() {
            Some(Ok(t)) if t.session.signed_in => t.session.user.clone(),
            _ => None,
        };
        let (preferences, set_preferences) =
            (shell.preferences.clone(), shell.set_preferences.clone());
        use_effect_with(user, move |user| {
            if preferences.signed_in_as != *user {
                set_preferences.emit(preferences);
            }
        });
    }
    let was_running = use_mut_ref(|| false);
    use_effect_with(running, move |running| {
        if std::mem::replace(&mut *was_running.borrow_mut(), *running) && !*running {
            catalog_changed.emit(());
        }
    });
    {
        let reload = team.reload_callback();
        use_effect_with((team.shared(), running), move |(_, running)| {
            let poll = running.then(|| Timeout::new(POLL_MS, move || reload.emit(())));
            // Unmounted, or answered again: this poll is not needed any more.
            move || drop(poll)
        });
    }
    team
}
