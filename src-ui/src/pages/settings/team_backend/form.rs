//! The team backend's URL and how to authenticate: **Sign in** (the default: the browser,
//! as Backstage's CLI) or **Use a token** (CI and headless setups: the token goes to the
//! keychain, and a save takes it out of the page); "Test connection" either way.

use backlot_model::ApiError;
use backlot_model::ipc::{ConnectionCheck, SaveTeamBackend, TeamBackend, TestTeamBackend};
use backlot_plugin_api::components::ErrorBanner;
use backlot_plugin_api::use_command_callback;
use web_sys::HtmlInputElement;

use super::sign_in::SignInPanel;
use crate::auth_choice::{AuthChoice, AuthMode};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct TeamBackendFormProps {
    pub team: TeamBackend,
    /// The URL field's text.
    pub url: AttrValue,
    /// The URL field was edited.
    pub on_url: Callback<String>,
    /// What a save, a cancelled sign-in or a sign-out answered.
    pub on_saved: Callback<Result<TeamBackend, ApiError>>,
    /// A sign-in started (`Ok`) or could not start.
    pub on_sign_in: Callback<Result<(), ApiError>>,
}

#[component(TeamBackendForm)]
pub fn team_backend_form(props: &TeamBackendFormProps) -> Html {
    let check = use_state(|| None::<Result<ConnectionCheck, ApiError>>);
    // A saved token (and no session) means the token is what this backend uses.
    let mode = {
        let team = &props.team;
        use_state(|| {
            if team.token_set && !team.session.signed_in {
                AuthMode::Token
            } else {
                AuthMode::SignIn
            }
        })
    };
    let on_mode = {
        let mode = mode.clone();
        Callback::from(move |m| mode.set(m))
    };
    let token_input = use_node_ref();
    let test = {
        let check = check.clone();
        use_command_callback::<TestTeamBackend>(Callback::from(move |answer| {
            check.set(Some(answer))
        }))
    };
    let save = use_command_callback::<SaveTeamBackend>(props.on_saved.clone());

    let on_url_input = props.on_url.reform(|e: InputEvent| {
        e.target_dyn_into::<HtmlInputElement>()
            .map(|i| i.value())
            .unwrap_or_default()
    });
    let read_fields = {
        let (url, token_input) = (props.url.clone(), token_input.clone());
        // Saving takes the token out of the page; testing leaves it for the Save that follows.
        move |clear_token: bool| {
            let url = url.trim().to_string();
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
        let (check, read_fields) = (check.clone(), read_fields.clone());
        Callback::from(move |_| {
            let (url, token) = read_fields(false);
            check.set(None);
            test.emit(TestTeamBackend { url, token });
        })
    };
    let on_save = Callback::from(move |e: SubmitEvent| {
        e.prevent_default();
        let (url, token) = read_fields(true);
        save.emit(SaveTeamBackend { url, token });
    });

    let team = &props.team;
    html! {
        <form class="field" onsubmit={on_save}>
            <label class="field-label" for="team-url">{"Backstage backend URL"}</label>
            <input id="team-url" type="text" name="team-url" placeholder="https://backstage.example.com"
                   value={props.url.clone()} oninput={on_url_input} spellcheck="false" autocomplete="off" />
            <AuthChoice mode={*mode} on_change={on_mode} />
            if *mode == AuthMode::SignIn {
                <SignInPanel team={team.clone()} url={props.url.clone()}
                             on_started={props.on_sign_in.clone()} on_changed={props.on_saved.clone()} />
                <div class="field-row">
                    <button type="button" class="button button-secondary" onclick={on_test} data-action="test">{"Test connection"}</button>
                </div>
            } else {
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
                <p class="field-help">{"For CI and headless setups. A token is only ever sent to the backend it was saved for."}</p>
                <div class="field-row">
                    <button type="button" class="button button-secondary" onclick={on_test} data-action="test">{"Test connection"}</button>
                    <button type="submit" class="button" data-action="save">{"Save"}</button>
                </div>
            }
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
    }
}
