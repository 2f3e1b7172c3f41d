//! Writing an ingestion to the store: add, update (only what changed), remove (only within the
//! same source roots), all in one transaction, fed while the files are still being read.
//!
//! Large loads (thousands of new rows, more than the table already holds) drop the secondary
//! indexes first and rebuild them at the end: one sort per index instead of a random B-tree
//! insert per row.

use std::collections::{HashMap, HashSet};

use backlot_model::relations::{OWNED_BY, PART_OF};
use backlot_model::{IngestProblem, ValidEntity};
use rusqlite::{Connection, Transaction, params};

use super::Store;
use super::team::{is_team_root, restore_team_copy};
use crate::collect::Candidate;
use crate::error::Result;

/// New rows from which the bulk path (drop and rebuild indexes) pays off.
const BULK_MIN_NEW_ROWS: usize = 5_000;

/// Counts of what changed, and entities refused because another root already holds their ref.
#[derive(Debug, Default)]
pub struct ApplyOutcome {
    pub added: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub removed: u64,
    pub conflicts: Vec<IngestProblem>,
}

/// FNV-1a, 64 bit: a stable content hash (std's hasher is not stable across releases).
fn fnv(parts: &[&[u8]]) -> i64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in *part {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        h ^= 0xff;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h as i64
}

/// The indexed columns of an entity.
pub(crate) struct Row {
    pub entity_ref: String,
    pub kind: String,
    pub namespace: String,
    pub name: String,
    pub spec_type: Option<String>,
    pub owner: Option<String>,
    pub lifecycle: Option<String>,
    pub system: Option<String>,
    pub tags: Vec<String>,
    pub json: String,
}

pub(crate) fn row_of(valid: &ValidEntity) -> Result<Row> {
    let e = &valid.entity;
    let entity_ref = e.entity_ref().key();
    let outgoing = |t: &str, prefix: &str| {
        valid
            .relations
            .iter()
            .find(|r| {
                r.source_ref == entity_ref
                    && r.relation_type == t
                    && r.target_ref.starts_with(prefix)
            })
            .map(|r| r.target_ref.clone())
    };
    let owner = outgoing(OWNED_BY, "");
    let system = outgoing(PART_OF, "system:");
    let mut tags: Vec<String> = e.metadata.tags.iter().map(|t| t.to_lowercase()).collect();
    tags.sort();
    tags.dedup();
    Ok(Row {
        kind: e.kind.to_lowercase(),
        namespace: e.namespace().to_lowercase(),
        name: e.metadata.name.to_lowercase(),
        spec_type: e.spec_str("type").map(str::to_lowercase),
        lifecycle: e.spec_str("lifecycle").map(str::to_lowercase),
        owner,
        system,
        tags,
        json: serde_json::to_string(e)?,
        entity_ref,
    })
}

/// A candidate with its row and content hash worked out, so that the reading thread does this
/// work while the writer inserts.
pub(crate) struct Prepared {
    c: Candidate,
    row: Row,
    hash: i64,
}

impl Prepared {
    pub(crate) fn new(c: Candidate) -> Result<Prepared> {
        let row = row_of(&c.valid)?;
        let hash = fnv(&[
            row.json.as_bytes(),
            c.root.as_bytes(),
            c.file.as_bytes(),
            &c.line.to_le_bytes(),
            &c.document.to_le_bytes(),
        ]);
        Ok(Prepared { c, row, hash })
    }
}

/// What the store already holds for a ref.
struct Existing {
    id: i64,
    hash: i64,
    root: String,
    file: String,
    line: i64,
}

/// Most candidates held back while deciding whether a load is large enough for the bulk path.
const MAX_UNDECIDED: usize = 50_000;

/// One ingestion's transaction: candidates are pushed as they are read, `finish` removes what
/// the roots no longer produce, records problems and commits. Entities of other roots are never
/// touched; a ref already held by another root stays with it (first wins) and the newcomer is
/// reported.
pub(crate) struct Writer<'c> {
    tx: Transaction<'c>,
    roots: Vec<String>,
    existing: HashMap<String, Existing>,
    seen: HashSet<i64>,
    out: ApplyOutcome,
    /// `None` until decided; then the SQL of the indexes dropped for a bulk load (maybe none).
    dropped: Option<Vec<String>>,
    held: Vec<Prepared>,
    held_new: usize,
}

impl Store {
    /// Starts writing an ingestion of `roots`.
    pub(crate) fn writer(&mut self, roots: Vec<String>) -> Result<Writer<'_>> {
        let tx = self.conn.transaction()?;
        let existing = load_existing(&tx)?;
        Ok(Writer {
            tx,
            roots,
            existing,
            seen: HashSet::new(),
            out: ApplyOutcome::default(),
            dropped: None,
            held: Vec::new(),
            held_new: 0,
        })
    }
}

impl Writer<'_> {
    /// Writes one entity (or holds it until the bulk decision is made).
    pub fn push(&mut self, c: Prepared) -> Result<()> {
        if self.dropped.is_some() {
            return apply_one(
                &self.tx,
                c,
                &self.roots,
                &mut self.existing,
                &mut self.seen,
                &mut self.out,
            );
        }
        if !self.existing.contains_key(&c.row.entity_ref) {
            self.held_new += 1;
        }
        self.held.push(c);
        if self.bulk_pays_off() {
            self.decide(true)?;
        } else if self.held.len() >= MAX_UNDECIDED {
            self.decide(false)?;
        }
        Ok(())
    }

    fn bulk_pays_off(&self) -> bool {
        self.held_new >= BULK_MIN_NEW_ROWS && self.held_new > self.existing.len()
    }

    fn decide(&mut self, bulk: bool) -> Result<()> {
        self.dropped = Some(if bulk {
            drop_indexes(&self.tx, BULK_TABLES)?
        } else {
            Vec::new()
        });
        for c in std::mem::take(&mut self.held) {
            apply_one(
                &self.tx,
                c,
                &self.roots,
                &mut self.existing,
                &mut self.seen,
                &mut self.out,
            )?;
        }
        Ok(())
    }

    /// Removes what the roots no longer hold, rebuilds indexes, records `problems` (and the
    /// conflicts found) for the roots, refreshes facet counts and commits.
    pub fn finish(mut self, problems: &[IngestProblem]) -> Result<ApplyOutcome> {
        if self.dropped.is_none() {
            let bulk = self.bulk_pays_off();
            self.decide(bulk)?;
        }
        let tx = &self.tx;
        for root in &self.roots {
            let stale: Vec<(i64, &str)> = self
                .existing
                .iter()
                .filter(|(_, e)| e.root == *root && !self.seen.contains(&e.id))
                .map(|(key, e)| (e.id, key.as_str()))
                .collect();
            for (id, key) in stale {
                delete_children(tx, id)?;
                tx.prepare_cached("DELETE FROM entity_docs WHERE id = ?1")?
                    .execute([id])?;
                tx.prepare_cached("DELETE FROM entities WHERE id = ?1")?
                    .execute([id])?;
                // A team copy the local entity shadowed becomes visible again.
                restore_team_copy(tx, key)?;
                self.out.removed += 1;
            }
            tx.execute("DELETE FROM ingest_errors WHERE source_root = ?1", [root])?;
        }
        let dropped = self.dropped.take().unwrap_or_default();
        for sql in &dropped {
            tx.execute_batch(sql)?;
        }
        if !dropped.is_empty() {
            // Fresh statistics for the planner after a large load (sampled: tens of ms).
            tx.execute_batch("PRAGMA analysis_limit = 1000; ANALYZE;")?;
        }
        record_problems(tx, &self.roots, problems, &self.out.conflicts)?;
        if self.out.added + self.out.updated + self.out.removed > 0 {
            refresh_facet_counts(tx)?;
            mark_changed(tx)?;
        }
        self.tx.commit()?;
        Ok(self.out)
    }
}

fn load_existing(tx: &Transaction) -> Result<HashMap<String, Existing>> {
    let mut stmt = tx.prepare_cached(
        "SELECT entity_ref, id, hash, source_root, source_file, line FROM entities",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            Existing {
                id: r.get(1)?,
                hash: r.get(2)?,
                root: r.get(3)?,
                file: r.get(4)?,
                line: r.get(5)?,
            },
        ))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The tables a bulk write fills (their secondary indexes are rebuilt after it).
pub(crate) const BULK_TABLES: &[&str] = &["entities", "entity_tags", "relations"];

/// Drops the secondary indexes of `tables`; returns the SQL that recreates them.
pub(crate) fn drop_indexes(tx: &Connection, tables: &[&str]) -> Result<Vec<String>> {
    let indexes: Vec<(String, String)> = {
        let mut stmt = tx.prepare(
            "SELECT name, sql, tbl_name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL",
        )?;
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get::<_, String>(2)?)))?
            .filter(|row| {
                row.as_ref()
                    .map_or(true, |(_, _, t)| tables.contains(&t.as_str()))
            })
            .map(|row| row.map(|(name, sql, _)| (name, sql)))
            .collect::<rusqlite::Result<_>>()?
    };
    for (name, _) in &indexes {
        tx.execute_batch(&format!("DROP INDEX \"{}\"", name.replace('"', "\"\"")))?;
    }
    Ok(indexes.into_iter().map(|(_, sql)| sql).collect())
}

fn apply_one(
    tx: &Transaction,
    p: Prepared,
    roots: &[String],
    existing: &mut HashMap<String, Existing>,
    seen: &mut HashSet<i64>,
    out: &mut ApplyOutcome,
) -> Result<()> {
    let Prepared { c, row, hash } = p;
    match existing.get(&row.entity_ref) {
        Some(e) if !roots.contains(&e.root) && !is_team_root(&e.root) => {
            out.conflicts.push(IngestProblem {
                file: c.file.clone(),
                line: Some(c.line),
                document: Some(c.document),
                entity_ref: Some(row.entity_ref.clone()),
                message: format!(
                    "duplicate entity {}: already in the catalog from {}:{}; this one is ignored",
                    row.entity_ref, e.file, e.line
                ),
                ..Default::default()
            });
        }
        Some(e) if e.hash == hash => {
            seen.insert(e.id);
            out.unchanged += 1;
        }
        Some(e) => {
            // A local file takes the ref over from a team entity (local files win; the team
            // copy stays in team_entities), or a changed entity of these roots is updated.
            let id = e.id;
            let was_team = is_team_root(&e.root);
            delete_children(tx, id)?;
            tx.prepare_cached(
                "UPDATE entities SET kind = ?2, namespace = ?3, name = ?4, spec_type = ?5, owner = ?6, lifecycle = ?7,
                 system = ?8, source_root = ?9, source_file = ?10, doc_index = ?11, line = ?12, hash = ?13
                 WHERE id = ?1",
            )?
            .execute(params![
                id, row.kind, row.namespace, row.name, row.spec_type, row.owner, row.lifecycle, row.system, c.root,
                c.file, c.document as i64, c.line as i64, hash
            ])?;
            tx.prepare_cached("UPDATE entity_docs SET json = ?2 WHERE id = ?1")?
                .execute(params![id, row.json])?;
            insert_children(tx, id, &row, &c.valid)?;
            seen.insert(id);
            if was_team {
                existing.insert(
                    row.entity_ref,
                    Existing {
                        id,
                        hash,
                        root: c.root.clone(),
                        file: c.file.clone(),
                        line: c.line as i64,
                    },
                );
                out.added += 1;
            } else {
                out.updated += 1;
            }
        }
        None => {
            tx.prepare_cached(
                "INSERT INTO entities (entity_ref, kind, namespace, name, spec_type, owner, lifecycle, system,
                 source_root, source_file, doc_index, line, hash)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            )?
            .execute(params![
                row.entity_ref, row.kind, row.namespace, row.name, row.spec_type, row.owner, row.lifecycle, row.system,
                c.root, c.file, c.document as i64, c.line as i64, hash
            ])?;
            let id = tx.last_insert_rowid();
            tx.prepare_cached("INSERT INTO entity_docs (id, json) VALUES (?1, ?2)")?
                .execute(params![id, row.json])?;
            insert_children(tx, id, &row, &c.valid)?;
            seen.insert(id);
            existing.insert(
                row.entity_ref,
                Existing {
                    id,
                    hash,
                    root: c.root.clone(),
                    file: c.file.clone(),
                    line: c.line as i64,
                },
            );
            out.added += 1;
        }
    }
    Ok(())
}

pub(crate) fn delete_children(tx: &Connection, id: i64) -> Result<()> {
    tx.prepare_cached("DELETE FROM entity_tags WHERE entity_id = ?1")?
        .execute([id])?;
    tx.prepare_cached("DELETE FROM relations WHERE originating_id = ?1")?
        .execute([id])?;
    tx.prepare_cached("DELETE FROM entities_fts WHERE rowid = ?1")?
        .execute([id])?;
    tx.prepare_cached("DELETE FROM entity_names_fts WHERE rowid = ?1")?
        .execute([id])?;
    Ok(())
}

pub(crate) fn insert_children(
    tx: &Connection,
    id: i64,
    row: &Row,
    valid: &ValidEntity,
) -> Result<()> {
    let mut tag_stmt =
        tx.prepare_cached("INSERT OR IGNORE INTO entity_tags (entity_id, tag) VALUES (?1, ?2)")?;
    for tag in &row.tags {
        tag_stmt.execute(params![id, tag])?;
    }
    // Only the direction the spec states; the inverse is read from the same row.
    let mut rel_stmt = tx.prepare_cached(
        "INSERT OR IGNORE INTO relations (originating_id, type, target_ref) VALUES (?1, ?2, ?3)",
    )?;
    for r in valid
        .relations
        .iter()
        .filter(|r| r.source_ref == row.entity_ref)
    {
        rel_stmt.execute(params![id, r.relation_type, r.target_ref])?;
    }
    // unicode61 splits names on `-`, `_` and `.`, so `pay` finds `payment-service`.
    let meta = &valid.entity.metadata;
    tx.prepare_cached("INSERT INTO entities_fts (rowid, name, title, description, tags, kind) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")?
        .execute(params![id, meta.name, meta.title, meta.description, row.tags.join(" "), row.kind])?;
    tx.prepare_cached("INSERT INTO entity_names_fts (rowid, name, kind) VALUES (?1, ?2, ?3)")?
        .execute(params![id, meta.name, row.kind])?;
    Ok(())
}

fn record_problems(
    tx: &Transaction,
    roots: &[String],
    problems: &[IngestProblem],
    conflicts: &[IngestProblem],
) -> Result<()> {
    let mut stmt = tx.prepare_cached(
        "INSERT INTO ingest_errors (source_root, file, doc_index, line, col, field, message) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for p in problems.iter().chain(conflicts) {
        let root = roots
            .iter()
            .find(|r| p.file.starts_with(r.as_str()))
            .or(roots.first())
            .cloned()
            .unwrap_or_else(|| p.file.clone());
        stmt.execute(params![
            root,
            p.file,
            p.document.map(|d| d as i64),
            p.line.map(|l| l as i64),
            p.column.map(|c| c as i64),
            p.field,
            p.message
        ])?;
    }
    Ok(())
}

/// Recomputes the per-kind facet counts in one pass over the entities and one over the tags
/// (hash counting here is much cheaper than one sorting GROUP BY per facet).
/// Records that the catalog changed (inside the writing transaction): see
/// `Store::catalog_version`.
pub(crate) fn mark_changed(tx: &Connection) -> Result<()> {
    tx.execute("UPDATE catalog_version SET n = n + 1 WHERE id = 1", [])?;
    Ok(())
}

pub(crate) fn refresh_facet_counts(tx: &Connection) -> Result<()> {
    const COLUMNS: [&str; 5] = ["kind", "type", "owner", "lifecycle", "namespace"];
    let mut counts: HashMap<(String, &'static str, String), u64> = HashMap::new();
    let mut kind_of: HashMap<i64, String> = HashMap::new();
    {
        let mut stmt =
            tx.prepare("SELECT id, kind, spec_type, owner, lifecycle, namespace FROM entities")?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let kind: String = row.get(1)?;
            for (i, facet) in COLUMNS.iter().enumerate() {
                if let Some(value) = row.get::<_, Option<String>>(i + 1)? {
                    *counts.entry((kind.clone(), facet, value)).or_default() += 1;
                }
            }
            kind_of.insert(row.get(0)?, kind);
        }
    }
    {
        let mut stmt = tx.prepare("SELECT entity_id, tag FROM entity_tags")?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            if let Some(kind) = kind_of.get(&row.get::<_, i64>(0)?) {
                *counts
                    .entry((kind.clone(), "tag", row.get(1)?))
                    .or_default() += 1;
            }
        }
    }
    tx.execute("DELETE FROM facet_counts", [])?;
    let mut insert =
        tx.prepare("INSERT INTO facet_counts (kind, facet, value, count) VALUES (?1, ?2, ?3, ?4)")?;
    for ((kind, facet, value), count) in counts {
        insert.execute(params![kind, facet, value, count as i64])?;
    }
    Ok(())
}
