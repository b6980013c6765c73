//! The terminal table without colour or wrapping, drawn directly: the same characters
//! comfy-table draws with its `UTF8_FULL_CONDENSED` preset, a padding of one space and no
//! content arrangement, at a fraction of its cost (the table is most of what a one-city
//! `assess` spends its time on). With colour or wrapping, `table` uses comfy-table itself.
//! It draws text; it never computes.

use unicode_width::UnicodeWidthStr;

/// How a cell's text sits in its column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
    Center,
}

/// A table: a header row, then rows of cells with their alignment.
#[derive(Debug, Default)]
pub struct PlainTable {
    rows: Vec<Vec<(String, Align)>>,
}

impl PlainTable {
    pub fn new(header: &[&str]) -> PlainTable {
        PlainTable {
            rows: vec![header
                .iter()
                .map(|h| (h.to_string(), Align::Left))
                .collect()],
        }
    }

    pub fn add_row(&mut self, cells: Vec<(String, Align)>) {
        self.rows.push(cells);
    }

    /// The table's lines, joined by `\n`, without a line end after the last.
    pub fn render(&self) -> String {
        let columns = self.rows.iter().map(Vec::len).max().unwrap_or(0);
        let mut widths = vec![0usize; columns];
        // A cell's lines (split at `\n`), each measured in terminal columns.
        let cells: Vec<Vec<Vec<(&str, usize)>>> = self
            .rows
            .iter()
            .map(|row| {
                row.iter()
                    .enumerate()
                    .map(|(c, (text, _))| {
                        let lines: Vec<(&str, usize)> =
                            text.split('\n').map(|l| (l, l.width())).collect();
                        for &(_, w) in &lines {
                            widths[c] = widths[c].max(w);
                        }
                        lines
                    })
                    .collect()
            })
            .collect();
        let mut out = String::new();
        border(&mut out, &widths, ['┌', '─', '┬', '┐']);
        for (r, row) in cells.iter().enumerate() {
            let height = row.iter().map(Vec::len).max().unwrap_or(1);
            for line in 0..height {
                out.push('\n');
                out.push('│');
                for (c, &width) in widths.iter().enumerate() {
                    if c > 0 {
                        out.push('┆');
                    }
                    let (text, used) = row
                        .get(c)
                        .and_then(|lines| lines.get(line))
                        .copied()
                        .unwrap_or(("", 0));
                    let align = self.rows[r].get(c).map_or(Align::Left, |(_, a)| *a);
                    let remaining = width.saturating_sub(used);
                    let (left, right) = match align {
                        Align::Left => (0, remaining),
                        Align::Right => (remaining, 0),
                        Align::Center => (remaining.div_ceil(2), remaining / 2),
                    };
                    out.push(' ');
                    out.extend(std::iter::repeat_n(' ', left));
                    out.push_str(text);
                    out.extend(std::iter::repeat_n(' ', right));
                    out.push(' ');
                }
                out.push('│');
            }
            if r == 0 {
                out.push('\n');
                border(&mut out, &widths, ['╞', '═', '╪', '╡']);
            }
        }
        out.push('\n');
        border(&mut out, &widths, ['└', '─', '┴', '┘']);
        out
    }
}

/// A horizontal line: `[left, line, between columns, right]`.
fn border(out: &mut String, widths: &[usize], [left, line, middle, right]: [char; 4]) {
    out.push(left);
    for (c, &width) in widths.iter().enumerate() {
        if c > 0 {
            out.push(middle);
        }
        out.extend(std::iter::repeat_n(line, width + 2));
    }
    out.push(right);
}

#[cfg(test)]
mod tests {
    use super::*;
    use comfy_table::presets::UTF8_FULL_CONDENSED;
    use comfy_table::{Cell, CellAlignment, Table};

    #[test]
    fn draws_what_comfy_table_draws() {
        let header = ["Code", "KPI", "Value", "Points"];
        let rows = [
            ["EC:ICT:ICT:1C", "Household Internet Access", "96.39", "4"],
            ["EC:ICT:ICT:4C/3g", "Coverage: 3G ✓ café", "", "12"],
            ["X", "two\nlines", "1234567.00", ""],
            ["", "", "", ""],
        ];
        let aligns = [Align::Left, Align::Left, Align::Right, Align::Center];
        let mut comfy = Table::new();
        comfy.load_preset(UTF8_FULL_CONDENSED);
        comfy.force_no_tty();
        comfy.set_header(header.iter().map(Cell::new));
        let mut plain = PlainTable::new(&header);
        for row in rows {
            comfy.add_row(row.iter().zip(aligns).map(|(text, align)| {
                Cell::new(text).set_alignment(match align {
                    Align::Left => CellAlignment::Left,
                    Align::Right => CellAlignment::Right,
                    Align::Center => CellAlignment::Center,
                })
            }));
            plain.add_row(row.iter().map(|t| t.to_string()).zip(aligns).collect());
        }
        assert_eq!(plain.render(), comfy.to_string());
    }
}
