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
mod highlight;
mod local;
mod markdown;
mod mkdocs;
mod sanitize;
mod search;
mod team;

use std::path::PathBuf;

use backlot_app::plugin_host::{BackendPlugin, Host, HostEntity};
use backlot_model::ApiError;
use backlot_model::ipc::{Command, dispatch_typed, unknown_command};
use backlot_techdocs_common::{
    COMMAND_NAMES, DocsEntity, DocsOrigin, DocsPage, DocsSite, GetDocsPage, GetDocsSite,
    ListDocsEntities, SearchDocs, SearchHit, TECHDOCS_REF,
};

pub use error::DocsError;
pub use markdown::to_html as markdown_to_html;
pub use sanitize::{Resolver, clean as sanitize_html};

/// The plugin backend to register with the app: `Api::with_backend_plugin(TechDocsBackend)`.
#[derive(Debug, Clone, Copy, Default)]
pub struct TechDocsBackend;

impl BackendPlugin for TechDocsBackend {
    fn id(&self) -> &'static str {
        "techdocs"
    }

    fn handles(&self, command: &str) -> bool {
        COMMAND_NAMES.contains(&command)
    }

    fn dispatch(
        &self,
        command: &str,
        args: serde_json::Value,
        host: &dyn Host,
    ) -> Result<serde_json::Value, ApiError> {
        match command {
            ListDocsEntities::NAME => dispatch_typed::<ListDocsEntities>(args, |_| entities(host)),
            GetDocsSite::NAME => {
                dispatch_typed::<GetDocsSite>(args, |c| Ok(site(host, &c.entity_ref)?))
            }
            GetDocsPage::NAME => dispatch_typed::<GetDocsPage>(args, |c| {
                Ok(page(host, &c.entity_ref, c.page.as_deref())?)
            }),
            SearchDocs::NAME => {
                dispatch_typed::<SearchDocs>(args, |c| Ok(search(host, &c.entity_ref, &c.query)?))
            }
            other => Err(unknown_command(other)),
        }
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
    team::serve(host.data_dir(), entity_ref, url, host.team_token())
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
