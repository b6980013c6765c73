//! Every SDG link in the embedded catalogue (`sdg = [...]` in kpi-definitions) is a real SDG
//! target: one of the 169 of UN resolution A/RES/70/1, listed with its source in
//! tests/ngsi/sdg-targets.txt.

use std::collections::BTreeSet;

use citykpi::catalog::Catalog;

/// The 169 target codes, from tests/ngsi/sdg-targets.txt (`#` lines are its notes).
fn targets() -> BTreeSet<String> {
    let text = include_str!("ngsi/sdg-targets.txt");
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(str::to_string)
        .collect()
}

#[test]
fn the_list_has_the_169_targets_of_the_17_goals() {
    let targets = targets();
    assert_eq!(targets.len(), 169);
    for goal in 1..=17 {
        assert!(targets.contains(&format!("{goal}.1")), "goal {goal}");
    }
    // The last of each kind, and none past them.
    for code in ["1.b", "3.d", "8.10", "16.10", "16.b", "17.19"] {
        assert!(targets.contains(code), "{code}");
    }
    for code in ["0.1", "1.6", "1.c", "17.20", "17.a", "18.1", "11"] {
        assert!(!targets.contains(code), "{code}");
    }
}

#[test]
fn every_sdg_link_of_the_catalogue_is_a_real_target() {
    let targets = targets();
    let catalog = Catalog::embedded();
    let mut links = 0;
    let mut wrong = Vec::new();
    for kpi in &catalog.kpis {
        for sdg in &kpi.sdg {
            links += 1;
            if !targets.contains(sdg) {
                wrong.push(format!("{} ({}:{}): {sdg:?}", kpi.code, kpi.file, kpi.line));
            }
        }
    }
    assert!(wrong.is_empty(), "not SDG targets:\n{}", wrong.join("\n"));
    assert!(
        links >= catalog.kpis.len(),
        "{links} links for {} KPIs",
        catalog.kpis.len()
    );
    // The one SDG the reference list (shared/u4ssc-kpis.md) names: maternal mortality's
    // target of 70 is SDG 3.1's.
    let maternal = catalog
        .kpis
        .iter()
        .find(|k| k.code == "SC:EH:H:2C")
        .unwrap();
    assert!(
        maternal.sdg.iter().any(|s| s == "3.1"),
        "{:?}",
        maternal.sdg
    );
}
