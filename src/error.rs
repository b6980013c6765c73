//! The failures a run can end in, and the exit code of each.
//!
//! The exit code of a problem is decided by its [`ProblemCode`](crate::diagnostic::ProblemCode);
//! this module only carries problems to the edge. It never prints.

pub use crate::diagnostic::exit;
use crate::diagnostic::Problems;

/// A failure the library reports; the binary maps it to an exit code.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("the definitions have {}; fix them and run `citykpi check defs` to confirm:\n{problems}", crate::diagnostic::plural(problems.errors(), "error"))]
    Definitions { problems: Problems },
    #[error("{summary}:\n{problems}")]
    Data { summary: String, problems: Problems },
    /// The data holds nothing to assess (a header only, or no city-year matches the filters).
    #[error("{0}")]
    NoData(String),
    #[error("{0}")]
    Usage(String),
}

impl Error {
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Definitions { .. } => exit::FAILURE,
            Error::Data { problems, .. } => problems.exit_code().unwrap_or(exit::DATA),
            Error::NoData(_) => exit::DATA,
            Error::Usage(_) => exit::USAGE,
        }
    }
}
