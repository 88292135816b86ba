//! The madsim host's models, described for the catalog: `raft-kv-madsim`
//! (the sans-IO `raft-kv`, unchanged, inside madsim nodes: the cross-check
//! of the engine), and `async-kv` and `async-counter` (a service written as
//! ordinary async code, replicating a key-value store or a counter). Each run becomes a [`RunSummary`] like an engine run, so
//! `explore`, `replay` and `shrink` treat them alike; their "trace hash" is
//! the client history's hash, which is what a madsim run can promise to
//! reproduce.

use crate::async_pb::counter::{self, CounterReply, CounterRequest, CounterStore};
use crate::async_pb::{self, invariants as async_invariants, AsyncPbBug, Machine};
use crate::run::{run_async, run_watched, RunConfig, RunResult, Watch};
use models::kv::{history, KvReply, KvRequest, KvStore};
use models::raft_kv::{self, invariants, RaftBug, RaftKv, RaftKvModel};
use sim::history::History;
use sim::linearizability::Verdict;
use sim::model::detail::RunDetail;
use sim::model::{
    op_stats, BugInfo, BugSwitch, Description, Host, Model, ModelError, RunRequest, RunSummary,
};
use sim::scenario::{Checks, Failure, FailureKind, ScenarioConfig};
use sim::spec::SequentialSpec;
use sim::{LinkConfig, NodeTable, SimDuration, SimTime};
use std::fmt::Debug;
use std::marker::PhantomData;
use std::sync::Arc;

/// How long clients run in a madsim run.
pub const RUN_FOR: SimDuration = SimDuration::from_secs(5);
/// Clients per run.
pub const CLIENTS: u64 = 3;
/// The client timeout.
pub const CLIENT_TIMEOUT: SimDuration = SimDuration::from_secs(1);
/// How long, after the heal, each client has to see an operation complete.
pub const LIVENESS_FOR: SimDuration = SimDuration::from_secs(5);

/// The madsim host's models, one line each.
pub const CATALOG: &[&dyn Model] = &[
    &RaftKvMadsim,
    &AsyncModel::<KvStore>::NEW,
    &AsyncModel::<CounterStore>::NEW,
];

/// A madsim run's shape (madsim's links are 1 to 10 ms, the engine's
/// default).
pub fn config(nodes: usize) -> ScenarioConfig {
    ScenarioConfig {
        nodes,
        clients: CLIENTS as usize,
        link: LinkConfig::default(),
        safety_for: RUN_FOR,
        liveness_for: LIVENESS_FOR,
        client_timeout: CLIENT_TIMEOUT,
        budget: sim::scenario::Budget::default(),
    }
}

/// The switch a request names, from `B`'s.
pub fn bug_of<B: BugSwitch>(model: &str, request: &RunRequest) -> Result<Option<B>, ModelError> {
    let Some(name) = request.bug.as_deref() else {
        return Ok(None);
    };
    B::from_name(name).map(Some).ok_or_else(|| {
        let known: Vec<&str> = B::ALL.iter().map(|b| b.name()).collect();
        ModelError::UnknownBug {
            model: model.to_string(),
            bug: name.to_string(),
            known: known.join(", "),
        }
    })
}

/// The run's config: `request`'s plan, or the one its nemesis draws.
pub fn run_config(name: &str, request: &RunRequest, nodes: usize) -> Result<RunConfig, ModelError> {
    let plan = match &request.plan {
        Some(plan) => plan.clone(),
        None => request.nemesis.generate(request.seed, nodes, RUN_FOR),
    };
    plan.validate(nodes)?;
    if plan.core.is_some() {
        let why = "the madsim host has no core liveness mode; it heals every fault";
        return Err(ModelError::BadCore(format!(
            "model `{name}` defines no core: {why}"
        )));
    }
    // A madsim run has no fault points: a list of sites to enable names
    // none of its own.
    if let Some(buggify) = &request.buggify {
        Checks::default()
            .check_sites(name, buggify)
            .map_err(ModelError::UnknownFaultPoint)?;
    }
    Ok(RunConfig {
        seed: request.seed,
        nodes,
        clients: CLIENTS,
        run_for: RUN_FOR,
        liveness_for: LIVENESS_FOR,
        client_timeout: CLIENT_TIMEOUT,
        plan,
        record: request.record,
    })
}

/// A key-value run as a summary: its violation, else its history's verdict
/// under the `kv` spec.
pub fn summarize(config: RunConfig, result: RunResult, record: bool) -> RunSummary {
    summarize_with(config, result, record, history::check, |r: &KvRequest| {
        r.command.kind()
    })
}

/// Any service's run as a summary: a runaway, else its violation, else
/// `check`'s verdict on its history, else its liveness shortfall. `kind`
/// names an operation for the per-operation figures.
pub fn summarize_with<Op: Debug, Reply: Debug>(
    config: RunConfig,
    result: RunResult<Op, Reply>,
    record: bool,
    check: impl FnOnce(&History<Op, Reply>) -> Verdict,
    kind: impl Fn(&Op) -> &'static str + Copy,
) -> RunSummary {
    let end = SimTime::ZERO.after(config.run_for);
    let fail = |kind, message: &String, at| Failure {
        kind,
        message: message.clone(),
        at,
    };
    let runaway = result.runaway.as_ref();
    let verdict = (runaway.is_none() && result.violation.is_none()).then(|| check(&result.history));
    let failure = match (runaway, &result.violation, &verdict) {
        (Some(message), _, _) => Some(fail(FailureKind::Runaway, message, end)),
        (None, Some(v), _) => Some(fail(FailureKind::Invariant, &v.message, v.at)),
        (None, None, Some(Verdict::NotLinearizable(c))) => {
            Some(fail(FailureKind::Linearizability, &c.to_string(), end))
        }
        _ => result.stuck.as_ref().map(|message| {
            let healed_for = end.after(config.liveness_for);
            fail(FailureKind::Liveness, message, healed_for)
        }),
    };
    let detail = record.then(|| {
        let detail = RunDetail::new(&result.history, kind, Vec::new(), verdict.as_ref());
        Box::new(detail)
    });
    RunSummary {
        seed: config.seed,
        plan: config.plan,
        trace_hash: result.history_hash,
        failure,
        ops: op_stats(&result.history, kind),
        trace: result.trace,
        timings: Vec::new(),
        history: record.then(|| result.history.to_string()),
        skipped_faults: result.skipped_faults,
        busiest_second: 0,
        buggified: Vec::new(),
        probes: Vec::new(),
        hot: Vec::new(),
        detail,
    }
}

/// `raft-kv`, unchanged, inside madsim nodes, watched by the same safety
/// monitor after every event and faulted at the same focus.
#[derive(Clone, Copy, Debug, Default)]
pub struct RaftKvMadsim;

impl Model for RaftKvMadsim {
    fn name(&self) -> &'static str {
        "raft-kv-madsim"
    }

    fn describe(&self) -> Description {
        let engine = RaftKvModel.describe();
        let history_checks = engine
            .checks
            .checks
            .iter()
            .filter(|c| c.starts_with("linearizable"));
        Description {
            name: self.name().to_string(),
            summary: format!(
                "{}, unchanged, inside madsim nodes: the cross-check of the engine",
                engine.name
            ),
            host: Host::Madsim,
            config: config(engine.config.nodes),
            checks: Checks {
                checks: history_checks.cloned().collect(),
                // Probes are counted by the engine's harness; a madsim run
                // reports none, so it declares none.
                probes: Vec::new(),
                // madsim runs with every fault point off: it has none.
                fault_points: Vec::new(),
                // madsim has no control for upgrades: it skips them.
                versions: 1,
                // madsim heals every fault: it has no core liveness mode.
                core: None,
                ..engine.checks
            },
            // Upgrades and storage faults are skipped here, messages are
            // not counted per second (no storm limit), and there is no core
            // liveness mode, so a bug only they find is not offered.
            bugs: engine
                .bugs
                .into_iter()
                .filter(|b| b.mix != sim::Mix::Upgrade.name())
                .filter(|b| b.liveness.is_heal_all())
                .filter(|b| b.name != RaftBug::ResendOnEveryReply.name())
                .filter(|b| RaftBug::DISK.iter().all(|d| b.name != d.name()))
                .collect(),
            untaken: own_stream_kinds(),
            exhaustive: false,
        }
    }

    fn run(&self, request: &RunRequest) -> Result<RunSummary, ModelError> {
        let bug = bug_of::<RaftBug>(self.name(), request)?;
        let config = run_config(
            self.name(),
            request,
            RaftKvModel.scenario(None).describe().nodes,
        )?;
        let watch = Watch {
            monitor: Some(Box::new(invariants::safety())),
            focus: Some(Arc::new(|nodes: &dyn NodeTable<RaftKv>| {
                raft_kv::leader(nodes)
            })),
        };
        let result = run_watched(&config, move |_| RaftKv::new(bug), watch);
        Ok(summarize(config, result, request.record))
    }
}

use sim::model::EngineModel as _;

/// The kinds a madsim run never draws: it generates plans with no
/// extras, so no fleet to scale, no surges, no operators, no versions.
pub fn own_stream_kinds() -> Vec<sim::FaultKind> {
    sim::FaultKind::each()
        .filter(|k| k.is_own_stream())
        .collect()
}

/// What the catalog needs of a machine the async service replicates: its
/// model's name and summary, its spec, and how its history is judged.
pub trait AsyncService: Machine {
    /// The model's name.
    const NAME: &'static str;
    /// What the model is, in one line.
    const SUMMARY: &'static str;
    /// The sequential spec its history is checked against.
    type Spec: SequentialSpec;
    /// The verdict on a run's history.
    fn check(history: &History<Self::Request, Self::Reply>) -> Verdict;
    /// An operation's kind, for the per-operation figures.
    fn kind(request: &Self::Request) -> &'static str;
}

impl AsyncService for KvStore {
    const NAME: &'static str = "async-kv";
    const SUMMARY: &'static str =
        "a primary-backup key-value service written as ordinary async code";
    type Spec = sim::spec::kv::Kv;
    fn check(history: &History<KvRequest, KvReply>) -> Verdict {
        history::check(history)
    }
    fn kind(request: &KvRequest) -> &'static str {
        request.command.kind()
    }
}

impl AsyncService for CounterStore {
    const NAME: &'static str = "async-counter";
    const SUMMARY: &'static str =
        "the async primary-backup service replicating a counter: not a key-value store";
    type Spec = sim::spec::counter::Counter;
    fn check(history: &History<CounterRequest, CounterReply>) -> Verdict {
        counter::check(history)
    }
    fn kind(request: &CounterRequest) -> &'static str {
        counter::kind(request)
    }
}

/// The primary-backup service written as async code, replicating `M`.
pub struct AsyncModel<M>(PhantomData<fn() -> M>);

impl<M> AsyncModel<M> {
    /// The model.
    pub const NEW: AsyncModel<M> = AsyncModel(PhantomData);
}

impl<M: AsyncService> Model for AsyncModel<M> {
    fn name(&self) -> &'static str {
        M::NAME
    }

    fn describe(&self) -> Description {
        let spec = <M::Spec as SequentialSpec>::NAME;
        Description {
            name: self.name().to_string(),
            summary: M::SUMMARY.into(),
            host: Host::Madsim,
            config: config(async_pb::NODES),
            checks: Checks {
                invariants: async_invariants::PROPERTIES
                    .iter()
                    .map(|p| p.to_string())
                    .collect(),
                checks: vec![format!("linearizable ({spec} spec)")],
                focus: Some("the primary".into()),
                spec: Some(spec.into()),
                probes: Vec::new(),
                fault_points: Vec::new(),
                versions: 1,
                core: None,
            },
            bugs: BugInfo::all::<AsyncPbBug>(),
            untaken: own_stream_kinds(),
            exhaustive: false,
        }
    }

    fn run(&self, request: &RunRequest) -> Result<RunSummary, ModelError> {
        let bug = bug_of::<AsyncPbBug>(self.name(), request)?;
        let config = run_config(self.name(), request, async_pb::NODES)?;
        let result = run_async::<M>(&config, bug);
        let summary = summarize_with(config, result, request.record, M::check, M::kind);
        Ok(summary)
    }
}
