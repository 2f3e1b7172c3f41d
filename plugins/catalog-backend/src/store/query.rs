//! Listing and full-text search with cursor pagination.
//!
//! Relevance: FTS5's bm25 (name weighted highest, then title, tags, description). Ranking costs
//! time per matching row, so it is computed over at most `RANK_WINDOW` matches: exact for any
//! query matching fewer rows; for broader queries the name matches are ranked first (they
//! outrank the rest) and the remaining matches follow in index order. Pages are chosen on ids
//! first and only the page's rows are read.

use std::collections::{HashMap, HashSet};

use backlot_model::query::{
    EntityFilter, EntityPage, EntityQuery, EntitySummary, SortField, SortOrder,
};
use rusqlite::Row;
use rusqlite::types::Value as SqlValue;

use super::filter::{Conditions, conditions};
use super::{FTS_VISIBLE, Store};
use crate::error::{Result, StoreError};

const DEFAULT_LIMIT: u32 = 50;
const MAX_LIMIT: u32 = 1000;
/// Most matches ranked per query (see the module docs).
const RANK_WINDOW: usize = 5000;
/// Text matches from which a name-ordered page walks the name index instead of sorting.
const WALK_MIN_MATCHES: u64 = 5000;

/// The tables `SUMMARY_COLUMNS` read from.
pub(crate) const SUMMARY_FROM: &str = "entities e JOIN entity_docs d ON d.id = e.id";

/// Columns read for a summary, in the order `summary_from_row` expects.
pub(crate) const SUMMARY_COLUMNS: &str = "e.entity_ref, json_extract(d.json, '$.kind'), json_extract(d.json, '$.metadata.namespace'),
     json_extract(d.json, '$.metadata.name'), json_extract(d.json, '$.metadata.title'),
     json_extract(d.json, '$.metadata.description'), json_extract(d.json, '$.spec.type'),
     e.owner, json_extract(d.json, '$.spec.lifecycle'), e.system, json_extract(d.json, '$.metadata.tags')";

pub(crate) fn summary_from_row(row: &Row) -> rusqlite::Result<EntitySummary> {
    let tags: Option<String> = row.get(10)?;
    let text = |i: usize| -> rusqlite::Result<Option<String>> {
        Ok(match row.get::<_, SqlValue>(i)? {
            SqlValue::Text(s) => Some(s),
            SqlValue::Integer(n) => Some(n.to_string()),
            SqlValue::Real(f) => Some(f.to_string()),
            _ => None,
        })
    };
    Ok(EntitySummary {
        entity_ref: row.get(0)?,
        kind: row.get(1)?,
        namespace: row.get(2)?,
        name: row.get(3)?,
        title: row.get(4)?,
        description: row.get(5)?,
        spec_type: text(6)?,
        owner: row.get(7)?,
        lifecycle: text(8)?,
        system: row.get(9)?,
        tags: tags
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or_default(),
    })
}

/// Turns typed text into an FTS5 query: every word must match, each as a prefix.
pub(crate) fn fts_expression(text: &str) -> Option<String> {
    let terms: Vec<String> = text
        .split(|c: char| !(c.is_alphanumeric() || c == '+' || c == '#'))
        .filter(|t| !t.is_empty())
        .take(16)
        .map(|t| format!("\"{}\"*", t.to_lowercase()))
        .collect();
    (!terms.is_empty()).then(|| terms.join(" "))
}

enum Cursor {
    Offset(u64),
    Key(String, String),
}

fn encode(cursor: &Cursor) -> String {
    let raw = match cursor {
        Cursor::Offset(o) => format!("o{o}"),
        Cursor::Key(v, r) => format!("k{v}\u{1f}{r}"),
    };
    raw.bytes().map(|b| format!("{b:02x}")).collect()
}

fn decode(text: &str) -> Result<Cursor> {
    let bad = || StoreError::InvalidQuery("the cursor is not one this store issued".into());
    if !text.len().is_multiple_of(2) {
        return Err(bad());
    }
    let bytes: Vec<u8> = (0..text.len())
        .step_by(2)
        .map(|i| {
            text.get(i..i + 2)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        })
        .collect::<Option<_>>()
        .ok_or_else(bad)?;
    let raw = String::from_utf8(bytes).map_err(|_| bad())?;
    if let Some(o) = raw.strip_prefix('o') {
        return o.parse().map(Cursor::Offset).map_err(|_| bad());
    }
    let (v, r) = raw
        .strip_prefix('k')
        .and_then(|k| k.split_once('\u{1f}'))
        .ok_or_else(bad)?;
    Ok(Cursor::Key(v.to_string(), r.to_string()))
}

fn sort_expr(field: SortField) -> &'static str {
    match field {
        SortField::Name => "e.name",
        SortField::Kind => "e.kind",
        SortField::Type => "coalesce(e.spec_type, '')",
        SortField::Owner => "coalesce(e.owner, '')",
        SortField::Lifecycle => "coalesce(e.lifecycle, '')",
        SortField::System => "coalesce(e.system, '')",
        SortField::Namespace => "e.namespace",
    }
}

/// Restricts an FTS expression to entities of the given (lowercased) kinds, using the `kind`
/// column of the full-text index (cheaper than joining `entities` for the most common filter).
fn with_kinds(fts: &str, kinds: &[String]) -> String {
    let text = fts.to_string();
    if kinds.is_empty() {
        return text;
    }
    let kinds: Vec<String> = kinds
        .iter()
        .map(|k| format!("\"{}\"", k.replace('"', "")))
        .collect();
    format!("({{kind}} : ({})) AND ({text})", kinds.join(" OR "))
}

/// Which full-text index a ranking reads.
#[derive(Clone, Copy)]
enum Index {
    All,
    Names,
}

impl Store {
    /// A page of entities matching `q`.
    pub fn query(&self, q: &EntityQuery) -> Result<EntityPage> {
        self.snapshot(|| self.query_now(q))
    }

    fn query_now(&self, q: &EntityQuery) -> Result<EntityPage> {
        let limit = match q.limit {
            0 => DEFAULT_LIMIT,
            n => n.min(MAX_LIMIT),
        };
        let cursor = q
            .cursor
            .as_deref()
            .filter(|c| !c.is_empty())
            .map(decode)
            .transpose()?;
        let text = q.text.as_deref().and_then(fts_expression);
        match (text, q.order) {
            (Some(fts), None) => {
                // A ranked search pages by offset anyway: `offset` is its first cursor.
                let cursor = cursor.or((q.offset > 0).then_some(Cursor::Offset(q.offset)));
                // Kinds are matched inside the full-text index; the other filters join.
                let kinds: Vec<String> = q
                    .filter
                    .kinds
                    .iter()
                    .map(|k| k.trim().to_lowercase())
                    .filter(|k| !k.is_empty())
                    .collect();
                let rest = EntityFilter {
                    kinds: Vec::new(),
                    ..q.filter.clone()
                };
                let cond = conditions(&rest)?;
                self.ranked(&fts, &kinds, &cond, cursor, limit)
            }
            (text, order) => {
                let mut cond = conditions(&q.filter)?;
                // Counting through the index is much cheaper than through `IN (…)`.
                let known_total = match &text {
                    Some(fts) if cond.sql.is_empty() => Some(self.match_count(fts, &cond)?),
                    _ => None,
                };
                let order = order.unwrap_or_default();
                if let (Some(fts), Some(total)) = (&text, known_total)
                    && order.field == SortField::Name
                    && total > WALK_MIN_MATCHES
                {
                    return self.walk_names(fts, total, order.descending, cursor, q.offset, limit);
                }
                if let Some(fts) = text {
                    cond.push(
                        "e.id IN (SELECT rowid FROM entities_fts WHERE entities_fts MATCH ?)",
                        [SqlValue::Text(fts)],
                    );
                }
                self.sorted(&cond, order, cursor, q.offset, limit, known_total)
            }
        }
    }

    /// A name-ordered page of a broad text match: the matching ids are collected from the
    /// full-text index (cheap), then the name index is walked in order and stops as soon as the
    /// page is full, instead of sorting every match.
    fn walk_names(
        &self,
        fts: &str,
        total: u64,
        descending: bool,
        cursor: Option<Cursor>,
        offset: u64,
        limit: u32,
    ) -> Result<EntityPage> {
        let mut skip = if cursor.is_none() { offset } else { 0 };
        let matches: HashSet<i64> = {
            let mut stmt = self.conn.prepare_cached(&format!(
                "SELECT rowid FROM entities_fts WHERE entities_fts MATCH ?1 AND {FTS_VISIBLE}"
            ))?;
            stmt.query_map([fts], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?
        };
        let (dir, cmp) = if descending {
            ("DESC", "<")
        } else {
            ("ASC", ">")
        };
        let (clause, params) = match cursor {
            None => ("1".to_string(), Vec::new()),
            Some(Cursor::Key(v, r)) => {
                let id: i64 = r
                    .parse()
                    .map_err(|_| StoreError::InvalidQuery("malformed cursor".into()))?;
                (
                    format!("(name, id) {cmp} (?, ?)"),
                    vec![SqlValue::Text(v), SqlValue::Integer(id)],
                )
            }
            Some(Cursor::Offset(_)) => {
                return Err(StoreError::InvalidQuery(
                    "this cursor belongs to a ranked search".into(),
                ));
            }
        };
        let sql = format!(
            "SELECT id, name FROM entities INDEXED BY entities_name WHERE {clause} ORDER BY name {dir}, id {dir}"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let mut rows = stmt.query(rusqlite::params_from_iter(&params))?;
        let mut keys: Vec<(i64, String)> = Vec::new();
        while let Some(row) = rows.next()? {
            let id: i64 = row.get(0)?;
            if matches.contains(&id) {
                if skip > 0 {
                    skip -= 1;
                    continue;
                }
                keys.push((id, row.get(1)?));
                if keys.len() > limit as usize {
                    break;
                }
            }
        }
        let more = keys.len() > limit as usize;
        keys.truncate(limit as usize);
        let next_cursor = if more {
            keys.last()
                .map(|(id, v)| encode(&Cursor::Key(v.clone(), id.to_string())))
        } else {
            None
        };
        let ids: Vec<i64> = keys.iter().map(|k| k.0).collect();
        Ok(EntityPage {
            items: self.summaries(&ids)?,
            total,
            next_cursor,
        })
    }

    fn count(&self, cond: &Conditions) -> Result<u64> {
        let sql = format!("SELECT count(*) FROM entities e WHERE {}", cond.clause());
        Ok(self
            .conn
            .prepare_cached(&sql)?
            .query_row(rusqlite::params_from_iter(&cond.params), |r| r.get(0))?)
    }

    /// Summaries of `ids`, in that order (the page is chosen first, then only its rows are read).
    fn summaries(&self, ids: &[i64]) -> Result<Vec<EntitySummary>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let marks = vec!["?"; ids.len()].join(", ");
        let sql =
            format!("SELECT {SUMMARY_COLUMNS}, e.id FROM {SUMMARY_FROM} WHERE e.id IN ({marks})");
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let mut rows = stmt.query(rusqlite::params_from_iter(ids))?;
        let mut by_id = HashMap::with_capacity(ids.len());
        while let Some(row) = rows.next()? {
            by_id.insert(row.get::<_, i64>(11)?, summary_from_row(row)?);
        }
        Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
    }

    fn sorted(
        &self,
        cond: &Conditions,
        order: SortOrder,
        cursor: Option<Cursor>,
        offset: u64,
        limit: u32,
        known_total: Option<u64>,
    ) -> Result<EntityPage> {
        let total = match known_total {
            Some(t) => t,
            None => self.count(cond)?,
        };
        let expr = sort_expr(order.field);
        let (dir, cmp) = if order.descending {
            ("DESC", "<")
        } else {
            ("ASC", ">")
        };
        let mut params = cond.params.clone();
        let mut clause = cond.clause();
        let skip = if cursor.is_none() { offset } else { 0 };
        match cursor {
            None => {}
            Some(Cursor::Key(v, r)) => {
                let id: i64 = r
                    .parse()
                    .map_err(|_| StoreError::InvalidQuery("malformed cursor".into()))?;
                clause.push_str(&format!(" AND ({expr}, e.id) {cmp} (?, ?)"));
                params.push(SqlValue::Text(v));
                params.push(SqlValue::Integer(id));
            }
            Some(Cursor::Offset(_)) => {
                return Err(StoreError::InvalidQuery(
                    "this cursor belongs to a ranked search".into(),
                ));
            }
        }
        let sql = format!(
            "SELECT e.id, {expr} FROM entities e WHERE {clause} ORDER BY {expr} {dir}, e.id {dir} LIMIT {} OFFSET {skip}",
            limit + 1
        );
        let mut keys: Vec<(i64, String)> = {
            let mut stmt = self.conn.prepare_cached(&sql)?;
            stmt.query_map(rusqlite::params_from_iter(&params), |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?
            .collect::<rusqlite::Result<_>>()?
        };
        let more = keys.len() > limit as usize;
        keys.truncate(limit as usize);
        let next_cursor = if more {
            keys.last()
                .map(|(id, v)| encode(&Cursor::Key(v.clone(), id.to_string())))
        } else {
            None
        };
        let ids: Vec<i64> = keys.iter().map(|k| k.0).collect();
        Ok(EntityPage {
            items: self.summaries(&ids)?,
            total,
            next_cursor,
        })
    }

    /// Ids of matches of `fts` (and `cond`), best first, `skip`/`take` within the ranked window.
    fn ranked_ids(
        &self,
        index: Index,
        fts: &str,
        cond: &Conditions,
        skip: u64,
        take: usize,
    ) -> Result<Vec<i64>> {
        let join = if cond.sql.is_empty() {
            String::new()
        } else {
            "JOIN entities e ON e.id = m.id".to_string()
        };
        let (table, weights) = match index {
            Index::All => ("entities_fts", "10.0, 4.0, 1.0, 3.0, 0.0"),
            Index::Names => ("entity_names_fts", "1.0, 0.0"),
        };
        let sql = format!(
            "SELECT m.id FROM (SELECT rowid AS id, bm25({table}, {weights}) AS score
                              FROM {table} WHERE {table} MATCH ? AND {FTS_VISIBLE} LIMIT {RANK_WINDOW}) m
             {join} WHERE {} ORDER BY m.score, m.id LIMIT {take} OFFSET {skip}",
            cond.clause()
        );
        let mut params = vec![SqlValue::Text(fts.to_string())];
        params.extend(cond.params.iter().cloned());
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let ids = stmt
            .query_map(rusqlite::params_from_iter(&params), |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(ids)
    }

    fn match_count(&self, fts: &str, cond: &Conditions) -> Result<u64> {
        if cond.sql.is_empty() {
            return Ok(self
                .conn
                .prepare_cached(&format!(
                    "SELECT count(*) FROM entities_fts WHERE entities_fts MATCH ?1 AND {FTS_VISIBLE}"
                ))?
                .query_row([fts], |r| r.get(0))?);
        }
        let mut c = Conditions {
            sql: cond.sql.clone(),
            params: cond.params.clone(),
        };
        c.push(
            "e.id IN (SELECT rowid FROM entities_fts WHERE entities_fts MATCH ?)",
            [SqlValue::Text(fts.to_string())],
        );
        self.count(&c)
    }

    fn ranked(
        &self,
        text: &str,
        kinds: &[String],
        cond: &Conditions,
        cursor: Option<Cursor>,
        limit: u32,
    ) -> Result<EntityPage> {
        let fts = &with_kinds(text, kinds);
        let offset = match cursor {
            None => 0,
            Some(Cursor::Offset(o)) => o,
            Some(Cursor::Key(..)) => {
                return Err(StoreError::InvalidQuery(
                    "this cursor belongs to a sorted listing".into(),
                ));
            }
        };
        let total = self.match_count(fts, cond)?;
        let want = limit as usize + 1;
        let mut ids = if total as usize <= RANK_WINDOW {
            // Small enough to rank every match.
            self.ranked_ids(Index::All, fts, cond, offset, want)?
        } else {
            // Broad query: rank the name matches (which outrank the rest), then continue with
            // the remaining matches in index order.
            let names = with_kinds(text, kinds);
            let mut ids = self.ranked_ids(Index::Names, &names, cond, offset, want)?;
            if ids.len() < want {
                let join = if cond.sql.is_empty() {
                    String::new()
                } else {
                    "JOIN entities e ON e.id = m.id".to_string()
                };
                let ranked_total: u64 = {
                    let sql = format!(
                        "SELECT count(*) FROM (SELECT rowid AS id FROM entity_names_fts WHERE entity_names_fts MATCH ? AND {FTS_VISIBLE}
                         LIMIT {RANK_WINDOW}) m {join} WHERE {}",
                        cond.clause()
                    );
                    let mut p = vec![SqlValue::Text(names.clone())];
                    p.extend(cond.params.iter().cloned());
                    self.conn
                        .prepare_cached(&sql)?
                        .query_row(rusqlite::params_from_iter(&p), |r| r.get(0))?
                };
                let skip = (offset + ids.len() as u64).saturating_sub(ranked_total);
                let rest_take = want - ids.len();
                // The full-text index yields rowids in order, so this stops after the page.
                let sql = format!(
                    "SELECT m.id FROM (SELECT rowid AS id FROM entities_fts WHERE entities_fts MATCH ? AND {FTS_VISIBLE}
                       AND rowid NOT IN (SELECT rowid FROM entity_names_fts WHERE entity_names_fts MATCH ?
                       AND {FTS_VISIBLE} LIMIT {RANK_WINDOW})) m
                     {join} WHERE {} ORDER BY m.id LIMIT {rest_take} OFFSET {skip}",
                    cond.clause()
                );
                let mut p = vec![SqlValue::Text(fts.to_string()), SqlValue::Text(names)];
                p.extend(cond.params.iter().cloned());
                let mut stmt = self.conn.prepare_cached(&sql)?;
                for id in stmt.query_map(rusqlite::params_from_iter(&p), |r| r.get::<_, i64>(0))? {
                    ids.push(id?);
                }
            }
            ids
        };
        let more = ids.len() > limit as usize;
        ids.truncate(limit as usize);
        let next_cursor = more.then(|| encode(&Cursor::Offset(offset + limit as u64)));
        Ok(EntityPage {
            items: self.summaries(&ids)?,
            total,
            next_cursor,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fts_expression_quotes_and_prefixes() {
        assert_eq!(
            fts_expression("Pay svc").as_deref(),
            Some("\"pay\"* \"svc\"*")
        );
        assert_eq!(
            fts_expression("payment-service").as_deref(),
            Some("\"payment\"* \"service\"*")
        );
        assert_eq!(
            fts_expression("c++ \"x\" OR").as_deref(),
            Some("\"c++\"* \"x\"* \"or\"*")
        );
        assert_eq!(fts_expression("  -- ").as_deref(), None);
    }

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        assert!(matches!(
            decode(&encode(&Cursor::Offset(50))).unwrap(),
            Cursor::Offset(50)
        ));
        match decode(&encode(&Cursor::Key(
            "a b".into(),
            "component:default/x".into(),
        )))
        .unwrap()
        {
            Cursor::Key(v, r) => {
                assert_eq!((v.as_str(), r.as_str()), ("a b", "component:default/x"))
            }
            Cursor::Offset(_) => panic!("wrong cursor"),
        }
        for bad in ["zz", "abc", "6f", "6f78", "ffff"] {
            assert!(decode(bad).is_err(), "{bad}");
        }
    }
}
