//! The KPI row: every column a report gives about one measure (a KPI, or one part of a
//! KPI) of one city-year, decided once from the model, typed, in one order.
//!
//! CSV, Parquet and Arrow, the workbook and JSON all write [`KpiRow`]s: a column added
//! here (its field, its name in [`NAMES`] and its cell in [`KpiRow::cells`]) appears in
//! each. Text is as the model gives it (rounding, quoting and spreadsheet-safety are the
//! writers'); nothing here is computed, only picked and put into words.

use std::borrow::Cow;

use super::{display_value, note, notes_text, target_origin};
use crate::scoring::{CityYearReport, Outcome};

/// One measure of one city-year, as every tabular format writes it (after `city` and
/// `year`, which the formats write themselves: JSON nests the rows under their city-year).
///
/// It deserialises too (as `citykpi diff` reads a JSON report back) and gives the JSON
/// Schema of its keys (docs/report.schema.json): text is borrowed where it can be.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct KpiRow<'a> {
    #[serde(borrow)]
    pub code: Cow<'a, str>,
    #[serde(borrow)]
    pub part: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub name: Cow<'a, str>,
    #[serde(borrow)]
    pub tier: Cow<'a, str>,
    #[serde(borrow)]
    pub dimension: Cow<'a, str>,
    #[serde(borrow)]
    pub subdimension: Cow<'a, str>,
    #[serde(borrow)]
    pub category: Cow<'a, str>,
    #[serde(borrow)]
    pub unit: Cow<'a, str>,
    #[serde(serialize_with = "round6")]
    pub value: Option<f64>,
    /// The value as reports print it: `97.10`, `yes`, `82`.
    pub display: String,
    /// `computed`, `reported` or `missing`.
    #[serde(borrow)]
    pub status: Cow<'a, str>,
    /// Why a value is missing or not scored, that it was reported directly or converted.
    pub note: String,
    #[serde(serialize_with = "round6")]
    pub target: Option<f64>,
    #[serde(borrow)]
    pub target_source: Option<Cow<'a, str>>,
    /// `default`, or the targets file and line (`targets.csv:4 (city)`).
    #[serde(borrow)]
    pub target_origin: Option<Cow<'a, str>>,
    /// The year the target is for: the targets file's, or 2030 where it names none (as
    /// Open SDG takes it for progress).
    pub target_year: Option<i32>,
    /// `higher`, `lower` or `none`.
    #[serde(borrow)]
    pub direction: Cow<'a, str>,
    /// Share of the target achieved, 0 to 100.
    #[serde(serialize_with = "round2")]
    pub achievement: Option<f64>,
    pub points: Option<u8>,
    #[serde(borrow)]
    pub band: Option<Cow<'a, str>>,
    /// The distinct sources behind the value, ` | ` between them.
    pub sources: String,
    #[serde(borrow)]
    pub progress_status: Option<Cow<'a, str>>,
    #[serde(serialize_with = "round2")]
    pub progress_score: Option<f64>,
    #[serde(serialize_with = "round6")]
    pub change_since_previous: Option<f64>,
    #[serde(serialize_with = "round6")]
    pub change_since_base: Option<f64>,
    /// The weakest data-quality level behind the value (1-6).
    pub quality: Option<u8>,
    /// Whether every cell behind the value is flagged verified.
    pub verified: Option<bool>,
    /// The notes the data gives beside the value (`comment`, `evidence`, ... columns).
    pub data_notes: String,
    /// The verifier's status from the verification file: `yes`, `no` or `not verifiable`
    /// (it wins over the data's flag, and `verified` follows it).
    #[serde(borrow, default)]
    pub verification: Option<Cow<'a, str>>,
    /// The verifier's override of "reported", where the verification file gives one.
    #[serde(default)]
    pub verifier_reported: Option<bool>,
    #[serde(borrow, default)]
    pub verifier_comment: Option<Cow<'a, str>>,
    /// The documents the verifier checked, as the verification file lists them.
    #[serde(borrow, default)]
    pub evidence: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub verifier: Option<Cow<'a, str>>,
    /// `YYYY-MM-DD`.
    #[serde(borrow, default)]
    pub verification_date: Option<Cow<'a, str>>,
    /// The questions to the city about the measure (or its whole KPI) still open, where a
    /// questions log is given: the city-year's list (`questions` in JSON, the "Open
    /// questions" section elsewhere) gives their text.
    #[serde(default)]
    pub open_questions: Option<u32>,
}

/// The columns after `city` and `year`, in order: the CSV header, the Parquet schema, the
/// workbook's columns and the JSON keys of [`KpiRow`].
pub const NAMES: [&str; 35] = [
    "code",
    "part",
    "name",
    "tier",
    "dimension",
    "subdimension",
    "category",
    "unit",
    "value",
    "display",
    "status",
    "note",
    "target",
    "target_source",
    "target_origin",
    "target_year",
    "direction",
    "achievement",
    "points",
    "band",
    "sources",
    "progress_status",
    "progress_score",
    "change_since_previous",
    "change_since_base",
    "quality",
    "verified",
    "data_notes",
    "verification",
    "verifier_reported",
    "verifier_comment",
    "evidence",
    "verifier",
    "verification_date",
    "open_questions",
];

/// The columns that depend on the measure alone (`code` to `unit`): the same in every
/// city-year, so a writer may write them once per measure.
pub const MEASURE_COLUMNS: std::ops::Range<usize> = 0..8;

/// One cell of a row, typed: the writers format each kind their own way.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell<'r> {
    /// Text that may hold anything (names, sources, notes): quoted and made
    /// spreadsheet-safe where a format needs it; `None` is empty (or null).
    Text(Option<&'r str>),
    /// A word of the report's own (a status, a direction, a tier): never needs quoting.
    Word(Option<&'r str>),
    /// A number, and the decimals text formats round it to.
    Number(Option<f64>, u32),
    /// A whole number.
    Integer(Option<i64>),
    Flag(Option<bool>),
}

impl<'a> KpiRow<'a> {
    pub fn new(city_year: &CityYearReport<'a>, o: &Outcome<'a>) -> Self {
        let m = o.measure;
        let trend = o.progress;
        let verifier = o.verification.map(|v| v.row);
        KpiRow {
            code: o.kpi.code.as_str().into(),
            part: m.part.as_deref().map(Cow::from),
            name: o.name.into(),
            tier: <&str>::from(o.kpi.tier).into(),
            dimension: o.kpi.dimension.as_str().into(),
            subdimension: o.subdimension.into(),
            category: o.category.into(),
            unit: m.unit.as_str().into(),
            value: o.value,
            display: display_value(m, o.value),
            status: o.status.label().into(),
            note: note(city_year, o),
            target: o.target.map(|t| t.value),
            target_source: o.target.and_then(|t| t.source).map(Cow::from),
            target_origin: o.target.map(|t| target_origin(Some(&t)).into()),
            target_year: o.target.map(|t| {
                t.year
                    .unwrap_or(crate::scoring::progress::DEFAULT_TARGET_YEAR)
            }),
            direction: <&str>::from(m.direction).into(),
            achievement: o.score.map(|s| s.achievement),
            points: o.score.map(|s| s.points),
            band: o.band.map(|b| b.label.as_str().into()),
            sources: city_year.sources(o).join(" | "),
            progress_status: trend.map(|t| <&str>::from(t.progress.status).into()),
            progress_score: trend.and_then(|t| t.progress.score),
            change_since_previous: trend.map(|t| t.change_since_previous()),
            change_since_base: trend.map(|t| t.change_since_base()),
            quality: o.quality.map(|q| q.level()),
            verified: o.verified,
            data_notes: notes_text(city_year.notes(o)),
            verification: verifier.and_then(|v| v.verdict).map(|v| v.label().into()),
            verifier_reported: verifier.and_then(|v| v.reported),
            verifier_comment: verifier.and_then(|v| v.comment.as_deref()).map(Cow::from),
            evidence: verifier.and_then(|v| v.evidence.as_deref()).map(Cow::from),
            verifier: verifier.and_then(|v| v.verifier.as_deref()).map(Cow::from),
            verification_date: verifier.and_then(|v| v.date.as_deref()).map(Cow::from),
            open_questions: city_year
                .questions
                .as_ref()
                .map(|_| o.open_questions() as u32),
        }
    }

    /// A row with nothing in it: its cells give each column's kind (for a table's schema
    /// when there are no rows).
    pub fn blank() -> KpiRow<'static> {
        KpiRow {
            code: "".into(),
            part: None,
            name: "".into(),
            tier: "".into(),
            dimension: "".into(),
            subdimension: "".into(),
            category: "".into(),
            unit: "".into(),
            value: None,
            display: String::new(),
            status: "".into(),
            note: String::new(),
            target: None,
            target_source: None,
            target_origin: None,
            target_year: None,
            direction: "".into(),
            achievement: None,
            points: None,
            band: None,
            sources: String::new(),
            progress_status: None,
            progress_score: None,
            change_since_previous: None,
            change_since_base: None,
            quality: None,
            verified: None,
            data_notes: String::new(),
            verification: None,
            verifier_reported: None,
            verifier_comment: None,
            evidence: None,
            verifier: None,
            verification_date: None,
            open_questions: None,
        }
    }

    /// The row's cells, in [`NAMES`] order.
    pub fn cells(&self) -> [Cell<'_>; NAMES.len()] {
        fn text(t: &str) -> Cell<'_> {
            Cell::Text(Some(t).filter(|t| !t.is_empty()))
        }
        [
            Cell::Text(Some(&self.code)),
            Cell::Text(self.part.as_deref()),
            Cell::Text(Some(&self.name)),
            Cell::Word(Some(&self.tier)),
            Cell::Text(Some(&self.dimension)),
            Cell::Text(Some(&self.subdimension)),
            Cell::Text(Some(&self.category)),
            Cell::Text(Some(&self.unit)),
            Cell::Number(self.value, 6),
            text(&self.display),
            Cell::Word(Some(&self.status)),
            text(&self.note),
            Cell::Number(self.target, 6),
            Cell::Text(self.target_source.as_deref()),
            Cell::Text(self.target_origin.as_deref()),
            Cell::Integer(self.target_year.map(i64::from)),
            Cell::Word(Some(&self.direction)),
            Cell::Number(self.achievement, 2),
            Cell::Integer(self.points.map(i64::from)),
            Cell::Text(self.band.as_deref()),
            text(&self.sources),
            Cell::Word(self.progress_status.as_deref()),
            Cell::Number(self.progress_score, 2),
            Cell::Number(self.change_since_previous, 6),
            Cell::Number(self.change_since_base, 6),
            Cell::Integer(self.quality.map(i64::from)),
            Cell::Flag(self.verified),
            text(&self.data_notes),
            Cell::Word(self.verification.as_deref()),
            Cell::Flag(self.verifier_reported),
            Cell::Text(self.verifier_comment.as_deref()),
            Cell::Text(self.evidence.as_deref()),
            Cell::Text(self.verifier.as_deref()),
            Cell::Text(self.verification_date.as_deref()),
            Cell::Integer(self.open_questions.map(i64::from)),
        ]
    }
}

fn round6<S: serde::Serializer>(value: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    serde::Serialize::serialize(&value.map(|v| super::round(v, 6)), s)
}

fn round2<S: serde::Serializer>(value: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    serde::Serialize::serialize(&value.map(|v| super::round(v, 2)), s)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The JSON keys of a row are the column names, in order.
    #[test]
    fn json_keys_are_the_column_names_in_order() {
        let row = KpiRow {
            value: Some(1.0 / 3.0),
            achievement: Some(33.3333),
            points: Some(2),
            ..KpiRow::blank()
        };
        let text = serde_json::to_string(&row).unwrap();
        let at: Vec<usize> = NAMES
            .iter()
            .map(|n| {
                text.find(&format!("\"{n}\":"))
                    .unwrap_or_else(|| panic!("{n}"))
            })
            .collect();
        assert!(at.windows(2).all(|w| w[0] < w[1]), "{text}");
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(json.as_object().unwrap().len(), NAMES.len());
        assert_eq!(json["value"], 0.333333);
        assert_eq!(json["achievement"], 33.33);
        assert_eq!(row.cells().len(), NAMES.len());
    }
}
