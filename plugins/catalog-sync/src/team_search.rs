//! The team's own search (Backstage's `GET /api/search/query`, backed by the team's search
//! engine): one page of results for a term, read as Backstage's search backend answers —
//! `{results: [{type, document: {title, text, location, kind, namespace, …}, highlight}],
//! numberOfResults}`. Answers are size-capped like every answer of this client.

use serde::Deserialize;

use crate::client::CatalogClient;
use crate::error::SyncError;

/// One result of the team's search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamSearchResult {
    /// Backstage's result type (`software-catalog`, `techdocs`, …).
    pub result_type: String,
    pub title: String,
    pub text: String,
    /// The frontend's path (`/catalog/default/component/payments-service`).
    pub location: String,
    pub kind: Option<String>,
}

#[derive(Deserialize)]
struct Answer {
    #[serde(default)]
    results: Vec<Item>,
}

#[derive(Deserialize)]
struct Item {
    #[serde(rename = "type", default)]
    result_type: String,
    #[serde(default)]
    document: Document,
}

#[derive(Deserialize, Default)]
struct Document {
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    location: Option<String>,
    #[serde(default)]
    kind: Option<String>,
}

/// Terms longer than Backstage accepts (its default `maxTermLength`) are cut.
const MAX_TERM: usize = 100;

impl CatalogClient {
    /// `GET /api/search/query?term=…&pageLimit=…`: the first page of the team's results.
    pub async fn team_search(
        &self,
        term: &str,
        page_limit: u32,
    ) -> Result<Vec<TeamSearchResult>, SyncError> {
        let term: String = term.chars().take(MAX_TERM).collect();
        let mut url =
            url::Url::parse(&self.url("/api/search/query")).map_err(|e| SyncError::InvalidUrl {
                url: self.base_url().to_string(),
                reason: e.to_string(),
            })?;
        url.query_pairs_mut()
            .append_pair("term", &term)
            .append_pair("pageLimit", &page_limit.clamp(1, 100).to_string());
        let (status, _, body) = self.send_raw(self.http().get(url)).await?;
        let (body, _) = body?;
        match status {
            200..=299 => {}
            401 => return Err(SyncError::Unauthorized),
            403 => {
                return Err(SyncError::Forbidden {
                    detail: crate::error::backstage_message(&body),
                });
            }
            404 => {
                return Err(SyncError::NotACatalog {
                    url: format!("{}/api/search", self.base_url()),
                    detail: "the team backend has no search plugin".into(),
                });
            }
            _ => {
                return Err(SyncError::Server {
                    status,
                    detail: crate::error::backstage_message(&body),
                });
            }
        }
        let answer: Answer =
            serde_json::from_slice(&body).map_err(|e| SyncError::MalformedJson {
                detail: e.to_string(),
            })?;
        Ok(answer
            .results
            .into_iter()
            .filter_map(|item| {
                let d = item.document;
                Some(TeamSearchResult {
                    result_type: item.result_type,
                    title: d.title.filter(|t| !t.is_empty())?,
                    text: d.text.unwrap_or_default().chars().take(300).collect(),
                    location: d.location.unwrap_or_default(),
                    kind: d.kind,
                })
            })
            .collect())
    }
}
