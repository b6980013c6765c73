//! `citykpi template`: the data-collection sheet, of every variable, or (`--for DATA`) of
//! what each city lacks, with a line per city on standard error. The rows are the
//! library's ([`citykpi::template`]); this only picks the city-years and writes.

use std::collections::HashMap;
use std::io::Write;

use anyhow::Context;

use citykpi::catalog::Catalog;
use citykpi::dataset::Filter;
use citykpi::scoring::Assessment;
use citykpi::template::{self, TemplateFormat, TemplateOptions};
use citykpi::{engine, Error};

use super::args::{self, TemplateArgs};
use super::output::{check_output, files_read, write_output};
use super::run::{load_readable, load_targets, load_verification, parse_inputs, refuse_terminal};

pub(super) fn template(
    catalog: &Catalog,
    args: TemplateArgs,
    stderr: &mut dyn Write,
) -> anyhow::Result<u8> {
    let example = match args.format {
        TemplateFormat::Xlsx => "to-collect.xlsx",
        TemplateFormat::Csv => "to-collect.csv",
    };
    if args.format == TemplateFormat::Xlsx {
        refuse_terminal(args.output.as_deref(), "xlsx", example)?;
    }
    let inputs = parse_inputs(&args.data)?;
    let reads = files_read(
        &inputs,
        &[args.targets.as_deref(), args.verification.as_deref()],
    );
    check_output(args.output.as_deref(), &reads, example)?;
    let years = args::years(&args.year);
    if inputs.is_empty() {
        let options = TemplateOptions {
            tier: args.tier.0,
            city: args.city,
            years,
        };
        write_output(args.output.as_deref(), &reads, |out| {
            template::write_as(args.format, catalog, &options, out)
        })?;
        return Ok(citykpi::exit::OK);
    }
    let targets = load_targets(catalog, args.targets.as_deref(), &args.text.options())?;
    let verification =
        load_verification(catalog, args.verification.as_deref(), &args.text.options())?;
    let filter = Filter {
        cities: Some(args.city.clone())
            .filter(|c| !c.is_empty())
            .into_iter()
            .collect(),
        years: Vec::new(),
    };
    let (data, data_exit) = load_readable(catalog, &inputs, filter, &args.text, None, stderr)?;
    let picked = data
        .years
        .iter()
        .filter(|y| years.is_empty() || years.contains(y))
        .count();
    if picked == 0 {
        let mut what = Vec::new();
        if !args.city.is_empty() {
            what.push(format!("--city {}", args.city));
        }
        if !years.is_empty() {
            what.push(format!("--year {}", args::year_list(&years)));
        }
        return Err(Error::NoData(match what.is_empty() {
            true => "the data has no rows: no city to write the sheet for".to_string(),
            false => format!(
                "no data matches {}: no city to write the sheet for; check the name and year",
                what.join(" ")
            ),
        })
        .into());
    }
    if let Some(note) =
        args::left_out_note(&args::left_out(&data.cities, &data.years, &years), &years)
    {
        writeln!(stderr, "{note}")?;
    }
    let results = engine::evaluate(catalog, &data).context("evaluating the KPI formulas")?;
    if let Some(verification) = &verification {
        let problems = verification.check(&data);
        super::run::print_problems(&problems, stderr)?;
    }
    let assessment = Assessment::new(catalog, &results, targets.as_ref(), args.tier.0)
        .with_verification(verification.as_ref())
        .with_years(&years);
    // Each city's latest year, unless --year names the years.
    let mut latest: HashMap<&str, i32> = HashMap::new();
    for (city, &year) in data.cities.iter().zip(&data.years) {
        let at = latest.entry(city).or_insert(year);
        *at = (*at).max(year);
    }
    let mut rows = Vec::new();
    for city_year in assessment.iter() {
        if years.is_empty() && latest.get(city_year.city) != Some(&city_year.year) {
            continue;
        }
        let collection = template::collection(catalog, &data, &city_year);
        writeln!(stderr, "{}", collection.summary())?;
        rows.extend(collection.rows);
    }
    write_output(args.output.as_deref(), &reads, |out| {
        template::write_rows(args.format, &rows, out)
    })?;
    Ok(data_exit)
}
