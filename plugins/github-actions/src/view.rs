//! Small pieces the CI tab's views share: the clock, status badges, links out, errors.

use backlot_github_actions_common::{GithubError, RunState};
use backlot_plugin_api::{Icon, IconView, Link};
use yew::prelude::*;

/// Now, in Unix seconds, from the browser's clock.
pub(crate) fn now() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}

/// The local time zone, in minutes east of UTC.
pub(crate) fn tz_offset_minutes() -> i32 {
    -(js_sys::Date::new_0().get_timezone_offset() as i32)
}

pub(crate) fn badge(state: RunState) -> Html {
    html! {
        <span class={classes!("badge", "gha-status", format!("gha-status-{}", state.class()))} data-state={state.class()}>
            {state.label()}
        </span>
    }
}

pub(crate) fn duration(secs: Option<i64>) -> String {
    secs.map(backlot_github_actions_common::time::format_duration)
        .unwrap_or_else(|| "—".into())
}

/// A link to GitHub's web page: opened in the user's browser by the Rust side (the window
/// itself must not navigate away), with the address shown selectable and a copy button.
pub(crate) fn external(href: &str, label: &str) -> Html {
    html! { <ExternalLink href={href.to_string()} label={label.to_string()} /> }
}

#[derive(Properties, PartialEq)]
pub(crate) struct ExternalLinkProps {
    pub href: AttrValue,
    pub label: AttrValue,
}

#[component(ExternalLink)]
pub(crate) fn external_link(props: &ExternalLinkProps) -> Html {
    let copied = use_state(|| None::<bool>);
    let url = use_node_ref();
    let onclick = {
        let (copied, url, href) = (copied.clone(), url.clone(), props.href.to_string());
        Callback::from(move |_: MouseEvent| {
            let (copied, url, href) = (copied.clone(), url.clone(), href.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let ok = copy_text(&href).await;
                if !ok {
                    select_contents(&url);
                }
                copied.set(Some(ok));
            });
        })
    };
    html! {
        <span class="gha-external">
            <backlot_plugin_api::components::ExternalLink href={props.href.clone()}>{&props.label}{" ↗"}</backlot_plugin_api::components::ExternalLink>
            <code class="gha-url" data-testid="external-url" ref={url}>{&props.href}</code>
            <button type="button" class="gha-link-button" data-action="copy-link" {onclick}>
                { match *copied { Some(true) => "Copied", Some(false) => "Press Ctrl+C to copy", None => "Copy link" } }
            </button>
        </span>
    }
}

/// Writes `text` to the clipboard (`navigator.clipboard.writeText`); false where the
/// webview does not allow it.
async fn copy_text(text: &str) -> bool {
    use wasm_bindgen::JsCast;
    let Some(window) = web_sys::window() else {
        return false;
    };
    let Ok(clipboard) = js_sys::Reflect::get(&window.navigator(), &"clipboard".into()) else {
        return false;
    };
    let Ok(write) = js_sys::Reflect::get(&clipboard, &"writeText".into()) else {
        return false;
    };
    let Some(write) = write.dyn_ref::<js_sys::Function>() else {
        return false;
    };
    let Ok(promise) = write.call1(&clipboard, &text.into()) else {
        return false;
    };
    let Ok(promise) = promise.dyn_into::<js_sys::Promise>() else {
        return false;
    };
    wasm_bindgen_futures::JsFuture::from(promise).await.is_ok()
}

/// Selects the element's text, so the user can copy it with the keyboard.
fn select_contents(node: &NodeRef) {
    let (Some(element), Some(window)) = (node.get(), web_sys::window()) else {
        return;
    };
    let (Some(document), Ok(Some(selection))) = (window.document(), window.get_selection()) else {
        return;
    };
    if let Ok(range) = document.create_range() {
        let _ = range.select_node_contents(&element);
        let _ = selection.remove_all_ranges();
        let _ = selection.add_range(&range);
    }
}

#[derive(Properties, PartialEq)]
pub(crate) struct ErrorViewProps {
    pub error: GithubError,
    #[prop_or_default]
    pub on_retry: Option<Callback<()>>,
}

/// What went wrong and what to do, with a way to Settings → Credentials when that is
/// where the fix is, and a retry.
#[component(ErrorView)]
pub(crate) fn error_view(props: &ErrorViewProps) -> Html {
    let error = &props.error;
    html! {
        <div class="banner banner-error gha-error" role="alert" data-error={error.code()}>
            <IconView icon={Icon::Warning} />
            <span class="banner-message" data-testid="gha-error-message">{error.message(tz_offset_minutes())}</span>
            if error.fix_in_credentials() {
                <Link to="/settings" class="button button-secondary gha-fix">{"Open Settings → Credentials"}</Link>
            }
            if let Some(retry) = &props.on_retry {
                <button type="button" class="button button-secondary" data-action="retry"
                        onclick={retry.reform(|_: MouseEvent| ())}>{"Retry"}</button>
            }
        </div>
    }
}
