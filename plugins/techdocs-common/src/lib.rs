//! The TechDocs contract: the commands the Docs UI sends and the native backend answers.
//!
//! A docs *site* belongs to one entity (by its `backstage.io/techdocs-ref` annotation).
//! Pages are named by their path inside the site: `index.md`, `examples/basic.md` for
//! local MkDocs sources; `index.html`, `examples/basic/index.html` for a site published
//! on the team backend. The UI never builds page names itself: it takes them from the
//! nav tree, from links inside rendered pages, and from search hits.

use backlot_model::ipc_command;
use serde::{Deserialize, Serialize};

/// The annotation that gives an entity docs.
pub const TECHDOCS_REF: &str = "backstage.io/techdocs-ref";

/// Every TechDocs command name.
pub const COMMAND_NAMES: &[&str] = &[
    "techdocs_entities",
    "techdocs_site",
    "techdocs_page",
    "techdocs_search",
];

/// Every entity with docs (the annotation present), for the Docs page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListDocsEntities {}
ipc_command!(ListDocsEntities => Vec<DocsEntity>, "techdocs_entities");

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct DocsEntity {
    /// `component:default/backstage-demo`, lowercased.
    pub entity_ref: String,
    pub kind: String,
    pub namespace: String,
    pub name: String,
    pub title: Option<String>,
    pub description: Option<String>,
    /// The annotation's value (`dir:.`, `url:https://…`).
    pub techdocs_ref: String,
    pub origin: DocsOrigin,
}

/// Where an entity's docs are read from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum DocsOrigin {
    /// MkDocs sources beside the entity's local catalog file (`dir:` refs).
    #[default]
    Local,
    /// The site the team backend's TechDocs publishes for the entity.
    Team,
}

/// The site of one entity: name, navigation and where it came from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetDocsSite {
    /// `kind:namespace/name` (any case).
    pub entity_ref: String,
}
ipc_command!(GetDocsSite => DocsSite, "techdocs_site");

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct DocsSite {
    pub entity_ref: String,
    pub site_name: String,
    pub origin: DocsOrigin,
    /// The first page to show.
    pub home: String,
    pub nav: Vec<NavNode>,
    /// Team sites: served from the local copy because the backend could not be reached.
    pub offline: bool,
    /// Team sites: when the local copy was last fetched (ms since the epoch).
    pub fetched_at_ms: Option<u64>,
    /// Something the reader should know (served from cache, pages skipped…).
    pub notice: Option<String>,
}

/// One entry of the nav tree: a page, or a section with children (or both).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct NavNode {
    pub title: String,
    pub page: Option<String>,
    pub children: Vec<NavNode>,
}

impl NavNode {
    /// Every page in the tree, depth first.
    pub fn pages<'a>(nodes: &'a [NavNode], out: &mut Vec<&'a str>) {
        for n in nodes {
            if let Some(p) = &n.page {
                out.push(p);
            }
            Self::pages(&n.children, out);
        }
    }
}

/// One page, rendered and sanitized. `page: None` means the site's home page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct GetDocsPage {
    pub entity_ref: String,
    pub page: Option<String>,
}
ipc_command!(GetDocsPage => DocsPage, "techdocs_page");

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct DocsPage {
    pub page: String,
    pub title: String,
    /// Sanitized HTML: no scripts, event handlers, `javascript:` URLs, frames or styles.
    /// Links to other pages of the site are in-app links ([`docs_link`]); images are
    /// `data:` URLs.
    pub html: String,
    pub headings: Vec<Heading>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Heading {
    pub level: u8,
    /// The element id (the anchor).
    pub id: String,
    pub text: String,
}

/// Full-text search over one site's pages.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SearchDocs {
    pub entity_ref: String,
    pub query: String,
}
ipc_command!(SearchDocs => Vec<SearchHit>, "techdocs_search");

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SearchHit {
    pub page: String,
    pub page_title: String,
    /// The heading the hit is under (`None`: before the first heading).
    pub anchor: Option<String>,
    pub heading: Option<String>,
    /// Plain text around the first match.
    pub snippet: String,
}

/// The in-app location of a page (and anchor) of an entity's docs:
/// `/docs/<namespace>/<kind>/<name>?page=<page>#<anchor>`.
pub fn docs_link(entity_ref: &str, page: &str, anchor: Option<&str>) -> String {
    let (kind, rest) = entity_ref
        .split_once(':')
        .unwrap_or(("component", entity_ref));
    let (namespace, name) = rest.split_once('/').unwrap_or(("default", rest));
    let mut out = format!(
        "/docs/{}/{}/{}",
        backlot_text::percent::encode_path(namespace),
        backlot_text::percent::encode_path(kind),
        backlot_text::percent::encode_path(name)
    );
    if !page.is_empty() {
        out.push_str("?page=");
        out.push_str(&backlot_text::percent::encode_path(page));
    }
    if let Some(anchor) = anchor.filter(|a| !a.is_empty()) {
        out.push('#');
        out.push_str(&backlot_text::percent::encode_path(anchor));
    }
    out
}

/// Reads a [`docs_link`] back: `(entity_ref, page, anchor)`; `None` for other locations.
pub fn parse_docs_link(location: &str) -> Option<(String, Option<String>, Option<String>)> {
    let (location, anchor) = match location.split_once('#') {
        Some((l, a)) => (
            l,
            Some(backlot_text::percent::decode_query(a)).filter(|a| !a.is_empty()),
        ),
        None => (location, None),
    };
    let (path, query) = location.split_once('?').unwrap_or((location, ""));
    let mut parts = path.strip_prefix("/docs/")?.split('/');
    let (namespace, kind, name) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || namespace.is_empty() || kind.is_empty() || name.is_empty() {
        return None;
    }
    let page = query
        .split('&')
        .find_map(|pair| pair.strip_prefix("page="))
        .map(backlot_text::percent::decode_query)
        .filter(|p| !p.is_empty());
    Some((
        format!(
            "{}:{}/{}",
            backlot_text::percent::decode_query(kind),
            backlot_text::percent::decode_query(namespace),
            backlot_text::percent::decode_query(name)
        ),
        page,
        anchor,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use backlot_model::ipc::Command;

    #[test]
    fn names_match_the_commands() {
        assert_eq!(
            COMMAND_NAMES,
            &[
                ListDocsEntities::NAME,
                GetDocsSite::NAME,
                GetDocsPage::NAME,
                SearchDocs::NAME
            ]
        );
    }

    #[test]
    fn links_round_trip() {
        let link = docs_link(
            "component:default/backstage-demo",
            "examples/basic.md",
            Some("table-example"),
        );
        assert_eq!(
            link,
            "/docs/default/component/backstage-demo?page=examples/basic.md#table-example"
        );
        assert_eq!(
            parse_docs_link(&link),
            Some((
                "component:default/backstage-demo".into(),
                Some("examples/basic.md".into()),
                Some("table-example".into())
            ))
        );
        let odd = docs_link("component:default/a", "dir with space/ü&x.md", None);
        assert_eq!(
            parse_docs_link(&odd).and_then(|l| l.1).as_deref(),
            Some("dir with space/ü&x.md")
        );
        assert_eq!(
            parse_docs_link("/docs/default/component/a").map(|l| l.1),
            Some(None)
        );
        assert_eq!(parse_docs_link("/catalog/default/component/a"), None);
        assert_eq!(parse_docs_link("/docs/default/component"), None);
    }

    #[test]
    fn site_decodes_with_defaults() {
        let site: DocsSite = serde_json::from_str(r#"{"siteName":"x","origin":"team"}"#).unwrap();
        assert_eq!(site.origin, DocsOrigin::Team);
        assert!(site.nav.is_empty() && !site.offline);
    }
}
