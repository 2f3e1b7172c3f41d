//! The declaration a plugin crate hands to the shell.

use yew::Html;

use crate::icons::Icon;
use crate::routing::RouteMatch;

/// One plugin: everything the shell needs to know, and nothing of how it works inside.
#[derive(Clone, PartialEq)]
pub struct Plugin {
    /// Stable, unique, kebab-case (`catalog`, `api-docs`).
    pub id: &'static str,
    pub title: &'static str,
    pub icon: Icon,
    /// The sidebar entry; `None` for plugins that only contribute tabs or cards.
    pub nav: Option<NavEntry>,
    /// The pages this plugin owns. Patterns are absolute (`/catalog/:namespace/:kind/:name`).
    pub routes: Vec<Route>,
    pub entity_tabs: Vec<EntityTab>,
    pub entity_cards: Vec<EntityCard>,
    /// Proxy endpoints the plugin's calls go through (configured in app-config.yaml).
    pub proxy_endpoints: Vec<ProxyEndpointNeed>,
    /// Keychain secrets the plugin needs (shown in Settings → Credentials).
    pub secrets: Vec<SecretNeed>,
    /// A page that takes `?q=<text>`: where the header's global search box leads.
    pub search_path: Option<&'static str>,
    /// What the command palette (Ctrl+K) offers from this plugin besides its page.
    pub actions: Vec<PaletteAction>,
}

/// A command palette entry a plugin declares: a label, and the page it opens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PaletteAction {
    pub label: &'static str,
    /// Words that find it besides its label.
    pub keywords: &'static str,
    pub to: &'static str,
}

impl Plugin {
    /// A plugin with just an id, title and icon; fill in the rest with the builder methods.
    pub fn new(id: &'static str, title: &'static str, icon: Icon) -> Self {
        Self {
            id,
            title,
            icon,
            nav: None,
            routes: Vec::new(),
            entity_tabs: Vec::new(),
            entity_cards: Vec::new(),
            proxy_endpoints: Vec::new(),
            secrets: Vec::new(),
            search_path: None,
            actions: Vec::new(),
        }
    }

    /// Adds a command palette entry opening `to`.
    pub fn action(mut self, label: &'static str, keywords: &'static str, to: &'static str) -> Self {
        self.actions.push(PaletteAction {
            label,
            keywords,
            to,
        });
        self
    }

    /// Makes this plugin's page at `path` the target of the header's global search.
    pub fn global_search(mut self, path: &'static str) -> Self {
        self.search_path = Some(path);
        self
    }

    /// Adds a sidebar entry leading to `path`; lower `order` sorts first.
    pub fn nav(mut self, label: &'static str, path: &'static str, order: i32) -> Self {
        self.nav = Some(NavEntry {
            label,
            icon: self.icon,
            path,
            order,
        });
        self
    }

    pub fn route(mut self, pattern: &'static str, render: fn(&RouteMatch) -> Html) -> Self {
        self.routes.push(Route { pattern, render });
        self
    }

    pub fn entity_tab(mut self, tab: EntityTab) -> Self {
        self.entity_tabs.push(tab);
        self
    }

    pub fn entity_card(mut self, card: EntityCard) -> Self {
        self.entity_cards.push(card);
        self
    }

    pub fn proxy_endpoint(mut self, need: ProxyEndpointNeed) -> Self {
        self.proxy_endpoints.push(need);
        self
    }

    pub fn secret(mut self, need: SecretNeed) -> Self {
        self.secrets.push(need);
        self
    }
}

impl std::fmt::Debug for Plugin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Plugin")
            .field("id", &self.id)
            .field("routes", &self.routes.len())
            .finish()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NavEntry {
    pub label: &'static str,
    pub icon: Icon,
    pub path: &'static str,
    pub order: i32,
}

#[derive(Clone, Copy)]
pub struct Route {
    pub pattern: &'static str,
    pub render: fn(&RouteMatch) -> Html,
}

/// The entity an entity-page tab or card is shown for: its full ref and its descriptor as
/// JSON in Backstage's shape (`apiVersion`, `kind`, `metadata`, `spec`, `relations`).
#[derive(Debug, Clone, PartialEq)]
pub struct EntityContext {
    pub entity_ref: String,
    pub entity: serde_json::Value,
}

impl EntityContext {
    pub fn kind(&self) -> &str {
        self.entity
            .get("kind")
            .and_then(|v| v.as_str())
            .unwrap_or_default()
    }

    pub fn annotation(&self, key: &str) -> Option<&str> {
        self.entity
            .pointer("/metadata/annotations")?
            .get(key)?
            .as_str()
    }
}

/// A tab on the entity page. `applies_to` decides, per entity, whether the tab shows.
#[derive(Clone, Copy)]
pub struct EntityTab {
    pub id: &'static str,
    pub title: &'static str,
    pub applies_to: fn(&EntityContext) -> bool,
    pub render: fn(&EntityContext) -> Html,
}

/// A card on the entity page's overview.
#[derive(Clone, Copy)]
pub struct EntityCard {
    pub id: &'static str,
    pub title: &'static str,
    pub applies_to: fn(&EntityContext) -> bool,
    pub render: fn(&EntityContext) -> Html,
}

/// A proxy endpoint the plugin calls, e.g. `/github` with its default target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProxyEndpointNeed {
    pub path: &'static str,
    pub default_target: Option<&'static str>,
    pub description: &'static str,
}

/// A keychain secret the plugin needs, referenced from config as `${secret:NAME}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SecretNeed {
    pub name: &'static str,
    pub description: &'static str,
}

// Declarations compare by identity: same name and the very same functions.
impl PartialEq for Route {
    fn eq(&self, other: &Self) -> bool {
        self.pattern == other.pattern && std::ptr::fn_addr_eq(self.render, other.render)
    }
}

impl PartialEq for EntityTab {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
            && std::ptr::fn_addr_eq(self.applies_to, other.applies_to)
            && std::ptr::fn_addr_eq(self.render, other.render)
    }
}

impl PartialEq for EntityCard {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
            && std::ptr::fn_addr_eq(self.applies_to, other.applies_to)
            && std::ptr::fn_addr_eq(self.render, other.render)
    }
}
