//! The pooled HTTP client: timeouts and trusted roots. It follows no redirect itself: the
//! proxy does, only those that stay with the endpoint (`redirect.rs`), so injected
//! credentials never reach another origin or another path prefix.

use backlot_config::ProxyTuning;
use reqwest::redirect::Policy;

use crate::error::ProxyError;

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
        let pem = std::fs::read(path).map_err(|e| {
            ProxyError::Client(format!("cannot read the CA file {}: {e}", path.display()))
        })?;
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
