//! Synthetic data for benchmarks: N cities x Y years of long-form data.
//!
//! Every variable of the catalogue gets a value shaped on the sample city
//! (`sample-data/vesterby.csv`): quantities that grow with a city (households,
//! tonnes, kilometres) scale with a random population, shares and rates vary
//! around the sample's. Parts stay below their wholes because a city's
//! quantities all scale by the same factor. A few values are left out (gaps).
//! The same seed gives the same file.
//!
//! A benchmark tool, not part of the shipped binary:
//!
//! ```text
//! cargo run --release --example generate -- --cities 2000 --years 10 --output bench/data/2000x10.csv
//! ```

use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;

use clap::Parser;

use citykpi::catalog::{Catalog, Kind, Variable};

const SAMPLE: &str = include_str!("../sample-data/vesterby.csv");

fn main() -> anyhow::Result<()> {
    let args = GenerateArgs::parse();
    let catalog = Catalog::embedded();
    let rows = match &args.output {
        Some(path) => {
            let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
            generate(&catalog, &args, &mut out)?
        }
        None => generate(&catalog, &args, &mut std::io::stdout().lock())?,
    };
    eprintln!("{rows} rows");
    Ok(())
}

/// Write synthetic long-form data: N cities x Y years, every variable of the catalogue.
#[derive(Debug, Parser)]
struct GenerateArgs {
    /// Number of cities.
    #[arg(long, default_value_t = 10)]
    cities: usize,

    /// Number of years, ending with --last-year.
    #[arg(long, default_value_t = 5)]
    years: usize,

    /// The last year of the data.
    #[arg(long, default_value_t = 2024)]
    last_year: i32,

    /// Random seed: the same seed gives the same file.
    #[arg(long, default_value_t = 42)]
    seed: u64,

    /// Share of values left out, 0 to 1.
    #[arg(long, default_value_t = 0.01)]
    gaps: f64,

    /// Give every row a `unit` (the variable's) and a `source`: a long text, quoted for
    /// its commas, as a statistics office would cite a value (the wide text column where
    /// CSV readers differ).
    #[arg(long)]
    sources: bool,

    /// Write to FILE instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
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
/// Write the data set; returns the number of rows written.
fn generate(catalog: &Catalog, args: &GenerateArgs, out: &mut dyn Write) -> anyhow::Result<u64> {
    let (sample, sample_population) = sample_values();
    let shapes: Vec<(&Variable, Shape)> = catalog
        .variables
        .iter()
        .map(|v| (v, shape_of(v, sample.get(&v.id).copied())))
        .collect();
    let mut rng = fastrand::Rng::with_seed(args.seed);
    let mut rows = 0u64;
    let header = if args.sources {
        "city,year,variable,value,unit,source"
    } else {
        "city,year,variable,value"
    };
    writeln!(out, "{header}")?;
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
                write!(out, "{city},{year},{},", variable.id)?;
                match shape {
                    Shape::YesNo(p) => {
                        let yes = *level < p.max(0.3);
                        write!(out, "{}", u8::from(yes))?;
                    }
                    Shape::Intensive(v) => {
                        let value = (v * level * (0.98 + 0.04 * rng.f64())).clamp(min, max);
                        write!(out, "{value:.3}")?;
                    }
                    Shape::Extensive(v) => {
                        let value = (v * scale * growth).clamp(min, max);
                        if variable.kind == Kind::Count {
                            write!(out, "{}", value.round())?;
                        } else {
                            write!(out, "{value:.2}")?;
                        }
                    }
                }
                if args.sources {
                    write!(
                        out,
                        ",{},\"{city} statistical office, {} ({}), annual register \
                         {year}, table {}, retrieved 15 March {}\"",
                        variable.unit,
                        variable.id,
                        variable.description.replace('"', "'"),
                        rows % 97 + 1,
                        year + 1
                    )?;
                }
                writeln!(out)?;
                rows += 1;
            }
        }
    }
    out.flush()?;
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use citykpi::dataset::{self, Filter, Input, TextOptions};
    use citykpi::engine;
    use citykpi::scoring::Assessment;

    use super::*;

    fn args(cities: usize, years: usize, seed: u64, gaps: f64) -> GenerateArgs {
        GenerateArgs::parse_from([
            "generate",
            "--cities",
            &cities.to_string(),
            "--years",
            &years.to_string(),
            "--seed",
            &seed.to_string(),
            "--gaps",
            &gaps.to_string(),
        ])
    }

    fn text(catalog: &Catalog, args: &GenerateArgs) -> String {
        let mut out = Vec::new();
        generate(catalog, args, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn the_same_seed_gives_the_same_file_and_another_seed_another() {
        let catalog = Catalog::embedded();
        let a = text(&catalog, &args(3, 2, 7, 0.01));
        assert_eq!(a, text(&catalog, &args(3, 2, 7, 0.01)));
        assert_ne!(a, text(&catalog, &args(3, 2, 8, 0.01)));
        assert!(a.starts_with("city,year,variable,value\nCity 000001,2023,"));
    }

    #[test]
    fn generated_data_is_valid_and_computes_every_kpi() {
        let catalog = Catalog::embedded();
        let csv = text(&catalog, &args(40, 3, 42, 0.0));
        let input = Input::Bytes("gen.csv".into(), csv.into_bytes());
        let loaded = dataset::load(
            &catalog,
            &[input],
            Filter::default(),
            TextOptions::default(),
        );
        assert!(loaded.problems.is_empty(), "{}", loaded.problems);
        assert_eq!(loaded.dataset.rows(), 120);
        let results = engine::evaluate(&catalog, &loaded.dataset).unwrap();
        let assessment = Assessment::new(&catalog, &results, None, None);
        for city_year in assessment.iter() {
            let overall = city_year.overall().unwrap();
            assert_eq!((overall.core_computed, overall.advanced_computed), (55, 36));
        }
    }

    /// `--sources` adds a unit and a quoted source to every row and changes no value.
    #[test]
    fn sources_add_a_unit_and_a_source_and_change_no_value() {
        let catalog = Catalog::embedded();
        let plain = args(4, 2, 42, 0.01);
        let mut with = args(4, 2, 42, 0.01);
        with.sources = true;
        let (plain, with) = (text(&catalog, &plain), text(&catalog, &with));
        assert!(with.starts_with("city,year,variable,value,unit,source\n"));
        let load = |csv: String| {
            let input = Input::Bytes("gen.csv".into(), csv.into_bytes());
            dataset::load(
                &catalog,
                &[input],
                Filter::default(),
                TextOptions::default(),
            )
        };
        let (plain, with) = (load(plain), load(with));
        assert!(with.problems.is_empty(), "{}", with.problems);
        let values = |loaded: &dataset::Loaded| {
            let results = engine::evaluate(&catalog, &loaded.dataset).unwrap();
            let assessment = Assessment::new(&catalog, &results, None, None);
            let values: Vec<Vec<Option<f64>>> = assessment
                .iter()
                .map(|c| c.outcomes.iter().map(|o| o.value).collect())
                .collect();
            values
        };
        assert_eq!(values(&plain), values(&with));
    }
}
