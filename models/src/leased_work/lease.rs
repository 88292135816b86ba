//! A worker's belief in its lease: when it ends, on which clock, and the
//! arithmetic that makes the belief safe under bounded clock drift.
//!
//! The coordinator grants a lease of [`LEASE`] on its own clock, counted
//! from when it grants (or renews). The worker counts [`WORKER_LEASE`] on
//! its monotonic clock from when it *asked*, which is no later. If every
//! clock's rate is within ±[`DRIFT_BOUND_PERCENT`]% of true time, the worker's
//! belief ends at most `WORKER_LEASE / 0.9` of true time after it asked, and
//! the coordinator's lease ends at least `LEASE / 1.1` after it granted, so
//! `WORKER_LEASE = LEASE × 0.9 / 1.1` (less a millisecond for rounding) keeps
//! the belief inside the lease. Offsets (clock jumps) do not matter: the
//! monotonic clock never jumps. The `all` and `clocks` mixes draw drift up
//! to exactly this bound.

use sim::{SimDuration, SimTime};
use std::fmt;

/// The lease the coordinator grants, on its own clock.
pub const LEASE: SimDuration = SimDuration::from_millis(150);

/// The drift bound the lease arithmetic assumes: every clock runs within
/// this many percent of true time.
pub const DRIFT_BOUND_PERCENT: u64 = sim::nemesis::MAX_DRIFT_PPM as u64 / 10_000;

/// How long a worker believes a lease lasts, on its monotonic clock, from
/// when it asked for the grant or renewal: `LEASE × (1 − ρ) / (1 + ρ)`, less
/// 1 ms.
pub const WORKER_LEASE: SimDuration = SimDuration::from_nanos(
    LEASE.as_nanos() * (100 - DRIFT_BOUND_PERCENT) / (100 + DRIFT_BOUND_PERCENT) - 1_000_000,
);

/// A node's two clocks at one instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Clocks {
    /// The monotonic clock (never jumps).
    pub monotonic: SimTime,
    /// The wall clock (jumps when set).
    pub wall: SimTime,
}

/// When a worker's lease ends, as the worker measures it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LeaseEnd {
    /// At this monotonic reading: the protocol.
    Monotonic(SimTime),
    /// At this wall-clock reading: the `lease-by-local-clock` bug.
    Wall(SimTime),
}

impl LeaseEnd {
    /// The time left by `clocks`, or `None` once it has ended.
    pub fn remaining(self, clocks: Clocks) -> Option<SimDuration> {
        let (end, now) = match self {
            LeaseEnd::Monotonic(end) => (end, clocks.monotonic),
            LeaseEnd::Wall(end) => (end, clocks.wall),
        };
        (now < end).then(|| end.since(now))
    }

    /// The later of two ends on the same clock (a renewal never shortens a
    /// lease); on different clocks, `other`.
    pub fn extend(self, other: LeaseEnd) -> LeaseEnd {
        match (self, other) {
            (LeaseEnd::Monotonic(a), LeaseEnd::Monotonic(b)) => LeaseEnd::Monotonic(a.max(b)),
            (LeaseEnd::Wall(a), LeaseEnd::Wall(b)) => LeaseEnd::Wall(a.max(b)),
            (_, other) => other,
        }
    }
}

impl fmt::Display for LeaseEnd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LeaseEnd::Monotonic(t) => write!(f, "{t} on its monotonic clock"),
            LeaseEnd::Wall(t) => write!(f, "{t} on its wall clock"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_workers_lease_fits_inside_the_coordinators_at_the_drift_bound() {
        // Worker slow by ρ, coordinator fast by ρ: the worst case.
        let slow = 100 - DRIFT_BOUND_PERCENT;
        let fast = 100 + DRIFT_BOUND_PERCENT;
        let believed_real = WORKER_LEASE.as_nanos() * 100 / slow + 1;
        let granted_real = LEASE.as_nanos() * 100 / fast;
        assert!(
            believed_real < granted_real,
            "{believed_real} vs {granted_real}"
        );
        assert_eq!(WORKER_LEASE, SimDuration::from_nanos(121_727_272));
    }

    #[test]
    fn a_lease_ends_on_its_own_clock() {
        let clocks = Clocks {
            monotonic: SimTime(100),
            wall: SimTime(1_000),
        };
        assert_eq!(
            LeaseEnd::Monotonic(SimTime(150)).remaining(clocks),
            Some(SimDuration(50))
        );
        assert_eq!(LeaseEnd::Wall(SimTime(150)).remaining(clocks), None);
        let later = LeaseEnd::Monotonic(SimTime(90)).extend(LeaseEnd::Monotonic(SimTime(80)));
        assert_eq!(later, LeaseEnd::Monotonic(SimTime(90)));
    }
}
