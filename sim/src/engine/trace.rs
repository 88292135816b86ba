//! The trace: every event of a run, a rolling hash of them, and a stable text form.
//!
//! The hash is always computed: each event is folded in word by word with a
//! multiply-rotate mixer, which costs a few cycles and allocates nothing. Keeping
//! the events themselves (with a `Debug` rendering of each payload) is optional,
//! because it allocates. Two runs with equal hashes performed the same events in
//! the same order at the same virtual times with the same payload digests.
//!
//! The fold is written out by hand for every variant rather than derived, so the
//! hash of a run depends only on this file, not on how `#[derive(Hash)]` happens
//! to feed a hasher.

use crate::fault::Fault;
use crate::node_id::NodeId;
use crate::time::SimTime;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::hash::{Hash, Hasher};

/// The mixer: FxHash-style rotate, xor, multiply.
#[inline(always)]
pub fn mix(h: u64, v: u64) -> u64 {
    (h.rotate_left(5) ^ v).wrapping_mul(0x517c_c1b7_2722_0a95)
}

/// The hash of an empty trace.
pub const EMPTY_TRACE_HASH: u64 = 0xcbf2_9ce4_8422_2325;

/// A `Hasher` over [`mix`], used to digest payloads (messages, timers, ops).
#[derive(Clone, Copy, Debug)]
pub struct WordHasher(u64);

impl Default for WordHasher {
    fn default() -> Self {
        WordHasher(EMPTY_TRACE_HASH)
    }
}

impl Hasher for WordHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.0 = mix(
                self.0,
                u64::from_le_bytes(c.try_into().expect("8-byte chunk")),
            );
        }
        let rest = chunks.remainder();
        let mut last = [0u8; 8];
        last[..rest.len()].copy_from_slice(rest);
        self.0 = mix(
            self.0,
            u64::from_le_bytes(last) ^ ((rest.len() as u64) << 56),
        );
    }
    fn write_u8(&mut self, i: u8) {
        self.0 = mix(self.0, u64::from(i));
    }
    fn write_u16(&mut self, i: u16) {
        self.0 = mix(self.0, u64::from(i));
    }
    fn write_u32(&mut self, i: u32) {
        self.0 = mix(self.0, u64::from(i));
    }
    fn write_u64(&mut self, i: u64) {
        self.0 = mix(self.0, i);
    }
    fn write_usize(&mut self, i: usize) {
        self.0 = mix(self.0, i as u64);
    }
    fn write_i64(&mut self, i: i64) {
        self.0 = mix(self.0, i as u64);
    }
    fn write_isize(&mut self, i: isize) {
        self.0 = mix(self.0, i as u64);
    }
}

/// The digest of a payload, as recorded in the trace.
#[inline]
pub fn digest<T: Hash + ?Sized>(value: &T) -> u64 {
    let mut h = WordHasher::default();
    value.hash(&mut h);
    h.finish()
}

/// Why a message was not delivered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DropReason {
    /// A partition blocked the link at send or at arrival.
    Partitioned,
    /// The link's drop probability fired.
    Lost,
    /// The receiver was crashed when the message arrived.
    NodeDown,
}

/// One event of a run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "event")]
pub enum TraceEvent {
    /// A node's start handler ran.
    Start {
        /// Virtual time.
        at: SimTime,
        /// The node.
        node: NodeId,
    },
    /// A node sent a message.
    Send {
        /// Virtual time.
        at: SimTime,
        /// Sender.
        from: NodeId,
        /// Receiver.
        to: NodeId,
        /// Unique per send; copies share it.
        msg_id: u64,
        /// Digest of the payload.
        digest: u64,
    },
    /// A message reached its receiver's handler.
    Deliver {
        /// Virtual time.
        at: SimTime,
        /// Sender.
        from: NodeId,
        /// Receiver.
        to: NodeId,
        /// The send's id.
        msg_id: u64,
    },
    /// A message was lost.
    Drop {
        /// Virtual time.
        at: SimTime,
        /// Sender.
        from: NodeId,
        /// Receiver.
        to: NodeId,
        /// The send's id.
        msg_id: u64,
        /// Why.
        reason: DropReason,
    },
    /// The network made a second copy of a message.
    Duplicate {
        /// Virtual time.
        at: SimTime,
        /// Sender.
        from: NodeId,
        /// Receiver.
        to: NodeId,
        /// The send's id.
        msg_id: u64,
    },
    /// A timer fired.
    Timer {
        /// Virtual time.
        at: SimTime,
        /// The node.
        node: NodeId,
        /// Digest of the timer's payload.
        digest: u64,
    },
    /// A client operation reached a node.
    ClientOp {
        /// Virtual time.
        at: SimTime,
        /// The node.
        node: NodeId,
        /// The operation's id.
        op_id: u64,
        /// Digest of the operation.
        digest: u64,
    },
    /// A node answered a client operation.
    ClientReply {
        /// Virtual time.
        at: SimTime,
        /// The node.
        node: NodeId,
        /// The operation's id.
        op_id: u64,
        /// Digest of the reply.
        digest: u64,
    },
    /// A node crashed.
    Crash {
        /// Virtual time.
        at: SimTime,
        /// The node.
        node: NodeId,
        /// How many unsynced storage changes were lost.
        lost_writes: u64,
    },
    /// Any other fault or heal took effect.
    Fault {
        /// Virtual time.
        at: SimTime,
        /// The fault.
        fault: Fault,
    },
}

impl TraceEvent {
    /// The virtual time of the event.
    pub fn at(&self) -> SimTime {
        match self {
            TraceEvent::Start { at, .. }
            | TraceEvent::Send { at, .. }
            | TraceEvent::Deliver { at, .. }
            | TraceEvent::Drop { at, .. }
            | TraceEvent::Duplicate { at, .. }
            | TraceEvent::Timer { at, .. }
            | TraceEvent::ClientOp { at, .. }
            | TraceEvent::ClientReply { at, .. }
            | TraceEvent::Crash { at, .. }
            | TraceEvent::Fault { at, .. } => *at,
        }
    }

    /// Folds the event into a rolling hash.
    #[inline]
    pub fn fold(&self, h: u64) -> u64 {
        let n = |id: &NodeId| u64::from(id.0);
        match self {
            TraceEvent::Start { at, node } => mix(mix(mix(h, 1), at.0), n(node)),
            TraceEvent::Send {
                at,
                from,
                to,
                msg_id,
                digest,
            } => mix(
                mix(mix(mix(mix(h, 2), at.0), (n(from) << 32) | n(to)), *msg_id),
                *digest,
            ),
            TraceEvent::Deliver {
                at,
                from,
                to,
                msg_id,
            } => mix(mix(mix(mix(h, 3), at.0), (n(from) << 32) | n(to)), *msg_id),
            TraceEvent::Drop {
                at,
                from,
                to,
                msg_id,
                reason,
            } => {
                let r = match reason {
                    DropReason::Partitioned => 1,
                    DropReason::Lost => 2,
                    DropReason::NodeDown => 3,
                };
                mix(
                    mix(mix(mix(mix(h, 4), at.0), (n(from) << 32) | n(to)), *msg_id),
                    r,
                )
            }
            TraceEvent::Duplicate {
                at,
                from,
                to,
                msg_id,
            } => mix(mix(mix(mix(h, 5), at.0), (n(from) << 32) | n(to)), *msg_id),
            TraceEvent::Timer { at, node, digest } => {
                mix(mix(mix(mix(h, 6), at.0), n(node)), *digest)
            }
            TraceEvent::ClientOp {
                at,
                node,
                op_id,
                digest,
            } => mix(mix(mix(mix(mix(h, 7), at.0), n(node)), *op_id), *digest),
            TraceEvent::ClientReply {
                at,
                node,
                op_id,
                digest,
            } => mix(mix(mix(mix(mix(h, 8), at.0), n(node)), *op_id), *digest),
            TraceEvent::Crash {
                at,
                node,
                lost_writes,
            } => mix(mix(mix(mix(h, 9), at.0), n(node)), *lost_writes),
            TraceEvent::Fault { at, fault } => mix(mix(mix(h, 10), at.0), digest(fault)),
        }
    }
}

impl fmt::Display for TraceEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:>16}  ", self.at().to_string())?;
        match self {
            TraceEvent::Start { node, .. } => write!(f, "{node} start"),
            TraceEvent::Send {
                from, to, msg_id, ..
            } => write!(f, "{from} -> {to} send #{msg_id}"),
            TraceEvent::Deliver {
                from, to, msg_id, ..
            } => write!(f, "{from} -> {to} deliver #{msg_id}"),
            TraceEvent::Drop {
                from,
                to,
                msg_id,
                reason,
                ..
            } => {
                let why = match reason {
                    DropReason::Partitioned => "partitioned",
                    DropReason::Lost => "lost",
                    DropReason::NodeDown => "node down",
                };
                write!(f, "{from} -> {to} drop #{msg_id} ({why})")
            }
            TraceEvent::Duplicate {
                from, to, msg_id, ..
            } => write!(f, "{from} -> {to} duplicate #{msg_id}"),
            TraceEvent::Timer { node, .. } => write!(f, "{node} timer"),
            TraceEvent::ClientOp { node, op_id, .. } => write!(f, "{node} client op #{op_id}"),
            TraceEvent::ClientReply { node, op_id, .. } => write!(f, "{node} reply to op #{op_id}"),
            TraceEvent::Crash {
                node, lost_writes, ..
            } => write!(f, "{node} crash (lost {lost_writes} unsynced writes)"),
            TraceEvent::Fault { fault, .. } => {
                let text = serde_json::to_string(fault).map_err(|_| fmt::Error)?;
                write!(f, "fault {text}")
            }
        }
    }
}

/// A recorded event with a rendering of its payload (empty when it has none).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TraceRecord {
    /// The event.
    pub event: TraceEvent,
    /// `Debug` of the payload, if any.
    pub detail: String,
}

impl fmt::Display for TraceRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.detail.is_empty() {
            write!(f, "{}", self.event)
        } else {
            write!(f, "{}  {}", self.event, self.detail)
        }
    }
}

/// The most events a trace records (about 150 MB of records): past it the
/// hash and the count go on, and recording stops, so a replay of a run that
/// runs away keeps bounded memory. See [`is_cut`].
pub const MAX_RECORDED: usize = 1 << 20;

/// True when `records` stopped at [`MAX_RECORDED`]: the run may have gone
/// on past the last record shown.
pub fn is_cut(records: &[TraceRecord]) -> bool {
    records.len() >= MAX_RECORDED
}

/// The trace of a run: the rolling hash, a count, and optionally its
/// events, the first [`MAX_RECORDED`] of them.
///
/// A recording trace also notes when each node synced its storage. Syncs
/// are notes beside the events, not events: they are not hashed, so
/// recording them changes no run's hash (a sync's effect shows in what a
/// crash keeps, which the `Crash` event counts).
#[derive(Clone, Debug)]
pub struct Trace {
    hash: u64,
    len: u64,
    records: Option<Vec<TraceRecord>>,
    syncs: Option<Vec<(SimTime, NodeId)>>,
}

impl Trace {
    /// An empty trace; `record` keeps its events (the first
    /// [`MAX_RECORDED`]).
    pub fn new(record: bool) -> Trace {
        Trace {
            hash: EMPTY_TRACE_HASH,
            len: 0,
            records: record.then(Vec::new),
            syncs: record.then(Vec::new),
        }
    }

    /// True when the trace keeps every event.
    #[inline]
    pub fn is_recording(&self) -> bool {
        self.records.is_some()
    }

    /// Notes that `node` synced its storage at `at` (when recording).
    pub fn note_sync(&mut self, at: SimTime, node: NodeId) {
        if let Some(syncs) = self.syncs.as_mut().filter(|s| s.len() < MAX_RECORDED) {
            syncs.push((at, node));
        }
    }

    /// The storage syncs noted, when recording: `(time, node)`, in order.
    pub fn syncs(&self) -> Option<&[(SimTime, NodeId)]> {
        self.syncs.as_deref()
    }

    /// Adds an event. `detail` renders its payload and is called only when
    /// recording, so the hot path neither formats nor allocates.
    #[inline]
    pub fn push(&mut self, event: TraceEvent, detail: impl FnOnce() -> String) {
        self.hash = event.fold(self.hash);
        self.len += 1;
        if let Some(records) = self.records.as_mut().filter(|r| r.len() < MAX_RECORDED) {
            records.push(TraceRecord {
                event,
                detail: detail(),
            });
        }
    }

    /// The rolling hash so far.
    pub fn hash(&self) -> u64 {
        self.hash
    }

    /// Events so far.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// True before the first event.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The recorded events, when recording is on.
    pub fn records(&self) -> Option<&[TraceRecord]> {
        self.records.as_deref()
    }

    /// Turns recording on or off from now on.
    pub fn set_recording(&mut self, on: bool) {
        match (on, self.records.is_some()) {
            (true, false) => {
                self.records = Some(Vec::new());
                self.syncs = Some(Vec::new());
            }
            (false, true) => {
                self.records = None;
                self.syncs = None;
            }
            _ => {}
        }
    }

    /// The stable text form: one line per event. Empty when not recording.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for r in self.records.iter().flatten() {
            out.push_str(&r.to_string());
            out.push('\n');
        }
        out
    }
}

/// Formats a trace hash the way every report prints it.
pub fn hash_hex(hash: u64) -> String {
    format!("{hash:016x}")
}

/// Width of one column of [`timeline`].
const COLUMN: usize = 26;

fn fit(text: &str) -> String {
    let mut t: String = text.chars().take(COLUMN - 1).collect();
    if text.chars().count() > COLUMN - 1 {
        t.pop();
        t.push('~');
    }
    format!("{t:<COLUMN$}")
}

/// A per-node column view of recorded events: one row per event, the time,
/// then one column per node and a last column for faults. A send shows in the
/// sender's column, a delivery in the receiver's.
pub fn timeline(records: &[TraceRecord], nodes: usize) -> String {
    let mut out = format!("{:>16}  ", "time");
    for n in 0..nodes {
        out.push_str(&fit(&format!("n{n}")));
    }
    out.push_str("faults\n");
    for r in records {
        let d = if r.detail.is_empty() {
            String::new()
        } else {
            format!(" {}", r.detail)
        };
        let (column, text) = match &r.event {
            TraceEvent::Start { node, .. } => (Some(*node), "start".to_string()),
            TraceEvent::Send {
                from, to, msg_id, ..
            } => (Some(*from), format!("->{to} #{msg_id}{d}")),
            TraceEvent::Deliver {
                from, to, msg_id, ..
            } => (Some(*to), format!("<-{from} #{msg_id}")),
            TraceEvent::Drop {
                from,
                to,
                msg_id,
                reason,
                ..
            } => {
                let at = if *reason == DropReason::NodeDown {
                    *to
                } else {
                    *from
                };
                (Some(at), format!("x {from}->{to} #{msg_id}"))
            }
            TraceEvent::Duplicate {
                from, to, msg_id, ..
            } => (Some(*from), format!("dup ->{to} #{msg_id}")),
            TraceEvent::Timer { node, .. } => (Some(*node), format!("timer{d}")),
            TraceEvent::ClientOp { node, op_id, .. } => (Some(*node), format!("op #{op_id}{d}")),
            TraceEvent::ClientReply { node, op_id, .. } => {
                (Some(*node), format!("reply #{op_id}{d}"))
            }
            TraceEvent::Crash {
                node, lost_writes, ..
            } => (Some(*node), format!("CRASH (lost {lost_writes})")),
            TraceEvent::Fault { fault, .. } => {
                (None, serde_json::to_string(fault).unwrap_or_default())
            }
        };
        out.push_str(&format!("{:>16}  ", r.event.at().to_string()));
        for n in 0..nodes {
            let cell = if column.is_some_and(|c| c.index() == n) {
                fit(&text)
            } else {
                fit("")
            };
            out.push_str(&cell);
        }
        if column.is_none() {
            out.push_str(&text);
        }
        let trimmed = out.trim_end().len();
        out.truncate(trimmed);
        out.push('\n');
    }
    out
}
