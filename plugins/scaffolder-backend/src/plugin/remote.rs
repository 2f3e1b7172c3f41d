//! A team template's folder, read from the repository its
//! `backstage.io/managed-by-location` names (`url:https://github.com/o/r/blob/ref/x/template.yaml`)
//! through the proxy's `/github` endpoint (the user's `github-token` is added there): the
//! git tree of that folder, each blob fetched once and kept in a cache under the data folder
//! (by content hash: only changed files are fetched again), so the engine runs it like a
//! local template — and offline from the cache. The repository is hostile input: paths must
//! be plain and relative, symlinks are skipped, file sizes, the file count and the total are
//! capped.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use backlot_backend_plugin_api::{Host, stamp_of};
use backlot_model::ipc::{ProxyCall, ProxyReply};
use backlot_model::{ApiError, ErrorCode};
use base64::Engine as _;
use serde::Deserialize;

/// Files of a template folder, bytes of one file and of all, at most.
const MAX_FILES: usize = 2_000;
const MAX_FILE_BYTES: u64 = 10 * 1024 * 1024;
const MAX_TOTAL_BYTES: u64 = 100 * 1024 * 1024;
const MANIFEST: &str = "manifest.json";

/// Where a template lives on GitHub.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GithubLocation {
    pub owner: String,
    pub repo: String,
    pub git_ref: String,
    /// The template's folder inside the repository (`""`: its root).
    pub folder: String,
}

/// The GitHub hosts team templates are read from: github.com and the `integrations.github`
/// hosts of app-config.yaml (GitHub Enterprise, whose API the `/github` endpoint targets).
pub fn github_hosts(host: &dyn Host) -> Vec<String> {
    let mut hosts = vec!["github.com".to_string()];
    hosts.extend(
        host.integrations()
            .into_iter()
            .filter(|(_, provider)| provider == "github")
            .map(|(name, _)| name.to_ascii_lowercase()),
    );
    hosts
}

/// Reads `url:https://HOST/o/r/blob/ref/path/template.yaml` (or `/tree/`) on one of `hosts`.
pub fn github_location(location: &str, hosts: &[String]) -> Option<GithubLocation> {
    let url = location.strip_prefix("url:").unwrap_or(location).trim();
    let rest = hosts
        .iter()
        .find_map(|h| url.strip_prefix(&format!("https://{h}/")))?;
    let mut parts = rest.splitn(5, '/');
    let owner = parts.next()?.to_string();
    let repo = parts.next()?.to_string();
    let kind = parts.next()?;
    if kind != "blob" && kind != "tree" {
        return None;
    }
    let git_ref = parts.next()?.to_string();
    let file = parts.next().unwrap_or("");
    let folder = match file.rsplit_once('/') {
        Some((dir, _)) => dir.to_string(),
        None => String::new(),
    };
    let plain = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
            && s != "."
            && s != ".."
    };
    (plain(&owner) && plain(&repo) && !git_ref.is_empty()).then_some(GithubLocation {
        owner,
        repo,
        git_ref,
        folder,
    })
}

#[derive(Deserialize)]
struct Tree {
    tree: Vec<TreeEntry>,
    #[serde(default)]
    truncated: bool,
}

#[derive(Deserialize)]
struct TreeEntry {
    path: String,
    #[serde(rename = "type")]
    kind: String,
    sha: String,
    #[serde(default)]
    mode: String,
    #[serde(default)]
    size: Option<u64>,
}

#[derive(Deserialize)]
struct Blob {
    content: String,
    #[serde(default)]
    encoding: String,
}

fn get(host: &dyn Host, path: String) -> Result<ProxyReply, ApiError> {
    host.proxy(ProxyCall {
        method: "GET".into(),
        path,
        headers: vec![("accept".into(), "application/vnd.github+json".into())],
        body: None,
    })
}

fn refused(what: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::InvalidInput, what.into())
}

/// Answers other than 200 as errors that say what to do.
fn answered(reply: ProxyReply, what: &str) -> Result<String, ApiError> {
    match reply.status {
        200 => Ok(reply.body),
        401 | 403 => Err(ApiError::new(
            ErrorCode::Unauthorized,
            format!(
                "GitHub refused to give {what} ({}): add a github-token that can read the repository in Settings → Credentials",
                reply.status
            ),
        )),
        404 => Err(ApiError::not_found(format!(
            "GitHub has no {what} (404): the template's repository, branch or folder is gone, or the github-token cannot see it"
        ))),
        s => Err(ApiError::new(
            ErrorCode::Offline,
            format!("GitHub answered {s} for {what}"),
        )),
    }
}

/// A plain relative path inside the template folder.
fn safe_relative(path: &str) -> bool {
    !path.is_empty()
        && !path.starts_with('/')
        && !path.contains('\\')
        && !path.contains(':')
        && path
            .split('/')
            .all(|c| !c.is_empty() && c != "." && c != "..")
}

/// The template's folder on this machine (fetched or brought up to date first; the cached
/// copy when GitHub cannot be reached).
pub fn materialize(
    host: &dyn Host,
    entity_ref: &str,
    location: &GithubLocation,
) -> Result<PathBuf, ApiError> {
    let cache = host
        .data_dir()
        .join("scaffolder")
        .join("templates")
        .join(stamp_of([entity_ref.as_bytes()]));
    let files = cache.join("files");
    match fetch(host, location, &cache, &files) {
        Ok(()) => Ok(files),
        // Offline with a copy: run what was fetched last.
        Err(e) if e.code == ErrorCode::Offline && cache.join(MANIFEST).is_file() => Ok(files),
        Err(e) => Err(e),
    }
}

fn fetch(host: &dyn Host, at: &GithubLocation, cache: &Path, files: &Path) -> Result<(), ApiError> {
    let base = format!("/github/repos/{}/{}", at.owner, at.repo);
    let listing = answered(
        get(
            host,
            format!(
                "{base}/git/trees/{}?recursive=1",
                backlot_text::percent::encode(&at.git_ref)
            ),
        )?,
        "the template's file list",
    )?;
    let tree: Tree = serde_json::from_str(&listing)
        .map_err(|e| refused(format!("GitHub's file list could not be read: {e}")))?;
    if tree.truncated {
        return Err(refused(
            "the template's repository is too large for GitHub to list at once",
        ));
    }
    let prefix = if at.folder.is_empty() {
        String::new()
    } else {
        format!("{}/", at.folder)
    };
    let wanted: Vec<(&TreeEntry, &str)> = tree
        .tree
        .iter()
        .filter(|e| e.kind == "blob" && e.mode != "120000")
        .filter_map(|e| e.path.strip_prefix(&prefix).map(|rel| (e, rel)))
        .collect();
    if wanted.len() > MAX_FILES {
        return Err(refused(format!(
            "the template folder has more than {MAX_FILES} files; refused"
        )));
    }
    let total: u64 = wanted.iter().filter_map(|(e, _)| e.size).sum();
    if total > MAX_TOTAL_BYTES {
        return Err(refused(format!(
            "the template folder holds more than {MAX_TOTAL_BYTES} bytes; refused"
        )));
    }
    let io = |p: &Path, e: std::io::Error| {
        ApiError::new(
            ErrorCode::Storage,
            format!("{} could not be written: {e}", p.display()),
        )
    };
    let old: BTreeMap<String, String> = std::fs::read(cache.join(MANIFEST))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default();
    let mut manifest = BTreeMap::new();
    std::fs::create_dir_all(files).map_err(|e| io(files, e))?;
    for (entry, rel) in wanted {
        if !safe_relative(rel) {
            return Err(refused(format!(
                "{}: not a plain relative path; refused",
                entry.path
            )));
        }
        if entry.size.is_some_and(|s| s > MAX_FILE_BYTES) {
            return Err(refused(format!(
                "{}: larger than {MAX_FILE_BYTES} bytes; refused",
                entry.path
            )));
        }
        let target = files.join(rel);
        manifest.insert(rel.to_string(), entry.sha.clone());
        if old.get(rel) == Some(&entry.sha) && target.is_file() {
            continue;
        }
        let blob = answered(
            get(
                host,
                format!(
                    "{base}/git/blobs/{}",
                    backlot_text::percent::encode(&entry.sha)
                ),
            )?,
            &format!("the file {}", entry.path),
        )?;
        let blob: Blob = serde_json::from_str(&blob).map_err(|e| {
            refused(format!(
                "{}: GitHub's answer could not be read: {e}",
                entry.path
            ))
        })?;
        if blob.encoding != "base64" {
            return Err(refused(format!(
                "{}: unexpected encoding {:?}",
                entry.path, blob.encoding
            )));
        }
        let compact: String = blob.content.split_whitespace().collect();
        if compact.len() as u64 > MAX_FILE_BYTES / 3 * 4 + 4 {
            return Err(refused(format!(
                "{}: larger than {MAX_FILE_BYTES} bytes; refused",
                entry.path
            )));
        }
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(compact.as_bytes())
            .map_err(|e| refused(format!("{}: not base64: {e}", entry.path)))?;
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| io(parent, e))?;
        }
        std::fs::write(&target, &bytes).map_err(|e| io(&target, e))?;
        set_executable(&target, entry.mode == "100755");
    }
    // Files gone from the repository leave the copy.
    for rel in old.keys().filter(|k| !manifest.contains_key(*k)) {
        if safe_relative(rel) {
            let _ = std::fs::remove_file(files.join(rel));
        }
    }
    let json = serde_json::to_vec(&manifest).map_err(|e| ApiError::internal(e.to_string()))?;
    std::fs::write(cache.join(MANIFEST), json).map_err(|e| io(cache, e))
}

#[cfg(unix)]
fn set_executable(path: &Path, executable: bool) {
    use std::os::unix::fs::PermissionsExt;
    let mode = if executable { 0o755 } else { 0o644 };
    let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode));
}

#[cfg(not(unix))]
fn set_executable(_: &Path, _: bool) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_locations_are_read_and_others_refused() {
        let hosts = ["github.com".to_string(), "ghe.example.com".to_string()];
        let github_location = |l: &str| github_location(l, &hosts);
        assert_eq!(
            github_location("url:https://github.com/acme/templates/blob/main/svc/template.yaml"),
            Some(GithubLocation {
                owner: "acme".into(),
                repo: "templates".into(),
                git_ref: "main".into(),
                folder: "svc".into()
            })
        );
        assert_eq!(
            github_location("url:https://github.com/acme/t/tree/v1/template.yaml")
                .map(|l| l.folder),
            Some(String::new())
        );
        assert_eq!(
            github_location("url:https://ghe.example.com/acme/t/blob/main/x.yaml").map(|l| l.owner),
            Some("acme".into())
        );
        for bad in [
            "url:https://gitlab.com/acme/t/blob/main/x.yaml",
            "url:https://github.com.evil.example/acme/t/blob/main/x.yaml",
            "url:https://ghe.example.com.evil/acme/t/blob/main/x.yaml",
            "url:https://github.com/acme/t/raw/main/x.yaml",
            "url:https://github.com/../t/blob/main/x.yaml",
            "file:/tmp/x.yaml",
        ] {
            assert_eq!(github_location(bad), None, "{bad}");
        }
    }

    #[test]
    fn only_plain_relative_paths_are_written() {
        for good in ["a", "a/b.txt", ".github/ci.yml", "${{ values.name }}/x"] {
            assert!(safe_relative(good), "{good}");
        }
        for bad in [
            "",
            "/etc/x",
            "../x",
            "a/../../x",
            "a//b",
            "C:x",
            "a\\b",
            "./a",
        ] {
            assert!(!safe_relative(bad), "{bad}");
        }
    }
}
