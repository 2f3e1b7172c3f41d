//! Request paths: refusing traversal and host-changing tricks, finding the endpoint, and
//! mapping `/<route>/<rest>` to the target URL the way Backstage's proxy does.

use percent_encoding::percent_decode_str;
use regex::Regex;
use url::Url;

use crate::error::ProxyError;

/// Backstage's proxy is mounted at `/api/proxy`; `pathRewrite` rules see that prefix.
pub(crate) const MOUNT: &str = "/api/proxy";

/// Split a request path into (path, query-with-`?`).
pub(crate) fn split_query(path: &str) -> (&str, &str) {
    match path.find('?') {
        Some(i) => (&path[..i], &path[i..]),
        None => (path, ""),
    }
}

/// Checks a caller's path (`/<route>/<rest>[?query]`) before anything else happens.
pub(crate) fn validate(path: &str) -> Result<(), ProxyError> {
    if !path.starts_with('/') {
        return Err(if path.contains("://") || path.starts_with("//") {
            ProxyError::HostChange
        } else {
            ProxyError::InvalidPath {
                reason: "the path must start with `/`",
            }
        });
    }
    if path.starts_with("//") {
        return Err(ProxyError::HostChange);
    }
    if path
        .bytes()
        .any(|b| b.is_ascii_control() || b == b' ' || b >= 0x80)
    {
        return Err(ProxyError::InvalidPath {
            reason: "control characters, spaces and raw non-ASCII bytes must be percent-encoded",
        });
    }
    if path.contains('#') {
        return Err(ProxyError::InvalidPath {
            reason: "fragments are not sent to servers",
        });
    }
    let (path_only, _) = split_query(path);
    if decoded_forms(path_only).is_none() {
        return Err(ProxyError::InvalidPath {
            reason: "the path is percent-encoded more than 8 times over",
        });
    }
    if has_traversal(path_only) {
        return Err(ProxyError::PathTraversal);
    }
    if has_backslash(path_only) {
        return Err(ProxyError::InvalidPath {
            reason: "backslashes are not allowed",
        });
    }
    Ok(())
}

/// Percent-decoding rounds after which a path must have settled.
const MAX_DECODES: usize = 8;

/// The path and its percent-decoded forms, decoded again until nothing changes (catches
/// `%252e%252e` and deeper). `None` when it still changes after [`MAX_DECODES`] rounds:
/// nothing legitimate is encoded that deep, and what it hides cannot be known within a
/// bounded cost, so callers treat it as hostile.
fn decoded_forms(path: &str) -> Option<Vec<String>> {
    let mut forms = vec![path.to_owned()];
    for _ in 0..=MAX_DECODES {
        let last = forms.last()?;
        let next = percent_decode_str(last).decode_utf8_lossy().into_owned();
        if &next == last {
            return Some(forms);
        }
        forms.push(next);
    }
    None
}

/// A backslash in the path or any decoding of it (or a path too deeply encoded to tell).
fn has_backslash(path: &str) -> bool {
    decoded_forms(path).is_none_or(|forms| forms.iter().any(|d| d.contains('\\')))
}

/// `..` as a path segment in any encoding: `..`, `%2e%2e`, `.%2E`, `..%2f`, `..\`,
/// double-encoded forms, and `..` carrying path parameters (`..;`, `..;jsessionid=x`,
/// `%2e%2e;`, `..%3b`), which Tomcat and Jetty strip before resolving the segment. A path
/// still changing after [`MAX_DECODES`] decodings counts as traversal: it may hide one.
pub(crate) fn has_traversal(path: &str) -> bool {
    decoded_forms(path).is_none_or(|forms| {
        forms.iter().any(|form| {
            form.split(['/', '\\'])
                .any(|seg| seg.split(';').next() == Some(".."))
        })
    })
}

/// Whether a redirect to `next` stays with the endpoint whose target is `target`, that is
/// goes where the endpoint itself could send a request: the same origin and user info, a
/// path under the target's path as [`upstream_url`] builds them (`/repos/x/…` for a target
/// `/repos/x`: not `/repos/x` itself, not `/repos/xy`), and no traversal or backslash in
/// any encoding. Anything else is not followed.
pub(crate) fn within_target(target: &Url, next: &Url) -> bool {
    if next.origin() != target.origin()
        || next.username() != target.username()
        || next.password() != target.password()
    {
        return false;
    }
    let path = next.path();
    if has_traversal(path) || has_backslash(path) {
        return false;
    }
    let prefix = target.path().trim_end_matches('/');
    path.strip_prefix(prefix)
        .is_some_and(|rest| rest.starts_with('/'))
}

/// The configured route that serves `path` (express semantics: the route matches whole
/// segments; the first route in configuration order wins).
pub(crate) fn matches_route(route: &str, path_only: &str) -> bool {
    path_only == route
        || (path_only.starts_with(route) && path_only[route.len()..].starts_with('/'))
}

/// The path sent upstream for `path` (route + rest + query), before joining with the
/// target: Backstage's default rewrite strips `/api/proxy/<route>/?`; custom `pathRewrite`
/// rules see the full `/api/proxy/<route>/<rest>?query` and the first matching rule applies
/// (http-proxy-middleware).
pub(crate) fn rewrite(route: &str, path: &str, rules: Option<&[(Regex, String)]>) -> String {
    match rules {
        None => {
            let rest = &path[route.len()..];
            let rest = rest.strip_prefix('/').unwrap_or(rest);
            format!("/{rest}")
        }
        Some(rules) => {
            let full = format!("{MOUNT}{path}");
            for (re, replacement) in rules {
                if re.is_match(&full) {
                    return re.replacen(&full, 1, replacement.as_str()).into_owned();
                }
            }
            full
        }
    }
}

/// Joins the target's path with the rewritten path like http-proxy's `urlJoin`: segments
/// joined by `/`, repeated slashes collapsed, query kept as is. Refuses anything that
/// would address another origin.
pub(crate) fn upstream_url(target: &Url, rewritten: &str) -> Result<Url, ProxyError> {
    // A rewrite result that is not a path (`http://other/…`, `evil.example/x`) would
    // address another origin in a string-built URL: refuse it.
    if !rewritten.starts_with('/') {
        return Err(ProxyError::HostChange);
    }
    let (path_part, query) = split_query(rewritten);
    let mut joined = String::with_capacity(target.path().len() + path_part.len() + 1);
    joined.push_str(target.path());
    joined.push('/');
    joined.push_str(path_part);
    let mut collapsed = String::with_capacity(joined.len());
    for c in joined.chars() {
        if c == '/' && collapsed.ends_with('/') {
            continue;
        }
        collapsed.push(c);
    }
    if !collapsed.starts_with('/') {
        collapsed.insert(0, '/');
    }
    if has_traversal(&collapsed) {
        return Err(ProxyError::PathTraversal);
    }
    let origin = target.origin().ascii_serialization();
    let text = format!("{origin}{collapsed}{query}");
    let url = Url::parse(&text).map_err(|_| ProxyError::InvalidPath {
        reason: "the resulting upstream URL is not valid",
    })?;
    if url.origin() != target.origin() || url.username() != target.username() {
        return Err(ProxyError::HostChange);
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traversal_in_any_form() {
        for p in [
            "/echo/../x",
            "/echo/..",
            "/echo/%2e%2e/x",
            "/echo/%2E%2E/x",
            "/echo/.%2e/x",
            "/echo/%2e./x",
            "/echo/..%2fx",
            "/echo/..%2Fx",
            "/echo/%2e%2e%2fx",
            "/echo/..\\x",
            "/echo/..%5cx",
            "/echo/%252e%252e/x",
            "/../etc/passwd",
            "/echo/..;/x",
            "/echo/..;",
            "/echo/..;jsessionid=1/x",
            "/echo/%2e%2e;/x",
            "/echo/%2E%2E;/x",
            "/echo/..%3b/x",
            "/echo/..%3B/x",
            "/echo/.%2e;a=b/x",
            "/echo/%252e%252e%253b/x",
            "/echo/..;\\x",
            "/echo/%2525252e%2525252e/x",
            "/echo/%2525252e%2525252e%2525253b/x",
            "/echo/%252525252525252e%252525252525252e/x",
            "/echo/%25252525252525252525/x",
            "/echo/a%2525255cb",
        ] {
            assert!(validate(p).is_err(), "{p} accepted");
            assert!(
                matches!(
                    validate(p),
                    Err(ProxyError::PathTraversal) | Err(ProxyError::InvalidPath { .. })
                ),
                "{p}"
            );
        }
        for p in [
            "/echo/a..b",
            "/echo/...",
            "/echo/x?q=..",
            "/echo/.hidden",
            "/echo/a.b/c",
            "/echo/a;b=c/d",
            "/echo/.;/x",
            "/echo/..a;/x",
            "/echo/x?q=..;",
            "/echo/100%2525",
            "/echo/%25252e",
            "/echo/50%",
        ] {
            assert!(validate(p).is_ok(), "{p} refused");
        }
        // A `pathRewrite` result is checked too.
        let t = Url::parse("http://127.0.0.1:8080/base").expect("url");
        assert!(matches!(
            upstream_url(&t, "/a/..;/b"),
            Err(ProxyError::PathTraversal)
        ));
    }

    #[test]
    fn redirects_stay_under_the_target_path() {
        let target = Url::parse("https://api.github.com/repos/x").expect("url");
        let ok = |next: &str| within_target(&target, &Url::parse(next).expect("url"));
        for inside in [
            "https://api.github.com/repos/x/",
            "https://api.github.com/repos/x/pulls?page=2",
            "https://api.github.com:443/repos/x/a",
        ] {
            assert!(ok(inside), "{inside} refused");
        }
        for outside in [
            "https://api.github.com/other",
            "https://api.github.com/repos/x",
            "https://api.github.com/repos/x?page=2",
            "https://api.github.com/repos/xy",
            "https://api.github.com/repos",
            "https://api.github.com/repos/x/../y",
            "https://api.github.com/repos/x/%2e%2e/y",
            "https://api.github.com/repos/x/..;/y",
            "https://api.github.com/repos/x/%2e%2e;/y",
            "https://api.github.com/repos/x/..%2fy",
            "https://api.github.com/repos/x/..%5cy",
            "https://api.github.com/repos/x/a%5cb",
            "https://api.github.com/repos/x/%2525252e%2525252e/y",
            "https://api.github.com/repos/x/%25252525252525252525",
            "http://api.github.com/repos/x/a",
            "https://api.github.com:8443/repos/x/a",
            "https://evil.example/repos/x/a",
            "https://user@api.github.com/repos/x/a",
        ] {
            assert!(!ok(outside), "{outside} followed");
        }
        // A target at the root covers its whole origin.
        let root = Url::parse("http://127.0.0.1:8080").expect("url");
        assert!(within_target(
            &root,
            &Url::parse("http://127.0.0.1:8080/anything/else").expect("url")
        ));
        let slash = Url::parse("http://127.0.0.1:8080/base/").expect("url");
        assert!(within_target(
            &slash,
            &Url::parse("http://127.0.0.1:8080/base/x").expect("url")
        ));
        assert!(!within_target(
            &slash,
            &Url::parse("http://127.0.0.1:8080/basement").expect("url")
        ));
    }

    #[test]
    fn host_tricks() {
        for p in ["//evil.example/x", "http://evil.example/x", "https:/x"] {
            assert!(validate(p).is_err(), "{p}");
        }
        let t = Url::parse("http://127.0.0.1:8080/base").expect("url");
        assert_eq!(
            upstream_url(&t, "/a/b?x=1").expect("ok").as_str(),
            "http://127.0.0.1:8080/base/a/b?x=1"
        );
        assert_eq!(
            upstream_url(&t, "/@evil.example/").expect("ok").host_str(),
            Some("127.0.0.1")
        );
        assert!(matches!(
            upstream_url(&t, "http://evil.example/"),
            Err(ProxyError::HostChange)
        ));
        let root = Url::parse("http://127.0.0.1:8080").expect("url");
        // Repeated slashes collapse (http-proxy urlJoin): still a path on the target host.
        assert_eq!(
            upstream_url(&root, "//evil.example/x")
                .expect("ok")
                .as_str(),
            "http://127.0.0.1:8080/evil.example/x"
        );
    }

    #[test]
    fn default_mapping_like_backstage() {
        let t = Url::parse("http://h:1/svc.v1").expect("url");
        let map = |route: &str, path: &str| {
            upstream_url(&t, &rewrite(route, path, None)).map(|u| u.to_string())
        };
        assert_eq!(
            map("/ex", "/ex/a/b?c=d").ok().as_deref(),
            Some("http://h:1/svc.v1/a/b?c=d")
        );
        assert_eq!(
            map("/ex", "/ex").ok().as_deref(),
            Some("http://h:1/svc.v1/")
        );
        assert_eq!(
            map("/ex", "/ex?x=1").ok().as_deref(),
            Some("http://h:1/svc.v1/?x=1")
        );
        assert_eq!(
            map("/ex", "/ex/a//b").ok().as_deref(),
            Some("http://h:1/svc.v1/a/b")
        );
        assert_eq!(
            map("/a/b", "/a/b/c").ok().as_deref(),
            Some("http://h:1/svc.v1/c")
        );
        assert!(
            matches_route("/ex", "/ex/x")
                && matches_route("/ex", "/ex")
                && !matches_route("/ex", "/example")
        );
    }

    #[test]
    fn custom_rewrite_sees_the_mount_prefix() {
        let rules = vec![
            (
                Regex::new("^/api/proxy/gh/old").expect("re"),
                "/new".to_owned(),
            ),
            (
                Regex::new("^/api/proxy/gh/").expect("re"),
                "/v3/".to_owned(),
            ),
        ];
        assert_eq!(rewrite("/gh", "/gh/old/x", Some(&rules)), "/new/x");
        assert_eq!(rewrite("/gh", "/gh/repos", Some(&rules)), "/v3/repos");
        assert_eq!(rewrite("/gh", "/gh", Some(&rules)), "/api/proxy/gh");
    }
}
