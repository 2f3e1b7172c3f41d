//! `backlot catalog …`: validate, ingest, export, search and facets, with human output or
//! JSON (`--json`), all through the app's [`Api`] as the window's commands are.
//!
//! Exit codes: 0 success; 1 something was invalid or not ingested (details in the output);
//! 2 the command could not run (e.g. the database cannot be opened).

use std::io::Write;
use std::path::PathBuf;

use backlot_app::Api;
use backlot_model::query::{EntityFilter, EntityQuery};

use super::output::{Failure, print_json, w};

#[derive(Debug, Clone, PartialEq, Eq, clap::Subcommand)]
pub enum CatalogCommand {
    /// Validate descriptor files (and the locations they point at) without storing anything.
    Validate {
        /// Files or folders (folders: their catalog-info.yaml, catalog-info.yml and
        /// .catalog-info.yaml files, and those --glob matches).
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Also read files matching PATTERN in folders (relative to the folder: '*.yaml',
        /// 'examples/**/*.yaml'); repeatable.
        #[arg(long = "glob", value_name = "PATTERN")]
        globs: Vec<String>,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Ingest descriptor files into the catalog store.
    Ingest {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Also read files matching PATTERN in folders; repeatable.
        #[arg(long = "glob", value_name = "PATTERN")]
        globs: Vec<String>,
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

impl CatalogCommand {
    fn json(&self) -> bool {
        match self {
            CatalogCommand::Validate { json, .. }
            | CatalogCommand::Ingest { json, .. }
            | CatalogCommand::Export { json, .. }
            | CatalogCommand::Search { json, .. }
            | CatalogCommand::Facets { json, .. } => *json,
        }
    }
}

/// Runs `cmd`, writing to the given streams; returns the exit code. `api` opens the API
/// (on the `--db` store when given); `validate` reads files only and never opens it.
pub fn run_with(
    cmd: CatalogCommand,
    api: impl FnOnce(Option<PathBuf>) -> Api,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    let json = cmd.json();
    super::output::finish(execute(cmd, api, out), json, err)
}

fn execute(
    cmd: CatalogCommand,
    api: impl FnOnce(Option<PathBuf>) -> Api,
    out: &mut dyn Write,
) -> Result<u8, Failure> {
    match cmd {
        CatalogCommand::Validate { paths, globs, json } => {
            let outcome = backlot_app::validate_files(&paths, &globs)?;
            let code = if outcome.all_valid() { 0 } else { 1 };
            if json {
                print_json(
                    out,
                    &serde_json::json!({
                        "valid": outcome.all_valid(),
                        "results": outcome.results,
                        "problems": outcome.problems,
                        "warnings": outcome.warnings,
                        "skippedYaml": outcome.skipped_yaml,
                    }),
                )?;
            } else {
                for r in &outcome.results {
                    let what = match (&r.kind, &r.namespace, &r.name) {
                        (Some(k), Some(ns), Some(n)) => format!("{k}:{ns}/{n}"),
                        _ => "(unnamed document)".to_string(),
                    };
                    let status = if r.valid { "ok" } else { "INVALID" };
                    w(writeln!(
                        out,
                        "{status:7} {}:{} [doc {}] {what}",
                        r.file, r.line, r.document
                    ))?;
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
                w(writeln!(
                    out,
                    "{} documents, {} valid, {invalid} invalid, {} other problems",
                    outcome.results.len(),
                    outcome.results.len() - invalid,
                    outcome.problems.len()
                ))?;
                if outcome.results.is_empty() {
                    glob_hint(out, "validate", &outcome.skipped_yaml)?;
                }
            }
            Ok(code)
        }
        CatalogCommand::Ingest {
            paths,
            globs,
            db,
            json,
        } => {
            let report = api(db).ingest_files(&paths, &globs)?;
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
                if report.added + report.updated + report.unchanged == 0 {
                    glob_hint(out, "ingest", &report.skipped_yaml)?;
                }
            }
            Ok(if report.errors.is_empty() { 0 } else { 1 })
        }
        CatalogCommand::Export { db, json: _ } => {
            print_json(out, &api(db).export()?)?;
            Ok(0)
        }
        CatalogCommand::Search {
            query,
            kind,
            limit,
            db,
            json,
        } => {
            let q = EntityQuery {
                filter: EntityFilter {
                    kinds: kind.into_iter().collect(),
                    ..Default::default()
                },
                text: Some(query),
                limit,
                ..Default::default()
            };
            let page = api(db).query_entities(&q)?;
            if json {
                print_json(out, &page)?;
            } else {
                for s in &page.items {
                    let desc = s
                        .title
                        .as_deref()
                        .or(s.description.as_deref())
                        .unwrap_or("");
                    w(writeln!(out, "{:50} {desc}", s.entity_ref))?;
                }
                w(writeln!(
                    out,
                    "{} shown of {} matching",
                    page.items.len(),
                    page.total
                ))?;
            }
            Ok(0)
        }
        CatalogCommand::Facets { db, json } => {
            let facets = api(db).facets(&EntityFilter::default())?;
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

/// When YAML files were skipped for their names and nothing was read, how to include them.
fn glob_hint(out: &mut dyn Write, command: &str, skipped: &[String]) -> Result<(), Failure> {
    if skipped.is_empty() {
        return Ok(());
    }
    let pattern = backlot_app::suggested_pattern(skipped);
    w(writeln!(
        out,
        "hint: to read the skipped YAML files: backlot catalog {command} --glob '{pattern}' <paths>"
    ))
}
