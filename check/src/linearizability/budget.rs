//! The checker's budget: steps, memory, and cancellation.
//!
//! Linearizability checking is NP-complete, so every search is bounded. When a
//! bound is hit the verdict is `Unknown`: the checker never guesses.
//!
//! The step and memory bounds are deterministic. `sim` never reads the wall
//! clock, so a time limit is the caller's: it sets the `cancel` flag (the
//! `faultline check-history --timeout-s` command does so from a timer thread),
//! and the search, which polls the flag, stops with `Unknown`.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

/// Limits on one check.
#[derive(Clone, Debug)]
pub struct Budget {
    /// Search steps allowed per partition (`u64::MAX`: no limit).
    pub max_steps: u64,
    /// Bytes the memo tables of all partitions may hold together (approximate).
    pub max_memory_bytes: u64,
    /// Set by the caller to stop the check (for a time limit); `None`: never.
    pub cancel: Option<Arc<AtomicBool>>,
}

impl Default for Budget {
    /// No step limit, no cancellation; 1 GiB of memo tables.
    fn default() -> Self {
        Budget {
            max_steps: u64::MAX,
            max_memory_bytes: 1 << 30,
            cancel: None,
        }
    }
}

/// Why a check gave up.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Exhausted {
    /// A partition used its steps.
    Steps,
    /// The memo tables reached the memory budget.
    Memory,
    /// The caller cancelled the check (its time limit passed).
    Cancelled,
}

impl std::fmt::Display for Exhausted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Exhausted::Steps => "the step budget ran out",
            Exhausted::Memory => "the memory budget ran out",
            Exhausted::Cancelled => "the time limit passed",
        })
    }
}

/// Budget state shared by the partitions of one check.
pub(crate) struct Meter {
    budget: Budget,
    memory: AtomicU64,
}

impl Meter {
    pub(crate) fn new(budget: Budget) -> Meter {
        Meter {
            budget,
            memory: AtomicU64::new(0),
        }
    }

    pub(crate) fn max_steps(&self) -> u64 {
        self.budget.max_steps
    }

    /// Accounts `bytes` of new memo entries; false when over budget.
    pub(crate) fn charge(&self, bytes: u64) -> bool {
        let total = self.memory.fetch_add(bytes, Ordering::Relaxed) + bytes;
        total <= self.budget.max_memory_bytes
    }

    /// Returns memory when a partition's tables are dropped.
    pub(crate) fn refund(&self, bytes: u64) {
        self.memory.fetch_sub(bytes, Ordering::Relaxed);
    }

    /// Checked every few thousand steps: has the caller cancelled the check?
    pub(crate) fn cancelled(&self) -> bool {
        self.budget
            .cancel
            .as_ref()
            .is_some_and(|c| c.load(Ordering::Relaxed))
    }
}
