//! Helpers for Backlot's own tests; a dev-dependency only, never part of the app.
//!
//! - [`fixtures`]: Backstage's example files copied into the repository (`tests/fixtures/`,
//!   see its `SOURCE.md`), so a bare clone tests without anything beside it.
//! - [`ensure_keyring_session`]: a test that needs a real, unlocked Secret Service re-runs
//!   itself under `scripts/with-keyring.sh` when started outside one, and asserts from
//!   libtest's own output that the child ran exactly that one test and it passed — so a
//!   renamed test (an `--exact` filter that matches nothing, "running 0 tests", exit 0)
//!   fails instead of passing silently.
//! - (feature `bench`) [`bench`]: benchmark rows for `make bench`'s one table.

#[cfg(feature = "bench")]
pub mod bench;
#[cfg(feature = "raw-http")]
pub mod raw_http;
#[cfg(feature = "tls")]
pub mod tls;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `tests/fixtures/` at the repository root: Backstage's example catalogs, app-config files
/// and TechDocs sites (`backstage-examples/`, `backstage-demo/`, `backstage-create-app/`).
pub fn fixtures() -> PathBuf {
    workspace_root().join("tests/fixtures")
}

/// `scripts/with-keyring.sh`: runs a command on a private D-Bus session with a real,
/// unlocked gnome-keyring and a throw-away HOME.
pub fn with_keyring_script() -> PathBuf {
    workspace_root().join("scripts/with-keyring.sh")
}

/// True inside `scripts/with-keyring.sh` (it exports `BACKLOT_KEYRING_SESSION=1`).
pub fn in_keyring_session() -> bool {
    std::env::var_os("BACKLOT_KEYRING_SESSION").is_some()
}

/// Whether a libtest run's standard output says it ran exactly one test, that test was
/// `test` (its full name, as given to `--exact`; `None`: any name), and it passed:
/// a `running 1 test` line, a `test <name> ... ` line, and `test result: ok. 1 passed; 0 failed;`.
/// Zero tests (a filter that matched nothing) or several are both refused.
pub fn ran_exactly_one_test(stdout: &str, test: Option<&str>) -> bool {
    let lines: Vec<&str> = stdout.lines().collect();
    let runs: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|l| l.starts_with("running "))
        .collect();
    let results: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|l| l.starts_with("test result: "))
        .collect();
    let named = match test {
        Some(name) => {
            let prefix = format!("test {name} ... ");
            lines.iter().filter(|l| l.starts_with(&prefix)).count() == 1
        }
        None => true,
    };
    runs == ["running 1 test"]
        && results.len() == 1
        && results[0].starts_with("test result: ok. 1 passed; 0 failed;")
        && named
}

/// Runs `test` of the current test binary again as a child, under `wrapper` (a program and
/// its arguments, the binary's path appended) or directly, with `--exact <test> --nocapture
/// --test-threads=1`, `env` set and `remove` unset. The child's output is echoed to stderr
/// (so `--nocapture` runs show it) and returned.
pub fn rerun(
    test: &str,
    wrapper: Option<&[&str]>,
    env: &[(&str, &str)],
    remove: &[&str],
) -> Output {
    let exe = std::env::current_exe().expect("the test binary's path");
    let mut cmd = match wrapper {
        Some([program, args @ ..]) => {
            let mut c = Command::new(program);
            c.args(args).arg(&exe);
            c
        }
        _ => Command::new(&exe),
    };
    cmd.args(["--exact", test, "--nocapture", "--test-threads=1"]);
    for (k, v) in env {
        cmd.env(k, v);
    }
    for k in remove {
        cmd.env_remove(k);
    }
    let out = cmd.output().expect("start the child test");
    eprintln!(
        "--- child {test} ---\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// True when the child exited successfully and ran exactly `test`, which passed.
pub fn child_passed(out: &Output, test: &str) -> bool {
    out.status.success() && ran_exactly_one_test(&String::from_utf8_lossy(&out.stdout), Some(test))
}

/// For a test that needs a real, unlocked Secret Service. Inside `with-keyring.sh`: returns
/// `true` (run the body here). Outside: re-runs `test` (its full name) under the script,
/// asserts the child ran exactly that one test and it passed, and returns `false` (the
/// caller returns).
///
/// ```ignore
/// #[test]
/// fn token_round_trip() {
///     if !backlot_test_support::ensure_keyring_session("token_round_trip") {
///         return;
///     }
///     // … the body, inside the keyring session
/// }
/// ```
pub fn ensure_keyring_session(test: &str) -> bool {
    if in_keyring_session() {
        return true;
    }
    let script = with_keyring_script();
    let script = script
        .to_str()
        .expect("a UTF-8 path to scripts/with-keyring.sh");
    let out = rerun(test, Some(&[script]), &[], &[]);
    assert!(
        child_passed(&out, test),
        "{test} inside scripts/with-keyring.sh: it must run exactly this one test and pass \
         ({}; renamed without updating the name given here?)",
        out.status
    );
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    const ONE: &str = "\nrunning 1 test\ntest keychain_round_trip ... some output of the test\nok\n\n\
        test result: ok. 1 passed; 0 failed; 0 ignored; 0 measured; 6 filtered out; finished in 0.21s\n\n";

    #[test]
    fn one_named_passing_test_is_accepted() {
        assert!(ran_exactly_one_test(ONE, Some("keychain_round_trip")));
        assert!(ran_exactly_one_test(ONE, None));
    }

    #[test]
    fn zero_tests_are_refused() {
        let zero = "\nrunning 0 tests\n\ntest result: ok. 0 passed; 0 failed; 0 ignored; 0 measured; 7 filtered out; finished in 0.00s\n\n";
        assert!(!ran_exactly_one_test(zero, None));
        assert!(!ran_exactly_one_test(zero, Some("keychain_round_trip")));
    }

    #[test]
    fn another_test_several_tests_or_a_failure_are_refused() {
        assert!(!ran_exactly_one_test(ONE, Some("keychain")));
        let eleven = "running 11 tests\ntest result: ok. 11 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out\n";
        assert!(!ran_exactly_one_test(eleven, None));
        let failed = "running 1 test\ntest t ... FAILED\n\ntest result: FAILED. 0 passed; 1 failed; 0 ignored\n";
        assert!(!ran_exactly_one_test(failed, Some("t")));
        assert!(!ran_exactly_one_test("", None));
    }

    #[test]
    fn fixtures_are_in_the_repository() {
        assert!(
            fixtures().join("SOURCE.md").is_file(),
            "{}",
            fixtures().display()
        );
        assert!(with_keyring_script().is_file());
    }
}
