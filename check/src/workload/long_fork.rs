//! Jepsen's long fork: writes insert keys, each once (`[[:w k v]]`), and
//! reads read a whole group of keys (`[[:r k1 v1] [:r k2 v2] …]`). Under
//! snapshot isolation (not parallel snapshot isolation) the reads of one
//! group see growing sets of the group's writes: any two are ordered, one
//! seeing everything the other saw. Two reads that each saw a write the
//! other missed are a long fork.
//!
//! Each group's reads are sorted by how many keys they saw; they are all
//! ordered exactly when each one's keys are a subset of the next one's, so
//! the check is `O(r log r)` per group rather than Jepsen's every pair.
//! Unknown, as in Jepsen: a key written twice, two reads that saw
//! different values of one key, or a read of the wrong group size.

use super::ops::{client, error, items, Element};
use super::{Finding, Validity, WorkloadVerdict};
use crate::jepsen::edn::Edn;
use crate::jepsen::{EventType, ImportError, JepsenEvent};
use std::collections::{BTreeMap, BTreeSet};

/// A read: its line, and the value it saw of each key (`None`: nil).
struct Read {
    line: usize,
    values: BTreeMap<Element, Option<Element>>,
}

/// Checks a long-fork history; `group_size`, when given, is how many keys
/// every read must read.
pub fn check(
    events: &[JepsenEvent],
    group_size: Option<usize>,
) -> Result<WorkloadVerdict, ImportError> {
    const NAME: &str = "long-fork";
    let mut written = BTreeSet::new();
    for e in
        client(events, EventType::Invoke, "write").chain(client(events, EventType::Invoke, "txn"))
    {
        for (f, key, _) in mops(e)? {
            if f == "w" && !written.insert(key.clone()) {
                return Ok(WorkloadVerdict::unknown(NAME, format!("line {}: key {key} is written more than once; the check needs each key written once", e.line)));
            }
        }
    }
    let mut groups: BTreeMap<Vec<Element>, Vec<Read>> = BTreeMap::new();
    let mut reads = 0;
    for e in events.iter().filter(|e| e.kind == EventType::Ok) {
        let ms = mops(e)?;
        if ms.is_empty() || ms.iter().any(|(f, _, _)| f != "r") {
            continue; // not a read transaction
        }
        let values: BTreeMap<Element, Option<Element>> =
            ms.into_iter().map(|(_, k, v)| (k, v)).collect();
        if group_size.is_some_and(|n| n != values.len()) {
            let n = group_size.unwrap_or_default();
            return Ok(WorkloadVerdict::unknown(
                NAME,
                format!(
                    "line {}: a read of {} keys, where every read reads a group of {n}",
                    e.line,
                    values.len()
                ),
            ));
        }
        reads += 1;
        groups
            .entry(values.keys().cloned().collect())
            .or_default()
            .push(Read {
                line: e.line,
                values,
            });
    }
    let mut findings = Vec::new();
    for group in groups.values_mut() {
        if let Err(why) = forks(group, &mut findings) {
            return Ok(WorkloadVerdict::unknown(NAME, why));
        }
    }
    let counts = vec![
        ("reads", reads),
        ("groups", groups.len()),
        ("forks", findings.len()),
    ];
    Ok(WorkloadVerdict::from_findings(
        NAME,
        findings,
        counts,
        Validity::Valid,
    ))
}

/// The long forks among one group's reads, or why the group cannot be
/// judged.
fn forks(group: &mut [Read], findings: &mut Vec<Finding>) -> Result<(), String> {
    // Each key has one value at most: the one its only write wrote.
    let mut value_of: BTreeMap<&Element, (&Element, usize)> = BTreeMap::new();
    for r in group.iter() {
        for (k, v) in &r.values {
            let Some(v) = v else { continue };
            if let Some((other, line)) = value_of.insert(k, (v, r.line)) {
                if other != v {
                    return Err(format!("lines {line} and {}: key {k} read as {other} and as {v}; the check needs each key written once", r.line));
                }
            }
        }
    }
    let seen = |r: &Read| {
        r.values
            .iter()
            .filter(|(_, v)| v.is_some())
            .map(|(k, _)| k.clone())
            .collect::<BTreeSet<_>>()
    };
    let mut sets: Vec<(BTreeSet<Element>, usize)> =
        group.iter().map(|r| (seen(r), r.line)).collect();
    sets.sort_by_key(|(s, line)| (s.len(), *line));
    for pair in sets.windows(2) {
        let ((a, la), (b, lb)) = (&pair[0], &pair[1]);
        if !a.is_subset(b) {
            let only = |x: &BTreeSet<Element>, y: &BTreeSet<Element>| {
                x.difference(y)
                    .map(|k| k.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let (first, second) = if la < lb {
                ((la, a, b), (lb, b, a))
            } else {
                ((lb, b, a), (la, a, b))
            };
            findings.push(Finding {
                kind: "long-fork",
                line: *second.0,
                detail: format!(
                    "this read saw {} and not {}; the read at line {} saw {} and not {}",
                    only(second.1, second.2),
                    only(first.1, first.2),
                    first.0,
                    only(first.1, first.2),
                    only(second.1, second.2)
                ),
            });
        }
    }
    Ok(())
}

/// A transaction's micro-operations, as (f, key, value).
fn mops(e: &JepsenEvent) -> Result<Vec<(String, Element, Option<Element>)>, ImportError> {
    items(e.line, "a transaction", &e.value)?
        .iter()
        .map(|m| {
            let parts = items(e.line, "a micro-operation", m)?;
            let f = match parts.first() {
                Some(Edn::Keyword(f)) => f.to_string(),
                Some(Edn::Str(f)) => f.clone(),
                _ => {
                    return Err(error(
                        e.line,
                        format!(
                            "a micro-operation is [:r key value] or [:w key value], found `{}`",
                            super::brief(m)
                        ),
                    ))
                }
            };
            let key = parts
                .get(1)
                .map(Element::name)
                .ok_or_else(|| error(e.line, "a micro-operation has no key"))?;
            let value = parts.get(2).filter(|v| **v != Edn::Nil).map(Element::of);
            Ok((f, key, value))
        })
        .collect()
}
