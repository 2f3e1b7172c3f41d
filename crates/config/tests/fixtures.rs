//! Loading the real Backstage app-config files in tests/fixtures (see its SOURCE.md).

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use std::path::PathBuf;

use backlot_config::{Config, ConfigError};

fn fixture(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures")
        .join(rel)
}

fn no_env(_: &str) -> Option<String> {
    None
}

#[test]
fn backstage_demo_app_config_loads() {
    let c = Config::load_files_with_env(&[fixture("backstage-demo/app-config.yaml")], &no_env)
        .expect("loads");
    assert_eq!(c.app.title.as_deref(), Some("Backstage Demo"));
    assert_eq!(
        c.team_backend_base_url().map(|u| u.as_str()),
        Some("http://localhost:7007/")
    );
    assert_eq!(c.catalog_locations.len(), 12);
    assert_eq!(c.catalog_locations[0].kind, "url");
    assert!(
        c.catalog_locations[0]
            .target
            .ends_with("all-components.yaml")
    );
    assert_eq!(
        c.catalog_locations[11].allow.as_deref(),
        Some(&["Template".to_owned()][..])
    );
    // GITHUB_TOKEN is unset: the token is dropped (Backstage semantics), the host stays.
    let gh = c
        .integrations
        .iter()
        .find(|i| i.provider == "github")
        .expect("github integration");
    assert_eq!(gh.host.as_deref(), Some("github.com"));
    assert_eq!(gh.token, None);
    assert!(
        c.warnings
            .iter()
            .any(|w| w.key == "integrations.github[0].token" && w.message.contains("GITHUB_TOKEN"))
    );
    // Sections Backlot does not use are reported, not fatal.
    for ignored in ["auth", "techdocs", "kubernetes", "organization"] {
        assert!(
            c.warnings.iter().any(|w| w.key == ignored),
            "no warning for {ignored}"
        );
    }
    assert!(c.proxy_endpoints.is_empty());
    assert!(c.secret_names.is_empty());
}

#[test]
fn demo_with_env_keeps_token() {
    let env = |name: &str| (name == "GITHUB_TOKEN").then(|| "ghp_from_env".to_owned());
    let c = Config::load_files_with_env(&[fixture("backstage-demo/app-config.yaml")], &env)
        .expect("loads");
    let gh = c
        .integrations
        .iter()
        .find(|i| i.provider == "github")
        .expect("github");
    assert_eq!(
        gh.token.as_ref().and_then(|t| t.as_plain()).as_deref(),
        Some("ghp_from_env")
    );
}

#[test]
fn create_app_template_then_production_override() {
    // app-config.yaml.hbs as shipped in @backstage/create-app 0.9.2 contains no Handlebars
    // expressions, so it is valid YAML and loads; production overrides it.
    let files = [
        fixture("backstage-create-app/app-config.yaml.hbs"),
        fixture("backstage-create-app/app-config.production.yaml"),
    ];
    let env = |name: &str| match name {
        "POSTGRES_HOST" => Some("db.internal".to_owned()),
        _ => None,
    };
    let c = Config::load_files_with_env(&files, &env).expect("loads");
    assert_eq!(c.app.title.as_deref(), Some("Scaffolded Backstage App"));
    // production sets app.baseUrl to the backend's: later file wins, title kept (deep merge).
    assert_eq!(c.app.base_url.as_deref(), Some("http://localhost:7007"));
    // Lists are replaced, not concatenated: production's three file locations.
    let targets: Vec<_> = c
        .catalog_locations
        .iter()
        .map(|l| l.target.as_str())
        .collect();
    assert_eq!(
        targets,
        [
            "./examples/entities.yaml",
            "./examples/template/template.yaml",
            "./examples/org.yaml"
        ]
    );
    // backend.database merged: client from production, host substituted, unset port dropped.
    assert_eq!(
        c.tree
            .path("backend.database.client")
            .map(|n| n.pos.file.ends_with("production.yaml")),
        Some(true)
    );
    assert!(c.tree.path("backend.database.connection.host").is_some());
    assert!(c.tree.path("backend.database.connection.port").is_none());
    // `proxy:` holds only comments (null) in the template: no endpoints, no error.
    assert!(c.proxy_endpoints.is_empty());
    assert_eq!(c.sources.len(), 2);
}

#[test]
fn production_alone_loads() {
    let c = Config::load_files_with_env(
        &[fixture("backstage-create-app/app-config.production.yaml")],
        &no_env,
    )
    .expect("loads");
    assert_eq!(
        c.backend.base_url.as_ref().map(|u| u.as_str()),
        Some("http://localhost:7007/")
    );
    assert!(
        c.warnings
            .iter()
            .any(|w| w.message.contains("POSTGRES_PASSWORD"))
    );
}

#[test]
fn hbs_with_handlebars_expressions_is_a_clear_syntax_error() {
    // What an un-rendered create-app template looks like in other versions.
    let text = "app:\n  title: {{name}}\n  baseUrl: http://localhost:3000\n";
    let err = Config::from_yaml("app-config.yaml.hbs", text, &no_env).expect_err("not YAML");
    match &err {
        ConfigError::Syntax { file, line, .. } => {
            assert_eq!(file, "app-config.yaml.hbs");
            assert_eq!(*line, 2);
        }
        other => panic!("expected a syntax error, got {other:?}"),
    }
    assert!(
        err.to_string().starts_with("app-config.yaml.hbs:2:"),
        "{err}"
    );
}

#[cfg(unix)]
#[test]
fn a_device_or_a_huge_file_as_config_is_refused_unread() {
    let err = Config::load_files(&["/dev/zero"]).expect_err("a device");
    assert!(matches!(err, ConfigError::Read { .. }));
    assert!(
        err.to_string().contains("/dev/zero is a character device"),
        "{err}"
    );
    let dir = tempfile::tempdir().unwrap();
    let huge = dir.path().join("app-config.yaml");
    std::fs::write(
        &huge,
        vec![b'#'; (backlot_config::MAX_CONFIG_BYTES + 1) as usize],
    )
    .unwrap();
    let err = Config::load_files(&[&huge]).expect_err("too large");
    assert!(err.to_string().contains("is larger than"), "{err}");
}

#[test]
fn missing_file_names_the_path() {
    let err = Config::load_files(&["/nonexistent/app-config.yaml"]).expect_err("missing");
    assert!(matches!(err, ConfigError::Read { .. }));
    assert!(err.to_string().contains("/nonexistent/app-config.yaml"));
}
