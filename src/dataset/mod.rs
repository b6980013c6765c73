//! City data: CSV files (and workbook sheets and Parquet files, turned into CSV text) read
//! into one validated table of city-years.
//!
//! Long form (`city,year,variable,value[,unit][,source][,notes]`) is canonical;
//! wide form (`city,year,<variable>...`) is accepted too. Several files are
//! read into one [`Dataset`]: one row per city-year, one column per variable
//! (and per KPI a city reports directly), each cell keeping its source and the
//! file and line it came from. Every problem is collected with its place; this
//! module never computes a KPI.

mod cells;
mod csv_text;
mod currency;
mod groups;
mod input;
mod loader;
mod model;
mod parquet;
mod rule;
mod sheet;
mod tabular;
mod targets;

pub use csv_text::{Decimal, TextOptions, NO, PARTIAL, YES};
pub use groups::{read_groups, Groups};
pub use input::{Input, WORKBOOK_EXTENSIONS};
pub use loader::{load, Loaded, Loader, LISTED};
pub use model::{Dataset, Field, Filter, Origin};
pub use rule::{accepted, Accepted};
pub use targets::{TargetRow, Targets};
