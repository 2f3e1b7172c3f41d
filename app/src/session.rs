//! The signed-in session with the team backend: the access token in memory, the refresh
//! token in the keychain (bound to the backend it came from), renewal ahead of expiry and
//! after a 401, and sign-out. The OAuth steps themselves are `backlot_team_auth`'s.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use backlot_model::ApiError;
use backlot_model::ipc::SessionState;
use backlot_secrets::{SecretError, Sensitive};
use backlot_team_auth::{AuthClient, AuthError, ClientMetadata, Pkce, Tokens};
use serde::{Deserialize, Serialize};

use crate::credentials::KeychainSlot;

/// The keychain entry holding the session (backend, client id, refresh token, user).
pub const SESSION_SECRET: &str = "team-backend-session";
/// Renew this long before the access token expires.
const RENEW_AHEAD: Duration = Duration::from_secs(60);
/// Without `expires_in`, assume Backstage's default lifetime of a user token.
const DEFAULT_LIFETIME: Duration = Duration::from_secs(3600);
/// How long a sign-in waits for the browser.
pub const SIGN_IN_TIMEOUT: Duration = Duration::from_secs(10 * 60);

/// The origin (`scheme://host:port`) of `url`, the unit a credential is bound to.
pub fn origin_of(url: &str) -> Result<String, ApiError> {
    let parsed = url::Url::parse(url.trim())
        .map_err(|e| ApiError::invalid_input(format!("“{url}” is not a URL: {e}")))?;
    Ok(parsed.origin().ascii_serialization())
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Stored {
    /// The backend's base URL the session belongs to.
    backend: String,
    client_id: String,
    refresh_token: String,
    user: Option<String>,
}

struct Access {
    origin: String,
    token: Sensitive<String>,
    expires_at: Instant,
    user: Option<String>,
}

#[derive(Default)]
struct State {
    access: Option<Access>,
    /// The sign-in waiting for the browser: its origin, address, and the task to stop.
    pending: Option<(String, String, tokio::task::AbortHandle)>,
    error: Option<ApiError>,
}

/// One sign-in between its start and the code coming back.
pub struct SignIn {
    pub client: AuthClient,
    pub metadata: ClientMetadata,
    pub pkce: Pkce,
    pub authorize_url: String,
}

impl SignIn {
    /// Fetches the client metadata document and prepares PKCE and the authorize address.
    pub async fn prepare(url: &str) -> Result<Self, AuthError> {
        let client = AuthClient::new(url)?;
        let metadata = client.metadata().await?;
        let pkce = Pkce::new()?;
        let authorize_url = client.authorize_url(&metadata, &pkce)?;
        Ok(Self {
            client,
            metadata,
            pkce,
            authorize_url,
        })
    }

    pub fn origin(&self) -> Result<String, ApiError> {
        origin_of(self.client.base_url())
    }
}

pub struct SessionSlot {
    keychain: Arc<KeychainSlot>,
    state: Mutex<State>,
    /// One renewal at a time: a rotated refresh token must not be spent twice.
    renewing: tokio::sync::Mutex<()>,
}

impl SessionSlot {
    pub fn new(keychain: Arc<KeychainSlot>) -> Self {
        Self {
            keychain,
            state: Mutex::default(),
            renewing: tokio::sync::Mutex::new(()),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The stored session; keychain failures are errors.
    fn load(&self) -> Result<Option<Stored>, ApiError> {
        match self.keychain.get().and_then(|k| k.get(SESSION_SECRET)) {
            Ok(value) => Ok(serde_json::from_str(value.expose()).ok()),
            Err(SecretError::NotFound { .. }) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    fn save(&self, stored: &Stored) -> Result<(), ApiError> {
        let json = serde_json::to_string(stored).map_err(|e| ApiError::internal(e.to_string()))?;
        self.keychain
            .get()?
            .set(SESSION_SECRET, &Sensitive::new(json))?;
        Ok(())
    }

    fn forget(&self) -> Result<(), ApiError> {
        self.lock().access = None;
        match self.keychain.get().and_then(|k| k.delete(SESSION_SECRET)) {
            // No keychain: nothing was stored there.
            Ok(_) | Err(SecretError::NotFound { .. } | SecretError::NoService { .. }) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    /// Records a sign-in waiting for the browser (replacing and stopping an older one).
    pub fn set_pending(&self, origin: String, url: String, task: tokio::task::AbortHandle) {
        let mut state = self.lock();
        if let Some((_, _, old)) = state.pending.replace((origin, url, task)) {
            old.abort();
        }
        state.error = None;
    }

    /// Stops a sign-in waiting for the browser.
    pub fn cancel_pending(&self) {
        if let Some((_, _, task)) = self.lock().pending.take() {
            task.abort();
        }
    }

    /// How the sign-in that was waiting ended.
    pub fn finish_pending(&self, outcome: Result<(), ApiError>) {
        let mut state = self.lock();
        state.pending = None;
        state.error = outcome.err();
    }

    /// Completes a sign-in with the code the browser brought back: code exchange, who the
    /// user is, then the refresh token into the keychain and the access token into memory.
    /// Nothing is stored when any step fails. Returns the user's entity ref.
    pub async fn complete(&self, sign_in: &SignIn, code: &str) -> Result<Option<String>, ApiError> {
        let tokens = sign_in
            .client
            .exchange(&sign_in.metadata, code, &sign_in.pkce.verifier)
            .await?;
        let user = sign_in.client.userinfo(&tokens.access_token).await?.sub;
        let backend = sign_in.client.base_url().to_string();
        if let Some(refresh) = &tokens.refresh_token {
            self.save(&Stored {
                backend: backend.clone(),
                client_id: sign_in.metadata.client_id.clone(),
                refresh_token: refresh.expose().clone(),
                user: Some(user.clone()),
            })?;
        } else {
            // No refresh tokens from this backend: the session lives as long as the access
            // token, and an older stored one (another backend's) must not outlive it.
            self.forget()?;
        }
        self.keep(origin_of(&backend)?, tokens, Some(user.clone()));
        Ok(Some(user))
    }

    fn keep(&self, origin: String, tokens: Tokens, user: Option<String>) {
        let lifetime = tokens
            .expires_in
            .map(Duration::from_secs)
            .unwrap_or(DEFAULT_LIFETIME);
        let mut state = self.lock();
        state.access = Some(Access {
            origin,
            token: tokens.access_token,
            expires_at: Instant::now() + lifetime,
            user,
        });
        state.error = None;
    }

    /// An access token for the backend at `origin`: the one in memory while it has more
    /// than a minute left, else a renewed one. `renew`: renew even so (after a 401).
    /// `Ok(None)` when not signed in there; an error when the session ended (then the
    /// state asks to sign in again) or the backend cannot be reached.
    pub async fn access_token(
        &self,
        origin: &str,
        renew: bool,
    ) -> Result<Option<Sensitive<String>>, ApiError> {
        let fresh = |state: &State| {
            state.access.as_ref().and_then(|a| {
                (a.origin == origin && a.expires_at > Instant::now() + RENEW_AHEAD)
                    .then(|| a.token.clone())
            })
        };
        let before = self.lock().access.as_ref().map(|a| a.expires_at);
        if !renew && let Some(token) = fresh(&self.lock()) {
            return Ok(Some(token));
        }
        let _one_at_a_time = self.renewing.lock().await;
        // Renewed by another caller while this one waited.
        let after = self.lock().access.as_ref().map(|a| a.expires_at);
        if after != before
            && let Some(token) = fresh(&self.lock())
        {
            return Ok(Some(token));
        }
        let stored = self
            .load()?
            .filter(|s| origin_of(&s.backend).is_ok_and(|o| o == origin));
        let Some(stored) = stored else {
            let had_one = self
                .lock()
                .access
                .as_ref()
                .is_some_and(|a| a.origin == origin);
            if had_one {
                let error = ApiError::from(AuthError::SessionExpired {
                    detail: "the access token expired and this backend issues no refresh tokens"
                        .into(),
                });
                let mut state = self.lock();
                state.access = None;
                state.error = Some(error.clone());
                return Err(error);
            }
            return Ok(None);
        };
        let client = AuthClient::new(&stored.backend)?;
        match client
            .refresh(
                &stored.client_id,
                &Sensitive::new(stored.refresh_token.clone()),
            )
            .await
        {
            Ok(tokens) => {
                if let Some(rotated) = &tokens.refresh_token
                    && *rotated.expose() != stored.refresh_token
                {
                    self.save(&Stored {
                        refresh_token: rotated.expose().clone(),
                        ..stored
                    })?;
                }
                let user = self.load().ok().flatten().and_then(|s| s.user);
                let token = tokens.access_token.clone();
                self.keep(origin.to_string(), tokens, user);
                Ok(Some(token))
            }
            Err(e @ AuthError::SessionExpired { .. }) => {
                // The refresh token is spent or revoked: forget it, keep the catalog.
                let error = ApiError::from(e);
                self.forget()?;
                self.lock().error = Some(error.clone());
                Err(error)
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Signs out: revokes the refresh token on its backend (best effort, bounded) and
    /// forgets the session here whatever the backend says.
    pub async fn sign_out(&self) -> Result<(), ApiError> {
        self.cancel_pending();
        let stored = match self.load() {
            Ok(stored) => stored,
            // No keychain: nothing can have been stored; only memory is left to clear.
            Err(e) if e.code == backlot_model::ErrorCode::KeychainUnavailable => None,
            Err(e) => return Err(e),
        };
        if let Some(stored) = stored
            && let Ok(client) = AuthClient::new(&stored.backend)
        {
            let refresh_token = Sensitive::new(stored.refresh_token.clone());
            let revoke = client.revoke(&stored.client_id, &refresh_token);
            match tokio::time::timeout(Duration::from_secs(10), revoke).await {
                Ok(Ok(())) => {}
                Ok(Err(e)) => tracing::warn!(error = %e, "revoking the session failed"),
                Err(_) => tracing::warn!("revoking the session timed out"),
            }
        }
        self.forget()?;
        self.lock().error = None;
        Ok(())
    }

    /// The session as Settings shows it, for the backend at `origin`.
    pub fn state(&self, origin: Option<&str>) -> SessionState {
        let stored = self
            .load()
            .ok()
            .flatten()
            .filter(|s| origin.is_some_and(|o| origin_of(&s.backend).is_ok_and(|so| so == o)));
        let state = self.lock();
        let memory = state
            .access
            .as_ref()
            .filter(|a| origin == Some(a.origin.as_str()) && a.expires_at > Instant::now());
        SessionState {
            signed_in: stored.is_some() || memory.is_some(),
            user: stored
                .as_ref()
                .and_then(|s| s.user.clone())
                .or_else(|| memory.and_then(|a| a.user.clone())),
            renews: stored.is_some(),
            pending: state.pending.as_ref().map(|(_, url, _)| url.clone()),
            error: state.error.clone(),
        }
    }
}
