//! The U4SSC data-quality levels and the verified flag: their names, and how a data file
//! may write them. The loader reads them into the dataset and the reports show them; this
//! module only names and parses, it never decides which KPI a level applies to.

/// The six U4SSC data-quality levels (Verification Manual, data-collection template), from
/// the strongest (1) to the weakest (6).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    strum::EnumIter,
    strum::IntoStaticStr,
    strum::EnumString,
)]
#[strum(serialize_all = "kebab-case", ascii_case_insensitive)]
pub enum Quality {
    /// 1. Based on accurate measurements.
    Measured = 1,
    /// 2. Extrapolated based on a survey of inhabitants.
    Survey = 2,
    /// 3. Extrapolated based on higher-level data.
    HigherLevel = 3,
    /// 4. Estimation based on certain assumptions.
    Assumptions = 4,
    /// 5. Personal estimation.
    Personal = 5,
    /// 6. Unknown methodology, not traceable.
    Unknown = 6,
}

impl Quality {
    /// 1 (strongest) to 6 (weakest).
    pub fn level(self) -> u8 {
        self as u8
    }

    /// The short id data files may use (`measured`, `higher-level`).
    pub fn id(self) -> &'static str {
        self.into()
    }

    /// The level as the U4SSC template words it.
    pub fn description(self) -> &'static str {
        match self {
            Quality::Measured => "Based on accurate measurements",
            Quality::Survey => "Extrapolated based on survey of inhabitants",
            Quality::HigherLevel => "Extrapolated based on higher-level data",
            Quality::Assumptions => "Estimation based on certain assumptions",
            Quality::Personal => "Personal estimation",
            Quality::Unknown => "Unknown methodology, not traceable",
        }
    }

    pub fn from_level(level: u8) -> Option<Quality> {
        use strum::IntoEnumIterator;
        Quality::iter().find(|q| q.level() == level)
    }

    /// A level as a data file writes it: its number (`3`, `3.0`), its short id
    /// (`higher-level`) or the template's words; `None` for anything else.
    pub fn parse(raw: &str) -> Option<Quality> {
        let raw = raw.trim();
        let number = raw.strip_suffix(".0").unwrap_or(raw);
        if let Ok(level) = number.parse::<u8>() {
            return Quality::from_level(level);
        }
        use strum::IntoEnumIterator;
        raw.parse::<Quality>()
            .ok()
            .or_else(|| Quality::iter().find(|q| q.description().eq_ignore_ascii_case(raw)))
    }

    /// What a data file may write, for messages.
    pub fn accepted() -> String {
        use strum::IntoEnumIterator;
        let ids: Vec<String> = Quality::iter()
            .map(|q| format!("{} = {}", q.level(), q.id()))
            .collect();
        format!("a level 1-6 or its id ({})", ids.join(", "))
    }

    /// The weaker of two levels (the higher number).
    pub fn weakest(levels: impl IntoIterator<Item = Quality>) -> Option<Quality> {
        levels.into_iter().max()
    }
}

/// A verified flag as a data file writes it: `yes`/`no`, `y`/`n`, `true`/`false`, `1`/`0`.
pub fn parse_verified(raw: &str) -> Option<bool> {
    match raw.trim().to_ascii_lowercase().as_str() {
        "yes" | "y" | "true" | "1" => Some(true),
        "no" | "n" | "false" | "0" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use strum::IntoEnumIterator;

    #[test]
    fn every_level_reads_back_by_number_id_and_words() {
        for q in Quality::iter() {
            assert_eq!(Quality::parse(&q.level().to_string()), Some(q));
            assert_eq!(Quality::parse(&format!("{}.0", q.level())), Some(q));
            assert_eq!(Quality::parse(q.id()), Some(q));
            assert_eq!(Quality::parse(&q.id().to_uppercase()), Some(q));
            assert_eq!(Quality::parse(q.description()), Some(q));
        }
    }

    #[test]
    fn anything_else_is_not_a_level() {
        for raw in ["0", "7", "1.5", "", "good", "-1", "3a"] {
            assert_eq!(Quality::parse(raw), None, "{raw}");
        }
    }

    #[test]
    fn the_weakest_is_the_highest_number() {
        let levels = [Quality::Survey, Quality::Personal, Quality::Measured];
        assert_eq!(Quality::weakest(levels), Some(Quality::Personal));
        assert_eq!(Quality::weakest([]), None);
    }

    #[test]
    fn verified_flags() {
        assert_eq!(parse_verified(" Yes "), Some(true));
        assert_eq!(parse_verified("0"), Some(false));
        assert_eq!(parse_verified("maybe"), None);
    }
}
