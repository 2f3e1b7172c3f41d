//! What a Backlot UI plugin is and what it may use.
//!
//! A plugin is a value of [`Plugin`] built by its crate's `plugin()` function: its id and
//! title, the routes (pages) it owns, its sidebar entry, the entity-page tabs and cards it
//! contributes, and the proxy endpoints and secrets its backend half needs. The shell
//! composes plugins through a [`PluginRegistry`] and knows nothing else about them.
//! Plugins reach the Rust side only through the [`Backend`] trait (see [`use_backend`]).

mod backend;
mod command;
pub mod components;
mod context;
#[cfg(any(test, feature = "fake"))]
mod fake;
mod icons;
pub mod perf;
mod plugin;
mod registry;
pub mod routing;
mod shared;
#[cfg(feature = "fake")]
pub mod testkit;

pub use backend::{Backend, BackendFuture, BackendHandle};
pub use command::{
    CommandAction, CommandState, UseCommandHandle, use_command, use_command_callback,
    use_command_if,
};
pub use context::{Link, ShellContext, use_backend, use_catalog_version, use_shell};
#[cfg(any(test, feature = "fake"))]
pub use fake::FakeBackend;
pub use icons::{Icon, IconView};
pub use plugin::{
    EntityCard, EntityContext, EntityTab, NavEntry, PaletteAction, Plugin, ProxyEndpointNeed,
    Route, SecretNeed,
};
pub use registry::{PluginRegistry, RegistryError, Resolved};
pub use routing::RouteMatch;
pub use shared::Shared;
