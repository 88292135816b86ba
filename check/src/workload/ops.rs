//! What the workload checkers share: client events paired into
//! operations, and values made comparable.

use crate::jepsen::edn::Edn;
use crate::jepsen::{EventType, ImportError, JepsenEvent, Process};
use serde::Serialize;
use std::fmt;

/// A value as an element of a set or a key: integers compare as numbers,
/// anything else by its written form (`:a`, `"a"` and `a` stay apart).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(untagged)]
pub enum Element {
    /// An integer.
    Int(i64),
    /// Anything else, as EDN writes it.
    Other(String),
}

impl Element {
    /// The element `v` stands for.
    pub fn of(v: &Edn) -> Element {
        match v {
            Edn::Int(i) => Element::Int(*i),
            other => Element::Other(other.to_string()),
        }
    }

    /// An account or key, where the same name may be written as a number
    /// (EDN) or a string (JSON object keys): `0`, `"0"` and `:0` are one.
    pub fn name(v: &Edn) -> Element {
        let text = match v {
            Edn::Str(s) | Edn::Symbol(s) => s.as_str(),
            Edn::Keyword(k) => k,
            other => return Element::of(other),
        };
        match text.parse::<i64>() {
            Ok(i) => Element::Int(i),
            Err(_) => Element::Other(text.to_string()),
        }
    }
}

impl fmt::Display for Element {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Element::Int(i) => write!(f, "{i}"),
            Element::Other(s) => f.write_str(s),
        }
    }
}

/// The client events of a history (named processes such as the nemesis
/// are left out), each with the index of its partner: an invocation's
/// completion, a completion's invocation (`None`: none). Events with no
/// process are errors, since they cannot be paired.
pub(super) fn paired(
    events: &[JepsenEvent],
) -> Result<Vec<(&JepsenEvent, Option<usize>)>, ImportError> {
    let mut out: Vec<(&JepsenEvent, Option<usize>)> = Vec::new();
    let mut pending: std::collections::BTreeMap<u64, usize> = Default::default();
    for e in events {
        let p = match &e.process {
            Some(Process::Client(p)) => *p,
            Some(Process::Named(_)) => continue,
            None => {
                return Err(error(
                    e.line,
                    "the event has no :process, so it cannot be paired with its invocation",
                ))
            }
        };
        let here = out.len();
        if e.kind == EventType::Invoke {
            if let Some(&open) = pending.get(&p) {
                let was = out[open].0.line;
                return Err(error(e.line, format!("process {p} invokes again while its operation from line {was} is still pending")));
            }
            pending.insert(p, here);
            out.push((e, None));
        } else {
            let Some(open) = pending.remove(&p) else {
                return Err(error(
                    e.line,
                    format!("process {p} completes an operation it never invoked"),
                ));
            };
            out[open].1 = Some(here);
            out.push((e, Some(open)));
        }
    }
    Ok(out)
}

/// Client events whose type is `kind` and whose `:f` is `f`.
pub(super) fn client<'a>(
    events: &'a [JepsenEvent],
    kind: EventType,
    f: &'a str,
) -> impl Iterator<Item = &'a JepsenEvent> {
    events.iter().filter(move |e| {
        e.kind == kind && e.f == f && !matches!(e.process, Some(Process::Named(_)))
    })
}

/// An error at `line`.
pub(super) fn error(line: usize, message: impl Into<String>) -> ImportError {
    ImportError::Event {
        line,
        message: message.into(),
    }
}

/// The integer `v`, or an error naming `what`.
pub(super) fn int(line: usize, what: &str, v: &Edn) -> Result<i64, ImportError> {
    match v {
        Edn::Int(i) => Ok(*i),
        other => Err(error(
            line,
            format!(
                "{what}: expected an integer, found `{}`",
                super::brief(other)
            ),
        )),
    }
}

/// The items of a collection value (`nil` is empty), or an error.
pub(super) fn items<'v>(line: usize, what: &str, v: &'v Edn) -> Result<&'v [Edn], ImportError> {
    match v {
        Edn::Nil => Ok(&[]),
        Edn::Vector(items) | Edn::List(items) | Edn::Set(items) => Ok(items),
        other => Err(error(
            line,
            format!(
                "{what}: expected a collection, found `{}`",
                super::brief(other)
            ),
        )),
    }
}
