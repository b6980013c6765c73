//! The catalogue: every variable, KPI and scoring rule, read from TOML and validated.
//!
//! Definitions are read in two phases: `raw` serde structs that reject unknown
//! keys, then [`Catalog::from_files`], which collects every problem it finds
//! (with file and line) before it fails, and yields types the engine can
//! trust: every formula compiles, reads only known names, and the KPIs that
//! read other KPIs come after them. Nothing about a particular KPI lives in
//! Rust; it all comes from the files.

mod graph;
mod raw;

pub use graph::Graph;

use std::collections::{HashMap, HashSet};
use std::path::Path;

use include_dir::{include_dir, Dir};
use serde::{Deserialize, Serialize};

use crate::diagnostic::{closest, Problem, ProblemCode, Problems};
use crate::formula::{id_for_code, Formula};

static EMBEDDED: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/kpi-definitions");

/// What kind of quantity a variable holds; it sets the default valid range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Count,
    Amount,
    Percent,
    Ratio,
    Boolean,
}

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Deserialize,
    Serialize,
    strum::Display,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::EnumIter,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum Tier {
    Core,
    Advanced,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, strum::Display, strum::IntoStaticStr,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum Direction {
    Higher,
    Lower,
    None,
}

/// An input a city collects.
#[derive(Debug, Clone, Serialize)]
pub struct Variable {
    pub id: String,
    pub description: String,
    pub unit: String,
    pub kind: Kind,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub part_of: Option<String>,
}

impl Variable {
    /// The valid range, from the definition or the kind's default.
    pub fn range(&self) -> (f64, f64) {
        let (min, max) = match self.kind {
            Kind::Percent => (0.0, 100.0),
            Kind::Boolean => (0.0, 1.0),
            Kind::Count | Kind::Amount | Kind::Ratio => (0.0, f64::INFINITY),
        };
        (self.min.unwrap_or(min), self.max.unwrap_or(max))
    }

    /// The range as a person reads it: `0 to 100`, `>= 0`, `yes/no`.
    pub fn range_text(&self) -> String {
        if self.kind == Kind::Boolean {
            return "yes/no".into();
        }
        match self.range() {
            (min, max) if max.is_infinite() => format!(">= {min}"),
            (min, max) => format!("{min} to {max}"),
        }
    }
}

/// One dimension, sub-dimension or category of the U4SSC structure.
#[derive(Debug, Clone, Serialize)]
pub struct Group {
    /// The code path: `EC`, `EC:ICT`, `EC:ICT:ICT`.
    pub code: String,
    pub name: String,
}

/// The U4SSC structure, in the order of `taxonomy.toml`.
#[derive(Debug, Clone, Default)]
pub struct Taxonomy {
    pub dimensions: Vec<Group>,
    pub subdimensions: Vec<Group>,
    pub categories: Vec<Group>,
}

impl Taxonomy {
    pub fn name(&self, code: &str) -> String {
        self.dimensions
            .iter()
            .chain(&self.subdimensions)
            .chain(&self.categories)
            .find(|g| g.code == code)
            .map_or(code, |g| g.name.as_str())
            .to_string()
    }

    fn position(&self, code: &str) -> usize {
        [&self.dimensions, &self.subdimensions, &self.categories]
            .iter()
            .find_map(|groups| groups.iter().position(|g| g.code == code))
            .unwrap_or(usize::MAX)
    }
}

/// A band of the scoring scheme.
#[derive(Debug, Clone, Serialize)]
pub struct Band {
    pub from: f64,
    pub points: u8,
    pub label: String,
    pub colour: String,
}

/// The U4SSC scoring scheme from `scoring.toml`.
#[derive(Debug, Clone)]
pub struct Scheme {
    /// Highest first.
    pub bands: Vec<Band>,
    pub yes_points: u8,
    pub partial_points: u8,
    pub no_points: u8,
}

impl Scheme {
    pub fn band_for(&self, percent: f64) -> &Band {
        self.bands
            .iter()
            .find(|b| percent >= b.from)
            .unwrap_or_else(|| self.bands.last().expect("validated: at least one band"))
    }

    pub fn band_with_points(&self, points: u8) -> Option<&Band> {
        self.bands.iter().find(|b| b.points == points)
    }

    pub fn max_points(&self) -> u8 {
        self.bands.iter().map(|b| b.points).max().unwrap_or(0)
    }
}

/// One scored and reported data point: a KPI, or one part of a KPI with parts.
#[derive(Debug, Clone)]
pub struct Measure {
    /// `EC:ICT:ICT:4C` or `EC:ICT:ICT:4C/3g`.
    pub key: String,
    /// The column name in formulas: `ec_ict_ict_4c_3g`.
    pub id: String,
    pub part: Option<String>,
    pub part_name: Option<String>,
    pub formula: Formula,
    pub unit: String,
    pub direction: Direction,
    pub target: Option<f64>,
    pub reference: Option<f64>,
    /// False where the definition says the KPI is never scored.
    pub scorable: bool,
}

impl Measure {
    pub fn is_yes_no(&self) -> bool {
        self.unit == "yes/no"
    }
}

/// A KPI of the catalogue.
#[derive(Debug, Clone)]
pub struct Kpi {
    pub code: String,
    pub id: String,
    pub name: String,
    pub tier: Tier,
    pub dimension: String,
    pub subdimension: String,
    pub category: String,
    pub unit: String,
    pub direction: Direction,
    pub target: Option<f64>,
    pub sdg: Vec<String>,
    pub description: String,
    pub notes: Option<String>,
    pub file: String,
    /// The line of `code` in the file.
    pub line: usize,
    pub measures: Vec<Measure>,
}

impl Kpi {
    pub fn subdimension_code(&self) -> String {
        format!("{}:{}", self.dimension, self.subdimension)
    }

    pub fn category_code(&self) -> String {
        format!("{}:{}:{}", self.dimension, self.subdimension, self.category)
    }
}

/// A definition file: its path as shown to the user, and its text.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: String,
    pub text: String,
}

/// Where the definitions come from.
#[derive(Debug, Clone)]
pub enum Definitions<'a> {
    Embedded,
    Dir(&'a Path),
}

/// The validated catalogue.
#[derive(Debug, Clone)]
pub struct Catalog {
    pub variables: Vec<Variable>,
    /// In U4SSC order: dimension, sub-dimension, category, number.
    pub kpis: Vec<Kpi>,
    pub taxonomy: Taxonomy,
    pub scheme: Scheme,
    /// Problems that did not stop loading (unused variables, ...).
    pub warnings: Problems,
}

const TAXONOMY: &str = "taxonomy.toml";
const SCORING: &str = "scoring.toml";
const VARIABLES: &str = "variables.toml";

impl Catalog {
    /// The definitions embedded in the binary.
    pub fn embedded() -> Catalog {
        Catalog::load(&Definitions::Embedded).expect("the embedded definitions are valid (tested)")
    }

    pub fn load(definitions: &Definitions) -> Result<Catalog, Problems> {
        Catalog::from_files(read_files(definitions)?)
    }

    /// Every `.toml` file of the definitions, sorted by path.
    pub fn from_files(files: Vec<SourceFile>) -> Result<Catalog, Problems> {
        let mut problems = Problems::default();
        let find = |name: &str| files.iter().find(|f| f.path == name);
        for name in [TAXONOMY, SCORING, VARIABLES] {
            if find(name).is_none() {
                problems.push(Problem::new(
                    ProblemCode::MissingFile,
                    name,
                    format!("the definitions folder has no {name}; copy it from the embedded definitions (`citykpi indicators export`)"),
                ));
            }
        }
        if problems.has_errors() {
            return Err(problems);
        }
        let taxonomy = parse_taxonomy(find(TAXONOMY).unwrap(), &mut problems);
        let scheme = parse_scheme(find(SCORING).unwrap(), &mut problems);
        let variables = parse_variables(find(VARIABLES).unwrap(), &mut problems);
        let mut kpis = Vec::new();
        for file in &files {
            if [TAXONOMY, SCORING, VARIABLES].contains(&file.path.as_str()) {
                continue;
            }
            if let Some(kpi) = parse_kpi(file, &taxonomy, &mut problems) {
                kpis.push(kpi);
            }
        }
        kpis.sort_by_key(|k| sort_key(k, &taxonomy));
        check_kpis(&kpis, &variables, &files, &mut problems);
        check_cycles(&kpis, &mut problems);
        if problems.has_errors() {
            problems
                .0
                .sort_by(|a, b| (a.severity, &a.file, a.line).cmp(&(b.severity, &b.file, b.line)));
            return Err(problems);
        }
        Ok(Catalog {
            variables,
            kpis,
            taxonomy,
            scheme: scheme.expect("no errors, so the scheme parsed"),
            warnings: problems,
        })
    }

    pub fn variable(&self, id: &str) -> Option<&Variable> {
        self.variables.iter().find(|v| v.id == id)
    }

    /// Every measure, in catalogue order, with its KPI.
    pub fn measures(&self) -> impl Iterator<Item = (&Kpi, &Measure)> {
        self.kpis
            .iter()
            .flat_map(|k| k.measures.iter().map(move |m| (k, m)))
    }

    /// The KPI a user names: by code (any spacing or case), `CODE/part`, or id.
    pub fn find(&self, name: &str) -> Option<&Kpi> {
        let code = normalize_code(name);
        let code = code.split('/').next().unwrap_or_default();
        let id = id_for_code(name);
        self.kpis.iter().find(|k| {
            k.code.eq_ignore_ascii_case(code) || k.id == id || k.measures.iter().any(|m| m.id == id)
        })
    }

    /// A suggestion for a KPI name that was not found.
    pub fn suggest(&self, name: &str) -> Option<&str> {
        let code = normalize_code(name);
        closest(&code, self.kpis.iter().map(|k| k.code.as_str()))
    }

    /// The measure a user names: `CODE`, `CODE/part` or its id.
    pub fn find_measure(&self, name: &str) -> Option<(&Kpi, &Measure)> {
        let code = normalize_code(name);
        let id = id_for_code(name);
        self.measures()
            .find(|(_, m)| m.key.eq_ignore_ascii_case(&code) || m.id == id)
    }

    /// The measures in evaluation layers: each reads only variables and measures of
    /// earlier layers (one dependency graph, [`graph::Graph`], also finds the cycles).
    pub fn layers(&self) -> Vec<Vec<&Measure>> {
        let graph = Graph::new(&self.kpis);
        graph
            .layers()
            .into_iter()
            .map(|layer| layer.into_iter().map(|m| graph.measures[m]).collect())
            .collect()
    }

    /// The KPIs that read a variable.
    pub fn used_by(&self, variable: &str) -> Vec<&Kpi> {
        self.kpis
            .iter()
            .filter(|k| {
                k.measures
                    .iter()
                    .any(|m| m.formula.reads.iter().any(|r| r == variable))
            })
            .collect()
    }
}

/// `EC: ICT: ICT: 1C` -> `EC:ICT:ICT:1C`; a `/part` suffix keeps its case.
pub fn normalize_code(code: &str) -> String {
    let compact: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    match compact.split_once('/') {
        Some((code, part)) => format!(
            "{}/{}",
            code.to_ascii_uppercase(),
            part.to_ascii_lowercase()
        ),
        None => compact.to_ascii_uppercase(),
    }
}

fn read_files(definitions: &Definitions) -> Result<Vec<SourceFile>, Problems> {
    let mut files = Vec::new();
    match definitions {
        Definitions::Embedded => {
            collect_embedded(&EMBEDDED, &mut files);
        }
        Definitions::Dir(root) => {
            let mut problems = Problems::default();
            if !root.is_dir() {
                problems.push(Problem::new(
                    ProblemCode::MissingFile,
                    root.display().to_string(),
                    "no such definitions folder; pass a folder that holds variables.toml, scoring.toml, taxonomy.toml and the KPI files",
                ));
                return Err(problems);
            }
            collect_dir(root, root, &mut files, &mut problems);
            if problems.has_errors() {
                return Err(problems);
            }
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

fn collect_embedded(dir: &Dir<'_>, files: &mut Vec<SourceFile>) {
    for file in dir.files() {
        if file.path().extension().is_some_and(|e| e == "toml") {
            files.push(SourceFile {
                path: file.path().to_string_lossy().replace('\\', "/"),
                text: file.contents_utf8().unwrap_or_default().to_string(),
            });
        }
    }
    for sub in dir.dirs() {
        collect_embedded(sub, files);
    }
}

fn collect_dir(root: &Path, dir: &Path, files: &mut Vec<SourceFile>, problems: &mut Problems) {
    let mut seen = HashSet::new();
    collect_dir_once(root, dir, &mut seen, files, problems);
}

/// Read the `.toml` files under `dir`; a folder reached twice (a symlink loop) is read once.
fn collect_dir_once(
    root: &Path,
    dir: &Path,
    seen: &mut HashSet<std::path::PathBuf>,
    files: &mut Vec<SourceFile>,
    problems: &mut Problems,
) {
    if let Ok(real) = dir.canonicalize() {
        if !seen.insert(real) {
            return;
        }
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            problems.push(Problem::new(
                ProblemCode::UnreadableFile,
                dir.display().to_string(),
                e.to_string(),
            ));
            return;
        }
    };
    for entry in entries {
        let path = match entry {
            Ok(entry) => entry.path(),
            Err(e) => {
                problems.push(Problem::new(
                    ProblemCode::UnreadableFile,
                    dir.display().to_string(),
                    e.to_string(),
                ));
                continue;
            }
        };
        if path.is_dir() {
            collect_dir_once(root, &path, seen, files, problems);
        } else if path.extension().is_some_and(|e| e == "toml") {
            let shown = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            match std::fs::read(&path).map(String::from_utf8) {
                Ok(Ok(text)) => files.push(SourceFile { path: shown, text }),
                Ok(Err(_)) => problems.push(Problem::new(
                    ProblemCode::NotUtf8,
                    shown,
                    "the file is not UTF-8 text; save it as UTF-8",
                )),
                Err(e) => problems.push(Problem::new(ProblemCode::UnreadableFile, shown, e.to_string())),
            }
        }
    }
}

/// The 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

fn toml_problem(file: &SourceFile, error: toml::de::Error) -> Problem {
    let mut problem = Problem::new(
        ProblemCode::InvalidToml,
        &file.path,
        error.message().trim().to_string(),
    );
    if let Some(span) = error.span() {
        let line = line_of(&file.text, span.start);
        let line_start = file.text[..span.start.min(file.text.len())]
            .rfind('\n')
            .map_or(0, |i| i + 1);
        let column = file.text[line_start..span.start.min(file.text.len())]
            .chars()
            .count()
            + 1;
        problem = problem.at_line(line).in_column(column.to_string());
    }
    problem
}

fn parse_taxonomy(file: &SourceFile, problems: &mut Problems) -> Taxonomy {
    let mut taxonomy = Taxonomy::default();
    let table: toml::Table = match toml::from_str(&file.text) {
        Ok(table) => table,
        Err(e) => {
            problems.push(toml_problem(file, e));
            return taxonomy;
        }
    };
    let bad = |what: &str| Problem::new(ProblemCode::InvalidTaxonomy, &file.path, what.to_string());
    for (dim_code, dim) in &table {
        let Some(dim) = dim.as_table() else {
            problems.push(bad(&format!("`{dim_code}` must be a table with a `name`")));
            continue;
        };
        let name = dim.get("name").and_then(|n| n.as_str()).unwrap_or(dim_code);
        taxonomy.dimensions.push(Group {
            code: dim_code.clone(),
            name: name.into(),
        });
        for (sub_code, sub) in dim.iter().filter(|(k, _)| *k != "name") {
            let Some(sub) = sub.as_table() else {
                problems.push(bad(&format!("`{dim_code}.{sub_code}` must be a table")));
                continue;
            };
            let code = format!("{dim_code}:{sub_code}");
            let name = sub.get("name").and_then(|n| n.as_str()).unwrap_or(sub_code);
            taxonomy.subdimensions.push(Group {
                code: code.clone(),
                name: name.into(),
            });
            let categories = sub.get("categories").and_then(|c| c.as_table());
            for (cat_code, cat_name) in categories.into_iter().flatten() {
                taxonomy.categories.push(Group {
                    code: format!("{code}:{cat_code}"),
                    name: cat_name.as_str().unwrap_or(cat_code).into(),
                });
            }
        }
    }
    taxonomy
}

fn parse_scheme(file: &SourceFile, problems: &mut Problems) -> Option<Scheme> {
    let raw: raw::RawScheme = match toml::from_str(&file.text) {
        Ok(raw) => raw,
        Err(e) => {
            problems.push(toml_problem(file, e));
            return None;
        }
    };
    let mut bands: Vec<Band> = raw
        .band
        .into_iter()
        .map(|b| Band {
            from: b.from,
            points: b.points,
            label: b.label,
            colour: b.colour,
        })
        .collect();
    bands.sort_by(|a, b| b.from.total_cmp(&a.from));
    if bands.last().is_none_or(|b| b.from > 0.0) {
        problems.push(Problem::new(
            ProblemCode::InvalidScheme,
            &file.path,
            "the bands must cover every share of target: give one band with `from = 0`",
        ));
    }
    Some(Scheme {
        bands,
        yes_points: raw.yes_no.yes,
        partial_points: raw.yes_no.partial,
        no_points: raw.yes_no.no,
    })
}

fn is_snake_id(id: &str) -> bool {
    let mut chars = id.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

fn parse_variables(file: &SourceFile, problems: &mut Problems) -> Vec<Variable> {
    let raw: raw::RawVariables = match toml::from_str(&file.text) {
        Ok(raw) => raw,
        Err(e) => {
            problems.push(toml_problem(file, e));
            return Vec::new();
        }
    };
    let ids: HashSet<&str> = raw.keys().map(String::as_str).collect();
    let mut variables = Vec::new();
    for (id, spanned) in &raw {
        let line = line_of(&file.text, spanned.span().start);
        let v = spanned.get_ref();
        if !is_snake_id(id) {
            problems.push(
                Problem::new(ProblemCode::BadId, &file.path, format!("variable id `{id}` must be snake_case: a-z, 0-9 and _, starting with a letter"))
                    .at_line(line),
            );
        }
        if let Some(whole) = &v.part_of {
            if !ids.contains(whole.as_str()) {
                problems.push(
                    Problem::new(ProblemCode::UnknownName, &file.path, format!("variable `{id}` is part_of `{whole}`, which is not a declared variable"))
                        .at_line(line),
                );
            }
        }
        let variable = Variable {
            id: id.clone(),
            description: v.description.clone(),
            unit: v.unit.clone(),
            kind: v.kind,
            min: v.min,
            max: v.max,
            part_of: v.part_of.clone(),
        };
        let (min, max) = variable.range();
        if min > max {
            problems.push(
                Problem::new(
                    ProblemCode::BadRange,
                    &file.path,
                    format!("variable `{id}` has min {min} above max {max}"),
                )
                .at_line(line),
            );
        }
        variables.push(variable);
    }
    variables
}

fn code_is_well_formed(code: &str) -> bool {
    let segments: Vec<&str> = code.split(':').collect();
    segments.len() == 4
        && segments[..3]
            .iter()
            .all(|s| !s.is_empty() && s.chars().all(|c| c.is_ascii_uppercase()))
        && segments[3]
            .strip_suffix(['C', 'A'])
            .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
}

fn parse_kpi(file: &SourceFile, taxonomy: &Taxonomy, problems: &mut Problems) -> Option<Kpi> {
    let raw: raw::RawKpi = match toml::from_str(&file.text) {
        Ok(raw) => raw,
        Err(e) => {
            problems.push(toml_problem(file, e));
            return None;
        }
    };
    let code_line = line_of(&file.text, raw.code.span().start);
    let code = normalize_code(raw.code.get_ref());
    let error = |code_: ProblemCode, line: usize, message: String| {
        Problem::new(code_, &file.path, message).at_line(line)
    };
    if !code_is_well_formed(&code) {
        problems.push(
            error(ProblemCode::BadCode, code_line, format!("`{code}` is not a U4SSC code; write DIMENSION:SUBDIMENSION:CATEGORY:NUMBER+TIER, e.g. EC:ICT:ICT:1C"))
                .with_value(code.clone()),
        );
        return None;
    }
    let segments: Vec<&str> = code.split(':').collect();
    let tier_letter = if raw.tier == Tier::Core { 'C' } else { 'A' };
    if !segments[3].ends_with(tier_letter) {
        problems.push(error(
            ProblemCode::TierMismatch,
            code_line,
            format!(
                "`{code}` ends in {} but tier is `{}`; make them agree",
                &segments[3][segments[3].len() - 1..],
                raw.tier
            ),
        ));
    }
    if raw.dimension != segments[0] || raw.subdimension != segments[1] {
        problems.push(error(
            ProblemCode::GroupMismatch,
            code_line,
            format!(
                "dimension `{}` and subdimension `{}` must match the code `{code}` ({} and {})",
                raw.dimension, raw.subdimension, segments[0], segments[1]
            ),
        ));
    }
    let category = format!("{}:{}:{}", raw.dimension, raw.subdimension, raw.category);
    if !taxonomy.categories.iter().any(|c| c.code == category) {
        problems.push(error(
            ProblemCode::UnknownGroup,
            code_line,
            format!("category `{category}` is not in taxonomy.toml; add it there or use one of its categories"),
        ));
    }
    let id = id_for_code(&code);
    let mut measures = Vec::new();
    let compile =
        |formula: &toml::Spanned<String>, key: &str, problems: &mut Problems| -> Option<Formula> {
            match Formula::compile(formula.get_ref()) {
                Ok(f) => Some(f),
                Err(e) => {
                    problems.push(
                        Problem::new(
                            ProblemCode::FormulaSyntax,
                            &file.path,
                            format!("formula of {key}: {e}"),
                        )
                        .at_line(line_of(&file.text, formula.span().start))
                        .with_value(formula.get_ref().clone()),
                    );
                    None
                }
            }
        };
    match (&raw.formula, raw.parts.is_empty()) {
        (Some(formula), true) => {
            if let Some(formula) = compile(formula, &code, problems) {
                measures.push(Measure {
                    key: code.clone(),
                    id: id.clone(),
                    part: None,
                    part_name: None,
                    formula,
                    unit: raw.unit.clone(),
                    direction: raw.direction,
                    target: raw.target,
                    reference: raw.reference,
                    scorable: raw.scored != Some(false),
                });
            }
        }
        (None, false) => {
            let mut seen = HashSet::new();
            for part in &raw.parts {
                let line = line_of(&file.text, part.span().start);
                let part = part.get_ref();
                let key = format!("{code}/{}", part.id);
                let part_id_ok = !part.id.is_empty() && part.id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
                if !part_id_ok || !seen.insert(part.id.clone()) {
                    problems.push(error(ProblemCode::BadId, line, format!("part id `{}` must be lower case (a-z, 0-9, _) and unique within the KPI", part.id)));
                    continue;
                }
                if let Some(formula) = compile(&part.formula, &key, problems) {
                    measures.push(Measure {
                        id: id_for_code(&key),
                        key,
                        part: Some(part.id.clone()),
                        part_name: Some(part.name.clone()),
                        formula,
                        unit: part.unit.clone().unwrap_or_else(|| raw.unit.clone()),
                        direction: part.direction.unwrap_or(raw.direction),
                        target: part.target.or(raw.target),
                        reference: part.reference.or(raw.reference),
                        scorable: raw.scored != Some(false),
                    });
                }
            }
        }
        (Some(_), false) => problems.push(error(
            ProblemCode::FormulaAndParts,
            code_line,
            format!("{code} has both a `formula` and `[[parts]]`; a KPI with parts gives each part its formula"),
        )),
        (None, true) => problems.push(error(
            ProblemCode::MissingFormula,
            code_line,
            format!("{code} has no `formula` and no `[[parts]]`; give one of them"),
        )),
    }
    for m in &measures {
        if m.is_yes_no() && m.target.is_some() {
            problems.push(error(
                ProblemCode::YesNoTarget,
                code_line,
                format!(
                    "{} is a yes/no KPI and takes no `target`: yes scores full points",
                    m.key
                ),
            ));
        }
        if raw.scored == Some(true) && m.target.is_none() && !m.is_yes_no() {
            problems.push(error(
                ProblemCode::ScoredWithoutTarget,
                code_line,
                format!(
                    "{} says `scored = true` but has no `target`; give a target or drop `scored`",
                    m.key
                ),
            ));
        }
    }
    Some(Kpi {
        code,
        id,
        name: raw.name,
        tier: raw.tier,
        dimension: raw.dimension,
        subdimension: raw.subdimension,
        category: raw.category,
        unit: raw.unit,
        direction: raw.direction,
        target: raw.target,
        sdg: raw.sdg,
        description: raw.description,
        notes: raw.notes,
        file: file.path.clone(),
        line: code_line,
        measures,
    })
}

fn sort_key(kpi: &Kpi, taxonomy: &Taxonomy) -> (usize, usize, usize, u32, String) {
    let segments: Vec<&str> = kpi.code.split(':').collect();
    let number: u32 = segments[3]
        .trim_end_matches(['C', 'A'])
        .parse()
        .unwrap_or(u32::MAX);
    (
        taxonomy.position(segments[0]),
        taxonomy.position(&format!("{}:{}", segments[0], segments[1])),
        taxonomy.position(&format!("{}:{}:{}", segments[0], segments[1], segments[2])),
        number,
        kpi.code.clone(),
    )
}

/// Names must resolve, codes must be unique, yes/no KPIs must read yes/no inputs.
fn check_kpis(kpis: &[Kpi], variables: &[Variable], files: &[SourceFile], problems: &mut Problems) {
    let variable_kinds: HashMap<&str, Kind> =
        variables.iter().map(|v| (v.id.as_str(), v.kind)).collect();
    let measure_ids: HashSet<&str> = kpis
        .iter()
        .flat_map(|k| k.measures.iter().map(|m| m.id.as_str()))
        .collect();
    let mut first_file: HashMap<&str, &str> = HashMap::new();
    let mut used: HashSet<&str> = HashSet::new();
    for kpi in kpis {
        let line = files
            .iter()
            .find(|f| f.path == kpi.file)
            .and_then(|f| f.text.find("formula").map(|o| line_of(&f.text, o)));
        if let Some(other) = first_file.insert(&kpi.code, &kpi.file) {
            problems.push(Problem::new(
                ProblemCode::DuplicateCode,
                &kpi.file,
                format!(
                    "{} is defined twice: here and in {other}; remove one",
                    kpi.code
                ),
            ));
        }
        if variable_kinds.contains_key(kpi.id.as_str()) {
            problems.push(Problem::new(
                ProblemCode::DuplicateId,
                &kpi.file,
                format!(
                    "the KPI id `{}` is also a variable id; rename the variable",
                    kpi.id
                ),
            ));
        }
        for m in &kpi.measures {
            for name in &m.formula.reads {
                used.insert(name);
                let mut problem = match variable_kinds.get(name.as_str()) {
                    Some(kind) if m.is_yes_no() && *kind != Kind::Boolean => Problem::new(
                        ProblemCode::UnitKindMismatch,
                        &kpi.file,
                        format!(
                            "{} is a yes/no KPI but reads `{name}`, a {} variable; yes/no KPIs read boolean variables",
                            m.key,
                            format!("{kind:?}").to_lowercase()
                        ),
                    ),
                    Some(_) => continue,
                    None if measure_ids.contains(name.as_str()) => continue,
                    None => {
                        let known = variable_kinds.keys().copied().chain(measure_ids.iter().copied());
                        let hint = match closest(name, known) {
                            Some(s) => format!("; did you mean `{s}`?"),
                            None => "; declare it in variables.toml".into(),
                        };
                        Problem::new(
                            ProblemCode::UnknownName,
                            &kpi.file,
                            format!("the formula of {} reads `{name}`, which is neither a variable nor a KPI id{hint}", m.key),
                        )
                        .with_value(name.clone())
                    }
                };
                if let Some(line) = line {
                    problem = problem.at_line(line);
                }
                problems.push(problem);
            }
        }
    }
    for v in variables {
        if !used.contains(v.id.as_str()) {
            problems.push(Problem::new(
                ProblemCode::UnusedVariable,
                VARIABLES,
                format!("variable `{}` is declared but no KPI reads it", v.id),
            ));
        }
    }
}

/// Report every group of measures that read each other round (the engine evaluates in
/// dependency order, so a cycle has no value).
fn check_cycles(kpis: &[Kpi], problems: &mut Problems) {
    let graph = Graph::new(kpis);
    let owner: Vec<&Kpi> = kpis.iter().flat_map(|k| k.measures.iter().map(move |_| k)).collect();
    for cycle in graph.cycles() {
        let keys: Vec<&str> = cycle.iter().map(|&m| graph.measures[m].key.as_str()).collect();
        let message = if let [one] = keys.as_slice() {
            format!("{one} reads itself; a KPI cannot depend on its own value")
        } else {
            format!(
                "KPIs read each other in a cycle: {} -> {}; break the cycle",
                keys.join(" -> "),
                keys[0]
            )
        };
        let kpi = owner[cycle[0]];
        problems.push(Problem::new(ProblemCode::Cycle, &kpi.file, message).at_line(kpi.line));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_definitions_load_without_errors() {
        let catalog = Catalog::load(&Definitions::Embedded).unwrap_or_else(|p| panic!("{p}"));
        assert!(!catalog.kpis.is_empty());
    }

    #[test]
    fn codes_normalize_from_the_published_spelling() {
        assert_eq!(normalize_code("EC: ICT: ICT: 1C"), "EC:ICT:ICT:1C");
        assert_eq!(normalize_code("en:en:aq:1c/PM2_5"), "EN:EN:AQ:1C/pm2_5");
        assert!(code_is_well_formed("EC:ICT:ICT:1C"));
        assert!(!code_is_well_formed("EC:ICT:1C"));
        assert!(!code_is_well_formed("EC:ICT:ICT:1X"));
        assert!(!code_is_well_formed("EC:ICT:ICT:1é"));
        assert!(!code_is_well_formed("EC:ICT:ICT:é"));
        assert!(!code_is_well_formed("EC:ICT:ICT:C"));
    }
}
