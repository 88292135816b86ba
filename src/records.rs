//! The JSON records the read-guarantee and delivery commands read: one
//! array of objects, or one object per line, each object typed by its
//! `"type"`. Each record is checked as it is read and keeps the line it
//! starts on; the first bad one is an error that names its line.

use serde::de::DeserializeOwned;
use std::path::Path;

/// Every record of `file` (`-`: standard input), with its line.
pub(crate) fn read<T: DeserializeOwned>(file: &Path) -> Result<Vec<(usize, T)>, String> {
    let mut input = crate::check_history::open(file)?;
    let mut records = Vec::new();
    sim::input::json::events(
        &mut input,
        |line, value| {
            let record = serde_json::from_value::<T>(value)
                .map_err(|e| format!("{}: line {line}: {e}", file.display()))?;
            records.push((line, record));
            Ok(())
        },
        |line, e| format!("{}: line {line}: {e}", file.display()),
    )?;
    Ok(records)
}

/// The error for a record whose fields disagree.
pub(crate) fn bad(file: &Path, line: usize, what: &str) -> String {
    format!("{}: line {line}: {what}", file.display())
}
