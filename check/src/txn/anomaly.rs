//! What the checker finds: anomalies, each with the transactions involved
//! and, for a cycle, its steps in the order a reader follows them. Names
//! are Elle's, so results compare with elle-cli's (`G-single-item` is
//! Adya's G-single).

/// A kind of anomaly.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum AnomalyKind {
    /// A cycle of write-write dependencies.
    G0,
    /// A read of a value written by a transaction that failed.
    G1a,
    /// A read of a value a transaction overwrote within itself.
    G1b,
    /// A cycle of write-write and write-read dependencies, with one or more
    /// write-read.
    G1c,
    /// A cycle with exactly one read-write anti-dependency.
    GSingle,
    /// A cycle with two or more read-write anti-dependencies, no two of
    /// them adjacent: what snapshot isolation forbids beyond G-single (a
    /// long fork is one).
    GNonadjacent,
    /// A cycle with two or more read-write anti-dependencies.
    G2Item,
    /// [`AnomalyKind::G0`], closed only by real-time order.
    G0Realtime,
    /// [`AnomalyKind::G1c`], closed only by real-time order.
    G1cRealtime,
    /// [`AnomalyKind::GSingle`], closed only by real-time order.
    GSingleRealtime,
    /// [`AnomalyKind::G2Item`], closed only by real-time order.
    G2ItemRealtime,
    /// [`AnomalyKind::G0`], closed only by process order.
    G0Process,
    /// [`AnomalyKind::G1c`], closed only by process order.
    G1cProcess,
    /// [`AnomalyKind::GSingle`], closed only by process order.
    GSingleProcess,
    /// [`AnomalyKind::G2Item`], closed only by process order.
    G2ItemProcess,
    /// Two committed transactions read the same version of a key and both
    /// wrote it.
    LostUpdate,
    /// A read that contradicts the transaction's own earlier reads and writes.
    Internal,
    /// A read that sees a value its own transaction writes only later.
    FutureRead,
    /// Two reads of a key that are not prefixes of one order.
    IncompatibleOrder,
    /// A read that lists one element twice.
    DuplicateElements,
    /// A read of a value no transaction wrote.
    GarbageRead,
    /// A committed write on top of a failed transaction's write.
    DirtyUpdate,
    /// A key's versions that a promise about its order (sequential or
    /// linearizable keys) puts in a cycle: a version seen after one that
    /// must follow it, such as the initial state after a write.
    CyclicVersions,
}

impl AnomalyKind {
    /// Every kind, in report order.
    pub const ALL: [AnomalyKind; 23] = [
        AnomalyKind::G0,
        AnomalyKind::G1a,
        AnomalyKind::G1b,
        AnomalyKind::G1c,
        AnomalyKind::GSingle,
        AnomalyKind::GNonadjacent,
        AnomalyKind::G2Item,
        AnomalyKind::G0Realtime,
        AnomalyKind::G1cRealtime,
        AnomalyKind::GSingleRealtime,
        AnomalyKind::G2ItemRealtime,
        AnomalyKind::G0Process,
        AnomalyKind::G1cProcess,
        AnomalyKind::GSingleProcess,
        AnomalyKind::G2ItemProcess,
        AnomalyKind::LostUpdate,
        AnomalyKind::Internal,
        AnomalyKind::FutureRead,
        AnomalyKind::IncompatibleOrder,
        AnomalyKind::DuplicateElements,
        AnomalyKind::GarbageRead,
        AnomalyKind::DirtyUpdate,
        AnomalyKind::CyclicVersions,
    ];

    /// Its name, as Elle spells it.
    pub fn name(self) -> &'static str {
        match self {
            AnomalyKind::G0 => "G0",
            AnomalyKind::G1a => "G1a",
            AnomalyKind::G1b => "G1b",
            AnomalyKind::G1c => "G1c",
            AnomalyKind::GSingle => "G-single-item",
            AnomalyKind::GNonadjacent => "G-nonadjacent-item",
            AnomalyKind::G2Item => "G2-item",
            AnomalyKind::G0Realtime => "G0-realtime",
            AnomalyKind::G1cRealtime => "G1c-realtime",
            AnomalyKind::GSingleRealtime => "G-single-item-realtime",
            AnomalyKind::G2ItemRealtime => "G2-item-realtime",
            AnomalyKind::G0Process => "G0-process",
            AnomalyKind::G1cProcess => "G1c-process",
            AnomalyKind::GSingleProcess => "G-single-item-process",
            AnomalyKind::G2ItemProcess => "G2-item-process",
            AnomalyKind::LostUpdate => "lost-update",
            AnomalyKind::Internal => "internal",
            AnomalyKind::FutureRead => "future-read",
            AnomalyKind::IncompatibleOrder => "incompatible-order",
            AnomalyKind::DuplicateElements => "duplicate-elements",
            AnomalyKind::GarbageRead => "garbage-read",
            AnomalyKind::DirtyUpdate => "dirty-update",
            AnomalyKind::CyclicVersions => "cyclic-versions",
        }
    }

    /// The cycle kind for a cycle with these edge counts, closed by
    /// `order` beyond the dependencies.
    pub fn of_cycle(rw: usize, wr: usize, order: Closure) -> AnomalyKind {
        use AnomalyKind::*;
        let plain = match (rw, wr > 0) {
            (0, false) => G0,
            (0, true) => G1c,
            (1, _) => GSingle,
            _ => G2Item,
        };
        match (order, plain) {
            (Closure::None, kind) => kind,
            (Closure::Process, G0) => G0Process,
            (Closure::Process, G1c) => G1cProcess,
            (Closure::Process, GSingle) => GSingleProcess,
            (Closure::Process, _) => G2ItemProcess,
            (Closure::Realtime, G0) => G0Realtime,
            (Closure::Realtime, G1c) => G1cRealtime,
            (Closure::Realtime, GSingle) => GSingleRealtime,
            (Closure::Realtime, _) => G2ItemRealtime,
        }
    }
}

/// What closes a cycle beyond the dependencies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Closure {
    /// Nothing: the dependencies alone.
    None,
    /// Some process's order.
    Process,
    /// Real-time order.
    Realtime,
}

/// A dependency's kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EdgeKind {
    /// The target wrote the version after the source's.
    Ww,
    /// The target read the source's write.
    Wr,
    /// The target wrote the version after the one the source read.
    Rw,
    /// The source completed before the target was invoked.
    Realtime,
    /// The source is the target's process's previous transaction.
    Process,
    /// From a fan-out node to one of the writes it stands for: the rest of
    /// the rw edge that led to the node (see `infer::Inference::fan_out`).
    Via,
}

impl EdgeKind {
    /// The bit of this kind in an edge mask.
    pub const fn bit(self) -> u8 {
        match self {
            EdgeKind::Ww => 1,
            EdgeKind::Wr => 2,
            EdgeKind::Rw => 4,
            EdgeKind::Realtime => 8,
            EdgeKind::Process => 16,
            EdgeKind::Via => 32,
        }
    }

    /// Its short name.
    pub fn name(self) -> &'static str {
        match self {
            EdgeKind::Ww => "ww",
            EdgeKind::Wr => "wr",
            EdgeKind::Rw => "rw",
            EdgeKind::Realtime => "realtime",
            EdgeKind::Process => "process",
            EdgeKind::Via => "via",
        }
    }
}

/// No value: the initial state of a key, in an edge's explanation.
pub const INITIAL: u32 = u32::MAX;

/// A dependency from one transaction to another, with why.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Edge {
    /// The transaction that comes first.
    pub from: u32,
    /// The transaction that comes after.
    pub to: u32,
    /// Why.
    pub kind: EdgeKind,
    /// The key (unused for real time and process order).
    pub key: u32,
    /// The version the source wrote or read ([`INITIAL`]: none).
    pub value: u32,
    /// The version the target wrote (for ww and rw).
    pub next: u32,
}

/// One anomaly.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Anomaly {
    /// Its kind.
    pub kind: AnomalyKind,
    /// The transactions involved (indices into the history), in order.
    pub txns: Vec<u32>,
    /// For a cycle: its edges, from `txns[0]` round to `txns[0]`.
    pub cycle: Vec<Edge>,
    /// What happened, in words.
    pub detail: String,
}
