//! `fetch:plain`, `fetch:plain:file`, `fetch:template`, `fetch:template:file`: copy or
//! render files from the template's folder into the workspace.

use std::path::{Path, PathBuf};

use globset::{GlobBuilder, GlobSetBuilder};
use serde_json::Value as Json;

use super::{ActionContext, FileLimits, input_bool, input_str, required_str};
use crate::error::ScaffolderError;
use crate::paths::{relative_slash, safe_child};
use crate::template::{Templater, TemplaterOptions};

/// Resolves a step's `url` against the template's folder: local paths only, inside it.
fn resolve_url(ctx: &ActionContext<'_>, url: &str) -> Result<PathBuf, ScaffolderError> {
    if is_absolute_url(url) {
        return Err(ScaffolderError::RemoteUrl {
            url: url.to_string(),
        });
    }
    let path = backlot_safe_fs::resolve_inside(ctx.template_dir, ctx.template_dir, url)?;
    Ok(path)
}

/// What `new URL(x)` accepts: a scheme followed by `:`.
fn is_absolute_url(url: &str) -> bool {
    match url.split_once(':') {
        Some((scheme, _)) => {
            !scheme.is_empty()
                && scheme
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        }
        None => false,
    }
}

/// One entry of a template folder.
struct Entry {
    /// `/`-separated, relative; folders end with `/` (globby's `markDirectories`).
    location: String,
    path: PathBuf,
    is_dir: bool,
    is_symlink: bool,
}

/// Every file and folder under `root`, symlinks not followed, sorted, within the caps.
fn walk(root: &Path, limits: &FileLimits) -> Result<Vec<Entry>, ScaffolderError> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let read = std::fs::read_dir(&dir).map_err(|e| ScaffolderError::io(&dir, e))?;
        for item in read {
            let item = item.map_err(|e| ScaffolderError::io(&dir, e))?;
            let path = item.path();
            let meta =
                std::fs::symlink_metadata(&path).map_err(|e| ScaffolderError::io(&path, e))?;
            let rel = relative_slash(root, &path);
            if out.len() >= limits.max_files {
                return Err(ScaffolderError::TooManyFiles {
                    what: root.display().to_string(),
                    max: limits.max_files,
                });
            }
            if meta.is_dir() {
                stack.push(path.clone());
                out.push(Entry {
                    location: format!("{rel}/"),
                    path,
                    is_dir: true,
                    is_symlink: false,
                });
            } else {
                out.push(Entry {
                    location: rel,
                    path,
                    is_dir: false,
                    is_symlink: meta.file_type().is_symlink(),
                });
            }
        }
    }
    // Depth first, siblings by name (how the listing reads), not plain string order.
    out.sort_by(|a, b| {
        a.location
            .trim_end_matches('/')
            .split('/')
            .cmp(b.location.trim_end_matches('/').split('/'))
    });
    Ok(out)
}

/// isbinaryfile's verdict on the first bytes of a file.
pub(crate) fn is_binary(bytes: &[u8]) -> bool {
    let sample = &bytes[..bytes.len().min(512)];
    if sample.is_empty() {
        return false;
    }
    if sample.starts_with(&[0xEF, 0xBB, 0xBF])
        || sample.starts_with(&[0xFE, 0xFF])
        || sample.starts_with(&[0xFF, 0xFE])
        || sample.starts_with(&[0, 0, 0xFE, 0xFF])
    {
        return false;
    }
    if sample.starts_with(b"%PDF-") {
        return true;
    }
    let mut suspicious = 0usize;
    let mut i = 0;
    while i < sample.len() {
        let b = sample[i];
        if b == 0 {
            return true;
        }
        if !(7..=14).contains(&b) && b < 32 {
            suspicious += 1;
        } else if b >= 0x80 {
            // A multi-byte UTF-8 sequence is fine; a stray byte is suspicious.
            let width = match b {
                0xC2..=0xDF => 2,
                0xE0..=0xEF => 3,
                0xF0..=0xF4 => 4,
                _ => 0,
            };
            let complete = width > 0
                && (1..width).all(|k| sample.get(i + k).is_none_or(|c| (0x80..=0xBF).contains(c)));
            if complete {
                i += width;
                continue;
            }
            suspicious += 1;
        }
        if suspicious * 100 / sample.len() > 10 && i >= 32 {
            return true;
        }
        i += 1;
    }
    suspicious * 100 / sample.len() > 10
}

#[cfg(unix)]
fn file_mode(meta: &std::fs::Metadata) -> u32 {
    use std::os::unix::fs::MetadataExt;
    meta.mode()
}

#[cfg(not(unix))]
fn file_mode(_meta: &std::fs::Metadata) -> u32 {
    0o100644
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) -> Result<(), ScaffolderError> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode & 0o7777))
        .map_err(|e| ScaffolderError::io(path, e))
}

#[cfg(not(unix))]
fn set_mode(_path: &Path, _mode: u32) -> Result<(), ScaffolderError> {
    Ok(())
}

fn write_file(path: &Path, bytes: &[u8], mode: Option<u32>) -> Result<(), ScaffolderError> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| ScaffolderError::io(parent, e))?;
    }
    // Never write through a symlink already standing at the target.
    if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        std::fs::remove_file(path).map_err(|e| ScaffolderError::io(path, e))?;
    }
    std::fs::write(path, bytes).map_err(|e| ScaffolderError::io(path, e))?;
    if let Some(mode) = mode {
        set_mode(path, mode)?;
    }
    Ok(())
}

/// Recreates a symlink found in the template, if it points inside the template's folder.
fn copy_symlink(ctx: &ActionContext<'_>, src: &Path, dest: &Path) -> Result<(), ScaffolderError> {
    let target = std::fs::read_link(src).map_err(|e| ScaffolderError::io(src, e))?;
    let base = src.parent().unwrap_or(ctx.template_dir);
    if target.is_absolute()
        || !crate::paths::lexically_inside(ctx.template_dir, &base.join(&target))
    {
        return Err(ScaffolderError::refused(
            relative_slash(ctx.template_dir, src),
            "a symlink leaving the template's folder",
        ));
    }
    if let Some(parent) = dest.parent() {
        std::fs::create_dir_all(parent).map_err(|e| ScaffolderError::io(parent, e))?;
    }
    if std::fs::symlink_metadata(dest).is_ok() {
        let _ = std::fs::remove_file(dest);
    }
    #[cfg(unix)]
    std::os::unix::fs::symlink(&target, dest).map_err(|e| ScaffolderError::io(dest, e))?;
    Ok(())
}

/// Copies a file or folder tree (`fs.copy`: overwrites, keeps modes and in-root symlinks).
fn copy_tree(ctx: &ActionContext<'_>, src: &Path, dest: &Path) -> Result<(), ScaffolderError> {
    let meta = std::fs::symlink_metadata(src).map_err(|e| ScaffolderError::io(src, e))?;
    if !meta.is_dir() {
        return copy_one(ctx, src, dest, &meta, &mut 0);
    }
    std::fs::create_dir_all(dest).map_err(|e| ScaffolderError::io(dest, e))?;
    let mut total = 0u64;
    for entry in walk(src, &ctx.file_limits)? {
        let target = safe_child(
            ctx.workspace,
            &relative_slash(
                ctx.workspace,
                &dest.join(entry.location.trim_end_matches('/')),
            ),
        )?;
        if entry.is_dir {
            std::fs::create_dir_all(&target).map_err(|e| ScaffolderError::io(&target, e))?;
            continue;
        }
        let meta = std::fs::symlink_metadata(&entry.path)
            .map_err(|e| ScaffolderError::io(&entry.path, e))?;
        copy_one(ctx, &entry.path, &target, &meta, &mut total)?;
    }
    Ok(())
}

fn copy_one(
    ctx: &ActionContext<'_>,
    src: &Path,
    dest: &Path,
    meta: &std::fs::Metadata,
    total: &mut u64,
) -> Result<(), ScaffolderError> {
    if meta.file_type().is_symlink() {
        return copy_symlink(ctx, src, dest);
    }
    let bytes = backlot_safe_fs::read_capped(src, ctx.file_limits.max_file)?;
    *total += bytes.len() as u64;
    if *total > ctx.file_limits.max_total {
        return Err(ScaffolderError::TooLarge {
            what: relative_slash(ctx.template_dir, src),
            max: ctx.file_limits.max_total,
        });
    }
    write_file(dest, &bytes, Some(file_mode(meta)))
}

pub struct FetchPlain;

impl super::Action for FetchPlain {
    fn input_schema(&self) -> Option<Json> {
        super::input_schemas::builtin(self.id())
    }
    fn id(&self) -> &str {
        "fetch:plain"
    }
    fn supports_dry_run(&self) -> bool {
        true
    }
    fn run(&self, ctx: &mut ActionContext<'_>, input: &Json) -> Result<(), ScaffolderError> {
        ctx.info("Fetching plain content from remote URL");
        let target = input_str(input, "targetPath").unwrap_or("./");
        let output = ctx.workspace_path(target)?;
        let url = required_str(input, "url", self.id())?;
        let src = resolve_url(ctx, url)?;
        copy_tree(ctx, &src, &output)
    }
}

pub struct FetchPlainFile;

impl super::Action for FetchPlainFile {
    fn input_schema(&self) -> Option<Json> {
        super::input_schemas::builtin(self.id())
    }
    fn id(&self) -> &str {
        "fetch:plain:file"
    }
    fn supports_dry_run(&self) -> bool {
        true
    }
    fn run(&self, ctx: &mut ActionContext<'_>, input: &Json) -> Result<(), ScaffolderError> {
        ctx.info("Fetching plain content from remote URL");
        let target = required_str(input, "targetPath", self.id())?;
        let output = ctx.workspace_path(target)?;
        let url = required_str(input, "url", self.id())?;
        let src = resolve_url(ctx, url)?;
        // Like `fs.copyFile`: the target's folder must exist.
        if let Some(parent) = output.parent()
            && !parent.is_dir()
        {
            return Err(ScaffolderError::io(
                parent,
                std::io::Error::new(std::io::ErrorKind::NotFound, "no such file or directory"),
            ));
        }
        let meta = std::fs::symlink_metadata(&src).map_err(|e| ScaffolderError::io(&src, e))?;
        copy_one(ctx, &src, &output, &meta, &mut 0)
    }
}

fn templater_for(ctx: &ActionContext<'_>, input: &Json) -> Templater {
    Templater::new(&TemplaterOptions {
        cookiecutter_compat: input_bool(input, "cookiecutterCompat"),
        trim_blocks: input_bool(input, "trimBlocks"),
        lstrip_blocks: input_bool(input, "lstripBlocks"),
        integrations: ctx.integrations.clone(),
        limits: ctx.limits,
    })
}

fn values_context(input: &Json) -> Json {
    let key = if input_bool(input, "cookiecutterCompat") {
        "cookiecutter"
    } else {
        "values"
    };
    let mut map = serde_json::Map::new();
    if let Some(values) = input.get("values") {
        map.insert(key.to_string(), values.clone());
    }
    Json::Object(map)
}

fn render_error(
    ctx: &ActionContext<'_>,
    what: String,
    source: crate::template::TemplateError,
) -> ScaffolderError {
    ScaffolderError::Render {
        step_id: ctx.step_id.to_string(),
        what,
        source,
    }
}

pub struct FetchTemplate;

impl super::Action for FetchTemplate {
    fn input_schema(&self) -> Option<Json> {
        super::input_schemas::builtin(self.id())
    }
    fn id(&self) -> &str {
        "fetch:template"
    }
    fn supports_dry_run(&self) -> bool {
        true
    }
    fn run(&self, ctx: &mut ActionContext<'_>, input: &Json) -> Result<(), ScaffolderError> {
        let target = input_str(input, "targetPath").unwrap_or("./");
        let output_dir = ctx.workspace_path(target)?;
        let copy_only = match input.get("copyWithoutTemplating") {
            None | Some(Json::Null) => None,
            Some(Json::Array(items)) => Some(
                items
                    .iter()
                    .filter_map(Json::as_str)
                    .map(str::to_string)
                    .collect::<Vec<_>>(),
            ),
            Some(_) => {
                return Err(ScaffolderError::Input(
                    "Fetch action input copyWithoutTemplating must be an Array".into(),
                ));
            }
        };
        let ext_input = input
            .get("templateFileExtension")
            .filter(|v| crate::template::js::json_truthy(v));
        if ext_input.is_some() && (copy_only.is_some() || input_bool(input, "cookiecutterCompat")) {
            return Err(ScaffolderError::Input(
                "Fetch action input extension incompatible with copyWithoutTemplating and cookiecutterCompat".into(),
            ));
        }
        let extension: Option<String> = ext_input.map(|v| {
            let e = match v {
                Json::Bool(true) => ".njk".to_string(),
                Json::String(s) => s.clone(),
                other => crate::template::js::stringify(other, ""),
            };
            if e.starts_with('.') {
                e
            } else {
                format!(".{e}")
            }
        });

        ctx.info("Fetching template content from remote URL");
        let url = required_str(input, "url", self.id())?;
        let template_dir = resolve_url(ctx, url)?;
        if !std::fs::metadata(&template_dir).is_ok_and(|m| m.is_dir()) {
            return Err(ScaffolderError::Input(format!(
                "{url} is not a folder of the template"
            )));
        }
        ctx.info("Listing files and directories in template");
        let entries = walk(&template_dir, &ctx.file_limits)?;

        let non_templated: std::collections::HashSet<String> = match &copy_only {
            Some(patterns) => {
                let mut set = GlobSetBuilder::new();
                let mut tails = Vec::new();
                for p in patterns {
                    let p = p.strip_prefix("./").unwrap_or(p);
                    // globby expands a pattern naming a folder to everything inside it.
                    let expanded;
                    let p = if !p.contains(['*', '?', '[', '{']) && template_dir.join(p).is_dir() {
                        expanded = format!("{}/**", p.trim_end_matches('/'));
                        expanded.as_str()
                    } else {
                        p
                    };
                    if let Some(base) = p.strip_suffix("/**") {
                        tails.push(base.to_string());
                    }
                    let glob = GlobBuilder::new(p)
                        .literal_separator(true)
                        .build()
                        .map_err(|e| {
                            ScaffolderError::Input(format!(
                                "bad copyWithoutTemplating pattern {p}: {e}"
                            ))
                        })?;
                    set.add(glob);
                }
                let set = set
                    .build()
                    .map_err(|e| ScaffolderError::Input(e.to_string()))?;
                entries
                    .iter()
                    // `dir/**` matches what is inside `dir`, not `dir` itself.
                    .filter(|e| {
                        let path = e.location.trim_end_matches('/');
                        set.is_match(path) && !(e.is_dir && tails.iter().any(|t| t == path))
                    })
                    .map(|e| e.location.clone())
                    .collect()
            }
            None => Default::default(),
        };

        let context = values_context(input);
        ctx.info_with(
            format!(
                "Processing {} template files/directories with input values",
                entries.len()
            ),
            input.get("values").cloned(),
        );
        let templater = templater_for(ctx, input);
        let replace = input_bool(input, "replace");
        let mut total = 0u64;
        for entry in &entries {
            let location = &entry.location;
            let (render_contents, local) = match &extension {
                Some(ext) => {
                    let file_ext = Path::new(location.trim_end_matches('/'))
                        .extension()
                        .map(|e| format!(".{}", e.to_string_lossy()));
                    let render =
                        !location.ends_with('/') && file_ext.as_deref() == Some(ext.as_str());
                    let local = if render {
                        location[..location.len() - ext.len()].to_string()
                    } else {
                        location.clone()
                    };
                    (render, local)
                }
                None => (!non_templated.contains(location), location.clone()),
            };
            let local = templater
                .render(&local, &context)
                .map_err(|e| render_error(ctx, format!("the file name {location}"), e))?;
            if local.is_empty() || local.starts_with('/') || local.contains("//") {
                continue;
            }
            let output_path = safe_child(&output_dir, &local)?;
            if std::fs::symlink_metadata(&output_path).is_ok() && !replace {
                continue;
            }
            if !render_contents && extension.is_none() {
                ctx.info(format!(
                    "Copying file/directory {location} without processing."
                ));
            }
            if entry.is_dir {
                ctx.info(format!(
                    "Writing directory {location} to template output path."
                ));
                std::fs::create_dir_all(&output_path)
                    .map_err(|e| ScaffolderError::io(&output_path, e))?;
                continue;
            }
            if entry.is_symlink {
                ctx.info(format!(
                    "Copying file binary or symbolic link at {location}, to template output path."
                ));
                copy_symlink(ctx, &entry.path, &output_path)?;
                continue;
            }
            let meta =
                std::fs::metadata(&entry.path).map_err(|e| ScaffolderError::io(&entry.path, e))?;
            let bytes = backlot_safe_fs::read_capped(&entry.path, ctx.file_limits.max_file)?;
            total += bytes.len() as u64;
            if total > ctx.file_limits.max_total {
                return Err(ScaffolderError::TooLarge {
                    what: url.to_string(),
                    max: ctx.file_limits.max_total,
                });
            }
            if is_binary(&bytes) {
                ctx.info(format!(
                    "Copying file binary or symbolic link at {location}, to template output path."
                ));
                write_file(&output_path, &bytes, Some(file_mode(&meta)))?;
                continue;
            }
            let mode = file_mode(&meta);
            ctx.info(format!(
                "Writing file {location} to template output path with mode {mode}."
            ));
            let text = String::from_utf8_lossy(&bytes);
            let out = if render_contents {
                templater
                    .render(&text, &context)
                    .map_err(|e| render_error(ctx, format!("the file {location}"), e))?
            } else {
                text.into_owned()
            };
            write_file(&output_path, out.as_bytes(), Some(mode))?;
        }
        ctx.info(format!(
            "Template result written to {}",
            output_dir.display()
        ));
        Ok(())
    }
}

pub struct FetchTemplateFile;

impl super::Action for FetchTemplateFile {
    fn input_schema(&self) -> Option<Json> {
        super::input_schemas::builtin(self.id())
    }
    fn id(&self) -> &str {
        "fetch:template:file"
    }
    fn supports_dry_run(&self) -> bool {
        true
    }
    fn run(&self, ctx: &mut ActionContext<'_>, input: &Json) -> Result<(), ScaffolderError> {
        let target = required_str(input, "targetPath", self.id())?;
        let output = ctx.workspace_path(target)?;
        if std::fs::symlink_metadata(&output).is_ok() && !input_bool(input, "replace") {
            ctx.info(format!(
                "File {target} already exists in workspace, not replacing."
            ));
            return Ok(());
        }
        ctx.info("Fetching template file content from remote URL");
        let url = required_str(input, "url", self.id())?;
        let src = resolve_url(ctx, url)?;
        let text = backlot_safe_fs::read_text_capped(&src, ctx.file_limits.max_file)?;
        ctx.info_with(
            "Processing template file with input values",
            input.get("values").cloned(),
        );
        let templater = templater_for(ctx, input);
        let out = templater
            .render(&text, &values_context(input))
            .map_err(|e| render_error(ctx, format!("the file {url}"), e))?;
        write_file(&output, out.as_bytes(), None)?;
        ctx.info(format!(
            "Template file has been written to {}",
            output.display()
        ));
        Ok(())
    }
}
