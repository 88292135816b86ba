//! What both workloads' inference shares: the index of who wrote each
//! value, the result it produces, and how a transaction is named in
//! messages.

use super::anomaly::{Anomaly, AnomalyKind, Edge, EdgeKind};
use super::history::{Mop, Status, TxnHistory};
use crate::fxhash::FxMap;

/// At most this many examples of one anomaly kind are kept (all are counted).
pub const EXAMPLES_PER_KIND: usize = 8;

/// The most dependencies inference keeps (24 bytes each, and as much again
/// in the graph searched): one read of a version by each of 20,000 readers,
/// with 20,000 appends no read saw, would otherwise make 400 million.
pub const MAX_EDGES: usize = 8_000_000;

/// What inference found.
#[derive(Clone, Debug, Default)]
pub struct Inference {
    /// The dependencies.
    pub edges: Vec<Edge>,
    /// Anomalies found without a cycle (kept up to
    /// [`EXAMPLES_PER_KIND`] per kind).
    pub anomalies: Vec<Anomaly>,
    /// How many of each kind were found, kept or not.
    pub counts: FxMap<AnomalyKind, usize>,
    /// Why the dependencies found may not be all there are (the version
    /// order is not fully revealed), if so.
    pub incomplete: Option<String>,
    /// Orders the graph must imply for the dependencies to be complete:
    /// `[reader, writer, other]` means `other` comes before `writer` or
    /// after `reader` (rw-register only).
    pub constraints: Vec<[u32; 3]>,
    /// Transactions whose writes to one key have no known mutual order
    /// (list-append: appends no read saw), one group per key, each of two
    /// transactions or more. An order chosen between two of them in one
    /// strongly connected component may close a cycle that snapshot
    /// isolation forbids (see [`super::lattice::allows_some_cycles`]).
    pub unordered: Vec<Vec<u32>>,
    /// The graph's nodes so far: the transactions, then the fan-out nodes
    /// [`Inference::fan_out`] adds.
    pub nodes: usize,
}

impl Inference {
    /// An empty inference over `txns` transactions.
    pub fn new(txns: usize) -> Inference {
        Inference {
            nodes: txns,
            ..Inference::default()
        }
    }

    /// rw edges from `t`, which read version `value` of `key`, to each of
    /// `writes` (transaction, value written), all of which follow it:
    /// through the key's fan-out node in `fans` (made by the first such
    /// reader), or, when `t` is one of the writes itself, directly to the
    /// others (through the node it would reach itself).
    pub fn rw_to_all(
        &mut self,
        (t, key, value): (u32, u32, u32),
        writes: &[(u32, u32)],
        fans: &mut FxMap<u32, u32>,
    ) {
        let kind = EdgeKind::Rw;
        if writes.iter().any(|&(w, _)| w == t) {
            for &(w, next) in writes {
                self.edge(Edge {
                    from: t,
                    to: w,
                    kind,
                    key,
                    value,
                    next,
                });
            }
            return;
        }
        let to = match fans.get(&key) {
            Some(&fan) => fan,
            None => {
                let fan = self.fan_out(key, value, writes);
                fans.insert(key, fan);
                fan
            }
        };
        let next = super::anomaly::INITIAL;
        self.edge(Edge {
            from: t,
            to,
            kind,
            key,
            value,
            next,
        });
    }

    /// A fan-out node standing for `writes` of `key` (transaction, value
    /// written), each after version `value`: it leads to each by a via
    /// edge, so that each reader of `value` needs one rw edge to the node
    /// rather than one to every write, which would be the readers times
    /// the writes. A path through it counts as one rw edge.
    pub fn fan_out(&mut self, key: u32, value: u32, writes: &[(u32, u32)]) -> u32 {
        let node = self.nodes as u32;
        self.nodes += 1;
        for &(w, next) in writes {
            self.edge(Edge {
                from: node,
                to: w,
                kind: EdgeKind::Via,
                key,
                value,
                next,
            });
        }
        node
    }

    /// Records an anomaly, keeping the first few of each kind.
    pub fn found(&mut self, kind: AnomalyKind, txns: Vec<u32>, detail: String) {
        let count = self.counts.entry(kind).or_insert(0);
        *count += 1;
        if *count <= EXAMPLES_PER_KIND {
            self.anomalies.push(Anomaly {
                kind,
                txns,
                cycle: Vec::new(),
                detail,
            });
        }
    }

    /// Adds a dependency, unless it is a transaction's edge to itself.
    /// Past [`MAX_EDGES`] the dependency is dropped and the inference is
    /// marked incomplete: a cycle among the edges kept is still an anomaly,
    /// but no cycle among them no longer means valid.
    pub fn edge(&mut self, edge: Edge) {
        if edge.from == edge.to {
            return;
        }
        if self.edges.len() >= MAX_EDGES {
            self.incomplete.get_or_insert_with(|| {
                format!(
                    "more than {MAX_EDGES} dependencies (readers of a version times the \
                     appends or writes after it): those past it are not searched, so valid \
                     cannot be concluded"
                )
            });
            return;
        }
        self.edges.push(edge);
    }
}

/// Who wrote a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Writer {
    /// The transaction.
    pub txn: u32,
    /// The micro-operation's position in it.
    pub mop: u32,
    /// It is the transaction's last write to the key.
    pub last: bool,
    /// The transaction failed.
    pub failed: bool,
}

/// Every write of the history, by (key, value).
pub struct Writers {
    by_value: FxMap<(u32, u32), Writer>,
}

impl Writers {
    /// Indexes every append or write. Each must write a value of its own:
    /// a value written twice to one key makes the history unreadable as
    /// list-append or rw-register, and is reported as the error.
    pub fn index(history: &TxnHistory) -> Result<Writers, String> {
        let mut by_value: FxMap<(u32, u32), Writer> = FxMap::default();
        by_value.reserve(history.txns.len() * 2);
        for (t, txn) in history.txns.iter().enumerate() {
            let failed = txn.status == Status::Fail;
            for (m, mop) in txn.mops.iter().enumerate() {
                let (Mop::Append { key, value } | Mop::Write { key, value }) = *mop else {
                    continue;
                };
                let last = !txn.mops[m + 1..].iter().any(|later| {
                    matches!(later, Mop::Append { key: k, .. } | Mop::Write { key: k, .. } if *k == key)
                });
                let writer = Writer {
                    txn: t as u32,
                    mop: m as u32,
                    last,
                    failed,
                };
                if let Some(before) = by_value.insert((key, value), writer) {
                    return Err(format!(
                        "value {} is written to key {} twice, at {} and at {}: each write must \
                         write a value of its own",
                        history.atoms.get(value),
                        history.atoms.get(key),
                        name(history, before.txn),
                        name(history, t as u32)
                    ));
                }
            }
        }
        Ok(Writers { by_value })
    }

    /// Who wrote `value` to `key`.
    #[inline]
    pub fn get(&self, key: u32, value: u32) -> Option<Writer> {
        self.by_value.get(&(key, value)).copied()
    }
}

/// A transaction in messages: `the transaction at line 6 (process 2)`.
pub fn name(history: &TxnHistory, t: u32) -> String {
    let txn = &history.txns[t as usize];
    let process = super::history::shown(txn.process);
    format!("the transaction at line {} (process {process})", txn.line)
}

/// The transactions whose reads count: committed ones (an indeterminate
/// transaction's reads are unknown).
pub fn readers(history: &TxnHistory) -> impl Iterator<Item = (u32, &super::history::Txn)> {
    history
        .txns
        .iter()
        .enumerate()
        .filter(|(_, t)| t.status == Status::Ok)
        .map(|(i, t)| (i as u32, t))
}

/// The groups of [`Inference::unordered`] from each key's writers (in
/// any order, repeated or not): each key's distinct writers, in key order,
/// where there are two or more.
pub fn unordered_groups(by_key: FxMap<u32, Vec<u32>>) -> Vec<Vec<u32>> {
    let mut groups: Vec<(u32, Vec<u32>)> = by_key
        .into_iter()
        .map(|(key, mut g)| {
            g.sort_unstable();
            g.dedup();
            (key, g)
        })
        .filter(|(_, g)| g.len() > 1)
        .collect();
    groups.sort_unstable();
    groups.into_iter().map(|(_, g)| g).collect()
}

/// A list of values as the history wrote them.
pub fn show(history: &TxnHistory, values: &[u32]) -> String {
    let items: Vec<String> = values
        .iter()
        .map(|&v| history.atoms.get(v).to_string())
        .collect();
    format!("[{}]", items.join(" "))
}
