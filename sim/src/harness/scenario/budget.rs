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
//!
//! **Storms.** Those bounds are a backstop: a storm reaches them only after
//! a second or more of wall time. A [`StormLimit`] ends it in milliseconds:
//! no more than `factor` times the model's baseline of messages may be
//! sent in any one second of virtual time (seconds counted from 0). A run
//! over it fails with the kind `storm`, at the message that crossed it,
//! and says how many were sent in that second against the limit and the
//! baseline, the messages in flight by kind, and the nodes that sent them.
//! No limit is set by default; `faultline explore` learns the baseline
//! from the model's correct form (see the guide, docs/reliability.md).

use crate::engine::Simulation;
use crate::node::Node;
use crate::time::SimTime;
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
    /// The most messages the run may send in one second of virtual time,
    /// if limited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storm: Option<StormLimit>,
}

/// A limit on the messages a run sends in one second of virtual time, as a
/// multiple of the model's baseline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StormLimit {
    /// The model's normal cost: the most messages its correct form sent in
    /// any one second of the runs measured.
    pub baseline: u64,
    /// How many times the baseline a second may reach.
    pub factor: u64,
}

impl StormLimit {
    /// The baseline counted at least this (a model that sends almost
    /// nothing would otherwise be limited to almost nothing).
    pub const MIN_BASELINE: u64 = 100;

    /// The most messages a second may carry.
    pub fn messages_per_second(self) -> u64 {
        self.baseline
            .max(Self::MIN_BASELINE)
            .saturating_mul(self.factor)
    }
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
            storm: None,
        }
    }
}

/// Why a run is over its budget: a runaway, or a storm.
pub(crate) struct Over {
    /// A storm, not a runaway.
    pub(crate) storm: bool,
    /// What was over, and what filled the queue.
    pub(crate) message: String,
}

/// Counts a run's events, phase by phase, and its messages, second by
/// second, against the budget.
pub(crate) struct Meter {
    budget: Budget,
    phase: &'static str,
    events: u64,
    /// The instant the last event ran at, and how many ran at it in a row.
    instant: (SimTime, u64),
    /// The second of virtual time being counted: when it ends, and the
    /// messages sent before it began.
    second: (SimTime, u64),
    /// Messages sent by the last event counted.
    sent: u64,
    /// The most messages sent in any one second so far.
    peak: u64,
}

impl Meter {
    pub(crate) fn new(budget: Budget, phase: &'static str) -> Self {
        Meter {
            budget,
            phase,
            events: 0,
            instant: (SimTime::ZERO, 0),
            second: (SimTime::ZERO, 0),
            sent: 0,
            peak: 0,
        }
    }

    /// Starts counting the events of the next phase (messages are counted
    /// on, second by second).
    pub(crate) fn enter(&mut self, phase: &'static str) {
        self.phase = phase;
        self.events = 0;
    }

    /// The most messages sent in any one second of the run so far.
    pub(crate) fn peak(&self) -> u64 {
        self.peak
    }

    /// Counts one event run; what is over once over budget.
    #[inline]
    pub(crate) fn tick<N: Node>(&mut self, sim: &Simulation<N>) -> Option<Over> {
        self.events += 1;
        let now = sim.now();
        self.instant = match self.instant {
            (at, n) if at == now => (at, n + 1),
            _ => (now, 1),
        };
        let sent = sim.stats().sent;
        if now >= self.second.0 {
            let next = (now.as_nanos() / SECOND + 1).saturating_mul(SECOND);
            self.second = (at(next), self.sent);
        }
        self.sent = sent;
        let in_second = sent - self.second.1;
        self.peak = self.peak.max(in_second);
        if let Some(limit) = self.budget.storm {
            if in_second > limit.messages_per_second() {
                return Some(self.storm(sim, limit, in_second));
            }
        }
        let pending = sim.pending_events() as u64;
        let b = &self.budget;
        let standstill = self.instant.1 > b.events_per_instant;
        if self.events <= b.events_per_phase && pending <= b.pending_events && !standstill {
            return None;
        }
        Some(self.runaway(sim, standstill, pending))
    }

    fn runaway<N: Node>(&self, sim: &Simulation<N>, standstill: bool, pending: u64) -> Over {
        let (b, now) = (&self.budget, sim.now());
        let over = if standstill {
            format!(
                "{} events ran in a row at {now} without virtual time moving (the budget)",
                b.events_per_instant
            )
        } else if pending > b.pending_events {
            format!("more than {} events pending (the budget)", b.pending_events)
        } else {
            format!(
                "the {} phase ran {} events, its budget, by {} of virtual time",
                self.phase, b.events_per_phase, now
            )
        };
        let census = sim.census();
        let message = format!(
            "{over}; {pending} pending; pending by kind: {}; for nodes: {}",
            top(&census.by_kind, pending),
            top(&census.by_node, pending)
        );
        Over {
            storm: false,
            message,
        }
    }

    fn storm<N: Node>(&self, sim: &Simulation<N>, limit: StormLimit, sent: u64) -> Over {
        let from = at(self.second.0.as_nanos() - SECOND);
        let census = sim.census();
        let in_flight: u64 = census.by_sender.values().sum();
        let message = format!(
            "{sent} messages sent in the second from {from}, over the limit of {} a second \
             ({}x the model's baseline of {}), crossed at {} in the {} phase; in flight by kind: \
             {}; sent by: {}",
            limit.messages_per_second(),
            limit.factor,
            limit.baseline,
            sim.now(),
            self.phase,
            top(&census.by_message, in_flight),
            top(&census.by_sender, in_flight)
        );
        Over {
            storm: true,
            message,
        }
    }
}

/// A second of virtual time, in nanoseconds.
const SECOND: u64 = 1_000_000_000;

/// The instant `nanos` after time zero.
fn at(nanos: u64) -> SimTime {
    SimTime::ZERO.after(crate::time::SimDuration::from_nanos(nanos))
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
