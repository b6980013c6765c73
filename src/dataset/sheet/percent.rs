//! Which cells of an `.xlsx` or `.xlsm` sheet are shown as percentages. calamine (0.35) gives
//! a cell's value but not its number format, so this reads the two parts of the workbook
//! that say it: `xl/styles.xml` (each cell style's number format: the built-in `0%` and
//! `0.00%`, or a format code with a `%` that is not quoted or escaped, which Excel shows as
//! the value x 100) and the sheet's own XML (each cell's style index `s`). `None` where the
//! formats cannot be known: not a zip of those parts (`.xlsb`, `.xls`, `.ods`), or a part
//! missing or unreadable. It never reads a value.

use std::collections::HashSet;
use std::io::{BufReader, Read, Seek};
use std::path::Path;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

/// The built-in number formats that are percentages: `0%` and `0.00%`.
const BUILT_IN_PERCENT: [u32; 2] = [9, 10];

/// The cells (row and column, from 0) of sheet `name` whose number is shown as a
/// percentage, or `None` where the workbook does not say.
pub(super) fn cells(path: &Path, name: &str) -> Option<HashSet<(u32, u32)>> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).ok()?).ok()?;
    let styles = percent_styles(&part(&mut zip, "xl/styles.xml")?)?;
    if !styles.contains(&true) {
        return Some(HashSet::new());
    }
    let target = sheet_part(&mut zip, name)?;
    let sheet = zip.by_name(&target).ok()?;
    percent_cells(BufReader::new(sheet), &styles)
}

/// A part of the workbook as text.
fn part<R: Read + Seek>(zip: &mut zip::ZipArchive<R>, name: &str) -> Option<String> {
    let mut text = String::new();
    zip.by_name(name).ok()?.read_to_string(&mut text).ok()?;
    Some(text)
}

/// The value of attribute `key` (its local name: `id` for `r:id`), unescaped.
fn attribute(e: &BytesStart, key: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == key)
        .and_then(|a| {
            let text = std::str::from_utf8(&a.value).ok()?;
            quick_xml::escape::unescape(text)
                .ok()
                .map(|v| v.into_owned())
        })
}

/// The elements of an XML text, in order: each start (or empty) tag with its attributes,
/// and each end tag as its name with `None`.
fn elements(text: &str, mut each: impl FnMut(&[u8], Option<&BytesStart>)) -> Option<()> {
    let mut reader = Reader::from_str(text);
    loop {
        match reader.read_event().ok()? {
            Event::Start(e) | Event::Empty(e) => each(e.local_name().as_ref(), Some(&e)),
            Event::End(e) => each(e.local_name().as_ref(), None),
            Event::Eof => return Some(()),
            _ => {}
        }
    }
}

/// For each cell style (`cellXfs`, by index), whether its number format is a percentage.
fn percent_styles(styles: &str) -> Option<Vec<bool>> {
    let mut custom = Vec::new();
    let mut ids = Vec::new();
    let mut in_cell_xfs = false;
    elements(styles, |name, tag| match (name, tag) {
        (b"numFmt", Some(e)) => {
            if let (Some(id), Some(code)) = (attribute(e, b"numFmtId"), attribute(e, b"formatCode"))
            {
                custom.push((
                    id.parse::<u32>().unwrap_or(u32::MAX),
                    is_percent_code(&code),
                ));
            }
        }
        (b"cellXfs", tag) => in_cell_xfs = tag.is_some(),
        (b"xf", Some(e)) if in_cell_xfs => {
            ids.push(
                attribute(e, b"numFmtId")
                    .and_then(|id| id.parse::<u32>().ok())
                    .unwrap_or(0),
            );
        }
        _ => {}
    })?;
    Some(
        ids.into_iter()
            .map(|id| match custom.iter().find(|(c, _)| *c == id) {
                Some((_, percent)) => *percent,
                None => BUILT_IN_PERCENT.contains(&id),
            })
            .collect(),
    )
}

/// Whether a format code shows its number as a percentage: a `%` in its first section (the
/// one for positive numbers) that is neither quoted (`0"%"`) nor escaped (`0\%`), which show
/// a literal sign without multiplying.
fn is_percent_code(code: &str) -> bool {
    let (mut quoted, mut escaped) = (false, false);
    for c in code.chars() {
        match (c, quoted, escaped) {
            (_, _, true) => escaped = false,
            ('"', _, _) => quoted = !quoted,
            ('\\', false, _) => escaped = true,
            (';', false, _) => return false,
            ('%', false, _) => return true,
            _ => {}
        }
    }
    false
}

/// The path in the zip of the sheet named `name`, from the workbook and its relationships.
fn sheet_part<R: Read + Seek>(zip: &mut zip::ZipArchive<R>, name: &str) -> Option<String> {
    let mut id = None;
    elements(&part(zip, "xl/workbook.xml")?, |tag, e| {
        if let (b"sheet", Some(e), None) = (tag, e, &id) {
            if attribute(e, b"name").as_deref() == Some(name) {
                id = attribute(e, b"id");
            }
        }
    })?;
    let id = id?;
    let mut target = None;
    elements(&part(zip, "xl/_rels/workbook.xml.rels")?, |tag, e| {
        if let (b"Relationship", Some(e)) = (tag, e) {
            if attribute(e, b"Id").as_deref() == Some(id.as_str()) {
                target = attribute(e, b"Target");
            }
        }
    })?;
    let target = target?;
    Some(match target.strip_prefix('/') {
        Some(absolute) => absolute.to_string(),
        None => format!("xl/{target}"),
    })
}

/// The numeric cells of a sheet's XML whose style is a percentage. A cell or row without
/// its reference follows the one before it, as the format allows.
fn percent_cells(sheet: impl std::io::BufRead, styles: &[bool]) -> Option<HashSet<(u32, u32)>> {
    let mut reader = Reader::from_reader(sheet);
    let mut buf = Vec::new();
    let mut found = HashSet::new();
    let (mut row, mut col) = (u32::MAX, u32::MAX);
    loop {
        let (e, _) = match reader.read_event_into(&mut buf).ok()? {
            Event::Start(e) => (e, true),
            Event::Empty(e) => (e, false),
            Event::Eof => return Some(found),
            _ => {
                buf.clear();
                continue;
            }
        };
        match e.local_name().as_ref() {
            b"row" => {
                row = attribute(&e, b"r")
                    .and_then(|r| r.parse::<u32>().ok())
                    .map_or(row.wrapping_add(1), |r| r - 1);
                col = u32::MAX;
            }
            b"c" => {
                (row, col) = match attribute(&e, b"r").and_then(|r| reference(&r)) {
                    Some(at) => at,
                    None => (row, col.wrapping_add(1)),
                };
                let numeric = matches!(attribute(&e, b"t").as_deref(), None | Some("n"));
                let style = attribute(&e, b"s").and_then(|s| s.parse::<usize>().ok());
                if numeric && style.is_some_and(|s| styles.get(s) == Some(&true)) {
                    found.insert((row, col));
                }
            }
            _ => {}
        }
        buf.clear();
    }
}

/// A cell reference (`B3`) as its row and column from 0.
fn reference(r: &str) -> Option<(u32, u32)> {
    let split = r.find(|c: char| c.is_ascii_digit())?;
    let (letters, digits) = r.split_at(split);
    let col = letters.bytes().try_fold(0u32, |n, b| {
        b.is_ascii_uppercase()
            .then(|| n * 26 + u32::from(b - b'A') + 1)
    })?;
    let row = digits.parse::<u32>().ok()?;
    (col > 0 && row > 0).then(|| (row - 1, col - 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_formats_are_the_unquoted_percent_signs() {
        for code in ["0%", "0.0%", "#,##0.00%", "0%;[Red]-0%", "[Blue]0.0 %"] {
            assert!(is_percent_code(code), "{code}");
        }
        for code in ["0", "0\"%\"", "0\\%", "0;-0%", "General", "#,##0.00"] {
            assert!(!is_percent_code(code), "{code}");
        }
    }

    #[test]
    fn references_are_rows_and_columns_from_zero() {
        assert_eq!(reference("A1"), Some((0, 0)));
        assert_eq!(reference("D12"), Some((11, 3)));
        assert_eq!(reference("AA3"), Some((2, 26)));
        assert_eq!(reference("3"), None);
    }

    #[test]
    fn styles_and_cells_are_matched() {
        let styles = r#"<styleSheet><numFmts count="1"><numFmt numFmtId="164" formatCode="0.0%"/></numFmts>
            <cellStyleXfs count="1"><xf numFmtId="10"/></cellStyleXfs>
            <cellXfs count="4"><xf numFmtId="0"/><xf numFmtId="9" applyNumberFormat="1"/><xf numFmtId="164"/><xf numFmtId="4"/></cellXfs></styleSheet>"#;
        let styles = percent_styles(styles).unwrap();
        assert_eq!(styles, [false, true, true, false]);
        let sheet = r#"<worksheet><sheetData><row r="2"><c r="A2" s="1"><v>0.5</v></c><c r="B2" s="1" t="s"><v>0</v></c><c s="2"><v>0.25</v></c></row>
            <row><c s="3"><v>1</v></c><c s="2"/></row></sheetData></worksheet>"#;
        let cells = percent_cells(sheet.as_bytes(), &styles).unwrap();
        let mut cells: Vec<_> = cells.into_iter().collect();
        cells.sort();
        assert_eq!(cells, [(1, 0), (1, 2), (2, 1)]);
    }
}
