//! Results by SDG: a city-year's KPIs grouped by the Sustainable Development Goal and
//! target each is linked to (the catalogue's `sdg` values, U4SSC's links), with a roll-up
//! per goal and target by the same U4SSC rule as the dimensions' ([`super::summary`]).
//!
//! A KPI linked to several targets counts under each, and once under a goal however many
//! of its targets it links to. All 17 goals are always there, in order, informed by a KPI
//! or not. The grouping is worked out once per assessment ([`SdgGrouping`]); each city-year
//! then takes one pass. It never formats.

use std::collections::BTreeSet;

use super::summary::{Group, Groups};
use super::{Assessment, CityYearReport, Level, Outcome, Summary};
pub use crate::catalog::sdg::{Goal, GOALS};
use crate::catalog::Scheme;

/// Which goals and targets the selected KPIs inform, and the roll-up groups they make:
/// worked out once per assessment.
pub struct SdgGrouping<'a> {
    scheme: &'a Scheme,
    /// The goals' groups first (one per goal, all 17), then the targets' (each linked one).
    groups: Groups<'a>,
    /// Per goal, its targets' group indices, in target order.
    targets: Vec<Vec<usize>>,
    /// Per selected measure (in outcome order), the groups it counts in.
    members: Vec<Vec<usize>>,
}

impl<'a> SdgGrouping<'a> {
    /// The grouping of the assessment's selected KPIs.
    pub fn new(assessment: &Assessment<'a>) -> Self {
        let selected: Vec<_> = assessment.selected.iter().map(|s| s.kpi).collect();
        let mut linked: Vec<&'a str> = selected
            .iter()
            .flat_map(|k| k.sdg.iter().map(String::as_str))
            .filter(|t| crate::catalog::sdg::is_target(t))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        // In the goals' own order: 11.2 before 11.10, numbered before lettered.
        linked.sort_by_key(|t| target_order(t));
        let mut groups: Vec<Group<'a>> = GOALS
            .iter()
            .map(|g| Group {
                level: Level::Goal,
                code: g.code,
                name: g.name,
            })
            .collect();
        let mut targets = vec![Vec::new(); GOALS.len()];
        for t in &linked {
            let goal = goal_index(t).expect("linked targets name a goal");
            targets[goal].push(groups.len());
            groups.push(Group {
                level: Level::Target,
                code: t,
                name: "",
            });
        }
        let members =
            selected
                .iter()
                .map(|kpi| {
                    let mut of: Vec<usize> = kpi
                        .sdg
                        .iter()
                        .filter(|t| linked.contains(&t.as_str()))
                        .filter_map(|t| goal_index(t))
                        .collect();
                    of.sort_unstable();
                    of.dedup(); // once under a goal, however many of its targets
                    of.extend(kpi.sdg.iter().filter_map(|t| {
                        linked.iter().position(|l| l == t).map(|p| GOALS.len() + p)
                    }));
                    of
                })
                .collect();
        SdgGrouping {
            scheme: &assessment.catalog.scheme,
            groups: Groups::from(groups),
            targets,
            members,
        }
    }

    /// One city-year's results by SDG.
    pub fn of<'r>(&self, city_year: &'r CityYearReport<'a>) -> BySdg<'r, 'a> {
        let outcomes = &city_year.outcomes;
        let summaries = self
            .groups
            .summarize_by(outcomes, |i| &self.members[i], self.scheme);
        let mut scored = vec![0; summaries.len()];
        for chunk in kpi_chunks(outcomes) {
            if chunk.clone().any(|i| outcomes[i].score.is_some()) {
                for &g in &self.members[chunk.start] {
                    scored[g] += 1;
                }
            }
        }
        let rows = |g: usize| {
            let summary = summaries[g].clone();
            let coverage = Coverage {
                scored: scored[g],
                linked: summary.core_defined + summary.advanced_defined,
            };
            (summary, coverage)
        };
        let goals = GOALS
            .iter()
            .enumerate()
            .map(|(n, goal)| {
                let (summary, coverage) = rows(n);
                let targets = self.targets[n]
                    .iter()
                    .map(|&g| {
                        let (summary, coverage) = rows(g);
                        TargetResult {
                            code: summary.code,
                            outcomes: (0..outcomes.len())
                                .filter(|&i| self.members[i].contains(&g))
                                .map(|i| &outcomes[i])
                                .collect(),
                            summary,
                            coverage,
                        }
                    })
                    .collect();
                GoalResult {
                    goal,
                    summary,
                    coverage,
                    targets,
                }
            })
            .collect();
        BySdg { city_year, goals }
    }
}

/// One city-year's results by SDG: all 17 goals, in order.
#[derive(Debug, Clone)]
pub struct BySdg<'r, 'a> {
    pub city_year: &'r CityYearReport<'a>,
    pub goals: Vec<GoalResult<'r, 'a>>,
}

/// A goal: its roll-up over every KPI linked to one of its targets, and those targets.
#[derive(Debug, Clone)]
pub struct GoalResult<'r, 'a> {
    pub goal: &'static Goal,
    pub summary: Summary<'a>,
    pub coverage: Coverage,
    /// The targets a selected KPI links to, in the goal's order; none where no KPI informs it.
    pub targets: Vec<TargetResult<'r, 'a>>,
}

impl GoalResult<'_, '_> {
    /// Whether a selected KPI links to the goal (else nothing here can speak of it).
    pub fn is_informed(&self) -> bool {
        !self.targets.is_empty()
    }

    /// The goal's targets no selected KPI links to, in the goal's order.
    pub fn uninformed_targets(&self) -> Vec<String> {
        self.goal
            .targets()
            .filter(|t| self.targets.iter().all(|r| r.code != t))
            .collect()
    }
}

/// A target: the measures (KPIs, or parts of KPIs) linked to it and their roll-up.
#[derive(Debug, Clone)]
pub struct TargetResult<'r, 'a> {
    /// `11.2`.
    pub code: &'a str,
    pub summary: Summary<'a>,
    pub coverage: Coverage,
    /// In catalogue order.
    pub outcomes: Vec<&'r Outcome<'a>>,
}

/// The KPIs of a goal or target that have a score (in any part), of those linked to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Coverage {
    pub scored: usize,
    pub linked: usize,
}

/// The goal index of a target code.
fn goal_index(target: &str) -> Option<usize> {
    let goal = Goal::of(target)?;
    GOALS.iter().position(|g| g.code == goal.code)
}

/// A target's place: its goal, then numbered targets by number, then lettered ones.
fn target_order(target: &str) -> (usize, u8, u32, String) {
    let rest = target.split_once('.').map_or("", |(_, r)| r);
    match rest.parse::<u32>() {
        Ok(n) => (
            goal_index(target).unwrap_or(usize::MAX),
            0,
            n,
            String::new(),
        ),
        Err(_) => (goal_index(target).unwrap_or(usize::MAX), 1, 0, rest.into()),
    }
}

/// The outcome ranges of each KPI (its parts are consecutive).
fn kpi_chunks(outcomes: &[Outcome]) -> Vec<std::ops::Range<usize>> {
    let mut chunks = Vec::new();
    let mut start = 0;
    for i in 1..=outcomes.len() {
        if i == outcomes.len() || !std::ptr::eq(outcomes[i].kpi, outcomes[start].kpi) {
            chunks.push(start..i);
            start = i;
        }
    }
    chunks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_sort_in_the_goals_order() {
        let mut codes = vec!["11.a", "11.10", "9.c", "11.2", "3.d"];
        codes.sort_by_key(|t| target_order(t));
        assert_eq!(codes, ["3.d", "9.c", "11.2", "11.10", "11.a"]);
    }
}
