//! Ingestion and validation entry points.

use std::path::PathBuf;
use std::sync::mpsc::{SyncSender, sync_channel};

use backlot_model::{IngestProblem, IngestReport, ValidationResult};

use crate::collect::{
    Candidate, Collected, Emit, FileSelection, collect, collect_streaming, from_values, root_keys,
};
use crate::error::{IngestError, StoreError};
use crate::store::{ApplyOutcome, Prepared, Store, Writer};

/// Candidates per message from the reading thread to the writer: one channel message, and at
/// most one thread wake-up, per batch rather than per entity.
const BATCH: usize = 64;

/// Batches in flight between the reading thread and the writer.
const CHANNEL_DEPTH: usize = 8;

type Batch = Vec<Result<Prepared, StoreError>>;

/// The reading thread's end of the channel: prepares each candidate's row (JSON, content hash)
/// there and sends them in batches (the last, partial one on `flush`).
struct Batcher {
    tx: SyncSender<Batch>,
    batch: Batch,
}

impl Batcher {
    fn push(&mut self, c: Candidate) {
        self.batch.push(Prepared::new(c));
        if self.batch.len() >= BATCH {
            self.flush();
        }
    }

    fn flush(&mut self) {
        if !self.batch.is_empty() {
            let batch = std::mem::replace(&mut self.batch, Vec::with_capacity(BATCH));
            // A closed channel means the writer gave up (its error is reported there).
            let _ = self.tx.send(batch);
        }
    }
}

/// Runs `read` on a second thread, handing candidates to `writer` on this one, so parsing,
/// validation and row preparation overlap with SQLite work. Returns what `read` collected
/// (problems) and the writer's outcome.
fn pipeline(
    mut writer: Writer<'_>,
    read: impl FnOnce(Emit) -> Collected + Send,
) -> Result<(ApplyOutcome, Collected), IngestError> {
    let (collected, pushed) = std::thread::scope(|scope| {
        let (tx, rx) = sync_channel::<Batch>(CHANNEL_DEPTH);
        let reader = scope.spawn(move || {
            let mut batcher = Batcher {
                tx,
                batch: Vec::with_capacity(BATCH),
            };
            let collected = read(&mut |c| batcher.push(c));
            batcher.flush();
            collected
        });
        let mut pushed = Ok(());
        'batches: for batch in rx {
            for prepared in batch {
                pushed = prepared.and_then(|p| writer.push(p));
                if pushed.is_err() {
                    // Dropping the receiver lets the reader finish without sending more.
                    break 'batches;
                }
            }
        }
        (reader.join(), pushed)
    });
    let collected = collected.map_err(|_| IngestError::ReaderStopped)?;
    pushed?;
    let outcome = writer.finish(&collected.errors)?;
    Ok((outcome, collected))
}

fn report(outcome: ApplyOutcome, collected: Collected) -> IngestReport {
    let mut errors = collected.errors;
    errors.extend(outcome.conflicts);
    IngestReport {
        added: outcome.added,
        updated: outcome.updated,
        unchanged: outcome.unchanged,
        removed: outcome.removed,
        errors,
        warnings: collected.warnings,
        skipped_yaml: collected.skipped_yaml,
    }
}

/// Reads `paths` (files, folders, and what their Location entities point at) and brings the
/// store in line with them: adds new entities, updates changed ones, removes the ones these
/// same paths no longer produce. Entities ingested from other paths are left alone. Problems
/// with single files, documents or entities are listed in the report, never fatal.
pub fn ingest(store: &mut Store, paths: &[PathBuf]) -> Result<IngestReport, IngestError> {
    ingest_selected(store, paths, &FileSelection::default())
}

/// [`ingest`], reading in folders the default catalog files and those `selection` adds.
pub fn ingest_selected(
    store: &mut Store,
    paths: &[PathBuf],
    selection: &FileSelection,
) -> Result<IngestReport, IngestError> {
    let writer = store.writer(root_keys(paths))?;
    let (outcome, collected) = pipeline(writer, |sink| collect_streaming(paths, selection, sink))?;
    Ok(report(outcome, collected))
}

/// What `validate` found: one result per document, and problems that belong to no document
/// (unreadable files, missing location targets, cycles).
#[derive(Debug, Default)]
pub struct ValidationOutcome {
    pub results: Vec<ValidationResult>,
    pub problems: Vec<IngestProblem>,
    pub warnings: Vec<IngestProblem>,
    /// YAML files in the folders read that were not read because of their names.
    pub skipped_yaml: Vec<String>,
}

impl ValidationOutcome {
    pub fn all_valid(&self) -> bool {
        self.problems.is_empty() && self.results.iter().all(|r| r.valid)
    }
}

/// Validates `paths` without touching any store (folders: the catalog files `selection`
/// picks).
pub fn validate(paths: &[PathBuf], selection: &FileSelection) -> ValidationOutcome {
    let collected = collect(paths, selection);
    // Problems already attached to a document are in its result; keep the others.
    let problems = collected
        .errors
        .into_iter()
        .filter(|p| p.document.is_none())
        .collect();
    ValidationOutcome {
        results: collected.results,
        problems,
        warnings: collected.warnings,
        skipped_yaml: collected.skipped_yaml,
    }
}

/// Ingests already-parsed entity documents (e.g. from a Backstage API or a generator) under
/// the source name `source`: validated, deduplicated (first wins) and applied like files are,
/// replacing whatever `source` held before.
pub fn ingest_values(
    store: &mut Store,
    source: &str,
    values: Vec<serde_json::Value>,
) -> Result<IngestReport, IngestError> {
    let writer = store.writer(vec![source.to_string()])?;
    let (outcome, collected) = pipeline(writer, |sink| from_values(source, values, sink))?;
    Ok(report(outcome, collected))
}
