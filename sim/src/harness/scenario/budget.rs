//! Every run has a budget: a buggy protocol's message storm is a finding,
//! never a hang.
//!
//! A phase may run at most `events_per_phase` events; at no point may more
//! than `pending_events` wait in the queue (a storm of duplicates fills
//! memory long before it runs out of events); and at most
//! `events_per_instant` events may run in a row at one instant of virtual
//! time (a livelock at zero latency, caught at once rather than after the
//! whole phase's budget). Simulated time per phase is already bounded by
//! the phase's length. A run over budget fails with the
//! kind `runaway`, and its message says what filled the queue: the pending
//! events by kind (a message's variant, `timer`, `client op`, `fault`) and by
//! the node they are for. The defaults are far above what any correct model
//! here comes near (a 10-second `raft-kv` run takes about 100,000 events).

use crate::engine::Simulation;
use crate::node::Node;
use serde::{Deserialize, Serialize};

/// Bounds on one run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Budget {
    /// The most events one phase may run.
    pub events_per_phase: u64,
    /// The most events that may wait in the queue at once.
    pub pending_events: u64,
    /// The most events that may run in a row without virtual time moving.
    #[serde(default = "default_events_per_instant")]
    pub events_per_instant: u64,
}

fn default_events_per_instant() -> u64 {
    Budget::default().events_per_instant
}

impl Default for Budget {
    /// 20 million events a phase (a second or two of wall time), a million
    /// pending, and a million at one instant.
    fn default() -> Self {
        Budget {
            events_per_phase: 20_000_000,
            pending_events: 1_000_000,
            events_per_instant: 1_000_000,
        }
    }
}

/// Counts one phase's events against the budget.
pub(crate) struct Meter {
    budget: Budget,
    phase: &'static str,
    events: u64,
    /// The instant the last event ran at, and how many ran at it in a row.
    instant: (crate::time::SimTime, u64),
}

impl Meter {
    pub(crate) fn new(budget: Budget, phase: &'static str) -> Self {
        Meter {
            budget,
            phase,
            events: 0,
            instant: (crate::time::SimTime::ZERO, 0),
        }
    }

    /// Counts one event run; the runaway's description once over budget.
    #[inline]
    pub(crate) fn tick<N: Node>(&mut self, sim: &Simulation<N>) -> Option<String> {
        self.events += 1;
        let now = sim.now();
        self.instant = match self.instant {
            (at, n) if at == now => (at, n + 1),
            _ => (now, 1),
        };
        let pending = sim.pending_events() as u64;
        let b = &self.budget;
        let standstill = self.instant.1 > b.events_per_instant;
        if self.events <= b.events_per_phase && pending <= b.pending_events && !standstill {
            return None;
        }
        let over = if standstill {
            format!(
                "{} events ran in a row at {now} without virtual time moving (the budget)",
                b.events_per_instant
            )
        } else if pending > self.budget.pending_events {
            format!(
                "more than {} events pending (the budget)",
                self.budget.pending_events
            )
        } else {
            format!(
                "the {} phase ran {} events, its budget, by {} of virtual time",
                self.phase,
                self.budget.events_per_phase,
                sim.now()
            )
        };
        let census = sim.census();
        Some(format!(
            "{over}; {pending} pending; pending by kind: {}; for nodes: {}",
            top(&census.by_kind, pending),
            top(&census.by_node, pending)
        ))
    }
}

/// The three largest counts, as `name (share%)`.
fn top(counts: &std::collections::BTreeMap<String, u64>, total: u64) -> String {
    let mut sorted: Vec<(&String, &u64)> = counts.iter().collect();
    sorted.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let shown: Vec<String> = sorted
        .iter()
        .take(3)
        .map(|(name, n)| format!("{name} ({}%)", **n * 100 / total.max(1)))
        .collect();
    if shown.is_empty() {
        "none".into()
    } else {
        shown.join(", ")
    }
}
