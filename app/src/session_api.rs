//! The API's side of signing in to the team backend, and which credential a request to a
//! backend may carry: a token only ever goes to the origin it was saved or issued for.

use backlot_model::ApiError;
use backlot_model::ipc::{SignInStarted, TEAM_BACKEND_TOKEN};
use backlot_secrets::{SecretError, Sensitive};
use backlot_team_auth::{AuthError, Listener, code_from_pasted};

use crate::Api;
use crate::session::{SIGN_IN_TIMEOUT, SignIn, origin_of};
use crate::team_api::Credential;

/// The preference holding the origin the stored team token was saved for.
const TOKEN_ORIGIN_KEY: &str = "team-backend.token-origin";

/// Where a request's credential came from (a session's is renewed after a 401).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum CredentialSource {
    #[default]
    None,
    Token,
    Session,
}

impl Api {
    /// The stored static token, whatever backend it belongs to; keychain failures are
    /// errors (the CLI then suggests `--token-env`).
    fn stored_token(&self) -> Result<Option<Sensitive<String>>, ApiError> {
        match self.keychain.get().and_then(|k| k.get(TEAM_BACKEND_TOKEN)) {
            Ok(token) => Ok(Some(token)),
            Err(SecretError::NotFound { .. }) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// The origin the stored token is bound to. A token saved before binding existed is
    /// bound now to the team URL it was used with.
    pub(crate) fn token_origin(&self) -> Result<Option<String>, ApiError> {
        let bound =
            self.with_store(|s| s.get_preference(TOKEN_ORIGIN_KEY).map_err(ApiError::from))?;
        if bound.is_some() {
            return Ok(bound);
        }
        let Some(url) = self.team_url()? else {
            return Ok(None);
        };
        // Without a readable keychain no token can be bound (saving a URL still works).
        if !matches!(self.stored_token(), Ok(Some(_))) {
            return Ok(None);
        }
        let origin = origin_of(&url)?;
        self.bind_token(&origin)?;
        Ok(Some(origin))
    }

    pub(crate) fn bind_token(&self, origin: &str) -> Result<(), ApiError> {
        self.with_store(|s| {
            s.set_preference(TOKEN_ORIGIN_KEY, origin)
                .map_err(ApiError::from)
        })
    }

    /// The static token if it was saved for `url`'s origin.
    pub(crate) fn token_for(&self, url: &str) -> Result<Option<Sensitive<String>>, ApiError> {
        let origin = origin_of(url)?;
        if self.token_origin()?.as_deref() != Some(origin.as_str()) {
            return Ok(None);
        }
        self.stored_token()
    }

    /// The credential for a request to the backend at `url`: the token saved for its
    /// origin, else the signed-in session's access token (renewed when due), else none.
    pub fn credential_for(&self, url: &str) -> Result<Credential, ApiError> {
        if let Some(token) = self.token_for(url)? {
            return Ok(Credential::given(token));
        }
        let origin = origin_of(url)?;
        let token = self
            .runtime
            .block_on(self.session.access_token(&origin, false))??;
        Ok(Credential {
            source: if token.is_some() {
                CredentialSource::Session
            } else {
                CredentialSource::None
            },
            token,
        })
    }

    /// Starts signing in to the backend at `url` (saved as the team URL): fetches the
    /// client metadata, listens on the redirect port, and waits in the background for the
    /// browser (`team_backend().session` tells how it ends). `open_browser`: open the
    /// sign-in page in the system browser (tests and the CLI's `--no-browser` do not).
    pub fn start_sign_in(&self, url: &str, open_browser: bool) -> Result<SignInStarted, ApiError> {
        let url = url.trim().trim_end_matches('/');
        crate::team::check_url(url)?;
        let sign_in = self.runtime.block_on(SignIn::prepare(url))??;
        let redirect = sign_in.metadata.redirect_uri()?.to_string();
        let listener = self.runtime.block_on(Listener::bind(&redirect))??;
        self.save_team_url(url)?;
        let authorize_url = sign_in.authorize_url.clone();
        let origin = sign_in.origin()?;
        let session = self.session.clone();
        let keychain_user = self.session.clone();
        let task = self.runtime.handle()?.spawn(async move {
            let waited = tokio::time::timeout(SIGN_IN_TIMEOUT, listener.wait(&sign_in.pkce.state));
            let outcome = match waited.await {
                Ok(Ok(code)) => keychain_user.complete(&sign_in, &code).await.map(|_| ()),
                Ok(Err(e)) => Err(e.into()),
                Err(_) => Err(AuthError::TimedOut {
                    minutes: SIGN_IN_TIMEOUT.as_secs() / 60,
                }
                .into()),
            };
            session.finish_pending(outcome);
        });
        self.session
            .set_pending(origin, authorize_url.clone(), task.abort_handle());
        if open_browser && let Err(e) = crate::open_external::open(&authorize_url) {
            tracing::warn!(error = %e.message, "could not open the browser for sign-in");
        }
        Ok(SignInStarted { authorize_url })
    }

    /// Signs in without a listener (`backlot login --no-browser`): shows the sign-in
    /// address through `show`, reads the address the browser ended on through `read`.
    pub fn sign_in_pasted(
        &self,
        url: &str,
        show: impl FnOnce(&str),
        read: impl FnOnce() -> Result<String, ApiError>,
    ) -> Result<Option<String>, ApiError> {
        let url = url.trim().trim_end_matches('/');
        crate::team::check_url(url)?;
        let sign_in = self.runtime.block_on(SignIn::prepare(url))??;
        show(&sign_in.authorize_url);
        let code = code_from_pasted(&read()?, &sign_in.pkce.state)?;
        let user = self
            .runtime
            .block_on(self.session.complete(&sign_in, &code))??;
        self.save_team_url(url)?;
        Ok(user)
    }

    /// Waits for a sign-in started by [`Api::start_sign_in`] to end (the CLI).
    pub fn wait_for_sign_in(&self) -> Result<backlot_model::ipc::SessionState, ApiError> {
        loop {
            let state = self.session.state(self.team_origin()?.as_deref());
            if state.pending.is_none() {
                return match state.error {
                    Some(e) => Err(e),
                    None => Ok(state),
                };
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
    }

    pub fn cancel_sign_in(&self) {
        self.session.cancel_pending();
    }

    /// Signs out of the team backend (revoked there, forgotten here); the catalog stays.
    pub fn sign_out(&self) -> Result<(), ApiError> {
        self.runtime.block_on(self.session.sign_out())?
    }

    pub(crate) fn team_origin(&self) -> Result<Option<String>, ApiError> {
        self.team_url()?.map(|u| origin_of(&u)).transpose()
    }

    /// The signed-in user's entity ref, for "me".
    pub(crate) fn signed_in_user(&self) -> Option<String> {
        let origin = self.team_origin().ok().flatten()?;
        let state = self.session.state(Some(&origin));
        state.signed_in.then_some(state.user).flatten()
    }
}
