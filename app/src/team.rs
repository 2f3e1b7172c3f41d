//! The team backend: where it is (Settings, else app-config.yaml), its token (keychain),
//! "Test connection", and the background sync with its progress and outcome.

use std::sync::Mutex;

use backlot_catalog_sync::{CancelToken, Progress};
use backlot_model::ApiError;
use backlot_model::ipc::{SyncProgress, SyncState};
use backlot_model::sync::SyncStatus;

/// The preference key holding the URL saved from Settings.
pub const URL_KEY: &str = "team-backend.url";

/// Minutes between background syncs unless app-config.yaml says otherwise.
pub const DEFAULT_INTERVAL_MINUTES: u64 = 15;

/// What the running sync, if any, is doing, and how the last one ended.
#[derive(Default)]
pub struct SyncRunner {
    state: Mutex<RunnerState>,
}

#[derive(Default)]
struct RunnerState {
    running: Option<(CancelToken, SyncProgress)>,
}

impl SyncRunner {
    fn lock(&self) -> std::sync::MutexGuard<'_, RunnerState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Marks a sync as started; `None` if one is already running.
    pub fn begin(&self, mode: &str) -> Option<CancelToken> {
        let mut state = self.lock();
        if state.running.is_some() {
            return None;
        }
        let cancel = CancelToken::new();
        let progress = SyncProgress {
            mode: mode.into(),
            phase: "starting".into(),
            ..Default::default()
        };
        state.running = Some((cancel.clone(), progress));
        Some(cancel)
    }

    pub fn progress(&self, p: &Progress) {
        if let Some((_, progress)) = &mut self.lock().running {
            *progress = progress_info(p);
        }
    }

    pub fn finish(&self) {
        self.lock().running = None;
    }

    pub fn cancel(&self) {
        if let Some((cancel, _)) = &self.lock().running {
            cancel.cancel();
        }
    }

    pub fn state(&self, status: Option<SyncStatus>) -> SyncState {
        SyncState {
            running: self.lock().running.as_ref().map(|(_, p)| p.clone()),
            status,
        }
    }
}

pub fn mode_name(mode: backlot_catalog_sync::SyncMode) -> &'static str {
    match mode {
        backlot_catalog_sync::SyncMode::Full => "full",
        backlot_catalog_sync::SyncMode::Incremental => "incremental",
    }
}

fn progress_info(p: &Progress) -> SyncProgress {
    SyncProgress {
        mode: mode_name(p.mode).into(),
        phase: serde_json::to_value(p.phase)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default(),
        pages: p.pages,
        entities: p.entities,
        total: p.total,
        bytes_received: p.bytes_received,
        elapsed_ms: p.elapsed_ms,
        rate: p.rate,
        eta_ms: p.eta_ms,
    }
}

/// Whether `url` is a usable team backend URL: `https://` and a host, `http://` only to this
/// machine (a token must not cross the network in clear), no user name or password in it.
pub fn check_url(url: &str) -> Result<(), ApiError> {
    let refuse = |why: &str| {
        Err(ApiError::invalid_input(format!(
            "“{url}” is not a backend URL: {why}"
        )))
    };
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    let parsed = match rest {
        Some(host)
            if !host.is_empty() && !host.starts_with('/') && !url.contains(char::is_whitespace) =>
        {
            url::Url::parse(url)
        }
        _ => {
            return refuse("expected https:// and a host, e.g. https://backstage.example.com");
        }
    };
    let Ok(parsed) = parsed else {
        return refuse("it cannot be parsed as a URL");
    };
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return refuse("it carries a user name or password; sign in, or save a token, instead");
    }
    let loopback = match parsed.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    if parsed.scheme() == "http" && !loopback {
        return refuse(
            "plain http:// is only allowed to this machine (127.0.0.1, localhost); use https:// so the sign-in and tokens are encrypted",
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_checked() {
        assert!(check_url("https://backstage.example.com").is_ok());
        assert!(check_url("http://127.0.0.1:7007").is_ok());
        assert!(check_url("http://localhost:7007/backstage").is_ok());
        assert!(check_url("http://[::1]:7007").is_ok());
        for bad in [
            "http://backstage.example.com",
            "http://10.0.0.5:7007",
            "https://user:secret@backstage.example.com",
            "https://user@backstage.example.com",
            "",
            "backstage.example.com",
            "ftp://x",
            "https://",
            "https:///x",
            "https://a b",
        ] {
            assert!(check_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn one_sync_at_a_time_and_cancel_reaches_it() {
        let runner = SyncRunner::default();
        let token = runner.begin("full").expect("first");
        assert!(
            runner.begin("full").is_none(),
            "a second sync waits for the first"
        );
        assert_eq!(
            runner.state(None).running.map(|p| p.phase),
            Some("starting".into())
        );
        runner.cancel();
        assert!(token.is_cancelled());
        runner.finish();
        assert!(runner.state(None).running.is_none());
        assert!(runner.begin("incremental").is_some());
    }
}
