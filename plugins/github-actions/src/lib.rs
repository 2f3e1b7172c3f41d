//! The GitHub Actions plugin: a "CI" tab on the page of every entity annotated with
//! `github.com/project-slug`, showing the repository's workflow runs (filter by branch,
//! load more), a run's jobs and steps, and a Re-run button.
//!
//! Every GitHub call is a `proxy` command through the `/github` endpoint: the webview has
//! no network, and the token (`${secret:github-token}`, from the keychain) is added by the
//! Rust side — it never reaches this code. Requests, GitHub's response shapes, paging and
//! error classification live in `backlot-github-actions-common`.

mod ci_tab;
mod run_detail;
mod runs;
mod view;

use backlot_github_actions_common::{
    ANNOTATION, DEFAULT_ENDPOINT_ROUTE, DEFAULT_TARGET, TOKEN_SECRET, slug_applies,
};
use backlot_plugin_api::{EntityContext, EntityTab, Icon, Plugin, ProxyEndpointNeed, SecretNeed};
use yew::prelude::*;

pub use ci_tab::CiTab;

/// The CI tab's id (`?tab=ci` on the entity page).
pub const TAB_ID: &str = "ci";

pub fn plugin() -> Plugin {
    Plugin::new("github-actions", "GitHub Actions", Icon::Ci)
        .entity_tab(EntityTab { id: TAB_ID, title: "CI", applies_to, render })
        .proxy_endpoint(ProxyEndpointNeed {
            path: DEFAULT_ENDPOINT_ROUTE,
            default_target: Some(DEFAULT_TARGET),
            description: "GitHub's REST API: workflow runs, jobs, re-runs",
        })
        .secret(SecretNeed {
            name: TOKEN_SECRET,
            description: "A GitHub token that can read the repository's Actions (write access to re-run)",
        })
}

/// Only entities that name their GitHub repository get the tab.
pub fn applies_to(entity: &EntityContext) -> bool {
    slug_applies(entity.annotation(ANNOTATION))
}

fn render(entity: &EntityContext) -> Html {
    let slug = entity
        .annotation(ANNOTATION)
        .unwrap_or_default()
        .to_string();
    html! { <CiTab {slug} /> }
}
