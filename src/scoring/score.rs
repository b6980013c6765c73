//! The U4SSC rule for one value: the share of its target achieved, capped at 100 %, and the
//! band's points; its inverse (the value a band needs); and why a value goes unscored. Pure
//! arithmetic; it never formats.

use crate::catalog::{Band, Direction, Measure, Scheme};

use super::{NotScored, Outcome, Score};

/// Score a value against a target. `None` where the measure is not scored:
/// no direction, no target, or marked never scored.
pub fn score(measure: &Measure, target: Option<f64>, value: f64, scheme: &Scheme) -> Option<Score> {
    if !measure.scorable || measure.direction == Direction::None {
        return None;
    }
    if measure.is_yes_no() {
        let (achievement, points) = if value >= 1.0 {
            (100.0, scheme.yes_points)
        } else if value <= 0.0 {
            (0.0, scheme.no_points)
        } else {
            (value * 100.0, scheme.partial_points)
        };
        return Some(Score {
            achievement,
            points,
        });
    }
    let target = target?;
    let share = match measure.direction {
        Direction::Higher if target > 0.0 => value / target,
        Direction::Higher => f64::from(u8::from(value >= target)),
        Direction::Lower if value <= target => 1.0,
        Direction::Lower if target > 0.0 => target / value,
        // Zero-harm target: a reference value earns 0 %; without one, any harm earns the lowest band.
        Direction::Lower => measure
            .reference
            .map_or(0.0, |reference| 1.0 - value / reference),
        Direction::None => return None,
    };
    let achievement = (share * 100.0).clamp(0.0, 100.0);
    Some(Score {
        achievement,
        points: scheme.band_for(achievement).points,
    })
}

/// The value a measure needs for an achievement of `percent` against `target`: the inverse
/// of [`score`]. `None` where no value reaches it (yes/no KPIs, a zero target without a
/// reference, no direction).
pub fn value_for(measure: &Measure, target: f64, percent: f64) -> Option<f64> {
    let share = percent / 100.0;
    match measure.direction {
        _ if measure.is_yes_no() => None,
        Direction::Higher if target > 0.0 => Some(target * share),
        Direction::Lower if target > 0.0 && share > 0.0 => Some(target / share),
        Direction::Lower if target == 0.0 => measure.reference.map(|r| r * (1.0 - share)),
        _ => None,
    }
}

/// The next band up from `outcome`'s and the value that reaches it; `None` at the top band
/// or where no value reaches it. For a yes/no KPI, the next answer up: partial (0.5) after
/// no, yes (1) after partial.
pub fn next_band<'s>(scheme: &'s Scheme, outcome: &Outcome) -> Option<(&'s Band, f64)> {
    let score = outcome.score?;
    if outcome.measure.is_yes_no() {
        // No, then partial, then yes: the next answer up and the band its share falls in.
        let value = outcome.value?;
        let next = [0.5, 1.0].into_iter().find(|&v| v > value)?;
        return Some((scheme.band_for(next * 100.0), next));
    }
    let target = outcome.target?.value;
    let next = scheme
        .bands
        .iter()
        .filter(|b| b.points > score.points)
        .min_by_key(|b| b.points)?;
    value_for(outcome.measure, target, next.from).map(|v| (next, v))
}

/// Why a measure has no score, where it has a value but cannot be scored.
pub(super) fn not_scored(measure: &Measure, target: Option<f64>) -> Option<NotScored> {
    if !measure.scorable {
        Some(NotScored::Never)
    } else if measure.direction == Direction::None {
        Some(NotScored::NoDirection)
    } else if target.is_none() && !measure.is_yes_no() {
        Some(NotScored::NoTarget)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::formula::Formula;

    fn scheme() -> Scheme {
        let band = |from: f64, points: u8| Band {
            from,
            points,
            label: format!("{points}"),
            colour: String::new(),
        };
        Scheme {
            bands: vec![band(95.0, 4), band(66.0, 3), band(33.0, 2), band(0.0, 1)],
            yes_points: 4,
            partial_points: 2,
            no_points: 1,
            plausibility: Default::default(),
        }
    }

    fn measure(direction: Direction, unit: &str, reference: Option<f64>) -> Measure {
        Measure {
            key: "X:X:X:1C".into(),
            id: "x_x_x_1c".into(),
            part: None,
            part_name: None,
            formula: Formula::compile("a").unwrap(),
            unit: unit.into(),
            direction,
            target: None,
            target_source: None,
            reference,
            scorable: true,
            kind: crate::catalog::MeasureKind::of(unit),
            min: None,
            max: None,
            line: 1,
        }
    }

    fn points(direction: Direction, target: f64, value: f64) -> (f64, u8) {
        let s = score(
            &measure(direction, "%", None),
            Some(target),
            value,
            &scheme(),
        )
        .unwrap();
        (s.achievement, s.points)
    }

    #[test]
    fn higher_is_better_divides_value_by_target_and_caps() {
        assert_eq!(points(Direction::Higher, 100.0, 97.0), (97.0, 4));
        assert_eq!(points(Direction::Higher, 100.0, 80.0), (80.0, 3));
        assert_eq!(points(Direction::Higher, 100.0, 50.0), (50.0, 2));
        assert_eq!(points(Direction::Higher, 100.0, 10.0), (10.0, 1));
        assert_eq!(points(Direction::Higher, 100.0, 150.0), (100.0, 4));
    }

    #[test]
    fn lower_is_better_divides_target_by_value() {
        assert_eq!(points(Direction::Lower, 30.0, 60.0), (50.0, 2));
        assert_eq!(points(Direction::Lower, 30.0, 20.0), (100.0, 4));
        assert_eq!(points(Direction::Lower, 1.0, 0.0), (100.0, 4));
    }

    #[test]
    fn band_edges_belong_to_the_upper_band() {
        assert_eq!(points(Direction::Higher, 100.0, 95.0).1, 4);
        assert_eq!(points(Direction::Higher, 100.0, 66.0).1, 3);
        assert_eq!(points(Direction::Higher, 100.0, 33.0).1, 2);
        assert_eq!(points(Direction::Higher, 100.0, 32.99).1, 1);
    }

    #[test]
    fn zero_targets_use_the_reference_or_all_or_nothing() {
        let with_reference = measure(Direction::Lower, "per 100k", Some(20.0));
        let s = score(&with_reference, Some(0.0), 5.0, &scheme()).unwrap();
        assert_eq!((s.achievement, s.points), (75.0, 3));
        let s = score(&with_reference, Some(0.0), 40.0, &scheme()).unwrap();
        assert_eq!((s.achievement, s.points), (0.0, 1));
        let without = measure(Direction::Lower, "%", None);
        assert_eq!(
            score(&without, Some(0.0), 0.0, &scheme()).unwrap().points,
            4
        );
        assert_eq!(
            score(&without, Some(0.0), 0.1, &scheme()).unwrap().points,
            1
        );
    }

    #[test]
    fn no_target_or_no_direction_is_not_scored() {
        assert_eq!(
            score(
                &measure(Direction::Higher, "%", None),
                None,
                50.0,
                &scheme()
            ),
            None
        );
        assert_eq!(
            score(
                &measure(Direction::None, "%", None),
                Some(1.0),
                50.0,
                &scheme()
            ),
            None
        );
        let mut never = measure(Direction::Higher, "count", None);
        never.scorable = false;
        assert_eq!(score(&never, Some(1.0), 50.0, &scheme()), None);
    }

    #[test]
    fn value_for_is_the_inverse_of_score() {
        for (direction, target, reference) in [
            (Direction::Higher, 80.0, None),
            (Direction::Lower, 30.0, None),
            (Direction::Lower, 0.0, Some(20.0)),
        ] {
            let m = measure(direction, "%", reference);
            for percent in [33.0, 66.0, 95.0] {
                let v = value_for(&m, target, percent).unwrap();
                let s = score(&m, Some(target), v, &scheme()).unwrap();
                assert!(
                    (s.achievement - percent).abs() < 1e-9,
                    "{direction:?} {percent}"
                );
            }
        }
        assert_eq!(
            value_for(&measure(Direction::Lower, "%", None), 0.0, 95.0),
            None
        );
    }

    #[test]
    fn yes_no_scores_yes_partial_no() {
        let m = measure(Direction::Higher, "yes/no", None);
        assert_eq!(score(&m, None, 1.0, &scheme()).unwrap().points, 4);
        assert_eq!(score(&m, None, 0.6, &scheme()).unwrap().points, 2);
        assert_eq!(score(&m, None, 0.0, &scheme()).unwrap().points, 1);
    }

    proptest! {
        /// For any value (formulas can give negatives), any target including 0, any
        /// reference, either direction and yes/no: a share of 0-100 and points of a band.
        #[test]
        fn achievement_is_a_share_and_points_a_band(
            value in -1e9f64..1e9,
            target in prop_oneof![Just(0.0), 0.0f64..1e9],
            reference in proptest::option::of(1e-6f64..1e6),
            kind in 0u8..3,
        ) {
            let m = match kind {
                0 => measure(Direction::Higher, "%", reference),
                1 => measure(Direction::Lower, "%", reference),
                _ => measure(Direction::Higher, "yes/no", None),
            };
            let s = score(&m, Some(target), value, &scheme()).unwrap();
            prop_assert!((0.0..=100.0).contains(&s.achievement), "{s:?}");
            prop_assert!((1..=4).contains(&s.points), "{s:?}");
            prop_assert_eq!(scheme().band_for(s.achievement).points, s.points);
        }

        /// More is never worse where higher is better, and never better where lower is.
        #[test]
        fn achievement_follows_the_direction(a in 0.0f64..1e6, b in 0.0f64..1e6, target in 1e-3f64..1e6) {
            let (low, high) = if a <= b { (a, b) } else { (b, a) };
            let higher = measure(Direction::Higher, "%", None);
            let lower = measure(Direction::Lower, "%", None);
            let at = |m: &Measure, v| score(m, Some(target), v, &scheme()).unwrap().achievement;
            prop_assert!(at(&higher, low) <= at(&higher, high));
            prop_assert!(at(&lower, low) >= at(&lower, high));
        }
    }
}
