//! Which files of a folder are catalog files: `catalog-info.yaml`, `catalog-info.yml` and
//! `.catalog-info.yaml` by default (all three are common in real repositories), plus what the
//! user's glob patterns match (`--glob`, the welcome page's file patterns). YAML files that
//! match neither are remembered so that "nothing to read" can name them.

use std::path::{Path, PathBuf};

use backlot_model::IngestProblem;

/// File names read in every folder.
pub const DEFAULT_NAMES: [&str; 3] = [
    "catalog-info.yaml",
    "catalog-info.yml",
    ".catalog-info.yaml",
];

/// Folders never descended into: build output and dependencies.
const SKIPPED_FOLDERS: [&str; 2] = ["node_modules", "target"];

/// Skipped YAML files named in a "nothing to read" message.
const NAMED_SKIPPED: usize = 10;

/// The default names plus the user's patterns, matched against a file's path relative to the
/// folder being read (`*.yaml`, `examples/**/*.yaml`, `all.yaml`).
#[derive(Debug, Clone, Default)]
pub struct FileSelection {
    patterns: Vec<String>,
    set: Option<globset::GlobSet>,
}

/// A `--glob` pattern that is not a glob.
#[derive(Debug, thiserror::Error)]
#[error("invalid file pattern {pattern:?}: {reason}")]
pub struct InvalidPattern {
    pub pattern: String,
    pub reason: String,
}

impl FileSelection {
    pub fn new(patterns: &[String]) -> Result<Self, InvalidPattern> {
        if patterns.is_empty() {
            return Ok(Self::default());
        }
        let mut builder = globset::GlobSetBuilder::new();
        for pattern in patterns {
            let glob = globset::Glob::new(pattern.trim()).map_err(|e| InvalidPattern {
                pattern: pattern.clone(),
                reason: e.kind().to_string(),
            })?;
            builder.add(glob);
        }
        let set = builder.build().map_err(|e| InvalidPattern {
            pattern: patterns.join(" "),
            reason: e.to_string(),
        })?;
        Ok(Self {
            patterns: patterns.to_vec(),
            set: Some(set),
        })
    }

    pub fn patterns(&self) -> &[String] {
        &self.patterns
    }

    fn matches(&self, name: &str, relative: &Path) -> bool {
        DEFAULT_NAMES.contains(&name) || self.set.as_ref().is_some_and(|s| s.is_match(relative))
    }

    /// "files named …" for messages.
    fn describe(&self) -> String {
        let mut text =
            "files named catalog-info.yaml, catalog-info.yml or .catalog-info.yaml".to_string();
        if !self.patterns.is_empty() {
            text.push_str(&format!(" and files matching {}", self.patterns.join(", ")));
        }
        text
    }
}

/// What reading a folder found.
#[derive(Debug, Default)]
pub struct FolderFiles {
    /// The catalog files, sorted.
    pub files: Vec<PathBuf>,
    /// YAML files not selected, relative to the folder.
    pub skipped_yaml: Vec<String>,
}

impl FolderFiles {
    /// The "nothing to read" message for `dir`, naming skipped YAML files and how to include
    /// them.
    pub fn nothing_to_read(&self, dir: &Path, selection: &FileSelection) -> String {
        let mut message = format!(
            "no catalog files in {}: Backlot reads {} in a folder and its subfolders",
            dir.display(),
            selection.describe()
        );
        if self.skipped_yaml.is_empty() {
            message.push_str("; this folder has no YAML files at all");
            return message;
        }
        let n = self.skipped_yaml.len();
        let named: Vec<&str> = self
            .skipped_yaml
            .iter()
            .take(NAMED_SKIPPED)
            .map(String::as_str)
            .collect();
        let more = if n > NAMED_SKIPPED {
            format!(" and {} more", n - NAMED_SKIPPED)
        } else {
            String::new()
        };
        message.push_str(&format!(
            "; {n} YAML file{} with other names {} skipped ({}{more}); to read them, add the file pattern {}",
            if n == 1 { "" } else { "s" },
            if n == 1 { "was" } else { "were" },
            named.join(", "),
            suggested_pattern(&self.skipped_yaml)
        ));
        message
    }
}

/// `*.yaml`, `*.yml`, or both, for the skipped files.
pub fn suggested_pattern(skipped: &[String]) -> &'static str {
    let yaml = skipped.iter().any(|f| f.ends_with(".yaml"));
    let yml = skipped.iter().any(|f| f.ends_with(".yml"));
    match (yaml, yml) {
        (false, true) => "*.yml",
        (true, true) => "*.{yaml,yml}",
        _ => "*.yaml",
    }
}

fn is_yaml(name: &str) -> bool {
    name.ends_with(".yaml") || name.ends_with(".yml")
}

/// The catalog files under `dir`, sorted, skipping hidden folders and build output. Symlinks
/// are followed only to regular files inside `root`; others are reported.
pub fn catalog_files_in(
    dir: &Path,
    root: &Path,
    selection: &FileSelection,
    errors: &mut Vec<IngestProblem>,
) -> FolderFiles {
    let mut found = FolderFiles::default();
    let walker = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            let name = e.file_name().to_string_lossy();
            e.depth() == 0
                || !e.file_type().is_dir()
                || !(name.starts_with('.') || SKIPPED_FOLDERS.contains(&name.as_ref()))
        });
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e
                    .path()
                    .map_or_else(|| dir.to_path_buf(), Path::to_path_buf);
                errors.push(super::problem(
                    &path,
                    None,
                    format!("cannot read folder: {e}"),
                ));
                continue;
            }
        };
        let kind = entry.file_type();
        if kind.is_dir() || !(kind.is_file() || kind.is_symlink()) {
            continue;
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        let relative = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        if !selection.matches(&name, relative) {
            if is_yaml(&name) {
                found
                    .skipped_yaml
                    .push(relative.to_string_lossy().into_owned());
            }
            continue;
        }
        if kind.is_symlink() {
            match backlot_safe_fs::resolve_inside(root, dir, &relative.to_string_lossy()) {
                Ok(target) => found.files.push(target),
                Err(e) => errors.push(super::problem(entry.path(), None, e.to_string())),
            }
            continue;
        }
        found.files.push(entry.into_path());
    }
    found
}
