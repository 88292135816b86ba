//! Transactions and transactional histories.
//!
//! A history is built from its events in order: each client process invokes
//! a transaction and completes it (ok, fail or info) before its next; a
//! transaction still open at the end is info. A history with no invocations
//! at all (completions only) is accepted, but says nothing of real time.

use super::atoms::Atoms;
use std::collections::BTreeMap;

/// What a read returned.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ReadValue {
    /// `nil`: unknown (in an invocation, or a read of a transaction that
    /// did not commit); the initial state of a register; and, in a committed
    /// list read, the empty list, as Elle reads it (Jepsen's clients return
    /// `nil` for a key that does not exist yet).
    Nil,
    /// A list (list-append).
    List(Box<[u32]>),
    /// One value (rw-register).
    One(u32),
}

/// A micro-operation. Keys and values are ids in the history's [`Atoms`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Mop {
    /// `[:append k v]`
    Append {
        /// The key.
        key: u32,
        /// The value appended.
        value: u32,
    },
    /// `[:w k v]`
    Write {
        /// The key.
        key: u32,
        /// The value written.
        value: u32,
    },
    /// `[:r k value]`
    Read {
        /// The key.
        key: u32,
        /// What it returned.
        value: ReadValue,
    },
}

impl Mop {
    /// The key.
    pub fn key(&self) -> u32 {
        match self {
            Mop::Append { key, .. } | Mop::Write { key, .. } | Mop::Read { key, .. } => *key,
        }
    }

    /// The largest key or value id it names.
    pub fn largest_id(&self) -> u32 {
        match self {
            Mop::Append { key, value } | Mop::Write { key, value } => (*key).max(*value),
            Mop::Read {
                key,
                value: ReadValue::List(l),
            } => l.iter().copied().fold(*key, u32::max),
            Mop::Read {
                key,
                value: ReadValue::One(v),
            } => (*key).max(*v),
            Mop::Read { key, .. } => *key,
        }
    }

    /// The mop as an invocation writes it: reads return `nil`.
    pub fn invoked(&self) -> Mop {
        match self {
            Mop::Read { key, .. } => Mop::Read {
                key: *key,
                value: ReadValue::Nil,
            },
            other => other.clone(),
        }
    }
}

/// The one process of every event that names none, as Jepsen keys them
/// (`nil`): its transactions must each complete before the next begins.
pub const NIL_PROCESS: u64 = u64::MAX;

/// A process as a history writes it: its number, or `None` for `nil`.
pub fn named_process(process: u64) -> Option<u64> {
    (process != NIL_PROCESS).then_some(process)
}

/// A process as messages name it: its number, or `nil`.
pub fn shown(process: u64) -> String {
    named_process(process).map_or_else(|| "nil".to_string(), |p| p.to_string())
}

/// How a transaction ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Status {
    /// Committed.
    Ok,
    /// Certainly did not take effect.
    Fail,
    /// Unknown: it may or may not have taken effect.
    Info,
}

impl Status {
    /// Jepsen's keyword for it.
    pub fn name(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Fail => "fail",
            Status::Info => "info",
        }
    }
}

/// One transaction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Txn {
    /// The client process.
    pub process: u64,
    /// How it ended.
    pub status: Status,
    /// Its micro-operations, with what the reads returned when it is ok.
    pub mops: Vec<Mop>,
    /// The position of its invocation among the history's events.
    pub invoke: u64,
    /// The position of its completion event, if there was one.
    pub complete: Option<u64>,
    /// The 1-based line of its invocation (or completion) in the input.
    pub line: usize,
    /// Jepsen's `:index` of its completion (or invocation), if given.
    pub index: Option<i64>,
}

/// A transactional history.
#[derive(Clone, Debug, Default)]
pub struct TxnHistory {
    /// The transactions, in order of invocation.
    pub txns: Vec<Txn>,
    /// The keys' and values' names.
    pub atoms: Atoms,
    /// False for a history of completions only: real time is unknown.
    pub has_invokes: bool,
}

/// Why events do not make a history.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct TxnHistoryError {
    /// The 1-based line.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// One event, as a reader found it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TxnEvent {
    /// The client process.
    pub process: u64,
    /// `None` for an invocation.
    pub completion: Option<Status>,
    /// The micro-operations as the event lists them.
    pub mops: Vec<Mop>,
    /// The 1-based line.
    pub line: usize,
    /// Jepsen's `:index`, if given.
    pub index: Option<i64>,
}

impl TxnHistory {
    /// Pairs events into transactions. With no invocations at all, each
    /// completion is a transaction of its own.
    pub fn from_events(events: Vec<TxnEvent>, atoms: Atoms) -> Result<TxnHistory, TxnHistoryError> {
        let has_invokes = events.iter().any(|e| e.completion.is_none());
        let mut txns: Vec<Txn> = Vec::new();
        let mut open: BTreeMap<u64, usize> = BTreeMap::new();
        for (position, event) in events.into_iter().enumerate() {
            let position = position as u64;
            match event.completion {
                None => {
                    if let Some(&t) = open.get(&event.process) {
                        return Err(TxnHistoryError {
                            line: event.line,
                            message: format!(
                                "process {} invokes a transaction while its transaction of line {} is open",
                                shown(event.process),
                                txns[t].line
                            ),
                        });
                    }
                    open.insert(event.process, txns.len());
                    txns.push(Txn {
                        process: event.process,
                        status: Status::Info,
                        mops: event.mops,
                        invoke: position,
                        complete: None,
                        line: event.line,
                        index: event.index,
                    });
                }
                Some(status) if !has_invokes => txns.push(Txn {
                    process: event.process,
                    status,
                    mops: event.mops,
                    invoke: position,
                    complete: Some(position),
                    line: event.line,
                    index: event.index,
                }),
                Some(status) => {
                    let Some(t) = open.remove(&event.process) else {
                        return Err(TxnHistoryError {
                            line: event.line,
                            message: format!(
                                "process {} completes a transaction it never invoked",
                                shown(event.process)
                            ),
                        });
                    };
                    complete(&mut txns[t], status, event, position)?;
                }
            }
        }
        Ok(TxnHistory {
            txns,
            atoms,
            has_invokes,
        })
    }

    /// A client history of transactions over integer keys and values (each
    /// key and value id is its own number), as a scenario's clients record
    /// it: the invocation lists the micro-operations, an ok completion lists
    /// them with what the reads returned.
    pub fn from_client_history(
        history: &crate::history::History<Vec<Mop>, Vec<Mop>>,
    ) -> Result<TxnHistory, TxnHistoryError> {
        use crate::history::EventKind;
        let mut top = 0u32;
        let mut events = Vec::with_capacity(history.events.len());
        for (i, e) in history.events.iter().enumerate() {
            let (completion, mops) = match &e.kind {
                EventKind::Invoke(m) => (None, m.clone()),
                EventKind::Ok(m) => (Some(Status::Ok), m.clone()),
                EventKind::Fail => (Some(Status::Fail), Vec::new()),
                EventKind::Info => (Some(Status::Info), Vec::new()),
            };
            top = mops.iter().map(Mop::largest_id).fold(top, u32::max);
            events.push(TxnEvent {
                process: e.process,
                completion,
                mops,
                line: i + 1,
                index: Some(i as i64),
            });
        }
        let mut atoms = Atoms::default();
        for id in 0..=top {
            atoms.int(i64::from(id));
        }
        TxnHistory::from_events(events, atoms)
    }

    /// The transactions that committed or may have (ok and info).
    pub fn possibly_committed(&self) -> impl Iterator<Item = (usize, &Txn)> {
        self.txns
            .iter()
            .enumerate()
            .filter(|(_, t)| t.status != Status::Fail)
    }
}

/// Completes an open transaction: an ok completion's mops carry what the
/// reads returned, and must match the invocation's in kind, key and
/// written value; fail and info keep the invocation's.
fn complete(
    txn: &mut Txn,
    status: Status,
    event: TxnEvent,
    position: u64,
) -> Result<(), TxnHistoryError> {
    txn.status = status;
    txn.complete = Some(position);
    txn.index = event.index.or(txn.index);
    if status != Status::Ok {
        return Ok(());
    }
    let same = txn.mops.len() == event.mops.len()
        && txn
            .mops
            .iter()
            .zip(&event.mops)
            .all(|(a, b)| a.invoked() == b.invoked());
    if !same && !txn.mops.is_empty() {
        return Err(TxnHistoryError {
            line: event.line,
            message: format!(
                "the completion's micro-operations differ from those invoked on line {}",
                txn.line
            ),
        });
    }
    txn.mops = event.mops;
    Ok(())
}
