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
//! makes the history non-linearizable (the first such key, in key order, is
//! reported); otherwise any unknown key makes it unknown.

mod budget;
mod report;
mod search;

pub use budget::{Budget, Exhausted};
pub use report::{Counterexample, OpReport, StuckOp};

use crate::history::{History, HistoryError, Operation};
use crate::spec::SequentialSpec;
use budget::Meter;
use search::{search, Outcome};
use std::collections::BTreeMap;
use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

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

/// Checks paired operations within `budget`.
pub fn check_operations<S: SequentialSpec>(
    spec: &S,
    ops: Vec<Operation<S::Input, S::Output>>,
    budget: Budget,
) -> Verdict {
    let mut by_key: BTreeMap<Option<String>, Ops<S>> = BTreeMap::new();
    for op in ops {
        by_key
            .entry(spec.partition_key(&op.input))
            .or_default()
            .push(op);
    }
    let partitions: Vec<Partition<S>> = by_key.into_iter().collect();
    let meter = Meter::new(budget);
    let outcomes = run_partitions(spec, &partitions, &meter);

    let mut unknown = None;
    for ((key, ops), outcome) in partitions.iter().zip(outcomes) {
        match outcome {
            Outcome::Linearizable => {}
            Outcome::NotLinearizable { longest_prefix } => {
                let c = Counterexample::build(spec, key.clone(), ops, &longest_prefix);
                return Verdict::NotLinearizable(Box::new(c));
            }
            Outcome::Unknown(e) => unknown = unknown.or(Some(e)),
        }
    }
    match unknown {
        Some(exhausted) => Verdict::Unknown { exhausted },
        None => Verdict::Linearizable,
    }
}

/// Runs every partition's search, in parallel when there are several, and
/// returns the outcomes in partition order.
fn run_partitions<S: SequentialSpec>(
    spec: &S,
    partitions: &[Partition<S>],
    meter: &Meter,
) -> Vec<Outcome> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(partitions.len());
    if threads <= 1 {
        return partitions
            .iter()
            .map(|(_, ops)| search(spec, ops, meter))
            .collect();
    }
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Outcome>>> =
        Mutex::new((0..partitions.len()).map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some((_, ops)) = partitions.get(i) else {
                    break;
                };
                let outcome = search(spec, ops, meter);
                results.lock().expect("no worker panicked")[i] = Some(outcome);
            });
        }
    });
    results
        .into_inner()
        .expect("no worker panicked")
        .into_iter()
        .map(|o| o.expect("every partition ran"))
        .collect()
}
