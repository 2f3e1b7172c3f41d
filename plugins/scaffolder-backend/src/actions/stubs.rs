//! Stand-ins for Backstage's host-backed actions (publish, register, notify…). A dry run
//! skips them as Backstage's does — their outputs invented from the output schema they
//! declare there — and a real run refuses them until the app registers the real action.

use serde_json::{Value as Json, json};

use super::ActionContext;
use crate::error::ScaffolderError;

/// An action known only by its id and its output schema.
#[derive(Debug, Clone)]
pub struct DryRunStub {
    pub id: String,
    pub output_schema: Option<Json>,
}

impl DryRunStub {
    pub fn new(id: &str, output_schema: Option<Json>) -> Self {
        DryRunStub {
            id: id.to_string(),
            output_schema,
        }
    }
}

impl super::Action for DryRunStub {
    fn id(&self) -> &str {
        &self.id
    }
    fn supports_dry_run(&self) -> bool {
        false
    }
    fn output_schema(&self) -> Option<Json> {
        self.output_schema.clone()
    }
    fn is_stub(&self) -> bool {
        true
    }
    fn run(&self, ctx: &mut ActionContext<'_>, _input: &Json) -> Result<(), ScaffolderError> {
        Err(ScaffolderError::ActionUnknown {
            step_id: ctx.step_id.to_string(),
            action: self.id.clone(),
        })
    }
}

fn strings(names: &[&str]) -> Json {
    let props: serde_json::Map<String, Json> = names
        .iter()
        .map(|n| (n.to_string(), json!({"type": "string"})))
        .collect();
    json!({"type": "object", "properties": props})
}

/// The output schemas Backstage's actions declare (scaffolder-backend 4.3.0, module-github
/// 0.10.4, module-notifications 0.1.28), as zod-to-json-schema writes them.
pub fn backstage_stubs() -> Vec<DryRunStub> {
    let publish = strings(&["remoteUrl", "repoContentsUrl", "commitHash"]);
    vec![
        DryRunStub::new("publish:github", Some(publish.clone())),
        DryRunStub::new(
            "github:repo:create",
            Some(strings(&["remoteUrl", "repoContentsUrl"])),
        ),
        DryRunStub::new(
            "github:repo:push",
            Some(strings(&["remoteUrl", "repoContentsUrl", "commitHash"])),
        ),
        DryRunStub::new("github:pages:enable", None),
        DryRunStub::new(
            "github:actions:dispatch",
            Some(json!({"type": "object", "properties": {
                "workflowRunId": {"type": "number"},
                "workflowRunUrl": {"type": "string"},
                "workflowRunHtmlUrl": {"type": "string"}
            }})),
        ),
        DryRunStub::new("catalog:register", None),
        DryRunStub::new("notification:send", None),
    ]
}

/// Backstage's `generateExampleOutput`: the first example, else a placeholder per type.
pub fn example_output(schema: &Json) -> Json {
    if let Some(first) = schema
        .get("examples")
        .and_then(Json::as_array)
        .and_then(|e| e.first())
    {
        return first.clone();
    }
    match schema.get("type").and_then(Json::as_str) {
        Some("object") => {
            let mut out = serde_json::Map::new();
            if let Some(props) = schema.get("properties").and_then(Json::as_object) {
                for (k, v) in props {
                    out.insert(k.clone(), example_output(v));
                }
            }
            Json::Object(out)
        }
        Some("array") => match schema.get("items") {
            Some(Json::Array(items)) => items
                .first()
                .map_or(json!([]), |f| json!([example_output(f)])),
            Some(item) if !item.is_null() => json!([example_output(item)]),
            _ => json!([]),
        },
        Some("string") => json!("<example>"),
        Some("number") => json!(0),
        Some("boolean") => json!(false),
        _ => json!("<unknown>"),
    }
}

/// `publish:github:pull-request` in a dry run: Backstage's answers without calling GitHub.
pub struct GithubPullRequestDryRun;

impl super::Action for GithubPullRequestDryRun {
    fn id(&self) -> &str {
        "publish:github:pull-request"
    }
    fn supports_dry_run(&self) -> bool {
        true
    }
    fn is_stub(&self) -> bool {
        true
    }
    fn run(&self, ctx: &mut ActionContext<'_>, input: &Json) -> Result<(), ScaffolderError> {
        if !ctx.is_dry_run {
            return Err(ScaffolderError::ActionUnknown {
                step_id: ctx.step_id.to_string(),
                action: self.id().to_string(),
            });
        }
        let repo_url = input
            .get("repoUrl")
            .and_then(Json::as_str)
            .unwrap_or_default();
        crate::template::backstage::parse_repo_url(repo_url, ctx.integrations)
            .map_err(ScaffolderError::Input)?;
        ctx.info("Performing dry run of creating pull request");
        ctx.output(
            "targetBranchName",
            input.get("branchName").cloned().unwrap_or(Json::Null),
        );
        ctx.output("remoteUrl", Json::String(repo_url.to_string()));
        ctx.output("pullRequestNumber", json!(43));
        ctx.info("Dry run complete");
        Ok(())
    }
}
