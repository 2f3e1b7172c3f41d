//! Listing and full-text search with cursor pagination.
//!
//! Relevance: FTS5's bm25 (name weighted highest, then title, tags, description). Ranking costs
//! time per matching row, so it is computed over at most `RANK_WINDOW` matches: exact for any
//! query matching fewer rows, and for broader queries over the name matches first (the rows
//! that would rank highest anyway), then the rest.

use backlot_model::query::{EntityPage, EntityQuery, EntitySummary, SortField};
use rusqlite::Row;
use rusqlite::types::Value as SqlValue;

use super::Store;
use super::filter::{Conditions, conditions};
use crate::error::{Result, StoreError};

const DEFAULT_LIMIT: u32 = 50;
const MAX_LIMIT: u32 = 1000;
/// Most matches ranked per query (see the module docs).
const RANK_WINDOW: usize = 5000;

/// Columns read for a summary, in the order `summary_from_row` expects.
pub(crate) const SUMMARY_COLUMNS: &str = "e.entity_ref, json_extract(e.json, '$.kind'), json_extract(e.json, '$.metadata.namespace'),
     json_extract(e.json, '$.metadata.name'), json_extract(e.json, '$.metadata.title'),
     json_extract(e.json, '$.metadata.description'), json_extract(e.json, '$.spec.type'),
     e.owner, json_extract(e.json, '$.spec.lifecycle'), e.system, json_extract(e.json, '$.metadata.tags')";

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
        tags: tags.and_then(|t| serde_json::from_str(&t).ok()).unwrap_or_default(),
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
    if text.len() % 2 != 0 {
        return Err(bad());
    }
    let bytes: Vec<u8> = (0..text.len())
        .step_by(2)
        .map(|i| text.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()))
        .collect::<Option<_>>()
        .ok_or_else(bad)?;
    let raw = String::from_utf8(bytes).map_err(|_| bad())?;
    if let Some(o) = raw.strip_prefix('o') {
        return o.parse().map(Cursor::Offset).map_err(|_| bad());
    }
    let (v, r) = raw.strip_prefix('k').and_then(|k| k.split_once('\u{1f}')).ok_or_else(bad)?;
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

impl Store {
    /// A page of entities matching `q`.
    pub fn query(&self, q: &EntityQuery) -> Result<EntityPage> {
        let limit = match q.limit {
            0 => DEFAULT_LIMIT,
            n => n.min(MAX_LIMIT),
        };
        let cursor = q.cursor.as_deref().filter(|c| !c.is_empty()).map(decode).transpose()?;
        let text = q.text.as_deref().and_then(fts_expression);
        let mut cond = conditions(&q.filter)?;
        match (text, q.order) {
            (Some(fts), None) => self.ranked(&fts, &cond, cursor, limit),
            (text, order) => {
                if let Some(fts) = text {
                    cond.push("e.id IN (SELECT rowid FROM entities_fts WHERE entities_fts MATCH ?)", [SqlValue::Text(fts)]);
                }
                self.sorted(&cond, order.unwrap_or_default(), cursor, limit)
            }
        }
    }

    fn count(&self, cond: &Conditions) -> Result<u64> {
        let sql = format!("SELECT count(*) FROM entities e WHERE {}", cond.clause());
        Ok(self.conn.prepare_cached(&sql)?.query_row(rusqlite::params_from_iter(&cond.params), |r| r.get(0))?)
    }

    fn sorted(&self, cond: &Conditions, order: backlot_model::query::SortOrder, cursor: Option<Cursor>, limit: u32) -> Result<EntityPage> {
        let total = self.count(cond)?;
        let expr = sort_expr(order.field);
        let (dir, cmp) = if order.descending { ("DESC", "<") } else { ("ASC", ">") };
        let mut params = cond.params.clone();
        let mut clause = cond.clause();
        match cursor {
            None => {}
            Some(Cursor::Key(v, r)) => {
                let id: i64 = r.parse().map_err(|_| StoreError::InvalidQuery("malformed cursor".into()))?;
                clause.push_str(&format!(" AND ({expr}, e.id) {cmp} (?, ?)"));
                params.push(SqlValue::Text(v));
                params.push(SqlValue::Integer(id));
            }
            Some(Cursor::Offset(_)) => return Err(StoreError::InvalidQuery("this cursor belongs to a ranked search".into())),
        }
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS}, {expr}, e.id FROM entities e WHERE {clause} ORDER BY {expr} {dir}, e.id {dir} LIMIT {}",
            limit + 1
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let mut rows = stmt.query(rusqlite::params_from_iter(&params))?;
        let mut items = Vec::new();
        let mut last_key = None;
        let mut more = false;
        while let Some(row) = rows.next()? {
            if items.len() == limit as usize {
                more = true;
                break;
            }
            last_key = Some((row.get::<_, String>(11)?, row.get::<_, i64>(12)?.to_string()));
            items.push(summary_from_row(row)?);
        }
        let next_cursor = if more { last_key.map(|(v, r)| encode(&Cursor::Key(v, r))) } else { None };
        Ok(EntityPage { items, total, next_cursor })
    }

    fn ranked(&self, fts: &str, cond: &Conditions, cursor: Option<Cursor>, limit: u32) -> Result<EntityPage> {
        let offset = match cursor {
            None => 0,
            Some(Cursor::Offset(o)) => o,
            Some(Cursor::Key(..)) => return Err(StoreError::InvalidQuery("this cursor belongs to a sorted listing".into())),
        };
        let filtered = !cond.sql.is_empty();
        let total: u64 = if filtered {
            let mut c = Conditions { sql: cond.sql.clone(), params: cond.params.clone() };
            c.push("e.id IN (SELECT rowid FROM entities_fts WHERE entities_fts MATCH ?)", [SqlValue::Text(fts.to_string())]);
            self.count(&c)?
        } else {
            self.conn
                .prepare_cached("SELECT count(*) FROM entities_fts WHERE entities_fts MATCH ?1")?
                .query_row([fts], |r| r.get(0))?
        };
        // Matches beyond the window are ranked only when the window is exhausted: first the
        // window over name matches, then over all matches.
        let window = if total as usize > RANK_WINDOW { format!("{{name}} : ({fts})") } else { fts.to_string() };
        let mut params = vec![SqlValue::Text(window)];
        params.extend(cond.params.iter().cloned());
        let sql = format!(
            "WITH m AS (SELECT rowid AS id, bm25(entities_fts, 10.0, 4.0, 1.0, 3.0) AS score
                        FROM entities_fts WHERE entities_fts MATCH ? LIMIT {RANK_WINDOW})
             SELECT {SUMMARY_COLUMNS} FROM m JOIN entities e ON e.id = m.id WHERE {}
             ORDER BY m.score, e.entity_ref LIMIT {} OFFSET {offset}",
            cond.clause(),
            limit + 1
        );
        let mut items: Vec<EntitySummary> = {
            let mut stmt = self.conn.prepare_cached(&sql)?;
            stmt.query_map(rusqlite::params_from_iter(&params), summary_from_row)?.collect::<rusqlite::Result<_>>()?
        };
        let ranked_rows = items.len();
        if total as usize > RANK_WINDOW && ranked_rows <= limit as usize {
            // Past the ranked name matches: continue with the remaining matches in stable order.
            let ranked_count: u64 = {
                let sql = format!(
                    "SELECT count(*) FROM (SELECT rowid AS id FROM entities_fts WHERE entities_fts MATCH ? LIMIT {RANK_WINDOW}) m
                     JOIN entities e ON e.id = m.id WHERE {}",
                    cond.clause()
                );
                let mut p = vec![SqlValue::Text(format!("{{name}} : ({fts})"))];
                p.extend(cond.params.iter().cloned());
                self.conn.prepare_cached(&sql)?.query_row(rusqlite::params_from_iter(&p), |r| r.get(0))?
            };
            let skip = (offset + ranked_rows as u64).saturating_sub(ranked_count);
            let want = limit as usize + 1 - ranked_rows;
            let sql = format!(
                "SELECT {SUMMARY_COLUMNS} FROM entities e
                 WHERE e.id IN (SELECT rowid FROM entities_fts WHERE entities_fts MATCH ? AND rowid NOT IN
                   (SELECT rowid FROM entities_fts WHERE entities_fts MATCH ? LIMIT {RANK_WINDOW}))
                   AND {} ORDER BY e.id LIMIT {want} OFFSET {skip}",
                cond.clause()
            );
            let mut p = vec![SqlValue::Text(fts.to_string()), SqlValue::Text(format!("{{name}} : ({fts})"))];
            p.extend(cond.params.iter().cloned());
            let mut stmt = self.conn.prepare_cached(&sql)?;
            let rest = stmt.query_map(rusqlite::params_from_iter(&p), summary_from_row)?;
            for r in rest {
                items.push(r?);
            }
        }
        let more = items.len() > limit as usize;
        items.truncate(limit as usize);
        let next_cursor = more.then(|| encode(&Cursor::Offset(offset + limit as u64)));
        Ok(EntityPage { items, total, next_cursor })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fts_expression_quotes_and_prefixes() {
        assert_eq!(fts_expression("Pay svc").as_deref(), Some("\"pay\"* \"svc\"*"));
        assert_eq!(fts_expression("payment-service").as_deref(), Some("\"payment\"* \"service\"*"));
        assert_eq!(fts_expression("c++ \"x\" OR").as_deref(), Some("\"c++\"* \"x\"* \"or\"*"));
        assert_eq!(fts_expression("  -- ").as_deref(), None);
    }

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        assert!(matches!(decode(&encode(&Cursor::Offset(50))).unwrap(), Cursor::Offset(50)));
        match decode(&encode(&Cursor::Key("a b".into(), "component:default/x".into()))).unwrap() {
            Cursor::Key(v, r) => assert_eq!((v.as_str(), r.as_str()), ("a b", "component:default/x")),
            Cursor::Offset(_) => panic!("wrong cursor"),
        }
        for bad in ["zz", "abc", "6f", "6f78", "ffff"] {
            assert!(decode(bad).is_err(), "{bad}");
        }
    }
}
