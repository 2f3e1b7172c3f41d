//! The fake's command table: one handler per command of the IPC contract, over the
//! fake's state. The helpers it calls live beside it ([`super::catalog`],
//! [`super::entities`], [`super::sources`], [`super::keychain`]).

use backlot_model::graph::GetEntityGraph;
use backlot_model::ingest::IngestReport;
use backlot_model::ipc::{
    self, AppInfo, CancelSignIn, CancelSync, CatalogLoaded, CompleteOnboarding, ConnectionCheck,
    DeleteCredential, GetAppInfo, GetCatalogSummary, GetConfigSummary, GetCredentials, GetEntity,
    GetEntityLocation, GetFacets, GetLocalSources, GetOnboarding, GetPreferences, GetRecent,
    GetStarred, GetTeamBackend, GetUiState, LoadDemoCatalog, OpenCatalogFolder, OpenExternal,
    ProxyCall, QueryEntities, RecordVisit, RefreshLocalSource, RefreshTeamEntity, RegisterLocation,
    RemoveLocalSource, SaveTeamBackend, SessionState, SetCredential, SetPreferences, SetStarred,
    SetUiState, SignInStarted, SignOut, StartSignIn, StartSync, StoreStatus, SyncProgress,
    TestTeamBackend, UiReady, UnregisterLocation,
};
use backlot_model::router::Router;
use backlot_model::{ApiError, ErrorCode};

use super::FakeBackend;
use super::catalog::{facets, query, summary};
use super::entities::{entity_graph, entity_view, starred};
use super::keychain::{credentials, is_http_url, preferences, secret_status, team};
use super::sources::{add_entities, onboarding};

/// Every command the fake answers.
pub(super) fn routes() -> Router<FakeBackend> {
    let router = Router::<FakeBackend>::new()
        .on::<GetAppInfo>(|f, _| Ok(app_info(f.read().entities.len() as u64)))
        .on::<UiReady>(|_, _| Ok(()))
        .on::<GetPreferences>(|f, _| Ok(preferences(&f.read())))
        .on::<SetPreferences>(|f, c| {
            c.preferences.check()?;
            let mut state = f.write();
            state.preferences = ipc::Preferences {
                signed_in_as: None,
                ..c.preferences
            };
            Ok(preferences(&state))
        });
    let router = catalog(router);
    let router = settings(router);
    onboarding_routes(router)
}

/// The catalog: summary, queries, facets, entity pages and graphs, stars, visits, UI state.
fn catalog(router: Router<FakeBackend>) -> Router<FakeBackend> {
    router
        .on::<GetCatalogSummary>(|f, _| Ok(summary(&f.read().entities)))
        .on::<QueryEntities>(|f, c| {
            let mut state = f.write();
            state.last_query = Some(c.query.clone());
            Ok(query(&state, &c.query))
        })
        .on::<GetFacets>(|f, c| Ok(facets(&f.read(), &c.filter)))
        .on::<SetStarred>(|f, c| {
            let mut state = f.write();
            let key = c.entity_ref.to_lowercase();
            state.stars.retain(|r| *r != key);
            if c.starred {
                state.stars.push(key);
            }
            Ok(starred(&state))
        })
        .on::<GetStarred>(|f, _| Ok(starred(&f.read())))
        .on::<RecordVisit>(|f, c| {
            let mut state = f.write();
            let key = c.entity_ref.to_lowercase();
            state.visits.retain(|r| *r != key);
            state.visits.push(key);
            Ok(())
        })
        .on::<GetRecent>(|f, c| {
            let state = f.read();
            let limit = if c.limit == 0 { 10 } else { c.limit as usize };
            Ok(state
                .visits
                .iter()
                .rev()
                .filter_map(|r| state.find(r))
                .take(limit)
                .collect())
        })
        .on::<GetUiState>(|f, c| {
            backlot_model::ipc::check_ui_state_key(&c.key)?;
            Ok(f.read().ui_state.get(&c.key).cloned())
        })
        .on::<SetUiState>(|f, c| {
            c.check()?;
            f.write().ui_state.insert(c.key, c.value);
            Ok(())
        })
        .on::<OpenExternal>(|f, c| {
            if !is_http_url(&c.url) {
                return Err(ApiError::invalid_input(format!(
                    "only http(s) web addresses can be opened, not “{}”",
                    c.url
                )));
            }
            f.write().opened.push(c.url);
            Ok(())
        })
        .on::<GetEntity>(|f, c| entity_view(&f.read(), &c.entity_ref))
        .on::<GetEntityGraph>(|f, c| entity_graph(&f.read(), &c))
        .on::<ProxyCall>(|_, c| {
            Err(ApiError::not_found(format!(
                "no proxy endpoint matches {} (preview backend)",
                c.path
            )))
        })
}

/// Settings: configuration, keychain, team backend and its sync.
fn settings(router: Router<FakeBackend>) -> Router<FakeBackend> {
    router
        .on::<GetConfigSummary>(|f, _| Ok(f.read().config.clone()))
        .on::<GetCredentials>(|f, _| Ok(credentials(&f.read())))
        .on::<SetCredential>(|f, c| {
            let mut state = f.write();
            if let Some(error) = &state.keychain_error {
                return Err(error.clone());
            }
            state.keychain.insert(c.name.clone(), c.value);
            Ok(secret_status(&state, &c.name))
        })
        .on::<DeleteCredential>(|f, c| {
            let mut state = f.write();
            if let Some(error) = &state.keychain_error {
                return Err(error.clone());
            }
            state.keychain.remove(&c.name);
            Ok(secret_status(&state, &c.name))
        })
        .on::<GetTeamBackend>(|f, _| Ok(team(&f.read())))
        .on::<SaveTeamBackend>(|f, c| {
            if !is_http_url(&c.url) {
                return Err(ApiError::invalid_input(format!(
                    "“{}” is not a backend URL",
                    c.url
                )));
            }
            let mut state = f.write();
            if let Some(token) = c.token {
                if let Some(error) = &state.keychain_error {
                    return Err(error.clone());
                }
                state
                    .keychain
                    .insert(ipc::TEAM_BACKEND_TOKEN.to_string(), token);
            }
            state.team.url = Some(c.url);
            Ok(team(&state))
        })
        .on::<TestTeamBackend>(|f, c| {
            if is_http_url(&c.url) {
                Ok(ConnectionCheck {
                    entity_count: f.read().entities.len() as u64,
                    duration_ms: 1,
                })
            } else {
                Err(ApiError::invalid_input(format!(
                    "“{}” is not an http(s) URL",
                    c.url
                )))
            }
        })
        .on::<StartSignIn>(|f, c| {
            if !is_http_url(&c.url) {
                return Err(ApiError::invalid_input(format!(
                    "“{}” is not a backend URL",
                    c.url
                )));
            }
            let mut state = f.write();
            let authorize_url = format!("{}/api/auth/v1/authorize?fake=1", c.url);
            state.team.url = Some(c.url);
            state.team.session.pending = Some(authorize_url.clone());
            state.team.session.error = None;
            Ok(SignInStarted { authorize_url })
        })
        .on::<CancelSignIn>(|f, _| {
            let mut state = f.write();
            state.team.session.pending = None;
            Ok(team(&state))
        })
        .on::<SignOut>(|f, _| {
            let mut state = f.write();
            state.team.session = SessionState::default();
            Ok(team(&state))
        })
        .on::<RegisterLocation>(|f, c| {
            let mut state = f.write();
            if !is_http_url(&c.url) {
                return Err(ApiError::invalid_input(format!("“{}” is not a URL", c.url)));
            }
            let exists = state.registered.contains(&c.url);
            if exists && !c.dry_run {
                return Err(ApiError::new(
                    ErrorCode::Conflict,
                    format!("already registered in the team's catalog: {}", c.url),
                ));
            }
            if !c.dry_run {
                state.registered.push(c.url.clone());
            }
            Ok(fake_registration(&c.url, exists, c.dry_run))
        })
        .on::<RefreshTeamEntity>(|f, c| entity_view(&f.read(), &c.entity_ref))
        .on::<GetEntityLocation>(|f, c| {
            entity_view(&f.read(), &c.entity_ref)?;
            let mut registration = fake_registration(
                &format!("https://git.example.com/{}/catalog-info.yaml", c.entity_ref),
                true,
                false,
            );
            registration.entities[0].entity_ref = c.entity_ref.clone();
            Ok(registration)
        })
        .on::<UnregisterLocation>(|f, c| {
            let mut state = f.write();
            state.unregistered.push(c.location_id.clone());
            Ok(state.team.sync.clone())
        })
        .on::<backlot_model::search::Search>(|f, c| {
            let mut state = f.write();
            let mut results = super::search::search(&state, &c);
            // The first searches answer while the index is being brought up to date.
            results.indexing = state.indexing_searches > 0;
            state.indexing_searches = state.indexing_searches.saturating_sub(1);
            Ok(results)
        })
        .on::<backlot_model::search::RebuildSearchIndex>(|f, _| {
            Ok(backlot_model::search::IndexReport {
                documents: f.read().search_docs.len() as u64,
                ..Default::default()
            })
        })
        .on::<StartSync>(|f, c| {
            let mut state = f.write();
            state.last_sync_start = Some(c.clone());
            let mode = if c.full { "full" } else { "incremental" };
            state.team.sync.running = Some(SyncProgress {
                mode: mode.into(),
                phase: "listing".into(),
                ..Default::default()
            });
            Ok(state.team.sync.clone())
        })
        .on::<CancelSync>(|f, _| {
            let mut state = f.write();
            state.team.sync.running = None;
            Ok(state.team.sync.clone())
        })
}

/// First run and local folders.
fn onboarding_routes(router: Router<FakeBackend>) -> Router<FakeBackend> {
    router
        .on::<GetOnboarding>(|f, _| Ok(onboarding(&f.read())))
        .on::<CompleteOnboarding>(|f, _| {
            let mut state = f.write();
            state.onboarding_completed = true;
            Ok(onboarding(&state))
        })
        .on::<LoadDemoCatalog>(|f, _| {
            let mut state = f.write();
            let demo = state.demo.clone();
            state.onboarding_completed = true;
            Ok(add_entities(&mut state, "(demo catalog)", demo))
        })
        .on::<OpenCatalogFolder>(|f, c| {
            let mut state = f.write();
            let path = c.path.trim().to_string();
            if path.is_empty() {
                return Err(ApiError::invalid_input(
                    "enter the path of a folder that holds catalog-info.yaml files",
                ));
            }
            let entities =
                state.folders.get(&path).cloned().ok_or_else(|| {
                    ApiError::not_found(format!("the folder {path} does not exist"))
                })?;
            if entities.is_empty() {
                return Err(ApiError::invalid_input(format!(
                    "no catalog files in {path}"
                )));
            }
            let mut loaded = add_entities(&mut state, &path, entities);
            loaded.source.globs = c.globs.clone();
            state.local_sources.retain(|s| s.path != path);
            state.local_sources.push(loaded.source.clone());
            state.onboarding_completed = true;
            Ok(loaded)
        })
        .on::<GetLocalSources>(|f, _| Ok(f.read().local_sources.clone()))
        .on::<RefreshLocalSource>(|f, c| {
            let state = f.read();
            let source = state
                .local_sources
                .iter()
                .find(|s| s.path == c.path)
                .cloned();
            let source = source.ok_or_else(|| {
                ApiError::not_found(format!("{} is not one of the local sources", c.path))
            })?;
            let total = state.entities.len() as u64;
            Ok(CatalogLoaded {
                report: IngestReport {
                    unchanged: source.entity_count,
                    ..Default::default()
                },
                source,
                total,
            })
        })
        .on::<RemoveLocalSource>(|f, c| {
            let mut state = f.write();
            if !state.local_sources.iter().any(|s| s.path == c.path) {
                return Err(ApiError::not_found(format!(
                    "{} is not one of the local sources",
                    c.path
                )));
            }
            let gone: Vec<String> = state
                .folders
                .get(&c.path)
                .into_iter()
                .flatten()
                .map(|e| e.entity_ref.clone())
                .collect();
            state.entities.retain(|e| !gone.contains(&e.entity_ref));
            state.local_sources.retain(|s| s.path != c.path);
            Ok(state.local_sources.clone())
        })
}

fn app_info(entity_count: u64) -> AppInfo {
    AppInfo {
        name: "Backlot".into(),
        version: "0.0.0-fake".into(),
        platform: "browser".into(),
        data_dir: "(in memory)".into(),
        store: StoreStatus {
            path: ":memory:".into(),
            ok: true,
            schema_version: 1,
            entity_count,
            size_bytes: 0,
            error: None,
        },
    }
}

/// What the fake team backend says a location holds: one component named after the file's
/// folder.
fn fake_registration(url: &str, exists: bool, dry_run: bool) -> ipc::Registration {
    let name = url
        .trim_end_matches("/catalog-info.yaml")
        .rsplit('/')
        .next()
        .unwrap_or("component")
        .to_string();
    ipc::Registration {
        location: ipc::TeamLocation {
            id: format!("loc-{name}"),
            kind: "url".into(),
            target: url.to_string(),
        },
        entities: vec![ipc::LocationEntity {
            entity_ref: format!("component:default/{name}"),
            title: None,
            description: Some("registered through Backlot".into()),
        }],
        exists,
        dry_run,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use backlot_model::ErrorCode;
    use backlot_model::ipc::Command;
    use backlot_model::query::{EntityQuery, EntitySummary};
    use serde_json::json;

    fn entity(name: &str) -> EntitySummary {
        EntitySummary {
            entity_ref: format!("component:default/{name}"),
            kind: "Component".into(),
            namespace: "default".into(),
            name: name.into(),
            ..Default::default()
        }
    }

    #[test]
    fn answers_the_commands_of_its_table_and_records_calls() {
        let fake = FakeBackend::new().with_entities(vec![entity("b"), entity("a")]);
        let page = fake
            .dispatch(
                QueryEntities::NAME,
                json!({"query": EntityQuery::default()}),
            )
            .unwrap();
        assert_eq!(page["total"], 2);
        assert_eq!(page["items"][0]["name"], "a");
        assert_eq!(fake.calls(), ["query_entities"]);
        assert!(fake.last_query().is_some());
        assert!(FakeBackend::routes().handles(GetEntityGraph::NAME));
    }

    #[test]
    fn the_table_answers_exactly_the_contract() {
        let names: Vec<&str> = FakeBackend::routes().names().collect();
        let mut contract = ipc::COMMAND_NAMES.to_vec();
        contract.sort_unstable();
        assert_eq!(names, contract);
    }

    #[test]
    fn unknown_commands_and_failing_ones_are_typed_errors() {
        let fake =
            FakeBackend::new().failing::<GetStarred>(ApiError::new(ErrorCode::Offline, "down"));
        let err = fake.dispatch("no_such_command", json!({})).unwrap_err();
        assert_eq!(err.code, ErrorCode::Unsupported);
        assert_eq!(
            fake.dispatch(GetStarred::NAME, json!({})).unwrap_err().code,
            ErrorCode::Offline
        );
        let err = fake
            .dispatch(SetStarred::NAME, json!({"starred": 1}))
            .unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidInput);
        assert_eq!(fake.calls(), ["no_such_command", "starred", "set_starred"]);
    }
}
