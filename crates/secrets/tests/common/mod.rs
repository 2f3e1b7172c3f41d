//! Running a test body inside a real Secret Service session (scripts/with-keyring.sh), or
//! in a child process with a specific environment.

#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Command, Output};

pub fn script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../scripts/with-keyring.sh")
}

pub fn in_keyring_session() -> bool {
    std::env::var_os("BACKLOT_KEYRING_SESSION").is_some()
}

/// Runs `test` of this binary again in a child: `wrapper` (if any) first, `env` set.
pub fn rerun(test: &str, wrapper: Option<&[&str]>, env: &[(&str, &str)], remove: &[&str]) -> Output {
    let exe = std::env::current_exe().expect("current exe");
    let mut cmd = match wrapper {
        Some(w) => {
            let mut c = Command::new(w[0]);
            c.args(&w[1..]).arg(&exe);
            c
        }
        None => Command::new(&exe),
    };
    cmd.args(["--exact", test, "--nocapture", "--test-threads=1"]);
    for (k, v) in env {
        cmd.env(k, v);
    }
    for k in remove {
        cmd.env_remove(k);
    }
    let out = cmd.output().expect("spawn child test");
    eprintln!(
        "--- child {test} ---\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// True when the child ran exactly this test and it passed.
pub fn child_passed(out: &Output) -> bool {
    out.status.success() && String::from_utf8_lossy(&out.stdout).contains("1 passed")
}

/// For tests that need a real, unlocked Secret Service: returns `true` when the body
/// should run here; otherwise re-runs the test under with-keyring.sh and asserts it passed.
pub fn ensure_keyring_session(test: &str) -> bool {
    if in_keyring_session() {
        return true;
    }
    let script = script();
    let script = script.to_str().expect("utf-8 path");
    let out = rerun(test, Some(&[script]), &[], &[]);
    assert!(child_passed(&out), "{test} failed inside with-keyring.sh");
    false
}

/// A unique secret name for this test run.
pub fn unique(name: &str) -> String {
    format!("{name}-{}-{}", std::process::id(), std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0))
}

pub fn secret_tool(args: &[&str]) -> Output {
    Command::new("secret-tool").args(args).output().expect("secret-tool")
}
