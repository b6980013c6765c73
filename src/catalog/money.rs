//! Amounts of money as cities write their units: a currency (an ISO 4217 code) and a scale,
//! in any of the usual spellings (`NOK million`, `million NOK`, `MNOK`, `NOKm`, `kSEK`,
//! `TEUR`, `USD bn`, `EUR per hour`, `€ million`). A variable marked `any_currency` (every KPI
//! that reads it divides money by money in the same currency) takes any one currency: only
//! the scale converts, and the loader checks that a city-year uses one currency
//! (`dataset::currency`). Pure lookups; it never reads a file.

use super::units::normalize;

/// A unit of money: its currency, its scale (1 for units, 1e6 for millions) and what
/// follows it (`perhour` for `EUR per hour`; empty for a plain amount).
#[derive(Debug, Clone, PartialEq)]
pub struct Money {
    /// The ISO 4217 code, in capitals.
    pub currency: &'static str,
    pub scale: f64,
    /// The rest of the unit, normalised (`perhour`).
    pub rest: String,
}

/// Scale words written before the currency (`million NOK`, `MNOK`, `kSEK`, `TEUR`).
const PREFIXES: [(&str, f64); 8] = [
    ("billion", 1e9),
    ("million", 1e6),
    ("thousand", 1e3),
    ("bn", 1e9),
    ("mn", 1e6),
    ("m", 1e6),
    ("k", 1e3),
    ("t", 1e3),
];

/// Scale words written after the currency (`NOK million`, `NOKm`, `USD bn`).
const SUFFIXES: [(&str, f64); 7] = [
    ("billion", 1e9),
    ("million", 1e6),
    ("thousand", 1e3),
    ("bn", 1e9),
    ("mn", 1e6),
    ("m", 1e6),
    ("k", 1e3),
];

/// The ISO 4217 currency codes in use (and HRK, which Croatian data before 2023 is in).
const CODES: [&str; 156] = [
    "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT",
    "BGN", "BHD", "BIF", "BMD", "BND", "BOB", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD",
    "CDF", "CHF", "CLP", "CNY", "COP", "CRC", "CUP", "CVE", "CZK", "DJF", "DKK", "DOP", "DZD",
    "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL", "GHS", "GIP", "GMD", "GNF", "GTQ",
    "GYD", "HKD", "HNL", "HRK", "HTG", "HUF", "IDR", "ILS", "INR", "IQD", "IRR", "ISK", "JMD",
    "JOD", "JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD", "KZT", "LAK", "LBP",
    "LKR", "LRD", "LSL", "LYD", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR",
    "MVR", "MWK", "MXN", "MYR", "MZN", "NAD", "NGN", "NIO", "NOK", "NPR", "NZD", "OMR", "PAB",
    "PEN", "PGK", "PHP", "PKR", "PLN", "PYG", "QAR", "RON", "RSD", "RUB", "RWF", "SAR", "SBD",
    "SCR", "SDG", "SEK", "SGD", "SHP", "SLE", "SOS", "SRD", "SSP", "STN", "SVC", "SYP", "SZL",
    "THB", "TJS", "TMT", "TND", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH", "UGX", "USD", "UYU",
    "UZS", "VES", "VND", "VUV", "WST", "XAF", "XCD", "XOF", "XPF", "YER", "ZAR", "ZMW", "ZWL",
];

impl Money {
    /// The money a unit names, or `None` when it names no currency.
    pub fn parse(unit: &str) -> Option<Money> {
        let unit = normalize(unit)
            .replace('€', "eur")
            .replace("euros", "eur")
            .replace("euro", "eur");
        let (head, rest) = match (unit.find("per"), unit.find('/')) {
            (Some(a), Some(b)) => unit.split_at(a.min(b)),
            (Some(i), None) | (None, Some(i)) => unit.split_at(i),
            (None, None) => (unit.as_str(), ""),
        };
        let rest = match rest.trim_start_matches('/').trim_start_matches("per") {
            "" => String::new(),
            "h" | "hr" | "hour" => "perhour".to_string(),
            other => format!("per{other}"),
        };
        let code = |text: &str| CODES.iter().find(|c| c.eq_ignore_ascii_case(text)).copied();
        let scaled = PREFIXES
            .iter()
            .filter_map(|&(p, scale)| Some((head.strip_prefix(p)?, scale)))
            .chain(
                SUFFIXES
                    .iter()
                    .filter_map(|&(s, scale)| Some((head.strip_suffix(s)?, scale))),
            );
        let (currency, scale) = std::iter::once((head, 1.0))
            .chain(scaled)
            .find_map(|(text, scale)| Some((code(text)?, scale)))?;
        Some(Money {
            currency,
            scale,
            rest,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn money(unit: &str) -> Option<(&'static str, f64, String)> {
        Money::parse(unit).map(|m| (m.currency, m.scale, m.rest))
    }

    #[test]
    fn currencies_and_scales_are_read_in_every_usual_spelling() {
        for unit in [
            "NOK million",
            "million NOK",
            "MNOK",
            "NOKm",
            "NOK m",
            "nok mn",
        ] {
            assert_eq!(money(unit), Some(("NOK", 1e6, String::new())), "{unit}");
        }
        assert_eq!(money("kSEK"), Some(("SEK", 1e3, String::new())));
        assert_eq!(money("TEUR"), Some(("EUR", 1e3, String::new())));
        assert_eq!(money("€ million"), Some(("EUR", 1e6, String::new())));
        assert_eq!(money("USD bn"), Some(("USD", 1e9, String::new())));
        assert_eq!(money("USD"), Some(("USD", 1.0, String::new())));
        assert_eq!(money("EUR per hour"), Some(("EUR", 1.0, "perhour".into())));
        assert_eq!(money("NOK/h"), Some(("NOK", 1.0, "perhour".into())));
    }

    #[test]
    fn other_units_name_no_currency() {
        for unit in [
            "kWh", "MWh", "min", "minutes", "km", "t", "ha", "m³", "persons", "%", "", "XYZ",
        ] {
            assert_eq!(money(unit), None, "{unit}");
        }
    }
}
