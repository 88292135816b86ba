//! Jepsen's set-full: each element's life, read over time. An element is
//! known once its add is acknowledged or a read sees it, whichever is
//! first. Then, by the reads that began after (by history order):
//! - **stable**: the last read to miss it began before the last to see it;
//! - **lost**: it was known, and the last read to miss it began after both
//!   the last to see it and the moment it was known;
//! - **never read**: neither.
//!
//! A stable element is **stale** if some read that began after it was
//! known still missed it. A read that lists an element twice is a
//! **duplicate** (Jepsen's set-full means to flag these; its code as
//! published never does). Invalid: any lost or duplicated element, or,
//! with `linearizable`, any stale one. Unknown: no element is stable (the
//! history shows nothing either way).

use super::ops::{items, paired, Element};
use super::set::listed;
use super::{Finding, Validity, WorkloadVerdict};
use crate::jepsen::{EventType, ImportError, JepsenEvent};
use std::collections::BTreeMap;

/// One element's timeline, by positions in the client history.
#[derive(Clone, Copy, Debug, Default)]
struct Life {
    /// Where it became known: its add's completion, or a read's.
    known: Option<usize>,
    /// The invocation of the latest-invoked read that saw it.
    last_present: Option<usize>,
    /// The invocation of the latest-invoked read that missed it.
    last_absent: Option<usize>,
    /// The first read that began after it was known and missed it.
    stale: Option<usize>,
}

/// Checks a set-full history; `linearizable` makes stale elements errors.
pub fn check(events: &[JepsenEvent], linearizable: bool) -> Result<WorkloadVerdict, ImportError> {
    let ops = paired(events)?;
    let mut lives: BTreeMap<Element, Life> = BTreeMap::new();
    let mut findings = Vec::new();
    for (i, &(e, partner)) in ops.iter().enumerate() {
        match (e.kind, e.f.as_str()) {
            (EventType::Invoke, "add") => {
                lives.entry(Element::of(&e.value)).or_default();
            }
            (EventType::Ok, "add") => {
                if let Some(life) = lives.get_mut(&Element::of(&e.value)) {
                    life.known.get_or_insert(i);
                }
            }
            (EventType::Ok, "read") => {
                let began = partner.unwrap_or(i);
                let seen = items(e.line, "read value", &e.value)?;
                let mut counted: BTreeMap<Element, usize> = BTreeMap::new();
                for v in seen {
                    *counted.entry(Element::of(v)).or_default() += 1;
                }
                let twice: Vec<&Element> = counted
                    .iter()
                    .filter(|(_, n)| **n > 1)
                    .map(|(e, _)| e)
                    .collect();
                if !twice.is_empty() {
                    findings.push(Finding {
                        kind: "duplicated",
                        line: e.line,
                        detail: format!("read more than once: {}", listed(&twice)),
                    });
                }
                for (element, life) in lives.iter_mut() {
                    read_one(life, counted.contains_key(element), began, i);
                }
            }
            _ => {}
        }
    }
    let lines: Vec<usize> = ops.iter().map(|(e, _)| e.line).collect();
    summarise(lives, findings, &lines, linearizable)
}

/// What one read, invoked at `began` and completed at `done`, says of one
/// element.
fn read_one(life: &mut Life, present: bool, began: usize, done: usize) {
    if present {
        life.known.get_or_insert(done);
        life.last_present = life.last_present.max(Some(began));
    } else {
        life.last_absent = life.last_absent.max(Some(began));
        if life.known.is_some_and(|k| k < began) {
            life.stale.get_or_insert(began);
        }
    }
}

/// The outcome of every element, and the verdict.
fn summarise(
    lives: BTreeMap<Element, Life>,
    mut findings: Vec<Finding>,
    lines: &[usize],
    linearizable: bool,
) -> Result<WorkloadVerdict, ImportError> {
    let (mut stable, mut lost, mut never, mut stale) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (element, life) in &lives {
        let is_stable = life.last_present.is_some() && life.last_absent < life.last_present;
        let is_lost = life.known.is_some()
            && life.last_absent.is_some()
            && life.last_present < life.last_absent
            && life.known < life.last_absent;
        match (is_stable, is_lost) {
            (true, _) => {
                stable.push(element);
                if let Some(missed) = life.stale {
                    stale.push(element);
                    if linearizable {
                        let at = lines[missed];
                        findings.push(Finding {
                            kind: "stale",
                            line: at,
                            detail: format!(
                                "{element} was known before this read began, and it missed it"
                            ),
                        });
                    }
                }
            }
            (false, true) => {
                lost.push(element);
                let at = life.last_absent.map_or(0, |i| lines[i]);
                findings.push(Finding {
                    kind: "lost",
                    line: at,
                    detail: format!(
                        "{element} was known, and this read and every later one missed it"
                    ),
                });
            }
            (false, false) => never.push(element),
        }
    }
    let otherwise = match stable.is_empty() {
        true => {
            Validity::Unknown("no element is stable: the reads show nothing either way".to_string())
        }
        false => Validity::Valid,
    };
    let counts = vec![
        ("attempted", lives.len()),
        ("stable", stable.len()),
        ("lost", lost.len()),
        ("never-read", never.len()),
        ("stale", stale.len()),
    ];
    Ok(WorkloadVerdict::from_findings(
        "set-full", findings, counts, otherwise,
    ))
}
