//! The data quality and verified flag behind a value: those of the cells it was read or
//! computed from, through the other KPIs its formula reads. It decides; it never formats.

use super::Evidence;
use crate::engine::{Results, Source, Status};
use crate::quality::Quality;

/// What the data says of the cells behind a value.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Assurance {
    /// The weakest level, where every cell gives one (a cell without a level could be of
    /// any level, so the value's level is then not known).
    pub quality: Option<Quality>,
    /// `Some(true)` when every cell is flagged verified; `Some(false)` when one is flagged
    /// not verified, or says nothing while others are flagged; `None` when none is flagged.
    pub verified: Option<bool>,
}

impl Assurance {
    pub(super) fn of_cell(results: &Results, field: usize, row: usize) -> Self {
        let data = results.data();
        Assurance {
            quality: data.quality(field, row),
            verified: data.verified(field, row),
        }
    }

    /// What a piece of evidence already says.
    pub(super) fn of_evidence(e: &Evidence) -> Self {
        Assurance {
            quality: e.quality,
            verified: e.verified,
        }
    }

    /// The assurance of several cells together: the weakest level, verified only if all are.
    pub(super) fn combine(cells: impl IntoIterator<Item = Assurance>) -> Self {
        let mut quality = None;
        let mut all_levelled = true;
        let (mut flagged, mut all_verified) = (false, true);
        for cell in cells {
            quality = quality.max(cell.quality);
            all_levelled &= cell.quality.is_some();
            flagged |= cell.verified.is_some();
            all_verified &= cell.verified == Some(true);
        }
        Assurance {
            quality: quality.filter(|_| all_levelled),
            verified: flagged.then_some(all_verified),
        }
    }

    /// Measure `m` in `row`: its reported cell where the city reported the value, else
    /// every input with a value, through the KPIs it reads.
    pub(super) fn of_measure(results: &Results, m: usize, row: usize) -> Self {
        let inputs = results.inputs(m);
        if let (Status::Reported, Some(field)) = (results.status(m, row), inputs.reported) {
            return Assurance::of_cell(results, field, row);
        }
        Assurance::combine(
            inputs
                .reads
                .iter()
                .filter(|read| results.read(read.source, row).is_some())
                .map(|read| Assurance::of_source(results, read.source, row)),
        )
    }

    pub(super) fn of_source(results: &Results, source: Source, row: usize) -> Self {
        match source {
            Source::Field(field) => Assurance::of_cell(results, field, row),
            Source::Measure(m) => Assurance::of_measure(results, m, row),
            Source::Nowhere => Assurance::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(level: Option<u8>, verified: Option<bool>) -> Assurance {
        Assurance {
            quality: level.and_then(Quality::from_level),
            verified,
        }
    }

    #[test]
    fn the_weakest_level_when_every_cell_has_one_and_verified_only_when_every_cell_is() {
        let both = [cell(Some(1), Some(true)), cell(Some(4), Some(true))];
        assert_eq!(Assurance::combine(both), cell(Some(4), Some(true)));
        let one_no = [cell(Some(1), Some(true)), cell(None, Some(false))];
        assert_eq!(Assurance::combine(one_no), cell(None, Some(false)));
        let one_silent = [cell(None, Some(true)), cell(Some(2), None)];
        assert_eq!(Assurance::combine(one_silent), cell(None, Some(false)));
        assert_eq!(Assurance::combine([cell(None, None)]), cell(None, None));
        assert_eq!(Assurance::combine([]), cell(None, None));
    }
}
