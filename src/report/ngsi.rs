//! NGSI-LD: each value as a Smart Data Models `KeyPerformanceIndicator` entity, for a
//! city's context broker (FIWARE Orion-LD, Scorpio, Stellio).
//!
//! One entity per city, year and measure (a KPI, or one part of a KPI) that has a value,
//! built from the [`KpiRow`] every tabular format writes. The output is one JSON array, the
//! body of `POST /ngsi-ld/v1/entityOperations/upsert`, written city-year by city-year as it
//! is scored with one entity a line (`sed '1d;$d;s/,$//'` makes it NDJSON).
//!
//! The model's own attributes carry what they can: `kpiValue`, `calculationFormula`,
//! `calculationPeriod` (the year), `currentStanding` (from the band, [`standing`]),
//! `businessTarget`, `organization` (the city), `category`, `process` (the U4SSC dimension,
//! sub-dimension and category by name), `dateModified`. The
//! U4SSC code, part, tier, dimension, unit and band, which the model has no attribute for,
//! go in properties named `u4ssc…`.

use std::io::Write;

use serde_json::{json, Value};

use super::row::KpiRow;
use super::{display_number, in_order};
use crate::catalog::{Band, Catalog, MeasureKind, Scheme};
use crate::error::WriteError;
use crate::scoring::{Assessment, CityYearReport, Outcome};

/// The `@context` of every entity: the NGSI-LD core context and the model's own.
pub const CONTEXT: [&str; 2] = [
    "https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context.jsonld",
    "https://raw.githubusercontent.com/smart-data-models/dataModel.KeyPerformanceIndicator/master/context.jsonld",
];

/// The entity type.
pub const TYPE: &str = "KeyPerformanceIndicator";

/// The model's values of `currentStanding`, best first: the scheme's bands, highest first,
/// take them in order (`95%+` veryGood, `66-95%` good, `33-66%` fair, `less than 33%` bad;
/// with four U4SSC bands, veryBad is never given).
pub const STANDINGS: [&str; 5] = ["veryGood", "good", "fair", "bad", "veryBad"];

/// City-years rendered at a time, shared among the threads.
const IN_FLIGHT: usize = 64;

/// The two NGSI-LD representations of an entity.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    strum::EnumIter,
    strum::IntoStaticStr,
    strum::EnumString,
)]
#[strum(serialize_all = "kebab-case")]
pub enum NgsiForm {
    /// Every attribute as `{"type": "Property", "value": …}`.
    #[default]
    Normalized,
    /// Every attribute as its bare value (`options=keyValues`).
    KeyValues,
}

/// Write the assessment's entities as one JSON array, one entity a line.
pub fn render(
    assessment: &Assessment,
    form: NgsiForm,
    threads: usize,
    out: &mut dyn Write,
) -> Result<(), WriteError> {
    let modified = timestamp(std::time::SystemTime::now());
    let mut first = true;
    out.write_all(b"[")?;
    in_order(
        assessment.len(),
        IN_FLIGHT,
        threads,
        |rows| {
            let mut text = Vec::new();
            for i in rows {
                let city_year = assessment.city_year(i);
                for o in city_year.outcomes.iter().filter(|o| o.value.is_some()) {
                    text.extend_from_slice(b",\n");
                    let entity = entity(&city_year, o, assessment.catalog, &modified, form);
                    serde_json::to_writer(&mut text, &entity)?;
                }
            }
            Ok(text)
        },
        |text| {
            // Each entity comes as `,\n{…}`: the array's first has no comma before it.
            let text = match (first, text.is_empty()) {
                (_, true) => return Ok(()),
                (true, false) => &text[1..],
                (false, false) => &text[..],
            };
            first = false;
            Ok(out.write_all(text)?)
        },
    )?;
    out.write_all(if first { b"]\n" } else { b"\n]\n" })?;
    Ok(())
}

/// One entity, its attributes in a fixed order: `id`, `type`, the model's attributes,
/// the `u4ssc…` ones, `@context`.
pub fn entity(
    city_year: &CityYearReport,
    o: &Outcome,
    catalog: &Catalog,
    modified: &str,
    form: NgsiForm,
) -> Entity {
    let row = KpiRow::new(city_year, o);
    let year = city_year.year;
    let mut attributes: Vec<(&'static str, Value)> = vec![
        ("name", json!(row.name)),
        ("description", json!(o.kpi.description)),
        ("kpiValue", json!(row.value.map(|v| super::round(v, 6)))),
        ("calculationFormula", json!(o.measure.formula.text)),
        ("calculationMethod", json!(method(&row.status))),
        ("calculationFrequency", json!("yearly")),
        (
            "calculationPeriod",
            json!({"from": format!("{year:04}-01-01"), "to": format!("{year:04}-12-31")}),
        ),
    ];
    if let Some(standing) = o.band.and_then(|b| standing(&catalog.scheme, b)) {
        attributes.push(("currentStanding", json!(standing)));
    }
    if let Some(target) = business_target(&row, o) {
        attributes.push(("businessTarget", json!(target)));
    }
    attributes.extend([
        ("organization", json!(city_year.city)),
        ("category", json!([category(o.measure.kind)])),
        ("process", json!(process(catalog, o))),
    ]);
    if !row.sources.is_empty() {
        attributes.push(("source", json!(row.sources)));
    }
    let date_time = match form {
        NgsiForm::Normalized => json!({"@type": "DateTime", "@value": modified}),
        NgsiForm::KeyValues => json!(modified),
    };
    attributes.push(("dateModified", date_time));
    attributes.extend([
        ("u4sscCode", json!(row.code)),
        ("u4sscPart", json!(row.part)),
        ("u4sscTier", json!(row.tier)),
        ("u4sscDimension", json!(row.dimension)),
        ("u4sscUnit", json!(row.unit)),
        ("u4sscBand", json!(row.band)),
    ]);
    let mut entity = vec![
        ("id", json!(id(city_year.city, &row, year))),
        ("type", json!(TYPE)),
    ];
    for (name, value) in attributes.into_iter().filter(|(_, v)| !v.is_null()) {
        let value = match form {
            NgsiForm::Normalized => json!({"type": "Property", "value": value}),
            NgsiForm::KeyValues => value,
        };
        entity.push((name, value));
    }
    entity.push(("@context", json!(CONTEXT)));
    Entity(entity)
}

/// An entity's members in the order written (a JSON map here would sort them).
pub struct Entity(pub Vec<(&'static str, Value)>);

impl serde::Serialize for Entity {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(k, v)| (k, v)))
    }
}

/// `urn:ngsi-ld:KeyPerformanceIndicator:<city>:<code>:<part>:<year>`: the code's colons
/// become hyphens (`EC-ICT-ICT-4C`), a KPI without parts has part `-`, and every character
/// of city, code and part but `A-Z a-z 0-9 - . _ ~` is percent-encoded as UTF-8 bytes
/// (`São Paulo` is `S%C3%A3o%20Paulo`), so no field holds a colon.
pub fn id(city: &str, row: &KpiRow, year: i32) -> String {
    let code = urn_safe(&row.code.replace(':', "-"));
    let part = row.part.as_deref().map_or("-".into(), urn_safe);
    format!("urn:ngsi-ld:{TYPE}:{}:{code}:{part}:{year}", urn_safe(city))
}

/// `text` with every byte outside `A-Z a-z 0-9 - . _ ~` percent-encoded.
fn urn_safe(text: &str) -> String {
    let mut safe = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            safe.push(byte as char);
        } else {
            safe.push_str(&format!("%{byte:02X}"));
        }
    }
    safe
}

/// The model's standing for a band: by the band's place in the scheme, highest first.
pub fn standing(scheme: &Scheme, band: &Band) -> Option<&'static str> {
    let place = scheme.bands.iter().position(|b| b.label == band.label)?;
    Some(STANDINGS[place.min(STANDINGS.len() - 1)])
}

/// The U4SSC area the KPI evaluates, by name: `Economy / ICT / ICT Infrastructure`.
fn process(catalog: &Catalog, o: &Outcome) -> String {
    let names = &catalog.taxonomy;
    format!(
        "{} / {} / {}",
        names.name(&o.kpi.dimension),
        names.name(o.subdimension),
        names.name(o.category)
    )
}

/// A value citykpi computed from the city's inputs is `automatic`; one the city reported
/// directly is `manual`.
fn method(status: &str) -> &'static str {
    if status == "reported" {
        "manual"
    } else {
        "automatic"
    }
}

/// yes/no KPIs are `qualitative`, all others `quantitative`.
fn category(kind: MeasureKind) -> &'static str {
    if kind == MeasureKind::YesNo {
        "qualitative"
    } else {
        "quantitative"
    }
}

/// `at least 100 % by 2030 (default target)`, `yes by 2030 (default target)`, `at most 20 % by
/// 2030 (targets.csv:3: regional plan)`.
fn business_target(row: &KpiRow, o: &Outcome) -> Option<String> {
    let target = o.target?;
    let bound = match row.direction.as_ref() {
        _ if o.measure.is_yes_no() => "",
        "higher" => "at least ",
        "lower" => "at most ",
        _ => "",
    };
    let value = display_number(o.measure, target.value);
    let unit = if o.measure.is_yes_no() {
        String::new()
    } else {
        format!(" {}", row.unit)
    };
    let year = row
        .target_year
        .map_or(String::new(), |y| format!(" by {y}"));
    let origin = match (row.target_origin.as_deref(), row.target_source.as_deref()) {
        (Some("default"), None) | (None, None) => "default target".to_string(),
        (Some(origin), Some(source)) => format!("{origin}: {source}"),
        (Some(origin), None) => origin.to_string(),
        (None, Some(source)) => source.to_string(),
    };
    Some(format!("{bound}{value}{unit}{year} ({origin})"))
}

/// `2025-03-01T12:00:00Z`: a time in UTC to the second.
fn timestamp(time: std::time::SystemTime) -> String {
    let seconds = time
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs()) as i64;
    let (days, second) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
    // Days since 1970-01-01 to a civil date (H. Hinnant's `civil_from_days`).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        second / 3600,
        second / 60 % 60,
        second % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    #[test]
    fn timestamps_are_utc_dates_and_times() {
        assert_eq!(timestamp(UNIX_EPOCH), "1970-01-01T00:00:00Z");
        let leap_day = UNIX_EPOCH + Duration::from_secs(951_782_400 + 3_723);
        assert_eq!(timestamp(leap_day), "2000-02-29T01:02:03Z");
        let new_year = UNIX_EPOCH + Duration::from_secs(1_735_689_599);
        assert_eq!(timestamp(new_year), "2024-12-31T23:59:59Z");
    }

    #[test]
    fn ids_keep_only_unreserved_characters() {
        assert_eq!(urn_safe("São Paulo"), "S%C3%A3o%20Paulo");
        assert_eq!(urn_safe("a:b/c"), "a%3Ab%2Fc");
        assert_eq!(urn_safe("Vesterby-2_x.~"), "Vesterby-2_x.~");
        let row = KpiRow {
            code: "EC:ICT:ICT:4C".into(),
            part: Some("3g".into()),
            ..KpiRow::blank()
        };
        assert_eq!(
            id("Le Mans", &row, 2024),
            "urn:ngsi-ld:KeyPerformanceIndicator:Le%20Mans:EC-ICT-ICT-4C:3g:2024"
        );
        let whole = KpiRow {
            code: "EC:ICT:ICT:1C".into(),
            ..KpiRow::blank()
        };
        assert_eq!(
            id("Riverton", &whole, 2023),
            "urn:ngsi-ld:KeyPerformanceIndicator:Riverton:EC-ICT-ICT-1C:-:2023"
        );
    }

    #[test]
    fn the_scheme_bands_take_the_standings_in_order() {
        let catalog = crate::catalog::Catalog::embedded();
        let scheme = &catalog.scheme;
        let standings: Vec<_> = scheme
            .bands
            .iter()
            .map(|b| standing(scheme, b).unwrap())
            .collect();
        assert_eq!(standings, ["veryGood", "good", "fair", "bad"]);
    }
}
