//! elle-cli's `sequential` (from Jepsen's CockroachDB, TiDB and Dgraph
//! tests): a process inserts the subkeys of a key in order, in separate
//! transactions, and another reads them back in reverse order. Process
//! order means a later subkey is visible only if every earlier one is, so
//! a read, as `[key [v_n … v_1]]`, must never show nil after a value.

use super::ops::items;
use super::{Finding, Validity, WorkloadVerdict};
use crate::jepsen::edn::Edn;
use crate::jepsen::{EventType, ImportError, JepsenEvent};

/// Checks a sequential history.
pub fn check(events: &[JepsenEvent]) -> Result<WorkloadVerdict, ImportError> {
    let (mut reads, mut findings) = (0usize, Vec::new());
    for e in events
        .iter()
        .filter(|e| e.kind == EventType::Ok && e.f == "read")
    {
        let pair = items(e.line, "a sequential read is [key [values]]", &e.value)?;
        let [key, values] = pair else {
            return Err(super::ops::error(
                e.line,
                format!(
                    "a sequential read is [key [values]], found `{}`",
                    super::brief(&e.value)
                ),
            ));
        };
        reads += 1;
        let values = items(e.line, "the values read", values)?;
        let first = values.iter().position(|v| *v != Edn::Nil);
        if first.is_some_and(|f| values[f..].contains(&Edn::Nil)) {
            findings.push(Finding {
                kind: "trailing-nil",
                line: e.line,
                detail: format!(
                    "key {}: a later subkey was visible and an earlier one not: {}",
                    super::brief(key),
                    super::brief(&e.value)
                ),
            });
        }
    }
    let counts = vec![("reads", reads), ("errors", findings.len())];
    Ok(WorkloadVerdict::from_findings(
        "sequential",
        findings,
        counts,
        Validity::Valid,
    ))
}
