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
//!    In the core liveness mode ([`crate::core`]) only a core is healed, and
//!    the rest keeps a fault each.
//!
//! Failures say which phase found them ([`FailureKind`]). A client operation
//! that gets no answer within `client_timeout` is recorded as `info`
//! (indeterminate) and the client continues as a fresh process, as in Jepsen.
//!
//! What a run judges is a list of [`Check`]s, each judged at its [`When`]:
//! after every event, when the safety phase ends, or after the heal. The
//! builder's check calls ([`Scenario::invariant`], [`Scenario::eventually`],
//! [`Scenario::linearizable`], …) are sugar for [`Scenario::check`].
//!
//! Files: this one (the builder), `check` (checks and when they are
//! judged), `hot` (hot monitors: a condition that must not stay true too
//! long after the heal), `run` (one seed, phase by phase), [`workload`] (what clients
//! send), `clients` (the client processes and the history), [`report`]
//! (failures, reports, the scenario's shape), `coverage` (fault points and
//! probes), `offers` (what the model offers the nemesis: surges, operators,
//! a scalable fleet, versions, cores), `core` (the core liveness mode's
//! admission and failure message), `sweep` ([`Scenario::run_seeds`]: sweeps
//! with artifacts, shrinking, replay) and [`exhaustive`] (every behaviour
//! of a small cluster up to a bound, instead of seeds).

pub mod budget;
mod check;
pub mod client_log;
mod clients;
mod core;
mod coverage;
pub mod exhaustive;
mod hot;
mod offers;
mod regressions;
pub mod report;
mod run;
pub mod sweep;
pub mod trim;
pub mod workload;

use crate::config::SimConfig;
use crate::engine::{Focus, Simulation};
use crate::history::History;
use crate::marks::Buggify;
use crate::nemesis::{Extras, Nemesis};
use crate::node::Node;
use crate::node_id::NodeId;
use crate::plan::FaultPlan;
use crate::spec::SequentialSpec;
use crate::staleness::ReadHistory;
use crate::time::SimDuration;
use crate::txn::{ConsistencyModel, TxnHistory};
pub use budget::Budget;
use budget::Meter;
pub use check::{Check, ClientHistory, Monitor, When};
pub use hot::HotStretch;
pub use report::{Checks, Failure, FailureKind, ProbeInfo, RunReport, ScenarioConfig};
pub use trim::Trim;
pub use workload::{Completion, Interface, Scripted, Workload};

/// Makes a fresh workload for each run.
type WorkloadFactory<N> = Box<dyn Fn() -> Box<dyn Workload<N>>>;
/// Timings a run measured, by kind (virtual nanoseconds).
type Timings<N> = Box<dyn Fn(&Simulation<N>) -> Vec<(&'static str, u64)>>;
/// A node's state in words, for a stuck core's failure message.
type NodeState<N> = Box<dyn Fn(&N) -> String>;
/// A harness-level probe: reached once its condition holds after an event.
type StateProbe<N> = (&'static str, Box<dyn Fn(&Simulation<N>) -> bool>);

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
    timings: Option<Timings<N>>,
    checks: Vec<Check<N>>,
    extras: Extras,
    focus: Option<(String, Focus<N>)>,
    label: Label,
    budget: Budget,
    buggify: Buggify,
    probes: Vec<ProbeInfo>,
    fault_points: Vec<&'static str>,
    state_probes: Vec<StateProbe<N>>,
    node_state: Option<NodeState<N>>,
    hot: Vec<hot::HotMonitor<N>>,
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
            timings: None,
            checks: Vec::new(),
            extras: Extras::default(),
            focus: None,
            label: Label::default(),
            budget: Budget::default(),
            buggify: Buggify::Swarm,
            probes: Vec::new(),
            fault_points: Vec::new(),
            state_probes: Vec::new(),
            node_state: None,
            hot: Vec::new(),
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

    /// Adds a check, judged at its [`When`] (see [`Check`]). Every other
    /// check call of the builder is sugar for this one.
    pub fn check(mut self, check: Check<N>) -> Self {
        self.checks.push(check);
        self
    }

    /// Adds an invariant, checked after every event of the safety phase
    /// ([`Check::always`]).
    pub fn invariant(
        self,
        name: &str,
        check: impl Fn(&Simulation<N>) -> Result<(), String> + 'static,
    ) -> Self {
        self.check(Check::always(name, check))
    }

    /// Adds a monitor, an invariant over the run so far
    /// ([`Check::monitor`]). Its failures are reported as `name: what it
    /// said`.
    pub fn monitor<M>(self, name: &str, make: impl Fn() -> M + 'static) -> Self
    where
        M: FnMut(&Simulation<N>) -> Result<(), String> + 'static,
    {
        self.check(Check::monitor(name, make))
    }

    /// Adds one monitor that checks several properties in one pass
    /// ([`Check::properties`]).
    pub fn monitor_properties<M>(self, properties: &[&str], make: impl Fn() -> M + 'static) -> Self
    where
        M: FnMut(&Simulation<N>) -> Result<(), String> + 'static,
    {
        self.check(Check::properties(properties, make))
    }

    /// Adds an "eventually" property: it must hold at the end of the
    /// liveness phase, once every fault has been healed for `liveness_for`
    /// ([`Check::eventually`]).
    pub fn eventually(
        self,
        name: &str,
        check: impl Fn(&Simulation<N>) -> Result<(), String> + 'static,
    ) -> Self {
        self.check(Check::eventually(name, check))
    }

    /// Adds an "eventually" property of the final state and the whole
    /// client history together (every acknowledged message took effect,
    /// say): [`Check::new`] at [`When::AfterHeal`].
    pub fn eventually_with_history(
        self,
        name: &str,
        check: impl Fn(&Simulation<N>, &History<N::Op, N::Reply>) -> Result<(), String> + 'static,
    ) -> Self {
        self.check(Check::new(When::AfterHeal, name, check))
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

    /// Checks the history at the end of the safety phase for
    /// linearizability against `spec` ([`Check::linearizable`]).
    pub fn linearizable<S: SequentialSpec + 'static>(
        self,
        spec: S,
        translate: impl Fn(&History<N::Op, N::Reply>) -> History<S::Input, S::Output> + 'static,
    ) -> Self {
        self.check(Check::linearizable(spec, translate))
    }

    /// Checks the history at the end of the safety phase as transactions,
    /// against `model` ([`Check::transactional`]).
    pub fn transactional(
        self,
        model: ConsistencyModel,
        translate: impl Fn(&History<N::Op, N::Reply>) -> TxnHistory + 'static,
    ) -> Self {
        self.check(Check::transactional(model, translate))
    }

    /// Adds a property of the client history, checked at the end of the
    /// safety phase ([`Check::of_history`]). Its failure is an invariant
    /// failure, reported as `name: what it said`.
    pub fn history_check(
        self,
        name: &str,
        check: impl Fn(&History<N::Op, N::Reply>) -> Result<(), String> + 'static,
    ) -> Self {
        self.check(Check::of_history(name, check))
    }

    /// Checks the history at the end of the safety phase for the read
    /// guarantees of a store with lagging replicas
    /// ([`Check::read_guarantees`]).
    pub fn read_guarantees(
        self,
        bound: SimDuration,
        translate: impl Fn(&History<N::Op, N::Reply>) -> ReadHistory + 'static,
    ) -> Self {
        self.check(Check::read_guarantees(bound, translate))
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

    /// Adds a hot monitor (see `hot`): `hot` must not hold for longer than
    /// `limit` at a stretch after the heal. It is watched after every
    /// event of both phases, and each run reports how long it stayed hot
    /// in each; only the liveness phase judges it.
    pub fn hot_for(
        mut self,
        name: &'static str,
        limit: SimDuration,
        hot: impl Fn(&Simulation<N>) -> bool + 'static,
    ) -> Self {
        self.hot.push(hot::HotMonitor {
            name,
            limit,
            hot: Box::new(hot),
        });
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

    /// What the scenario checks, by name: those judged after every event,
    /// then the others, at the end of the safety phase and after the heal.
    pub fn checks(&self) -> Checks {
        let named = |when: When| {
            let judged = self.checks.iter().filter(move |c| c.when() == when);
            judged.flat_map(|c| c.names().to_vec())
        };
        let mut checks: Vec<String> = named(When::EndOfSafety).collect();
        if self.clients > 0 && self.liveness_for > SimDuration::ZERO {
            checks.push("every client's next operation completes after healing".into());
        }
        checks.extend(named(When::AfterHeal).map(|n| format!("eventually {n}")));
        checks.extend(
            (self.hot.iter())
                .map(|m| format!("{} stays hot at most {} after the heal", m.name, m.limit)),
        );
        Checks {
            invariants: named(When::EveryEvent).collect(),
            checks,
            focus: self.focus.as_ref().map(|(name, _)| name.clone()),
            spec: self.checks.iter().find_map(Check::spec).map(str::to_string),
            probes: self.probes.clone(),
            fault_points: self.fault_points.iter().map(|s| s.to_string()).collect(),
            versions: self.newest_version(),
            core: self
                .core_spec()
                .map(|spec| spec.describe(self.config.nodes)),
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
}
