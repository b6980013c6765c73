//! `--year`: a year, a list or a range of years (`2024`, `2020,2021`, `2019-2021`,
//! `2020..2022`), as every command that has it takes them; and the cities they leave out.

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

/// The cities with no row in the years `asked` (none when `asked` is empty), in data order,
/// each with the years it has: `cities` and `years` are the data's, a row each.
pub fn left_out(cities: &[String], years: &[i32], asked: &[i32]) -> Vec<(String, Vec<i32>)> {
    let mut all: Vec<(&str, Vec<i32>)> = Vec::new();
    for (city, &year) in cities.iter().zip(years) {
        match all.iter_mut().find(|(c, _)| *c == city) {
            Some((_, of)) => of.push(year),
            None => all.push((city, vec![year])),
        }
    }
    all.into_iter()
        .filter(|(_, of)| !asked.is_empty() && !of.iter().any(|y| asked.contains(y)))
        .map(|(city, mut of)| {
            of.sort_unstable();
            of.dedup();
            (city.to_string(), of)
        })
        .collect()
}

/// `note: 1 city has no data in 2022 and is left out: Beta (2021)`; none when no city is.
pub fn left_out_note(left_out: &[(String, Vec<i32>)], asked: &[i32]) -> Option<String> {
    if left_out.is_empty() {
        return None;
    }
    let names: Vec<String> = left_out
        .iter()
        .map(|(city, years)| format!("{city} (has {})", year_list(years)))
        .collect();
    let cities = match left_out.len() {
        1 => "1 city has".to_string(),
        n => format!("{n} cities have"),
    };
    let is = if left_out.len() == 1 { "is" } else { "are" };
    Some(format!(
        "note: {cities} no data in {} and {is} left out: {}",
        year_list(asked),
        names.join(", ")
    ))
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

    #[test]
    fn a_city_with_none_of_the_years_is_left_out_with_the_years_it_has() {
        let cities = ["A", "A", "B", "C"].map(String::from);
        let years = [2020, 2021, 2019, 2021];
        let out = left_out(&cities, &years, &[2021]);
        assert_eq!(out, [("B".to_string(), vec![2019])]);
        assert!(left_out(&cities, &years, &[]).is_empty());
        let note = left_out_note(&left_out(&cities, &years, &[2022]), &[2022]).unwrap();
        assert_eq!(
            note,
            "note: 3 cities have no data in 2022 and are left out: A (has 2020,2021), B (has 2019), C (has 2021)"
        );
    }
}
