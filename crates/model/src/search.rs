//! Searching everything: entities, docs pages, API operations and whatever plugins index —
//! the search page and the command palette ask the same command.

use serde::{Deserialize, Serialize};

/// The document types Backlot indexes itself (plugins may add more).
pub const TYPE_ENTITY: &str = "entity";
pub const TYPE_DOCS: &str = "docs";
pub const TYPE_API: &str = "api";

/// Marks around the matched words in [`SearchHit::snippet`] (not HTML: the UI renders them).
pub const MARK_START: char = '\u{2}';
pub const MARK_END: char = '\u{3}';

/// Matches counted per type at most: a count of exactly this means "this many or more".
pub const COUNT_CAP: u32 = 1000;

/// The count as shown: `1000+` at the cap.
pub fn count_label(count: u64) -> String {
    if count >= u64::from(COUNT_CAP) {
        format!("{COUNT_CAP}+")
    } else {
        count.to_string()
    }
}

/// Search the local index. `types` empty: every type.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Search {
    pub query: String,
    pub types: Vec<String>,
    pub limit: u32,
    pub offset: u32,
    /// Also ask the team backend's search (first page only; bounded in time).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub team: bool,
}
crate::ipc_command!(Search => SearchResults, "search");

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SearchResults {
    pub hits: Vec<SearchHit>,
    /// Hits of the types asked for, all pages together (each type's count stops at
    /// [`COUNT_CAP`]).
    pub total: u64,
    /// Hits per type for the query (for the type filter's counts), whatever `types` was.
    pub by_type: Vec<TypeCount>,
    /// The query as searched, after typo correction (`None`: as typed).
    pub corrected: Option<String>,
    /// Why the team's search did not answer (local results only), when it was asked.
    pub team_notice: Option<String>,
    /// The index is being brought up to date in the background: docs pages and API
    /// operations may be missing until it is (entities are always complete).
    pub indexing: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct TypeCount {
    pub doc_type: String,
    pub count: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SearchHit {
    pub doc_type: String,
    pub title: String,
    /// Kind · owner for entities, the page for docs, `GET /path` for API operations.
    pub subtitle: Option<String>,
    /// Text around the match, the matched words between [`MARK_START`] and [`MARK_END`].
    pub snippet: Option<String>,
    /// Where it opens in the app (`/catalog/…`, `/docs/…?page=…#heading`).
    pub location: String,
    /// The entity it belongs to.
    pub entity_ref: Option<String>,
    /// Found by the team's search (too).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub team: bool,
}

/// Re-indexes what changed since the last time (`full`: everything). Searching does it
/// too, when the catalog changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct RebuildSearchIndex {
    pub full: bool,
}
crate::ipc_command!(RebuildSearchIndex => IndexReport, "rebuild_search_index");

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct IndexReport {
    /// Sources (an entity's docs site, an API definition) indexed again.
    pub reindexed: u64,
    /// Sources gone, with their documents.
    pub removed: u64,
    /// Documents in the index now (entities not counted: they are searched in place).
    pub documents: u64,
    pub duration_ms: u64,
    /// Sources that could not be indexed, and why (the rest is indexed).
    pub problems: Vec<String>,
}
