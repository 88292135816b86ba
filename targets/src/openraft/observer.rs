//! Raft's safety, judged from outside openraft: what its log store saves
//! and what its state machine applies, on every node, across crashes.
//!
//! - **Election safety**: at most one node wins a term. A node's log store
//!   sees a committed vote (granted by a quorum) when it or its leader won;
//!   two winners of one term break it. The cluster runs openraft's standard
//!   leader ids (`leader_id_std`), under which this is openraft's promise.
//! - **State-machine safety**: no two nodes apply different entries at one
//!   index. An entry is its term and what it carries (the client request,
//!   or nothing for openraft's own entries): Raft's log matching makes the
//!   index and term name one entry, and two entries that share them but
//!   carry different requests break it. A committed prefix that changed
//!   shows here.
//! - **Durable commit**: an entry any node applies is on the synced disks
//!   of a quorum. Raft commits an entry once a majority stored it, and a
//!   crash must not lose a committed entry, so "stored" means synced.

use crate::openraft::Clock as Instant;
use faultline::madsim_host::violation::Violation;
use faultline::madsim_host::wire::since;
use faultline::models::kv::KvRequest;
use std::collections::BTreeMap;
use std::sync::Mutex;

/// What every node has shown so far, and the first property broken.
#[derive(Debug, Default)]
struct Seen {
    /// Per term: the node that won it, and the node that saw it first.
    winners: BTreeMap<u64, (u64, u64)>,
    /// Per index: the entry applied there, and the node that applied it
    /// first.
    applied: BTreeMap<u64, (Applied, u64)>,
    violation: Option<Violation>,
}

/// An applied entry: its term and the request it carries (`None`: one of
/// openraft's own entries, a blank or a membership).
pub type Applied = (u64, Option<KvRequest>);

/// What a node's synced disk holds at an index: the term of the entry
/// there, if there is one.
pub type SyncedTerm = Box<dyn Fn(u64) -> Option<u64> + Send + Sync>;

/// The run's observer, shared by every node's log store and state machine.
pub struct Observer {
    epoch: Instant,
    seen: Mutex<Seen>,
    disks: Vec<SyncedTerm>,
}

impl std::fmt::Debug for Observer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Observer")
            .field("seen", &self.seen)
            .finish()
    }
}

/// The properties the observer checks, as the catalog lists them.
pub const PROPERTIES: &[&str] = &[
    "election safety (one winner per term)",
    "state-machine safety (one entry per applied index)",
    "durable commit (an applied entry is synced on a quorum)",
];

impl Observer {
    /// An observer of the run that began at `epoch`, reading each node's
    /// synced disk through `disks` (node 0 first).
    pub fn new(epoch: Instant, disks: Vec<SyncedTerm>) -> Observer {
        Observer {
            epoch,
            seen: Mutex::default(),
            disks,
        }
    }

    /// `by` saved a committed vote: `leader` won `term`.
    pub fn won_term(&self, by: u64, term: u64, leader: u64) {
        let mut seen = self.seen.lock().expect("one thread");
        let (winner, first) = *seen.winners.entry(term).or_insert((leader, by));
        if winner != leader {
            let message = format!(
                "election safety: term {term} has two leaders, node {winner} (seen by node \
                 {first}) and node {leader} (seen by node {by})"
            );
            self.report(&mut seen, message);
        }
    }

    /// `node` applied `entry` at `index`.
    pub fn applied(&self, node: u64, index: u64, entry: Applied) {
        let mut seen = self.seen.lock().expect("one thread");
        let (was, first) = *seen.applied.entry(index).or_insert((entry, node));
        if was != entry {
            let message = format!(
                "state-machine safety: at index {index} node {first} applied {}, node {node} \
                 applied {}",
                describe(&was),
                describe(&entry)
            );
            self.report(&mut seen, message);
        }
        let term = entry.0;
        let holders: Vec<usize> = (0..self.disks.len())
            .filter(|&n| self.disks[n](index) == Some(term))
            .collect();
        if holders.len() <= self.disks.len() / 2 {
            let message = format!(
                "durable commit: node {node} applied the entry of term {term} at index {index}, \
                 which only nodes {holders:?} of {} have synced",
                self.disks.len()
            );
            self.report(&mut seen, message);
        }
    }

    /// openraft on `node` could not start: a broken contract (of the
    /// adapter's storage, most likely) that the run reports.
    pub fn fatal(&self, node: u64, why: &str) {
        let mut seen = self.seen.lock().expect("one thread");
        self.report(&mut seen, format!("openraft on node {node} stopped: {why}"));
    }

    /// The winner of the newest term won so far: what focused faults hit.
    pub fn leader(&self) -> Option<usize> {
        let seen = self.seen.lock().expect("one thread");
        let (_, (winner, _)) = seen.winners.last_key_value()?;
        usize::try_from(*winner).ok()
    }

    /// The first property broken, if any.
    pub fn violation(&self) -> Option<Violation> {
        self.seen.lock().expect("one thread").violation.clone()
    }

    fn report(&self, seen: &mut Seen, message: String) {
        if seen.violation.is_none() {
            seen.violation = Some(Violation {
                at: since(self.epoch),
                message,
            });
        }
    }
}

/// `the entry of term 2 carrying client 1 #4: append 1 1000004`.
fn describe((term, request): &Applied) -> String {
    match request {
        Some(request) => format!("the entry of term {term} carrying {request}"),
        None => format!("openraft's own entry of term {term}"),
    }
}
