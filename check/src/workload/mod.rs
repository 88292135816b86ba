//! Jepsen's workload checkers, as elle-cli offers them: each reads a
//! history of plain operations (not transactions) and answers valid,
//! invalid with what it found, or unknown with why.
//!
//! - [`bank`]: every read of the accounts sums to the total, and no
//!   balance is negative unless that is allowed;
//! - [`counter`]: every read lies between the increments acknowledged
//!   before it began and those attempted before it ended;
//! - [`set`]: the final read holds every acknowledged add and nothing
//!   never added;
//! - [`set_full`]: each added element, read over time: lost, stale, never
//!   read or stable, and no element read twice in one read;
//! - [`long_fork`]: reads of a group of keys, each written once, can be
//!   put in one order (no two reads saw each other's writes but not their
//!   own);
//! - [`comments`] and [`sequential`]: elle-cli's two checkers from
//!   Jepsen's CockroachDB tests, for writes seen out of real-time order
//!   and subkeys seen out of process order.
//!
//! The histories are the same EDN or JSON events the other checkers read
//! ([`crate::jepsen`]). Knossos's `mutex` is a sequential spec instead
//! ([`crate::spec::mutex`]), checked for linearizability.

pub mod bank;
pub mod comments;
pub mod counter;
pub mod long_fork;
mod ops;
pub mod sequential;
pub mod set;
pub mod set_full;

use crate::jepsen::edn::Edn;
use serde::Serialize;
use std::fmt;

pub use ops::Element;

/// The answer of a workload checker.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "verdict", content = "why")]
pub enum Validity {
    /// No finding breaks the workload's rules.
    Valid,
    /// Some finding does.
    Invalid,
    /// The history cannot be judged, and why.
    Unknown(String),
}

/// One thing a checker found, at the line of the event that shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// What kind (`wrong-total`, `lost`, `long-fork` …), as Jepsen names it.
    pub kind: &'static str,
    /// The 1-based line of the event that shows it.
    pub line: usize,
    /// What, in words.
    pub detail: String,
}

/// A workload checker's verdict.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WorkloadVerdict {
    /// Which checker.
    pub checker: &'static str,
    /// The answer.
    pub validity: Validity,
    /// Counts worth stating (`reads`, `lost` …), in order.
    pub counts: Vec<(&'static str, usize)>,
    /// What it found (the first few of each kind), in history order.
    pub findings: Vec<Finding>,
}

/// At most this many findings of one kind are kept.
pub const FINDINGS_PER_KIND: usize = 8;

impl WorkloadVerdict {
    /// A verdict from its findings: invalid if any, else `otherwise`.
    fn from_findings(
        checker: &'static str,
        findings: Vec<Finding>,
        counts: Vec<(&'static str, usize)>,
        otherwise: Validity,
    ) -> WorkloadVerdict {
        let validity = match findings.is_empty() {
            true => otherwise,
            false => Validity::Invalid,
        };
        let mut kept: Vec<Finding> = Vec::new();
        for f in findings {
            if kept.iter().filter(|k| k.kind == f.kind).count() < FINDINGS_PER_KIND {
                kept.push(f);
            }
        }
        kept.sort_by_key(|f| f.line);
        WorkloadVerdict {
            checker,
            validity,
            counts,
            findings: kept,
        }
    }

    /// Unknown, and why.
    fn unknown(checker: &'static str, why: impl Into<String>) -> WorkloadVerdict {
        WorkloadVerdict {
            checker,
            validity: Validity::Unknown(why.into()),
            counts: Vec::new(),
            findings: Vec::new(),
        }
    }

    /// Whether the history is valid.
    pub fn is_valid(&self) -> bool {
        self.validity == Validity::Valid
    }
}

impl fmt::Display for WorkloadVerdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.validity {
            Validity::Valid => writeln!(f, "valid ({})", self.checker)?,
            Validity::Invalid => writeln!(f, "invalid ({})", self.checker)?,
            Validity::Unknown(why) => writeln!(f, "unknown ({}): {why}", self.checker)?,
        }
        if !self.counts.is_empty() {
            let counts: Vec<String> = self
                .counts
                .iter()
                .map(|(k, n)| format!("{k} {n}"))
                .collect();
            writeln!(f, "  {}", counts.join(", "))?;
        }
        for finding in &self.findings {
            writeln!(
                f,
                "  line {}: {}: {}",
                finding.line, finding.kind, finding.detail
            )?;
        }
        Ok(())
    }
}

/// A brief form of a value, for a finding.
fn brief(v: &Edn) -> String {
    crate::jepsen::edn::brief(v)
}
