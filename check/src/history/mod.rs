//! Client histories: what clients asked for and what they were told.
//!
//! A history is a sequence of events in real-time order. Each event belongs to a
//! process (one client thread; a process has at most one operation pending) and is
//! one of:
//! - `invoke`: the process asks for an operation;
//! - `ok`: the operation completed, with this result;
//! - `fail`: the operation certainly did not take effect;
//! - `info`: indeterminate: the operation may or may not have taken effect, at any
//!   time after its invocation (a timeout, a crash).
//!
//! An invoke that is never completed is indeterminate too. The checkers work on
//! [`Operation`]s: an invoke paired with its completion, with failed operations
//! removed and indeterminate ones kept with no result.

pub mod generate;

use serde::{Deserialize, Serialize};
use std::fmt;

/// What happened in one event.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type", content = "value")]
pub enum EventKind<I, O> {
    /// The process asked for `I`.
    Invoke(I),
    /// The operation completed with result `O`.
    Ok(O),
    /// The operation did not take effect.
    Fail,
    /// The operation's outcome is unknown.
    Info,
}

/// One event of a history.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct HistoryEvent<I, O> {
    /// The client process.
    pub process: u64,
    /// When it happened (virtual nanoseconds, or whatever the source recorded).
    pub time: u64,
    /// What happened.
    pub kind: EventKind<I, O>,
}

/// A history: events in the order they happened.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct History<I, O> {
    /// The events, in real-time order.
    pub events: Vec<HistoryEvent<I, O>>,
}

/// An invoke, and its completion if it has one (see [`History::paired`]).
pub type Paired<'h, I, O> = (&'h HistoryEvent<I, O>, Option<&'h HistoryEvent<I, O>>);

impl<I, O> History<I, O> {
    /// Each invoke with its completion (`None` while pending), in invoke
    /// order: every logical operation, failed ones included (reports and
    /// summaries; the checkers use [`History::operations`]).
    pub fn paired(&self) -> Vec<Paired<'_, I, O>> {
        let mut pairs = Vec::new();
        let mut open: std::collections::BTreeMap<u64, usize> = Default::default();
        for e in &self.events {
            match e.kind {
                EventKind::Invoke(_) => {
                    open.insert(e.process, pairs.len());
                    pairs.push((e, None));
                }
                _ => {
                    if let Some(i) = open.remove(&e.process) {
                        pairs[i].1 = Some(e);
                    }
                }
            }
        }
        pairs
    }
}

impl<I, O> Default for History<I, O> {
    fn default() -> Self {
        History { events: Vec::new() }
    }
}

/// An operation: an invocation and what became of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Operation<I, O> {
    /// The client process.
    pub process: u64,
    /// What was asked for.
    pub input: I,
    /// The result, or `None` when indeterminate.
    pub output: Option<O>,
    /// Position of the invoke event in the history (orders operations).
    pub call_index: usize,
    /// Position of the completion, or `None` when indeterminate (it may take
    /// effect at any later time).
    pub return_index: Option<usize>,
    /// The recorded time of the invoke.
    pub call_time: u64,
    /// The recorded time of the completion, if any.
    pub return_time: Option<u64>,
}

/// A history whose events do not pair up.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum HistoryError {
    /// A completion with no pending invoke of that process.
    #[error("event {index}: process {process} completes an operation it never invoked")]
    CompletionWithoutInvoke {
        /// Position in the history.
        index: usize,
        /// The process.
        process: u64,
    },
    /// An invoke while the process already has an operation pending.
    #[error("event {index}: process {process} invokes while its operation from event {pending} is still pending")]
    InvokeWhilePending {
        /// Position in the history.
        index: usize,
        /// The process.
        process: u64,
        /// The pending invoke's position.
        pending: usize,
    },
}

impl<I: Clone, O: Clone> History<I, O> {
    /// An empty history.
    pub fn new() -> Self {
        History::default()
    }

    /// The same history with each event's kind translated by `f` (say, a
    /// model's operations into a spec's), processes and times unchanged.
    pub fn map<J, P>(&self, f: impl Fn(&EventKind<I, O>) -> EventKind<J, P>) -> History<J, P> {
        History {
            events: self
                .events
                .iter()
                .map(|e| HistoryEvent {
                    process: e.process,
                    time: e.time,
                    kind: f(&e.kind),
                })
                .collect(),
        }
    }

    /// Appends an invoke.
    pub fn invoke(&mut self, process: u64, time: u64, input: I) {
        self.events.push(HistoryEvent {
            process,
            time,
            kind: EventKind::Invoke(input),
        });
    }

    /// Appends a successful completion.
    pub fn ok(&mut self, process: u64, time: u64, output: O) {
        self.events.push(HistoryEvent {
            process,
            time,
            kind: EventKind::Ok(output),
        });
    }

    /// Appends a failure (the operation did not happen).
    pub fn fail(&mut self, process: u64, time: u64) {
        self.events.push(HistoryEvent {
            process,
            time,
            kind: EventKind::Fail,
        });
    }

    /// Appends an indeterminate completion.
    pub fn info(&mut self, process: u64, time: u64) {
        self.events.push(HistoryEvent {
            process,
            time,
            kind: EventKind::Info,
        });
    }

    /// Pairs invokes with completions. Failed operations are dropped; info and
    /// never-completed invokes become indeterminate operations.
    pub fn operations(&self) -> Result<Vec<Operation<I, O>>, HistoryError>
    where
        I: Clone,
        O: Clone,
    {
        pair(
            self.events
                .iter()
                .map(|e| (e.process, e.time, e.kind.clone())),
        )
    }

    /// As [`History::operations`], taking the history (nothing is cloned).
    pub fn into_operations(self) -> Result<Vec<Operation<I, O>>, HistoryError> {
        pair(self.events.into_iter().map(|e| (e.process, e.time, e.kind)))
    }
}

/// Pairs events (process, time, kind), in order, into operations.
fn pair<I, O>(
    events: impl ExactSizeIterator<Item = (u64, u64, EventKind<I, O>)>,
) -> Result<Vec<Operation<I, O>>, HistoryError> {
    let mut pending: crate::fxhash::FxMap<u64, (usize, usize)> = crate::fxhash::FxMap::default();
    let mut ops: Vec<Option<Operation<I, O>>> = Vec::with_capacity(events.len() / 2);
    for (index, (process, time, kind)) in events.enumerate() {
        match kind {
            EventKind::Invoke(input) => {
                if let Some(&(p, _)) = pending.get(&process) {
                    return Err(HistoryError::InvokeWhilePending {
                        index,
                        process,
                        pending: p,
                    });
                }
                pending.insert(process, (index, ops.len()));
                ops.push(Some(Operation {
                    process,
                    input,
                    output: None,
                    call_index: index,
                    return_index: None,
                    call_time: time,
                    return_time: None,
                }));
            }
            completion => {
                let (_, slot) = pending
                    .remove(&process)
                    .ok_or(HistoryError::CompletionWithoutInvoke { index, process })?;
                match completion {
                    EventKind::Ok(output) => {
                        let op = ops[slot].as_mut().expect("pending op exists");
                        op.output = Some(output);
                        op.return_index = Some(index);
                        op.return_time = Some(time);
                    }
                    EventKind::Fail => ops[slot] = None,
                    EventKind::Info => {}
                    EventKind::Invoke(_) => unreachable!("handled above"),
                }
            }
        }
    }
    Ok(ops.into_iter().flatten().collect())
}

impl<I: fmt::Debug, O: fmt::Debug> fmt::Display for HistoryEvent<I, O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "t={} p{} ", self.time, self.process)?;
        match &self.kind {
            EventKind::Invoke(i) => write!(f, "invoke {i:?}"),
            EventKind::Ok(o) => write!(f, "ok {o:?}"),
            EventKind::Fail => write!(f, "fail"),
            EventKind::Info => write!(f, "info"),
        }
    }
}

impl<I: fmt::Debug, O: fmt::Debug> fmt::Display for History<I, O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for e in &self.events {
            writeln!(f, "{e}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_events_into_operations() {
        let mut h: History<&str, u8> = History::new();
        h.invoke(1, 0, "a");
        h.invoke(2, 1, "b");
        h.ok(1, 2, 7);
        h.fail(2, 3);
        h.invoke(2, 4, "c");
        h.info(2, 5);
        h.invoke(3, 6, "d");
        let ops = h.operations().unwrap();
        assert_eq!(ops.len(), 3, "the failed op is dropped");
        assert_eq!(
            (ops[0].input, ops[0].output, ops[0].return_index),
            ("a", Some(7), Some(2))
        );
        assert_eq!(
            (ops[1].input, ops[1].output, ops[1].return_index),
            ("c", None, None)
        );
        assert_eq!(
            (ops[2].input, ops[2].output),
            ("d", None),
            "never completed: indeterminate"
        );
    }

    #[test]
    fn rejects_unpaired_events() {
        let mut h: History<&str, u8> = History::new();
        h.ok(1, 0, 1);
        assert!(matches!(
            h.operations(),
            Err(HistoryError::CompletionWithoutInvoke {
                index: 0,
                process: 1
            })
        ));
        let mut h: History<&str, u8> = History::new();
        h.invoke(1, 0, "a");
        h.invoke(1, 1, "b");
        assert!(matches!(
            h.operations(),
            Err(HistoryError::InvokeWhilePending { index: 1, .. })
        ));
    }
}
