//! Facet counts (kind, type, owner, lifecycle, tag, namespace).
//!
//! The whole catalog and kind-only selections (the catalog page's usual views) read the
//! per-kind counts precomputed at ingestion; any other filter counts the matching rows in one
//! pass.

use std::collections::{BTreeMap, HashMap};

use backlot_model::query::{EntityFilter, FacetCount, Facets};
use rusqlite::types::Value as SqlValue;

use super::Store;
use super::filter::conditions;
use crate::error::Result;

/// Facet names, in the order of the columns read by the one-pass count.
const FACETS: [&str; 5] = ["kind", "type", "owner", "lifecycle", "namespace"];

/// Most values returned per facet.
const MAX_VALUES: usize = 500;

fn finish(counts: HashMap<&'static str, HashMap<String, u64>>) -> Facets {
    let mut facets = BTreeMap::new();
    for name in FACETS.iter().chain(&["tag"]) {
        let mut values: Vec<FacetCount> = counts
            .get(name)
            .map(|m| {
                m.iter()
                    .map(|(value, count)| FacetCount {
                        value: value.clone(),
                        count: *count,
                    })
                    .collect()
            })
            .unwrap_or_default();
        values.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
        values.truncate(MAX_VALUES);
        facets.insert((*name).to_string(), values);
    }
    Facets { facets }
}

fn facet_name(name: &str) -> Option<&'static str> {
    FACETS.iter().chain(&["tag"]).find(|f| **f == name).copied()
}

impl Store {
    pub fn facets(&self, filter: &EntityFilter) -> Result<Facets> {
        self.snapshot(|| self.facets_now(filter))
    }

    fn facets_now(&self, filter: &EntityFilter) -> Result<Facets> {
        let kinds_only = EntityFilter {
            kinds: Vec::new(),
            ..filter.clone()
        } == EntityFilter::default();
        let mut counts: HashMap<&'static str, HashMap<String, u64>> = HashMap::new();
        if kinds_only {
            let kinds: Vec<String> = filter
                .kinds
                .iter()
                .map(|k| k.trim().to_lowercase())
                .collect();
            let (clause, params): (String, Vec<SqlValue>) = if kinds.is_empty() {
                ("1".into(), Vec::new())
            } else {
                (
                    format!("kind IN ({})", vec!["?"; kinds.len()].join(", ")),
                    kinds.into_iter().map(SqlValue::Text).collect(),
                )
            };
            let sql = format!(
                "SELECT facet, value, sum(count) FROM facet_counts WHERE {clause} GROUP BY facet, value"
            );
            let mut stmt = self.conn.prepare_cached(&sql)?;
            let rows = stmt.query_map(rusqlite::params_from_iter(params), |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, u64>(2)?,
                ))
            })?;
            for row in rows {
                let (facet, value, count) = row?;
                if let Some(name) = facet_name(&facet) {
                    counts.entry(name).or_default().insert(value, count);
                }
            }
            return Ok(finish(counts));
        }
        let cond = conditions(filter)?;
        let sql = format!(
            "SELECT e.kind, e.spec_type, e.owner, e.lifecycle, e.namespace FROM entities e WHERE {}",
            cond.clause()
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let mut rows = stmt.query(rusqlite::params_from_iter(&cond.params))?;
        while let Some(row) = rows.next()? {
            for (i, name) in FACETS.iter().enumerate() {
                if let Some(value) = row.get_ref(i)?.as_str_or_null().ok().flatten() {
                    let map = counts.entry(name).or_default();
                    match map.get_mut(value) {
                        Some(n) => *n += 1,
                        None => {
                            map.insert(value.to_string(), 1);
                        }
                    }
                }
            }
        }
        let sql = format!(
            "SELECT t.tag, count(*) FROM entity_tags t JOIN entities e ON e.id = t.entity_id WHERE {} GROUP BY t.tag",
            cond.clause()
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let tags = stmt.query_map(rusqlite::params_from_iter(&cond.params), |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, u64>(1)?))
        })?;
        let map = counts.entry("tag").or_default();
        for t in tags {
            let (tag, n) = t?;
            map.insert(tag, n);
        }
        Ok(finish(counts))
    }
}
