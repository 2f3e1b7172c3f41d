//! The team's search joined to local results (`Search.team`): the team backend's
//! `/api/search/query` (its search engine, e.g. Postgres or Elasticsearch at a company's
//! scale) asked with the same credential as a sync, bounded in time; its results that Backlot
//! also has are marked as found by the team too, the others follow the local ones, marked
//! "team". Offline, failing or slow, local results come alone with a quiet notice.

use std::time::Duration;

use backlot_catalog_sync::{CatalogClient, ClientOptions, RetryPolicy, TeamSearchResult};
use backlot_model::search::{SearchHit, SearchResults, TYPE_DOCS, TYPE_ENTITY, TypeCount};

use crate::Api;

/// How long the team's search may take before local results are shown alone.
const TEAM_TIMEOUT: Duration = Duration::from_secs(3);

impl Api {
    /// Joins the team's results for `query` into `results` (first page only).
    pub(crate) fn join_team_search(
        &self,
        query: &str,
        types: &[String],
        results: &mut SearchResults,
    ) {
        let Ok(Some(url)) = self.team_url() else {
            return;
        };
        let notice = |why: String| {
            Some(format!(
                "The team's search is unavailable ({why}); showing local results only."
            ))
        };
        let credential = match self.credential_for(&url) {
            Ok(c) => c,
            Err(e) => {
                results.team_notice = notice(e.message);
                return;
            }
        };
        let options = ClientOptions {
            connect_timeout: Duration::from_secs(2),
            read_timeout: TEAM_TIMEOUT,
            retry: RetryPolicy::none(),
            ..ClientOptions::default()
        };
        let client = match CatalogClient::new(&url, credential.token.as_ref(), options) {
            Ok(c) => c,
            Err(e) => {
                results.team_notice = notice(e.to_string());
                return;
            }
        };
        // The timer is made inside the runtime (it needs one).
        let asked = self.runtime.block_on(async {
            tokio::time::timeout(TEAM_TIMEOUT, client.team_search(query, 25)).await
        });
        match asked {
            Ok(Ok(Ok(items))) => merge(results, items, types),
            Ok(Ok(Err(e))) => results.team_notice = notice(e.to_string()),
            Ok(Err(_)) => {
                results.team_notice =
                    notice(format!("no answer within {} s", TEAM_TIMEOUT.as_secs()));
            }
            Err(e) => results.team_notice = notice(e.message),
        }
    }
}

/// A team result as a hit: catalog results become entity hits (by the entity their location
/// names), TechDocs results docs hits at the entity's docs; other types keep theirs.
pub(crate) fn team_hit(item: TeamSearchResult) -> SearchHit {
    let segments: Vec<&str> = item.location.trim_matches('/').split('/').collect();
    let entity = |ns: &str, kind: &str, name: &str| format!("{kind}:{ns}/{name}").to_lowercase();
    let (doc_type, entity_ref, location) = match (item.result_type.as_str(), segments.as_slice()) {
        ("software-catalog", ["catalog", ns, kind, name, ..]) => (
            TYPE_ENTITY.to_string(),
            Some(entity(ns, kind, name)),
            String::new(),
        ),
        ("techdocs", ["docs", ns, kind, name, ..]) => (
            TYPE_DOCS.to_string(),
            Some(entity(ns, kind, name)),
            format!("/docs/{ns}/{kind}/{name}"),
        ),
        (other, _) => (other.to_string(), None, item.location.clone()),
    };
    SearchHit {
        doc_type,
        title: item.title,
        subtitle: item.kind.map(|k| k.to_lowercase()),
        snippet: (!item.text.is_empty()).then_some(item.text),
        location,
        entity_ref,
        team: true,
    }
}

fn merge(results: &mut SearchResults, items: Vec<TeamSearchResult>, types: &[String]) {
    for hit in items.into_iter().map(team_hit) {
        if !types.is_empty() && !types.contains(&hit.doc_type) {
            continue;
        }
        let same = |h: &SearchHit| match (&h.entity_ref, &hit.entity_ref) {
            (Some(a), Some(b)) if h.doc_type == hit.doc_type && h.doc_type == TYPE_ENTITY => a == b,
            _ => !h.location.is_empty() && h.location == hit.location,
        };
        if let Some(local) = results.hits.iter_mut().find(|h| same(h)) {
            local.team = true;
            continue;
        }
        results.total += 1;
        match results
            .by_type
            .iter_mut()
            .find(|t| t.doc_type == hit.doc_type)
        {
            Some(t) => t.count += 1,
            None => results.by_type.push(TypeCount {
                doc_type: hit.doc_type.clone(),
                count: 1,
            }),
        }
        results.hits.push(hit);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(result_type: &str, title: &str, location: &str) -> TeamSearchResult {
        TeamSearchResult {
            result_type: result_type.into(),
            title: title.into(),
            text: "text".into(),
            location: location.into(),
            kind: Some("Component".into()),
        }
    }

    #[test]
    fn team_results_become_hits_and_join_local_ones_once() {
        let hit = team_hit(item(
            "software-catalog",
            "Payments",
            "/catalog/default/component/Payments-Service",
        ));
        assert_eq!(hit.doc_type, TYPE_ENTITY);
        assert_eq!(
            hit.entity_ref.as_deref(),
            Some("component:default/payments-service")
        );
        let docs = team_hit(item(
            "techdocs",
            "Intro",
            "/docs/default/component/payments-service/intro/",
        ));
        assert_eq!(
            (docs.doc_type.as_str(), docs.location.as_str()),
            (TYPE_DOCS, "/docs/default/component/payments-service")
        );
        let other = team_hit(item("adr", "ADR 7", "/adrs/7"));
        assert_eq!(
            (other.doc_type.as_str(), other.location.as_str()),
            ("adr", "/adrs/7")
        );

        let mut results = SearchResults {
            hits: vec![SearchHit {
                doc_type: TYPE_ENTITY.into(),
                title: "payments-service".into(),
                entity_ref: Some("component:default/payments-service".into()),
                ..Default::default()
            }],
            total: 1,
            by_type: vec![TypeCount {
                doc_type: TYPE_ENTITY.into(),
                count: 1,
            }],
            ..Default::default()
        };
        merge(
            &mut results,
            vec![
                item(
                    "software-catalog",
                    "Payments",
                    "/catalog/default/component/payments-service",
                ),
                item(
                    "software-catalog",
                    "Ledger",
                    "/catalog/default/component/ledger",
                ),
                item("adr", "ADR 7", "/adrs/7"),
            ],
            &[TYPE_ENTITY.to_string()],
        );
        assert_eq!(
            results.hits.len(),
            2,
            "the shared one once, the ADR filtered out"
        );
        assert!(results.hits[0].team, "found by both: marked");
        assert!(
            results.hits[1].team
                && results.hits[1].entity_ref.as_deref() == Some("component:default/ledger")
        );
        assert_eq!((results.total, results.by_type[0].count), (2, 2));
    }
}
