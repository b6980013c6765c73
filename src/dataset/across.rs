//! The checks that look across cells once a file, or every file, is read: a part that
//! exceeds its whole, and a workbook's percentages that all look like fractions. They
//! report and reject; they never compute a KPI.

use super::csv_text;
use super::loader::Loader;
use super::model::Rejected;
use crate::diagnostic::{Problem, ProblemCode};

impl Loader<'_> {
    /// Where every value a workbook gives for a percentage is between 0 and 1 (and one is
    /// above 0), say so: typed as fractions, or, where number formats are not read (`sheet`),
    /// held as fractions by cells formatted as percentages (`25%` is 0.25).
    pub(super) fn check_fractions(&mut self, file: u32) {
        let data = &self.out.dataset;
        let mut found = Vec::new();
        for (field, rule) in self.rules.iter().enumerate() {
            if rule.kind != csv_text::ValueKind::Percent || !data.has_column(field) {
                continue;
            }
            let (mut count, mut first, mut fractions, mut positive) = (0, None, true, false);
            for row in 0..data.rows() {
                let origin = data.origin_of(field, row);
                let Some(value) = data.value(field, row).filter(|_| origin.file == file) else {
                    continue;
                };
                count += 1;
                first.get_or_insert(origin.line);
                fractions &= (0.0..=1.0).contains(&value);
                positive |= value > 0.0;
            }
            if let (true, true, Some(line)) = (fractions, positive, first) {
                // A KPI reported directly is named by its code, as the data names it.
                let id = &data.fields[field].id;
                let key = self.catalog.measures().find(|(_, m)| &m.id == id);
                let shown = key.map_or(id.clone(), |(_, m)| m.key.clone());
                found.push((shown, count, line));
            }
        }
        let name = self.out.dataset.files[file as usize].clone();
        for (id, count, line) in found {
            self.report(
                Problem::new(
                    ProblemCode::PercentAsFraction,
                    &name,
                    format!(
                        "`{id}` is a percentage (0-100), but its {count} value(s) here are all between 0 and 1: typed as fractions, or (in .xlsb, .xls and .ods, whose number formats are not read) held as fractions by cells formatted as percentages (25 % is 0.25); if so, enter the percentages as numbers (25) or check the values"
                    ),
                )
                .at_line(line as usize),
            );
        }
    }

    /// A part can never exceed its whole (households with Internet <= households).
    pub(super) fn check_parts(&mut self) {
        let data = &self.out.dataset;
        let mut problems = Vec::new();
        let mut invalid = Vec::new();
        for v in &self.catalog.variables {
            let Some(whole) = &v.part_of else { continue };
            let (Some(p), Some(w)) = (data.field_index(&v.id), data.field_index(whole)) else {
                continue;
            };
            if !data.has_column(p) || !data.has_column(w) {
                continue;
            }
            for row in 0..data.rows() {
                let (part, total) = (data.values[p][row], data.values[w][row]);
                if part > total {
                    let origin = data.origin_of(p, row);
                    let whole_origin = data.origin_of(w, row);
                    problems.push(
                        Problem::new(
                            ProblemCode::PartExceedsWhole,
                            &data.files[origin.file as usize],
                            format!(
                                "{} {} `{}` = {part} is more than `{whole}` = {total} ({}:{}); a part cannot exceed its whole",
                                data.cities[row], data.years[row], v.id, data.files[whole_origin.file as usize], whole_origin.line
                            ),
                        )
                        .at_line(origin.line as usize)
                        .with_value(part.to_string()),
                    );
                    let why = Rejected::ExceedsWhole {
                        part,
                        whole: whole.clone(),
                    };
                    invalid.push((p, row, origin, why));
                }
            }
        }
        let count = problems.len();
        let file = problems.first().map(|p| p.file.clone()).unwrap_or_default();
        for p in problems.into_iter().take(self.listed) {
            self.out.problems.push(p);
        }
        if count > self.listed {
            self.out.problems.push(Problem::new(
                ProblemCode::PartExceedsWhole,
                file,
                format!("{} more `part-exceeds-whole` problems are not listed; fix the ones above and run again, or list them all with `citykpi check data --all`", count - self.listed),
            ).standing_for(count - self.listed));
        }
        for (field, row, at, why) in invalid {
            self.invalidate(field, row, at, why);
        }
    }
}
