//! An in-memory backend for UI tests and for previewing the UI in a plain browser (cargo
//! feature `fake`; the release UI does not contain it). It answers the same typed commands
//! as the real one, over data the test sets up, through one [`Router`] table
//! ([`routes`]): the commands it knows are the table's names.
//!
//! - [`state`]: what the fake holds, the builders a test sets it up with and the
//!   accessors it asserts with;
//! - [`routes`]: the command table;
//! - [`catalog`]: catalog queries, sorting, facets and counts;
//! - [`entities`]: entity pages, stars and the relation graph;
//! - [`sources`] and [`keychain`]: first run and local folders; secrets and the team backend.

mod catalog;
mod entities;
mod keychain;
mod routes;
mod search;
mod sources;
mod state;

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::LazyLock;

use backlot_model::ApiError;
use backlot_model::ipc;
use backlot_model::router::Router;

use crate::backend::{Backend, BackendFuture};
use state::FakeState;

/// Cloning shares the state, so a test can keep a handle to inspect calls.
#[derive(Clone, Default)]
pub struct FakeBackend {
    state: Rc<RefCell<FakeState>>,
}

/// The fake's command table, built once.
static ROUTES: LazyLock<Router<FakeBackend>> = LazyLock::new(routes::routes);

impl FakeBackend {
    pub fn new() -> Self {
        Self::default()
    }

    /// The command table the fake answers with (for contract tests: which commands it knows).
    pub fn routes() -> &'static Router<FakeBackend> {
        &ROUTES
    }

    /// Answers one command synchronously: records the call, fails it when the test said so
    /// ([`FakeBackend::failing`]), else runs its handler; unknown names are an
    /// [`ipc::unknown_command`] error, as the real backend reports them.
    pub fn dispatch(
        &self,
        name: &'static str,
        args: serde_json::Value,
    ) -> Result<serde_json::Value, ApiError> {
        {
            let mut state = self.state.borrow_mut();
            state.calls.push(name);
            if let Some(error) = state.fail.get(name) {
                return Err(error.clone());
            }
        }
        ROUTES
            .dispatch(self, name, args)
            .unwrap_or_else(|| Err(ipc::unknown_command(name)))
    }
}

impl Backend for FakeBackend {
    fn invoke(&self, command: &'static str, args: serde_json::Value) -> BackendFuture {
        let result = self.dispatch(command, args);
        Box::pin(async move { result })
    }
}
