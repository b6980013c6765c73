//! The catalogue: every variable, KPI and scoring rule, read from TOML and validated.
//!
//! Definitions are read in two phases: `raw` serde structs that reject unknown
//! keys, then [`Catalog::from_files`], which collects every problem it finds
//! (with file and line) before it fails, and yields types the engine can
//! trust: every formula compiles, reads only known names, and the KPIs that
//! read other KPIs come after them. Nothing about a particular KPI lives in
//! Rust; it all comes from the files. The catalogue never reads city data.

mod code;
mod graph;
mod lint;
mod model;
mod money;
mod parse;
mod plausible;
mod raw;
pub mod sdg;
mod source;
mod units;

pub use code::{id_for_code, normalize_code};
pub use graph::Graph;
pub use model::*;
pub use money::Money;
pub use plausible::{Bound, Denominator, Plausible, Range};
pub use source::{embedded_files, Definitions, SourceFile};
pub use units::{normalize as normalize_unit, Unit, Units};

use crate::diagnostic::{Problem, ProblemCode, Problems};
use code::sort_key;
use lint::{check_cycles, check_kpis};
use parse::{parse_kpi, parse_scheme, parse_taxonomy, parse_units, parse_variables};
use plausible::parse_plausible;
use source::read_files;

const TAXONOMY: &str = "taxonomy.toml";
const SCORING: &str = "scoring.toml";
const VARIABLES: &str = "variables.toml";
const UNITS: &str = "units.toml";
const PLAUSIBLE: &str = "plausible.toml";

impl Catalog {
    /// The definitions embedded in the binary.
    pub fn embedded() -> Catalog {
        Catalog::load(&Definitions::Embedded).expect("the embedded definitions are valid (tested)")
    }

    /// Load and validate definitions. A user's own are also tried: every formula runs once
    /// on an empty table. The embedded ones skip that trial, which `check` (and the tests)
    /// make, so that every start stays fast.
    pub fn load(definitions: &Definitions) -> Result<Catalog, Problems> {
        let trial = matches!(definitions, Definitions::Dir(_));
        Catalog::from_files(read_files(definitions)?, trial)
    }

    /// Load and validate definitions with every check, the trial of every formula included
    /// (`citykpi check defs`).
    pub fn check(definitions: &Definitions) -> Result<Catalog, Problems> {
        Catalog::from_files(read_files(definitions)?, true)
    }

    /// Every `.toml` file of the definitions, sorted by path; `trial` runs every formula
    /// once on an empty table.
    pub fn from_files(files: Vec<SourceFile>, trial: bool) -> Result<Catalog, Problems> {
        let mut problems = Problems::default();
        let find = |name: &str| files.iter().find(|f| f.path == name);
        for name in [TAXONOMY, SCORING, VARIABLES] {
            if find(name).is_none() {
                problems.push(Problem::new(
                    ProblemCode::MissingFile,
                    name,
                    format!("the definitions folder has no {name}; start from the embedded definitions: `citykpi indicators export DIR` writes them"),
                ));
            }
        }
        if problems.has_errors() {
            return Err(problems);
        }
        let taxonomy = parse_taxonomy(find(TAXONOMY).unwrap(), &mut problems);
        let scheme = parse_scheme(find(SCORING).unwrap(), &mut problems);
        let variables = parse_variables(find(VARIABLES).unwrap(), &mut problems);
        let units = find(UNITS).map_or_else(Units::default, |f| parse_units(f, &mut problems));
        let mut kpis = Vec::new();
        for file in &files {
            if [TAXONOMY, SCORING, VARIABLES, UNITS, PLAUSIBLE].contains(&file.path.as_str()) {
                continue;
            }
            if let Some(kpi) = parse_kpi(file, &taxonomy, &mut problems) {
                kpis.push(kpi);
            }
        }
        kpis.sort_by_cached_key(|k| sort_key(k, &taxonomy));
        check_kpis(&kpis, &variables, trial, &mut problems);
        check_cycles(&kpis, &mut problems);
        let plausible = find(PLAUSIBLE).map_or_else(Plausible::default, |f| {
            parse_plausible(f, &variables, &kpis, &mut problems)
        });
        if problems.has_errors() {
            problems
                .0
                .sort_by(|a, b| (a.severity, &a.file, a.line).cmp(&(b.severity, &b.file, b.line)));
            return Err(problems);
        }
        Ok(Catalog {
            variables,
            kpis,
            taxonomy,
            scheme: scheme.expect("no errors, so the scheme parsed"),
            units,
            plausible,
            warnings: problems,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_definitions_pass_every_check() {
        let catalog = Catalog::check(&Definitions::Embedded).unwrap_or_else(|p| panic!("{p}"));
        assert!(!catalog.kpis.is_empty());
        assert!(catalog.warnings.is_empty(), "{}", catalog.warnings);
    }
}
