//! Units and their exact conversions: groups of units that convert into one another
//! (`units.toml`), the spellings data files use for them, and conversions that belong to
//! one variable (ppb to µg/m³ depends on the gas). Pure lookups; it never reads files.

use super::{Money, Variable};

/// One unit of a group: its name, how many of the group's first unit it makes, its spellings.
#[derive(Debug, Clone)]
pub struct Unit {
    pub name: String,
    pub in_base: f64,
    pub aliases: Vec<String>,
}

/// Every group of convertible units.
#[derive(Debug, Clone, Default)]
pub struct Units {
    pub groups: Vec<(String, Vec<Unit>)>,
}

/// A unit as compared: no spaces, lower case, `l` for `ℓ`, `m3` for `m³`, `ug` for `µg`.
pub fn normalize(unit: &str) -> String {
    unit.chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_lowercase()
        .replace('ℓ', "l")
        .replace('³', "3")
        .replace('²', "2")
        .replace(['µ', 'μ'], "u")
}

impl Unit {
    fn is(&self, normalized: &str) -> bool {
        normalize(&self.name) == normalized
            || self.aliases.iter().any(|a| normalize(a) == normalized)
    }
}

impl Units {
    fn find(&self, normalized: &str) -> Option<(usize, &Unit)> {
        self.groups
            .iter()
            .enumerate()
            .find_map(|(g, (_, units))| units.iter().find(|u| u.is(normalized)).map(|u| (g, u)))
    }

    /// The factor that turns a value in `from` into `to`, when both are one unit or in one
    /// group: `Some(1.0)` for the same unit, `None` when they do not convert.
    pub fn factor(&self, from: &str, to: &str) -> Option<f64> {
        let (from, to) = (normalize(from), normalize(to));
        if from == to {
            return Some(1.0);
        }
        match (self.find(&from), self.find(&to)) {
            (Some((g, a)), Some((h, b))) if g == h => Some(a.in_base / b.in_base),
            (Some((_, a)), Some((_, b))) if std::ptr::eq(a, b) => Some(1.0),
            _ => None,
        }
    }

    /// Every spelling of every unit the groups know, and a variable's own aliases and
    /// conversions: the units a value of `variable` may be given in (some do not convert).
    pub fn spellings<'a>(
        &'a self,
        variable: Option<&'a Variable>,
    ) -> impl Iterator<Item = &'a str> {
        let own = variable.into_iter().flat_map(|v| {
            std::iter::once(v.unit.as_str())
                .chain(v.aliases.iter().map(String::as_str))
                .chain(v.convert.iter().map(|(u, _)| u.as_str()))
        });
        let grouped = self.groups.iter().flat_map(|(_, units)| {
            units.iter().flat_map(|u| {
                std::iter::once(u.name.as_str()).chain(u.aliases.iter().map(String::as_str))
            })
        });
        own.chain(grouped)
    }

    /// The factor that turns a value given in `unit` into the variable's own unit: the same
    /// unit or one of the variable's aliases, a conversion the variable declares (ppb for a
    /// gas), a conversion within a group of `units.toml`, or, for an amount of money in any
    /// currency (`any_currency`), the scale alone (`NOK thousand` to `EUR million` is 0.001:
    /// the currency is the city's, checked once per city-year by the loader).
    pub fn to_variable(&self, unit: &str, variable: &Variable) -> Option<f64> {
        let given = normalize(unit);
        if normalize(&variable.unit) == given
            || variable.aliases.iter().any(|a| normalize(a) == given)
        {
            return Some(1.0);
        }
        if let Some((_, factor)) = variable.convert.iter().find(|(u, _)| normalize(u) == given) {
            return Some(*factor);
        }
        if variable.any_currency {
            if let (Some(given), Some(own)) = (Money::parse(unit), Money::parse(&variable.unit)) {
                if given.rest == own.rest {
                    return Some(given.scale / own.scale);
                }
            }
        }
        self.factor(unit, &variable.unit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn units() -> Units {
        let unit = |name: &str, in_base: f64, aliases: &[&str]| Unit {
            name: name.into(),
            in_base,
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
        };
        Units {
            groups: vec![
                (
                    "time".into(),
                    vec![unit("minutes", 1.0, &["min"]), unit("hours", 60.0, &["h"])],
                ),
                (
                    "volume".into(),
                    vec![unit("l", 1.0, &["litres"]), unit("m³", 1000.0, &[])],
                ),
            ],
        }
    }

    #[test]
    fn units_convert_within_a_group_only() {
        let u = units();
        assert_eq!(u.factor("hours", "minutes"), Some(60.0));
        assert_eq!(u.factor("min", "h"), Some(1.0 / 60.0));
        assert_eq!(u.factor("m3", "litres"), Some(1000.0));
        assert_eq!(u.factor(" Minutes ", "minutes"), Some(1.0));
        assert_eq!(u.factor("hours", "litres"), None);
        assert_eq!(u.factor("furlongs", "minutes"), None);
    }
}

#[cfg(test)]
mod catalogue_tests {
    use super::normalize;
    use crate::catalog::Catalog;

    /// Every spelling in `units.toml` names one unit: the printed U4SSC labels are aliases,
    /// and none of them is claimed by two units.
    #[test]
    fn every_spelling_names_one_unit_and_the_printed_labels_are_known() {
        let catalog = Catalog::embedded();
        let mut seen = std::collections::HashMap::new();
        for (group, units) in &catalog.units.groups {
            for unit in units {
                for spelling in std::iter::once(&unit.name).chain(&unit.aliases) {
                    let this = (group, &unit.name);
                    let before = seen.insert(normalize(spelling), this);
                    assert!(
                        before.is_none_or(|b| b == this),
                        "{spelling} is {before:?} and {group}/{}",
                        unit.name
                    );
                }
            }
        }
        let u = &catalog.units;
        for (printed, unit) in [
            ("ℓ / day (per capita)", "l per capita per day"),
            ("/ 100 000 inhabitants", "per 100k"),
            ("FTE / 100 000 inhabitants", "per 100k"),
            ("Ratio Female: Male", "ratio"),
            ("% GDP", "%"),
            ("% / City GDP", "%"),
            ("Services", "count"),
            ("Minutes", "minutes"),
            ("km / 100 000 inhabitants", "km per 100k"),
        ] {
            assert_eq!(u.factor(printed, unit), Some(1.0), "{printed}");
        }
        assert_eq!(
            u.factor("ha / 100 000 inhabitants", "m² per 100k"),
            Some(10_000.0)
        );
    }
}
