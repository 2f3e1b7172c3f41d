//! An in-memory backend for UI tests and for previewing the UI in a plain browser.
//! It answers the same typed commands as the real one, over data the test sets up.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use backlot_model::ApiError;
use backlot_model::ipc::{
    self, AppInfo, CancelSync, CatalogSummary, Command, ConfigSummary, ConnectionCheck, Credentials,
    DeleteCredential, EntityView, GetAppInfo, GetCatalogSummary, GetConfigSummary, GetCredentials, GetEntity,
    GetFacets, GetPreferences,
    GetTeamBackend, Preferences, ProxyCall, QueryEntities, SaveTeamBackend, SecretStatus, SetCredential,
    SetPreferences, StartSync, StoreStatus, SyncProgress, TeamBackend, TestTeamBackend, UiReady,
};
use backlot_model::ipc::{GetRecent, GetStarred, GetUiState, OpenExternal, RecordVisit, SetStarred, SetUiState, StarredEntities};
use backlot_model::ingest::IngestProblem;
use backlot_model::query::SortField;
use backlot_model::entity::{Entity, EntityMetadata, EntityRelation};
use backlot_model::ingest::EntityDetails;
use backlot_model::query::{EntityFilter, EntityPage, EntityQuery, EntitySummary, FacetCount, Facets};

use backlot_model::ipc::{
    CatalogLoaded, CompleteOnboarding, GetLocalSources, GetOnboarding, LoadDemoCatalog, LocalSource, OnboardingState,
    OpenCatalogFolder, RefreshLocalSource, RemoveLocalSource,
};
use backlot_model::ingest::IngestReport;

use crate::backend::{Backend, BackendFuture};

#[derive(Default)]
struct FakeState {
    /// First run: whether a path was completed, what the demo holds, the folders a test
    /// set up (path → entities) and the ones "opened".
    onboarding_completed: bool,
    demo: Vec<EntitySummary>,
    folders: BTreeMap<String, Vec<EntitySummary>>,
    local_sources: Vec<LocalSource>,
    entities: Vec<EntitySummary>,
    preferences: Preferences,
    calls: Vec<&'static str>,
    fail: BTreeMap<&'static str, ApiError>,
    config: ConfigSummary,
    /// Secret name → who needs it.
    secrets_needed: BTreeMap<String, Vec<String>>,
    /// What the "keychain" holds. Only tests read it back; the UI never gets values.
    keychain: BTreeMap<String, String>,
    keychain_error: Option<ApiError>,
    team: TeamBackend,
    /// Entity pages set up by the test; others are made from the summaries.
    views: BTreeMap<String, EntityView>,
    /// Starred refs, oldest first.
    stars: Vec<String>,
    /// Visited refs, oldest first.
    visits: Vec<String>,
    ui_state: BTreeMap<String, String>,
    /// User ref → the groups the user is a member of.
    memberships: BTreeMap<String, Vec<String>>,
    /// Refs whose catalog file had problems.
    problems: BTreeMap<String, Vec<IngestProblem>>,
    last_query: Option<EntityQuery>,
    /// Addresses pages asked to open in the browser.
    opened: Vec<String>,
    /// Relations besides the summaries' owner/system and the views' relations (for graphs).
    relations: Vec<backlot_model::relations::Relation>,
}

/// Cloning shares the state, so a test can keep a handle to inspect calls.
#[derive(Clone, Default)]
pub struct FakeBackend {
    state: Rc<RefCell<FakeState>>,
}

impl FakeBackend {
    pub fn new() -> Self {
        Self::default()
    }

    /// What "Load the demo catalog" adds to the catalog.
    pub fn with_demo_catalog(self, entities: Vec<EntitySummary>) -> Self {
        self.state.borrow_mut().demo = entities;
        self
    }

    /// A folder that "Open a folder" can read (`entities` empty: it has no catalog files).
    /// Any other path does not exist.
    pub fn with_folder(self, path: &str, entities: Vec<EntitySummary>) -> Self {
        self.state.borrow_mut().folders.insert(path.to_string(), entities);
        self
    }

    /// Whether a first-run path was completed (for assertions).
    pub fn onboarding_completed(&self) -> bool {
        self.state.borrow().onboarding_completed
    }

    /// The folders opened so far (for assertions).
    pub fn local_sources(&self) -> Vec<LocalSource> {
        self.state.borrow().local_sources.clone()
    }

    pub fn with_entities(self, entities: Vec<EntitySummary>) -> Self {
        self.state.borrow_mut().entities = entities;
        self
    }

    pub fn with_config(self, config: ConfigSummary) -> Self {
        self.state.borrow_mut().config = config;
        self
    }

    /// Declares a secret the configuration needs, and who uses it.
    pub fn with_secret_needed(self, name: &str, used_by: &str) -> Self {
        self.state.borrow_mut().secrets_needed.entry(name.to_string()).or_default().push(used_by.to_string());
        self
    }

    /// Makes the keychain unavailable: reads report the error, writes fail with it.
    pub fn with_keychain_error(self, error: ApiError) -> Self {
        self.state.borrow_mut().keychain_error = Some(error);
        self
    }

    /// Sets the page of one entity (e.g. with a shadowed team copy).
    pub fn with_entity_view(self, view: EntityView) -> Self {
        let key = view.details.entity.entity_ref().key();
        self.state.borrow_mut().views.insert(key, view);
        self
    }

    /// Makes `user` a member of `group` (both full refs), for "owned by me".
    pub fn with_membership(self, user: &str, group: &str) -> Self {
        self.state.borrow_mut().memberships.entry(user.to_string()).or_default().push(group.to_string());
        self
    }

    /// Records ingestion problems for the file of `entity_ref`.
    pub fn with_problems(self, entity_ref: &str, problems: Vec<IngestProblem>) -> Self {
        self.state.borrow_mut().problems.insert(entity_ref.to_string(), problems);
        self
    }

    /// Stars `entity_ref` before the test starts.
    pub fn with_star(self, entity_ref: &str) -> Self {
        self.state.borrow_mut().stars.push(entity_ref.to_string());
        self
    }

    /// The starred refs (for assertions), oldest first.
    pub fn stars(&self) -> Vec<String> {
        self.state.borrow().stars.clone()
    }

    /// The web addresses the UI asked to open in the browser.
    pub fn opened(&self) -> Vec<String> {
        self.state.borrow().opened.clone()
    }

    /// The last query the UI sent (for assertions on filters, sorting and paging).
    pub fn last_query(&self) -> Option<EntityQuery> {
        self.state.borrow().last_query.clone()
    }

    /// Adds relations `(source, type, target)` (full lowercased refs) to the ones the
    /// summaries (owner → `ownedBy`, system → `partOf`) and entity views state; the relation
    /// graph walks them all.
    pub fn with_relations(self, relations: &[(&str, &str, &str)]) -> Self {
        self.state.borrow_mut().relations.extend(relations.iter().map(|(s, t, d)| backlot_model::relations::Relation {
            source_ref: s.to_string(),
            relation_type: t.to_string(),
            target_ref: d.to_string(),
        }));
        self
    }

    /// Sets what the team backend looks like (URL, a sync running, the last outcome).
    pub fn with_team_backend(self, team: TeamBackend) -> Self {
        self.state.borrow_mut().team = team;
        self
    }

    /// What the fake keychain holds for `name` (for assertions).
    pub fn keychain_value(&self, name: &str) -> Option<String> {
        self.state.borrow().keychain.get(name).cloned()
    }

    /// Makes every call of command `C` fail with `error`.
    pub fn failing<C: Command>(self, error: ApiError) -> Self {
        self.state.borrow_mut().fail.insert(C::NAME, error);
        self
    }

    /// The command names received so far, in order.
    pub fn calls(&self) -> Vec<&'static str> {
        self.state.borrow().calls.clone()
    }

    pub fn preferences(&self) -> Preferences {
        self.state.borrow().preferences.clone()
    }

    fn dispatch(&self, name: &'static str, args: serde_json::Value) -> Result<serde_json::Value, ApiError> {
        let mut state = self.state.borrow_mut();
        state.calls.push(name);
        if let Some(error) = state.fail.get(name) {
            return Err(error.clone());
        }
        match name {
            GetAppInfo::NAME => ipc::dispatch_typed::<GetAppInfo>(args, |_| {
                Ok(AppInfo {
                    name: "Backlot".into(),
                    version: "0.0.0-fake".into(),
                    platform: "browser".into(),
                    data_dir: "(in memory)".into(),
                    store: StoreStatus {
                        path: ":memory:".into(),
                        ok: true,
                        schema_version: 1,
                        entity_count: state.entities.len() as u64,
                        size_bytes: 0,
                        error: None,
                    },
                })
            }),
            UiReady::NAME => ipc::dispatch_typed::<UiReady>(args, |_| Ok(())),
            GetPreferences::NAME => ipc::dispatch_typed::<GetPreferences>(args, |_| Ok(state.preferences.clone())),
            SetPreferences::NAME => ipc::dispatch_typed::<SetPreferences>(args, |c| {
                state.preferences = c.preferences;
                Ok(state.preferences.clone())
            }),
            GetCatalogSummary::NAME => ipc::dispatch_typed::<GetCatalogSummary>(args, |_| Ok(summary(&state.entities))),
            QueryEntities::NAME => ipc::dispatch_typed::<QueryEntities>(args, |c| {
                state.last_query = Some(c.query.clone());
                Ok(query(&state, &c.query))
            }),
            GetFacets::NAME => ipc::dispatch_typed::<GetFacets>(args, |c| Ok(facets(&state, &c.filter))),
            SetStarred::NAME => ipc::dispatch_typed::<SetStarred>(args, |c| {
                let key = c.entity_ref.to_lowercase();
                state.stars.retain(|r| *r != key);
                if c.starred {
                    state.stars.push(key);
                }
                Ok(starred(&state))
            }),
            GetStarred::NAME => ipc::dispatch_typed::<GetStarred>(args, |_| Ok(starred(&state))),
            RecordVisit::NAME => ipc::dispatch_typed::<RecordVisit>(args, |c| {
                let key = c.entity_ref.to_lowercase();
                state.visits.retain(|r| *r != key);
                state.visits.push(key);
                Ok(())
            }),
            GetRecent::NAME => ipc::dispatch_typed::<GetRecent>(args, |c| {
                let limit = if c.limit == 0 { 10 } else { c.limit as usize };
                Ok(state.visits.iter().rev().filter_map(|r| find(&state, r)).take(limit).collect())
            }),
            GetUiState::NAME => ipc::dispatch_typed::<GetUiState>(args, |c| Ok(state.ui_state.get(&c.key).cloned())),
            OpenExternal::NAME => ipc::dispatch_typed::<OpenExternal>(args, |c| {
                if !is_http_url(&c.url) {
                    return Err(ApiError::invalid_input(format!("only http(s) web addresses can be opened, not “{}”", c.url)));
                }
                state.opened.push(c.url);
                Ok(())
            }),
            SetUiState::NAME => ipc::dispatch_typed::<SetUiState>(args, |c| {
                state.ui_state.insert(c.key, c.value);
                Ok(())
            }),
            GetEntity::NAME => ipc::dispatch_typed::<GetEntity>(args, |c| entity_view(&state, &c.entity_ref)),
            backlot_model::graph::GetEntityGraph::NAME => {
                ipc::dispatch_typed::<backlot_model::graph::GetEntityGraph>(args, |c| entity_graph(&state, &c))
            }
            GetConfigSummary::NAME => ipc::dispatch_typed::<GetConfigSummary>(args, |_| Ok(state.config.clone())),
            GetCredentials::NAME => ipc::dispatch_typed::<GetCredentials>(args, |_| Ok(credentials(&state))),
            SetCredential::NAME => ipc::dispatch_typed::<SetCredential>(args, |c| {
                if let Some(error) = &state.keychain_error {
                    return Err(error.clone());
                }
                state.keychain.insert(c.name.clone(), c.value);
                Ok(secret_status(&state, &c.name))
            }),
            DeleteCredential::NAME => ipc::dispatch_typed::<DeleteCredential>(args, |c| {
                if let Some(error) = &state.keychain_error {
                    return Err(error.clone());
                }
                state.keychain.remove(&c.name);
                Ok(secret_status(&state, &c.name))
            }),
            GetTeamBackend::NAME => ipc::dispatch_typed::<GetTeamBackend>(args, |_| Ok(team(&state))),
            SaveTeamBackend::NAME => ipc::dispatch_typed::<SaveTeamBackend>(args, |c| {
                if !is_http_url(&c.url) {
                    return Err(ApiError::invalid_input(format!("“{}” is not a backend URL", c.url)));
                }
                if let Some(token) = c.token {
                    if let Some(error) = &state.keychain_error {
                        return Err(error.clone());
                    }
                    state.keychain.insert(ipc::TEAM_BACKEND_TOKEN.to_string(), token);
                }
                state.team.url = Some(c.url);
                Ok(team(&state))
            }),
            TestTeamBackend::NAME => ipc::dispatch_typed::<TestTeamBackend>(args, |c| {
                if is_http_url(&c.url) {
                    Ok(ConnectionCheck { entity_count: state.entities.len() as u64, duration_ms: 1 })
                } else {
                    Err(ApiError::invalid_input(format!("“{}” is not an http(s) URL", c.url)))
                }
            }),
            StartSync::NAME => ipc::dispatch_typed::<StartSync>(args, |c| {
                let mode = if c.full { "full" } else { "incremental" };
                state.team.sync.running =
                    Some(SyncProgress { mode: mode.into(), phase: "listing".into(), ..Default::default() });
                Ok(state.team.sync.clone())
            }),
            CancelSync::NAME => ipc::dispatch_typed::<CancelSync>(args, |_| {
                state.team.sync.running = None;
                Ok(state.team.sync.clone())
            }),
            GetOnboarding::NAME => ipc::dispatch_typed::<GetOnboarding>(args, |_| Ok(onboarding(&state))),
            CompleteOnboarding::NAME => ipc::dispatch_typed::<CompleteOnboarding>(args, |_| {
                state.onboarding_completed = true;
                Ok(onboarding(&state))
            }),
            LoadDemoCatalog::NAME => ipc::dispatch_typed::<LoadDemoCatalog>(args, |_| {
                let demo = state.demo.clone();
                state.onboarding_completed = true;
                Ok(add_entities(&mut state, "(demo catalog)", demo))
            }),
            OpenCatalogFolder::NAME => ipc::dispatch_typed::<OpenCatalogFolder>(args, |c| {
                let path = c.path.trim().to_string();
                if path.is_empty() {
                    return Err(ApiError::invalid_input("enter the path of a folder that holds catalog-info.yaml files"));
                }
                let entities = state
                    .folders
                    .get(&path)
                    .cloned()
                    .ok_or_else(|| ApiError::not_found(format!("the folder {path} does not exist")))?;
                if entities.is_empty() {
                    return Err(ApiError::invalid_input(format!("no catalog files in {path}")));
                }
                let loaded = add_entities(&mut state, &path, entities);
                state.local_sources.retain(|s| s.path != path);
                state.local_sources.push(loaded.source.clone());
                state.onboarding_completed = true;
                Ok(loaded)
            }),
            GetLocalSources::NAME => ipc::dispatch_typed::<GetLocalSources>(args, |_| Ok(state.local_sources.clone())),
            RefreshLocalSource::NAME => ipc::dispatch_typed::<RefreshLocalSource>(args, |c| {
                let source = state.local_sources.iter().find(|s| s.path == c.path).cloned();
                let source = source.ok_or_else(|| ApiError::not_found(format!("{} is not one of the local sources", c.path)))?;
                let total = state.entities.len() as u64;
                Ok(CatalogLoaded { report: IngestReport { unchanged: source.entity_count, ..Default::default() }, source, total })
            }),
            RemoveLocalSource::NAME => ipc::dispatch_typed::<RemoveLocalSource>(args, |c| {
                if !state.local_sources.iter().any(|s| s.path == c.path) {
                    return Err(ApiError::not_found(format!("{} is not one of the local sources", c.path)));
                }
                let gone: Vec<String> =
                    state.folders.get(&c.path).into_iter().flatten().map(|e| e.entity_ref.clone()).collect();
                state.entities.retain(|e| !gone.contains(&e.entity_ref));
                state.local_sources.retain(|s| s.path != c.path);
                Ok(state.local_sources.clone())
            }),
            ProxyCall::NAME => ipc::dispatch_typed::<ProxyCall>(args, |c| {
                Err(ApiError::not_found(format!("no proxy endpoint matches {} (preview backend)", c.path)))
            }),
            other => Err(ipc::unknown_command(other)),
        }
    }
}


fn entity_view(state: &FakeState, entity_ref: &str) -> Result<EntityView, ApiError> {
    let key = entity_ref.to_lowercase();
    if let Some(view) = state.views.get(&key) {
        return Ok(EntityView { starred: state.stars.contains(&key), ..view.clone() });
    }
    let summary = state
        .entities
        .iter()
        .find(|e| e.entity_ref == key)
        .ok_or_else(|| ApiError::not_found(format!("no entity {entity_ref} in the catalog")))?;
    let mut spec = serde_json::Map::new();
    for (field, value) in [("type", &summary.spec_type), ("owner", &summary.owner), ("lifecycle", &summary.lifecycle), ("system", &summary.system)] {
        if let Some(v) = value {
            spec.insert(field.into(), v.clone().into());
        }
    }
    let relations: Vec<EntityRelation> = [("ownedBy", &summary.owner), ("partOf", &summary.system)]
        .into_iter()
        .filter_map(|(t, target)| target.as_ref().map(|r| EntityRelation { relation_type: t.into(), target_ref: r.clone() }))
        .collect();
    let related = state.entities.iter().filter(|e| relations.iter().any(|r| r.target_ref == e.entity_ref)).cloned().collect();
    let entity = Entity {
        api_version: "backstage.io/v1alpha1".into(),
        kind: summary.kind.clone(),
        metadata: EntityMetadata {
            name: summary.name.clone(),
            namespace: Some(summary.namespace.clone()),
            title: summary.title.clone(),
            description: summary.description.clone(),
            tags: summary.tags.clone(),
            ..Default::default()
        },
        spec: Some(spec),
        relations,
        status: None,
    };
    Ok(EntityView {
        details: EntityDetails { entity, related },
        from_team: false,
        shadowed_team_copy: None,
        problems: state.problems.get(&key).cloned().unwrap_or_default(),
        starred: state.stars.contains(&key),
    })
}

fn find(state: &FakeState, entity_ref: &str) -> Option<EntitySummary> {
    state.entities.iter().find(|e| e.entity_ref == entity_ref).cloned()
}

fn starred(state: &FakeState) -> StarredEntities {
    let (mut items, mut missing) = (Vec::new(), Vec::new());
    for r in state.stars.iter().rev() {
        match find(state, r) {
            Some(e) => items.push(e),
            None => missing.push(r.clone()),
        }
    }
    StarredEntities { items, missing }
}

/// The relation graph over the fake's relations, walked as the store walks its table.
fn entity_graph(
    state: &FakeState,
    request: &backlot_model::graph::GetEntityGraph,
) -> Result<backlot_model::graph::EntityGraph, ApiError> {
    use backlot_model::graph::{NodeInfo, walk};
    use backlot_model::relations::Relation;
    let root = backlot_model::EntityRef::parse(request.entity_ref.trim(), None, "default")
        .map_err(|e| ApiError::invalid_input(e.to_string()))?
        .key();
    let info = |key: &str| -> Option<NodeInfo> {
        if let Some(v) = state.views.get(key) {
            let m = &v.details.entity.metadata;
            return Some(NodeInfo { entity_ref: key.into(), kind: v.details.entity.kind.clone(), name: m.name.clone(), title: m.title.clone() });
        }
        let s = state.entities.iter().find(|e| e.entity_ref == key)?;
        Some(NodeInfo { entity_ref: key.into(), kind: s.kind.clone(), name: s.name.clone(), title: s.title.clone() })
    };
    if info(&root).is_none() {
        return Err(ApiError::not_found(format!("no entity {root} in the catalog")));
    }
    let mut all: Vec<Relation> = state.relations.clone();
    for s in &state.entities {
        for (t, target) in [("ownedBy", &s.owner), ("partOf", &s.system)] {
            if let Some(target) = target {
                all.push(Relation { source_ref: s.entity_ref.clone(), relation_type: t.into(), target_ref: target.clone() });
            }
        }
    }
    for (key, v) in &state.views {
        all.extend(v.details.entity.relations.iter().map(|r| Relation {
            source_ref: key.clone(),
            relation_type: r.relation_type.clone(),
            target_ref: r.target_ref.clone(),
        }));
    }
    walk(
        &root,
        request,
        |refs| Ok(all.iter().filter(|r| refs.contains(&r.source_ref) || refs.contains(&r.target_ref)).cloned().collect()),
        |refs| Ok(refs.iter().filter_map(|r| info(r)).collect()),
    )
}

fn onboarding(state: &FakeState) -> OnboardingState {
    let entity_count = state.entities.len() as u64;
    OnboardingState { needed: !state.onboarding_completed && entity_count == 0, completed: state.onboarding_completed, entity_count }
}

/// Adds the entities not yet in the catalog, as an ingestion of `path` would.
fn add_entities(state: &mut FakeState, path: &str, entities: Vec<EntitySummary>) -> CatalogLoaded {
    let count = entities.len() as u64;
    let mut added = 0;
    for e in entities {
        if !state.entities.iter().any(|known| known.entity_ref == e.entity_ref) {
            state.entities.push(e);
            added += 1;
        }
    }
    CatalogLoaded {
        source: LocalSource { path: path.to_string(), entity_count: count, error_count: 0, ingested_at_ms: 0 },
        report: IngestReport { added, unchanged: count - added, ..Default::default() },
        total: state.entities.len() as u64,
    }
}

fn is_http_url(url: &str) -> bool {
    url.strip_prefix("https://").or_else(|| url.strip_prefix("http://")).is_some_and(|host| !host.is_empty())
}

fn team(state: &FakeState) -> TeamBackend {
    TeamBackend {
        token_set: state.keychain.contains_key(ipc::TEAM_BACKEND_TOKEN),
        keychain_error: state.keychain_error.clone(),
        ..state.team.clone()
    }
}

fn secret_status(state: &FakeState, name: &str) -> SecretStatus {
    SecretStatus {
        name: name.to_string(),
        set: state.keychain_error.is_none() && state.keychain.contains_key(name),
        used_by: state.secrets_needed.get(name).cloned().unwrap_or_default(),
    }
}

fn credentials(state: &FakeState) -> Credentials {
    Credentials {
        keychain_error: state.keychain_error.clone(),
        secrets: state.secrets_needed.keys().map(|name| secret_status(state, name)).collect(),
    }
}

impl Backend for FakeBackend {
    fn invoke(&self, command: &'static str, args: serde_json::Value) -> BackendFuture {
        let result = self.dispatch(command, args);
        Box::pin(async move { result })
    }
}

fn summary(entities: &[EntitySummary]) -> CatalogSummary {
    let mut by_kind: BTreeMap<String, u64> = BTreeMap::new();
    for e in entities {
        *by_kind.entry(e.kind.clone()).or_default() += 1;
    }
    let mut by_kind: Vec<(String, u64)> = by_kind.into_iter().collect();
    by_kind.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    CatalogSummary { total: entities.len() as u64, by_kind, error_count: 0 }
}

fn any_eq(wanted: &[String], value: Option<&str>) -> bool {
    wanted.is_empty() || value.is_some_and(|v| wanted.iter().any(|w| w.eq_ignore_ascii_case(v)))
}

fn matches(state: &FakeState, e: &EntitySummary, f: &EntityFilter, text: Option<&str>) -> bool {
    let owned = |user: &str| {
        let user = user.to_lowercase();
        let groups = state.memberships.get(&user);
        e.owner.as_ref().is_some_and(|o| *o == user || groups.is_some_and(|g| g.contains(o)))
    };
    (!f.starred || state.stars.contains(&e.entity_ref))
        && f.owned_by.as_deref().is_none_or(owned)
        && (!f.with_errors || state.problems.contains_key(&e.entity_ref))
        && any_eq(&f.kinds, Some(&e.kind))
        && any_eq(&f.types, e.spec_type.as_deref())
        && any_eq(&f.namespaces, Some(&e.namespace))
        && any_eq(&f.owners, e.owner.as_deref())
        && any_eq(&f.lifecycles, e.lifecycle.as_deref())
        && any_eq(&f.systems, e.system.as_deref())
        && (f.tags.is_empty() || e.tags.iter().any(|t| any_eq(&f.tags, Some(t))))
        && text.is_none_or(|t| {
            let t = t.to_lowercase();
            [Some(&e.name), e.title.as_ref(), e.description.as_ref()]
                .into_iter()
                .flatten()
                .any(|s| s.to_lowercase().contains(&t))
                || e.tags.iter().any(|tag| tag.contains(&t))
        })
}

fn sort_key(e: &EntitySummary, field: SortField) -> String {
    let value = match field {
        SortField::Name => Some(&e.name),
        SortField::Kind => Some(&e.kind),
        SortField::Type => e.spec_type.as_ref(),
        SortField::Owner => e.owner.as_ref(),
        SortField::Lifecycle => e.lifecycle.as_ref(),
        SortField::System => e.system.as_ref(),
        SortField::Namespace => Some(&e.namespace),
    };
    value.map(|v| v.to_lowercase()).unwrap_or_default()
}

fn query(state: &FakeState, q: &EntityQuery) -> EntityPage {
    let text = q.text.as_deref().map(str::trim).filter(|t| !t.is_empty());
    let mut hits: Vec<&EntitySummary> = state.entities.iter().filter(|e| matches(state, e, &q.filter, text)).collect();
    let order = q.order.unwrap_or_default();
    hits.sort_by(|a, b| sort_key(a, order.field).cmp(&sort_key(b, order.field)).then(a.entity_ref.cmp(&b.entity_ref)));
    if order.descending {
        hits.reverse();
    }
    let limit = if q.limit == 0 { 50 } else { q.limit.min(1000) } as usize;
    let offset: usize = q.cursor.as_deref().and_then(|c| c.parse().ok()).unwrap_or(q.offset as usize);
    let items: Vec<EntitySummary> = hits.iter().skip(offset).take(limit).map(|e| (*e).clone()).collect();
    let next = offset + items.len();
    EntityPage {
        total: hits.len() as u64,
        next_cursor: (next < hits.len()).then(|| next.to_string()),
        items,
    }
}

fn facets(state: &FakeState, f: &EntityFilter) -> Facets {
    let mut counts: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
    for e in state.entities.iter().filter(|e| matches(state, e, f, None)) {
        let mut add = |facet: &str, value: &str| {
            *counts.entry(facet.to_string()).or_default().entry(value.to_string()).or_default() += 1;
        };
        add("kind", &e.kind);
        add("namespace", &e.namespace);
        e.spec_type.as_deref().into_iter().for_each(|v| add("type", v));
        e.owner.as_deref().into_iter().for_each(|v| add("owner", v));
        e.lifecycle.as_deref().into_iter().for_each(|v| add("lifecycle", v));
        e.tags.iter().for_each(|v| add("tag", v));
    }
    let facets = counts
        .into_iter()
        .map(|(facet, values)| {
            let mut list: Vec<FacetCount> = values.into_iter().map(|(value, count)| FacetCount { value, count }).collect();
            list.sort_by(|a, b| b.count.cmp(&a.count).then(a.value.cmp(&b.value)));
            (facet, list)
        })
        .collect();
    Facets { facets }
}
