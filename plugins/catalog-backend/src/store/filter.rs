//! `EntityFilter` → SQL conditions on `entities e` (ANDed across fields, ORed within a list,
//! compared lowercased).

use backlot_model::entity_ref::{EntityRef, normalize_ref};
use backlot_model::query::EntityFilter;
use backlot_model::relations::RELATION_TYPES;
use rusqlite::types::Value as SqlValue;

use crate::error::{Result, StoreError};

#[derive(Debug, Default)]
pub(crate) struct Conditions {
    pub sql: Vec<String>,
    pub params: Vec<SqlValue>,
}

impl Conditions {
    /// ` AND `-joined conditions, or `1` when there are none.
    pub fn clause(&self) -> String {
        if self.sql.is_empty() {
            "1".to_string()
        } else {
            self.sql.join(" AND ")
        }
    }

    pub fn push(&mut self, sql: impl Into<String>, params: impl IntoIterator<Item = SqlValue>) {
        self.sql.push(sql.into());
        self.params.extend(params);
    }

    fn any_of(&mut self, column: &str, values: Vec<String>) {
        if values.is_empty() {
            return;
        }
        let marks = vec!["?"; values.len()].join(", ");
        self.push(
            format!("{column} IN ({marks})"),
            values.into_iter().map(SqlValue::Text),
        );
    }
}

fn lower(values: &[String]) -> Vec<String> {
    values
        .iter()
        .map(|v| v.trim().to_lowercase())
        .filter(|v| !v.is_empty())
        .collect()
}

fn refs(values: &[String], default_kind: &str) -> Result<Vec<String>> {
    values
        .iter()
        .filter(|v| !v.trim().is_empty())
        .map(|v| {
            normalize_ref(v, default_kind).map_err(|e| StoreError::InvalidQuery(e.to_string()))
        })
        .collect()
}

pub(crate) fn conditions(filter: &EntityFilter) -> Result<Conditions> {
    let mut c = Conditions::default();
    c.any_of("e.kind", lower(&filter.kinds));
    c.any_of("e.spec_type", lower(&filter.types));
    c.any_of("e.namespace", lower(&filter.namespaces));
    c.any_of("e.owner", refs(&filter.owners, "group")?);
    c.any_of("e.lifecycle", lower(&filter.lifecycles));
    c.any_of("e.system", refs(&filter.systems, "system")?);
    let tags = lower(&filter.tags);
    if !tags.is_empty() {
        let marks = vec!["?"; tags.len()].join(", ");
        c.push(
            format!("EXISTS (SELECT 1 FROM entity_tags t WHERE t.entity_id = e.id AND t.tag IN ({marks}))"),
            tags.into_iter().map(SqlValue::Text),
        );
    }
    if let Some(rel) = &filter.relation {
        let Some(rel_type) = RELATION_TYPES
            .iter()
            .find(|t| t.eq_ignore_ascii_case(rel.relation_type.trim()))
        else {
            return Err(StoreError::InvalidQuery(format!(
                "unknown relation type \"{}\"; known types are {}",
                rel.relation_type,
                RELATION_TYPES.join(", ")
            )));
        };
        let target = EntityRef::parse(rel.target_ref.trim(), None, "default")
            .map_err(|e| StoreError::InvalidQuery(e.to_string()))?
            .key();
        let inverse = backlot_model::relations::inverse(rel_type).unwrap_or(rel_type);
        // Stated by this entity, or stated (inversely) by the target.
        c.push(
            "(EXISTS (SELECT 1 FROM relations r WHERE r.originating_id = e.id AND r.type = ? AND r.target_ref = ?)
              OR EXISTS (SELECT 1 FROM relations r WHERE r.originating_id = (SELECT id FROM entities WHERE entity_ref = ?)
                         AND r.type = ? AND r.target_ref = e.entity_ref))",
            [
                SqlValue::Text((*rel_type).to_string()),
                SqlValue::Text(target.clone()),
                SqlValue::Text(target),
                SqlValue::Text(inverse.to_string()),
            ],
        );
    }
    if filter.starred {
        c.push("e.entity_ref IN (SELECT entity_ref FROM stars)", []);
    }
    if let Some(user) = filter.owned_by.as_deref().filter(|u| !u.trim().is_empty()) {
        let user = EntityRef::parse(user.trim(), Some("user"), "default")
            .map_err(|e| StoreError::InvalidQuery(e.to_string()))?
            .key();
        // The user, the groups the user's spec names, and the groups whose members list the user.
        c.push(
            "(e.owner = ?
              OR e.owner IN (SELECT r.target_ref FROM relations r JOIN entities u ON u.id = r.originating_id
                             WHERE u.entity_ref = ? AND r.type = 'memberOf')
              OR e.owner IN (SELECT g.entity_ref FROM relations r JOIN entities g ON g.id = r.originating_id
                             WHERE r.type = 'hasMember' AND r.target_ref = ?))",
            [SqlValue::Text(user.clone()), SqlValue::Text(user.clone()), SqlValue::Text(user)],
        );
    }
    if filter.with_errors {
        c.push("e.source_file IN (SELECT file FROM ingest_errors)", []);
    }
    Ok(c)
}
