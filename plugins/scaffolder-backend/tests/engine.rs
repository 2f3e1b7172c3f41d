//! The engine on real temporary folders: actions, each/if, the typing rule, hostile inputs.
#![allow(clippy::unwrap_used)] // test code

use std::collections::BTreeMap;
use std::path::Path;

use backlot_scaffolder_backend::{
    DryRunRequest, Engine, FileLimits, RunUser, ScaffolderError, parse_template,
};
use serde_json::{Value as Json, json};

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn run(
    engine: &Engine,
    dir: &Path,
    yaml: &str,
    values: Json,
) -> Result<backlot_scaffolder_common::DryRunResult, ScaffolderError> {
    let spec = parse_template(yaml).unwrap();
    let secrets = BTreeMap::from([("token".to_string(), "s3cr3t-value".to_string())]);
    engine
        .dry_run(&DryRunRequest {
            template_dir: dir,
            spec: &spec,
            values: &values,
            secrets: &secrets,
            user: RunUser::default(),
        })
        .map_err(|f| f.error)
}

fn template(steps: &str) -> String {
    format!(
        "apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata: {{name: t}}\nspec:\n  steps:\n{steps}"
    )
}

fn file<'a>(r: &'a backlot_scaffolder_common::DryRunResult, path: &str) -> Option<&'a str> {
    r.files
        .iter()
        .find(|f| f.path == path)
        .map(|f| std::str::from_utf8(&f.bytes).unwrap())
}

#[test]
fn fetch_template_renders_names_and_contents_and_keeps_binaries() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "skeleton/${{ values.name }}/README.md",
        "# ${{ values.name | upper }}\n",
    );
    write(dir.path(), "skeleton/raw/keep.txt", "${{ values.name }}");
    std::fs::write(
        dir.path().join("skeleton/logo.bin"),
        [0u8, 159, 146, 150, 0, 1],
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        write(dir.path(), "skeleton/run.sh", "echo ${{ values.name }}\n");
        std::fs::set_permissions(
            dir.path().join("skeleton/run.sh"),
            std::fs::Permissions::from_mode(0o755),
        )
        .unwrap();
    }
    let yaml = template(
        "    - id: f\n      action: fetch:template\n      input:\n        url: ./skeleton\n        copyWithoutTemplating: [raw/**]\n        values: {name: '${{ parameters.name }}'}\n",
    );
    let r = run(
        &Engine::default(),
        dir.path(),
        &yaml,
        json!({"name": "pier"}),
    )
    .unwrap();
    assert_eq!(file(&r, "pier/README.md"), Some("# PIER\n"));
    assert_eq!(file(&r, "raw/keep.txt"), Some("${{ values.name }}"));
    assert_eq!(
        r.files.iter().find(|f| f.path == "logo.bin").unwrap().bytes,
        vec![0u8, 159, 146, 150, 0, 1]
    );
    #[cfg(unix)]
    assert!(
        r.files
            .iter()
            .find(|f| f.path == "run.sh")
            .unwrap()
            .executable
    );
    assert_eq!(
        r.steps[0].status,
        backlot_scaffolder_common::StepStatus::Done
    );
}

#[test]
fn single_expressions_keep_their_type_and_each_collects_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let yaml = template(
        "    - id: w\n      action: fs:readdir\n      each: ${{ parameters.dirs }}\n      if: ${{ each.value != 'skip' }}\n      input:\n        paths: ['.']\n    - id: log\n      action: debug:log\n      if: ${{ parameters.count > 1 }}\n      input:\n        message: n=${{ parameters.count }}\n  output:\n    count: ${{ parameters.count }}\n    list: ${{ parameters.dirs }}\n    text: x${{ parameters.count }}\n    files: ${{ steps.w.output.files | length }}\n    gone: ${{ parameters.missing }}\n",
    );
    let r = run(
        &Engine::default(),
        dir.path(),
        &yaml,
        json!({"count": 3, "dirs": ["a", "skip", "b"]}),
    )
    .unwrap();
    assert_eq!(
        r.output,
        json!({"count": 3, "list": ["a", "skip", "b"], "text": "x3", "files": 2})
    );
    assert!(
        r.log
            .iter()
            .any(|l| l.contains("Running step each: {\"key\":\"0\",\"value\":\"a\"}"))
    );
    assert!(
        r.log
            .iter()
            .any(|l| l.contains("Skipping step each: {\"key\":\"1\",\"value\":\"skip\"}"))
    );
    assert!(r.log.iter().any(|l| l.ends_with("n=3")));
    let r = run(
        &Engine::default(),
        dir.path(),
        &yaml,
        json!({"count": 1, "dirs": []}),
    )
    .unwrap();
    assert!(
        r.log
            .iter()
            .any(|l| l == "Skipping step log because its if condition was false")
    );
}

#[test]
fn secrets_are_redacted_in_the_log() {
    let dir = tempfile::tempdir().unwrap();
    let yaml = template(
        "    - id: l\n      action: debug:log\n      input:\n        message: token ${{ secrets.token }}\n",
    );
    let r = run(&Engine::default(), dir.path(), &yaml, json!({})).unwrap();
    assert!(
        r.log.iter().all(|l| !l.contains("s3cr3t-value")),
        "{:?}",
        r.log
    );
    assert!(r.log.iter().any(|l| l.ends_with("token ***")));
}

#[test]
fn unknown_actions_are_refused_before_anything_runs() {
    let dir = tempfile::tempdir().unwrap();
    let yaml = template(
        "    - id: a\n      action: debug:log\n    - id: b\n      action: harbor:launch\n      if: false\n",
    );
    let err = run(&Engine::default(), dir.path(), &yaml, json!({})).unwrap_err();
    assert_eq!(
        err.to_string(),
        "step b: action harbor:launch is not available in Backlot"
    );
}

#[test]
fn urls_leaving_the_template_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("t")).unwrap();
    for url in ["../../etc", "/etc", "https://example.com/x.zip"] {
        let yaml = template(&format!(
            "    - id: f\n      action: fetch:plain\n      input:\n        url: '{url}'\n"
        ));
        let err = run(&Engine::default(), &dir.path().join("t"), &yaml, json!({})).unwrap_err();
        assert!(
            matches!(
                err,
                ScaffolderError::PathRefused { .. } | ScaffolderError::RemoteUrl { .. }
            ),
            "{url}: {err}"
        );
    }
    let yaml = template(
        "    - id: f\n      action: fetch:template\n      input:\n        url: ./\n        targetPath: ../../outside\n",
    );
    assert!(matches!(
        run(&Engine::default(), &dir.path().join("t"), &yaml, json!({})).unwrap_err(),
        ScaffolderError::PathRefused { .. }
    ));
}

#[cfg(unix)]
#[test]
fn symlinks_leaving_the_template_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "skeleton/ok.txt", "ok");
    std::os::unix::fs::symlink("/etc/passwd", dir.path().join("skeleton/passwd")).unwrap();
    let yaml = template(
        "    - id: f\n      action: fetch:template\n      input:\n        url: ./skeleton\n",
    );
    let err = run(&Engine::default(), dir.path(), &yaml, json!({})).unwrap_err();
    assert!(matches!(err, ScaffolderError::PathRefused { .. }), "{err}");
    std::os::unix::fs::symlink("/etc", dir.path().join("escape")).unwrap();
    let yaml =
        template("    - id: f\n      action: fetch:plain\n      input:\n        url: ./escape\n");
    assert!(matches!(
        run(&Engine::default(), dir.path(), &yaml, json!({})).unwrap_err(),
        ScaffolderError::PathRefused { .. }
    ));
}

#[test]
fn huge_files_and_runaway_templates_stop_with_errors() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "skeleton/big.txt", &"x".repeat(4096));
    let engine = Engine {
        file_limits: FileLimits {
            max_file: 1024,
            ..FileLimits::default()
        },
        ..Engine::default()
    };
    let yaml = template(
        "    - id: f\n      action: fetch:template\n      input:\n        url: ./skeleton\n",
    );
    assert!(matches!(
        run(&engine, dir.path(), &yaml, json!({})).unwrap_err(),
        ScaffolderError::TooLarge { .. }
    ));

    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "skeleton/loop.txt",
        "{% for a in range(100000) %}{% for b in range(100000) %}{% for c in range(100000) %}x{% endfor %}{% endfor %}{% endfor %}",
    );
    let started = std::time::Instant::now();
    let err = run(&Engine::default(), dir.path(), &yaml, json!({})).unwrap_err();
    assert!(matches!(err, ScaffolderError::Render { .. }), "{err}");
    assert!(started.elapsed() < std::time::Duration::from_secs(60));
}

#[test]
fn fs_and_catalog_actions() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "files/a.txt", "A");
    write(dir.path(), "files/logs/x.log", "L");
    let yaml = template(
        "    - id: p\n      action: fetch:plain\n      input: {url: ./files}\n    - id: r\n      action: fs:rename\n      input:\n        files: [{from: a.txt, to: moved/b.txt}]\n    - id: d\n      action: fs:delete\n      input: {files: ['logs']}\n    - id: c\n      action: catalog:write\n      input:\n        entity: {apiVersion: backstage.io/v1alpha1, kind: Component, metadata: {name: x}}\n",
    );
    let r = run(&Engine::default(), dir.path(), &yaml, json!({})).unwrap();
    let paths: Vec<&str> = r.files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(paths, vec!["catalog-info.yaml", "moved/b.txt"]);
    assert_eq!(
        file(&r, "catalog-info.yaml"),
        Some(
            "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: x\n  annotations:\n    backstage.io/source-template: template:default/dry-run\n"
        )
    );
}

#[test]
fn values_and_action_inputs_are_checked_in_dry_runs_and_real_runs() {
    use backlot_scaffolder_backend::Live;
    use std::sync::atomic::AtomicBool;
    let dir = tempfile::tempdir().unwrap();
    let yaml = "apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata: {name: t}\nspec:\n  parameters:\n    - required: [name]\n      properties:\n        name: {type: string, pattern: '^[a-z]+$'}\n        more: {type: boolean}\n    - when: ${{ parameters.more }}\n      properties:\n        extra: {type: string}\n  steps:\n    - id: log\n      action: debug:log\n      input:\n        message: ${{ parameters | dump }}\n        each: ${{ parameters.each }}\n";
    let spec = parse_template(yaml).unwrap();
    let secrets = BTreeMap::new();
    let engine = Engine::default();
    let request = |values: &'static Json| DryRunRequest {
        template_dir: dir.path(),
        spec: &spec,
        values,
        secrets: &secrets,
        user: RunUser::default(),
    };
    let real = |values: &'static Json| {
        let workspace = tempfile::tempdir().unwrap();
        let cancel = AtomicBool::new(false);
        let mut progress = |_: &[_], _: &[_], _: Option<&str>| {};
        engine
            .run(
                &request(values),
                workspace.path(),
                Live {
                    template_ref: "template:default/t",
                    cancel: &cancel,
                    on_progress: &mut progress,
                },
            )
            .map_err(|f| f.error)
    };
    let bad: &'static Json = Box::leak(Box::new(json!({"name": "Quay 7"})));
    for error in [
        engine
            .dry_run(&request(bad))
            .map(|_| ())
            .map_err(|f| f.error),
        real(bad).map(|_| ()),
    ] {
        let error = error.unwrap_err();
        assert!(
            matches!(error, ScaffolderError::ParametersInvalid { .. }),
            "{error}"
        );
        assert!(
            error
                .to_string()
                .contains("instance.name does not match pattern")
        );
    }
    // The hidden page's value is gone; an undeclared `each` key fails debug:log's schema.
    let hidden: &'static Json = Box::leak(Box::new(json!({"name": "quay", "extra": "x"})));
    let r = engine.dry_run(&request(hidden)).unwrap();
    assert!(
        r.log.iter().any(|l| l.contains(r#"{\"name\":\"quay\"}"#)),
        "{:?}",
        r.log
    );
    let looped: &'static Json = Box::leak(Box::new(json!({"name": "quay", "each": 1})));
    for error in [
        engine
            .dry_run(&request(looped))
            .map(|_| ())
            .map_err(|f| f.error),
        real(looped).map(|_| ()),
    ] {
        assert_eq!(
            error.unwrap_err().to_string(),
            "Invalid input passed to action debug:log, instance is not allowed to have the additional property \"each\""
        );
    }
}

#[test]
fn debug_log_lists_the_workspace_with_a_blank_line_before_contents() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "skeleton/horn.yaml", "horn: fog-horn\n");
    let yaml = template(
        "    - id: f\n      action: fetch:plain\n      input: {url: ./skeleton}\n    - id: contents\n      action: debug:log\n      input: {listWorkspace: with-contents}\n    - id: names\n      action: debug:log\n      input: {listWorkspace: true}\n",
    );
    let r = run(&Engine::default(), dir.path(), &yaml, json!({})).unwrap();
    assert!(
        r.log
            .iter()
            .any(|l| l.ends_with("Workspace:\n - horn.yaml:\n\n  horn: fog-horn\n")),
        "{:?}",
        r.log
    );
    assert!(
        r.log
            .iter()
            .any(|l| l.ends_with("Workspace:\n  - horn.yaml"))
    );
}

#[test]
fn a_dry_run_shows_backstages_token_key_only_redacted() {
    let dir = tempfile::tempdir().unwrap();
    let yaml = template(
        "    - id: s\n      action: debug:log\n      input: {message: '${{ secrets.backstageToken }}|${{ secrets | dump }}'}\n",
    );
    let spec = parse_template(&yaml).unwrap();
    let r = Engine::default()
        .dry_run(&DryRunRequest {
            template_dir: dir.path(),
            spec: &spec,
            values: &json!({}),
            secrets: &BTreeMap::new(),
            user: RunUser::default(),
        })
        .unwrap();
    assert!(
        r.log
            .iter()
            .any(|l| l.contains(r#""message": "***|{\"backstageToken\":\"***\"}""#)),
        "{:?}",
        r.log
    );
    assert!(r.log.iter().any(|l| l.ends_with("m: |{}")), "{:?}", r.log);
}
