//! The APIs page's filters: the text and the type, owner and lifecycle selections, set
//! first from the location (`?q=`, `?type=`, `?owner=`, `?lifecycle=`).

use backlot_model::query::EntityFilter;
use backlot_plugin_api::routing::RouteMatch;
use yew::prelude::*;

#[derive(Clone, Default, PartialEq)]
pub struct Filters {
    pub text: String,
    pub api_type: String,
    pub owner: String,
    pub lifecycle: String,
}

impl Filters {
    fn from_route(route: &RouteMatch) -> Self {
        let query = |name: &str| route.query(name).unwrap_or_default().to_string();
        Self {
            text: query("q"),
            api_type: query("type"),
            owner: query("owner"),
            lifecycle: query("lifecycle"),
        }
    }

    pub fn entity_filter(&self) -> EntityFilter {
        let one = |v: &str| {
            if v.is_empty() {
                vec![]
            } else {
                vec![v.to_string()]
            }
        };
        EntityFilter {
            kinds: vec!["api".into()],
            types: one(&self.api_type),
            owners: one(&self.owner),
            lifecycles: one(&self.lifecycle),
            ..Default::default()
        }
    }

    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// The filters, starting from the location's.
#[hook]
pub fn use_filters(route: &RouteMatch) -> UseStateHandle<Filters> {
    let route = route.clone();
    use_state(move || Filters::from_route(&route))
}

/// An entity reference without its kind and the default namespace (`group:default/x` → `x`).
pub fn short_ref(entity_ref: &str) -> &str {
    let rest = entity_ref.split_once(':').map_or(entity_ref, |(_, r)| r);
    rest.strip_prefix("default/").unwrap_or(rest)
}
