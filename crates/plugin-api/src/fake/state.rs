//! What the fake backend holds, the builders a test sets it up with, and the accessors a
//! test asserts with.

use std::cell::{Ref, RefMut};
use std::collections::BTreeMap;

use backlot_model::ApiError;
use backlot_model::ingest::IngestProblem;
use backlot_model::ipc::{
    Command, ConfigSummary, EntityView, LocalSource, Preferences, StartSync, TeamBackend,
};
use backlot_model::query::{EntityQuery, EntitySummary};
use backlot_model::relations::Relation;

use super::FakeBackend;

#[derive(Default)]
pub(super) struct FakeState {
    /// First run: whether a path was completed, what the demo holds, the folders a test
    /// set up (path → entities) and the ones "opened".
    pub onboarding_completed: bool,
    pub demo: Vec<EntitySummary>,
    pub folders: BTreeMap<String, Vec<EntitySummary>>,
    pub local_sources: Vec<LocalSource>,
    pub entities: Vec<EntitySummary>,
    pub preferences: Preferences,
    pub calls: Vec<&'static str>,
    /// Locations registered / unregistered in the fake team backend.
    pub registered: Vec<String>,
    /// Indexed documents other than entities (docs pages, API operations).
    pub search_docs: Vec<backlot_model::search::SearchHit>,
    /// Searches still to answer as partial (the index being brought up to date).
    pub indexing_searches: u32,
    pub unregistered: Vec<String>,
    pub fail: BTreeMap<&'static str, ApiError>,
    pub config: ConfigSummary,
    /// Secret name → who needs it.
    pub secrets_needed: BTreeMap<String, Vec<String>>,
    /// What the "keychain" holds. Only tests read it back; the UI never gets values.
    pub keychain: BTreeMap<String, String>,
    pub keychain_error: Option<ApiError>,
    pub team: TeamBackend,
    /// Entity pages set up by the test; others are made from the summaries.
    pub views: BTreeMap<String, EntityView>,
    /// Starred refs, oldest first.
    pub stars: Vec<String>,
    /// Visited refs, oldest first.
    pub visits: Vec<String>,
    pub ui_state: BTreeMap<String, String>,
    /// User ref → the groups the user is a member of.
    pub memberships: BTreeMap<String, Vec<String>>,
    /// Refs whose catalog file had problems.
    pub problems: BTreeMap<String, Vec<IngestProblem>>,
    pub last_query: Option<EntityQuery>,
    /// The last sync the UI started.
    pub last_sync_start: Option<StartSync>,
    /// Addresses pages asked to open in the browser.
    pub opened: Vec<String>,
    /// Relations besides the summaries' owner/system and the views' relations (for graphs).
    pub relations: Vec<Relation>,
}

impl FakeState {
    /// The summary of `entity_ref` (a lowercased full ref), if the catalog has it.
    pub fn find(&self, entity_ref: &str) -> Option<EntitySummary> {
        self.entities
            .iter()
            .find(|e| e.entity_ref == entity_ref)
            .cloned()
    }
}

impl FakeBackend {
    /// The state, for a command handler that reads it.
    pub(super) fn read(&self) -> Ref<'_, FakeState> {
        self.state.borrow()
    }

    /// The state, for a command handler that changes it.
    pub(super) fn write(&self) -> RefMut<'_, FakeState> {
        self.state.borrow_mut()
    }
}

/// Builders: what the test sets up before mounting.
impl FakeBackend {
    /// What "Load the demo catalog" adds to the catalog.
    pub fn with_demo_catalog(self, entities: Vec<EntitySummary>) -> Self {
        self.state.borrow_mut().demo = entities;
        self
    }

    /// A folder that "Open a folder" can read (`entities` empty: it has no catalog files).
    /// Any other path does not exist.
    pub fn with_folder(self, path: &str, entities: Vec<EntitySummary>) -> Self {
        self.state
            .borrow_mut()
            .folders
            .insert(path.to_string(), entities);
        self
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
        self.state
            .borrow_mut()
            .secrets_needed
            .entry(name.to_string())
            .or_default()
            .push(used_by.to_string());
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
        self.state
            .borrow_mut()
            .memberships
            .entry(user.to_string())
            .or_default()
            .push(group.to_string());
        self
    }

    /// Records ingestion problems for the file of `entity_ref`.
    pub fn with_problems(self, entity_ref: &str, problems: Vec<IngestProblem>) -> Self {
        self.state
            .borrow_mut()
            .problems
            .insert(entity_ref.to_string(), problems);
        self
    }

    /// Stars `entity_ref` before the test starts.
    pub fn with_star(self, entity_ref: &str) -> Self {
        self.state.borrow_mut().stars.push(entity_ref.to_string());
        self
    }

    /// Adds relations `(source, type, target)` (full lowercased refs) to the ones the
    /// summaries (owner → `ownedBy`, system → `partOf`) and entity views state; the relation
    /// graph walks them all.
    pub fn with_relations(self, relations: &[(&str, &str, &str)]) -> Self {
        self.state
            .borrow_mut()
            .relations
            .extend(relations.iter().map(|(s, t, d)| Relation {
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

    /// Makes every call of command `C` fail with `error`.
    pub fn failing<C: Command>(self, error: ApiError) -> Self {
        self.state.borrow_mut().fail.insert(C::NAME, error);
        self
    }
}

/// Accessors: what the test asserts on.
impl FakeBackend {
    /// Whether a first-run path was completed.
    pub fn onboarding_completed(&self) -> bool {
        self.state.borrow().onboarding_completed
    }

    /// The folders opened so far.
    pub fn local_sources(&self) -> Vec<LocalSource> {
        self.state.borrow().local_sources.clone()
    }

    /// The starred refs, oldest first.
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

    /// What the fake keychain holds for `name`.
    pub fn keychain_value(&self, name: &str) -> Option<String> {
        self.state.borrow().keychain.get(name).cloned()
    }

    /// The last sync the UI started (full? accepting a shrunken catalog?).
    pub fn last_sync_start(&self) -> Option<StartSync> {
        self.state.borrow().last_sync_start.clone()
    }

    /// Documents the fake search finds besides entities (docs pages, API operations).
    pub fn with_search_docs(self, docs: Vec<backlot_model::search::SearchHit>) -> Self {
        self.state.borrow_mut().search_docs = docs;
        self
    }

    /// The next `n` searches answer that the index is still being brought up to date.
    pub fn with_indexing_searches(self, n: u32) -> Self {
        self.state.borrow_mut().indexing_searches = n;
        self
    }

    /// The location URLs registered in the fake team backend, in order.
    pub fn registered(&self) -> Vec<String> {
        self.state.borrow().registered.clone()
    }

    /// The location ids unregistered, in order.
    pub fn unregistered(&self) -> Vec<String> {
        self.state.borrow().unregistered.clone()
    }

    /// The command names received so far, in order.
    pub fn calls(&self) -> Vec<&'static str> {
        self.state.borrow().calls.clone()
    }

    pub fn preferences(&self) -> Preferences {
        self.state.borrow().preferences.clone()
    }

    /// Plays the browser coming back: the sign-in under way ends signed in as `user`, or
    /// with `error`.
    pub fn finish_sign_in(&self, outcome: Result<&str, ApiError>) {
        let mut state = self.state.borrow_mut();
        let session = &mut state.team.session;
        session.pending = None;
        match outcome {
            Ok(user) => {
                session.signed_in = true;
                session.renews = true;
                session.user = Some(user.to_string());
                session.error = None;
            }
            Err(error) => session.error = Some(error),
        }
    }
}
