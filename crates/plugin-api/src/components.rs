//! Small building blocks shared by plugin pages, styled by the shell's stylesheet.

use backlot_model::ApiError;
use yew::prelude::*;

use crate::icons::{Icon, IconView};

#[derive(Properties, PartialEq)]
pub struct CardProps {
    #[prop_or_default]
    pub title: Option<AttrValue>,
    #[prop_or_default]
    pub class: Classes,
    #[prop_or_default]
    pub children: Html,
}

#[component(Card)]
pub fn card(props: &CardProps) -> Html {
    html! {
        <section class={classes!("card", props.class.clone())}>
            if let Some(title) = &props.title { <h2 class="card-title">{title}</h2> }
            <div class="card-body">{props.children.clone()}</div>
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct EmptyStateProps {
    pub title: AttrValue,
    #[prop_or_default]
    pub message: Option<AttrValue>,
    #[prop_or(Icon::Info)]
    pub icon: Icon,
    /// Actions (buttons, links) that tell the user what to do next.
    #[prop_or_default]
    pub children: Html,
}

#[component(EmptyState)]
pub fn empty_state(props: &EmptyStateProps) -> Html {
    html! {
        <div class="empty-state">
            <IconView icon={props.icon} size={40} />
            <h3>{&props.title}</h3>
            if let Some(message) = &props.message { <p>{message}</p> }
            <div class="empty-state-actions">{props.children.clone()}</div>
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct ErrorBannerProps {
    pub error: ApiError,
}

/// A failure as the user should see it: what went wrong, with the code for bug reports.
#[component(ErrorBanner)]
pub fn error_banner(props: &ErrorBannerProps) -> Html {
    html! {
        <div class="banner banner-error" role="alert">
            <IconView icon={Icon::Warning} />
            <span class="banner-message">{&props.error.message}</span>
            <code class="banner-code">{props.error.code.as_str()}</code>
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct ExternalLinkProps {
    pub href: AttrValue,
    #[prop_or_default]
    pub class: Classes,
    #[prop_or_default]
    pub children: Html,
}

/// A link to a web page outside Backlot: opened in the user's browser through the Rust side
/// (the webview itself must not navigate away from the app).
#[component(ExternalLink)]
pub fn external_link(props: &ExternalLinkProps) -> Html {
    let open = crate::use_command_callback::<backlot_model::ipc::OpenExternal>(Callback::noop());
    let onclick = {
        let href = props.href.to_string();
        Callback::from(move |e: MouseEvent| {
            e.prevent_default();
            open.emit(backlot_model::ipc::OpenExternal { url: href.clone() });
        })
    };
    html! {
        <a href={props.href.clone()} class={classes!("external-link", props.class.clone())} rel="noreferrer" {onclick}
           title={format!("Open {} in your browser", props.href)}>{props.children.clone()}</a>
    }
}

#[component(Spinner)]
pub fn spinner() -> Html {
    html! { <div class="spinner" role="progressbar" aria-label="Loading"></div> }
}

/// A kind as Backstage writes it (`api` → `API`, `component` → `Component`); unknown kinds
/// are shown as given.
pub fn kind_label(kind: &str) -> &str {
    backlot_model::entity::Kind::from_name_ignore_case(kind).map_or(kind, |k| k.as_str())
}

#[cfg(test)]
mod tests {
    #[test]
    fn kind_labels_follow_backstage_spelling() {
        assert_eq!(super::kind_label("api"), "API");
        assert_eq!(super::kind_label("COMPONENT"), "Component");
        assert_eq!(super::kind_label("AiResource"), "AiResource");
    }
}
