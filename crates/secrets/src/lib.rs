//! Backlot's OS keychain access and the [`Sensitive`] wrapper.
//!
//! Secrets flow one way: keychain → request headers. Values come out of [`Keychain::get`]
//! as [`Sensitive<String>`], which prints `<redacted>` and cannot be serialized.
//! All [`Keychain`] methods block: from async code use `tokio::task::spawn_blocking`.

mod error;
mod keychain;
mod platform;
mod sensitive;

pub use error::SecretError;
pub use keychain::{Keychain, SERVICE, SecretStatus, is_valid_name};
pub use sensitive::Sensitive;
