//! The headless command line. Subcommands never open a window; each one goes through the
//! app's [`Api`], as the window's commands do.

mod catalog;
mod create;
mod login;
mod output;
mod search;
mod sync;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use backlot_app::Api;
use clap::{Parser, Subcommand};

pub use catalog::CatalogCommand;
pub use sync::{SyncArgs, SyncSummary};

#[derive(Debug, Parser)]
#[command(
    name = "backlot",
    version,
    about = "Backlot — a fast, offline-first desktop developer portal",
    long_about = "Backlot — a fast, offline-first desktop developer portal.\n\n\
        Run without a subcommand to open the app window. With a subcommand Backlot works \
        headless, for scripts and CI."
)]
pub struct Cli {
    /// Folder for Backlot's data (catalog store, settings). Default: the platform's data
    /// directory, e.g. ~/.local/share/backlot on Linux.
    #[arg(long, global = true, env = "BACKLOT_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    /// An app-config.yaml to load after the data folder's own (repeatable; later files
    /// override earlier ones, as Backstage merges app-config.local.yaml).
    #[arg(long = "config", global = true, value_name = "FILE")]
    pub config: Vec<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Work with the software catalog: validate, ingest, export, search, facets.
    #[command(subcommand)]
    Catalog(CatalogCli),
    /// Sync the catalog from the team's Backstage backend (incremental when possible).
    /// The backend defaults to the one saved in Settings or set in app-config.yaml.
    Sync(SyncArgs),
    /// Sign in to the team's Backstage in the browser (as `backstage-cli auth login`); the
    /// app and `backlot sync` then use the session.
    Login(login::LoginArgs),
    /// Sign out of the team's Backstage: revoke the session and forget it.
    Logout,
    /// Search entities, docs pages and API operations (the palette's index), or rebuild it.
    Search(search::SearchArgs),
    /// Run a Software Template of the catalog: a dry run, or a run that publishes to a folder.
    Create(create::CreateArgs),
}

/// `backlot catalog …`: the catalog backend's subcommands, plus the app's own.
#[derive(Debug, Subcommand)]
pub enum CatalogCli {
    #[command(flatten)]
    Backend(CatalogCommand),
    /// Load the bundled demo catalog into the app's store (as the welcome page's "Load the
    /// demo catalog" does); the app then opens on it instead of the welcome page.
    Demo {
        /// Print the outcome as JSON.
        #[arg(long)]
        json: bool,
    },
}

/// Runs a subcommand with the process's stdout and stderr.
pub fn run(command: Command, data_dir: &Path, config: &[PathBuf]) -> ExitCode {
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    let tty = std::io::stderr().is_terminal();
    ExitCode::from(run_with(
        command,
        data_dir,
        config,
        tty,
        &mut stdout.lock(),
        &mut stderr.lock(),
    ))
}

/// Runs a subcommand, writing to the given streams; returns the exit code (0 done; 1
/// something was invalid, not ingested or not synced — details in the output; 2 the command
/// could not run). `progress_bar` lets `sync` draw its bar on `err`'s terminal.
pub fn run_with(
    command: Command,
    data_dir: &Path,
    config: &[PathBuf],
    progress_bar: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    let open = |db: Option<PathBuf>| Api::builder(data_dir).config(config).store_file(db).open();
    match command {
        Command::Catalog(CatalogCli::Backend(cmd)) => catalog::run_with(cmd, open, out, err),
        Command::Catalog(CatalogCli::Demo { json }) => load_demo(&open(None), json, out, err),
        Command::Sync(args) => {
            let api = open(args.db.clone());
            sync::run_sync_with(args, &api, progress_bar, out, err)
        }
        Command::Login(args) => {
            let stdin = std::io::stdin();
            login::run_login(args, &open(None), &mut stdin.lock(), out, err)
        }
        Command::Logout => login::run_logout(&open(None), out, err),
        Command::Search(args) => search::run_search(args, &open(None), out, err),
        Command::Create(args) => create::run_create(args, &open(None), out, err),
    }
}

fn load_demo(api: &Api, json: bool, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let outcome = api
        .load_demo_catalog()
        .map_err(output::Failure::Api)
        .and_then(|loaded| {
            if json {
                output::print_json(out, &loaded)?;
            } else {
                output::w(writeln!(
                    out,
                    "Loaded the demo catalog: {} entities added, {} in the catalog (files in {}).",
                    loaded.report.added, loaded.total, loaded.source.path
                ))?;
            }
            Ok(0)
        });
    output::finish(outcome, json, err)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn no_subcommand_means_the_window() {
        let cli = Cli::try_parse_from([
            "backlot",
            "--data-dir",
            "/tmp/x",
            "--config",
            "a.yaml",
            "--config",
            "b.yaml",
        ])
        .unwrap();
        assert!(cli.command.is_none());
        assert_eq!(cli.data_dir.as_deref(), Some(Path::new("/tmp/x")));
        assert_eq!(
            cli.config,
            [PathBuf::from("a.yaml"), PathBuf::from("b.yaml")]
        );
    }

    #[test]
    fn catalog_demo_sits_beside_the_backend_subcommands() {
        let cli = Cli::try_parse_from(["backlot", "catalog", "demo", "--json"]).unwrap();
        assert!(matches!(
            cli.command,
            Some(Command::Catalog(CatalogCli::Demo { json: true }))
        ));
        let cli = Cli::try_parse_from(["backlot", "catalog", "facets"]).unwrap();
        assert!(matches!(
            cli.command,
            Some(Command::Catalog(CatalogCli::Backend(
                CatalogCommand::Facets { .. }
            )))
        ));
    }
}
