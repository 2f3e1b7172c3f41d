//! Docs of team-backend entities: the site the team Backstage's TechDocs publishes under
//! `/api/techdocs/static/docs/<namespace>/<kind>/<name>/`, fetched with the team token
//! and kept under `<data dir>/techdocs/team/…` for offline reading. The token goes only
//! into the request header; the cache holds the site and the backend URL, never the token.
//!
//! The backend is not trusted with the disk: every file name it gives must be a plain
//! relative path on every platform (no `..`, no drive letter, no UNC path), every download
//! is counted chunk by chunk and cut at its cap, and the cached site is read back through
//! `backlot-safe-fs` (inside the site folder, regular files only, capped).
//!
//! This module holds the entry points (`serve`, `cached_or_serve`), the limits and where a
//! site is cached; [`site`] reads a cached site, [`render`] turns its pages into clean
//! docs pages, [`fetch`] downloads it from the backend.

use std::path::{Path, PathBuf};

use backlot_backend_plugin_api::RuntimeHandle;
use backlot_model::Sensitive;

use crate::error::{DocsError, Result};

mod fetch;
mod render;
mod site;
#[cfg(test)]
mod tests;

use fetch::fetching;
pub use fetch::{Remote, refresh};
pub use site::{Manifest, TeamSite};

const MANIFEST: &str = ".backlot-manifest.json";
const MAX_FILES: usize = 500;
const MAX_TOTAL_BYTES: u64 = 64 * 1024 * 1024;
/// One file of the site (a page, an image, the metadata) bigger than this is refused.
const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;
const MAX_IMAGE_BYTES: u64 = 5 * 1024 * 1024;
/// The cache's own manifest (pages and titles).
const MAX_MANIFEST_BYTES: u64 = 8 * 1024 * 1024;

/// How much one refresh may download.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Bytes of one file.
    pub file: u64,
    /// Bytes of the whole site.
    pub total: u64,
}

impl Limits {
    pub const DEFAULT: Limits = Limits {
        file: MAX_FILE_BYTES,
        total: MAX_TOTAL_BYTES,
    };
}

/// The site as it can be served now, and what the reader should know about it.
pub struct Served {
    pub site: TeamSite,
    pub offline: bool,
    pub notice: Option<String>,
}

/// The parts of an entity ref that name its site: `(namespace, kind, name)`, lowercased.
pub fn site_path(entity_ref: &str) -> Result<(String, String, String)> {
    let bad = || DocsError::UnsupportedRef {
        entity: entity_ref.to_string(),
        value: String::new(),
        why: "the entity ref cannot name a docs site".into(),
    };
    let (kind, rest) = entity_ref.split_once(':').ok_or_else(bad)?;
    let (namespace, name) = rest.split_once('/').ok_or_else(bad)?;
    let ok = |s: &str| {
        !s.is_empty()
            && s != "."
            && s != ".."
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
    };
    if !(ok(kind) && ok(namespace) && ok(name)) {
        return Err(bad());
    }
    Ok((
        namespace.to_lowercase(),
        kind.to_lowercase(),
        name.to_lowercase(),
    ))
}

fn cache_dir(data_dir: &Path, entity_ref: &str) -> Result<PathBuf> {
    let (namespace, kind, name) = site_path(entity_ref)?;
    Ok(data_dir
        .join("techdocs")
        .join("team")
        .join(namespace)
        .join(kind)
        .join(name))
}

fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

/// else the cached copy with a notice, else a clear error.
pub fn serve(
    data_dir: &Path,
    entity_ref: &str,
    base_url: Option<String>,
    token: std::result::Result<Option<Sensitive<String>>, backlot_model::ApiError>,
    runtime: &RuntimeHandle,
) -> Result<Served> {
    let _one_at_a_time = fetching();
    let cached = || TeamSite::cached(data_dir, entity_ref);
    let fallback = |site: TeamSite, offline: bool, why: String| {
        let when = age(site.manifest.fetched_at_ms);
        Served {
            notice: Some(format!("{why} Showing the copy fetched {when}.")),
            site,
            offline,
        }
    };
    let Some(base_url) = base_url else {
        return match cached() {
            Some(site) => Ok(fallback(site, true, "No team backend is set.".into())),
            None => Err(DocsError::NoTeamBackend {
                entity: entity_ref.into(),
            }),
        };
    };
    let token = match token {
        Ok(Some(token)) => token,
        Ok(None) => {
            return match cached() {
                Some(site) => Ok(fallback(
                    site,
                    true,
                    "No team backend token in the keychain.".into(),
                )),
                None => Err(DocsError::NoToken {
                    entity: entity_ref.into(),
                }),
            };
        }
        Err(e) => {
            return match cached() {
                Some(site) => Ok(fallback(
                    site,
                    true,
                    format!("The keychain cannot be read ({}).", e.message),
                )),
                None => Err(DocsError::Api(e)),
            };
        }
    };
    match refresh(
        data_dir,
        entity_ref,
        &Remote {
            base_url: &base_url,
            token: &token,
            runtime,
            limits: Limits::DEFAULT,
        },
    ) {
        Ok(site) => Ok(Served {
            site,
            offline: false,
            notice: None,
        }),
        Err(e @ DocsError::Offline { .. }) => match cached() {
            Some(site) => Ok(fallback(
                site,
                true,
                "The team backend could not be reached.".into(),
            )),
            None => Err(e),
        },
        Err(e @ DocsError::TeamStatus { .. }) => match cached() {
            Some(site) => Ok(fallback(site, true, format!("{e}."))),
            None => Err(e),
        },
        Err(e @ DocsError::TokenRefused { .. }) => match cached() {
            Some(site) => Ok(fallback(site, true, format!("{e}."))),
            None => Err(e),
        },
        Err(e) => Err(e),
    }
}

/// Cached copy only (pages and search after the site was served).
pub fn cached_or_serve(
    data_dir: &Path,
    entity_ref: &str,
    serve_now: impl FnOnce() -> Result<Served>,
) -> Result<TeamSite> {
    // A refresh under way finishes first, so its copy is the one read.
    if let Some(site) = {
        let _wait = fetching();
        TeamSite::cached(data_dir, entity_ref)
    } {
        return Ok(site);
    }
    serve_now().map(|s| s.site)
}

fn age(ms: u64) -> String {
    let secs = now_ms().saturating_sub(ms) / 1000;
    match secs {
        0..60 => "less than a minute ago".into(),
        60..3600 => format!("{} min ago", secs / 60),
        3600..86_400 => format!("{} h ago", secs / 3600),
        _ => format!("{} days ago", secs / 86_400),
    }
}
