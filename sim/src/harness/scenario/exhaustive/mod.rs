//! The exhaustive search: every behaviour of a small cluster, up to a
//! bound, breadth first, as stateright explores an actor model.
//!
//! From each state the search takes every step there is (see [`Step`]):
//! any pending event runs next (a message arrives, a timer fires), a
//! client sends its next operation, and, up to [`Bounds::faults`] in all,
//! a message is lost or doubled, or a node crashes (losing its unsynced
//! writes). A crashed node may restart at any time. States are told apart
//! by their fingerprint ([`crate::Simulation::fingerprint`]) and each is
//! expanded once, so the first violation found is one of the shortest.
//!
//! The answer is one of:
//! - a violation, with the steps that reach it from the start (replay them
//!   with [`Scenario::replay_steps`](super::Scenario::replay_steps));
//! - no violation in any behaviour of up to [`Outcome::covered`] steps,
//!   within the bounds stated; when the search ran out of new states
//!   first, in any behaviour at all ([`Stopped::Exhausted`]).
//!
//! What it judges: the scenario's invariants after every step, and its
//! history checks (linearizability, transactions, the checks of the
//! history) after every step that completed an operation. It does not
//! judge checks with memory (monitors) or "eventually" checks; it names
//! them in [`Outcome::not_judged`]. A history check that answers unknown
//! is counted in [`Outcome::undecided`], and the search then proves
//! nothing about those histories.
//!
//! Time: an event runs at its due time or, when taken after a later one,
//! at once (it waited). Every behaviour the search takes is one the engine
//! could run with slower messages and later timers, as its clog and pause
//! faults make them; but a delay here is free, not one of the faults, and
//! clocks neither drift nor jump. A protocol that counts on a message's
//! longest delay gets counterexamples that break it; one that counts on
//! its clocks' drift staying small is not put to that test.
//!
//! Files: this one (the bounds, steps and outcome), `state` (one state
//! and its steps), `search` (the breadth-first search and its judge),
//! `seen` (the fingerprints seen).

mod search;
mod seen;
mod state;

use super::report::Failure;
use crate::node::Observed;
use crate::node_id::NodeId;
use serde::{Deserialize, Serialize};

/// One step of a behaviour, as the search takes it and a replay repeats it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "step", deny_unknown_fields)]
pub enum Step {
    /// Pending event `seq` runs (see [`crate::Simulation::run_pending`]).
    Run {
        /// The event's sequence number.
        seq: u64,
    },
    /// Message `seq` is lost (a fault).
    Drop {
        /// The message's sequence number.
        seq: u64,
    },
    /// Message `seq` is doubled (a fault).
    Duplicate {
        /// The message's sequence number.
        seq: u64,
    },
    /// A node crashes, losing its unsynced writes (a fault).
    Crash {
        /// The node.
        node: NodeId,
    },
    /// A crashed node restarts.
    Restart {
        /// The node.
        node: NodeId,
    },
    /// A client sends its next operation (or again, where it was told to
    /// retry), and it arrives.
    Issue {
        /// The client.
        client: usize,
    },
}

/// A behaviour the search found: the steps from the start of a search
/// within `bounds`. A failure artifact holds one, and replays it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Behaviour {
    /// The bounds of the search that found it (its clients, operations
    /// and seed make the start).
    pub bounds: Bounds,
    /// The steps from the start.
    pub steps: Vec<Step>,
}

/// How far an exhaustive search goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bounds {
    /// Steps per behaviour.
    pub depth: u32,
    /// Unique states, at most.
    pub states: u64,
    /// Faults per behaviour: lost and doubled messages and crashes.
    pub faults: u32,
    /// Clients.
    pub clients: usize,
    /// Operations per client.
    pub ops: usize,
    /// The seed of the clients' operations and the nodes' random streams.
    pub seed: u64,
}

impl Default for Bounds {
    /// 20 steps, a million states, one fault, two clients of one operation.
    fn default() -> Self {
        Bounds {
            depth: 20,
            states: 1_000_000,
            faults: 1,
            clients: 2,
            ops: 1,
            seed: 0,
        }
    }
}

/// Why a search stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stopped {
    /// Every reachable state was expanded.
    Exhausted,
    /// Every state up to the depth bound was expanded.
    Depth,
    /// The bound on states was reached.
    States,
    /// The caller stopped it (a time limit, an interrupt).
    Interrupted,
    /// It found a violation.
    Violation,
}

/// A violation and the steps that reach it from the start.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Violation {
    /// The steps, from the start.
    pub steps: Vec<Step>,
    /// What broke.
    pub failure: Failure,
}

/// What an exhaustive search found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    /// Its bounds.
    pub bounds: Bounds,
    /// Unique states reached, the start included.
    pub states: u64,
    /// Steps taken, to new states or seen ones.
    pub transitions: u64,
    /// Every behaviour of up to this many steps was judged.
    pub covered: u32,
    /// Why it stopped.
    pub stopped: Stopped,
    /// The violation, if it found one.
    pub violation: Option<Violation>,
    /// History checks that answered unknown: about those histories it
    /// proves nothing.
    pub undecided: u64,
    /// The scenario's checks it does not judge, by name.
    pub not_judged: Vec<String>,
    /// Whether the model reads its clock or random stream (and so whether
    /// the time and the streams are part of a state).
    pub clock_in_state: bool,
    /// See [`Outcome::clock_in_state`].
    pub random_in_state: bool,
}

impl Outcome {
    /// True when it proved its bound: no violation, no unknown verdict.
    pub fn proved(&self) -> bool {
        self.violation.is_none() && self.undecided == 0 && self.stopped != Stopped::Interrupted
    }
}

/// How far a search has got, for a caller that reports it or stops it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    /// Unique states so far.
    pub states: u64,
    /// The depth being expanded.
    pub depth: u32,
}

fn observed_in(outcome: &mut Outcome, seen: Observed) {
    outcome.clock_in_state = seen.clock;
    outcome.random_in_state = seen.random;
}
