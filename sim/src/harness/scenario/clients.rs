//! The scenario's clients: each is a process that has one logical operation
//! outstanding at a time. It submits the operation to a node, retries it where
//! the workload says (a redirect, or an attempt that stayed silent), gives up
//! at the client timeout, and records the history: one invoke and one
//! completion per logical operation, however many attempts it took.

use super::client_log::ClientLog;
use super::workload::{Completion, Workload};
use crate::engine::Simulation;
use crate::history::History;
use crate::node::Node;
use crate::node_id::NodeId;
use crate::node_id::OpId;
use crate::rng::SimRng;
use crate::time::{SimDuration, SimTime};
use std::collections::BTreeMap;

/// What an outstanding operation waits for next.
#[derive(Clone, Copy, Debug)]
enum Wait {
    /// An answer to the attempt in flight, until this time (then retry).
    Answer(Option<SimTime>),
    /// The backoff before resending, to this node.
    Backoff(SimTime, NodeId),
}

struct Pending<Op> {
    op: Op,
    /// The node of the latest attempt.
    node: NodeId,
    /// When the client gives up and records `info`.
    deadline: SimTime,
    wait: Wait,
    /// Every attempt's id: an answer to any of them answers the operation.
    attempts: Vec<OpId>,
    /// The operation's index in the log's waits.
    logged: usize,
}

struct Client<Op> {
    process: u64,
    /// Operations started so far; the current one's number.
    started: u64,
    /// The current operation's workload stream (see
    /// [`SimRng::for_operation`]): its choice, its retries' targets, and
    /// the pause after it.
    stream: SimRng,
    pending: Option<Pending<Op>>,
    /// The client may not start its next operation before this time.
    idle_until: SimTime,
    /// In the liveness phase: whether this client's post-heal operation completed.
    live_done: bool,
}

pub(super) struct Clients<N: Node> {
    clients: Vec<Client<N::Op>>,
    workload: Option<Box<dyn Workload<N>>>,
    seed: u64,
    /// The most operations each client starts, when a shrinker trims it.
    ops_limit: Option<u64>,
    timeout: SimDuration,
    next_process: u64,
    by_op: BTreeMap<OpId, usize>,
    liveness: bool,
    /// The surge in force when the clients last looked (see [`crate::Fault::Surge`]).
    surge: u32,
    pub(super) history: History<N::Op, N::Reply>,
    pub(super) log: ClientLog,
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
        ops_limit: Option<u64>,
    ) -> Self {
        let count = if workload.is_some() { count } else { 0 };
        Clients {
            clients: (0..count as u64)
                .map(|p| Client {
                    process: p,
                    started: 0,
                    stream: SimRng::for_operation(seed, p as usize, 0),
                    pending: None,
                    idle_until: SimTime::ZERO,
                    live_done: false,
                })
                .collect(),
            workload,
            seed,
            ops_limit,
            timeout,
            next_process: count as u64,
            by_op: BTreeMap::new(),
            liveness: false,
            surge: 1,
            history: History::new(),
            log: ClientLog::default(),
        }
    }

    fn workload(&mut self) -> &mut dyn Workload<N> {
        self.workload
            .as_deref_mut()
            .expect("clients exist only with a workload")
    }

    /// Sends one attempt of client `i`'s pending operation to `node`.
    fn send_attempt(&mut self, sim: &mut Simulation<N>, i: usize, node: NodeId) {
        let attempt_timeout = self.workload().attempt_timeout();
        let now = sim.now();
        let p = self.clients[i].pending.as_mut().expect("pending");
        let id = sim
            .submit(node, p.op.clone())
            .unwrap_or_else(|e| panic!("workload chose a bad node: {e}"));
        p.node = node;
        p.attempts.push(id);
        let process = self.clients[i].process;
        self.log.attempt(id, process, node, now);
        let p = self.clients[i].pending.as_mut().expect("pending");
        p.wait = Wait::Answer(attempt_timeout.map(|t| now.after(t)));
        self.by_op.insert(id, i);
    }

    /// Ends client `i`'s pending operation; its late answers are ignored.
    fn finish(&mut self, i: usize, now: SimTime) {
        if let Some(p) = self.clients[i].pending.take() {
            for id in p.attempts {
                self.by_op.remove(&id);
            }
        }
        let think = {
            let Clients {
                workload, clients, ..
            } = self;
            let rng = &mut clients[i].stream;
            workload
                .as_deref_mut()
                .expect("workload")
                .think_time_for(rng, i)
        };
        // A surge multiplies the rate: the pause shrinks by its factor.
        let think = SimDuration::from_nanos(think.as_nanos() / u64::from(self.surge.max(1)));
        self.clients[i].idle_until = now.after(think);
    }

    /// Idle clients submit their next operation; overdue ones retry or record
    /// `info`.
    pub(super) fn act(&mut self, sim: &mut Simulation<N>) {
        self.surge = sim.surge();
        let now = sim.now();
        let nodes = sim.node_count();
        for i in 0..self.clients.len() {
            if let Some(p) = &self.clients[i].pending {
                if p.deadline <= now {
                    // Timed out: indeterminate, and the client becomes a new process.
                    self.history.info(self.clients[i].process, now.0);
                    self.finish(i, now);
                    self.clients[i].process = self.next_process;
                    self.next_process += 1;
                } else {
                    let last = p.node;
                    let retry_to = match p.wait {
                        Wait::Answer(Some(t)) if t <= now => {
                            let Clients {
                                workload, clients, ..
                            } = self;
                            let w = workload.as_deref_mut().expect("workload");
                            let rng = &mut clients[i].stream;
                            Some(w.retry_target(rng, i, last, None, nodes))
                        }
                        Wait::Backoff(t, node) if t <= now => Some(node),
                        _ => None,
                    };
                    if let Some(node) = retry_to {
                        self.send_attempt(sim, i, node);
                    }
                    continue;
                }
            }
            let client = &self.clients[i];
            if (self.liveness && client.live_done) || client.idle_until > now {
                continue;
            }
            let process = client.process;
            let next = self.next_op(i, process, nodes);
            let Some((node, op)) = next else {
                // Nothing more to do: in the liveness phase that counts as done.
                self.clients[i].live_done |= self.liveness;
                continue;
            };
            self.history.invoke(process, now.0, op.clone());
            self.clients[i].pending = Some(Pending {
                logged: self.log.invoked(),
                op,
                node,
                deadline: now.after(self.timeout),
                wait: Wait::Answer(None),
                attempts: Vec::new(),
            });
            self.send_attempt(sim, i, node);
        }
    }

    /// Client `i`'s next operation, from a stream of its own; none past the
    /// trimmed limit.
    fn next_op(&mut self, i: usize, process: u64, nodes: usize) -> Option<(NodeId, N::Op)> {
        let client = &mut self.clients[i];
        if self.ops_limit.is_some_and(|limit| client.started >= limit) {
            return None;
        }
        client.started += 1;
        client.stream = SimRng::for_operation(self.seed, i, client.started);
        let w = self.workload.as_deref_mut().expect("workload");
        w.next_op(&mut client.stream, i, process, nodes)
    }

    /// Records the answers that arrived.
    pub(super) fn collect(&mut self, sim: &mut Simulation<N>) {
        self.surge = sim.surge();
        for (op_id, at) in sim.take_handled() {
            self.log.handled(op_id, at);
        }
        for reply in sim.take_replies() {
            let Some(&i) = self.by_op.get(&reply.op_id) else {
                continue; // late, after the operation ended
            };
            let completion = self.workload().complete(&reply.reply);
            if let Completion::Retry { hint } = completion {
                self.schedule_retry(i, hint, reply.at, sim.node_count());
                continue;
            }
            let logged = self.clients[i].pending.as_ref().expect("pending").logged;
            self.log.answered(logged, reply.op_id);
            let process = self.clients[i].process;
            self.workload().observe(i, &reply.reply);
            match completion {
                Completion::Ok => self.history.ok(process, reply.at.0, reply.reply),
                Completion::Fail => self.history.fail(process, reply.at.0),
                Completion::Info => self.history.info(process, reply.at.0),
                Completion::Retry { .. } => unreachable!("a retry resends above"),
            }
            self.finish(i, reply.at);
            if self.liveness && completion == Completion::Ok {
                self.clients[i].live_done = true;
            }
        }
    }

    /// Client `i` was told to retry: it resends, after the workload's
    /// backoff, to the node the workload picks.
    fn schedule_retry(&mut self, i: usize, hint: Option<NodeId>, at: SimTime, nodes: usize) {
        let backoff = self.workload().retry_backoff();
        let Clients {
            workload, clients, ..
        } = self;
        let w = workload.as_deref_mut().expect("workload");
        let client = &mut clients[i];
        let p = client.pending.as_mut().expect("pending");
        let node = w.retry_target(&mut client.stream, i, p.node, hint, nodes);
        p.wait = Wait::Backoff(at.after(backoff), node);
    }

    /// The next time a client must act (a deadline, a retry, or the end of a
    /// pause before its next operation), if any.
    pub(super) fn next_action_time(&self, now: SimTime) -> Option<SimTime> {
        self.clients
            .iter()
            .filter_map(|c| match &c.pending {
                Some(p) => Some(match p.wait {
                    Wait::Answer(Some(t)) | Wait::Backoff(t, _) => t.min(p.deadline),
                    Wait::Answer(None) => p.deadline,
                }),
                // An idle client that is not pausing has nothing more to do.
                None => (c.idle_until > now).then_some(c.idle_until),
            })
            .min()
    }

    /// From now on, each client needs one operation to complete.
    pub(super) fn start_liveness(&mut self) {
        self.liveness = true;
    }

    /// Which clients made no progress in the liveness phase, and the
    /// operation each was waiting on (its latest attempt's node).
    pub(super) fn liveness_shortfall(&self) -> Option<String> {
        let stuck: Vec<&Client<N::Op>> = self.clients.iter().filter(|c| !c.live_done).collect();
        if stuck.is_empty() {
            return None;
        }
        let processes: Vec<u64> = stuck.iter().map(|c| c.process).collect();
        let waiting: Vec<String> = (stuck.iter())
            .filter_map(|c| {
                let p = c.pending.as_ref()?;
                Some(format!("{} waits on {:?} at {}", c.process, p.op, p.node))
            })
            .collect();
        let mut message =
            format!("after healing, no operation of processes {processes:?} completed");
        if !waiting.is_empty() {
            message.push_str(&format!(" ({})", waiting.join(", ")));
        }
        Some(message)
    }
}
