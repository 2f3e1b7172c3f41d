//! `backlot create TEMPLATE_REF --values values.yaml`: runs a Software Template of the
//! catalog headless — `--dry-run` lists (and with `--output` writes) the files it would
//! produce; otherwise it runs, publishing to `--output` (a new or empty folder: a git
//! repository with one commit) when the template publishes, and prints each step's end and
//! the output links.

use std::io::Write;
use std::path::PathBuf;

use backlot_app::Api;
use backlot_model::ApiError;
use backlot_model::ipc::Command;
use backlot_scaffolder_common::DryRunResult;
use backlot_scaffolder_common::ipc::{
    DryRunTemplate, GetRun, PublishTarget, RunStatus, RunView, StartRun,
};
use serde_json::Value;

use super::output::{self, Failure};

#[derive(Debug, Clone, PartialEq, Eq, clap::Args)]
pub struct CreateArgs {
    /// The template (`template:default/new-service`, or just its name).
    pub template: String,
    /// The form's values: a YAML or JSON file (an object of parameter names).
    #[arg(long, value_name = "FILE")]
    pub values: Option<PathBuf>,
    /// Produce the files without publishing anything.
    #[arg(long)]
    pub dry_run: bool,
    /// Where the result goes: with --dry-run, the produced files are written there; else the
    /// template's publish step creates a git repository there (a new or empty folder).
    #[arg(long, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Largest values file read.
const MAX_VALUES: u64 = 1024 * 1024;

pub fn run_create(args: CreateArgs, api: &Api, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let json = args.json;
    let outcome = create(args, api, out);
    output::finish(outcome, json, err)
}

fn call<C: Command>(api: &Api, command: C) -> Result<C::Output, ApiError> {
    let args = serde_json::to_value(&command).map_err(|e| ApiError::internal(e.to_string()))?;
    let answer = api.dispatch(C::NAME, args)?;
    serde_json::from_value(answer).map_err(|e| ApiError::internal(e.to_string()))
}

fn values(path: Option<&PathBuf>) -> Result<Value, ApiError> {
    let Some(path) = path else {
        return Ok(Value::Object(Default::default()));
    };
    let text = backlot_safe_fs::read_text_capped(path, MAX_VALUES)
        .map_err(|e| ApiError::invalid_input(format!("{}: {e}", path.display())))?;
    let value: Value = serde_saphyr::from_str(&text)
        .map_err(|e| ApiError::invalid_input(format!("{}: {e}", path.display())))?;
    if !value.is_object() {
        return Err(ApiError::invalid_input(format!(
            "{}: the values must be a mapping of parameter names to values",
            path.display()
        )));
    }
    Ok(value)
}

fn create(args: CreateArgs, api: &Api, out: &mut dyn Write) -> Result<u8, Failure> {
    let entity_ref = if args.template.contains(':') {
        args.template.clone()
    } else {
        format!("template:default/{}", args.template)
    };
    let values = values(args.values.as_ref())?;
    if args.dry_run {
        let result = call(api, DryRunTemplate { entity_ref, values })?;
        if let Some(dir) = &args.output {
            write_files(&result, dir)?;
        }
        if args.json {
            output::print_json(out, &result)?;
        } else {
            print_dry_run(&result, args.output.as_ref(), out)?;
        }
        return Ok(0);
    }
    let target = match &args.output {
        Some(dir) => PublishTarget::Folder {
            path: std::path::absolute(dir)
                .unwrap_or_else(|_| dir.clone())
                .display()
                .to_string(),
        },
        None => PublishTarget::AsTemplateSays,
    };
    // The CLI's API runs the run before answering (no background thread here).
    let run_id = call(
        api,
        StartRun {
            entity_ref,
            values,
            target,
        },
    )?;
    let run = call(api, GetRun { run_id })?;
    if args.json {
        output::print_json(out, &run)?;
    } else {
        print_run(&run, out)?;
    }
    Ok(if run.summary.status == RunStatus::Completed {
        0
    } else {
        1
    })
}

/// Writes the produced files under `dir` (refusing paths that would leave it).
fn write_files(result: &DryRunResult, dir: &std::path::Path) -> Result<(), ApiError> {
    for file in &result.files {
        let relative = std::path::Path::new(&file.path);
        if relative.is_absolute()
            || relative
                .components()
                .any(|c| !matches!(c, std::path::Component::Normal(_)))
        {
            return Err(ApiError::invalid_input(format!(
                "{}: not a plain relative path; refused",
                file.path
            )));
        }
        let target = dir.join(relative);
        let io = |e: std::io::Error| ApiError::invalid_input(format!("{}: {e}", target.display()));
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(io)?;
        }
        std::fs::write(&target, &file.bytes).map_err(io)?;
    }
    Ok(())
}

fn print_dry_run(
    result: &DryRunResult,
    written: Option<&PathBuf>,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    for step in &result.steps {
        output::w(writeln!(
            out,
            "{:<8} {} ({})",
            format!("{:?}", step.status).to_lowercase(),
            step.name,
            step.action
        ))?;
    }
    output::w(writeln!(out, "{} files:", result.files.len()))?;
    for file in &result.files {
        output::w(writeln!(
            out,
            "  {} ({} bytes)",
            file.path,
            file.bytes.len()
        ))?;
    }
    if let Some(dir) = written {
        output::w(writeln!(out, "Written to {}", dir.display()))?;
    }
    Ok(())
}

fn print_run(run: &RunView, out: &mut dyn Write) -> Result<(), Failure> {
    for step in &run.steps {
        let status = step
            .status
            .map_or("not run".to_string(), |s| format!("{s:?}").to_lowercase());
        output::w(writeln!(
            out,
            "{status:<10} {} ({})",
            step.name, step.action
        ))?;
    }
    if let Some(e) = &run.error {
        output::w(writeln!(out, "Failed: {e}"))?;
    }
    for link in &run.links {
        let title = link.title.clone().unwrap_or_default();
        let to = link
            .url
            .clone()
            .or_else(|| link.entity_ref.clone())
            .unwrap_or_default();
        output::w(writeln!(out, "{title}: {to}"))?;
    }
    for text in &run.text {
        if let Some(t) = &text.title {
            output::w(writeln!(out, "{t}"))?;
        }
        output::w(writeln!(out, "{}", text.content))?;
    }
    output::w(writeln!(
        out,
        "Run {} {:?}",
        run.summary.id, run.summary.status
    ))?;
    Ok(())
}
