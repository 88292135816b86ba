//! A recorded run's detail beyond its trace, for pictures of it (the HTML
//! report): every client operation as text with its times, the clients'
//! attempts, and the linearizability counterexample when there is one.
//!
//! Kept only when a run is recorded (`RunRequest::record`), since it
//! renders every operation with `Debug`.

use crate::history::{EventKind, History};
use crate::linearizability::Counterexample;
use crate::linearizability::Verdict;
use crate::node_id::NodeId;
use crate::scenario::client_log::Attempt;
use crate::time::SimTime;
use crate::txn::report::CycleReport;
use serde::{Deserialize, Serialize};
use std::fmt::Debug;

/// How a client operation ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "outcome", content = "value")]
pub enum Outcome {
    /// It completed, with this result (`Debug` text).
    Ok(String),
    /// It certainly did not take effect.
    Fail,
    /// Unknown whether it took effect (a timeout).
    Info,
    /// The run ended before any answer.
    Pending,
}

impl Outcome {
    /// The outcome as a reader sees it: the result, `fail`, or `?` with
    /// why there is none.
    pub fn shown(&self) -> &str {
        match self {
            Outcome::Ok(v) => v,
            Outcome::Fail => "fail",
            Outcome::Info => "? (timed out)",
            Outcome::Pending => "? (no answer)",
        }
    }
}

/// One logical client operation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HistoryOp {
    /// The client process.
    pub process: u64,
    /// Its kind, as the model names it.
    pub kind: &'static str,
    /// The operation, as `Debug` text.
    pub input: String,
    /// How it ended.
    pub outcome: Outcome,
    /// Invoke time (virtual nanoseconds).
    pub invoked_at: u64,
    /// Completion time, if it completed or timed out.
    pub completed_at: Option<u64>,
}

/// A recorded run's detail.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RunDetail {
    /// Every logical operation, in invoke order.
    pub ops: Vec<HistoryOp>,
    /// Every attempt the clients sent (empty on hosts without the engine).
    pub attempts: Vec<Attempt>,
    /// Why the history is not linearizable, when the check said so.
    pub counterexample: Option<Counterexample>,
    /// A transactional anomaly's first cycle, when there is one.
    pub cycle: Option<CycleReport>,
    /// When each node synced its storage (engine runs only).
    pub syncs: Vec<(SimTime, NodeId)>,
}

impl RunDetail {
    /// The detail of a run with `history`, its clients' `attempts` and the
    /// linearizability `verdict`, if one was reached.
    pub fn new<I: Debug, O: Debug>(
        history: &History<I, O>,
        kind: impl Fn(&I) -> &'static str,
        attempts: Vec<Attempt>,
        verdict: Option<&Verdict>,
    ) -> RunDetail {
        let counterexample = match verdict {
            Some(Verdict::NotLinearizable(c)) => Some(c.as_ref().clone()),
            _ => None,
        };
        RunDetail {
            ops: history_ops(history, kind),
            attempts,
            counterexample,
            syncs: Vec::new(),
            cycle: None,
        }
    }
}

/// Pairs each invoke with its completion, in invoke order.
fn history_ops<I: Debug, O: Debug>(
    history: &History<I, O>,
    kind: impl Fn(&I) -> &'static str,
) -> Vec<HistoryOp> {
    let pairs = history.paired().into_iter();
    pairs
        .map(|(invoke, done)| {
            let EventKind::Invoke(input) = &invoke.kind else {
                unreachable!("a pair starts with its invoke")
            };
            let outcome = match done.map(|e| &e.kind) {
                None => Outcome::Pending,
                Some(EventKind::Ok(output)) => Outcome::Ok(format!("{output:?}")),
                Some(EventKind::Fail) => Outcome::Fail,
                Some(EventKind::Info | EventKind::Invoke(_)) => Outcome::Info,
            };
            HistoryOp {
                process: invoke.process,
                kind: kind(input),
                input: format!("{input:?}"),
                outcome,
                invoked_at: invoke.time,
                completed_at: done.map(|e| e.time),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operations_pair_invokes_with_completions_in_invoke_order() {
        let mut h: History<&str, u32> = History::new();
        h.invoke(0, 10, "put");
        h.invoke(1, 11, "get");
        h.ok(1, 20, 7);
        h.info(0, 30);
        h.invoke(2, 31, "get");
        let ops = history_ops(&h, |_| "op");
        assert_eq!(ops.len(), 3);
        assert_eq!(ops[0].outcome, Outcome::Info);
        assert_eq!(ops[0].completed_at, Some(30));
        assert_eq!(ops[1].outcome, Outcome::Ok("7".into()));
        assert_eq!(ops[1].input, "\"get\"");
        assert_eq!(ops[2].outcome, Outcome::Pending);
    }
}
