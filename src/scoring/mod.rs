//! Scoring: each value against its target, the U4SSC way, and the roll-ups.
//!
//! Achievement is the share of the target reached (value / target where
//! higher is better, target / value where lower is better), capped at 100 %;
//! its band gives 1-4 points (`scoring.toml`). Categories, sub-dimensions,
//! dimensions and the whole assessment sum the points of their scored KPIs as
//! a percentage of the maximum and band that percentage the same way.
//!
//! [`Assessment`] yields one [`CityYearReport`] at a time: the model every report
//! renders. This module decides; it never formats, and it never reads files.

mod assurance;
pub mod compare;
pub mod gates;
mod model;
pub mod progress;
mod score;
pub mod sdg;
mod standing;
mod summary;

use std::collections::HashMap;

use crate::catalog::{Catalog, Kpi, Measure, Tier};
use crate::dataset::{Question, Questions, Targets, Verification, VerificationRow};
use crate::engine::{Results, Source};
use assurance::Assurance;

pub use model::*;
use score::not_scored;
pub use score::{next_band, score, value_for};
pub use standing::Standing;

/// A measure selected for the report, with what every city-year shares.
struct Selected<'a> {
    index: usize,
    kpi: &'a Kpi,
    measure: &'a Measure,
    name: String,
    subdimension: String,
    category: String,
    /// The unit of each name the formula reads.
    read_units: Vec<&'a str>,
    /// Indices into the roll-up groups: overall, dimension, sub-dimension, category.
    groups: [usize; 4],
}

/// Targets per measure index: the defaults (and rows for every city), and per city the
/// rows that name it.
struct TargetTable<'a> {
    defaults: Vec<Option<Target<'a>>>,
    by_city: HashMap<String, Vec<(usize, Target<'a>)>>,
}

impl<'a> TargetTable<'a> {
    fn new(catalog: &'a Catalog, targets: Option<&'a Targets>) -> Self {
        let mut defaults: Vec<Option<Target<'a>>> = catalog
            .measures()
            .map(|(_, m)| {
                let value = if m.is_yes_no() { Some(1.0) } else { m.target };
                let source = m.target_source.as_deref();
                value.map(|value| Target {
                    value,
                    origin: match m.is_yes_no() || source.is_some() {
                        true => TargetOrigin::Default,
                        false => TargetOrigin::Chosen,
                    },
                    source: source.filter(|_| !m.is_yes_no()),
                    year: None,
                })
            })
            .collect();
        let mut by_city: HashMap<String, Vec<(usize, Target<'a>)>> = HashMap::new();
        for (file, row) in targets
            .into_iter()
            .flat_map(|t| t.rows.iter().map(move |r| (t.file.as_str(), r)))
        {
            let (_, measure) = catalog.measures().nth(row.measure).expect("a valid index");
            if measure.is_yes_no() {
                continue;
            }
            let target = |city_specific| Target {
                value: row.value,
                origin: TargetOrigin::File {
                    file,
                    line: row.line,
                    city_specific,
                },
                source: row.source.as_deref(),
                year: row.year,
            };
            match &row.city {
                None => defaults[row.measure] = Some(target(false)),
                Some(city) => by_city
                    .entry(crate::dataset::name_key(city).into_owned())
                    .or_default()
                    .push((row.measure, target(true))),
            }
        }
        TargetTable { defaults, by_city }
    }

    /// The targets of one city, by measure index.
    fn for_city(&self, city: &str) -> std::borrow::Cow<'_, [Option<Target<'a>>]> {
        if self.by_city.is_empty() {
            return self.defaults.as_slice().into();
        }
        match self.by_city.get(crate::dataset::name_key(city).as_ref()) {
            None => self.defaults.as_slice().into(),
            Some(rows) => {
                let mut targets = self.defaults.clone();
                for (m, target) in rows {
                    targets[*m] = Some(*target);
                }
                targets.into()
            }
        }
    }
}

/// The rows of a verification file by city key, year and measure index.
type VerifierIndex<'a> = HashMap<(String, i32, usize), &'a VerificationRow>;

/// The questions of a questions log by city key and year.
type QuestionIndex<'a> = HashMap<(String, i32), Vec<&'a Question>>;

/// A city with no data in the base year of progress.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseYearMisfit<'a> {
    pub city: &'a str,
    /// The year its progress is measured from instead; `None` when it has no data after.
    pub instead: Option<i32>,
}

/// Everything computed, ready to be scored city-year by city-year and rendered.
pub struct Assessment<'a> {
    pub catalog: &'a Catalog,
    results: &'a Results<'a>,
    selected: Vec<Selected<'a>>,
    groups: summary::Groups<'a>,
    targets: TargetTable<'a>,
    /// The first row of each row's city (rows are sorted by city, then year).
    city_start: Vec<usize>,
    /// The year progress is measured from; each city's first year with a value when `None`.
    base_year: Option<i32>,
    /// The rows reported, in order: every row, or those of the years asked for. Earlier
    /// years stay in the data, as the base of progress.
    reported: Vec<usize>,
    /// `--min-quality`: values of a weaker (or no) data-quality level are not scored.
    min_quality: Option<Quality>,
    /// Whether the data gives any quality level or verified flag (else none is looked up).
    assured: bool,
    /// The verification file's name and its rows by city key, year and measure.
    verification: Option<(&'a str, VerifierIndex<'a>)>,
    /// `--verified-only`: values not verified are shown but not scored.
    verified_only: bool,
    /// The questions log's name and its questions by city key and year.
    questions: Option<(&'a str, QuestionIndex<'a>)>,
    /// The problems of the data and targets behind the assessment.
    standing: Standing,
}

impl<'a> Assessment<'a> {
    /// Score `results` against the catalogue's targets, overridden by `targets`; only
    /// KPIs of `tier` when one is given.
    pub fn new(
        catalog: &'a Catalog,
        results: &'a Results<'a>,
        targets: Option<&'a Targets>,
        tier: Option<Tier>,
    ) -> Self {
        let groups = summary::Groups::new(catalog, tier);
        let selected = catalog
            .measures()
            .enumerate()
            .filter(|(_, (kpi, _))| tier.is_none_or(|t| t == kpi.tier))
            .map(|(index, (kpi, measure))| Selected {
                index,
                kpi,
                measure,
                name: match &measure.part_name {
                    Some(part) => format!("{}: {part}", kpi.name),
                    None => kpi.name.clone(),
                },
                subdimension: kpi.subdimension_code(),
                category: kpi.category_code(),
                read_units: results
                    .inputs(index)
                    .reads
                    .iter()
                    .map(|read| match read.source {
                        Source::Measure(i) => catalog
                            .measures()
                            .nth(i)
                            .map_or("", |(_, m)| m.unit.as_str()),
                        _ => catalog.variable(&read.name).map_or("", |v| v.unit.as_str()),
                    })
                    .collect(),
                groups: groups.of(kpi),
            })
            .collect();
        let data = results.data();
        let mut city_start = Vec::with_capacity(data.rows());
        for row in 0..data.rows() {
            let same = row > 0 && data.cities[row - 1] == data.cities[row];
            city_start.push(if same { city_start[row - 1] } else { row });
        }
        Assessment {
            catalog,
            results,
            selected,
            groups,
            targets: TargetTable::new(catalog, targets),
            city_start,
            base_year: None,
            reported: (0..data.rows()).collect(),
            min_quality: None,
            assured: data
                .quality
                .iter()
                .chain(&data.verified)
                .any(|c| !c.is_empty()),
            verification: None,
            verified_only: false,
            questions: None,
            standing: Standing::default(),
        }
    }

    /// Say what the assessment rests on: the problems of its data and targets.
    pub fn with_standing(mut self, standing: Standing) -> Self {
        self.standing = standing;
        self
    }

    /// The problems of the data and targets behind the assessment (none unless
    /// [`Assessment::with_standing`] says so).
    pub fn standing(&self) -> &Standing {
        &self.standing
    }

    /// Score only values whose data quality is at least `level` (1 is the strongest); the
    /// others, and values with no level given, are shown but not scored.
    pub fn with_min_quality(mut self, level: Option<Quality>) -> Self {
        self.min_quality = level;
        self
    }

    /// What the verifier says (a verification file): its status wins over the data's
    /// `verified` column, and its `reported` override counts in the summaries.
    pub fn with_verification(mut self, verification: Option<&'a Verification>) -> Self {
        self.verification = verification.map(|v| (v.file.as_str(), v.index()));
        self
    }

    /// The questions to the cities (a questions log): each city-year gets its own, and each
    /// outcome those about its measure.
    pub fn with_questions(mut self, questions: Option<&'a Questions>) -> Self {
        self.questions = questions.map(|q| {
            let mut index: QuestionIndex<'a> = HashMap::new();
            for row in &q.rows {
                let key = (crate::dataset::name_key(&row.city).into_owned(), row.year);
                index.entry(key).or_default().push(row);
            }
            (q.file.as_str(), index)
        });
        self
    }

    /// Score only verified values; the others are shown but not scored.
    pub fn with_verified_only(mut self, verified_only: bool) -> Self {
        self.verified_only = verified_only;
        self
    }

    /// Report only the city-years of these years (all when empty); the others remain the
    /// base of progress.
    pub fn with_years(mut self, years: &[i32]) -> Self {
        if !years.is_empty() {
            let data = self.results.data();
            self.reported
                .retain(|&row| years.contains(&data.years[row]));
        }
        self
    }

    /// Measure progress from `year` (else from each city's first year with a value).
    pub fn with_base_year(mut self, year: Option<i32>) -> Self {
        self.base_year = year;
        self
    }

    /// The year progress is measured from, when one is set.
    pub fn base_year(&self) -> Option<i32> {
        self.base_year
    }

    /// The cities with no data in the base year (`--base-year`), in data order, each with
    /// the year its progress is measured from instead: its first later year with data, if
    /// any. Empty without a base year.
    pub fn base_year_misfits(&self) -> Vec<BaseYearMisfit<'_>> {
        let Some(year) = self.base_year else {
            return Vec::new();
        };
        let data = self.results.data();
        let mut misfits = Vec::new();
        let mut start = 0;
        while start < data.rows() {
            let end = (start..data.rows())
                .find(|&r| self.city_start[r] != start)
                .unwrap_or(data.rows());
            let years = &data.years[start..end];
            if !years.contains(&year) {
                misfits.push(BaseYearMisfit {
                    city: &data.cities[start],
                    instead: years.iter().copied().filter(|&y| y > year).min(),
                });
            }
            start = end;
        }
        misfits
    }

    /// Progress of measure `m` up to `row`: from the base year (or the first later year with
    /// a value) of the same city.
    fn trend(&self, s: &Selected, row: usize, target: Option<Target>) -> Option<Trend> {
        let data = self.results.data();
        let current_value = self.results.value(s.index, row)?;
        let current_year = data.years[row];
        let from = self.base_year.unwrap_or(i32::MIN);
        let base = (self.city_start[row]..row)
            .find(|&r| data.years[r] >= from && self.results.value(s.index, r).is_some())?;
        let (base_year, base_value) = (data.years[base], self.results.value(s.index, base)?);
        let previous = (base..row)
            .rev()
            .find_map(|r| self.results.value(s.index, r).map(|v| (data.years[r], v)))?;
        let series = progress::Series {
            direction: s.measure.direction,
            base_year,
            base_value,
            current_year,
            current_value,
            // A target without a year is for 2030, as Open SDG takes it.
            target: target.map(|t| (t.value, t.year.unwrap_or(progress::DEFAULT_TARGET_YEAR))),
            limit: (s.measure.unit == "%").then_some(100.0),
            yes_no: s.measure.is_yes_no(),
        };
        Some(Trend {
            base_year,
            base_value,
            current_year,
            current_value,
            previous,
            target_year: series.target.map(|(_, year)| year),
            progress: progress::measure(&series),
        })
    }

    /// What the verification file says of measure `m` of `city` in `year`; `data` is the
    /// data's own flag, kept where the verifier's status replaces a different one.
    fn verifier(
        &self,
        city: &str,
        year: i32,
        m: usize,
        data: Option<bool>,
    ) -> Option<Verifier<'a>> {
        let (file, rows) = self.verification.as_ref()?;
        let key = (crate::dataset::name_key(city).into_owned(), year, m);
        let row: &'a VerificationRow = rows.get(&key)?;
        let status = row.verdict.map(|v| v.is_verified());
        Some(Verifier {
            row,
            file,
            overrides: data.filter(|&d| status.is_some_and(|s| s != d)),
        })
    }

    /// The number of city-years reported.
    pub fn len(&self) -> usize {
        self.reported.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every city-year, scored, in dataset order.
    pub fn iter(&self) -> impl Iterator<Item = CityYearReport<'_>> + '_ {
        (0..self.len()).map(|row| self.city_year(row))
    }

    /// Score the `i`-th city-year reported.
    pub fn city_year(&self, i: usize) -> CityYearReport<'_> {
        let row = self.reported[i];
        let data = self.results.data();
        let scheme = &self.catalog.scheme;
        let city = data.cities[row].as_str();
        let targets = self.targets.for_city(city);
        let questions: Option<Vec<Asked<'a>>> = self.questions.as_ref().map(|(file, index)| {
            let key = (crate::dataset::name_key(city).into_owned(), data.years[row]);
            let rows = index.get(&key).map_or(&[][..], Vec::as_slice);
            rows.iter()
                .map(|&question| Asked { question, file })
                .collect()
        });
        let mut outcomes = Vec::with_capacity(self.selected.len());
        let mut evidence = Vec::new();
        let cell = |field: usize| {
            let (file, line) = data.origin(field, row).unzip();
            (
                data.source(field, row),
                file,
                line,
                data.converted_from(field, row),
                data.notes(field, row),
            )
        };
        for s in &self.selected {
            let m = s.index;
            let inputs = self.results.inputs(m);
            let start = evidence.len();
            for (read, unit) in inputs.reads.iter().zip(&s.read_units) {
                let (source, file, line, converted_from, notes) = match read.source {
                    Source::Field(f) => cell(f),
                    _ => (None, None, None, None, &[][..]),
                };
                let assurance = match self.assured {
                    true => Assurance::of_source(self.results, read.source, row),
                    false => Assurance::default(),
                };
                evidence.push(Evidence {
                    name: &read.name,
                    kind: match read.source {
                        Source::Measure(_) => EvidenceKind::Kpi,
                        _ => EvidenceKind::Variable,
                    },
                    value: self.results.read(read.source, row),
                    unit,
                    source,
                    file,
                    line,
                    converted_from,
                    notes,
                    quality: assurance.quality,
                    verified: assurance.verified,
                });
            }
            let value = self.results.value(m, row);
            let status = self.results.status(m, row);
            let reported = match (&status, inputs.reported) {
                (Status::Reported, Some(f)) => {
                    let (source, file, line, converted_from, notes) = cell(f);
                    let assurance = Assurance::of_cell(self.results, f, row);
                    Some(Evidence {
                        name: &s.measure.key,
                        kind: EvidenceKind::Reported,
                        value,
                        unit: &s.measure.unit,
                        source,
                        file,
                        line,
                        converted_from,
                        notes,
                        quality: assurance.quality,
                        verified: assurance.verified,
                    })
                }
                _ => None,
            };
            let target = targets[m];
            // The value's assurance is that of the evidence just gathered: the reported figure,
            // else every input with a value.
            let assurance = match (value, &reported) {
                (None, _) => Assurance::default(),
                (Some(_), Some(r)) => Assurance::of_evidence(r),
                (Some(_), None) => Assurance::combine(
                    evidence[start..]
                        .iter()
                        .filter(|e| e.value.is_some())
                        .map(Assurance::of_evidence),
                ),
            };
            let verification = self.verifier(city, data.years[row], m, assurance.verified);
            let verified = match verification.and_then(|v| v.row.verdict) {
                Some(verdict) => Some(verdict.is_verified()),
                None => assurance.verified,
            };
            let withheld = match value {
                None => None,
                Some(_) if verification.and_then(|v| v.row.reported) == Some(false) => {
                    Some(NotScored::NotReported)
                }
                Some(_) => match self.min_quality {
                    Some(min) if assurance.quality.is_none_or(|q| q > min) => {
                        Some(NotScored::BelowQuality(min))
                    }
                    _ if self.verified_only && verified != Some(true) => {
                        Some(NotScored::NotVerified)
                    }
                    _ => None,
                },
            };
            let score = value
                .filter(|_| withheld.is_none())
                .and_then(|v| score(s.measure, target.map(|t| t.value), v, scheme));
            outcomes.push(Outcome {
                measure_index: m,
                kpi: s.kpi,
                measure: s.measure,
                name: &s.name,
                subdimension: &s.subdimension,
                category: &s.category,
                value,
                status,
                reported,
                target,
                score,
                band: score.and_then(|sc| scheme.band_with_points(sc.points)),
                not_scored: match withheld {
                    Some(why) => Some(why),
                    None if value.is_some() && score.is_none() => {
                        not_scored(s.measure, target.map(|t| t.value))
                    }
                    None => None,
                },
                inputs: start..evidence.len(),
                progress: self.trend(s, row, target),
                quality: assurance.quality,
                verified,
                verification,
                questions: questions
                    .iter()
                    .flatten()
                    .filter(|a| a.question.measures.contains(&m))
                    .copied()
                    .collect(),
            });
        }
        let summaries = self.groups.summarize(&self.selected, &outcomes, scheme);
        CityYearReport {
            city,
            year: data.years[row],
            outcomes,
            evidence,
            summaries,
            questions,
        }
    }
}
