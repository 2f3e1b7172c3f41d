//! Backstage-format `app-config.yaml` loading for Backlot.
//!
//! - Several files merge in order, as Backstage merges `app-config.local.yaml`: later
//!   files win; mappings merge key by key; lists and scalars are replaced.
//! - `${ENV}` substitution follows Backstage exactly (see [`substitute`](crate::substitute)
//!   rules: `$${…}` escapes; an unset variable makes the value undefined and drops its key).
//! - `${secret:NAME}` stays an unresolved [`Part::Secret`] inside a [`Template`]; the proxy
//!   resolves it from the keychain when a request is made. No secret value is ever held here.
//! - Errors name file, line, column and the dotted key; unknown keys become
//!   [`ConfigWarning`]s.

mod access;
mod error;
mod load;
mod node;
mod proxy;
mod settings;
mod substitute;
mod template;

pub use error::{ConfigError, ConfigWarning};
pub use node::{Key, Node, SourcePos, Value};
pub use proxy::{CredentialsPolicy, ProxyEndpoint};
pub use settings::{
    AppSettings, BackendSettings, BacklotSettings, CatalogLocation, Config, Integration,
    MAX_CONFIG_BYTES, ProxyTuning,
};
pub use template::{Part, Template, is_valid_secret_name};
