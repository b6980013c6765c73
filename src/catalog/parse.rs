//! The second phase of loading: raw TOML (`raw`) into validated types, every problem
//! collected with its file and line. It never reads files from disk.

use std::collections::HashSet;

use super::code::{code_is_well_formed, id_for_code, is_snake_id, normalize_code};
use super::money::Money;
use super::units::{Unit, Units};
use super::*;
use crate::diagnostic::{Problem, ProblemCode, Problems};
use crate::formula::{Formula, FormulaErrorKind};

/// The 1-based line of a byte offset.
pub(super) fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// The 1-based lines of many byte offsets in one text: [`line_of`] without rescanning the
/// text from its start for each offset.
struct Lines(Vec<usize>);

impl Lines {
    fn new(text: &str) -> Lines {
        Lines(text.match_indices('\n').map(|(i, _)| i).collect())
    }

    fn of(&self, offset: usize) -> usize {
        self.0.partition_point(|&newline| newline < offset) + 1
    }
}

pub(super) fn toml_problem(file: &SourceFile, error: toml::de::Error) -> Problem {
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

pub(super) fn parse_taxonomy(file: &SourceFile, problems: &mut Problems) -> Taxonomy {
    let mut taxonomy = Taxonomy::default();
    let raw: raw::RawTaxonomy = match toml::from_str(&file.text) {
        Ok(raw) => raw,
        Err(e) => {
            let mut problem = toml_problem(file, e);
            problem.code = ProblemCode::InvalidTaxonomy;
            let message = problem
                .message
                .replace("struct RawDimension", "a dimension table")
                .replace("struct RawSubdimension", "a sub-dimension table");
            problem.message = format!(
                "{message}; taxonomy.toml holds [DIMENSION] with a name, and [DIMENSION.SUBDIMENSION] with a name and categories = {{ CODE = \"name\" }}"
            );
            problems.push(problem);
            return taxonomy;
        }
    };
    for (dim_code, dim) in raw {
        for (sub_code, sub) in dim.subdimensions {
            let code = format!("{dim_code}:{sub_code}");
            for (cat_code, cat_name) in sub.categories {
                taxonomy.categories.push(Group {
                    code: format!("{code}:{cat_code}"),
                    name: cat_name,
                });
            }
            taxonomy.subdimensions.push(Group {
                code,
                name: sub.name,
            });
        }
        taxonomy.dimensions.push(Group {
            code: dim_code,
            name: dim.name,
        });
    }
    taxonomy
}

/// The colours a band may have: the terminal's named colours.
pub const COLOURS: [&str; 12] = [
    "green",
    "dark_green",
    "yellow",
    "dark_yellow",
    "red",
    "dark_red",
    "blue",
    "dark_blue",
    "cyan",
    "magenta",
    "grey",
    "white",
];

pub(super) fn parse_scheme(file: &SourceFile, problems: &mut Problems) -> Option<Scheme> {
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
    let bad = |message: String| Problem::new(ProblemCode::InvalidScheme, &file.path, message);
    for b in &bands {
        if !(0.0..=100.0).contains(&b.from) {
            problems.push(bad(format!(
                "band `{}` starts at {}; a band starts at a share of target from 0 to 100",
                b.label, b.from
            )));
        }
    }
    for b in &bands {
        if !COLOURS.contains(&b.colour.as_str()) {
            problems.push(bad(format!(
                "band `{}` has colour `{}`; use one of {}",
                b.label,
                b.colour,
                COLOURS.join(", ")
            )));
        }
    }
    let max_points = bands.iter().map(|b| b.points).max().unwrap_or(0);
    for (what, points) in [
        ("yes", raw.yes_no.yes),
        ("partial", raw.yes_no.partial),
        ("no", raw.yes_no.no),
    ] {
        if points > max_points {
            problems.push(bad(format!(
                "yes_no.{what} = {points} is above the top band's {max_points} points; a roll-up would pass 100 %"
            )));
        }
    }
    bands.sort_by(|a, b| b.from.total_cmp(&a.from));
    if bands.last().is_none_or(|b| b.from > 0.0) {
        problems.push(Problem::new(
            ProblemCode::InvalidScheme,
            &file.path,
            "the bands must cover every share of target: give one band with `from = 0`",
        ));
    }
    let mut plausibility = Plausibility::default();
    if let Some(p) = raw.plausibility {
        if let Some(factor) = p.year_change_factor {
            if !(factor == 0.0 || factor.is_finite() && factor > 1.0) {
                problems.push(bad(format!(
                    "plausibility.year_change_factor = {factor}; give a finite factor above 1, or 0 to leave it unchecked"
                )));
            }
            plausibility.year_change_factor = Some(factor);
        }
        if let Some(tolerance) = p.parts_sum_tolerance {
            if !(tolerance.is_finite() && tolerance >= 0.0) {
                problems.push(bad(format!(
                    "plausibility.parts_sum_tolerance = {tolerance}; give a finite number from 0"
                )));
            }
            plausibility.parts_sum_tolerance = tolerance;
        }
    }
    Some(Scheme {
        bands,
        yes_points: raw.yes_no.yes,
        partial_points: raw.yes_no.partial,
        no_points: raw.yes_no.no,
        plausibility,
    })
}

pub(super) fn parse_variables(file: &SourceFile, problems: &mut Problems) -> Vec<Variable> {
    let raw: raw::RawVariables = match toml::from_str(&file.text) {
        Ok(raw) => raw,
        Err(e) => {
            problems.push(toml_problem(file, e));
            return Vec::new();
        }
    };
    let ids: HashSet<&str> = raw.keys().map(String::as_str).collect();
    let lines = Lines::new(&file.text);
    let mut variables = Vec::new();
    for (id, spanned) in &raw {
        let line = lines.of(spanned.span().start);
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
            aliases: v.aliases.clone(),
            convert: v.convert.iter().map(|(u, f)| (u.clone(), *f)).collect(),
            year_change_factor: v.year_change_factor,
            partial: v.partial,
            any_currency: v.any_currency,
        };
        let mismatch = |key: &str, needs: &str| {
            Problem::new(
                ProblemCode::UnitKindMismatch,
                &file.path,
                format!("variable `{id}` has {key} = true, which only {needs} takes"),
            )
            .at_line(line)
        };
        if v.partial && v.kind != Kind::Boolean {
            problems.push(mismatch(
                "partial",
                "a boolean variable (kind = \"boolean\")",
            ));
        }
        if v.any_currency && Money::parse(&v.unit).is_none() {
            problems.push(mismatch(
                "any_currency",
                "an amount of money (a unit such as \"EUR million\")",
            ));
        }
        if let Some(factor) = variable.year_change_factor {
            if !(factor == 0.0 || factor.is_finite() && factor > 1.0) {
                problems.push(
                    Problem::new(
                        ProblemCode::BadNumber,
                        &file.path,
                        format!("variable `{id}` has year_change_factor = {factor}; give a finite factor above 1, or 0 to leave it unchecked"),
                    )
                    .at_line(line),
                );
            }
        }
        for (unit, factor) in &variable.convert {
            if !factor.is_finite() || *factor <= 0.0 {
                problems.push(
                    Problem::new(
                        ProblemCode::BadNumber,
                        &file.path,
                        format!("variable `{id}` converts from {unit} by {factor}; give a finite factor above 0"),
                    )
                    .at_line(line),
                );
            }
        }
        let (min, max) = variable.range();
        let given_infinite =
            v.min.is_some_and(f64::is_infinite) || v.max.is_some_and(f64::is_infinite);
        if min.is_nan() || max.is_nan() || min.is_infinite() || given_infinite {
            problems.push(
                Problem::new(
                    ProblemCode::BadRange,
                    &file.path,
                    format!("variable `{id}` has a range that is not a number ({min} to {max}); give finite numbers"),
                )
                .at_line(line),
            );
        } else if min > max {
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

pub(super) fn parse_kpi(
    file: &SourceFile,
    taxonomy: &Taxonomy,
    problems: &mut Problems,
) -> Option<Kpi> {
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
                    let code = match e.kind {
                        FormulaErrorKind::TooDeep => ProblemCode::FormulaTooDeep,
                        FormulaErrorKind::Syntax => ProblemCode::FormulaSyntax,
                    };
                    problems.push(
                        Problem::new(code, &file.path, format!("formula of {key}: {e}"))
                            .at_line(line_of(&file.text, formula.span().start))
                            .with_value(formula.get_ref().clone()),
                    );
                    None
                }
            }
        };
    match (&raw.formula, raw.parts.is_empty()) {
        (Some(spanned), true) => {
            if let Some(formula) = compile(spanned, &code, problems) {
                measures.push(Measure {
                    key: code.clone(),
                    id: id.clone(),
                    part: None,
                    part_name: None,
                    formula,
                    unit: raw.unit.clone(),
                    direction: raw.direction,
                    target: raw.target,
                    target_source: raw.target_source.clone(),
                    reference: raw.reference,
                    scorable: raw.scored != Some(false),
                    kind: MeasureKind::of(&raw.unit),
                    min: raw.min,
                    max: raw.max,
                    line: line_of(&file.text, spanned.span().start),
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
                        target_source: match part.target {
                            Some(_) => part.target_source.clone(),
                            None => raw.target_source.clone(),
                        },
                        reference: part.reference.or(raw.reference),
                        scorable: part.scored.or(raw.scored) != Some(false),
                        kind: MeasureKind::of(part.unit.as_deref().unwrap_or(&raw.unit)),
                        min: part.min.or(raw.min),
                        max: part.max.or(raw.max),
                        line: line_of(&file.text, part.formula.span().start),
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
    // An SDG link that is not a target would be left out of (or misplaced in) results by SDG.
    let sdg_line = file
        .text
        .lines()
        .position(|l| l.trim_start().starts_with("sdg"));
    for link in raw.sdg.iter().filter(|t| !super::sdg::is_target(t)) {
        problems.push(
            error(ProblemCode::BadSdg, sdg_line.map_or(code_line, |l| l + 1), format!("{code}: `{link}` is not an SDG target; write one of the 169, goal.target: 11.2, 3.d, 17.19"))
                .with_value(link.clone()),
        );
    }
    for m in &measures {
        for (what, value) in [
            ("target", m.target),
            ("reference", m.reference),
            ("min", m.min),
            ("max", m.max),
        ] {
            match value {
                Some(v) if !v.is_finite() || v < 0.0 => problems.push(error(
                    ProblemCode::BadNumber,
                    code_line,
                    format!("{} has {what} = {v}; give a finite number >= 0", m.key),
                )),
                _ => {}
            }
        }
        match (m.reference, m.direction) {
            (Some(r), Direction::Lower) if r == 0.0 => problems.push(error(
                ProblemCode::BadNumber,
                code_line,
                format!(
                    "{} has reference = {r}: the value that earns 0 % must be above 0",
                    m.key
                ),
            )),
            (Some(_), Direction::Higher | Direction::None) => problems.push(error(
                ProblemCode::BadNumber,
                code_line,
                format!(
                    "{} has a reference, which only a lower-is-better KPI with a target of 0 uses; remove it",
                    m.key
                ),
            )),
            _ => {}
        }
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
    if let Some(sum) = raw.parts_sum {
        if measures.len() < 2 || !sum.is_finite() {
            problems.push(error(
                ProblemCode::BadNumber,
                code_line,
                format!("{code} has parts_sum = {sum}, which only a KPI with parts that are shares of one whole uses; give a finite sum or remove it"),
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
        parts_sum: raw.parts_sum,
        file: file.path.clone(),
        line: code_line,
        measures,
    })
}

pub(super) fn parse_units(file: &SourceFile, problems: &mut Problems) -> Units {
    let raw: raw::RawUnits = match toml::from_str(&file.text) {
        Ok(raw) => raw,
        Err(e) => {
            problems.push(toml_problem(file, e));
            return Units::default();
        }
    };
    let mut groups = Vec::new();
    for (group, units) in raw {
        let mut list = Vec::new();
        for (name, unit) in units {
            if !unit.in_base.is_finite() || unit.in_base <= 0.0 {
                problems.push(Problem::new(
                    ProblemCode::BadNumber,
                    &file.path,
                    format!(
                        "unit `{name}` of `{group}` has in_base = {}; give a finite number above 0",
                        unit.in_base
                    ),
                ));
                continue;
            }
            list.push(Unit {
                name,
                in_base: unit.in_base,
                aliases: unit.aliases,
            });
        }
        groups.push((group, list));
    }
    Units { groups }
}
