//! Route patterns (`/catalog/:namespace/:kind/:name`), matching, and query strings.

use std::collections::BTreeMap;

/// A path matched against a route pattern: the `:params` it bound and the query string.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RouteMatch {
    /// The full location, path plus `?query` if any.
    pub location: String,
    pub path: String,
    pub params: BTreeMap<String, String>,
    pub query: BTreeMap<String, String>,
}

impl RouteMatch {
    pub fn param(&self, name: &str) -> &str {
        self.params
            .get(name)
            .map(String::as_str)
            .unwrap_or_default()
    }

    pub fn query(&self, name: &str) -> Option<&str> {
        self.query.get(name).map(String::as_str)
    }
}

/// Splits `location` into path and query.
/// Percent-encoding of query values (`+` decodes as a space), from `backlot-text`.
pub use backlot_text::percent::{decode_query as decode_component, encode as encode_component};

pub fn split_location(location: &str) -> (&str, &str) {
    let location = location.split('#').next().unwrap_or_default();
    match location.split_once('?') {
        Some((path, query)) => (path, query),
        None => (location, ""),
    }
}

/// Matches `location` against `pattern`. Segments starting with `:` bind a parameter;
/// everything else compares literally. Trailing slashes are ignored.
pub fn match_pattern(pattern: &str, location: &str) -> Option<RouteMatch> {
    let (path, query) = split_location(location);
    let pattern_segments: Vec<&str> = segments(pattern).collect();
    let path_segments: Vec<&str> = segments(path).collect();
    if pattern_segments.len() != path_segments.len() {
        return None;
    }
    let mut params = BTreeMap::new();
    for (p, s) in pattern_segments.iter().zip(&path_segments) {
        if let Some(name) = p.strip_prefix(':') {
            if s.is_empty() {
                return None;
            }
            params.insert(name.to_string(), decode_component(s));
        } else if p != s {
            return None;
        }
    }
    Some(RouteMatch {
        location: location.to_string(),
        path: path.to_string(),
        params,
        query: parse_query(query),
    })
}

/// How specific a pattern is: literal segments count more than parameters, so
/// `/catalog/new` wins over `/catalog/:name`.
pub fn specificity(pattern: &str) -> (usize, usize) {
    let literal = segments(pattern).filter(|s| !s.starts_with(':')).count();
    (literal, segments(pattern).count())
}

fn segments(path: &str) -> impl Iterator<Item = &str> {
    path.split('/').filter(|s| !s.is_empty())
}

pub fn parse_query(query: &str) -> BTreeMap<String, String> {
    query
        .trim_start_matches('?')
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((k, v)) => (decode_component(k), decode_component(v)),
            None => (decode_component(pair), String::new()),
        })
        .collect()
}

/// Builds `?a=1&b=x%20y` from pairs, skipping empty values; empty string when nothing is left.
pub fn build_query<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let encoded: Vec<String> = pairs
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{}={}", encode_component(k), encode_component(v)))
        .collect();
    if encoded.is_empty() {
        String::new()
    } else {
        format!("?{}", encoded.join("&"))
    }
}

/// Where an entity's page lives: `component:default/petstore` →
/// `/catalog/default/component/petstore` (Backstage's layout). A ref without kind or
/// namespace gets `component` and `default`.
pub fn entity_path(entity_ref: &str) -> String {
    let (kind, rest) = entity_ref
        .split_once(':')
        .unwrap_or(("component", entity_ref));
    let (namespace, name) = rest.split_once('/').unwrap_or(("default", rest));
    format!(
        "/catalog/{}/{}/{}",
        encode_component(&namespace.to_lowercase()),
        encode_component(&kind.to_lowercase()),
        encode_component(name)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entity_paths_follow_backstage_layout() {
        assert_eq!(
            entity_path("component:default/petstore"),
            "/catalog/default/component/petstore"
        );
        assert_eq!(entity_path("Group:Ops/Team-A"), "/catalog/ops/group/Team-A");
        assert_eq!(
            entity_path("petstore"),
            "/catalog/default/component/petstore"
        );
        let m = match_pattern(
            "/catalog/:namespace/:kind/:name",
            &entity_path("api:default/a.b_c"),
        )
        .unwrap();
        assert_eq!(m.param("name"), "a.b_c");
    }

    #[test]
    fn literal_and_param_segments() {
        let m = match_pattern(
            "/catalog/:namespace/:kind/:name",
            "/catalog/default/component/petstore?tab=api",
        )
        .unwrap();
        assert_eq!(m.param("namespace"), "default");
        assert_eq!(m.param("kind"), "component");
        assert_eq!(m.param("name"), "petstore");
        assert_eq!(m.query("tab"), Some("api"));
        assert_eq!(m.path, "/catalog/default/component/petstore");
        assert!(
            match_pattern(
                "/catalog/:namespace/:kind/:name",
                "/catalog/default/component"
            )
            .is_none()
        );
        assert!(match_pattern("/settings", "/catalog").is_none());
        assert!(match_pattern("/settings", "/settings/").is_some());
        assert!(match_pattern("/", "/").is_some());
        assert!(match_pattern("/", "/home").is_none());
    }

    #[test]
    fn params_and_query_are_decoded() {
        let m = match_pattern("/docs/:name", "/docs/a%20b?q=c%2B%2B+lang&flag").unwrap();
        assert_eq!(m.param("name"), "a b");
        assert_eq!(m.query("q"), Some("c++ lang"));
        assert_eq!(m.query("flag"), Some(""));
    }

    #[test]
    fn query_round_trips_and_skips_empty() {
        let q = build_query([
            ("q", "front#end & more"),
            ("kind", ""),
            ("owner", "group:default/team-a"),
        ]);
        assert_eq!(
            q,
            "?q=front%23end%20%26%20more&owner=group%3Adefault%2Fteam-a"
        );
        let parsed = parse_query(&q);
        assert_eq!(parsed["q"], "front#end & more");
        assert_eq!(parsed["owner"], "group:default/team-a");
        assert!(!parsed.contains_key("kind"));
        assert_eq!(build_query([("a", "")]), "");
    }

    #[test]
    fn broken_escapes_are_kept() {
        assert_eq!(decode_component("100%"), "100%");
        assert_eq!(decode_component("%zz%4"), "%zz%4");
        assert_eq!(decode_component("%C3%A9t%C3%A9"), "été");
    }

    #[test]
    fn literal_segments_are_more_specific() {
        assert!(specificity("/catalog/new") > specificity("/catalog/:name"));
        assert!(specificity("/catalog/:a/:b") > specificity("/catalog/:a"));
    }
}
