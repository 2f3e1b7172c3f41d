//! The header's view of the team backend: a small progress bar while a sync runs, else
//! how old the local copy is. Hidden when no team backend is configured.

use std::time::Duration;

use backlot_model::ipc::{GetTeamBackend, TeamBackend};
use backlot_plugin_api::{use_backend, use_shell};
use yew::platform::spawn_local;
use yew::platform::time::sleep;
use yew::prelude::*;

use crate::sync_view::{SyncProgressBar, age};

const IDLE_POLL: Duration = Duration::from_secs(15);
const BUSY_POLL: Duration = Duration::from_millis(700);

#[component(SyncIndicator)]
pub fn sync_indicator() -> Html {
    let backend = use_backend();
    let catalog_changed = use_shell().catalog_changed;
    let team = use_state(|| None::<TeamBackend>);
    // The last success seen: when it moves, a sync landed and catalog pages re-load.
    let seen_success = use_mut_ref(|| None::<Option<u64>>);
    // Each answer schedules the next poll: fast while syncing, slow otherwise.
    let tick = use_state(|| 0u64);
    {
        let (team, tick_handle) = (team.clone(), tick.clone());
        use_effect_with(*tick, move |tick| {
            let first = *tick == 0;
            spawn_local(async move {
                if !first {
                    let busy = team.as_ref().is_some_and(|t| t.sync.running.is_some());
                    sleep(if busy { BUSY_POLL } else { IDLE_POLL }).await;
                }
                if let Ok(latest) = backend.call(GetTeamBackend {}).await {
                    let success = latest.sync.status.as_ref().and_then(|s| s.last_success_ms);
                    let previous = seen_success.borrow_mut().replace(success);
                    if previous.is_some_and(|p| p != success) {
                        catalog_changed.emit(());
                    }
                    team.set(Some(latest));
                }
                tick_handle.set(*tick_handle + 1);
            });
        });
    }
    let Some(team) = &*team else { return html! {} };
    if team.url.is_none() {
        return html! {};
    }
    html! {
        <div class="sync-indicator" data-testid="sync-indicator">
            if let Some(progress) = &team.sync.running {
                <span>{"Syncing…"}</span>
                <SyncProgressBar progress={progress.clone()} compact=true />
            } else if let Some(at) = team.sync.status.as_ref().and_then(|s| s.last_success_ms) {
                <span>{format!("Team catalog synced {}", age(at))}</span>
                if team.sync.status.as_ref().is_some_and(|s| s.last_error.is_some()) {
                    <span class="text-warning" title="The last sync failed; see Settings → Team backend">{"· last sync failed"}</span>
                }
            } else {
                <span class="text-warning">{"Team catalog not synced yet"}</span>
            }
        </div>
    }
}
