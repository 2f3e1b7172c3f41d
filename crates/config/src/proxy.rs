//! `proxy.endpoints`, as Backstage's proxy-backend reads it: each key is a route
//! (`/name` or `name`, possibly with several segments); each value is either a target URL
//! (shorthand) or `{target, pathRewrite, changeOrigin, headers, allowedMethods,
//! allowedHeaders, credentials}`.

use url::Url;

use crate::access::{
    boolean, http_url, invalid, map, plain_string, string_list, template, warn_unknown,
};
use crate::error::{ConfigError, ConfigWarning};
use crate::node::{Node, SourcePos, Value};
use crate::template::Template;

/// Backstage's `credentials` option: what happens to the caller's `Authorization`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CredentialsPolicy {
    /// Default. The caller's credentials are not forwarded (Backstage: required by the
    /// backend, then stripped). Configured `headers` are still sent.
    #[default]
    Require,
    /// The caller's `Authorization` header is forwarded to the target.
    Forward,
    /// `dangerously-allow-unauthenticated`; for Backlot the same as `Require`.
    DangerouslyAllowUnauthenticated,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ProxyEndpoint {
    /// The route with a leading `/` and no trailing `/` (`/github`, `/larger-example/v1`).
    pub route: String,
    pub target: Url,
    /// `pathRewrite` rules (regex source, replacement) in file order, applied to the full
    /// Backstage-style path `/api/proxy/<route>/<rest>`; `None` = strip the route.
    pub path_rewrite: Option<Vec<(String, String)>>,
    pub change_origin: bool,
    /// Injected request headers (may reference `${secret:…}`), file order.
    pub headers: Vec<(String, Template)>,
    /// Upper-case method names; `None` = every method.
    pub allowed_methods: Option<Vec<String>>,
    pub allowed_headers: Vec<String>,
    pub credentials: CredentialsPolicy,
    pub pos: SourcePos,
}

impl ProxyEndpoint {
    /// A shorthand endpoint, for code that builds endpoints without a file.
    pub fn new(route: &str, target: Url) -> Self {
        Self {
            route: normalize_route(route),
            target,
            path_rewrite: None,
            change_origin: true,
            headers: Vec::new(),
            allowed_methods: None,
            allowed_headers: Vec::new(),
            credentials: CredentialsPolicy::Require,
            pos: SourcePos {
                file: "<code>".into(),
                line: 0,
                column: 0,
            },
        }
    }

    pub fn secret_names(&self) -> impl Iterator<Item = &str> {
        self.headers.iter().flat_map(|(_, t)| t.secret_names())
    }

    /// Reads one endpoint written as the value of `proxy.endpoints.<route>` in YAML — for
    /// endpoints a plugin brings as a built-in default (see [`Config::add_default_endpoint`](crate::Config::add_default_endpoint)).
    /// `source` names the text in errors. No `${ENV}` substitution; `${secret:…}` stays a
    /// reference. Keys Backlot does not support are an error here, not a warning.
    pub fn from_yaml(route: &str, source: &str, text: &str) -> Result<ProxyEndpoint, ConfigError> {
        let mut warnings = Vec::new();
        let node = crate::load::parse_document(source, text, &|_| None, &mut warnings)?;
        let path = format!("proxy.endpoints.{route}");
        let endpoint = read_endpoint(route, &node, &path, &mut warnings)?;
        match warnings.first() {
            Some(w) => Err(invalid(&node, &w.key, w.message.clone())),
            None => Ok(endpoint),
        }
    }
}

const ENDPOINT_KEYS: &[&str] = &[
    "target",
    "pathRewrite",
    "changeOrigin",
    "headers",
    "allowedMethods",
    "allowedHeaders",
    "credentials",
];

pub(crate) fn normalize_route(route: &str) -> String {
    let trimmed = route.trim().trim_end_matches('/');
    if trimmed.starts_with('/') {
        trimmed.to_owned()
    } else {
        format!("/{trimmed}")
    }
}

/// Reads `proxy.endpoints` (or, deprecated in Backstage, `/…` keys directly under `proxy`).
pub(crate) fn read_endpoints(
    proxy: Option<&Node>,
    warnings: &mut Vec<ConfigWarning>,
) -> Result<Vec<ProxyEndpoint>, ConfigError> {
    let Some(proxy) = proxy else {
        return Ok(Vec::new());
    };
    let entries = map(proxy, "proxy")?;
    let skip_invalid = match proxy.get("skipInvalidProxies") {
        Some(n) => boolean(n, "proxy.skipInvalidProxies")?,
        None => false,
    };
    let (routes, prefix) = match proxy.get("endpoints") {
        Some(endpoints) => {
            warn_unknown(
                entries,
                "proxy",
                &[
                    "endpoints",
                    "skipInvalidProxies",
                    "reviveConsumedRequestBodies",
                ],
                "",
                warnings,
            );
            (map(endpoints, "proxy.endpoints")?, "proxy.endpoints")
        }
        None => {
            let root: Vec<_> = entries
                .iter()
                .filter(|(k, _)| k.name.starts_with('/'))
                .collect();
            if let Some((k, _)) = root.first() {
                warnings.push(ConfigWarning {
                    file: k.pos.file.to_string(),
                    line: k.pos.line,
                    key: "proxy".into(),
                    message: "endpoints directly under `proxy` are deprecated (as in Backstage); move them to `proxy.endpoints`".into(),
                });
            }
            (entries, "proxy")
        }
    };
    let mut out = Vec::new();
    for (key, value) in routes {
        if prefix == "proxy" && !key.name.starts_with('/') {
            continue;
        }
        let path = format!("{prefix}.{}", key.name);
        match read_endpoint(&key.name, value, &path, warnings) {
            Ok(mut endpoint) => {
                endpoint.pos = key.pos.clone();
                if out
                    .iter()
                    .any(|e: &ProxyEndpoint| e.route == endpoint.route)
                {
                    return Err(invalid(
                        value,
                        &path,
                        format!("route `{}` is configured twice", endpoint.route),
                    ));
                }
                out.push(endpoint)
            }
            Err(e) if skip_invalid => warnings.push(ConfigWarning {
                file: value.pos.file.to_string(),
                line: value.pos.line,
                key: path,
                message: format!("endpoint skipped (proxy.skipInvalidProxies): {e}"),
            }),
            Err(e) => return Err(e),
        }
    }
    Ok(out)
}

fn read_endpoint(
    route: &str,
    node: &Node,
    path: &str,
    warnings: &mut Vec<ConfigWarning>,
) -> Result<ProxyEndpoint, ConfigError> {
    let route_norm = normalize_route(route);
    if route_norm == "/" || route_norm.contains("..") || route_norm.contains("//") {
        return Err(invalid(
            node,
            path,
            format!("`{route}` is not a usable proxy route"),
        ));
    }
    if let Value::Text(_) | Value::Number(_) = node.value {
        let mut e = ProxyEndpoint::new(route, http_url(node, path)?);
        e.pos = node.pos.clone();
        return Ok(e);
    }
    let entries = map(node, path)?;
    warn_unknown(
        entries,
        path,
        ENDPOINT_KEYS,
        " (not supported by Backlot's proxy)",
        warnings,
    );
    let target_node = node
        .get("target")
        .ok_or_else(|| invalid(node, path, "`target` is required"))?;
    let mut endpoint = ProxyEndpoint::new(route, http_url(target_node, &format!("{path}.target"))?);
    endpoint.pos = node.pos.clone();
    if let Some(n) = node.get("pathRewrite") {
        let key = format!("{path}.pathRewrite");
        let mut rules = Vec::new();
        for (k, v) in map(n, &key)? {
            rules.push((
                k.name.clone(),
                plain_string(v, &format!("{key}.{}", k.name))?,
            ));
        }
        endpoint.path_rewrite = Some(rules);
    }
    if let Some(n) = node.get("changeOrigin") {
        endpoint.change_origin = boolean(n, &format!("{path}.changeOrigin"))?;
    }
    if let Some(n) = node.get("headers") {
        let key = format!("{path}.headers");
        for (k, v) in map(n, &key)? {
            let value = match &v.value {
                Value::Number(_) | Value::Bool(_) => {
                    crate::template::Template::literal(plain_string(v, &key)?)
                }
                _ => template(v, &format!("{key}.{}", k.name))?.clone(),
            };
            endpoint.headers.push((k.name.clone(), value));
        }
    }
    if let Some(n) = node.get("allowedMethods") {
        let methods = string_list(n, &format!("{path}.allowedMethods"))?;
        endpoint.allowed_methods = Some(
            methods
                .into_iter()
                .map(|m| m.to_ascii_uppercase())
                .collect(),
        );
    }
    if let Some(n) = node.get("allowedHeaders") {
        endpoint.allowed_headers = string_list(n, &format!("{path}.allowedHeaders"))?;
    }
    if let Some(n) = node.get("credentials") {
        let key = format!("{path}.credentials");
        endpoint.credentials = match plain_string(n, &key)?.as_str() {
            "require" => CredentialsPolicy::Require,
            "forward" => CredentialsPolicy::Forward,
            "dangerously-allow-unauthenticated" => {
                CredentialsPolicy::DangerouslyAllowUnauthenticated
            }
            other => {
                return Err(invalid(
                    n,
                    &key,
                    format!(
                        "unknown credentials policy `{other}`; expected one of 'require', 'forward', 'dangerously-allow-unauthenticated'"
                    ),
                ));
            }
        };
    }
    Ok(endpoint)
}
