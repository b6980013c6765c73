//! The command line: arguments (`args`, `years`), what each subcommand runs (`run`) and where
//! output goes (`output`). It lives in the binary; the library never prints.

mod analyse;
mod args;
mod output;
mod run;
mod years;

pub use args::Cli;
pub use run::run;
