//! Opening a web address in the user's browser: the webview cannot (a link with a target does
//! nothing, a plain link would replace the app), so pages ask the Rust side. Only `http(s)`
//! addresses are opened; the system's opener runs detached (`xdg-open` on Linux, `open` on
//! macOS, `explorer` on Windows). `BACKLOT_OPENER` names another program (tests use it).

use std::process::{Command, Stdio};

use backlot_model::{ApiError, ErrorCode};

fn opener() -> String {
    if let Some(custom) = std::env::var_os("BACKLOT_OPENER") {
        return custom.to_string_lossy().into_owned();
    }
    if cfg!(target_os = "macos") {
        "open".into()
    } else if cfg!(windows) {
        "explorer".into()
    } else {
        "xdg-open".into()
    }
}

/// Checks that `url` is an absolute http(s) address without whitespace or control
/// characters (it is handed to another program as one argument).
pub fn checked_url(url: &str) -> Result<&str, ApiError> {
    let url = url.trim();
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    let ok = rest.is_some_and(|r| !r.is_empty() && !r.starts_with('/'))
        && !url.chars().any(|c| c.is_whitespace() || c.is_control());
    if ok {
        Ok(url)
    } else {
        Err(ApiError::invalid_input(format!(
            "only http(s) web addresses can be opened, not “{url}”"
        )))
    }
}

pub fn open(url: &str) -> Result<(), ApiError> {
    open_with(&opener(), url)
}

/// Opens `url` with `program` (the system's opener, or a test's).
pub fn open_with(program: &str, url: &str) -> Result<(), ApiError> {
    let url = checked_url(url)?;
    Command::new(program)
        .arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map(drop)
        .map_err(|e| {
            ApiError::new(
                ErrorCode::Unsupported,
                format!("could not start {program} to open {url} ({e}); copy the address instead"),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_addresses_pass() {
        assert_eq!(
            checked_url(" https://github.com/acme/x ").unwrap(),
            "https://github.com/acme/x"
        );
        assert!(checked_url("http://localhost:3000/a?b=c").is_ok());
        for bad in [
            "file:///etc/passwd",
            "javascript:alert(1)",
            "https://",
            "https:///x",
            "ftp://x",
            "https://a b",
            "https://x\n--flag",
            "-https://x",
        ] {
            let e = checked_url(bad).unwrap_err();
            assert_eq!(e.code, ErrorCode::InvalidInput, "{bad}");
        }
    }

    #[test]
    fn the_opener_gets_the_address_as_one_argument() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("opened");
        let script = dir.path().join("opener.sh");
        std::fs::write(
            &script,
            format!(
                "#!/bin/sh\nprintf '%s|%s' \"$#\" \"$1\" > {}\n",
                out.display()
            ),
        )
        .unwrap();
        std::process::Command::new("chmod")
            .arg("+x")
            .arg(&script)
            .status()
            .unwrap();
        open_with(script.to_str().unwrap(), "https://example.com/a?b=c&d=e").unwrap();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        while !out.exists() && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
        assert_eq!(
            std::fs::read_to_string(&out).unwrap(),
            "1|https://example.com/a?b=c&d=e"
        );
        assert!(open_with(script.to_str().unwrap(), "file:///etc/passwd").is_err());
        let missing = open_with("/nonexistent/opener", "https://example.com").unwrap_err();
        assert_eq!(missing.code, ErrorCode::Unsupported);
        assert!(
            missing.message.contains("copy the address"),
            "{}",
            missing.message
        );
    }
}
