//! The TOML files as written: serde structs that reject unknown keys.
//! They are turned into the validated types of the parent module; they never check
//! what the values mean.

use indexmap::IndexMap;
use serde::Deserialize;
use toml::Spanned;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawVariable {
    pub description: String,
    pub unit: String,
    pub kind: super::Kind,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub part_of: Option<String>,
    /// Other spellings of the unit that data files use.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Conversions that belong to this variable: unit -> factor into its own unit.
    #[serde(default)]
    pub convert: IndexMap<String, f64>,
    /// Overrides `scoring.toml`'s `plausibility.year_change_factor` for this variable.
    pub year_change_factor: Option<f64>,
    /// A yes/no principle that can be partly met: it also takes `partial`.
    #[serde(default)]
    pub partial: bool,
    /// An amount of money that every KPI reading it divides by money: any one currency.
    #[serde(default)]
    pub any_currency: bool,
}

pub type RawVariables = IndexMap<String, Spanned<RawVariable>>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawKpi {
    pub code: Spanned<String>,
    pub name: String,
    pub tier: super::Tier,
    pub dimension: String,
    pub subdimension: String,
    pub category: String,
    pub unit: String,
    pub formula: Option<Spanned<String>>,
    pub direction: super::Direction,
    pub target: Option<f64>,
    /// Where the default target comes from (a published benchmark); without it the target
    /// is citykpi's own choice.
    pub target_source: Option<String>,
    pub reference: Option<f64>,
    pub scored: Option<bool>,
    /// The valid range of a value the city reports directly, where the unit's default
    /// (0-100 for %, 0-1 for `0-1`, else >= 0) does not fit.
    pub min: Option<f64>,
    pub max: Option<f64>,
    #[serde(default)]
    pub sdg: Vec<String>,
    pub description: String,
    pub notes: Option<String>,
    /// The parts are shares of one whole and add up to about this (100 for %).
    pub parts_sum: Option<f64>,
    #[serde(default)]
    pub parts: Vec<Spanned<RawPart>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPart {
    pub id: String,
    pub name: String,
    pub formula: Spanned<String>,
    pub unit: Option<String>,
    pub direction: Option<super::Direction>,
    pub target: Option<f64>,
    pub target_source: Option<String>,
    pub reference: Option<f64>,
    /// `false`: the part is reported but never scored (the KPI's `scored` otherwise).
    pub scored: Option<bool>,
    pub min: Option<f64>,
    pub max: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScheme {
    pub band: Vec<RawBand>,
    pub yes_no: RawYesNo,
    pub plausibility: Option<RawPlausibility>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPlausibility {
    pub year_change_factor: Option<f64>,
    pub parts_sum_tolerance: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBand {
    pub from: f64,
    pub points: u8,
    pub label: String,
    pub colour: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawYesNo {
    pub yes: u8,
    pub partial: u8,
    pub no: u8,
}

/// `taxonomy.toml`: dimensions by code, each with its name and sub-dimensions.
pub type RawTaxonomy = IndexMap<String, RawDimension>;

#[derive(Debug, Deserialize)]
pub struct RawDimension {
    pub name: String,
    /// Every other key is a sub-dimension (so a misspelt key fails as a sub-dimension).
    #[serde(flatten)]
    pub subdimensions: IndexMap<String, RawSubdimension>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSubdimension {
    pub name: String,
    pub categories: IndexMap<String, String>,
}

/// `units.toml`: groups of units that convert exactly into one another.
pub type RawUnits = IndexMap<String, IndexMap<String, RawUnit>>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawUnit {
    /// How many of the group's first unit one of this unit makes.
    pub in_base: f64,
    #[serde(default)]
    pub aliases: Vec<String>,
}
