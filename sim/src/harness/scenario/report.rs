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
#[non_exhaustive]
pub enum FailureKind {
    /// An invariant broke during the safety phase.
    Invariant,
    /// The history is not linearizable.
    Linearizability,
    /// The history's transactions break their consistency model.
    Transactional,
    /// After healing, the system did not make progress in time.
    Liveness,
    /// The run went over its budget of events (see [`super::budget`]): a
    /// message storm or a livelock.
    Runaway,
    /// The run sent more messages in one second of virtual time than its
    /// storm limit allows: message amplification (see [`super::budget`]).
    Storm,
    /// The model's code (a handler, an invariant, the workload) panicked.
    Panic,
}

impl FailureKind {
    /// Its name, as summaries and `--json` show it.
    pub fn name(self) -> &'static str {
        match self {
            FailureKind::Invariant => "invariant",
            FailureKind::Linearizability => "linearizability",
            FailureKind::Transactional => "transactional",
            FailureKind::Liveness => "liveness",
            FailureKind::Runaway => "runaway",
            FailureKind::Storm => "storm",
            FailureKind::Panic => "panic",
        }
    }
}

/// Why a run failed.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
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
            FailureKind::Transactional => "safety: transactional",
            FailureKind::Liveness => "liveness",
            FailureKind::Runaway => "runaway",
            FailureKind::Storm => "storm",
            FailureKind::Panic => "panic",
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
    /// The clients' attempts, and each operation's wait at its node.
    pub client_log: super::client_log::ClientLog,
    /// The failure, if any.
    pub failure: Option<Failure>,
    /// The checker's verdict, when a linearizability check is set and ran.
    pub verdict: Option<Verdict>,
    /// The trace's events, when the config records them.
    pub trace: Option<Vec<crate::trace::TraceRecord>>,
    /// A transactional anomaly's first cycle, when the check found one.
    pub txn_cycle: Option<crate::txn::report::CycleReport>,
    /// When each node synced its storage, when the trace was recorded.
    pub syncs: Vec<(crate::time::SimTime, crate::node_id::NodeId)>,
    /// What the scenario's timings measured, by kind (virtual nanoseconds).
    pub timings: Vec<(&'static str, u64)>,
    /// The most messages sent in any one second of virtual time.
    pub busiest_second: u64,
    /// The fault points that fired (see [`crate::marks`]), in name order.
    pub buggified: Vec<String>,
    /// The coverage probes reached, with their hit counts, in name order.
    pub probes: Vec<(&'static str, u64)>,
    /// Per hot monitor, the longest stretch it stayed hot in each phase
    /// (see [`super::Scenario::hot_for`]).
    pub hot: Vec<super::HotStretch>,
}

/// A scenario's shape, as recorded in failure artifacts.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
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
    /// The run's budget.
    #[serde(default)]
    pub budget: super::budget::Budget,
}

/// The text of a panic's payload.
pub fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "(a panic with no text)".to_string())
}

impl ScenarioConfig {
    /// When a run of this shape ends at the latest: its safety phase, then
    /// its liveness phase. A fault plan holds no fault after it.
    pub fn run_end(&self) -> SimTime {
        SimTime::ZERO
            .after(self.safety_for)
            .after(self.liveness_for)
    }

    /// The most clients a scenario runs.
    pub const MAX_CLIENTS: usize = 100_000;

    /// Checks every field; errors name the field under `field` (for
    /// example `config.link.drop`).
    pub fn validate(&self, field: &str) -> Result<(), crate::ConfigError> {
        use crate::ConfigError;
        let out_of_range = |name: &str, reason: String| ConfigError::OutOfRange {
            field: format!("{field}.{name}"),
            reason,
        };
        if self.nodes == 0 || self.nodes > crate::SimConfig::MAX_NODES {
            let reason = format!(
                "{} nodes: a cluster has 1 to {}",
                self.nodes,
                crate::SimConfig::MAX_NODES
            );
            return Err(out_of_range("nodes", reason));
        }
        if self.clients > Self::MAX_CLIENTS {
            let reason = format!(
                "{} clients is more than {}",
                self.clients,
                Self::MAX_CLIENTS
            );
            return Err(out_of_range("clients", reason));
        }
        self.link.validate(&format!("{field}.link"))?;
        let phases = [
            ("safety_for", self.safety_for),
            ("liveness_for", self.liveness_for),
            ("client_timeout", self.client_timeout),
        ];
        for (name, d) in phases {
            if d > SimDuration::MAX_CONFIGURABLE {
                return Err(ConfigError::DurationTooLarge {
                    field: format!("{field}.{name}"),
                    nanos: d.0,
                });
            }
        }
        if self.client_timeout == SimDuration::ZERO {
            return Err(out_of_range(
                "client_timeout",
                "a client timeout is positive".into(),
            ));
        }
        let b = &self.budget;
        if b.events_per_phase == 0 || b.pending_events == 0 || b.events_per_instant == 0 {
            return Err(out_of_range(
                "budget",
                "a budget allows at least one event".into(),
            ));
        }
        if b.storm.is_some_and(|s| s.factor == 0) {
            return Err(out_of_range(
                "budget.storm.factor",
                "a storm limit allows at least the baseline (factor 1)".into(),
            ));
        }
        Ok(())
    }
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
    /// The coverage probes that show a sweep reached what matters, each
    /// with the seeds within which a sweep from seed 0 reaches it.
    #[serde(default)]
    pub probes: Vec<ProbeInfo>,
    /// The fault points (BUGGIFY sites) the model's code has: an artifact
    /// or a kept failure that lists another is bad input.
    #[serde(default)]
    pub fault_points: Vec<String>,
    /// The node's versions, 1 to this (1: it has no others; see
    /// [`crate::versions`]).
    #[serde(default = "one")]
    pub versions: u32,
    /// The cores of the core liveness mode, in words ("any 3 of the 5
    /// nodes"); None: the model defines no core, and the mode is refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub core: Option<String>,
}

fn one() -> u32 {
    1
}

impl Checks {
    /// Refuses a site `buggify` lists that is not one of the model's fault
    /// points, naming it: it would silently never fire.
    pub fn check_sites(&self, model: &str, buggify: &crate::marks::Buggify) -> Result<(), String> {
        let crate::marks::Buggify::Sites(sites) = buggify else {
            return Ok(());
        };
        let Some(unknown) = sites.iter().find(|s| !self.fault_points.contains(s)) else {
            return Ok(());
        };
        let known = match self.fault_points.is_empty() {
            true => "it has none".to_string(),
            false => format!("it has: {}", self.fault_points.join(", ")),
        };
        Err(format!(
            "buggify lists `{unknown}`, not a fault point of model {model} ({known})"
        ))
    }
}

/// A coverage probe a model declares (see [`crate::marks`]).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ProbeInfo {
    /// Its name, as the code reaches it.
    pub name: String,
    /// A sweep from seed 0 of the default scenario reaches it within this
    /// many seeds (a test holds every model to it).
    pub within_seeds: u64,
}
