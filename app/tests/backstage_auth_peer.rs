//! Signing in to a real Backstage and writing back to it (tests/interop/run-auth-peer.sh:
//! `@backstage/plugin-auth-backend` with the guest provider, client metadata documents and
//! refresh tokens). The test plays the browser and the consent page: it follows the
//! authorize redirect, approves (or rejects) the session as the guest user, and delivers the
//! redirect to Backlot's loopback listener. Needs a real Secret Service (run under
//! scripts/with-keyring.sh) and port 8055; run with `--test-threads=1`.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

mod common;

use std::time::{Duration, Instant};

use backlot_app::Api;
use backlot_model::ErrorCode;
use backlot_secrets::Keychain;
use common::Recorder;
use serde_json::Value;

fn peer() -> String {
    std::env::var("BACKSTAGE_AUTH_PEER_URL")
        .expect("BACKSTAGE_AUTH_PEER_URL: run through scripts/test-interop.sh")
}

fn files() -> String {
    std::env::var("BACKSTAGE_AUTH_PEER_FILES").unwrap_or_else(|_| "http://127.0.0.1:7119".into())
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Runtime::new().unwrap()
}

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

fn service(test: &str) -> String {
    format!("backlot-peer-{test}-{}", std::process::id())
}

fn open(dir: &std::path::Path, service: &str) -> Api {
    Api::builder(dir).keychain_service(service).open()
}

/// The consent page's session id, from the authorize redirect.
async fn consent_session(authorize_url: &str) -> String {
    let answer = http().get(authorize_url).send().await.unwrap();
    assert_eq!(
        answer.status(),
        302,
        "authorize redirects to the consent page"
    );
    let location = answer.headers()["location"].to_str().unwrap().to_string();
    assert!(location.contains("/oauth2/authorize/"), "{location}");
    location.rsplit('/').next().unwrap().to_string()
}

/// A JSON answer.
async fn json(request: reqwest::RequestBuilder) -> Value {
    let text = request.send().await.unwrap().text().await.unwrap();
    serde_json::from_str(&text).unwrap()
}

/// Approves (or rejects) the consent session as the guest user; the browser's next address.
async fn consent(session: &str, approve: bool) -> String {
    let guest = json(http().get(format!("{}/api/auth/guest/refresh", peer()))).await;
    let token = guest["backstageIdentity"]["token"].as_str().unwrap();
    let verb = if approve { "approve" } else { "reject" };
    let answer = json(
        http()
            .post(format!("{}/api/auth/v1/sessions/{session}/{verb}", peer()))
            .bearer_auth(token),
    )
    .await;
    answer["redirectUrl"].as_str().unwrap().to_string()
}

/// The browser arriving at Backlot's listener.
async fn deliver(redirect: &str) -> String {
    http()
        .get(redirect)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// Plays the whole browser side of a sign-in Backlot started; `tamper` edits the address
/// the browser is sent back to.
fn browser(api: &Api, approve: bool, tamper: impl FnOnce(String) -> String) -> String {
    let started = api.start_sign_in(&peer(), false).unwrap();
    rt().block_on(async {
        let session = consent_session(&started.authorize_url).await;
        let redirect = tamper(consent(&session, approve).await);
        deliver(&redirect).await
    })
}

fn stored_session(service: &str) -> Option<Value> {
    Keychain::open_service(service)
        .unwrap()
        .get("team-backend-session")
        .ok()
        .map(|v| serde_json::from_str(v.expose()).unwrap())
}

fn sync(api: &Api) -> backlot_app::sync::SyncRun {
    let credential = api.credential_for(&peer()).unwrap();
    api.sync_and_wait(None, &credential, Default::default(), |_| {})
        .unwrap()
}

fn wait_for_background_sync(api: &Api) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while api.team_backend().unwrap().sync.running.is_some() {
        assert!(Instant::now() < deadline, "the sync did not end in 60 s");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn signed_in(test: &str) -> (tempfile::TempDir, String, Api) {
    let dir = tempfile::tempdir().unwrap();
    let service = service(test);
    let api = open(dir.path(), &service);
    let page = browser(&api, true, |r| r);
    assert!(page.contains("Signed in"), "{page}");
    api.wait_for_sign_in().unwrap();
    (dir, service, api)
}

#[test]
fn sign_in_syncs_as_the_user_stays_signed_in_and_signs_out() {
    let (dir, service, api) = signed_in("flow");
    let team = api.team_backend().unwrap();
    assert!(
        team.session.signed_in && team.session.renews,
        "{:?}",
        team.session
    );
    assert_eq!(team.session.user.as_deref(), Some("user:default/alice"));
    assert!(!team.token_set, "no static token involved");
    assert_eq!(
        team.url.as_deref(),
        Some(peer().as_str()),
        "the URL was saved"
    );
    // "Me" comes from the token.
    assert_eq!(
        api.preferences().unwrap().signed_in_as.as_deref(),
        Some("user:default/alice")
    );

    // The sync runs as the user.
    let credential = api.credential_for(&peer()).unwrap();
    assert_eq!(
        credential.source,
        backlot_app::sync::CredentialSource::Session
    );
    let run = sync(&api);
    let (report, _) = run.result.expect("the sync as the signed-in user");
    assert!(report.remote_total >= 18, "{report:?}");
    let first_refresh = stored_session(&service).unwrap()["refreshToken"].clone();

    // A later session of the app (no access token in memory) is still signed in: the
    // refresh token is exchanged, and rotated.
    drop(api);
    let api = open(dir.path(), &service);
    let run = sync(&api);
    assert!(run.result.is_ok(), "{:?}", run.result);
    let rotated = stored_session(&service).unwrap()["refreshToken"].clone();
    assert_ne!(
        first_refresh, rotated,
        "the refresh token rotated and was kept"
    );

    // The session's token stays with its host: another URL tested with an empty token
    // field gets no Authorization header.
    let other = Recorder::start();
    api.test_team_backend(&other.url, None).unwrap();
    assert!(other.take().iter().all(Option::is_none));

    // Signing out revokes on the backend and forgets here; the catalog stays.
    let total = |api: &Api| api.catalog_summary().unwrap().total;
    let before = total(&api);
    api.sign_out().unwrap();
    assert!(stored_session(&service).is_none());
    assert!(!api.team_backend().unwrap().session.signed_in);
    assert_eq!(total(&api), before);
    let refused = rt().block_on(async {
        http()
            .post(format!("{}/api/auth/v1/token", peer()))
            .form(&[
                ("grant_type", "refresh_token"),
                ("refresh_token", rotated.as_str().unwrap()),
            ])
            .send()
            .await
            .unwrap()
            .status()
    });
    assert_eq!(
        refused, 400,
        "the revoked refresh token is dead on the backend"
    );
    let run = sync(&api);
    assert!(
        matches!(run.result, Err(backlot_app::sync::SyncError::Unauthorized)),
        "{:?}",
        run.result
    );
}

#[test]
fn a_session_revoked_elsewhere_asks_to_sign_in_again_and_keeps_the_catalog() {
    let (dir, service, api) = signed_in("revoked");
    assert!(sync(&api).result.is_ok());
    let total = api.catalog_summary().unwrap().total;
    let stored = stored_session(&service).unwrap();
    rt().block_on(async {
        let status = http()
            .post(format!("{}/api/auth/v1/revoke", peer()))
            .form(&[
                ("token", stored["refreshToken"].as_str().unwrap()),
                ("client_id", stored["clientId"].as_str().unwrap()),
            ])
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(status, 200);
    });
    drop(api);
    let api = open(dir.path(), &service);
    let err = api.credential_for(&peer()).unwrap_err();
    assert_eq!(err.code, ErrorCode::Unauthorized);
    assert!(err.message.contains("sign in again"), "{}", err.message);
    let session = api.team_backend().unwrap().session;
    assert!(!session.signed_in && session.error.is_some(), "{session:?}");
    assert!(
        stored_session(&service).is_none(),
        "the dead refresh token is forgotten"
    );
    assert_eq!(
        api.catalog_summary().unwrap().total,
        total,
        "the offline catalog is kept"
    );
}

#[test]
fn failed_sign_ins_say_why_and_store_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let service = service("failures");
    let api = open(dir.path(), &service);
    let outcome = |api: &Api| api.wait_for_sign_in().unwrap_err();

    // An answer with another state (a forged or stale redirect).
    let page = browser(&api, true, |r| r.replace("state=", "state=forged"));
    assert!(page.contains("not accepted"), "{page}");
    let err = outcome(&api);
    assert!(err.message.contains("different state"), "{}", err.message);

    // A wrong code with the right state.
    browser(&api, true, |r| {
        let mut url = url::Url::parse(&r).unwrap();
        let pairs: Vec<(String, String)> = url
            .query_pairs()
            .map(|(k, v)| {
                let v = if k == "code" {
                    "not-the-code".into()
                } else {
                    v.into_owned()
                };
                (k.into_owned(), v)
            })
            .collect();
        url.query_pairs_mut().clear().extend_pairs(pairs);
        url.into()
    });
    let err = outcome(&api);
    assert!(
        err.message.contains("refused the sign-in code"),
        "{}",
        err.message
    );
    assert!(
        err.message.contains("Invalid authorization code"),
        "{}",
        err.message
    );

    // Consent declined in the browser.
    let page = browser(&api, false, |r| r);
    assert!(page.contains("declined"), "{page}");
    let err = outcome(&api);
    assert!(err.message.contains("access_denied"), "{}", err.message);

    // The code expired before it reached Backlot (10 minutes on a real backend).
    let script = std::env::var("AUTH_PEER_SCRIPT")
        .unwrap_or_else(|_| "tests/interop/run-auth-peer.sh".into());
    browser(&api, true, |r| {
        let status = std::process::Command::new("bash")
            .arg(backlot_test_support::workspace_root().join(&script))
            .args([
                "sql",
                "auth",
                "UPDATE oidc_authorization_codes SET expires_at=1",
            ])
            // Its own defaults, not the shared peer's (test-interop.sh exports those).
            .env_remove("BS_DIR")
            .stdout(std::process::Stdio::null())
            .status()
            .unwrap();
        assert!(status.success());
        r
    });
    let err = outcome(&api);
    assert!(
        err.message.contains("Authorization code expired"),
        "{}",
        err.message
    );

    // The redirect port is taken.
    let busy = std::net::TcpListener::bind("127.0.0.1:8055").unwrap();
    let err = api.start_sign_in(&peer(), false).unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict);
    assert!(err.message.contains("port 8055"), "{}", err.message);
    drop(busy);

    assert!(stored_session(&service).is_none());
    assert!(!api.team_backend().unwrap().session.signed_in);
}

#[test]
fn write_back_registers_refreshes_and_unregisters() {
    let (_dir, _service, api) = signed_in("write");
    assert!(sync(&api).result.is_ok());
    let target = format!("{}/two-components.yaml", files());

    let preview = api.register_location(&target, true).unwrap();
    let mut refs: Vec<_> = preview
        .entities
        .iter()
        .map(|e| e.entity_ref.as_str())
        .collect();
    refs.sort();
    assert_eq!(
        refs,
        ["component:default/remote-a", "component:default/remote-b"]
    );
    assert!(!preview.exists && preview.dry_run);
    assert!(
        api.entity("component:default/remote-a").is_err(),
        "a preview adds nothing"
    );

    let registered = api.register_location(&target, false).unwrap();
    assert_eq!(registered.entities.len(), 2);
    wait_for_background_sync(&api);
    let shown = api.entity("component:default/remote-a").unwrap();
    assert!(shown.from_team, "registered, then synced into Backlot");

    let again = api.register_location(&target, false).unwrap_err();
    assert_eq!(again.code, ErrorCode::Conflict);
    assert!(
        again.message.contains("already registered"),
        "{}",
        again.message
    );
    let missing = api
        .register_location(&format!("{}/missing.yaml", files()), true)
        .unwrap_err();
    assert!(
        missing.message.contains("Unable to read url"),
        "{}",
        missing.message
    );

    // Edit the file, refresh: the new description arrives without waiting for a sync.
    rt().block_on(async {
        let body = std::fs::read_to_string("/tmp/backlot-auth-peer/remote/two-components.yaml")
            .unwrap_or_default();
        assert!(!body.is_empty(), "the peer's sample file");
        let edited = body.replacen(
            "name: remote-a\n",
            "name: remote-a\n  description: Edited upstream\n",
            1,
        );
        assert_ne!(edited, body);
        let status = http()
            .put(&target)
            .body(edited)
            .send()
            .await
            .unwrap()
            .status();
        assert!(status.is_success());
    });
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let view = api
            .refresh_team_entity("component:default/remote-a")
            .unwrap();
        let edited = ["component:default/remote-a", "component:default/remote-b"]
            .iter()
            .filter_map(|r| api.entity(r).ok())
            .any(|v| {
                v.details
                    .entity
                    .metadata
                    .description
                    .is_some_and(|d| d.starts_with("Edited upstream"))
            });
        if edited {
            assert!(view.from_team);
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the refreshed entity never arrived"
        );
        std::thread::sleep(Duration::from_millis(500));
    }

    let location = api.entity_location("component:default/remote-a").unwrap();
    assert_eq!(location.location.target, target);
    assert_eq!(location.entities.len(), 2, "{:?}", location.entities);
    let config = api
        .entity_location("component:default/checkout-web")
        .unwrap_err();
    assert_eq!(config.code, ErrorCode::NotFound);
    assert!(
        config.message.contains("configuration"),
        "{}",
        config.message
    );

    api.unregister_location(&location.location.id).unwrap();
    wait_for_background_sync(&api);
    assert!(
        api.entity("component:default/remote-a").is_err(),
        "gone here too"
    );
    assert!(
        api.entity("component:default/checkout-web").is_ok(),
        "the rest stays"
    );
    api.sign_out().unwrap();
}

#[test]
fn signing_in_by_pasting_the_address_works_without_a_listener() {
    let dir = tempfile::tempdir().unwrap();
    let service = service("pasted");
    let api = open(dir.path(), &service);
    // `backlot login --no-browser`: the address is shown, the browser runs "elsewhere", the
    // address it ended on is pasted back. Nothing listens on 8055 meanwhile.
    let shown = std::cell::RefCell::new(String::new());
    let user = api
        .sign_in_pasted(
            &peer(),
            |url| *shown.borrow_mut() = url.to_string(),
            || {
                assert!(
                    std::net::TcpListener::bind("127.0.0.1:8055").is_ok(),
                    "no listener for a pasted sign-in"
                );
                let authorize = shown.borrow().clone();
                Ok(rt().block_on(async {
                    let session = consent_session(&authorize).await;
                    format!("  {}\n", consent(&session, true).await)
                }))
            },
        )
        .unwrap();
    assert_eq!(user.as_deref(), Some("user:default/alice"));
    assert!(stored_session(&service).is_some());
    assert!(sync(&api).result.is_ok());
    api.sign_out().unwrap();
}

/// Only with the peer started with `PERMISSION=on` (a policy denying location create and
/// delete to users): scripts/test-interop.sh runs it on its own.
#[test]
fn a_permission_denial_says_the_account_may_not() {
    if std::env::var("BACKSTAGE_AUTH_PEER_PERMISSION").as_deref() != Ok("on") {
        return;
    }
    let (_dir, _service, api) = signed_in("permission");
    let err = api
        .register_location(&format!("{}/new-service.yaml", files()), true)
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Unauthorized);
    assert!(
        err.message.contains("your account may not do this"),
        "{}",
        err.message
    );
    api.sign_out().unwrap();
}

/// Runs the peer script (its own defaults, not the shared peer's that test-interop.sh exports).
fn peer_script(args: &[&str]) -> String {
    let script = std::env::var("AUTH_PEER_SCRIPT")
        .unwrap_or_else(|_| "tests/interop/run-auth-peer.sh".into());
    let out = std::process::Command::new("bash")
        .arg(backlot_test_support::workspace_root().join(&script))
        .args(args)
        // Its own settings, not the shared peer's that test-interop.sh exports.
        .env_remove("BS_DIR")
        .env_remove("ECHO_PORT")
        .env_remove("TOKEN")
        .env(
            "PORT",
            url::Url::parse(&peer())
                .unwrap()
                .port()
                .unwrap()
                .to_string(),
        )
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn the_teams_search_joins_local_results_marked_team() {
    use backlot_model::search::{Search, TYPE_ENTITY};
    let (_dir, _service, api) = signed_in("team-search");
    assert!(sync(&api).result.is_ok());
    let search = |query: &str, team: bool| {
        api.search(&Search {
            query: query.into(),
            team,
            limit: 20,
            ..Default::default()
        })
        .unwrap()
    };

    // In both catalogs: found once, marked as the team's too.
    let both = search("payments", true);
    assert_eq!(both.team_notice, None);
    let shared = both
        .hits
        .iter()
        .find(|h| h.entity_ref.as_deref() == Some("component:default/payments-service"))
        .expect("payments-service");
    assert!(shared.team, "{shared:?}");
    assert_eq!(
        both.hits
            .iter()
            .filter(|h| h.entity_ref.as_deref() == Some("component:default/payments-service"))
            .count(),
        1
    );

    // Only the team has it (registered there, not synced here yet): a "team" hit.
    let target = format!("{}/new-service.yaml", files());
    let location = rt().block_on(async {
        json(
            http()
                .post(format!("{}/api/catalog/locations", peer()))
                .bearer_auth("backlot-peer-token-0123456789")
                .header("content-type", "application/json")
                .body(serde_json::json!({"type": "url", "target": target}).to_string()),
        )
        .await
    });
    let deadline = Instant::now() + Duration::from_secs(30);
    let found = loop {
        peer_script(&["reindex"]);
        let r = search("new service", true);
        if let Some(hit) = r
            .hits
            .iter()
            .find(|h| h.entity_ref.as_deref() == Some("component:default/new-service"))
        {
            break hit.clone();
        }
        assert!(
            Instant::now() < deadline,
            "the team's search never found it: {r:?}"
        );
        std::thread::sleep(Duration::from_millis(500));
    };
    assert!(found.team && found.doc_type == TYPE_ENTITY, "{found:?}");
    assert!(
        !search("new service", false).hits.iter().any(|h| h.team),
        "without asking the team, local results only"
    );

    // The team's search unreachable: local results, and a quiet notice.
    api.save_team_backend("http://127.0.0.1:9", None).unwrap();
    let offline = search("payments", true);
    assert!(
        offline
            .team_notice
            .as_deref()
            .unwrap_or("")
            .contains("unavailable"),
        "{offline:?}"
    );
    assert!(
        offline
            .hits
            .iter()
            .any(|h| h.entity_ref.as_deref() == Some("component:default/payments-service"))
    );

    let id = location["location"]["id"].as_str().unwrap();
    rt().block_on(async {
        http()
            .delete(format!("{}/api/catalog/locations/{id}", peer()))
            .bearer_auth("backlot-peer-token-0123456789")
            .send()
            .await
            .unwrap();
    });
    api.sign_out().unwrap();
}

/// A template's `catalog:register` of a URL (what `publish:github` answers) registers it in
/// the team's catalog with the signed-in user's session, names the entity, and the new
/// component arrives in Backlot with the sync that follows; twice is refused unless
/// `optional`.
#[test]
fn a_templates_catalog_register_writes_to_the_teams_catalog() {
    use backlot_scaffolder_common::ipc::{GetRun, PublishTarget, RunStatus, RunView, StartRun};

    let (dir, _service, api) = signed_in("scaffolder-register");
    assert!(sync(&api).result.is_ok());
    let target = format!("{}/scaffolded-{}.yaml", files(), std::process::id());
    let name = format!("scaffolded-{}", std::process::id());
    rt().block_on(async {
        let yaml = format!(
            "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: {name}\nspec:\n  type: service\n  lifecycle: experimental\n  owner: team-platform\n"
        );
        let status = http().put(&target).body(yaml).send().await.unwrap().status();
        assert!(status.is_success());
    });
    let folder = dir.path().join("register-template");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(
        folder.join("catalog-info.yaml"),
        "apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata:\n  name: register-url\nspec:\n  owner: me\n  type: test\n  parameters:\n    - properties:\n        url:\n          type: string\n        optional:\n          type: boolean\n  steps:\n    - id: register\n      action: catalog:register\n      input:\n        catalogInfoUrl: ${{ parameters.url }}\n        optional: ${{ parameters.optional }}\n  output:\n    text:\n      - title: Registered\n        content: ${{ steps.register.output.entityRef }}\n",
    )
    .unwrap();
    api.ingest_files(&[folder], &[]).unwrap();
    let run = |optional: bool| -> RunView {
        let id: String = serde_json::from_value(
            api.dispatch(
                "scaffolder_start",
                serde_json::to_value(StartRun {
                    entity_ref: "template:default/register-url".into(),
                    values: serde_json::json!({"url": target, "optional": optional}),
                    target: PublishTarget::AsTemplateSays,
                })
                .unwrap(),
            )
            .unwrap(),
        )
        .unwrap();
        serde_json::from_value(
            api.dispatch(
                "scaffolder_run",
                serde_json::to_value(GetRun { run_id: id }).unwrap(),
            )
            .unwrap(),
        )
        .unwrap()
    };

    let done = run(false);
    assert_eq!(done.summary.status, RunStatus::Completed, "{done:?}");
    let entity_ref = format!("component:default/{name}");
    assert_eq!(done.text[0].content, entity_ref);
    wait_for_background_sync(&api);
    let shown = api.entity(&entity_ref).unwrap();
    assert!(
        shown.from_team,
        "registered on the team backend, then synced"
    );

    let twice = run(false);
    assert_eq!(twice.summary.status, RunStatus::Failed);
    assert!(
        twice
            .error
            .as_deref()
            .unwrap_or("")
            .contains("already registered"),
        "{twice:?}"
    );
    let optional = run(true);
    assert_eq!(
        optional.summary.status,
        RunStatus::Completed,
        "{optional:?}"
    );
    assert_eq!(optional.text[0].content, entity_ref);

    let location = api.entity_location(&entity_ref).unwrap();
    api.unregister_location(&location.location.id).unwrap();
    api.sign_out().unwrap();
}
