//! Docs of team-backend entities: the site the team Backstage's TechDocs publishes under
//! `/api/techdocs/static/docs/<namespace>/<kind>/<name>/`, fetched with the team token
//! and kept under `<data dir>/techdocs/team/…` for offline reading. The token goes only
//! into the request header; the cache holds the site and the backend URL, never the token.
//!
//! The backend is not trusted with the disk: every file name it gives must be a plain
//! relative path on every platform (no `..`, no drive letter, no UNC path), every download
//! is counted chunk by chunk and cut at its cap, and the cached site is read back through
//! `backlot-safe-fs` (inside the site folder, regular files only, capped).

use std::collections::{BTreeSet, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use backlot_backend_plugin_api::RuntimeHandle;
use backlot_model::Sensitive;
use backlot_safe_fs::{read_capped, read_text_capped, resolve_inside};
use backlot_techdocs_common::{DocsOrigin, DocsPage, DocsSite, NavNode, docs_link};
use serde::{Deserialize, Serialize};

use crate::download::{self, Fetched};
use crate::error::{DocsError, Result};
use crate::sanitize::{self, Resolver};
use crate::search::IndexedPage;

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

/// What the cache records about a fetched site.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Manifest {
    pub site_name: String,
    pub etag: Option<String>,
    pub fetched_at_ms: u64,
    /// The backend it came from (no credentials).
    pub backend: String,
    /// HTML pages, relative to the site root (`index.html`, `a/b/index.html`).
    pub pages: Vec<String>,
    /// Page → title, worked out once when the site is fetched.
    pub titles: std::collections::BTreeMap<String, String>,
}

/// A fetched site in the cache.
pub struct TeamSite {
    pub entity_ref: String,
    /// The site's folder, canonical: what its files must resolve inside.
    dir: PathBuf,
    pub manifest: Manifest,
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

impl TeamSite {
    /// The cached copy, if there is one.
    pub fn cached(data_dir: &Path, entity_ref: &str) -> Option<TeamSite> {
        let dir = cache_dir(data_dir, entity_ref)
            .ok()?
            .join("site")
            .canonicalize()
            .ok()?;
        let manifest: Manifest =
            serde_json::from_slice(&read_capped(&dir.join(MANIFEST), MAX_MANIFEST_BYTES).ok()?)
                .ok()?;
        Some(TeamSite {
            entity_ref: entity_ref.to_string(),
            dir,
            manifest,
        })
    }

    pub fn site(&self, offline: bool, notice: Option<String>) -> DocsSite {
        DocsSite {
            entity_ref: self.entity_ref.clone(),
            site_name: if self.manifest.site_name.is_empty() {
                self.entity_ref.clone()
            } else {
                self.manifest.site_name.clone()
            },
            origin: DocsOrigin::Team,
            home: self.home(),
            nav: self.nav(),
            offline,
            fetched_at_ms: Some(self.manifest.fetched_at_ms),
            notice,
        }
    }

    fn home(&self) -> String {
        if self.manifest.pages.iter().any(|p| p == "index.html") {
            "index.html".into()
        } else {
            self.manifest.pages.first().cloned().unwrap_or_default()
        }
    }

    /// A nav tree from the pages' folders, titled from each page's first heading.
    fn nav(&self) -> Vec<NavNode> {
        let mut root: Vec<NavNode> = Vec::new();
        let mut pages = self.manifest.pages.clone();
        pages.sort_by_key(|p| (p != "index.html", p.matches('/').count(), p.clone()));
        for page in pages {
            let folders: Vec<&str> = page
                .trim_end_matches("index.html")
                .trim_end_matches('/')
                .split('/')
                .filter(|s| !s.is_empty())
                .collect();
            let title = self
                .manifest
                .titles
                .get(&page)
                .cloned()
                .unwrap_or_else(|| self.title_of(&page));
            let mut level = &mut root;
            // The page's own folder is the page; its parents are sections.
            let parents = &folders[..folders.len().saturating_sub(1)];
            for folder in parents {
                let name = crate::mkdocs::title_from_name(folder);
                let at = match level
                    .iter()
                    .position(|n| n.title == name && n.page.is_none())
                {
                    Some(at) => at,
                    None => {
                        level.push(NavNode {
                            title: name,
                            page: None,
                            children: Vec::new(),
                        });
                        level.len() - 1
                    }
                };
                level = &mut level[at].children;
            }
            level.push(NavNode {
                title,
                page: Some(page.clone()),
                children: Vec::new(),
            });
        }
        root
    }

    /// The text of `page`, read inside the site folder (symlinks out refused), capped.
    fn read_page(&self, page: &str) -> Result<String> {
        let path = resolve_inside(&self.dir, &self.dir, page)?;
        Ok(read_text_capped(&path, MAX_FILE_BYTES)?)
    }

    fn title_of(&self, page: &str) -> String {
        let html = self.read_page(page).unwrap_or_default();
        let content = main_content(&html);
        let clean = sanitize::clean(content, Arc::new(NoLinks));
        let (headings, _) = sanitize::outline(&clean);
        headings
            .into_iter()
            .find(|h| h.level == 1)
            .map(|h| h.text)
            .or_else(|| {
                between(&html, "<title>", "</title>").map(|t| sanitize::decode_entities(t.trim()))
            })
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| page.to_string())
    }

    pub fn page(&self, page: Option<&str>) -> Result<DocsPage> {
        let page = page
            .filter(|p| !p.is_empty())
            .map(|p| p.trim_start_matches('/').to_string())
            .unwrap_or_else(|| self.home());
        if !self.manifest.pages.contains(&page) {
            return Err(DocsError::PageMissing {
                entity: self.entity_ref.clone(),
                page,
            });
        }
        let raw = self.read_page(&page)?;
        let resolver = Arc::new(TeamResolver {
            entity_ref: self.entity_ref.clone(),
            dir: self.dir.clone(),
            page_dir: page
                .rsplit_once('/')
                .map(|(d, _)| d.to_string())
                .unwrap_or_default(),
            pages: self.manifest.pages.iter().cloned().collect(),
        });
        let html = sanitize::clean(main_content(&raw), resolver);
        let (headings, _) = sanitize::outline(&html);
        let title = headings
            .iter()
            .find(|h| h.level == 1)
            .map(|h| h.text.clone())
            .unwrap_or_else(|| self.title_of(&page));
        Ok(DocsPage {
            page,
            title,
            html,
            headings,
        })
    }

    pub fn index(&self) -> Vec<IndexedPage> {
        self.manifest
            .pages
            .iter()
            .filter_map(|p| self.page(Some(p)).ok())
            .map(|page| IndexedPage {
                sections: sanitize::outline(&page.html).1,
                page: page.page,
                title: page.title,
            })
            .collect()
    }
}

/// The article of an MkDocs page (without the theme's header, nav and footer).
fn main_content(html: &str) -> &str {
    if let Some(start) = html.find("<article") {
        let body_start = html[start..].find('>').map_or(start, |e| start + e + 1);
        if let Some(end) = html.rfind("</article>").filter(|e| *e >= body_start) {
            return &html[body_start..end];
        }
    }
    if let Some(start) = html.find("<body") {
        let body_start = html[start..].find('>').map_or(start, |e| start + e + 1);
        let end = html
            .rfind("</body>")
            .filter(|e| *e >= body_start)
            .unwrap_or(html.len());
        return &html[body_start..end];
    }
    html
}

fn between<'a>(text: &'a str, open: &str, close: &str) -> Option<&'a str> {
    let start = text.find(open)? + open.len();
    let end = text[start..].find(close)? + start;
    Some(&text[start..end])
}

struct NoLinks;
impl Resolver for NoLinks {
    fn link(&self, _: &str) -> Option<String> {
        None
    }
    fn image(&self, _: &str) -> Option<String> {
        None
    }
}

struct TeamResolver {
    entity_ref: String,
    dir: PathBuf,
    page_dir: String,
    pages: BTreeSet<String>,
}

impl Resolver for TeamResolver {
    fn link(&self, href: &str) -> Option<String> {
        let (path, fragment) = sanitize::split_href(href);
        let target = page_target(&sanitize::join(&self.page_dir, &path)?)?;
        self.pages
            .contains(&target)
            .then(|| docs_link(&self.entity_ref, &target, fragment.as_deref()))
    }

    fn image(&self, src: &str) -> Option<String> {
        let (path, _) = sanitize::split_href(src);
        let media_type = sanitize::image_type(&path)?;
        let target = sanitize::join(&self.page_dir, &path)?;
        // As for local sites: inside the site folder (symlinks out are refused), a regular
        // file, capped while reading.
        let file = resolve_inside(&self.dir, &self.dir, &target).ok()?;
        Some(sanitize::data_url(
            media_type,
            &read_capped(&file, MAX_IMAGE_BYTES).ok()?,
        ))
    }
}

/// `a/b/` or `a/b` → `a/b/index.html`; `a.html` stays; other files → `None`.
fn page_target(path: &str) -> Option<String> {
    if path.is_empty() {
        return Some("index.html".into());
    }
    if path.ends_with(".html") {
        return Some(path.to_string());
    }
    let last = path
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or_default();
    if path.ends_with('/') || !last.contains('.') {
        return Some(format!("{}/index.html", path.trim_end_matches('/')));
    }
    None
}

// ---- fetching ----

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
fn safe_relative(path: &str) -> bool {
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

fn fetching() -> std::sync::MutexGuard<'static, ()> {
    FETCHING
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Serves the site of a team entity: refreshed from the backend when it can be reached,
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};
    use std::net::{TcpListener, TcpStream};
    use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

    const ENTITY: &str = "component:default/svc";
    #[cfg(unix)]
    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n-not-really-an-image";

    #[test]
    fn site_file_names_must_be_plain_relative_paths_on_every_platform() {
        for ok in [
            "index.html",
            "a/b/index.html",
            "img/logo-1.png",
            "a.b/c_d~e.html",
        ] {
            assert!(safe_relative(ok), "{ok}");
        }
        for hostile in [
            "",
            "/etc/passwd",
            "//host/share/x.html",
            "\\\\host\\share\\x.html",
            "\\\\?\\C:\\x.html",
            "C:/x.html",
            "C:x.html",
            "c:\\x.html",
            "a\\..\\..\\x.html",
            "a/C:/x.html",
            "a/b.html:stream",
            "../x.html",
            "a/../../x.html",
            "./x.html",
            "a//b.html",
            "a/\0.html",
            "a/\n.html",
        ] {
            assert!(!safe_relative(hostile), "{hostile:?} was accepted");
        }
    }

    /// A cached team site in `<tmp>/site` with `files` written, and `<tmp>/secret.png` and
    /// `<tmp>/secret.html` outside it.
    #[cfg(unix)]
    fn cached_site(files: &[(&str, &[u8])], pages: &[&str]) -> (tempfile::TempDir, TeamSite) {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("site");
        for (name, bytes) in files {
            let file = dir.join(name);
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            std::fs::write(file, bytes).unwrap();
        }
        std::fs::write(tmp.path().join("secret.png"), PNG).unwrap();
        std::fs::write(
            tmp.path().join("secret.html"),
            "<article><h1>Secret title</h1></article>",
        )
        .unwrap();
        let site = TeamSite {
            entity_ref: ENTITY.into(),
            dir: dir.canonicalize().unwrap(),
            manifest: Manifest {
                pages: pages.iter().map(|p| p.to_string()).collect(),
                ..Manifest::default()
            },
        };
        (tmp, site)
    }

    #[cfg(unix)]
    #[test]
    fn team_images_and_pages_are_read_inside_the_cached_site_only() {
        let html: &[u8] = b"<html><body><article><h1>T</h1>\
            <img src=\"images/ok.png\"><img src=\"images/out.png\">\
            <img src=\"../secret.png\"></article></body></html>";
        let (tmp, site) = cached_site(
            &[("index.html", html), ("images/ok.png", PNG)],
            &["index.html", "leak.html"],
        );
        let link = |target: &Path, name: &str| {
            std::os::unix::fs::symlink(target, site.dir.join(name)).unwrap();
        };
        link(&tmp.path().join("secret.png"), "images/out.png");
        link(&tmp.path().join("secret.html"), "leak.html");

        let page = site.page(None).unwrap();
        assert_eq!(
            page.html.matches("data:image/png").count(),
            1,
            "only the image inside the site: {}",
            page.html
        );
        let e = site.page(Some("leak.html")).unwrap_err();
        assert!(
            matches!(
                e,
                DocsError::File(backlot_safe_fs::SafeFsError::Outside { .. })
            ),
            "{e}"
        );
        assert_eq!(site.title_of("leak.html"), "leak.html");
    }

    /// What the test server answers for a path ending so.
    #[derive(Clone)]
    enum Reply {
        /// A JSON body with its length.
        Json(&'static str),
        /// `n` bytes, without a length: the body ends when the connection closes.
        Bytes(usize),
        /// A body announced as `n` bytes (none sent).
        Announced(u64),
        /// Bytes for as long as the client reads (up to 1 GiB).
        Endless,
    }

    /// A real HTTP server on 127.0.0.1 counting the body bytes it managed to send.
    struct Server {
        url: String,
        written: Arc<AtomicU64>,
        stop: Arc<AtomicBool>,
        thread: Option<std::thread::JoinHandle<()>>,
    }

    impl Server {
        fn start(routes: Vec<(&'static str, Reply)>) -> Server {
            let listener = TcpListener::bind("127.0.0.1:0").unwrap();
            listener.set_nonblocking(true).unwrap();
            let url = format!("http://{}", listener.local_addr().unwrap());
            let written = Arc::new(AtomicU64::new(0));
            let stop = Arc::new(AtomicBool::new(false));
            let (written2, stop2) = (written.clone(), stop.clone());
            let thread = std::thread::spawn(move || {
                while !stop2.load(Ordering::SeqCst) {
                    match listener.accept() {
                        Ok((stream, _)) => answer(stream, &routes, &written2),
                        Err(_) => std::thread::sleep(Duration::from_millis(5)),
                    }
                }
            });
            Server {
                url,
                written,
                stop,
                thread: Some(thread),
            }
        }

        /// Stops the server; the body bytes it sent.
        fn stop(&mut self) -> u64 {
            self.stop.store(true, Ordering::SeqCst);
            if let Some(thread) = self.thread.take() {
                let _ = thread.join();
            }
            self.written.load(Ordering::SeqCst)
        }
    }

    impl Drop for Server {
        fn drop(&mut self) {
            self.stop();
        }
    }

    fn answer(mut stream: TcpStream, routes: &[(&str, Reply)], written: &AtomicU64) {
        let _ = stream.set_nonblocking(false);
        let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
        let _ = stream.set_write_timeout(Some(Duration::from_secs(5)));
        let mut head = Vec::new();
        let mut buf = [0u8; 1024];
        while !head.windows(4).any(|w| w == b"\r\n\r\n") {
            match stream.read(&mut buf) {
                Ok(0) | Err(_) => return,
                Ok(n) => head.extend_from_slice(&buf[..n]),
            }
        }
        let head = String::from_utf8_lossy(&head);
        let path = head.split_whitespace().nth(1).unwrap_or_default();
        let reply = routes
            .iter()
            .find(|(end, _)| path.ends_with(end))
            .map(|(_, reply)| reply.clone());
        let ok = "HTTP/1.1 200 OK\r\nConnection: close\r\n";
        match reply {
            None => {
                let _ = stream.write_all(
                    b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                );
            }
            Some(Reply::Json(body)) => {
                let _ = write!(
                    stream,
                    "{ok}Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
                    body.len()
                );
            }
            Some(Reply::Announced(n)) => {
                let _ = write!(stream, "{ok}Content-Length: {n}\r\n\r\n");
                // Hold the connection a moment: the client must not wait for the body.
                std::thread::sleep(Duration::from_millis(200));
            }
            Some(Reply::Bytes(n)) => {
                if write!(stream, "{ok}Content-Type: text/html\r\n\r\n").is_ok() {
                    send(&mut stream, n as u64, written);
                }
            }
            Some(Reply::Endless) => {
                if write!(stream, "{ok}Content-Type: text/html\r\n\r\n").is_ok() {
                    send(&mut stream, 1 << 30, written);
                }
            }
        }
    }

    /// Sends `left` body bytes in 64 KiB chunks, counting them, until the client hangs up.
    fn send(stream: &mut TcpStream, mut left: u64, written: &AtomicU64) {
        let chunk = [b'x'; 64 * 1024];
        while left > 0 {
            let n = left.min(chunk.len() as u64) as usize;
            if stream.write_all(&chunk[..n]).is_err() {
                return;
            }
            written.fetch_add(n as u64, Ordering::SeqCst);
            left -= n as u64;
        }
    }

    const METADATA: &str = r#"{"site_name":"S","etag":"e1","files":["a.html","b.html"]}"#;

    /// Refreshes `ENTITY` from `server` with `limits`, in a fresh data folder.
    fn refresh_from(server: &Server, limits: Limits) -> (tempfile::TempDir, Result<TeamSite>) {
        let data = tempfile::tempdir().unwrap();
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let token = Sensitive::new("t0ken".to_string());
        let result = refresh(
            data.path(),
            ENTITY,
            &Remote {
                base_url: &server.url,
                token: &token,
                runtime: runtime.handle(),
                limits,
            },
        );
        (data, result)
    }

    fn why(result: Result<TeamSite>) -> String {
        match result {
            Err(DocsError::TeamBadSite { why, .. }) => why,
            Err(e) => panic!("expected a refused site, got: {e}"),
            Ok(_) => panic!("expected a refused site, got one"),
        }
    }

    #[test]
    fn a_download_is_cut_at_the_cap_while_it_streams() {
        let limits = Limits {
            file: 1 << 20,
            total: 4 << 20,
        };
        let mut server = Server::start(vec![
            ("techdocs_metadata.json", Reply::Json(METADATA)),
            ("index.html", Reply::Endless),
        ]);
        let started = std::time::Instant::now();
        let (data, result) = refresh_from(&server, limits);
        assert_eq!(why(result), "index.html is larger than 1048576 bytes");
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "stopped at the cap, not at the timeout: {:?}",
            started.elapsed()
        );
        let written = server.stop();
        assert!(
            written < 64 << 20,
            "the client stopped reading at the cap, yet the server sent {written} bytes"
        );
        // Nothing cached, nothing half-written left behind.
        assert!(TeamSite::cached(data.path(), ENTITY).is_none());
        let cache = cache_dir(data.path(), ENTITY).unwrap();
        let left: Vec<_> = std::fs::read_dir(&cache)
            .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).collect())
            .unwrap_or_default();
        assert!(left.is_empty(), "{left:?}");
    }

    #[test]
    fn the_whole_site_and_announced_lengths_are_capped_too() {
        let limits = Limits {
            file: 1 << 20,
            total: 1 << 20,
        };
        // Each page fits, the site does not.
        let server = Server::start(vec![
            ("techdocs_metadata.json", Reply::Json(METADATA)),
            ("a.html", Reply::Bytes(600 << 10)),
            ("b.html", Reply::Bytes(600 << 10)),
        ]);
        let (_data, result) = refresh_from(&server, limits);
        assert_eq!(why(result), "the site is larger than 1048576 bytes");
        // A length over the cap is refused before any of the body is waited for.
        let server = Server::start(vec![
            ("techdocs_metadata.json", Reply::Json(METADATA)),
            ("index.html", Reply::Announced(10 << 30)),
        ]);
        let started = std::time::Instant::now();
        let (_data, result) = refresh_from(&server, limits);
        assert_eq!(why(result), "index.html is larger than 1048576 bytes");
        assert!(started.elapsed() < Duration::from_secs(15));
        // Within the caps the site is fetched and cached.
        let server = Server::start(vec![
            ("techdocs_metadata.json", Reply::Json(METADATA)),
            ("a.html", Reply::Bytes(1000)),
        ]);
        let (data, result) = refresh_from(&server, limits);
        assert_eq!(result.unwrap().manifest.pages, ["a.html"]);
        assert!(TeamSite::cached(data.path(), ENTITY).is_some());
    }

    #[test]
    fn page_targets_and_paths() {
        assert_eq!(page_target("").as_deref(), Some("index.html"));
        assert_eq!(
            page_target("examples/basic/").as_deref(),
            Some("examples/basic/index.html")
        );
        assert_eq!(
            page_target("examples/basic").as_deref(),
            Some("examples/basic/index.html")
        );
        assert_eq!(page_target("a.html").as_deref(), Some("a.html"));
        assert_eq!(page_target("assets/app.js"), None);
        assert!(
            safe_relative("a/b.html")
                && !safe_relative("../x")
                && !safe_relative("/etc")
                && !safe_relative("a//b")
        );
        assert!(site_path("component:default/x").is_ok());
        assert!(site_path("component:default/..").is_err());
        assert_eq!(
            main_content(
                "<html><body><nav>n</nav><article class=\"md\"><h1>T</h1></article></body></html>"
            ),
            "<h1>T</h1>"
        );
    }
}
