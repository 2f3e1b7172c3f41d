//! Writing back to the team's catalog, as Backstage's catalog-import page and entity menu
//! do: register a `catalog-info.yaml` URL (with a dry run first), refresh an entity, find
//! the location an entity came from, and unregister it. Each refusal says what happened:
//! forbidden by the permission framework, already registered, unreadable target.

use backlot_model::ipc::{LocationEntity, Registration, TeamLocation};
use reqwest::header::CONTENT_TYPE;
use serde::Deserialize;
use serde_json::Value;

use crate::client::CatalogClient;
use crate::error::{SyncError, backstage_message};

/// Why a write to the team's catalog failed, in the words the UI shows.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("your account may not do this on the team backend (403, its permission policy refused it{})", if .detail.is_empty() { String::new() } else { format!(": {}", .detail) })]
    Forbidden { detail: String },
    #[error("already registered in the team's catalog: {detail}")]
    AlreadyRegistered { detail: String },
    #[error("the team backend could not use {target}: {detail}")]
    Refused { target: String, detail: String },
    #[error("the team's catalog has no {what}")]
    NotFound { what: String },
    #[error(transparent)]
    Sync(#[from] SyncError),
}

impl From<WriteError> for backlot_model::ApiError {
    fn from(e: WriteError) -> Self {
        use backlot_model::ErrorCode;
        let code = match &e {
            WriteError::Forbidden { .. } => ErrorCode::Unauthorized,
            WriteError::AlreadyRegistered { .. } => ErrorCode::Conflict,
            WriteError::Refused { .. } => ErrorCode::InvalidInput,
            WriteError::NotFound { .. } => ErrorCode::NotFound,
            WriteError::Sync(s) => s.code(),
        };
        backlot_model::ApiError::new(code, e.to_string())
    }
}

#[derive(Deserialize)]
struct AddAnswer {
    location: TeamLocation,
    #[serde(default)]
    entities: Vec<Value>,
    #[serde(default)]
    exists: bool,
}

/// The entity ref, title and description of a catalog entity's JSON.
pub fn location_entity(entity: &Value) -> Option<LocationEntity> {
    let kind = entity["kind"].as_str()?;
    let meta = &entity["metadata"];
    let name = meta["name"].as_str()?;
    let namespace = meta["namespace"].as_str().unwrap_or("default");
    Some(LocationEntity {
        entity_ref: format!("{}:{namespace}/{name}", kind.to_ascii_lowercase()),
        title: meta["title"].as_str().map(str::to_string),
        description: meta["description"].as_str().map(str::to_string),
    })
}

impl CatalogClient {
    /// `POST /api/catalog/locations[?dryRun=true]` with a `url` location.
    pub async fn register_location(
        &self,
        target: &str,
        dry_run: bool,
    ) -> Result<Registration, WriteError> {
        let mut url = self.url("/api/catalog/locations");
        if dry_run {
            url.push_str("?dryRun=true");
        }
        let body = serde_json::json!({"type": "url", "target": target});
        let req = self
            .http()
            .post(url)
            .header(CONTENT_TYPE, "application/json")
            .body(body.to_string());
        let answer: AddAnswer = self.write(req, target).await?;
        Ok(Registration {
            location: answer.location,
            entities: answer.entities.iter().filter_map(location_entity).collect(),
            exists: answer.exists,
            dry_run,
        })
    }

    /// `POST /api/catalog/refresh`: the backend re-reads the entity's source soon.
    pub async fn refresh_entity(&self, entity_ref: &str) -> Result<(), WriteError> {
        let req = self
            .http()
            .post(self.url("/api/catalog/refresh"))
            .header(CONTENT_TYPE, "application/json")
            .body(serde_json::json!({"entityRef": entity_ref}).to_string());
        self.write::<serde::de::IgnoredAny>(req, entity_ref).await?;
        Ok(())
    }

    /// `GET /api/catalog/locations/by-entity/{kind}/{namespace}/{name}`.
    pub async fn entity_location(
        &self,
        kind: &str,
        namespace: &str,
        name: &str,
    ) -> Result<TeamLocation, WriteError> {
        let path = format!(
            "/api/catalog/locations/by-entity/{}/{}/{}",
            segment(kind),
            segment(namespace),
            segment(name)
        );
        let req = self.http().get(self.url(&path));
        let what = format!("{kind}:{namespace}/{name}");
        self.write(req, &what).await.map_err(|e| match e {
            WriteError::NotFound { .. } => WriteError::NotFound {
                what: format!(
                    "registered location for {what}: it comes from the backend's own configuration (catalog.locations), which only its admin can change"
                ),
            },
            e => e,
        })
    }

    /// The entities carrying annotation `key` = `value` (at most 1,000: a confirmation
    /// lists them, it does not page through a catalog), with the fields a list shows.
    pub async fn entities_with_annotation(
        &self,
        key: &str,
        value: &str,
    ) -> Result<Vec<Value>, WriteError> {
        let spec = crate::client::QuerySpec {
            fields: [
                "kind",
                "metadata.name",
                "metadata.namespace",
                "metadata.title",
                "metadata.description",
            ]
            .map(String::from)
            .to_vec(),
            filters: vec![format!("metadata.annotations.{key}={value}")],
            ..crate::client::QuerySpec::default()
        };
        let mut items = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let page = self.query_page(&spec, cursor.as_deref(), false).await?;
            items.extend(page.items);
            match page.next_cursor {
                Some(next) if items.len() < 1000 => cursor = Some(next),
                _ => return Ok(items),
            }
        }
    }

    /// `DELETE /api/catalog/locations/{id}`.
    pub async fn delete_location(&self, id: &str) -> Result<(), WriteError> {
        let req = self
            .http()
            .delete(self.url(&format!("/api/catalog/locations/{}", segment(id))));
        self.write::<serde::de::IgnoredAny>(req, &format!("location {id}"))
            .await?;
        Ok(())
    }

    /// Sends a write and maps its status: 2xx → the answer (an empty body reads as JSON
    /// `null`), 403 forbidden, 409 conflict, 400/422 refused, 404 not found.
    async fn write<T: serde::de::DeserializeOwned>(
        &self,
        req: reqwest::RequestBuilder,
        target: &str,
    ) -> Result<T, WriteError> {
        let (status, _, body) = self.send_raw(req).await?;
        let (body, _) = body?;
        let detail = || backstage_message(&body);
        match status {
            200..=299 => {
                let body: &[u8] = if body.is_empty() { b"null" } else { &body };
                serde_json::from_slice(body).map_err(|e| {
                    WriteError::Sync(SyncError::UnexpectedResponse {
                        detail: format!(
                            "the answer to a catalog write is not what Backstage sends: {e}"
                        ),
                    })
                })
            }
            401 => Err(SyncError::Unauthorized.into()),
            403 => Err(WriteError::Forbidden { detail: detail() }),
            404 => Err(WriteError::NotFound {
                what: target.to_string(),
            }),
            409 => Err(WriteError::AlreadyRegistered { detail: detail() }),
            400..=499 => Err(WriteError::Refused {
                target: target.to_string(),
                detail: detail(),
            }),
            _ => Err(SyncError::Server {
                status,
                detail: detail(),
            }
            .into()),
        }
    }
}

/// One path segment, percent-encoded.
fn segment(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}
