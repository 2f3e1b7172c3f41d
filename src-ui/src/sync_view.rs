//! How a sync looks: a progress bar with phase, counts, rate and time left, and a
//! one-line summary of a finished sync. Used by Settings and the header.

use backlot_model::ipc::SyncProgress;
use backlot_model::sync::{SyncRunMode, SyncStatus};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct SyncProgressProps {
    pub progress: SyncProgress,
    #[prop_or_default]
    pub compact: bool,
}

#[component(SyncProgressBar)]
pub fn sync_progress_bar(props: &SyncProgressProps) -> Html {
    let p = &props.progress;
    let percent = p
        .total
        .filter(|t| *t > 0)
        .map(|t| (p.entities as f64 / t as f64 * 100.0).min(100.0));
    let counts = match p.total {
        Some(total) => format!("{} / {total}", p.entities),
        None => p.entities.to_string(),
    };
    let mut detail = format!("{} sync · {} · {counts} entities", p.mode, p.phase);
    if p.rate > 0.0 {
        detail.push_str(&format!(" · {:.0}/s", p.rate));
    }
    if let Some(eta) = p.eta_ms {
        detail.push_str(&format!(" · {} left", human_duration(eta)));
    }
    // A native <progress> (no inline styles: the CSP forbids them); without a value it
    // shows as indeterminate.
    html! {
        <div class={classes!("sync-progress", props.compact.then_some("compact"))}
             data-testid="sync-progress" title={detail.clone()}>
            <progress max="100" value={percent.map(|v| format!("{v:.1}"))} aria-label="Sync progress"></progress>
            if !props.compact { <span class="small muted" data-testid="sync-detail">{detail}</span> }
        </div>
    }
}

pub fn human_duration(ms: u64) -> String {
    match ms {
        0..=999 => format!("{ms} ms"),
        1_000..=59_999 => format!("{:.1} s", ms as f64 / 1000.0),
        _ => format!("{} min {} s", ms / 60_000, (ms % 60_000) / 1000),
    }
}

/// "12 min ago", from a Unix time in milliseconds.
pub fn age(unix_ms: u64) -> String {
    let minutes = ((js_sys::Date::now() - unix_ms as f64) / 60_000.0).max(0.0) as u64;
    match minutes {
        0 => "just now".into(),
        1..=59 => format!("{minutes} min ago"),
        60..=2879 => format!("{} h ago", minutes / 60),
        _ => format!("{} days ago", minutes / 1440),
    }
}

/// "Last synced 12 min ago (incremental): 3 added, 5 updated, 1 removed of 1204 in 1.2 s."
pub fn success_line(s: &SyncStatus) -> Option<String> {
    let at = s.last_success_ms?;
    let mode = match s.mode {
        Some(SyncRunMode::Full) => "full",
        Some(SyncRunMode::Incremental) => "incremental",
        None => "sync",
    };
    let mut line = format!(
        "Last synced {} ({mode}): {} added, {} updated, {} removed of {} in {}.",
        age(at),
        s.added,
        s.updated,
        s.removed,
        s.remote_total,
        human_duration(s.duration_ms)
    );
    if s.shadowed > 0 {
        line.push_str(&format!(
            " {} team entities are shadowed by local files.",
            s.shadowed
        ));
    }
    if s.invalid > 0 {
        line.push_str(&format!(" {} invalid entities were left out.", s.invalid));
    }
    Some(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_naturally() {
        assert_eq!(human_duration(250), "250 ms");
        assert_eq!(human_duration(1500), "1.5 s");
        assert_eq!(human_duration(125_000), "2 min 5 s");
    }
}
