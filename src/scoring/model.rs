//! The assessment model: everything any report shows about one city-year, decided once.
//!
//! Renderers read these types and only format them; they never look past them into
//! the engine, the dataset or the formulas. Nothing here is computed or formatted.

use std::ops::Range;

use super::progress::{Progress, ProgressStatus};
use crate::catalog::{Band, Kpi, Measure};
pub use crate::dataset::Verdict;
use crate::dataset::{Question, VerificationRow};
pub use crate::engine::{Reason, Status};
pub use crate::quality::Quality;

/// One city-year, scored: its outcomes, the evidence behind them, and the roll-ups.
#[derive(Debug, Clone)]
pub struct CityYearReport<'a> {
    pub city: &'a str,
    pub year: i32,
    /// One per measure of the selected KPIs, in catalogue order.
    pub outcomes: Vec<Outcome<'a>>,
    /// The inputs of every outcome, one after another ([`CityYearReport::inputs`]).
    pub evidence: Vec<Evidence<'a>>,
    /// Overall first, then dimensions, sub-dimensions and categories in catalogue order;
    /// groups without a selected KPI are left out.
    pub summaries: Vec<Summary<'a>>,
    /// The questions log's questions to this city-year, in file order; `None` without a log.
    pub questions: Option<Vec<Asked<'a>>>,
}

/// What the report says about one measure (a KPI, or one part of a KPI) of one city-year.
#[derive(Debug, Clone)]
pub struct Outcome<'a> {
    /// The measure's index in [`Catalog::measures`](crate::catalog::Catalog::measures) order.
    pub measure_index: usize,
    pub kpi: &'a Kpi,
    pub measure: &'a Measure,
    /// The name every format prints: the KPI's, or `KPI: part` for a part.
    pub name: &'a str,
    /// `EC:ICT`.
    pub subdimension: &'a str,
    /// `EC:ICT:ICT`.
    pub category: &'a str,
    pub value: Option<f64>,
    pub status: Status,
    /// The city's own figure, where it reported the value directly.
    pub reported: Option<Evidence<'a>>,
    /// The target (for a yes/no KPI, 1 = yes) and where it was set.
    pub target: Option<Target<'a>>,
    pub score: Option<Score>,
    pub band: Option<&'a Band>,
    /// Why a value has no score, where it has none.
    pub not_scored: Option<NotScored>,
    /// This outcome's slice of [`CityYearReport::evidence`].
    pub inputs: Range<usize>,
    /// Progress since the base year, where the city has a value in an earlier year.
    pub progress: Option<Trend>,
    /// The weakest data-quality level of the cells behind the value, where every one has a level.
    pub quality: Option<Quality>,
    /// `Some(true)` when every cell behind the value is flagged verified, `Some(false)` when
    /// one is not (or says nothing while others do), `None` when none is flagged; where the
    /// verification file gives a status, that status (it wins over the data's flag).
    pub verified: Option<bool>,
    /// What the verifier's record says of this measure in this city-year, where it speaks.
    pub verification: Option<Verifier<'a>>,
    /// The questions log's questions about this measure (or its whole KPI), in file order.
    pub questions: Vec<Asked<'a>>,
}

/// A question of the questions log, as it applies to one city-year.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Asked<'a> {
    pub question: &'a Question,
    /// The questions log's name.
    pub file: &'a str,
}

/// A row of the verification file, as it applies to one outcome.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Verifier<'a> {
    pub row: &'a VerificationRow,
    /// The verification file's name.
    pub file: &'a str,
    /// The data's own verified flag, where the verifier's status replaced a different one.
    pub overrides: Option<bool>,
}

impl Outcome<'_> {
    /// The questions about this measure still open.
    pub fn open_questions(&self) -> usize {
        self.questions
            .iter()
            .filter(|a| a.question.is_open())
            .count()
    }

    /// Whether the measure counts as reported: the verifier's override (U4SSC template
    /// column Q) where given, else whether it has a value.
    pub fn is_reported(&self) -> bool {
        self.verification
            .and_then(|v| v.row.reported)
            .unwrap_or(self.value.is_some())
    }

    /// Whether the value is set aside by `--min-quality`, `--verified-only` or the verifier's
    /// "not reported": shown, but neither scored nor ranked among peers.
    pub fn set_aside(&self) -> bool {
        matches!(
            self.not_scored,
            Some(NotScored::BelowQuality(_) | NotScored::NotVerified | NotScored::NotReported)
        )
    }
}

/// Progress since the base year: the measure and the series it was taken on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Trend {
    pub base_year: i32,
    pub base_value: f64,
    pub current_year: i32,
    pub current_value: f64,
    /// The latest earlier year with a value, and that value.
    pub previous: (i32, f64),
    /// The year of the target progress is measured against: the targets file's, or 2030
    /// where it names none ([`super::progress::DEFAULT_TARGET_YEAR`]); `None` without a target.
    pub target_year: Option<i32>,
    pub progress: Progress,
}

impl Trend {
    /// The change since the previous year with a value.
    pub fn change_since_previous(&self) -> f64 {
        self.current_value - self.previous.1
    }

    /// The change since the base year.
    pub fn change_since_base(&self) -> f64 {
        self.current_value - self.base_value
    }
}

/// A measure's score.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Score {
    /// Share of the target achieved, 0 to 100.
    pub achievement: f64,
    pub points: u8,
}

/// Why a value is not scored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotScored {
    /// The definition says the KPI is never scored.
    Never,
    /// The KPI has no direction (neither higher nor lower is better).
    NoDirection,
    /// Neither the definition nor a targets file gives a target.
    NoTarget,
    /// `--min-quality`: the value's data quality is weaker than this level, or not given.
    BelowQuality(Quality),
    /// `--verified-only`: the value is not verified (no, not verifiable, or no status).
    NotVerified,
    /// The verifier marks the value not reported (`reported` = no in the verification file).
    NotReported,
}

/// A target and where it was set.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Target<'a> {
    pub value: f64,
    pub origin: TargetOrigin<'a>,
    /// The basis a targets file gives for it (`SDG 6.1`, `national plan`), or the published
    /// source of the definition's default.
    pub source: Option<&'a str>,
    /// The year the target is for, where a targets file gives one.
    pub year: Option<i32>,
}

/// Where a target comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetOrigin<'a> {
    /// The KPI definition's default with a published source (`target_source`), or the
    /// yes of a yes/no KPI (U4SSC's rule).
    Default,
    /// The KPI definition's default with no published source: citykpi's own choice.
    Chosen,
    /// A targets file: its name and line, and whether the row names this city.
    File {
        file: &'a str,
        line: usize,
        city_specific: bool,
    },
}

/// One number behind an outcome: an input of its formula, or the figure the city reported.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Evidence<'a> {
    /// A variable id, or a KPI key (`CODE/part`) for another KPI or a reported figure.
    pub name: &'a str,
    pub kind: EvidenceKind,
    pub value: Option<f64>,
    pub unit: &'a str,
    pub source: Option<&'a str>,
    /// The file and line the value was read from (none for another KPI's value).
    pub file: Option<&'a str>,
    pub line: Option<u32>,
    /// The unit and value as the data gave them, where they were converted into `unit`.
    pub converted_from: Option<(&'a str, f64)>,
    /// The notes the value's row gives (`comment`, `evidence`, ... columns): the column's
    /// name as the header spells it, and the text.
    pub notes: &'a [(String, String)],
    /// The data-quality level and verified flag (for another KPI: of the cells behind it).
    pub quality: Option<Quality>,
    pub verified: Option<bool>,
}

/// What a piece of evidence is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::IntoStaticStr)]
#[strum(serialize_all = "lowercase")]
pub enum EvidenceKind {
    /// A variable of the data.
    Variable,
    /// Another KPI the formula reads.
    Kpi,
    /// The KPI's own value, reported directly by the city.
    Reported,
}

/// The level of a roll-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::IntoStaticStr)]
#[strum(serialize_all = "lowercase")]
pub enum Level {
    Overall,
    Dimension,
    Subdimension,
    Category,
    /// An SDG goal (`11`), in results by SDG.
    Goal,
    /// An SDG target (`11.2`), in results by SDG.
    Target,
}

/// The roll-up of one group (overall, a dimension, sub-dimension or category; or an SDG
/// goal or target).
#[derive(Debug, Clone)]
pub struct Summary<'a> {
    pub level: Level,
    /// `ALL`, `EC`, `EC:ICT`, `EC:ICT:ICT`.
    pub code: &'a str,
    pub name: &'a str,
    pub core_defined: usize,
    pub core_computed: usize,
    pub advanced_defined: usize,
    pub advanced_computed: usize,
    /// KPIs computed whose every value is flagged verified.
    pub core_verified: usize,
    pub advanced_verified: usize,
    /// KPIs reported, verified, not verified and not reported (the published verification
    /// report's section 2); a KPI is reported when one of its parts is.
    pub kpis: Reporting,
    /// The same for data points: each part of a KPI, or the KPI where it has none (section 3).
    pub data_points: Reporting,
    /// Measures with a score.
    pub scored: usize,
    pub points: u32,
    pub max_points: u32,
    /// Points as a percentage of the maximum; `None` where nothing is scored.
    pub score: Option<f64>,
    pub band: Option<&'a Band>,
    pub mean_achievement: Option<f64>,
    /// The mean progress score of the members that have one, and the group's status.
    pub progress: Option<(f64, ProgressStatus)>,
}

/// Counts of what is reported and verified, as U4SSC's verification report gives them.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    serde::Serialize,
    serde::Deserialize,
    schemars::JsonSchema,
)]
pub struct Reporting {
    pub reported: usize,
    /// Reported and verified (every reported part, for a KPI).
    pub verified: usize,
    /// Reported and not verified: no, not verifiable, or no status.
    pub not_verified: usize,
    pub not_reported: usize,
}

impl Reporting {
    /// Count one KPI or data point.
    pub fn add(&mut self, reported: bool, verified: bool) {
        match (reported, verified) {
            (false, _) => self.not_reported += 1,
            (true, true) => {
                self.reported += 1;
                self.verified += 1;
            }
            (true, false) => {
                self.reported += 1;
                self.not_verified += 1;
            }
        }
    }
}

impl<'a> CityYearReport<'a> {
    /// The inputs of an outcome.
    pub fn inputs(&self, outcome: &Outcome) -> &[Evidence<'a>] {
        &self.evidence[outcome.inputs.clone()]
    }

    /// The distinct sources behind an outcome: the reported figure's own where the city
    /// reported the value, else its inputs', in formula order.
    pub fn sources(&self, outcome: &Outcome<'a>) -> Vec<&'a str> {
        if let Some(reported) = &outcome.reported {
            return reported.source.into_iter().collect();
        }
        let mut sources: Vec<&'a str> = Vec::new();
        for source in self.inputs(outcome).iter().filter_map(|e| e.source) {
            if !sources.contains(&source) {
                sources.push(source);
            }
        }
        sources
    }

    /// The distinct notes behind an outcome: the reported figure's own where the city
    /// reported the value, else its inputs', in formula order.
    pub fn notes(&self, outcome: &Outcome<'a>) -> Vec<&'a (String, String)> {
        if let Some(reported) = &outcome.reported {
            return reported.notes.iter().collect();
        }
        let mut notes: Vec<&'a (String, String)> = Vec::new();
        for note in self.inputs(outcome).iter().flat_map(|e| e.notes) {
            if !notes.contains(&note) {
                notes.push(note);
            }
        }
        notes
    }

    /// The outcomes with no value because the data's value for an input was rejected.
    pub fn rejected(&self) -> impl Iterator<Item = &Outcome<'a>> {
        self.outcomes
            .iter()
            .filter(|o| matches!(o.status, Status::Missing(Reason::InvalidInputs(_))))
    }

    /// The KPIs not reported in any part (no value, or the verifier says not reported):
    /// the verification report's "KPIs not reported".
    pub fn not_reported(&self) -> Vec<&'a Kpi> {
        self.by_kpi()
            .filter(|(_, outcomes)| outcomes.iter().all(|o| !o.is_reported()))
            .map(|(kpi, _)| kpi)
            .collect()
    }

    /// The KPIs reported with a part that is not verified: the verification report's "KPIs
    /// not verified" (the summaries' `kpis.not_verified` counts them).
    pub fn not_verified(&self) -> Vec<&'a Kpi> {
        self.by_kpi()
            .filter(|(_, outcomes)| {
                outcomes
                    .iter()
                    .any(|o| o.is_reported() && o.verified != Some(true))
            })
            .map(|(kpi, _)| kpi)
            .collect()
    }

    /// Each KPI with the outcomes of its measures (its parts), in catalogue order.
    fn by_kpi(&self) -> impl Iterator<Item = (&'a Kpi, &[Outcome<'a>])> {
        self.outcomes
            .chunk_by(|a, b| std::ptr::eq(a.kpi, b.kpi))
            .map(|chunk| (chunk[0].kpi, chunk))
    }

    /// The city-year's open questions, in file order (none without a questions log).
    pub fn open_questions(&self) -> impl Iterator<Item = &Asked<'a>> {
        self.questions
            .iter()
            .flatten()
            .filter(|a| a.question.is_open())
    }

    /// The overall roll-up (absent only when no KPI is selected).
    pub fn overall(&self) -> Option<&Summary<'a>> {
        self.summaries.iter().find(|s| s.level == Level::Overall)
    }

    /// The dimensions' roll-ups.
    pub fn dimensions(&self) -> impl Iterator<Item = &Summary<'a>> {
        self.summaries
            .iter()
            .filter(|s| s.level == Level::Dimension)
    }

    /// Each dimension followed by its sub-dimensions; `true` marks a sub-dimension.
    pub fn dimension_tree(&self) -> Vec<(&Summary<'a>, bool)> {
        let mut rows = Vec::new();
        for dimension in self.dimensions() {
            rows.push((dimension, false));
            rows.extend(
                self.summaries
                    .iter()
                    .filter(|s| {
                        s.level == Level::Subdimension
                            && s.code.split(':').next() == Some(dimension.code)
                    })
                    .map(|s| (s, true)),
            );
        }
        rows
    }

    /// The outcomes of one dimension.
    pub fn outcomes_of<'s>(&'s self, dimension: &'s str) -> impl Iterator<Item = &'s Outcome<'a>> {
        self.outcomes
            .iter()
            .filter(move |o| o.kpi.dimension == dimension)
    }
}
