//! Signing in to the team backend from Settings: "Sign in" opens the team's Backstage in the
//! browser; while it waits the card shows the address (for a browser that did not open) and
//! "Cancel"; signed in, who the user is and "Sign out".

use backlot_model::ApiError;
use backlot_model::ipc::{CancelSignIn, SignOut, StartSignIn, TeamBackend};
use backlot_plugin_api::components::ErrorBanner;
use backlot_plugin_api::use_command_callback;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct SignInPanelProps {
    pub team: TeamBackend,
    /// The URL field's text: where "Sign in" goes.
    pub url: AttrValue,
    /// A sign-in started (`Ok`: reload the settings) or could not start.
    pub on_started: Callback<Result<(), ApiError>>,
    /// What "Cancel" or "Sign out" answered.
    pub on_changed: Callback<Result<TeamBackend, ApiError>>,
}

#[component(SignInPanel)]
pub fn sign_in_panel(props: &SignInPanelProps) -> Html {
    let start = use_command_callback::<StartSignIn>(
        props.on_started.reform(|r: Result<_, _>| r.map(|_| ())),
    );
    let cancel = use_command_callback::<CancelSignIn>(props.on_changed.clone());
    let sign_out = use_command_callback::<SignOut>(props.on_changed.clone());
    let on_sign_in = {
        let url = props.url.clone();
        Callback::from(move |_| {
            start.emit(StartSignIn {
                url: url.trim().to_string(),
            })
        })
    };
    let on_cancel = Callback::from(move |_| cancel.emit(CancelSignIn {}));
    let on_sign_out = Callback::from(move |_| sign_out.emit(SignOut {}));

    let session = &props.team.session;
    let state = if let Some(address) = &session.pending {
        html! {
            <>
                <p data-testid="sign-in-state">{"Waiting for you to sign in in the browser…"}</p>
                <p class="field-help">
                    {"No browser opened? Open this address: "}
                    <code class="sign-in-address" data-testid="sign-in-address">{address.clone()}</code>
                </p>
                <div class="field-row">
                    <button type="button" class="button button-secondary" onclick={on_cancel} data-action="cancel-sign-in">{"Cancel"}</button>
                </div>
            </>
        }
    } else if session.signed_in {
        let who = session
            .user
            .clone()
            .unwrap_or_else(|| "an unnamed user".into());
        html! {
            <>
                <p data-testid="sign-in-state">
                    {"Signed in as "}<strong>{who}</strong>{" "}
                    if session.renews {
                        <span class="badge badge-ok">{"stays signed in"}</span>
                    } else {
                        <span class="badge badge-warn" title="The backend issues no refresh tokens: sign in again when the token expires">{"until the token expires"}</span>
                    }
                </p>
                <div class="field-row">
                    <button type="button" class="button button-secondary" onclick={on_sign_out} data-action="sign-out">{"Sign out"}</button>
                </div>
            </>
        }
    } else {
        html! {
            <>
                <p class="field-help">{"Opens your team's Backstage sign-in page in the browser. Backlot then syncs as you, with your permissions; the session is kept in the system keychain."}</p>
                <div class="field-row">
                    <button type="button" class="button" onclick={on_sign_in} data-action="sign-in">{"Sign in"}</button>
                </div>
            </>
        }
    };
    html! {
        <div class="sign-in-panel">
            {state}
            if let Some(error) = &session.error {
                <div data-testid="sign-in-error"><ErrorBanner error={error.clone()} /></div>
            }
        </div>
    }
}
