//! "Test connection": one quick request that tells the entity count or the exact failure.

use std::time::Instant;

use backlot_secrets::Sensitive;
use serde::{Deserialize, Serialize};

use crate::client::{CatalogClient, ClientOptions, FacetCount, QuerySpec};
use crate::error::SyncError;
use crate::retry::RetryPolicy;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConnectionInfo {
    /// The normalized base URL that worked.
    pub base_url: String,
    /// `totalItems` of the catalog.
    pub entity_count: u64,
    /// Entities per kind (from entity-facets), largest first; empty if facets failed.
    pub kinds: Vec<FacetCount>,
    pub latency_ms: u64,
}

/// Checks that `base_url` serves a Backstage catalog API this token may read. No retries:
/// the error is the exact failure (unreachable, TLS, 401/403, 404 not a catalog, …).
pub async fn test_connection(
    base_url: &str,
    token: Option<&Sensitive<String>>,
) -> Result<ConnectionInfo, SyncError> {
    let opts = ClientOptions {
        connect_timeout: std::time::Duration::from_secs(10),
        read_timeout: std::time::Duration::from_secs(20),
        retry: RetryPolicy::none(),
        // Only totalItems is needed.
        page_size: 1,
        ..ClientOptions::default()
    };
    let client = CatalogClient::new(base_url, token, opts)?;
    test_connection_with(&client).await
}

/// [`test_connection`] with a client built by the caller (custom CA, timeouts).
pub async fn test_connection_with(client: &CatalogClient) -> Result<ConnectionInfo, SyncError> {
    let started = Instant::now();
    let spec = QuerySpec {
        fields: vec!["metadata.name".into()],
        ..QuerySpec::default()
    };
    let page = client.query_page(&spec, None, true).await?;
    let latency_ms = started.elapsed().as_millis() as u64;
    let Some(entity_count) = page.total_items else {
        return Err(SyncError::UnexpectedResponse {
            detail: "by-query answered without totalItems".into(),
        });
    };
    let mut kinds = match client.facets(&["kind"]).await {
        Ok(mut f) => f.remove("kind").unwrap_or_default(),
        Err(e @ (SyncError::Unauthorized | SyncError::Forbidden { .. })) => return Err(e),
        Err(e) => {
            tracing::debug!(error = %e, "entity-facets failed during test connection");
            Vec::new()
        }
    };
    kinds.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
    Ok(ConnectionInfo {
        base_url: client.base_url().to_owned(),
        entity_count,
        kinds,
        latency_ms,
    })
}
