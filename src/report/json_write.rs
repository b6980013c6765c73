//! The JSON report's city-years written straight into bytes, byte for byte as serde_json
//! writes [`CityYear`](super::json::CityYear) (the schema's type, which `citykpi diff` reads
//! back and the tests compare this with): no intermediate structs or strings, constant keys
//! written as they are, numbers by `zmij` and `itoa` as serde_json formats them, and the
//! columns that depend on the measure alone escaped once per chunk ([`CityYears`]). It
//! formats the model; it never computes.

use super::json::{QuestionJson, StandingJson};
use super::round;
use super::row::KpiRow;
use crate::error::WriteError;
use crate::scoring::{CityYearReport, Evidence, Outcome, Reporting, Summary, Trend};

/// JSON into a byte buffer, as serde_json's compact formatter writes it. Keys are given
/// with their quotes, colon and leading comma (`b",\"part\":"`): they are the schema's own
/// words, which need no escaping.
struct Json<'b> {
    out: &'b mut Vec<u8>,
}

impl Json<'_> {
    fn raw(&mut self, bytes: &[u8]) {
        self.out.extend_from_slice(bytes);
    }

    /// A string, escaped as serde_json escapes it: `"` and `\`, and control characters
    /// (`\b \t \n \f \r`, others as `\u00xx`).
    fn str(&mut self, text: &str) {
        let bytes = text.as_bytes();
        // Every byte is looked at (no early exit), which the compiler vectorises.
        let escape = bytes
            .iter()
            .fold(false, |e, &b| e | (b < 0x20) | (b == b'"') | (b == b'\\'));
        self.out.push(b'"');
        if escape {
            for &b in bytes {
                match b {
                    b'"' => self.raw(b"\\\""),
                    b'\\' => self.raw(b"\\\\"),
                    b'\x08' => self.raw(b"\\b"),
                    b'\t' => self.raw(b"\\t"),
                    b'\n' => self.raw(b"\\n"),
                    b'\x0c' => self.raw(b"\\f"),
                    b'\r' => self.raw(b"\\r"),
                    b if b < 0x20 => {
                        const HEX: &[u8; 16] = b"0123456789abcdef";
                        self.raw(b"\\u00");
                        self.raw(&[HEX[usize::from(b >> 4)], HEX[usize::from(b & 0xf)]]);
                    }
                    b => self.out.push(b),
                }
            }
        } else {
            self.raw(bytes);
        }
        self.out.push(b'"');
    }

    fn opt_str(&mut self, text: Option<&str>) {
        match text {
            Some(text) => self.str(text),
            None => self.raw(b"null"),
        }
    }

    /// A number as serde_json writes an `f64`: the shortest digits that read back the same
    /// (`zmij`, as serde_json formats them), `null` for NaN and infinities.
    fn f64(&mut self, value: f64) {
        if value.is_finite() {
            self.raw(zmij::Buffer::new().format_finite(value).as_bytes());
        } else {
            self.raw(b"null");
        }
    }

    fn opt_f64(&mut self, value: Option<f64>) {
        match value {
            Some(v) => self.f64(v),
            None => self.raw(b"null"),
        }
    }

    fn int<I: itoa::Integer>(&mut self, value: I) {
        self.raw(itoa::Buffer::new().format(value).as_bytes());
    }

    fn opt_int<I: itoa::Integer>(&mut self, value: Option<I>) {
        match value {
            Some(v) => self.int(v),
            None => self.raw(b"null"),
        }
    }

    fn bool(&mut self, value: bool) {
        self.raw(if value { b"true" } else { b"false" });
    }

    fn opt_bool(&mut self, value: Option<bool>) {
        match value {
            Some(v) => self.bool(v),
            None => self.raw(b"null"),
        }
    }

    /// Something rare (a question, a note map) as serde_json writes it.
    fn serde(&mut self, value: &impl serde::Serialize) -> Result<(), WriteError> {
        serde_json::to_writer(&mut *self.out, value)?;
        Ok(())
    }
}

/// Writes city-years into a chunk's text: the measure's own columns of each KPI row (from
/// `key` to `unit`) are escaped once per measure and copied after that.
pub(super) struct CityYears<'s> {
    /// `"schema_version":...,"standing":{...},` for JSON Lines records (empty in JSON).
    record_head: &'s [u8],
    measures: Vec<Vec<u8>>,
}

impl<'s> CityYears<'s> {
    /// For a JSON document's city-years.
    pub fn document() -> Self {
        CityYears {
            record_head: b"",
            measures: Vec::new(),
        }
    }

    /// For JSON Lines records: `record_head` is [`record_head`]'s text.
    pub fn records(record_head: &'s [u8]) -> Self {
        CityYears {
            record_head,
            measures: Vec::new(),
        }
    }

    /// One city-year, as serde_json writes its [`CityYear`].
    pub fn write(&mut self, out: &mut Vec<u8>, c: &CityYearReport) -> Result<(), WriteError> {
        let mut j = Json { out };
        j.raw(b"{\"city\":");
        j.str(c.city);
        j.raw(b",\"year\":");
        j.int(c.year);
        j.raw(b",");
        j.raw(self.record_head);
        j.raw(b"\"summary\":[");
        for (i, s) in c.summaries.iter().enumerate() {
            if i > 0 {
                j.raw(b",");
            }
            summary(&mut j, s);
        }
        for (key, kpis) in [
            (&b"],\"not_reported\":["[..], c.not_reported()),
            (&b"],\"not_verified\":["[..], c.not_verified()),
        ] {
            j.raw(key);
            for (i, kpi) in kpis.into_iter().enumerate() {
                if i > 0 {
                    j.raw(b",");
                }
                j.str(&kpi.code);
            }
        }
        j.raw(b"]");
        if let Some(questions) = &c.questions {
            j.raw(b",\"questions\":");
            let questions: Vec<QuestionJson> = questions.iter().map(QuestionJson::from).collect();
            j.serde(&questions)?;
        }
        j.raw(b",\"kpis\":[");
        for (i, o) in c.outcomes.iter().enumerate() {
            if i > 0 {
                j.raw(b",");
            }
            self.kpi(&mut j, c, o)?;
        }
        j.raw(b"]}");
        Ok(())
    }

    /// A KPI: its key, its [`KpiRow`]'s columns, the evidence and the progress calculation.
    fn kpi(&mut self, j: &mut Json, c: &CityYearReport, o: &Outcome) -> Result<(), WriteError> {
        let row = KpiRow::new(c, o);
        if self.measures.len() <= o.measure_index {
            self.measures.resize(o.measure_index + 1, Vec::new());
        }
        let measure = &mut self.measures[o.measure_index];
        if measure.is_empty() {
            let mut m = Json { out: measure };
            m.raw(b"{\"key\":");
            m.str(&o.measure.key);
            m.raw(b",\"code\":");
            m.str(&row.code);
            m.raw(b",\"part\":");
            m.opt_str(row.part.as_deref());
            m.raw(b",\"name\":");
            m.str(&row.name);
            m.raw(b",\"tier\":");
            m.str(&row.tier);
            m.raw(b",\"dimension\":");
            m.str(&row.dimension);
            m.raw(b",\"subdimension\":");
            m.str(&row.subdimension);
            m.raw(b",\"category\":");
            m.str(&row.category);
            m.raw(b",\"unit\":");
            m.str(&row.unit);
        }
        j.raw(measure);
        j.raw(b",\"value\":");
        j.opt_f64(row.value.map(|v| round(v, 6)));
        j.raw(b",\"display\":");
        j.str(&row.display);
        j.raw(b",\"status\":");
        j.str(&row.status);
        j.raw(b",\"note\":");
        j.str(&row.note);
        j.raw(b",\"target\":");
        j.opt_f64(row.target.map(|v| round(v, 6)));
        j.raw(b",\"target_source\":");
        j.opt_str(row.target_source.as_deref());
        j.raw(b",\"target_origin\":");
        j.opt_str(row.target_origin.as_deref());
        j.raw(b",\"target_year\":");
        j.opt_int(row.target_year);
        j.raw(b",\"direction\":");
        j.str(&row.direction);
        j.raw(b",\"achievement\":");
        j.opt_f64(row.achievement.map(|v| round(v, 2)));
        j.raw(b",\"points\":");
        j.opt_int(row.points);
        j.raw(b",\"band\":");
        j.opt_str(row.band.as_deref());
        j.raw(b",\"sources\":");
        j.str(&row.sources);
        j.raw(b",\"progress_status\":");
        j.opt_str(row.progress_status.as_deref());
        j.raw(b",\"progress_score\":");
        j.opt_f64(row.progress_score.map(|v| round(v, 2)));
        j.raw(b",\"change_since_previous\":");
        j.opt_f64(row.change_since_previous.map(|v| round(v, 6)));
        j.raw(b",\"change_since_base\":");
        j.opt_f64(row.change_since_base.map(|v| round(v, 6)));
        j.raw(b",\"quality\":");
        j.opt_int(row.quality);
        j.raw(b",\"verified\":");
        j.opt_bool(row.verified);
        j.raw(b",\"data_notes\":");
        j.str(&row.data_notes);
        j.raw(b",\"verification\":");
        j.opt_str(row.verification.as_deref());
        j.raw(b",\"verifier_reported\":");
        j.opt_bool(row.verifier_reported);
        j.raw(b",\"verifier_comment\":");
        j.opt_str(row.verifier_comment.as_deref());
        j.raw(b",\"evidence\":");
        j.opt_str(row.evidence.as_deref());
        j.raw(b",\"verifier\":");
        j.opt_str(row.verifier.as_deref());
        j.raw(b",\"verification_date\":");
        j.opt_str(row.verification_date.as_deref());
        j.raw(b",\"open_questions\":");
        j.opt_int(row.open_questions);
        j.raw(b",\"reported\":");
        match &o.reported {
            Some(e) => input(j, e)?,
            None => j.raw(b"null"),
        }
        j.raw(b",\"inputs\":[");
        for (i, e) in c.inputs(o).iter().enumerate() {
            if i > 0 {
                j.raw(b",");
            }
            input(j, e)?;
        }
        j.raw(b"],\"progress\":");
        match &o.progress {
            Some(t) => progress(j, t),
            None => j.raw(b"null"),
        }
        j.raw(b"}");
        Ok(())
    }
}

/// The text after `"year":...,` that every JSON Lines record repeats: the schema version
/// and the run's standing (without its problems).
pub(super) fn record_head(standing: &StandingJson) -> Result<Vec<u8>, WriteError> {
    let mut out = Vec::new();
    let mut j = Json { out: &mut out };
    j.raw(b"\"schema_version\":");
    j.str(super::json::SCHEMA_VERSION);
    j.raw(b",\"standing\":");
    j.serde(standing)?;
    j.raw(b",");
    Ok(out)
}

/// An input, as [`super::json::Input`] serialises: what the data does not say is left out.
fn input(j: &mut Json, e: &Evidence) -> Result<(), WriteError> {
    j.raw(b"{\"name\":");
    j.str(e.name);
    j.raw(b",\"kind\":");
    j.str(e.kind.into());
    j.raw(b",\"value\":");
    j.opt_f64(e.value.map(|v| round(v, 6)));
    j.raw(b",\"unit\":");
    j.str(e.unit);
    if let Some(source) = e.source {
        j.raw(b",\"source\":");
        j.str(source);
    }
    if let Some(file) = e.file {
        j.raw(b",\"file\":");
        j.str(file);
    }
    if let Some(line) = e.line {
        j.raw(b",\"line\":");
        j.int(line);
    }
    if let Some((unit, value)) = e.converted_from {
        j.raw(b",\"converted_from\":{\"unit\":");
        j.str(unit);
        j.raw(b",\"value\":");
        j.f64(value);
        j.raw(b"}");
    }
    if let Some(quality) = e.quality {
        j.raw(b",\"quality\":");
        j.int(quality.level());
    }
    if let Some(verified) = e.verified {
        j.raw(b",\"verified\":");
        j.bool(verified);
    }
    if !e.notes.is_empty() {
        // A map, as the schema's type holds it (a column named twice keeps its first place).
        let notes: indexmap::IndexMap<&str, &str> = e
            .notes
            .iter()
            .map(|(column, note)| (column.as_str(), note.as_str()))
            .collect();
        j.raw(b",\"notes\":");
        j.serde(&notes)?;
    }
    j.raw(b"}");
    Ok(())
}

/// The progress measure and its calculation, as [`super::json::ProgressJson`] serialises.
fn progress(j: &mut Json, t: &Trend) {
    j.raw(b"{\"status\":");
    j.str(t.progress.status.into());
    j.raw(b",\"score\":");
    j.opt_f64(t.progress.score.map(|v| round(v, 4)));
    j.raw(b",\"base_year\":");
    j.int(t.base_year);
    j.raw(b",\"base_value\":");
    j.f64(round(t.base_value, 6));
    j.raw(b",\"previous_year\":");
    j.int(t.previous.0);
    j.raw(b",\"previous_value\":");
    j.f64(round(t.previous.1, 6));
    j.raw(b",\"current_year\":");
    j.int(t.current_year);
    j.raw(b",\"current_value\":");
    j.f64(round(t.current_value, 6));
    j.raw(b",\"change_since_previous\":");
    j.f64(round(t.change_since_previous(), 6));
    j.raw(b",\"change_since_base\":");
    j.f64(round(t.change_since_base(), 6));
    j.raw(b",\"target_year\":");
    j.opt_int(t.target_year);
    j.raw(b",\"observed_growth\":");
    j.opt_f64(t.progress.observed_growth.map(|v| round(v, 6)));
    j.raw(b",\"required_growth\":");
    j.opt_f64(t.progress.required_growth.map(|v| round(v, 6)));
    j.raw(b",\"limit_factor\":");
    j.opt_f64(t.progress.limit_factor.map(|v| round(v, 6)));
    j.raw(b"}");
}

/// A roll-up, as [`super::json::SummaryJson`] serialises.
fn summary(j: &mut Json, s: &Summary) {
    j.raw(b"{\"level\":");
    j.str(s.level.into());
    j.raw(b",\"code\":");
    j.str(s.code);
    j.raw(b",\"name\":");
    j.str(s.name);
    for (key, count) in [
        (&b",\"core_defined\":"[..], s.core_defined),
        (&b",\"core_computed\":"[..], s.core_computed),
        (&b",\"advanced_defined\":"[..], s.advanced_defined),
        (&b",\"advanced_computed\":"[..], s.advanced_computed),
        (&b",\"core_verified\":"[..], s.core_verified),
        (&b",\"advanced_verified\":"[..], s.advanced_verified),
    ] {
        j.raw(key);
        j.int(count);
    }
    j.raw(b",\"kpis\":");
    reporting(j, &s.kpis);
    j.raw(b",\"data_points\":");
    reporting(j, &s.data_points);
    j.raw(b",\"scored\":");
    j.int(s.scored);
    j.raw(b",\"points\":");
    j.int(s.points);
    j.raw(b",\"max_points\":");
    j.int(s.max_points);
    j.raw(b",\"score\":");
    j.opt_f64(s.score.map(|v| round(v, 2)));
    j.raw(b",\"band\":");
    j.opt_str(s.band.map(|b| b.label.as_str()));
    j.raw(b",\"mean_achievement\":");
    j.opt_f64(s.mean_achievement.map(|v| round(v, 2)));
    j.raw(b",\"progress_score\":");
    j.opt_f64(s.progress.map(|(score, _)| round(score, 2)));
    j.raw(b",\"progress_status\":");
    j.opt_str(s.progress.map(|(_, status)| status.into()));
    j.raw(b"}");
}

fn reporting(j: &mut Json, r: &Reporting) {
    j.raw(b"{\"reported\":");
    j.int(r.reported);
    j.raw(b",\"verified\":");
    j.int(r.verified);
    j.raw(b",\"not_verified\":");
    j.int(r.not_verified);
    j.raw(b",\"not_reported\":");
    j.int(r.not_reported);
    j.raw(b"}");
}

#[cfg(test)]
mod tests {
    use super::super::json::CityYear;
    use super::*;

    /// A string with every kind of character serde_json escapes is written as it writes it.
    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        let all: String = (0u8..0x80).map(char::from).collect();
        for text in [
            "",
            "plain",
            "quote \" and \\ back",
            "ünïcødé ✓ \u{7f}",
            &all,
        ] {
            let mut out = Vec::new();
            Json { out: &mut out }.str(text);
            assert_eq!(out, serde_json::to_vec(text).unwrap(), "{text:?}");
        }
    }

    /// Numbers are written as serde_json writes them, NaN and infinities as null.
    #[test]
    fn numbers_are_written_as_serde_json_writes_them() {
        for v in [
            0.0,
            -0.0,
            1.0,
            97.1,
            1e16,
            1.5e-7,
            -123456.789,
            f64::MAX,
            f64::MIN_POSITIVE,
            f64::NAN,
            f64::INFINITY,
        ] {
            let mut out = Vec::new();
            Json { out: &mut out }.f64(v);
            assert_eq!(out, serde_json::to_vec(&v).unwrap(), "{v}");
        }
    }

    /// Every city-year of a run with targets, a verification file, a questions log, notes,
    /// converted units, progress and text that needs escaping is written byte for byte as
    /// serde_json writes the schema's [`CityYear`], as a document's element and as a record.
    #[test]
    fn city_years_are_written_as_serde_json_writes_the_schema_type() {
        use crate::catalog::Catalog;
        use crate::dataset::{self, Filter, Input, Questions, Targets, TextOptions, Verification};
        use crate::scoring::{Assessment, Standing};
        use std::path::Path;

        let catalog = Catalog::embedded();
        let options = TextOptions::default();
        let mut inputs: Vec<Input> = [
            "sample-data/vesterby.csv",
            "tests/fixtures/vreport-data.csv",
            "tests/fixtures/sql-units.csv",
        ]
        .iter()
        .map(|path| Input::Bytes((*path).into(), std::fs::read(path).unwrap()))
        .collect();
        let odd = "city,year,variable,value,unit,source,comment,evidence\n\
                   \"Q\"\"uote\\City\",2024,population,1000,inhabitants,\"tab\there, \"\"q\"\"\",\
                   \"a \u{1} b\",see ✓\n\
                   \"Q\"\"uote\\City\",2024,households,400,,,n,\n";
        inputs.push(Input::Bytes("odd.csv".into(), odd.as_bytes().to_vec()));
        let loaded = dataset::load(&catalog, &inputs, Filter::default(), options);
        let targets =
            Targets::from_path(&catalog, Path::new("sample-data/targets.csv"), &options).unwrap();
        let verification = Verification::from_path(
            &catalog,
            Path::new("tests/fixtures/verification.csv"),
            &options,
        )
        .unwrap();
        let questions = Questions::from_path(
            &catalog,
            Path::new("tests/fixtures/questions.csv"),
            &options,
        )
        .unwrap();
        let results = crate::engine::evaluate(&catalog, &loaded.dataset).unwrap();
        let standing = Standing::new([&loaded.problems], "citykpi check data x.csv".into());
        let assessment = Assessment::new(&catalog, &results, Some(&targets), None)
            .with_verification(Some(&verification))
            .with_questions(Some(&questions))
            .with_standing(standing);
        let head = record_head(&StandingJson::new(assessment.standing(), false)).unwrap();
        let (mut notes, mut converted, mut progress) = (false, false, false);
        assert!(assessment.len() >= 5);
        for c in assessment.iter() {
            for e in &c.evidence {
                notes |= !e.notes.is_empty();
                converted |= e.converted_from.is_some();
            }
            progress |= c.outcomes.iter().any(|o| o.progress.is_some());
            for record in [false, true] {
                let mut written = Vec::new();
                let mut years = if record {
                    CityYears::records(&head)
                } else {
                    CityYears::document()
                };
                years.write(&mut written, &c).unwrap();
                let mut expected = CityYear::from_report(&c);
                if record {
                    expected.schema_version = Some(super::super::json::SCHEMA_VERSION.into());
                    expected.standing = Some(StandingJson::new(assessment.standing(), false));
                }
                let expected = serde_json::to_vec(&expected).unwrap();
                assert!(
                    written == expected,
                    "{}\n{}",
                    String::from_utf8_lossy(&written),
                    String::from_utf8_lossy(&expected)
                );
            }
        }
        assert!(
            notes && converted && progress,
            "{notes} {converted} {progress}"
        );
    }
}
