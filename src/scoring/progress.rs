//! Progress toward a target over time: the Open SDG / Statistics Canada progress measure
//! (`methods.md` section 1), for one series (a city, a KPI or part, a base and a current year).
//! Pure arithmetic; it never reads data or formats.

use crate::catalog::Direction;

/// The status of a series, as Open SDG names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::IntoStaticStr, strum::Display)]
#[strum(serialize_all = "snake_case")]
pub enum ProgressStatus {
    TargetAchieved,
    SubstantialProgress,
    ModerateProgress,
    LimitedProgress,
    Deterioration,
    /// A yes/no KPI that is not yes.
    TargetNotAchieved,
    NotAvailable,
}

/// The year a target is for when it names none: Open SDG's default target year
/// (`methods.md` section 1), the year of the 2030 Agenda.
pub const DEFAULT_TARGET_YEAR: i32 = 2030;

/// One series: what the measure needs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Series {
    pub direction: Direction,
    pub base_year: i32,
    pub base_value: f64,
    pub current_year: i32,
    pub current_value: f64,
    /// The target and its year (method 2); without one, method 1.
    pub target: Option<(f64, i32)>,
    /// A natural limit (100 for a percentage) that scales method 1's thresholds.
    pub limit: Option<f64>,
    pub yes_no: bool,
}

/// The measure and its components, as Open SDG publishes them beside the status.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Progress {
    pub status: ProgressStatus,
    /// -5 to 5; `None` where not assessable, and for yes/no KPIs.
    pub score: Option<f64>,
    /// Compound annual growth observed from the base year to the current year.
    pub observed_growth: Option<f64>,
    /// Compound annual growth required to reach the target in its year (method 2).
    pub required_growth: Option<f64>,
    /// The factor a natural limit puts on method 1's thresholds (1 without a limit).
    pub limit_factor: Option<f64>,
}

/// `(v1 / v0) ^ (1 / (t1 - t0)) - 1`.
fn cagr(v1: f64, v0: f64, t1: i32, t0: i32) -> f64 {
    (v1 / v0).powf(1.0 / f64::from(t1 - t0)) - 1.0
}

fn not_available() -> Progress {
    Progress {
        status: ProgressStatus::NotAvailable,
        score: None,
        observed_growth: None,
        required_growth: None,
        limit_factor: None,
    }
}

/// The progress measure of one series.
pub fn measure(series: &Series) -> Progress {
    let s = series;
    if s.yes_no {
        let status = if s.current_value >= 1.0 {
            ProgressStatus::TargetAchieved
        } else {
            ProgressStatus::TargetNotAchieved
        };
        return Progress {
            status,
            ..not_available()
        };
    }
    let d = match s.direction {
        Direction::Higher => 1.0,
        Direction::Lower => -1.0,
        Direction::None => return not_available(),
    };
    if s.current_year - s.base_year < 1 || s.base_value * s.current_value < 0.0 {
        return not_available();
    }
    // A base of 0 (and a target of 0) becomes 0.001, as Open SDG does.
    let nonzero = |v: f64| if v == 0.0 { 0.001 } else { v };
    let (y0, yi) = (nonzero(s.base_value), s.current_value);
    let sign = if y0 < 0.0 { -1.0 } else { 1.0 };
    let observed = cagr(
        if yi == 0.0 { 0.0 } else { yi },
        y0,
        s.current_year,
        s.base_year,
    );
    if !observed.is_finite() {
        return not_available();
    }
    match s.target {
        Some((target, target_year)) => {
            let achieved = if d > 0.0 { yi >= target } else { yi <= target };
            if achieved {
                return Progress {
                    status: ProgressStatus::TargetAchieved,
                    score: Some(5.0),
                    observed_growth: Some(observed),
                    required_growth: None,
                    limit_factor: None,
                };
            }
            if target_year <= s.base_year {
                return not_available();
            }
            let required = cagr(nonzero(target), y0, target_year, s.base_year);
            if !required.is_finite() || required == 0.0 {
                return not_available();
            }
            let r = sign * d * observed / required.abs();
            let (status, score) = ratio_status(r);
            Progress {
                status,
                score: Some(score),
                observed_growth: Some(observed),
                required_growth: Some(required),
                limit_factor: None,
            }
        }
        None => {
            let p = sign * d * observed;
            let c = s.limit.map_or(1.0, |limit| limit_factor(y0.abs(), limit));
            let (status, score) = if c == 0.0 {
                if p >= 0.0 {
                    (ProgressStatus::SubstantialProgress, 5.0)
                } else {
                    (ProgressStatus::Deterioration, -5.0)
                }
            } else {
                growth_status(p / c)
            };
            Progress {
                status,
                score: Some(score),
                observed_growth: Some(observed),
                required_growth: None,
                limit_factor: Some(c),
            }
        }
    }
}

/// Method 2: the observed growth as a share of the required.
fn ratio_status(r: f64) -> (ProgressStatus, f64) {
    let status = if r >= 0.95 {
        ProgressStatus::SubstantialProgress
    } else if r >= 0.60 {
        ProgressStatus::ModerateProgress
    } else if r >= 0.0 {
        ProgressStatus::LimitedProgress
    } else {
        ProgressStatus::Deterioration
    };
    let score = if r >= 0.60 {
        (7.1429 * r - 4.2857).min(5.0)
    } else {
        (4.1667 * r - 2.5).max(-5.0)
    };
    (status, score)
}

/// Method 1: the observed growth against fixed thresholds (already scaled by the limit).
fn growth_status(p: f64) -> (ProgressStatus, f64) {
    if p < 0.0 {
        (ProgressStatus::Deterioration, (125.0 * p - 2.5).max(-5.0))
    } else if p >= 0.015 {
        (
            ProgressStatus::SubstantialProgress,
            (500.0 * p - 5.0).min(5.0),
        )
    } else if p >= 0.005 {
        (ProgressStatus::ModerateProgress, 250.0 * p - 1.25)
    } else {
        (ProgressStatus::LimitedProgress, 500.0 * p - 2.5)
    }
}

/// How a natural limit `limit` scales the thresholds for a base of `b` (= |y0|).
fn limit_factor(b: f64, limit: f64) -> f64 {
    const A: f64 = 4.44;
    if b >= 2.0 * limit {
        1.0
    } else if b <= limit {
        1.0 - (b / limit).powf(A)
    } else {
        1.0 - ((2.0 * limit - b) / limit).powf(A)
    }
}

/// The status of a group from the mean of its members' scores.
pub fn group_status(mean: f64, all_achieved: bool) -> ProgressStatus {
    if all_achieved {
        ProgressStatus::TargetAchieved
    } else if mean >= 2.5 {
        ProgressStatus::SubstantialProgress
    } else if mean >= 0.0 {
        ProgressStatus::ModerateProgress
    } else if mean >= -2.5 {
        ProgressStatus::LimitedProgress
    } else {
        ProgressStatus::Deterioration
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ProgressStatus::*;

    fn series(direction: Direction, y0: f64, yi: f64, target: Option<(f64, i32)>) -> Series {
        Series {
            direction,
            base_year: 2020,
            base_value: y0,
            current_year: 2024,
            current_value: yi,
            target,
            limit: None,
            yes_no: false,
        }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn method_2_gives_each_status_by_the_ratio_of_growths() {
        // Required: 50 -> 100 from 2020 to 2030, CAGR_req = 2^(1/10) - 1.
        let target = Some((100.0, 2030));
        let req: f64 = 2f64.powf(0.1) - 1.0;
        let on = |r: f64| 50.0 * (1.0 + r * req).powi(4);
        for (r, status) in [
            (1.0, SubstantialProgress),
            (0.8, ModerateProgress),
            (0.3, LimitedProgress),
            (-0.5, Deterioration),
        ] {
            let p = measure(&series(Direction::Higher, 50.0, on(r), target));
            assert_eq!(p.status, status, "R = {r}");
            let ratio = p.observed_growth.unwrap() / p.required_growth.unwrap();
            assert!(close(ratio, r), "R = {r}: {ratio}");
        }
        let p = measure(&series(Direction::Higher, 50.0, on(1.0), target));
        assert!(close(p.score.unwrap(), 7.1429 - 4.2857));
        let p = measure(&series(Direction::Higher, 50.0, on(0.3), target));
        assert!(close(p.score.unwrap(), 4.1667 * 0.3 - 2.5));
    }

    #[test]
    fn a_target_met_scores_5_in_either_direction() {
        let up = measure(&series(Direction::Higher, 50.0, 101.0, Some((100.0, 2030))));
        assert_eq!((up.status, up.score), (TargetAchieved, Some(5.0)));
        let down = measure(&series(Direction::Lower, 50.0, 9.0, Some((10.0, 2030))));
        assert_eq!((down.status, down.score), (TargetAchieved, Some(5.0)));
    }

    #[test]
    fn lower_is_better_turns_the_sign() {
        let target = Some((10.0, 2030));
        // 50 -> 20 in 4 years against 50 -> 10 in 10: R = 1.38.
        assert_eq!(
            measure(&series(Direction::Lower, 50.0, 20.0, target)).status,
            SubstantialProgress
        );
        // 50 -> 30: R = 0.81.
        assert_eq!(
            measure(&series(Direction::Lower, 50.0, 30.0, target)).status,
            ModerateProgress
        );
        assert_eq!(
            measure(&series(Direction::Lower, 50.0, 60.0, target)).status,
            Deterioration
        );
    }

    #[test]
    fn a_zero_base_becomes_0_001_and_opposite_signs_are_not_assessable() {
        let p = measure(&series(Direction::Higher, 0.0, 5.0, None));
        assert!(close(
            p.observed_growth.unwrap(),
            (5.0f64 / 0.001).powf(0.25) - 1.0
        ));
        assert_eq!(
            measure(&series(Direction::Higher, -5.0, 5.0, None)).status,
            NotAvailable
        );
    }

    #[test]
    fn negative_values_keep_their_direction() {
        // -10 to -5 is growth towards zero: the CAGR of the magnitudes is negative, s = -1.
        let p = measure(&series(Direction::Higher, -10.0, -5.0, None));
        assert_eq!(p.status, SubstantialProgress);
        assert!(p.score.unwrap() > 0.0);
    }

    #[test]
    fn a_target_year_at_or_before_the_base_or_one_year_of_data_is_not_assessable() {
        assert_eq!(
            measure(&series(Direction::Higher, 50.0, 60.0, Some((100.0, 2020)))).status,
            NotAvailable
        );
        let mut same = series(Direction::Higher, 50.0, 60.0, None);
        same.current_year = 2020;
        assert_eq!(measure(&same).status, NotAvailable);
    }

    #[test]
    fn a_target_year_already_passed_still_measures_against_the_required_growth() {
        let mut s = series(Direction::Higher, 50.0, 60.0, Some((100.0, 2022)));
        s.current_year = 2024;
        let p = measure(&s);
        assert_eq!(p.status, LimitedProgress);
    }

    #[test]
    fn method_1_thresholds_and_scores() {
        let grow = |rate: f64| 100.0 * (1.0 + rate).powi(4);
        let at = |rate| measure(&series(Direction::Higher, 100.0, grow(rate), None));
        assert_eq!(at(0.02).status, SubstantialProgress);
        assert!(close(at(0.02).score.unwrap(), 500.0 * 0.02 - 5.0));
        assert_eq!(at(0.01).status, ModerateProgress);
        assert!(close(at(0.01).score.unwrap(), 250.0 * 0.01 - 1.25));
        assert_eq!(at(0.002).status, LimitedProgress);
        assert!(close(at(0.002).score.unwrap(), 500.0 * 0.002 - 2.5));
        assert_eq!(at(-0.01).status, Deterioration);
        assert!(close(at(-0.01).score.unwrap(), 125.0 * -0.01 - 2.5));
        assert_eq!(at(0.02).limit_factor, Some(1.0));
    }

    #[test]
    fn method_1_with_a_limit_scales_the_thresholds() {
        // Base 90 of a limit of 100: C = 1 - 0.9^4.44 = 0.37; 1 % a year, moderate without a
        // limit, is substantial this close to it.
        let mut s = series(Direction::Higher, 90.0, 90.0 * 1.01f64.powi(4), None);
        s.limit = Some(100.0);
        let p = measure(&s);
        let c = 1.0 - 0.9f64.powf(4.44);
        assert!(close(p.limit_factor.unwrap(), c));
        assert_eq!(p.status, growth_status(p.observed_growth.unwrap() / c).0);
        assert_eq!(p.status, SubstantialProgress);
        // At the limit itself C = 0: any growth, or none, is on track.
        s.base_value = 100.0;
        s.current_value = 100.0;
        assert_eq!(measure(&s).status, SubstantialProgress);
        assert_eq!(limit_factor(250.0, 100.0), 1.0);
        assert!(close(limit_factor(150.0, 100.0), 1.0 - 0.5f64.powf(4.44)));
    }

    #[test]
    fn yes_no_kpis_are_achieved_or_not() {
        let mut s = series(Direction::Higher, 0.0, 1.0, None);
        s.yes_no = true;
        assert_eq!(measure(&s).status, TargetAchieved);
        s.current_value = 0.5;
        assert_eq!(
            (measure(&s).status, measure(&s).score),
            (TargetNotAchieved, None)
        );
    }

    #[test]
    fn groups_take_the_status_of_their_mean_score() {
        assert_eq!(group_status(3.0, false), SubstantialProgress);
        assert_eq!(group_status(1.0, false), ModerateProgress);
        assert_eq!(group_status(-1.0, false), LimitedProgress);
        assert_eq!(group_status(-3.0, false), Deterioration);
        assert_eq!(group_status(5.0, true), TargetAchieved);
    }
}
