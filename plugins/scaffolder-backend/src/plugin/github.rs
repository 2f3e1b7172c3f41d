//! `publish:github` (create the repository, push the workspace) and `github:repo:push` (push
//! it to a repository that exists) as Backstage's GitHub module runs them — the same inputs,
//! defaults (private, `master`, default branch protected) and outputs — with Backlot's
//! seams: every GitHub API call goes through the proxy's `/github` endpoint (which adds the
//! user's `github-token`; for GitHub Enterprise it targets `https://HOST/api/v3`), and the
//! push goes to the `clone_url` GitHub answered, only when that is on the host the template
//! named (HTTPS; plain HTTP only to this machine), with the token in git's environment.
//! GitHub's answers are hostile input: names are checked before they go into a path,
//! messages are quoted, never trusted as URLs.

use backlot_model::ipc::ProxyCall;
use serde_json::{Value, json};

use super::bridge::HostLink;
use super::git::{self, Commit};
use crate::ScaffolderError;
use crate::actions::{Action, ActionContext};

/// The proxy route of GitHub's API (`backlot-github-actions-common`'s built-in endpoint).
const ROUTE: &str = "/github";
/// The keychain secret the push sends (the one `/github` adds to API calls by default).
pub const TOKEN_SECRET: &str = "github-token";

/// `publish:github` (`create`) or `github:repo:push`.
pub struct GithubPublish {
    pub create: bool,
    pub host: HostLink,
}

fn input_error(message: impl Into<String>) -> ScaffolderError {
    ScaffolderError::Input(message.into())
}

/// Owner and repository names as GitHub allows them (they go into API paths).
fn plain_name(kind: &str, name: &str) -> Result<String, ScaffolderError> {
    let ok = !name.is_empty()
        && name.len() <= 100
        && name != "."
        && name != ".."
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
    if ok {
        Ok(name.to_string())
    } else {
        Err(input_error(format!(
            "“{name}” is not a GitHub {kind} name (letters, digits, -, _ and . only)"
        )))
    }
}

/// What GitHub said in an error answer: `message` and each `errors[].message`.
fn github_message(body: &Value) -> String {
    let mut parts: Vec<String> = body
        .get("message")
        .and_then(Value::as_str)
        .map(|m| vec![m.to_string()])
        .unwrap_or_default();
    if let Some(errors) = body.get("errors").and_then(Value::as_array) {
        parts.extend(
            errors
                .iter()
                .filter_map(|e| e.get("message").and_then(Value::as_str))
                .map(str::to_string),
        );
    }
    let text = parts.join(": ");
    if text.is_empty() {
        "no reason given".into()
    } else {
        text.chars().take(300).collect()
    }
}

impl GithubPublish {
    /// One call to GitHub's API through the proxy: status and JSON body (`null` if none).
    fn call(
        &self,
        method: &str,
        path: String,
        body: Option<Value>,
    ) -> Result<(u16, Value), ScaffolderError> {
        let call = ProxyCall {
            method: method.into(),
            path: format!("{ROUTE}{path}"),
            headers: vec![
                ("accept".into(), "application/vnd.github+json".into()),
                ("content-type".into(), "application/json".into()),
            ],
            body: body.map(|b| b.to_string()),
        };
        let reply = self.host.ask(move |host| host.proxy(call))?.map_err(|e| {
            input_error(format!(
                "GitHub could not be reached through the proxy's {ROUTE} endpoint: {}",
                e.message
            ))
        })?;
        let json = serde_json::from_str(&reply.body).unwrap_or(Value::Null);
        Ok((reply.status, json))
    }

    /// A call that must succeed; `doing` names it in the error.
    fn expect(
        &self,
        method: &str,
        path: String,
        body: Option<Value>,
        doing: &str,
    ) -> Result<Value, ScaffolderError> {
        let (status, answer) = self.call(method, path, body)?;
        match status {
            200..=299 => Ok(answer),
            401 => Err(input_error(format!(
                "{doing}: GitHub refused the github-token (401): set a valid one in Settings → Credentials"
            ))),
            s => Err(input_error(format!(
                "{doing}: GitHub answered {s}: {}",
                github_message(&answer)
            ))),
        }
    }

    /// Creates `owner/repo` (in the organization, or for the signed-in user when `owner` is
    /// a user), then its topics; GitHub's answer for the new repository.
    fn create(
        &self,
        ctx: &mut ActionContext<'_>,
        owner: &str,
        repo: &str,
        input: &Value,
    ) -> Result<Value, ScaffolderError> {
        let account = self.expect("GET", format!("/users/{owner}"), None, "reading the owner")?;
        let kind = account
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or("User")
            .to_string();
        let visibility = input
            .get("repoVisibility")
            .and_then(Value::as_str)
            .unwrap_or("private");
        let flag =
            |k: &str, default: bool| input.get(k).and_then(Value::as_bool).unwrap_or(default);
        let mut body = json!({
            "name": repo,
            "private": visibility == "private",
            "description": input.get("description"),
            "homepage": input.get("homepage"),
            "delete_branch_on_merge": flag("deleteBranchOnMerge", false),
            "allow_merge_commit": flag("allowMergeCommit", true),
            "allow_squash_merge": flag("allowSquashMerge", true),
            "allow_rebase_merge": flag("allowRebaseMerge", true),
            "allow_auto_merge": flag("allowAutoMerge", false),
            "has_projects": input.get("hasProjects"),
            "has_wiki": input.get("hasWiki"),
            "has_issues": input.get("hasIssues"),
        });
        let path = if kind == "Organization" {
            body["visibility"] = json!(visibility);
            format!("/orgs/{owner}/repos")
        } else {
            "/user/repos".to_string()
        };
        // JSON nulls are what Octokit leaves out.
        if let Value::Object(map) = &mut body {
            map.retain(|_, v| !v.is_null());
        }
        let created = self.expect(
            "POST",
            path,
            Some(body),
            &format!("creating the {kind} repository {owner}/{repo}"),
        )?;
        ctx.info(format!(
            "Created the repository {owner}/{repo} ({visibility})"
        ));
        if let Some(topics) = input.get("topics").and_then(Value::as_array) {
            let names: Vec<String> = topics
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_lowercase)
                .collect();
            let shown = names.join(" ");
            if let Err(e) = self.expect(
                "PUT",
                format!("/repos/{owner}/{repo}/topics"),
                Some(json!({ "names": names })),
                "setting topics",
            ) {
                ctx.warn(format!("Skipping topics {shown}, {e}"));
            }
        }
        for skipped in [
            "collaborators",
            "access",
            "repoVariables",
            "secrets",
            "oidcCustomization",
        ] {
            if input.get(skipped).is_some_and(|v| !v.is_null()) {
                ctx.warn(format!(
                    "{skipped} is not applied by Backlot: set it on GitHub after the run"
                ));
            }
        }
        Ok(created)
    }

    /// Backstage's default branch protection: reviews required, admins included; a
    /// refusal (a plan without protection, a token without admin) is a warning.
    fn protect(
        &self,
        ctx: &mut ActionContext<'_>,
        owner: &str,
        repo: &str,
        branch: &str,
        input: &Value,
    ) {
        let flag =
            |k: &str, default: bool| input.get(k).and_then(Value::as_bool).unwrap_or(default);
        if !flag("protectDefaultBranch", true) {
            return;
        }
        let contexts = input
            .get("requiredStatusCheckContexts")
            .cloned()
            .unwrap_or_else(|| json!([]));
        let body = json!({
            "required_status_checks": {
                "strict": flag("requireBranchesToBeUpToDate", true),
                "contexts": contexts,
            },
            "restrictions": input.get("restrictions").cloned().unwrap_or(Value::Null),
            "enforce_admins": flag("protectEnforceAdmins", true),
            "required_pull_request_reviews": {
                "required_approving_review_count": input
                    .get("requiredApprovingReviewCount")
                    .cloned()
                    .unwrap_or_else(|| json!(1)),
                "require_code_owner_reviews": flag("requireCodeOwnerReviews", false),
                "dismiss_stale_reviews": flag("dismissStaleReviews", false),
            },
            "required_conversation_resolution": flag("requiredConversationResolution", false),
        });
        let branch_path =
            percent_encoding::utf8_percent_encode(branch, percent_encoding::NON_ALPHANUMERIC);
        let path = format!("/repos/{owner}/{repo}/branches/{branch_path}/protection");
        let mut result = self.expect(
            "PUT",
            path.clone(),
            Some(body.clone()),
            "protecting the branch",
        );
        // GitHub is eventually consistent: a branch just pushed may not be found at once.
        if matches!(&result, Err(e) if e.to_string().contains("Branch not found")) {
            std::thread::sleep(std::time::Duration::from_millis(600));
            result = self.expect("PUT", path, Some(body), "protecting the branch");
        }
        match result {
            Ok(_) => ctx.info(format!("Protected the branch {branch}")),
            Err(e) => ctx.warn(format!(
                "Skipping: default branch protection on '{repo}', {e}"
            )),
        }
    }
}

/// The URL to push to: GitHub's `clone_url`, accepted only on the host the template named,
/// over HTTPS (HTTP only to this machine), without user or password in it.
pub fn push_url(clone_url: &str, repo_host: &str) -> Result<String, ScaffolderError> {
    let refuse = |why: &str| {
        input_error(format!(
            "GitHub answered the clone URL “{clone_url}”, which Backlot will not push to: {why}"
        ))
    };
    let url = url::Url::parse(clone_url).map_err(|_| refuse("not a URL"))?;
    let host = url.host_str().unwrap_or_default();
    let authority = match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_string(),
    };
    if !authority.eq_ignore_ascii_case(repo_host) {
        return Err(refuse(&format!("it is not on {repo_host}")));
    }
    let loopback = matches!(host, "127.0.0.1" | "localhost" | "[::1]");
    match url.scheme() {
        "https" => {}
        "http" if loopback => {}
        _ => return Err(refuse("only https is used to send the token")),
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(refuse("it carries credentials"));
    }
    Ok(url.to_string())
}

/// The inputs Backlot reads, typed as Backstage's GitHub module declares them (`repoUrl`
/// required; other inputs of Backstage's are let through, and named when not applied).
fn input_schema() -> Value {
    let string = json!({"type": "string"});
    let boolean = json!({"type": "boolean"});
    let strings = json!({"type": "array", "items": {"type": "string"}});
    let mut properties = serde_json::Map::new();
    for name in [
        "repoUrl",
        "description",
        "homepage",
        "defaultBranch",
        "gitCommitMessage",
        "gitAuthorName",
        "gitAuthorEmail",
        "sourcePath",
        "token",
    ] {
        properties.insert(name.into(), string.clone());
    }
    for name in [
        "protectDefaultBranch",
        "protectEnforceAdmins",
        "deleteBranchOnMerge",
        "allowMergeCommit",
        "allowSquashMerge",
        "allowRebaseMerge",
        "allowAutoMerge",
        "requireCodeOwnerReviews",
        "dismissStaleReviews",
        "requireBranchesToBeUpToDate",
        "requiredConversationResolution",
        "hasProjects",
        "hasWiki",
        "hasIssues",
    ] {
        properties.insert(name.into(), boolean.clone());
    }
    properties.insert("topics".into(), strings.clone());
    properties.insert("requiredStatusCheckContexts".into(), strings);
    properties.insert(
        "repoVisibility".into(),
        json!({"type": "string", "enum": ["private", "public", "internal"]}),
    );
    properties.insert(
        "requiredApprovingReviewCount".into(),
        json!({"type": "number"}),
    );
    json!({"type": "object", "required": ["repoUrl"], "properties": properties})
}

impl Action for GithubPublish {
    fn id(&self) -> &str {
        if self.create {
            "publish:github"
        } else {
            "github:repo:push"
        }
    }

    fn supports_dry_run(&self) -> bool {
        false
    }

    fn output_schema(&self) -> Option<Value> {
        Some(super::git::publish_outputs())
    }

    fn input_schema(&self) -> Option<Value> {
        Some(input_schema())
    }

    fn run(&self, ctx: &mut ActionContext<'_>, input: &Value) -> Result<(), ScaffolderError> {
        let repo_url = input
            .get("repoUrl")
            .and_then(Value::as_str)
            .ok_or_else(|| input_error(format!("{} needs repoUrl", self.id())))?;
        let parsed = crate::template::backstage::parse_repo_url(repo_url, ctx.integrations)
            .map_err(ScaffolderError::Input)?;
        let field = |k: &str| parsed.get(k).and_then(Value::as_str).unwrap_or_default();
        let repo_host = field("host").to_string();
        if ctx.integrations.type_of(&repo_host) != Some("github") {
            return Err(input_error(format!(
                "{repo_host} is not a GitHub host: add it under integrations.github in app-config.yaml"
            )));
        }
        let owner = plain_name("owner", field("owner"))?;
        let repo = plain_name("repository", field("repo"))?;
        if input.get("token").is_some_and(|t| !t.is_null()) {
            ctx.warn("The step's token input is not used: Backlot sends your github-token from the keychain");
        }
        let commit = Commit::from_input(input, "master");
        let token = self
            .host
            .ask(|host| host.secret(TOKEN_SECRET))?
            .map_err(|e| input_error(e.message))?
            .ok_or_else(|| {
                input_error(format!(
                    "{} needs your GitHub token: add {TOKEN_SECRET} in Settings → Credentials",
                    self.id()
                ))
            })?;
        let answer = if self.create {
            self.create(ctx, &owner, &repo, input)?
        } else {
            self.expect(
                "GET",
                format!("/repos/{owner}/{repo}"),
                None,
                &format!("reading {owner}/{repo}"),
            )?
        };
        let text = |k: &str| answer.get(k).and_then(Value::as_str).unwrap_or_default();
        let remote = push_url(text("clone_url"), &repo_host)?;
        let html = text("html_url").to_string();
        let source = match input.get("sourcePath").and_then(Value::as_str) {
            Some(p) => ctx.workspace_path(p)?,
            None => ctx.workspace.to_path_buf(),
        };
        let hash = commit.make(&source)?;
        git::push(&source, &remote, &commit.branch, token.expose())?;
        ctx.info(format!("Pushed {} to {remote}", commit.branch));
        self.protect(ctx, &owner, &repo, &commit.branch, input);
        ctx.output("remoteUrl", Value::String(remote));
        ctx.output(
            "repoContentsUrl",
            Value::String(format!("{html}/blob/{}", commit.branch)),
        );
        ctx.output("commitHash", Value::String(hash));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pushes_go_only_to_the_named_host_over_https() {
        assert_eq!(
            push_url("https://github.com/acme/x.git", "github.com")
                .ok()
                .as_deref(),
            Some("https://github.com/acme/x.git")
        );
        assert!(push_url("http://127.0.0.1:4000/acme/x.git", "127.0.0.1:4000").is_ok());
        for (bad, host) in [
            ("https://evil.example/acme/x.git", "github.com"),
            ("http://github.com/acme/x.git", "github.com"),
            ("https://user:pw@github.com/acme/x.git", "github.com"),
            ("https://github.com:8443/acme/x.git", "github.com"),
            ("file:///etc/passwd", "github.com"),
            ("ext::sh -c evil", "github.com"),
            ("http://127.0.0.1:4001/acme/x.git", "127.0.0.1:4000"),
        ] {
            assert!(push_url(bad, host).is_err(), "{bad}");
        }
    }

    #[test]
    fn inputs_are_checked_against_backstages_types() {
        let schema = input_schema();
        let errors = |input: Value| crate::validate::validate(&input, &schema).unwrap();
        assert!(
            errors(json!({"repoUrl": "github.com?owner=a&repo=b", "topics": ["x"]})).is_empty()
        );
        assert!(!errors(json!({"description": "no repoUrl"})).is_empty());
        assert!(!errors(json!({"repoUrl": "x", "repoVisibility": "secret"})).is_empty());
        assert!(!errors(json!({"repoUrl": "x", "protectDefaultBranch": "yes"})).is_empty());
        assert!(errors(json!({"repoUrl": "x", "collaborators": []})).is_empty());
    }

    #[test]
    fn names_that_could_leave_their_path_segment_are_refused() {
        assert!(plain_name("owner", "acme-corp").is_ok());
        for bad in ["..", "a/b", "a?b", "", "a b", "x%2f"] {
            assert!(plain_name("owner", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn github_errors_are_quoted_with_their_details() {
        let body = json!({"message": "Repository creation failed.", "errors": [{"message": "name already exists on this account"}]});
        assert_eq!(
            github_message(&body),
            "Repository creation failed.: name already exists on this account"
        );
        assert_eq!(github_message(&Value::Null), "no reason given");
    }
}
