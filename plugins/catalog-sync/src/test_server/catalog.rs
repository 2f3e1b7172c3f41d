//! A generated Backstage catalog: groups, users, systems, APIs and components with
//! `metadata.uid`, content-derived `metadata.etag`, and relations in both directions.

use std::collections::{BTreeMap, HashMap};

use serde_json::{Value, json};

use crate::entity_key::entity_key;

/// Entities by key (lowercased `kind:namespace/name`), in key order (the paging order).
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    entities: BTreeMap<String, Value>,
    edits: u64,
}

fn fnv64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

fn uid_for(key: &str) -> String {
    let a = fnv64(key.as_bytes());
    let b = fnv64(format!("{key}#uid").as_bytes());
    format!(
        "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xfff,
        (b >> 48) & 0xfff,
        b & 0xffff_ffff_ffff
    )
}

/// Sets `metadata.etag` from the content (everything but the etag itself).
fn stamp_etag(entity: &mut Value) {
    if let Some(m) = entity.get_mut("metadata").and_then(Value::as_object_mut) {
        m.remove("etag");
    }
    // 40 hex digits, like Backstage's (a SHA-1): as incompressible as the real ones.
    let text = entity.to_string();
    let a = fnv64(text.as_bytes());
    let b = fnv64(format!("{a:x}{text}").as_bytes());
    let c = fnv64(format!("{b:x}").as_bytes());
    if let Some(m) = entity.get_mut("metadata").and_then(Value::as_object_mut) {
        m.insert(
            "etag".into(),
            Value::String(format!("{a:016x}{b:016x}{:08x}", c >> 32)),
        );
    }
}

impl Catalog {
    pub fn new() -> Self {
        Self::default()
    }

    /// `n` entities (≈1.2 KB of JSON each): 2 % groups, 10 % users, 2.5 % systems, 10 % APIs,
    /// the rest components, with ownedBy/ownerOf, memberOf/hasMember, partOf/hasPart,
    /// providesApi/apiProvidedBy, consumesApi/apiConsumedBy and dependsOn/dependencyOf.
    pub fn generate(n: usize) -> Self {
        let groups = (n / 50).max(1).min(n);
        let users = (n / 10).min(n - groups);
        let systems = (n / 40)
            .max(usize::from(n > groups + users))
            .min(n - groups - users);
        let apis = (n / 10).min(n - groups - users - systems);
        let components = n - groups - users - systems - apis;
        let group = |i: usize| format!("team-{i:05}");
        let system = |i: usize| format!("system-{i:05}");
        let api = |i: usize| format!("api-{i:05}");
        let mut list: Vec<Value> = Vec::with_capacity(n);
        for i in 0..groups {
            list.push(json!({
                "apiVersion": "backstage.io/v1alpha1", "kind": "Group",
                "metadata": {"name": group(i), "namespace": "default", "description": format!("Team {i}, generated for sync tests.")},
                "spec": {"type": "team", "profile": {"displayName": format!("Team {i}"), "email": format!("team-{i}@example.invalid")}, "children": []}
            }));
        }
        for i in 0..users {
            list.push(json!({
                "apiVersion": "backstage.io/v1alpha1", "kind": "User",
                "metadata": {"name": format!("user-{i:05}"), "namespace": "default"},
                "spec": {"profile": {"displayName": format!("User {i}"), "email": format!("user-{i}@example.invalid")}, "memberOf": [format!("group:default/{}", group(i % groups))]}
            }));
        }
        for i in 0..systems {
            list.push(json!({
                "apiVersion": "backstage.io/v1alpha1", "kind": "System",
                "metadata": {"name": system(i), "namespace": "default", "description": format!("System {i}.")},
                "spec": {"owner": format!("group:default/{}", group(i % groups))}
            }));
        }
        for i in 0..apis {
            let mut spec = json!({"type": "openapi", "lifecycle": "production", "owner": format!("group:default/{}", group(i % groups)),
                "definition": "openapi: 3.0.0\ninfo:\n  title: generated\n  version: 1.0.0\npaths: {}\n"});
            if systems > 0 {
                spec["system"] = json!(system(i % systems));
            }
            list.push(json!({
                "apiVersion": "backstage.io/v1alpha1", "kind": "API",
                "metadata": {"name": api(i), "namespace": "default", "description": format!("API number {i} of the generated catalog."), "tags": ["rest", "generated"]},
                "spec": spec
            }));
        }
        for i in 0..components {
            let name = format!("component-{i:06}");
            let mut spec = json!({"type": if i % 3 == 0 { "website" } else { "service" }, "lifecycle": if i % 7 == 0 { "experimental" } else { "production" },
                "owner": format!("group:default/{}", group(i % groups))});
            if systems > 0 {
                spec["system"] = json!(system(i % systems));
            }
            if apis > 0 {
                spec["providesApis"] = json!([api(i % apis)]);
                spec["consumesApis"] = json!([api((i * 7 + 3) % apis)]);
            }
            if i > 0 {
                spec["dependsOn"] =
                    json!([format!("component:default/component-{:06}", (i * 13) % i)]);
            }
            list.push(json!({
                "apiVersion": "backstage.io/v1alpha1", "kind": "Component",
                "metadata": {
                    "name": name, "namespace": "default",
                    "description": format!("Generated component {i}: handles a slice of the fictional business, with enough text to look like a real description of a service."),
                    "tags": ["generated", if i % 2 == 0 { "rust" } else { "java" }],
                    "annotations": {
                        "backstage.io/managed-by-location": format!("url:https://git.example.invalid/org/{name}/blob/main/catalog-info.yaml"),
                        "backstage.io/managed-by-origin-location": "url:https://git.example.invalid/org/catalog/blob/main/all.yaml",
                        "backstage.io/source-location": format!("url:https://git.example.invalid/org/{name}/tree/main/"),
                        "github.com/project-slug": format!("org/{name}")
                    },
                    "links": [{"url": format!("https://{name}.example.invalid"), "title": "Dashboard"}]
                },
                "spec": spec
            }));
        }
        Self::from_entities(list)
    }

    /// Entities as given; missing namespaces, uids, relations and etags are filled in.
    pub fn from_entities(entities: Vec<Value>) -> Self {
        let mut c = Catalog::new();
        for e in entities {
            c.put(e);
        }
        c.derive_relations();
        c
    }

    fn put(&mut self, mut entity: Value) -> Option<String> {
        if let Some(m) = entity.get_mut("metadata").and_then(Value::as_object_mut) {
            m.entry("namespace").or_insert_with(|| json!("default"));
        }
        let key = entity_key(&entity).ok()?;
        if let Some(m) = entity.get_mut("metadata").and_then(Value::as_object_mut) {
            m.entry("uid")
                .or_insert_with(|| Value::String(uid_for(&key)));
        }
        self.entities.insert(key.clone(), entity);
        Some(key)
    }

    /// Recomputes every entity's `relations` from its spec (both directions) and its etag.
    fn derive_relations(&mut self) {
        let mut rels: HashMap<String, Vec<(String, String)>> = HashMap::new();
        let mut add = |from: &str, ty: &str, to: &str, back: &str| {
            rels.entry(from.to_owned())
                .or_default()
                .push((ty.to_owned(), to.to_owned()));
            rels.entry(to.to_owned())
                .or_default()
                .push((back.to_owned(), from.to_owned()));
        };
        let refs = |v: Option<&Value>, kind: &str| -> Vec<String> {
            let list = match v {
                Some(Value::String(s)) => vec![s.clone()],
                Some(Value::Array(a)) => a
                    .iter()
                    .filter_map(|x| x.as_str().map(str::to_owned))
                    .collect(),
                _ => vec![],
            };
            list.into_iter()
                .filter_map(|r| {
                    backlot_model::EntityRef::parse(&r, Some(kind), "default")
                        .ok()
                        .map(|r| r.key())
                })
                .collect()
        };
        for (key, e) in &self.entities {
            let spec = e.get("spec");
            let get = |f: &str| spec.and_then(|s| s.get(f));
            for t in refs(get("owner"), "group") {
                add(key, "ownedBy", &t, "ownerOf");
            }
            for t in refs(get("system"), "system") {
                add(key, "partOf", &t, "hasPart");
            }
            for t in refs(get("memberOf"), "group") {
                add(key, "memberOf", &t, "hasMember");
            }
            for t in refs(get("providesApis"), "api") {
                add(key, "providesApi", &t, "apiProvidedBy");
            }
            for t in refs(get("consumesApis"), "api") {
                add(key, "consumesApi", &t, "apiConsumedBy");
            }
            for t in refs(get("dependsOn"), "component") {
                add(key, "dependsOn", &t, "dependencyOf");
            }
        }
        for (key, e) in self.entities.iter_mut() {
            let mut list = rels.remove(key).unwrap_or_default();
            list.sort();
            list.dedup();
            let json: Vec<Value> = list
                .into_iter()
                .map(|(t, r)| json!({"type": t, "targetRef": r}))
                .collect();
            if let Some(o) = e.as_object_mut() {
                o.insert("relations".into(), Value::Array(json));
            }
            stamp_etag(e);
        }
    }

    pub fn len(&self) -> usize {
        self.entities.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entities.is_empty()
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        self.entities.get(key)
    }

    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.entities.keys()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&String, &Value)> {
        self.entities.iter()
    }

    pub(crate) fn range_after<'a>(
        &'a self,
        after: Option<&str>,
    ) -> Box<dyn Iterator<Item = (&'a String, &'a Value)> + 'a> {
        match after {
            Some(a) => Box::new(
                self.entities
                    .range::<str, _>((std::ops::Bound::Excluded(a), std::ops::Bound::Unbounded)),
            ),
            None => Box::new(self.entities.iter()),
        }
    }

    /// key → etag of every entity.
    pub fn etags(&self) -> HashMap<String, String> {
        self.entities
            .iter()
            .filter_map(|(k, v)| {
                crate::entity_key::entity_etag(v).map(|e| (k.clone(), e.to_owned()))
            })
            .collect()
    }

    /// Changes an entity's description (so its etag changes). False if there is no such key.
    pub fn touch(&mut self, key: &str) -> bool {
        self.edits += 1;
        let edits = self.edits;
        let Some(e) = self.entities.get_mut(key) else {
            return false;
        };
        if let Some(m) = e.get_mut("metadata").and_then(Value::as_object_mut) {
            m.insert(
                "description".into(),
                Value::String(format!("Edited (#{edits}) between syncs.")),
            );
        }
        stamp_etag(e);
        true
    }

    /// Adds or replaces an entity (uid and etag filled in, relations recomputed). Its key.
    pub fn insert(&mut self, entity: Value) -> Option<String> {
        let key = self.put(entity)?;
        self.derive_relations();
        Some(key)
    }

    pub fn remove(&mut self, key: &str) -> bool {
        let found = self.entities.remove(key).is_some();
        if found {
            self.derive_relations();
        }
        found
    }

    /// Shrinks the catalog to `fraction` (0.0–1.0) of its entities, spread evenly over the
    /// key order (so every kind keeps its share), relations recomputed: a server that
    /// suddenly serves only part of its catalog — or none, with `0.0`. Edit it through
    /// [`super::TestServer::with_catalog`]; keep a clone to serve the whole catalog again:
    ///
    /// ```text
    /// let whole = server.with_catalog(|c| c.clone());
    /// server.with_catalog(|c| c.retain_fraction(0.1)); // 90 % gone
    /// server.with_catalog(|c| *c = whole);
    /// ```
    ///
    /// Returns how many entities were removed. For a listing that ends early while the
    /// catalog stays whole, see [`super::Fault::EndListing`].
    pub fn retain_fraction(&mut self, fraction: f64) -> usize {
        let len = self.entities.len();
        let fraction = if fraction.is_nan() {
            0.0
        } else {
            fraction.clamp(0.0, 1.0)
        };
        let keep = ((len as f64) * fraction).round() as usize;
        if keep >= len {
            return 0;
        }
        // Entity i stays when the running share of kept entities steps up at i.
        let mut i = 0usize;
        self.entities.retain(|_, _| {
            let stays = (i + 1) * keep / len > i * keep / len;
            i += 1;
            stays
        });
        self.derive_relations();
        len - self.entities.len()
    }

    /// Removes every entity: a server that suddenly serves an empty catalog.
    pub fn clear(&mut self) -> usize {
        let len = self.entities.len();
        self.entities.clear();
        len
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_catalog_has_uids_etags_and_both_directions() {
        let c = Catalog::generate(200);
        assert_eq!(c.len(), 200);
        let comp = c
            .get("component:default/component-000001")
            .cloned()
            .unwrap_or_default();
        assert!(
            comp["metadata"]["uid"]
                .as_str()
                .is_some_and(|u| u.len() == 36)
        );
        assert!(comp["metadata"]["etag"].as_str().is_some());
        let rels = comp["relations"].as_array().cloned().unwrap_or_default();
        assert!(rels.iter().any(|r| r["type"] == "ownedBy"));
        let owner = rels
            .iter()
            .find(|r| r["type"] == "ownedBy")
            .and_then(|r| r["targetRef"].as_str())
            .unwrap_or("");
        let group = c.get(owner).cloned().unwrap_or_default();
        assert!(group["relations"].as_array().is_some_and(|a| {
            a.iter().any(|r| {
                r["type"] == "ownerOf" && r["targetRef"] == "component:default/component-000001"
            })
        }));
        let size = serde_json::to_string(&comp).map(|s| s.len()).unwrap_or(0);
        assert!(size > 800, "{size}");
    }

    #[test]
    fn a_catalog_shrinks_to_an_even_share_of_every_kind() {
        let mut c = Catalog::generate(1000);
        let groups = |c: &Catalog| c.keys().filter(|k| k.starts_with("group:")).count();
        let before = groups(&c);
        assert_eq!(c.retain_fraction(0.1), 900);
        assert_eq!(c.len(), 100);
        assert_eq!(groups(&c), before / 10);
        assert_eq!(c.retain_fraction(1.0), 0);
        assert_eq!(c.retain_fraction(f64::NAN), 100);
        assert!(c.is_empty());
        let mut c = Catalog::generate(10);
        assert_eq!(c.retain_fraction(0.5), 5);
        assert_eq!(c.clear(), 5);
        assert!(c.is_empty());
    }

    #[test]
    fn touch_changes_only_that_etag_and_small_catalogs_work() {
        let mut c = Catalog::generate(50);
        let before = c.etags();
        assert!(c.touch("component:default/component-000002"));
        let after = c.etags();
        let changed: Vec<_> = before
            .iter()
            .filter(|(k, v)| after.get(*k) != Some(*v))
            .collect();
        assert_eq!(changed.len(), 1);
        for n in 0..5 {
            assert_eq!(Catalog::generate(n).len(), n);
        }
    }
}
