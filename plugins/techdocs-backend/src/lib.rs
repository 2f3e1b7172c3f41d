//! TechDocs, native half. Answers the docs commands of `backlot-techdocs-common`:
//!
//! - **local docs**: for `dir:` refs of entities ingested from local files, reads
//!   `mkdocs.yml` in the folder the ref names and renders the markdown (nav, headings with
//!   anchors, tables, highlighted code, admonitions, images inlined as `data:` URLs, links
//!   between pages made in-app), sanitized with ammonia. The `dir:` folder, `docs_dir`
//!   and every `nav` page stay inside the entity's folder (its catalog file's), and every
//!   file is read as `backlot-safe-fs` reads untrusted files;
//! - **team docs**: for entities synced from the team backend, fetches the site its
//!   TechDocs publishes (with the team token), caches it under the data folder, serves the
//!   cache when the backend cannot be reached, and sanitizes MkDocs' HTML the same way;
//! - search over a site's pages, and the list of entities with docs.
//!
//! Network: a small reqwest client of its own rather than the proxy — the proxy serves
//! configured `proxy.endpoints`, while docs come from the team backend, whose URL and
//! token (keychain) the app hands over through [`Host`].

mod collator;
mod confine;
mod download;
mod error;
mod local;
mod markdown;
mod mkdocs;
mod sanitize;
mod search;
mod team;

use std::path::{Path, PathBuf};

use backlot_backend_plugin_api::router::Router;
use backlot_backend_plugin_api::{BackendPlugin, Host, HostEntity, SearchCollator};
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

    fn search_collators(&self) -> &'static [&'static dyn SearchCollator] {
        &[&collator::DocsCollator]
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
    /// MkDocs sources: `folder` is the entity's folder (of its catalog file, canonical),
    /// which `dir` (the folder holding mkdocs.yml) and every path of the site stay inside.
    Local {
        folder: PathBuf,
        dir: PathBuf,
    },
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
    let (folder, dir) = local_dir(base, dir.trim()).map_err(|e| match e {
        LocalDirError::Outside(folder) => DocsError::DirOutside {
            entity: key.clone(),
            value: value.clone(),
            folder,
        },
        LocalDirError::Missing(path) => DocsError::DirNotFound {
            entity: key.clone(),
            value: value.clone(),
            path,
        },
    })?;
    Ok((key, Source::Local { folder, dir }))
}

/// Why a `dir:` value names no usable docs folder.
enum LocalDirError {
    /// It leads out of the entity's folder (given, canonical).
    Outside(PathBuf),
    /// Nothing (or no folder) is there.
    Missing(PathBuf),
}

/// The entity's folder `base` (canonical) and the folder `dir` names in it, resolved as
/// Backstage's `resolveSafeChildPath` does: symlinks followed, the result inside `base`.
fn local_dir(base: &Path, dir: &str) -> Result<(PathBuf, PathBuf), LocalDirError> {
    let missing = || LocalDirError::Missing(base.join(dir));
    let folder = base.canonicalize().map_err(|_| missing())?;
    match backlot_safe_fs::resolve_inside(&folder, &folder, dir) {
        Ok(path) if path.is_dir() => Ok((folder, path)),
        Err(backlot_safe_fs::SafeFsError::Outside { .. }) => Err(LocalDirError::Outside(folder)),
        Ok(_) | Err(_) => Err(missing()),
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
        (key, Source::Local { folder, dir }) => {
            Ok(local::LocalSite::open(&key, &folder, &dir)?.site())
        }
        (key, Source::Team) => {
            let served = serve_team(host, &key)?;
            Ok(served.site.site(served.offline, served.notice))
        }
    }
}

pub fn page(host: &dyn Host, entity_ref: &str, page: Option<&str>) -> Result<DocsPage, DocsError> {
    match source(host, entity_ref)? {
        (key, Source::Local { folder, dir }) => {
            local::LocalSite::open(&key, &folder, &dir)?.page(page)
        }
        (key, Source::Team) => {
            team::cached_or_serve(host.data_dir(), &key, || serve_team(host, &key))?.page(page)
        }
    }
}

pub fn search(host: &dyn Host, entity_ref: &str, query: &str) -> Result<Vec<SearchHit>, DocsError> {
    let pages = match source(host, entity_ref)? {
        (key, Source::Local { folder, dir }) => {
            local::LocalSite::open(&key, &folder, &dir)?.index()
        }
        (key, Source::Team) => {
            team::cached_or_serve(host.data_dir(), &key, || serve_team(host, &key))?.index()
        }
    };
    Ok(search::search(&pages, query))
}

#[cfg(test)]
mod tests {
    use super::*;
    use backlot_model::ErrorCode;
    use backlot_model::ipc::{ProxyCall, ProxyReply};

    /// A host with one local entity, read from `file`, whose techdocs-ref is `value`.
    struct LocalHost {
        file: PathBuf,
        value: String,
    }

    impl Host for LocalHost {
        fn data_dir(&self) -> &Path {
            self.file.parent().unwrap_or(Path::new("."))
        }
        fn entity(&self, _: &str) -> Result<Option<HostEntity>, ApiError> {
            let entity = serde_json::from_value(serde_json::json!({
                "apiVersion": "backstage.io/v1alpha1", "kind": "Component",
                "metadata": {"name": "svc", "annotations": {"backstage.io/techdocs-ref": self.value}},
                "spec": {"type": "service", "lifecycle": "production", "owner": "team-a"}
            }))
            .map_err(|e| ApiError::internal(e.to_string()))?;
            Ok(Some(HostEntity {
                entity,
                source_file: Some(self.file.clone()),
                from_team: false,
            }))
        }
        fn entities_with_annotation(&self, _: &str) -> Result<Vec<HostEntity>, ApiError> {
            Ok(self.entity("")?.into_iter().collect())
        }
        fn entities_of_kind(&self, _: &str) -> Result<Vec<HostEntity>, ApiError> {
            Ok(Vec::new())
        }
        fn team_backend_url(&self) -> Result<Option<String>, ApiError> {
            Ok(None)
        }
        fn team_token(&self) -> Result<Option<backlot_model::Sensitive<String>>, ApiError> {
            Ok(None)
        }
        fn proxy(&self, _: ProxyCall) -> Result<ProxyReply, ApiError> {
            Err(ApiError::new(ErrorCode::Unsupported, "no proxy here"))
        }
        fn runtime(&self) -> Result<backlot_backend_plugin_api::RuntimeHandle, ApiError> {
            Err(ApiError::new(ErrorCode::Unsupported, "no runtime here"))
        }
    }

    /// `<tmp>/repo/catalog-info.yaml` (the entity's folder is `repo`) with a docs site in
    /// `repo/site`, and another, outside the folder, in `<tmp>/outside`.
    fn repo() -> (tempfile::TempDir, PathBuf) {
        let tmp = tempfile::tempdir().unwrap();
        for site in ["repo/site", "outside"] {
            let dir = tmp.path().join(site);
            std::fs::create_dir_all(dir.join("docs")).unwrap();
            std::fs::write(dir.join("mkdocs.yml"), "site_name: Docs\n").unwrap();
            std::fs::write(dir.join("docs/index.md"), format!("# {site}\n")).unwrap();
        }
        let file = tmp.path().join("repo/catalog-info.yaml");
        std::fs::write(&file, "").unwrap();
        (tmp, file)
    }

    fn site_of(file: &Path, value: &str) -> Result<DocsSite, DocsError> {
        let host = LocalHost {
            file: file.to_path_buf(),
            value: value.to_string(),
        };
        site(&host, "component:default/svc")
    }

    #[test]
    fn dir_refs_resolve_inside_the_entity_folder_only() {
        let (tmp, file) = repo();
        assert_eq!(site_of(&file, "dir:./site").unwrap().site_name, "Docs");
        assert_eq!(
            site_of(&file, "dir:site/../site/").unwrap().home,
            "index.md"
        );
        let outside = tmp.path().join("outside");
        for hostile in [
            "dir:../outside".to_string(),
            "dir:./site/../../outside".to_string(),
            format!("dir:{}", outside.display()),
            "dir:/".to_string(),
        ] {
            let e = site_of(&file, &hostile).unwrap_err();
            assert!(matches!(e, DocsError::DirOutside { .. }), "{hostile}: {e}");
            let message = e.to_string();
            assert!(
                message.contains(hostile.as_str())
                    && message.contains("leads outside the entity's folder"),
                "{message}"
            );
            assert_eq!(ApiError::from(e).code, ErrorCode::InvalidInput);
        }
        let e = site_of(&file, "dir:./not-here").unwrap_err();
        assert!(matches!(e, DocsError::DirNotFound { .. }), "{e}");
        assert_eq!(ApiError::from(e).code, ErrorCode::NotFound);
    }

    #[cfg(unix)]
    #[test]
    fn a_dir_ref_symlinked_out_of_the_entity_folder_is_refused() {
        let (tmp, file) = repo();
        std::os::unix::fs::symlink(tmp.path().join("outside"), tmp.path().join("repo/link"))
            .unwrap();
        let e = site_of(&file, "dir:./link").unwrap_err();
        assert!(matches!(e, DocsError::DirOutside { .. }), "{e}");
    }

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
