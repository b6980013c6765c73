//! The text layer of a CSV file: encoding, delimiter, decimal mark, values.
//!
//! Spreadsheets export CSV with a byte-order mark, CRLF line ends, semicolons
//! and decimal commas; this module accepts all of them and says plainly what
//! it cannot read. It never stores a value.

use super::quotes::{QuoteFault, QuoteScan};
use crate::catalog::Kind;
use crate::diagnostic::{Problem, ProblemCode};

/// The decimal mark of numbers in a file.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    strum::EnumIter,
    strum::IntoStaticStr,
    strum::EnumString,
)]
#[strum(serialize_all = "lowercase")]
pub enum Decimal {
    /// A comma when the delimiter is `;` (as European spreadsheets export), else a point.
    #[default]
    Auto,
    Point,
    Comma,
}

/// How to read CSV text; `None`/`Auto` are detected from the file.
#[derive(Debug, Clone, Copy, Default)]
pub struct TextOptions {
    pub delimiter: Option<u8>,
    pub decimal: Decimal,
}

/// What was detected about one file.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    pub delimiter: u8,
    pub decimal_comma: bool,
}

impl Shape {
    pub fn detect(text: &str, options: &TextOptions, file: &str) -> Result<Shape, Problem> {
        let header = text.lines().find(|l| !l.trim().is_empty());
        let Some(header) = header else {
            return Err(Problem::new(
                ProblemCode::EmptyFile,
                file,
                "the file is empty; a dataset needs a header (city,year,variable,value) and rows",
            ));
        };
        let delimiter = options.delimiter.unwrap_or_else(|| {
            [b',', b';', b'\t', b'|']
                .into_iter()
                .max_by_key(|&d| header.bytes().filter(|&b| b == d).count())
                .filter(|&d| header.as_bytes().contains(&d))
                .unwrap_or(b',')
        });
        let decimal_comma = match options.decimal {
            Decimal::Auto => delimiter == b';',
            Decimal::Point => false,
            Decimal::Comma => true,
        };
        Ok(Shape {
            delimiter,
            decimal_comma,
        })
    }
}

/// A reader that makes line numbers right: CRLF line ends (every Excel export) and lone CR
/// line ends (old Mac exports) become LF, and a blank line becomes a line holding one space. The CSV reader counts `\n` only and
/// skips blank lines without counting them; a line of one space is a record it counts,
/// which the loader then skips as blank.
pub struct LfReader<R> {
    inner: R,
    input: Vec<u8>,
    out: Vec<u8>,
    pos: usize,
    /// A `\r` that ended the last read, held back until the next byte is known.
    pending_cr: bool,
    /// Nothing has been written on the current line yet.
    line_start: bool,
    done: bool,
    /// Quotes checked as the text passes (from the line after the header on).
    quotes: Option<QuoteScan>,
}

impl<R> LfReader<R> {
    pub fn new(inner: R) -> Self {
        LfReader {
            inner,
            input: vec![0; 1 << 16],
            out: Vec::with_capacity(1 << 16),
            pos: 0,
            pending_cr: false,
            line_start: true,
            done: false,
            quotes: None,
        }
    }

    /// The first quote the CSV reader would read wrong, on a line counted from the first
    /// line after the header.
    pub fn quote_fault(&self) -> Option<(usize, QuoteFault)> {
        self.quotes.as_ref().and_then(QuoteScan::fault)
    }

    fn newline(&mut self) {
        if self.line_start {
            self.out.push(b' ');
        }
        self.out.push(b'\n');
        self.line_start = true;
    }
}

impl<R: std::io::Read> LfReader<R> {
    fn fill(&mut self) -> std::io::Result<()> {
        self.out.clear();
        self.pos = 0;
        while self.out.is_empty() && !self.done {
            let n = self.inner.read(&mut self.input)?;
            if n == 0 {
                self.done = true;
                if std::mem::take(&mut self.pending_cr) {
                    self.newline();
                }
                break;
            }
            // Runs of bytes without a line end are copied whole; only line ends are looked at
            // one by one.
            let mut i = 0;
            while i < n {
                if std::mem::take(&mut self.pending_cr) {
                    self.newline();
                    if self.input[i] == b'\n' {
                        i += 1;
                        continue;
                    }
                }
                let run = memchr::memchr2(b'\r', b'\n', &self.input[i..n]).unwrap_or(n - i);
                if run > 0 {
                    self.out.extend_from_slice(&self.input[i..i + run]);
                    self.line_start = false;
                    i += run;
                    continue;
                }
                match self.input[i] {
                    b'\r' => self.pending_cr = true,
                    _ => self.newline(),
                }
                i += 1;
            }
        }
        if let Some(quotes) = &mut self.quotes {
            quotes.scan(&self.out);
            if self.done {
                quotes.finish();
            }
        }
        Ok(())
    }
}

impl<R: std::io::Read> std::io::Read for LfReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.pos == self.out.len() {
            self.fill()?;
        }
        let n = buf.len().min(self.out.len() - self.pos);
        buf[..n].copy_from_slice(&self.out[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// A CSV file opened for reading: what was detected, its header, and a reader positioned
/// just after the header. A record's line is `header_line` plus its position's line.
pub struct Table<R> {
    pub reader: csv::Reader<std::io::BufReader<LfReader<R>>>,
    pub shape: Shape,
    /// The header's cells, trimmed.
    pub header: Vec<String>,
    /// The line of the header: the first line that is not blank.
    pub header_line: usize,
}

/// Open CSV text for reading: the same for data files and targets files. The header is
/// the first line that is not blank, read whole (even from a slow pipe); it decides the
/// delimiter and the decimal mark.
pub fn open<R: std::io::Read>(
    input: R,
    options: &TextOptions,
    file: &str,
) -> Result<Table<R>, Problem> {
    use std::io::BufRead;
    let mut buffered = std::io::BufReader::with_capacity(1 << 20, LfReader::new(input));
    let mut line = Vec::new();
    let mut header_line = 0;
    loop {
        line.clear();
        let n = buffered.read_until(b'\n', &mut line).map_err(|e| {
            Problem::new(
                ProblemCode::UnreadableFile,
                file,
                format!("cannot read the file: {e}"),
            )
        })?;
        if n == 0 {
            return Err(Problem::new(
                ProblemCode::EmptyFile,
                file,
                "the file is empty; it needs a header (city,year,variable,value) and rows",
            ));
        }
        header_line += 1;
        let bytes = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&line);
        if !bytes.iter().all(u8::is_ascii_whitespace) {
            break;
        }
    }
    let text = decode(&line, file).map_err(|p| p.at_line(header_line))?;
    let shape = Shape::detect(&text, options, file)?;
    let header: Vec<String> = csv::ReaderBuilder::new()
        .delimiter(shape.delimiter)
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .next()
        .and_then(Result::ok)
        .map(|r| r.iter().map(|c| c.trim().to_string()).collect())
        .unwrap_or_default();
    // What the reader has taken in past the header is scanned here, the rest as it comes.
    let mut quotes = QuoteScan::new(shape.delimiter);
    quotes.scan(buffered.buffer());
    if buffered.get_ref().done {
        quotes.finish();
    }
    buffered.get_mut().quotes = Some(quotes);
    let reader = csv::ReaderBuilder::new()
        .delimiter(shape.delimiter)
        .flexible(true)
        .has_headers(false)
        .from_reader(buffered);
    Ok(Table {
        reader,
        shape,
        header,
        header_line,
    })
}

/// The first column of a record whose value holds a line break, if any. The record's
/// bytes are scanned once; its columns only when one has a line break.
pub fn broken_column(record: &csv::StringRecord) -> Option<usize> {
    let bytes = record.as_byte_record().as_slice();
    memchr::memchr2(b'\n', b'\r', bytes)?;
    record.iter().position(|c| c.contains(['\n', '\r']))
}

/// `text.trim()`, answered without looking at Unicode when both ends are plain ASCII
/// that is not whitespace (nearly every cell).
pub fn trim(text: &str) -> &str {
    match (text.as_bytes().first(), text.as_bytes().last()) {
        (Some(&first), Some(&last))
            if first.is_ascii()
                && last.is_ascii()
                && !(first as char).is_whitespace()
                && !(last as char).is_whitespace() =>
        {
            text
        }
        _ => text.trim(),
    }
}

/// Decode a file as UTF-8, dropping a byte-order mark.
pub fn decode(bytes: &[u8], file: &str) -> Result<String, Problem> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text.to_string()),
        Err(e) => {
            let line = bytes[..e.valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
                + 1;
            let spreadsheet = bytes.starts_with(b"PK\x03\x04")
                || bytes.starts_with(b"\xD0\xCF\x11\xE0")
                || bytes.starts_with(b"PAR1");
            let message = if spreadsheet {
                "this is a spreadsheet or Parquet file, not CSV text; export it as \"CSV UTF-8\", or (a data file) name it .xlsx, .xls, .ods or .parquet to read it as one".to_string()
            } else {
                format!(
                    "the file is not UTF-8 (byte {} is not valid); save it as \"CSV UTF-8\" from your spreadsheet",
                    e.valid_up_to() + 1
                )
            };
            Err(Problem::new(ProblemCode::NotUtf8, file, message).at_line(line))
        }
    }
}

/// Spellings of "no value" that spreadsheets, statistics offices and U4SSC reports use
/// (`NR`, `not reported`, `..`, `-`).
pub fn is_not_available(raw: &str) -> bool {
    if raw.len() > 16 || raw.as_bytes().first().is_some_and(u8::is_ascii_digit) {
        return false; // the common case: a number
    }
    NOT_AVAILABLE.contains(&raw.trim().to_lowercase().as_str())
}

/// The spellings [`is_not_available`] reads as "no value", in lower case (the XLSX template's
/// checks allow the same).
pub const NOT_AVAILABLE: [&str; 16] = [
    "",
    "n/a",
    "na",
    "nr",
    "n.r.",
    "not reported",
    "not available",
    "-",
    "\u{2013}",
    "\u{2014}",
    "..",
    "...",
    "null",
    "none",
    "nan",
    "#n/a",
];

/// What a cell may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    Number,
    /// A number that may carry a `%` sign.
    Percent,
    /// A yes or a no ([`YES`], [`NO`]).
    YesNo,
    /// A yes/no KPI reported directly: yes, partial or no (1, 0.5, 0).
    YesPartialNo,
}

impl From<Kind> for ValueKind {
    fn from(kind: Kind) -> Self {
        match kind {
            Kind::Percent => ValueKind::Percent,
            Kind::Boolean => ValueKind::YesNo,
            Kind::Count | Kind::Amount | Kind::Ratio => ValueKind::Number,
        }
    }
}

/// The spellings of yes, no and partial (a yes/no KPI reported directly), trimmed and in
/// lower case. `1.0` and `0.0` are what a number column becomes as text (pandas' CSV, a
/// database's cast); `export-sql` reads the same spellings.
pub const YES: [&str; 5] = ["yes", "y", "true", "1", "1.0"];
pub const NO: [&str; 5] = ["no", "n", "false", "0", "0.0"];
pub const PARTIAL: [&str; 3] = ["partial", "0.5", "0,5"];

/// Parse one value. Yes/no cells take yes/no, true/false or 1/0 ([`YES`], [`NO`]; and
/// partial or 0.5 for a yes/no KPI reported directly); a percentage may carry a `%` sign.
/// The error is a hint on what to write.
pub fn parse_value(raw: &str, kind: ValueKind, decimal_comma: bool) -> Result<f64, String> {
    let text = raw.trim();
    if matches!(kind, ValueKind::YesNo | ValueKind::YesPartialNo) {
        let word = text.to_ascii_lowercase();
        let word = word.as_str();
        return if YES.contains(&word) {
            Ok(1.0)
        } else if NO.contains(&word) {
            Ok(0.0)
        } else if kind == ValueKind::YesPartialNo {
            match PARTIAL.contains(&word) {
                true => Ok(0.5),
                false => Err("write yes, partial or no".into()),
            }
        } else {
            Err("write yes or no".into())
        };
    }
    if is_not_available(text) {
        return Err("leave the cell empty when a value is not available".into());
    }
    let (text, percent_sign) = match text.strip_suffix('%') {
        Some(t) => (t.trim_end(), true),
        None => (text, false),
    };
    if percent_sign && kind != ValueKind::Percent {
        return Err("this variable is not a percentage; write the number without %".into());
    }
    parse_number(text, decimal_comma)
}

/// A number in the file's decimal mark. The other mark is read as a thousands separator
/// only where the digits say so (`1.234.567,5` with a decimal comma, `1,234,567.5` with a
/// point); anything else with it is an error, never a silent factor of 1000.
pub fn parse_number(text: &str, decimal_comma: bool) -> Result<f64, String> {
    // Nearly every cell: a plain number with a decimal point, which is its own normal form.
    if !decimal_comma && !text.contains(',') {
        if let Ok(v) = text.parse::<f64>() {
            if v.is_finite() {
                return Ok(v);
            }
        }
    }
    let (mark, group) = if decimal_comma {
        (',', '.')
    } else {
        ('.', ',')
    };
    let (sign, body) = match text.strip_prefix(['-', '+']) {
        Some(rest) => (&text[..1], rest),
        None => ("", text),
    };
    let (int, frac) = match body.split_once(mark) {
        Some((int, frac)) => (int, Some(frac)),
        None => (body, None),
    };
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    let int = if int.contains(group) {
        let groups: Vec<&str> = int.split(group).collect();
        // A thousands group never starts with 0: `0.125` is not 125.
        let grouped = groups[0].len() <= 3
            && !groups[0].starts_with('0')
            && groups.iter().all(|g| digits(g))
            && groups[1..].iter().all(|g| g.len() == 3)
            && frac.is_none_or(digits);
        if !grouped {
            return Err(if decimal_comma {
                format!("this file's decimal mark is a comma, so the point in \"{text}\" could only separate thousands, which its digits do not; write it with a decimal comma (12,5), or pass --decimal point")
            } else {
                format!("this file's decimal mark is a point, so the comma in \"{text}\" could only separate thousands, which its digits do not; write it with a decimal point (12.5), or pass --decimal comma")
            });
        }
        groups.concat()
    } else {
        int.to_string()
    };
    let normalized = match frac {
        Some(frac) => format!("{sign}{int}.{frac}"),
        None => format!("{sign}{int}"),
    };
    match normalized.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        Ok(_) => Err("write a finite number such as 1234.5".into()),
        _ if normalized
            .replace([' ', '\u{a0}', '\'', '_'], "")
            .parse::<f64>()
            .is_ok() =>
        {
            Err(
                "write numbers without spaces or apostrophes between the digits (1234, not 1 234)"
                    .into(),
            )
        }
        _ => Err("write a plain number such as 1234.5".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_accept_spreadsheet_spellings() {
        use ValueKind::*;
        assert_eq!(parse_value(" 12.5 ", Number, false), Ok(12.5));
        assert_eq!(parse_value("12,5", Number, true), Ok(12.5));
        assert_eq!(parse_value("12%", Percent, false), Ok(12.0));
        assert_eq!(parse_value("Yes", YesNo, false), Ok(1.0));
        assert_eq!(parse_value("partial", YesPartialNo, false), Ok(0.5));
        assert_eq!(parse_value("0.5", YesPartialNo, false), Ok(0.5));
        assert!(parse_value("partial", YesNo, false).is_err());
        // A number column written as text (pandas, a database's cast) says 1.0 and 0.0.
        assert_eq!(parse_value("1.0", YesNo, false), Ok(1.0));
        assert_eq!(parse_value(" 0.0", YesPartialNo, false), Ok(0.0));
        assert!(parse_value("1.00", YesNo, false).is_err());
        assert_eq!(parse_value("1,234", Number, false), Ok(1234.0));
        assert!(parse_value("n/a", Number, false).is_err());
        for missing in ["NR", "Not reported", "n/a", "NA", "-", "..", ""] {
            assert!(is_not_available(missing), "{missing}");
        }
        assert!(!is_not_available("0"));
        assert!(!is_not_available("no"));
        assert!(parse_value("inf", Number, false).is_err());
        assert!(parse_value("12%", Number, false).is_err());
    }

    #[test]
    fn the_other_mark_separates_thousands_only_where_the_digits_say_so() {
        let comma = |t| parse_number(t, true);
        let point = |t| parse_number(t, false);
        assert_eq!(comma("1.234"), Ok(1234.0));
        assert_eq!(comma("1.234.567"), Ok(1_234_567.0));
        assert_eq!(comma("-1.234,5"), Ok(-1234.5));
        assert_eq!(comma("12,5"), Ok(12.5));
        assert!(comma("1.5").is_err());
        assert!(comma("0.125").is_err());
        assert!(point("0,125").is_err());
        assert!(comma("1.2345").is_err());
        assert!(comma("12.34,5.6").is_err());
        assert_eq!(point("1,234"), Ok(1234.0));
        assert_eq!(point("1,234,567.25"), Ok(1_234_567.25));
        assert_eq!(point("1e5"), Ok(100_000.0));
        assert!(point("12,5").is_err());
        assert!(point("1,23,456").is_err());
        assert!(point("1 234").is_err());
    }

    #[test]
    fn a_decimal_comma_is_inferred_for_semicolon_files_only() {
        for (header, comma) in [
            ("a;b", true),
            ("a,b", false),
            ("a\tb", false),
            ("a|b", false),
        ] {
            let shape = Shape::detect(header, &TextOptions::default(), "f").unwrap();
            assert_eq!(shape.decimal_comma, comma, "{header}");
        }
    }

    #[test]
    fn the_delimiter_is_detected_from_the_header() {
        let shape =
            Shape::detect("city;year;variable;value\n", &TextOptions::default(), "f").unwrap();
        assert_eq!(shape.delimiter, b';');
        assert!(shape.decimal_comma);
        let shape =
            Shape::detect("city,year,variable,value\n", &TextOptions::default(), "f").unwrap();
        assert_eq!(shape.delimiter, b',');
        assert!(!shape.decimal_comma);
    }

    #[test]
    fn crlf_becomes_lf_across_reads() {
        use std::io::Read;
        /// Gives its bytes a few at a time, as a slow pipe does.
        struct Trickle<'a>(&'a [u8], usize);
        impl Read for Trickle<'_> {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                let n = self.1.min(buf.len()).min(self.0.len());
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let text = b"a,b\r\n1,2\r\n\r\n3,\"x\ry\"\r";
        let mut out = String::new();
        LfReader::new(&b"\n\na\n"[..])
            .read_to_string(&mut out)
            .unwrap();
        assert_eq!(out, " \n \na\n");
        for step in 1..8 {
            let mut out = String::new();
            LfReader::new(Trickle(text, step))
                .read_to_string(&mut out)
                .unwrap();
            assert_eq!(out, "a,b\n1,2\n \n3,\"x\ny\"\n", "step {step}");
        }
    }

    #[test]
    fn a_bom_is_dropped_and_bad_bytes_are_located() {
        assert_eq!(decode(b"\xEF\xBB\xBFcity", "f").unwrap(), "city");
        let problem = decode(b"city\nOslo\xFF", "f").unwrap_err();
        assert_eq!(problem.line, Some(2));
    }
}
