//! Writing back to the team backend (Backstage's catalog-import and entity actions):
//! register a `catalog-info.yaml` URL (dry run first), refresh a team entity and bring its
//! new state in at once, list what goes with an entity's location, and unregister it. Each
//! needs a credential for the team backend (signed in, or its token); a session's access
//! token is renewed once after a 401.

use std::future::Future;

use backlot_catalog_sync::{CatalogClient, ClientOptions, SyncError, WriteError};
use backlot_model::ipc::{EntityView, Registration, SyncState};
use backlot_model::{ApiError, EntityRef, ErrorCode};

use crate::Api;
use crate::session_api::CredentialSource;

/// How long (× 250 ms) a registration waits for the backend to process the new location.
const REGISTER_WAIT_STEPS: u32 = 24;

/// The Location entity a Backstage dry run invents for the registered URL itself.
fn is_generated_location(entity_ref: &str) -> bool {
    entity_ref.starts_with("location:default/generated-")
}

/// The annotation Backstage puts on every entity of a registered location.
const ORIGIN_LOCATION: &str = "backstage.io/managed-by-origin-location";

impl Api {
    /// A client for the team backend with its credential; refused without one (the actions
    /// need a signed-in user or a token).
    fn team_client(&self, renew: bool) -> Result<(CatalogClient, CredentialSource), ApiError> {
        let url = self.team_url()?.ok_or_else(|| {
            ApiError::invalid_input("no team backend: set its URL in Settings → Team backend")
        })?;
        let mut credential = self.credential_for(&url)?;
        if renew && credential.source == CredentialSource::Session {
            let origin = crate::session::origin_of(&url)?;
            credential.token = self
                .runtime
                .block_on(self.session.access_token(&origin, true))??;
        }
        if credential.token.is_none() {
            return Err(ApiError::new(
                ErrorCode::Unauthorized,
                "sign in to the team backend first (Settings → Team backend), or save a token for it",
            ));
        }
        let client = CatalogClient::new(&url, credential.token.as_ref(), ClientOptions::default())?;
        Ok((client, credential.source))
    }

    /// Runs one write against the team backend, renewing a session once after a 401.
    fn team_write<T, F, Fut>(&self, write: F) -> Result<T, ApiError>
    where
        F: Fn(CatalogClient) -> Fut,
        Fut: Future<Output = Result<T, WriteError>>,
    {
        let (client, source) = self.team_client(false)?;
        match self.runtime.block_on(write(client))? {
            Err(WriteError::Sync(SyncError::Unauthorized))
                if source == CredentialSource::Session =>
            {
                let (client, _) = self.team_client(true)?;
                Ok(self.runtime.block_on(write(client))??)
            }
            other => Ok(other?),
        }
    }

    /// Registers a `catalog-info.yaml` URL in the team's catalog (or previews it). A real
    /// registration starts an incremental sync, which brings the new entities.
    pub fn register_location(&self, url: &str, dry_run: bool) -> Result<Registration, ApiError> {
        let target = url.trim();
        let parsed = url::Url::parse(target)
            .map_err(|e| ApiError::invalid_input(format!("“{target}” is not a URL: {e}")))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(ApiError::invalid_input(format!(
                "“{target}” is not an http(s) URL of a catalog-info.yaml"
            )));
        }
        // What it holds comes from the dry run (a real registration answers with no
        // entities: the backend reads the file afterwards).
        let mut preview =
            self.team_write(|client| async move { client.register_location(target, true).await })?;
        preview
            .entities
            .retain(|e| !is_generated_location(&e.entity_ref));
        if dry_run {
            return Ok(preview);
        }
        if preview.exists {
            return Err(ApiError::new(
                ErrorCode::Conflict,
                format!("already registered in the team's catalog: {target}"),
            ));
        }
        let registered =
            self.team_write(|client| async move { client.register_location(target, false).await })?;
        // The backend processes the new location in the background (a second or two):
        // wait for its entities, briefly, so the sync that follows brings them.
        let refs: Vec<String> = preview
            .entities
            .iter()
            .map(|e| e.entity_ref.clone())
            .collect();
        let _ = self.team_write(|client| {
            let refs = refs.clone();
            async move {
                for _ in 0..REGISTER_WAIT_STEPS {
                    let found = client.entities_by_refs(&refs, &["kind".into()]).await?;
                    if found.iter().all(Option::is_some) {
                        break;
                    }
                    tokio::time::sleep(std::time::Duration::from_millis(250)).await;
                }
                Ok(())
            }
        });
        self.sync_soon();
        Ok(Registration {
            location: registered.location,
            entities: preview.entities,
            exists: false,
            dry_run: false,
        })
    }

    /// Asks the team backend to refresh a team entity, then fetches it and updates the
    /// local copy (not waiting for the next sync). The backend re-reads the source in the
    /// background: a change may take a few seconds to show.
    pub fn refresh_team_entity(&self, entity_ref: &str) -> Result<EntityView, ApiError> {
        let view = self.entity(entity_ref)?;
        if !view.from_team {
            return Err(ApiError::invalid_input(format!(
                "{entity_ref} comes from a local file, not the team backend: refresh its folder instead"
            )));
        }
        let reference = view.details.entity.entity_ref().to_string();
        let fetched = self.team_write(|client| {
            let reference = reference.clone();
            async move {
                client.refresh_entity(&reference).await?;
                Ok(client.entities_by_refs(&[reference], &[]).await?)
            }
        })?;
        let (present, gone): (Vec<_>, Vec<_>) = fetched.into_iter().partition(Option::is_some);
        let present: Vec<_> = present.into_iter().flatten().collect();
        // Not in the team's catalog any more: the local copy goes too.
        let gone: Vec<String> = if gone.is_empty() {
            Vec::new()
        } else {
            vec![view.details.entity.entity_ref().key()]
        };
        let (client, _) = self.team_client(false)?;
        self.with_store(|store| {
            store
                .team_sync(client.base_url())
                .and_then(|sync| sync.apply_targeted(&present, &gone))
                .map_err(ApiError::from)
        })?;
        self.entity(entity_ref)
    }

    /// The location a team entity was registered through, and every entity that goes with
    /// it when it is unregistered.
    pub fn entity_location(&self, entity_ref: &str) -> Result<Registration, ApiError> {
        let r = EntityRef::parse(entity_ref, None, "default")
            .map_err(|e| ApiError::invalid_input(format!("“{entity_ref}”: {e}")))?;
        let (location, entities) = self.team_write(|client| {
            let r = r.clone();
            async move {
                let location = client
                    .entity_location(&r.kind, &r.namespace, &r.name)
                    .await?;
                let annotation = format!("{}:{}", location.kind, location.target);
                let entities = client
                    .entities_with_annotation(ORIGIN_LOCATION, &annotation)
                    .await?;
                Ok((location, entities))
            }
        })?;
        Ok(Registration {
            location,
            entities: entities
                .iter()
                .filter_map(backlot_catalog_sync::location_entity)
                .filter(|e| !is_generated_location(&e.entity_ref))
                .collect(),
            exists: true,
            dry_run: false,
        })
    }

    /// Unregisters a location from the team's catalog; an incremental sync follows.
    pub fn unregister_location(&self, location_id: &str) -> Result<SyncState, ApiError> {
        let id = location_id.trim();
        if id.is_empty() {
            return Err(ApiError::invalid_input("no location given"));
        }
        self.team_write(|client| async move { client.delete_location(id).await })?;
        self.sync_soon();
        self.sync_state()
    }

    /// Starts an incremental sync unless one runs already (which then brings the change).
    fn sync_soon(&self) {
        if let Err(e) = self.start_sync(false, false)
            && e.code != ErrorCode::Conflict
        {
            tracing::warn!(error = %e.message, "the sync after a catalog write did not start");
        }
    }
}
