//! Quotes that the CSV reader would read wrong in silence, found while the text streams by.
//!
//! The `csv` crate reads `"abc"def` as `abcdef` and a quote left open at the end of a file
//! as if it were closed: a value changed, and no word. [`QuoteScan`] looks at the bytes
//! once, as they pass on their way to the reader (after line ends are made `\n`), and
//! remembers the first line where a quoted value is closed in the middle of a field or
//! never closed. It only finds; the loader decides what a fault stops.

/// Where a quote goes wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuoteFault {
    /// `"abc"def`: a quoted value goes on after its closing quote.
    ClosedMidField,
    /// A quoted value still open when the text ends.
    NeverClosed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// In an unquoted field, or at the start of one.
    Field,
    /// Inside a quoted field.
    Quoted,
    /// Just after a quote inside a quoted field: a second quote escapes it, anything but
    /// the delimiter or a line end after it is a fault.
    QuoteInQuoted,
    /// After a closing quote and spaces: only the delimiter or a line end may follow.
    Closed,
}

/// The scanner's state across the chunks of one text.
#[derive(Debug)]
pub struct QuoteScan {
    delimiter: u8,
    state: State,
    /// The byte before the current chunk (a quote opens a field only after a delimiter
    /// or a line end).
    prev: u8,
    /// The line the next byte is on, counted from 1 at the first byte scanned.
    line: usize,
    /// The line a quoted field opened on.
    opened: usize,
    fault: Option<(usize, QuoteFault)>,
}

impl QuoteScan {
    /// A scanner for text that starts at the beginning of a line.
    pub fn new(delimiter: u8) -> Self {
        QuoteScan {
            delimiter,
            state: State::Field,
            prev: b'\n',
            line: 1,
            opened: 0,
            fault: None,
        }
    }

    /// The first fault found so far: its line (counted from the first byte scanned) and kind.
    pub fn fault(&self) -> Option<(usize, QuoteFault)> {
        self.fault
    }

    /// Look at the next chunk of text.
    pub fn scan(&mut self, bytes: &[u8]) {
        if self.fault.is_some() || bytes.is_empty() {
            return;
        }
        let d = self.delimiter;
        let mut i = 0;
        // `self.line` counts the line breaks before `counted`: each byte is counted once.
        let mut counted = 0;
        while i < bytes.len() {
            match self.state {
                State::Quoted => match memchr::memchr(b'"', &bytes[i..]) {
                    Some(k) => {
                        i += k + 1;
                        self.state = State::QuoteInQuoted;
                    }
                    None => i = bytes.len(),
                },
                State::QuoteInQuoted | State::Closed => {
                    let b = bytes[i];
                    self.state = match (self.state, b) {
                        (State::QuoteInQuoted, b'"') => State::Quoted,
                        (_, b' ' | b'\t') => State::Closed,
                        (_, b) if b == d || b == b'\n' => State::Field,
                        _ => {
                            self.count_to(bytes, &mut counted, i);
                            self.fault = Some((self.line, QuoteFault::ClosedMidField));
                            return;
                        }
                    };
                    i += 1;
                }
                State::Field => match memchr::memchr(b'"', &bytes[i..]) {
                    Some(k) => {
                        let j = i + k;
                        let before = if j == 0 { self.prev } else { bytes[j - 1] };
                        if before == d || before == b'\n' {
                            self.state = State::Quoted;
                            self.count_to(bytes, &mut counted, j);
                            self.opened = self.line;
                        }
                        i = j + 1;
                    }
                    None => i = bytes.len(),
                },
            }
        }
        self.prev = bytes[bytes.len() - 1];
        self.count_to(bytes, &mut counted, bytes.len());
    }

    /// The text has ended: a quoted field still open on the last line was never closed (one
    /// open over several lines shows as a value with line breaks, which the loader reports).
    pub fn finish(&mut self) {
        if self.fault.is_none() && self.state == State::Quoted && self.opened == self.line {
            self.fault = Some((self.opened, QuoteFault::NeverClosed));
        }
    }

    /// Count the line breaks of `bytes[*counted..to]` into `self.line`.
    fn count_to(&mut self, bytes: &[u8], counted: &mut usize, to: usize) {
        self.line += memchr::memchr_iter(b'\n', &bytes[*counted..to]).count();
        *counted = to;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(text: &str, step: usize) -> Option<(usize, QuoteFault)> {
        let mut scan = QuoteScan::new(b',');
        for chunk in text.as_bytes().chunks(step) {
            scan.scan(chunk);
        }
        scan.finish();
        scan.fault()
    }

    #[test]
    fn a_quote_closed_mid_field_is_found_on_its_line_in_any_chunking() {
        let text = "a,b\n\"x, y\",2\n\"say \"\"hi\"\"\",3\n\"abc\"def,4\n";
        for step in 1..12 {
            assert_eq!(
                scan(text, step),
                Some((4, QuoteFault::ClosedMidField)),
                "{step}"
            );
        }
    }

    #[test]
    fn well_formed_quoting_passes() {
        for text in [
            "a,\"b\"\n",
            "\"a\" ,b\n",
            "12\",x\n",
            "a,\"multi\nline\",c\n",
            "\"\",\"\"\"\"\n",
            "5\" screen,\"x\"",
        ] {
            for step in 1..5 {
                assert_eq!(scan(text, step), None, "{text:?} {step}");
            }
        }
    }

    #[test]
    fn a_quote_left_open_on_the_last_line_is_found() {
        assert_eq!(
            scan("a,b\nOslo,\"12", 3),
            Some((2, QuoteFault::NeverClosed))
        );
        // Open over several lines: the loader reports the value with line breaks.
        assert_eq!(scan("a,\"b\nc,d\n", 3), None);
    }
}
