//! An async primary-backup service, written as ordinary async Rust the way
//! a team would write it for tokio: tasks, `madsim::net` endpoints,
//! `madsim::time` sleeps and timeouts. It is the example of a service that
//! is *not* a sans-IO state machine, run under the same fault plans,
//! clients, history and checkers as the engine's models.
//!
//! It replicates any [`Machine`]: the catalog runs it as `async-kv` (the
//! key-value store, checked by the `kv` spec) and as `async-counter` (a
//! counter, [`counter`], checked by the `counter` spec), each driven by its
//! own workload through the host's one client driver.
//!
//! The protocol is the `primary-backup` model's, in async form:
//! - node 0 is a [`coordinator`] that assigns a primary, backups and joining
//!   replicas per epoch (assumption, as in `primary-backup`: it crashes and
//!   restarts but never loses its disk);
//! - nodes 1 to 3 are [`replica`]s; the primary applies a client operation,
//!   ships its whole state to every backup and joining replica, and answers
//!   only when all of them acknowledged it;
//! - backups refuse state from an older epoch, which fences a deposed primary;
//! - the coordinator promotes only a backup (never a joining replica), drops
//!   a replica that stops heartbeating or that the primary reports, and
//!   readmits it as joining a second later.
//!
//! Its [`invariants`] are `primary-backup`'s: one primary per epoch, and
//! every acknowledged write survives every failover. Module map:
//! - [`machine`]: what the service replicates, and the key-value store as one.
//! - [`counter`]: a counter as one, with its clients and its check.
//! - [`messages`]: what nodes say to each other, and the membership record.
//! - [`coordinator`]: node 0.
//! - [`replica`]: nodes 1 to 3.
//! - [`invariants`]: the observer the replicas report to.

pub mod coordinator;
pub mod counter;
pub mod invariants;
pub mod machine;
pub mod messages;
pub mod replica;

pub use machine::Machine;

use crate::faults::FocusHook;
use crate::netlayer::LinkState;
use invariants::Invariants;
use madsim::runtime::Handle;
use madsim::time::Instant;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Servers: the coordinator and three replicas.
pub const NODES: usize = 4;
/// How often a replica heartbeats to the coordinator.
pub const HEARTBEAT: Duration = Duration::from_millis(50);
/// Silence after which the coordinator counts a replica as gone.
pub const SUSPECT_AFTER: Duration = Duration::from_millis(400);
/// How long a dropped replica waits before it is readmitted as joining.
pub const READMIT_AFTER: Duration = Duration::from_secs(1);
/// How long a primary waits for every backup to acknowledge a state.
pub const ROUND_TIMEOUT: Duration = Duration::from_millis(100);

sim::bug_switches! {
    /// The service's bug switch.
    pub enum AsyncPbBug {
        /// The primary spawns the replication of a write and answers without
        /// awaiting it: the classic forgotten `.await` on a join handle. A
        /// write acknowledged just before a failover is lost.
        UnawaitedReplication = "unawaited-replication", caught by All within 100,
    }
}

/// Starts the coordinator and the replicas; returns their madsim ids (node
/// `i` first), the invariants they report to, and the service's focus: the
/// primary the coordinator has assigned.
pub fn start<M: Machine>(
    handle: &Handle,
    seed: u64,
    epoch: Instant,
    links: LinkState,
    bug: Option<AsyncPbBug>,
) -> (Vec<madsim::task::NodeId>, Arc<Mutex<Invariants>>, FocusHook) {
    let invariants = Arc::new(Mutex::new(Invariants::new(epoch)));
    let (coordinator, membership) = coordinator::start::<M>(handle, seed, links.clone());
    let primary: FocusHook = Arc::new(move || Some(membership.lock().expect("one thread").primary));
    let mut ids = vec![coordinator];
    for i in 1..NODES {
        ids.push(replica::start::<M>(
            handle,
            i,
            seed,
            links.clone(),
            invariants.clone(),
            bug,
        ));
    }
    (ids, invariants, primary)
}
