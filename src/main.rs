//! The `citykpi` binary: parse arguments, run, map failures to exit codes. It never
//! computes anything itself.

mod cli;

use std::io::ErrorKind;
use std::process::ExitCode;

use citykpi::{exit, Error};
use clap::Parser;

fn main() -> ExitCode {
    std::panic::set_hook(Box::new(|info| {
        eprintln!("error: internal error, please report it: {info}");
    }));
    let cli = cli::Cli::parse();
    match cli::run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(err) if is_broken_pipe(&err) => ExitCode::from(exit::OK),
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(
                err.downcast_ref::<Error>()
                    .map_or(exit::FAILURE, Error::exit_code),
            )
        }
    }
}

/// `citykpi assess ... | head` closes the pipe early; that is not a failure.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        let kind = if let Some(e) = cause.downcast_ref::<std::io::Error>() {
            Some(e.kind())
        } else if let Some(e) = cause.downcast_ref::<csv::Error>() {
            match e.kind() {
                csv::ErrorKind::Io(io) => Some(io.kind()),
                _ => None,
            }
        } else {
            // serde_json hides the io::Error from the source chain.
            cause
                .downcast_ref::<serde_json::Error>()
                .and_then(serde_json::Error::io_error_kind)
        };
        kind == Some(ErrorKind::BrokenPipe)
    })
}
