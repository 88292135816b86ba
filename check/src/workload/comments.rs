//! elle-cli's `comments` (from Jepsen's CockroachDB tests): blind inserts
//! of single values, and reads of every value present. If a write w2
//! began after a write w1 had completed, a read that sees w2 must see w1;
//! a read that sees w2 without w1 breaks strict serializability.

use super::ops::{items, Element};
use super::set::listed;
use super::{Finding, Validity, WorkloadVerdict};
use crate::jepsen::{EventType, ImportError, JepsenEvent};
use std::collections::{BTreeMap, BTreeSet};

/// Checks a comments history.
pub fn check(events: &[JepsenEvent]) -> Result<WorkloadVerdict, ImportError> {
    // The writes in the order they completed, and for each write how many
    // had completed when it began.
    let mut completed: Vec<Element> = Vec::new();
    let mut before: BTreeMap<Element, usize> = BTreeMap::new();
    let (mut reads, mut findings) = (0usize, Vec::new());
    for e in events.iter().filter(|e| e.f == "write" || e.f == "read") {
        match (e.kind, e.f.as_str()) {
            (EventType::Invoke, "write") => {
                before.insert(Element::of(&e.value), completed.len());
            }
            (EventType::Ok, "write") => completed.push(Element::of(&e.value)),
            (EventType::Ok, "read") => {
                reads += 1;
                let seen: BTreeSet<Element> = items(e.line, "read value", &e.value)?
                    .iter()
                    .map(Element::of)
                    .collect();
                let Some((latest, &prefix)) = seen
                    .iter()
                    .filter_map(|v| before.get_key_value(v))
                    .max_by_key(|(_, p)| **p)
                else {
                    continue;
                };
                let missing: Vec<&Element> = completed[..prefix]
                    .iter()
                    .filter(|w| !seen.contains(w))
                    .collect();
                if !missing.is_empty() {
                    findings.push(Finding {
                        kind: "missing",
                        line: e.line,
                        detail: format!(
                            "saw {latest}, but not writes that completed before it began: {}",
                            listed(&missing)
                        ),
                    });
                }
            }
            _ => {}
        }
    }
    let counts = vec![("reads", reads), ("errors", findings.len())];
    Ok(WorkloadVerdict::from_findings(
        "comments",
        findings,
        counts,
        Validity::Valid,
    ))
}
