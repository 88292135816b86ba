//! The answer: for the model asked about, and for every model of Elle's
//! lattice ([`super::consistency`], [`super::lattice`]).
//!
//! The anomalies found (cycles in the dependency graph, alone or closed by
//! process order or real time, and those visible without a cycle) rule out
//! each model that proscribes what they imply. A model nothing rules out
//! is valid, or unknown: the search budget ran out, the history reveals
//! too little of the version order (rw-register), the model needs real
//! time and the history has no invocations, or it proscribes an anomaly
//! faultline does not search for and no stronger model is known to hold.
//! It never guesses.

use super::anomaly::{Anomaly, AnomalyKind};
pub use super::consistency::{ConsistencyModel, UnknownModel};
use super::graph::{Graph, Steps, RW, WR, WW};
use super::history::{Mop, ReadValue, Status, TxnHistory};
use super::infer::{Inference, Writers};
use super::key_order::KeyAssumptions;
use super::lattice;
pub use super::lattice::Outcome;
pub use super::orders::Orders;
use std::collections::BTreeSet;

/// How to check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CheckOptions {
    /// The model asked about.
    pub model: ConsistencyModel,
    /// The most search steps (edges looked at) the cycle search and the
    /// completeness check may take.
    pub max_steps: u64,
    /// What the database promises about each key's version order
    /// (rw-register histories).
    pub keys: KeyAssumptions,
    /// The orders (process, real time) to build edges for. The default
    /// builds both, so every model is judged; [`Orders::for_asked`]
    /// builds only what the question needs.
    pub orders: Orders,
}

impl Default for CheckOptions {
    /// Serializable, with 200 million steps.
    fn default() -> Self {
        CheckOptions {
            model: ConsistencyModel::Serializable,
            max_steps: 200_000_000,
            keys: KeyAssumptions::default(),
            orders: Orders::ALL,
        }
    }
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
    /// Every anomaly the history is known to have, by Elle's names, with
    /// all they imply.
    pub present: BTreeSet<&'static str>,
    /// Why an anomaly not found may still be there (the budget ran out,
    /// or the graph is incomplete), if it may.
    pub unsettled: Option<String>,
    /// Whether the history has invocations, and so real time.
    pub has_invokes: bool,
    /// Cycle classes known to be present that no example shows (the
    /// search budget ran out before one was found).
    pub unshown: Vec<&'static str>,
    /// The orders the check built edges for; a model that needs one it
    /// left out is unknown.
    pub orders: Orders,
}

impl TxnVerdict {
    /// The weakest models the anomalies rule out (Elle's `:not`).
    pub fn weakest_violated(&self) -> Vec<ConsistencyModel> {
        lattice::weakest_invalid(&self.per_model)
    }

    /// The strongest models known to hold.
    pub fn strongest_satisfied(&self) -> Vec<ConsistencyModel> {
        lattice::strongest_valid(&self.per_model)
    }

    /// The answer to "does the history have any of `asked`?" (anomalies
    /// by Elle's names, as elle-cli's `--anomalies` asks): invalid if it
    /// has one or something that implies one, unknown if an absence
    /// cannot be shown, else valid.
    pub fn outcome_for_anomalies(&self, asked: &[&str]) -> Outcome {
        if asked.iter().any(|a| self.present.contains(a)) {
            return Outcome::Invalid;
        }
        if let Some(a) = asked.iter().find(|a| lattice::UNSEARCHED.contains(a)) {
            return Outcome::Unknown(format!("faultline does not search for {a}"));
        }
        if let Some(a) = asked.iter().find(|a| self.single_by_example_only(a)) {
            return Outcome::Unknown(format!(
                "faultline names {a} only by example, found none, and the history has cycles \
                 with rw edges that order closes, which may hold one"
            ));
        }
        if !self.has_invokes && asked.iter().any(|a| a.ends_with("-realtime")) {
            return Outcome::Unknown(
                "the history has no invocations, so real-time order is unknown".to_string(),
            );
        }
        match &self.unsettled {
            Some(why) => Outcome::Unknown(why.clone()),
            None => Outcome::Valid,
        }
    }

    /// Whether `anomaly` is a G-single closed by process order or real
    /// time that the history may have unseen: the search names those only
    /// in components the order alone closes, and the model verdicts need
    /// no more (every model that proscribes one proscribes the
    /// G-nonadjacent it implies, whose presence is decided).
    fn single_by_example_only(&self, anomaly: &str) -> bool {
        let suffix = ["-process", "-realtime"]
            .into_iter()
            .find(|s| anomaly.starts_with("G-single") && anomaly.ends_with(s));
        suffix.is_some_and(|s| self.present.contains(format!("G2-item{s}").as_str()))
    }

    /// The answer for `model`.
    pub fn outcome_of(&self, model: ConsistencyModel) -> &Outcome {
        self.per_model
            .iter()
            .find(|(m, _)| *m == model)
            .map(|(_, o)| o)
            .expect("every model is judged")
    }
}

/// Checks `history` against `options.model`, and says where it stands
/// against every model.
pub fn check(history: &TxnHistory, options: CheckOptions) -> TxnVerdict {
    let mut steps = Steps::new(options.max_steps);
    let analysis = match analyse(history, options, &mut steps) {
        Ok(a) => a,
        Err(reason) => {
            let per_model = ConsistencyModel::ALL
                .iter()
                .map(|&m| (m, Outcome::Unknown(reason.clone())))
                .collect();
            let found = Found {
                unsettled: Some(reason),
                ..Found::default()
            };
            return verdict(options, per_model, found, history);
        }
    };
    let Analysis {
        inference,
        cycles,
        closed,
        open,
        unsettled,
    } = analysis;
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
    let shown = lattice::implied_anomalies(counts.iter().map(|(k, _)| k.name()));
    let unshown: Vec<&'static str> = closed
        .iter()
        .copied()
        .filter(|c| !shown.contains(c))
        .collect();
    let present = lattice::implied_anomalies(shown.into_iter().chain(closed));
    let per_model = lattice::judge(&present, open);
    let found = Found {
        anomalies,
        counts,
        present,
        unsettled,
        unshown,
    };
    verdict(options, per_model, found, history)
}

/// What was found, for the verdict.
#[derive(Default)]
struct Found {
    anomalies: Vec<Anomaly>,
    counts: Vec<(AnomalyKind, usize)>,
    present: BTreeSet<&'static str>,
    unsettled: Option<String>,
    unshown: Vec<&'static str>,
}

fn verdict(
    options: CheckOptions,
    per_model: Vec<(ConsistencyModel, Outcome)>,
    found: Found,
    history: &TxnHistory,
) -> TxnVerdict {
    let model = options.model;
    let outcome = per_model
        .iter()
        .find(|(m, _)| *m == model)
        .map(|(_, o)| o.clone())
        .expect("every model");
    TxnVerdict {
        model,
        outcome,
        per_model,
        anomalies: found.anomalies,
        counts: found.counts,
        transactions: history.txns.len(),
        present: found.present,
        unsettled: found.unsettled,
        has_invokes: history.has_invokes || history.txns.len() < 2,
        unshown: found.unshown,
        orders: options.orders,
    }
}

/// Why the answer is unknown when the search budget runs out.
const BUDGET_RAN_OUT: &str = "the search budget ran out before the graph was fully searched";

/// Why a model that allows some cycles is unknown, when writes of unknown
/// order lie on a cycle.
const UNORDERED_IN_A_CYCLE: &str = "writes whose order no read reveals lie on a cycle of the \
     dependency graph, and some order of them may close a cycle this model forbids";

/// Why a model's answer is unknown, when no anomaly rules it out.
type Unknowns = Box<dyn Fn(ConsistencyModel) -> Option<String>>;

/// What the analysis finds: the inference, example cycles, the cycle
/// classes process order and real time close, and what stays open.
struct Analysis {
    inference: Inference,
    cycles: Vec<Anomaly>,
    closed: Vec<&'static str>,
    open: Unknowns,
    unsettled: Option<String>,
}

/// Inference, the cycles, and what stays unknown per model.
fn analyse(
    history: &TxnHistory,
    options: CheckOptions,
    steps: &mut Steps,
) -> Result<Analysis, String> {
    let writers = Writers::index(history)?;
    let mut inference = infer(history, &writers, options.keys)?;
    let txns = history.txns.len();
    let orders = options.orders;
    // Every kind of edge in one list; searches take theirs by mask.
    let mut edges = std::mem::take(&mut inference.edges);
    if orders.process {
        edges.extend(super::orders::process_edges(history));
    }
    // The transactions, then inference's fan-out nodes, then real time's.
    let mut n = inference.nodes.max(txns);
    if history.has_invokes && orders.realtime {
        let (realtime, nodes) = super::orders::realtime_edges(history, n);
        edges.extend(realtime);
        n = nodes;
    }
    let (cycles, closed, unordered) = cycle_classes(txns, n, &edges, &inference, steps);
    inference.edges = edges;
    let incomplete = inference
        .incomplete
        .clone()
        .or_else(|| open_constraints(n, &inference, steps));
    let exhausted = steps.exhausted;
    // Where the graph leaves the answer open, a serial run that satisfies
    // every read settles it (see `witness`).
    let open = exhausted || incomplete.is_some();
    let (witnessed, graph_witnessed) = witnesses(history, n, &inference.edges, open);
    inference.edges = Vec::new();
    // With fewer than two transactions real time orders nothing.
    let has_invokes = history.has_invokes || history.txns.len() < 2;
    let unsettled = match (witnessed || graph_witnessed, exhausted) {
        (true, _) => None,
        (false, true) => Some(BUDGET_RAN_OUT.to_string()),
        (false, false) => incomplete.clone(),
    };
    let unknown: Unknowns = Box::new(move |m| {
        let no_real_time = lattice::needs_real_time(m) && !has_invokes;
        let witness_here = graph_witnessed && orders.missing_for(m).is_none();
        if (witnessed || witness_here) && !no_real_time {
            return None;
        }
        if unordered && lattice::allows_some_cycles(m) {
            return Some(UNORDERED_IN_A_CYCLE.to_string());
        }
        if let Some(order) = orders.missing_for(m) {
            return Some(format!(
                "{order} order was not searched, for the question did not need it; ask about {m} \
                 to judge it"
            ));
        }
        if exhausted {
            return Some(BUDGET_RAN_OUT.to_string());
        }
        if let Some(why) = &incomplete {
            return Some(why.clone());
        }
        no_real_time
            .then(|| format!("{m} needs real-time order, and the history has no invocations"))
    });
    Ok(Analysis {
        inference,
        cycles,
        closed,
        open: unknown,
        unsettled,
    })
}

/// Whether a serial run in completion order, and one in the graph's
/// topological order, satisfy every read, when the graph leaves the
/// answer `open`. The first respects every order; the second, the orders
/// built into the graph.
fn witnesses(
    history: &TxnHistory,
    n: usize,
    edges: &[super::anomaly::Edge],
    open: bool,
) -> (bool, bool) {
    if !open {
        return (false, false);
    }
    if super::witness::serial_in_completion_order(history) {
        return (true, false);
    }
    (
        false,
        super::witness::serial_in_graph_order(history, n, edges),
    )
}

/// Example cycles, the cycle classes present (whatever the search finds
/// of them within its budget: a cycle the budget leaves unnamed still
/// rules out the models that proscribe every cycle of its kind), and
/// whether writes of unknown order share a cycle.
fn cycle_classes(
    txns: usize,
    n: usize,
    edges: &[super::anomaly::Edge],
    inference: &Inference,
    steps: &mut Steps,
) -> (Vec<Anomaly>, Vec<&'static str>, bool) {
    let Some(comp) = super::cycles::components_if_cyclic(n, edges) else {
        return (Vec::new(), Vec::new(), false);
    };
    let cycles = super::cycles::find(txns, n, edges, steps);
    let names = cycles.iter().map(|a| a.kind.name());
    let shown = lattice::implied_anomalies(names);
    let closed = super::cycles::present(n, edges, &shown);
    let (groups, constraints) = (&inference.unordered, &inference.constraints);
    let unordered = super::cycles::unordered_in_a_cycle(&comp, groups, constraints);
    (cycles, closed, unordered)
}

/// The dependencies of a list-append or an rw-register history.
fn infer(
    history: &TxnHistory,
    writers: &Writers,
    keys: KeyAssumptions,
) -> Result<Inference, String> {
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
    Ok(if writes {
        super::register::infer(history, writers, keys)
    } else {
        super::list_append::infer(&nil_reads_as_empty(history), writers)
    })
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
                    *value = ReadValue::List(Box::default());
                }
            }
        }
    }
    std::borrow::Cow::Owned(owned)
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
    None
}
