//! The `backlot` binary: with a subcommand it is a headless CLI; without one it opens the
//! window. Both sit on the same [`backlot_app::Api`].

pub mod cli;
mod commands;
mod gui;
mod navigation;
mod rendering;

use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;

pub fn main() -> ExitCode {
    let started = Instant::now();
    rendering::choose_before_threads();
    let args = cli::Cli::parse();
    let data_dir = match backlot_app::resolve_data_dir(args.data_dir.as_deref()) {
        Ok(dir) => dir,
        Err(e) => {
            eprintln!("backlot: {e}");
            return ExitCode::from(2);
        }
    };
    match args.command {
        Some(command) => cli::run(command, &data_dir, &args.config),
        None => gui::run(&data_dir, &args.config, started),
    }
}
