//! Jepsen's counter: adds change it, reads return it. Each read must lie
//! between the adds acknowledged before it began and the adds that may
//! have happened before it ended (every add invoked by then that did not
//! fail). Negative amounts are allowed and widen the other bound.

use super::ops::{int, paired};
use super::{Finding, Validity, WorkloadVerdict};
use crate::jepsen::{EventType, ImportError, JepsenEvent};

/// Checks a counter history.
pub fn check(events: &[JepsenEvent]) -> Result<WorkloadVerdict, ImportError> {
    let ops = paired(events)?;
    let (mut lower, mut upper) = (0i128, 0i128);
    // Per read invocation, the lower bound when it began.
    let mut began: Vec<Option<i128>> = vec![None; ops.len()];
    let (mut reads, mut findings) = (0usize, Vec::new());
    for (i, &(e, partner)) in ops.iter().enumerate() {
        let completion = |j: Option<usize>| j.map(|j| ops[j].0.kind);
        match (e.kind, e.f.as_str()) {
            (EventType::Invoke, "add") => {
                let amount = int(e.line, "add amount", &e.value)? as i128;
                if completion(partner) != Some(EventType::Fail) {
                    // It may happen from now on.
                    if amount >= 0 {
                        upper += amount
                    } else {
                        lower += amount
                    }
                }
            }
            (EventType::Ok, "add") => {
                let amount = int(e.line, "add amount", &e.value)? as i128;
                if amount >= 0 {
                    lower += amount
                } else {
                    upper += amount
                }
            }
            (EventType::Invoke, "read") => began[i] = Some(lower),
            (EventType::Ok, "read") => {
                let value = int(e.line, "read value", &e.value)? as i128;
                let low = partner.and_then(|j| began[j]).unwrap_or(lower);
                reads += 1;
                if !(low <= value && value <= upper) {
                    findings.push(Finding {
                        kind: "out-of-bounds",
                        line: e.line,
                        detail: format!("read {value}, outside [{low}, {upper}]"),
                    });
                }
            }
            (_, "add" | "read") => {}
            (_, f) => {
                return Err(super::ops::error(
                    e.line,
                    format!("the counter has no operation :{f} (it has :add and :read)"),
                ))
            }
        }
    }
    let counts = vec![("reads", reads), ("errors", findings.len())];
    Ok(WorkloadVerdict::from_findings(
        "counter",
        findings,
        counts,
        Validity::Valid,
    ))
}
