//! Fetching a team site from the backend into the cache: the metadata, then the pages
//! and images reachable from `index.html`, each name checked to be a plain relative path,
//! each download capped, into a temporary folder swapped in as the cached site. One
//! refresh runs at a time.

use std::collections::{BTreeSet, VecDeque};
use std::path::Path;
use std::time::Duration;

use backlot_backend_plugin_api::RuntimeHandle;
use backlot_model::Sensitive;
use serde::Deserialize;

use super::render::{main_content, page_target};
use super::{Limits, MANIFEST, MAX_FILES, Manifest, TeamSite, cache_dir, now_ms, site_path};
use crate::download::{self, Fetched};
use crate::error::{DocsError, Result};
use crate::sanitize;

/// Where and how to reach the team backend.
pub struct Remote<'a> {
    pub base_url: &'a str,
    pub token: &'a Sensitive<String>,
    /// The app's runtime the fetch runs on.
    pub runtime: &'a RuntimeHandle,
    /// What the refresh may download.
    pub limits: Limits,
}

/// Fetches the site of `entity_ref` into the cache (replacing the old copy) unless the
/// backend reports the cached etag. Returns the cached site.
pub fn refresh(data_dir: &Path, entity_ref: &str, remote: &Remote<'_>) -> Result<TeamSite> {
    let cache = cache_dir(data_dir, entity_ref)?;
    let previous = TeamSite::cached(data_dir, entity_ref);
    let (namespace, kind, name) = site_path(entity_ref)?;
    let site_url = format!(
        "{}/api/techdocs/static/docs/{namespace}/{kind}/{name}/",
        remote.base_url.trim_end_matches('/')
    );
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let tmp = cache.join(format!("site.tmp-{}-{}-{n}", std::process::id(), now_ms()));
    let result = remote.runtime.block_on(fetch_site(
        entity_ref,
        &site_url,
        remote,
        &tmp,
        previous.as_ref(),
    ));
    let installed = match result {
        Ok(None) => {
            let _ = std::fs::remove_dir_all(&tmp);
            return previous.ok_or_else(|| DocsError::TeamBadSite {
                entity: entity_ref.into(),
                why: "no cached copy".into(),
            });
        }
        Ok(Some(mut manifest)) => {
            manifest.backend = remote.base_url.to_string();
            install(entity_ref, &cache, &tmp, manifest)
        }
        Err(e) => Err(e),
    };
    if installed.is_err() {
        let _ = std::fs::remove_dir_all(&tmp);
    }
    installed
}

/// Titles the pages fetched into `tmp`, writes the manifest and swaps `tmp` in as the
/// cached site of `cache`.
fn install(entity_ref: &str, cache: &Path, tmp: &Path, mut manifest: Manifest) -> Result<TeamSite> {
    let canonical = |dir: &Path| {
        dir.canonicalize().map_err(|source| DocsError::Read {
            path: dir.to_path_buf(),
            source,
        })
    };
    let fetched = TeamSite {
        entity_ref: entity_ref.to_string(),
        dir: canonical(tmp)?,
        manifest: manifest.clone(),
    };
    manifest.titles = manifest
        .pages
        .iter()
        .map(|p| (p.clone(), fetched.title_of(p)))
        .collect();
    let file = tmp.join(MANIFEST);
    std::fs::write(&file, serde_json::to_vec(&manifest).unwrap_or_default())
        .map_err(|source| DocsError::Read { path: file, source })?;
    let dir = cache.join("site");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::rename(tmp, &dir).map_err(|source| DocsError::Read {
        path: dir.clone(),
        source,
    })?;
    Ok(TeamSite {
        entity_ref: entity_ref.to_string(),
        dir: canonical(&dir)?,
        manifest,
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Metadata {
    site_name: Option<String>,
    etag: Option<String>,
    files: Vec<String>,
}

async fn fetch_site(
    entity_ref: &str,
    site_url: &str,
    remote: &Remote<'_>,
    tmp: &Path,
    previous: Option<&TeamSite>,
) -> Result<Option<Manifest>> {
    let client = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(30))
        // The token must not follow a redirect to another host.
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| {
            DocsError::Api(backlot_model::ApiError::internal(format!(
                "cannot set up HTTP: {e}"
            )))
        })?;
    let limits = remote.limits;
    let url_of = |path: &str| format!("{site_url}{}", encode_path(path));
    let too_large = |why: String| DocsError::TeamBadSite {
        entity: entity_ref.into(),
        why,
    };

    let metadata_url = url_of("techdocs_metadata.json");
    let metadata = match download::get(
        &client,
        &metadata_url,
        remote.token,
        entity_ref,
        limits.file,
    )
    .await?
    {
        Fetched::Body(bytes) => bytes,
        Fetched::Missing => {
            return Err(DocsError::TeamNotPublished {
                entity: entity_ref.into(),
                url: metadata_url,
            });
        }
        Fetched::TooLarge => {
            return Err(too_large(format!(
                "techdocs_metadata.json is larger than {} bytes",
                limits.file
            )));
        }
    };
    let metadata: Metadata =
        serde_json::from_slice(&metadata).map_err(|e| DocsError::TeamBadSite {
            entity: entity_ref.into(),
            why: format!("techdocs_metadata.json: {e}"),
        })?;
    if let (Some(previous), Some(etag)) = (previous, &metadata.etag)
        && previous.manifest.etag.as_ref() == Some(etag)
        && previous.manifest.backend == remote.base_url
    {
        return Ok(None);
    }

    let mut queue: VecDeque<String> = VecDeque::from(["index.html".to_string()]);
    queue.extend(
        metadata
            .files
            .iter()
            .filter(|f| f.ends_with(".html") || sanitize::image_type(f).is_some())
            .cloned(),
    );
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut pages = Vec::new();
    let mut total = 0u64;
    while let Some(path) = queue.pop_front() {
        if !seen.insert(path.clone()) || seen.len() > MAX_FILES || !safe_relative(&path) {
            continue;
        }
        // The cap of this file: its own, or what is left of the site's.
        let room = limits.total.saturating_sub(total);
        let max = limits.file.min(room);
        let bytes =
            match download::get(&client, &url_of(&path), remote.token, entity_ref, max).await? {
                Fetched::Body(bytes) => bytes,
                Fetched::Missing => continue,
                Fetched::TooLarge if limits.file <= room => {
                    return Err(too_large(format!(
                        "{path} is larger than {} bytes",
                        limits.file
                    )));
                }
                Fetched::TooLarge => {
                    return Err(too_large(format!(
                        "the site is larger than {} bytes",
                        limits.total
                    )));
                }
            };
        total += bytes.len() as u64;
        let file = tmp.join(&path);
        if let Some(parent) = file.parent() {
            std::fs::create_dir_all(parent).map_err(|source| DocsError::Read {
                path: parent.to_path_buf(),
                source,
            })?;
        }
        std::fs::write(&file, &bytes).map_err(|source| DocsError::Read {
            path: file.clone(),
            source,
        })?;
        if path.ends_with(".html") {
            let html = String::from_utf8_lossy(&bytes);
            let page_dir = path.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
            for link in relative_links(main_content(&html)) {
                let (target, _) = sanitize::split_href(&link);
                let Some(joined) = sanitize::join(page_dir, &target) else {
                    continue;
                };
                if sanitize::image_type(&joined).is_some() {
                    queue.push_back(joined);
                } else if let Some(page) = page_target(&joined) {
                    queue.push_back(page);
                }
            }
            pages.push(path);
        }
    }
    if pages.is_empty() {
        return Err(DocsError::TeamNotPublished {
            entity: entity_ref.into(),
            url: format!("{site_url}index.html"),
        });
    }
    pages.sort();
    Ok(Some(Manifest {
        site_name: metadata.site_name.unwrap_or_default(),
        etag: metadata.etag,
        fetched_at_ms: now_ms(),
        backend: String::new(),
        pages,
        titles: Default::default(),
    }))
}

/// Whether `path` (a file of the published site) is a plain relative path that stays
/// under the cache folder on every platform: `/`-separated segments, none empty, `.` or
/// `..`; no leading `/` (nor `//host/share`); no backslash (`\\host\share`, `a\..\b`);
/// no `:` (drive letters `C:/x` and `C:x`, NTFS streams `a:b`); no control characters.
pub(super) fn safe_relative(path: &str) -> bool {
    !path.is_empty()
        && !path.starts_with('/')
        && !path.contains(['\\', ':'])
        && !path.chars().any(char::is_control)
        && path
            .split('/')
            .all(|s| !s.is_empty() && s != "." && s != "..")
}

fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Relative `href`/`src` values in raw HTML.
fn relative_links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\""] {
        let mut rest = html;
        while let Some(at) = rest.find(attr) {
            rest = &rest[at + attr.len()..];
            let Some(end) = rest.find('"') else { break };
            let value = sanitize::decode_entities(&rest[..end]);
            if !value.starts_with('#')
                && !value.contains(':')
                && !value.starts_with("//")
                && !value.is_empty()
            {
                out.push(value);
            }
            rest = &rest[end..];
        }
    }
    out
}

/// One refresh at a time (the UI asks for the site and its first page together).
static FETCHING: std::sync::Mutex<()> = std::sync::Mutex::new(());

pub(super) fn fetching() -> std::sync::MutexGuard<'static, ()> {
    FETCHING
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
