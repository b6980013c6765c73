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
use crate::catalog::Scheme;

/// One of the 17 goals of the 2030 Agenda (UN resolution A/RES/70/1).
#[derive(Debug, PartialEq, Eq)]
pub struct Goal {
    /// `11`.
    pub code: &'static str,
    /// The goal's short title: `Sustainable cities and communities`.
    pub name: &'static str,
    /// How many numbered targets it has (`11.1` to `11.7`) ...
    numbered: u8,
    /// ... and how many lettered ones, means of implementation (`11.a` to `11.c`).
    lettered: u8,
}

impl Goal {
    /// Every target of the goal, numbered then lettered: `11.1` ... `11.7`, `11.a` ... `11.c`.
    pub fn targets(&self) -> impl Iterator<Item = String> + '_ {
        let numbered = (1..=self.numbered).map(|n| format!("{}.{n}", self.code));
        let lettered = (b'a'..b'a' + self.lettered).map(|l| format!("{}.{}", self.code, l as char));
        numbered.chain(lettered)
    }

    /// The goal of a target code (`11.2` → goal 11), if it names one.
    pub fn of(target: &str) -> Option<&'static Goal> {
        let code = target.split('.').next()?;
        GOALS.iter().find(|g| g.code == code)
    }
}

const fn goal(code: &'static str, name: &'static str, numbered: u8, lettered: u8) -> Goal {
    Goal {
        code,
        name,
        numbered,
        lettered,
    }
}

/// The 17 goals with their short titles and their 169 targets, as numbered in the global
/// indicator framework (A/RES/71/313).
pub const GOALS: [Goal; 17] = [
    goal("1", "No poverty", 5, 2),
    goal("2", "Zero hunger", 5, 3),
    goal("3", "Good health and well-being", 9, 4),
    goal("4", "Quality education", 7, 3),
    goal("5", "Gender equality", 6, 3),
    goal("6", "Clean water and sanitation", 6, 2),
    goal("7", "Affordable and clean energy", 3, 2),
    goal("8", "Decent work and economic growth", 10, 2),
    goal("9", "Industry, innovation and infrastructure", 5, 3),
    goal("10", "Reduced inequalities", 7, 3),
    goal("11", "Sustainable cities and communities", 7, 3),
    goal("12", "Responsible consumption and production", 8, 3),
    goal("13", "Climate action", 3, 2),
    goal("14", "Life below water", 7, 3),
    goal("15", "Life on land", 9, 3),
    goal("16", "Peace, justice and strong institutions", 10, 2),
    goal("17", "Partnerships for the goals", 19, 0),
];

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
            .filter(|t| Goal::of(t).is_some())
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
                    let mut of: Vec<usize> = kpi.sdg.iter().filter_map(|t| goal_index(t)).collect();
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
    GOALS.iter().position(|g| std::ptr::eq(g, goal))
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
    fn the_goals_have_the_169_targets() {
        let all: Vec<String> = GOALS.iter().flat_map(|g| g.targets()).collect();
        assert_eq!(all.len(), 169);
        assert_eq!(GOALS[10].targets().last().as_deref(), Some("11.c"));
        assert_eq!(GOALS[16].targets().last().as_deref(), Some("17.19"));
        assert_eq!(Goal::of("11.2").map(|g| g.code), Some("11"));
        assert_eq!(Goal::of("18.1"), None);
    }

    #[test]
    fn targets_sort_in_the_goals_order() {
        let mut codes = vec!["11.a", "11.10", "9.c", "11.2", "3.d"];
        codes.sort_by_key(|t| target_order(t));
        assert_eq!(codes, ["3.d", "9.c", "11.2", "11.10", "11.a"]);
    }
}
