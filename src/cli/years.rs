//! `--year`: a year, a list or a range of years (`2024`, `2020,2021`, `2019-2021`,
//! `2020..2022`), as every command that has it takes them; parsing only.

/// One item of `--year`: a year (`2024`) or a range of years (`2019-2021`, `2020..2022`, both
/// ends included). `--year` takes several, separated by commas or repeated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct YearSpan(pub i32, pub i32);

/// The longest range `--year` takes: a guard against a typo such as `2020-20200`.
const MAX_SPAN: i32 = 500;

pub(super) fn year_span(text: &str) -> Result<YearSpan, String> {
    let year = |t: &str| {
        t.trim().parse::<i32>().map_err(|_| {
            format!("give a year (2024), a list (2020,2021) or a range (2019-2021 or 2020..2022), not {text:?}")
        })
    };
    let (from, to) = match text.split_once("..").or_else(|| text.split_once('-')) {
        Some((from, to)) => (year(from)?, year(to)?),
        None => (year(text)?, year(text)?),
    };
    if from > to {
        return Err(format!(
            "the range {text:?} ends before it starts; give the earlier year first"
        ));
    }
    if to - from > MAX_SPAN {
        return Err(format!(
            "the range {text:?} spans more than {MAX_SPAN} years; check the years"
        ));
    }
    Ok(YearSpan(from, to))
}

/// The years of `--year`, in ascending order, each once (empty when not given).
pub fn years(spans: &[YearSpan]) -> Vec<i32> {
    let mut years: Vec<i32> = spans.iter().flat_map(|s| s.0..=s.1).collect();
    years.sort_unstable();
    years.dedup();
    years
}

/// Years as `--year` takes them back: `2020,2021`.
pub fn year_list(years: &[i32]) -> String {
    let years: Vec<String> = years.iter().map(i32::to_string).collect();
    years.join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_are_a_year_a_list_or_a_range() {
        let parse = |items: &[&str]| -> Result<Vec<i32>, String> {
            let spans: Result<Vec<_>, _> = items.iter().map(|t| year_span(t)).collect();
            Ok(years(&spans?))
        };
        assert_eq!(parse(&["2024"]), Ok(vec![2024]));
        assert_eq!(parse(&["2021", "2020", "2021"]), Ok(vec![2020, 2021]));
        assert_eq!(parse(&["2019-2021"]), Ok(vec![2019, 2020, 2021]));
        assert_eq!(
            parse(&["2020..2022", "2018"]),
            Ok(vec![2018, 2020, 2021, 2022])
        );
        assert!(parse(&["2021-2019"])
            .unwrap_err()
            .contains("earlier year first"));
        assert!(parse(&["2020-20200"])
            .unwrap_err()
            .contains("more than 500"));
        assert!(parse(&["twenty"])
            .unwrap_err()
            .contains("a range (2019-2021"));
        assert!(parse(&["-2020"]).is_err());
    }
}
