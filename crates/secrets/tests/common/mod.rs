//! Running a test body inside a real Secret Service session (scripts/with-keyring.sh), or
//! in a child process with a specific environment.

#![allow(dead_code)]

use std::process::{Command, Output};

pub use backlot_test_support::{
    child_passed, ensure_keyring_session, rerun, with_keyring_script as script,
};

/// A unique secret name for this test run.
pub fn unique(name: &str) -> String {
    format!(
        "{name}-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0)
    )
}

pub fn secret_tool(args: &[&str]) -> Output {
    Command::new("secret-tool")
        .args(args)
        .output()
        .expect("secret-tool")
}
