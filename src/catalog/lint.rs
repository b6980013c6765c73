//! Checks across the whole catalogue once every file has parsed: names, units, ids,
//! cycles, unused variables. It reports problems; it never changes the catalogue.

use std::collections::{HashMap, HashSet};

use super::graph::Graph;
use super::parse::line_of;
use super::*;
use crate::diagnostic::{closest, Problem, ProblemCode, Problems};

/// Names must resolve, codes must be unique, yes/no KPIs must read yes/no inputs.
pub(super) fn check_kpis(
    kpis: &[Kpi],
    variables: &[Variable],
    files: &[SourceFile],
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
