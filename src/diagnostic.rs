//! Problems found in definitions or data, collected rather than thrown.
//!
//! Every stage that reads user input reports all of its problems at once as
//! [`Problem`]s: a stable kebab-case code, where it is (file, line, column),
//! the offending value, and a message that says what to do. This module only
//! describes problems; it never prints them.

use std::fmt;

use serde::Serialize;

/// Exit codes, documented in `--help` and the README; each means one thing in every command.
pub mod exit {
    /// Success.
    pub const OK: u8 = 0;
    /// The run failed: broken definitions, a file that cannot be read at all, I/O.
    pub const FAILURE: u8 = 1;
    /// The command line is wrong.
    pub const USAGE: u8 = 2;
    /// The data has errors (or warnings, with `--strict`), or nothing in it to assess.
    pub const DATA: u8 = 3;
    /// A CI gate (`--fail-under`, `--min-coverage`) is not met.
    pub const GATE: u8 = 4;
}

/// How bad a problem is: an error stops the run, a warning does not (unless `--strict`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, strum::Display)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// Where a problem belongs, which decides what it stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// The KPI definitions are wrong: nothing can run.
    Definitions,
    /// A file cannot be read at all: nothing is computed.
    Unreadable,
    /// A value or row of the data (or a targets file): the rest is computed around it.
    Data,
}

/// Every problem code, with its severity and class decided here once.
/// The kebab-case names are stable and listed in `docs/errors.md`.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    strum::EnumIter,
    strum::IntoStaticStr,
    strum::Display,
    strum::EnumString,
)]
#[strum(serialize_all = "kebab-case")]
pub enum ProblemCode {
    // Reading data files.
    UnreadableFile,
    NotUtf8,
    EmptyFile,
    MissingColumn,
    InvalidCsv,
    UnreadableCell,
    NoRows,
    UnknownColumn,
    DuplicateColumn,
    // Rows and values.
    FieldCount,
    SplitNumber,
    MissingCity,
    MissingVariable,
    BadYear,
    UnknownVariable,
    NotANumber,
    NotAvailable,
    OutOfRange,
    UnitMismatch,
    BadQuality,
    BadVerified,
    PartExceedsWhole,
    DuplicateRow,
    DuplicateConflict,
    UnknownKpi,
    DuplicateTarget,
    YesNoKpiTarget,
    UnknownCity,
    UnknownYear,
    BadReported,
    BadDate,
    DuplicateVerification,
    BadStatus,
    MissingQuestion,
    MissingAnswer,
    AnsweredBeforeAsked,
    ReportedDiffers,
    YearJump,
    PartsSum,
    PercentAsFraction,
    ImplausibleValue,
    PopulationChange,
    NotConstant,
    DenominatorMismatch,
    UnscorableTarget,
    BaseYearNoData,
    MixedCurrency,
    BadCurrency,
    // Definitions.
    MissingFile,
    InvalidToml,
    InvalidTaxonomy,
    InvalidScheme,
    BadId,
    BadRange,
    BadNumber,
    BadCode,
    BadSdg,
    TierMismatch,
    GroupMismatch,
    UnknownGroup,
    DuplicateCode,
    DuplicateId,
    FormulaSyntax,
    FormulaTooDeep,
    FormulaCannotRun,
    FormulaAndParts,
    MissingFormula,
    UnknownName,
    Cycle,
    UnitKindMismatch,
    YesNoTarget,
    ScoredWithoutTarget,
    UnusedVariable,
    PlausibleUnknown,
}

impl ProblemCode {
    /// The stable kebab-case name.
    pub fn name(self) -> &'static str {
        self.into()
    }

    pub fn severity(self) -> Severity {
        use ProblemCode::*;
        match self {
            NoRows | UnknownVariable | NotAvailable | DuplicateRow | UnusedVariable
            | PlausibleUnknown | ReportedDiffers | UnknownCity | UnknownYear | YearJump
            | PartsSum | PercentAsFraction | ImplausibleValue | PopulationChange | NotConstant
            | DenominatorMismatch | BaseYearNoData | UnknownColumn | MissingAnswer
            | AnsweredBeforeAsked => Severity::Warning,
            _ => Severity::Error,
        }
    }

    pub fn class(self) -> Class {
        use ProblemCode::*;
        match self {
            UnreadableFile | NotUtf8 | EmptyFile | MissingColumn | InvalidCsv | DuplicateColumn => {
                Class::Unreadable
            }
            UnknownYear | BadReported | BadDate | DuplicateVerification => Class::Data,
            BadStatus | MissingQuestion | MissingAnswer | AnsweredBeforeAsked => Class::Data,
            NoRows | UnreadableCell | MissingCity | MissingVariable | BadYear | UnknownVariable
            | NotANumber | NotAvailable | OutOfRange | UnitMismatch | BadQuality | BadVerified
            | PartExceedsWhole | DuplicateRow | DuplicateConflict | UnknownKpi
            | ReportedDiffers | DuplicateTarget | YesNoKpiTarget | UnknownCity | YearJump
            | PartsSum | PercentAsFraction | ImplausibleValue | PopulationChange | NotConstant
            | DenominatorMismatch | UnscorableTarget | BaseYearNoData | UnknownColumn
            | FieldCount | SplitNumber | MixedCurrency | BadCurrency => Class::Data,
            _ => Class::Definitions,
        }
    }

    /// The exit code a run ends with when this problem is an error.
    pub fn exit_code(self) -> u8 {
        match self.class() {
            Class::Definitions | Class::Unreadable => exit::FAILURE,
            Class::Data => exit::DATA,
        }
    }
}

impl Serialize for ProblemCode {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

/// One problem in one place of one input.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Problem {
    pub severity: Severity,
    /// Stable kebab-case identifier, listed in `docs/errors.md`.
    pub code: ProblemCode,
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    pub message: String,
    /// For an entry "N more ... are not listed", N: how many problems it stands for (the
    /// others stand for one each).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<usize>,
}

impl Problem {
    /// A problem of this code; its severity is the code's.
    pub fn new(code: ProblemCode, file: impl Into<String>, message: impl Into<String>) -> Self {
        Problem {
            severity: code.severity(),
            code,
            file: file.into(),
            line: None,
            column: None,
            value: None,
            message: message.into(),
            count: None,
        }
    }

    /// This entry stands for `count` problems of its code that are not listed one by one.
    pub fn standing_for(mut self, count: usize) -> Self {
        self.count = Some(count);
        self
    }

    pub fn at_line(mut self, line: usize) -> Self {
        self.line = Some(line);
        self
    }

    pub fn in_column(mut self, column: impl Into<String>) -> Self {
        self.column = Some(column.into());
        self
    }

    pub fn with_value(mut self, value: impl Into<String>) -> Self {
        self.value = Some(value.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `file:line` (or just `file`), as compilers print locations.
    pub fn location(&self) -> String {
        match self.line {
            Some(line) => format!("{}:{line}", self.file),
            None => self.file.clone(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}[{}]: {}", self.severity, self.code, self.location())?;
        if let Some(column) = &self.column {
            write!(f, ": column {column}")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// A list of problems, displayed one per line.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(transparent)]
pub struct Problems(pub Vec<Problem>);

impl Problems {
    pub fn push(&mut self, problem: Problem) {
        self.0.push(problem);
    }

    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Problem::is_error)
    }

    /// Errors, those not listed one by one included.
    pub fn errors(&self) -> usize {
        self.0
            .iter()
            .filter(|p| p.is_error())
            .map(|p| p.count.unwrap_or(1))
            .sum()
    }

    /// Warnings, those not listed one by one included.
    pub fn warnings(&self) -> usize {
        self.0
            .iter()
            .filter(|p| !p.is_error())
            .map(|p| p.count.unwrap_or(1))
            .sum()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Problem> {
        self.0.iter()
    }

    /// The exit code of the worst error: unreadable input or definitions (1) before data (3).
    pub fn exit_code(&self) -> Option<u8> {
        self.iter()
            .filter(|p| p.is_error())
            .map(|p| p.code.exit_code())
            .min_by_key(|&c| if c == exit::FAILURE { 0 } else { c })
    }

    /// True when a file could not be read at all, so nothing can be computed.
    pub fn unreadable(&self) -> bool {
        self.iter()
            .any(|p| p.is_error() && p.code.class() == Class::Unreadable)
    }
}

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, problem) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{problem}")?;
        }
        Ok(())
    }
}

/// `1 error`, `2 errors`: a count and its noun, for messages.
pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// The known name closest to `name`, if one is close enough to be a likely typo.
pub fn closest<'a>(name: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    known
        .into_iter()
        .map(|candidate| (strsim::jaro_winkler(name, candidate), candidate))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| candidate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closest_suggests_a_typo_fix_and_nothing_for_unrelated_names() {
        let known = ["households", "population", "city_area"];
        assert_eq!(closest("househlds", known), Some("households"));
        assert_eq!(closest("zzz", known), None);
    }

    #[test]
    fn display_names_code_location_column_and_message() {
        let problem = Problem::new(
            ProblemCode::NotANumber,
            "data.csv",
            "value \"n/a\" is not a number",
        )
        .at_line(7)
        .in_column("value");
        assert_eq!(
            problem.to_string(),
            "error[not-a-number]: data.csv:7: column value: value \"n/a\" is not a number"
        );
    }
}
