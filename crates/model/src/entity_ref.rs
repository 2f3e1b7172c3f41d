//! Entity references `[kind:][namespace/]name`, parsed the way Backstage's `parseEntityRef`
//! does, with the per-field default kind and namespace, and compared case-insensitively.

use serde::{Deserialize, Serialize};

use crate::entity::DEFAULT_NAMESPACE;

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct EntityRef {
    pub kind: String,
    pub namespace: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RefError {
    #[error("entity reference \"{0}\" is not of the form [<kind>:][<namespace>/]<name>")]
    Malformed(String),
    #[error(
        "entity reference \"{0}\" has no kind, and this field has no default kind (write it as e.g. \"component:{0}\")"
    )]
    MissingKind(String),
}

impl EntityRef {
    /// Parses `[kind:][namespace/]name`. A `/` before the first `:` means the ref has no kind
    /// (the `:` is part of the name), as in Backstage.
    pub fn parse(
        text: &str,
        default_kind: Option<&str>,
        default_namespace: &str,
    ) -> Result<EntityRef, RefError> {
        let colon = text.find(':');
        let slash = text.find('/');
        let colon = match (colon, slash) {
            (Some(c), Some(s)) if s < c => None,
            (c, _) => c,
        };
        let kind = colon.map(|c| &text[..c]);
        let namespace = slash.map(|s| &text[colon.map_or(0, |c| c + 1)..s]);
        let name_start = colon.map_or(0, |c| c + 1).max(slash.map_or(0, |s| s + 1));
        let name = &text[name_start..];
        if kind == Some("") || namespace == Some("") || name.is_empty() {
            return Err(RefError::Malformed(text.to_string()));
        }
        // An empty default kind is no default (Backstage: `if (!kind) throw`).
        let kind = match kind.or(default_kind) {
            Some(k) if !k.is_empty() => k,
            _ => return Err(RefError::MissingKind(text.to_string())),
        };
        Ok(EntityRef {
            kind: kind.to_string(),
            namespace: namespace.unwrap_or(default_namespace).to_string(),
            name: name.to_string(),
        })
    }

    /// Parses a ref where a bare name means `default_kind:default/<name>`; used by filters.
    pub fn parse_with_kind(text: &str, default_kind: &str) -> Result<EntityRef, RefError> {
        EntityRef::parse(text, Some(default_kind), DEFAULT_NAMESPACE)
    }

    /// The canonical, lowercased `kind:namespace/name` — the form stored and compared.
    pub fn key(&self) -> String {
        let mut s =
            String::with_capacity(self.kind.len() + self.namespace.len() + self.name.len() + 2);
        s.push_str(&self.kind.to_lowercase());
        s.push(':');
        s.push_str(&self.namespace.to_lowercase());
        s.push('/');
        s.push_str(&self.name.to_lowercase());
        s
    }

    /// Case-insensitive equality, as Backstage compares refs (lowercased, as [`key`](Self::key)).
    pub fn same_as(&self, other: &EntityRef) -> bool {
        self.kind.to_lowercase() == other.kind.to_lowercase()
            && self.namespace.to_lowercase() == other.namespace.to_lowercase()
            && self.name.to_lowercase() == other.name.to_lowercase()
    }
}

impl std::fmt::Display for EntityRef {
    /// Original case, `kind:namespace/name`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}/{}", self.kind, self.namespace, self.name)
    }
}

/// Normalises a user-typed ref (filters, lookups) to the stored lowercased key.
pub fn normalize_ref(text: &str, default_kind: &str) -> Result<String, RefError> {
    EntityRef::parse_with_kind(text.trim(), default_kind).map(|r| r.key())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str, k: Option<&str>, ns: &str) -> Result<String, RefError> {
        EntityRef::parse(s, k, ns).map(|r| r.key())
    }

    #[test]
    fn full_ref() {
        assert_eq!(
            p("Component:Prod/My-Svc", None, "default").unwrap(),
            "component:prod/my-svc"
        );
    }

    #[test]
    fn default_kind_and_namespace_apply() {
        assert_eq!(
            p("team-a", Some("group"), "ops").unwrap(),
            "group:ops/team-a"
        );
        assert_eq!(
            p("user:guest", Some("group"), "default").unwrap(),
            "user:default/guest"
        );
        assert_eq!(
            p("other/team-a", Some("group"), "ops").unwrap(),
            "group:other/team-a"
        );
    }

    #[test]
    fn missing_kind_without_default_is_an_error() {
        assert_eq!(
            p("db", None, "default"),
            Err(RefError::MissingKind("db".into()))
        );
        assert!(p("resource:db", None, "default").is_ok());
    }

    #[test]
    fn slash_before_colon_means_no_kind() {
        let r = EntityRef::parse("ns/a:b", Some("api"), "default").unwrap();
        assert_eq!(
            (r.kind.as_str(), r.namespace.as_str(), r.name.as_str()),
            ("api", "ns", "a:b")
        );
    }

    #[test]
    fn empty_parts_are_malformed() {
        for bad in ["", ":x", "component:", "component:/x", "/x", "ns/"] {
            assert!(
                matches!(p(bad, Some("api"), "default"), Err(RefError::Malformed(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn comparison_ignores_case() {
        let a = EntityRef::parse("Group:Default/Team-A", None, "default").unwrap();
        let b = EntityRef::parse("group:default/team-a", None, "default").unwrap();
        assert!(a.same_as(&b));
        assert_eq!(a.key(), b.key());
        assert_eq!(a.to_string(), "Group:Default/Team-A");
        assert_eq!(
            normalize_ref(" Team-A ", "group").unwrap(),
            "group:default/team-a"
        );
    }
}
