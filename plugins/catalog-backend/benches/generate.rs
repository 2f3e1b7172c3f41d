//! A generator of realistic catalogs: components, APIs, resources, systems, domains, groups and
//! users with owners, systems, provided/consumed APIs and dependencies; 1–2 KB per entity.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use std::sync::OnceLock;

use serde_json::{Value, json};

/// The vocabulary names, titles, tags and descriptions are drawn from: 3,484 words of
/// software, business and everyday English (one per line in `words.txt`, written for these
/// benchmarks).
pub fn words() -> &'static [&'static str] {
    static WORDS: OnceLock<Vec<&'static str>> = OnceLock::new();
    WORDS.get_or_init(|| include_str!("words.txt").lines().collect())
}

/// The `i`-th word of a stable spread over the vocabulary (names of groups, systems and
/// domains: `{word}-{i}`, so one index is one name in every run).
fn word_for(i: usize) -> &'static str {
    let w = words();
    w[i.wrapping_mul(2_654_435_761) % w.len()]
}

/// The name of the `i`-th group (team), system or domain.
pub fn group(i: usize) -> String {
    format!("{}-team-{i}", word_for(i))
}
pub fn system(i: usize) -> String {
    format!("{}-system-{i}", word_for(i + 7))
}
pub fn domain(i: usize) -> String {
    format!("{}-domain-{i}", word_for(i + 13))
}

const LANGS: &[&str] = &[
    "java",
    "go",
    "rust",
    "python",
    "typescript",
    "kotlin",
    "scala",
    "c++",
    "ruby",
    "elixir",
];
const LIFECYCLES: &[&str] = &[
    "production",
    "production",
    "production",
    "experimental",
    "deprecated",
];
const COMPONENT_TYPES: &[&str] = &[
    "service", "service", "service", "website", "library", "tool",
];

/// A small deterministic PRNG (xorshift) so runs are comparable.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
    pub fn pick<'a>(&mut self, items: &'a [&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// `length` words of the vocabulary.
pub fn sentence(rng: &mut Rng, length: usize) -> String {
    let mut s = String::new();
    for i in 0..length {
        if i > 0 {
            s.push(' ');
        }
        s.push_str(rng.pick(words()));
    }
    s
}

pub fn groups(n: usize) -> usize {
    (n / 500).max(5)
}
pub fn systems(n: usize) -> usize {
    (n / 200).max(5)
}

/// `n` entities; roughly 70% components, 15% APIs, 10% resources, the rest org and systems.
pub fn entities(n: usize, seed: u64) -> Vec<Value> {
    let mut rng = Rng::new(seed);
    let (g, s) = (groups(n), systems(n));
    let domains = (s / 20).max(2);
    let mut out = Vec::with_capacity(n);
    for i in 0..domains {
        out.push(
            json!({"apiVersion": "backstage.io/v1alpha1", "kind": "Domain",
            "metadata": {"name": domain(i), "description": sentence(&mut rng, 12)},
            "spec": {"owner": group(rng.below(g))}}),
        );
    }
    for i in 0..g {
        out.push(json!({"apiVersion": "backstage.io/v1alpha1", "kind": "Group",
            "metadata": {"name": group(i), "title": format!("Team {}", sentence(&mut rng, 2)), "description": sentence(&mut rng, 20)},
            "spec": {"type": "team", "parent": if i == 0 { Value::Null } else { json!(group(rng.below(i))) }, "children": []}}));
        if let Some(spec) = out.last_mut().and_then(|e| e["spec"].as_object_mut()) {
            spec.retain(|_, v| !v.is_null());
        }
    }
    for i in 0..s {
        out.push(json!({"apiVersion": "backstage.io/v1alpha1", "kind": "System",
            "metadata": {"name": system(i), "title": sentence(&mut rng, 3), "description": sentence(&mut rng, 30)},
            "spec": {"owner": group(rng.below(g)), "domain": domain(rng.below(domains))}}));
    }
    let users = g * 2;
    for i in 0..users {
        out.push(json!({"apiVersion": "backstage.io/v1alpha1", "kind": "User",
            "metadata": {"name": format!("user-{i}")},
            "spec": {"profile": {"displayName": format!("User {i}"), "email": format!("user-{i}@example.com")},
                     "memberOf": [group(rng.below(g))]}}));
    }
    let rest = n.saturating_sub(out.len());
    let apis = rest * 15 / 100;
    let resources = rest / 10;
    let components = rest - apis - resources;
    for i in 0..apis {
        let w = rng.pick(words());
        out.push(json!({"apiVersion": "backstage.io/v1alpha1", "kind": "API",
            "metadata": {"name": format!("{w}-api-{i}"), "title": format!("{} API", sentence(&mut rng, 2)),
                         "description": sentence(&mut rng, 40), "tags": [rng.pick(&["rest", "grpc", "graphql", "events"])]},
            "spec": {"type": rng.pick(&["openapi", "grpc", "graphql", "asyncapi"]), "lifecycle": rng.pick(LIFECYCLES),
                     "owner": group(rng.below(g)), "system": system(rng.below(s)),
                     "definition": format!("openapi: 3.0.0\ninfo:\n  title: {w}\n  version: 1.0.{i}\npaths: {{}}\n")}}));
    }
    for i in 0..resources {
        out.push(json!({"apiVersion": "backstage.io/v1alpha1", "kind": "Resource",
            "metadata": {"name": format!("{}-db-{i}", rng.pick(words())), "description": sentence(&mut rng, 25), "tags": ["postgres"]},
            "spec": {"type": "database", "owner": group(rng.below(g)), "system": system(rng.below(s))}}));
    }
    for i in 0..components {
        let length = 60 + rng.below(60);
        let w1 = rng.pick(words());
        let w2 = rng.pick(words());
        let provides: Vec<String> = (0..rng.below(3))
            .map(|_| format!("api:{}-api-{}", rng.pick(words()), rng.below(apis.max(1))))
            .collect();
        let consumes: Vec<String> = (0..rng.below(4))
            .map(|_| format!("{}-api-{}", rng.pick(words()), rng.below(apis.max(1))))
            .collect();
        let depends: Vec<String> = (0..rng.below(4))
            .map(|_| {
                if rng.below(2) == 0 {
                    format!(
                        "resource:{}-db-{}",
                        rng.pick(words()),
                        rng.below(resources.max(1))
                    )
                } else {
                    format!(
                        "component:{}-{}-{}",
                        rng.pick(words()),
                        rng.pick(words()),
                        rng.below(components)
                    )
                }
            })
            .collect();
        out.push(json!({"apiVersion": "backstage.io/v1alpha1", "kind": "Component",
            "metadata": {
                "name": format!("{w1}-{w2}-{i}"),
                "title": format!("{} {}", w1, w2),
                "description": sentence(&mut rng, length),
                "tags": [rng.pick(LANGS), rng.pick(words()), rng.pick(&["backend", "frontend", "data", "platform"])],
                "annotations": {"github.com/project-slug": format!("example/{w1}-{w2}-{i}"), "backstage.io/techdocs-ref": "dir:.",
                                 "pagerduty.com/service-id": format!("P{:06}", rng.below(999_999))},
                "links": [{"url": format!("https://dashboards.example.com/{w1}-{w2}-{i}"), "title": "Dashboard", "icon": "dashboard"}]
            },
            "spec": {"type": rng.pick(COMPONENT_TYPES), "lifecycle": rng.pick(LIFECYCLES), "owner": group(rng.below(g)),
                     "system": system(rng.below(s)), "providesApis": provides, "consumesApis": consumes, "dependsOn": depends}}));
    }
    out
}
