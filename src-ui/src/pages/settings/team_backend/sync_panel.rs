//! The team backend's sync: "Sync now", "Full sync" or "Cancel", the running sync's
//! progress and how the last one went.

use backlot_model::ApiError;
use backlot_model::ipc::{CancelSync, StartSync, SyncState, TeamBackend};
use backlot_model::sync::{CATALOG_SHRANK, SyncStatus};
use backlot_plugin_api::use_command_callback;
use yew::prelude::*;

use crate::sync_view::{SyncProgressBar, success_line};

#[derive(Properties, PartialEq)]
pub struct SyncPanelProps {
    pub team: TeamBackend,
    /// What starting or cancelling a sync answered.
    pub on_done: Callback<Result<(), ApiError>>,
}

#[component(SyncPanel)]
pub fn sync_panel(props: &SyncPanelProps) -> Html {
    let answered = props
        .on_done
        .reform(|result: Result<SyncState, ApiError>| result.map(|_| ()));
    let start = use_command_callback::<StartSync>(answered.clone());
    let cancel = use_command_callback::<CancelSync>(answered);
    let team = &props.team;
    html! {
        <div class="sync-panel">
            <div class="field-row">
                if team.sync.running.is_some() {
                    <button type="button" class="button button-secondary" onclick={cancel.reform(|_| CancelSync {})} data-action="cancel">{"Cancel"}</button>
                } else {
                    <button type="button" class="button" onclick={start.reform(|_| StartSync { full: false, accept_shrink: false })} data-action="sync"
                            disabled={team.url.is_none()}>{"Sync now"}</button>
                    <button type="button" class="button button-secondary" onclick={start.reform(|_| StartSync { full: true, accept_shrink: false })} data-action="full-sync"
                            disabled={team.url.is_none()}>{"Full sync"}</button>
                }
            </div>
            if let Some(progress) = &team.sync.running { <SyncProgressBar progress={progress.clone()} /> }
            { last_sync(team.sync.status.as_ref(), start.reform(|_: MouseEvent| StartSync { full: true, accept_shrink: true })) }
        </div>
    }
}

/// How the last sync went; a sync refused because the team catalog shrank drastically asks
/// whether to accept the smaller catalog (`on_accept`).
fn last_sync(status: Option<&SyncStatus>, on_accept: Callback<MouseEvent>) -> Html {
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
                    if status.last_error_kind.as_deref() == Some(CATALOG_SHRANK) {
                        <button type="button" class="button button-secondary" onclick={on_accept} data-action="accept-shrink">
                            {"Accept the smaller catalog"}
                        </button>
                    }
                </div>
            }
        </div>
    }
}
