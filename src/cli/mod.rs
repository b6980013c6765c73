//! The command line: arguments (`args`, `years`), what each subcommand runs (`run`) and where
//! output goes (`output`). It lives in the binary; the library never prints.

mod analyse;
mod args;
mod assess;
mod export_args;
mod output;
mod report;
mod run;
mod template;
mod years;

pub use args::Cli;

use citykpi::{exit, Error, WriteError};

/// Run a parsed command line: the exit code, after any failure is printed on standard
/// error. A failure's code is its typed error's ([`Error::exit_code`]); a reader gone away
/// (`citykpi assess ... | head`) is no failure.
pub fn run(cli: Cli) -> u8 {
    match run::run(cli) {
        Ok(code) => code,
        Err(err) if is_broken_pipe(&err) => exit::OK,
        Err(err) => {
            eprintln!("error: {err:#}");
            err.chain()
                .find_map(|cause| cause.downcast_ref::<Error>())
                .map_or(exit::FAILURE, Error::exit_code)
        }
    }
}

/// The reader of the output went away: not a failure of the run.
pub(crate) fn is_broken_pipe(err: &anyhow::Error) -> bool {
    let pipe = |kind: std::io::ErrorKind| kind == std::io::ErrorKind::BrokenPipe;
    err.chain().any(|cause| {
        if let Some(e) = cause.downcast_ref::<WriteError>() {
            e.is_broken_pipe()
        } else if let Some(Error::Write(e)) = cause.downcast_ref::<Error>() {
            e.is_broken_pipe()
        } else if let Some(e) = cause.downcast_ref::<std::io::Error>() {
            pipe(e.kind())
        } else if let Some(e) = cause.downcast_ref::<csv::Error>() {
            matches!(e.kind(), csv::ErrorKind::Io(io) if pipe(io.kind()))
        } else {
            false
        }
    })
}
