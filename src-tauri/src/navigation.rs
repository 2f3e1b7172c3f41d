//! The window never leaves the app. The webview may load the app's own pages (the origin
//! the UI is served from: `tauri://localhost` on Linux and macOS, `http(s)://tauri.localhost`
//! on Windows, and the dev server's origin in a dev build); any other navigation of the
//! main frame — a plain link a page forgot to handle, a redirect, a `file:` or `data:`
//! address — is refused, and so is every request for a new window (Ctrl/middle-click on a
//! link, `target="_blank"`, `window.open`). Pages open web addresses in the user's browser
//! through the `open_external` command instead; nothing is opened from here, as a
//! navigation the UI did not ask for is not something the user chose to open.

use tauri::webview::{NewWindowFeatures, NewWindowResponse};
use tauri::{Runtime, Url};

/// The origins the app's own UI is served from: (scheme, host), on the default port.
const APP_ORIGINS: [(&str, &str); 3] = [
    ("tauri", "localhost"),
    ("http", "tauri.localhost"),
    ("https", "tauri.localhost"),
];

/// Whether `url` is one of the app's own pages: the window may go there. `dev_url` is the
/// dev server (`build.devUrl`) when this is a dev build, whose origin is allowed too.
pub fn is_app_url(url: &Url, dev_url: Option<&Url>) -> bool {
    // Credentials in an address are never the app's (and `tauri://localhost@host` is host's).
    if !url.username().is_empty() || url.password().is_some() {
        return false;
    }
    let Some(host) = url.host_str() else {
        return false;
    };
    let own = APP_ORIGINS.iter().any(|(scheme, app_host)| {
        url.scheme() == *scheme && host.eq_ignore_ascii_case(app_host) && url.port().is_none()
    });
    own || dev_url.is_some_and(|dev| same_origin(url, dev))
}

fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme()
        && matches!((a.host_str(), b.host_str()), (Some(x), Some(y)) if x.eq_ignore_ascii_case(y))
        && a.port_or_known_default() == b.port_or_known_default()
}

/// What the log says about a refused address: at most 200 characters of it (a `data:`
/// address can be megabytes).
pub fn shown(url: &Url) -> String {
    const MAX: usize = 200;
    let text = url.as_str();
    match text.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

/// The navigation handler of the main window: the app's own pages only.
pub fn guard(dev_url: Option<Url>) -> impl Fn(&Url) -> bool + Send + 'static {
    move |url: &Url| {
        let allowed = is_app_url(url, dev_url.as_ref());
        if !allowed {
            eprintln!(
                "backlot: the window stays on the app; navigation to {} refused",
                shown(url)
            );
        }
        allowed
    }
}

/// The new-window handler of the main window: no window is ever opened (on Windows the
/// webview would otherwise open a popup of its own, outside these rules).
pub fn refuse_new_window<R: Runtime>(
    url: Url,
    _features: NewWindowFeatures,
) -> NewWindowResponse<R> {
    eprintln!(
        "backlot: the app opens no other window; request for {} refused",
        shown(&url)
    );
    NewWindowResponse::Deny
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn the_app_origins_are_allowed() {
        for ok in [
            "tauri://localhost",
            "tauri://localhost/",
            "tauri://localhost/index.html",
            "tauri://localhost/catalog?kind=api#top",
            "http://tauri.localhost/",
            "https://tauri.localhost/docs/default/component/x?page=a.md",
            "http://TAURI.localhost/",
            "http://tauri.localhost:80/",
        ] {
            assert!(is_app_url(&url(ok), None), "{ok}");
        }
    }

    #[test]
    fn everything_else_is_refused() {
        for bad in [
            "https://example.com/",
            "http://localhost/",
            "http://127.0.0.1:1420/",
            "http://tauri.localhost:8080/",
            "https://tauri.localhost.evil.example/",
            "http://evil.example/?tauri.localhost",
            "tauri://localhost@evil.example/",
            "http://tauri.localhost@evil.example/",
            "http://user:pw@tauri.localhost/",
            "tauri://localhost:1/",
            "tauri://other/",
            "asset://localhost/etc/passwd",
            "file:///etc/passwd",
            "file://tauri.localhost/x",
            "data:text/html,<h1>hi</h1>",
            "javascript:alert(1)",
            "about:blank",
            "blob:tauri://localhost/1234",
            "ftp://tauri.localhost/",
            "ws://tauri.localhost/",
        ] {
            assert!(!is_app_url(&url(bad), None), "{bad}");
        }
    }

    #[test]
    fn the_dev_server_only_when_given() {
        let dev = url("http://127.0.0.1:1420");
        assert!(is_app_url(
            &url("http://127.0.0.1:1420/catalog"),
            Some(&dev)
        ));
        assert!(!is_app_url(&url("http://127.0.0.1:1420/catalog"), None));
        for bad in [
            "http://127.0.0.1:1421/",
            "https://127.0.0.1:1420/",
            "http://127.0.0.2:1420/",
            "http://localhost:1420/",
            "https://example.com/",
        ] {
            assert!(!is_app_url(&url(bad), Some(&dev)), "{bad}");
        }
        // A dev server on the default port: `:80` is the same origin.
        let dev = url("http://localhost/");
        assert!(is_app_url(&url("http://localhost:80/x"), Some(&dev)));
        assert!(!is_app_url(&url("http://localhost:8080/x"), Some(&dev)));
    }

    #[test]
    fn the_guard_refuses_and_logs_briefly() {
        let guard = guard(None);
        assert!(guard(&url("tauri://localhost/catalog")));
        assert!(!guard(&url("https://example.com/")));
        let huge = url(&format!("data:text/plain,{}", "x".repeat(1_000_000)));
        assert!(!guard(&huge));
        let text = shown(&huge);
        assert_eq!(text.chars().count(), 201, "{text}");
        assert!(text.ends_with('…'));
        assert_eq!(
            shown(&url("https://example.com/a")),
            "https://example.com/a"
        );
    }
}
