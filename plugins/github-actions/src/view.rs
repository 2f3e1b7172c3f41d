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
    secs.map(backlot_github_actions_common::time::format_duration).unwrap_or_else(|| "—".into())
}

/// A link to GitHub's web page. The window cannot open a browser by itself (no opener
/// plugin), so the address is also shown, selectable, to copy.
pub(crate) fn external(href: &str, label: &str) -> Html {
    html! {
        <span class="gha-external">
            <a href={href.to_string()} target="_blank" rel="noopener noreferrer" title={href.to_string()}>{label}{" ↗"}</a>
            <code class="gha-url" data-testid="external-url">{href}</code>
        </span>
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
