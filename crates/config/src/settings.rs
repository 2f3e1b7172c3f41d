//! The typed view of a loaded configuration.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use url::Url;

use crate::access::{
    http_url, map, plain_string, seq, string_list, template, unsigned, warn_unknown,
};
use crate::error::{ConfigError, ConfigWarning};
use crate::load::{merge, parse_document};
use crate::node::{Node, SourcePos, Value};
use crate::proxy::{ProxyEndpoint, read_endpoints};
use crate::template::Template;

/// Largest app-config file read (bytes); a larger one, or a device or pipe named as a config
/// file, is refused rather than read without end.
pub const MAX_CONFIG_BYTES: u64 = 4 * 1024 * 1024;

/// Top-level sections Backlot reads; any other top-level key is reported as ignored.
const KNOWN_TOP: &[&str] = &[
    "app",
    "backend",
    "proxy",
    "catalog",
    "integrations",
    "backlot",
];

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub app: AppSettings,
    pub backend: BackendSettings,
    pub proxy_endpoints: Vec<ProxyEndpoint>,
    pub catalog_locations: Vec<CatalogLocation>,
    pub integrations: Vec<Integration>,
    pub backlot: BacklotSettings,
    /// Ignored keys, unset env vars, deprecations: shown to the user, not fatal.
    pub warnings: Vec<ConfigWarning>,
    /// Every `${secret:NAME}` referenced anywhere in the merged config, sorted.
    pub secret_names: BTreeSet<String>,
    /// The files merged, in order.
    pub sources: Vec<String>,
    /// The whole merged tree, for sections Backlot does not type.
    pub tree: Node,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct AppSettings {
    pub title: Option<String>,
    pub base_url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct BackendSettings {
    /// `backend.baseUrl`: the Backstage backend this config was written for.
    pub base_url: Option<Url>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CatalogLocation {
    /// `type`: `url`, `file`, …
    pub kind: String,
    pub target: String,
    /// Kinds from `rules[].allow`, if the location restricts them.
    pub allow: Option<Vec<String>>,
    pub pos: SourcePos,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Integration {
    /// `github`, `gitlab`, …
    pub provider: String,
    pub host: Option<String>,
    pub api_base_url: Option<String>,
    pub token: Option<Template>,
}

/// The `backlot:` section — Backlot's own settings.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BacklotSettings {
    /// `backlot.teamBackend.baseUrl` (falls back to `backend.baseUrl`).
    pub team_backend_url: Option<Url>,
    /// `backlot.teamBackend.token`, typically `${secret:BACKSTAGE_TOKEN}`.
    pub team_backend_token: Option<Template>,
    /// `backlot.teamBackend.syncIntervalMinutes`: minutes between background syncs (0: off).
    pub team_sync_interval_minutes: Option<u64>,
    pub proxy: ProxyTuning,
}

/// `backlot.proxy`: limits of the native proxy.
#[derive(Debug, Clone, PartialEq)]
pub struct ProxyTuning {
    pub connect_timeout: Duration,
    /// Until the upstream's response headers arrive.
    pub request_timeout: Duration,
    /// Longest silence while streaming a body.
    pub idle_timeout: Duration,
    pub max_response_bytes: u64,
    /// PEM file with extra trusted CA certificates.
    pub ca_file: Option<PathBuf>,
}

impl Default for ProxyTuning {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            idle_timeout: Duration::from_secs(30),
            max_response_bytes: 100 * 1024 * 1024,
            ca_file: None,
        }
    }
}

fn process_env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

impl Config {
    /// Loads and merges files in order (later files override earlier ones), reading
    /// `${ENV}` from the process environment.
    pub fn load_files<P: AsRef<Path>>(paths: &[P]) -> Result<Config, ConfigError> {
        Self::load_files_with_env(paths, &process_env)
    }

    pub fn load_files_with_env<P: AsRef<Path>>(
        paths: &[P],
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Config, ConfigError> {
        let mut sources = Vec::with_capacity(paths.len());
        for path in paths {
            let path = path.as_ref();
            let text =
                backlot_safe_fs::read_text_capped(path, MAX_CONFIG_BYTES).map_err(|source| {
                    ConfigError::Read {
                        path: path.to_owned(),
                        source,
                    }
                })?;
            sources.push((path.display().to_string(), text));
        }
        Self::from_sources(&sources, env)
    }

    /// Merges in-memory documents `(name, yaml text)` in order.
    pub fn from_sources(
        sources: &[(String, String)],
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Config, ConfigError> {
        let mut warnings = Vec::new();
        let mut tree: Option<Node> = None;
        for (name, text) in sources {
            let doc = parse_document(name, text, env, &mut warnings)?;
            tree = Some(match tree {
                Some(base) => merge(base, doc),
                None => doc,
            });
        }
        let tree = tree.unwrap_or(Node {
            value: Value::Map(Vec::new()),
            pos: SourcePos {
                file: "<empty>".into(),
                line: 0,
                column: 0,
            },
        });
        let mut config = read_typed(tree, warnings)?;
        config.sources = sources.iter().map(|(n, _)| n.clone()).collect();
        Ok(config)
    }

    /// One YAML document, e.g. in tests or pasted into Settings.
    pub fn from_yaml(
        name: &str,
        text: &str,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Config, ConfigError> {
        Self::from_sources(&[(name.to_owned(), text.to_owned())], env)
    }

    /// The team Backstage backend: `backlot.teamBackend.baseUrl`, else `backend.baseUrl`.
    pub fn team_backend_base_url(&self) -> Option<&Url> {
        self.backlot
            .team_backend_url
            .as_ref()
            .or(self.backend.base_url.as_ref())
    }

    pub fn proxy_endpoint(&self, route: &str) -> Option<&ProxyEndpoint> {
        let route = crate::proxy::normalize_route(route);
        self.proxy_endpoints.iter().find(|e| e.route == route)
    }

    /// Adds a built-in endpoint (one a plugin declares, e.g. `/github`) unless the
    /// configuration defines that route itself — the user's definition wins whole. Its
    /// `${secret:…}` names join [`secret_names`](Self::secret_names), so Settings →
    /// Credentials lists them. Returns whether it was added.
    pub fn add_default_endpoint(&mut self, endpoint: ProxyEndpoint) -> bool {
        if self.proxy_endpoint(&endpoint.route).is_some() {
            return false;
        }
        self.secret_names
            .extend(endpoint.secret_names().map(str::to_owned));
        self.proxy_endpoints.push(endpoint);
        true
    }
}

fn read_typed(tree: Node, mut warnings: Vec<ConfigWarning>) -> Result<Config, ConfigError> {
    let top = map(&tree, "")?;
    warn_unknown(top, "", KNOWN_TOP, " (not used by Backlot)", &mut warnings);

    let mut app = AppSettings::default();
    if let Some(n) = tree.get("app") {
        map(n, "app")?;
        if let Some(t) = n.get("title") {
            app.title = Some(plain_string(t, "app.title")?);
        }
        if let Some(u) = n.get("baseUrl") {
            app.base_url = Some(plain_string(u, "app.baseUrl")?);
        }
    }

    let mut backend = BackendSettings::default();
    if let Some(n) = tree.get("backend") {
        map(n, "backend")?;
        if let Some(u) = n.get("baseUrl") {
            backend.base_url = Some(http_url(u, "backend.baseUrl")?);
        }
    }

    let proxy_endpoints = read_endpoints(tree.get("proxy"), &mut warnings)?;
    let catalog_locations = read_locations(tree.path("catalog.locations"))?;
    let integrations = read_integrations(tree.get("integrations"))?;
    let backlot = read_backlot(tree.get("backlot"), &mut warnings)?;

    let mut secret_names = BTreeSet::new();
    collect_secrets(&tree, &mut secret_names);

    Ok(Config {
        app,
        backend,
        proxy_endpoints,
        catalog_locations,
        integrations,
        backlot,
        warnings,
        secret_names,
        sources: Vec::new(),
        tree,
    })
}

fn collect_secrets(node: &Node, out: &mut BTreeSet<String>) {
    match &node.value {
        Value::Text(t) => out.extend(t.secret_names().map(str::to_owned)),
        Value::Seq(items) => items.iter().for_each(|n| collect_secrets(n, out)),
        Value::Map(entries) => entries.iter().for_each(|(_, n)| collect_secrets(n, out)),
        _ => {}
    }
}

fn read_locations(node: Option<&Node>) -> Result<Vec<CatalogLocation>, ConfigError> {
    let Some(node) = node else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for (i, item) in seq(node, "catalog.locations")?.iter().enumerate() {
        let key = format!("catalog.locations[{i}]");
        map(item, &key)?;
        let kind_node = item
            .get("type")
            .ok_or_else(|| crate::access::invalid(item, &key, "`type` is required"))?;
        let target_node = item
            .get("target")
            .ok_or_else(|| crate::access::invalid(item, &key, "`target` is required"))?;
        let allow = match item.get("rules") {
            None => None,
            Some(rules) => {
                let mut kinds = Vec::new();
                for (j, rule) in seq(rules, &format!("{key}.rules"))?.iter().enumerate() {
                    if let Some(a) = rule.get("allow") {
                        kinds.extend(string_list(a, &format!("{key}.rules[{j}].allow"))?);
                    }
                }
                Some(kinds)
            }
        };
        out.push(CatalogLocation {
            kind: plain_string(kind_node, &format!("{key}.type"))?,
            target: plain_string(target_node, &format!("{key}.target"))?,
            allow,
            pos: item.pos.clone(),
        });
    }
    Ok(out)
}

fn read_integrations(node: Option<&Node>) -> Result<Vec<Integration>, ConfigError> {
    let Some(node) = node else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for (provider, hosts) in map(node, "integrations")? {
        let key = format!("integrations.{}", provider.name);
        // Most providers take a list of hosts; a few (e.g. `awsS3`) take other shapes.
        let Value::Seq(items) = &hosts.value else {
            continue;
        };
        for (i, item) in items.iter().enumerate() {
            let item_key = format!("{key}[{i}]");
            if !matches!(item.value, Value::Map(_)) {
                continue;
            }
            out.push(Integration {
                provider: provider.name.clone(),
                host: item
                    .get("host")
                    .map(|h| plain_string(h, &format!("{item_key}.host")))
                    .transpose()?,
                api_base_url: item
                    .get("apiBaseUrl")
                    .map(|h| plain_string(h, &format!("{item_key}.apiBaseUrl")))
                    .transpose()?,
                token: item
                    .get("token")
                    .map(|t| template(t, &format!("{item_key}.token")).cloned())
                    .transpose()?,
            });
        }
    }
    Ok(out)
}

fn read_backlot(
    node: Option<&Node>,
    warnings: &mut Vec<ConfigWarning>,
) -> Result<BacklotSettings, ConfigError> {
    let mut out = BacklotSettings::default();
    let Some(node) = node else { return Ok(out) };
    warn_unknown(
        map(node, "backlot")?,
        "backlot",
        &["teamBackend", "proxy"],
        "",
        warnings,
    );
    if let Some(team) = node.get("teamBackend") {
        let known = ["baseUrl", "token", "syncIntervalMinutes"];
        warn_unknown(
            map(team, "backlot.teamBackend")?,
            "backlot.teamBackend",
            &known,
            "",
            warnings,
        );
        if let Some(n) = team.get("syncIntervalMinutes") {
            out.team_sync_interval_minutes =
                Some(unsigned(n, "backlot.teamBackend.syncIntervalMinutes")?);
        }
        if let Some(u) = team.get("baseUrl") {
            out.team_backend_url = Some(http_url(u, "backlot.teamBackend.baseUrl")?);
        }
        if let Some(t) = team.get("token") {
            out.team_backend_token = Some(template(t, "backlot.teamBackend.token")?.clone());
        }
    }
    if let Some(p) = node.get("proxy") {
        let known = [
            "connectTimeoutSeconds",
            "requestTimeoutSeconds",
            "idleTimeoutSeconds",
            "maxResponseBytes",
            "caFile",
        ];
        warn_unknown(
            map(p, "backlot.proxy")?,
            "backlot.proxy",
            &known,
            "",
            warnings,
        );
        let secs = |name: &str| -> Result<Option<Duration>, ConfigError> {
            match p.get(name) {
                None => Ok(None),
                Some(n) => {
                    let key = format!("backlot.proxy.{name}");
                    let v = unsigned(n, &key)?;
                    if v == 0 {
                        return Err(crate::access::invalid(n, &key, "must be at least 1"));
                    }
                    Ok(Some(Duration::from_secs(v)))
                }
            }
        };
        if let Some(d) = secs("connectTimeoutSeconds")? {
            out.proxy.connect_timeout = d;
        }
        if let Some(d) = secs("requestTimeoutSeconds")? {
            out.proxy.request_timeout = d;
        }
        if let Some(d) = secs("idleTimeoutSeconds")? {
            out.proxy.idle_timeout = d;
        }
        if let Some(n) = p.get("maxResponseBytes") {
            out.proxy.max_response_bytes = unsigned(n, "backlot.proxy.maxResponseBytes")?;
        }
        if let Some(n) = p.get("caFile") {
            out.proxy.ca_file = Some(PathBuf::from(plain_string(n, "backlot.proxy.caFile")?));
        }
    }
    Ok(out)
}
