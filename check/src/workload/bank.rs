//! Jepsen's bank: transfers move money between accounts, and every read of
//! all accounts must sum to the total. As elle-cli runs it: the accounts
//! are those of the first read unless given, the total is the first
//! read's sum unless given, and negative balances break it unless allowed.
//! Only completed reads are judged; transfers are not.

use super::ops::{client, error, Element};
use super::{Finding, Validity, WorkloadVerdict};
use crate::jepsen::edn::Edn;
use crate::jepsen::{EventType, ImportError, JepsenEvent};
use std::collections::BTreeSet;

/// How to judge a bank history.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BankOptions {
    /// The total every read must sum to (default: the first read's sum).
    pub total: Option<i64>,
    /// Whether a negative balance is allowed.
    pub negative_balances: bool,
}

/// A read's balances, by account (`None`: nil).
type Balances = Vec<(Element, Option<i64>)>;

/// Checks a bank history.
pub fn check(
    events: &[JepsenEvent],
    options: &BankOptions,
) -> Result<WorkloadVerdict, ImportError> {
    let reads: Vec<(usize, Balances)> = client(events, EventType::Ok, "read")
        .map(|e| Ok((e.line, balances(e)?)))
        .collect::<Result<_, ImportError>>()?;
    let Some((_, first)) = reads.first() else {
        return Ok(WorkloadVerdict::unknown(
            "bank",
            "no read completed, so no balance was seen",
        ));
    };
    let accounts: BTreeSet<&Element> = first.iter().map(|(a, _)| a).collect();
    let total = options
        .total
        .unwrap_or_else(|| first.iter().filter_map(|(_, b)| *b).sum());
    let mut findings = Vec::new();
    for (line, read) in &reads {
        if let Some(f) = judge(*line, read, &accounts, total, options.negative_balances) {
            findings.push(f);
        }
    }
    let counts = vec![("reads", reads.len()), ("errors", findings.len())];
    Ok(WorkloadVerdict::from_findings(
        "bank",
        findings,
        counts,
        Validity::Valid,
    ))
}

/// A read's balances, by account.
fn balances(e: &JepsenEvent) -> Result<Balances, ImportError> {
    let Edn::Map(entries) = &e.value else {
        return Err(error(
            e.line,
            format!(
                "a bank read's value is a map of account to balance, found `{}`",
                super::brief(&e.value)
            ),
        ));
    };
    entries
        .iter()
        .map(|(k, v)| {
            let balance = match v {
                Edn::Nil => None,
                other => Some(super::ops::int(e.line, "balance", other)?),
            };
            Ok((Element::name(k), balance))
        })
        .collect()
}

/// The first error of one read, as elle-cli's bank checks them in order.
fn judge(
    line: usize,
    read: &[(Element, Option<i64>)],
    accounts: &BTreeSet<&Element>,
    total: i64,
    negative_allowed: bool,
) -> Option<Finding> {
    let finding = |kind, detail| Some(Finding { kind, line, detail });
    let unexpected: Vec<String> = read
        .iter()
        .filter(|(a, _)| !accounts.contains(a))
        .map(|(a, _)| a.to_string())
        .collect();
    if !unexpected.is_empty() {
        return finding(
            "unexpected-key",
            format!("accounts not in the first read: {}", unexpected.join(", ")),
        );
    }
    let nils: Vec<String> = read
        .iter()
        .filter(|(_, b)| b.is_none())
        .map(|(a, _)| a.to_string())
        .collect();
    if !nils.is_empty() {
        return finding(
            "nil-balance",
            format!("accounts with no balance: {}", nils.join(", ")),
        );
    }
    let sum: i64 = read.iter().filter_map(|(_, b)| *b).sum();
    if sum != total {
        return finding(
            "wrong-total",
            format!("the balances sum to {sum}, not {total}"),
        );
    }
    let negative: Vec<String> = read
        .iter()
        .filter(|(_, b)| b.is_some_and(|b| b < 0))
        .map(|(a, b)| format!("{a}: {}", b.unwrap_or_default()))
        .collect();
    if !negative_allowed && !negative.is_empty() {
        return finding(
            "negative-value",
            format!("negative balances: {}", negative.join(", ")),
        );
    }
    None
}
