//! How Backlot authenticates to the team backend — **Sign in** (the browser, the default) or
//! **Use a token** (CI, headless) — as one segmented switch, shared by Settings → Team
//! backend and the welcome page.

use yew::prelude::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthMode {
    SignIn,
    Token,
}

#[derive(Properties, PartialEq)]
pub struct AuthChoiceProps {
    pub mode: AuthMode,
    pub on_change: Callback<AuthMode>,
}

#[component(AuthChoice)]
pub fn auth_choice(props: &AuthChoiceProps) -> Html {
    let tab = |mode: AuthMode, label: &'static str, action: &'static str| {
        let selected = props.mode == mode;
        let onclick = props.on_change.reform(move |_| mode);
        html! {
            <button type="button" role="tab" aria-selected={selected.to_string()}
                    class={classes!("segment", selected.then_some("selected"))}
                    {onclick} data-action={action}>{label}</button>
        }
    };
    html! {
        <div class="segmented" role="tablist" aria-label="How to authenticate">
            { tab(AuthMode::SignIn, "Sign in", "mode-sign-in") }
            { tab(AuthMode::Token, "Use a token", "mode-token") }
        </div>
    }
}
