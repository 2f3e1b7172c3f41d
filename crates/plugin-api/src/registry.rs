//! The shell's view of its plugins: checked once at start, then asked where a location goes.

use crate::plugin::{EntityCard, EntityTab, NavEntry, Plugin, Route};
use crate::routing::{RouteMatch, match_pattern, specificity};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegistryError {
    InvalidId(String),
    DuplicateId(String),
    DuplicateRoute {
        pattern: String,
        first: String,
        second: String,
    },
    InvalidPattern {
        plugin: String,
        pattern: String,
    },
    NavWithoutRoute {
        plugin: String,
        path: String,
    },
}

impl std::fmt::Display for RegistryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RegistryError::InvalidId(id) => {
                write!(
                    f,
                    "plugin id `{id}` must be kebab-case: lowercase letters, digits and single dashes"
                )
            }
            RegistryError::DuplicateId(id) => write!(f, "two plugins are named `{id}`"),
            RegistryError::DuplicateRoute {
                pattern,
                first,
                second,
            } => {
                write!(
                    f,
                    "route `{pattern}` is declared by both `{first}` and `{second}`"
                )
            }
            RegistryError::InvalidPattern { plugin, pattern } => {
                write!(
                    f,
                    "plugin `{plugin}` declares route `{pattern}`, which does not start with `/`"
                )
            }
            RegistryError::NavWithoutRoute { plugin, path } => {
                write!(
                    f,
                    "plugin `{plugin}` has a sidebar entry to `{path}` but no route matches it"
                )
            }
        }
    }
}

impl std::error::Error for RegistryError {}

/// Where a location leads: which plugin and route, with the bound parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolved {
    pub plugin: usize,
    pub route: usize,
    pub matched: RouteMatch,
}

impl Resolved {
    /// Identifies the page (plugin + route pattern): the shell keeps one live pane per key.
    pub fn pane_key(&self, registry: &PluginRegistry) -> String {
        let plugin = &registry.plugins()[self.plugin];
        format!("{}:{}", plugin.id, plugin.routes[self.route].pattern)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct PluginRegistry {
    plugins: Vec<Plugin>,
}

impl PluginRegistry {
    pub fn new(plugins: Vec<Plugin>) -> Result<Self, RegistryError> {
        let mut seen_routes: Vec<(&str, &str)> = Vec::new();
        for (i, plugin) in plugins.iter().enumerate() {
            if !is_kebab_case(plugin.id) {
                return Err(RegistryError::InvalidId(plugin.id.to_string()));
            }
            if plugins[..i].iter().any(|p| p.id == plugin.id) {
                return Err(RegistryError::DuplicateId(plugin.id.to_string()));
            }
            for route in &plugin.routes {
                if !route.pattern.starts_with('/') {
                    return Err(RegistryError::InvalidPattern {
                        plugin: plugin.id.to_string(),
                        pattern: route.pattern.to_string(),
                    });
                }
                let normalized = normalize(route.pattern);
                if let Some((_, first)) =
                    seen_routes.iter().find(|(p, _)| normalize(p) == normalized)
                {
                    return Err(RegistryError::DuplicateRoute {
                        pattern: route.pattern.to_string(),
                        first: first.to_string(),
                        second: plugin.id.to_string(),
                    });
                }
                seen_routes.push((route.pattern, plugin.id));
            }
            if let Some(nav) = &plugin.nav
                && !plugin
                    .routes
                    .iter()
                    .any(|r| match_pattern(r.pattern, nav.path).is_some())
            {
                return Err(RegistryError::NavWithoutRoute {
                    plugin: plugin.id.to_string(),
                    path: nav.path.to_string(),
                });
            }
        }
        Ok(Self { plugins })
    }

    pub fn plugins(&self) -> &[Plugin] {
        &self.plugins
    }

    pub fn plugin(&self, id: &str) -> Option<&Plugin> {
        self.plugins.iter().find(|p| p.id == id)
    }

    pub fn route(&self, resolved: &Resolved) -> &Route {
        &self.plugins[resolved.plugin].routes[resolved.route]
    }

    /// Sidebar entries in display order (by `order`, then title).
    pub fn nav_entries(&self) -> Vec<(&Plugin, NavEntry)> {
        let mut entries: Vec<(&Plugin, NavEntry)> = self
            .plugins
            .iter()
            .filter_map(|p| p.nav.map(|nav| (p, nav)))
            .collect();
        entries.sort_by(|a, b| a.1.order.cmp(&b.1.order).then(a.1.label.cmp(b.1.label)));
        entries
    }

    /// The most specific route matching `location`, if any.
    pub fn resolve(&self, location: &str) -> Option<Resolved> {
        let mut best: Option<(Resolved, (usize, usize))> = None;
        for (pi, plugin) in self.plugins.iter().enumerate() {
            for (ri, route) in plugin.routes.iter().enumerate() {
                let Some(matched) = match_pattern(route.pattern, location) else {
                    continue;
                };
                let score = specificity(route.pattern);
                if best.as_ref().is_none_or(|(_, s)| score > *s) {
                    best = Some((
                        Resolved {
                            plugin: pi,
                            route: ri,
                            matched,
                        },
                        score,
                    ));
                }
            }
        }
        best.map(|(r, _)| r)
    }

    /// Where the header's search box leads: the first plugin that offers a search page.
    pub fn global_search_path(&self) -> Option<&'static str> {
        self.plugins.iter().find_map(|p| p.search_path)
    }

    pub fn entity_tabs(&self) -> Vec<EntityTab> {
        self.plugins
            .iter()
            .flat_map(|p| p.entity_tabs.iter().copied())
            .collect()
    }

    pub fn entity_cards(&self) -> Vec<EntityCard> {
        self.plugins
            .iter()
            .flat_map(|p| p.entity_cards.iter().copied())
            .collect()
    }
}

fn is_kebab_case(id: &str) -> bool {
    !id.is_empty()
        && id.split('-').all(|part| {
            !part.is_empty()
                && part
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
}

/// Patterns that differ only in parameter names or trailing slashes are the same route.
fn normalize(pattern: &str) -> String {
    pattern
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| if s.starts_with(':') { ":" } else { s })
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::icons::Icon;
    use crate::plugin::EntityContext;
    use yew::html;

    fn page(_: &RouteMatch) -> yew::Html {
        html! { <p>{"page"}</p> }
    }

    fn is_api(e: &EntityContext) -> bool {
        e.kind() == "API"
    }

    fn sample() -> Vec<Plugin> {
        vec![
            Plugin::new("settings", "Settings", Icon::Settings)
                .nav("Settings", "/settings", 100)
                .route("/settings", page),
            Plugin::new("home", "Home", Icon::Home)
                .nav("Home", "/", 0)
                .route("/", page),
            Plugin::new("catalog", "Catalog", Icon::Catalog)
                .nav("Catalog", "/catalog", 10)
                .route("/catalog", page)
                .route("/catalog/:namespace/:kind/:name", page)
                .route("/catalog/new/location/x", page),
            Plugin::new("api-docs", "API docs", Icon::Api).entity_tab(crate::plugin::EntityTab {
                id: "api",
                title: "API",
                applies_to: is_api,
                render: |_| html! {},
            }),
        ]
    }

    #[test]
    fn nav_entries_are_ordered_and_skip_plugins_without_one() {
        let registry = PluginRegistry::new(sample()).unwrap();
        let labels: Vec<&str> = registry
            .nav_entries()
            .iter()
            .map(|(_, n)| n.label)
            .collect();
        assert_eq!(labels, ["Home", "Catalog", "Settings"]);
    }

    #[test]
    fn resolves_to_the_most_specific_route() {
        let registry = PluginRegistry::new(sample()).unwrap();
        let r = registry
            .resolve("/catalog/default/component/petstore")
            .unwrap();
        assert_eq!(registry.plugins()[r.plugin].id, "catalog");
        assert_eq!(
            registry.route(&r).pattern,
            "/catalog/:namespace/:kind/:name"
        );
        assert_eq!(r.matched.param("name"), "petstore");
        let r = registry.resolve("/catalog/new/location/x").unwrap();
        assert_eq!(registry.route(&r).pattern, "/catalog/new/location/x");
        let r = registry.resolve("/catalog?kind=api").unwrap();
        assert_eq!(r.pane_key(&registry), "catalog:/catalog");
        assert_eq!(r.matched.query("kind"), Some("api"));
        assert!(registry.resolve("/nowhere").is_none());
    }

    #[test]
    fn rejects_duplicate_ids_routes_and_bad_declarations() {
        let mut plugins = sample();
        plugins.push(Plugin::new("home", "Again", Icon::Home));
        assert_eq!(
            PluginRegistry::new(plugins).unwrap_err(),
            RegistryError::DuplicateId("home".into())
        );

        let mut plugins = sample();
        plugins.push(Plugin::new("other", "Other", Icon::Home).route("/catalog/:ns/:k/:n/", page));
        assert!(matches!(
            PluginRegistry::new(plugins).unwrap_err(),
            RegistryError::DuplicateRoute { first, second, .. } if first == "catalog" && second == "other"
        ));

        let plugins = vec![Plugin::new("Bad_Id", "x", Icon::Home)];
        assert_eq!(
            PluginRegistry::new(plugins).unwrap_err(),
            RegistryError::InvalidId("Bad_Id".into())
        );

        let plugins = vec![
            Plugin::new("x", "x", Icon::Home)
                .nav("X", "/x", 0)
                .route("/y", page),
        ];
        assert!(matches!(
            PluginRegistry::new(plugins).unwrap_err(),
            RegistryError::NavWithoutRoute { .. }
        ));

        let plugins = vec![Plugin::new("x", "x", Icon::Home).route("relative", page)];
        assert!(matches!(
            PluginRegistry::new(plugins).unwrap_err(),
            RegistryError::InvalidPattern { .. }
        ));
    }

    #[test]
    fn collects_entity_tabs_from_all_plugins() {
        let registry = PluginRegistry::new(sample()).unwrap();
        let tabs = registry.entity_tabs();
        assert_eq!(tabs.len(), 1);
        let api = EntityContext {
            entity_ref: "api:default/x".into(),
            entity: serde_json::json!({"kind": "API"}),
        };
        let comp = EntityContext {
            entity_ref: "component:default/x".into(),
            entity: serde_json::json!({"kind": "Component"}),
        };
        assert!((tabs[0].applies_to)(&api));
        assert!(!(tabs[0].applies_to)(&comp));
    }
}
