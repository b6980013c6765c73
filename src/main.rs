//! The `citykpi` binary: parse arguments, run, map failures to exit codes.

use std::process::ExitCode;

use citykpi::{exit, Cli, Error};
use clap::Parser;

fn main() -> ExitCode {
    std::panic::set_hook(Box::new(|info| {
        eprintln!("error: internal error, please report it: {info}");
    }));
    let cli = Cli::parse();
    let mut stderr = std::io::stderr();
    match citykpi::run(cli, &mut stderr) {
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
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
            || cause
                .downcast_ref::<csv::Error>()
                .is_some_and(|e| matches!(e.kind(), csv::ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::BrokenPipe))
    })
}
