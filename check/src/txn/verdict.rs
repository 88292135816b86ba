//! The consistency models and the answer.
//!
//! Four models, from weakest to strongest in what they rule out:
//! - `read-committed`: no G0, G1a, G1b, G1c (and none of the anomalies
//!   that break every model: internal, future reads, garbage, duplicates,
//!   incompatible orders, dirty updates);
//! - `snapshot-isolation`: also no G-single, no G-nonadjacent (a cycle whose
//!   rw edges are never adjacent, such as a long fork) and no lost update
//!   (write skew, a G2-item whose rw edges meet, is allowed);
//! - `serializable`: also no G2-item;
//! - `strict-serializable`: also no cycle that real-time order closes.
//!
//! The answer for a model is valid, invalid (with the anomalies, the
//! weakest model they rule out and the strongest that still holds), or
//! unknown: the search budget ran out, the history reveals too little of
//! the version order (rw-register), or, for strict serializability, the
//! history has no invocations and so no real time. It never guesses.

use super::anomaly::{Anomaly, AnomalyKind, Edge, EdgeKind, INITIAL};
pub use super::consistency::{ConsistencyModel, UnknownModel};
use super::graph::{Graph, Steps, RT, RW, WR, WW};
use super::history::{Mop, ReadValue, Status, TxnHistory};
use super::infer::{Inference, Writers};

/// How to check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CheckOptions {
    /// The model asked about.
    pub model: ConsistencyModel,
    /// The most search steps (edges looked at) the cycle search and the
    /// completeness check may take.
    pub max_steps: u64,
}

impl Default for CheckOptions {
    /// Serializable, with 200 million steps.
    fn default() -> Self {
        CheckOptions {
            model: ConsistencyModel::Serializable,
            max_steps: 200_000_000,
        }
    }
}

/// What one model's answer is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The history satisfies the model.
    Valid,
    /// It does not.
    Invalid,
    /// Cannot tell, and why.
    Unknown(String),
}

/// The checker's answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TxnVerdict {
    /// The model asked about.
    pub model: ConsistencyModel,
    /// The answer for it.
    pub outcome: Outcome,
    /// Each model's answer, weakest first.
    pub per_model: Vec<(ConsistencyModel, Outcome)>,
    /// The anomalies found (a few examples per kind), cycles first.
    pub anomalies: Vec<Anomaly>,
    /// How many of each kind were found.
    pub counts: Vec<(AnomalyKind, usize)>,
    /// The history, for describing the anomalies.
    pub transactions: usize,
}

impl TxnVerdict {
    /// The weakest model the anomalies rule out, if any.
    pub fn weakest_violated(&self) -> Option<ConsistencyModel> {
        self.counts.iter().map(|(k, _)| k.weakest_violated()).min()
    }

    /// The strongest model known to hold, if any.
    pub fn strongest_satisfied(&self) -> Option<ConsistencyModel> {
        self.per_model
            .iter()
            .take_while(|(_, o)| *o == Outcome::Valid)
            .map(|(m, _)| *m)
            .last()
    }
}

/// Checks `history` against `options.model`, and says where it stands
/// against every model.
pub fn check(history: &TxnHistory, options: CheckOptions) -> TxnVerdict {
    let mut steps = Steps::new(options.max_steps);
    let analysis = analyse(history, &mut steps);
    let (inference, cycles, unknown) = match analysis {
        Ok(a) => a,
        Err(reason) => {
            let per_model = ConsistencyModel::ALL
                .iter()
                .map(|&m| (m, Outcome::Unknown(reason.clone())))
                .collect();
            return verdict(options.model, per_model, Vec::new(), Vec::new(), history);
        }
    };
    let mut anomalies = cycles;
    anomalies.extend(inference.anomalies);
    let mut counts: Vec<(AnomalyKind, usize)> = AnomalyKind::ALL
        .iter()
        .filter_map(|&k| {
            let inferred = inference.counts.get(&k).copied().unwrap_or(0);
            let cyclic = anomalies
                .iter()
                .filter(|a| a.kind == k && !a.cycle.is_empty())
                .count();
            (inferred + cyclic > 0).then_some((k, inferred + cyclic))
        })
        .collect();
    counts.sort();
    let weakest = counts.iter().map(|(k, _)| k.weakest_violated()).min();
    let per_model = ConsistencyModel::ALL
        .iter()
        .map(|&m| {
            let outcome = if weakest.is_some_and(|w| w <= m) {
                Outcome::Invalid
            } else if let Some(reason) = unknown(m) {
                Outcome::Unknown(reason)
            } else {
                Outcome::Valid
            };
            (m, outcome)
        })
        .collect();
    verdict(options.model, per_model, anomalies, counts, history)
}

fn verdict(
    model: ConsistencyModel,
    per_model: Vec<(ConsistencyModel, Outcome)>,
    anomalies: Vec<Anomaly>,
    counts: Vec<(AnomalyKind, usize)>,
    history: &TxnHistory,
) -> TxnVerdict {
    let outcome = per_model
        .iter()
        .find(|(m, _)| *m == model)
        .map(|(_, o)| o.clone())
        .expect("every model");
    TxnVerdict {
        model,
        outcome,
        per_model,
        anomalies,
        counts,
        transactions: history.txns.len(),
    }
}

/// Why a model's answer is unknown, when no anomaly rules it out.
type Unknowns = Box<dyn Fn(ConsistencyModel) -> Option<String>>;

/// Inference, the cycles, and what stays unknown per model.
fn analyse(
    history: &TxnHistory,
    steps: &mut Steps,
) -> Result<(Inference, Vec<Anomaly>, Unknowns), String> {
    let writers = Writers::index(history)?;
    let mops = || history.txns.iter().flat_map(|t| &t.mops);
    let appends = mops().any(|m| {
        matches!(
            m,
            Mop::Append { .. }
                | Mop::Read {
                    value: ReadValue::List(_),
                    ..
                }
        )
    });
    let writes = mops().any(|m| {
        matches!(
            m,
            Mop::Write { .. }
                | Mop::Read {
                    value: ReadValue::One(_),
                    ..
                }
        )
    });
    if appends && writes {
        return Err("the history mixes list-append (appends, list reads) and rw-register (writes, single-value reads) micro-operations; check them separately".to_string());
    }
    let inference = if writes {
        super::register::infer(history, &writers)
    } else {
        super::list_append::infer(&nil_reads_as_empty(history), &writers)
    };
    let n = history.txns.len();
    let realtime = if history.has_invokes {
        realtime_edges(history)
    } else {
        Vec::new()
    };
    let cycles = super::cycles::find(n, &inference.edges, &realtime, steps);
    let incomplete = inference
        .incomplete
        .clone()
        .or_else(|| open_constraints(n, &inference, steps));
    let exhausted = steps.exhausted;
    let has_invokes = history.has_invokes;
    // Where the graph leaves the answer open, a serial run in completion
    // order that satisfies every read settles it (see `witness`).
    let open = exhausted || incomplete.is_some();
    let witnessed = open && super::witness::serial_in_completion_order(history);
    let unknown: Unknowns = Box::new(move |m| {
        let no_real_time = m == ConsistencyModel::StrictSerializable && !has_invokes;
        if witnessed && !no_real_time {
            return None;
        }
        if exhausted {
            return Some(
                "the search budget ran out before the graph was fully searched".to_string(),
            );
        }
        if let Some(why) = &incomplete {
            return Some(why.clone());
        }
        (m == ConsistencyModel::StrictSerializable && !has_invokes)
            .then(|| "the history has no invocations, so real-time order is unknown".to_string())
    });
    Ok((inference, cycles, unknown))
}

/// A list-append history with every committed read of `nil` made the empty
/// list, as Elle reads it: Jepsen's clients return `nil` for a key that does
/// not exist yet, so an ok read of `nil` saw the initial state. Reads of
/// transactions that did not commit stay unknown.
fn nil_reads_as_empty(history: &TxnHistory) -> std::borrow::Cow<'_, TxnHistory> {
    let is_nil_read = |m: &Mop| {
        matches!(
            m,
            Mop::Read {
                value: ReadValue::Nil,
                ..
            }
        )
    };
    let committed_nil =
        |t: &super::history::Txn| t.status == Status::Ok && t.mops.iter().any(is_nil_read);
    if !history.txns.iter().any(committed_nil) {
        return std::borrow::Cow::Borrowed(history);
    }
    let mut owned = history.clone();
    for txn in owned.txns.iter_mut().filter(|t| t.status == Status::Ok) {
        for mop in txn.mops.iter_mut() {
            if let Mop::Read { value, .. } = mop {
                if *value == ReadValue::Nil {
                    *value = ReadValue::List(Vec::new());
                }
            }
        }
    }
    std::borrow::Cow::Owned(owned)
}

/// Real-time edges: from each committed transaction to each transaction
/// invoked after it completed, reduced as Elle reduces them (an edge to a
/// transaction is kept only from the frontier of latest completions).
fn realtime_edges(history: &TxnHistory) -> Vec<Edge> {
    let mut events: Vec<(u64, bool, u32)> = Vec::with_capacity(history.txns.len() * 2);
    for (t, txn) in history.txns.iter().enumerate() {
        if txn.status == Status::Fail {
            continue;
        }
        events.push((txn.invoke, true, t as u32));
        if let (Status::Ok, Some(c)) = (txn.status, txn.complete) {
            events.push((c, false, t as u32));
        }
    }
    events.sort_unstable();
    let mut frontier: Vec<u32> = Vec::new();
    let mut preds: crate::fxhash::FxMap<u32, Vec<u32>> = crate::fxhash::FxMap::default();
    let mut edges = Vec::new();
    for (_, invocation, t) in events {
        if invocation {
            for &f in &frontier {
                edges.push(Edge {
                    from: f,
                    to: t,
                    kind: EdgeKind::Realtime,
                    key: 0,
                    value: INITIAL,
                    next: INITIAL,
                });
            }
            preds.insert(t, frontier.clone());
        } else {
            let before = preds.remove(&t).unwrap_or_default();
            frontier.retain(|f| !before.contains(f));
            frontier.push(t);
        }
    }
    edges
}

/// The first rw-register constraint the graph does not imply, as a reason.
fn open_constraints(n: usize, inference: &Inference, steps: &mut Steps) -> Option<String> {
    if inference.constraints.is_empty() {
        return None;
    }
    let graph = Graph::new(n, &inference.edges, WW | WR | RW);
    let everywhere = vec![0u32; n];
    for &[reader, writer, other] in &inference.constraints {
        let before = graph
            .path(other, writer, WW | WR | RW, (&everywhere, 0), steps)
            .is_some();
        if before
            || graph
                .path(reader, other, WW | WR | RW, (&everywhere, 0), steps)
                .is_some()
        {
            continue;
        }
        if steps.exhausted {
            return Some(
                "the search budget ran out while checking the register version orders".to_string(),
            );
        }
        return Some(
            "the register reads do not reveal the order of every write (a write no read \
             places could come before or after another): valid cannot be concluded"
                .to_string(),
        );
    }
    let _ = RT;
    None
}
