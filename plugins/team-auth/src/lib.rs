//! Signing in to a team Backstage as its own CLI does (`backstage-cli auth login`): OAuth 2.0
//! authorization code with PKCE against `@backstage/plugin-auth-backend`'s OIDC router.
//!
//! - [`AuthClient`]: the client metadata document (its URL is the client id), the authorize
//!   URL, code exchange, refresh, revoke, userinfo.
//! - [`Pkce`]: verifier, S256 challenge, state and nonce of one sign-in.
//! - [`Listener`]: the one-shot loopback listener the browser is sent back to;
//!   [`code_from_pasted`] for an address pasted by hand.
//! - [`AuthError`]: every failure, with what to do about it.
//!
//! Storage is the caller's: this crate holds no token beyond the call that returns it.

mod callback;
mod client;
mod error;
mod pkce;

pub use callback::{Listener, code_from_pasted, code_from_query};
pub use client::{AuthClient, ClientMetadata, METADATA_PATH, Tokens, UserInfo, normalize_base};
pub use error::{ADMIN_SETTINGS, AuthError};
pub use pkce::{Pkce, challenge, random_token};
