//! Numbers as text, fast: what `format!("{}", v)` gives for an `f64` (the shortest digits
//! that read back as the same number, never an exponent), from `ryu`'s shortest digits.
//! The CSV report writes millions of numbers; this is several times cheaper than
//! `core::fmt`. [`push_rounded`] writes what [`super::round`] then `push_plain` would, from
//! whole numbers where it can.

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

/// Append `round(value, decimals)` ([`super::round`]) exactly as [`push_plain`] would write
/// it, for `decimals` up to 6.
///
/// Where the value scaled by `10^decimals` rounds to a whole number below 10^15, that
/// number's digits, with the point put back and trailing zeros dropped, are the text: a
/// decimal of at most 15 significant digits is the only one of that length or shorter that
/// reads back as its nearest `f64`, so it is the shortest. Other values go the long way.
pub fn push_rounded(text: &mut String, value: f64, decimals: u32) {
    const POWERS: [u64; 7] = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000];
    let Some(&power) = POWERS.get(decimals as usize) else {
        push_plain(text, super::round(value, decimals as i32));
        return;
    };
    // The same product and rounding as `round`, whose factor `10f64.powi(d)` is exact.
    let scaled = (value * power as f64).round();
    if !(value.abs() < 1e15 && scaled.abs() < 1e15) {
        push_plain(text, super::round(value, decimals as i32));
        return;
    }
    let n = scaled as i64;
    if n < 0 {
        text.push('-');
    }
    let n = n.unsigned_abs();
    let mut digits = itoa::Buffer::new();
    text.push_str(digits.format(n / power));
    let mut fraction = n % power;
    if fraction == 0 {
        return;
    }
    let mut width = decimals as usize;
    while fraction % 10 == 0 {
        fraction /= 10;
        width -= 1;
    }
    text.push('.');
    let fraction = digits.format(fraction);
    text.extend(std::iter::repeat_n('0', width - fraction.len()));
    text.push_str(fraction);
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

    fn rounded(v: f64, decimals: u32) -> String {
        let mut text = String::new();
        push_rounded(&mut text, v, decimals);
        text
    }

    #[test]
    fn rounded_is_round_then_plain() {
        let fixed = [
            (0.0, 6, "0"),
            (-0.0, 6, "0"),
            (-0.0000004, 6, "0"),
            (97.0989251, 6, "97.098925"),
            (-2.5, 2, "-2.5"),
            (0.125, 2, "0.13"),
            (100.0, 2, "100"),
            (0.000001, 6, "0.000001"),
            (-0.00005, 6, "-0.00005"),
            (999999999.9999999, 6, "1000000000"),
            (123456789.123456, 6, "123456789.123456"),
            (1234567890.123456, 6, "1234567890.123456"),
            (1e15, 6, "1000000000000000"),
            (12.5, 0, "13"),
            (f64::NAN, 6, "NaN"),
            (f64::NEG_INFINITY, 2, "-inf"),
        ];
        for (v, decimals, text) in fixed {
            assert_eq!(rounded(v, decimals), text, "{v:e} to {decimals}");
        }
    }

    proptest::proptest! {
        #[test]
        fn rounded_writes_what_round_and_plain_write(
            v in proptest::num::f64::ANY,
            mantissa in -1e7f64..1e7,
            exponent in -12i32..16,
            decimals in 0u32..=6,
        ) {
            for v in [v, mantissa * 10f64.powi(exponent)] {
                let mut expected = String::new();
                push_plain(&mut expected, crate::report::round(v, decimals as i32));
                proptest::prop_assert_eq!(rounded(v, decimals), expected, "{:e} to {}", v, decimals);
            }
        }
    }
}
