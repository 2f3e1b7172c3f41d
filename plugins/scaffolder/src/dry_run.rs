//! A dry run's result: the file tree the template would produce (each file viewable: text
//! as is, binary files by size), the steps with their status, the log and the output.

use std::rc::Rc;

use backlot_scaffolder_common::{DryRunResult, ProducedFile, StepStatus};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct DryRunProps {
    pub result: Rc<DryRunResult>,
}

/// Bytes of a file shown at most.
const SHOWN_BYTES: usize = 256 * 1024;

#[component(DryRunView)]
pub fn dry_run_view(props: &DryRunProps) -> Html {
    let r = &props.result;
    let open = use_state(|| r.files.first().map(|f| f.path.clone()));
    {
        // A new result opens its first file.
        let open = open.clone();
        use_effect_with(props.result.clone(), move |r| {
            open.set(r.files.first().map(|f| f.path.clone()));
        });
    }
    let shown = open
        .as_ref()
        .and_then(|p| r.files.iter().find(|f| &f.path == p));
    html! {
        <section class="dry-run card" aria-label="Dry run" data-testid="dry-run">
            <h2 class="section-title">{format!("Dry run: {} files", r.files.len())}</h2>
            <div class="dry-run-body">
                <ul class="file-tree" role="list" aria-label="Files">
                    { for r.files.iter().enumerate().map(|(i, f)| {
                        let depth = f.path.matches('/').count();
                        let folders = new_folders(i.checked_sub(1).map(|p| r.files[p].path.as_str()), &f.path);
                        let selected = open.as_deref() == Some(f.path.as_str());
                        let (open, path) = (open.clone(), f.path.clone());
                        let onclick = Callback::from(move |_| open.set(Some(path.clone())));
                        html! {
                            <>
                            { for folders.into_iter().map(|(d, name)| html! {
                                <li class="file-tree-folder" style={format!("padding-left: {d}em")}>{format!("{name}/")}</li>
                            }) }
                            <li style={format!("padding-left: {}em", depth)}>
                                <button type="button" class={classes!("file-tree-item", selected.then_some("selected"))}
                                        aria-pressed={selected.to_string()} data-path={f.path.clone()} {onclick}>
                                    {f.path.rsplit('/').next().unwrap_or(&f.path).to_string()}
                                    if f.executable { <span class="muted small">{" (executable)"}</span> }
                                </button>
                            </li>
                            </>
                        }
                    }) }
                </ul>
                <div class="file-view">
                    if let Some(f) = shown {
                        <p class="small muted" data-testid="file-path">{f.path.clone()}</p>
                        { contents(f) }
                    }
                </div>
            </div>
            <h3 class="section-title">{"Steps"}</h3>
            <ol class="run-steps">
                { for r.steps.iter().map(|s| html! {
                    <li data-status={step_label(s.status)}>{format!("{} ({}) — {}", s.name, s.action, step_label(s.status))}</li>
                }) }
            </ol>
            <details class="run-log">
                <summary>{format!("Log ({} lines)", r.log.len())}</summary>
                <pre>{r.log.join("\n")}</pre>
            </details>
        </section>
    }
}

/// The folders `path` is in that the previous file (sorted by path) was not in: each with
/// its depth and name, outermost first, shown as rows above the file.
fn new_folders(previous: Option<&str>, path: &str) -> Vec<(usize, String)> {
    let parents = |p: &str| -> Vec<String> {
        let parts: Vec<&str> = p.split('/').collect();
        (1..parts.len()).map(|n| parts[..n].join("/")).collect()
    };
    let before = previous.map(parents).unwrap_or_default();
    parents(path)
        .into_iter()
        .enumerate()
        .filter(|(_, dir)| !before.contains(dir))
        .map(|(depth, dir)| {
            let name = dir.rsplit('/').next().unwrap_or(&dir).to_string();
            (depth, name)
        })
        .collect()
}

fn step_label(s: StepStatus) -> &'static str {
    match s {
        StepStatus::Done => "done",
        StepStatus::Skipped => "skipped",
        StepStatus::Failed => "failed",
    }
}

fn contents(f: &ProducedFile) -> Html {
    match std::str::from_utf8(&f.bytes) {
        Ok(text) if !text.contains('\0') => {
            let cut = text
                .char_indices()
                .nth(SHOWN_BYTES)
                .map_or(text, |(i, _)| &text[..i]);
            html! {
                <>
                    <pre class="file-contents" data-testid="file-contents">{cut.to_string()}</pre>
                    if cut.len() < text.len() { <p class="muted small">{"(cut: the file is longer)"}</p> }
                </>
            }
        }
        _ => html! {
            <p class="muted" data-testid="file-contents">{format!("A binary file of {} bytes.", f.bytes.len())}</p>
        },
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn folders_show_once_above_their_first_file() {
        assert!(super::new_folders(None, "README.md").is_empty());
        assert_eq!(
            super::new_folders(Some("README.md"), "src/bin/main.rs"),
            [(0, "src".to_string()), (1, "bin".to_string())]
        );
        assert_eq!(
            super::new_folders(Some("src/bin/main.rs"), "src/lib.rs"),
            Vec::<(usize, String)>::new()
        );
        assert_eq!(
            super::new_folders(Some("src/a/x.rs"), "src/b/y.rs"),
            [(1, "b".to_string())]
        );
    }
}
