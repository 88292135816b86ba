//! The engine: one thread, one queue, handlers run to completion.
//!
//! [`Simulation`] owns the nodes and the [`World`](crate::world) they share. Each
//! step pops the earliest event (ties broken by scheduling order), advances
//! virtual time to it, and runs one handler or applies one fault. Nothing here
//! reads the wall clock or an OS-seeded random source, so a run is a pure
//! function of the seed, the config, the node code and the faults applied.

pub mod clock;
pub mod config;
pub mod error;
pub(crate) mod event;
pub mod host;
pub mod latency;
pub mod link;
pub(crate) mod network;
pub mod node;
pub(crate) mod node_id;
pub mod node_table;
pub(crate) mod queue;
pub mod sealed;
pub mod storage;
pub(crate) mod timers;
pub mod trace;
pub(crate) mod world;

use crate::clock::NodeClock;
use crate::config::SimConfig;
use crate::error::ConfigError;
use crate::event::Event;
use crate::fault::Fault;
use crate::marks::Marks;
use crate::network::Network;
use crate::node::{Context, Lent, Node, Outbox};
use crate::node_id::{NodeId, OpId};
use crate::partition::Partition;
use crate::rng::SimRng;
use crate::storage::Storage;
use crate::time::{SimDuration, SimTime};
use crate::timers::TimerId;
use crate::trace::{digest, DropReason, Trace, TraceEvent};
use crate::world::{ClientReply, Stats, World};

/// Whether a node is running.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeStatus {
    /// Handling events.
    Up,
    /// Frozen: events wait until it resumes.
    Paused,
    /// Crashed: its volatile state is gone until it restarts.
    Crashed,
    /// Left the fleet (state and disk gone) until it joins again.
    Left,
}

impl NodeStatus {
    /// Crashed or gone: no handler runs.
    pub fn is_down(self) -> bool {
        matches!(self, NodeStatus::Crashed | NodeStatus::Left)
    }
}

/// What the engine keeps per node besides the node's own state. It survives
/// crashes (the clock and random stream are the machine's, not the process's).
struct NodeRuntime<N: Node> {
    status: NodeStatus,
    /// Bumped at each crash, so timers set before it never fire after it.
    incarnation: u32,
    clock: NodeClock,
    rng: SimRng,
    storage: Storage<N::Block>,
    /// Events that came due while paused, in order.
    backlog: Vec<EventOf<N>>,
    /// Bumped whenever the node's state may have changed (see
    /// [`Simulation::node_version`]).
    version: u64,
}

/// The queue's events for nodes of type `N`.
type EventOf<N> = Event<<N as Node>::Message, <N as Node>::Timer, <N as Node>::Op>;
/// The world of nodes of type `N`.
type WorldOf<N> =
    World<<N as Node>::Message, <N as Node>::Timer, <N as Node>::Op, <N as Node>::Reply>;

/// Names the node focused faults hit (see [`Simulation::set_focus`]).
pub type Focus<N> = std::rc::Rc<dyn Fn(&Simulation<N>) -> Option<NodeId>>;

use crate::versions::Factory;
mod census;
mod choice;
mod disk;
mod snapshot;
mod upgrade;
pub use census::Census;
pub use choice::{Pending, PendingKind};
pub use snapshot::{Explorable, Fingerprinter};

use crate::versions::NodeFactory;

/// A deterministic simulation of a cluster of `N` nodes.
pub struct Simulation<N: Node> {
    config: SimConfig,
    factory: Factory<N>,
    focus: Option<Focus<N>>,
    /// Per focus episode: the node its first fault resolved to.
    focus_targets: std::collections::BTreeMap<u32, Option<NodeId>>,
    nodes: Vec<Option<N>>,
    runtimes: Vec<NodeRuntime<N>>,
    world: WorldOf<N>,
    next_op_id: u64,
    /// The traffic surge in force (1: none); see [`Fault::Surge`].
    surge: u32,
    /// In the core liveness mode's liveness phase: the core it healed.
    healed_core: Option<Vec<NodeId>>,
    /// The fault points evaluated and the probes reached.
    marks: Marks,
    /// Whether any handler has read its clock or random stream.
    observed: std::cell::Cell<crate::node::Observed>,
}

impl<N: Node> Simulation<N> {
    /// Builds a cluster from a validated config and a node factory. Every node's
    /// start handler is scheduled at time zero, in id order.
    pub fn new(
        config: SimConfig,
        factory: impl FnMut(NodeId) -> N + 'static,
    ) -> Result<Self, ConfigError> {
        config.validate()?;
        let mut factory: NodeFactory<N> = Box::new(factory);
        let n = config.nodes;
        let mut world = World::new(
            Network::new(n, config.link),
            config.seed,
            config.record_trace,
        );
        let mut nodes = Vec::with_capacity(n);
        let mut runtimes = Vec::with_capacity(n);
        for i in 0..n {
            let id = NodeId::from(i);
            nodes.push(Some(factory(id)));
            runtimes.push(NodeRuntime {
                status: NodeStatus::Up,
                incarnation: 0,
                clock: NodeClock::default(),
                rng: SimRng::for_node(config.seed, i),
                storage: Storage::rotting_by(N::rot),
                backlog: Vec::new(),
                version: 0,
            });
            world.queue.push(SimTime::ZERO, Event::Start { node: id });
        }
        Ok(Simulation {
            marks: Marks::new(config.seed, config.buggify.clone()),
            factory: Factory::new(factory, config.nodes),
            config,
            focus: None,
            focus_targets: std::collections::BTreeMap::new(),
            surge: 1,
            healed_core: None,
            nodes,
            runtimes,
            world,
            next_op_id: 0,
            observed: Default::default(),
        })
    }

    /// The fault points evaluated and the probes reached so far.
    pub fn marks(&self) -> &Marks {
        &self.marks
    }

    /// Turns the fault points off for the rest of the run (the harness
    /// does, when its liveness phase begins).
    pub fn quiet_fault_points(&mut self) {
        self.marks.quiet();
    }

    /// Counts a hit of probe `name` from outside the nodes (a harness's
    /// own probe; see [`crate::marks`]).
    pub fn reached(&mut self, name: &'static str) {
        self.marks.reached(name);
    }

    /// The config this simulation was built with.
    pub fn config(&self) -> &SimConfig {
        &self.config
    }

    /// The current virtual time.
    pub fn now(&self) -> SimTime {
        self.world.now
    }

    /// The rolling trace hash so far.
    pub fn trace_hash(&self) -> u64 {
        self.world.trace.hash()
    }

    /// The trace (with events, if recording).
    pub fn trace(&self) -> &Trace {
        &self.world.trace
    }

    /// Turns full trace recording on or off from now on.
    pub fn set_recording(&mut self, on: bool) {
        self.world.trace.set_recording(on);
    }

    /// Counters so far.
    pub fn stats(&self) -> Stats {
        self.world.stats
    }

    /// The time of the next pending event, if any.
    pub fn next_event_time(&self) -> Option<SimTime> {
        self.world.queue.peek_time()
    }

    /// How many events are waiting.
    pub fn pending_events(&self) -> usize {
        self.world.queue.len()
    }

    /// The cluster size.
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// A node's state, or `None` while it is crashed.
    pub fn node(&self, id: NodeId) -> Option<&N> {
        self.nodes.get(id.index()).and_then(Option::as_ref)
    }

    /// Every node that is not crashed, with its id.
    pub fn live_nodes(&self) -> impl Iterator<Item = (NodeId, &N)> {
        self.nodes
            .iter()
            .enumerate()
            .filter_map(|(i, n)| n.as_ref().map(|n| (NodeId::from(i), n)))
    }

    /// A counter that changes whenever node `id`'s state may have changed: one
    /// of its handlers ran, it crashed, or it restarted. Invariant checks use
    /// it to skip the nodes an event did not touch.
    pub fn node_version(&self, id: NodeId) -> u64 {
        self.runtimes[id.index()].version
    }

    /// The traffic surge in force: the factor clients multiply their rate
    /// by (1 when there is none).
    pub fn surge(&self) -> u32 {
        self.surge
    }

    /// Whether node `id` is one the liveness phase healed: every node,
    /// except in the core liveness mode (see [`crate::core`]), where only
    /// the core is. An "eventually" property that asks something of every
    /// node asks it of these.
    pub fn is_healed(&self, id: NodeId) -> bool {
        self.healed_core
            .as_ref()
            .is_none_or(|core| core.contains(&id))
    }

    /// Marks the liveness phase as healing only `core`.
    pub(crate) fn set_healed_core(&mut self, core: Vec<NodeId>) {
        self.healed_core = Some(core);
    }

    /// A node's status.
    pub fn status(&self, id: NodeId) -> NodeStatus {
        self.runtimes[id.index()].status
    }

    /// A node's storage (readable while crashed: it is what a restart will see).
    pub fn storage(&self, id: NodeId) -> &Storage<N::Block> {
        &self.runtimes[id.index()].storage
    }

    /// What node `id`'s clock reads now.
    pub fn local_time(&self, id: NodeId) -> SimTime {
        self.runtimes[id.index()].clock.local(self.world.now)
    }

    /// What node `id`'s monotonic clock reads now (see [`crate::clock`]).
    pub fn monotonic_time(&self, id: NodeId) -> SimTime {
        self.runtimes[id.index()].clock.monotonic(self.world.now)
    }

    /// True if `a` and `b` can exchange messages both ways (no partition between).
    pub fn connected(&self, a: NodeId, b: NodeId) -> bool {
        self.world.net.connected(a, b)
    }

    /// How many client replies wait to be taken.
    pub fn replies_waiting(&self) -> usize {
        self.world.replies.len()
    }

    /// Client replies received so far, oldest first; the caller takes them.
    pub fn take_replies(&mut self) -> Vec<ClientReply<N::Reply>> {
        std::mem::take(&mut self.world.replies)
    }

    /// The client operations whose handling started since the last call,
    /// with when, oldest first; the caller takes them.
    pub fn take_handled(&mut self) -> Vec<(OpId, SimTime)> {
        std::mem::take(&mut self.world.handled)
    }

    /// Submits a client operation to `node`, arriving now. Returns its id.
    pub fn submit(&mut self, node: NodeId, op: N::Op) -> Result<OpId, ConfigError> {
        node.validate(self.nodes.len(), "submit.node")?;
        let op_id = OpId(self.next_op_id);
        self.next_op_id += 1;
        self.world
            .queue
            .push(self.world.now, Event::ClientOp { node, op_id, op });
        Ok(op_id)
    }

    /// Applies a fault now.
    pub fn apply(&mut self, fault: Fault) -> Result<(), ConfigError> {
        fault.validate(self.nodes.len(), "fault")?;
        self.factory.check(&fault, "fault")?;
        self.apply_validated(fault);
        Ok(())
    }

    /// Schedules a fault at `at`, which must not be in the past.
    pub fn schedule(&mut self, at: SimTime, fault: Fault) -> Result<(), ConfigError> {
        self.check_schedulable(at, &fault)?;
        self.world.queue.push(at, Event::Fault(Box::new(fault)));
        Ok(())
    }

    /// A fault to schedule must be valid here, and not in the past.
    fn check_schedulable(&self, at: SimTime, fault: &Fault) -> Result<(), ConfigError> {
        fault.validate(self.nodes.len(), "fault")?;
        self.factory.check(fault, "fault")?;
        if at < self.world.now {
            return Err(ConfigError::TimeInPast {
                field: "fault.at".into(),
                at_nanos: at.0,
                now_nanos: self.world.now.0,
            });
        }
        Ok(())
    }

    /// Schedules a fault aimed at the focus (see [`Simulation::set_focus`]) as
    /// part of focus episode `episode`; the node it names is replaced.
    pub fn schedule_focused(
        &mut self,
        at: SimTime,
        fault: Fault,
        episode: u32,
    ) -> Result<(), ConfigError> {
        self.check_schedulable(at, &fault)?;
        let event = Event::FocusFault(Box::new(fault), episode);
        self.world.queue.push(at, event);
        Ok(())
    }

    /// Sets the focus: the node that focused faults hit, as the model defines
    /// it (its leader, its primary), read from the state when a focus episode
    /// begins. With no focus, or when it names no node, the episode is skipped.
    pub fn set_focus(&mut self, focus: Focus<N>) {
        self.focus = Some(focus);
    }

    /// Runs one event. Returns false when the queue is empty.
    #[inline]
    pub fn step(&mut self) -> bool {
        let Some((at, event)) = self.world.queue.pop() else {
            return false;
        };
        debug_assert!(
            at >= self.world.now,
            "time went backwards: {at} < {}",
            self.world.now
        );
        self.world.now = at;
        self.world.stats.events += 1;
        self.dispatch(event);
        true
    }

    /// Runs every event due at or before `deadline`, then sets the time to it.
    pub fn run_until(&mut self, deadline: SimTime) {
        while self.world.queue.peek_time().is_some_and(|t| t <= deadline) {
            self.step();
        }
        self.world.now = self.world.now.max(deadline);
    }

    /// Runs for `span` of virtual time from now.
    pub fn run_for(&mut self, span: SimDuration) {
        self.run_until(self.world.now.after(span));
    }

    /// Runs until no event is left. A protocol with periodic timers never gets
    /// there; use [`Simulation::run_until`] for those.
    pub fn run_to_quiescence(&mut self) {
        while self.step() {}
    }

    fn dispatch(&mut self, event: EventOf<N>) {
        match event {
            Event::Deliver {
                from,
                to,
                msg_id,
                msg,
            } => self.deliver(from, to, msg_id, msg),
            Event::Timer {
                node,
                incarnation,
                id,
                payload,
            } => self.fire_timer(node, incarnation, id, payload),
            Event::ClientOp { node, op_id, op } => self.client_op(node, op_id, op),
            Event::Start { node } => self.start(node),
            Event::Fault(fault) => self.apply_validated(*fault),
            Event::FocusFault(fault, episode) => self.focus_fault(*fault, episode),
        }
    }

    /// Holds an event for a paused node until it resumes; returns the event
    /// back when the node is up, and `None` when it was held.
    fn hold_if_paused(&mut self, node: NodeId, event: EventOf<N>) -> Option<EventOf<N>> {
        let rt = &mut self.runtimes[node.index()];
        if rt.status == NodeStatus::Paused {
            rt.backlog.push(event);
            return None;
        }
        Some(event)
    }

    fn deliver(&mut self, from: NodeId, to: NodeId, msg_id: u64, msg: N::Message) {
        let reason = match self.runtimes[to.index()].status {
            NodeStatus::Crashed | NodeStatus::Left => Some(DropReason::NodeDown),
            NodeStatus::Paused => {
                let event = Event::Deliver {
                    from,
                    to,
                    msg_id,
                    msg,
                };
                return self.runtimes[to.index()].backlog.push(event);
            }
            NodeStatus::Up => {
                let link = self.world.net.index(from, to);
                self.world
                    .net
                    .is_blocked(link)
                    .then_some(DropReason::Partitioned)
            }
        };
        if let Some(reason) = reason {
            return self.world.drop_message(from, to, msg_id, reason);
        }
        self.world.stats.delivered += 1;
        let at = self.world.now;
        let event = TraceEvent::Deliver {
            at,
            from,
            to,
            msg_id,
        };
        self.world.trace.push(event, String::new);
        self.run_handler(to, |node, ctx| node.on_message(ctx, from, msg));
    }

    fn fire_timer(&mut self, node: NodeId, incarnation: u32, id: TimerId, payload: N::Timer) {
        if !self.world.timers.is_live(id) {
            return; // cancelled
        }
        let rt = &self.runtimes[node.index()];
        if rt.incarnation != incarnation || rt.status.is_down() {
            self.world.timers.disarm(id);
            return; // set before a crash
        }
        let event = Event::Timer {
            node,
            incarnation,
            id,
            payload,
        };
        let Some(Event::Timer { payload, .. }) = self.hold_if_paused(node, event) else {
            return;
        };
        self.world.timers.disarm(id);
        self.world.stats.timers_fired += 1;
        let at = self.world.now;
        let digest = digest(&payload);
        let event = TraceEvent::Timer { at, node, digest };
        self.world.trace.push(event, || format!("{payload:?}"));
        self.run_handler(node, |n, ctx| n.on_timer(ctx, payload));
    }

    fn client_op(&mut self, node: NodeId, op_id: OpId, op: N::Op) {
        if self.runtimes[node.index()].status.is_down() {
            return; // the client sees no answer
        }
        let event = Event::ClientOp { node, op_id, op };
        let Some(Event::ClientOp { op, .. }) = self.hold_if_paused(node, event) else {
            return;
        };
        let at = self.world.now;
        self.world.handled.push((op_id, at));
        let event = TraceEvent::ClientOp {
            at,
            node,
            op_id: op_id.0,
            digest: digest(&op),
        };
        self.world.trace.push(event, || format!("{op:?}"));
        self.run_handler(node, |n, ctx| n.on_client_op(ctx, op_id, op));
    }

    fn start(&mut self, node: NodeId) {
        if self.runtimes[node.index()].status != NodeStatus::Up {
            return;
        }
        let at = self.world.now;
        self.world
            .trace
            .push(TraceEvent::Start { at, node }, String::new);
        self.run_handler(node, |n, ctx| n.on_start(ctx));
    }

    /// A focused fault: aimed at the node the focus names when its episode's
    /// first fault fires, and at that node for the rest of the episode.
    fn focus_fault(&mut self, fault: Fault, episode: u32) {
        let target = match self.focus_targets.get(&episode) {
            Some(&target) => target,
            None => {
                let target = self.focus.clone().and_then(|focus| focus(self));
                self.focus_targets.insert(episode, target);
                target
            }
        };
        if let Some(node) = target {
            self.apply_validated(fault.aimed_at(node));
        }
    }

    /// Runs one handler of the (up) node `id` with its context; its sends,
    /// timers and replies go straight to the world.
    #[inline]
    fn run_handler(&mut self, id: NodeId, handler: impl FnOnce(&mut N, &mut Context<'_, N>)) {
        let (i, nodes) = (id.index(), self.runtimes.len());
        let rt = &mut self.runtimes[i];
        rt.version += 1;
        let node = self.nodes[i].as_mut().expect("an up node has state");
        let now = self.world.now;
        let syncs_before = self.world.trace.is_recording().then(|| rt.storage.syncs());
        let lent = Lent {
            clock: &rt.clock,
            rng: &mut rt.rng,
            storage: &mut rt.storage,
            marks: &mut self.marks,
            observed: &self.observed,
            outbox: Outbox::Engine {
                world: &mut self.world,
                incarnation: rt.incarnation,
            },
        };
        handler(node, &mut Context::new(id, nodes, now, lent));
        if syncs_before.is_some_and(|n| self.runtimes[i].storage.syncs() > n) {
            self.world.trace.note_sync(now, id);
        }
        self.after_disk(id);
    }

    fn trace_fault(&mut self, fault: Fault) {
        let at = self.world.now;
        self.world
            .trace
            .push(TraceEvent::Fault { at, fault }, String::new);
    }

    /// Applies a fault that has passed validation.
    fn apply_validated(&mut self, fault: Fault) {
        let applied = match &fault {
            Fault::Partition(p) => {
                let links = self.links_of(p);
                self.world.net.block(&links);
                true
            }
            Fault::EndPartition(p) => {
                let links = self.links_of(p);
                self.world.net.unblock(&links);
                true
            }
            Fault::Heal => {
                self.world.net.heal();
                true
            }
            Fault::Crash { node, torn_writes } => return self.crash(*node, *torn_writes),
            Fault::Restart { node } => return self.restart(*node),
            Fault::Pause { node } => self.pause(*node),
            Fault::Resume { node } => self.resume(*node),
            Fault::Clog { from, to } => {
                let link = self.world.net.index(*from, *to);
                self.world.net.clog(link);
                true
            }
            Fault::Unclog { from, to } => return self.unclog(*from, *to),
            Fault::SetClock {
                node,
                offset_ns,
                drift_ppm,
            } => {
                let now = self.world.now;
                let clock = &mut self.runtimes[node.index()].clock;
                clock.set(now, *offset_ns, *drift_ppm);
                true
            }
            Fault::SetLink { from, to, config } => {
                let link = self.world.net.index(*from, *to);
                self.world.net.set_link(link, *config);
                true
            }
            Fault::SetAllLinks { config } => {
                self.world.net.set_all_links(*config);
                true
            }
            Fault::ResetLinks => {
                self.world.net.reset_links();
                true
            }
            Fault::CorruptBlock { node, block } => {
                self.runtimes[node.index()].storage.corrupt(*block)
            }
            Fault::Disk { node, fault } => self.runtimes[node.index()].storage.fault(*fault),
            Fault::Leave { node, graceful } => return self.leave(*node, *graceful),
            Fault::Join { node } => return self.join(*node),
            Fault::Surge { factor } => {
                self.surge = *factor;
                true
            }
            // Ending no surge does nothing (and is not traced: the heals
            // before every liveness phase leave traces as they were).
            Fault::EndSurge => std::mem::replace(&mut self.surge, 1) != 1,
            Fault::Operate { node, action } => return self.operate(*node, *action),
            Fault::Upgrade { node, version } => return self.upgrade(*node, *version),
        };
        if applied {
            self.trace_fault(fault);
        }
    }

    /// The links a validated partition cuts here.
    fn links_of(&self, partition: &Partition) -> Vec<(usize, usize)> {
        partition
            .blocked_links(self.nodes.len(), "fault")
            .expect("validated partition")
    }

    /// Crashes `node`: its state, pending timers, backlog and unsynced writes
    /// go (all but a random prefix of the writes, when they tear).
    fn crash(&mut self, node: NodeId, torn_writes: bool) {
        let i = node.index();
        if self.runtimes[i].status.is_down() {
            return;
        }
        let rt = &mut self.runtimes[i];
        let pending = rt.storage.unsynced_len();
        let keep = if torn_writes {
            self.world.fault_rng.below(pending as u64 + 1) as usize
        } else {
            0
        };
        let lost = rt.storage.crash(keep);
        rt.status = NodeStatus::Crashed;
        rt.incarnation += 1;
        rt.backlog.clear();
        rt.version += 1;
        self.nodes[i] = None;
        let at = self.world.now;
        let lost_writes = lost as u64;
        let event = TraceEvent::Crash {
            at,
            node,
            lost_writes,
        };
        self.world.trace.push(event, String::new);
    }

    /// Restarts a crashed `node`: a fresh node from the factory, recovering
    /// from what its storage kept.
    fn restart(&mut self, node: NodeId) {
        let i = node.index();
        if self.runtimes[i].status != NodeStatus::Crashed {
            return;
        }
        self.runtimes[i].status = NodeStatus::Up;
        self.nodes[i] = Some(self.factory.build(node));
        self.trace_fault(Fault::Restart { node });
        self.run_handler(node, |n, ctx| n.on_recover(ctx));
    }

    /// `node` leaves: its leave handler first if `graceful` (and it is up),
    /// then it is gone with its disk, until it joins.
    fn leave(&mut self, node: NodeId, graceful: bool) {
        let i = node.index();
        if self.runtimes[i].status == NodeStatus::Left {
            return;
        }
        self.trace_fault(Fault::Leave { node, graceful });
        if graceful && self.runtimes[i].status == NodeStatus::Up {
            self.run_handler(node, |n, ctx| n.on_leave(ctx));
        }
        self.crash(node, false);
        let rt = &mut self.runtimes[i];
        rt.storage = Storage::rotting_by(N::rot);
        rt.status = NodeStatus::Left;
    }

    /// An operator's action on a node that is up.
    fn operate(&mut self, node: NodeId, action: u32) {
        if self.runtimes[node.index()].status != NodeStatus::Up {
            return;
        }
        self.trace_fault(Fault::Operate { node, action });
        self.run_handler(node, |n, ctx| n.on_operate(ctx, action));
    }

    /// A node that left joins as a new machine: empty disk, fresh state.
    fn join(&mut self, node: NodeId) {
        let i = node.index();
        if self.runtimes[i].status != NodeStatus::Left {
            return;
        }
        self.runtimes[i].status = NodeStatus::Up;
        self.nodes[i] = Some(self.factory.build(node));
        self.trace_fault(Fault::Join { node });
        self.run_handler(node, |n, ctx| n.on_start(ctx));
    }

    fn pause(&mut self, node: NodeId) -> bool {
        let rt = &mut self.runtimes[node.index()];
        if rt.status != NodeStatus::Up {
            return false;
        }
        rt.status = NodeStatus::Paused;
        true
    }

    /// Resumes a paused node: what came due meanwhile runs now, in order.
    fn resume(&mut self, node: NodeId) -> bool {
        let rt = &mut self.runtimes[node.index()];
        if rt.status != NodeStatus::Paused {
            return false;
        }
        rt.status = NodeStatus::Up;
        for event in std::mem::take(&mut rt.backlog) {
            self.world.queue.push(self.world.now, event);
        }
        true
    }

    /// Unclogs a link: what it held departs now, with fresh latencies.
    fn unclog(&mut self, from: NodeId, to: NodeId) {
        let link = self.world.net.index(from, to);
        if !self.world.net.is_clogged(link) {
            return;
        }
        let held = self.world.net.unclog(link);
        self.trace_fault(Fault::Unclog { from, to });
        self.world.release(from, to, held);
    }
}
