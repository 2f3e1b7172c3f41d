//! TechDocs in the search index: every section of every page of an entity's docs site,
//! found at its heading (`/docs/…?page=…#anchor`). Local sites are stamped by their files
//! (names, sizes, modification times), so editing a page re-indexes that site only. Sites the
//! team backend publishes are indexed once they are in the cache (opened once, or kept from
//! an earlier visit: searchable offline), stamped by the copy fetched.

use std::time::UNIX_EPOCH;

use backlot_backend_plugin_api::{
    EntitySelector, Host, HostEntity, SearchCollator, SearchDocument, stamp_of,
};
use backlot_model::ApiError;
use backlot_model::search::TYPE_DOCS;
use backlot_techdocs_common::{TECHDOCS_REF, docs_link};

use crate::search::IndexedPage;
use crate::team::TeamSite;
use crate::{Source, local::LocalSite, source};

/// Files looked at for a stamp, and sections indexed per site, at most.
const MAX_STAMP_FILES: usize = 20_000;
const MAX_SECTIONS: usize = 20_000;
/// Text kept per section.
const MAX_SECTION_TEXT: usize = 16 * 1024;

pub struct DocsCollator;

impl SearchCollator for DocsCollator {
    fn doc_type(&self) -> &'static str {
        TYPE_DOCS
    }

    fn selects(&self) -> EntitySelector {
        EntitySelector::Annotation(TECHDOCS_REF)
    }

    fn stamps_files(&self) -> bool {
        true
    }

    fn stamp(&self, host: &dyn Host, entity: &HostEntity) -> Option<String> {
        let key = entity.entity.entity_ref().key();
        if entity.from_team {
            let site = TeamSite::cached(host.data_dir(), &key)?;
            return Some(stamp_of([
                b"team".as_slice(),
                site.manifest.etag.as_deref().unwrap_or("").as_bytes(),
                site.manifest.fetched_at_ms.to_string().as_bytes(),
            ]));
        }
        let Ok((_, Source::Local { dir, .. })) = source(host, &key) else {
            return None;
        };
        let mut parts: Vec<Vec<u8>> = vec![dir.to_string_lossy().as_bytes().to_vec()];
        for file in walkdir::WalkDir::new(&dir)
            .follow_links(false)
            .sort_by_file_name()
            .into_iter()
            .filter_map(Result::ok)
            .filter(|f| f.file_type().is_file())
            .take(MAX_STAMP_FILES)
        {
            let Ok(meta) = file.metadata() else { continue };
            let modified = meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos());
            parts.push(
                format!(
                    "{}\u{0}{}\u{0}{modified}",
                    file.path().display(),
                    meta.len()
                )
                .into_bytes(),
            );
        }
        Some(stamp_of(parts.iter().map(Vec::as_slice)))
    }

    fn collate(
        &self,
        host: &dyn Host,
        entity: &HostEntity,
    ) -> Result<Vec<SearchDocument>, ApiError> {
        let key = entity.entity.entity_ref().key();
        let (site_name, pages) = match source(host, &key)? {
            (_, Source::Local { folder, dir }) => {
                let site = LocalSite::open(&key, &folder, &dir)?;
                (site.site().site_name, site.index())
            }
            // Only what is in the cache: indexing never downloads a site.
            (_, Source::Team) => match TeamSite::cached(host.data_dir(), &key) {
                Some(site) => (site.manifest.site_name.clone(), site.index()),
                None => return Ok(Vec::new()),
            },
        };
        Ok(documents(&key, &site_name, pages))
    }
}

/// One document per section with text or a heading, at most [`MAX_SECTIONS`] a site.
fn documents(key: &str, site_name: &str, pages: Vec<IndexedPage>) -> Vec<SearchDocument> {
    let mut docs = Vec::new();
    for page in pages {
        for section in page.sections {
            if docs.len() >= MAX_SECTIONS {
                return docs;
            }
            let text: String = section.text.chars().take(MAX_SECTION_TEXT).collect();
            let (heading, anchor) = match &section.heading {
                Some(h) if h.level > 1 => (h.text.clone(), Some(h.id.as_str())),
                _ => (String::new(), None),
            };
            if text.trim().is_empty() && heading.is_empty() {
                continue;
            }
            docs.push(SearchDocument {
                location: docs_link(key, &page.page, anchor),
                title: if heading.is_empty() {
                    page.title.clone()
                } else {
                    format!("{} › {heading}", page.title)
                },
                subtitle: Some(format!("{site_name} · {}", page.page)),
                headings: heading,
                text,
            });
        }
    }
    docs
}
