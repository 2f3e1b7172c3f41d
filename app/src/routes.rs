//! The app's own command table: every IPC command of the contract, one line each, to the
//! `Api` method that answers it. Plugins' commands are in their own tables (`plugin_host`).

use std::sync::LazyLock;

use backlot_model::ApiError;
use backlot_model::graph::GetEntityGraph;
use backlot_model::ipc::{
    CancelSignIn, CancelSync, CompleteOnboarding, DeleteCredential, GetAppInfo, GetCatalogSummary,
    GetConfigSummary, GetCredentials, GetEntity, GetEntityLocation, GetFacets, GetLocalSources,
    GetOnboarding, GetPreferences, GetRecent, GetStarred, GetTeamBackend, GetUiState,
    LoadDemoCatalog, OpenCatalogFolder, OpenExternal, ProxyCall, QueryEntities, RecordVisit,
    RefreshLocalSource, RefreshTeamEntity, RegisterLocation, RemoveLocalSource, SaveTeamBackend,
    SetCredential, SetPreferences, SetStarred, SetUiState, SignOut, StartSignIn, StartSync,
    TestTeamBackend, UiReady, UnregisterLocation,
};
use backlot_model::router::Router;

use crate::Api;

/// The app's own commands, one line each; plugins' commands come after (`plugin_host`).
pub(crate) fn routes() -> &'static Router<Api> {
    static ROUTES: LazyLock<Router<Api>> = LazyLock::new(|| {
        Router::<Api>::new()
            .on::<GetAppInfo>(|api, _| Ok(api.app_info()))
            .on::<UiReady>(|_, _| Ok(()))
            .on::<GetPreferences>(|api, _| api.preferences())
            .on::<SetPreferences>(|api, c| api.set_preferences(c.preferences))
            .on::<GetCatalogSummary>(|api, _| api.catalog_summary())
            .on::<QueryEntities>(|api, c| api.query_entities(&c.query))
            .on::<GetFacets>(|api, c| api.facets(&c.filter))
            .on::<GetEntity>(|api, c| api.entity(&c.entity_ref))
            .on::<GetEntityGraph>(|api, c| {
                api.with_store(|s| s.entity_graph(&c).map_err(ApiError::from))
            })
            .on::<SetStarred>(|api, c| {
                api.with_store(|s| {
                    s.set_starred(&c.entity_ref, c.starred)
                        .map_err(ApiError::from)
                })
            })
            .on::<GetStarred>(|api, _| api.with_store(|s| s.starred().map_err(ApiError::from)))
            .on::<RecordVisit>(|api, c| {
                api.with_store(|s| s.record_visit(&c.entity_ref).map_err(ApiError::from))
            })
            .on::<GetRecent>(|api, c| api.with_store(|s| s.recent(c.limit).map_err(ApiError::from)))
            .on::<OpenExternal>(|_, c| crate::open_external::open(&c.url))
            .on::<GetUiState>(|api, c| api.ui_state(&c.key))
            .on::<SetUiState>(|api, c| api.set_ui_state(&c))
            .on::<GetConfigSummary>(|api, _| Ok(api.config.summary()))
            .on::<GetCredentials>(|api, _| {
                Ok(api.keychain.credentials(api.config.secrets_needed()))
            })
            .on::<SetCredential>(|api, c| api.set_credential(&c.name, c.value))
            .on::<DeleteCredential>(|api, c| api.delete_credential(&c.name))
            .on::<GetTeamBackend>(|api, _| api.team_backend())
            .on::<SaveTeamBackend>(|api, c| api.save_team_backend(&c.url, c.token))
            .on::<TestTeamBackend>(|api, c| api.test_team_backend(&c.url, c.token))
            .on::<StartSync>(|api, c| api.start_sync(c.full, c.accept_shrink))
            .on::<StartSignIn>(|api, c| api.start_sign_in(&c.url, true))
            .on::<CancelSignIn>(|api, _| {
                api.cancel_sign_in();
                api.team_backend()
            })
            .on::<SignOut>(|api, _| {
                api.sign_out()?;
                api.team_backend()
            })
            .on::<RegisterLocation>(|api, c| api.register_location(&c.url, c.dry_run))
            .on::<RefreshTeamEntity>(|api, c| api.refresh_team_entity(&c.entity_ref))
            .on::<GetEntityLocation>(|api, c| api.entity_location(&c.entity_ref))
            .on::<UnregisterLocation>(|api, c| api.unregister_location(&c.location_id))
            .on::<backlot_model::search::Search>(|api, c| api.search(&c))
            .on::<backlot_model::search::RebuildSearchIndex>(|api, c| {
                api.rebuild_search_index(c.full)
            })
            .on::<CancelSync>(|api, _| {
                api.sync.cancel();
                api.sync_state()
            })
            .on::<GetOnboarding>(|api, _| api.onboarding())
            .on::<CompleteOnboarding>(|api, _| api.complete_onboarding())
            .on::<LoadDemoCatalog>(|api, _| api.load_demo_catalog())
            .on::<OpenCatalogFolder>(|api, c| api.open_catalog_folder(&c.path, &c.globs))
            .on::<GetLocalSources>(|api, _| api.local_sources())
            .on::<RefreshLocalSource>(|api, c| api.refresh_local_source(&c.path))
            .on::<RemoveLocalSource>(|api, c| api.remove_local_source(&c.path))
            .on::<ProxyCall>(|api, c| api.proxy_call(c))
    });
    &ROUTES
}
