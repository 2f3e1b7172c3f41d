//! Software Templates through the app's command table, over real folders: the demo's
//! template listed and described, dry-run, run into a new folder (a git repository with one
//! commit, the component read into the catalog, the run kept in the history without its
//! secrets), in the background of a shared API with cancel, and refusals that name what.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use std::path::Path;
use std::time::{Duration, Instant};

use backlot_app::Api;
use backlot_model::ErrorCode;
use backlot_model::ipc::Command;
use backlot_scaffolder_common::ipc::{
    CancelRun, DryRunTemplate, GetRun, GetTemplate, ListRuns, ListTemplates, PublishTarget,
    RunStatus, RunStepStatus, RunView, StartRun,
};
use serde_json::{Value, json};

fn call<C: Command>(api: &Api, c: C) -> Result<C::Output, backlot_model::ApiError> {
    let answer = api.dispatch(C::NAME, serde_json::to_value(&c).unwrap())?;
    Ok(serde_json::from_value(answer).unwrap())
}

const DEMO: &str = "template:default/rust-service";

fn values() -> Value {
    json!({
        "name": "parcel-notifier",
        "description": "Tells customers: your parcel is near.",
        "owner": "group:default/team-delivery",
        "lifecycle": "experimental",
        "tags": ["rust", "notify"],
        "repoUrl": "github.com?owner=parcelpine&repo=parcel-notifier"
    })
}

fn demo() -> (tempfile::TempDir, Api) {
    let dir = tempfile::tempdir().unwrap();
    let api = Api::open(dir.path());
    api.load_demo_catalog().unwrap();
    (dir, api)
}

fn git_log(folder: &Path) -> String {
    let out = std::process::Command::new("git")
        .args(["log", "--format=%s|%an"])
        .current_dir(folder)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_demo_template_is_listed_with_its_form() {
    let (_dir, api) = demo();
    let all = call(&api, ListTemplates {}).unwrap();
    let t = all.iter().find(|t| t.entity_ref == DEMO).unwrap();
    assert_eq!(t.template_type.as_deref(), Some("service"));
    assert_eq!(t.owner.as_deref(), Some("team-infra"));
    assert!(t.tags.contains(&"rust".to_string()) && !t.from_team);

    let form = call(
        &api,
        GetTemplate {
            entity_ref: DEMO.into(),
        },
    )
    .unwrap();
    assert_eq!(form.parameters.len(), 2);
    assert_eq!(form.parameters[0]["title"], "About the service");
    // Properties keep the order they are written in (the form shows them so).
    let names: Vec<&String> = form.parameters[0]["properties"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    assert_eq!(names[..3], ["name", "description", "owner"]);
    assert!(form.publishes);
    assert!(form.unavailable_actions.is_empty(), "{form:?}");
    assert_eq!(
        form.steps
            .iter()
            .map(|s| s.action.as_str())
            .collect::<Vec<_>>(),
        ["fetch:template", "publish:github", "catalog:register"]
    );
}

#[test]
fn a_dry_run_renders_the_skeleton_and_publishes_nothing() {
    let (_dir, api) = demo();
    let result = call(
        &api,
        DryRunTemplate {
            entity_ref: DEMO.into(),
            values: values(),
        },
    )
    .unwrap();
    let paths: Vec<&str> = result.files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            ".github/workflows/ci.yml",
            "Cargo.toml",
            "README.md",
            "catalog-info.yaml",
            "src/main.rs"
        ]
    );
    let text = |p: &str| {
        String::from_utf8(
            result
                .files
                .iter()
                .find(|f| f.path == p)
                .unwrap()
                .bytes
                .clone(),
        )
        .unwrap()
    };
    assert!(
        text("catalog-info.yaml")
            .contains("  name: parcel-notifier\n  description: \"Tells customers: your parcel is near.\"\n  tags:\n    - rust\n    - notify\n"),
        "{}",
        text("catalog-info.yaml")
    );
    // Not a .njk file: copied as is, GitHub's own ${{ }} untouched.
    assert!(text(".github/workflows/ci.yml").contains("${{ github.sha }}"));
    let statuses: Vec<String> = result
        .steps
        .iter()
        .map(|s| format!("{:?}", s.status))
        .collect();
    assert_eq!(statuses, ["Done", "Skipped", "Skipped"]);
}

#[test]
fn a_run_publishes_a_new_repository_folder_and_registers_the_component() {
    let (dir, api) = demo();
    let target = dir.path().join("work/parcel-notifier");
    let mut with_secret = values();
    // A value no template should keep: fields marked password are left out of the history.
    with_secret["description"] = json!("Tells customers: your parcel is near.");
    let id = call(
        &api,
        StartRun {
            entity_ref: DEMO.into(),
            values: with_secret,
            target: PublishTarget::Folder {
                path: target.display().to_string(),
            },
        },
    )
    .unwrap();
    // Not shared: the run ran before StartRun answered.
    let run = call(&api, GetRun { run_id: id.clone() }).unwrap();
    assert_eq!(run.summary.status, RunStatus::Completed, "{run:?}");
    assert!(
        run.steps
            .iter()
            .all(|s| s.status == Some(RunStepStatus::Completed)),
        "{run:?}"
    );
    assert_eq!(
        git_log(&target),
        "initial commit|Scaffolder\n",
        "one commit in a new repository"
    );
    assert!(target.join("src/main.rs").is_file());
    assert!(!target.join(".git/../catalog-info.yaml.njk").exists());
    let links: Vec<(Option<String>, Option<String>)> = run
        .links
        .iter()
        .map(|l| (l.url.clone(), l.entity_ref.clone()))
        .collect();
    assert_eq!(
        links,
        [
            (Some(format!("file://{}", target.display())), None),
            (None, Some("component:default/parcel-notifier".into()))
        ]
    );
    let view = api
        .dispatch(
            "entity",
            json!({"entityRef": "component:default/parcel-notifier"}),
        )
        .unwrap();
    assert_eq!(
        view["entity"]["spec"]["owner"], "group:default/team-delivery",
        "in the catalog: {view}"
    );
    let history = call(&api, ListRuns {}).unwrap();
    assert_eq!(history[0].id, id);
    assert_eq!(history[0].values["name"], "parcel-notifier");

    // The same folder again: refused before anything runs.
    let again = call(
        &api,
        StartRun {
            entity_ref: DEMO.into(),
            values: values(),
            target: PublishTarget::Folder {
                path: target.display().to_string(),
            },
        },
    )
    .unwrap_err();
    assert_eq!(again.code, ErrorCode::InvalidInput);
    assert!(again.message.contains("not empty"), "{again:?}");
}

/// A local template of `steps` (YAML list items), ingested into `api`.
fn local_template(api: &Api, dir: &Path, name: &str, steps: &str, secret_field: bool) {
    let folder = dir.join(name);
    std::fs::create_dir_all(&folder).unwrap();
    let secret = if secret_field {
        "\n        token:\n          type: string\n          ui:widget: password"
    } else {
        ""
    };
    std::fs::write(
        folder.join("catalog-info.yaml"),
        format!(
            "apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata:\n  name: {name}\nspec:\n  owner: me\n  type: test\n  parameters:\n    - properties:\n        who:\n          type: string{secret}\n  steps:\n{steps}"
        ),
    )
    .unwrap();
    api.ingest_files(&[folder], &[]).unwrap();
}

fn wait_for(api: &Api, id: &str, done: impl Fn(&RunView) -> bool) -> RunView {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let run = call(
            api,
            GetRun {
                run_id: id.to_string(),
            },
        )
        .unwrap();
        if done(&run) || Instant::now() > deadline {
            return run;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_shared_api_runs_in_the_background_shows_progress_and_cancels_between_steps() {
    let dir = tempfile::tempdir().unwrap();
    let api = Api::open(dir.path()).shared();
    let steps = (1..=4)
        .map(|i| format!("    - id: wait-{i}\n      action: debug:wait\n      input:\n        milliseconds: 400\n"))
        .collect::<String>();
    local_template(&api, dir.path(), "slow", &steps, true);
    let started = Instant::now();
    let id = call(
        &api,
        StartRun {
            entity_ref: "template:default/slow".into(),
            values: json!({"who": "ada", "token": "s3cret-value"}),
            target: PublishTarget::AsTemplateSays,
        },
    )
    .unwrap();
    assert!(
        started.elapsed() < Duration::from_millis(400),
        "answered before the first step ended"
    );
    let running = wait_for(&api, &id, |r| {
        r.steps
            .iter()
            .any(|s| s.status == Some(RunStepStatus::Completed))
    });
    assert_eq!(running.summary.status, RunStatus::Running, "{running:?}");
    let stored = std::fs::read_to_string(
        dir.path()
            .join(format!("scaffolder/runs/{}.json", running.summary.id)),
    )
    .unwrap();
    assert!(!stored.contains("s3cret-value"), "the secret is not kept");
    call(&api, CancelRun { run_id: id.clone() }).unwrap();
    let ended = wait_for(&api, &id, |r| r.summary.status.finished());
    assert_eq!(ended.summary.status, RunStatus::Cancelled, "{ended:?}");
    assert_eq!(
        ended.steps.last().unwrap().status,
        None,
        "the last step never ran: {ended:?}"
    );
    // Cancelling a run that ended is refused.
    assert_eq!(
        call(&api, CancelRun { run_id: id }).unwrap_err().code,
        ErrorCode::Conflict
    );
}

#[test]
fn unknown_actions_and_failing_steps_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let api = Api::open(dir.path());
    local_template(
        &api,
        dir.path(),
        "odd",
        "    - id: deploy\n      action: acme:deploy\n",
        false,
    );
    let form = call(
        &api,
        GetTemplate {
            entity_ref: "template:default/odd".into(),
        },
    )
    .unwrap();
    assert_eq!(form.unavailable_actions, ["acme:deploy"]);
    let refused = call(
        &api,
        StartRun {
            entity_ref: "template:default/odd".into(),
            values: json!({}),
            target: PublishTarget::AsTemplateSays,
        },
    )
    .unwrap_err();
    assert!(
        refused
            .message
            .contains("action acme:deploy is not available in Backlot"),
        "{refused:?}"
    );
    assert!(call(&api, ListRuns {}).unwrap().is_empty(), "nothing ran");

    local_template(
        &api,
        dir.path(),
        "broken",
        "    - id: fetch\n      action: fetch:plain\n      input:\n        url: ../../etc\n",
        false,
    );
    let id = call(
        &api,
        StartRun {
            entity_ref: "template:default/broken".into(),
            values: json!({}),
            target: PublishTarget::AsTemplateSays,
        },
    )
    .unwrap();
    let run = call(&api, GetRun { run_id: id }).unwrap();
    assert_eq!(run.summary.status, RunStatus::Failed);
    assert_eq!(run.steps[0].status, Some(RunStepStatus::Failed));
    assert!(
        run.error.as_deref().unwrap_or("").contains("refused"),
        "{run:?}"
    );
}

#[test]
fn catalog_fetch_reads_the_catalog_in_dry_runs_and_runs() {
    let (dir, api) = demo();
    local_template(
        &api,
        dir.path(),
        "lookup",
        "    - id: owner\n      action: catalog:fetch\n      input:\n        entityRef: ${{ parameters.who }}\n        defaultKind: Group\n    - id: say\n      action: debug:log\n      input:\n        message: owner type ${{ steps.owner.output.entity.spec.type }}\n",
        false,
    );
    let dry = |who: &str| {
        call(
            &api,
            DryRunTemplate {
                entity_ref: "template:default/lookup".into(),
                values: json!({ "who": who }),
            },
        )
    };
    let found = dry("team-infra").unwrap();
    assert!(
        found.log.iter().any(|l| l.ends_with("owner type team")),
        "{:?}",
        found.log
    );
    let missing = dry("nobody").unwrap_err();
    assert!(
        missing.message.contains("Entity nobody not found"),
        "{missing:?}"
    );
    // A real run asks the catalog the same way.
    let id = call(
        &api,
        StartRun {
            entity_ref: "template:default/lookup".into(),
            values: json!({"who": "team-infra"}),
            target: PublishTarget::AsTemplateSays,
        },
    )
    .unwrap();
    let run = call(&api, GetRun { run_id: id }).unwrap();
    assert_eq!(run.summary.status, RunStatus::Completed, "{run:?}");
    assert!(
        run.log
            .iter()
            .any(|l| l.message.ends_with("owner type team")),
        "{:?}",
        run.log
    );
}

#[test]
fn secret_fields_reach_templates_as_secrets_and_are_masked_in_logs() {
    let dir = tempfile::tempdir().unwrap();
    let api = Api::open(dir.path());
    let folder = dir.path().join("vault");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(
        folder.join("catalog-info.yaml"),
        "apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata:\n  name: vault\nspec:\n  owner: me\n  type: test\n  parameters:\n    - properties:\n        apiKey:\n          type: string\n          ui:field: Secret\n  steps:\n    - id: say\n      action: debug:log\n      input:\n        message: key ${{ secrets.apiKey }} param ${{ parameters.apiKey }}\n",
    )
    .unwrap();
    api.ingest_files(&[folder], &[]).unwrap();
    let dry = call(
        &api,
        DryRunTemplate {
            entity_ref: "template:default/vault".into(),
            values: json!({"apiKey": "k-123-secret"}),
        },
    )
    .unwrap();
    let said: Vec<&String> = dry.log.iter().filter(|l| l.contains("key ")).collect();
    assert!(!said.is_empty(), "{:?}", dry.log);
    assert!(
        said.iter().all(|l| !l.contains("k-123-secret")),
        "masked: {said:?}"
    );
    let id = call(
        &api,
        StartRun {
            entity_ref: "template:default/vault".into(),
            values: json!({"apiKey": "k-123-secret"}),
            target: PublishTarget::AsTemplateSays,
        },
    )
    .unwrap();
    let stored =
        std::fs::read_to_string(dir.path().join(format!("scaffolder/runs/{id}.json"))).unwrap();
    assert!(!stored.contains("k-123-secret"), "{stored}");
    assert!(
        stored.contains("key *** param "),
        "the template saw the secret, masked in the log: {stored}"
    );
}

#[test]
fn catalog_register_reads_only_what_this_run_published() {
    let dir = tempfile::tempdir().unwrap();
    let api = Api::open(dir.path());
    let outside = dir.path().join("secret-catalog.yaml");
    std::fs::write(
        &outside,
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: stolen\nspec:\n  type: service\n  lifecycle: production\n  owner: x\n",
    )
    .unwrap();
    let steps = format!(
        "    - id: publish\n      action: publish:github\n      input:\n        repoUrl: github.com?owner=o&repo=r\n    - id: register\n      action: catalog:register\n      input:\n        catalogInfoUrl: file://{}\n",
        outside.display()
    );
    local_template(&api, dir.path(), "sneaky", &steps, false);
    let id = call(
        &api,
        StartRun {
            entity_ref: "template:default/sneaky".into(),
            values: json!({}),
            target: PublishTarget::Folder {
                path: dir.path().join("out").display().to_string(),
            },
        },
    )
    .unwrap();
    let run = call(&api, GetRun { run_id: id }).unwrap();
    assert_eq!(run.summary.status, RunStatus::Failed, "{run:?}");
    assert!(
        run.error
            .as_deref()
            .unwrap_or("")
            .contains("outside the folder published to"),
        "{run:?}"
    );
    let found = api
        .dispatch("entity", json!({"entityRef": "component:default/stolen"}))
        .unwrap_err();
    assert_eq!(found.code, ErrorCode::NotFound);
}
