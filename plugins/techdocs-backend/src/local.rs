//! Docs from MkDocs sources on disk (`dir:` refs of locally ingested entities).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use backlot_techdocs_common::{DocsOrigin, DocsPage, DocsSite, NavNode, docs_link};

use crate::error::{DocsError, Result};
use crate::mkdocs::{self, MkDocsConfig};
use crate::sanitize::{self, Resolver};
use crate::search::IndexedPage;

/// Images bigger than this are not inlined.
const MAX_IMAGE_BYTES: u64 = 5 * 1024 * 1024;
/// Pages beyond this many are left out of a site.
const MAX_PAGES: usize = 5000;
/// Markdown files bigger than this are refused.
const MAX_PAGE_BYTES: u64 = 4 * 1024 * 1024;

pub struct LocalSite {
    pub entity_ref: String,
    pub config: MkDocsConfig,
    /// Canonical docs folder.
    root: PathBuf,
    /// Every markdown page, as paths relative to the docs folder with `/`.
    pages: BTreeSet<String>,
}

impl LocalSite {
    /// Opens the site in `dir` (the folder holding mkdocs.yml).
    pub fn open(entity_ref: &str, dir: &Path) -> Result<LocalSite> {
        let config = mkdocs::load(dir)?;
        let root = config
            .docs_dir
            .canonicalize()
            .map_err(|_| DocsError::NoDocsDir {
                file: config.file.clone(),
                docs_dir: config
                    .docs_dir
                    .strip_prefix(dir)
                    .unwrap_or(&config.docs_dir)
                    .display()
                    .to_string(),
            })?;
        let pages = walkdir::WalkDir::new(&root)
            .follow_links(false)
            .into_iter()
            .filter_entry(|e| {
                let name = e.file_name().to_string_lossy();
                !name.starts_with('.') && name != "node_modules" && name != "target"
            })
            .filter_map(|e| e.ok())
            .filter(|e| e.file_type().is_file() && e.file_name().to_string_lossy().ends_with(".md"))
            .filter_map(|e| {
                e.path()
                    .strip_prefix(&root)
                    .ok()
                    .map(|p| p.to_string_lossy().replace('\\', "/"))
            })
            .take(MAX_PAGES)
            .collect();
        Ok(LocalSite {
            entity_ref: entity_ref.to_string(),
            config,
            root,
            pages,
        })
    }

    pub fn site(&self) -> DocsSite {
        let mut nav = match &self.config.nav {
            Some(nav) => nav.clone(),
            None => mkdocs::nav_from_files(&self.root),
        };
        self.fill_titles(&mut nav);
        let mut listed = Vec::new();
        NavNode::pages(&nav, &mut listed);
        let home = ["index.md", "README.md"]
            .iter()
            .find(|p| self.pages.contains(**p))
            .map(|p| p.to_string())
            .or_else(|| {
                listed
                    .iter()
                    .find(|p| self.pages.contains(**p))
                    .map(|p| p.to_string())
            })
            .or_else(|| self.pages.iter().next().cloned())
            .unwrap_or_default();
        let missing: Vec<String> = listed
            .iter()
            .filter(|p| !self.pages.contains(**p))
            .map(|p| p.to_string())
            .collect();
        let site_name = if self.config.site_name.is_empty() {
            self.entity_ref.clone()
        } else {
            self.config.site_name.clone()
        };
        DocsSite {
            entity_ref: self.entity_ref.clone(),
            site_name,
            origin: DocsOrigin::Local,
            home,
            nav,
            offline: false,
            fetched_at_ms: None,
            notice: (!missing.is_empty()).then(|| {
                format!(
                    "mkdocs.yml lists pages that do not exist: {}",
                    missing.join(", ")
                )
            }),
        }
    }

    /// Nav entries without a title get the page's first `# ` heading, else its file name.
    /// Entries pointing outside the site (URLs) are kept only when titled.
    fn fill_titles(&self, nav: &mut Vec<NavNode>) {
        nav.retain(|n| {
            !(n.title.is_empty() && n.page.as_deref().is_some_and(|p| p.contains("://")))
        });
        for node in nav.iter_mut() {
            if let Some(page) = &node.page {
                if page.contains("://") {
                    node.page = None;
                } else if node.title.is_empty() {
                    node.title = self.title_of(page);
                }
            }
            self.fill_titles(&mut node.children);
        }
    }

    fn title_of(&self, page: &str) -> String {
        let from_file = std::fs::read_to_string(self.root.join(page))
            .ok()
            .and_then(|text| {
                text.lines().find_map(|l| {
                    l.strip_prefix("# ")
                        .map(|t| t.trim().trim_end_matches('#').trim().to_string())
                })
            });
        from_file.filter(|t| !t.is_empty()).unwrap_or_else(|| {
            let name = page.rsplit('/').next().unwrap_or(page);
            if mkdocs::is_index(name) && page.contains('/') {
                mkdocs::title_from_name(page.rsplit('/').nth(1).unwrap_or(name))
            } else {
                mkdocs::title_from_name(name)
            }
        })
    }

    /// The page named `page` (default: home), rendered and sanitized.
    pub fn page(&self, page: Option<&str>) -> Result<DocsPage> {
        let page = match page.filter(|p| !p.is_empty()) {
            Some(p) => p.trim_start_matches('/').to_string(),
            None => self.site().home,
        };
        if !self.pages.contains(&page) {
            return Err(DocsError::PageMissing {
                entity: self.entity_ref.clone(),
                page,
            });
        }
        let path = self.root.join(&page);
        let size = std::fs::metadata(&path)
            .map_err(|source| DocsError::Read {
                path: path.clone(),
                source,
            })?
            .len();
        if size > MAX_PAGE_BYTES {
            return Err(DocsError::Read {
                path,
                source: std::io::Error::other(format!(
                    "the page is larger than {MAX_PAGE_BYTES} bytes"
                )),
            });
        }
        let bytes = std::fs::read(&path).map_err(|source| DocsError::Read {
            path: path.clone(),
            source,
        })?;
        let markdown = String::from_utf8_lossy(&bytes);
        let html = sanitize::clean(&crate::markdown::to_html(&markdown), self.resolver(&page));
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

    /// Every page, rendered, for search.
    pub fn index(&self) -> Vec<IndexedPage> {
        self.pages
            .iter()
            .filter_map(|p| self.page(Some(p)).ok())
            .map(|page| IndexedPage {
                sections: sanitize::outline(&page.html).1,
                page: page.page,
                title: page.title,
            })
            .collect()
    }

    fn resolver(&self, page: &str) -> Arc<dyn Resolver> {
        Arc::new(LocalResolver {
            entity_ref: self.entity_ref.clone(),
            root: self.root.clone(),
            page_dir: page
                .rsplit_once('/')
                .map(|(d, _)| d.to_string())
                .unwrap_or_default(),
            pages: self.pages.clone(),
        })
    }
}

struct LocalResolver {
    entity_ref: String,
    root: PathBuf,
    page_dir: String,
    pages: BTreeSet<String>,
}

impl Resolver for LocalResolver {
    fn link(&self, href: &str) -> Option<String> {
        let (path, fragment) = sanitize::split_href(href);
        let target = sanitize::join(&self.page_dir, &path)?;
        let page = if target.ends_with(".md") {
            target
        } else {
            let base = target.trim_end_matches('/');
            [
                format!("{base}/index.md"),
                format!("{base}.md"),
                format!("{base}/README.md"),
            ]
            .into_iter()
            .map(|p| p.trim_start_matches('/').to_string())
            .find(|p| self.pages.contains(p))?
        };
        Some(docs_link(&self.entity_ref, &page, fragment.as_deref()))
    }

    fn image(&self, src: &str) -> Option<String> {
        let (path, _) = sanitize::split_href(src);
        let media_type = sanitize::image_type(&path)?;
        let target = sanitize::join(&self.page_dir, &path)?;
        let file = self.root.join(&target).canonicalize().ok()?;
        // Symlinks must not lead out of the docs folder.
        if !file.starts_with(&self.root) || std::fs::metadata(&file).ok()?.len() > MAX_IMAGE_BYTES {
            return None;
        }
        Some(sanitize::data_url(media_type, &std::fs::read(&file).ok()?))
    }
}
