//! The `citykpi` binary: parse arguments, run, map failures to exit codes. It never
//! computes anything itself.

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    std::panic::set_hook(Box::new(|info| {
        eprintln!("error: internal error, please report it: {info}");
    }));
    ExitCode::from(cli::run(cli::Cli::parse()))
}
