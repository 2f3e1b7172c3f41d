//! Settings: appearance, who "me" is, credentials, configuration, and what this
//! installation is made of.

mod configuration;
mod credentials;
mod local_sources;
mod team_backend;

use backlot_model::ipc::{GetAppInfo, Preferences, ThemePreference};
use backlot_plugin_api::components::{Card, ErrorBanner, Spinner};
use backlot_plugin_api::routing::RouteMatch;
use backlot_plugin_api::{Icon, Plugin, use_command, use_shell};
use web_sys::HtmlInputElement;
use yew::prelude::*;

pub fn plugin() -> Plugin {
    Plugin::new("settings", "Settings", Icon::Settings)
        .nav("Settings", "/settings", 1000)
        .route("/settings", |_: &RouteMatch| html! { <SettingsPage /> })
}

#[component(SettingsPage)]
fn settings_page() -> Html {
    html! {
        <div class="page settings">
            <Appearance />
            <Identity />
            <team_backend::TeamBackendCard />
            <local_sources::LocalSourcesCard />
            <credentials::CredentialsCard />
            <configuration::ConfigurationCard />
            <About />
        </div>
    }
}

#[component(Appearance)]
fn appearance() -> Html {
    let shell = use_shell();
    let current = shell.preferences.theme;
    let choice = |theme: ThemePreference, label: &'static str| {
        let shell = shell.clone();
        let onclick = Callback::from(move |_| {
            shell.set_preferences.emit(Preferences {
                theme,
                ..shell.preferences.clone()
            });
        });
        html! {
            <button type="button" class={classes!("segment", (current == theme).then_some("selected"))}
                    aria-pressed={(current == theme).to_string()} data-theme-choice={label.to_lowercase()} {onclick}>
                {label}
            </button>
        }
    };
    html! {
        <Card title="Appearance">
            <div class="field">
                <span class="field-label">{"Theme"}</span>
                <div class="segmented" role="group" aria-label="Theme">
                    { choice(ThemePreference::System, "System") }
                    { choice(ThemePreference::Light, "Light") }
                    { choice(ThemePreference::Dark, "Dark") }
                </div>
                <p class="field-help">{"System follows your desktop's light or dark setting."}</p>
            </div>
        </Card>
    }
}

#[component(Identity)]
fn identity() -> Html {
    let shell = use_shell();
    let input = use_node_ref();
    let saved = shell
        .preferences
        .user_entity_ref
        .clone()
        .unwrap_or_default();
    let onsubmit = {
        let shell = shell.clone();
        let input = input.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(field) = input.cast::<HtmlInputElement>() else {
                return;
            };
            let value = field.value().trim().to_string();
            shell.set_preferences.emit(Preferences {
                user_entity_ref: (!value.is_empty()).then_some(value),
                ..shell.preferences.clone()
            });
        })
    };
    html! {
        <Card title="You">
            <form class="field" {onsubmit}>
                <label class="field-label" for="user-entity-ref">{"Your user entity"}</label>
                <div class="field-row">
                    <input id="user-entity-ref" ref={input} type="text" placeholder="user:default/your-name"
                           value={saved} spellcheck="false" autocomplete="off" />
                    <button type="submit" class="button">{"Save"}</button>
                </div>
                if let Some(user) = &shell.preferences.signed_in_as {
                    <p class="field-help" data-testid="signed-in-as">
                        {"Signed in to the team backend as "}<strong>{user.clone()}</strong>
                        {": “owned by me” means this user and their groups. The entity above is used when you are not signed in."}
                    </p>
                } else {
                    <p class="field-help">{"Used for “owned by me” filters: entities owned by you or your groups. Signing in to the team backend sets it for you."}</p>
                }
            </form>
        </Card>
    }
}

#[component(About)]
fn about() -> Html {
    let info = use_command((), |_| GetAppInfo {});
    let body = match info.result() {
        None => html! { <Spinner /> },
        Some(Err(error)) => html! { <ErrorBanner error={error.clone()} /> },
        Some(Ok(info)) => {
            let store = &info.store;
            html! {
                <dl class="facts">
                    <dt>{"Version"}</dt><dd data-testid="app-version">{&info.version}</dd>
                    <dt>{"Platform"}</dt><dd>{&info.platform}</dd>
                    <dt>{"Data folder"}</dt><dd><code data-testid="data-dir">{&info.data_dir}</code></dd>
                    <dt>{"Catalog store"}</dt><dd><code>{&store.path}</code></dd>
                    <dt>{"Store status"}</dt>
                    <dd data-testid="store-status">
                        if store.ok {
                            <span class="badge badge-ok">{"OK"}</span>
                            {format!(" schema v{} · {} entities · {}", store.schema_version, store.entity_count, human_size(store.size_bytes))}
                        } else {
                            <span class="badge badge-error">{"Unavailable"}</span>
                            {" "}{store.error.clone().unwrap_or_default()}
                        }
                    </dd>
                </dl>
            }
        }
    };
    html! { <Card title="About Backlot">{body}</Card> }
}

fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KB", "MB", "GB"];
    let mut size = bytes as f64;
    let mut unit = 0;
    while size >= 1024.0 && unit < UNITS.len() - 1 {
        size /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{size:.1} {}", UNITS[unit])
    }
}
