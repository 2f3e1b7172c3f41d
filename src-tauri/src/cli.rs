//! The headless command line. Subcommands never open a window.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use backlot_catalog_backend::cli::CatalogCommand;
use backlot_catalog_backend::cli_sync::SyncArgs;
use clap::{Parser, Subcommand};

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

pub fn run(command: Command, data_dir: &Path, config: &[PathBuf]) -> ExitCode {
    let store = data_dir.join(backlot_app::STORE_FILE);
    match command {
        Command::Catalog(CatalogCli::Backend(cmd)) => backlot_catalog_backend::cli::run(cmd, &store),
        Command::Catalog(CatalogCli::Demo { json }) => load_demo(data_dir, json),
        Command::Sync(mut args) => {
            if args.backend.is_none() && args.db.is_none() {
                args.backend = backlot_app::Api::open_with_config(data_dir, config).team_url().ok().flatten();
            }
            backlot_catalog_backend::cli_sync::run_sync(args, &store)
        }
    }
}

fn load_demo(data_dir: &Path, json: bool) -> ExitCode {
    match backlot_app::Api::open(data_dir).load_demo_catalog() {
        Ok(loaded) if json => match serde_json::to_string_pretty(&loaded) {
            Ok(text) => {
                println!("{text}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("backlot: {e}");
                ExitCode::from(2)
            }
        },
        Ok(loaded) => {
            println!(
                "Loaded the demo catalog: {} entities added, {} in the catalog (files in {}).",
                loaded.report.added, loaded.total, loaded.source.path
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            if json {
                eprintln!("{}", serde_json::to_string(&e).unwrap_or_else(|_| e.message.clone()));
            } else {
                eprintln!("error: {}", e.message);
            }
            ExitCode::from(2)
        }
    }
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
        let cli = Cli::try_parse_from(["backlot", "--data-dir", "/tmp/x", "--config", "a.yaml", "--config", "b.yaml"]).unwrap();
        assert!(cli.command.is_none());
        assert_eq!(cli.data_dir.as_deref(), Some(Path::new("/tmp/x")));
        assert_eq!(cli.config, [PathBuf::from("a.yaml"), PathBuf::from("b.yaml")]);
    }

    #[test]
    fn catalog_demo_sits_beside_the_backend_subcommands() {
        let cli = Cli::try_parse_from(["backlot", "catalog", "demo", "--json"]).unwrap();
        assert!(matches!(cli.command, Some(Command::Catalog(CatalogCli::Demo { json: true }))));
        let cli = Cli::try_parse_from(["backlot", "catalog", "facets"]).unwrap();
        assert!(matches!(cli.command, Some(Command::Catalog(CatalogCli::Backend(CatalogCommand::Facets { .. })))));
    }
}
