//! Opening a web address in the user's browser: the webview cannot (a link with a target does
//! nothing, a plain link would replace the app), so pages ask the Rust side. Only `http(s)`
//! addresses are opened; the system's opener runs detached (`xdg-open` on Linux, `open` on
//! macOS, `explorer` on Windows). `BACKLOT_OPENER` names another program (tests use it).
//!
//! On Windows the address goes through [`windows_argument`] first: `explorer.exe` reads its
//! command line itself, not the way Rust quotes arguments, so characters it treats
//! specially never reach it raw.

use std::borrow::Cow;
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

/// The address as one argument for `explorer.exe` (or a `cmd` line), after
/// [`checked_url`]. Windows programs split their own command line: `explorer.exe` takes a
/// `,` as the end of the argument (its switches are comma-separated), and `"` and `\` change
/// how the quoting Rust adds around an argument is read back. So `,` and `"` are
/// percent-encoded (`%2C`, `%22`: the same address to a web server or browser), and an
/// address with a `\` is refused (browsers read it as `/`, so no encoding keeps its
/// meaning); whitespace and control characters are already refused by `checked_url`.
/// A pure function, tested on every platform.
pub fn windows_argument(url: &str) -> Result<Cow<'_, str>, ApiError> {
    let url = checked_url(url)?;
    if url.contains('\\') {
        return Err(ApiError::invalid_input(format!(
            "web addresses with a backslash (\\) cannot be opened safely, not “{url}”; use / instead"
        )));
    }
    if !url.contains([',', '"']) {
        return Ok(Cow::Borrowed(url));
    }
    let mut encoded = String::with_capacity(url.len() + 8);
    for c in url.chars() {
        match c {
            ',' => encoded.push_str("%2C"),
            '"' => encoded.push_str("%22"),
            other => encoded.push(other),
        }
    }
    Ok(Cow::Owned(encoded))
}

/// The argument handed to the opener: [`windows_argument`] on Windows, the checked address
/// as it is elsewhere (`Command` passes it as one `argv` entry, which nothing re-splits).
fn opener_argument(url: &str) -> Result<Cow<'_, str>, ApiError> {
    if cfg!(windows) {
        windows_argument(url)
    } else {
        checked_url(url).map(Cow::Borrowed)
    }
}

pub fn open(url: &str) -> Result<(), ApiError> {
    open_with(&opener(), url)
}

/// Opens `url` with `program` (the system's opener, or a test's).
pub fn open_with(program: &str, url: &str) -> Result<(), ApiError> {
    let url = opener_argument(url)?;
    Command::new(program)
        .arg(url.as_ref())
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
    fn windows_gets_no_comma_quote_backslash_or_whitespace() {
        // Unchanged when there is nothing to encode (no copy either).
        assert!(matches!(
            windows_argument("https://github.com/acme/x?tab=readme"),
            Ok(Cow::Borrowed("https://github.com/acme/x?tab=readme"))
        ));
        for (given, sent) in [
            (
                "https://maps.example/@52.5,13.4,12z",
                "https://maps.example/@52.5%2C13.4%2C12z",
            ),
            (
                "https://x.example/search?q=\"ab\"",
                "https://x.example/search?q=%22ab%22",
            ),
            (
                "https://x.example/a?f=1,2\"/select,C:",
                "https://x.example/a?f=1%2C2%22/select%2CC:",
            ),
            (" https://x.example/,\" ", "https://x.example/%2C%22"),
        ] {
            let arg = windows_argument(given).unwrap();
            assert_eq!(arg, sent, "{given}");
            assert!(
                !arg.contains([',', '"', '\\']) && !arg.chars().any(char::is_whitespace),
                "{arg}"
            );
        }
        for bad in [
            "https://x.example/a\\b",
            "https://x.example\\@evil.example/",
            "https://x.example/a b",
            "https://x.example/search?q=\"a b\"",
            "https://x.example/a\tb",
            "https://x.example/a\u{a0}b",
            "https://x.example/a\u{3000}b",
            "https://x.example/\"\n/select,C:\\",
            "file://C:\\Windows",
        ] {
            let e = windows_argument(bad).unwrap_err();
            assert_eq!(e.code, ErrorCode::InvalidInput, "{bad:?}");
        }
        assert!(
            windows_argument("https://x.example/a\\b")
                .unwrap_err()
                .message
                .contains("backslash")
        );
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
