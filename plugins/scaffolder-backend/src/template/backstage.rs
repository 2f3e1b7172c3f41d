//! Backstage's own template filters: `parseRepoUrl`, `parseEntityRef`, `pick`, `projectSlug`.

use minijinja::value::{Value, ValueKind};
use minijinja::{Environment, Error, ErrorKind};
use serde_json::{Map, Value as Json};

use super::js;

/// The SCM integrations the `parseRepoUrl` filter knows hosts of (Backstage's
/// `integrations` config: a host decides the provider type).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Integrations {
    /// `(host, type)`: type is `github`, `gitlab`, `bitbucketCloud`, `bitbucketServer`,
    /// `azure`, `gerrit`, `gitea`…
    pub hosts: Vec<(String, String)>,
}

impl Default for Integrations {
    /// What Backstage assumes with no `integrations` config.
    fn default() -> Self {
        Integrations {
            hosts: [
                ("github.com", "github"),
                ("gitlab.com", "gitlab"),
                ("bitbucket.org", "bitbucketCloud"),
                ("dev.azure.com", "azure"),
            ]
            .into_iter()
            .map(|(h, t)| (h.to_string(), t.to_string()))
            .collect(),
        }
    }
}

impl Integrations {
    /// The provider type of `host` (exact match, as `ScmIntegrations.byHost`).
    pub fn type_of(&self, host: &str) -> Option<&str> {
        self.hosts
            .iter()
            .find(|(h, _)| h == host)
            .map(|(_, t)| t.as_str())
    }
}

fn input_error(msg: String) -> Error {
    Error::new(ErrorKind::InvalidOperation, msg)
}

/// `parseRepoUrl`: `github.com?owner=o&repo=r` → `{host, owner, repo, …}`.
pub fn parse_repo_url(repo_url: &str, integrations: &Integrations) -> Result<Json, String> {
    let parsed = url::Url::parse(&format!("https://{repo_url}")).map_err(|e| {
        format!("Invalid repo URL passed to publisher, got {repo_url}, TypeError: {e}")
    })?;
    let mut host = parsed.host_str().unwrap_or_default().to_string();
    if let Some(port) = parsed.port() {
        host = format!("{host}:{port}");
    }
    let Some(kind) = integrations.type_of(&host) else {
        return Err(format!(
            "No matching integration configuration for host {host}, please check your integrations config"
        ));
    };
    let param = |name: &str| -> Option<String> {
        parsed
            .query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim_matches('/').to_string())
    };
    let require = |names: &[&str]| -> Result<(), String> {
        for name in names {
            let present = parsed
                .query_pairs()
                .find(|(k, _)| k == name)
                .is_some_and(|(_, v)| !v.is_empty());
            if !present {
                return Err(format!(
                    "Invalid repo URL passed to publisher: {parsed}, missing {name}"
                ));
            }
        }
        Ok(())
    };
    match kind {
        "bitbucketCloud" => require(&["workspace", "project", "repo"])?,
        "bitbucketServer" | "azure" => require(&["project", "repo"])?,
        "gitlab" => {
            if param("project").is_none_or(|p| p.is_empty()) {
                require(&["owner", "repo"])?;
            }
        }
        "gitea" | "gerrit" => require(&["repo"])?,
        _ => require(&["repo", "owner"])?,
    }
    let mut out = Map::new();
    out.insert("host".into(), Json::String(host));
    for name in ["owner", "repo", "organization", "workspace", "project"] {
        if let Some(v) = param(name) {
            out.insert(name.into(), Json::String(v));
        }
    }
    Ok(Json::Object(out))
}

/// `parseEntityRef` (catalog-model's): `[kind:][namespace/]name` with defaults.
pub fn parse_entity_ref(reference: &Json, context: Option<&Json>) -> Result<Json, String> {
    let default_kind = context
        .and_then(|c| c.get("defaultKind"))
        .and_then(Json::as_str)
        .map(str::to_string);
    let default_namespace = context
        .and_then(|c| c.get("defaultNamespace"))
        .and_then(Json::as_str)
        .filter(|s| !s.is_empty())
        .unwrap_or("default")
        .to_string();
    let (kind, namespace, name) = match reference {
        Json::String(s) if !s.is_empty() => {
            let slash = s.find('/');
            let mut colon = s.find(':');
            if let (Some(sl), Some(co)) = (slash, colon)
                && sl < co
            {
                colon = None;
            }
            let kind = colon.map(|c| s[..c].to_string());
            let namespace = slash.map(|sl| s[colon.map_or(0, |c| c + 1)..sl].to_string());
            let start = colon.map_or(0, |c| c + 1).max(slash.map_or(0, |sl| sl + 1));
            let name = s[start..].to_string();
            if kind.as_deref() == Some("") || namespace.as_deref() == Some("") || name.is_empty() {
                return Err(format!(
                    "Entity reference \"{s}\" was not on the form [<kind>:][<namespace>/]<name>"
                ));
            }
            (
                kind.or(default_kind),
                namespace.unwrap_or(default_namespace),
                name,
            )
        }
        Json::Object(o) => (
            o.get("kind")
                .and_then(Json::as_str)
                .map(str::to_string)
                .or(default_kind),
            o.get("namespace")
                .and_then(Json::as_str)
                .map_or(default_namespace, str::to_string),
            o.get("name")
                .and_then(Json::as_str)
                .unwrap_or_default()
                .to_string(),
        ),
        _ => return Err("Entity reference must not be empty".to_string()),
    };
    let textual = js::stringify(reference, "");
    let Some(kind) = kind.filter(|k| !k.is_empty()) else {
        return Err(format!(
            "Entity reference {textual} had missing or empty kind (e.g. did not start with \"component:\" or similar)"
        ));
    };
    if name.is_empty() {
        return Err(format!(
            "Entity reference {textual} had missing or empty name"
        ));
    }
    let mut out = Map::new();
    out.insert("kind".into(), Json::String(kind));
    out.insert("namespace".into(), Json::String(namespace));
    out.insert("name".into(), Json::String(name));
    Ok(Json::Object(out))
}

/// lodash `get(object, path)`: `a.b[0].c`.
pub fn pick(value: &Value, path: &str) -> Value {
    let mut current = value.clone();
    for part in lodash_path(path) {
        current = match current.kind() {
            ValueKind::Map => current.get_attr(&part).unwrap_or(Value::UNDEFINED),
            ValueKind::Seq => match part.parse::<usize>() {
                Ok(i) => current
                    .get_item(&Value::from(i))
                    .unwrap_or(Value::UNDEFINED),
                Err(_) if part == "length" => Value::from(current.len().unwrap_or(0)),
                Err(_) => Value::UNDEFINED,
            },
            ValueKind::String if part == "length" => {
                Value::from(current.as_str().unwrap_or_default().encode_utf16().count())
            }
            _ => Value::UNDEFINED,
        };
        if current.is_undefined() {
            break;
        }
    }
    current
}

fn lodash_path(path: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut chars = path.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '.' => parts.push(std::mem::take(&mut current)),
            '[' => {
                if !current.is_empty() {
                    parts.push(std::mem::take(&mut current));
                }
                let mut inner = String::new();
                for d in chars.by_ref() {
                    if d == ']' {
                        break;
                    }
                    inner.push(d);
                }
                let inner = inner.trim_matches(|c| c == '"' || c == '\'').to_string();
                parts.push(inner);
                if chars.peek() == Some(&'.') {
                    chars.next();
                }
            }
            c => current.push(c),
        }
    }
    if !current.is_empty() || path.ends_with('.') {
        parts.push(current);
    }
    parts
}

pub fn register(env: &mut Environment<'static>, integrations: &Integrations) {
    let ints = integrations.clone();
    env.add_filter("parseRepoUrl", move |v: Value| -> Result<Value, Error> {
        let url = js::to_display_string(&v);
        parse_repo_url(&url, &ints)
            .map(|j| js::from_json(&j))
            .map_err(input_error)
    });
    let ints = integrations.clone();
    env.add_filter("projectSlug", move |v: Value| -> Result<Value, Error> {
        let url = js::to_display_string(&v);
        let parsed = parse_repo_url(&url, &ints).map_err(input_error)?;
        let field = |k: &str| {
            parsed
                .get(k)
                .and_then(Json::as_str)
                .unwrap_or("undefined")
                .to_string()
        };
        Ok(Value::from(format!("{}/{}", field("owner"), field("repo"))))
    });
    env.add_filter(
        "parseEntityRef",
        |v: Value, ctx: Option<Value>| -> Result<Value, Error> {
            let reference = js::to_json(&v).unwrap_or(Json::Null);
            let context = ctx.as_ref().and_then(js::to_json);
            parse_entity_ref(&reference, context.as_ref())
                .map(|j| js::from_json(&j))
                .map_err(input_error)
        },
    );
    env.add_filter("pick", |v: Value, path: Value| -> Value {
        pick(&v, &js::to_display_string(&path))
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn repo_urls_parse_per_host_type() {
        let ints = Integrations::default();
        assert_eq!(
            parse_repo_url("github.com?repo=r&owner=o", &ints).unwrap(),
            json!({"host": "github.com", "owner": "o", "repo": "r"})
        );
        assert_eq!(
            parse_repo_url("bitbucket.org?workspace=w&project=p&repo=r", &ints).unwrap(),
            json!({"host": "bitbucket.org", "repo": "r", "workspace": "w", "project": "p"})
        );
        assert!(
            parse_repo_url("github.com?repo=r", &ints)
                .unwrap_err()
                .contains("missing owner")
        );
        assert!(
            parse_repo_url("example.com?repo=r&owner=o", &ints)
                .unwrap_err()
                .contains("No matching integration configuration for host example.com")
        );
        assert_eq!(
            parse_repo_url("gitlab.com?project=42&repo=r", &ints).unwrap()["project"],
            "42"
        );
        assert_eq!(
            parse_repo_url("github.com?repo=/r/&owner=o", &ints).unwrap()["repo"],
            "r"
        );
    }

    #[test]
    fn entity_refs_parse_with_defaults() {
        assert_eq!(
            parse_entity_ref(&json!("component:ns/name"), None).unwrap(),
            json!({"kind": "component", "namespace": "ns", "name": "name"})
        );
        assert_eq!(
            parse_entity_ref(
                &json!("name"),
                Some(&json!({"defaultKind": "user", "defaultNamespace": "x"}))
            )
            .unwrap(),
            json!({"kind": "user", "namespace": "x", "name": "name"})
        );
        assert!(
            parse_entity_ref(&json!("name"), None)
                .unwrap_err()
                .contains("missing or empty kind")
        );
        assert!(
            parse_entity_ref(&json!("a:/b"), None)
                .unwrap_err()
                .contains("was not on the form")
        );
    }

    #[test]
    fn pick_follows_lodash_paths() {
        let v = js::from_json(&json!({"a": {"b": [{"c": 1}]}}));
        assert_eq!(pick(&v, "a.b[0].c"), Value::from(1));
        assert!(pick(&v, "a.x.y").is_undefined());
        assert_eq!(lodash_path("a.b[0].c"), vec!["a", "b", "0", "c"]);
    }
}
