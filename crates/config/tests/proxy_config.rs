//! proxy.endpoints, secrets and the backlot section.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use backlot_config::{Config, ConfigError, CredentialsPolicy, Part};

fn env(name: &str) -> Option<String> {
    match name {
        "EXAMPLE_HOST" => Some("larger.example.com".to_owned()),
        _ => None,
    }
}

const YAML: &str = r#"
backend:
  baseUrl: http://localhost:7007
proxy:
  endpoints:
    simple-example: http://simple.example.com:8080
    '/larger-example/v1':
      target: http://${EXAMPLE_HOST}:8080/svc.v1
      changeOrigin: false
      headers:
        Authorization: Bearer ${secret:LARGER_TOKEN}
        X-Static: plain
        X-Escaped: $${secret:NOT_A_SECRET}
      allowedMethods: [get, POST]
      allowedHeaders: [X-Custom, x-trace-id]
      credentials: forward
      pathRewrite:
        '^/api/proxy/larger-example/v1/old': '/new'
      secure: false
backlot:
  teamBackend:
    baseUrl: https://backstage.example.com
    token: ${secret:BACKSTAGE_TOKEN}
  proxy:
    requestTimeoutSeconds: 5
    maxResponseBytes: 1024
  colour: blue
integrations:
  github:
    - host: github.com
      token: ${secret:GITHUB_TOKEN}
"#;

#[test]
fn endpoints_are_typed() {
    let c = Config::from_yaml("app-config.yaml", YAML, &env).expect("loads");
    assert_eq!(c.proxy_endpoints.len(), 2);
    let simple = c.proxy_endpoint("simple-example").expect("simple");
    assert_eq!(simple.route, "/simple-example");
    assert_eq!(simple.target.as_str(), "http://simple.example.com:8080/");
    assert!(simple.change_origin);
    assert_eq!(simple.credentials, CredentialsPolicy::Require);
    assert_eq!(simple.allowed_methods, None);

    let larger = c.proxy_endpoint("/larger-example/v1").expect("larger");
    assert_eq!(
        larger.target.as_str(),
        "http://larger.example.com:8080/svc.v1"
    );
    assert!(!larger.change_origin);
    assert_eq!(larger.credentials, CredentialsPolicy::Forward);
    assert_eq!(
        larger.allowed_methods.as_deref(),
        Some(&["GET".to_owned(), "POST".to_owned()][..])
    );
    assert_eq!(larger.allowed_headers, ["X-Custom", "x-trace-id"]);
    assert_eq!(
        larger.path_rewrite.as_deref(),
        Some(
            &[(
                "^/api/proxy/larger-example/v1/old".to_owned(),
                "/new".to_owned()
            )][..]
        )
    );
    let (name, auth) = &larger.headers[0];
    assert_eq!(name, "Authorization");
    assert_eq!(
        auth.parts(),
        [
            Part::Literal("Bearer ".into()),
            Part::Secret("LARGER_TOKEN".into())
        ]
    );
    assert_eq!(
        larger.headers[2].1.as_plain().as_deref(),
        Some("${secret:NOT_A_SECRET}")
    );
    assert_eq!(larger.pos.line, 7);
}

#[test]
fn secret_names_team_backend_and_warnings() {
    let c = Config::from_yaml("app-config.yaml", YAML, &env).expect("loads");
    let names: Vec<_> = c.secret_names.iter().map(String::as_str).collect();
    assert_eq!(names, ["BACKSTAGE_TOKEN", "GITHUB_TOKEN", "LARGER_TOKEN"]);
    assert_eq!(
        c.team_backend_base_url().map(|u| u.as_str()),
        Some("https://backstage.example.com/")
    );
    assert_eq!(
        c.backlot
            .team_backend_token
            .as_ref()
            .map(|t| t.to_string())
            .as_deref(),
        Some("${secret:BACKSTAGE_TOKEN}")
    );
    assert_eq!(c.backlot.proxy.request_timeout.as_secs(), 5);
    assert_eq!(c.backlot.proxy.max_response_bytes, 1024);
    let unknown: Vec<_> = c
        .warnings
        .iter()
        .map(|w| (w.key.as_str(), w.line))
        .collect();
    assert!(
        unknown.contains(&("proxy.endpoints./larger-example/v1.secure", 19)),
        "{unknown:?}"
    );
    assert!(unknown.contains(&("backlot.colour", 27)), "{unknown:?}");
    // The loaded config's Debug output holds references, never values (there are none).
    assert!(format!("{c:?}").contains("LARGER_TOKEN"));
}

#[test]
fn later_file_overrides_an_endpoint_field_and_keeps_the_rest() {
    let base = ("app-config.yaml".to_owned(), YAML.to_owned());
    let local = (
        "app-config.local.yaml".to_owned(),
        "proxy:\n  endpoints:\n    simple-example: http://localhost:9999\n    '/larger-example/v1':\n      allowedMethods: [DELETE]\n".to_owned(),
    );
    let c = Config::from_sources(&[base, local], &env).expect("loads");
    assert_eq!(
        c.proxy_endpoint("simple-example")
            .map(|e| e.target.as_str()),
        Some("http://localhost:9999/")
    );
    let larger = c.proxy_endpoint("/larger-example/v1").expect("larger");
    assert_eq!(
        larger.allowed_methods.as_deref(),
        Some(&["DELETE".to_owned()][..])
    );
    assert_eq!(larger.headers.len(), 3, "headers kept from the first file");
}

fn err(yaml: &str) -> ConfigError {
    Config::from_yaml("bad.yaml", yaml, &env).expect_err("should fail")
}

#[test]
fn errors_name_file_line_and_key() {
    let e = err("proxy:\n  endpoints:\n    x:\n      target: 'not a url'\n");
    let ConfigError::Invalid {
        file, line, key, ..
    } = &e
    else {
        panic!("{e:?}")
    };
    assert_eq!(
        (file.as_str(), *line, key.as_str()),
        ("bad.yaml", 4, "proxy.endpoints.x.target")
    );
    assert!(e.to_string().starts_with("bad.yaml:4:"), "{e}");

    let e = err("proxy:\n  endpoints:\n    x:\n      changeOrigin: true\n");
    assert!(e.to_string().contains("`target` is required"), "{e}");

    let e =
        err("proxy:\n  endpoints:\n    x:\n      target: http://a\n      credentials: sometimes\n");
    let ConfigError::Invalid { line, key, .. } = &e else {
        panic!("{e:?}")
    };
    assert_eq!((*line, key.as_str()), (5, "proxy.endpoints.x.credentials"));

    let e = err("backend:\n  baseUrl: ${secret:X}\n");
    assert!(
        e.to_string().contains("only allowed in proxy headers"),
        "{e}"
    );

    let e = err("backlot:\n  proxy:\n    requestTimeoutSeconds: soon\n");
    assert!(
        e.to_string()
            .contains("backlot.proxy.requestTimeoutSeconds"),
        "{e}"
    );

    let e = err(
        "proxy:\n  endpoints:\n    x:\n      target: http://a\n      headers:\n        A: ${secret:bad name}\n",
    );
    let ConfigError::Invalid { line, .. } = &e else {
        panic!("{e:?}")
    };
    assert_eq!(*line, 6);

    let e = err("- just\n- a list\n");
    assert!(matches!(e, ConfigError::NotAMapping { .. }), "{e:?}");

    let e = err("proxy:\n  endpoints:\n    x: ftp://a\n");
    assert!(e.to_string().contains("http(s)"), "{e}");
}

#[test]
fn skip_invalid_proxies_turns_errors_into_warnings() {
    let c = Config::from_yaml(
        "a.yaml",
        "proxy:\n  skipInvalidProxies: true\n  endpoints:\n    bad: {}\n    good: http://ok\n",
        &env,
    )
    .expect("loads");
    assert_eq!(c.proxy_endpoints.len(), 1);
    assert!(c.warnings.iter().any(|w| w.key == "proxy.endpoints.bad"));
}

#[test]
fn deprecated_root_level_endpoints_still_work() {
    let c =
        Config::from_yaml("a.yaml", "proxy:\n  '/old': http://old.example\n", &env).expect("loads");
    assert_eq!(c.proxy_endpoints[0].route, "/old");
    assert!(c.warnings.iter().any(|w| w.message.contains("deprecated")));
}

#[test]
fn empty_file_is_an_empty_config() {
    let c = Config::from_yaml("empty.yaml", "# nothing\n", &env).expect("loads");
    assert!(c.proxy_endpoints.is_empty() && c.warnings.is_empty());
}
