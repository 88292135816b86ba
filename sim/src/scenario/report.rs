//! What a run reports: its failure, if any (which check found it, what it
//! said, when), its history and trace hash, and the scenario's shape as
//! artifacts record it.

use crate::history::History;
use crate::linearizability::Verdict;
use crate::plan::FaultPlan;
use crate::time::{SimDuration, SimTime};
use std::fmt;

/// A failure's kind: which check found it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureKind {
    /// An invariant broke during the safety phase.
    Invariant,
    /// The history is not linearizable.
    Linearizability,
    /// After healing, the system did not make progress in time.
    Liveness,
}

impl FailureKind {
    /// Its name, as summaries and `--json` show it.
    pub fn name(self) -> &'static str {
        match self {
            FailureKind::Invariant => "invariant",
            FailureKind::Linearizability => "linearizability",
            FailureKind::Liveness => "liveness",
        }
    }
}

/// Why a run failed.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Failure {
    /// Which check.
    pub kind: FailureKind,
    /// What it said.
    pub message: String,
    /// Virtual time of the failure.
    pub at: SimTime,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.kind {
            FailureKind::Invariant => "safety: invariant",
            FailureKind::Linearizability => "safety: linearizability",
            FailureKind::Liveness => "liveness",
        };
        write!(f, "{kind} failure at {}: {}", self.at, self.message)
    }
}

/// What one run did.
#[derive(Clone, Debug)]
pub struct RunReport<Op, Reply> {
    /// The seed.
    pub seed: u64,
    /// The fault plan it ran under.
    pub plan: FaultPlan,
    /// The trace hash at the end.
    pub trace_hash: u64,
    /// The client history.
    pub history: History<Op, Reply>,
    /// The failure, if any.
    pub failure: Option<Failure>,
    /// The checker's verdict, when a linearizability check is set and ran.
    pub verdict: Option<Verdict>,
    /// The trace's events, when the config records them.
    pub trace: Option<Vec<crate::trace::TraceRecord>>,
}

/// A scenario's shape, as recorded in failure artifacts.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ScenarioConfig {
    /// Cluster size.
    pub nodes: usize,
    /// Client count.
    pub clients: usize,
    /// The links' config.
    pub link: crate::link::LinkConfig,
    /// Safety phase length.
    pub safety_for: SimDuration,
    /// Liveness phase bound.
    pub liveness_for: SimDuration,
    /// Client timeout.
    pub client_timeout: SimDuration,
}

/// What a scenario checks, by name: what `faultline list` shows of it.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Checks {
    /// Checked after every event of the safety phase (invariants and monitors).
    pub invariants: Vec<String>,
    /// Checked at the end: the history, liveness, the "eventually" properties.
    pub checks: Vec<String>,
    /// What focused faults hit ("the leader"), when the scenario names it.
    pub focus: Option<String>,
    /// The sequential spec the history is checked against, if any.
    pub spec: Option<String>,
}
