//! The typed IPC contract between the UI and the Rust side.
//!
//! Each command is a request type implementing [`Command`]: its `NAME` is the one string
//! both sides agree on, its fields are the arguments and `Output` the response. The UI's
//! `Backend` sends `(NAME, args)` and gets `Result<Output, ApiError>`; the Rust side
//! dispatches on `NAME` to a typed handler. Nothing else crosses the bridge.

use serde::{Deserialize, Serialize, de::DeserializeOwned};

use crate::query::{EntityPage, EntityQuery, EntitySummary, Facets};

pub trait Command: Serialize + DeserializeOwned + 'static {
    const NAME: &'static str;
    type Output: Serialize + DeserializeOwned + 'static;
}

macro_rules! command {
    ($req:ty => $out:ty, $name:literal) => {
        impl Command for $req {
            const NAME: &'static str = $name;
            type Output = $out;
        }
    };
}

/// Declares a command outside this crate (plugin `-common` crates):
/// `backlot_model::ipc_command!(MyRequest => MyOutput, "my_command");`
#[macro_export]
macro_rules! ipc_command {
    ($req:ty => $out:ty, $name:literal) => {
        impl $crate::ipc::Command for $req {
            const NAME: &'static str = $name;
            type Output = $out;
        }
    };
}

/// Every command name, for dispatch tables and the test that keeps both sides in step.
pub const COMMAND_NAMES: &[&str] = &[
    GetAppInfo::NAME,
    UiReady::NAME,
    GetPreferences::NAME,
    SetPreferences::NAME,
    GetCatalogSummary::NAME,
    QueryEntities::NAME,
    GetFacets::NAME,
    GetEntity::NAME,
    GetConfigSummary::NAME,
    GetCredentials::NAME,
    SetCredential::NAME,
    DeleteCredential::NAME,
    ProxyCall::NAME,
    GetTeamBackend::NAME,
    SaveTeamBackend::NAME,
    TestTeamBackend::NAME,
    StartSync::NAME,
    CancelSync::NAME,
    StartSignIn::NAME,
    CancelSignIn::NAME,
    SignOut::NAME,
    RegisterLocation::NAME,
    RefreshTeamEntity::NAME,
    GetEntityLocation::NAME,
    UnregisterLocation::NAME,
    crate::search::Search::NAME,
    crate::search::RebuildSearchIndex::NAME,
    GetOnboarding::NAME,
    LoadDemoCatalog::NAME,
    OpenCatalogFolder::NAME,
    CompleteOnboarding::NAME,
    GetLocalSources::NAME,
    RefreshLocalSource::NAME,
    RemoveLocalSource::NAME,
    crate::graph::GetEntityGraph::NAME,
    SetStarred::NAME,
    GetStarred::NAME,
    RecordVisit::NAME,
    GetRecent::NAME,
    GetUiState::NAME,
    SetUiState::NAME,
    OpenExternal::NAME,
];

// ---- app ----

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetAppInfo {}
command!(GetAppInfo => AppInfo, "app_info");

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct AppInfo {
    pub name: String,
    pub version: String,
    /// `linux-x86_64`, …
    pub platform: String,
    pub data_dir: String,
    pub store: StoreStatus,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct StoreStatus {
    pub path: String,
    /// Whether the store opened and its schema is current.
    pub ok: bool,
    pub schema_version: u32,
    pub entity_count: u64,
    pub size_bytes: u64,
    /// Why the store is not usable, when `ok` is false.
    pub error: Option<String>,
}

/// Sent once by the UI after its first paint, with milliseconds since the page started
/// loading; the Rust side reports start-up time from it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct UiReady {
    pub since_page_start_ms: f64,
}
command!(UiReady => (), "ui_ready");

// ---- preferences ----

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ThemePreference {
    /// Follow the operating system's light/dark setting.
    #[default]
    System,
    Light,
    Dark,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Preferences {
    pub theme: ThemePreference,
    /// The user entity that "owned by me" means (`user:default/jdoe`), set by hand: the
    /// fallback when not signed in to the team backend.
    pub user_entity_ref: Option<String>,
    /// Who the team backend's sign-in says the user is (the token's `sub`). Read-only:
    /// filled in by the backend, never saved.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signed_in_as: Option<String>,
}

impl Preferences {
    /// Who "me" is: the signed-in user, else the one set by hand.
    pub fn me(&self) -> Option<&str> {
        self.signed_in_as
            .as_deref()
            .or(self.user_entity_ref.as_deref())
            .map(str::trim)
            .filter(|m| !m.is_empty())
    }

    /// Refuses preferences the app would not save (both backends check with this).
    pub fn check(&self) -> Result<(), crate::ApiError> {
        match &self.user_entity_ref {
            Some(me) => crate::entity_ref::EntityRef::parse(me, Some("user"), "default")
                .map(|_| ())
                .map_err(|e| {
                    crate::ApiError::invalid_input(format!(
                        "“{me}” is not an entity reference: {e}"
                    ))
                }),
            None => Ok(()),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetPreferences {}
command!(GetPreferences => Preferences, "get_preferences");

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetPreferences {
    pub preferences: Preferences,
}
command!(SetPreferences => Preferences, "set_preferences");

// ---- catalog ----

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetCatalogSummary {}
command!(GetCatalogSummary => CatalogSummary, "catalog_summary");

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct CatalogSummary {
    pub total: u64,
    /// `(kind, count)`, largest first.
    pub by_kind: Vec<(String, u64)>,
    /// Entities or documents that failed to ingest, from the last ingestion.
    pub error_count: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueryEntities {
    pub query: EntityQuery,
}
command!(QueryEntities => EntityPage, "query_entities");

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetFacets {
    pub filter: crate::query::EntityFilter,
}
command!(GetFacets => Facets, "facets");

/// One entity for its page: the descriptor, summaries of what it relates to, where it
/// came from, and the team copy a local file hides, if any.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetEntity {
    /// `kind:namespace/name` (case-insensitive).
    pub entity_ref: String,
}
command!(GetEntity => EntityView, "entity");

// The relation graph around an entity (see `crate::graph`).
command!(crate::graph::GetEntityGraph => crate::graph::EntityGraph, "entity_graph");

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EntityView {
    #[serde(flatten)]
    pub details: crate::ingest::EntityDetails,
    /// Whether the entity shown came from the team backend (else from a local file).
    pub from_team: bool,
    /// The team backend's copy of this ref when a local file shadows it.
    pub shadowed_team_copy: Option<crate::entity::Entity>,
    /// Problems the last ingestion found in the entity's catalog file (other documents of
    /// the file may have failed while this one loaded).
    #[serde(default)]
    pub problems: Vec<crate::ingest::IngestProblem>,
    /// Whether the user starred it.
    #[serde(default)]
    pub starred: bool,
}

// ---- starring and recents ----

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SetStarred {
    pub entity_ref: String,
    pub starred: bool,
}
command!(SetStarred => StarredEntities, "set_starred");

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetStarred {}
command!(GetStarred => StarredEntities, "starred");

/// The starred entities, most recently starred first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct StarredEntities {
    pub items: Vec<EntitySummary>,
    /// Starred refs that are no longer in the catalog (kept: they come back with the entity).
    pub missing: Vec<String>,
}

impl StarredEntities {
    pub fn contains(&self, entity_ref: &str) -> bool {
        self.items.iter().any(|e| e.entity_ref == entity_ref)
            || self.missing.iter().any(|r| r == entity_ref)
    }
}

/// The entity page was opened: remembered for Home's "Recently visited".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordVisit {
    pub entity_ref: String,
}
command!(RecordVisit => (), "record_visit");

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct GetRecent {
    /// Most entries returned; 0 means 10.
    pub limit: u32,
}
command!(GetRecent => Vec<EntitySummary>, "recent");

/// Opens an http(s) address in the user's browser (the webview cannot leave the app).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenExternal {
    pub url: String,
}
command!(OpenExternal => (), "open_external");

// ---- UI state ----

/// A small piece of UI state kept across restarts (the last location, a page's options).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetUiState {
    pub key: String,
}
command!(GetUiState => Option<String>, "ui_state");

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetUiState {
    pub key: String,
    pub value: String,
}
command!(SetUiState => (), "set_ui_state");

/// Longest UI state value kept (a location, a page's options — not documents).
pub const UI_STATE_MAX_BYTES: usize = 4096;

/// Refuses a UI state key that is empty, longer than 100 or not made of letters, digits,
/// `.`, `_` and `-` (both backends check with this).
pub fn check_ui_state_key(key: &str) -> Result<(), crate::ApiError> {
    let ok = !key.is_empty()
        && key.len() <= 100
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c));
    if ok {
        Ok(())
    } else {
        Err(crate::ApiError::invalid_input(format!(
            "“{key}” is not a UI state key (letters, digits, . _ -)"
        )))
    }
}

impl SetUiState {
    /// Refuses what [`check_ui_state_key`] refuses and values over [`UI_STATE_MAX_BYTES`].
    pub fn check(&self) -> Result<(), crate::ApiError> {
        check_ui_state_key(&self.key)?;
        if self.value.len() > UI_STATE_MAX_BYTES {
            return Err(crate::ApiError::invalid_input(format!(
                "UI state values are at most {UI_STATE_MAX_BYTES} bytes"
            )));
        }
        Ok(())
    }
}

// ---- configuration ----

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetConfigSummary {}
command!(GetConfigSummary => ConfigSummary, "config_summary");

/// What the loaded app-config.yaml files amount to, for Settings. No secret values.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ConfigSummary {
    /// The files read, in merge order (later ones override earlier ones).
    pub files: Vec<String>,
    /// Keys that were ignored and other non-fatal findings, with file and line.
    pub warnings: Vec<String>,
    /// Why the configuration could not be loaded (Backlot then runs on defaults).
    pub error: Option<String>,
    pub team_backend: Option<String>,
    pub proxy_endpoints: Vec<ProxyEndpointInfo>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ProxyEndpointInfo {
    /// `/github`
    pub route: String,
    pub target: String,
    /// Empty means every method.
    pub allowed_methods: Vec<String>,
    /// Keychain secrets its headers use (`${secret:NAME}`).
    pub secrets: Vec<String>,
}

// ---- credentials (OS keychain) ----

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetCredentials {}
command!(GetCredentials => Credentials, "credentials");

/// The secrets the configuration and plugins need, and whether each is in the keychain.
/// Values never cross the bridge in this direction.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Credentials {
    /// `None` when the keychain works; otherwise why not (code `keychain_unavailable`).
    pub keychain_error: Option<crate::ApiError>,
    pub secrets: Vec<SecretStatus>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SecretStatus {
    pub name: String,
    /// Whether the keychain holds a value (unknown → false, see `Credentials::keychain_error`).
    pub set: bool,
    /// Who needs it: `proxy /github`, `plugin github-actions`, …
    pub used_by: Vec<String>,
}

/// Stores (or replaces) a secret in the OS keychain. The only message that carries a
/// secret value, UI → Rust; its Debug output is redacted.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetCredential {
    pub name: String,
    pub value: String,
}
command!(SetCredential => SecretStatus, "set_credential");

impl std::fmt::Debug for SetCredential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SetCredential")
            .field("name", &self.name)
            .field("value", &"<redacted>")
            .finish()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeleteCredential {
    pub name: String,
}
command!(DeleteCredential => SecretStatus, "delete_credential");

// ---- proxy ----

/// One request through a configured proxy endpoint: `path` is `/<endpoint>/<rest>?query`,
/// exactly as a Backstage plugin would call `/api/proxy/<endpoint>/<rest>`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ProxyCall {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    /// A text body (JSON, form data); binary bodies are not sent from the UI.
    pub body: Option<String>,
}
command!(ProxyCall => ProxyReply, "proxy");

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ProxyReply {
    pub status: u16,
    /// Response headers after the proxy's allow-list.
    pub headers: Vec<(String, String)>,
    /// The body as text (lossy UTF-8 for binary responses).
    pub body: String,
}

// ---- team backend (a Backstage backend the catalog syncs from) ----

/// The keychain entry holding the team backend's token.
pub const TEAM_BACKEND_TOKEN: &str = "team-backend-token";

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetTeamBackend {}
command!(GetTeamBackend => TeamBackend, "team_backend");

/// The team backend as Settings and the header show it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct TeamBackend {
    /// Base URL (`https://backstage.example.com`), from Settings or app-config.yaml.
    pub url: Option<String>,
    /// Whether the keychain holds the token (`team-backend-token`).
    pub token_set: bool,
    pub keychain_error: Option<crate::ApiError>,
    pub sync: SyncState,
    /// The sign-in to this backend, when there is one (or one is under way or failed).
    pub session: SessionState,
}

/// How Backlot is signed in to the team backend (OAuth, as Backstage's CLI).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SessionState {
    /// Signed in to the backend at the team URL's origin.
    pub signed_in: bool,
    /// The user entity ref the token belongs to (`user:default/jdoe`).
    pub user: Option<String>,
    /// Whether the session renews itself (a refresh token is in the keychain); without one
    /// it ends when the access token expires.
    pub renews: bool,
    /// A sign-in waiting for the browser: the address to open (shown to copy).
    pub pending: Option<String>,
    /// Why the last sign-in or renewal failed (then: sign in again).
    pub error: Option<crate::ApiError>,
}

/// Starts signing in to the team backend at `url` (saved as the team URL): the browser
/// opens on its sign-in page, and `team_backend().session` tells how it ends.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StartSignIn {
    pub url: String,
}
command!(StartSignIn => SignInStarted, "start_sign_in");

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SignInStarted {
    /// The sign-in page's address, for a browser that did not open.
    pub authorize_url: String,
}

/// Gives up a sign-in waiting for the browser.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CancelSignIn {}
command!(CancelSignIn => TeamBackend, "cancel_sign_in");

// ---- writing back to the team backend (Backstage's catalog-import and entity actions) ----

/// An entity a location holds, as a preview or a confirmation lists it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct LocationEntity {
    pub entity_ref: String,
    pub title: Option<String>,
    pub description: Option<String>,
}

/// A location in the team's catalog (`url:https://…/catalog-info.yaml`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct TeamLocation {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub target: String,
}

/// What registering a `catalog-info.yaml` URL would add (the backend's dry run), or added.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Registration {
    pub location: TeamLocation,
    pub entities: Vec<LocationEntity>,
    /// The location is registered already (a dry run says so instead of failing).
    pub exists: bool,
    /// Whether this was only a preview.
    pub dry_run: bool,
}

/// Registers an existing component: `url` is a `catalog-info.yaml` the team backend can
/// read. `dry_run`: only preview what it would add.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct RegisterLocation {
    pub url: String,
    pub dry_run: bool,
}
command!(RegisterLocation => Registration, "register_location");

/// Asks the team backend to refresh a team entity (re-read its source), then brings the
/// entity's new state into the local catalog.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct RefreshTeamEntity {
    pub entity_ref: String,
}
command!(RefreshTeamEntity => EntityView, "refresh_team_entity");

/// The location a team entity came from and every entity that goes with it when it is
/// unregistered (for the confirmation).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct GetEntityLocation {
    pub entity_ref: String,
}
command!(GetEntityLocation => Registration, "entity_location");

/// Unregisters the location `location_id` (from [`GetEntityLocation`]): the team backend
/// drops it and its entities; the local catalog follows with an incremental sync.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct UnregisterLocation {
    pub location_id: String,
}
command!(UnregisterLocation => SyncState, "unregister_location");

/// Signs out: the session is revoked on the backend and forgotten here. The offline
/// catalog stays.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignOut {}
command!(SignOut => TeamBackend, "sign_out");

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SyncState {
    /// Set while a sync runs.
    pub running: Option<SyncProgress>,
    /// What the store recorded: the last success (when, what changed) and the last
    /// failed attempt's error. Survives restarts; `None` before the first attempt.
    pub status: Option<crate::sync::SyncStatus>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SyncProgress {
    /// `full` or `incremental`.
    pub mode: String,
    /// `starting`, `listing`, `fetching`, `removing`, `committing`.
    pub phase: String,
    pub pages: u64,
    pub entities: u64,
    pub total: Option<u64>,
    pub bytes_received: u64,
    pub elapsed_ms: u64,
    /// Entities per second in the current phase.
    pub rate: f64,
    pub eta_ms: Option<u64>,
}

/// Saves the URL and, when given, the token (into the keychain). The token never comes
/// back; Debug output redacts it.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaveTeamBackend {
    pub url: String,
    pub token: Option<String>,
}
command!(SaveTeamBackend => TeamBackend, "save_team_backend");

/// Checks a backend without saving anything: the token given, or the stored one.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestTeamBackend {
    pub url: String,
    pub token: Option<String>,
}
command!(TestTeamBackend => ConnectionCheck, "test_team_backend");

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ConnectionCheck {
    /// Entities the backend's catalog holds.
    pub entity_count: u64,
    pub duration_ms: u64,
}

macro_rules! redacted_debug {
    ($ty:ident, $($field:ident),*) => {
        impl std::fmt::Debug for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(stringify!($ty))
                    $(.field(stringify!($field), &self.$field))*
                    .field("token", &self.token.as_ref().map(|_| "<redacted>"))
                    .finish()
            }
        }
    };
}
redacted_debug!(SaveTeamBackend, url);
redacted_debug!(TestTeamBackend, url);

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StartSync {
    /// Page everything instead of comparing etags.
    pub full: bool,
    /// Apply the sync even when the team catalog shrinks drastically (the user accepted the
    /// warning a refused sync left in the status, kind `catalog_shrank`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub accept_shrink: bool,
}
command!(StartSync => SyncState, "start_sync");

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CancelSync {}
command!(CancelSync => SyncState, "cancel_sync");

// ---- first run and local catalog folders ----

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetOnboarding {}
command!(GetOnboarding => OnboardingState, "onboarding");

/// Whether the shell should open the welcome page on start.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct OnboardingState {
    /// The catalog is empty and no first-run path was ever completed.
    pub needed: bool,
    /// A first-run path was completed (demo loaded, folder opened, team backend synced).
    pub completed: bool,
    pub entity_count: u64,
}

/// Writes the bundled demo catalog into the data folder and ingests it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoadDemoCatalog {}
command!(LoadDemoCatalog => CatalogLoaded, "load_demo_catalog");

/// Ingests the catalog files under a local folder (`catalog-info.yaml`, `catalog-info.yml`,
/// `.catalog-info.yaml`, and what `globs` matches) and remembers the folder as a local
/// source (to refresh or remove later).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenCatalogFolder {
    /// An absolute path; a leading `~/` means the home folder.
    pub path: String,
    /// Extra file patterns (`*.yaml`, `examples/**/*.yaml`), matched against paths relative
    /// to the folder.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub globs: Vec<String>,
}
command!(OpenCatalogFolder => CatalogLoaded, "open_catalog_folder");

/// Marks the first run as done (after a team backend synced, or when the user skips).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompleteOnboarding {}
command!(CompleteOnboarding => OnboardingState, "complete_onboarding");

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetLocalSources {}
command!(GetLocalSources => Vec<LocalSource>, "local_sources");

/// Reads a remembered local source again (added, changed and deleted files are applied).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefreshLocalSource {
    pub path: String,
}
command!(RefreshLocalSource => CatalogLoaded, "refresh_local_source");

/// Forgets a local source and removes the entities it brought.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemoveLocalSource {
    pub path: String,
}
command!(RemoveLocalSource => Vec<LocalSource>, "remove_local_source");

/// A folder of catalog files the user opened, as last ingested.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct LocalSource {
    /// The folder, canonical.
    pub path: String,
    /// Entities its last ingestion produced.
    pub entity_count: u64,
    /// Documents or entities its last ingestion could not read.
    pub error_count: u64,
    /// When it was last ingested (ms since the Unix epoch).
    pub ingested_at_ms: u64,
    /// The extra file patterns it was opened with (read again on refresh).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub globs: Vec<String>,
}

/// The outcome of loading the demo catalog or a local folder.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct CatalogLoaded {
    pub source: LocalSource,
    pub report: crate::ingest::IngestReport,
    /// Entities in the whole catalog afterwards.
    pub total: u64,
}

/// Decodes `args` as command `C`, runs `handler`, encodes its output: the one typed step
/// every dispatcher (the native API, the UI's fake backend) goes through.
pub fn dispatch_typed<C: Command>(
    args: serde_json::Value,
    handler: impl FnOnce(C) -> Result<C::Output, crate::ApiError>,
) -> Result<serde_json::Value, crate::ApiError> {
    let command: C = serde_json::from_value(args).map_err(|e| {
        crate::ApiError::invalid_input(format!("bad arguments for `{}`: {e}", C::NAME))
    })?;
    let output = handler(command)?;
    serde_json::to_value(output).map_err(|e| {
        crate::ApiError::internal(format!("cannot encode the result of `{}`: {e}", C::NAME))
    })
}

/// The error for a command name nobody handles.
pub fn unknown_command(name: &str) -> crate::ApiError {
    crate::ApiError::new(
        crate::ErrorCode::Unsupported,
        format!("unknown command `{name}`"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_names_are_unique_and_snake_case() {
        let mut seen = std::collections::HashSet::new();
        for name in COMMAND_NAMES {
            assert!(seen.insert(*name), "duplicate command name {name}");
            assert!(
                name.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
                "{name}"
            );
        }
    }

    #[test]
    fn dispatch_typed_decodes_runs_and_encodes() {
        let out = dispatch_typed::<SetPreferences>(
            serde_json::json!({"preferences": {"theme": "light"}}),
            |c| Ok(c.preferences),
        )
        .unwrap();
        assert_eq!(out["theme"], "light");
        let err = dispatch_typed::<SetPreferences>(serde_json::json!({"preferences": 3}), |c| {
            Ok(c.preferences)
        })
        .unwrap_err();
        assert_eq!(err.code, crate::ErrorCode::InvalidInput);
        assert!(err.message.contains("set_preferences"), "{}", err.message);
    }

    #[test]
    fn a_credential_value_never_shows_in_debug_output() {
        let c = SetCredential {
            name: "github-token".into(),
            value: "ghp_canary123".into(),
        };
        let debug = format!("{c:?}");
        assert!(debug.contains("github-token"));
        assert!(!debug.contains("ghp_canary123"), "{debug}");
    }

    #[test]
    fn team_backend_tokens_never_show_in_debug_output() {
        let save = SaveTeamBackend {
            url: "https://bs.example".into(),
            token: Some("tok_canary".into()),
        };
        let test = TestTeamBackend {
            url: "https://bs.example".into(),
            token: Some("tok_canary".into()),
        };
        for debug in [format!("{save:?}"), format!("{test:?}")] {
            assert!(
                debug.contains("https://bs.example") && debug.contains("<redacted>"),
                "{debug}"
            );
            assert!(!debug.contains("tok_canary"), "{debug}");
        }
    }

    #[test]
    fn preferences_round_trip_with_defaults() {
        let p: Preferences = serde_json::from_str("{}").unwrap();
        assert_eq!(p.theme, ThemePreference::System);
        let p: Preferences =
            serde_json::from_str(r#"{"theme":"dark","userEntityRef":"user:default/ada"}"#).unwrap();
        assert_eq!(p.theme, ThemePreference::Dark);
        assert_eq!(p.user_entity_ref.as_deref(), Some("user:default/ada"));
    }
}
