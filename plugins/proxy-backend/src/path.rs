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
    if has_traversal(path_only) {
        return Err(ProxyError::PathTraversal);
    }
    if path_only.contains('\\') || decoded_forms(path_only).iter().any(|d| d.contains('\\')) {
        return Err(ProxyError::InvalidPath {
            reason: "backslashes are not allowed",
        });
    }
    Ok(())
}

/// The path and its percent-decoded forms (decoding repeatedly catches `%252e%252e`).
fn decoded_forms(path: &str) -> Vec<String> {
    let mut forms = vec![path.to_owned()];
    for _ in 0..3 {
        let Some(last) = forms.last() else { break };
        let next = percent_decode_str(last).decode_utf8_lossy().into_owned();
        if &next == last {
            break;
        }
        forms.push(next);
    }
    forms
}

/// `..` as a path segment in any encoding: `..`, `%2e%2e`, `.%2E`, `..%2f`, `..\`,
/// double-encoded forms.
pub(crate) fn has_traversal(path: &str) -> bool {
    decoded_forms(path)
        .iter()
        .any(|form| form.split(['/', '\\']).any(|seg| seg == ".."))
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
        ] {
            assert!(validate(p).is_ok(), "{p} refused");
        }
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
