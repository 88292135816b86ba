//! Jepsen's set: adds of elements, then a final read. The final read (the
//! last read to complete) must hold every element whose add was
//! acknowledged, and nothing that was never added.

use super::ops::{client, items, Element};
use super::{Finding, Validity, WorkloadVerdict};
use crate::jepsen::{EventType, ImportError, JepsenEvent};
use std::collections::BTreeSet;

/// Checks a set history.
pub fn check(events: &[JepsenEvent]) -> Result<WorkloadVerdict, ImportError> {
    let elements = |kind| {
        client(events, kind, "add")
            .map(|e| Element::of(&e.value))
            .collect::<BTreeSet<_>>()
    };
    let attempts = elements(EventType::Invoke);
    let acknowledged = elements(EventType::Ok);
    let Some(last) = client(events, EventType::Ok, "read").last() else {
        return Ok(WorkloadVerdict::unknown("set", "the set was never read"));
    };
    let read: BTreeSet<Element> = items(last.line, "read value", &last.value)?
        .iter()
        .map(Element::of)
        .collect();
    let lost: Vec<&Element> = acknowledged.difference(&read).collect();
    let unexpected: Vec<&Element> = read.difference(&attempts).collect();
    let recovered = read
        .intersection(&attempts)
        .filter(|e| !acknowledged.contains(e))
        .count();
    let mut findings = Vec::new();
    let mut note = |kind, which: &[&Element], what: &str| {
        if !which.is_empty() {
            findings.push(Finding {
                kind,
                line: last.line,
                detail: format!("{what}: {}", listed(which)),
            });
        }
    };
    note(
        "lost",
        &lost,
        "acknowledged, and missing from the final read",
    );
    note(
        "unexpected",
        &unexpected,
        "in the final read, and never added",
    );
    let counts = vec![
        ("attempted", attempts.len()),
        ("acknowledged", acknowledged.len()),
        ("lost", lost.len()),
        ("unexpected", unexpected.len()),
        ("recovered", recovered),
    ];
    Ok(WorkloadVerdict::from_findings(
        "set",
        findings,
        counts,
        Validity::Valid,
    ))
}

/// The first few elements of a list, and how many more.
pub(super) fn listed(which: &[&Element]) -> String {
    const SHOWN: usize = 20;
    let mut text: Vec<String> = which.iter().take(SHOWN).map(|e| e.to_string()).collect();
    if which.len() > SHOWN {
        text.push(format!("and {} more", which.len() - SHOWN));
    }
    text.join(", ")
}
