//! citykpi: assess a city against the U4SSC key performance indicators for smart
//! sustainable cities.
//!
//! The pipeline flows one way, a module per stage:
//! [`catalog`] (TOML definitions) -> [`dataset`] (city data and targets) -> [`engine`]
//! (formulas, via [`formula`]) -> [`scoring`] (the assessment model) -> [`report`].
//! [`browse`], [`template`] and [`export_sql`] render the catalogue. The library never
//! prints: every writer is passed in, and the command line lives in the binary.
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod browse;
pub mod catalog;
pub mod dataset;
pub mod diagnostic;
pub mod diff;
pub mod engine;
pub mod error;
pub mod export_sql;
pub mod formula;
pub mod plausibility;
pub mod quality;
pub mod report;
pub mod scoring;
pub mod template;

pub use diagnostic::exit;
pub use error::{Error, WriteError};
