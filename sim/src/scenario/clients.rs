//! The scenario's clients: each is a process that submits one operation at a
//! time to a node, waits for its answer up to a timeout, and records the history.

use super::{Completion, Workload};
use crate::engine::Simulation;
use crate::history::History;
use crate::node::{Node, OpId};
use crate::rng::SimRng;
use crate::time::{SimDuration, SimTime};
use std::collections::BTreeMap;

struct Client {
    process: u64,
    /// The pending operation: its id and deadline.
    pending: Option<(OpId, SimTime)>,
    /// In the liveness phase: whether this client's post-heal operation completed.
    live_done: bool,
}

pub(super) struct Clients<N: Node> {
    clients: Vec<Client>,
    workload: Option<Box<dyn Workload<N>>>,
    rng: SimRng,
    timeout: SimDuration,
    next_process: u64,
    by_op: BTreeMap<OpId, usize>,
    liveness: bool,
    pub(super) history: History<N::Op, N::Reply>,
}

impl<N: Node> Clients<N>
where
    N::Op: Clone,
    N::Reply: Clone,
{
    pub(super) fn new(
        count: usize,
        workload: Option<Box<dyn Workload<N>>>,
        seed: u64,
        timeout: SimDuration,
    ) -> Self {
        let count = if workload.is_some() { count } else { 0 };
        Clients {
            clients: (0..count as u64)
                .map(|p| Client {
                    process: p,
                    pending: None,
                    live_done: false,
                })
                .collect(),
            workload,
            rng: SimRng::from_seed_and_label(seed, crate::rng::labels::WORKLOAD),
            timeout,
            next_process: count as u64,
            by_op: BTreeMap::new(),
            liveness: false,
            history: History::new(),
        }
    }

    /// Idle clients submit their next operation; overdue ones record `info`.
    pub(super) fn act(&mut self, sim: &mut Simulation<N>) {
        let now = sim.now();
        for i in 0..self.clients.len() {
            if let Some((op, deadline)) = self.clients[i].pending {
                if deadline > now {
                    continue;
                }
                // Timed out: indeterminate, and the client becomes a new process.
                self.by_op.remove(&op);
                self.history.info(self.clients[i].process, now.0);
                self.clients[i].process = self.next_process;
                self.next_process += 1;
                self.clients[i].pending = None;
            }
            if self.liveness && self.clients[i].live_done {
                continue;
            }
            let workload = self
                .workload
                .as_mut()
                .expect("clients exist only with a workload");
            let next =
                workload.next_op(&mut self.rng, i, self.clients[i].process, sim.node_count());
            let Some((node, op)) = next else {
                // Nothing more to do: in the liveness phase that counts as done.
                self.clients[i].live_done |= self.liveness;
                continue;
            };
            self.history
                .invoke(self.clients[i].process, now.0, op.clone());
            let id = sim
                .submit(node, op)
                .unwrap_or_else(|e| panic!("workload chose a bad node: {e}"));
            self.by_op.insert(id, i);
            self.clients[i].pending = Some((id, now.after(self.timeout)));
        }
    }

    /// Records the answers that arrived.
    pub(super) fn collect(&mut self, sim: &mut Simulation<N>) {
        for reply in sim.take_replies() {
            let Some(i) = self.by_op.remove(&reply.op_id) else {
                continue;
            }; // late, after a timeout
            let process = self.clients[i].process;
            let workload = self
                .workload
                .as_ref()
                .expect("clients exist only with a workload");
            let completion = workload.complete(&reply.reply);
            match completion {
                Completion::Ok => self.history.ok(process, reply.at.0, reply.reply),
                Completion::Fail => self.history.fail(process, reply.at.0),
                Completion::Info => self.history.info(process, reply.at.0),
            }
            self.clients[i].pending = None;
            if self.liveness && completion == Completion::Ok {
                self.clients[i].live_done = true;
            }
        }
    }

    /// The next time a client must act (a deadline), if any is pending.
    pub(super) fn next_action_time(&self) -> Option<SimTime> {
        self.clients
            .iter()
            .filter_map(|c| c.pending.map(|(_, d)| d))
            .min()
    }

    /// From now on, each client needs one operation to complete.
    pub(super) fn start_liveness(&mut self) {
        self.liveness = true;
    }

    /// Which clients made no progress in the liveness phase.
    pub(super) fn liveness_shortfall(&self) -> Option<String> {
        let stuck: Vec<u64> = self
            .clients
            .iter()
            .filter(|c| !c.live_done)
            .map(|c| c.process)
            .collect();
        (!stuck.is_empty())
            .then(|| format!("after healing, no operation of processes {stuck:?} completed"))
    }
}
