//! Internal consistency: within one committed transaction, a read must
//! agree with what the transaction itself read and wrote before it, and
//! must not see what it writes only later (a *future read*).

use super::anomaly::AnomalyKind;
use super::history::{Mop, ReadValue, TxnHistory};
use super::infer::{name, readers, show, Inference};

/// What a transaction knows of a key so far.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Known {
    /// The whole list (it read the key, then perhaps appended).
    List(Vec<u32>),
    /// Only that the list ends with these (it appended without reading).
    Suffix(Vec<u32>),
    /// A register's value (`None`: the initial state).
    Register(Option<u32>),
}

/// Checks every committed transaction.
pub fn check(history: &TxnHistory, out: &mut Inference) {
    let mut known: Vec<(u32, Known)> = Vec::new();
    for (t, txn) in readers(history) {
        known.clear();
        for (m, mop) in txn.mops.iter().enumerate() {
            future_read(history, t, m, out);
            let key = mop.key();
            let slot = known.iter().position(|(k, _)| *k == key);
            let before = slot.map(|i| std::mem::replace(&mut known[i].1, Known::Register(None)));
            let after = match (mop, before) {
                (Mop::Append { value, .. }, Some(Known::List(mut s))) => {
                    s.push(*value);
                    Known::List(s)
                }
                (Mop::Append { value, .. }, Some(Known::Suffix(mut s))) => {
                    s.push(*value);
                    Known::Suffix(s)
                }
                (Mop::Append { value, .. }, _) => Known::Suffix(vec![*value]),
                (Mop::Write { value, .. }, _) => Known::Register(Some(*value)),
                (Mop::Read { value, .. }, before) => {
                    if let Some(expected) = contradiction(history, value, before.as_ref()) {
                        let detail = format!(
                            "key {}: {} read {}, but {expected}",
                            history.atoms.get(key),
                            name(history, t),
                            shown(history, value)
                        );
                        out.found(AnomalyKind::Internal, vec![t], detail);
                    }
                    match value {
                        ReadValue::List(v) => Known::List(v.to_vec()),
                        ReadValue::One(v) => Known::Register(Some(*v)),
                        ReadValue::Nil => Known::Register(None),
                    }
                }
            };
            match slot {
                Some(i) => known[i].1 = after,
                None => known.push((key, after)),
            }
        }
    }
}

fn shown(history: &TxnHistory, value: &ReadValue) -> String {
    match value {
        ReadValue::List(v) => show(history, v),
        ReadValue::One(v) => history.atoms.get(*v).to_string(),
        ReadValue::Nil => "nil".to_string(),
    }
}

/// Why `read` contradicts what was known, if it does.
fn contradiction(history: &TxnHistory, read: &ReadValue, before: Option<&Known>) -> Option<String> {
    match (before?, read) {
        (Known::List(s), ReadValue::List(v)) if s[..] != v[..] => {
            Some(format!("it had read or made {}", show(history, s)))
        }
        (Known::Suffix(s), ReadValue::List(v)) if !v.ends_with(s) => {
            Some(format!("it had appended {}", show(history, s)))
        }
        (Known::Register(x), ReadValue::One(v)) if *x != Some(*v) => Some(format!(
            "it had read or written {}",
            x.map_or("nil".to_string(), |x| history.atoms.get(x).to_string())
        )),
        (Known::Register(Some(x)), ReadValue::Nil) => {
            Some(format!("it had read or written {}", history.atoms.get(*x)))
        }
        _ => None,
    }
}

/// A read at mop `m` of transaction `t` that sees a value `t` writes later.
fn future_read(history: &TxnHistory, t: u32, m: usize, out: &mut Inference) {
    let mops = &history.txns[t as usize].mops;
    let Mop::Read { key, value } = &mops[m] else {
        return;
    };
    for later in &mops[m + 1..] {
        let (Mop::Append { key: k, value: v } | Mop::Write { key: k, value: v }) = later else {
            continue;
        };
        let sees = match value {
            ReadValue::List(values) => values.contains(v),
            ReadValue::One(x) => x == v,
            ReadValue::Nil => false,
        };
        if k == key && sees {
            let detail = format!(
                "key {}: {} read {}, which it writes only later",
                history.atoms.get(*key),
                name(history, t),
                history.atoms.get(*v)
            );
            out.found(AnomalyKind::FutureRead, vec![t], detail);
            return;
        }
    }
}
