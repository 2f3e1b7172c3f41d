//! `backlot catalog …`: validate, ingest, export, search and facets, with human output or
//! JSON (`--json`). Mount [`CatalogCommand`] as a subcommand and call [`run`].
//!
//! Exit codes: 0 success; 1 something was invalid or not ingested (details in the output);
//! 2 the command could not run (e.g. the database cannot be opened).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use backlot_model::ApiError;
use backlot_model::query::{EntityFilter, EntityQuery};
use serde::Serialize;

use crate::ingest::{ingest, validate};
use crate::store::Store;

#[derive(Debug, Clone, PartialEq, Eq, clap::Subcommand)]
pub enum CatalogCommand {
    /// Validate descriptor files (and the locations they point at) without storing anything.
    Validate {
        /// Files or folders (folders: their catalog-info.yaml files).
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Ingest descriptor files into the catalog store.
    Ingest {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// The catalog database (default: the app's store).
        #[arg(long, value_name = "FILE")]
        db: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Print every entity as a JSON array in Backstage's API shape, with relations.
    Export {
        #[arg(long, value_name = "FILE")]
        db: Option<PathBuf>,
        /// Accepted for symmetry; export always prints JSON.
        #[arg(long)]
        json: bool,
    },
    /// Full-text search (prefix matching, most relevant first).
    Search {
        query: String,
        /// Only entities of this kind.
        #[arg(long)]
        kind: Option<String>,
        /// Most results to print.
        #[arg(long, default_value_t = 20)]
        limit: u32,
        #[arg(long, value_name = "FILE")]
        db: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Counts by kind, type, owner, lifecycle, tag and namespace.
    Facets {
        #[arg(long, value_name = "FILE")]
        db: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
}

/// Runs `cmd` with stdout/stderr; `default_db` is used when `--db` is not given.
pub fn run(cmd: CatalogCommand, default_db: &Path) -> ExitCode {
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    ExitCode::from(run_with(cmd, default_db, &mut stdout.lock(), &mut stderr.lock()))
}

/// Like [`run`], writing to the given streams and returning the exit code (for tests).
pub fn run_with(cmd: CatalogCommand, default_db: &Path, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let json = match &cmd {
        CatalogCommand::Validate { json, .. }
        | CatalogCommand::Ingest { json, .. }
        | CatalogCommand::Export { json, .. }
        | CatalogCommand::Search { json, .. }
        | CatalogCommand::Facets { json, .. } => *json,
    };
    match execute(cmd, default_db, out) {
        Ok(code) => code,
        Err(Failure::Api(e)) => {
            if json {
                let _ = writeln!(err, "{}", serde_json::to_string(&e).unwrap_or_else(|_| e.message.clone()));
            } else {
                let _ = writeln!(err, "error: {}", e.message);
            }
            2
        }
        Err(Failure::Output) => 2,
    }
}

enum Failure {
    Api(ApiError),
    Output,
}

impl<E: Into<ApiError>> From<E> for Failure {
    fn from(e: E) -> Self {
        Failure::Api(e.into())
    }
}

fn w(result: std::io::Result<()>) -> Result<(), Failure> {
    result.map_err(|_| Failure::Output)
}

fn print_json<T: Serialize>(out: &mut dyn Write, value: &T) -> Result<(), Failure> {
    let text = serde_json::to_string_pretty(value).map_err(|e| Failure::Api(ApiError::internal(e.to_string())))?;
    w(writeln!(out, "{text}"))
}

fn open(db: Option<PathBuf>, default_db: &Path) -> Result<Store, Failure> {
    Ok(Store::open(db.as_deref().unwrap_or(default_db))?)
}

fn execute(cmd: CatalogCommand, default_db: &Path, out: &mut dyn Write) -> Result<u8, Failure> {
    match cmd {
        CatalogCommand::Validate { paths, json } => {
            let outcome = validate(&paths);
            let code = if outcome.all_valid() { 0 } else { 1 };
            if json {
                print_json(out, &serde_json::json!({
                    "valid": outcome.all_valid(),
                    "results": outcome.results,
                    "problems": outcome.problems,
                    "warnings": outcome.warnings,
                }))?;
            } else {
                for r in &outcome.results {
                    let what = match (&r.kind, &r.namespace, &r.name) {
                        (Some(k), Some(ns), Some(n)) => format!("{k}:{ns}/{n}"),
                        _ => "(unnamed document)".to_string(),
                    };
                    let status = if r.valid { "ok" } else { "INVALID" };
                    w(writeln!(out, "{status:7} {}:{} [doc {}] {what}", r.file, r.line, r.document))?;
                    for e in &r.errors {
                        w(writeln!(out, "        {e}"))?;
                    }
                }
                for p in &outcome.problems {
                    w(writeln!(out, "ERROR   {p}"))?;
                }
                for p in &outcome.warnings {
                    w(writeln!(out, "warning {p}"))?;
                }
                let invalid = outcome.results.iter().filter(|r| !r.valid).count();
                w(writeln!(out, "{} documents, {} valid, {invalid} invalid, {} other problems", outcome.results.len(), outcome.results.len() - invalid, outcome.problems.len()))?;
            }
            Ok(code)
        }
        CatalogCommand::Ingest { paths, db, json } => {
            let mut store = open(db, default_db)?;
            let report = ingest(&mut store, &paths)?;
            if json {
                print_json(out, &report)?;
            } else {
                w(writeln!(
                    out,
                    "added {}, updated {}, unchanged {}, removed {}, errors {}, warnings {}",
                    report.added,
                    report.updated,
                    report.unchanged,
                    report.removed,
                    report.errors.len(),
                    report.warnings.len()
                ))?;
                for p in &report.errors {
                    w(writeln!(out, "error: {p}"))?;
                }
                for p in &report.warnings {
                    w(writeln!(out, "warning: {p}"))?;
                }
            }
            Ok(if report.errors.is_empty() { 0 } else { 1 })
        }
        CatalogCommand::Export { db, json: _ } => {
            let store = open(db, default_db)?;
            print_json(out, &store.export()?)?;
            Ok(0)
        }
        CatalogCommand::Search { query, kind, limit, db, json } => {
            let store = open(db, default_db)?;
            let q = EntityQuery {
                filter: EntityFilter { kinds: kind.into_iter().collect(), ..Default::default() },
                text: Some(query),
                limit,
                ..Default::default()
            };
            let page = store.query(&q)?;
            if json {
                print_json(out, &page)?;
            } else {
                for s in &page.items {
                    let desc = s.title.as_deref().or(s.description.as_deref()).unwrap_or("");
                    w(writeln!(out, "{:50} {desc}", s.entity_ref))?;
                }
                w(writeln!(out, "{} shown of {} matching", page.items.len(), page.total))?;
            }
            Ok(0)
        }
        CatalogCommand::Facets { db, json } => {
            let store = open(db, default_db)?;
            let facets = store.facets(&EntityFilter::default())?;
            if json {
                print_json(out, &facets)?;
            } else {
                for (name, values) in &facets.facets {
                    w(writeln!(out, "{name}:"))?;
                    for v in values {
                        w(writeln!(out, "  {:8} {}", v.count, v.value))?;
                    }
                }
            }
            Ok(0)
        }
    }
}
