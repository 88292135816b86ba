//! The clients: list transactions (appends and reads over a few keys, each
//! appended value unique), transfers between accounts, and audits that read
//! every balance. And what the checks make of their history: the list
//! transactions as a transactional history, and the audits' totals.

use super::messages::{Step, StepResult, TxnReply, TxnRequest};
use super::shard::INITIAL_BALANCE;
use super::{TpcNode, COORDINATOR};
use sim::history::{EventKind, History};
use sim::scenario::{Completion, Workload};
use sim::txn::history::{Mop, ReadValue};
use sim::txn::TxnHistory;
use sim::{NodeId, SimDuration, SimRng};
use std::collections::BTreeMap;

/// How many list keys, and how many accounts.
pub const KEYS: u32 = 6;
/// How many accounts.
pub const ACCOUNTS: u32 = 6;
/// What every audit must total.
pub const TOTAL: i64 = ACCOUNTS as i64 * INITIAL_BALANCE;

/// The clients' workload.
#[derive(Clone, Debug, Default, Hash)]
pub struct TpcClients {
    next_value: u32,
}

impl TpcClients {
    fn list_txn(&mut self, rng: &mut SimRng) -> Vec<Step> {
        (0..rng.between(1, 4))
            .map(|_| {
                let key = rng.below(u64::from(KEYS)) as u32;
                if rng.chance(1, 2) {
                    Step::Read { key }
                } else {
                    self.next_value += 1;
                    Step::Append {
                        key,
                        value: self.next_value,
                    }
                }
            })
            .collect()
    }
}

impl Workload<TpcNode> for TpcClients {
    fn next_op(
        &mut self,
        rng: &mut SimRng,
        _: usize,
        _: u64,
        _: usize,
    ) -> Option<(NodeId, TxnRequest)> {
        let roll = rng.below(10);
        let steps = if roll < 7 {
            self.list_txn(rng)
        } else if roll < 9 {
            let from = rng.below(u64::from(ACCOUNTS)) as u32;
            let to = (from + 1 + rng.below(u64::from(ACCOUNTS) - 1) as u32) % ACCOUNTS;
            vec![Step::Transfer {
                from,
                to,
                amount: rng.between(1, 40) as u32,
            }]
        } else {
            (0..ACCOUNTS)
                .map(|account| Step::Balance { account })
                .collect()
        };
        Some((COORDINATOR, TxnRequest { steps }))
    }

    fn complete(&self, reply: &TxnReply) -> Completion {
        match reply {
            TxnReply::Committed(_) => Completion::Ok,
            TxnReply::Aborted => Completion::Fail,
        }
    }

    fn think_time(&mut self, rng: &mut SimRng) -> SimDuration {
        SimDuration::from_millis(rng.below(20))
    }
}

fn is_list(request: &TxnRequest) -> bool {
    request
        .steps
        .iter()
        .all(|s| matches!(s, Step::Append { .. } | Step::Read { .. }))
}

fn mops(request: &TxnRequest, results: Option<&[StepResult]>) -> Vec<Mop> {
    request
        .steps
        .iter()
        .enumerate()
        .map(|(i, step)| match *step {
            Step::Append { key, value } => Mop::Append { key, value },
            Step::Read { key } => {
                let value = match results.and_then(|r| r.get(i)) {
                    Some(StepResult::List(Some(l))) => ReadValue::List(l.clone().into()),
                    _ => ReadValue::Nil,
                };
                Mop::Read { key, value }
            }
            _ => unreachable!("only list transactions are translated"),
        })
        .collect()
}

/// Which of a committed transaction's micro-operations its history keeps:
/// every append, and each read whose shard answered. A read no shard
/// answered is left out of the invocation and the completion alike: in a
/// committed transaction `nil` would say "saw the key empty" (as Elle
/// reads it), and nothing was seen.
fn answered(results: &[StepResult], mops: Vec<Mop>) -> Vec<Mop> {
    mops.into_iter()
        .enumerate()
        .filter(|(i, mop)| {
            !matches!(mop, Mop::Read { .. })
                || matches!(results.get(*i), Some(StepResult::List(Some(_))))
        })
        .map(|(_, mop)| mop)
        .collect()
}

/// The list transactions of a run, as a transactional history (transfers
/// and audits left out).
pub fn list_history(history: &History<TxnRequest, TxnReply>) -> TxnHistory {
    // Per process: the transaction it invoked, and where its invocation is.
    let mut pending: BTreeMap<u64, (TxnRequest, usize)> = BTreeMap::new();
    let mut out: History<Vec<Mop>, Vec<Mop>> = History::new();
    for e in &history.events {
        if let EventKind::Invoke(request) = &e.kind {
            if is_list(request) {
                pending.insert(e.process, (request.clone(), out.events.len()));
                out.invoke(e.process, e.time, mops(request, None));
            }
            continue;
        }
        let Some((request, invoked)) = pending.remove(&e.process) else {
            continue;
        };
        match &e.kind {
            EventKind::Ok(TxnReply::Committed(results)) => {
                let invocation = answered(results, mops(&request, None));
                out.events[invoked].kind = EventKind::Invoke(invocation);
                out.ok(
                    e.process,
                    e.time,
                    answered(results, mops(&request, Some(results))),
                )
            }
            EventKind::Ok(TxnReply::Aborted) | EventKind::Fail => out.fail(e.process, e.time),
            _ => out.info(e.process, e.time),
        }
    }
    TxnHistory::from_client_history(&out).expect("the harness pairs its events")
}

/// Every committed audit reads the same total: money is neither made nor lost.
pub fn conservation(history: &History<TxnRequest, TxnReply>) -> Result<(), String> {
    for (i, e) in history.events.iter().enumerate() {
        let EventKind::Ok(TxnReply::Committed(results)) = &e.kind else {
            continue;
        };
        let balances: Vec<i64> = results
            .iter()
            .filter_map(|r| match r {
                StepResult::Balance(Some(b)) => Some(*b),
                _ => None,
            })
            .collect();
        if balances.len() == ACCOUNTS as usize {
            let total: i64 = balances.iter().sum();
            if total != TOTAL {
                return Err(format!(
                    "an audit by process {} at {} (event {i}) read balances {balances:?}, totalling {total}, not {TOTAL}",
                    e.process,
                    sim::SimTime(e.time)
                ));
            }
        }
    }
    Ok(())
}
