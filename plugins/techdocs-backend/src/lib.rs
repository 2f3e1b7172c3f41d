//! TechDocs, native half. Answers the docs commands of `backlot-techdocs-common`:
//!
//! - **local docs**: for `dir:` refs of entities ingested from local files, reads
//!   `mkdocs.yml` beside the catalog file and renders the markdown (nav, headings with
//!   anchors, tables, highlighted code, admonitions, images inlined as `data:` URLs, links
//!   between pages made in-app), sanitized with ammonia;
//! - **team docs**: for entities synced from the team backend, fetches the site its
//!   TechDocs publishes (with the team token), caches it under the data folder, serves the
//!   cache when the backend cannot be reached, and sanitizes MkDocs' HTML the same way;
//! - search over a site's pages, and the list of entities with docs.
//!
//! Network: a small reqwest client of its own rather than the proxy — the proxy serves
//! configured `proxy.endpoints`, while docs come from the team backend, whose URL and
//! token (keychain) the app hands over through [`Host`].

mod error;
mod local;
mod markdown;
mod mkdocs;
mod sanitize;
mod search;
mod team;

use std::path::PathBuf;

use backlot_backend_plugin_api::router::Router;
use backlot_backend_plugin_api::{BackendPlugin, Host, HostEntity};
use backlot_model::ApiError;
use backlot_techdocs_common::{
    DocsEntity, DocsOrigin, DocsPage, DocsSite, GetDocsPage, GetDocsSite, ListDocsEntities,
    SearchDocs, SearchHit, TECHDOCS_REF,
};

pub use error::DocsError;
pub use markdown::to_html as markdown_to_html;
pub use sanitize::{Resolver, clean as sanitize_html};

/// The plugin backend the app registers (`app/src/plugins.rs`).
#[derive(Debug, Clone, Copy, Default)]
pub struct TechDocsBackend;

impl BackendPlugin for TechDocsBackend {
    fn id(&self) -> &'static str {
        "techdocs"
    }

    fn routes(&self) -> &Router<dyn Host> {
        static ROUTES: std::sync::LazyLock<Router<dyn Host>> = std::sync::LazyLock::new(|| {
            Router::<dyn Host>::new()
                .on::<ListDocsEntities>(|host, _| entities(host))
                .on::<GetDocsSite>(|host, c| Ok(site(host, &c.entity_ref)?))
                .on::<GetDocsPage>(|host, c| Ok(page(host, &c.entity_ref, c.page.as_deref())?))
                .on::<SearchDocs>(|host, c| Ok(search(host, &c.entity_ref, &c.query)?))
        });
        &ROUTES
    }
}

fn entities(host: &dyn Host) -> Result<Vec<DocsEntity>, ApiError> {
    Ok(host
        .entities_with_annotation(TECHDOCS_REF)?
        .into_iter()
        .map(|e| {
            let m = &e.entity.metadata;
            DocsEntity {
                entity_ref: e.entity.entity_ref().key(),
                kind: e.entity.kind.clone(),
                namespace: m.namespace.clone().unwrap_or_else(|| "default".into()),
                name: m.name.clone(),
                title: m.title.clone(),
                description: m.description.clone(),
                techdocs_ref: annotation(&e).unwrap_or_default().to_string(),
                origin: if e.from_team {
                    DocsOrigin::Team
                } else {
                    DocsOrigin::Local
                },
            }
        })
        .collect())
}

fn annotation(e: &HostEntity) -> Option<&str> {
    e.entity
        .metadata
        .annotations
        .get(TECHDOCS_REF)
        .map(String::as_str)
}

/// Where an entity's docs come from.
enum Source {
    Local(PathBuf),
    Team,
}

fn source(host: &dyn Host, entity_ref: &str) -> Result<(String, Source), DocsError> {
    let entity = host
        .entity(entity_ref)?
        .ok_or_else(|| DocsError::NoEntity(entity_ref.to_string()))?;
    let key = entity.entity.entity_ref().key();
    let value = annotation(&entity)
        .ok_or_else(|| DocsError::NoTechdocsRef {
            entity: key.clone(),
        })?
        .trim()
        .to_string();
    if entity.from_team {
        return Ok((key, Source::Team));
    }
    let unsupported = |why: &str| DocsError::UnsupportedRef {
        entity: key.clone(),
        value: value.clone(),
        why: why.into(),
    };
    let Some(dir) = value.strip_prefix("dir:") else {
        return Err(unsupported(
            "Backlot renders `dir:` refs of entities from local catalog files, and the sites the team backend publishes for its entities",
        ));
    };
    let file = entity
        .source_file
        .as_ref()
        .ok_or_else(|| unsupported("the entity has no local catalog file"))?;
    let base = file
        .parent()
        .ok_or_else(|| unsupported("the entity's catalog file has no folder"))?;
    let path = base.join(dir.trim());
    match path.canonicalize() {
        Ok(path) if path.is_dir() => Ok((key, Source::Local(path))),
        _ => Err(DocsError::DirNotFound {
            entity: key.clone(),
            value: value.clone(),
            path,
        }),
    }
}

fn serve_team(host: &dyn Host, entity_ref: &str) -> Result<team::Served, DocsError> {
    let url = host.team_backend_url()?;
    team::serve(
        host.data_dir(),
        entity_ref,
        url,
        host.team_token(),
        &host.runtime()?,
    )
}

pub fn site(host: &dyn Host, entity_ref: &str) -> Result<DocsSite, DocsError> {
    match source(host, entity_ref)? {
        (key, Source::Local(dir)) => Ok(local::LocalSite::open(&key, &dir)?.site()),
        (key, Source::Team) => {
            let served = serve_team(host, &key)?;
            Ok(served.site.site(served.offline, served.notice))
        }
    }
}

pub fn page(host: &dyn Host, entity_ref: &str, page: Option<&str>) -> Result<DocsPage, DocsError> {
    match source(host, entity_ref)? {
        (key, Source::Local(dir)) => local::LocalSite::open(&key, &dir)?.page(page),
        (key, Source::Team) => {
            team::cached_or_serve(host.data_dir(), &key, || serve_team(host, &key))?.page(page)
        }
    }
}

pub fn search(host: &dyn Host, entity_ref: &str, query: &str) -> Result<Vec<SearchHit>, DocsError> {
    let pages = match source(host, entity_ref)? {
        (key, Source::Local(dir)) => local::LocalSite::open(&key, &dir)?.index(),
        (key, Source::Team) => {
            team::cached_or_serve(host.data_dir(), &key, || serve_team(host, &key))?.index()
        }
    };
    Ok(search::search(&pages, query))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_every_docs_command_of_the_contract() {
        let mut declared = backlot_techdocs_common::COMMAND_NAMES.to_vec();
        declared.sort_unstable();
        assert_eq!(
            TechDocsBackend.routes().names().collect::<Vec<_>>(),
            declared
        );
    }
}
