//! Where data comes from: a file, standard input, or bytes already in memory. It opens
//! them; it never parses what it reads.

use std::io::Read;
use std::path::{Path, PathBuf};

/// A dataset source: a path, or `-` for standard input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Stdin,
    File(PathBuf),
    /// Text already in memory, with the name to show in messages.
    Bytes(String, Vec<u8>),
}

impl Input {
    pub fn parse(arg: &str) -> Input {
        if arg == "-" {
            Input::Stdin
        } else {
            Input::File(PathBuf::from(arg))
        }
    }

    pub fn name(&self) -> String {
        match self {
            Input::Stdin => "<stdin>".into(),
            Input::File(path) => path.display().to_string(),
            Input::Bytes(name, _) => name.clone(),
        }
    }

    pub fn path(&self) -> Option<&Path> {
        match self {
            Input::File(path) => Some(path),
            _ => None,
        }
    }

    pub(super) fn open(&self) -> std::io::Result<Box<dyn Read + Send + '_>> {
        Ok(match self {
            Input::Stdin => Box::new(std::io::stdin()),
            Input::File(path) => Box::new(std::fs::File::open(path)?),
            Input::Bytes(_, bytes) => Box::new(bytes.as_slice()),
        })
    }

    /// The size in bytes, where known (for the progress bar).
    pub fn byte_len(&self) -> Option<u64> {
        match self {
            Input::Stdin => None,
            Input::File(path) => std::fs::metadata(path).ok().map(|m| m.len()),
            Input::Bytes(_, bytes) => Some(bytes.len() as u64),
        }
    }
}
