//! City data: CSV files, workbook sheets and Parquet files (handed over as typed cells)
//! read into one validated table of city-years.
//!
//! Long form (`city,year,variable,value[,unit][,source][,notes]`) is canonical;
//! wide form (`city,year,<variable>...`) is accepted too. Several files are
//! read into one [`Dataset`]: one row per city-year, one column per variable
//! (and per KPI a city reports directly), each cell keeping its source and the
//! file and line it came from. Every problem is collected with its place; this
//! module never computes a KPI.

mod across;
mod cells;
mod csv_text;
mod currency;
mod groups;
mod header;
mod input;
mod loader;
mod log_rows;
mod model;
mod parquet;
mod questions;
mod quotes;
mod rows;
mod rule;
mod sheet;
mod tabular;
mod targets;
mod verification;

pub use csv_text::{Decimal, TextOptions, NO, PARTIAL, YES};
pub use groups::{read_groups, Groups};
pub use header::{NOTE_COLUMNS, TEMPLATE_COLUMNS};
pub use input::{Input, WORKBOOK_EXTENSIONS};
pub use loader::{load, Loaded, Loader, LISTED};
pub use model::{Dataset, Field, Filter, Origin};
pub use questions::{Question, QuestionStatus, Questions};
pub use rule::{accepted, accepted_figure, Accepted};
pub use targets::{TargetRow, Targets};
pub use verification::{Verdict, Verification, VerificationRow};

/// A name as the loader compares it: city names, variable names and codes are one thing
/// however they are cased and whichever Unicode form spells them ("Malmö" typed with a
/// composed ö or with o and a combining diaeresis). The first spelling read is the one
/// reports show.
pub fn name_key(name: &str) -> std::borrow::Cow<'_, str> {
    use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};
    if name.is_ascii() {
        if name.bytes().any(|b| b.is_ascii_uppercase()) {
            return name.to_ascii_lowercase().into();
        }
        return name.into();
    }
    let lower = name.to_lowercase();
    match is_nfc_quick(lower.chars()) {
        IsNormalized::Yes => lower.into(),
        _ => lower.nfc().collect::<String>().into(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_compare_across_case_and_unicode_forms() {
        let key = |s: &str| super::name_key(s).into_owned();
        assert_eq!(key("Malmo\u{308}"), key("Malmö"));
        assert_eq!(key("MALMÖ"), "malmö");
        assert_eq!(key("Oslo"), "oslo");
        assert_eq!(key("oslo"), "oslo");
        assert_ne!(key("Malmo"), key("Malmö"));
    }
}
