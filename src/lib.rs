//! citykpi: assess a city against the U4SSC key performance indicators for smart
//! sustainable cities.
//!
//! The pipeline flows one way, a module per stage:
//! [`catalog`] (TOML definitions) -> [`dataset`] (city data) -> [`engine`]
//! (formulas, via [`formula`]) -> [`scoring`] -> [`report`]. [`cli`] wires the
//! stages to the command line. The library never prints; the binary does.
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod browse;
pub mod catalog;
pub mod cli;
pub mod dataset;
pub mod diagnostic;
pub mod engine;
pub mod error;
pub mod export_sql;
pub mod formula;
pub mod generate;
pub mod report;
pub mod scoring;
pub mod template;

pub use cli::{run, Cli};
pub use error::{exit, Error};
