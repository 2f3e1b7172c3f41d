//! The search index (schema v4): documents of docs pages, API operations and plugins' types
//! in scopes replaced whole (one per entity and type), and one search over them and the
//! entities (searched in place through `entities_fts`), ranked together by bm25 with field
//! weights, boosted for starred and recently visited entities, with a typo-tolerant retry.

use std::collections::HashMap;

use backlot_model::search::{
    COUNT_CAP, MARK_END, MARK_START, Search, SearchHit, SearchResults, TYPE_ENTITY, TypeCount,
};
use rusqlite::params;

use super::{FTS_VISIBLE, Store};
use crate::error::Result;

/// One document to index.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IndexDoc {
    pub location: String,
    pub title: String,
    pub subtitle: Option<String>,
    pub headings: String,
    pub text: String,
    pub entity_ref: Option<String>,
}

/// Hits of each type considered before paging.
const WINDOW: u32 = 300;
/// Entity-name matches considered besides.
const NAME_WINDOW: u32 = 50;
/// Docs title and heading matches ranked whole.
const TITLE_WINDOW: u32 = 100;

/// A ranked hit before its details are read.
enum Candidate {
    Entity(i64),
    Doc(i64, String),
}
/// A starred entity (or its docs/API) ranks as if it matched this much better.
const STAR_BOOST: f64 = 1.6;
const RECENT_BOOST: f64 = 1.25;

impl Store {
    /// The stamps of the indexed scopes of `doc_type`: scope → stamp.
    pub fn search_stamps(&self, doc_type: &str) -> Result<HashMap<String, String>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT scope, stamp FROM search_scopes WHERE doc_type = ?1")?;
        let rows = stmt.query_map([doc_type], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Replaces the documents of one scope (in one transaction).
    pub fn replace_search_scope(
        &self,
        doc_type: &str,
        scope: &str,
        stamp: &str,
        docs: &[IndexDoc],
    ) -> Result<()> {
        let tx = self.conn.unchecked_transaction()?;
        self.write_scope(doc_type, scope, stamp, docs)?;
        tx.commit()?;
        Ok(())
    }

    /// One scope's documents replaced, inside the caller's transaction.
    fn write_scope(
        &self,
        doc_type: &str,
        scope: &str,
        stamp: &str,
        docs: &[IndexDoc],
    ) -> Result<()> {
        self.delete_scope_docs(doc_type, scope)?;
        {
            let mut doc = self.conn.prepare_cached(
                "INSERT INTO search_docs (doc_type, scope, location, title, subtitle, entity_ref)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            let mut fts = self.conn.prepare_cached(
                "INSERT INTO search_fts (rowid, title, headings, text) VALUES (?1, ?2, ?3, ?4)",
            )?;
            for d in docs {
                doc.execute(params![
                    doc_type,
                    scope,
                    d.location,
                    d.title,
                    d.subtitle,
                    d.entity_ref
                ])?;
                let id = self.conn.last_insert_rowid();
                fts.execute(params![id, d.title, d.headings, d.text])?;
            }
        }
        self.conn.execute(
            "INSERT INTO search_scopes (doc_type, scope, stamp) VALUES (?1, ?2, ?3)
             ON CONFLICT (doc_type, scope) DO UPDATE SET stamp = excluded.stamp",
            params![doc_type, scope, stamp],
        )?;
        Ok(())
    }

    /// Removes one scope and its documents.
    pub fn remove_search_scope(&self, doc_type: &str, scope: &str) -> Result<()> {
        self.remove_search_scopes(doc_type, &[scope.to_string()])
    }

    /// Removes scopes and their documents, in one transaction.
    pub fn remove_search_scopes(&self, doc_type: &str, scopes: &[String]) -> Result<()> {
        if scopes.is_empty() {
            return Ok(());
        }
        let tx = self.conn.unchecked_transaction()?;
        for scope in scopes {
            self.delete_scope_docs(doc_type, scope)?;
            self.conn
                .prepare_cached("DELETE FROM search_scopes WHERE doc_type = ?1 AND scope = ?2")?
                .execute(params![doc_type, scope])?;
        }
        tx.commit()?;
        Ok(())
    }

    fn delete_scope_docs(&self, doc_type: &str, scope: &str) -> Result<()> {
        self.conn.execute(
            "DELETE FROM search_fts WHERE rowid IN
               (SELECT id FROM search_docs WHERE doc_type = ?1 AND scope = ?2)",
            params![doc_type, scope],
        )?;
        self.conn.execute(
            "DELETE FROM search_docs WHERE doc_type = ?1 AND scope = ?2",
            params![doc_type, scope],
        )?;
        Ok(())
    }

    /// Forgets every indexed document (a full rebuild follows).
    pub fn clear_search_index(&self) -> Result<()> {
        self.conn.execute_batch(
            "BEGIN; DELETE FROM search_fts; DELETE FROM search_docs; DELETE FROM search_scopes; COMMIT;",
        )?;
        Ok(())
    }

    /// A number that grows with every write that changes the catalog (an ingest that
    /// added, updated or removed, a sync that changed something, a refresh): one row read.
    pub fn catalog_version(&self) -> Result<u64> {
        Ok(self
            .conn
            .prepare_cached("SELECT n FROM catalog_version WHERE id = 1")?
            .query_row([], |r| r.get(0))?)
    }

    /// Replaces the documents of several scopes in one transaction.
    pub fn replace_search_scopes(
        &self,
        doc_type: &str,
        scopes: &[(String, String, Vec<IndexDoc>)],
    ) -> Result<()> {
        let tx = self.conn.unchecked_transaction()?;
        for (scope, stamp, docs) in scopes {
            self.write_scope(doc_type, scope, stamp, docs)?;
        }
        tx.commit()?;
        Ok(())
    }

    pub fn search_document_count(&self) -> Result<u64> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM search_docs", [], |r| r.get(0))?)
    }

    /// Searches entities and indexed documents: the page `q.offset..q.offset+q.limit` of
    /// the hits of `q.types` (all when empty), best first.
    pub fn search(&self, q: &Search) -> Result<SearchResults> {
        self.snapshot(|| {
            let Some(expr) = super::query::fts_expression(&q.query) else {
                return Ok(SearchResults::default());
            };
            let mut results = self.search_expr(q, &expr)?;
            if results.total == 0
                && let Some((corrected, expr)) = self.corrected(&q.query)?
            {
                results = self.search_expr(q, &expr)?;
                if results.total > 0 {
                    results.corrected = Some(corrected);
                }
            }
            Ok(results)
        })
    }

    fn search_expr(&self, q: &Search, expr: &str) -> Result<SearchResults> {
        let wanted = |t: &str| q.types.is_empty() || q.types.iter().any(|w| w == t);
        let boosts = self.boosts()?;
        let boost = |entity_ref: &str| boosts.get(entity_ref).copied().unwrap_or(1.0);
        let mut by_type: Vec<TypeCount> = Vec::new();
        let mut scored: Vec<(f64, Candidate)> = Vec::new();

        let entity_count: u64 = self
            .conn
            .prepare_cached(&format!(
                "SELECT count(*) FROM (SELECT 1 FROM entities_fts WHERE entities_fts MATCH ?1 AND {FTS_VISIBLE}
                 LIMIT {COUNT_CAP})"
            ))?
            .query_row([expr], |r| r.get(0))?;
        if entity_count > 0 {
            by_type.push(TypeCount {
                doc_type: TYPE_ENTITY.into(),
                count: entity_count,
            });
        }
        if wanted(TYPE_ENTITY) && entity_count > 0 {
            for (id, entity_ref, score) in self.entity_candidates(expr)? {
                scored.push((score * boost(&entity_ref), Candidate::Entity(id)));
            }
        }

        let mut counts = self.conn.prepare_cached(&format!(
            "SELECT doc_type, count(*) FROM
               (SELECT d.doc_type FROM search_fts f JOIN search_docs d ON d.id = f.rowid
                WHERE search_fts MATCH ?1 LIMIT {COUNT_CAP})
             GROUP BY doc_type ORDER BY doc_type"
        ))?;
        let rows = counts.query_map([expr], |r| {
            Ok(TypeCount {
                doc_type: r.get(0)?,
                count: r.get(1)?,
            })
        })?;
        for row in rows {
            by_type.push(row?);
        }
        let doc_types: Vec<&str> = by_type
            .iter()
            .map(|t| t.doc_type.as_str())
            .filter(|t| *t != TYPE_ENTITY && wanted(t))
            .collect();
        if !doc_types.is_empty() {
            // Title and heading matches ranked whole (they are few and say most), then the
            // first matches of the text, scored as they come: bounded for any query.
            let mut seen = std::collections::HashSet::new();
            for sql in [
                format!(
                    "SELECT m.id, d.doc_type, d.entity_ref, m.rank
                     FROM (SELECT rowid AS id, rank FROM search_fts
                           WHERE search_fts MATCH '{{title headings}} : (' || ?1 || ')'
                           ORDER BY rank LIMIT {TITLE_WINDOW}) m
                     JOIN search_docs d ON d.id = m.id"
                ),
                format!(
                    "SELECT m.id, d.doc_type, d.entity_ref, m.score
                     FROM (SELECT rowid AS id, bm25(search_fts, 10.0, 5.0, 1.0) AS score
                           FROM search_fts WHERE search_fts MATCH ?1 LIMIT {WINDOW}) m
                     JOIN search_docs d ON d.id = m.id"
                ),
            ] {
                let mut stmt = self.conn.prepare_cached(&sql)?;
                let rows = stmt.query_map([expr], |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, Option<String>>(2)?,
                        r.get::<_, f64>(3)?,
                    ))
                })?;
                for row in rows {
                    let (id, doc_type, entity_ref, score) = row?;
                    if doc_types.contains(&doc_type.as_str()) && seen.insert(id) {
                        let b = entity_ref.as_deref().map_or(1.0, boost);
                        scored.push((score * b, Candidate::Doc(id, doc_type)));
                    }
                }
            }
        }
        rank(&mut scored);
        let total = by_type
            .iter()
            .filter(|t| wanted(&t.doc_type))
            .map(|t| t.count)
            .sum();
        let limit = if q.limit == 0 { 20 } else { q.limit.min(200) } as usize;
        let page: Vec<Candidate> = scored
            .into_iter()
            .skip(q.offset as usize)
            .take(limit)
            .map(|(_, c)| c)
            .collect();
        let snippets = self.snippets(&page, expr)?;
        let hits = page
            .iter()
            .map(|c| self.hit(c, &snippets))
            .collect::<Result<_>>()?;
        Ok(SearchResults {
            hits,
            total,
            by_type,
            corrected: None,
            team_notice: None,
            indexing: false,
        })
    }

    /// Entity matches worth ranking, bounded whatever the query matches: the first name
    /// matches, ranked above the rest (a name says most), and the first matches of the
    /// whole text, scored by bm25 with name > title > tags > description.
    fn entity_candidates(&self, expr: &str) -> Result<Vec<(i64, String, f64)>> {
        let mut out: Vec<(i64, String, f64)> = Vec::new();
        let mut all = self.conn.prepare_cached(&format!(
            "SELECT m.id, e.entity_ref, m.score
             FROM (SELECT rowid AS id, bm25(entities_fts, 10.0, 8.0, 2.0, 3.0, 1.0) AS score
                   FROM entities_fts WHERE entities_fts MATCH ?1 AND {FTS_VISIBLE} LIMIT {WINDOW}) m
             JOIN entities e ON e.id = m.id"
        ))?;
        for row in all.query_map([expr], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))? {
            out.push(row?);
        }
        let best = out.iter().map(|c| c.2).fold(0.0_f64, f64::min);
        let mut names = self.conn.prepare_cached(&format!(
            "SELECT m.id, e.entity_ref, m.score
             FROM (SELECT rowid AS id, bm25(entity_names_fts, 1.0, 0.0) AS score
                   FROM entity_names_fts WHERE entity_names_fts MATCH ?1 AND {FTS_VISIBLE} LIMIT {NAME_WINDOW}) m
             JOIN entities e ON e.id = m.id"
        ))?;
        let named: Vec<(i64, String, f64)> = names
            .query_map([expr], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let best_name = named.iter().map(|c| c.2).fold(0.0_f64, f64::min);
        for (id, entity_ref, name_score) in named {
            // In the band above every text match: best text score × (1 + relative name score).
            let relative = if best_name < 0.0 {
                name_score / best_name
            } else {
                1.0
            };
            let score = if best < 0.0 { best } else { -1.0 } * (1.0 + relative);
            match out.iter_mut().find(|c| c.0 == id) {
                Some(c) => c.2 = c.2.min(score),
                None => out.push((id, entity_ref, score)),
            }
        }
        Ok(out)
    }

    /// The snippets of the page's documents, in one pass over the matches.
    fn snippets(&self, page: &[Candidate], expr: &str) -> Result<HashMap<i64, String>> {
        let ids: Vec<String> = page
            .iter()
            .filter_map(|c| match c {
                Candidate::Doc(id, _) => Some(id.to_string()),
                Candidate::Entity(_) => None,
            })
            .collect();
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        let mut stmt = self.conn.prepare(&format!(
            "SELECT rowid, snippet(search_fts, 2, '{MARK_START}', '{MARK_END}', '…', 14)
             FROM search_fts WHERE search_fts MATCH ?1 AND rowid IN ({})",
            ids.join(",")
        ))?;
        let rows = stmt.query_map([expr], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The hit shown for a ranked candidate (details read for the page's hits only).
    fn hit(&self, candidate: &Candidate, snippets: &HashMap<i64, String>) -> Result<SearchHit> {
        match candidate {
            Candidate::Entity(id) => {
                let mut stmt = self.conn.prepare_cached(
                    "SELECT e.entity_ref, e.kind, e.owner,
                            json_extract(d.json, '$.metadata.name'), json_extract(d.json, '$.metadata.title'),
                            json_extract(d.json, '$.metadata.description')
                     FROM entities e JOIN entity_docs d ON d.id = e.id WHERE e.id = ?1",
                )?;
                Ok(stmt.query_row([id], |r| {
                    let entity_ref: String = r.get(0)?;
                    let kind: String = r.get(1)?;
                    let owner: Option<String> = r.get(2)?;
                    let name: Option<String> = r.get(3)?;
                    let title: Option<String> = r.get(4)?;
                    let description: Option<String> = r.get(5)?;
                    Ok(SearchHit {
                        doc_type: TYPE_ENTITY.into(),
                        title: title.or(name).unwrap_or_else(|| entity_ref.clone()),
                        subtitle: Some(match owner {
                            Some(owner) => format!("{kind} · {}", short_ref(&owner)),
                            None => kind,
                        }),
                        snippet: description.map(|d| d.chars().take(160).collect()),
                        location: String::new(),
                        entity_ref: Some(entity_ref),
                        team: false,
                    })
                })?)
            }
            Candidate::Doc(id, doc_type) => {
                let mut stmt = self.conn.prepare_cached(
                    "SELECT title, subtitle, location, entity_ref FROM search_docs WHERE id = ?1",
                )?;
                Ok(stmt.query_row([id], |r| {
                    Ok(SearchHit {
                        doc_type: doc_type.clone(),
                        title: r.get(0)?,
                        subtitle: r.get(1)?,
                        location: r.get(2)?,
                        entity_ref: r.get(3)?,
                        snippet: snippets.get(id).filter(|s| !s.is_empty()).cloned(),
                        team: false,
                    })
                })?)
            }
        }
    }

    /// Starred and recently visited entities' boosts, by lowercased ref.
    fn boosts(&self) -> Result<HashMap<String, f64>> {
        let mut out = HashMap::new();
        let mut recent = self.conn.prepare_cached(
            "SELECT entity_ref FROM recent_visits ORDER BY visited_at DESC LIMIT 50",
        )?;
        for r in recent.query_map([], |r| r.get::<_, String>(0))? {
            out.insert(r?, RECENT_BOOST);
        }
        let mut stars = self.conn.prepare_cached("SELECT entity_ref FROM stars")?;
        for r in stars.query_map([], |r| r.get::<_, String>(0))? {
            out.insert(r?, STAR_BOOST);
        }
        Ok(out)
    }

    /// The query with each word the index does not know replaced by the closest word it
    /// does (one edit away, same first letter), when there is one.
    fn corrected(&self, query: &str) -> Result<Option<(String, String)>> {
        let words: Vec<String> = query
            .split(|c: char| !(c.is_alphanumeric() || c == '+' || c == '#'))
            .filter(|t| !t.is_empty())
            .take(8)
            .map(str::to_lowercase)
            .collect();
        let mut changed = false;
        let mut out = Vec::with_capacity(words.len());
        for word in words {
            if word.chars().count() < 3 || self.known_prefix(&word)? {
                out.push(word);
                continue;
            }
            match self.closest_term(&word)? {
                Some(term) => {
                    changed = true;
                    out.push(term);
                }
                None => out.push(word),
            }
        }
        if !changed {
            return Ok(None);
        }
        let text = out.join(" ");
        Ok(super::query::fts_expression(&text).map(|expr| (text, expr)))
    }

    fn known_prefix(&self, word: &str) -> Result<bool> {
        let upper = format!("{word}\u{10ffff}");
        let in_docs: bool = self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM search_vocab WHERE term >= ?1 AND term < ?2)",
            params![word, upper],
            |r| r.get(0),
        )?;
        if in_docs {
            return Ok(true);
        }
        // Entity names: the names' own index.
        let expr = format!("\"{}\"*", word.replace('"', ""));
        Ok(self.conn.query_row(
            &format!("SELECT EXISTS (SELECT 1 FROM entities_fts WHERE entities_fts MATCH ?1 AND {FTS_VISIBLE})"),
            [expr],
            |r| r.get(0),
        )?)
    }

    /// The most frequent indexed term one edit away from `word` (same first letter, as
    /// typos rarely hit it), from docs and entities alike.
    fn closest_term(&self, word: &str) -> Result<Option<String>> {
        let first: String = word.chars().take(1).collect();
        let upper = format!("{first}\u{10ffff}");
        let len = word.chars().count() as i64;
        let mut best: Option<(i64, String)> = None;
        let mut stmt = self.conn.prepare_cached(
            "SELECT term, doc FROM search_vocab WHERE term >= ?1 AND term < ?2
               AND length(term) BETWEEN ?3 AND ?4",
        )?;
        let rows = stmt.query_map(params![first, upper, len - 1, len + 1], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
        })?;
        for row in rows {
            let (term, docs) = row?;
            if within_one_edit(word, &term) && best.as_ref().is_none_or(|b| docs > b.0) {
                best = Some((docs, term));
            }
        }
        if best.is_none() {
            // Entity names and titles (entities are not in search_vocab).
            let mut names = self.conn.prepare_cached(
                "SELECT DISTINCT name FROM entities WHERE name >= ?1 AND name < ?2
                   AND length(name) BETWEEN ?3 AND ?4 LIMIT 5000",
            )?;
            let rows = names.query_map(params![first, upper, len - 1, len + 1], |r| {
                r.get::<_, String>(0)
            })?;
            for name in rows {
                let name = name?;
                if within_one_edit(word, &name) {
                    best = Some((0, name));
                    break;
                }
            }
        }
        Ok(best.map(|(_, t)| t))
    }
}

/// Orders hits best first. bm25 scores of different tables are not on one scale (they
/// depend on each table's size), so each type's scores are taken relative to its best hit,
/// then weighted by type — an entity named for the query before a page about it.
fn rank(scored: &mut [(f64, Candidate)]) {
    let type_of = |c: &Candidate| match c {
        Candidate::Entity(_) => TYPE_ENTITY.to_string(),
        Candidate::Doc(_, t) => t.clone(),
    };
    let mut best: HashMap<String, f64> = HashMap::new();
    for (score, c) in scored.iter() {
        let b = best.entry(type_of(c)).or_insert(*score);
        *b = b.min(*score);
    }
    let weight = |t: &str| match t {
        TYPE_ENTITY => 1.0,
        backlot_model::search::TYPE_DOCS => 0.9,
        _ => 0.85,
    };
    for (score, c) in scored.iter_mut() {
        // bm25 is negative, lower is better: relative scores fall in (0, 1], higher better.
        let t = type_of(c);
        let b = best[&t];
        let relative = if b < 0.0 { *score / b } else { 1.0 };
        *score = relative * weight(&t);
    }
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
}

/// `group:default/payments` → `payments`.
fn short_ref(r: &str) -> &str {
    r.rsplit(['/', ':']).next().unwrap_or(r)
}

/// Whether `a` and `b` differ by at most one insertion, deletion or substitution.
pub(crate) fn within_one_edit(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let (short, long) = if a.len() <= b.len() {
        (&a, &b)
    } else {
        (&b, &a)
    };
    if long.len() - short.len() > 1 {
        return false;
    }
    let (mut i, mut j, mut edits) = (0, 0, 0);
    while i < short.len() && j < long.len() {
        if short[i] == long[j] {
            i += 1;
            j += 1;
            continue;
        }
        edits += 1;
        if edits > 1 {
            return false;
        }
        if short.len() == long.len() {
            i += 1;
        }
        j += 1;
    }
    edits + (long.len() - j) + (short.len() - i) <= 1
}

#[cfg(test)]
mod tests;
