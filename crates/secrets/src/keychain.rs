//! Named secrets in the OS keychain, all under one service name.
//!
//! Every method BLOCKS (D-Bus round trips, possibly a desktop unlock prompt): from async
//! code call them inside `tokio::task::spawn_blocking`.

use std::sync::Arc;

use keyring_core::{CredentialStore, Entry};

use crate::error::{SecretError, from_keyring};
use backlot_model::Sensitive;

/// The keychain service name Backlot's secrets are stored under.
pub const SERVICE: &str = "backlot";

/// Whether a named secret is present. Never carries the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretStatus {
    Set,
    Missing,
}

#[derive(Clone)]
pub struct Keychain {
    store: Arc<CredentialStore>,
    service: String,
}

impl std::fmt::Debug for Keychain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keychain")
            .field("service", &self.service)
            .field("store", &self.store.vendor())
            .finish()
    }
}

/// Secret names: `[A-Za-z0-9_.-]`, 1–128 characters (the names `${secret:NAME}` accepts).
pub fn is_valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 128
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
}

impl Keychain {
    /// Opens the platform store (Secret Service on Linux, Keychain on macOS, Credential
    /// Manager on Windows) with service name [`SERVICE`]. Blocks.
    pub fn open() -> Result<Self, SecretError> {
        Self::open_service(SERVICE)
    }

    /// Like [`open`](Self::open) with another service name (tests use their own).
    pub fn open_service(service: &str) -> Result<Self, SecretError> {
        Ok(Self {
            store: crate::platform::default_store()?,
            service: service.to_owned(),
        })
    }

    /// Uses an existing store (e.g. keyring-core's mock store in UI tests).
    pub fn with_store(store: Arc<CredentialStore>, service: &str) -> Self {
        Self {
            store,
            service: service.to_owned(),
        }
    }

    pub fn service(&self) -> &str {
        &self.service
    }

    fn entry(&self, name: &str) -> Result<Entry, SecretError> {
        if !is_valid_name(name) {
            return Err(SecretError::InvalidName {
                name: name.to_owned(),
            });
        }
        Entry::new_in_store(&self.store, &self.service, name).map_err(|e| from_keyring(e, name))
    }

    /// Stores `value` under `name`, creating or replacing it. Blocks.
    pub fn set(&self, name: &str, value: &Sensitive<String>) -> Result<(), SecretError> {
        if value.expose().is_empty() {
            return Err(SecretError::Rejected {
                name: name.to_owned(),
                reason: "the value is empty".into(),
            });
        }
        self.entry(name)?
            .set_password(value.expose())
            .map_err(|e| from_keyring(e, name))
    }

    /// Replaces an existing secret; `NotFound` if there is none. Blocks.
    pub fn replace(&self, name: &str, value: &Sensitive<String>) -> Result<(), SecretError> {
        match self.status(name)? {
            SecretStatus::Set => self.set(name, value),
            SecretStatus::Missing => Err(SecretError::NotFound {
                name: name.to_owned(),
            }),
        }
    }

    /// The value, for building a request. Blocks.
    pub fn get(&self, name: &str) -> Result<Sensitive<String>, SecretError> {
        self.entry(name)?
            .get_password()
            .map(Sensitive::new)
            .map_err(|e| from_keyring(e, name))
    }

    /// Deletes the secret; `Ok(false)` if there was none. Blocks.
    pub fn delete(&self, name: &str) -> Result<bool, SecretError> {
        match self.entry(name)?.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring_core::Error::NoEntry) => Ok(false),
            Err(e) => Err(from_keyring(e, name)),
        }
    }

    /// Set or missing, without reading the value out of the store. Blocks.
    pub fn status(&self, name: &str) -> Result<SecretStatus, SecretError> {
        match self.entry(name)?.get_attributes() {
            Ok(_) => Ok(SecretStatus::Set),
            Err(keyring_core::Error::NoEntry) => Ok(SecretStatus::Missing),
            Err(e) => Err(from_keyring(e, name)),
        }
    }

    /// Status of each name (e.g. `Config::secret_names`), in the given order. Blocks.
    pub fn statuses<'a>(
        &self,
        names: impl IntoIterator<Item = &'a str>,
    ) -> Result<Vec<(String, SecretStatus)>, SecretError> {
        names
            .into_iter()
            .map(|n| Ok((n.to_owned(), self.status(n)?)))
            .collect()
    }
}
