//! Linearizability checking against a [`SequentialSpec`].
//!
//! The search (see `search`) is Wing and Gong's, with Lowe's memoization of
//! (linearized set, state), as in Porcupine. Keyed specs are split by
//! [`SequentialSpec::partition_key`] and each key is checked alone
//! (P-compositionality), on up to as many threads as the machine has. The
//! verdict is one of three, and the checker never guesses:
//! - `Linearizable`;
//! - `NotLinearizable`, with a [`Counterexample`];
//! - `Unknown`, when a [`Budget`] ran out.
//!
//! With several partitions the verdict combines them: any non-linearizable key
//! makes the history non-linearizable; otherwise any unknown key makes it
//! unknown. The partitions take turns, a number of search steps each (the
//! number doubling every round), and the check stops at the end of the first
//! round in which some partition is proven not linearizable, as Porcupine
//! stops its other partitions: one hard but linearizable key must not hide
//! an easy violation on another. The turns are counted in steps, not time,
//! so which partition is reported (the first, in key order, of that round)
//! is the same on every machine.

mod budget;
mod memo;
mod report;
mod search;

pub use budget::{Budget, Exhausted};
pub use report::{Counterexample, OpReport, StuckOp};

use crate::history::{History, HistoryError, Operation};
use crate::spec::SequentialSpec;
use budget::Meter;
use search::{Outcome, Tables, Walk};
use std::borrow::Cow;
use std::fmt;

/// The operations of a spec.
type Ops<S> = Vec<Operation<<S as SequentialSpec>::Input, <S as SequentialSpec>::Output>>;
/// One partition: its key and its operations.
type Partition<S> = (Option<String>, Ops<S>);

/// The checker's answer.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case", tag = "verdict")]
pub enum Verdict {
    /// Some sequential order of the operations explains every result.
    Linearizable,
    /// No order does; here is where the search got stuck.
    NotLinearizable(Box<Counterexample>),
    /// A budget ran out before the search finished.
    Unknown {
        /// Which budget.
        exhausted: Exhausted,
    },
}

impl Verdict {
    /// True for `Linearizable`.
    pub fn is_linearizable(&self) -> bool {
        matches!(self, Verdict::Linearizable)
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Verdict::Linearizable => writeln!(f, "linearizable"),
            Verdict::NotLinearizable(c) => write!(f, "{c}"),
            Verdict::Unknown { exhausted } => {
                writeln!(f, "unknown: {exhausted} before the search finished")
            }
        }
    }
}

/// Checks a history with the default budget (1 GiB of memo tables, no step or
/// time limit).
pub fn check<S: SequentialSpec>(
    spec: &S,
    history: &History<S::Input, S::Output>,
) -> Result<Verdict, HistoryError>
where
    S::Input: Clone,
    S::Output: Clone,
{
    check_with_budget(spec, history, Budget::default())
}

/// Checks a history within `budget`.
pub fn check_with_budget<S: SequentialSpec>(
    spec: &S,
    history: &History<S::Input, S::Output>,
    budget: Budget,
) -> Result<Verdict, HistoryError>
where
    S::Input: Clone,
    S::Output: Clone,
{
    Ok(check_operations(spec, history.operations()?, budget))
}

/// Checks a history it takes (its operations are not cloned) within `budget`.
pub fn check_owned<S: SequentialSpec>(
    spec: &S,
    history: History<S::Input, S::Output>,
    budget: Budget,
) -> Result<Verdict, HistoryError> {
    Ok(check_operations(spec, history.into_operations()?, budget))
}

/// Checks paired operations within `budget`.
pub fn check_operations<S: SequentialSpec>(
    spec: &S,
    ops: Vec<Operation<S::Input, S::Output>>,
    budget: Budget,
) -> Verdict {
    let partitions = partition(spec, ops);
    let meter = Meter::new(budget);
    let outcomes = run_partitions(spec, &partitions, &meter);

    let stopped = outcomes.iter().filter(|o| o.is_none()).count();
    let mut unknown = None;
    for ((key, ops), outcome) in partitions.iter().zip(outcomes) {
        match outcome {
            Some(Outcome::Linearizable) | None => {}
            Some(Outcome::NotLinearizable { longest_prefix }) => {
                let mut c = Counterexample::build(spec, key.clone(), ops, &longest_prefix);
                c.partitions_stopped = stopped;
                return Verdict::NotLinearizable(Box::new(c));
            }
            Some(Outcome::Unknown(e)) => unknown = unknown.or(Some(e)),
        }
    }
    match unknown {
        Some(exhausted) => Verdict::Unknown { exhausted },
        None => Verdict::Linearizable,
    }
}

/// The operations grouped by [`SequentialSpec::partition_key`], in key
/// order, each group in history order.
fn partition<S: SequentialSpec>(spec: &S, ops: Ops<S>) -> Vec<Partition<S>> {
    let mut group_of: crate::fxhash::FxMap<Option<Cow<'_, str>>, usize> = Default::default();
    let mut groups: Vec<(Option<Cow<'_, str>>, Vec<usize>)> = Vec::new();
    for (i, op) in ops.iter().enumerate() {
        let key = spec.partition_key(&op.input);
        let g = *group_of.entry(key.clone()).or_insert_with(|| {
            groups.push((key, Vec::new()));
            groups.len() - 1
        });
        groups[g].1.push(i);
    }
    groups.sort_by(|a, b| a.0.cmp(&b.0));
    let groups: Vec<(Option<String>, Vec<usize>)> = groups
        .into_iter()
        .map(|(k, members)| (k.map(Cow::into_owned), members))
        .collect();
    drop(group_of);
    let mut slots: Vec<Option<Operation<S::Input, S::Output>>> =
        ops.into_iter().map(Some).collect();
    groups
        .into_iter()
        .map(|(key, members)| {
            let taken = members
                .iter()
                .map(|&i| slots[i].take().expect("each operation once"));
            (key, taken.collect())
        })
        .collect()
}

/// Steps each partition walks in the first round; the number doubles each
/// round after.
const FIRST_QUANTUM: u64 = 16;

/// Runs the partitions' searches in turns (see the module doc) and returns
/// their outcomes in partition order; a partition stopped because another
/// was proven not linearizable first is `None`.
fn run_partitions<S: SequentialSpec>(
    spec: &S,
    partitions: &[Partition<S>],
    meter: &Meter,
) -> Vec<Option<Outcome>> {
    let mut walks: Vec<Option<Walk<'_, S>>> = partitions.iter().map(|_| None).collect();
    let mut outcomes: Vec<Option<Outcome>> = partitions.iter().map(|_| None).collect();
    // The tables of ended walks, for the next walk to start with.
    let mut pool: Vec<Tables<S>> = Vec::new();
    let mut quantum = FIRST_QUANTUM;
    for round in 0.. {
        let turns = walks.iter_mut().zip(outcomes.iter_mut()).zip(partitions);
        for ((walk, outcome), (_, ops)) in turns {
            if round == 0 {
                *walk = Some(Walk::new(spec, ops, pool.pop()));
            }
            let Some(w) = walk else { continue };
            if let Some(done) = w.advance(meter, quantum) {
                *outcome = Some(done);
                pool.push(walk.take().expect("live").into_tables());
            }
        }
        let violated = outcomes
            .iter()
            .any(|o| matches!(o, Some(Outcome::NotLinearizable { .. })));
        if violated || walks.iter().all(Option::is_none) {
            break;
        }
        quantum = quantum.saturating_mul(2);
    }
    for walk in walks.into_iter().flatten() {
        walk.release(meter);
    }
    for tables in pool {
        tables.release(meter);
    }
    outcomes
}
