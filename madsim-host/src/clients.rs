//! Key-value clients as async tasks on their own madsim node (`10.0.1.1`),
//! talking to the servers over madsim's network, so partitions cut clients
//! off too. Each client follows the same rules as in the engine's harness
//! ([`sim::scenario`] with [`models::kv::KvClients`]): one operation at a time,
//! redirects followed, a silent attempt retried at another node with the same
//! sequence number, and `info` (a fresh process) at the client timeout.

use crate::wire::{client_addr, server_addr, since, TAG_REPLY, TAG_REQUEST};
use madsim::net::Endpoint;
use madsim::time::{sleep, timeout, Instant};
use models::kv::{KvClients, KvReply, KvRequest};
use sim::history::History;
use sim::scenario::Completion;
use sim::{OpId, SimDuration, SimRng};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What every client of a run shares.
pub struct ClientShared {
    /// The history all clients record.
    pub history: Mutex<History<KvRequest, KvReply>>,
    /// The next process id for a client that timed out.
    pub next_process: AtomicU64,
    /// When the run began.
    pub epoch: Instant,
    /// How many servers there are.
    pub servers: usize,
    /// How long an operation may take before it is recorded as `info`.
    pub client_timeout: SimDuration,
}

/// The pause before following a redirect: the harness's default
/// ([`sim::scenario::Workload::retry_backoff`]), which [`KvClients`] keeps.
const REDIRECT_BACKOFF: SimDuration = SimDuration::from_millis(5);

fn duration(d: SimDuration) -> Duration {
    Duration::from_nanos(d.as_nanos())
}

/// Client `c` runs operations until `until` (virtual time since the epoch).
pub async fn run_client(c: u64, seed: u64, until: SimDuration, shared: Arc<ClientShared>) {
    let ep = Endpoint::bind(client_addr(c)).await.expect("bind");
    let mut rng = SimRng::from_seed_and_label(seed, &format!("madsim-client-{c}"));
    let mut workload = KvClients::default();
    let slot = c as usize;
    let mut process = c;
    let mut attempt_ids: u64 = 0;
    let now = || since(shared.epoch).as_nanos();
    while now() < until.as_nanos() {
        let next = workload.next_op(&mut rng, slot, process, shared.servers);
        let Some((mut target, request)) = next else {
            return;
        };
        shared
            .history
            .lock()
            .expect("one thread")
            .invoke(process, now(), request);
        let deadline = now() + shared.client_timeout.as_nanos();
        let mut attempts: Vec<OpId> = Vec::new();
        let reply = loop {
            attempt_ids += 1;
            let op = OpId(c << 32 | attempt_ids);
            attempts.push(op);
            let msg = Box::new((op, request));
            let _ = ep
                .send_to_raw(server_addr(target.index()), TAG_REQUEST, msg)
                .await;
            let attempt = workload.attempt_timeout().unwrap_or(shared.client_timeout);
            let left = deadline.saturating_sub(now());
            let wait = Duration::from_nanos(left.min(attempt.as_nanos()));
            match timeout(wait, answer(&ep, &attempts)).await {
                Ok(reply) => match workload.complete(&reply) {
                    Completion::Retry { hint } => {
                        target =
                            workload.retry_target(&mut rng, slot, target, hint, shared.servers);
                        sleep(duration(REDIRECT_BACKOFF)).await;
                    }
                    _ => break Some(reply),
                },
                Err(_) if now() >= deadline => break None,
                Err(_) => {
                    target = workload.retry_target(&mut rng, slot, target, None, shared.servers);
                }
            }
            if now() >= deadline {
                break None;
            }
        };
        {
            let mut history = shared.history.lock().expect("one thread");
            match reply {
                Some(reply) => history.ok(process, now(), reply),
                None => {
                    history.info(process, now());
                    process = shared.next_process.fetch_add(1, Ordering::SeqCst);
                }
            }
        }
        sleep(duration(workload.think_time(&mut rng))).await;
    }
}

/// The next answer to one of `attempts` (answers to older operations are dropped).
async fn answer(ep: &Endpoint, attempts: &[OpId]) -> KvReply {
    loop {
        let Ok((payload, _)) = ep.recv_from_raw(TAG_REPLY).await else {
            continue;
        };
        let (op, reply) = *payload.downcast::<(OpId, KvReply)>().expect("an answer");
        if attempts.contains(&op) {
            return reply;
        }
    }
}
