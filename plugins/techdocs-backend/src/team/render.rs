//! Rendering a fetched MkDocs page: its article cut out of the theme, and the resolver
//! that keeps links to pages of the same site and inlines its images (read inside the
//! site folder, capped).

use std::collections::BTreeSet;
use std::path::PathBuf;

use backlot_safe_fs::{read_capped, resolve_inside};
use backlot_techdocs_common::docs_link;

use super::MAX_IMAGE_BYTES;
use crate::sanitize::{self, Resolver};

/// The article of an MkDocs page (without the theme's header, nav and footer).
pub(super) fn main_content(html: &str) -> &str {
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

pub(super) fn between<'a>(text: &'a str, open: &str, close: &str) -> Option<&'a str> {
    let start = text.find(open)? + open.len();
    let end = text[start..].find(close)? + start;
    Some(&text[start..end])
}

pub(super) struct NoLinks;
impl Resolver for NoLinks {
    fn link(&self, _: &str) -> Option<String> {
        None
    }
    fn image(&self, _: &str) -> Option<String> {
        None
    }
}

pub(super) struct TeamResolver {
    pub(super) entity_ref: String,
    pub(super) dir: PathBuf,
    pub(super) page_dir: String,
    pub(super) pages: BTreeSet<String>,
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
pub(super) fn page_target(path: &str) -> Option<String> {
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
