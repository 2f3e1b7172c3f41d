//! A stand-alone `backlot-catalog` binary with the same commands as `backlot catalog`, plus
//! `sync` (as `backlot sync`), for testing the CLI end to end without the app. `--db` defaults
//! to `$BACKLOT_CATALOG_DB` or `./backlot-catalog.db`.

use std::path::PathBuf;
use std::process::ExitCode;

use backlot_catalog_backend::cli::{CatalogCommand, run};
use backlot_catalog_backend::cli_sync::{SyncArgs, run_sync};
use clap::Parser;

#[derive(Parser)]
#[command(name = "backlot-catalog", about = "Backlot's catalog commands")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Subcommand)]
enum Command {
    #[command(flatten)]
    Catalog(CatalogCommand),
    /// Sync the catalog from a team Backstage backend.
    Sync(SyncArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let default_db = std::env::var_os("BACKLOT_CATALOG_DB").map_or_else(|| PathBuf::from("backlot-catalog.db"), PathBuf::from);
    match cli.command {
        Command::Catalog(cmd) => run(cmd, &default_db),
        Command::Sync(args) => run_sync(args, &default_db),
    }
}
