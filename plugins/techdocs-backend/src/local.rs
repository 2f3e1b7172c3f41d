//! Docs from MkDocs sources on disk (`dir:` refs of locally ingested entities). Every file
//! is read through `backlot-safe-fs`: pages, titles and images resolve (symlinks followed)
//! inside the docs folder, only regular files are read, and sizes are capped while reading.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use backlot_safe_fs::{check_regular, read_capped, read_text_capped, resolve_inside};
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
    /// Opens the site in `dir` (the folder holding mkdocs.yml), inside the entity's
    /// `folder` (both canonical).
    pub fn open(entity_ref: &str, folder: &Path, dir: &Path) -> Result<LocalSite> {
        let config = mkdocs::load(folder, dir)?;
        let root = config.docs_dir.clone();
        let pages = pages_in(&root);
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
            None => mkdocs::nav_from_pages(self.pages.iter().map(String::as_str)),
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

    /// The text of `page` (relative to the docs folder), read safely.
    fn read(&self, page: &str) -> Result<String> {
        let path = resolve_inside(&self.root, &self.root, page)?;
        Ok(read_text_capped(&path, MAX_PAGE_BYTES)?)
    }

    fn title_of(&self, page: &str) -> String {
        let from_file = self.read(page).ok().and_then(|text| {
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
        let markdown = self.read(&page)?;
        let html = sanitize::clean(&crate::markdown::to_html(&markdown), self.resolver(&page));
        Ok(crate::search::rendered(page.clone(), html, || {
            self.title_of(&page)
        }))
    }

    /// Every page, rendered, for search.
    pub fn index(&self) -> Vec<IndexedPage> {
        self.pages
            .iter()
            .filter_map(|p| self.page(Some(p)).ok())
            .map(IndexedPage::from)
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
        // Inside the docs folder (symlinks out are refused), a regular file, capped.
        let file = resolve_inside(&self.root, &self.root, &target).ok()?;
        Some(sanitize::data_url(
            media_type,
            &read_capped(&file, MAX_IMAGE_BYTES).ok()?,
        ))
    }
}

/// Every markdown page under the docs folder `root`, relative with `/`: regular files, and
/// symlinks to regular files inside `root` (never out of it); hidden files, `node_modules`
/// and `target` left out; at most [`MAX_PAGES`].
fn pages_in(root: &Path) -> BTreeSet<String> {
    walkdir::WalkDir::new(root)
        .follow_links(false)
        .into_iter()
        .filter_entry(|e| {
            let name = e.file_name().to_string_lossy();
            e.depth() == 0 || !(name.starts_with('.') || name == "node_modules" || name == "target")
        })
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".md"))
        .filter_map(|e| {
            let page = e
                .path()
                .strip_prefix(root)
                .ok()?
                .to_string_lossy()
                .replace('\\', "/");
            let kind = e.file_type();
            let is_page = kind.is_file()
                || (kind.is_symlink()
                    && resolve_inside(root, root, &page)
                        .and_then(|p| check_regular(&p))
                        .is_ok());
            is_page.then_some(page)
        })
        .take(MAX_PAGES)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n-not-really-an-image";

    /// `<tmp>/repo` (the entity's folder, canonical) with `mkdocs.yml` and `docs/index.md`,
    /// and beside it, outside the folder, `secret.md` and `secret.png`.
    fn entity_folder(mkdocs: &str) -> (tempfile::TempDir, PathBuf) {
        let tmp = tempfile::tempdir().unwrap();
        let folder = tmp.path().join("repo");
        std::fs::create_dir_all(folder.join("docs/img")).unwrap();
        std::fs::write(folder.join("mkdocs.yml"), mkdocs).unwrap();
        std::fs::write(folder.join("docs/index.md"), "# Home\n\nWelcome.\n").unwrap();
        std::fs::write(
            tmp.path().join("secret.md"),
            "# Secret title\n\nsecret body\n",
        )
        .unwrap();
        std::fs::write(tmp.path().join("secret.png"), PNG).unwrap();
        let folder = folder.canonicalize().unwrap();
        (tmp, folder)
    }

    fn open(folder: &Path) -> Result<LocalSite> {
        LocalSite::open("component:default/x", folder, folder)
    }

    /// Runs `f` on a thread and fails the test if it has not finished in 20 s (a read of a
    /// FIFO or a device that never ends).
    fn within<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
        let (tx, rx) = std::sync::mpsc::channel();
        let _worker = std::thread::spawn(move || {
            let _ = tx.send(f());
        });
        rx.recv_timeout(std::time::Duration::from_secs(20))
            .expect("did not finish: a read that never ends?")
    }

    fn bad_mkdocs(e: DocsError) -> (u64, u64, String) {
        let text = e.to_string();
        match e {
            DocsError::BadMkdocs { line, column, .. } => (line, column, text),
            other => panic!("expected a mkdocs.yml error, got {other:?}"),
        }
    }

    #[test]
    fn nav_entries_out_of_the_entity_folder_are_refused_at_their_line() {
        // `../../x.md` from `docs/` lands beside the folder; `../x.md` stays inside it.
        for hostile in ["../../secret.md", "/etc/hostname", "/dev/zero"] {
            let (_tmp, folder) = entity_folder(&format!(
                "site_name: S\nnav:\n  - Home: index.md\n  - {hostile}\n"
            ));
            let (line, column, message) = bad_mkdocs(within({
                let folder = folder.clone();
                move || open(&folder).err().expect("refused")
            }));
            assert_eq!((line, column), (4, 5), "{message}");
            assert_eq!(
                message,
                format!(
                    "{}:4:5: mkdocs.yml is not valid: nav entry “{hostile}” leads outside the entity's folder {}; refused",
                    folder.join("mkdocs.yml").display(),
                    folder.display()
                )
            );
        }
        // Nested, quoted: the entry's own line and column.
        let (_tmp, folder) =
            entity_folder("nav:\n  - Guide:\n      - index.md\n      - Leak: '../../secret.md'\n");
        let (line, column, message) = bad_mkdocs(open(&folder).err().expect("refused"));
        assert_eq!((line, column), (4, 16), "{message}");
        // Flow style: still the line it is written on.
        let (_tmp, folder) = entity_folder("site_name: S\nnav: [index.md, /dev/zero]\n");
        let (line, _, message) = bad_mkdocs(open(&folder).err().expect("refused"));
        assert_eq!(line, 2, "{message}");
    }

    #[cfg(unix)]
    #[test]
    fn a_nav_entry_symlinked_out_of_the_folder_is_refused() {
        let (tmp, folder) = entity_folder("nav:\n  - index.md\n  - leak.md\n");
        std::os::unix::fs::symlink(tmp.path().join("secret.md"), folder.join("docs/leak.md"))
            .unwrap();
        let (line, column, message) = bad_mkdocs(open(&folder).err().expect("refused"));
        assert_eq!((line, column), (3, 5), "{message}");
        assert!(message.contains("nav entry “leak.md”"), "{message}");
    }

    #[test]
    fn nav_inside_the_folder_and_urls_stay_allowed() {
        let (_tmp, folder) = entity_folder(
            "nav:\n  - index.md\n  - Readme: ../README.md\n  - Missing: missing.md\n  - Site: https://example.com/x\n",
        );
        let site = open(&folder).unwrap().site();
        let titles: Vec<&str> = site.nav.iter().map(|n| n.title.as_str()).collect();
        assert_eq!(titles, ["Home", "Readme", "Missing", "Site"]);
        assert!(
            site.notice
                .as_deref()
                .is_some_and(|n| n.contains("../README.md") && n.contains("missing.md")),
            "{site:?}"
        );
    }

    #[test]
    fn docs_dir_out_of_the_entity_folder_is_refused_at_its_line() {
        for (hostile, column) in [("..", 11), ("../..", 11), ("/", 11), ("/etc", 11)] {
            let (_tmp, folder) = entity_folder(&format!(
                "site_name: S\ndocs_dir: {hostile}\nnav:\n  - index.md\n"
            ));
            let (line, col, message) = bad_mkdocs(within({
                let folder = folder.clone();
                move || open(&folder).err().expect("refused")
            }));
            assert_eq!((line, col), (2, column), "{message}");
            assert!(
                message.contains(&format!(
                    "docs_dir “{hostile}” leads outside the entity's folder"
                )),
                "{message}"
            );
        }
        let (_tmp, folder) = entity_folder("docs_dir: missing\n");
        let e = open(&folder).err().expect("refused");
        assert!(matches!(e, DocsError::NoDocsDir { .. }), "{e}");
    }

    #[cfg(unix)]
    #[test]
    fn docs_dir_symlinked_out_of_the_folder_is_refused() {
        let (tmp, folder) = entity_folder("docs_dir: elsewhere\n");
        std::fs::create_dir(tmp.path().join("outside-docs")).unwrap();
        std::fs::write(tmp.path().join("outside-docs/index.md"), "# Outside\n").unwrap();
        std::os::unix::fs::symlink(tmp.path().join("outside-docs"), folder.join("elsewhere"))
            .unwrap();
        let (line, _, message) = bad_mkdocs(open(&folder).err().expect("refused"));
        assert_eq!(line, 1, "{message}");
    }

    #[cfg(unix)]
    #[test]
    fn a_mkdocs_yml_that_is_a_device_or_symlinked_out_is_refused() {
        let (tmp, folder) = entity_folder("");
        std::fs::remove_file(folder.join("mkdocs.yml")).unwrap();
        std::os::unix::fs::symlink("/dev/zero", folder.join("mkdocs.yml")).unwrap();
        let e = within({
            let folder = folder.clone();
            move || open(&folder).err().expect("refused")
        });
        assert!(matches!(e, DocsError::File(_)), "{e}");
        std::fs::remove_file(folder.join("mkdocs.yml")).unwrap();
        std::fs::write(tmp.path().join("other.yml"), "site_name: Other\n").unwrap();
        std::os::unix::fs::symlink(tmp.path().join("other.yml"), folder.join("mkdocs.yml"))
            .unwrap();
        let e = open(&folder).err().expect("refused");
        assert!(e.to_string().contains("outside"), "{e}");
    }

    #[test]
    fn a_huge_mkdocs_yml_is_refused() {
        let (_tmp, folder) = entity_folder(&format!("site_name: S\n#{}\n", "x".repeat(2 << 20)));
        let e = open(&folder).err().expect("refused");
        assert!(e.to_string().contains("is larger than"), "{e}");
    }

    #[cfg(unix)]
    #[test]
    fn pages_titles_and_images_never_leave_the_docs_folder() {
        let (tmp, folder) = entity_folder("site_name: S\n");
        let docs = folder.join("docs");
        std::fs::write(
            docs.join("index.md"),
            "# Home\n\n![ok](img/ok.png) ![out](img/out.png) ![zero](img/zero.png) ![up](../../secret.png)\n",
        )
        .unwrap();
        std::fs::write(docs.join("img/ok.png"), PNG).unwrap();
        std::fs::write(docs.join("guide.md"), "# Guide\n").unwrap();
        let link = |target: &Path, name: &str| {
            std::os::unix::fs::symlink(target, docs.join(name)).unwrap();
        };
        link(&tmp.path().join("secret.png"), "img/out.png");
        link(Path::new("/dev/zero"), "img/zero.png");
        link(&tmp.path().join("secret.md"), "leak.md");
        link(Path::new("/dev/zero"), "zero.md");
        link(&docs.join("guide.md"), "alias.md");
        // A FIFO page (where `mkfifo` exists): reading it would block for ever.
        let _ = std::process::Command::new("mkfifo")
            .arg(docs.join("pipe.md"))
            .status();

        let (site, home, pages, titles) = within(move || {
            let site = open(&folder).unwrap();
            let pages = site.pages.clone();
            let titles = [
                "leak.md",
                "zero.md",
                "pipe.md",
                "/dev/zero",
                "../../secret.md",
            ]
            .map(|p| site.title_of(p));
            (site.site(), site.page(None).unwrap(), pages, titles)
        });
        // Only regular files, and symlinks to them inside the docs folder, are pages.
        assert_eq!(
            pages.iter().map(String::as_str).collect::<Vec<_>>(),
            ["alias.md", "guide.md", "index.md"]
        );
        let nav: Vec<&str> = site.nav.iter().map(|n| n.title.as_str()).collect();
        assert_eq!(nav, ["Home", "Guide", "Guide"], "{site:?}");
        // Titles never come from files outside (or from devices and pipes).
        assert_eq!(titles, ["Leak", "Zero", "Pipe", "Zero", "Secret"]);
        // Only the image inside is inlined.
        assert_eq!(
            home.html.matches("data:image/png").count(),
            1,
            "{}",
            home.html
        );
        assert!(home.html.contains(r#"<img src="data:image/png;base64,"#));
    }

    #[cfg(unix)]
    #[test]
    fn a_symlinked_page_out_of_the_docs_folder_is_not_served() {
        let (tmp, folder) = entity_folder("site_name: S\n");
        std::os::unix::fs::symlink(tmp.path().join("secret.md"), folder.join("docs/leak.md"))
            .unwrap();
        let site = open(&folder).unwrap();
        let e = site.page(Some("leak.md")).unwrap_err();
        assert!(matches!(e, DocsError::PageMissing { .. }), "{e}");
        assert!(site.index().iter().all(|p| p.title != "Secret title"));
        // Even a page list that names it (a stale or forged one) reads nothing out.
        let mut forged = site;
        forged.pages.insert("leak.md".into());
        let e = forged.page(Some("leak.md")).unwrap_err();
        assert!(
            matches!(
                e,
                DocsError::File(backlot_safe_fs::SafeFsError::Outside { .. })
            ),
            "{e}"
        );
    }

    #[test]
    fn a_page_over_the_cap_is_refused() {
        let (_tmp, folder) = entity_folder("site_name: S\n");
        let big = vec![b'x'; MAX_PAGE_BYTES as usize + 1];
        std::fs::write(folder.join("docs/big.md"), big).unwrap();
        let e = open(&folder).unwrap().page(Some("big.md")).unwrap_err();
        assert!(e.to_string().contains("is larger than"), "{e}");
    }
}
