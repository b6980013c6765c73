//! Numbers as text, fast: what `format!("{}", v)` gives for an `f64` (the shortest digits
//! that read back as the same number, never an exponent), from `ryu`'s shortest digits.
//! The CSV report writes millions of numbers; this is several times cheaper than
//! `core::fmt`. It formats; it never rounds.

/// Append `value` to `text` exactly as `write!(text, "{value}")` would.
pub fn push_plain(text: &mut String, value: f64) {
    if !value.is_finite() {
        use std::fmt::Write as _;
        let _ = write!(text, "{value}");
        return;
    }
    let mut buffer = ryu::Buffer::new();
    let shortest = buffer.format_finite(value);
    // Up to 15 significant digits the shortest digits are the only ones that read back as
    // `value`; with 16 or 17 there may be several, and ryu and `core::fmt` can pick
    // different ones: those few numbers go through `core::fmt`.
    let mantissa = shortest.split('e').next().unwrap_or(shortest);
    let significant = mantissa
        .bytes()
        .filter(u8::is_ascii_digit)
        .skip_while(|&d| d == b'0')
        .count();
    if significant > 15 {
        use std::fmt::Write as _;
        let _ = write!(text, "{value}");
        return;
    }
    let (sign, unsigned) = match shortest.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", shortest),
    };
    text.push_str(sign);
    let (mantissa, exponent) = match unsigned.split_once('e') {
        Some((m, e)) => (m, e.parse::<i32>().unwrap_or(0)),
        None => {
            // Decimal notation already: only a whole number's ".0" differs.
            text.push_str(unsigned.strip_suffix(".0").unwrap_or(unsigned));
            return;
        }
    };
    // d.ddd e E: the digits, and where the decimal point goes among them.
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits_len = (whole.len() + fraction.len()) as i32;
    let point = whole.len() as i32 + exponent;
    let digits = whole.chars().chain(fraction.chars());
    if point <= 0 {
        text.push_str("0.");
        text.extend(std::iter::repeat_n('0', (-point) as usize));
        text.extend(digits);
    } else if point >= digits_len {
        text.extend(digits);
        text.extend(std::iter::repeat_n('0', (point - digits_len) as usize));
    } else {
        for (i, d) in (0..).zip(digits) {
            if i == point {
                text.push('.');
            }
            text.push(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(v: f64) -> String {
        let mut text = String::new();
        push_plain(&mut text, v);
        text
    }

    #[test]
    fn the_same_text_as_display() {
        let fixed = [
            0.0,
            -0.0,
            1.0,
            -1.0,
            0.1,
            100.0,
            96.394052,
            1e15,
            1e16,
            1e21,
            1e22,
            1.5e300,
            1e-5,
            1e-6,
            1e-7,
            1.2345e-7,
            -3.25e-12,
            123456789.125,
            5e-324,
            f64::MAX,
            f64::MIN_POSITIVE,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            0.30000000000000004,
            2.5e17,
            98765.4321e10,
        ];
        for v in fixed {
            assert_eq!(plain(v), format!("{v}"), "{v:e}");
        }
        let mut rng = fastrand::Rng::with_seed(7);
        for _ in 0..200_000 {
            let v = f64::from_bits(rng.u64(..));
            assert_eq!(plain(v), format!("{v}"), "{v:e}");
            let scaled = (rng.f64() - 0.5) * 10f64.powi(rng.i32(-12..20));
            assert_eq!(plain(scaled), format!("{scaled}"), "{scaled:e}");
            let rounded = crate::report::round(scaled, 6);
            assert_eq!(plain(rounded), format!("{rounded}"), "{rounded:e}");
            let rounded = crate::report::round(scaled, 2);
            assert_eq!(plain(rounded), format!("{rounded}"), "{rounded:e}");
        }
    }
}
