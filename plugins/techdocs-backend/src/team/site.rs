//! A team site in the cache: its manifest, the nav worked out from its pages, and its
//! pages read back inside the site folder and rendered through [`super::render`].

use std::path::{Path, PathBuf};
use std::sync::Arc;

use backlot_safe_fs::{read_capped, read_text_capped, resolve_inside};
use backlot_techdocs_common::{DocsOrigin, DocsPage, DocsSite, NavNode};
use serde::{Deserialize, Serialize};

use super::render::{NoLinks, TeamResolver, between, main_content};
use super::{MANIFEST, MAX_FILE_BYTES, MAX_MANIFEST_BYTES, cache_dir};
use crate::error::{DocsError, Result};
use crate::sanitize;
use crate::search::IndexedPage;

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
    pub(super) dir: PathBuf,
    pub manifest: Manifest,
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

    pub(super) fn title_of(&self, page: &str) -> String {
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
        Ok(crate::search::rendered(page.clone(), html, || {
            self.title_of(&page)
        }))
    }

    pub fn index(&self) -> Vec<IndexedPage> {
        self.manifest
            .pages
            .iter()
            .filter_map(|p| self.page(Some(p)).ok())
            .map(IndexedPage::from)
            .collect()
    }
}
