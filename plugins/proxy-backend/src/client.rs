//! The pooled HTTP client: timeouts and trusted roots. It follows no redirect itself: the
//! proxy does, only those that stay with the endpoint (`redirect.rs`), so injected
//! credentials never reach another origin or another path prefix.

use backlot_config::ProxyTuning;
use reqwest::redirect::Policy;

use crate::error::ProxyError;

/// Largest CA bundle read (bytes): a system bundle is ~200 KB.
const MAX_CA_FILE_BYTES: u64 = 4 * 1024 * 1024;

pub(crate) fn build(
    tuning: &ProxyTuning,
    extra_roots_pem: Option<&[u8]>,
) -> Result<reqwest::Client, ProxyError> {
    let mut builder = reqwest::Client::builder()
        .connect_timeout(tuning.connect_timeout)
        .read_timeout(tuning.idle_timeout)
        .pool_max_idle_per_host(32)
        .redirect(Policy::none())
        .user_agent(concat!("backlot-proxy/", env!("CARGO_PKG_VERSION")));
    let mut roots = Vec::new();
    if let Some(path) = &tuning.ca_file {
        let pem = backlot_safe_fs::read_capped(path, MAX_CA_FILE_BYTES)
            .map_err(|e| ProxyError::Client(format!("the CA file: {e}")))?;
        roots.extend(parse_roots(&pem, &path.display().to_string())?);
    }
    if let Some(pem) = extra_roots_pem {
        roots.extend(parse_roots(pem, "the extra CA certificates")?);
    }
    if !roots.is_empty() {
        builder = builder.tls_certs_merge(roots);
    }
    builder
        .build()
        .map_err(|e| ProxyError::Client(crate::error::describe(e)))
}

fn parse_roots(pem: &[u8], what: &str) -> Result<Vec<reqwest::Certificate>, ProxyError> {
    let certs = reqwest::Certificate::from_pem_bundle(pem)
        .map_err(|e| ProxyError::Client(format!("{what} is not a PEM certificate bundle: {e}")))?;
    if certs.is_empty() {
        return Err(ProxyError::Client(format!(
            "{what} contains no certificate"
        )));
    }
    Ok(certs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn a_ca_file_that_is_a_device_or_too_large_is_refused_unread() {
        let tuning = |path: &std::path::Path| ProxyTuning {
            ca_file: Some(path.to_path_buf()),
            ..ProxyTuning::default()
        };
        let err = build(&tuning(std::path::Path::new("/dev/zero")), None).unwrap_err();
        assert!(
            err.to_string().contains("/dev/zero is a character device"),
            "{err}"
        );
        let dir = tempfile::tempdir().unwrap();
        let huge = dir.path().join("ca.pem");
        std::fs::write(&huge, vec![b'-'; MAX_CA_FILE_BYTES as usize + 1]).unwrap();
        let err = build(&tuning(&huge), None).unwrap_err();
        assert!(err.to_string().contains("is larger than"), "{err}");
    }
}
