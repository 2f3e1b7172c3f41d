//! Settings → Credentials: the secrets the configuration needs, kept in the OS keychain.
//! Values go in (masked input → keychain) and never come back out.

use backlot_model::ApiError;
use backlot_model::ipc::{DeleteCredential, GetCredentials, SecretStatus, SetCredential};
use backlot_plugin_api::components::{Card, ErrorBanner, Spinner};
use backlot_plugin_api::{use_backend, use_command};
use web_sys::HtmlInputElement;
use yew::platform::spawn_local;
use yew::prelude::*;

#[component(CredentialsCard)]
pub fn credentials_card() -> Html {
    let credentials = use_command((), |_| GetCredentials {});
    let reload = credentials.reload_callback();
    let body = match credentials.result() {
        None => html! { <Spinner /> },
        Some(Err(error)) => html! { <ErrorBanner error={error.clone()} /> },
        Some(Ok(credentials)) => html! {
            <>
                if let Some(error) = &credentials.keychain_error {
                    <ErrorBanner error={error.clone()} />
                    <p class="field-help">
                        {"Backlot keeps credentials only in your system keychain. Start and unlock a Secret Service provider (GNOME Keyring or KWallet), then reopen this page."}
                    </p>
                }
                if credentials.secrets.is_empty() {
                    <p class="muted" data-testid="no-secrets">
                        {"Your configuration needs no secrets. Reference one as "}<code>{"${secret:NAME}"}</code>
                        {" in app-config.yaml (for example in a proxy endpoint's headers) and it appears here."}
                    </p>
                } else {
                    <ul class="secret-list">
                        { for credentials.secrets.iter().map(|status| html! {
                            <SecretRow key={status.name.clone()} status={status.clone()}
                                       disabled={credentials.keychain_error.is_some()} on_change={reload.clone()} />
                        }) }
                    </ul>
                }
            </>
        },
    };
    html! { <Card title="Credentials" class="credentials">{body}</Card> }
}

#[derive(Properties, PartialEq)]
struct SecretRowProps {
    status: SecretStatus,
    disabled: bool,
    on_change: Callback<()>,
}

#[component(SecretRow)]
fn secret_row(props: &SecretRowProps) -> Html {
    let backend = use_backend();
    let input = use_node_ref();
    let error = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);
    let status = &props.status;

    let run = {
        let (backend, error, busy, on_change) = (
            backend.clone(),
            error.clone(),
            busy.clone(),
            props.on_change.clone(),
        );
        move |action: Action| {
            let (backend, error, busy, on_change) = (
                backend.clone(),
                error.clone(),
                busy.clone(),
                on_change.clone(),
            );
            busy.set(true);
            spawn_local(async move {
                let result = match action {
                    Action::Set(command) => backend.call(command).await,
                    Action::Delete(command) => backend.call(command).await,
                };
                busy.set(false);
                match result {
                    Ok(_) => {
                        error.set(None);
                        on_change.emit(());
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        }
    };
    let onsubmit = {
        let (input, name, run) = (input.clone(), status.name.clone(), run.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(field) = input.cast::<HtmlInputElement>() else {
                return;
            };
            let value = field.value();
            // The value leaves the page at once: nothing keeps it in the DOM.
            field.set_value("");
            if !value.is_empty() {
                run(Action::Set(SetCredential {
                    name: name.clone(),
                    value,
                }));
            }
        })
    };
    let ondelete = {
        let name = status.name.clone();
        Callback::from(move |_| run(Action::Delete(DeleteCredential { name: name.clone() })))
    };
    let disabled = props.disabled || *busy;
    html! {
        <li class="secret-row" data-secret={status.name.clone()}>
            <div class="secret-head">
                <code class="secret-name">{&status.name}</code>
                if status.set {
                    <span class="badge badge-ok" data-testid="secret-state">{"Set"}</span>
                } else {
                    <span class="badge badge-warn" data-testid="secret-state">{"Missing"}</span>
                }
                <span class="muted small">{format!("used by {}", status.used_by.join(", "))}</span>
            </div>
            <form class="field-row" {onsubmit}>
                <input ref={input} type="password" name="secret-value" autocomplete="off" spellcheck="false"
                       placeholder={if status.set { "Paste a new value to replace it" } else { "Paste the value" }}
                       aria-label={format!("Value for {}", status.name)} {disabled} />
                <button type="submit" class="button" {disabled}>{if status.set { "Replace" } else { "Save" }}</button>
                if status.set {
                    <button type="button" class="button button-secondary" onclick={ondelete} {disabled}>{"Delete"}</button>
                }
            </form>
            if let Some(error) = &*error { <ErrorBanner error={error.clone()} /> }
        </li>
    }
}

enum Action {
    Set(SetCredential),
    Delete(DeleteCredential),
}
