//! Roll-ups: per category, sub-dimension, dimension and overall, the U4SSC score (points
//! earned as a share of points possible), the mean achievement and the coverage (of all
//! KPIs, and of verified KPIs only).
//!
//! Group memberships are worked out once per assessment; each city-year then takes one
//! pass over its outcomes. It never formats.

use crate::catalog::{Catalog, Kpi, Scheme, Tier};

use super::progress::{group_status, ProgressStatus};
use super::{Level, Outcome, Reporting, Selected, Summary};

pub(super) struct Group<'a> {
    pub(super) level: Level,
    pub(super) code: &'a str,
    pub(super) name: &'a str,
}

/// The groups that have at least one selected KPI, in report order (or any other
/// grouping, [`Groups::from`]: the SDG goals and targets).
pub(super) struct Groups<'a> {
    groups: Vec<Group<'a>>,
}

#[derive(Clone)]
struct Tally {
    core_defined: usize,
    core_computed: usize,
    advanced_defined: usize,
    advanced_computed: usize,
    core_verified: usize,
    advanced_verified: usize,
    kpis: Reporting,
    data_points: Reporting,
    scored: usize,
    points: u32,
    achievement: f64,
    progress_sum: f64,
    progressed: usize,
    all_achieved: bool,
}

impl<'a> Groups<'a> {
    pub(super) fn new(catalog: &'a Catalog, tier: Option<Tier>) -> Self {
        let selected: Vec<&Kpi> = catalog
            .kpis
            .iter()
            .filter(|k| tier.is_none_or(|t| t == k.tier))
            .collect();
        let tax = &catalog.taxonomy;
        let mut groups = Vec::new();
        if !selected.is_empty() {
            groups.push(Group {
                level: Level::Overall,
                code: "ALL",
                name: "Overall",
            });
        }
        let levels = [
            (Level::Dimension, &tax.dimensions),
            (Level::Subdimension, &tax.subdimensions),
            (Level::Category, &tax.categories),
        ];
        for (level, list) in levels {
            for g in list {
                if selected.iter().any(|k| member(k, level, &g.code)) {
                    groups.push(Group {
                        level,
                        code: &g.code,
                        name: &g.name,
                    });
                }
            }
        }
        Groups { groups }
    }

    /// Groups of another kind, each given whole: a measure's groups are named by
    /// [`Groups::summarize_by`]'s `members`.
    pub(super) fn from(groups: Vec<Group<'a>>) -> Self {
        Groups { groups }
    }

    /// The groups a KPI counts in: overall, dimension, sub-dimension, category.
    pub(super) fn of(&self, kpi: &Kpi) -> [usize; 4] {
        let find = |level: Level| {
            self.groups
                .iter()
                .position(|g| g.level == level && member(kpi, level, g.code))
                .unwrap_or(usize::MAX)
        };
        [
            find(Level::Overall),
            find(Level::Dimension),
            find(Level::Subdimension),
            find(Level::Category),
        ]
    }

    pub(super) fn summarize(
        &self,
        selected: &[Selected],
        outcomes: &[Outcome],
        scheme: &'a Scheme,
    ) -> Vec<Summary<'a>> {
        self.summarize_by(outcomes, |i| &selected[i].groups, scheme)
    }

    /// The roll-up of every group, where `members(i)` names the groups outcome `i` counts
    /// in (a KPI's parts are consecutive outcomes and count in the same groups).
    pub(super) fn summarize_by<'m>(
        &self,
        outcomes: &[Outcome],
        members: impl Fn(usize) -> &'m [usize],
        scheme: &'a Scheme,
    ) -> Vec<Summary<'a>> {
        let empty = Tally {
            core_defined: 0,
            core_computed: 0,
            advanced_defined: 0,
            advanced_computed: 0,
            core_verified: 0,
            advanced_verified: 0,
            kpis: Reporting::default(),
            data_points: Reporting::default(),
            scored: 0,
            points: 0,
            achievement: 0.0,
            progress_sum: 0.0,
            progressed: 0,
            all_achieved: true,
        };
        let mut tallies = vec![empty; self.groups.len()];
        let mut i = 0;
        // Coverage counts KPIs: one is computed when every part has a value.
        while i < outcomes.len() {
            let kpi = outcomes[i].kpi;
            let mut end = i;
            let mut computed = true;
            let mut verified = true;
            // Reported when a part is; verified when every reported part is.
            let (mut reported, mut reported_verified) = (false, true);
            while end < outcomes.len() && std::ptr::eq(outcomes[end].kpi, kpi) {
                let o = &outcomes[end];
                computed &= o.value.is_some();
                verified &= o.verified == Some(true);
                if o.is_reported() {
                    reported = true;
                    reported_verified &= o.verified == Some(true);
                }
                end += 1;
            }
            let verified = computed && verified;
            for &g in members(i) {
                let Some(t) = tallies.get_mut(g) else {
                    continue;
                };
                t.kpis.add(reported, reported_verified);
                for o in &outcomes[i..end] {
                    t.data_points.add(o.is_reported(), o.verified == Some(true));
                }
                match kpi.tier {
                    Tier::Core => {
                        t.core_defined += 1;
                        t.core_computed += usize::from(computed);
                        t.core_verified += usize::from(verified);
                    }
                    Tier::Advanced => {
                        t.advanced_defined += 1;
                        t.advanced_computed += usize::from(computed);
                        t.advanced_verified += usize::from(verified);
                    }
                }
            }
            i = end;
        }
        for (i, o) in outcomes.iter().enumerate() {
            if let Some(trend) = o.progress {
                for &g in members(i) {
                    if let Some(t) = tallies.get_mut(g) {
                        if let Some(score) = trend.progress.score {
                            t.progress_sum += score;
                            t.progressed += 1;
                        }
                        t.all_achieved &= trend.progress.status == ProgressStatus::TargetAchieved;
                    }
                }
            }
            let Some(score) = o.score else { continue };
            for &g in members(i) {
                if let Some(t) = tallies.get_mut(g) {
                    t.scored += 1;
                    t.points += u32::from(score.points);
                    t.achievement += score.achievement;
                }
            }
        }
        let max = u32::from(scheme.max_points());
        self.groups
            .iter()
            .zip(tallies)
            .map(|(g, t)| {
                let max_points = max * t.scored as u32;
                let score =
                    (max_points > 0).then(|| 100.0 * f64::from(t.points) / f64::from(max_points));
                Summary {
                    level: g.level,
                    code: g.code,
                    name: g.name,
                    core_defined: t.core_defined,
                    core_computed: t.core_computed,
                    advanced_defined: t.advanced_defined,
                    advanced_computed: t.advanced_computed,
                    core_verified: t.core_verified,
                    advanced_verified: t.advanced_verified,
                    kpis: t.kpis,
                    data_points: t.data_points,
                    scored: t.scored,
                    points: t.points,
                    max_points,
                    score,
                    band: score.map(|s| scheme.band_for(s)),
                    mean_achievement: (t.scored > 0).then(|| t.achievement / t.scored as f64),
                    progress: (t.progressed > 0).then(|| {
                        let mean = t.progress_sum / t.progressed as f64;
                        (mean, group_status(mean, t.all_achieved))
                    }),
                }
            })
            .collect()
    }
}

fn member(kpi: &Kpi, level: Level, code: &str) -> bool {
    match level {
        Level::Overall => true,
        Level::Dimension => kpi.dimension == code,
        Level::Subdimension => kpi.subdimension_code() == code,
        Level::Category => kpi.category_code() == code,
        Level::Goal | Level::Target => false,
    }
}
