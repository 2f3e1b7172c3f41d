//! The first run and local catalog folders.
//!
//! A new data folder starts empty: the shell asks [`Api::onboarding`] whether to open the
//! welcome page, which offers three ways to a populated catalog — the bundled demo, a local
//! folder of `catalog-info.yaml` files, or a team backend (the existing team-backend
//! commands, then [`Api::complete_onboarding`]). Folders opened this way are remembered as
//! local sources (in the store's preferences) so they can be refreshed or removed later.

use std::path::{Path, PathBuf};

use backlot_catalog_backend::Store;
use backlot_model::ipc::{CatalogLoaded, LocalSource, OnboardingState};
use backlot_model::{ApiError, ErrorCode, IngestReport};

use crate::Api;

/// Set once a first-run path has been completed.
const COMPLETED_KEY: &str = "onboarding.completed";
/// Set by earlier builds, which loaded the demo on first start by themselves: their users
/// are past the first run.
const LEGACY_DEMO_KEY: &str = "demo-catalog.installed";
/// The remembered local sources, a JSON array of [`LocalSource`].
const LOCAL_SOURCES_KEY: &str = "catalog.local-sources";

impl Api {
    pub fn onboarding(&self) -> Result<OnboardingState, ApiError> {
        self.with_store(|store| state(store))
    }

    pub fn complete_onboarding(&self) -> Result<OnboardingState, ApiError> {
        self.with_store(|store| {
            store.set_preference(COMPLETED_KEY, "1")?;
            state(store)
        })
    }

    /// Writes the bundled demo catalog under `<data dir>/demo-catalog/` and ingests it.
    pub fn load_demo_catalog(&self) -> Result<CatalogLoaded, ApiError> {
        let data_dir = self.data_dir().to_path_buf();
        self.with_store(|store| {
            let report = backlot_catalog_backend::demo::install(store, &data_dir)?;
            let source = source_of(
                &backlot_catalog_backend::demo::demo_dir(&data_dir),
                &report,
                &[],
            );
            store.set_preference(COMPLETED_KEY, "1")?;
            Ok(CatalogLoaded {
                source,
                report,
                total: store.summary()?.total,
            })
        })
    }

    /// Ingests the catalog files under the folder `input` names and remembers the folder.
    /// Refuses, with a message that says why, a path that is empty, relative, missing, a
    /// file, or a folder from which not a single entity could be read.
    pub fn open_catalog_folder(
        &self,
        input: &str,
        globs: &[String],
    ) -> Result<CatalogLoaded, ApiError> {
        let folder = checked_folder(input)?;
        let selection = crate::catalog_files::file_selection(globs)?;
        self.with_store(|store| {
            let report = backlot_catalog_backend::ingest_selected(
                store,
                std::slice::from_ref(&folder),
                &selection,
            )?;
            if entities_in(&report) == 0 {
                return Err(nothing_read(&folder, &report));
            }
            let source = source_of(&folder, &report, globs);
            remember(store, source.clone())?;
            store.set_preference(COMPLETED_KEY, "1")?;
            Ok(CatalogLoaded {
                source,
                report,
                total: store.summary()?.total,
            })
        })
    }

    pub fn local_sources(&self) -> Result<Vec<LocalSource>, ApiError> {
        self.with_store(|store| remembered(store))
    }

    /// Reads a remembered folder again: new, changed and deleted files are applied.
    pub fn refresh_local_source(&self, path: &str) -> Result<CatalogLoaded, ApiError> {
        self.with_store(|store| {
            let known = find(store, path)?;
            let folder = PathBuf::from(&known.path);
            if !folder.is_dir() {
                return Err(ApiError::not_found(format!(
                    "the folder {} no longer exists; restore it, or remove it from the local sources",
                    folder.display()
                )));
            }
            let selection = crate::catalog_files::file_selection(&known.globs)?;
            let report = backlot_catalog_backend::ingest_selected(
                store,
                std::slice::from_ref(&folder),
                &selection,
            )?;
            let source = source_of(&folder, &report, &known.globs);
            remember(store, source.clone())?;
            Ok(CatalogLoaded { source, report, total: store.summary()?.total })
        })
    }

    /// Forgets a remembered folder and removes the entities it brought into the catalog.
    pub fn remove_local_source(&self, path: &str) -> Result<Vec<LocalSource>, ApiError> {
        self.with_store(|store| {
            let known = find(store, path)?;
            // Ingesting nothing under the folder's source key removes what it held.
            backlot_catalog_backend::ingest_values(store, &known.path, Vec::new())?;
            let rest: Vec<LocalSource> = remembered(store)?
                .into_iter()
                .filter(|s| s.path != known.path)
                .collect();
            save(store, &rest)?;
            Ok(rest)
        })
    }
}

fn state(store: &Store) -> Result<OnboardingState, ApiError> {
    let completed = store.get_preference(COMPLETED_KEY)?.is_some()
        || store.get_preference(LEGACY_DEMO_KEY)?.is_some();
    let entity_count = store.status().entity_count;
    Ok(OnboardingState {
        needed: !completed && entity_count == 0,
        completed,
        entity_count,
    })
}

fn entities_in(report: &IngestReport) -> u64 {
    report.added + report.updated + report.unchanged
}

fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or_default()
}

fn source_of(folder: &Path, report: &IngestReport, globs: &[String]) -> LocalSource {
    LocalSource {
        path: folder.display().to_string(),
        entity_count: entities_in(report),
        error_count: report.errors.len() as u64,
        ingested_at_ms: now_ms(),
        globs: globs.to_vec(),
    }
}

/// Turns what the user typed into a canonical folder, or says what is wrong with it.
fn checked_folder(input: &str) -> Result<PathBuf, ApiError> {
    let typed = input.trim();
    if typed.is_empty() {
        return Err(ApiError::invalid_input(
            "enter the path of a folder that holds catalog-info.yaml files",
        ));
    }
    let path = match typed
        .strip_prefix("~/")
        .or_else(|| (typed == "~").then_some(""))
    {
        Some(rest) => dirs::home_dir()
            .ok_or_else(|| {
                ApiError::invalid_input("“~” cannot be expanded: this system has no home folder")
            })?
            .join(rest),
        None => PathBuf::from(typed),
    };
    if !path.is_absolute() {
        return Err(ApiError::invalid_input(format!(
            "“{typed}” is a relative path; give the folder's full path, e.g. /home/you/src or ~/src"
        )));
    }
    match std::fs::metadata(&path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(ApiError::not_found(format!(
            "the folder {} does not exist",
            path.display()
        ))),
        Err(e) => Err(ApiError::invalid_input(format!(
            "cannot open {}: {e}",
            path.display()
        ))),
        Ok(meta) if !meta.is_dir() => Err(ApiError::invalid_input(format!(
            "{} is a file, not a folder; choose the folder that contains it",
            path.display()
        ))),
        Ok(_) => path
            .canonicalize()
            .map_err(|e| ApiError::invalid_input(format!("cannot open {}: {e}", path.display()))),
    }
}

fn nothing_read(folder: &Path, report: &IngestReport) -> ApiError {
    let folder_text = folder.display().to_string();
    match report.errors.first() {
        None => ApiError::invalid_input(format!(
            "no catalog files in {}: Backlot reads the files named catalog-info.yaml, catalog-info.yml or .catalog-info.yaml in a folder and its subfolders",
            folder.display()
        )),
        // "No catalog files here" (naming what was skipped) is the whole story.
        Some(only)
            if report.errors.len() == 1 && only.file == folder_text && only.line.is_none() =>
        {
            ApiError::invalid_input(only.message.clone())
        }
        Some(first) => ApiError::invalid_input(format!(
            "no entity in {} could be read ({} problem{}); the first: {first}",
            folder.display(),
            report.errors.len(),
            if report.errors.len() == 1 { "" } else { "s" }
        )),
    }
}

fn remembered(store: &Store) -> Result<Vec<LocalSource>, ApiError> {
    let saved = store.get_preference(LOCAL_SOURCES_KEY)?;
    // A list written by a newer or broken build is not worth failing over: start afresh.
    Ok(saved
        .and_then(|json| serde_json::from_str(&json).ok())
        .unwrap_or_default())
}

fn save(store: &Store, sources: &[LocalSource]) -> Result<(), ApiError> {
    let json = serde_json::to_string(sources).map_err(|e| ApiError::internal(e.to_string()))?;
    store.set_preference(LOCAL_SOURCES_KEY, &json)?;
    Ok(())
}

fn remember(store: &Store, source: LocalSource) -> Result<(), ApiError> {
    let mut sources = remembered(store)?;
    match sources.iter_mut().find(|s| s.path == source.path) {
        Some(known) => *known = source,
        None => sources.push(source),
    }
    save(store, &sources)
}

fn find(store: &Store, path: &str) -> Result<LocalSource, ApiError> {
    remembered(store)?
        .into_iter()
        .find(|s| s.path == path)
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::NotFound,
                format!("{path} is not one of the local sources"),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use backlot_model::query::EntityQuery;
    use serde_json::json;

    const COMPONENT: &str = "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: NAME\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n";

    fn component(name: &str) -> String {
        COMPONENT.replace("NAME", name)
    }

    fn api() -> (tempfile::TempDir, Api) {
        let dir = tempfile::tempdir().unwrap();
        let api = Api::open(&dir.path().join("data"));
        (dir, api)
    }

    fn names(api: &Api) -> Vec<String> {
        let page = api
            .query_entities(&EntityQuery {
                limit: 100,
                ..Default::default()
            })
            .unwrap();
        let mut names: Vec<String> = page.items.into_iter().map(|e| e.name).collect();
        names.sort();
        names
    }

    #[test]
    fn an_empty_data_folder_needs_onboarding_until_a_path_is_completed() {
        let (_dir, api) = api();
        let state = api.dispatch("onboarding", json!({})).unwrap();
        assert_eq!(
            state,
            json!({"needed": true, "completed": false, "entityCount": 0})
        );
        let state = api.dispatch("complete_onboarding", json!({})).unwrap();
        assert_eq!(state["needed"], false);
        assert_eq!(state["completed"], true);
        // Remembered across restarts.
        let again = Api::open(api.data_dir());
        assert!(!again.onboarding().unwrap().needed);
    }

    #[test]
    fn the_demo_catalog_loads_and_ends_onboarding() {
        let (_dir, api) = api();
        let loaded = api.load_demo_catalog().unwrap();
        assert!(loaded.total >= 20, "{loaded:?}");
        assert_eq!(loaded.report.errors, [], "the demo catalog must be valid");
        assert!(
            loaded.source.path.ends_with("demo-catalog"),
            "{}",
            loaded.source.path
        );
        let state = api.onboarding().unwrap();
        assert!(state.completed && !state.needed, "{state:?}");
        assert_eq!(state.entity_count, loaded.total);
        // Loading it again changes nothing.
        let again = api.load_demo_catalog().unwrap();
        assert_eq!((again.report.added, again.total), (0, loaded.total));
    }

    #[test]
    fn a_data_folder_from_a_version_that_auto_loaded_the_demo_is_past_its_first_run() {
        let (_dir, api) = api();
        api.with_store(|s| Ok(s.set_preference(LEGACY_DEMO_KEY, "1")?))
            .unwrap();
        assert!(!api.onboarding().unwrap().needed);
    }

    #[test]
    fn a_folder_is_ingested_remembered_refreshed_and_removed() {
        let (dir, api) = api();
        let repos = dir.path().join("repos");
        std::fs::create_dir_all(repos.join("a")).unwrap();
        std::fs::create_dir_all(repos.join("b")).unwrap();
        std::fs::write(repos.join("a/catalog-info.yaml"), component("alpha")).unwrap();
        std::fs::write(repos.join("b/catalog-info.yaml"), component("beta")).unwrap();

        let loaded = api
            .dispatch(
                "open_catalog_folder",
                json!({"path": format!("  {}  ", repos.display())}),
            )
            .unwrap();
        let loaded: CatalogLoaded = serde_json::from_value(loaded).unwrap();
        assert_eq!(
            (
                loaded.report.added,
                loaded.total,
                loaded.source.entity_count
            ),
            (2, 2, 2)
        );
        assert_eq!(
            loaded.source.path,
            repos.canonicalize().unwrap().display().to_string()
        );
        assert!(api.onboarding().unwrap().completed);
        assert_eq!(names(&api), ["alpha", "beta"]);

        // Remembered across restarts.
        let api = Api::open(api.data_dir());
        let sources = api.local_sources().unwrap();
        assert_eq!(sources.len(), 1);
        assert_eq!(sources[0].path, loaded.source.path);

        // Refresh applies a new file and a deleted one.
        std::fs::remove_file(repos.join("b/catalog-info.yaml")).unwrap();
        std::fs::create_dir_all(repos.join("c")).unwrap();
        std::fs::write(repos.join("c/catalog-info.yaml"), component("gamma")).unwrap();
        let refreshed = api.refresh_local_source(&sources[0].path).unwrap();
        assert_eq!((refreshed.report.added, refreshed.report.removed), (1, 1));
        assert_eq!(names(&api), ["alpha", "gamma"]);
        assert_eq!(api.local_sources().unwrap()[0].entity_count, 2);

        // Opening the same folder again keeps one entry.
        api.open_catalog_folder(&sources[0].path, &[]).unwrap();
        assert_eq!(api.local_sources().unwrap().len(), 1);

        // Removing forgets it and takes its entities out of the catalog.
        let rest = api.remove_local_source(&sources[0].path).unwrap();
        assert_eq!(rest, []);
        assert_eq!(names(&api), Vec::<String>::new());
        let err = api.refresh_local_source(&sources[0].path).unwrap_err();
        assert_eq!(err.code, ErrorCode::NotFound);
    }

    #[test]
    fn removing_a_folder_keeps_the_entities_of_other_sources() {
        let (dir, api) = api();
        api.load_demo_catalog().unwrap();
        let before = api.catalog_summary().unwrap().total;
        let repo = dir.path().join("repo");
        std::fs::create_dir_all(&repo).unwrap();
        std::fs::write(repo.join("catalog-info.yaml"), component("solo")).unwrap();
        let loaded = api
            .open_catalog_folder(repo.to_str().unwrap(), &[])
            .unwrap();
        assert_eq!(loaded.total, before + 1);
        api.remove_local_source(&loaded.source.path).unwrap();
        assert_eq!(api.catalog_summary().unwrap().total, before);
    }

    #[test]
    fn bad_folders_are_refused_with_the_reason() {
        let (dir, api) = api();
        let cases: Vec<(String, ErrorCode, &str)> = vec![
            ("   ".into(), ErrorCode::InvalidInput, "enter the path"),
            (
                "relative/repos".into(),
                ErrorCode::InvalidInput,
                "relative path",
            ),
            (
                dir.path().join("missing").display().to_string(),
                ErrorCode::NotFound,
                "does not exist",
            ),
        ];
        let file = dir.path().join("catalog-info.yaml");
        std::fs::write(&file, component("x")).unwrap();
        let empty = dir.path().join("empty");
        std::fs::create_dir_all(empty.join("docs")).unwrap();
        std::fs::write(empty.join("docs/README.md"), "# nothing here").unwrap();
        let broken = dir.path().join("broken");
        std::fs::create_dir_all(&broken).unwrap();
        std::fs::write(
            broken.join("catalog-info.yaml"),
            "kind: Component\nmetadata: {}\n",
        )
        .unwrap();
        let cases = cases.into_iter().chain([
            (
                file.display().to_string(),
                ErrorCode::InvalidInput,
                "is a file, not a folder",
            ),
            (
                empty.display().to_string(),
                ErrorCode::InvalidInput,
                "no catalog files in",
            ),
            (
                broken.display().to_string(),
                ErrorCode::InvalidInput,
                "could be read (2 problems); the first: ",
            ),
        ]);
        for (input, code, says) in cases {
            let err = api.open_catalog_folder(&input, &[]).unwrap_err();
            assert_eq!(err.code, code, "{input}: {err}");
            assert!(err.message.contains(says), "{input}: {err}");
        }
        assert_eq!(api.local_sources().unwrap(), []);
        assert!(
            api.onboarding().unwrap().needed,
            "a failed attempt does not end onboarding"
        );
    }

    #[test]
    fn a_folder_of_other_yaml_names_says_what_it_skipped_and_opens_with_a_pattern() {
        let (dir, api) = api();
        let repo = dir.path().join("examples");
        std::fs::create_dir_all(repo.join("org")).unwrap();
        std::fs::write(repo.join("all.yaml"), component("alpha")).unwrap();
        std::fs::write(repo.join("org/people.yml"), component("beta")).unwrap();
        std::fs::write(repo.join("README.md"), "# not yaml").unwrap();

        let err = api
            .open_catalog_folder(repo.to_str().unwrap(), &[])
            .unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidInput);
        for says in [
            "no catalog files in",
            "2 YAML files",
            "all.yaml",
            "org/people.yml",
            "*.{yaml,yml}",
        ] {
            assert!(err.message.contains(says), "{says}: {err}");
        }
        assert!(!err.message.contains("README"), "{err}");

        let err = api
            .open_catalog_folder(repo.to_str().unwrap(), &["[".to_string()])
            .unwrap_err();
        assert!(err.message.contains("invalid file pattern \"[\""), "{err}");

        let globs = vec!["*.{yaml,yml}".to_string()];
        let loaded = api
            .dispatch(
                "open_catalog_folder",
                json!({"path": repo.display().to_string(), "globs": globs}),
            )
            .unwrap();
        let loaded: CatalogLoaded = serde_json::from_value(loaded).unwrap();
        assert_eq!(loaded.report.added, 2, "{loaded:?}");
        assert_eq!(loaded.source.globs, globs);
        // A refresh reads with the same patterns.
        std::fs::write(repo.join("org/more.yaml"), component("gamma")).unwrap();
        let refreshed = api.refresh_local_source(&loaded.source.path).unwrap();
        assert_eq!(refreshed.report.added, 1, "{refreshed:?}");
        assert_eq!(names(&api), ["alpha", "beta", "gamma"]);
    }

    #[test]
    fn home_relative_paths_are_expanded() {
        let err = checked_folder("~/surely-not-a-folder-backlot-test").unwrap_err();
        assert_eq!(err.code, ErrorCode::NotFound);
        assert!(!err.message.contains('~'), "{err}");
    }
}
