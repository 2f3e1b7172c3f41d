//! Where `${secret:NAME}` values come from when a request is made.

use backlot_secrets::{Keychain, SecretError, Sensitive};

/// Resolves a secret by name. May block (keychain D-Bus calls): the proxy calls it on a
/// blocking thread (`spawn_blocking`), only for endpoints whose headers reference secrets.
pub trait SecretResolver: Send + Sync + 'static {
    /// May block.
    fn resolve(&self, name: &str) -> Result<Sensitive<String>, SecretError>;

    /// A value available without blocking (e.g. from a cache), if any. When every secret
    /// of an endpoint is available this way, the proxy skips the blocking thread.
    fn resolve_now(&self, _name: &str) -> Option<Sensitive<String>> {
        None
    }
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
        Err(SecretError::NotFound {
            name: name.to_owned(),
        })
    }
}

impl<T: SecretResolver + ?Sized> SecretResolver for std::sync::Arc<T> {
    fn resolve(&self, name: &str) -> Result<Sensitive<String>, SecretError> {
        (**self).resolve(name)
    }
    fn resolve_now(&self, name: &str) -> Option<Sensitive<String>> {
        (**self).resolve_now(name)
    }
}
