//! `fs:rename` and `fs:delete`, inside the workspace.

use serde_json::Value as Json;

use super::{ActionContext, input_bool};
use crate::error::ScaffolderError;
use crate::paths::relative_slash;

pub struct Rename;

impl super::Action for Rename {
    fn input_schema(&self) -> Option<Json> {
        super::input_schemas::builtin(self.id())
    }
    fn id(&self) -> &str {
        "fs:rename"
    }
    fn supports_dry_run(&self) -> bool {
        true
    }
    fn run(&self, ctx: &mut ActionContext<'_>, input: &Json) -> Result<(), ScaffolderError> {
        let Some(files) = input.get("files").and_then(Json::as_array) else {
            return Err(ScaffolderError::Input("files must be an Array".into()));
        };
        for file in files {
            let from = file
                .get("from")
                .and_then(Json::as_str)
                .filter(|s| !s.is_empty());
            let to = file
                .get("to")
                .and_then(Json::as_str)
                .filter(|s| !s.is_empty());
            let (Some(from), Some(to)) = (from, to) else {
                return Err(ScaffolderError::Input(
                    "each file must have a from and to property".into(),
                ));
            };
            let src = ctx.workspace_path(from)?;
            let dest = ctx.workspace_path(to)?;
            if std::fs::symlink_metadata(&src).is_err() {
                return Err(ScaffolderError::io(
                    &src,
                    std::io::Error::new(std::io::ErrorKind::NotFound, "no such file or directory"),
                ));
            }
            if std::fs::symlink_metadata(&dest).is_ok() {
                if !input_bool(file, "overwrite") {
                    return Err(ScaffolderError::Input("dest already exists.".into()));
                }
                let meta =
                    std::fs::symlink_metadata(&dest).map_err(|e| ScaffolderError::io(&dest, e))?;
                if meta.is_dir() {
                    std::fs::remove_dir_all(&dest).map_err(|e| ScaffolderError::io(&dest, e))?;
                } else {
                    std::fs::remove_file(&dest).map_err(|e| ScaffolderError::io(&dest, e))?;
                }
            }
            if let Some(parent) = dest.parent() {
                std::fs::create_dir_all(parent).map_err(|e| ScaffolderError::io(parent, e))?;
            }
            std::fs::rename(&src, &dest).map_err(|e| ScaffolderError::io(&src, e))?;
            ctx.info(format!(
                "File {} renamed to {} successfully",
                src.display(),
                dest.display()
            ));
        }
        Ok(())
    }
}

pub struct Delete;

impl super::Action for Delete {
    fn input_schema(&self) -> Option<Json> {
        super::input_schemas::builtin(self.id())
    }
    fn id(&self) -> &str {
        "fs:delete"
    }
    fn supports_dry_run(&self) -> bool {
        true
    }
    fn run(&self, ctx: &mut ActionContext<'_>, input: &Json) -> Result<(), ScaffolderError> {
        let Some(files) = input.get("files").and_then(Json::as_array) else {
            return Err(ScaffolderError::Input("files must be an Array".into()));
        };
        for file in files {
            let pattern =
                crate::template::js::to_display_string(&crate::template::js::from_json(file));
            let safe = ctx.workspace_path(&pattern)?;
            let mut rel = relative_slash(ctx.workspace, &safe);
            // globby expands a pattern naming a folder to everything inside it.
            if safe.is_dir() && !pattern.contains(['*', '?', '[', '{']) {
                rel = format!("{rel}/**");
            }
            let glob = globset::GlobBuilder::new(&rel)
                .literal_separator(true)
                .build()
                .map_err(|e| ScaffolderError::Input(format!("bad pattern {pattern}: {e}")))?
                .compile_matcher();
            // globby's default: files only (a folder named alone matches nothing).
            let mut matches = Vec::new();
            let mut stack = vec![ctx.workspace.to_path_buf()];
            while let Some(dir) = stack.pop() {
                let Ok(read) = std::fs::read_dir(&dir) else {
                    continue;
                };
                for item in read.flatten() {
                    let path = item.path();
                    let Ok(meta) = std::fs::symlink_metadata(&path) else {
                        continue;
                    };
                    if meta.is_dir() {
                        stack.push(path);
                    } else if glob.is_match(relative_slash(ctx.workspace, &path)) {
                        matches.push(path);
                    }
                }
            }
            matches.sort();
            for path in matches {
                let safe = ctx.workspace_path(&relative_slash(ctx.workspace, &path))?;
                std::fs::remove_file(&safe).map_err(|e| ScaffolderError::io(&safe, e))?;
                ctx.info(format!("File {} deleted successfully", safe.display()));
            }
        }
        Ok(())
    }
}

pub struct ReadDir;

impl super::Action for ReadDir {
    fn input_schema(&self) -> Option<Json> {
        super::input_schemas::builtin(self.id())
    }
    fn id(&self) -> &str {
        "fs:readdir"
    }
    fn supports_dry_run(&self) -> bool {
        true
    }
    fn run(&self, ctx: &mut ActionContext<'_>, input: &Json) -> Result<(), ScaffolderError> {
        let Some(paths) = input.get("paths").and_then(Json::as_array) else {
            return Err(ScaffolderError::Input(
                "Invalid input passed to action fs:readdir, instance requires property \"paths\""
                    .into(),
            ));
        };
        let recursive = input_bool(input, "recursive");
        let mut files = Vec::new();
        let mut folders = Vec::new();
        for local in paths {
            let local = local.as_str().unwrap_or_default();
            let root = ctx.workspace_path(local)?;
            let mut stack = vec![root.clone()];
            while let Some(dir) = stack.pop() {
                let read = std::fs::read_dir(&dir).map_err(|e| ScaffolderError::io(&dir, e))?;
                let mut entries: Vec<_> = read.flatten().collect();
                entries.sort_by_key(|e| e.file_name());
                let mut subdirs = Vec::new();
                for entry in entries {
                    let full = entry.path();
                    let element = serde_json::json!({
                        "name": entry.file_name().to_string_lossy(),
                        "path": relative_slash(ctx.workspace, &full),
                        "fullPath": full.display().to_string(),
                    });
                    let is_dir = std::fs::symlink_metadata(&full).is_ok_and(|m| m.is_dir());
                    if is_dir {
                        folders.push(element);
                        if recursive {
                            subdirs.push(full);
                        }
                    } else {
                        files.push(element);
                    }
                }
                // Depth-first in name order, as the listing reads.
                stack.extend(subdirs.into_iter().rev());
            }
        }
        ctx.output("files", Json::Array(files));
        ctx.output("folders", Json::Array(folders));
        Ok(())
    }
}
