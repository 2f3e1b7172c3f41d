//! A team entity's actions on its page, as Backstage's entity menu has them: **Refresh**
//! (the team backend re-reads the entity's source; the local copy follows at once) and
//! **Unregister…** (a confirmation lists every entity of its location first). Shown only
//! for team entities, and only with a credential for the team backend (signed in, or a
//! token).

use backlot_model::ApiError;
use backlot_model::ipc::{
    EntityView, GetEntityLocation, GetTeamBackend, RefreshTeamEntity, Registration, SyncState,
    UnregisterLocation,
};
use backlot_plugin_api::components::ErrorBanner;
use backlot_plugin_api::{use_command, use_command_callback, use_shell};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct TeamActionsProps {
    pub entity_ref: String,
}

/// What the last action left to show.
#[derive(Clone, PartialEq)]
enum Outcome {
    None,
    Refreshed,
    Confirm(Registration),
    Unregistered(usize),
    Failed(ApiError),
}

#[component(TeamActions)]
pub fn team_actions(props: &TeamActionsProps) -> Html {
    let team = use_command((), |_| GetTeamBackend {});
    let outcome = use_state(|| Outcome::None);
    let catalog_changed = use_shell().catalog_changed;
    let failed_or = |outcome: &UseStateHandle<Outcome>, ok: Outcome| {
        let outcome = outcome.clone();
        move |e: Option<ApiError>| outcome.set(e.map_or_else(|| ok.clone(), Outcome::Failed))
    };
    let refresh = {
        let (done, changed) = (
            failed_or(&outcome, Outcome::Refreshed),
            catalog_changed.clone(),
        );
        use_command_callback::<RefreshTeamEntity>(Callback::from(
            move |r: Result<EntityView, ApiError>| {
                if r.is_ok() {
                    changed.emit(());
                }
                done(r.err());
            },
        ))
    };
    let locate = {
        let outcome = outcome.clone();
        use_command_callback::<GetEntityLocation>(Callback::from(
            move |r: Result<Registration, ApiError>| {
                outcome.set(match r {
                    Ok(registration) => Outcome::Confirm(registration),
                    Err(e) => Outcome::Failed(e),
                })
            },
        ))
    };
    let unregister = {
        let count = match &*outcome {
            Outcome::Confirm(r) => r.entities.len(),
            _ => 0,
        };
        let done = failed_or(&outcome, Outcome::Unregistered(count));
        use_command_callback::<UnregisterLocation>(Callback::from(
            move |r: Result<SyncState, ApiError>| done(r.err()),
        ))
    };

    let allowed = matches!(team.result(), Some(Ok(t)) if t.session.signed_in || t.token_set);
    if !allowed {
        return html! {};
    }
    let on_refresh = {
        let entity_ref = props.entity_ref.clone();
        Callback::from(move |_| {
            refresh.emit(RefreshTeamEntity {
                entity_ref: entity_ref.clone(),
            })
        })
    };
    let on_unregister = {
        let entity_ref = props.entity_ref.clone();
        Callback::from(move |_| {
            locate.emit(GetEntityLocation {
                entity_ref: entity_ref.clone(),
            })
        })
    };
    let on_cancel = {
        let outcome = outcome.clone();
        Callback::from(move |_| outcome.set(Outcome::None))
    };
    html! {
        <div class="team-actions">
            <div class="field-row">
                <button type="button" class="button button-secondary" onclick={on_refresh} data-action="refresh-entity"
                        title="Ask the team backend to read this entity's source again">{"Refresh"}</button>
                <button type="button" class="button button-secondary" onclick={on_unregister} data-action="unregister-entity">{"Unregister…"}</button>
            </div>
            { match &*outcome {
                Outcome::None => html! {},
                Outcome::Refreshed => html! {
                    <p class="check-ok" data-testid="team-action-outcome">{"Refresh requested; the team backend re-reads the source in the background, so a change can take a few seconds to show."}</p>
                },
                Outcome::Unregistered(n) => html! {
                    <p class="check-ok" data-testid="team-action-outcome">{format!("Unregistered: {n} entities leave the team's catalog; a sync is under way to remove them here.")}</p>
                },
                Outcome::Failed(e) => html! { <div data-testid="team-action-outcome"><ErrorBanner error={e.clone()} /></div> },
                Outcome::Confirm(registration) => {
                    let id = registration.location.id.clone();
                    let on_confirm = Callback::from(move |_| unregister.emit(UnregisterLocation { location_id: id.clone() }));
                    html! {
                        <div class="banner banner-warning unregister-confirm" data-testid="unregister-confirm" role="alertdialog" aria-label="Unregister">
                            <div>
                                <p>{"Unregister the location "}<code>{format!("{}:{}", registration.location.kind, registration.location.target)}</code>
                                   {format!("? These {} entities leave the team's catalog:", registration.entities.len())}</p>
                                <ul class="unregister-list">
                                    { for registration.entities.iter().map(|e| html! { <li><code>{&e.entity_ref}</code></li> }) }
                                </ul>
                                <div class="field-row">
                                    <button type="button" class="button button-danger" onclick={on_confirm} data-action="confirm-unregister">{"Unregister"}</button>
                                    <button type="button" class="button button-secondary" onclick={on_cancel} data-action="cancel-unregister">{"Cancel"}</button>
                                </div>
                            </div>
                        </div>
                    }
                }
            } }
        </div>
    }
}
