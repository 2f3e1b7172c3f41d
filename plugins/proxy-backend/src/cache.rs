//! An optional cache in front of a slow resolver (a keychain lookup is a D-Bus round trip).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use backlot_secrets::{SecretError, Sensitive};

use crate::resolver::SecretResolver;

/// Remembers resolved secrets for `ttl`. Call [`invalidate`](Self::invalidate) when the
/// user sets or deletes a secret so the next request sees the change at once.
pub struct CachingResolver<R> {
    inner: R,
    ttl: Duration,
    cache: Mutex<HashMap<String, (Instant, Sensitive<String>)>>,
}

impl<R: SecretResolver> CachingResolver<R> {
    pub fn new(inner: R, ttl: Duration) -> Self {
        Self {
            inner,
            ttl,
            cache: Mutex::new(HashMap::new()),
        }
    }

    pub fn invalidate(&self, name: &str) {
        if let Ok(mut c) = self.cache.lock() {
            c.remove(name);
        }
    }

    pub fn clear(&self) {
        if let Ok(mut c) = self.cache.lock() {
            c.clear();
        }
    }
}

impl<R: SecretResolver> SecretResolver for CachingResolver<R> {
    fn resolve_now(&self, name: &str) -> Option<Sensitive<String>> {
        let c = self.cache.lock().ok()?;
        let (at, value) = c.get(name)?;
        (at.elapsed() < self.ttl).then(|| value.clone())
    }

    fn resolve(&self, name: &str) -> Result<Sensitive<String>, SecretError> {
        if let Some(value) = self.resolve_now(name) {
            return Ok(value);
        }
        let value = self.inner.resolve(name)?;
        if let Ok(mut c) = self.cache.lock() {
            c.insert(name.to_owned(), (Instant::now(), value.clone()));
        }
        Ok(value)
    }
}

impl<R> std::fmt::Debug for CachingResolver<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CachingResolver")
            .field("ttl", &self.ttl)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    struct Counting(AtomicUsize);
    impl SecretResolver for Counting {
        fn resolve(&self, name: &str) -> Result<Sensitive<String>, SecretError> {
            let n = self.0.fetch_add(1, Ordering::SeqCst);
            if name == "missing" {
                return Err(SecretError::NotFound { name: name.into() });
            }
            Ok(Sensitive::new(format!("v{n}")))
        }
    }

    #[test]
    fn caches_until_invalidated_and_never_caches_errors() {
        let r = CachingResolver::new(Counting(AtomicUsize::new(0)), Duration::from_secs(60));
        assert!(r.resolve_now("a").is_none());
        assert_eq!(r.resolve("a").map(|v| v.into_inner()), Ok("v0".into()));
        assert_eq!(r.resolve("a").map(|v| v.into_inner()), Ok("v0".into()));
        assert_eq!(
            r.resolve_now("a").map(|v| v.into_inner()),
            Some("v0".into())
        );
        r.invalidate("a");
        assert_eq!(r.resolve("a").map(|v| v.into_inner()), Ok("v1".into()));
        assert!(r.resolve("missing").is_err());
        assert!(r.resolve("missing").is_err());
        assert_eq!(r.inner.0.load(Ordering::SeqCst), 4);
        let expired = CachingResolver::new(Counting(AtomicUsize::new(0)), Duration::ZERO);
        let _ = expired.resolve("a");
        let _ = expired.resolve("a");
        assert_eq!(expired.inner.0.load(Ordering::SeqCst), 2);
    }
}
