//! The clients: a read-heavy workload over a few keys. Each client slot is a
//! session: it writes to the primary, reads from the replicas the
//! registry names (in turn). A quarter of its reads carry its session
//! token, the latest version it wrote or read, for read-your-writes and
//! monotonic reads; half ask only for the staleness bound; a quarter ask
//! for neither, and are served however stale, but the library takes no
//! answer older than one it has seen (monotonic reads). And what the checks make of the history.

use super::messages::{ReadMode, RrOp, RrReply};
use super::{RrNode, PRIMARY};
use sim::history::{EventKind, History};
use sim::scenario::{Completion, Workload};
use sim::staleness::{Promise, Read, ReadHistory, Write};
use sim::{NodeId, SimDuration, SimRng};
use std::collections::BTreeMap;

/// How many keys.
pub const KEYS: u64 = 4;
/// Reads per ten operations.
pub const READS_IN_TEN: u64 = 8;

/// One session's state in the client library.
#[derive(Clone, Debug, Default)]
struct Session {
    /// The latest version written or read: the session token.
    token: u64,
    /// The latest version read: no answer older than it is accepted.
    read_high: u64,
    seq: u32,
    turn: usize,
}

/// The clients' workload.
#[derive(Clone, Debug, Default)]
pub struct ReplicaClients {
    sessions: Vec<Session>,
    /// The replicas serving reads, as the primary last said.
    registry: Vec<NodeId>,
}

impl ReplicaClients {
    fn read_high(&self, client: u16) -> u64 {
        self.sessions
            .get(usize::from(client))
            .map_or(0, |s| s.read_high)
    }

    fn session(&mut self, client: usize) -> &mut Session {
        if self.sessions.len() <= client {
            self.sessions.resize_with(client + 1, Session::default);
        }
        &mut self.sessions[client]
    }
}

impl Workload<RrNode> for ReplicaClients {
    fn next_op(
        &mut self,
        rng: &mut SimRng,
        client: usize,
        _: u64,
        _: usize,
    ) -> Option<(NodeId, RrOp)> {
        let key = rng.below(KEYS);
        let registry = self.registry.clone();
        let s = self.session(client);
        if rng.below(10) >= READS_IN_TEN {
            s.seq += 1;
            let value = (client as u64) << 32 | u64::from(s.seq);
            let op = RrOp::Write {
                client: client as u16,
                seq: s.seq,
                key,
                value,
            };
            return Some((PRIMARY, op));
        }
        s.turn += 1;
        let target = match registry.len() {
            0 => PRIMARY,
            n => registry[(client + s.turn) % n],
        };
        let mode = match rng.below(4) {
            0 => ReadMode::Session { token: s.token },
            1 => ReadMode::Monotonic,
            _ => ReadMode::Bounded,
        };
        let client = client as u16;
        Some((target, RrOp::Read { client, key, mode }))
    }

    fn complete(&self, reply: &RrReply) -> Completion {
        match reply {
            // The library's own check for a read with no token: an answer
            // older than one this session has seen is not taken; the
            // primary is never behind.
            RrReply::Value {
                client,
                at,
                mode: ReadMode::Monotonic,
                ..
            } if *at < self.read_high(*client) => Completion::Retry {
                hint: Some(PRIMARY),
            },
            RrReply::Written { .. } | RrReply::Value { .. } => Completion::Ok,
            RrReply::Redirect { to } => Completion::Retry { hint: Some(*to) },
        }
    }

    fn observe(&mut self, client: usize, reply: &RrReply) {
        let (version, registry) = match reply {
            RrReply::Written { version, registry } => (*version, Some(registry)),
            RrReply::Value {
                at, registry, by, ..
            } => (*at, (*by == PRIMARY).then_some(registry)),
            RrReply::Redirect { .. } => return,
        };
        let s = self.session(client);
        s.token = s.token.max(version);
        if matches!(reply, RrReply::Value { .. }) {
            s.read_high = s.read_high.max(version);
        }
        if let Some(registry) = registry {
            self.registry = registry.clone();
        }
    }

    fn attempt_timeout(&self) -> Option<SimDuration> {
        Some(SimDuration::from_millis(100))
    }

    fn retry_target(
        &mut self,
        _: &mut SimRng,
        _: usize,
        _: NodeId,
        hint: Option<NodeId>,
        _: usize,
    ) -> NodeId {
        // A silent replica or a redirect: the primary always answers reads.
        hint.unwrap_or(PRIMARY)
    }

    fn think_time(&mut self, rng: &mut SimRng) -> SimDuration {
        SimDuration::from_millis(rng.between(1, 10))
    }
}

/// The kind of an operation, for latency per kind.
pub fn op_kind(op: &RrOp) -> &'static str {
    match op {
        RrOp::Write { .. } => "write",
        RrOp::Read { .. } => "read",
    }
}

/// Who served a completed read: "replica" or "primary"; `None` for a write.
pub fn served_by(reply: &RrReply) -> Option<&'static str> {
    match reply {
        RrReply::Value { by, .. } if *by == PRIMARY => Some("primary"),
        RrReply::Value { .. } => Some("replica"),
        _ => None,
    }
}

/// What a read of `mode` promises.
pub fn promise(mode: ReadMode) -> Promise {
    match mode {
        ReadMode::Session { .. } => Promise::Session,
        ReadMode::Bounded => Promise::Bounded,
        ReadMode::Monotonic => Promise::Monotonic,
    }
}

/// The run's history as the read-guarantee checker takes it: sessions are
/// client slots; reads that were not answered say nothing and are left out.
pub fn read_history(history: &History<RrOp, RrReply>) -> ReadHistory {
    let mut pending: BTreeMap<u64, (u64, RrOp)> = BTreeMap::new();
    let mut out = ReadHistory::default();
    for e in &history.events {
        let (call, op) = match &e.kind {
            EventKind::Invoke(op) => {
                pending.insert(e.process, (e.time, *op));
                continue;
            }
            _ => match pending.remove(&e.process) {
                Some(p) => p,
                None => continue,
            },
        };
        let session = u64::from(op.client());
        match (op, &e.kind) {
            (RrOp::Write { key, value, .. }, EventKind::Ok(RrReply::Written { version, .. })) => {
                let (ret, version) = (Some(e.time), Some(*version));
                out.writes.push(Write {
                    session,
                    call,
                    ret,
                    key,
                    value,
                    version,
                });
            }
            (RrOp::Write { key, value, .. }, _) => {
                out.writes.push(Write {
                    session,
                    call,
                    ret: None,
                    key,
                    value,
                    version: None,
                });
            }
            (RrOp::Read { key, mode, .. }, EventKind::Ok(RrReply::Value { value, at, .. })) => {
                let (value, at, ret, promise) = (*value, *at, e.time, promise(mode));
                out.reads.push(Read {
                    session,
                    call,
                    ret,
                    key,
                    value,
                    at,
                    promise,
                });
            }
            _ => {}
        }
    }
    // A write still pending at the end may have taken effect.
    for (call, op) in pending.into_values() {
        if let RrOp::Write {
            client, key, value, ..
        } = op
        {
            let session = u64::from(client);
            out.writes.push(Write {
                session,
                call,
                ret: None,
                key,
                value,
                version: None,
            });
        }
    }
    out
}
