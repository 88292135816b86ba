//! The test harness: a scenario is a model, a cluster, clients, faults and
//! checks, run for one seed or swept over many.
//!
//! ```text
//! Scenario::new(|id| MyNode::new(id))
//!     .nodes(3)
//!     .clients(3, workload)
//!     .faults(Nemesis::default())
//!     .invariant("one leader per term", check_leaders)
//!     .linearizable(checker)
//!     .run_seeds(0..100);
//! ```
//!
//! A run has two phases, as in TigerBeetle's VOPR:
//! 1. **safety**: the clients run for `safety_for` under the fault plan; every
//!    invariant is checked after every event; then the history is checked for
//!    linearizability;
//! 2. **liveness**: every fault is healed ([`FaultPlan::heal_all`]), each
//!    client's next operation must complete (not time out) within `liveness_for`,
//!    and every "eventually" property must hold at the end.
//!
//! Failures say which phase found them ([`FailureKind`]). A client operation
//! that gets no answer within `client_timeout` is recorded as `info`
//! (indeterminate) and the client continues as a fresh process, as in Jepsen.

mod clients;

use crate::config::SimConfig;
use crate::engine::Simulation;
use crate::history::History;
use crate::linearizability::Verdict;
use crate::nemesis::Nemesis;
use crate::node::Node;
use crate::node_id::NodeId;
use crate::plan::FaultPlan;
use crate::rng::SimRng;
use crate::time::{SimDuration, SimTime};
use crate::trace::hash_hex;
use clients::Clients;
use std::fmt;
use std::ops::Range;

/// What a client makes of a reply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Completion {
    /// The operation took effect (or was read) with this reply.
    Ok,
    /// The operation certainly did not take effect.
    Fail,
    /// Unknown whether it took effect.
    Info,
    /// Not answered here (say, "not the leader"): send the same operation again,
    /// to `hint` if the node named one, after [`Workload::retry_backoff`]. The
    /// operation must carry its own identity (a client id and sequence number)
    /// if the service is to apply a retried operation only once.
    Retry {
        /// The node the answer points at.
        hint: Option<NodeId>,
    },
}

/// Generates client operations.
pub trait Workload<N: Node> {
    /// The next operation of client slot `client` (`0..clients`, stable across
    /// the process renewals that follow timeouts), whose current process id is
    /// `process`, and the node it is sent to; or `None` when the workload has
    /// nothing more for that client (which then stays idle).
    fn next_op(
        &mut self,
        rng: &mut SimRng,
        client: usize,
        process: u64,
        nodes: usize,
    ) -> Option<(NodeId, N::Op)>;
    /// Classifies a reply.
    fn complete(&self, reply: &N::Reply) -> Completion {
        let _ = reply;
        Completion::Ok
    }
    /// How long one attempt may go unanswered before the client sends the same
    /// operation again, elsewhere. `None` (the default): the client waits for
    /// the whole client timeout and never retries on silence.
    fn attempt_timeout(&self) -> Option<SimDuration> {
        None
    }
    /// The node a retry goes to, after `last` redirected the client (with
    /// `hint`, if it named one) or stayed silent. The default: the hint, else
    /// the next node round the ring.
    fn retry_target(
        &mut self,
        rng: &mut SimRng,
        client: usize,
        last: NodeId,
        hint: Option<NodeId>,
        nodes: usize,
    ) -> NodeId {
        let _ = (rng, client);
        hint.unwrap_or_else(|| NodeId::from((last.index() + 1) % nodes.max(1)))
    }
    /// The pause before a retry that a redirect asked for. Without it, two
    /// nodes that point at each other would bounce a client forever at one
    /// instant of virtual time.
    fn retry_backoff(&self) -> SimDuration {
        SimDuration::from_millis(5)
    }
    /// The pause between an answer and the client's next operation.
    fn think_time(&mut self, rng: &mut SimRng) -> SimDuration {
        let _ = rng;
        SimDuration::ZERO
    }
}

/// A fixed workload: client slot `i` sends
/// the operations of `scripts[i]` in order, each to node `target % nodes`. Made
/// by [`crate::strategy::scripts`], so proptest can shrink it to fewer operations.
#[derive(Clone, Debug)]
pub struct Scripted<Op> {
    scripts: Vec<std::collections::VecDeque<(u32, Op)>>,
}

impl<Op> Scripted<Op> {
    /// A workload from per-client scripts of (target, operation).
    pub fn new(scripts: Vec<Vec<(u32, Op)>>) -> Self {
        Scripted {
            scripts: scripts.into_iter().map(Into::into).collect(),
        }
    }

    /// How many clients the scripts are for.
    pub fn clients(&self) -> usize {
        self.scripts.len()
    }
}

impl<N: Node> Workload<N> for Scripted<N::Op> {
    fn next_op(
        &mut self,
        _rng: &mut SimRng,
        client: usize,
        _process: u64,
        nodes: usize,
    ) -> Option<(NodeId, N::Op)> {
        let (target, op) = self.scripts.get_mut(client)?.pop_front()?;
        Some((NodeId::from(target as usize % nodes.max(1)), op))
    }
}

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

/// Makes a fresh workload for each run.
type WorkloadFactory<N> = Box<dyn Fn() -> Box<dyn Workload<N>>>;
type Invariant<N> = (String, Box<dyn Fn(&Simulation<N>) -> Result<(), String>>);
/// A check with memory, made fresh for each run (see [`Scenario::monitor`]).
pub type Monitor<N> = Box<dyn FnMut(&Simulation<N>) -> Result<(), String>>;
type MonitorFactory<N> = (String, Box<dyn Fn() -> Monitor<N>>);
type Checker<N> = Box<dyn Fn(&History<<N as Node>::Op, <N as Node>::Reply>) -> Verdict>;

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

/// Where the faults come from.
enum Faults {
    Nemesis(Nemesis),
    Plan(FaultPlan),
}

/// A model under test, with its cluster, clients, faults and checks.
pub struct Scenario<N: Node> {
    factory: std::rc::Rc<dyn Fn(NodeId) -> N>,
    config: SimConfig,
    clients: usize,
    workload: Option<WorkloadFactory<N>>,
    faults: Faults,
    invariants: Vec<Invariant<N>>,
    monitors: Vec<MonitorFactory<N>>,
    eventually: Vec<Invariant<N>>,
    checker: Option<Checker<N>>,
    focus: Option<crate::engine::Focus<N>>,
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
            config: SimConfig::new(0),
            clients: 0,
            workload: None,
            faults: Faults::Plan(FaultPlan::new()),
            invariants: Vec::new(),
            monitors: Vec::new(),
            eventually: Vec::new(),
            checker: None,
            focus: None,
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
    /// event of the safety phase, like [`Scenario::invariant`].
    pub fn monitor<M>(mut self, name: &str, make: impl Fn() -> M + 'static) -> Self
    where
        M: FnMut(&Simulation<N>) -> Result<(), String> + 'static,
    {
        self.monitors
            .push((name.to_string(), Box::new(move || Box::new(make()))));
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

    /// Checks the history at the end of the safety phase.
    pub fn linearizable(
        mut self,
        check: impl Fn(&History<N::Op, N::Reply>) -> Verdict + 'static,
    ) -> Self {
        self.checker = Some(Box::new(check));
        self
    }

    /// Names the node that focused fault episodes (`crash-focus`,
    /// `isolate-focus`) hit: the model's leader or primary. Without it those
    /// episodes do nothing.
    pub fn focus(mut self, focus: impl Fn(&Simulation<N>) -> Option<NodeId> + 'static) -> Self {
        self.focus = Some(std::rc::Rc::new(focus));
        self
    }

    /// Records the full trace of each run (see [`RunReport::trace`]).
    pub fn record_trace(mut self, on: bool) -> Self {
        self.config.record_trace = on;
        self
    }

    /// Sets the safety phase's length.
    pub fn run_for(mut self, safety: SimDuration) -> Self {
        self.safety_for = safety;
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
                n.generate(seed, self.config.nodes, self.safety_for)
            }
        }
    }

    /// Runs one seed under its own plan.
    pub fn run_seed(&self, seed: u64) -> RunReport<N::Op, N::Reply> {
        self.run_with_plan(seed, self.plan_for(seed))
    }

    /// Runs one seed under `plan`.
    pub fn run_with_plan(&self, seed: u64, plan: FaultPlan) -> RunReport<N::Op, N::Reply> {
        let config = SimConfig {
            seed,
            ..self.config.clone()
        };
        let factory = self.factory.clone();
        let mut sim = Simulation::new(config, move |id| factory(id))
            .unwrap_or_else(|e| panic!("scenario config: {e}"));
        if let Some(focus) = &self.focus {
            sim.set_focus(focus.clone());
        }
        plan.schedule(&mut sim)
            .unwrap_or_else(|e| panic!("fault plan: {e}"));
        let workload = self.workload.as_ref().map(|w| w());
        let mut clients = Clients::new(self.clients, workload, seed, self.client_timeout);
        let mut report = RunReport {
            seed,
            plan,
            trace_hash: 0,
            history: History::new(),
            failure: None,
            verdict: None,
            trace: None,
        };

        // Safety.
        let safety_end = SimTime::ZERO.after(self.safety_for);
        let mut monitors: Vec<(&str, Monitor<N>)> = self
            .monitors
            .iter()
            .map(|(name, make)| (name.as_str(), make()))
            .collect();
        report.failure = self.drive(&mut sim, &mut clients, safety_end, Some(&mut monitors));
        if report.failure.is_none() {
            if let Some(check) = &self.checker {
                let verdict = check(&clients.history);
                if let Verdict::NotLinearizable(c) = &verdict {
                    report.failure = Some(Failure {
                        kind: FailureKind::Linearizability,
                        message: c.to_string(),
                        at: sim.now(),
                    });
                }
                report.verdict = Some(verdict);
            }
        }
        // Liveness.
        if report.failure.is_none() {
            sim.run_until(sim.now().max(report.plan.end()));
            for heal in FaultPlan::heal_all(sim.node_count()) {
                sim.apply(heal).expect("heals are valid");
            }
            let deadline = sim.now().after(self.liveness_for);
            clients.start_liveness();
            report.failure = self.drive(&mut sim, &mut clients, deadline, None);
            if report.failure.is_none() {
                let shortfall = clients.liveness_shortfall().or_else(|| {
                    self.eventually.iter().find_map(|(name, check)| {
                        check(&sim).err().map(|e| format!("eventually {name}: {e}"))
                    })
                });
                if let Some(message) = shortfall {
                    report.failure = Some(Failure {
                        kind: FailureKind::Liveness,
                        message,
                        at: sim.now(),
                    });
                }
            }
        }
        report.trace_hash = sim.trace_hash();
        report.trace = sim.trace().records().map(<[_]>::to_vec);
        report.history = clients.history;
        report
    }

    /// Runs events and client actions until `until`. In the safety phase
    /// (`monitors` given) every invariant and monitor is checked after every event.
    fn drive(
        &self,
        sim: &mut Simulation<N>,
        clients: &mut Clients<N>,
        until: SimTime,
        mut monitors: Option<&mut Vec<(&str, Monitor<N>)>>,
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
                if sim.replies_waiting() > 0 {
                    clients.collect(sim);
                    clients_due = true;
                }
                if let Some(monitors) = monitors.as_deref_mut() {
                    let invariants = self.invariants.iter().map(|(n, c)| (n.as_str(), c(sim)));
                    let monitored = monitors.iter_mut().map(|(n, m)| (*n, m(sim)));
                    for (name, verdict) in invariants.chain(monitored) {
                        if let Err(message) = verdict {
                            let message = format!("{name}: {message}");
                            return Some(Failure {
                                kind: FailureKind::Invariant,
                                message,
                                at: sim.now(),
                            });
                        }
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

    /// Runs every seed of the sweep (see [`crate::seed::seeds_from_env`]) and
    /// panics at the first failure with its seed, plan, trace hash and replay
    /// command.
    pub fn run_seeds(&self, default: Range<u64>) {
        crate::seed::run_seeds(default, |seed| {
            let report = self.run_seed(seed);
            if let Some(failure) = &report.failure {
                let plan = serde_json::to_string(&report.plan).unwrap_or_default();
                panic!(
                    "{failure}\nfault plan: {plan}\ntrace hash: {}",
                    hash_hex(report.trace_hash)
                );
            }
        });
    }
}
