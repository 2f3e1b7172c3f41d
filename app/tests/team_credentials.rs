//! A team credential stays with the backend it was saved for (real Secret Service, run
//! under scripts/with-keyring.sh): two Backstage-like servers on 127.0.0.1 record the
//! `Authorization` header of every request; the second never sees the first one's token —
//! not on "Test connection" with an empty token field, not after the URL changed, not for a
//! token saved before tokens were bound to their origin.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use backlot_app::Api;
use backlot_model::ipc::{TEAM_BACKEND_TOKEN, TeamBackend};
use backlot_secrets::{Keychain, Sensitive};
use serde_json::json;

mod common;
use common::Recorder;

fn service(test: &str) -> String {
    format!("backlot-test-{test}-{}", std::process::id())
}

fn api(dir: &std::path::Path, service: &str) -> Api {
    Api::builder(dir).keychain_service(service).open()
}

fn team(api: &Api) -> TeamBackend {
    serde_json::from_value(api.dispatch("team_backend", json!({})).unwrap()).unwrap()
}

fn check(api: &Api, url: &str) {
    api.dispatch("test_team_backend", json!({"url": url, "token": null}))
        .unwrap();
}

fn needs_keyring() {
    assert!(
        std::env::var_os("BACKLOT_KEYRING_SESSION").is_some(),
        "needs a real Secret Service: run under scripts/with-keyring.sh (make test-native does)"
    );
}

#[test]
fn a_saved_token_is_only_ever_sent_to_its_own_origin() {
    needs_keyring();
    let (a, b) = (Recorder::start(), Recorder::start());
    let dir = tempfile::tempdir().unwrap();
    let service = service("binding");
    let api = api(dir.path(), &service);
    let canary = "canary-binding-4411";

    api.dispatch("save_team_backend", json!({"url": a.url, "token": canary}))
        .unwrap();
    assert!(team(&api).token_set);
    check(&api, &a.url);
    assert!(
        a.take()
            .iter()
            .all(|h| h.as_deref() == Some(&format!("Bearer {canary}"))),
        "the backend the token was saved for gets it"
    );

    // "Test connection" against another URL with the token field empty.
    check(&api, &b.url);
    // The URL changed without a new token, then a sync.
    let changed = api
        .dispatch("save_team_backend", json!({"url": b.url, "token": null}))
        .unwrap();
    assert_eq!(changed["tokenSet"], false, "{changed}");
    let run = api
        .sync_and_wait(
            None,
            &api.credential_for(&b.url).unwrap(),
            Default::default(),
            |_| {},
        )
        .unwrap();
    assert!(run.result.is_ok(), "{:?}", run.result);
    let seen_by_b = b.take();
    assert!(seen_by_b.len() >= 2, "B was asked: {seen_by_b:?}");
    assert!(
        seen_by_b.iter().all(Option::is_none),
        "B never sees an Authorization header: {seen_by_b:?}"
    );

    // Back to A: the token is still bound to it.
    api.dispatch("save_team_backend", json!({"url": a.url, "token": null}))
        .unwrap();
    assert!(team(&api).token_set);
    check(&api, &a.url);
    assert_eq!(
        a.take()[0].as_deref(),
        Some(format!("Bearer {canary}").as_str())
    );

    let _ = Keychain::open_service(&service)
        .unwrap()
        .delete(TEAM_BACKEND_TOKEN);
}

#[test]
fn a_token_saved_before_binding_stays_with_the_url_it_was_used_with() {
    needs_keyring();
    let (a, b) = (Recorder::start(), Recorder::start());
    let dir = tempfile::tempdir().unwrap();
    let service = service("legacy");
    // As an older Backlot left it: the URL in the store, the token in the keychain, no
    // record of which origin the token is for.
    {
        let api = api(dir.path(), &service);
        api.dispatch("save_team_backend", json!({"url": a.url, "token": null}))
            .unwrap();
    }
    let canary = "canary-legacy-9130";
    let keychain = Keychain::open_service(&service).unwrap();
    keychain
        .set(TEAM_BACKEND_TOKEN, &Sensitive::new(canary.to_string()))
        .unwrap();

    let api = api(dir.path(), &service);
    api.dispatch("save_team_backend", json!({"url": b.url, "token": null}))
        .unwrap();
    check(&api, &b.url);
    assert!(b.take().iter().all(Option::is_none));
    check(&api, &a.url);
    assert_eq!(
        a.take()[0].as_deref(),
        Some(format!("Bearer {canary}").as_str())
    );
    let _ = keychain.delete(TEAM_BACKEND_TOKEN);
}

#[test]
fn urls_that_would_leak_a_credential_are_refused_before_anything_is_saved() {
    let dir = tempfile::tempdir().unwrap();
    let api = api(dir.path(), &service("refused"));
    for url in [
        "http://backstage.example.com",
        "https://me:secret@backstage.example.com",
    ] {
        for command in ["save_team_backend", "test_team_backend"] {
            let err = api
                .dispatch(command, json!({"url": url, "token": null}))
                .unwrap_err();
            assert_eq!(err.code, backlot_model::ErrorCode::InvalidInput, "{url}");
        }
        let err = api
            .dispatch("start_sign_in", json!({"url": url}))
            .unwrap_err();
        assert_eq!(err.code, backlot_model::ErrorCode::InvalidInput, "{url}");
    }
    assert_eq!(team(&api).url, None, "nothing was saved");
}
