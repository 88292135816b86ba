//! One state of the exhaustive search: the simulation, where each client
//! is in its script, the client history so far, and the faults spent. And
//! the steps that lead out of it.

use super::Step;
use crate::engine::Fingerprinter;
use crate::engine::{Explorable, NodeStatus, PendingKind, Simulation};
use crate::harness::scenario::workload::{Completion, Workload};
use crate::harness::scenario::ClientHistory;
use crate::node::Observed;
use crate::node_id::{NodeId, OpId};
use std::hash::{Hash, Hasher};

/// What the clients will send: per client, its operations and the node
/// each goes to, fixed when the search starts.
pub(super) type Scripts<Op> = Vec<Vec<(NodeId, Op)>>;

/// A client's operation in flight.
#[derive(Clone, Debug)]
struct Waiting {
    /// The attempt whose answer counts.
    attempt: OpId,
    /// Told to retry: the node the next attempt goes to.
    retry_to: Option<NodeId>,
}

/// One client: how far through its script, and what it waits for.
#[derive(Clone, Debug, Default)]
struct ClientState {
    next: usize,
    waiting: Option<Waiting>,
}

/// One state of the search.
pub(super) struct State<N: Explorable> {
    pub(super) sim: Simulation<N>,
    clients: Vec<ClientState>,
    pub(super) history: ClientHistory<N>,
    /// The history's events without their times, folded in order.
    history_digest: u64,
    /// Faults taken on the way here.
    pub(super) faults: u32,
    /// Steps taken on the way here (the history's clock).
    pub(super) depth: u32,
    /// Each node's part of the fingerprint, with the node's version and
    /// status it was computed at: a step recomputes only the nodes it
    /// touched (a pause changes the status, not the version).
    nodes: Vec<((u64, NodeStatus), u64)>,
}

impl<N: Explorable> Clone for State<N> {
    fn clone(&self) -> Self {
        State {
            sim: self.sim.clone(),
            clients: self.clients.clone(),
            history: self.history.clone(),
            history_digest: self.history_digest,
            faults: self.faults,
            depth: self.depth,
            nodes: self.nodes.clone(),
        }
    }
}

/// What a step did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Taken {
    /// The step could be taken here.
    pub(super) taken: bool,
    /// An operation completed (the history checks have something new).
    pub(super) completed: bool,
}

impl<N: Explorable> State<N> {
    /// The start: every node started, in id order, no client yet.
    pub(super) fn root(mut sim: Simulation<N>, clients: usize) -> Self {
        while let Some(start) = sim
            .pending()
            .into_iter()
            .find(|p| matches!(p.kind, PendingKind::Start { .. }))
        {
            sim.run_pending(start.seq);
        }
        State {
            sim,
            clients: vec![ClientState::default(); clients],
            history: ClientHistory::<N>::new(),
            history_digest: 0,
            faults: 0,
            depth: 0,
            nodes: Vec::new(),
        }
    }

    /// The state's fingerprint, with the time and the random streams in it
    /// as `include` says.
    pub(super) fn fingerprint(&mut self, include: Observed) -> u64 {
        let mut h = Fingerprinter::default();
        let count = self.sim.node_count();
        self.nodes.resize(count, ((u64::MAX, NodeStatus::Up), 0));
        for (i, (seen, digest)) in self.nodes.iter_mut().enumerate() {
            let id = NodeId::from(i);
            let now = (self.sim.node_version(id), self.sim.status(id));
            if *seen != now {
                *seen = now;
                *digest = self.sim.node_fingerprint(id, include);
            }
            digest.hash(&mut h);
        }
        self.sim.events_fingerprint(include).hash(&mut h);
        self.history_digest.hash(&mut h);
        self.faults.hash(&mut h);
        for c in &self.clients {
            c.next.hash(&mut h);
            if let Some(w) = &c.waiting {
                (w.attempt, w.retry_to).hash(&mut h);
            }
        }
        h.finish()
    }

    /// Every step out of this state, in a fixed order: the pending events
    /// (one of each kind of identical ones), the clients' next
    /// operations, then, while faults are left, a loss or a copy of each
    /// message, a crash of each up node and a restart of each crashed one.
    pub(super) fn steps(&self, scripts: &Scripts<N::Op>, max_faults: u32) -> Vec<Step> {
        let pending = self.sim.pending();
        let mut seen = std::collections::BTreeSet::new();
        let distinct: Vec<_> = pending.iter().filter(|p| seen.insert(p.digest)).collect();
        let mut steps: Vec<Step> = distinct.iter().map(|p| Step::Run { seq: p.seq }).collect();
        for (client, state) in self.clients.iter().enumerate() {
            let retrying = state.waiting.as_ref().is_some_and(|w| w.retry_to.is_some());
            let idle = state.waiting.is_none() && state.next < scripts[client].len();
            if retrying || idle {
                steps.push(Step::Issue { client });
            }
        }
        let crashed = |i: usize| self.sim.status(NodeId::from(i)).is_down();
        if self.faults < max_faults {
            for p in distinct.iter().filter(|p| is_message(p.kind)) {
                steps.push(Step::Drop { seq: p.seq });
                steps.push(Step::Duplicate { seq: p.seq });
            }
            for node in (0..self.sim.node_count()).filter(|&i| !crashed(i)) {
                steps.push(Step::Crash {
                    node: NodeId::from(node),
                });
            }
        }
        for node in (0..self.sim.node_count()).filter(|&i| crashed(i)) {
            steps.push(Step::Restart {
                node: NodeId::from(node),
            });
        }
        steps
    }

    /// Takes `step`, then collects the answers it brought.
    pub(super) fn take(
        &mut self,
        step: Step,
        scripts: &Scripts<N::Op>,
        workload: &dyn Workload<N>,
    ) -> Taken {
        self.depth += 1;
        let taken = match step {
            Step::Run { seq } => self.sim.run_pending(seq),
            Step::Drop { seq } => self.sim.drop_pending(seq) && self.spend(),
            Step::Duplicate { seq } => self.sim.duplicate_pending(seq) && self.spend(),
            Step::Crash { node } => self.crash(node),
            Step::Restart { node } => self.restart(node),
            Step::Issue { client } => self.issue(client, scripts),
        };
        let completed = taken && self.collect(workload);
        Taken { taken, completed }
    }

    fn spend(&mut self) -> bool {
        self.faults += 1;
        true
    }

    fn crash(&mut self, node: NodeId) -> bool {
        let up = node.index() < self.sim.node_count() && !self.sim.status(node).is_down();
        let fault = crate::fault::Fault::Crash {
            node,
            torn_writes: false,
        };
        up && self.sim.apply(fault).is_ok() && self.spend()
    }

    fn restart(&mut self, node: NodeId) -> bool {
        let down = node.index() < self.sim.node_count() && self.sim.status(node).is_down();
        down && self
            .sim
            .apply(crate::fault::Fault::Restart { node })
            .is_ok()
    }

    /// Client `client` sends its next operation, or sends the one it was
    /// told to retry again.
    fn issue(&mut self, client: usize, scripts: &Scripts<N::Op>) -> bool {
        let Some(state) = self.clients.get(client) else {
            return false;
        };
        let (node, op) = match &state.waiting {
            Some(Waiting {
                retry_to: Some(to), ..
            }) => (*to, scripts[client][state.next - 1].1.clone()),
            Some(_) => return false,
            None => match scripts[client].get(state.next) {
                Some((node, op)) => (*node, op.clone()),
                None => return false,
            },
        };
        if self.clients[client].waiting.is_none() {
            self.clients[client].next += 1;
            self.record(client as u64, |h, p, t| h.invoke(p, t, op.clone()));
        }
        let Ok(attempt) = self.sim.run_op_now(node, op) else {
            return false;
        };
        self.clients[client].waiting = Some(Waiting {
            attempt,
            retry_to: None,
        });
        true
    }

    /// Records the answers that arrived; true if an operation completed.
    fn collect(&mut self, workload: &dyn Workload<N>) -> bool {
        let mut completed = false;
        let nodes = self.sim.node_count();
        for reply in self.sim.take_replies() {
            let Some(client) = self.clients.iter().position(|c| {
                c.waiting
                    .as_ref()
                    .is_some_and(|w| w.attempt == reply.op_id && w.retry_to.is_none())
            }) else {
                continue; // an answer to an attempt that no longer counts
            };
            let process = client as u64;
            match workload.complete(&reply.reply) {
                Completion::Retry { hint } => {
                    let next = NodeId::from((reply.node.index() + 1) % nodes.max(1));
                    let waiting = self.clients[client].waiting.as_mut().expect("waiting");
                    waiting.retry_to = Some(hint.unwrap_or(next));
                    continue;
                }
                Completion::Ok => {
                    let r = reply.reply;
                    self.record(process, move |h, p, t| h.ok(p, t, r));
                }
                Completion::Fail => self.record(process, |h, p, t| h.fail(p, t)),
                Completion::Info => self.record(process, |h, p, t| h.info(p, t)),
            }
            self.clients[client].waiting = None;
            completed = true;
        }
        completed
    }

    /// Appends one event to the history at this step's time, and folds it
    /// (without the time) into the history's digest.
    fn record(&mut self, process: u64, append: impl FnOnce(&mut ClientHistory<N>, u64, u64)) {
        append(&mut self.history, process, u64::from(self.depth));
        let event = self.history.events.last().expect("appended");
        let mut h = Fingerprinter::default();
        (self.history_digest, event.process, &event.kind).hash(&mut h);
        self.history_digest = h.finish();
    }
}

fn is_message(kind: PendingKind) -> bool {
    matches!(kind, PendingKind::Deliver { .. })
}
