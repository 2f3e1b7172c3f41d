//! Against a real Secret Service (gnome-keyring on a private D-Bus session). Run directly
//! with `cargo test -p backlot-secrets` (each test re-runs itself under
//! scripts/with-keyring.sh) or as `scripts/with-keyring.sh cargo test -p backlot-secrets`.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

mod common;

use backlot_model::{ApiError, ErrorCode};
use backlot_secrets::{Keychain, SecretError, SecretStatus, Sensitive};
use common::*;

const SERVICE: &str = "backlot-test";

#[test]
fn set_replace_get_delete_round_trip() {
    if !ensure_keyring_session("set_replace_get_delete_round_trip") {
        return;
    }
    let kc = Keychain::open_service(SERVICE).expect("open keychain");
    let name = unique("GITHUB_TOKEN");
    assert_eq!(kc.status(&name).expect("status"), SecretStatus::Missing);

    kc.set(&name, &Sensitive::new("first-value".to_owned()))
        .expect("set");
    assert_eq!(kc.status(&name).expect("status"), SecretStatus::Set);
    assert_eq!(kc.get(&name).expect("get").expose(), "first-value");

    // The same item is visible to other Secret Service clients.
    let seen = secret_tool(&["lookup", "service", SERVICE, "username", &name]);
    assert_eq!(String::from_utf8_lossy(&seen.stdout), "first-value");

    kc.replace(&name, &Sensitive::new("second-value".to_owned()))
        .expect("replace");
    assert_eq!(kc.get(&name).expect("get").expose(), "second-value");
    kc.set(&name, &Sensitive::new("third-value".to_owned()))
        .expect("set again replaces");
    assert_eq!(kc.get(&name).expect("get").expose(), "third-value");

    let statuses = kc
        .statuses([name.as_str(), "NEVER_SET_SECRET"])
        .expect("statuses");
    assert_eq!(
        statuses,
        [
            (name.clone(), SecretStatus::Set),
            ("NEVER_SET_SECRET".to_owned(), SecretStatus::Missing)
        ]
    );

    assert!(kc.delete(&name).expect("delete"));
    assert_eq!(kc.status(&name).expect("status"), SecretStatus::Missing);
    assert!(!kc.delete(&name).expect("delete again"));
    assert!(
        secret_tool(&["lookup", "service", SERVICE, "username", &name])
            .stdout
            .is_empty()
    );
}

#[test]
fn missing_and_invalid() {
    if !ensure_keyring_session("missing_and_invalid") {
        return;
    }
    let kc = Keychain::open_service(SERVICE).expect("open keychain");
    let name = unique("MISSING");
    let err = kc.get(&name).expect_err("missing");
    assert_eq!(err, SecretError::NotFound { name: name.clone() });
    assert_eq!(ApiError::from(err).code, ErrorCode::NotFound);
    assert!(matches!(
        kc.replace(&name, &Sensitive::new("x".into())),
        Err(SecretError::NotFound { .. })
    ));
    assert_eq!(
        kc.status(&name).expect("status"),
        SecretStatus::Missing,
        "replace must not create"
    );

    for bad in ["", "has space", "slash/name", "ünïcode", &"x".repeat(129)] {
        let err = kc
            .set(bad, &Sensitive::new("v".into()))
            .expect_err("invalid name");
        assert!(
            matches!(err, SecretError::InvalidName { .. }),
            "{bad:?}: {err:?}"
        );
        assert_eq!(ApiError::from(err).code, ErrorCode::InvalidInput);
    }
    let err = kc
        .set(&name, &Sensitive::new(String::new()))
        .expect_err("empty value");
    assert!(matches!(err, SecretError::Rejected { .. }));
}

#[test]
fn services_are_separate() {
    if !ensure_keyring_session("services_are_separate") {
        return;
    }
    let a = Keychain::open_service("backlot-test-a").expect("open a");
    let b = Keychain::open_service("backlot-test-b").expect("open b");
    let name = unique("SHARED_NAME");
    a.set(&name, &Sensitive::new("in-a".into())).expect("set a");
    assert_eq!(b.status(&name).expect("status b"), SecretStatus::Missing);
    assert!(a.delete(&name).expect("delete"));
}

#[test]
fn no_session_bus_is_no_service() {
    if std::env::var_os("BACKLOT_CHILD_NO_BUS").is_some() {
        let err = Keychain::open().expect_err("no bus");
        assert!(matches!(err, SecretError::NoService { .. }), "{err:?}");
        let api = ApiError::from(err.clone());
        assert_eq!(api.code, ErrorCode::KeychainUnavailable);
        assert!(
            api.message.contains("Secret Service provider"),
            "{}",
            api.message
        );
        return;
    }
    let empty = tempfile::tempdir().expect("tempdir");
    let runtime = empty.path().to_str().expect("utf-8");
    let out = rerun(
        "no_session_bus_is_no_service",
        None,
        &[
            ("BACKLOT_CHILD_NO_BUS", "1"),
            (
                "DBUS_SESSION_BUS_ADDRESS",
                &format!("unix:path={runtime}/no-such-bus"),
            ),
            ("XDG_RUNTIME_DIR", runtime),
            ("DISPLAY", ""),
        ],
        &["BACKLOT_KEYRING_SESSION"],
    );
    assert!(child_passed(&out, "no_session_bus_is_no_service"));
}

#[test]
fn bus_without_secret_service_is_no_service() {
    if std::env::var_os("BACKLOT_CHILD_NO_PROVIDER").is_some() {
        // A session bus with nothing activatable: nobody owns org.freedesktop.secrets.
        let err = Keychain::open().expect_err("no provider");
        assert!(matches!(err, SecretError::NoService { .. }), "{err:?}");
        assert_eq!(ApiError::from(err).code, ErrorCode::KeychainUnavailable);
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let conf = dir.path().join("session.conf");
    std::fs::write(
        &conf,
        format!(
            r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir={}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"#,
            dir.path().display()
        ),
    )
    .expect("write bus config");
    let conf_arg = format!("--config-file={}", conf.display());
    let out = rerun(
        "bus_without_secret_service_is_no_service",
        Some(&["dbus-run-session", &conf_arg, "--"]),
        &[("BACKLOT_CHILD_NO_PROVIDER", "1")],
        &["BACKLOT_KEYRING_SESSION"],
    );
    assert!(child_passed(
        &out,
        "bus_without_secret_service_is_no_service"
    ));
}

#[test]
fn locked_keyring_is_locked_error() {
    if std::env::var_os("BACKLOT_CHILD_LOCKED").is_some() {
        let kc = Keychain::open_service(SERVICE).expect("open unlocked keychain");
        kc.set("LOCKED_TEST", &Sensitive::new("before-lock".into()))
            .expect("set while unlocked");
        let lock = std::process::Command::new("dbus-send")
            .args([
                "--session",
                "--dest=org.freedesktop.secrets",
                "--type=method_call",
                "--print-reply",
                "/org/freedesktop/secrets",
                "org.freedesktop.Secret.Service.Lock",
                "array:objpath:/org/freedesktop/secrets/collection/login",
            ])
            .output()
            .expect("dbus-send");
        assert!(
            lock.status.success(),
            "lock failed: {}",
            String::from_utf8_lossy(&lock.stderr)
        );

        let err = kc.get("LOCKED_TEST").expect_err("locked");
        assert!(matches!(err, SecretError::Locked { .. }), "{err:?}");
        assert!(!err.to_string().contains("before-lock"));
        let err = kc
            .set("LOCKED_TEST", &Sensitive::new("after-lock".into()))
            .expect_err("locked set");
        assert!(matches!(err, SecretError::Locked { .. }), "{err:?}");
        let api = ApiError::from(err);
        assert_eq!(api.code, ErrorCode::KeychainUnavailable);
        assert!(api.message.contains("locked"), "{}", api.message);
        return;
    }
    // Always in a fresh session of its own: locking must not disturb the other tests.
    let script = script();
    let out = rerun(
        "locked_keyring_is_locked_error",
        Some(&[script.to_str().expect("utf-8")]),
        &[("BACKLOT_CHILD_LOCKED", "1")],
        &[],
    );
    assert!(child_passed(&out, "locked_keyring_is_locked_error"));
}

#[test]
fn keychain_debug_shows_no_values() {
    if !ensure_keyring_session("keychain_debug_shows_no_values") {
        return;
    }
    let kc = Keychain::open_service(SERVICE).expect("open");
    let name = unique("CANARY");
    let value = Sensitive::new("canary-5f2b9e-value".to_owned());
    kc.set(&name, &value).expect("set");
    let got = kc.get(&name).expect("get");
    let printed = format!("{kc:?} {got:?} {got} {value:?} {:?}", kc.status(&name));
    assert!(!printed.contains("canary-5f2b9e-value"), "{printed}");
    assert!(kc.delete(&name).expect("delete"));
}
