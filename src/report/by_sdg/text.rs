//! Results by SDG as the terminal table and as Markdown: per city-year, per goal a heading
//! with its roll-up and coverage, then a table of its targets (each with its roll-up) and,
//! under each target, its KPIs (or parts). A goal no KPI informs gets one line saying so.
//! Both draw the same [`Goal`] blocks; nothing is computed here.

use std::io::Write;

use super::super::plain_table::{Align, Give, PlainTable};
use super::super::{display_value, neutralise, Style};
use crate::error::WriteError;
use crate::scoring::sdg::{Coverage, GoalResult, SdgGrouping};
use crate::scoring::{Assessment, NotScored, Outcome, Summary};

/// The columns of a goal's table.
const HEADER: [&str; 7] = ["SDG", "KPI", "Value", "Score", "Band", "Progress", "Scored"];

/// How each column gives way on a narrow terminal.
const GIVE: [Give; 7] = [
    Give::WHOLE,
    Give::WRAP,
    Give::WRAP,
    Give::WHOLE,
    Give::WRAP.or_drop(2),
    Give::WRAP.or_drop(1),
    Give::WHOLE,
];

/// A goal as text: its heading, its roll-up line, and its table's rows (none when no KPI
/// informs it).
struct Goal {
    heading: String,
    line: String,
    rows: Vec<[String; 7]>,
}

/// `72.9 %`, the band's label, the progress in words: a roll-up's cells.
fn roll_up(s: &Summary) -> [String; 3] {
    [
        s.score.map_or(String::new(), |v| format!("{v:.1} %")),
        s.band.map_or(String::new(), |b| b.label.clone()),
        s.progress
            .map_or(String::new(), |p| <&str>::from(p.1).replace('_', " ")),
    ]
}

fn coverage(c: Coverage) -> String {
    format!("{}/{}", c.scored, c.linked)
}

fn goal(g: &GoalResult) -> Goal {
    let heading = format!("Goal {}: {}", g.goal.code, g.goal.name);
    if !g.is_informed() {
        return Goal {
            heading,
            line: "No U4SSC KPI informs this goal.".into(),
            rows: Vec::new(),
        };
    }
    let [score, band, progress] = roll_up(&g.summary);
    let line = format!(
        "{}; {} of {} KPIs scored; targets informed: {} of {}.",
        if score.is_empty() {
            "Not scored".to_string()
        } else {
            format!("Score {score} ({band})")
        },
        g.coverage.scored,
        g.coverage.linked,
        g.targets.len(),
        g.targets.len() + g.uninformed_targets().len(),
    ) + &if progress.is_empty() {
        String::new()
    } else {
        format!(" Progress: {progress}.")
    };
    let mut rows = Vec::new();
    for t in &g.targets {
        let [score, band, progress] = roll_up(&t.summary);
        rows.push([
            t.code.to_string(),
            format!("Target {}", t.code),
            String::new(),
            score,
            band,
            progress,
            coverage(t.coverage),
        ]);
        for o in &t.outcomes {
            let value = match o.value {
                Some(_) if o.measure.unit.is_empty() || o.measure.is_yes_no() => {
                    display_value(o.measure, o.value)
                }
                Some(_) => format!("{} {}", display_value(o.measure, o.value), o.measure.unit),
                None => "–".into(),
            };
            let progress = o.progress.map_or(String::new(), |t| {
                <&str>::from(t.progress.status).replace('_', " ")
            });
            rows.push([
                String::new(),
                format!("{} {}", o.kpi.code, o.name),
                value,
                o.score
                    .map_or(String::new(), |s| format!("{:.1} %", s.achievement)),
                o.band.map_or(String::new(), |b| b.label.clone()),
                progress,
                scored_text(o),
            ]);
        }
    }
    Goal {
        heading,
        line,
        rows,
    }
}

/// A city-year's heading.
fn city_heading(city: &str, year: i32) -> String {
    format!("{city} {year}: results by SDG")
}

pub(super) fn render_table(
    assessment: &Assessment,
    grouping: &SdgGrouping,
    style: Style,
    out: &mut dyn Write,
) -> Result<(), WriteError> {
    for line in super::super::banner(assessment) {
        writeln!(out, "{line}")?;
    }
    for city_year in assessment.iter() {
        let by = grouping.of(&city_year);
        writeln!(out, "{}", city_heading(city_year.city, city_year.year))?;
        let uninformed: Vec<&str> = by
            .goals
            .iter()
            .filter(|g| !g.is_informed())
            .map(|g| g.goal.code)
            .collect();
        for g in by.goals.iter().filter(|g| g.is_informed()) {
            let text = goal(g);
            writeln!(out)?;
            writeln!(out, "{}. {}", text.heading, text.line)?;
            let mut table = PlainTable::new(&HEADER);
            for row in text.rows {
                let align = |i: usize| if i == 3 { Align::Right } else { Align::Left };
                table.add_row(
                    row.into_iter()
                        .enumerate()
                        .map(|(i, c)| (c, align(i)))
                        .collect(),
                );
            }
            if let Some(width) = style.width {
                table.fit(width, &GIVE);
            }
            writeln!(out, "{}", table.render())?;
        }
        if !uninformed.is_empty() {
            writeln!(out)?;
            writeln!(
                out,
                "No U4SSC KPI informs goal{} {}.",
                if uninformed.len() == 1 { "" } else { "s" },
                uninformed.join(", ")
            )?;
        }
        writeln!(out)?;
    }
    writeln!(out, "Score: of a goal or target, the points of its scored KPIs as a share of the maximum, banded as the dimensions are; of a KPI, its achievement (share of the target). Scored: KPIs with a score, of those linked. The links are U4SSC's (the catalogue's sdg values).")?;
    Ok(())
}

/// A Markdown table cell: pipes escaped, line breaks flattened, formula-like text neutralised.
fn cell(text: &str) -> String {
    neutralise(text)
        .replace('|', "\\|")
        .replace(['\n', '\r'], " ")
}

pub(super) fn render_markdown(
    assessment: &Assessment,
    grouping: &SdgGrouping,
    out: &mut dyn Write,
) -> Result<(), WriteError> {
    writeln!(out, "# U4SSC results by SDG")?;
    for line in super::super::banner(assessment) {
        writeln!(out)?;
        writeln!(out, "> **Warning:** {}", cell(&line))?;
    }
    for city_year in assessment.iter() {
        let by = grouping.of(&city_year);
        writeln!(out)?;
        writeln!(
            out,
            "## {}",
            cell(&city_heading(city_year.city, city_year.year))
        )?;
        for g in &by.goals {
            let text = goal(g);
            writeln!(out)?;
            writeln!(out, "### {}", cell(&text.heading))?;
            writeln!(out)?;
            writeln!(out, "{}", cell(&text.line))?;
            if text.rows.is_empty() {
                continue;
            }
            writeln!(out)?;
            writeln!(out, "| {} |", HEADER.join(" | "))?;
            writeln!(out, "|---|---|---|---:|---|---|---|")?;
            for mut row in text.rows {
                if !row[0].is_empty() {
                    row[1] = format!("**{}**", row[1]);
                }
                let cells: Vec<String> = row.iter().map(|c| cell(c)).collect();
                writeln!(out, "| {} |", cells.join(" | "))?;
            }
        }
    }
    writeln!(out)?;
    writeln!(out, "Score: of a goal or target, the points of its scored KPIs as a share of the maximum, banded as the dimensions are; of a KPI, its achievement (share of the target). Scored: KPIs with a score, of those linked. The links are U4SSC's (the catalogue's `sdg` values).")?;
    Ok(())
}

/// `yes`, or `no` and why: `no (no value)`, `no (not verified)`, `no (no target)`, ...
fn scored_text(o: &Outcome) -> String {
    if o.score.is_some() {
        return "yes".into();
    }
    let why = match (o.value, o.not_scored) {
        (None, _) => "no value",
        (_, Some(NotScored::Never)) => "never scored",
        (_, Some(NotScored::NoDirection)) => "no direction",
        (_, Some(NotScored::NoTarget)) => "no target",
        (_, Some(NotScored::BelowQuality(_))) => "below quality",
        (_, Some(NotScored::NotVerified)) => "not verified",
        (_, Some(NotScored::NotReported)) => "not reported",
        (Some(_), None) => "no score",
    };
    format!("no ({why})")
}
