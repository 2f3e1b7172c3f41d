//! Facet counts (kind, type, owner, lifecycle, tag, namespace). The unfiltered catalog reads the
//! precomputed `facet_counts`; a filtered one counts over the matching rows.

use std::collections::BTreeMap;

use backlot_model::query::{EntityFilter, FacetCount, Facets};

use super::Store;
use super::filter::{conditions, is_empty};
use crate::error::Result;

/// Facet name → column of `entities e`.
const FACETS: [(&str, &str); 5] =
    [("kind", "e.kind"), ("type", "e.spec_type"), ("owner", "e.owner"), ("lifecycle", "e.lifecycle"), ("namespace", "e.namespace")];

/// Most values returned per facet.
const MAX_VALUES: usize = 500;

impl Store {
    pub fn facets(&self, filter: &EntityFilter) -> Result<Facets> {
        let mut facets: BTreeMap<String, Vec<FacetCount>> = BTreeMap::new();
        for name in FACETS.iter().map(|f| f.0).chain(["tag"]) {
            facets.insert(name.to_string(), Vec::new());
        }
        if is_empty(filter) {
            let mut stmt = self.conn.prepare_cached(&format!(
                "SELECT facet, value, count FROM facet_counts ORDER BY facet, count DESC, value"
            ))?;
            let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, u64>(2)?)))?;
            for row in rows {
                let (facet, value, count) = row?;
                let list = facets.entry(facet).or_default();
                if list.len() < MAX_VALUES {
                    list.push(FacetCount { value, count });
                }
            }
            return Ok(Facets { facets });
        }
        let cond = conditions(filter)?;
        let params = rusqlite::params_from_iter(&cond.params);
        for (name, column) in FACETS {
            let sql = format!(
                "SELECT {column}, count(*) AS n FROM entities e WHERE {} AND {column} IS NOT NULL
                 GROUP BY {column} ORDER BY n DESC, {column} LIMIT {MAX_VALUES}",
                cond.clause()
            );
            let mut stmt = self.conn.prepare_cached(&sql)?;
            let values = stmt
                .query_map(params.clone(), |r| Ok(FacetCount { value: r.get(0)?, count: r.get(1)? }))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            facets.insert(name.to_string(), values);
        }
        let sql = format!(
            "SELECT t.tag, count(*) AS n FROM entity_tags t JOIN entities e ON e.id = t.entity_id WHERE {}
             GROUP BY t.tag ORDER BY n DESC, t.tag LIMIT {MAX_VALUES}",
            cond.clause()
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let tags = stmt
            .query_map(params, |r| Ok(FacetCount { value: r.get(0)?, count: r.get(1)? }))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        facets.insert("tag".to_string(), tags);
        Ok(Facets { facets })
    }
}
