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
    /// The output could not be written.
    #[error(transparent)]
    Write(#[from] WriteError),
}

impl Error {
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Definitions { .. } => exit::FAILURE,
            Error::Data { problems, .. } => problems.exit_code().unwrap_or(exit::DATA),
            Error::NoData(_) => exit::DATA,
            Error::Usage(_) => exit::USAGE,
            Error::Write(_) => exit::FAILURE,
        }
    }
}

/// A report, template or listing that could not be written: the output failed, or the
/// report would not fit its format. Its message is the cause's own.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error(transparent)]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Json(#[from] serde_json::Error),
    #[error(transparent)]
    Csv(#[from] csv::Error),
    #[error(transparent)]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    #[error(transparent)]
    Table(#[from] polars::prelude::PolarsError),
    /// More rows than the format holds (a spreadsheet's million).
    #[error("{0}")]
    TooLarge(String),
}

impl WriteError {
    /// The reader went away (`citykpi assess ... | head`): not a failure.
    pub fn is_broken_pipe(&self) -> bool {
        let kind = match self {
            WriteError::Io(e) => Some(e.kind()),
            WriteError::Csv(e) => match e.kind() {
                csv::ErrorKind::Io(io) => Some(io.kind()),
                _ => None,
            },
            WriteError::Json(e) => e.io_error_kind(),
            _ => None,
        };
        kind == Some(std::io::ErrorKind::BrokenPipe)
    }
}

/// What writing can fail with, as a run's failure.
macro_rules! write_failure {
    ($($cause:ty),*) => {$(
        impl From<$cause> for Error {
            fn from(e: $cause) -> Self {
                Error::Write(WriteError::from(e))
            }
        }
    )*};
}
write_failure!(std::io::Error, serde_json::Error, csv::Error);
