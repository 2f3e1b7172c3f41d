//! The first-run page (`/welcome`): three ways to a populated catalog — the bundled demo,
//! a local folder of `catalog-info.yaml` files, or the team's Backstage backend. Each ends
//! on the catalog page with the entities in it. The shell opens this page on start while
//! the catalog is empty and no path was completed; it has no sidebar entry.
//!
//! The page holds which path is running (one at a time) and how the last attempt ended;
//! each path is a card of its own: [`paths`] (demo, folder) and [`team`].

mod paths;
mod team;

use backlot_model::ApiError;
use backlot_model::ipc::{CompleteOnboarding, SyncProgress};
use backlot_plugin_api::components::ErrorBanner;
use backlot_plugin_api::routing::RouteMatch;
use backlot_plugin_api::{Icon, Plugin, use_command_callback, use_shell};
use yew::prelude::*;

use paths::{DemoPath, FolderPath};
use team::TeamPath;

pub const PATH: &str = "/welcome";

pub fn plugin() -> Plugin {
    Plugin::new("welcome", "Welcome", Icon::Home)
        .route(PATH, |_: &RouteMatch| html! { <WelcomePage /> })
}

/// Which path is running, or how the last attempt ended.
#[derive(Clone, PartialEq)]
pub enum Status {
    Idle,
    Working(&'static str),
    /// The team path's sign-in waits for the browser (the address, to open by hand).
    SigningIn(String),
    Syncing(Option<SyncProgress>),
    Failed(&'static str, ApiError),
}

impl Status {
    /// Whether a path is running (the others wait).
    pub fn busy(&self) -> bool {
        matches!(
            self,
            Status::Working(_) | Status::SigningIn(_) | Status::Syncing(_)
        )
    }

    /// Whether `path` is the one running.
    pub fn working(&self, path: &str) -> bool {
        matches!(self, Status::Working(p) if *p == path)
    }

    /// The error banner of `path`, when its last attempt failed.
    pub fn error_for(&self, path: &'static str) -> Html {
        match self {
            Status::Failed(failed, error) if *failed == path => html! {
                <div data-testid={format!("{path}-error")}><ErrorBanner error={error.clone()} /></div>
            },
            _ => html! {},
        }
    }
}

/// What every path card gets: the page's status, a way to change it, and what to call
/// when the catalog is in.
#[derive(Properties, PartialEq)]
pub struct PathProps {
    pub status: Status,
    pub on_status: Callback<Status>,
    pub on_done: Callback<()>,
}

#[component(WelcomePage)]
fn welcome_page() -> Html {
    let shell = use_shell();
    let status = use_state(|| Status::Idle);
    let on_status = {
        let status = status.clone();
        Callback::from(move |next: Status| status.set(next))
    };
    // Every path ends the same way: the catalog pages re-load, and the catalog opens.
    let on_done = {
        let (changed, navigate) = (shell.catalog_changed.clone(), shell.navigate.clone());
        Callback::from(move |()| {
            changed.emit(());
            navigate.emit("/catalog".to_string());
        })
    };
    let skip =
        use_command_callback::<CompleteOnboarding>(shell.navigate.reform(|_| "/".to_string()));

    html! {
        <div class="page welcome" data-testid="welcome">
            <section class="welcome-hero">
                <h2>{"Welcome to Backlot"}</h2>
                <p>{"Backlot shows your software catalog — services, APIs, systems, resources and the teams that own them — on your desktop, offline. Choose where the catalog comes from; you can add the other sources later in Settings."}</p>
            </section>
            <div class="welcome-paths">
                <DemoPath status={(*status).clone()} on_status={on_status.clone()} on_done={on_done.clone()} />
                <FolderPath status={(*status).clone()} on_status={on_status.clone()} on_done={on_done.clone()} />
                <TeamPath status={(*status).clone()} {on_status} {on_done} />
            </div>
            <p class="welcome-skip">
                <button type="button" class="button button-secondary" data-action="skip"
                        onclick={skip.reform(|_| CompleteOnboarding {})} disabled={status.busy()}>
                    {"Skip for now"}
                </button>
            </p>
        </div>
    }
}
