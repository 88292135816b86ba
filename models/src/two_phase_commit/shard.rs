//! A shard's data (lists and account balances), how a transaction's parts
//! run against it, and the locks they take.

use std::collections::BTreeMap;

/// One shard's part of a step.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Part {
    /// Append to a list.
    Append {
        /// The key.
        key: u32,
        /// The value.
        value: u32,
    },
    /// Read a list.
    Read {
        /// The key.
        key: u32,
    },
    /// Take from an account (the vote is no if it would go negative).
    Debit {
        /// The account.
        account: u32,
        /// How much.
        amount: u32,
    },
    /// Add to an account.
    Credit {
        /// The account.
        account: u32,
        /// How much.
        amount: u32,
    },
    /// Read an account.
    Balance {
        /// The account.
        account: u32,
    },
}

/// What a shard's part returned (reads only).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum PartResult {
    /// No value (a write).
    Done,
    /// A list.
    List(Vec<u32>),
    /// A balance.
    Balance(i64),
}

/// Every account starts with this balance.
pub const INITIAL_BALANCE: i64 = 100;

/// What a shard holds.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct ShardData {
    /// Lists, by key.
    pub lists: BTreeMap<u32, Vec<u32>>,
    /// Balances, by account (absent: [`INITIAL_BALANCE`]).
    pub balances: BTreeMap<u32, i64>,
}

/// What a part locks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LockKey {
    /// A list.
    List(u32),
    /// An account.
    Account(u32),
}

impl LockKey {
    /// The lock a part needs (every part locks exclusively: simple, and
    /// enough for serializability).
    pub fn of(part: &Part) -> LockKey {
        match *part {
            Part::Append { key, .. } | Part::Read { key } => LockKey::List(key),
            Part::Debit { account, .. }
            | Part::Credit { account, .. }
            | Part::Balance { account } => LockKey::Account(account),
        }
    }
}

impl ShardData {
    /// An account's balance.
    pub fn balance(&self, account: u32) -> i64 {
        self.balances
            .get(&account)
            .copied()
            .unwrap_or(INITIAL_BALANCE)
    }

    /// Runs `parts` in order on a copy: what each read returns, or `None`
    /// when a debit would overdraw (the shard votes no).
    pub fn try_run(&self, parts: &[(u32, Part)]) -> Option<Vec<(u32, PartResult)>> {
        let mut scratch = self.clone();
        let mut results = Vec::with_capacity(parts.len());
        for &(step, part) in parts {
            if let Part::Debit { account, amount } = part {
                if scratch.balance(account) < i64::from(amount) {
                    return None;
                }
            }
            results.push((step, scratch.run(part)));
        }
        Some(results)
    }

    /// Applies `parts` for good.
    pub fn apply(&mut self, parts: &[(u32, Part)]) {
        for &(_, part) in parts {
            self.run(part);
        }
    }

    fn run(&mut self, part: Part) -> PartResult {
        match part {
            Part::Append { key, value } => {
                self.lists.entry(key).or_default().push(value);
                PartResult::Done
            }
            Part::Read { key } => {
                PartResult::List(self.lists.get(&key).cloned().unwrap_or_default())
            }
            Part::Debit { account, amount } => {
                *self.balances.entry(account).or_insert(INITIAL_BALANCE) -= i64::from(amount);
                PartResult::Done
            }
            Part::Credit { account, amount } => {
                *self.balances.entry(account).or_insert(INITIAL_BALANCE) += i64::from(amount);
                PartResult::Done
            }
            Part::Balance { account } => PartResult::Balance(self.balance(account)),
        }
    }
}
