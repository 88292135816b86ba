//! The test harness: a scenario is a model, a cluster, clients, faults and
//! checks, run for one seed or swept over many.
//!
//! ```text
//! Scenario::new(|id| MyNode::new(id))
//!     .nodes(3)
//!     .clients(3, workload)
//!     .faults(Mix::All.nemesis())
//!     .invariant("one leader per term", check_leaders)
//!     .linearizable(Kv, to_kv_history)
//!     .run_seeds(0..100);
//! ```
//!
//! A run has two phases, as in TigerBeetle's VOPR:
//! 1. **safety**: the clients run for `safety_for` under the fault plan; every
//!    invariant is checked after every event; then the history is checked for
//!    linearizability;
//! 2. **liveness**: every fault is healed ([`FaultPlan::heal_all`]) and the fault
//!    points ([`crate::marks`]) go quiet; each client's next operation must
//!    complete within `liveness_for`, and every "eventually" must hold then.
//!
//! Failures say which phase found them ([`FailureKind`]). A client operation
//! that gets no answer within `client_timeout` is recorded as `info`
//! (indeterminate) and the client continues as a fresh process, as in Jepsen.
//!
//! Files: [`workload`] (what clients send), `clients` (the client processes
//! and the history), [`report`] (failures, reports, the scenario's shape) and
//! `sweep` ([`Scenario::run_seeds`]: sweeps with artifacts, shrinking, replay).

pub mod budget;
pub mod client_log;
mod clients;
mod marks;
mod regressions;
pub mod report;
pub mod sweep;
pub mod trim;
pub mod workload;

use crate::config::SimConfig;
use crate::engine::{Focus, Simulation};
use crate::history::History;
use crate::linearizability::Verdict;
use crate::marks::Buggify;
use crate::nemesis::{Extras, Nemesis};
use crate::node::Node;
use crate::node_id::NodeId;
use crate::plan::FaultPlan;
use crate::spec::SequentialSpec;
use crate::staleness::ReadHistory;
use crate::time::{SimDuration, SimTime};
use crate::txn::{ConsistencyModel, TxnHistory};
pub use budget::Budget;
use budget::Meter;
use clients::Clients;
pub use report::{Checks, Failure, FailureKind, ProbeInfo, RunReport, ScenarioConfig};
pub use trim::Trim;
pub use workload::{Completion, Scripted, Workload};

/// A property of a whole client history.
type HistoryCheck<N> =
    Box<dyn Fn(&History<<N as Node>::Op, <N as Node>::Reply>) -> Result<(), String>>;
/// Makes a run's transactional history from its client history.
type TxnChecker<N> = Box<dyn Fn(&History<<N as Node>::Op, <N as Node>::Reply>) -> TxnHistory>;
/// Makes a fresh workload for each run.
type WorkloadFactory<N> = Box<dyn Fn() -> Box<dyn Workload<N>>>;
type Invariant<N> = (String, Box<dyn Fn(&Simulation<N>) -> Result<(), String>>);
/// A property of the final state and the whole client history together.
type FinalCheck<N> = (
    String,
    Box<
        dyn Fn(&Simulation<N>, &History<<N as Node>::Op, <N as Node>::Reply>) -> Result<(), String>,
    >,
);
/// Timings a run measured, by kind (virtual nanoseconds).
type Timings<N> = Box<dyn Fn(&Simulation<N>) -> Vec<(&'static str, u64)>>;
/// A check with memory, made fresh for each run (see [`Scenario::monitor`]).
pub type Monitor<N> = Box<dyn FnMut(&Simulation<N>) -> Result<(), String>>;
/// A monitor's factory, with the names of the properties it checks and
/// whether its failures name the property themselves.
struct MonitorFactory<N: Node> {
    properties: Vec<String>,
    names_itself: bool,
    make: Box<dyn Fn() -> Monitor<N>>,
}
type Checker<N> = Box<dyn Fn(&History<<N as Node>::Op, <N as Node>::Reply>) -> Verdict>;
/// A harness-level probe: reached once its condition holds after an event.
type StateProbe<N> = (&'static str, Box<dyn Fn(&Simulation<N>) -> bool>);

/// What the safety phase watches after every event: the run's monitors,
/// and the harness-level probes not reached yet (by index).
struct Watch<'s, N: Node> {
    monitors: Vec<(&'s MonitorFactory<N>, Monitor<N>)>,
    unreached: Vec<usize>,
}

/// A run over its budget, as a failure.
fn runaway<N: Node>(sim: &Simulation<N>, message: String) -> Failure {
    Failure {
        kind: FailureKind::Runaway,
        message,
        at: sim.now(),
    }
}

/// What a scenario's artifacts say it is (see [`Scenario::named`]).
#[derive(Clone, Debug, Default)]
struct Label {
    model: Option<String>,
    bug: Option<String>,
    faults: Option<String>,
}

/// Where the faults come from.
enum Faults {
    Nemesis(Nemesis),
    Plan(FaultPlan),
}

/// A model under test, with its cluster, clients, faults and checks.
pub struct Scenario<N: Node> {
    factory: std::rc::Rc<dyn Fn(NodeId) -> N>,
    versioned: Option<std::rc::Rc<dyn Fn(NodeId, u32) -> N>>,
    config: SimConfig,
    clients: usize,
    workload: Option<WorkloadFactory<N>>,
    faults: Faults,
    invariants: Vec<Invariant<N>>,
    monitors: Vec<MonitorFactory<N>>,
    eventually: Vec<Invariant<N>>,
    eventually_with_history: Vec<FinalCheck<N>>,
    timings: Option<Timings<N>>,
    checker: Option<(String, Checker<N>)>,
    txn_checker: Option<(ConsistencyModel, TxnChecker<N>)>,
    history_checks: Vec<(String, HistoryCheck<N>)>,
    extras: Extras,
    focus: Option<(String, Focus<N>)>,
    label: Label,
    budget: Budget,
    buggify: Buggify,
    probes: Vec<ProbeInfo>,
    state_probes: Vec<StateProbe<N>>,
    /// How long the safety phase runs.
    pub safety_for: SimDuration,
    /// How long the liveness phase allows for progress.
    pub liveness_for: SimDuration,
    /// How long a client waits for an answer before recording `info`.
    pub client_timeout: SimDuration,
}

impl<N: Node + 'static> Scenario<N>
where
    N::Op: Clone,
    N::Reply: Clone,
{
    /// A scenario of three nodes, no clients, no faults and no checks; 10 s of
    /// safety, 10 s for liveness, 1 s client timeout.
    pub fn new(factory: impl Fn(NodeId) -> N + 'static) -> Self {
        Scenario {
            factory: std::rc::Rc::new(factory),
            versioned: None,
            config: SimConfig::new(0),
            clients: 0,
            workload: None,
            faults: Faults::Plan(FaultPlan::new()),
            invariants: Vec::new(),
            monitors: Vec::new(),
            eventually: Vec::new(),
            eventually_with_history: Vec::new(),
            timings: None,
            checker: None,
            txn_checker: None,
            history_checks: Vec::new(),
            extras: Extras::default(),
            focus: None,
            label: Label::default(),
            budget: Budget::default(),
            buggify: Buggify::Swarm,
            probes: Vec::new(),
            state_probes: Vec::new(),
            safety_for: SimDuration::from_secs(10),
            liveness_for: SimDuration::from_secs(10),
            client_timeout: SimDuration::from_secs(1),
        }
    }

    /// Sets the node count.
    pub fn nodes(mut self, nodes: usize) -> Self {
        self.config.nodes = nodes;
        self
    }

    /// Sets the simulation config (its seed is replaced per run).
    pub fn config(mut self, config: SimConfig) -> Self {
        self.config = config;
        self
    }

    /// Adds `count` clients running fresh copies of a workload.
    pub fn clients<W: Workload<N> + 'static>(
        mut self,
        count: usize,
        workload: impl Fn() -> W + 'static,
    ) -> Self {
        self.clients = count;
        self.workload = Some(Box::new(move || Box::new(workload())));
        self
    }

    /// Draws a fault plan per seed from `nemesis` (its base link is set to the
    /// scenario's).
    pub fn faults(mut self, nemesis: Nemesis) -> Self {
        self.faults = Faults::Nemesis(nemesis);
        self
    }

    /// Runs every seed under this fixed plan.
    pub fn plan(mut self, plan: FaultPlan) -> Self {
        self.faults = Faults::Plan(plan);
        self
    }

    /// Adds an invariant, checked after every event of the safety phase.
    pub fn invariant(
        mut self,
        name: &str,
        check: impl Fn(&Simulation<N>) -> Result<(), String> + 'static,
    ) -> Self {
        self.invariants.push((name.to_string(), Box::new(check)));
        self
    }

    /// Adds a monitor: an invariant over the run so far rather than the present
    /// state, such as "at most one leader per term" (leaders of a term may
    /// crash and be forgotten by every node, but not by the monitor). `make`
    /// builds a fresh monitor for each run; it sees the simulation after every
    /// event of the safety phase, like [`Scenario::invariant`]. Its failures
    /// are reported as `name: what it said`.
    pub fn monitor<M>(mut self, name: &str, make: impl Fn() -> M + 'static) -> Self
    where
        M: FnMut(&Simulation<N>) -> Result<(), String> + 'static,
    {
        self.monitors.push(MonitorFactory {
            properties: vec![name.to_string()],
            names_itself: false,
            make: Box::new(move || Box::new(make())),
        });
        self
    }

    /// Adds one monitor that checks several properties in one pass over the
    /// nodes, such as Raft's four safety properties. Each failure must start
    /// with the name of the property that broke (one of `properties`), and
    /// is reported as it is.
    pub fn monitor_properties<M>(
        mut self,
        properties: &[&str],
        make: impl Fn() -> M + 'static,
    ) -> Self
    where
        M: FnMut(&Simulation<N>) -> Result<(), String> + 'static,
    {
        assert!(!properties.is_empty(), "a monitor checks some property");
        self.monitors.push(MonitorFactory {
            properties: properties.iter().map(|p| p.to_string()).collect(),
            names_itself: true,
            make: Box::new(move || Box::new(make())),
        });
        self
    }

    /// Adds an "eventually" property: it must hold at the end of the liveness
    /// phase, once every fault has been healed for `liveness_for`.
    pub fn eventually(
        mut self,
        name: &str,
        check: impl Fn(&Simulation<N>) -> Result<(), String> + 'static,
    ) -> Self {
        self.eventually.push((name.to_string(), Box::new(check)));
        self
    }

    /// Adds an "eventually" property of the final state and the whole
    /// client history together (every acknowledged message took effect,
    /// say), checked after the other "eventually" properties.
    pub fn eventually_with_history(
        mut self,
        name: &str,
        check: impl Fn(&Simulation<N>, &History<N::Op, N::Reply>) -> Result<(), String> + 'static,
    ) -> Self {
        self.eventually_with_history
            .push((name.to_string(), Box::new(check)));
        self
    }

    /// Measures timings at the end of each run (a message's time in the
    /// queue, say), by kind; `explore` adds them to its latency figures.
    pub fn timings(
        mut self,
        measure: impl Fn(&Simulation<N>) -> Vec<(&'static str, u64)> + 'static,
    ) -> Self {
        self.timings = Some(Box::new(measure));
        self
    }

    /// Checks the history at the end of the safety phase for linearizability
    /// against `spec`, after `translate` has put it in the spec's terms.
    pub fn linearizable<S: SequentialSpec + 'static>(
        mut self,
        spec: S,
        translate: impl Fn(&History<N::Op, N::Reply>) -> History<S::Input, S::Output> + 'static,
    ) -> Self {
        let check = move |h: &History<N::Op, N::Reply>| {
            crate::linearizability::check(&spec, &translate(h))
                .expect("the harness records paired histories")
        };
        self.checker = Some((S::NAME.to_string(), Box::new(check)));
        self
    }

    /// Checks the history at the end of the safety phase as transactions,
    /// against `model`, after `translate` has made it a transactional
    /// history (see [`crate::txn`] and [`TxnHistory::from_client_history`]).
    /// An invalid history is a failure; an unknown verdict is not.
    pub fn transactional(
        mut self,
        model: ConsistencyModel,
        translate: impl Fn(&History<N::Op, N::Reply>) -> TxnHistory + 'static,
    ) -> Self {
        self.txn_checker = Some((model, Box::new(translate)));
        self
    }

    /// Adds a property of the client history, checked at the end of the
    /// safety phase (such as "every audit sees the same total"). Its
    /// failure is an invariant failure, reported as `name: what it said`.
    pub fn history_check(
        mut self,
        name: &str,
        check: impl Fn(&History<N::Op, N::Reply>) -> Result<(), String> + 'static,
    ) -> Self {
        self.history_checks
            .push((name.to_string(), Box::new(check)));
        self
    }

    /// Checks the history at the end of the safety phase for the read
    /// guarantees of a store with lagging replicas (see [`crate::staleness`]):
    /// prefix consistency, the session guarantees, and staleness within
    /// `bound`, after `translate` has made it a [`ReadHistory`]. A broken
    /// guarantee is an invariant failure that names it; an unknown verdict
    /// is not a failure.
    pub fn read_guarantees(
        self,
        bound: SimDuration,
        translate: impl Fn(&History<N::Op, N::Reply>) -> ReadHistory + 'static,
    ) -> Self {
        let name = format!("read guarantees (staleness within {bound})");
        self.history_check(&name, move |h| {
            crate::staleness::check(&translate(h), bound).into_result()
        })
    }

    /// Names the node that focused fault episodes (`crash-focus`,
    /// `isolate-focus`) hit: the model's leader or primary, which `name`
    /// says in words ("the leader"). Without it those episodes do nothing.
    pub fn focus(
        mut self,
        name: &str,
        focus: impl Fn(&Simulation<N>) -> Option<NodeId> + 'static,
    ) -> Self {
        self.focus = Some((name.to_string(), std::rc::Rc::new(focus)));
        self
    }

    /// Says what this scenario is, for the artifacts its failing seeds
    /// write: a catalog model's name, the bug switch on, and the name of the
    /// fault mix. An artifact that names a model can be replayed by
    /// `faultline replay` as well as by `FAULTLINE_REPLAY=… cargo test`.
    pub fn named(mut self, model: &str, bug: Option<&str>, faults: &str) -> Self {
        self.label = Label {
            model: Some(model.to_string()),
            bug: bug.map(str::to_string),
            faults: Some(faults.to_string()),
        };
        self
    }

    /// Records the full trace of each run (see [`RunReport::trace`]).
    pub fn record_trace(mut self, on: bool) -> Self {
        self.config.record_trace = on;
        self
    }

    /// Sets the run's budget of events (see [`budget`]).
    pub fn budget(mut self, budget: Budget) -> Self {
        self.budget = budget;
        self
    }

    /// Sets the safety phase's length.
    pub fn run_for(mut self, safety: SimDuration) -> Self {
        self.safety_for = safety;
        self
    }

    /// Sets how long the liveness phase allows, once healed, for progress and
    /// every `eventually` property: a protocol's stated recovery time.
    pub fn liveness_for(mut self, liveness: SimDuration) -> Self {
        self.liveness_for = liveness;
        self
    }

    /// Sets how long a client waits for an operation before recording it as
    /// indeterminate (`info`) and moving on with a fresh process id. A long
    /// timeout makes clients that retry until answered, as the clients of
    /// MIT 6.824's key-value tests (whose histories Porcupine checks) do.
    pub fn client_timeout(mut self, timeout: SimDuration) -> Self {
        assert!(timeout > SimDuration::ZERO, "a client timeout is positive");
        self.client_timeout = timeout;
        self
    }

    /// The scenario's shape.
    pub fn describe(&self) -> ScenarioConfig {
        ScenarioConfig {
            nodes: self.config.nodes,
            clients: self.clients,
            link: self.config.link,
            safety_for: self.safety_for,
            liveness_for: self.liveness_for,
            client_timeout: self.client_timeout,
            budget: self.budget,
        }
    }

    /// What the scenario checks, by name.
    pub fn checks(&self) -> Checks {
        let monitored = self.monitors.iter().flat_map(|m| m.properties.clone());
        let invariants = self.invariants.iter().map(|(n, _)| n.clone());
        let mut checks: Vec<String> = Vec::new();
        if let Some((spec, _)) = &self.checker {
            checks.push(format!("linearizable ({spec} spec)"));
        }
        if let Some((model, _)) = &self.txn_checker {
            checks.push(format!("{model} (transactions)"));
        }
        checks.extend(self.history_checks.iter().map(|(n, _)| n.clone()));
        if self.clients > 0 && self.liveness_for > SimDuration::ZERO {
            checks.push("every client's next operation completes after healing".into());
        }
        let eventually = self
            .eventually
            .iter()
            .map(|(n, _)| format!("eventually {n}"));
        checks.extend(eventually);
        let with_history = self.eventually_with_history.iter();
        checks.extend(with_history.map(|(n, _)| format!("eventually {n}")));
        Checks {
            invariants: invariants.chain(monitored).collect(),
            checks,
            focus: self.focus.as_ref().map(|(name, _)| name.clone()),
            spec: self.checker.as_ref().map(|(spec, _)| spec.clone()),
            probes: self.probes.clone(),
            versions: self.newest_version(),
        }
    }

    /// The fault plan seed `seed` runs under.
    pub fn plan_for(&self, seed: u64) -> FaultPlan {
        match &self.faults {
            Faults::Plan(p) => p.clone(),
            Faults::Nemesis(n) => {
                let n = Nemesis {
                    base_link: self.config.link,
                    ..n.clone()
                };
                n.generate_for(seed, self.config.nodes, &self.extras, self.safety_for)
            }
        }
    }

    /// Runs one seed under its own plan.
    pub fn run_seed(&self, seed: u64) -> RunReport<N::Op, N::Reply> {
        self.run_with_plan(seed, self.plan_for(seed))
    }

    /// Runs one seed under `plan`.
    ///
    /// # Panics
    /// If the scenario's config or the plan is invalid for it (see
    /// [`FaultPlan::validate`]; check a plan from outside before running it).
    pub fn run_with_plan(&self, seed: u64, plan: FaultPlan) -> RunReport<N::Op, N::Reply> {
        let record = self.config.record_trace;
        self.run_plan(seed, plan, record, &self.buggify, Trim::default())
    }

    /// Runs one seed under `plan` with the fault points `buggify` allows
    /// (a replay's or a shrink step's: [`Buggify::Sites`]), cut down by
    /// `trim` (see [`trim`]).
    ///
    /// # Panics
    /// If `trim` does not fit the scenario ([`Trim::validate`]).
    pub fn run_with(
        &self,
        seed: u64,
        plan: FaultPlan,
        buggify: &Buggify,
        trim: Trim,
    ) -> RunReport<N::Op, N::Reply> {
        if let Err(e) = trim.validate(self.clients, self.safety_for) {
            panic!("{e}");
        }
        self.run_plan(seed, plan, self.config.record_trace, buggify, trim)
    }

    /// Runs one seed under `plan`, recording the trace or not.
    fn run_plan(
        &self,
        seed: u64,
        plan: FaultPlan,
        record: bool,
        buggify: &Buggify,
        trim: Trim,
    ) -> RunReport<N::Op, N::Reply> {
        let config = SimConfig {
            seed,
            record_trace: record,
            buggify: buggify.clone(),
            ..self.config.clone()
        };
        let factory = self.factory.clone();
        let mut sim = Simulation::new(config, move |id| factory(id))
            .unwrap_or_else(|e| panic!("scenario config: {e}"));
        if let Some((_, focus)) = &self.focus {
            sim.set_focus(focus.clone());
        }
        if let Some(versioned) = self.versioned.clone() {
            sim.set_versions(self.newest_version(), move |id, v| versioned(id, v));
        }
        plan.schedule(&mut sim)
            .unwrap_or_else(|e| panic!("fault plan: {e}"));
        let workload = self.workload.as_ref().map(|w| w());
        let count = trim.clients.unwrap_or(self.clients);
        let timeout = self.client_timeout;
        let mut clients = Clients::new(count, workload, seed, timeout, trim.ops_per_client);
        let safety_for = trim.safety_for.unwrap_or(self.safety_for);
        // A panic in the model's code (a handler, a check, the workload) is a
        // failure of the run, with the trace hash up to where it happened.
        let phases = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let mut failure = self.safety(&mut sim, &mut clients, safety_for);
            let mut cycle = None;
            let verdict = match &failure {
                None => self.check_history(&clients.history, sim.now(), &mut failure),
                Some(_) => None,
            };
            if failure.is_none() {
                failure = self.check_transactions(&clients.history, sim.now(), &mut cycle);
            }
            if failure.is_none() {
                failure = self.liveness(&mut sim, &mut clients, &plan);
            }
            (failure, verdict, cycle)
        }));
        let (failure, verdict, txn_cycle) = phases.unwrap_or_else(|payload| {
            let message = format!(
                "the model panicked: {}",
                report::panic_text(payload.as_ref())
            );
            let failure = Failure {
                kind: FailureKind::Panic,
                message,
                at: sim.now(),
            };
            (Some(failure), None, None)
        });
        let timings = self.timings.as_ref().map_or_else(Vec::new, |m| m(&sim));
        RunReport {
            seed,
            timings,
            buggified: sim.marks().fired(),
            probes: sim.marks().probes().collect(),
            plan,
            trace_hash: sim.trace_hash(),
            history: clients.history,
            client_log: clients.log,
            failure,
            verdict,
            trace: sim.trace().records().map(<[_]>::to_vec),
            syncs: sim.trace().syncs().map(<[_]>::to_vec).unwrap_or_default(),
            txn_cycle,
        }
    }

    /// The safety phase: clients under the plan, every invariant and monitor
    /// after every event.
    fn safety(
        &self,
        sim: &mut Simulation<N>,
        clients: &mut Clients<N>,
        safety_for: SimDuration,
    ) -> Option<Failure> {
        let safety_end = SimTime::ZERO.after(safety_for);
        let mut watch = Watch {
            monitors: self.monitors.iter().map(|m| (m, (m.make)())).collect(),
            unreached: (0..self.state_probes.len()).collect(),
        };
        let mut meter = Meter::new(self.budget, "safety");
        self.drive(sim, clients, safety_end, &mut meter, Some(&mut watch))
    }

    /// The history check at the end of the safety phase; a history that is
    /// not linearizable becomes `failure`.
    fn check_history(
        &self,
        history: &History<N::Op, N::Reply>,
        at: SimTime,
        failure: &mut Option<Failure>,
    ) -> Option<Verdict> {
        let (_, check) = self.checker.as_ref()?;
        let verdict = check(history);
        if let Verdict::NotLinearizable(c) = &verdict {
            *failure = Some(Failure {
                kind: FailureKind::Linearizability,
                message: c.to_string(),
                at,
            });
        }
        Some(verdict)
    }

    /// The history checks and the transactional check at the end of the
    /// safety phase, as a failure when the history breaks one; an anomaly's
    /// first cycle goes in `cycle`.
    fn check_transactions(
        &self,
        history: &History<N::Op, N::Reply>,
        at: SimTime,
        cycle: &mut Option<crate::txn::report::CycleReport>,
    ) -> Option<Failure> {
        // The transactional check first: it names the anomaly and its cycle,
        // the most precise account of what broke.
        if let Some((model, translate)) = &self.txn_checker {
            let txns = translate(history);
            let options = crate::txn::CheckOptions {
                model: *model,
                ..Default::default()
            };
            let verdict = crate::txn::check(&txns, options);
            if verdict.outcome == crate::txn::verdict::Outcome::Invalid {
                *cycle = verdict.first_cycle(&txns);
                return Some(Failure {
                    kind: FailureKind::Transactional,
                    message: verdict.render(&txns),
                    at,
                });
            }
        }
        let failed = self
            .history_checks
            .iter()
            .find_map(|(name, check)| check(history).err().map(|e| format!("{name}: {e}")));
        failed.map(|message| Failure {
            kind: FailureKind::Invariant,
            message,
            at,
        })
    }

    /// The liveness phase: everything healed once the plan is over, each
    /// client's next operation must complete, then every "eventually" holds.
    fn liveness(
        &self,
        sim: &mut Simulation<N>,
        clients: &mut Clients<N>,
        plan: &FaultPlan,
    ) -> Option<Failure> {
        let mut meter = Meter::new(self.budget, "liveness");
        let plan_end = sim.now().max(plan.end());
        while sim.next_event_time().is_some_and(|t| t <= plan_end) {
            sim.step();
            if let Some(message) = meter.tick(sim) {
                return Some(runaway(sim, message));
            }
        }
        sim.run_until(plan_end);
        sim.quiet_fault_points();
        for heal in FaultPlan::heal_all(sim.node_count()) {
            sim.apply(heal).expect("heals are valid");
        }
        let deadline = sim.now().after(self.liveness_for);
        clients.start_liveness();
        if let Some(failure) = self.drive(sim, clients, deadline, &mut meter, None) {
            return Some(failure);
        }
        let shortfall = clients.liveness_shortfall().or_else(|| {
            self.eventually.iter().find_map(|(name, check)| {
                check(sim).err().map(|e| format!("eventually {name}: {e}"))
            })
        });
        let shortfall = shortfall.or_else(|| {
            self.eventually_with_history
                .iter()
                .find_map(|(name, check)| {
                    let e = check(sim, &clients.history).err()?;
                    Some(format!("eventually {name}: {e}"))
                })
        });
        shortfall.map(|message| Failure {
            kind: FailureKind::Liveness,
            message,
            at: sim.now(),
        })
    }

    /// The first invariant or monitor that fails now, as a failure.
    fn first_violation(
        &self,
        sim: &Simulation<N>,
        monitors: &mut [(&MonitorFactory<N>, Monitor<N>)],
    ) -> Option<Failure> {
        let invariants = self
            .invariants
            .iter()
            .map(|(n, c)| (n.as_str(), false, c(sim)));
        let monitored = monitors
            .iter_mut()
            .map(|(f, m)| (f.properties[0].as_str(), f.names_itself, m(sim)));
        let (name, names_itself, message) = invariants
            .chain(monitored)
            .find_map(|(name, itself, verdict)| verdict.err().map(|e| (name, itself, e)))?;
        let message = if names_itself {
            debug_assert!(
                monitors
                    .iter()
                    .any(|(f, _)| f.properties.iter().any(|p| message.starts_with(p.as_str()))),
                "a monitor's failure names its property: {message}"
            );
            message
        } else {
            format!("{name}: {message}")
        };
        Some(Failure {
            kind: FailureKind::Invariant,
            message,
            at: sim.now(),
        })
    }

    /// Runs events and client actions until `until`. In the safety phase
    /// (`watch` given) every invariant, monitor and unreached harness-level
    /// probe is checked after every event.
    fn drive(
        &self,
        sim: &mut Simulation<N>,
        clients: &mut Clients<N>,
        until: SimTime,
        meter: &mut Meter,
        mut watch: Option<&mut Watch<'_, N>>,
    ) -> Option<Failure> {
        // Clients act when something may have changed for them: an answer
        // arrived, or their next deadline came.
        let mut next_client = until;
        let mut clients_due = true;
        loop {
            if clients_due {
                // An answered client sends its next operation at once.
                clients.act(sim);
                next_client = clients
                    .next_action_time(sim.now())
                    .unwrap_or(until)
                    .min(until);
                clients_due = false;
            }
            if sim.next_event_time().is_some_and(|t| t <= next_client) {
                sim.step();
                if let Some(message) = meter.tick(sim) {
                    return Some(runaway(sim, message));
                }
                if sim.replies_waiting() > 0 {
                    clients.collect(sim);
                    clients_due = true;
                }
                if let Some(watch) = watch.as_deref_mut() {
                    self.probe_state(sim, &mut watch.unreached);
                    if let Some(failure) = self.first_violation(sim, &mut watch.monitors) {
                        return Some(failure);
                    }
                }
                continue;
            }
            sim.run_until(next_client);
            clients.collect(sim);
            clients_due = true;
            if next_client >= until {
                return None;
            }
        }
    }
}
