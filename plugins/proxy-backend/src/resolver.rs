//! Where `${secret:NAME}` values come from when a request is made.

use backlot_secrets::{Keychain, SecretError, Sensitive};

/// Resolves a secret by name. May block (keychain D-Bus calls): the proxy calls it on a
/// blocking thread (`spawn_blocking`), only for endpoints whose headers reference secrets.
pub trait SecretResolver: Send + Sync + 'static {
    fn resolve(&self, name: &str) -> Result<Sensitive<String>, SecretError>;
}

impl SecretResolver for Keychain {
    fn resolve(&self, name: &str) -> Result<Sensitive<String>, SecretError> {
        self.get(name)
    }
}

/// For configurations without secrets: every lookup is `NotFound`.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoSecrets;

impl SecretResolver for NoSecrets {
    fn resolve(&self, name: &str) -> Result<Sensitive<String>, SecretError> {
        Err(SecretError::NotFound { name: name.to_owned() })
    }
}
