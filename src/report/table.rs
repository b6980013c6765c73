//! The terminal table: per city-year, the summary, then one table per dimension.
//! It fits the width the command line gives (`COLUMNS`, or the terminal's): text columns wrap, and the
//! columns a reader can best spare are left out in a fixed order while the table is still too
//! wide (`--help` of `assess` says which). Without colour the tables are drawn by
//! [`PlainTable`], with colour by comfy-table from the same fitted cells. It formats the
//! shared text rows; it never computes.

use crate::error::WriteError;
use std::io::Write;

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{Cell, CellAlignment, Color, Table};
use unicode_width::UnicodeWidthStr;

use super::plain_table::{wrap, Align, Give, PlainTable};
use super::text::{list, page, KPI_HEADER, QUALITY_LEGEND, QUESTIONS_HEADER, SUMMARY_HEADER};
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

/// How the KPI table's columns give way to a narrow terminal ([`KPI_HEADER`]): names, units,
/// progress and notes wrap; Achieved, then Quality, Progress and Unit are left out as needed.
const KPI_GIVE: [Give; 10] = [
    Give::WHOLE,
    Give::WRAP,
    Give::WHOLE,
    Give::WRAP.or_drop(3),
    Give::WHOLE,
    Give::WHOLE.or_drop(0),
    Give::WHOLE,
    Give::WRAP.or_drop(2),
    Give::WHOLE.or_drop(1),
    Give::WRAP,
];

/// The summary's ([`SUMMARY_HEADER`]): text wraps; Mean achievement, then Progress go first.
const SUMMARY_GIVE: [Give; 6] = [
    Give::WRAP,
    Give::WHOLE,
    Give::WHOLE,
    Give::WRAP.or_drop(0),
    Give::WRAP,
    Give::WRAP.or_drop(1),
];

/// `table` fitted to `width`, drawn directly, or by comfy-table with the cells of column
/// `coloured` in each row's band colour (`colours`, one per row after the header).
fn draw(
    mut table: PlainTable,
    give: &[Give],
    width: Option<usize>,
    style: Style,
    coloured: usize,
    colours: &[Option<&str>],
) -> String {
    let kept = match width {
        Some(w) => table.fit(w, give),
        None => (0..give.len()).collect(),
    };
    if !style.colour {
        return table.render();
    }
    let coloured = kept.iter().position(|&c| c == coloured);
    let mut comfy = Table::new();
    comfy.load_preset(UTF8_FULL_CONDENSED);
    comfy.enforce_styling();
    let (header, rows) = table.rows().split_first().expect("a table has a header");
    comfy.set_header(header.iter().map(|(text, _)| Cell::new(text)));
    for (row, colour) in rows.iter().zip(colours) {
        comfy.add_row(row.iter().enumerate().map(|(i, (text, align))| {
            let mut cell = Cell::new(text).set_alignment(match align {
                Align::Left => CellAlignment::Left,
                Align::Right => CellAlignment::Right,
                Align::Center => CellAlignment::Center,
            });
            if let (Some(c), true) = (colour, coloured == Some(i)) {
                cell = cell.fg(colour_of(c));
            }
            cell
        }));
    }
    comfy.to_string()
}

/// A line of text wrapped to `width` where there is one.
fn line(text: &str, width: Option<usize>) -> String {
    match width {
        Some(w) if text.width() > w => wrap(text, w),
        _ => text.to_string(),
    }
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

pub fn render(
    assessment: &Assessment,
    style: Style,
    out: &mut dyn Write,
) -> Result<(), WriteError> {
    if assessment.is_empty() {
        writeln!(out, "No city-years to assess.")?;
        return Ok(());
    }
    let scheme = &assessment.catalog.scheme;
    let width = style.width;
    let banner = super::banner(assessment);
    for text in &banner {
        let text = line(&format!("! {text}"), width);
        match style.colour {
            true => writeln!(out, "\x1b[1;31m{text}\x1b[0m")?,
            false => writeln!(out, "{text}")?,
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
                "{}",
                line(
                    &format!(
                        "Overall score {score}; KPIs computed: {coverage}; verified: {verified}"
                    ),
                    width
                )
            )?,
            None => writeln!(out, "No KPI of the selected tier is defined.")?,
        }
        if let Some(reporting) = &page.reporting {
            writeln!(out, "{}", line(&format!("Reporting: {reporting}"), width))?;
        }
        let mut summary = PlainTable::new(&SUMMARY_HEADER);
        let mut colours = Vec::new();
        for r in &page.summary {
            let mut cells = r.cells.clone();
            if r.sub {
                cells[0] = format!("  {}", cells[0]);
            }
            summary.add_row(aligned(cells, &[1, 2, 3], None));
            colours.push(r.summary.band.map(|b| b.colour.as_str()));
        }
        writeln!(
            out,
            "{}",
            draw(summary, &SUMMARY_GIVE, width, style, 1, &colours)
        )?;
        for section in &page.sections {
            writeln!(out)?;
            writeln!(out, "{}", line(&section.title, width))?;
            let mut table = PlainTable::new(&KPI_HEADER);
            for r in &section.rows {
                table.add_row(aligned(r.cells.clone(), &[2, 4, 5], Some(6)));
            }
            let colours: Vec<Option<&str>> = section.rows.iter().map(|r| r.colour).collect();
            writeln!(out, "{}", draw(table, &KPI_GIVE, width, style, 6, &colours))?;
        }
        writeln!(out)?;
        for (title, kpis) in &page.lists {
            let codes = list(kpis, ", ", |k| k.code.clone());
            writeln!(out, "{}", line(&format!("{title}: {codes}"), width))?;
        }
        match &page.open_questions {
            None => {}
            Some(questions) if questions.is_empty() => writeln!(out, "Open questions: none")?,
            Some(questions) => {
                writeln!(out, "Open questions:")?;
                let mut table = PlainTable::new(&QUESTIONS_HEADER);
                for q in questions {
                    table.add_row(aligned(q.clone(), &[], None));
                }
                let colours = vec![None; questions.len()];
                let give = [Give::WHOLE, Give::WRAP, Give::WHOLE];
                writeln!(out, "{}", draw(table, &give, width, style, 0, &colours))?;
            }
        }
    }
    writeln!(out)?;
    let legend: Vec<String> = scheme
        .bands
        .iter()
        .map(|b| format!("{} = {}", b.points, b.label))
        .collect();
    writeln!(
        out,
        "{}",
        line(&format!("Points: {}.", legend.join(", ")), width)
    )?;
    writeln!(out, "{}", line(QUALITY_LEGEND, width))?;
    Ok(())
}
