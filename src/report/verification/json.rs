//! The verification report as JSON: one document with the run's files and scoring method and,
//! per city-year, the nine sections as keys in the report's order (`background`, `kpis`,
//! `data_points`, `benchmark`, `results`, `not_reported`, `not_verified`, `all_verified`,
//! `next_steps`, and `open_questions` with a questions log; the
//! method is the document's). Keys keep this order; the README documents the shape. It
//! formats the model; it never computes.

use std::io::Write;

use serde::Serialize;

use super::model::{Basis, CityYear, Report, ResultRow};
use super::{method, part_name, status_text, ALL_VERIFIED, SECTIONS};
use crate::catalog::Band;
use crate::error::WriteError;
use crate::report::{display_value, round};
use crate::scoring::{Reporting, Summary};

#[derive(Serialize)]
struct Document<'a> {
    /// `u4ssc-verification-report`.
    report: &'static str,
    tool: &'static str,
    version: &'static str,
    sections: [&'static str; 9],
    data_files: &'a [String],
    verification_file: Option<&'a str>,
    warnings: &'a [String],
    method: Method<'a>,
    city_years: Vec<CityYearJson<'a>>,
}

#[derive(Serialize)]
struct Method<'a> {
    /// Lowest first.
    bands: Vec<BandJson<'a>>,
    yes_no: YesNo,
    text: Vec<String>,
}

#[derive(Serialize)]
struct BandJson<'a> {
    label: &'a str,
    from: f64,
    points: u8,
}

#[derive(Serialize)]
struct YesNo {
    yes: u8,
    partial: u8,
    no: u8,
}

#[derive(Serialize)]
struct CityYearJson<'a> {
    city: &'a str,
    year: i32,
    background: Background<'a>,
    kpis: Counts<'a>,
    data_points: Counts<'a>,
    benchmark: Benchmark<'a>,
    results: Vec<DimensionJson<'a>>,
    not_reported: Vec<NotReportedJson<'a>>,
    not_verified: Vec<NotVerifiedJson<'a>>,
    /// `All reported KPIs were verified.`, or null where some are not.
    all_verified: Option<&'static str>,
    next_steps: NextSteps<'a>,
    /// The open questions to the city (a questions log), in file order; absent without a log.
    #[serde(skip_serializing_if = "Option::is_none")]
    open_questions: Option<Vec<OpenQuestion<'a>>>,
}

#[derive(Serialize)]
struct OpenQuestion<'a> {
    kpi: &'a str,
    question: &'a str,
    asked: Option<&'a str>,
    file: &'a str,
    line: usize,
}

#[derive(Serialize)]
struct Background<'a> {
    verifiers: &'a [&'a str],
    first_date: Option<&'a str>,
    last_date: Option<&'a str>,
}

#[derive(Serialize)]
struct Counts<'a> {
    overall: Option<Reporting>,
    dimensions: Vec<Counted<'a>>,
}

#[derive(Serialize)]
struct Counted<'a> {
    code: &'a str,
    name: &'a str,
    #[serde(flatten)]
    counts: Reporting,
}

#[derive(Serialize)]
struct Score<'a> {
    code: &'a str,
    name: &'a str,
    score: Option<f64>,
    band: Option<&'a str>,
    points: u32,
    max_points: u32,
    /// The KPIs the score rests on (with a score in any part), of those the group has;
    /// overall and per dimension.
    #[serde(skip_serializing_if = "Option::is_none")]
    kpis_scored: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    kpis: Option<usize>,
}

#[derive(Serialize)]
struct Benchmark<'a> {
    overall: Option<Score<'a>>,
    dimensions: Vec<Score<'a>>,
    categories: Vec<Score<'a>>,
}

#[derive(Serialize)]
struct DimensionJson<'a> {
    code: &'a str,
    name: &'a str,
    categories: Vec<CategoryJson<'a>>,
}

#[derive(Serialize)]
struct CategoryJson<'a> {
    code: &'a str,
    name: &'a str,
    rows: Vec<Row<'a>>,
}

#[derive(Serialize)]
struct Row<'a> {
    key: &'a str,
    name: &'a str,
    value: Option<f64>,
    /// The value as the other formats print it (`yes`, `97.10`), empty without one.
    display: String,
    unit: &'a str,
    reported: bool,
    verified: Option<bool>,
    /// The band's label; null for N/A (not reported, or no score).
    band: Option<&'a str>,
    points: Option<u8>,
    /// Why a value with a target has no score (`--verified-only`, `--min-quality`); null else.
    set_aside: Option<&'static str>,
}

#[derive(Serialize)]
struct NotReportedJson<'a> {
    code: &'a str,
    name: &'a str,
    partial: bool,
    /// The parts not reported, where some parts are reported.
    missing_parts: Vec<Part<'a>>,
    comments: &'a [&'a str],
}

#[derive(Serialize)]
struct Part<'a> {
    key: &'a str,
    name: &'a str,
}

#[derive(Serialize)]
struct NotVerifiedJson<'a> {
    code: &'a str,
    name: &'a str,
    parts: Vec<UnverifiedJson<'a>>,
}

#[derive(Serialize)]
struct UnverifiedJson<'a> {
    key: &'a str,
    /// `not verifiable`, `not verified (the verifier says no)`, ...
    status: &'static str,
    comment: Option<&'a str>,
    evidence: Option<&'a str>,
}

#[derive(Serialize)]
struct NextSteps<'a> {
    bands: Vec<StepBand<'a>>,
    not_reported: Vec<NextPart<'a>>,
}

/// A KPI not reported, wholly or (`partial`) in some of its parts.
#[derive(Serialize)]
struct NextPart<'a> {
    key: &'a str,
    name: &'a str,
    partial: bool,
}

#[derive(Serialize)]
struct StepBand<'a> {
    band: &'a str,
    points: u8,
    rows: Vec<Row<'a>>,
}

pub(super) fn render(report: &Report, out: &mut dyn Write) -> Result<(), WriteError> {
    let scheme = report.scheme;
    let mut bands: Vec<&Band> = scheme.bands.iter().collect();
    bands.sort_by_key(|b| b.points);
    let document = Document {
        report: "u4ssc-verification-report",
        tool: "citykpi",
        version: env!("CARGO_PKG_VERSION"),
        sections: SECTIONS,
        data_files: &report.data_files,
        verification_file: report.verification_file,
        warnings: &report.banner,
        method: Method {
            bands: bands
                .iter()
                .map(|b| BandJson {
                    label: &b.label,
                    from: b.from,
                    points: b.points,
                })
                .collect(),
            yes_no: YesNo {
                yes: scheme.yes_points,
                partial: scheme.partial_points,
                no: scheme.no_points,
            },
            text: method(scheme),
        },
        city_years: report.city_years.iter().map(city_year).collect(),
    };
    serde_json::to_writer_pretty(&mut *out, &document).map_err(std::io::Error::from)?;
    writeln!(out)?;
    Ok(())
}

fn city_year<'a>(cy: &'a CityYear<'a>) -> CityYearJson<'a> {
    let counts = |of: fn(&Summary) -> Reporting| Counts {
        overall: cy.overall().map(of),
        dimensions: cy
            .dimensions()
            .map(|d| Counted {
                code: d.code,
                name: d.name,
                counts: of(d),
            })
            .collect(),
    };
    CityYearJson {
        city: cy.report.city,
        year: cy.report.year,
        background: Background {
            verifiers: &cy.verifiers,
            first_date: cy.dates.map(|d| d.0),
            last_date: cy.dates.map(|d| d.1),
        },
        kpis: counts(|s| s.kpis),
        data_points: counts(|s| s.data_points),
        benchmark: benchmark(cy),
        results: results(cy),
        not_reported: not_reported(cy),
        not_verified: not_verified(cy),
        all_verified: cy.not_verified.is_empty().then_some(ALL_VERIFIED),
        next_steps: next_steps(cy),
        open_questions: open_questions(cy),
    }
}

/// Section 4: the overall, dimension and category scores.
fn benchmark<'a>(cy: &'a CityYear<'a>) -> Benchmark<'a> {
    Benchmark {
        overall: cy.overall().map(|s| score(s, Some(cy.basis))),
        dimensions: cy
            .results
            .iter()
            .map(|d| score(&d.dimension, Some(d.basis)))
            .collect(),
        categories: cy
            .results
            .iter()
            .flat_map(|d| d.categories.iter().map(|(c, _)| score(c, None)))
            .collect(),
    }
}

/// Section 6: each dimension's categories and their rows.
fn results<'a>(cy: &'a CityYear<'a>) -> Vec<DimensionJson<'a>> {
    cy.results
        .iter()
        .map(|d| DimensionJson {
            code: d.dimension.code,
            name: d.dimension.name,
            categories: d
                .categories
                .iter()
                .map(|(c, rows)| CategoryJson {
                    code: c.code,
                    name: c.name,
                    rows: rows.iter().map(row).collect(),
                })
                .collect(),
        })
        .collect()
}

/// Section 7: the KPIs not reported, wholly or in part.
fn not_reported<'a>(cy: &'a CityYear<'a>) -> Vec<NotReportedJson<'a>> {
    cy.not_reported
        .iter()
        .map(|m| NotReportedJson {
            code: &m.kpi.code,
            name: &m.kpi.name,
            partial: m.is_partial(),
            missing_parts: m
                .missing_parts
                .iter()
                .map(|p| Part {
                    key: &p.key,
                    name: part_name(p),
                })
                .collect(),
            comments: &m.comments,
        })
        .collect()
}

/// Section 8: the KPIs with a reported part not verified.
fn not_verified<'a>(cy: &'a CityYear<'a>) -> Vec<NotVerifiedJson<'a>> {
    cy.not_verified
        .iter()
        .map(|m| NotVerifiedJson {
            code: &m.kpi.code,
            name: &m.kpi.name,
            parts: m
                .parts
                .iter()
                .map(|p| UnverifiedJson {
                    key: &p.measure.key,
                    status: status_text(p.status),
                    comment: p.comment,
                    evidence: p.evidence,
                })
                .collect(),
        })
        .collect()
}

/// Section 9: the lowest bands and the KPIs not reported.
fn next_steps<'a>(cy: &'a CityYear<'a>) -> NextSteps<'a> {
    NextSteps {
        bands: cy
            .next_steps
            .iter()
            .map(|(band, rows)| StepBand {
                band: &band.label,
                points: band.points,
                rows: rows.iter().map(row).collect(),
            })
            .collect(),
        not_reported: cy
            .not_reported
            .iter()
            .map(|m| NextPart {
                key: &m.kpi.code,
                name: &m.kpi.name,
                partial: m.is_partial(),
            })
            .collect(),
    }
}

/// The open questions to the city, with a questions log.
fn open_questions<'a>(cy: &'a CityYear<'a>) -> Option<Vec<OpenQuestion<'a>>> {
    cy.report.questions.as_ref().map(|_| {
        (cy.report.open_questions())
            .map(|a| OpenQuestion {
                kpi: &a.question.kpi,
                question: &a.question.question,
                asked: a.question.asked.as_deref(),
                file: a.file,
                line: a.question.line,
            })
            .collect()
    })
}

fn score<'a>(s: &'a Summary<'a>, basis: Option<Basis>) -> Score<'a> {
    Score {
        kpis_scored: basis.map(|b| b.scored),
        kpis: basis.map(|b| b.of),
        code: s.code,
        name: s.name,
        score: s.score.map(|v| round(v, 6)),
        band: s.band.map(|b| b.label.as_str()),
        points: s.points,
        max_points: s.max_points,
    }
}

fn row<'a>(r: &ResultRow<'a>) -> Row<'a> {
    Row {
        key: &r.measure.key,
        name: r.name,
        value: r.value.map(|v| round(v, 6)),
        display: display_value(r.measure, r.value),
        unit: &r.measure.unit,
        reported: r.reported,
        verified: r.verified,
        band: r.band.map(|b| b.label.as_str()),
        points: r.band.map(|b| b.points),
        set_aside: super::set_aside_text(r.set_aside),
    }
}
