//! The client driver: any service's clients as async tasks on their own
//! madsim node (`10.0.1.1`), talking to the servers over madsim's network,
//! so partitions cut clients off too.
//!
//! The service is named by its [`Interface`] (the operation and reply
//! types) and driven by any [`Workload`] of it, the same trait the engine's
//! harness drives: one operation at a time per client, redirects followed
//! after the workload's backoff, a silent attempt retried elsewhere, and
//! `info` (a fresh process) at the client timeout. On the wire a request is
//! `(OpId, Op)` under [`TAG_REQUEST`] to the server's address, and the
//! answer `(OpId, Reply)` under [`TAG_REPLY`] to the client's
//! ([`crate::wire`]).
//!
//! After the safety phase comes the liveness phase: the faults are healed,
//! and each client must then see one operation complete ok.

use crate::netlayer::LinkState;
use crate::wire::{client_addr, node_of, server_addr, since, TAG_REPLY, TAG_REQUEST};
use madsim::net::Endpoint;
use madsim::time::{sleep, timeout, Instant};
use sim::history::History;
use sim::scenario::{Completion, Interface, Workload};
use sim::trace::TraceEvent;
use sim::{NodeId, OpId, SimDuration, SimRng};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// An operation or reply the driver can carry over madsim's network.
pub trait Payload: Clone + Send + Sync + 'static {}

impl<T: Clone + Send + Sync + 'static> Payload for T {}

/// What every client of a run shares.
pub struct ClientShared<S: Interface, W> {
    /// The history all clients record.
    pub history: Mutex<History<S::Op, S::Reply>>,
    /// The workload, one for all clients (it keeps per-slot state).
    pub workload: Mutex<W>,
    /// The next process id for a client that timed out.
    pub next_process: AtomicU64,
    /// When the run began.
    pub epoch: Instant,
    /// How many servers there are.
    pub servers: usize,
    /// How long an operation may take before it is recorded as `info`.
    pub client_timeout: SimDuration,
    /// When the liveness phase begins (virtual time since the epoch).
    pub heal_at: SimDuration,
    /// Per client: whether an operation completed ok in the liveness phase
    /// (or its workload had nothing more to send).
    pub live: Mutex<Vec<bool>>,
    /// The run's links, where client events are traced.
    pub links: LinkState,
}

impl<S: Interface, W> ClientShared<S, W> {
    /// The processes of the clients that made no progress in the liveness
    /// phase, as a failure message; `None` when each made some.
    pub fn liveness_shortfall(&self) -> Option<String> {
        let live = self.live.lock().expect("one thread");
        let stuck: Vec<usize> = (0..live.len()).filter(|&c| !live[c]).collect();
        (!stuck.is_empty())
            .then(|| format!("after healing, no operation of clients {stuck:?} completed"))
    }
}

fn duration(d: SimDuration) -> Duration {
    Duration::from_nanos(d.as_nanos())
}

/// How one operation ended.
enum Ended<R> {
    Answered(Completion, R),
    TimedOut,
}

/// Client `c` runs operations until `until` (virtual time since the
/// epoch), or, in the liveness phase, until one completes ok.
pub async fn run_client<S, W>(
    c: u64,
    seed: u64,
    until: SimDuration,
    shared: Arc<ClientShared<S, W>>,
) where
    S: Interface,
    S::Op: Payload,
    S::Reply: Payload,
    W: Workload<S>,
{
    let ep = Endpoint::bind(client_addr(c)).await.expect("bind");
    let mut rng = SimRng::from_seed_and_label(seed, &format!("madsim-client-{c}"));
    let slot = c as usize;
    let mut process = c;
    let mut attempts: u64 = 0;
    let now = || since(shared.epoch).as_nanos();
    while now() < until.as_nanos() {
        let next = lock(&shared.workload).next_op(&mut rng, slot, process, shared.servers);
        let Some((target, request)) = next else {
            shared.live.lock().expect("one thread")[slot] = true;
            return;
        };
        let invoked = now();
        record(&shared, |h| h.invoke(process, invoked, request.clone()));
        let ended = attempt(&ep, c, &mut attempts, (target, request), &mut rng, &shared).await;
        let at = now();
        match ended {
            Ended::Answered(completion, reply) => {
                lock(&shared.workload).observe(slot, &reply);
                match completion {
                    Completion::Fail => record(&shared, |h| h.fail(process, at)),
                    Completion::Info => record(&shared, |h| h.info(process, at)),
                    _ => record(&shared, |h| h.ok(process, at, reply)),
                }
                if completion == Completion::Info {
                    process = shared.next_process.fetch_add(1, Ordering::SeqCst);
                } else if completion == Completion::Ok && at >= shared.heal_at.as_nanos() {
                    shared.live.lock().expect("one thread")[slot] = true;
                    return;
                }
            }
            Ended::TimedOut => {
                record(&shared, |h| h.info(process, at));
                process = shared.next_process.fetch_add(1, Ordering::SeqCst);
            }
        }
        let think = lock(&shared.workload).think_time_for(&mut rng, slot);
        sleep(duration(think)).await;
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().expect("one thread")
}

fn record<S: Interface, W>(
    shared: &ClientShared<S, W>,
    event: impl FnOnce(&mut History<S::Op, S::Reply>),
) {
    event(&mut lock(&shared.history));
}

/// Sends `op` to `target`, following redirects and retrying silence
/// elsewhere, until an answer that is not a retry or the client timeout.
async fn attempt<S, W>(
    ep: &Endpoint,
    c: u64,
    attempt_ids: &mut u64,
    (mut target, request): (NodeId, S::Op),
    rng: &mut SimRng,
    shared: &ClientShared<S, W>,
) -> Ended<S::Reply>
where
    S: Interface,
    S::Op: Payload,
    S::Reply: Payload,
    W: Workload<S>,
{
    let slot = c as usize;
    let now = || since(shared.epoch).as_nanos();
    let deadline = now() + shared.client_timeout.as_nanos();
    let mut attempts: Vec<OpId> = Vec::new();
    loop {
        *attempt_ids += 1;
        let op = OpId(c << 32 | *attempt_ids);
        attempts.push(op);
        let msg = Box::new((op, request.clone()));
        let sent = |at| TraceEvent::ClientOp {
            at,
            node: target,
            op_id: op.0,
            digest: 0,
        };
        shared.links.note(sent, || format!("{request:?}"));
        let _ = ep
            .send_to_raw(server_addr(target.index()), TAG_REQUEST, msg)
            .await;
        let (per_attempt, backoff) = {
            let w = lock(&shared.workload);
            (w.attempt_timeout(), w.retry_backoff())
        };
        let left = deadline.saturating_sub(now());
        let wait = left.min(per_attempt.unwrap_or(shared.client_timeout).as_nanos());
        let answered = timeout(Duration::from_nanos(wait), answer::<S>(ep, &attempts)).await;
        if let Ok((op, from, reply)) = &answered {
            let answered = |at| TraceEvent::ClientReply {
                at,
                node: *from,
                op_id: op.0,
                digest: 0,
            };
            shared.links.note(answered, || format!("{reply:?}"));
        }
        let answered = answered.map(|(_, _, reply)| reply);
        let retarget = |rng: &mut SimRng, last, hint| {
            let mut w = lock(&shared.workload);
            w.retry_target(rng, slot, last, hint, shared.servers)
        };
        match answered {
            Ok(reply) => {
                let completion = lock(&shared.workload).complete(&reply);
                let Completion::Retry { hint } = completion else {
                    return Ended::Answered(completion, reply);
                };
                target = retarget(rng, target, hint);
                sleep(duration(backoff)).await;
            }
            Err(_) if now() >= deadline => return Ended::TimedOut,
            Err(_) => target = retarget(rng, target, None),
        }
        if now() >= deadline {
            return Ended::TimedOut;
        }
    }
}

/// The next answer to one of `attempts` (answers to older operations are
/// dropped), with its operation and the node that sent it.
async fn answer<S: Interface>(ep: &Endpoint, attempts: &[OpId]) -> (OpId, NodeId, S::Reply)
where
    S::Reply: Payload,
{
    loop {
        let Ok((payload, from)) = ep.recv_from_raw(TAG_REPLY).await else {
            continue;
        };
        let (op, reply) = *payload
            .downcast::<(OpId, S::Reply)>()
            .expect("an answer of the service's reply type");
        if attempts.contains(&op) {
            return (op, node_of(from), reply);
        }
    }
}
