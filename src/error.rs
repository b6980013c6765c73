//! The failures a run can end in, and the exit code of each.

use crate::diagnostic::Problems;

/// Exit codes, documented in `--help` and the README.
pub mod exit {
    /// Success.
    pub const OK: u8 = 0;
    /// The run failed: broken definitions, unreadable input, I/O.
    pub const FAILURE: u8 = 1;
    /// The command line is wrong.
    pub const USAGE: u8 = 2;
    /// The data has errors (or warnings, with `--strict`).
    pub const DATA: u8 = 3;
}

/// A failure the library reports; the binary maps it to an exit code.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("the definitions have {} error(s); fix them and run `citykpi check defs` to confirm:\n{problems}", problems.errors())]
    Definitions { problems: Problems },
    #[error("{summary}:\n{problems}")]
    Data { summary: String, problems: Problems },
    #[error("{0}")]
    Usage(String),
}

impl Error {
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Definitions { .. } => exit::FAILURE,
            // A file that cannot be read at all is a failed run, not bad data.
            Error::Data { problems, .. }
                if problems.iter().any(|p| p.code == "unreadable-file") =>
            {
                exit::FAILURE
            }
            Error::Data { .. } => exit::DATA,
            Error::Usage(_) => exit::USAGE,
        }
    }
}
