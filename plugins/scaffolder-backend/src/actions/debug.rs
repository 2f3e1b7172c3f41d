//! `debug:log` and `debug:wait`.

use serde_json::Value as Json;

use super::ActionContext;
use crate::error::ScaffolderError;
use crate::paths::relative_slash;
use crate::template::js;

pub struct Log;

impl super::Action for Log {
    fn input_schema(&self) -> Option<Json> {
        super::input_schemas::builtin(self.id())
    }
    fn id(&self) -> &str {
        "debug:log"
    }
    fn supports_dry_run(&self) -> bool {
        true
    }
    fn run(&self, ctx: &mut ActionContext<'_>, input: &Json) -> Result<(), ScaffolderError> {
        ctx.info(js::stringify(input, "  "));
        if let Some(message) = input.get("message").filter(|m| js::json_truthy(m)) {
            let text = match message {
                Json::String(s) => s.clone(),
                other => js::to_display_string(&js::from_json(other)),
            };
            ctx.info(text);
        }
        let list = input.get("listWorkspace").filter(|v| js::json_truthy(v));
        if let Some(list) = list {
            let with_contents = list.as_str() == Some("with-contents");
            let mut files = Vec::new();
            let mut stack = vec![ctx.workspace.to_path_buf()];
            while let Some(dir) = stack.pop() {
                let Ok(read) = std::fs::read_dir(&dir) else {
                    continue;
                };
                for item in read.flatten() {
                    let path = item.path();
                    if std::fs::metadata(&path).is_ok_and(|m| m.is_dir())
                        && !std::fs::symlink_metadata(&path)
                            .is_ok_and(|m| m.file_type().is_symlink())
                    {
                        stack.push(path);
                    } else {
                        files.push(path);
                    }
                }
            }
            files.sort();
            let lines: Vec<String> = files
                .iter()
                .map(|f| {
                    let rel = relative_slash(ctx.workspace, f);
                    if with_contents {
                        match backlot_safe_fs::read_text_capped(f, ctx.file_limits.max_file) {
                            Ok(content)
                                if crate::paths::safe_child(ctx.workspace, &rel).is_ok() =>
                            {
                                // A blank line between the name and the content, as Backstage writes it.
                                format!(" - {rel}:\n\n  {content}")
                            }
                            _ => format!(" - {rel}: [skipped]"),
                        }
                    } else {
                        format!("  - {rel}")
                    }
                })
                .collect();
            ctx.info(format!("Workspace:\n{}", lines.join("\n")));
        }
        Ok(())
    }
}

/// The longest wait a real run honours (Backstage's default maximum, 10 minutes).
const MAX_WAIT_MS: f64 = 600_000.0;

pub struct Wait;

impl super::Action for Wait {
    fn input_schema(&self) -> Option<Json> {
        super::input_schemas::builtin(self.id())
    }
    fn id(&self) -> &str {
        "debug:wait"
    }
    fn supports_dry_run(&self) -> bool {
        false
    }
    fn run(&self, _ctx: &mut ActionContext<'_>, input: &Json) -> Result<(), ScaffolderError> {
        let num = |k: &str| input.get(k).and_then(Json::as_f64).unwrap_or(0.0);
        let ms = num("minutes") * 60_000.0 + num("seconds") * 1000.0 + num("milliseconds");
        if ms > MAX_WAIT_MS {
            return Err(ScaffolderError::Input(
                "Waiting duration is longer than the maximum threshold of 10 minutes".into(),
            ));
        }
        if ms > 0.0 {
            std::thread::sleep(std::time::Duration::from_millis(ms as u64));
        }
        Ok(())
    }
}
