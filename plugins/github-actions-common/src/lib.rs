//! GitHub Actions for Backlot — what the UI plugin (`backlot-github-actions`) and the native
//! side share. Plain Rust, no I/O, compiles to wasm:
//!
//! - the built-in proxy endpoint ([`DEFAULT_ENDPOINT_ROUTE`], [`DEFAULT_ENDPOINT_YAML`]):
//!   `/github` → `https://api.github.com` with `Authorization: Bearer ${secret:github-token}`,
//!   added by the app when the user's app-config does not define `/github` itself;
//! - the calls the plugin makes, as [`ProxyCall`](backlot_model::ipc::ProxyCall)s
//!   ([`calls`]), and the answers in GitHub's REST shapes ([`types`]);
//! - pagination from `Link` headers (or `total_count` when a proxy drops them) and the
//!   classification of failures into [`GithubError`]s that say what to do;
//! - small time helpers (GitHub timestamps, durations, "5 minutes ago", reset clock);
//! - with feature `fake`: an in-process fake of GitHub's Actions API ([`fake`]); with
//!   `test-server`: the same fake over HTTP on 127.0.0.1 ([`test_server`]).

pub mod calls;
mod error;
pub mod time;
pub mod types;

#[cfg(feature = "fake")]
pub mod fake;
#[cfg(feature = "test-server")]
pub mod test_server;

pub use calls::{JobsPage, RUNS_PER_PAGE, Repo, RunsPage};
pub use error::GithubError;
pub use types::{Actor, HeadCommit, Job, RunState, Step, WorkflowRun};

/// The annotation that ties a catalog entity to its GitHub repository (`owner/repo`), as
/// in Backstage.
pub const ANNOTATION: &str = "github.com/project-slug";

/// The keychain secret holding the GitHub token (a fine-grained or classic PAT).
pub const TOKEN_SECRET: &str = "github-token";

/// The proxy route every GitHub call goes through.
pub const DEFAULT_ENDPOINT_ROUTE: &str = "/github";

/// The default target of [`DEFAULT_ENDPOINT_ROUTE`].
pub const DEFAULT_TARGET: &str = "https://api.github.com";

/// The built-in endpoint, written as the value of `proxy.endpoints./github` in
/// app-config.yaml. The app adds it when the configuration does not define `/github`;
/// defining `/github` yourself (e.g. for GitHub Enterprise, target
/// `https://HOST/api/v3`) replaces it. `allowedHeaders` lets pagination and rate-limit
/// headers back through the proxy's response allow-list.
pub const DEFAULT_ENDPOINT_YAML: &str = "\
target: https://api.github.com
headers:
  Authorization: Bearer ${secret:github-token}
allowedMethods: [GET, POST, PUT]
allowedHeaders:
  - link
  - x-ratelimit-limit
  - x-ratelimit-remaining
  - x-ratelimit-reset
  - x-ratelimit-used
  - x-ratelimit-resource
  - retry-after
";

/// Whether the CI tab shows for an entity with this annotation value: whenever it is
/// present and not blank (a malformed value is explained inside the tab).
pub fn slug_applies(annotation: Option<&str>) -> bool {
    annotation.is_some_and(|s| !s.trim().is_empty())
}
