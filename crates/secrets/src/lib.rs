//! Backlot's OS keychain access and the [`Sensitive`] wrapper.
//!
//! Secrets flow one way: keychain → request headers. Values come out of [`Keychain::get`]
//! as [`Sensitive<String>`], which prints `<redacted>` and cannot be serialized.
//! All [`Keychain`] methods block: from async code use `tokio::task::spawn_blocking`.

mod error;
mod keychain;
mod platform;

/// Kept in the wasm-safe model crate so plugins can hold secrets without the keychain code.
pub use backlot_model::Sensitive;
pub use error::SecretError;
pub use keychain::{Keychain, SERVICE, SecretStatus, is_valid_name};
