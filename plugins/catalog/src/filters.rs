//! The catalog page's search, filters and sort, as they live in the location's query string
//! (`/catalog?q=pay&kind=component,api&owner=group:default/team-a&starred=1&sort=-owner`), so
//! back/forward and reopening the app bring them back.

use std::collections::BTreeMap;

use backlot_model::query::{EntityFilter, EntityQuery, SortField, SortOrder};
use backlot_plugin_api::routing::build_query;

/// A filter that selects values of one field (ORed within it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Facet {
    Kind,
    Type,
    Owner,
    Lifecycle,
    Tag,
    Namespace,
}

impl Facet {
    pub const ALL: [Facet; 6] = [
        Facet::Kind,
        Facet::Type,
        Facet::Owner,
        Facet::Lifecycle,
        Facet::Tag,
        Facet::Namespace,
    ];

    /// The name in the query string and in the backend's facet counts.
    pub fn key(self) -> &'static str {
        match self {
            Facet::Kind => "kind",
            Facet::Type => "type",
            Facet::Owner => "owner",
            Facet::Lifecycle => "lifecycle",
            Facet::Tag => "tag",
            Facet::Namespace => "namespace",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Facet::Kind => "Kind",
            Facet::Type => "Type",
            Facet::Owner => "Owner",
            Facet::Lifecycle => "Lifecycle",
            Facet::Tag => "Tags",
            Facet::Namespace => "Namespace",
        }
    }
}

/// A yes/no filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Toggle {
    Starred,
    Mine,
    Errors,
}

impl Toggle {
    pub const ALL: [Toggle; 3] = [Toggle::Starred, Toggle::Mine, Toggle::Errors];

    pub fn key(self) -> &'static str {
        match self {
            Toggle::Starred => "starred",
            Toggle::Mine => "mine",
            Toggle::Errors => "errors",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Toggle::Starred => "Starred",
            Toggle::Mine => "Owned by me",
            Toggle::Errors => "With processing errors",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CatalogFilters {
    pub text: String,
    /// Selected values per facet, lowercased (owners as full refs).
    pub facets: BTreeMap<&'static str, Vec<String>>,
    pub starred: bool,
    pub mine: bool,
    pub errors: bool,
    /// `None`: by relevance when searching, else by name.
    pub sort: Option<SortOrder>,
}

pub fn sort_key(field: SortField) -> &'static str {
    match field {
        SortField::Name => "name",
        SortField::Kind => "kind",
        SortField::Type => "type",
        SortField::Owner => "owner",
        SortField::Lifecycle => "lifecycle",
        SortField::System => "system",
        SortField::Namespace => "namespace",
    }
}

fn sort_field(key: &str) -> Option<SortField> {
    [
        SortField::Name,
        SortField::Kind,
        SortField::Type,
        SortField::Owner,
        SortField::Lifecycle,
        SortField::System,
        SortField::Namespace,
    ]
    .into_iter()
    .find(|f| sort_key(*f) == key)
}

impl CatalogFilters {
    /// Reads the filters from a location's query pairs; unknown keys and values are ignored.
    pub fn from_query(query: &BTreeMap<String, String>) -> Self {
        let mut filters = CatalogFilters {
            text: query.get("q").cloned().unwrap_or_default(),
            ..Default::default()
        };
        for facet in Facet::ALL {
            let values: Vec<String> = query
                .get(facet.key())
                .map(|v| {
                    v.split(',')
                        .map(|s| s.trim().to_lowercase())
                        .filter(|s| !s.is_empty())
                        .collect()
                })
                .unwrap_or_default();
            if !values.is_empty() {
                filters.facets.insert(facet.key(), values);
            }
        }
        let on = |key: &str| query.get(key).is_some_and(|v| v == "1" || v == "true");
        filters.starred = on("starred");
        filters.mine = on("mine");
        filters.errors = on("errors");
        filters.sort = query.get("sort").and_then(|s| {
            let (descending, key) = match s.strip_prefix('-') {
                Some(rest) => (true, rest),
                None => (false, s.as_str()),
            };
            sort_field(key).map(|field| SortOrder { field, descending })
        });
        filters
    }

    /// The catalog location showing these filters.
    pub fn location(&self) -> String {
        let joined: Vec<(&str, String)> =
            self.facets.iter().map(|(k, v)| (*k, v.join(","))).collect();
        let sort = self.sort.map(|s| {
            format!(
                "{}{}",
                if s.descending { "-" } else { "" },
                sort_key(s.field)
            )
        });
        // The text is kept as typed (a trailing space included): the search box reads it back.
        let text = if self.text.trim().is_empty() {
            ""
        } else {
            self.text.as_str()
        };
        let mut pairs: Vec<(&str, &str)> = vec![("q", text)];
        pairs.extend(joined.iter().map(|(k, v)| (*k, v.as_str())));
        for toggle in Toggle::ALL {
            pairs.push((toggle.key(), if self.toggle(toggle) { "1" } else { "" }));
        }
        pairs.push(("sort", sort.as_deref().unwrap_or_default()));
        format!("/catalog{}", build_query(pairs))
    }

    pub fn selected(&self, facet: Facet) -> &[String] {
        self.facets
            .get(facet.key())
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    pub fn is_selected(&self, facet: Facet, value: &str) -> bool {
        self.selected(facet)
            .iter()
            .any(|v| v.eq_ignore_ascii_case(value))
    }

    /// Selects `value` if it was not, else deselects it.
    pub fn flip(&self, facet: Facet, value: &str) -> Self {
        let mut next = self.clone();
        let value = value.to_lowercase();
        let list = next.facets.entry(facet.key()).or_default();
        if let Some(i) = list.iter().position(|v| *v == value) {
            list.remove(i);
        } else {
            list.push(value);
        }
        if list.is_empty() {
            next.facets.remove(facet.key());
        }
        next
    }

    pub fn without(&self, facet: Facet) -> Self {
        let mut next = self.clone();
        next.facets.remove(facet.key());
        next
    }

    pub fn toggle(&self, toggle: Toggle) -> bool {
        match toggle {
            Toggle::Starred => self.starred,
            Toggle::Mine => self.mine,
            Toggle::Errors => self.errors,
        }
    }

    pub fn with_toggle(&self, toggle: Toggle, on: bool) -> Self {
        let mut next = self.clone();
        match toggle {
            Toggle::Starred => next.starred = on,
            Toggle::Mine => next.mine = on,
            Toggle::Errors => next.errors = on,
        }
        next
    }

    /// Clicking a column header: ascending first, then descending, then back to the default.
    pub fn sorted_by(&self, field: SortField) -> Self {
        let sort = match self.sort {
            Some(s) if s.field == field && !s.descending => Some(SortOrder {
                field,
                descending: true,
            }),
            Some(s) if s.field == field => None,
            _ => Some(SortOrder {
                field,
                descending: false,
            }),
        };
        CatalogFilters {
            sort,
            ..self.clone()
        }
    }

    /// Whether anything narrows the catalog (the empty state differs).
    pub fn is_narrowed(&self) -> bool {
        !self.text.trim().is_empty()
            || !self.facets.is_empty()
            || self.starred
            || self.mine
            || self.errors
    }

    pub fn cleared(&self) -> Self {
        CatalogFilters {
            sort: self.sort,
            ..Default::default()
        }
    }

    /// The backend filter; `me` is the user ref from Settings ("owned by me" needs it).
    pub fn entity_filter(&self, me: Option<&str>) -> EntityFilter {
        let values = |facet: Facet| self.selected(facet).to_vec();
        EntityFilter {
            kinds: values(Facet::Kind),
            types: values(Facet::Type),
            namespaces: values(Facet::Namespace),
            owners: values(Facet::Owner),
            lifecycles: values(Facet::Lifecycle),
            tags: values(Facet::Tag),
            starred: self.starred,
            owned_by: if self.mine {
                me.map(str::to_string)
            } else {
                None
            },
            with_errors: self.errors,
            ..Default::default()
        }
    }

    /// The query for rows `offset..offset + limit`.
    pub fn query(&self, me: Option<&str>, offset: u64, limit: u32) -> EntityQuery {
        let text = self.text.trim();
        EntityQuery {
            filter: self.entity_filter(me),
            text: (!text.is_empty()).then(|| text.to_string()),
            order: if text.is_empty() {
                Some(self.sort.unwrap_or_default())
            } else {
                self.sort
            },
            cursor: None,
            limit,
            offset,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use backlot_plugin_api::routing::{parse_query, split_location};

    fn round_trip(f: &CatalogFilters) -> CatalogFilters {
        let location = f.location();
        CatalogFilters::from_query(&parse_query(split_location(&location).1))
    }

    #[test]
    fn filters_survive_the_query_string() {
        let f = CatalogFilters::default()
            .flip(Facet::Kind, "Component")
            .flip(Facet::Kind, "api")
            .flip(Facet::Owner, "group:default/team-a")
            .with_toggle(Toggle::Starred, true)
            .sorted_by(SortField::Owner)
            .sorted_by(SortField::Owner);
        let f = CatalogFilters {
            text: "pay ment".into(),
            ..f
        };
        assert_eq!(round_trip(&f), f);
        assert!(
            f.location().contains("kind=component%2Capi"),
            "{}",
            f.location()
        );
        assert!(f.location().contains("sort=-owner"));
        assert_eq!(CatalogFilters::default().location(), "/catalog");
    }

    #[test]
    fn flipping_twice_removes_the_filter() {
        let f = CatalogFilters::default()
            .flip(Facet::Tag, "java")
            .flip(Facet::Tag, "JAVA");
        assert!(f.facets.is_empty());
        assert!(!f.is_narrowed());
    }

    #[test]
    fn sort_cycles_ascending_descending_default() {
        let f = CatalogFilters::default().sorted_by(SortField::Kind);
        assert_eq!(
            f.sort,
            Some(SortOrder {
                field: SortField::Kind,
                descending: false
            })
        );
        let f = f.sorted_by(SortField::Kind);
        assert_eq!(
            f.sort,
            Some(SortOrder {
                field: SortField::Kind,
                descending: true
            })
        );
        assert_eq!(f.sorted_by(SortField::Kind).sort, None);
    }

    #[test]
    fn owned_by_me_needs_a_user_and_search_ranks_unless_sorted() {
        let f = CatalogFilters::default().with_toggle(Toggle::Mine, true);
        assert_eq!(f.entity_filter(None).owned_by, None);
        assert_eq!(
            f.entity_filter(Some("user:default/ada"))
                .owned_by
                .as_deref(),
            Some("user:default/ada")
        );
        let searching = CatalogFilters {
            text: "x".into(),
            ..Default::default()
        };
        assert_eq!(searching.query(None, 0, 10).order, None);
        assert_eq!(
            CatalogFilters::default().query(None, 100, 10).order,
            Some(SortOrder::default())
        );
        assert_eq!(CatalogFilters::default().query(None, 100, 10).offset, 100);
    }

    #[test]
    fn junk_in_the_query_string_is_ignored() {
        let q = parse_query("kind=,,&sort=-nonsense&starred=yes&q=%ZZ");
        let f = CatalogFilters::from_query(&q);
        assert!(f.facets.is_empty());
        assert_eq!(f.sort, None);
        assert!(!f.starred);
        assert_eq!(f.text, "%ZZ");
    }
}
