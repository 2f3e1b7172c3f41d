//! The team backend's part of the API: where it is, its token, "Test connection", and
//! starting syncs (on demand and when due).

use backlot_catalog_backend::{Store, TeamSync};
use backlot_catalog_sync::{
    CatalogClient, ClientOptions, Progress, SyncError, SyncMode, SyncOptions, SyncReport,
};
use backlot_model::ipc::{ConnectionCheck, SyncState, TEAM_BACKEND_TOKEN, TeamBackend};
use backlot_model::sync::SyncStatus;
use backlot_model::{ApiError, ErrorCode};
use backlot_secrets::Sensitive;

use crate::Api;
use crate::session::SessionSlot;
pub use crate::session_api::CredentialSource;

/// What `backlot sync` asks for besides the backend and token.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SyncRequest {
    /// Page everything instead of comparing etags.
    pub full: bool,
    /// Apply the sync even when the team catalog shrinks drastically.
    pub accept_shrink: bool,
}

/// A sync ready to run.
struct SyncJob {
    url: String,
    client: CatalogClient,
    target: TeamSync,
    mode: SyncMode,
    source: CredentialSource,
    accept_shrink: bool,
}

/// A credential for a sync: a token and where it came from (a session's is renewed once
/// when the backend answers 401).
#[derive(Debug, Default)]
pub struct Credential {
    pub token: Option<Sensitive<String>>,
    pub source: CredentialSource,
}

impl Credential {
    /// A token given on the command line (never renewed).
    pub fn given(token: Sensitive<String>) -> Self {
        Self {
            token: Some(token),
            source: CredentialSource::Token,
        }
    }
}

/// Runs the sync; when the backend refuses a session's access token (401), renews it once
/// and runs the sync again, from a fresh staging area.
async fn run_sync(
    job: SyncJob,
    options: &SyncOptions,
    session: &SessionSlot,
    store_path: &std::path::Path,
) -> Result<SyncReport, SyncError> {
    let SyncJob {
        url,
        client,
        target,
        mode,
        source,
        accept_shrink,
    } = job;
    let result = backlot_catalog_sync::sync(&client, target, mode, options).await;
    if !matches!(result, Err(SyncError::Unauthorized)) || source != CredentialSource::Session {
        return result;
    }
    let Ok(origin) = crate::session::origin_of(&url) else {
        return result;
    };
    let Ok(Some(token)) = session.access_token(&origin, true).await else {
        // The session ended: its state now asks to sign in again; the catalog is kept.
        return result;
    };
    let retry = CatalogClient::new(&url, Some(&token), client.options().clone()).and_then(|c| {
        let target = Store::open(store_path)
            .and_then(|store| store.team_sync(c.base_url()))
            .map_err(|e| SyncError::Storage(Box::new(e)))?
            .accept_shrink(accept_shrink);
        Ok((c, target))
    });
    match retry {
        Ok((client, target)) => backlot_catalog_sync::sync(&client, target, mode, options).await,
        Err(e) => Err(e),
    }
}

/// How a sync run by [`Api::sync_and_wait`] ended: the backend's URL, the mode asked for,
/// and the report with the status after it, or the engine's error (the catalog is then as
/// it was, and the failure is recorded in the status).
#[derive(Debug)]
pub struct SyncRun {
    pub backend: String,
    pub mode: SyncMode,
    pub result: Result<(SyncReport, Option<SyncStatus>), SyncError>,
}

impl Api {
    /// The team backend's URL: saved from Settings, else app-config.yaml's.
    pub fn team_url(&self) -> Result<Option<String>, ApiError> {
        let saved = self.with_store(|store| {
            store
                .get_preference(crate::team::URL_KEY)
                .map_err(ApiError::from)
        })?;
        Ok(saved.or_else(|| {
            self.config
                .config
                .as_ref()
                .and_then(|c| c.team_backend_base_url())
                .map(|u| u.as_str().trim_end_matches('/').to_string())
        }))
    }

    /// The credential for the team backend (the token saved for its origin, else the
    /// signed-in session's), `None` when there is none; keychain failures are errors.
    pub fn team_token(&self) -> Result<Option<Sensitive<String>>, ApiError> {
        match self.team_url()? {
            Some(url) => Ok(self.credential_for(&url)?.token),
            None => Ok(None),
        }
    }

    pub fn team_backend(&self) -> Result<TeamBackend, ApiError> {
        let url = self.team_url()?;
        let origin = self.team_origin()?;
        let (token_set, keychain_error) = match self
            .keychain
            .get()
            .and_then(|k| k.status(TEAM_BACKEND_TOKEN))
        {
            Ok(status) => (
                status == backlot_secrets::SecretStatus::Set
                    && origin.is_some()
                    && self.token_origin()? == origin,
                None,
            ),
            Err(e) => (false, Some(ApiError::from(e))),
        };
        Ok(TeamBackend {
            url,
            token_set,
            keychain_error,
            sync: self.sync_state()?,
            session: self.session.state(origin.as_deref()),
        })
    }

    pub(crate) fn sync_state(&self) -> Result<SyncState, ApiError> {
        let status = self.with_store(|store| store.sync_status().map_err(ApiError::from))?;
        Ok(self.sync.state(status))
    }

    /// Saves the team URL and, when given, a token for it (into the keychain, bound to the
    /// URL's origin; the signed-in session, if any, ends: one credential at a time). A
    /// token saved for another origin stays with it and is never sent to this one.
    pub fn save_team_backend(
        &self,
        url: &str,
        token: Option<String>,
    ) -> Result<TeamBackend, ApiError> {
        let url = url.trim().trim_end_matches('/');
        crate::team::check_url(url)?;
        // A token saved before tokens were bound belongs to the URL it was used with.
        self.token_origin()?;
        if let Some(token) = token {
            self.keychain
                .get()?
                .set(TEAM_BACKEND_TOKEN, &Sensitive::new(token))?;
            self.bind_token(&crate::session::origin_of(url)?)?;
            self.sign_out()?;
        }
        self.save_team_url(url)?;
        self.team_backend()
    }

    pub(crate) fn save_team_url(&self, url: &str) -> Result<(), ApiError> {
        self.token_origin()?;
        self.with_store(|store| {
            store
                .set_preference(crate::team::URL_KEY, url)
                .map_err(ApiError::from)
        })
    }

    /// Starts a sync in the background (incremental when a previous sync from the same
    /// backend succeeded, unless `full`) and returns at once; progress shows in
    /// `team_backend().sync`. One sync at a time. `accept_shrink`: apply it even if the team
    /// catalog shrinks drastically (otherwise such a sync is refused and recorded).
    pub fn start_sync(&self, full: bool, accept_shrink: bool) -> Result<SyncState, ApiError> {
        // A keychain that cannot be read means no token: a backend that needs one answers
        // 401, which the status then shows.
        let credential = match self.team_url()? {
            Some(url) => self.credential_for(&url).unwrap_or_default(),
            None => Credential::default(),
        };
        let job = self.prepare_sync(None, &credential, full, accept_shrink)?;
        let cancel = self.begin_sync(job.mode)?;
        let runner = self.sync.clone();
        let progress = self.sync.clone();
        let options = SyncOptions::new()
            .with_cancel(cancel)
            .with_progress(move |p| progress.progress(p));
        let store_path = self.store_path.clone();
        let session = self.session.clone();
        let url = job.url.clone();
        self.runtime.handle()?.spawn(async move {
            let result = run_sync(job, &options, &session, &store_path).await;
            if let Err(error) = &result {
                // The engine rolled the catalog back; record why, for Settings and the header.
                if let Ok(store) = Store::open(&store_path) {
                    let _ = store.record_sync_failure(&url, error);
                }
            }
            runner.finish();
        });
        self.sync_state()
    }

    /// Syncs now and waits for the outcome (`backlot sync`): from `backend` (default: the
    /// team backend's URL) with `credential` (see [`Api::credential_for`]), reporting progress to
    /// `progress`. Setup problems are errors; the sync's own outcome is in [`SyncRun`].
    pub fn sync_and_wait(
        &self,
        backend: Option<&str>,
        credential: &Credential,
        mode: SyncRequest,
        progress: impl Fn(&Progress) + Send + Sync + 'static,
    ) -> Result<SyncRun, ApiError> {
        let job = self.prepare_sync(backend, credential, mode.full, mode.accept_shrink)?;
        let cancel = self.begin_sync(job.mode)?;
        let runner = self.sync.clone();
        let options = SyncOptions::new()
            .with_cancel(cancel)
            .with_progress(move |p| {
                runner.progress(p);
                progress(p);
            });
        let (url, sync_mode) = (job.url.clone(), job.mode);
        let result =
            self.runtime
                .block_on(run_sync(job, &options, &self.session, &self.store_path));
        self.sync.finish();
        let result = match result? {
            Ok(report) => Ok((
                report,
                self.with_store(|s| s.sync_status().map_err(ApiError::from))?,
            )),
            Err(error) => {
                self.with_store(|s| s.record_sync_failure(&url, &error).map_err(ApiError::from))?;
                Err(error)
            }
        };
        Ok(SyncRun {
            backend: url,
            mode: sync_mode,
            result,
        })
    }

    /// Where, how and into what a sync goes; checks everything that can be checked before
    /// the first request.
    fn prepare_sync(
        &self,
        backend: Option<&str>,
        credential: &Credential,
        full: bool,
        accept_shrink: bool,
    ) -> Result<SyncJob, ApiError> {
        let url = match backend.map(str::trim).filter(|b| !b.is_empty()) {
            Some(url) => url.trim_end_matches('/').to_string(),
            None => self.team_url()?.ok_or_else(|| {
                ApiError::invalid_input(
                    "no team backend: set its URL in Settings → Team backend (or backend.baseUrl in app-config.yaml)",
                )
            })?,
        };
        let status = self.with_store(|store| store.sync_status().map_err(ApiError::from))?;
        let synced_before = status.is_some_and(|s| s.last_success_ms.is_some() && s.source == url);
        let mode = if full || !synced_before {
            SyncMode::Full
        } else {
            SyncMode::Incremental
        };
        let client = CatalogClient::new(&url, credential.token.as_ref(), ClientOptions::default())
            .map_err(ApiError::from)?;
        let target = self
            .with_store(|store| store.team_sync(client.base_url()).map_err(ApiError::from))?
            .accept_shrink(accept_shrink);
        Ok(SyncJob {
            url: client.base_url().to_string(),
            client,
            target,
            mode,
            source: credential.source,
            accept_shrink,
        })
    }

    fn begin_sync(&self, mode: SyncMode) -> Result<backlot_catalog_sync::CancelToken, ApiError> {
        self.sync
            .begin(crate::team::mode_name(mode))
            .ok_or_else(|| ApiError::new(ErrorCode::Conflict, "a sync is already running"))
    }

    /// Minutes between background syncs: `backlot.teamBackend.syncIntervalMinutes` in
    /// app-config.yaml, default 15; 0 turns background sync off.
    pub fn sync_interval_minutes(&self) -> u64 {
        self.config
            .config
            .as_ref()
            .and_then(|c| c.backlot.team_sync_interval_minutes)
            .unwrap_or(crate::team::DEFAULT_INTERVAL_MINUTES)
    }

    /// Starts an incremental sync when a team backend is set, background sync is on, none
    /// is running, and the last attempt is older than the interval. Returns whether it did.
    pub fn sync_if_due(&self, now_ms: u64) -> Result<bool, ApiError> {
        let interval = self.sync_interval_minutes();
        if interval == 0 || self.team_url()?.is_none() || self.sync.state(None).running.is_some() {
            return Ok(false);
        }
        let status = self.with_store(|store| store.sync_status().map_err(ApiError::from))?;
        let last = status.and_then(|s| s.last_attempt_ms).unwrap_or(0);
        if now_ms.saturating_sub(last) < interval * 60_000 {
            return Ok(false);
        }
        self.start_sync(false, false)?;
        Ok(true)
    }

    /// Checks `url` with the token given, else the stored one. Saves nothing.
    pub fn test_team_backend(
        &self,
        url: &str,
        token: Option<String>,
    ) -> Result<ConnectionCheck, ApiError> {
        let url = url.trim().trim_end_matches('/');
        crate::team::check_url(url)?;
        // No token typed: only a credential saved or issued for this URL's origin is sent.
        // An unreadable keychain means no token: a backend that needs one says so.
        let token = match token {
            Some(t) => Some(Sensitive::new(t)),
            None => self.credential_for(url).map(|c| c.token).unwrap_or(None),
        };
        let info = self
            .runtime
            .block_on(backlot_catalog_sync::test_connection(url, token.as_ref()))?
            .map_err(ApiError::from)?;
        Ok(ConnectionCheck {
            entity_count: info.entity_count,
            duration_ms: info.latency_ms,
        })
    }
}
