//! The checker's budget: steps, memory and (optionally) wall time.
//!
//! Linearizability checking is NP-complete, so every search is bounded. When a
//! bound is hit the verdict is `Unknown`: the checker never guesses.
//!
//! The step and memory bounds are deterministic. The time bound is the one place
//! in `sim` that reads the wall clock; it only ever turns a verdict into `Unknown`
//! (never into a pass or a fail), it is off by default, and no simulation decision
//! depends on it.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

/// Limits on one check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Budget {
    /// Search steps allowed per partition (`u64::MAX`: no limit).
    pub max_steps: u64,
    /// Bytes the memo tables of all partitions may hold together (approximate).
    pub max_memory_bytes: u64,
    /// Wall time allowed for the whole check (`None`: no limit).
    pub time_limit: Option<Duration>,
}

impl Default for Budget {
    /// No step or time limit; 1 GiB of memo tables.
    fn default() -> Self {
        Budget {
            max_steps: u64::MAX,
            max_memory_bytes: 1 << 30,
            time_limit: None,
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
    /// The wall-time limit passed.
    Time,
}

impl std::fmt::Display for Exhausted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Exhausted::Steps => "the step budget ran out",
            Exhausted::Memory => "the memory budget ran out",
            Exhausted::Time => "the time limit passed",
        })
    }
}

/// Budget state shared by the partitions of one check.
pub(crate) struct Meter {
    budget: Budget,
    memory: AtomicU64,
    stop: AtomicBool,
    #[allow(clippy::disallowed_types)] // see the module doc: only ever yields Unknown
    started: std::time::Instant,
}

impl Meter {
    #[allow(clippy::disallowed_methods, clippy::disallowed_types)] // see the module doc: only ever yields Unknown
    pub(crate) fn new(budget: Budget) -> Meter {
        Meter {
            budget,
            memory: AtomicU64::new(0),
            stop: AtomicBool::new(false),
            started: std::time::Instant::now(),
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

    /// Checked every few thousand steps: has the time limit passed?
    pub(crate) fn out_of_time(&self) -> bool {
        if self.stop.load(Ordering::Relaxed) {
            return true;
        }
        let late = self
            .budget
            .time_limit
            .is_some_and(|limit| self.started.elapsed() > limit);
        if late {
            self.stop.store(true, Ordering::Relaxed);
        }
        late
    }
}
