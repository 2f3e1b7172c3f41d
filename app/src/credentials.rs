//! The OS keychain as the app uses it: opened on first use (and retried while it is
//! unavailable, so starting GNOME Keyring later needs no restart), and the secret
//! resolver the proxy reads `${secret:NAME}` through. Values never leave this module
//! except into request headers.

use std::sync::Mutex;

use backlot_model::ApiError;
use backlot_model::ipc::{Credentials, SecretStatus as SecretStatusInfo};
use backlot_proxy_backend::SecretResolver;
use backlot_secrets::{Keychain, SecretError, SecretStatus, Sensitive};

#[derive(Default)]
pub struct KeychainSlot {
    /// Another service name than Backlot's (tests).
    service: Option<String>,
    open: Mutex<Option<Keychain>>,
}

impl KeychainSlot {
    pub fn new(service: Option<String>) -> Self {
        Self {
            service,
            open: Mutex::default(),
        }
    }

    /// The keychain, opening it now if it is not open yet. Blocks (D-Bus).
    pub fn get(&self) -> Result<Keychain, SecretError> {
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(keychain) = &*open {
            return Ok(keychain.clone());
        }
        let keychain = match &self.service {
            Some(service) => Keychain::open_service(service)?,
            None => Keychain::open()?,
        };
        *open = Some(keychain.clone());
        Ok(keychain)
    }

    /// Status of each needed secret; a keychain that cannot be reached is reported once,
    /// with every secret shown as not set.
    pub fn credentials(&self, needed: Vec<(String, Vec<String>)>) -> Credentials {
        let keychain = self.get();
        let mut keychain_error = keychain.as_ref().err().map(|e| ApiError::from(e.clone()));
        let mut secrets = Vec::with_capacity(needed.len());
        for (name, used_by) in needed {
            let set = match &keychain {
                Ok(k) => match k.status(&name) {
                    Ok(status) => status == SecretStatus::Set,
                    Err(e) => {
                        keychain_error.get_or_insert_with(|| ApiError::from(e));
                        false
                    }
                },
                Err(_) => false,
            };
            secrets.push(SecretStatusInfo { name, set, used_by });
        }
        Credentials {
            keychain_error,
            secrets,
        }
    }

    pub fn set(
        &self,
        name: &str,
        value: String,
        used_by: Vec<String>,
    ) -> Result<SecretStatusInfo, ApiError> {
        self.get()?.set(name, &Sensitive::new(value))?;
        Ok(SecretStatusInfo {
            name: name.to_string(),
            set: true,
            used_by,
        })
    }

    pub fn delete(&self, name: &str, used_by: Vec<String>) -> Result<SecretStatusInfo, ApiError> {
        self.get()?.delete(name)?;
        Ok(SecretStatusInfo {
            name: name.to_string(),
            set: false,
            used_by,
        })
    }
}

impl SecretResolver for KeychainSlot {
    fn resolve(&self, name: &str) -> Result<Sensitive<String>, SecretError> {
        self.get()?.get(name)
    }
}
