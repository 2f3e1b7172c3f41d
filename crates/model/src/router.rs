//! Command routing as one table: command name → typed handler. The native API, each native
//! plugin and the UI's fake backend build a [`Router`] over their own context and answer
//! `(name, args)` through it, so "which commands exist and who answers them" is written
//! once per implementation, and the contract test can compare two of them command by
//! command.
//!
//! ```
//! use backlot_model::ipc::{GetPreferences, Preferences};
//! use backlot_model::router::Router;
//!
//! struct Ctx { prefs: Preferences }
//! let router = Router::<Ctx>::new().on::<GetPreferences>(|ctx, _| Ok(ctx.prefs.clone()));
//! let ctx = Ctx { prefs: Preferences::default() };
//! assert!(router.dispatch(&ctx, "get_preferences", serde_json::json!({})).is_some());
//! assert!(router.dispatch(&ctx, "nope", serde_json::json!({})).is_none());
//! ```

use std::collections::BTreeMap;
use std::marker::PhantomData;

use crate::ApiError;
use crate::ipc::{Command, dispatch_typed};

type Handler<Ctx> =
    Box<dyn Fn(&Ctx, serde_json::Value) -> Result<serde_json::Value, ApiError> + Send + Sync>;

/// A table of typed command handlers over a context `Ctx` (the API, a plugin's host, the
/// fake backend's state). Handlers borrow the context per call; the table itself holds no
/// state, so it can be built once and shared (`Send + Sync` whatever `Ctx` is).
pub struct Router<Ctx: ?Sized> {
    routes: BTreeMap<&'static str, Handler<Ctx>>,
    _ctx: PhantomData<fn(&Ctx)>,
}

impl<Ctx: ?Sized> Default for Router<Ctx> {
    fn default() -> Self {
        Self {
            routes: BTreeMap::new(),
            _ctx: PhantomData,
        }
    }
}

impl<Ctx: ?Sized> Router<Ctx> {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds the handler of command `C`. Each command has one handler: registering a name
    /// twice is a programming error, caught by the first test that builds the table.
    #[must_use]
    pub fn on<C: Command>(
        mut self,
        handler: impl Fn(&Ctx, C) -> Result<C::Output, ApiError> + Send + Sync + 'static,
    ) -> Self {
        let previous = self.routes.insert(
            C::NAME,
            Box::new(move |ctx, args| dispatch_typed::<C>(args, |c| handler(ctx, c))),
        );
        assert!(previous.is_none(), "command `{}` is routed twice", C::NAME);
        self
    }

    /// Whether this table answers `name`.
    pub fn handles(&self, name: &str) -> bool {
        self.routes.contains_key(name)
    }

    /// The command names this table answers, sorted.
    pub fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.routes.keys().copied()
    }

    /// Answers `name` with its handler; `None` when this table has none (the caller then
    /// asks the next table, or reports [`crate::ipc::unknown_command`]).
    pub fn dispatch(
        &self,
        ctx: &Ctx,
        name: &str,
        args: serde_json::Value,
    ) -> Option<Result<serde_json::Value, ApiError>> {
        self.routes.get(name).map(|handler| handler(ctx, args))
    }
}

impl<Ctx: ?Sized> std::fmt::Debug for Router<Ctx> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.routes.keys()).finish()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::ErrorCode;
    use crate::ipc::{GetPreferences, Preferences, SetPreferences, ThemePreference};
    use std::sync::Mutex;

    struct Ctx(Mutex<Preferences>);

    fn router() -> Router<Ctx> {
        Router::<Ctx>::new()
            .on::<GetPreferences>(|ctx, _| Ok(ctx.0.lock().unwrap().clone()))
            .on::<SetPreferences>(|ctx, c| {
                *ctx.0.lock().unwrap() = c.preferences.clone();
                Ok(c.preferences)
            })
    }

    #[test]
    fn routes_by_name_decodes_and_encodes() {
        let ctx = Ctx(Mutex::default());
        let r = router();
        assert_eq!(
            r.names().collect::<Vec<_>>(),
            ["get_preferences", "set_preferences"]
        );
        let out = r.dispatch(
            &ctx,
            "set_preferences",
            serde_json::json!({"preferences": {"theme": "dark"}}),
        );
        assert_eq!(out.unwrap().unwrap()["theme"], "dark");
        assert_eq!(ctx.0.lock().unwrap().theme, ThemePreference::Dark);
        let err = r
            .dispatch(
                &ctx,
                "set_preferences",
                serde_json::json!({"preferences": 1}),
            )
            .unwrap()
            .unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidInput);
        assert!(r.dispatch(&ctx, "entity", serde_json::json!({})).is_none());
        assert!(r.handles("get_preferences") && !r.handles("entity"));
    }

    #[test]
    #[should_panic(expected = "routed twice")]
    fn a_command_routed_twice_is_caught() {
        let _ = router().on::<GetPreferences>(|_, _| Ok(Preferences::default()));
    }

    #[test]
    fn works_over_unsized_contexts() {
        trait Host {
            fn theme(&self) -> ThemePreference;
        }
        struct Dark;
        impl Host for Dark {
            fn theme(&self) -> ThemePreference {
                ThemePreference::Dark
            }
        }
        let r = Router::<dyn Host>::new().on::<GetPreferences>(|host, _| {
            Ok(Preferences {
                theme: host.theme(),
                ..Default::default()
            })
        });
        let out = r
            .dispatch(&Dark as &dyn Host, "get_preferences", serde_json::json!({}))
            .unwrap()
            .unwrap();
        assert_eq!(out["theme"], "dark");
    }
}
