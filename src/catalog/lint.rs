//! Checks across the whole catalogue once every file has parsed: names, units, ids,
//! cycles, unused variables. It reports problems; it never changes the catalogue.

use std::collections::{HashMap, HashSet};

use super::graph::Graph;
use super::*;
use crate::diagnostic::{closest, Problem, ProblemCode, Problems};

/// Names must resolve, codes must be unique, yes/no KPIs must read yes/no inputs, and a KPI
/// that reads an amount in any currency divides it by another.
pub(super) fn check_kpis(
    kpis: &[Kpi],
    variables: &[Variable],
    trial: bool,
    problems: &mut Problems,
) {
    let variable_kinds: HashMap<&str, Kind> =
        variables.iter().map(|v| (v.id.as_str(), v.kind)).collect();
    let measure_ids: HashSet<&str> = kpis
        .iter()
        .flat_map(|k| k.measures.iter().map(|m| m.id.as_str()))
        .collect();
    let mut first_file: HashMap<&str, &str> = HashMap::new();
    let mut used: HashSet<&str> = HashSet::new();
    for kpi in kpis {
        if let Some(other) = first_file.insert(&kpi.code, &kpi.file) {
            problems.push(
                Problem::new(
                    ProblemCode::DuplicateCode,
                    &kpi.file,
                    format!(
                        "{} is defined twice: here and in {other}; remove one",
                        kpi.code
                    ),
                )
                .at_line(kpi.line),
            );
        }
        let ids = std::iter::once(kpi.id.as_str()).chain(
            kpi.measures
                .iter()
                .filter(|m| m.part.is_some())
                .map(|m| m.id.as_str()),
        );
        for id in ids {
            if variable_kinds.contains_key(id) {
                problems.push(
                    Problem::new(
                        ProblemCode::DuplicateId,
                        &kpi.file,
                        format!(
                            "the id `{id}` of {} is also a variable id; rename the variable",
                            kpi.code
                        ),
                    )
                    .at_line(kpi.line),
                );
            }
        }
        for m in &kpi.measures {
            check_money(kpi, m, variables, problems);
            let mut known = true;
            for name in &m.formula.reads {
                used.insert(name);
                let problem = match variable_kinds.get(name.as_str()) {
                    Some(kind) if m.is_yes_no() && *kind != Kind::Boolean => Problem::new(
                        ProblemCode::UnitKindMismatch,
                        &kpi.file,
                        format!(
                            "{} is a yes/no KPI but reads `{name}`, a {} variable; yes/no KPIs read boolean variables",
                            m.key,
                            <&str>::from(*kind)
                        ),
                    ),
                    Some(_) => continue,
                    None if measure_ids.contains(name.as_str()) => continue,
                    None => {
                        known = false;
                        let names = variable_kinds.keys().copied().chain(measure_ids.iter().copied());
                        let hint = match closest(name, names) {
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
                problems.push(problem.at_line(m.line));
            }
            // A formula that compiles may still not run (text added to a number): try it.
            if known && trial {
                let columns: Vec<&str> = m.formula.reads.iter().map(String::as_str).collect();
                if let Err(why) = crate::formula::dry_run(&m.formula.expr, &columns) {
                    problems.push(
                        Problem::new(
                            ProblemCode::FormulaCannotRun,
                            &kpi.file,
                            format!("the formula of {} compiles but cannot run: {why}", m.key),
                        )
                        .at_line(m.line)
                        .with_value(m.formula.text.clone()),
                    );
                }
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

/// An amount marked `any_currency` is in the city's own currency, so a KPI may only divide
/// it by another amount (R&D / GDP): a measure that reads one such amount alone would give
/// a figure in whatever currency the city wrote. Such a KPI needs the amount in a given
/// currency, and reads a variable without `any_currency`.
fn check_money(kpi: &Kpi, m: &Measure, variables: &[Variable], problems: &mut Problems) {
    let amounts: Vec<&str> = (m.formula.reads.iter())
        .filter(|name| variables.iter().any(|v| &v.id == *name && v.any_currency))
        .map(String::as_str)
        .collect();
    if let [one] = amounts.as_slice() {
        problems.push(
            Problem::new(
                ProblemCode::UnitKindMismatch,
                &kpi.file,
                format!(
                    "{} reads `{one}`, an amount in any currency (any_currency), but no other amount to divide it by; a KPI that needs an absolute amount reads a variable without any_currency, in the currency of its unit",
                    m.key
                ),
            )
            .at_line(m.line),
        );
    }
}

/// Report every group of measures that read each other round (the engine evaluates in
/// dependency order, so a cycle has no value).
pub(super) fn check_cycles(kpis: &[Kpi], problems: &mut Problems) {
    let graph = Graph::new(kpis);
    let owner: Vec<&Kpi> = kpis
        .iter()
        .flat_map(|k| k.measures.iter().map(move |_| k))
        .collect();
    for cycle in graph.cycles() {
        let keys: Vec<&str> = cycle
            .iter()
            .map(|&m| graph.measures[m].key.as_str())
            .collect();
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
