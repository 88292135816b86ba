//! A serial witness: the committed transactions run one after another, in
//! the order they completed, against a store that starts empty. When every
//! read sees what that run gives it, the run is a serial execution of the
//! history: it is serializable. The order also respects real time (a
//! transaction that completed before another began completes before it),
//! so with invocations known it is strictly serializable too. Elle calls
//! such a history valid where the dependencies alone leave the order of
//! some writes open; a witness that fails proves nothing.
//!
//! Transactions that did not commit are left out: a failed one did not
//! happen, and an indeterminate one may not have.

use super::history::{Mop, ReadValue, Status, TxnHistory};
use std::collections::BTreeMap;

/// True when the committed transactions, run in the order they completed,
/// give every read exactly what it returned (`nil`: the key was never
/// written, or its list is empty).
pub(super) fn serial_in_completion_order(history: &TxnHistory) -> bool {
    let mut committed: Vec<_> = history
        .txns
        .iter()
        .filter(|t| t.status == Status::Ok)
        .collect();
    committed.sort_by_key(|t| t.complete.unwrap_or(t.invoke));
    let mut registers: BTreeMap<u32, u32> = BTreeMap::new();
    let mut lists: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    for txn in committed {
        for mop in &txn.mops {
            match mop {
                Mop::Write { key, value } => {
                    registers.insert(*key, *value);
                }
                Mop::Append { key, value } => lists.entry(*key).or_default().push(*value),
                Mop::Read { key, value } => {
                    let list = lists.get(key).map_or(&[][..], Vec::as_slice);
                    let seen = match value {
                        ReadValue::Nil => !registers.contains_key(key) && list.is_empty(),
                        ReadValue::One(v) => registers.get(key) == Some(v),
                        ReadValue::List(vs) => list[..] == vs[..],
                    };
                    if !seen {
                        return false;
                    }
                }
            }
        }
    }
    true
}
