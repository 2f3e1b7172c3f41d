//! The root component: the plugin registry, the router, the shell context and the frame.

use std::rc::Rc;

use backlot_model::ipc::GetOnboarding;
use backlot_model::ipc::{
    GetPreferences, GetUiState, Preferences, SetPreferences, SetUiState, UiReady,
};
use backlot_plugin_api::routing::{parse_query, split_location};
use backlot_plugin_api::{BackendHandle, PluginRegistry, ShellContext};
use yew::platform::spawn_local;
use yew::prelude::*;
use yew_router::history::{AnyHistory, BrowserHistory, History};
use yew_router::prelude::*;

use crate::header::Header;
use crate::panes::Panes;
use crate::sidebar::Sidebar;

#[derive(Properties, Clone, PartialEq)]
pub struct AppProps {
    pub backend: BackendHandle,
    /// The history to route with; the browser's when `None`. Tests pass a memory history.
    #[prop_or_default]
    pub history: Option<AnyHistory>,
}

#[component(App)]
pub fn app(props: &AppProps) -> Html {
    let registry = use_memo((), |_| PluginRegistry::new(crate::plugins()).map(Rc::new));
    let history = use_memo((), {
        let history = props.history.clone();
        move |_| history.unwrap_or_else(|| AnyHistory::from(BrowserHistory::new()))
    });
    match &*registry {
        Err(error) => html! {
            <div class="fatal" role="alert">
                <h1>{"Backlot cannot start"}</h1>
                <p>{format!("A plugin is misconfigured: {error}.")}</p>
            </div>
        },
        Ok(registry) => html! {
            <Router history={(*history).clone()}>
                <Shell registry={registry.clone()} backend={props.backend.clone()} history={(*history).clone()} />
            </Router>
        },
    }
}

#[derive(Properties, Clone)]
struct ShellProps {
    registry: Rc<PluginRegistry>,
    backend: BackendHandle,
    history: AnyHistory,
}

impl PartialEq for ShellProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.registry, &other.registry) && self.backend == other.backend
    }
}

/// The query key that carries a location's `#anchor` through the history, which keeps no
/// fragments (gloo's histories refuse them): `/docs/x?page=a.md#b` is stored as
/// `/docs/x?page=a.md&_hash=b` and read back as it was.
const HASH_KEY: &str = "_hash";

/// `location`'s path and its query pairs, the anchor among them.
fn history_parts(location: &str) -> (&str, Vec<(String, String)>) {
    let (path, query) = split_location(location);
    let mut pairs: Vec<(String, String)> = parse_query(query).into_iter().collect();
    if let Some((_, hash)) = location.split_once('#')
        && !hash.is_empty()
    {
        pairs.push((
            HASH_KEY.to_string(),
            backlot_text::percent::decode_query(hash),
        ));
    }
    (path, pairs)
}

/// Pushes `location` (`/path?a=b#c`) onto the history. The query goes through the history's
/// query API: a memory history refuses a `?` in the path.
pub fn navigate_to(history: &AnyHistory, location: &str) {
    let (path, pairs) = history_parts(location);
    if pairs.is_empty() || history.push_with_query(path.to_string(), pairs).is_err() {
        history.push(path.to_string());
    }
}

/// Replaces the current location with `location` (no new history entry).
pub fn replace_with(history: &AnyHistory, location: &str) {
    let (path, pairs) = history_parts(location);
    if pairs.is_empty() || history.replace_with_query(path.to_string(), pairs).is_err() {
        history.replace(path.to_string());
    }
}

/// `path` and a history query string back into `path?query#anchor`.
fn with_anchor(path: &str, query: &str) -> String {
    let query = query.trim_start_matches('?');
    let mut anchor = None;
    let kept: Vec<&str> = query
        .split('&')
        .filter(|part| match part.strip_prefix("_hash=") {
            Some(value) => {
                anchor = Some(value);
                false
            }
            None => !part.is_empty(),
        })
        .collect();
    let mut out = path.to_string();
    if !kept.is_empty() {
        out.push('?');
        out.push_str(&kept.join("&"));
    }
    if let Some(anchor) = anchor.filter(|a| !a.is_empty()) {
        out.push('#');
        out.push_str(anchor);
    }
    out
}

#[hook]
fn use_current_location() -> String {
    match use_location() {
        Some(location) => with_anchor(location.path(), location.query_str()),
        None => "/".to_string(),
    }
}

/// Where the user was when the app last closed, under this UI state key.
const LAST_LOCATION: &str = "last-location";
const LAST_LOCATION_DELAY_MS: u32 = 400;

/// Reopening the app returns to the last location (with its filters and search); every
/// location after that is remembered. Starting anywhere but Home (a link, a test) wins.
#[hook]
fn use_last_location(backend: &BackendHandle, history: &AnyHistory, location: &str) {
    let restored = use_state(|| false);
    {
        let (backend, history, restored) = (backend.clone(), history.clone(), restored.clone());
        let started_at = location.to_string();
        use_effect_with((), move |_| {
            spawn_local(async move {
                if started_at == "/"
                    && let Ok(Some(last)) = backend
                        .call(GetUiState {
                            key: LAST_LOCATION.into(),
                        })
                        .await
                    && last.starts_with('/')
                    && last != "/"
                {
                    replace_with(&history, &last);
                }
                restored.set(true);
            });
        });
    }
    // Saved once the location has settled (typing in a search box replaces it per keystroke).
    let backend = backend.clone();
    use_effect_with(
        (location.to_string(), *restored),
        move |(location, restored)| {
            let pending = restored.then(|| {
                let value = location.clone();
                gloo_timers::callback::Timeout::new(LAST_LOCATION_DELAY_MS, move || {
                    spawn_local(async move {
                        let _ = backend
                            .call(SetUiState {
                                key: LAST_LOCATION.into(),
                                value,
                            })
                            .await;
                    });
                })
            });
            // A newer location cancels the pending save.
            move || drop(pending)
        },
    );
}

/// A data folder that was never set up (empty catalog, no first-run path completed) opens
/// on the welcome page. Starting anywhere but Home (a link, a restored location) wins.
#[hook]
fn use_first_run(backend: &BackendHandle, history: &AnyHistory, location: &str) {
    let (backend, history) = (backend.clone(), history.clone());
    let started_at = location.to_string();
    use_effect_with((), move |_| {
        spawn_local(async move {
            if started_at == "/"
                && let Ok(state) = backend.call(GetOnboarding {}).await
                && state.needed
                && history.location().path() == "/"
            {
                history.replace(crate::pages::welcome::PATH);
            }
        });
    });
}

#[component(Shell)]
fn shell(props: &ShellProps) -> Html {
    let location = use_current_location();
    let preferences = use_state(Preferences::default);

    {
        let backend = props.backend.clone();
        let preferences = preferences.clone();
        use_effect_with((), move |_| {
            spawn_local(async move {
                // The frame is on screen by now: tell the Rust side (start-up timing).
                let since_page_start_ms = web_sys::window()
                    .and_then(|w| w.performance())
                    .map(|p| p.now())
                    .unwrap_or_default();
                let _ = backend
                    .call(UiReady {
                        since_page_start_ms,
                    })
                    .await;
                if let Ok(saved) = backend.call(GetPreferences {}).await {
                    preferences.set(saved);
                }
            });
        });
    }
    crate::theme::use_theme(preferences.theme);
    use_last_location(&props.backend, &props.history, &location);
    use_first_run(&props.backend, &props.history, &location);

    // Stable callbacks and memoized lists keep the context equal between renders, so
    // plugin pages (hidden ones included) do not re-render on every navigation.
    let set_preferences = {
        let setter = preferences.setter();
        use_callback(
            props.backend.clone(),
            move |wanted: Preferences, backend| {
                setter.set(wanted.clone());
                let (backend, setter) = (backend.clone(), setter.clone());
                spawn_local(async move {
                    if let Ok(saved) = backend
                        .call(SetPreferences {
                            preferences: wanted,
                        })
                        .await
                    {
                        setter.set(saved);
                    }
                });
            },
        )
    };
    let navigate = {
        let history = props.history.clone();
        use_callback((), move |to: String, _| navigate_to(&history, &to))
    };

    let replace = {
        let history = props.history.clone();
        use_callback((), move |to: String, _| replace_with(&history, &to))
    };

    let catalog_version = use_state(|| 0u64);
    let catalog_changed = {
        let setter = catalog_version.setter();
        use_callback(*catalog_version, move |_: (), version| {
            setter.set(*version + 1)
        })
    };
    let entity_tabs = use_memo((), {
        let registry = props.registry.clone();
        move |_| registry.entity_tabs()
    });
    let entity_cards = use_memo((), {
        let registry = props.registry.clone();
        move |_| registry.entity_cards()
    });
    let context = ShellContext {
        backend: props.backend.clone(),
        preferences: (*preferences).clone(),
        set_preferences,
        navigate: navigate.clone(),
        replace,
        catalog_version: *catalog_version,
        catalog_changed,
        entity_tabs,
        entity_cards,
    };

    let resolved = props.registry.resolve(&location);
    let active_plugin = resolved
        .as_ref()
        .map(|r| &props.registry.plugins()[r.plugin]);
    let title = active_plugin.map(|p| p.title).unwrap_or("Not found");
    {
        let title = title.to_string();
        use_effect_with(title, |title| {
            if let Some(document) = web_sys::window().and_then(|w| w.document()) {
                document.set_title(&format!("{title} · Backlot"));
            }
        });
    }

    html! {
        <ContextProvider<ShellContext> {context}>
            <div class="app">
                <Sidebar registry={props.registry.clone()} active={active_plugin.map(|p| p.id)} navigate={navigate.clone()} location={location.clone()} />
                <div class="main">
                    <Header title={title} search_path={props.registry.global_search_path()} navigate={navigate} />
                    <Panes registry={props.registry.clone()} resolved={resolved} />
                </div>
            </div>
            <crate::palette::CommandPalette registry={props.registry.clone()} />
        </ContextProvider<ShellContext>>
    }
}
