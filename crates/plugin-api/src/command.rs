//! Calling the backend from components: [`use_command`] loads data (re-running when its
//! dependencies change, a newer call's answer always winning over an older one), and
//! [`use_command_callback`] sends a command when an event fires (a click, a submit).
//!
//! ```ignore
//! let summary = use_command(version, |_| GetCatalogSummary {});
//! match summary.result() {
//!     None => html! { <Spinner /> },
//!     Some(Err(error)) => html! { <ErrorBanner error={error.clone()} /> },
//!     Some(Ok(summary)) => html! { {summary.total} },
//! }
//! ```

use std::cell::Cell;
use std::rc::Rc;

use backlot_model::ApiError;
use backlot_model::ipc::Command;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::context::use_backend;
use crate::shared::Shared;

/// Where a command's calls stand: the answer of the latest call that finished (kept while
/// a newer call runs, so pages do not flash a spinner on every reload) with the dependencies
/// it was called with, and whether a call is under way.
pub struct CommandState<T, D = ()> {
    /// The call whose answer is awaited; answers to older calls are dropped.
    current: u64,
    /// The dependencies of the latest call.
    asked: Option<Rc<D>>,
    result: Option<Rc<Result<T, ApiError>>>,
    /// The dependencies of the call `result` answers.
    answered: Option<Rc<D>>,
    loading: bool,
}

impl<T, D> Default for CommandState<T, D> {
    fn default() -> Self {
        Self {
            current: 0,
            asked: None,
            result: None,
            answered: None,
            loading: false,
        }
    }
}

/// What happens to a [`CommandState`]: call `id` started (with these dependencies), call
/// `id` answered, the answer was replaced (by what a change command returned), or the page
/// went back to "no answer" (nothing to ask, e.g. an empty search).
pub enum CommandAction<T, D = ()> {
    Start(u64, Rc<D>),
    Done(u64, Result<T, ApiError>),
    Set(u64, Result<T, ApiError>),
    Clear(u64),
}

impl<T, D> Reducible for CommandState<T, D> {
    type Action = CommandAction<T, D>;

    fn reduce(self: Rc<Self>, action: Self::Action) -> Rc<Self> {
        match action {
            CommandAction::Start(id, deps) => Rc::new(Self {
                current: id,
                asked: Some(deps),
                result: self.result.clone(),
                answered: self.answered.clone(),
                loading: true,
            }),
            CommandAction::Done(id, result) if id == self.current => Rc::new(Self {
                current: id,
                asked: self.asked.clone(),
                result: Some(Rc::new(result)),
                answered: self.asked.clone(),
                loading: false,
            }),
            // An answer to a call that was overtaken: the newer call's answer is what counts.
            CommandAction::Done(..) => self,
            CommandAction::Set(id, result) => Rc::new(Self {
                current: id,
                asked: self.asked.clone(),
                result: Some(Rc::new(result)),
                answered: self.asked.clone(),
                loading: false,
            }),
            CommandAction::Clear(id) => Rc::new(Self {
                current: id,
                asked: None,
                result: None,
                answered: None,
                loading: false,
            }),
        }
    }
}

/// A command's state in a component (see [`use_command`]): `T` the answer, `D` the
/// dependencies the command was built from. Cloning shares it.
pub struct UseCommandHandle<T: 'static, D: 'static = ()> {
    state: UseReducerHandle<CommandState<T, D>>,
    ids: Rc<Cell<u64>>,
    reload: Callback<()>,
}

impl<T: 'static, D: 'static> Clone for UseCommandHandle<T, D> {
    fn clone(&self) -> Self {
        Self {
            state: self.state.clone(),
            ids: self.ids.clone(),
            reload: self.reload.clone(),
        }
    }
}

impl<T: 'static, D: 'static> PartialEq for UseCommandHandle<T, D> {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(&*self.state, &*other.state)
    }
}

impl<T: 'static, D: 'static> UseCommandHandle<T, D> {
    /// The latest answer: `None` before the first one arrived.
    pub fn result(&self) -> Option<&Result<T, ApiError>> {
        self.state.result.as_deref()
    }

    /// The dependencies of the call [`Self::result`] answers (while a newer call runs, they
    /// are not the current ones).
    pub fn answered_for(&self) -> Option<&D> {
        self.state.answered.as_deref()
    }

    /// The latest answer, shared (to pass on as a prop or a dependency without cloning or
    /// comparing the data: each answer is a new [`Shared`]).
    pub fn shared(&self) -> Option<Shared<Result<T, ApiError>>> {
        self.state.result.clone().map(Shared)
    }

    /// The answer only when no call is under way: `None` while (re)loading, for pages that
    /// show a spinner instead of the previous answer.
    pub fn settled(&self) -> Option<&Result<T, ApiError>> {
        if self.loading() { None } else { self.result() }
    }

    /// The latest answer when it is a success.
    pub fn data(&self) -> Option<&T> {
        self.result().and_then(|r| r.as_ref().ok())
    }

    /// The latest answer when it is an error.
    pub fn error(&self) -> Option<&ApiError> {
        self.result().and_then(|r| r.as_ref().err())
    }

    /// Whether a call is under way (the previous answer, if any, is still shown).
    pub fn loading(&self) -> bool {
        self.state.loading
    }

    /// Calls the command again with the same dependencies.
    pub fn reload(&self) {
        self.reload.emit(());
    }

    /// A callback that reloads (stable across renders: a prop that does not re-render
    /// children).
    pub fn reload_callback(&self) -> Callback<()> {
        self.reload.clone()
    }

    /// Replaces the answer (e.g. with what a change command returned); calls still under
    /// way no longer count.
    pub fn set(&self, result: Result<T, ApiError>) {
        self.state
            .dispatch(CommandAction::Set(next_id(&self.ids), result));
    }
}

/// How many times [`UseCommandHandle::reload`] was called: part of the effect's dependencies.
#[derive(Default)]
struct Reloads(u64);

impl Reducible for Reloads {
    type Action = ();

    fn reduce(self: Rc<Self>, (): ()) -> Rc<Self> {
        Rc::new(Reloads(self.0 + 1))
    }
}

fn next_id(ids: &Cell<u64>) -> u64 {
    ids.set(ids.get() + 1);
    ids.get()
}

/// Calls the command `command(&deps)` builds through the shell's backend, on mount and
/// whenever `deps` change (or [`UseCommandHandle::reload`] is called). Answers arrive in
/// any order; only the latest call's answer is kept.
#[hook]
pub fn use_command<C, D, F>(deps: D, command: F) -> UseCommandHandle<C::Output, D>
where
    C: Command,
    D: PartialEq + 'static,
    F: FnOnce(&D) -> C + 'static,
{
    use_command_if(deps, move |deps| Some(command(deps)))
}

/// As [`use_command`], for a command that is not always needed: when `command(&deps)` is
/// `None` nothing is called and the answer goes back to `None` (a call under way is
/// dropped).
#[hook]
pub fn use_command_if<C, D, F>(deps: D, command: F) -> UseCommandHandle<C::Output, D>
where
    C: Command,
    D: PartialEq + 'static,
    F: FnOnce(&D) -> Option<C> + 'static,
{
    let backend = use_backend();
    let state = use_reducer(CommandState::<C::Output, D>::default);
    let ids: Rc<Cell<u64>> = use_memo((), |_| Cell::new(0u64));
    let reloads = use_reducer(Reloads::default);
    // Stable across renders, and correct from any render's copy (a dispatch, not a set).
    let reload = {
        let reloads = reloads.dispatcher();
        use_callback((), move |(), _| reloads.dispatch(()))
    };
    {
        let (state, ids) = (state.clone(), ids.clone());
        use_effect_with((Rc::new(deps), reloads.0), move |(deps, _)| {
            let id = next_id(&ids);
            match command(deps) {
                Some(command) => {
                    state.dispatch(CommandAction::Start(id, deps.clone()));
                    spawn_local(async move {
                        let result = backend.call(command).await;
                        state.dispatch(CommandAction::Done(id, result));
                    });
                }
                None => state.dispatch(CommandAction::Clear(id)),
            }
        });
    }
    UseCommandHandle { state, ids, reload }
}

/// A callback that sends the command it is given (on a click, a submit) and hands the
/// answer to `on_answer` (`Callback::noop()` when nothing follows).
#[hook]
pub fn use_command_callback<C: Command>(
    on_answer: Callback<Result<C::Output, ApiError>>,
) -> Callback<C> {
    let backend = use_backend();
    use_callback((backend, on_answer), |command: C, (backend, on_answer)| {
        let (backend, on_answer) = (backend.clone(), on_answer.clone());
        spawn_local(async move { on_answer.emit(backend.call(command).await) });
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use backlot_model::ErrorCode;

    fn reduce(
        state: Rc<CommandState<u32, &'static str>>,
        action: CommandAction<u32, &'static str>,
    ) -> Rc<CommandState<u32, &'static str>> {
        state.reduce(action)
    }

    fn start(id: u64, deps: &'static str) -> CommandAction<u32, &'static str> {
        CommandAction::Start(id, Rc::new(deps))
    }

    #[test]
    fn an_older_answer_never_overwrites_a_newer_one() {
        let s = Rc::new(CommandState::default());
        let s = reduce(s, start(1, "a"));
        let s = reduce(s, start(2, "b"));
        assert!(s.loading);
        let s = reduce(s, CommandAction::Done(2, Ok(20)));
        let after = reduce(s.clone(), CommandAction::Done(1, Ok(10)));
        assert!(
            Rc::ptr_eq(&s, &after),
            "a stale answer changes nothing (and renders nothing)"
        );
        assert_eq!(after.result.as_deref().unwrap().as_ref().unwrap(), &20);
        assert!(!after.loading);
    }

    #[test]
    fn a_reload_keeps_the_previous_answer_until_the_new_one() {
        let s = reduce(Rc::new(CommandState::default()), start(1, "a"));
        let s = reduce(s, CommandAction::Done(1, Err(ApiError::not_found("gone"))));
        let s = reduce(s, start(2, "b"));
        assert!(s.loading);
        assert_eq!(
            s.result.as_deref().unwrap().as_ref().unwrap_err().code,
            ErrorCode::NotFound
        );
        assert_eq!(s.answered.as_deref(), Some(&"a"), "the answer shown is a's");
        let s = reduce(s, CommandAction::Clear(3));
        assert!(s.result.is_none() && !s.loading);
        let s = reduce(s, CommandAction::Done(2, Ok(1)));
        assert!(
            s.result.is_none(),
            "cleared: the call under way no longer counts"
        );
    }

    #[test]
    fn an_answer_is_known_by_the_dependencies_of_its_call() {
        let s = reduce(Rc::new(CommandState::default()), start(1, "a"));
        assert_eq!(s.answered, None);
        let s = reduce(s, CommandAction::Done(1, Ok(1)));
        assert_eq!(s.answered.as_deref(), Some(&"a"));
        let s = reduce(s, start(2, "b"));
        let s = reduce(s, CommandAction::Set(3, Ok(7)));
        assert_eq!(
            s.answered.as_deref(),
            Some(&"b"),
            "a replaced answer is for the latest call"
        );
        assert!(!s.loading);
        let s = reduce(s, CommandAction::Done(2, Ok(2)));
        assert_eq!(s.result.as_deref().unwrap().as_ref().unwrap(), &7);
    }
}
