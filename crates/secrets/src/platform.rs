//! The platform's credential store, chosen at compile time.

use std::sync::Arc;

use keyring_core::CredentialStore;

use crate::error::{SecretError, from_keyring_open};

#[cfg(target_os = "linux")]
pub(crate) fn default_store() -> Result<Arc<CredentialStore>, SecretError> {
    let store = zbus_secret_service_keyring_store::Store::new().map_err(from_keyring_open)?;
    Ok(store)
}

#[cfg(target_os = "macos")]
pub(crate) fn default_store() -> Result<Arc<CredentialStore>, SecretError> {
    let store = apple_native_keyring_store::keychain::Store::new().map_err(from_keyring_open)?;
    Ok(store)
}

#[cfg(target_os = "windows")]
pub(crate) fn default_store() -> Result<Arc<CredentialStore>, SecretError> {
    let store = windows_native_keyring_store::Store::new().map_err(from_keyring_open)?;
    Ok(store)
}

#[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
pub(crate) fn default_store() -> Result<Arc<CredentialStore>, SecretError> {
    Err(SecretError::NoService {
        detail: "this platform has no supported keychain".into(),
    })
}
