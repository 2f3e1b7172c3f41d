//! The git a publishing step runs: a new repository with everything committed once (as
//! Backstage's `initRepoAndPush`), pushed over HTTPS with a token that only git's own
//! process sees (in its environment, as an `http.extraHeader`: never on its command line,
//! in `.git/config`, a log or the window), and copying a workspace into a folder.

use std::path::Path;
use std::process::Command;

use base64::Engine as _;
use serde_json::Value;

use crate::ScaffolderError;

/// Runs git in `dir` with `env` added; its output, or an error that says what git said.
fn git_with(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Result<String, ScaffolderError> {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_TERMINAL_PROMPT", "0")
        .envs(env.iter().copied())
        .output()
        .map_err(|e| {
            ScaffolderError::Input(format!(
                "git could not be run ({e}); install git to publish a repository"
            ))
        })?;
    if !out.status.success() {
        return Err(ScaffolderError::Input(format!(
            "git {} failed: {}",
            args.iter()
                .find(|a| !a.starts_with('-') && !a.contains('='))
                .unwrap_or(&""),
            // git says some refusals ("nothing to commit") on stdout.
            [out.stderr.as_slice(), out.stdout.as_slice()]
                .iter()
                .map(|b| String::from_utf8_lossy(b).trim().to_string())
                .find(|m| !m.is_empty())
                .unwrap_or_else(|| format!("exit status {}", out.status))
        )));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The first commit of a published repository: branch, message and author as the step's
/// input gives them (`defaultBranch`, `gitCommitMessage`, `gitAuthorName`, `gitAuthorEmail`).
pub struct Commit {
    pub branch: String,
    message: String,
    author: String,
    email: String,
}

impl Commit {
    pub fn from_input(input: &Value, default_branch: &str) -> Commit {
        let text = |k: &str, default: &str| {
            input
                .get(k)
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .unwrap_or(default)
                .to_string()
        };
        Commit {
            branch: text("defaultBranch", default_branch),
            message: text("gitCommitMessage", "initial commit"),
            author: text("gitAuthorName", "Scaffolder"),
            email: text("gitAuthorEmail", "scaffolder@backstage.io"),
        }
    }

    /// `git init` in `dir` on the branch, everything added and committed; the commit's hash.
    pub fn make(&self, dir: &Path) -> Result<String, ScaffolderError> {
        check_branch(&self.branch)?;
        git_with(
            dir,
            &[
                "init",
                "--quiet",
                &format!("--initial-branch={}", self.branch),
            ],
            &[],
        )?;
        git_with(dir, &["add", "--all"], &[])?;
        git_with(
            dir,
            &[
                "-c",
                &format!("user.name={}", self.author),
                "-c",
                &format!("user.email={}", self.email),
                "commit",
                "--quiet",
                "--no-verify",
                "--no-gpg-sign",
                // A template that wrote nothing still gets its repository's first commit.
                "--allow-empty",
                "-m",
                &self.message,
            ],
            &[],
        )?;
        Ok(git_with(dir, &["rev-parse", "HEAD"], &[])?
            .trim()
            .to_string())
    }
}

/// A branch name git accepts, which cannot be read as an option.
fn check_branch(branch: &str) -> Result<(), ScaffolderError> {
    let plain = !branch.starts_with('-')
        && !branch.is_empty()
        && git_with(
            Path::new("."),
            &["check-ref-format", "--branch", branch],
            &[],
        )
        .is_ok();
    if plain {
        Ok(())
    } else {
        Err(ScaffolderError::Input(format!(
            "defaultBranch “{branch}” is not a branch name git accepts"
        )))
    }
}

/// Pushes `branch` of the repository in `dir` to `url` (recorded as `origin`), the token sent
/// as GitHub expects it from apps and tokens (`x-access-token`), redirects not followed (the
/// header must not reach another host), no credential helper or prompt asked, and a stalled
/// server given up after 30 s.
pub fn push(dir: &Path, url: &str, branch: &str, token: &str) -> Result<(), ScaffolderError> {
    git_with(dir, &["remote", "add", "origin", url], &[])?;
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("x-access-token:{token}"));
    let header = format!("Authorization: Basic {basic}");
    let settings: [(&str, &str); 5] = [
        ("http.extraHeader", header.as_str()),
        ("http.followRedirects", "false"),
        ("credential.helper", ""),
        ("http.lowSpeedLimit", "1"),
        ("http.lowSpeedTime", "30"),
    ];
    let mut env: Vec<(String, String)> =
        vec![("GIT_CONFIG_COUNT".into(), settings.len().to_string())];
    for (i, (key, value)) in settings.iter().enumerate() {
        env.push((format!("GIT_CONFIG_KEY_{i}"), key.to_string()));
        env.push((format!("GIT_CONFIG_VALUE_{i}"), value.to_string()));
    }
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let refspec = format!("refs/heads/{branch}:refs/heads/{branch}");
    git_with(dir, &["push", "--quiet", "origin", &refspec], &env)
        .map(|_| ())
        .map_err(|e| ScaffolderError::Input(format!("pushing to {url}: {e}")))
}

/// The outputs of every publishing action (Backstage's `remoteUrl`, `repoContentsUrl`,
/// `commitHash`).
pub fn publish_outputs() -> Value {
    serde_json::json!({"type": "object", "properties": {
        "remoteUrl": {"type": "string"}, "repoContentsUrl": {"type": "string"},
        "commitHash": {"type": "string"}
    }})
}

/// Copies regular files and folders (symbolic links are not followed).
pub fn copy_tree(from: &Path, to: &Path) -> Result<(), ScaffolderError> {
    let io = |p: &Path, e| ScaffolderError::Io {
        path: p.display().to_string(),
        source: e,
    };
    std::fs::create_dir_all(to).map_err(|e| io(to, e))?;
    for entry in std::fs::read_dir(from).map_err(|e| io(from, e))? {
        let entry = entry.map_err(|e| io(from, e))?;
        let kind = entry.file_type().map_err(|e| io(&entry.path(), e))?;
        let target = to.join(entry.file_name());
        if kind.is_dir() {
            copy_tree(&entry.path(), &target)?;
        } else if kind.is_file() {
            std::fs::copy(entry.path(), &target).map_err(|e| io(&target, e))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

    use super::*;
    use serde_json::json;

    #[test]
    fn branches_that_git_refuses_or_that_read_as_options_are_refused() {
        for bad in [
            "-x",
            "--upload-pack=evil",
            "a..b",
            "with space",
            "",
            "x.lock",
        ] {
            assert!(check_branch(bad).is_err(), "{bad}");
        }
        for good in ["main", "master", "release/1.0", "feature-x"] {
            assert!(check_branch(good).is_ok(), "{good}");
        }
    }

    #[test]
    fn a_commit_takes_the_step_input_and_makes_one_commit() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.txt"), "a").unwrap();
        let commit = Commit::from_input(
            &json!({"defaultBranch": "trunk", "gitCommitMessage": "hello", "gitAuthorName": "Ada"}),
            "main",
        );
        let hash = commit.make(dir.path()).unwrap();
        assert_eq!(hash.len(), 40);
        let log = git_with(dir.path(), &["log", "--format=%s|%an|%ae", "trunk"], &[]).unwrap();
        assert_eq!(log.trim(), "hello|Ada|scaffolder@backstage.io");
    }
}
