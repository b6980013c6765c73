//! The U4SSC scoring rule as SQL: each value's target (a city's own from the targets file,
//! else one for every city, else the catalogue's), its achievement, points and band, and
//! the roll-ups of categories, sub-dimensions, dimensions and the whole. The arithmetic is
//! that of `scoring::score` and the roll-ups', step for step, so the numbers are the same.
//! It writes text; it never runs a query.

use std::fmt::Write as _;

use super::{
    optional_string, spread, string, values::literal_cte, Dialect, ExportError, Options, KPIS_VIEW,
    ROLLUPS_VIEW,
};
use crate::catalog::{Catalog, Scheme};

/// `CASE` giving what the band of a percentage `x` holds (`band_for`): the first band whose
/// `from` it reaches, else the lowest band.
fn band_of(x: &str, scheme: &Scheme, what: impl Fn(&crate::catalog::Band) -> String) -> String {
    let mut case = format!("CASE WHEN {x} IS NULL THEN NULL");
    let Some((last, higher)) = scheme.bands.split_last() else {
        return "NULL".into();
    };
    for band in higher {
        let _ = write!(case, " WHEN {x} >= {:?} THEN {}", band.from, what(band));
    }
    let _ = write!(case, " ELSE {} END", what(last));
    case
}

/// The targets a targets file sets, as rows: `(city_key, position, target, target_source,
/// target_origin)`, `city_key` the city in lower case or NULL for every city.
fn targets_given(sql: &mut String, catalog: &Catalog, options: &Options) -> bool {
    let Some(targets) = options.targets else {
        return false;
    };
    let d = options.dialect;
    let measures: Vec<_> = catalog.measures().map(|(_, m)| m).collect();
    let rows: Vec<String> = targets
        .rows
        .iter()
        .filter(|r| !measures[r.measure].is_yes_no())
        .map(|r| {
            let origin = format!(
                "{}:{}{}",
                targets.file,
                r.line,
                if r.city.is_some() { " (city)" } else { "" }
            );
            let row = [
                optional_string(r.city.as_ref().map(|c| c.to_lowercase()).as_deref(), d),
                (r.measure + 1).to_string(),
                d.float(r.value),
                optional_string(r.source.as_deref(), d),
                string(&origin),
            ];
            format!("({})", row.join(", "))
        })
        .collect();
    if rows.is_empty() {
        return false;
    }
    let columns = "city_key, position, target, target_source, target_origin";
    literal_cte(sql, "targets_given", &rows, columns, d);
    true
}

/// The CTEs `targeted`, `shares` and `scored` after `long_values`; `scored` ends the view.
pub(super) fn scored(
    sql: &mut String,
    catalog: &Catalog,
    options: &Options,
) -> Result<(), ExportError> {
    let scheme = &catalog.scheme;
    let d = options.dialect;
    let long_values = d.from("long_values", "l");
    if targets_given(sql, catalog, options) {
        let _ = writeln!(
            sql,
            "targeted AS (
  SELECT l.*,
    CASE WHEN l.yes_no = 1 THEN l.default_target ELSE COALESCE(tc.target, ta.target, l.default_target) END AS target,
    CASE WHEN l.yes_no = 1 THEN NULL WHEN tc.target IS NOT NULL THEN tc.target_source WHEN ta.target IS NOT NULL THEN ta.target_source ELSE l.default_target_source END AS target_source,
    CASE WHEN l.yes_no = 1 THEN 'default' WHEN tc.target IS NOT NULL THEN tc.target_origin WHEN ta.target IS NOT NULL THEN ta.target_origin ELSE l.default_origin END AS target_origin
  FROM {long_values}
  LEFT JOIN targets_given AS tc ON tc.position = l.position AND tc.city_key = lower(l.city)
  LEFT JOIN targets_given AS ta ON ta.position = l.position AND ta.city_key IS NULL
),"
        );
    } else {
        let _ = writeln!(
            sql,
            "targeted AS (
  SELECT l.*, l.default_target AS target, l.default_target_source AS target_source,
    l.default_origin AS target_origin
  FROM {long_values}
),"
        );
    }
    let (targeted, achieved) = (d.from("targeted", "t"), d.from("achieved", "a"));
    let (zero, one, hundred) = (d.float(0.0), d.float(1.0), d.float(100.0));
    // `score`: the share of the target, by direction (a measure scored has one).
    let _ = writeln!(
        sql,
        "shares AS (
  SELECT t.*,
    CASE
      WHEN t.value IS NULL OR t.scorable = 0 OR t.yes_no = 1 OR t.target IS NULL THEN NULL
      WHEN t.direction = 'higher' AND t.target > 0 THEN t.value / t.target
      WHEN t.direction = 'higher' THEN CASE WHEN t.value >= t.target THEN {one} ELSE {zero} END
      WHEN t.value <= t.target THEN {one}
      WHEN t.target > 0 THEN t.target / t.value
      WHEN t.reference IS NOT NULL THEN {one} - t.value / t.reference
      ELSE {zero}
    END AS share
  FROM {targeted}
),
achieved AS (
  SELECT s.*,
    CASE
      WHEN s.value IS NULL OR s.scorable = 0 THEN NULL
      WHEN s.yes_no = 1 THEN CASE WHEN s.value >= 1 THEN {hundred} WHEN s.value <= 0 THEN {zero} ELSE s.value * 100 END
      WHEN s.share * 100 < 0 THEN {zero}
      WHEN s.share * 100 > 100 THEN {hundred}
      ELSE s.share * 100
    END AS achievement
  FROM shares AS s
),"
    );
    let points = band_of("a.achievement", scheme, |b| b.points.to_string());
    let yes_no_points = format!(
        "CASE WHEN a.value >= 1 THEN {} WHEN a.value <= 0 THEN {} ELSE {} END",
        scheme.yes_points, scheme.no_points, scheme.partial_points
    );
    let _ = writeln!(
        sql,
        "pointed AS (
  SELECT a.*,
    CASE WHEN a.achievement IS NULL THEN NULL WHEN a.yes_no = 1 THEN {yes_no_points} ELSE {points} END AS points
  FROM {achieved}
),"
    );
    // `band_with_points`: the first band with the points.
    let mut band = String::from("CASE p.points");
    let mut seen = Vec::new();
    for b in &scheme.bands {
        if !seen.contains(&b.points) {
            seen.push(b.points);
            let _ = write!(band, " WHEN {} THEN {}", b.points, string(&b.label));
        }
    }
    band.push_str(" END");
    let _ = writeln!(
        sql,
        "scored AS (\n  SELECT p.*, {band} AS band\n  FROM pointed AS p\n)"
    );
    Ok(())
}

/// The `citykpi_rollups` view over `citykpi_kpis`: per city-year and group, KPIs defined and
/// computed (a KPI with parts is computed when every part has a value), values scored,
/// points, points possible, the score (points as a percentage of those possible) and its
/// band, and the mean achievement.
pub(super) fn rollups_view(sql: &mut String, catalog: &Catalog, d: Dialect) {
    let scheme = &catalog.scheme;
    let max = scheme.max_points();
    let _ = writeln!(sql, "\n{}", d.view(ROLLUPS_VIEW));
    let _ = writeln!(
        sql,
        "WITH kpi_level AS (
  SELECT city, year, code, MIN(tier) AS tier, MIN(dimension) AS dimension,
    MIN(subdimension) AS subdimension, MIN(category) AS category,
    MIN(CASE WHEN value IS NULL THEN 0 ELSE 1 END) AS computed,
    SUM(CASE WHEN points IS NULL THEN 0 ELSE 1 END) AS scored,
    SUM(COALESCE(points, 0)) AS points,
    SUM(COALESCE(achievement, 0)) AS achievement
  FROM {KPIS_VIEW}
  GROUP BY city, year, code
),"
    );
    let tally = "SUM(CASE WHEN tier = 'core' THEN 1 ELSE 0 END) AS core_defined,
    SUM(CASE WHEN tier = 'core' THEN computed ELSE 0 END) AS core_computed,
    SUM(CASE WHEN tier = 'advanced' THEN 1 ELSE 0 END) AS advanced_defined,
    SUM(CASE WHEN tier = 'advanced' THEN computed ELSE 0 END) AS advanced_computed,
    SUM(scored) AS scored, SUM(points) AS points, SUM(achievement) AS achievement";
    // Every level in one aggregation over each KPI's row made into one row per level, so that
    // an engine that does not keep a view's rows (Spark) computes the KPI rows once, not once
    // per level, and within the partitions by city and year they already have.
    let levels = [
        ["'overall'", "'ALL'"],
        ["'dimension'", "dimension"],
        ["'subdimension'", "subdimension"],
        ["'category'", "category"],
    ]
    .map(|row| row.map(str::to_string).to_vec());
    let per_level = spread(
        d,
        "kpi_level AS k",
        &[
            "city",
            "year",
            "tier",
            "computed",
            "scored",
            "points",
            "achievement",
        ],
        &["level", "code"],
        &levels,
    );
    let _ = writeln!(
        sql,
        "tallies AS (
  SELECT city, year, level, code,
    {tally}
  FROM ({per_level}) AS l
  GROUP BY city, year, level, code
),"
    );

    literal_cte(
        sql,
        "groups",
        &groups(catalog),
        "level, code, name, position",
        d,
    );
    let score = format!(
        "CASE WHEN t.scored > 0 THEN {} * t.points / ({max} * t.scored) END",
        d.float(100.0)
    );
    let _ = writeln!(
        sql,
        "scores AS (
  SELECT t.*, g.name, g.position, {max} * t.scored AS max_points, {score} AS score,
    CASE WHEN t.scored > 0 THEN t.achievement / t.scored END AS mean_achievement
  FROM tallies AS t JOIN groups AS g ON g.level = t.level AND g.code = t.code
)"
    );
    let band = band_of("score", scheme, |b| string(&b.label));
    let _ = writeln!(
        sql,
        "SELECT city, year, level, code, name, core_defined, core_computed, advanced_defined, advanced_computed,
  scored, points, max_points, score, {band} AS band, mean_achievement, position
FROM scores;"
    );
}

/// The groups the roll-ups score, as rows `(level, code, name, position)`: the whole, then
/// every dimension, sub-dimension and category of the taxonomy.
fn groups(catalog: &Catalog) -> Vec<String> {
    let tax = &catalog.taxonomy;
    let groups = std::iter::once(("overall", "ALL", "Overall"))
        .chain(
            tax.dimensions
                .iter()
                .map(|g| ("dimension", g.code.as_str(), g.name.as_str())),
        )
        .chain(
            tax.subdimensions
                .iter()
                .map(|g| ("subdimension", g.code.as_str(), g.name.as_str())),
        )
        .chain(
            tax.categories
                .iter()
                .map(|g| ("category", g.code.as_str(), g.name.as_str())),
        );
    groups
        .enumerate()
        .map(|(i, (level, code, name))| {
            format!(
                "({}, {}, {}, {})",
                string(level),
                string(code),
                string(name),
                i + 1
            )
        })
        .collect()
}
