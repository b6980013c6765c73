//! KPI codes and ids: the published spelling (`EC: ICT: ICT: 1C`), the canonical code,
//! the id formulas use (`ec_ict_ict_1c`), and the catalogue order. Pure functions that
//! never read files.

use super::{Kpi, Taxonomy};

/// `EC: ICT: ICT: 1C` -> `EC:ICT:ICT:1C`; a `/part` suffix keeps its case.
pub fn normalize_code(code: &str) -> String {
    let compact: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    match compact.split_once('/') {
        Some((code, part)) => format!(
            "{}/{}",
            code.to_ascii_uppercase(),
            part.to_ascii_lowercase()
        ),
        None => compact.to_ascii_uppercase(),
    }
}

pub(super) fn is_snake_id(id: &str) -> bool {
    let mut chars = id.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

pub(super) fn code_is_well_formed(code: &str) -> bool {
    let segments: Vec<&str> = code.split(':').collect();
    segments.len() == 4
        && segments[..3]
            .iter()
            .all(|s| !s.is_empty() && s.chars().all(|c| c.is_ascii_uppercase()))
        && segments[3]
            .strip_suffix(['C', 'A'])
            .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
}

pub(super) fn sort_key(kpi: &Kpi, taxonomy: &Taxonomy) -> (usize, usize, usize, u32, String) {
    let segments: Vec<&str> = kpi.code.split(':').collect();
    let number: u32 = segments[3]
        .trim_end_matches(['C', 'A'])
        .parse()
        .unwrap_or(u32::MAX);
    (
        taxonomy.position(segments[0]),
        taxonomy.position(&format!("{}:{}", segments[0], segments[1])),
        taxonomy.position(&format!("{}:{}:{}", segments[0], segments[1], segments[2])),
        number,
        kpi.code.clone(),
    )
}

/// The id a KPI code is known by in formulas: lower case, `:` and `/` as `_`.
pub fn id_for_code(code: &str) -> String {
    code.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            ':' | '/' | '-' => '_',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_normalize_from_the_published_spelling() {
        assert_eq!(normalize_code("EC: ICT: ICT: 1C"), "EC:ICT:ICT:1C");
        assert_eq!(normalize_code("en:en:aq:1c/PM2_5"), "EN:EN:AQ:1C/pm2_5");
        assert!(code_is_well_formed("EC:ICT:ICT:1C"));
        assert!(!code_is_well_formed("EC:ICT:1C"));
        assert!(!code_is_well_formed("EC:ICT:ICT:1X"));
        assert!(!code_is_well_formed("EC:ICT:ICT:1é"));
        assert!(!code_is_well_formed("EC:ICT:ICT:é"));
        assert!(!code_is_well_formed("EC:ICT:ICT:C"));
    }

    #[test]
    fn ids_are_codes_in_lower_case_with_underscores() {
        assert_eq!(id_for_code("EC:ICT:ICT:1C"), "ec_ict_ict_1c");
        assert_eq!(id_for_code("EN:EN:AQ:1C/pm2_5"), "en_en_aq_1c_pm2_5");
        assert_eq!(id_for_code("EC: ICT: ICT: 1C"), "ec_ict_ict_1c");
    }
}
