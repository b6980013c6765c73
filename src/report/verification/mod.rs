//! The U4SSC verification report (`citykpi report verification`): per city-year, the nine
//! sections of the verification reports ITU publishes (background; KPI and data-point
//! reporting and verification summaries; the benchmark wheel; the scoring method; the results
//! per dimension; the KPIs not reported, not verified; next steps), as an HTML page that
//! prints on A4, Markdown or JSON.
//!
//! The content is decided once in [`model`]; the three renderers only format it, and share
//! the headings and the sentences made here from the catalogue's bands.

mod html;
mod json;
mod markdown;
pub mod model;

use std::io::Write;

use crate::catalog::Scheme;
use crate::error::WriteError;
use crate::scoring::NotScored;
use model::{Report, Status};

pub use model::Report as VerificationReport;

/// The verification report's formats.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, strum::EnumIter, strum::IntoStaticStr, strum::EnumString,
)]
#[strum(serialize_all = "lowercase")]
pub enum Format {
    /// One self-contained page that prints on A4.
    Html,
    /// Markdown, for documents and pull requests.
    Markdown,
    /// JSON with a stable shape.
    Json,
}

/// Render the report in `format`.
pub fn render(format: Format, report: &Report, out: &mut dyn Write) -> Result<(), WriteError> {
    match format {
        Format::Html => html::render(report, out),
        Format::Markdown => markdown::render(report, out),
        Format::Json => json::render(report, out),
    }
}

/// The nine sections' headings, as the published reports title them.
pub const SECTIONS: [&str; 9] = [
    "Introduction and verification background",
    "KPI reporting and verification summary",
    "KPI data points reporting and verification summary",
    "City performance benchmark",
    "Benchmarks and scoring methodology",
    "Verification results",
    "KPIs not reported",
    "KPIs not verified",
    "Next steps",
];

/// The heading of section `n` (1 to 9): `3. KPI data points reporting and verification summary`.
fn heading(n: usize) -> String {
    format!("{n}. {}", SECTIONS[n - 1])
}

/// What section 8 says when every reported KPI is verified.
pub const ALL_VERIFIED: &str = "All reported KPIs were verified.";

/// Section 1's opening sentence.
const INTRODUCTION: &str = "A U4SSC assessment has two halves: the city collects and reports its data for the U4SSC key performance indicators, and an independent verifier checks every KPI and data point. This report follows the sections of the verification reports ITU publishes.";

/// Section 1's line where no verification file was given.
const NO_VERIFICATION: &str = "none given: no verification was recorded; the verified statuses below are the city's own, from the data's verified column";

/// Section 5: the scoring method in a few sentences, its numbers from the catalogue's bands.
fn method(scheme: &Scheme) -> Vec<String> {
    let points = |n: u8| match n {
        1 => "1 point".to_string(),
        n => format!("{n} points"),
    };
    let mut bands: Vec<_> = scheme.bands.iter().collect();
    bands.sort_by_key(|b| b.points);
    let bands: Vec<String> = bands
        .iter()
        .map(|b| format!("{}: {}", b.label, points(b.points)))
        .collect();
    vec![
        format!(
            "Each KPI, or each data point of a KPI with parts, is scored against its target: the share of the target achieved (value / target where higher is better, target / value where lower is better), capped at 100 %, earns points by band ({}).",
            bands.join("; ")
        ),
        format!(
            "A yes/no KPI earns {} for yes, {} for partial and {} for no.",
            points(scheme.yes_points),
            points(scheme.partial_points),
            points(scheme.no_points)
        ),
        format!(
            "Each category, sub-dimension and dimension sums the points of its scored KPIs and data points as a percentage of the points possible ({} each) and is banded the same way.",
            points(scheme.max_points())
        ),
        "KPIs and data points not reported, or with no target (no benchmark), or set aside by --verified-only or --min-quality (the result says which), are left out of the score and shown as N/A: read each score beside the number of KPIs it rests on. Targets are the catalogue's defaults (a published source, or citykpi's own choice where none is published) unless a targets file gives the city's own.".to_string(),
    ]
}

/// Why a reported data point is not verified, in words.
fn status_text(status: Status) -> &'static str {
    match status {
        Status::Verdict(crate::scoring::Verdict::NotVerifiable) => "not verifiable",
        Status::Verdict(_) => "not verified (the verifier says no)",
        Status::DataSaysNo => {
            "not verified (the data's verified column is not yes for every input)"
        }
        Status::NoStatus => "no verification status",
    }
}

/// The verification dates as one text: `2021-09-30`, or `2021-09-30 to 2021-10-02`.
fn dates_text(dates: Option<(&str, &str)>) -> String {
    match dates {
        None => "not recorded".into(),
        Some((first, last)) if first == last => first.into(),
        Some((first, last)) => format!("{first} to {last}"),
    }
}

/// The verifiers as one text, or `not recorded`.
fn verifiers_text(verifiers: &[&str]) -> String {
    match verifiers.is_empty() {
        true => "not recorded".into(),
        false => verifiers.join(", "),
    }
}

/// A result with its unit, or `not reported`; where the verifier's `reported` override
/// disagrees with the data, it says so.
fn result_text(r: &model::ResultRow) -> String {
    let value = super::display_value(r.measure, r.value);
    let with_unit = match r.measure.is_yes_no() {
        true => value,
        false => format!("{value} {}", r.measure.unit),
    };
    match (r.value, r.reported) {
        (Some(_), true) => match set_aside_text(r.set_aside) {
            Some(why) => format!("{with_unit} ({why})"),
            None => with_unit,
        },
        (Some(_), false) => format!("{with_unit} (not reported, per the verifier)"),
        (None, true) => "no value (reported, per the verifier)".into(),
        (None, false) => "not reported".into(),
    }
}

/// Why a value with a target has no score, in words.
fn set_aside_text(why: Option<NotScored>) -> Option<&'static str> {
    match why? {
        NotScored::NotVerified => Some("not verified: set aside by --verified-only"),
        NotScored::BelowQuality(_) => {
            Some("below the minimum data quality: set aside by --min-quality")
        }
        _ => None,
    }
}

/// `from 3 of 91 KPIs`: what a score rests on.
fn basis_text(basis: model::Basis) -> String {
    format!("from {} of {} KPIs", basis.scored, basis.of)
}

/// A part's name for the lists: its own name, else its key.
fn part_name(measure: &crate::catalog::Measure) -> &str {
    measure.part_name.as_deref().unwrap_or(&measure.key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{Band, Plausibility};

    #[test]
    fn the_method_takes_its_numbers_from_the_bands() {
        let band = |from: f64, points: u8, label: &str| Band {
            from,
            points,
            label: label.into(),
            colour: "red".into(),
        };
        let scheme = Scheme {
            bands: vec![band(50.0, 5, "half or more"), band(0.0, 1, "under half")],
            yes_points: 5,
            partial_points: 3,
            no_points: 1,
            plausibility: Plausibility::default(),
        };
        let text = method(&scheme).join(" ");
        assert!(
            text.contains("(under half: 1 point; half or more: 5 points)"),
            "{text}"
        );
        assert!(
            text.contains("5 points for yes, 3 points for partial and 1 point for no"),
            "{text}"
        );
        assert!(text.contains("points possible (5 points each)"), "{text}");
    }

    #[test]
    fn dates_read_as_one_day_or_a_span() {
        assert_eq!(dates_text(None), "not recorded");
        assert_eq!(dates_text(Some(("2021-09-30", "2021-09-30"))), "2021-09-30");
        assert_eq!(
            dates_text(Some(("2021-09-30", "2021-10-02"))),
            "2021-09-30 to 2021-10-02"
        );
    }
}
