//! Synthetic data for benchmarks: N cities x Y years of long-form data.
//!
//! Every variable of the catalogue gets a value shaped on the sample city
//! (`sample-data/vesterby.csv`): quantities that grow with a city (households,
//! tonnes, kilometres) scale with a random population, shares and rates vary
//! around the sample's. Parts stay below their wholes because a city's
//! quantities all scale by the same factor. A few values are left out (gaps).
//! The same seed gives the same file.

use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use crate::catalog::{Catalog, Kind, Variable};

const SAMPLE: &str = include_str!("../sample-data/vesterby.csv");

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Number of cities.
    #[arg(long, default_value_t = 10)]
    pub cities: usize,

    /// Number of years, ending with --last-year.
    #[arg(long, default_value_t = 5)]
    pub years: usize,

    /// The last year of the data.
    #[arg(long, default_value_t = 2024)]
    pub last_year: i32,

    /// Random seed: the same seed gives the same file.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,

    /// Share of values left out, 0 to 1.
    #[arg(long, default_value_t = 0.01)]
    pub gaps: f64,

    /// Write to FILE instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// How a variable behaves across cities.
enum Shape {
    /// Grows with the city's population.
    Extensive(f64),
    /// A share, rate or level, independent of size.
    Intensive(f64),
    YesNo(f64),
}

fn shape_of(variable: &Variable, sample: Option<f64>) -> Shape {
    let default = match variable.kind {
        Kind::Percent => 50.0,
        Kind::Boolean => 1.0,
        Kind::Ratio => 1.0,
        Kind::Count | Kind::Amount => 1000.0,
    };
    let value = sample.unwrap_or(default);
    let unit = variable.unit.as_str();
    match variable.kind {
        Kind::Boolean => Shape::YesNo(value),
        Kind::Percent | Kind::Ratio => Shape::Intensive(value),
        _ if unit.contains('/') || unit.contains(" per ") || unit == "minutes" => {
            Shape::Intensive(value)
        }
        _ => Shape::Extensive(value),
    }
}

/// The sample city's latest value of every variable, and its population.
fn sample_values() -> (HashMap<String, f64>, f64) {
    let mut latest: HashMap<String, (i32, f64)> = HashMap::new();
    let mut reader = csv::Reader::from_reader(SAMPLE.as_bytes());
    for record in reader.records().flatten() {
        let (Ok(year), Some(variable), Some(value)) =
            (record[1].parse::<i32>(), record.get(2), record.get(3))
        else {
            continue;
        };
        let value = match value {
            "yes" => 1.0,
            "no" => 0.0,
            v => v.parse().unwrap_or(f64::NAN),
        };
        if latest.get(variable).is_none_or(|(y, _)| year > *y) {
            latest.insert(variable.to_string(), (year, value));
        }
    }
    let population = latest.get("population").map_or(100_000.0, |v| v.1);
    (
        latest.into_iter().map(|(k, (_, v))| (k, v)).collect(),
        population,
    )
}

/// Write the data set; returns the number of rows written.
/// The benchmark floor: polars reads a long-form file and pivots it to one row per
/// city-year and one column per variable, and nothing else. Returns (rows, columns).
///
/// In memory, this is polars' own pivot. A file larger than memory needs the streaming
/// engine, which does not stream a pivot; there the pivot is written as the group-by it
/// stands for (one `first` value per variable and city-year), which it does stream.
pub fn floor(
    catalog: &Catalog,
    path: &std::path::Path,
    streaming: bool,
) -> anyhow::Result<(usize, usize)> {
    use polars::prelude::*;
    let variables: Vec<&str> = catalog.variables.iter().map(|v| v.id.as_str()).collect();
    let scan = LazyCsvReader::new(PlRefPath::new(path.to_string_lossy().as_ref()))
        .with_has_header(true)
        .finish()?;
    let wide = if streaming {
        let columns: Vec<Expr> = variables
            .iter()
            .map(|v| {
                col("value")
                    .filter(col("variable").eq(lit(*v)))
                    .first()
                    .alias(*v)
            })
            .collect();
        scan.group_by([col("city"), col("year")])
            .agg(columns)
            .collect_with_engine(Engine::Streaming)?
            .unwrap_single()
    } else {
        let on_columns = DataFrame::new(
            variables.len(),
            vec![Column::new("variable".into(), variables)],
        )?;
        scan.pivot(
            cols(["variable"]),
            std::sync::Arc::new(on_columns),
            cols(["city", "year"]),
            cols(["value"]),
            element().first(),
            false,
            "_".into(),
            polars::frame::PivotColumnNaming::Auto,
        )
        .collect()?
    };
    Ok((wide.height(), wide.width()))
}

pub fn generate(
    catalog: &Catalog,
    args: &GenerateArgs,
    out: &mut dyn Write,
    progress: &dyn Fn(u64),
) -> anyhow::Result<u64> {
    let (sample, sample_population) = sample_values();
    let shapes: Vec<(&Variable, Shape)> = catalog
        .variables
        .iter()
        .map(|v| (v, shape_of(v, sample.get(&v.id).copied())))
        .collect();
    let mut rng = fastrand::Rng::with_seed(args.seed);
    let mut rows = 0u64;
    writeln!(out, "city,year,variable,value")?;
    for c in 0..args.cities {
        let city = format!("City {:06}", c + 1);
        // Log-uniform population between 5 000 and 2 000 000.
        let population = (5_000f64.ln() + rng.f64() * (2_000_000f64.ln() - 5_000f64.ln())).exp();
        let scale = population / sample_population;
        let levels: Vec<f64> = shapes
            .iter()
            .map(|(_, shape)| match shape {
                Shape::Intensive(_) => 0.85 + 0.3 * rng.f64(),
                Shape::YesNo(_) => rng.f64(),
                Shape::Extensive(_) => 1.0,
            })
            .collect();
        for y in 0..args.years {
            let year = args.last_year - (args.years - 1 - y) as i32;
            let growth = 1.0 - 0.008 * (args.years - 1 - y) as f64;
            for ((variable, shape), level) in shapes.iter().zip(&levels) {
                if rng.f64() < args.gaps {
                    continue;
                }
                let (min, max) = variable.range();
                match shape {
                    Shape::YesNo(p) => {
                        let yes = *level < p.max(0.3);
                        writeln!(out, "{city},{year},{},{}", variable.id, u8::from(yes))?;
                    }
                    Shape::Intensive(v) => {
                        let value = (v * level * (0.98 + 0.04 * rng.f64())).clamp(min, max);
                        writeln!(out, "{city},{year},{},{value:.3}", variable.id)?;
                    }
                    Shape::Extensive(v) => {
                        let value = (v * scale * growth).clamp(min, max);
                        if variable.kind == Kind::Count {
                            writeln!(out, "{city},{year},{},{}", variable.id, value.round())?;
                        } else {
                            writeln!(out, "{city},{year},{},{value:.2}", variable.id)?;
                        }
                    }
                }
                rows += 1;
            }
        }
        progress(c as u64 + 1);
    }
    out.flush()?;
    Ok(rows)
}
