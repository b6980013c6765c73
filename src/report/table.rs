//! The terminal table: per city-year, the summary, then one table per dimension.
//! It formats the shared text rows with comfy-table; it never computes.

use std::io::Write;

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{Cell, CellAlignment, Color, ContentArrangement, Table};

use super::plain_table::{Align, PlainTable};
use super::text::{page, KPI_HEADER, QUALITY_LEGEND, SUMMARY_HEADER};
use super::Style;
use crate::scoring::Assessment;

fn colour_of(name: &str) -> Color {
    match name {
        "green" => Color::Green,
        "dark_green" => Color::DarkGreen,
        "yellow" => Color::Yellow,
        "dark_yellow" => Color::DarkYellow,
        "red" => Color::Red,
        "dark_red" => Color::DarkRed,
        "blue" => Color::Blue,
        "dark_blue" => Color::DarkBlue,
        "cyan" => Color::Cyan,
        "magenta" => Color::Magenta,
        "grey" => Color::Grey,
        "white" => Color::White,
        // The catalogue accepts only the names above (`catalog::parse::COLOURS`).
        _ => Color::Reset,
    }
}

fn new_table(style: Style, header: &[&str]) -> Table {
    let mut table = Table::new();
    table.load_preset(UTF8_FULL_CONDENSED);
    if style.wrap_to_terminal {
        table.set_content_arrangement(ContentArrangement::Dynamic);
    }
    if style.colour {
        table.enforce_styling();
    } else {
        table.force_no_tty();
    }
    table.set_header(header.iter().map(Cell::new));
    table
}

/// Cells, right-aligned where `right` says, the one at `coloured` in `colour`.
fn row(
    style: Style,
    cells: &[String],
    right: &[usize],
    coloured: usize,
    colour: Option<&str>,
) -> Vec<Cell> {
    cells
        .iter()
        .enumerate()
        .map(|(i, text)| {
            let mut cell = Cell::new(text);
            if right.contains(&i) {
                cell = cell.set_alignment(CellAlignment::Right);
            }
            if let (true, true, Some(c)) = (style.colour, i == coloured, colour) {
                cell = cell.fg(colour_of(c));
            }
            cell
        })
        .collect()
}

/// Cells for [`PlainTable`]: right-aligned where `right` says, centred at `center`.
fn aligned(
    cells: impl IntoIterator<Item = String>,
    right: &[usize],
    center: Option<usize>,
) -> Vec<(String, Align)> {
    cells
        .into_iter()
        .enumerate()
        .map(|(i, text)| {
            let align = if center == Some(i) {
                Align::Center
            } else if right.contains(&i) {
                Align::Right
            } else {
                Align::Left
            };
            (text, align)
        })
        .collect()
}

pub fn render(assessment: &Assessment, style: Style, out: &mut dyn Write) -> anyhow::Result<()> {
    if assessment.is_empty() {
        writeln!(out, "No city-years to assess.")?;
        return Ok(());
    }
    let scheme = &assessment.catalog.scheme;
    let banner = super::banner(assessment);
    for line in &banner {
        match style.colour {
            true => writeln!(out, "\x1b[1;31m! {line}\x1b[0m")?,
            false => writeln!(out, "! {line}")?,
        }
    }
    if !banner.is_empty() {
        writeln!(out)?;
    }
    for (i, city_year) in assessment.iter().enumerate() {
        let page = page(&city_year);
        if i > 0 {
            writeln!(out)?;
        }
        writeln!(out, "{}: U4SSC self-assessment", page.heading)?;
        match &page.overall {
            Some([score, coverage, verified]) => writeln!(
                out,
                "Overall score {score}; KPIs computed: {coverage}; verified: {verified}"
            )?,
            None => writeln!(out, "No KPI of the selected tier is defined.")?,
        }
        // Without colour or wrapping the tables are drawn directly (`plain_table`).
        let plain = !style.colour && !style.wrap_to_terminal;
        let summary_rows = page.summary.iter().map(|r| {
            let mut cells = r.cells.clone();
            if r.sub {
                cells[0] = format!("  {}", cells[0]);
            }
            (cells, r.summary.band.map(|b| b.colour.as_str()))
        });
        if plain {
            let mut summary = PlainTable::new(&SUMMARY_HEADER);
            for (cells, _) in summary_rows {
                summary.add_row(aligned(cells, &[1, 2, 3], None));
            }
            writeln!(out, "{}", summary.render())?;
        } else {
            let mut summary = new_table(style, &SUMMARY_HEADER);
            for (cells, colour) in summary_rows {
                summary.add_row(row(style, &cells, &[1, 2, 3], 1, colour));
            }
            writeln!(out, "{summary}")?;
        }
        for section in &page.sections {
            writeln!(out)?;
            writeln!(out, "{}", section.title)?;
            if plain {
                let mut table = PlainTable::new(&KPI_HEADER);
                for r in &section.rows {
                    table.add_row(aligned(r.cells.clone(), &[2, 4, 5], Some(6)));
                }
                writeln!(out, "{}", table.render())?;
                continue;
            }
            let mut table = new_table(style, &KPI_HEADER);
            for r in &section.rows {
                let mut cells = row(style, &r.cells, &[2, 4, 5], 6, r.colour);
                cells[6] = std::mem::replace(&mut cells[6], Cell::new(""))
                    .set_alignment(CellAlignment::Center);
                table.add_row(cells);
            }
            writeln!(out, "{table}")?;
        }
        writeln!(out)?;
        for (title, codes) in &page.lists {
            writeln!(out, "{title}: {codes}")?;
        }
    }
    writeln!(out)?;
    let legend: Vec<String> = scheme
        .bands
        .iter()
        .map(|b| format!("{} = {}", b.points, b.label))
        .collect();
    writeln!(out, "Points: {}.", legend.join(", "))?;
    writeln!(out, "{QUALITY_LEGEND}")?;
    Ok(())
}
