//! The CSV, JSON and NDJSON reports rendered on several threads are byte for byte the ones
//! rendered on one, on a run of many more city-years than one thread's chunk; the engine
//! gives the same values whatever the number of city-years it evaluates at a time.

use citykpi::catalog::Catalog;
use citykpi::dataset::{self, Filter, Input, TextOptions};
use citykpi::engine;
use citykpi::report::{self, Format, Style};
use citykpi::scoring::Assessment;

#[test]
fn threads_do_not_change_any_report() {
    let catalog = Catalog::embedded();
    let mut text = String::from("city,year,variable,value,source\n");
    for city in 0..1300 {
        for (i, variable) in ["households", "households_with_internet", "population"]
            .iter()
            .enumerate()
        {
            let value = 1000 + city * 7 + i * 300;
            text.push_str(&format!(
                "C{city},2024,{variable},{value},src{}\n",
                city % 3
            ));
        }
    }
    let input = Input::Bytes("gen.csv".into(), text.into_bytes());
    let loaded = dataset::load(
        &catalog,
        &[input],
        Filter::default(),
        TextOptions::default(),
    );
    assert_eq!(loaded.dataset.rows(), 1300);
    let results = engine::evaluate(&catalog, &loaded.dataset).unwrap();
    let assessment = Assessment::new(&catalog, &results, None, None);
    let render_with = |format, threads| {
        let mut out = Vec::new();
        let style = Style {
            threads,
            ..Style::default()
        };
        report::render(format, &assessment, style, &mut out).unwrap();
        out
    };
    // JSON is slow in a debug build: one uneven split (31 chunks of 42 on 3 threads for
    // CSV, 130 of 10 for JSON) and, for CSV, chunks of 2 on 64 threads. Each report has
    // its lines: the header and a row per city-year and measure (CSV), a city-year a line
    // (NDJSON).
    let measures = catalog.measures().count();
    for (format, threads, lines) in [
        (Format::Csv, &[3, 64][..], Some(1 + 1300 * measures)),
        (Format::Json, &[3], None),
        (Format::Ndjson, &[3], Some(1300)),
    ] {
        let one = render_with(format, 1);
        if let Some(lines) = lines {
            assert_eq!(one.iter().filter(|&&b| b == b'\n').count(), lines);
        }
        for &threads in threads {
            assert!(
                one == render_with(format, threads),
                "{format:?} on {threads} threads"
            );
        }
    }
}

/// The engine runs its plan a chunk of city-years at a time: every report is the same
/// whatever the chunk, on data with reported KPIs, parts, gaps and several files.
#[test]
fn the_engine_chunk_does_not_change_any_value() {
    let catalog = Catalog::embedded();
    let inputs: Vec<Input> = [
        "sample-data/vesterby.csv",
        "sample-data/riverton.csv",
        "tests/fixtures/worked-example.csv",
        "tests/fixtures/sql-edge.csv",
        "tests/fixtures/sql-units.csv",
    ]
    .iter()
    .map(|path| Input::Bytes((*path).into(), std::fs::read(path).unwrap()))
    .collect();
    let loaded = dataset::load(&catalog, &inputs, Filter::default(), TextOptions::default());
    let rows = loaded.dataset.rows();
    assert!(rows > 3, "{rows} city-years");
    let csv_with = |chunk| {
        let results = engine::evaluate_in_chunks(&catalog, &loaded.dataset, chunk).unwrap();
        let assessment = Assessment::new(&catalog, &results, None, None);
        let mut out = Vec::new();
        report::render(Format::Csv, &assessment, Style::default(), &mut out).unwrap();
        (out, results.disagreements.len())
    };
    let whole = csv_with(rows);
    for status in [&b",computed,"[..], b",reported,", b",missing,"] {
        assert!(whole.0.windows(status.len()).any(|w| w == status));
    }
    for chunk in [1, 2, 3, rows - 1] {
        assert_eq!(csv_with(chunk), whole, "chunk of {chunk}");
    }
}
