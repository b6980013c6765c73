//! The terminal table without colour or wrapping, drawn directly: the same characters
//! comfy-table draws with its `UTF8_FULL_CONDENSED` preset, a padding of one space and no
//! content arrangement, at a fraction of its cost (the table is most of what a one-city
//! `assess` spends its time on). With colour, `table` hands the same cells to comfy-table.
//! [`PlainTable::fit`] makes a table fit a width: it leaves out columns in a given order while
//! even the narrowest layout is too wide, then wraps the text of the columns that may wrap,
//! at spaces where it can. It draws text; it never computes.

use unicode_width::UnicodeWidthStr;

/// How a cell's text sits in its column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
    Center,
}

/// How a column gives way when the table is too wide for its width.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Give {
    /// Its text may wrap onto more lines.
    pub wrap: bool,
    /// Left out when the table cannot fit otherwise: the lowest first; `None`: never.
    pub drop: Option<u8>,
}

impl Give {
    /// A column kept whole: codes and numbers.
    pub const WHOLE: Give = Give {
        wrap: false,
        drop: None,
    };
    /// A column of text that wraps.
    pub const WRAP: Give = Give {
        wrap: true,
        drop: None,
    };

    /// This column, left out as the `rank`-th when the width requires.
    pub const fn or_drop(self, rank: u8) -> Give {
        Give {
            drop: Some(rank),
            ..self
        }
    }
}

/// The narrowest a wrapping column becomes (or its widest line, if narrower).
const MIN_WRAP: usize = 10;

/// The width of a table's borders and padding around `columns` columns of text: `│ a ┆ b │`.
fn frame(columns: usize) -> usize {
    3 * columns + 1
}

/// `text` wrapped to lines of at most `width` terminal columns: at spaces where it can, inside
/// a word longer than the width.
pub fn wrap(text: &str, width: usize) -> String {
    let mut lines: Vec<String> = Vec::new();
    for paragraph in text.split('\n') {
        if paragraph.width() <= width {
            lines.push(paragraph.to_string());
            continue;
        }
        // An indented paragraph keeps its indent on its first line.
        let words = paragraph.trim_start_matches(' ');
        let mut line = " ".repeat(paragraph.len() - words.len());
        let mut fresh = true;
        for word in words.split(' ') {
            let joined = match fresh {
                true => line.width() + word.width(),
                false => line.width() + 1 + word.width(),
            };
            if joined <= width {
                if !fresh {
                    line.push(' ');
                }
                line.push_str(word);
                fresh = false;
                continue;
            }
            if !fresh {
                lines.push(std::mem::take(&mut line));
            }
            for c in word.chars() {
                if line.width() + c.to_string().width() > width && !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                line.push(c);
            }
            fresh = false;
        }
        lines.push(line);
    }
    lines.join("\n")
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

    /// The header row, then the rows.
    pub fn rows(&self) -> &[Vec<(String, Align)>] {
        &self.rows
    }

    /// Each column's widest line, in terminal columns.
    fn widths(&self) -> Vec<usize> {
        let columns = self.rows.iter().map(Vec::len).max().unwrap_or(0);
        let mut widths = vec![0usize; columns];
        for row in &self.rows {
            for (c, (text, _)) in row.iter().enumerate() {
                let widest = text.split('\n').map(|l| l.width()).max().unwrap_or(0);
                widths[c] = widths[c].max(widest);
            }
        }
        widths
    }

    /// Make the table at most `width` terminal columns wide, each column giving way as
    /// `give` says (one per column): columns are left out in their `drop` order while the
    /// table is too wide even with every wrapping column at its narrowest, then the widest
    /// wrapping columns are narrowed until it fits, and their text wrapped. Returns the
    /// indices of the columns kept. A table that cannot fit even so keeps its narrowest form.
    pub fn fit(&mut self, width: usize, give: &[Give]) -> Vec<usize> {
        let natural = self.widths();
        let narrowest = |c: usize| match give.get(c).is_some_and(|g| g.wrap) {
            true => natural[c].min(MIN_WRAP),
            false => natural[c],
        };
        let mut kept: Vec<usize> = (0..natural.len()).collect();
        let mut droppable: Vec<(u8, usize)> = give
            .iter()
            .enumerate()
            .filter_map(|(c, g)| Some((g.drop?, c)))
            .collect();
        droppable.sort_unstable();
        let mut droppable = droppable.into_iter();
        let fits = |kept: &[usize], each: &dyn Fn(usize) -> usize| {
            kept.iter().map(|&c| each(c)).sum::<usize>() + frame(kept.len()) <= width
        };
        while !fits(&kept, &narrowest) {
            let Some((_, c)) = droppable.next() else {
                break;
            };
            kept.retain(|&k| k != c);
        }
        // Narrow the widest wrapping column, one terminal column at a time.
        let mut widths: Vec<usize> = natural.clone();
        let room = width.saturating_sub(frame(kept.len()));
        while kept.iter().map(|&c| widths[c]).sum::<usize>() > room {
            let widest = kept
                .iter()
                .copied()
                .filter(|&c| widths[c] > narrowest(c))
                .max_by_key(|&c| (widths[c], std::cmp::Reverse(c)));
            let Some(c) = widest else {
                break;
            };
            widths[c] -= 1;
        }
        for row in &mut self.rows {
            let cells = std::mem::take(row);
            *row = cells
                .into_iter()
                .enumerate()
                .filter(|(c, _)| kept.contains(c))
                .map(|(c, (text, align))| match widths[c] < natural[c] {
                    true => (wrap(&text, widths[c]), align),
                    false => (text, align),
                })
                .collect();
        }
        kept
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

    fn widest_line(text: &str) -> usize {
        text.lines().map(|l| l.width()).max().unwrap_or(0)
    }

    #[test]
    fn text_wraps_at_spaces_and_inside_a_word_too_long() {
        assert_eq!(
            wrap("missing input: households", 10),
            "missing\ninput:\nhouseholds"
        );
        assert_eq!(wrap("abcdefghijkl", 5), "abcde\nfghij\nkl");
        assert_eq!(wrap("café ✓ ok", 6), "café ✓\nok");
        assert_eq!(wrap("  ICT", 6), "  ICT");
        assert_eq!(wrap("  Safety, Housing", 10), "  Safety,\nHousing");
    }

    #[test]
    fn a_table_fits_by_wrapping_then_leaving_out_columns_in_order() {
        let mut table = PlainTable::new(&["Code", "Name", "Note", "Extra"]);
        table.add_row(
            [
                "EC:ICT:ICT:1C",
                "Household Internet Access",
                "missing input: households_with_internet, households",
                "something long enough to matter",
            ]
            .map(|t| (t.to_string(), Align::Left))
            .to_vec(),
        );
        let give = [Give::WHOLE, Give::WRAP, Give::WRAP, Give::WRAP.or_drop(0)];
        let wide = widest_line(&table.render());
        let mut roomy = PlainTable {
            rows: table.rows.clone(),
        };
        assert_eq!(roomy.fit(wide, &give), vec![0, 1, 2, 3]);
        assert_eq!(
            roomy.render(),
            table.render(),
            "a table that fits is left alone"
        );

        let mut wrapped = PlainTable {
            rows: table.rows.clone(),
        };
        assert_eq!(wrapped.fit(70, &give), vec![0, 1, 2, 3]);
        let text = wrapped.render();
        assert!(widest_line(&text) <= 70, "{text}");
        assert!(text.contains("EC:ICT:ICT:1C"), "codes stay whole: {text}");

        let mut narrow = PlainTable {
            rows: table.rows.clone(),
        };
        assert_eq!(narrow.fit(50, &give), vec![0, 1, 2]);
        let text = narrow.render();
        assert!(widest_line(&text) <= 50, "{text}");
        assert!(!text.contains("Extra"), "{text}");
        // Nothing left to leave out: the narrowest form, wider than asked.
        let mut tiny = PlainTable {
            rows: table.rows.clone(),
        };
        assert_eq!(tiny.fit(20, &give), vec![0, 1, 2]);
        // The code whole, "Household" and the note's words broken at 10.
        assert_eq!(widest_line(&tiny.render()), 13 + 9 + 10 + frame(3));
    }

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
