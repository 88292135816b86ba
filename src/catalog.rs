//! The models `faultline` can explore, with their invariants and bug switches,
//! behind one runner so that `explore`, `replay` and `shrink` treat them alike.

use models::kv::KvRequest;
use models::primary_backup::{self, PbBug};
use models::raft_kv::{self, RaftBug};
use models::register::{self, RegisterBug};
use serde::{Deserialize, Serialize};
use sim::history::{EventKind, History};
use sim::scenario::{Failure, RunReport};
use sim::{FaultPlan, Nemesis};

/// A model's entry in the catalog.
#[derive(Clone, Copy, Debug)]
pub struct ModelInfo {
    /// The name used on the command line.
    pub name: &'static str,
    /// What runs it.
    pub host: Host,
    /// The cluster size its scenario runs.
    pub nodes: usize,
    /// One line about it.
    pub about: &'static str,
    /// The invariants checked after every event.
    pub invariants: &'static [&'static str],
    /// Other checks of the run.
    pub checks: &'static [&'static str],
    /// Bug switches, by name.
    pub bugs: &'static [&'static str],
}

/// Raft's safety properties, checked after every event on either host.
const RAFT_INVARIANTS: &[&str] = &[
    "election safety",
    "log matching",
    "leader completeness",
    "state machine safety",
];

/// raft-kv's bug switches, on either host.
const RAFT_BUGS: &[&str] = &[
    "commit-previous-term",
    "vote-without-log-check",
    "forget-vote-on-restart",
    "ack-before-commit",
    "read-from-follower",
];

/// The models the engine runs.
const ENGINE_MODELS: &[ModelInfo] = &[
    ModelInfo {
        name: "register",
        host: Host::Engine,
        nodes: 3,
        about: "a replicated register over majority quorums (ABD style)",
        invariants: &["unique timestamps"],
        checks: &["linearizable (register spec)", "liveness after healing"],
        bugs: &["ack-before-replication"],
    },
    ModelInfo {
        name: "raft-kv",
        host: Host::Engine,
        nodes: 5,
        about: "a key-value store replicated by Raft, reads through the log",
        invariants: RAFT_INVARIANTS,
        checks: &[
            "linearizable (kv spec)",
            "a leader and progress after healing",
        ],
        bugs: RAFT_BUGS,
    },
    ModelInfo {
        name: "primary-backup",
        host: Host::Engine,
        nodes: 4,
        about: "a key-value store with a primary, synchronous backups and failover by epochs",
        invariants: &["one primary per epoch", "acknowledged writes survive"],
        checks: &[
            "linearizable (kv spec)",
            "a serving primary and progress after healing",
        ],
        bugs: &[
            "ack-before-backup",
            "no-epoch-fencing",
            "promote-stale-backup",
        ],
    },
];

/// The models run on madsim (see [`crate::hosted`]); empty in a build
/// without `--cfg madsim`.
#[cfg(madsim)]
const MADSIM_MODELS: &[ModelInfo] = &[
    ModelInfo {
        name: "raft-kv-madsim",
        host: Host::Madsim,
        nodes: 5,
        about: "raft-kv, unchanged, inside madsim nodes: the cross-check of the engine",
        invariants: RAFT_INVARIANTS,
        checks: &["linearizable (kv spec)"],
        bugs: RAFT_BUGS,
    },
    ModelInfo {
        name: "async-kv",
        host: Host::Madsim,
        nodes: 4,
        about: "a primary-backup key-value service written as ordinary async code",
        invariants: &["one primary per epoch", "acknowledged writes survive"],
        checks: &["linearizable (kv spec)"],
        bugs: &["unawaited-replication"],
    },
];
#[cfg(not(madsim))]
const MADSIM_MODELS: &[ModelInfo] = &[];

/// Every model: the engine's, then madsim's.
pub fn models() -> impl Iterator<Item = &'static ModelInfo> {
    ENGINE_MODELS.iter().chain(MADSIM_MODELS)
}

/// What runs a model.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Host {
    /// faultline's own engine: a sans-IO model, a full trace, every check.
    Engine,
    /// madsim's runtime: async code (or a sans-IO model through `sim::host`);
    /// the client history is recorded and hashed, and there is no liveness phase.
    Madsim,
}

impl Host {
    /// Its name, as `list` shows it.
    pub fn name(self) -> &'static str {
        match self {
            Host::Engine => "engine",
            Host::Madsim => "madsim",
        }
    }
}

/// What can be wrong with a request.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CatalogError {
    /// No such model.
    #[error("unknown model `{0}`: run `faultline list` for the models")]
    UnknownModel(String),
    /// No such bug switch for this model.
    #[error("model `{model}` has no bug switch `{bug}` (it has: {known})")]
    UnknownBug {
        /// The model.
        model: String,
        /// The switch asked for.
        bug: String,
        /// The switches it has.
        known: String,
    },
}

/// Looks a model up by name.
pub fn model(name: &str) -> Result<&'static ModelInfo, CatalogError> {
    models()
        .find(|m| m.name == name)
        .ok_or_else(|| CatalogError::UnknownModel(name.to_string()))
}

/// Checks a bug switch name against a model.
pub fn check_bug(info: &ModelInfo, bug: Option<&str>) -> Result<(), CatalogError> {
    match bug {
        Some(b) if !info.bugs.contains(&b) => Err(CatalogError::UnknownBug {
            model: info.name.to_string(),
            bug: b.to_string(),
            known: info.bugs.join(", "),
        }),
        _ => Ok(()),
    }
}

/// One client operation's outcome, for the summary.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpStat {
    /// The operation's kind.
    pub kind: &'static str,
    /// Virtual nanoseconds from invoke to answer; `None` when indeterminate.
    pub latency_ns: Option<u64>,
    /// True when it completed ok.
    pub ok: bool,
}

/// What one run of a catalog model produced.
#[derive(Clone, Debug)]
pub struct RunSummary {
    /// The seed.
    pub seed: u64,
    /// The plan it ran under.
    pub plan: FaultPlan,
    /// The trace hash.
    pub trace_hash: u64,
    /// The failure, if any.
    pub failure: Option<Failure>,
    /// Every client operation.
    pub ops: Vec<OpStat>,
    /// The trace's events, when asked for (engine runs only).
    pub trace: Option<Vec<sim::TraceRecord>>,
    /// The client history, one event per line, when a madsim run was asked
    /// to record (madsim runs have no engine trace; this is what they show).
    pub history: Option<String>,
    /// Faults of the plan that the host has no control for (madsim runs
    /// skip clock, single-link and storage faults); 0 on the engine.
    pub skipped_faults: usize,
}

/// Per-operation outcomes from a history.
pub fn op_stats<I, O>(history: &History<I, O>, kind: impl Fn(&I) -> &'static str) -> Vec<OpStat> {
    let mut open: std::collections::BTreeMap<u64, (&'static str, u64)> = Default::default();
    let mut stats = Vec::new();
    for e in &history.events {
        match &e.kind {
            EventKind::Invoke(i) => {
                open.insert(e.process, (kind(i), e.time));
            }
            done => {
                if let Some((k, t)) = open.remove(&e.process) {
                    let ok = matches!(done, EventKind::Ok(_));
                    let latency_ns =
                        (!matches!(done, EventKind::Info)).then(|| e.time.saturating_sub(t));
                    stats.push(OpStat {
                        kind: k,
                        latency_ns,
                        ok,
                    });
                }
            }
        }
    }
    stats.extend(open.into_values().map(|(k, _)| OpStat {
        kind: k,
        latency_ns: None,
        ok: false,
    }));
    stats
}

fn summarize<O, R>(report: RunReport<O, R>, kind: impl Fn(&O) -> &'static str) -> RunSummary {
    RunSummary {
        seed: report.seed,
        ops: op_stats(&report.history, kind),
        plan: report.plan,
        trace_hash: report.trace_hash,
        failure: report.failure,
        trace: report.trace,
        history: None,
        skipped_faults: 0,
    }
}

/// The scenario config `model` runs with. Validated names only.
pub fn scenario_config(model: &str) -> sim::scenario::ScenarioConfig {
    match model {
        "register" => register::scenario(None).describe(),
        "raft-kv" => raft_kv::scenario(None).describe(),
        "primary-backup" => primary_backup::scenario(None).describe(),
        #[cfg(madsim)]
        other => crate::hosted::scenario_config(other),
        #[cfg(not(madsim))]
        other => unreachable!("validated model {other}"),
    }
}

/// Runs one seed of a model's scenario under `plan`, or else under the plan
/// `nemesis` draws for the seed.
fn run_scenario<N: sim::Node + 'static>(
    scenario: sim::scenario::Scenario<N>,
    run: &RunRequest<'_>,
    kind: impl Fn(&N::Op) -> &'static str,
) -> RunSummary
where
    N::Op: Clone,
    N::Reply: Clone,
{
    let s = scenario
        .faults(run.nemesis.clone())
        .record_trace(run.record);
    let plan = run.plan.clone().unwrap_or_else(|| s.plan_for(run.seed));
    summarize(s.run_with_plan(run.seed, plan), kind)
}

/// One run's parameters, past the model and its bug.
struct RunRequest<'a> {
    seed: u64,
    nemesis: &'a Nemesis,
    plan: Option<FaultPlan>,
    record: bool,
}

/// Runs `model` for `seed`, under `plan` if given or else under the plan that
/// `nemesis` draws for the seed. Validated names only (see [`model`], [`check_bug`]).
pub fn run(
    model: &str,
    bug: Option<&str>,
    seed: u64,
    nemesis: &Nemesis,
    plan: Option<FaultPlan>,
    record: bool,
) -> RunSummary {
    let run = RunRequest {
        seed,
        nemesis,
        plan,
        record,
    };
    let kv_kind = |r: &KvRequest| r.command.kind();
    match model {
        "register" => {
            let bug = bug.map(|b| match b {
                "ack-before-replication" => RegisterBug::AckBeforeReplication,
                other => unreachable!("validated bug switch {other}"),
            });
            run_scenario(register::scenario(bug), &run, register::op_kind)
        }
        "raft-kv" => {
            let bug = bug.map(|b| RaftBug::from_name(b).expect("validated bug switch"));
            run_scenario(raft_kv::scenario(bug), &run, kv_kind)
        }
        "primary-backup" => {
            let bug = bug.map(|b| PbBug::from_name(b).expect("validated bug switch"));
            run_scenario(primary_backup::scenario(bug), &run, kv_kind)
        }
        #[cfg(madsim)]
        other => crate::hosted::run_model(other, bug, seed, nemesis, run.plan, record),
        #[cfg(not(madsim))]
        other => unreachable!("validated model {other}"),
    }
}
