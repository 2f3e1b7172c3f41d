//! Why signing in, refreshing or signing out failed, in words meant for the person signing
//! in, and its mapping to the IPC `{code, message}`. Messages never contain a token, a code
//! or a verifier.

use backlot_model::{ApiError, ErrorCode};

/// The two settings a Backstage admin turns on for apps to sign in (Backstage's CLI needs
/// the same): client metadata documents, and refresh tokens to stay signed in.
pub const ADMIN_SETTINGS: &str = "auth.clientIdMetadataDocuments.enabled: true (before @backstage/plugin-auth-backend 0.31: auth.experimentalClientIdMetadataDocuments.enabled) and auth.experimentalRefreshToken.enabled: true";

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("“{url}” is not a team backend URL: {reason}")]
    InvalidUrl { url: String, reason: String },

    #[error("cannot set up the HTTP client: {0}")]
    Client(String),

    #[error("cannot reach the team backend at {host}: {detail}")]
    Unreachable { host: String, detail: String },

    #[error(
        "the team backend at {host} does not offer sign-in for apps (no client metadata document at /api/auth/.well-known/oauth-client/cli.json). Its Backstage admin must set {ADMIN_SETTINGS} in app-config.yaml; until then, use a token"
    )]
    NotOffered { host: String },

    #[error("the team backend's sign-in answered something unexpected: {detail}")]
    Unexpected { detail: String },

    #[error(
        "port {port} on 127.0.0.1 is in use, and the team backend sends the browser back to it after sign-in. Close what uses it (another Backlot or Backstage CLI sign-in?) and try again"
    )]
    PortBusy { port: u16 },

    #[error(
        "the sign-in page came back with a different state: this answer is not for this sign-in, nothing was stored. Sign in again"
    )]
    StateMismatch,

    #[error("sign-in was declined in the browser ({detail}); nothing was stored")]
    Denied { detail: String },

    #[error("the browser did not come back within {minutes} minutes; sign in again")]
    TimedOut { minutes: u64 },

    #[error("that is not the address the browser ended on after sign-in: {detail}")]
    BadRedirect { detail: String },

    #[error(
        "the team backend refused the sign-in code ({detail}); nothing was stored. Sign in again"
    )]
    CodeRefused { detail: String },

    #[error(
        "the sign-in has expired or was revoked ({detail}): sign in again; the offline catalog is kept"
    )]
    SessionExpired { detail: String },

    #[error("the team backend's sign-in failed with HTTP {status}: {detail}")]
    Server { status: u16, detail: String },

    #[error("sign-in was cancelled")]
    Cancelled,
}

impl AuthError {
    /// Whether signing in again is the way out (the UI then offers Sign in).
    pub fn needs_sign_in(&self) -> bool {
        matches!(
            self,
            Self::SessionExpired { .. } | Self::CodeRefused { .. } | Self::StateMismatch
        )
    }

    pub fn code(&self) -> ErrorCode {
        match self {
            Self::InvalidUrl { .. } | Self::BadRedirect { .. } => ErrorCode::InvalidInput,
            Self::Unreachable { .. }
            | Self::Server { .. }
            | Self::Unexpected { .. }
            | Self::TimedOut { .. } => ErrorCode::Offline,
            Self::NotOffered { .. } => ErrorCode::Unsupported,
            Self::PortBusy { .. } | Self::Cancelled => ErrorCode::Conflict,
            Self::StateMismatch
            | Self::Denied { .. }
            | Self::CodeRefused { .. }
            | Self::SessionExpired { .. } => ErrorCode::Unauthorized,
            Self::Client(_) => ErrorCode::Internal,
        }
    }
}

impl From<AuthError> for ApiError {
    fn from(e: AuthError) -> Self {
        ApiError::new(e.code(), e.to_string())
    }
}
