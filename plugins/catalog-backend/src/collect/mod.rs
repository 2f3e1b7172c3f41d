//! Reading locations: files, folders (their catalog files, see [`files`]) and Location
//! entities (`target`/`targets`, nested, cycles reported), placeholders resolved, every
//! document validated. Nothing here touches the store; `validate` and `ingest` share it.
//!
//! Everything read is untrusted (a cloned repository): files are read through
//! `backlot_safe_fs` (regular files only, sizes counted while reading) and every path a
//! document names must stay inside the folder the user opened.

mod files;
mod placeholders;

pub use files::{DEFAULT_NAMES, FileSelection, InvalidPattern, suggested_pattern};

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use backlot_model::validation::ValidationError;
use backlot_model::{IngestProblem, ValidEntity, ValidationResult, validate_entity};
use serde_json::Value;

use crate::yaml::{self, MAX_FILE_BYTES};

/// Deepest chain of Location entities followed.
const MAX_LOCATION_DEPTH: usize = 32;

/// A valid entity and where it came from.
#[derive(Debug)]
pub struct Candidate {
    /// The ingested path (as given, canonicalised) this entity was reached through.
    pub root: String,
    pub file: String,
    pub document: u64,
    pub line: u64,
    pub valid: ValidEntity,
}

/// Everything read from a set of paths.
#[derive(Debug, Default)]
pub struct Collected {
    /// Valid entities, first occurrence of each ref, in reading order.
    pub entities: Vec<Candidate>,
    /// One result per document read (valid or not).
    pub results: Vec<ValidationResult>,
    pub errors: Vec<IngestProblem>,
    pub warnings: Vec<IngestProblem>,
    /// The canonical roots that were read; re-ingesting a root replaces what it held.
    pub roots: Vec<String>,
    /// YAML files in the folders read that were not read because of their names.
    pub skipped_yaml: Vec<String>,
}

/// Where streaming collection hands each valid entity as soon as it is read.
pub type Emit<'e> = &'e mut dyn FnMut(Candidate);

struct Walker<'a> {
    out: Collected,
    selection: &'a FileSelection,
    /// When set, valid entities go here (to be written while reading goes on) instead of
    /// `out.entities`.
    sink: Option<Emit<'a>>,
    /// Files already read in this run.
    visited: HashSet<PathBuf>,
    /// Ref key → (file, line) of the first entity with that ref.
    seen_refs: HashMap<String, (String, u64)>,
}

/// The root keys `collect` will use for `paths`: each readable path, canonicalised, once.
pub fn root_keys(paths: &[PathBuf]) -> Vec<String> {
    let mut roots: Vec<String> = Vec::new();
    for key in paths
        .iter()
        .filter_map(|p| p.canonicalize().ok())
        .map(|p| p.to_string_lossy().into_owned())
    {
        if !roots.contains(&key) {
            roots.push(key);
        }
    }
    roots
}

/// Reads `paths` (files or folders) and everything their Location entities point at.
pub fn collect(paths: &[PathBuf], selection: &FileSelection) -> Collected {
    collect_with(paths, selection, None)
}

/// Like `collect`, handing each valid entity to `sink` as soon as it is read.
pub fn collect_streaming(paths: &[PathBuf], selection: &FileSelection, sink: Emit) -> Collected {
    collect_with(paths, selection, Some(sink))
}

fn collect_with<'a>(
    paths: &[PathBuf],
    selection: &'a FileSelection,
    sink: Option<Emit<'a>>,
) -> Collected {
    let mut w = Walker {
        out: Collected::default(),
        selection,
        sink,
        visited: HashSet::new(),
        seen_refs: HashMap::new(),
    };
    for path in paths {
        let canonical = match path.canonicalize() {
            Ok(p) => p,
            Err(e) => {
                w.out.errors.push(problem(
                    path,
                    None,
                    format!("cannot read {}: {e}", path.display()),
                ));
                continue;
            }
        };
        let root_key = canonical.to_string_lossy().into_owned();
        if w.out.roots.contains(&root_key) {
            continue;
        }
        w.out.roots.push(root_key.clone());
        if canonical.is_dir() {
            let found =
                files::catalog_files_in(&canonical, &canonical, selection, &mut w.out.errors);
            if found.files.is_empty() {
                let message = found.nothing_to_read(&canonical, selection);
                w.out.errors.push(problem(&canonical, None, message));
            }
            w.out.skipped_yaml.extend(
                found
                    .skipped_yaml
                    .iter()
                    .map(|f| canonical.join(f).to_string_lossy().into_owned()),
            );
            for file in found.files {
                w.read_file(&file, &root_key, &canonical, &mut Vec::new());
            }
        } else {
            let root_dir = canonical
                .parent()
                .map_or_else(|| canonical.clone(), Path::to_path_buf);
            w.read_file(&canonical, &root_key, &root_dir, &mut Vec::new());
        }
    }
    w.out
}

fn problem(file: &Path, line: Option<u64>, message: String) -> IngestProblem {
    IngestProblem {
        file: file.to_string_lossy().into_owned(),
        line,
        message,
        ..IngestProblem::default()
    }
}

fn entity_ref_of(value: &Value) -> Option<String> {
    let kind = value.get("kind")?.as_str()?;
    let meta = value.get("metadata")?;
    let name = meta.get("name")?.as_str()?;
    let ns = meta
        .get("namespace")
        .and_then(Value::as_str)
        .unwrap_or("default");
    Some(format!("{kind}:{ns}/{name}").to_lowercase())
}

impl Walker<'_> {
    fn emit(&mut self, c: Candidate) {
        match &mut self.sink {
            Some(sink) => sink(c),
            None => self.out.entities.push(c),
        }
    }

    fn read_file(&mut self, file: &Path, root: &str, root_dir: &Path, stack: &mut Vec<PathBuf>) {
        if !self.visited.insert(file.to_path_buf()) {
            return;
        }
        let file_str = file.to_string_lossy().into_owned();
        let text = match backlot_safe_fs::read_text_capped(file, MAX_FILE_BYTES) {
            Ok(text) => text,
            Err(e) => {
                self.out.errors.push(problem(file, None, e.to_string()));
                return;
            }
        };
        let dir = file.parent().unwrap_or(root_dir);
        stack.push(file.to_path_buf());
        for doc in yaml::parse_documents(&text) {
            let mut result = ValidationResult {
                file: file_str.clone(),
                document: doc.index,
                line: doc.line,
                ..Default::default()
            };
            let mut value = match doc.content {
                Ok(v) => v,
                Err(e) => {
                    let message = format!("YAML syntax error: {}", e.message);
                    result.line = e.line;
                    result
                        .errors
                        .push(format!("{}:{}:{}: {message}", file_str, e.line, e.column));
                    self.out.results.push(result);
                    self.out.errors.push(IngestProblem {
                        file: file_str.clone(),
                        line: Some(e.line),
                        column: Some(e.column),
                        document: Some(doc.index),
                        message,
                        ..Default::default()
                    });
                    continue;
                }
            };
            result.kind = value
                .get("kind")
                .and_then(Value::as_str)
                .map(str::to_string);
            result.name = value
                .pointer("/metadata/name")
                .and_then(Value::as_str)
                .map(str::to_string);
            result.namespace = value
                .pointer("/metadata/namespace")
                .and_then(Value::as_str)
                .map(str::to_string)
                .or_else(|| result.name.as_ref().map(|_| "default".to_string()));
            let entity_ref = entity_ref_of(&value);
            let at = |field: Option<String>, message: String| IngestProblem {
                file: file_str.clone(),
                line: Some(doc.line),
                column: None,
                document: Some(doc.index),
                entity_ref: entity_ref.clone(),
                field,
                message,
            };
            let resolved = placeholders::resolve(&mut value, dir, root_dir);
            for (field, message) in resolved.warnings {
                self.out.warnings.push(at(Some(field), message));
            }
            let mut errors: Vec<ValidationError> = resolved
                .errors
                .into_iter()
                .map(|(field, message)| ValidationError { field, message })
                .collect();
            let valid = if errors.is_empty() {
                match validate_entity(value) {
                    Ok(v) => Some(v),
                    Err(e) => {
                        errors = e;
                        None
                    }
                }
            } else {
                None
            };
            let Some(valid) = valid else {
                for e in &errors {
                    result.errors.push(e.to_string());
                    self.out
                        .errors
                        .push(at(Some(e.field.clone()), e.message.clone()));
                }
                self.out.results.push(result);
                continue;
            };
            let key = valid.entity.entity_ref().key();
            if let Some((first_file, first_line)) = self.seen_refs.get(&key) {
                let message = format!(
                    "duplicate entity {key}: already defined at {first_file}:{first_line}; this one is ignored"
                );
                result.errors.push(message.clone());
                self.out.results.push(result);
                self.out.errors.push(at(None, message));
                continue;
            }
            self.seen_refs.insert(key, (file_str.clone(), doc.line));
            result.valid = true;
            self.out.results.push(result);
            let targets = location_targets(&valid);
            self.emit(Candidate {
                root: root.to_string(),
                file: file_str.clone(),
                document: doc.index,
                line: doc.line,
                valid,
            });
            if let Some((targets, optional)) = targets {
                for target in targets {
                    self.follow(&target, optional, dir, root, root_dir, stack, &at);
                }
            }
        }
        stack.pop();
    }

    #[allow(clippy::too_many_arguments)]
    fn follow(
        &mut self,
        target: &str,
        optional: bool,
        dir: &Path,
        root: &str,
        root_dir: &Path,
        stack: &mut Vec<PathBuf>,
        at: &dyn Fn(Option<String>, String) -> IngestProblem,
    ) {
        if target.contains("://") {
            self.out.warnings.push(at(
                Some("spec.target".into()),
                format!("remote location {target} was not read (Backlot reads local files)"),
            ));
            return;
        }
        let relative = target.strip_prefix("file:").unwrap_or(target);
        let canonical = match backlot_safe_fs::resolve_inside(root_dir, dir, relative) {
            Ok(p) => p,
            Err(e) if e.is_not_found() && optional => return,
            Err(e) => {
                self.out.errors.push(at(
                    Some("spec.targets".into()),
                    format!("location target {target}: {e}"),
                ));
                return;
            }
        };
        if let Some(pos) = stack.iter().position(|p| *p == canonical) {
            let chain: Vec<String> = stack[pos..]
                .iter()
                .chain(std::iter::once(&canonical))
                .map(|p| p.to_string_lossy().into_owned())
                .collect();
            self.out.errors.push(at(
                Some("spec.targets".into()),
                format!("location cycle: {}", chain.join(" -> ")),
            ));
            return;
        }
        if stack.len() >= MAX_LOCATION_DEPTH {
            self.out.errors.push(at(
                Some("spec.targets".into()),
                format!("locations nested deeper than {MAX_LOCATION_DEPTH}; {target} not read"),
            ));
            return;
        }
        if canonical.is_dir() {
            let found =
                files::catalog_files_in(&canonical, root_dir, self.selection, &mut self.out.errors);
            for file in found.files {
                self.read_file(&file, root, root_dir, stack);
            }
        } else {
            self.read_file(&canonical, root, root_dir, stack);
        }
    }
}

/// A Location's targets and whether they are optional.
fn location_targets(valid: &ValidEntity) -> Option<(Vec<String>, bool)> {
    let e = &valid.entity;
    if e.known_kind() != Some(backlot_model::Kind::Location) {
        return None;
    }
    let spec = e.spec.as_ref()?;
    let mut targets = Vec::new();
    if let Some(t) = spec.get("target").and_then(Value::as_str) {
        targets.push(t.to_string());
    }
    if let Some(list) = spec.get("targets").and_then(Value::as_array) {
        targets.extend(list.iter().filter_map(Value::as_str).map(str::to_string));
    }
    let optional = spec.get("presence").and_then(Value::as_str) == Some("optional");
    Some((targets, optional))
}

/// Validates in-memory documents as if they were the documents of one file named `source`,
/// sending each valid entity to `sink`.
pub fn from_values(source: &str, values: Vec<Value>, sink: Emit) -> Collected {
    let mut out = Collected {
        roots: vec![source.to_string()],
        ..Default::default()
    };
    let mut seen: HashSet<String> = HashSet::with_capacity(values.len());
    for (i, value) in values.into_iter().enumerate() {
        let document = i as u64;
        let entity_ref = entity_ref_of(&value);
        match validate_entity(value) {
            Ok(valid) => {
                let key = valid.entity.entity_ref().key();
                if !seen.insert(key.clone()) {
                    out.errors.push(IngestProblem {
                        file: source.to_string(),
                        document: Some(document),
                        entity_ref: Some(key.clone()),
                        message: format!("duplicate entity {key}: this one is ignored"),
                        ..Default::default()
                    });
                    continue;
                }
                sink(Candidate {
                    root: source.to_string(),
                    file: source.to_string(),
                    document,
                    line: 0,
                    valid,
                });
            }
            Err(errors) => {
                for e in errors {
                    out.errors.push(IngestProblem {
                        file: source.to_string(),
                        document: Some(document),
                        entity_ref: entity_ref.clone(),
                        field: Some(e.field),
                        message: e.message,
                        ..Default::default()
                    });
                }
            }
        }
    }
    out
}
