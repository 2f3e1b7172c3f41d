//! Docs of team-backend entities: the site the team Backstage's TechDocs publishes under
//! `/api/techdocs/static/docs/<namespace>/<kind>/<name>/`, fetched with the team token
//! and kept under `<data dir>/techdocs/team/…` for offline reading. The token goes only
//! into the request header; the cache holds the site and the backend URL, never the token.

use std::collections::{BTreeSet, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use backlot_backend_plugin_api::RuntimeHandle;
use backlot_model::Sensitive;
use backlot_techdocs_common::{DocsOrigin, DocsPage, DocsSite, NavNode, docs_link};
use serde::{Deserialize, Serialize};

use crate::error::{DocsError, Result};
use crate::sanitize::{self, Resolver};
use crate::search::IndexedPage;

const MANIFEST: &str = ".backlot-manifest.json";
const MAX_FILES: usize = 500;
const MAX_TOTAL_BYTES: u64 = 64 * 1024 * 1024;
const MAX_IMAGE_BYTES: u64 = 5 * 1024 * 1024;

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
        let dir = cache_dir(data_dir, entity_ref).ok()?.join("site");
        let manifest: Manifest =
            serde_json::from_slice(&std::fs::read(dir.join(MANIFEST)).ok()?).ok()?;
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

    fn read_page(&self, page: &str) -> Result<String> {
        let path = self.dir.join(page);
        let bytes = std::fs::read(&path).map_err(|source| DocsError::Read { path, source })?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
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
        let file = self.dir.join(target);
        if std::fs::metadata(&file).ok()?.len() > MAX_IMAGE_BYTES {
            return None;
        }
        Some(sanitize::data_url(media_type, &std::fs::read(file).ok()?))
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
    match result {
        Ok(None) => {
            let _ = std::fs::remove_dir_all(&tmp);
            previous.ok_or_else(|| DocsError::TeamBadSite {
                entity: entity_ref.into(),
                why: "no cached copy".into(),
            })
        }
        Ok(Some(mut manifest)) => {
            manifest.backend = remote.base_url.to_string();
            let fetched = TeamSite {
                entity_ref: entity_ref.to_string(),
                dir: tmp.clone(),
                manifest: manifest.clone(),
            };
            manifest.titles = manifest
                .pages
                .iter()
                .map(|p| (p.clone(), fetched.title_of(p)))
                .collect();
            let write = |p: &Path, bytes: &[u8]| {
                std::fs::write(p, bytes).map_err(|source| DocsError::Read {
                    path: p.to_path_buf(),
                    source,
                })
            };
            write(
                &tmp.join(MANIFEST),
                &serde_json::to_vec(&manifest).unwrap_or_default(),
            )?;
            let dir = cache.join("site");
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::rename(&tmp, &dir).map_err(|source| DocsError::Read {
                path: dir.clone(),
                source,
            })?;
            Ok(TeamSite {
                entity_ref: entity_ref.to_string(),
                dir,
                manifest,
            })
        }
        Err(e) => {
            let _ = std::fs::remove_dir_all(&tmp);
            Err(e)
        }
    }
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
    let get = |path: String| {
        let url = format!("{site_url}{}", encode_path(&path));
        let request = client.get(&url).bearer_auth(remote.token.expose());
        async move {
            let response = request.send().await.map_err(|e| DocsError::Offline {
                entity: entity_ref.into(),
                why: without_url(&e),
            })?;
            let status = response.status().as_u16();
            match status {
                200 => {}
                401 | 403 => {
                    return Err(DocsError::TokenRefused {
                        entity: entity_ref.into(),
                        status,
                    });
                }
                404 => return Ok(None),
                _ => return Err(DocsError::TeamStatus { status, url }),
            }
            let bytes = response.bytes().await.map_err(|e| DocsError::Offline {
                entity: entity_ref.into(),
                why: without_url(&e),
            })?;
            Ok(Some(bytes))
        }
    };

    let metadata_url = format!("{site_url}techdocs_metadata.json");
    let metadata =
        get("techdocs_metadata.json".into())
            .await?
            .ok_or_else(|| DocsError::TeamNotPublished {
                entity: entity_ref.into(),
                url: metadata_url.clone(),
            })?;
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
        let Some(bytes) = get(path.clone()).await? else {
            continue;
        };
        total += bytes.len() as u64;
        if total > MAX_TOTAL_BYTES {
            return Err(DocsError::TeamBadSite {
                entity: entity_ref.into(),
                why: format!("the site is larger than {MAX_TOTAL_BYTES} bytes"),
            });
        }
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

/// reqwest's error text without the URL (kept short for the reader).
fn without_url(e: &reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "connection failed"
    } else {
        "request failed"
    };
    let mut source = std::error::Error::source(e);
    let mut detail = String::new();
    while let Some(s) = source {
        detail = s.to_string();
        source = s.source();
    }
    if detail.is_empty() {
        kind.to_string()
    } else {
        format!("{kind}: {detail}")
    }
}

fn safe_relative(path: &str) -> bool {
    !path.is_empty()
        && !path.starts_with('/')
        && !path.contains('\\')
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
