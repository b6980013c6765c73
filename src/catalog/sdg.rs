//! The 17 Sustainable Development Goals and their 169 targets (UN resolution A/RES/70/1, as
//! numbered in the global indicator framework, A/RES/71/313): what a KPI's `sdg` links may
//! name. Plain data; the grouping of results by SDG is `scoring::sdg`'s.

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
pub static GOALS: [Goal; 17] = [
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

/// Whether `code` is one of the 169 targets (`11.2`, `3.d`, `17.19`).
pub fn is_target(code: &str) -> bool {
    Goal::of(code).is_some_and(|g| g.targets().any(|t| t == code))
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
        assert!(is_target("3.d") && is_target("8.10") && is_target("17.19"));
        assert!(!is_target("11.99") && !is_target("3.e") && !is_target("11") && !is_target("17.a"));
    }
}
