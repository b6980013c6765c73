//! The verification report's model: what each of the published U4SSC verification report's
//! nine sections says about one city-year, decided once from the assessment so that the
//! HTML, Markdown and JSON renderers say the same thing. Data only: no text is formatted
//! here, beyond the shared warning lines of a report on data with problems.

use crate::catalog::{Band, Kpi, Measure, Scheme};
use crate::scoring::{Assessment, CityYearReport, Level, NotScored, Outcome, Summary, Verdict};

/// The whole report: every city-year of the assessment.
pub struct Report<'a> {
    pub scheme: &'a Scheme,
    /// The data files, as given.
    pub data_files: Vec<String>,
    /// The verification file's name; `None` where none was given (the verified statuses
    /// are then the data's own `verified` column).
    pub verification_file: Option<&'a str>,
    /// What the report must say first when its data or targets had problems
    /// ([`super::super::banner`]); empty for a clean run.
    pub banner: Vec<String>,
    pub city_years: Vec<CityYear<'a>>,
}

/// One city-year's report.
pub struct CityYear<'a> {
    /// The assessment's own model of the city-year: its roll-ups (sections 2-4) and the
    /// outcomes the benchmarking wheel is drawn from.
    pub report: CityYearReport<'a>,
    /// Section 4: the KPIs the overall score rests on.
    pub basis: Basis,
    /// Section 1: the verifiers the verification file names for this city-year, each once, in
    /// the order of the KPIs they verified (the catalogue's).
    pub verifiers: Vec<&'a str>,
    /// Section 1: the first and last date of the verifier's rows, where they give dates.
    pub dates: Option<(&'a str, &'a str)>,
    /// Section 6: each dimension, its categories and their KPIs or data points.
    pub results: Vec<DimensionResults<'a>>,
    /// Section 7: the KPIs not reported, wholly or in part.
    pub not_reported: Vec<NotReported<'a>>,
    /// Section 8: the KPIs reported with a part not verified.
    pub not_verified: Vec<NotVerified<'a>>,
    /// Section 9: the data points in the lowest bands (lowest first), each band with its
    /// data points; the KPIs not reported are [`CityYear::not_reported`].
    pub next_steps: Vec<(&'a Band, Vec<ResultRow<'a>>)>,
}

/// The KPIs a score rests on: those with a score (in any part), of those the group has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Basis {
    pub scored: usize,
    pub of: usize,
}

impl Basis {
    /// The basis of a group's score: `in_group` picks its outcomes.
    fn of(outcomes: &[Outcome], summary: &Summary, in_group: impl Fn(&Outcome) -> bool) -> Self {
        let mut scored: Vec<&str> = outcomes
            .iter()
            .filter(|o| o.score.is_some() && in_group(o))
            .map(|o| o.kpi.code.as_str())
            .collect();
        scored.dedup(); // a KPI's parts are consecutive
        Basis {
            scored: scored.len(),
            of: summary.core_defined + summary.advanced_defined,
        }
    }
}

/// Section 6: one dimension's results.
pub struct DimensionResults<'a> {
    pub dimension: Summary<'a>,
    /// The KPIs the dimension's score rests on (section 4).
    pub basis: Basis,
    pub categories: Vec<(Summary<'a>, Vec<ResultRow<'a>>)>,
}

/// One KPI, or one part of a KPI, with its result and band.
#[derive(Debug, Clone, Copy)]
pub struct ResultRow<'a> {
    pub kpi: &'a Kpi,
    pub measure: &'a Measure,
    /// The KPI's name, or `KPI: part`.
    pub name: &'a str,
    pub value: Option<f64>,
    /// Whether it counts as reported (the verifier's override, else a value).
    pub reported: bool,
    pub verified: Option<bool>,
    /// `None` where there is no score: not reported, no target, or withheld.
    pub band: Option<&'a Band>,
    /// Why a value has no score though it has a target: `--verified-only` or `--min-quality`
    /// set it aside.
    pub set_aside: Option<NotScored>,
}

/// Section 7: a KPI with parts not reported (every part, or only some).
pub struct NotReported<'a> {
    pub kpi: &'a Kpi,
    /// The parts not reported, where some of the KPI's parts are reported ("Partial -
    /// following not reported: ..."); empty where the KPI is not reported at all.
    pub missing_parts: Vec<&'a Measure>,
    /// The verifier's comments on the KPI or its parts not reported, each once.
    pub comments: Vec<&'a str>,
}

/// Section 8: a reported KPI with a reported part that is not verified.
pub struct NotVerified<'a> {
    pub kpi: &'a Kpi,
    /// Each reported part that is not verified, with why.
    pub parts: Vec<Unverified<'a>>,
}

/// A reported data point that is not verified.
pub struct Unverified<'a> {
    pub measure: &'a Measure,
    pub status: Status,
    pub comment: Option<&'a str>,
    pub evidence: Option<&'a str>,
}

/// Why a reported data point is not verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// The verifier's verdict: no, or not verifiable.
    Verdict(Verdict),
    /// No verifier's status; the data's `verified` column is not yes for each of its
    /// inputs (one says no, or some say yes and some nothing).
    DataSaysNo,
    /// Neither the verifier nor the data says.
    NoStatus,
}

impl<'a> Report<'a> {
    /// The report of every city-year of `assessment`. `data_files` and `verification_file`
    /// are named in each city-year's background (section 1).
    pub fn new(
        assessment: &'a Assessment<'a>,
        data_files: Vec<String>,
        verification_file: Option<&'a str>,
    ) -> Self {
        let scheme = &assessment.catalog.scheme;
        Report {
            scheme,
            data_files,
            verification_file,
            banner: super::super::banner(assessment),
            city_years: assessment
                .iter()
                .map(|cy| CityYear::new(cy, scheme))
                .collect(),
        }
    }
}

impl<'a> CityYear<'a> {
    fn new(report: CityYearReport<'a>, scheme: &'a Scheme) -> Self {
        let rows: Vec<ResultRow<'a>> = report.outcomes.iter().map(ResultRow::of).collect();
        let mut verifiers: Vec<&'a str> = Vec::new();
        let mut dates: Vec<&'a str> = Vec::new();
        for row in report.outcomes.iter().filter_map(|o| o.verification) {
            let row = row.row;
            if let Some(v) = row.verifier.as_deref() {
                if !verifiers.contains(&v) {
                    verifiers.push(v);
                }
            }
            dates.extend(row.date.as_deref());
        }
        // Dates are YYYY-MM-DD (the reader checks them): they sort as text.
        dates.sort_unstable();
        let results = report
            .summaries
            .iter()
            .filter(|s| s.level == Level::Dimension)
            .map(|d| DimensionResults {
                dimension: d.clone(),
                basis: Basis::of(&report.outcomes, d, |o| o.kpi.dimension == d.code),
                categories: report
                    .summaries
                    .iter()
                    .filter(|c| c.level == Level::Category && within(d.code, c.code))
                    .map(|c| {
                        let of_category = rows.iter().zip(&report.outcomes);
                        let rows = of_category
                            .filter(|(_, o)| o.category == c.code)
                            .map(|(r, _)| *r)
                            .collect();
                        (c.clone(), rows)
                    })
                    .collect(),
            })
            .collect();
        let by_kpi: Vec<&[Outcome<'a>]> = report
            .outcomes
            .chunk_by(|a, b| std::ptr::eq(a.kpi, b.kpi))
            .collect();
        let not_reported = by_kpi
            .iter()
            .filter_map(|parts| NotReported::of(parts))
            .collect();
        let not_verified = by_kpi
            .iter()
            .filter_map(|parts| NotVerified::of(parts))
            .collect();
        // The lowest bands U4SSC asks a city to work on: the two with the fewest points.
        let mut lowest: Vec<&'a Band> = scheme.bands.iter().collect();
        lowest.sort_by_key(|b| b.points);
        let next_steps = lowest
            .into_iter()
            .take(2)
            .map(|band| {
                let in_band = rows
                    .iter()
                    .filter(|r| r.band.is_some_and(|b| std::ptr::eq(b, band)))
                    .copied()
                    .collect();
                (band, in_band)
            })
            .collect();
        let basis = match report.overall() {
            Some(overall) => Basis::of(&report.outcomes, overall, |_| true),
            None => Basis { scored: 0, of: 0 },
        };
        CityYear {
            basis,
            verifiers,
            dates: dates.first().zip(dates.last()).map(|(a, b)| (*a, *b)),
            results,
            not_reported,
            not_verified,
            next_steps,
            report,
        }
    }

    /// The overall roll-up (absent only when no KPI is selected).
    pub fn overall(&self) -> Option<&Summary<'a>> {
        self.report.overall()
    }

    /// The dimensions' roll-ups.
    pub fn dimensions(&self) -> impl Iterator<Item = &Summary<'a>> {
        self.results.iter().map(|d| &d.dimension)
    }
}

fn within(parent: &str, child: &str) -> bool {
    child
        .strip_prefix(parent)
        .is_some_and(|rest| rest.starts_with(':'))
}

impl<'a> ResultRow<'a> {
    fn of(o: &Outcome<'a>) -> Self {
        ResultRow {
            kpi: o.kpi,
            measure: o.measure,
            name: o.name,
            value: o.value,
            reported: o.is_reported(),
            verified: o.verified,
            band: o.band,
            set_aside: o
                .not_scored
                .filter(|n| matches!(n, NotScored::BelowQuality(_) | NotScored::NotVerified)),
        }
    }
}

/// The verifier's comments on these outcomes, each once.
fn comments<'a, 'o>(parts: impl IntoIterator<Item = &'o Outcome<'a>>) -> Vec<&'a str>
where
    'a: 'o,
{
    let mut comments: Vec<&'a str> = Vec::new();
    for o in parts {
        let comment = o.verification.and_then(|v| v.row.comment.as_deref());
        if let Some(c) = comment.filter(|c| !comments.contains(c)) {
            comments.push(c);
        }
    }
    comments
}

impl<'a> NotReported<'a> {
    /// A KPI (its outcomes, one per part) with a part not reported.
    fn of(parts: &[Outcome<'a>]) -> Option<Self> {
        let missing: Vec<&'a Measure> = parts
            .iter()
            .filter(|o| !o.is_reported())
            .map(|o| o.measure)
            .collect();
        if missing.is_empty() {
            return None;
        }
        Some(NotReported {
            kpi: parts[0].kpi,
            missing_parts: match missing.len() == parts.len() {
                true => Vec::new(),
                false => missing,
            },
            // The comments on what is not reported: a reported part's speak of its verification.
            comments: comments(parts.iter().filter(|o| !o.is_reported())),
        })
    }

    /// Whether some of the KPI's parts are reported.
    pub fn is_partial(&self) -> bool {
        !self.missing_parts.is_empty()
    }
}

impl<'a> NotVerified<'a> {
    /// Whether the KPI has no parts (its one data point is the KPI).
    pub fn is_whole(&self) -> bool {
        self.kpi.measures.len() == 1
    }

    /// A KPI (its outcomes, one per part) with a reported part that is not verified.
    fn of(parts: &[Outcome<'a>]) -> Option<Self> {
        let unverified: Vec<Unverified<'a>> = parts
            .iter()
            .filter(|o| o.is_reported() && o.verified != Some(true))
            .map(|o| {
                let row = o.verification.map(|v| v.row);
                Unverified {
                    measure: o.measure,
                    status: match (row.and_then(|r| r.verdict), o.verified) {
                        (Some(verdict), _) => Status::Verdict(verdict),
                        (None, Some(false)) => Status::DataSaysNo,
                        (None, _) => Status::NoStatus,
                    },
                    comment: row.and_then(|r| r.comment.as_deref()),
                    evidence: row.and_then(|r| r.evidence.as_deref()),
                }
            })
            .collect();
        (!unverified.is_empty()).then(|| NotVerified {
            kpi: parts[0].kpi,
            parts: unverified,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_category_is_within_its_dimension_only() {
        assert!(within("EC", "EC:ICT:ICT"));
        assert!(!within("EC", "ECO:ICT:ICT"));
        assert!(!within("EC", "EC"));
    }
}
