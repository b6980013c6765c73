//! What an assessment rests on: the problems of the data and the targets file it was
//! computed from, so that every format can say so where a reader looks first. Built by the
//! command that read the inputs; scoring and rendering only read it. Nothing is computed
//! here.

use crate::diagnostic::{Problem, Problems, Severity};

/// The problems behind an assessment, and what a reader should do about them.
#[derive(Debug, Clone, Default)]
pub struct Standing {
    /// Errors in the data (rejected values and rows) and in the targets file.
    pub errors: usize,
    pub warnings: usize,
    /// A targets file whose errors set it aside: the definitions' default targets were
    /// used instead.
    pub targets_set_aside: Option<String>,
    /// The command that lists every problem (`citykpi check data a.csv`).
    pub check: String,
    /// The problems as found (a file lists at most 100 of a code), errors first.
    pub problems: Vec<Problem>,
}

impl Standing {
    /// The standing of a run with these problems; `check` is the command that lists them.
    pub fn new<'p>(problems: impl IntoIterator<Item = &'p Problems>, check: String) -> Self {
        let mut standing = Standing {
            check,
            ..Standing::default()
        };
        for set in problems {
            standing.errors += set.errors();
            standing.warnings += set.warnings();
            standing.problems.extend(set.0.iter().cloned());
        }
        standing
            .problems
            .sort_by_key(|p| p.severity != Severity::Error);
        standing
    }

    /// The targets file at `file` had errors and was set aside for the default targets.
    pub fn with_targets_set_aside(mut self, file: String, problems: &Problems) -> Self {
        self.errors += problems.errors();
        self.warnings += problems.warnings();
        self.problems.splice(0..0, problems.0.iter().cloned());
        self.targets_set_aside = Some(file);
        self
    }

    /// Nothing to say: no error, and the targets are those asked for.
    pub fn is_clean(&self) -> bool {
        self.errors == 0 && self.targets_set_aside.is_none()
    }
}
