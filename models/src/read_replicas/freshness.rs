//! The staleness promise and the arithmetic that keeps it under clock drift.
//!
//! The service promises [`MAX_STALENESS`]: a replica's read returns the
//! committed state of some instant no more than that before the read began.
//! A replica knows its state is the primary's as of an instant no earlier
//! than when it *sent* the pull that brought it up to the primary's commit
//! version (the answer left the primary after the pull did). It counts from
//! that send on its monotonic clock, which never jumps but may run fast or
//! slow by up to ±[`DRIFT_BOUND_PERCENT`]%. A slow clock under-counts, so the
//! replica serves for only `MAX_STALENESS × (1 − ρ)` of its own time, less
//! a millisecond for rounding: [`FRESH_FOR`]. The assumption is the drift
//! bound: the built-in mixes never draw more ([`sim::nemesis::MAX_DRIFT_PPM`]).
//! Clock offsets do not matter, since the monotonic clock ignores them.

use sim::{SimDuration, SimTime};
use std::fmt;

/// The stated bound: no replica read is staler than this.
pub const MAX_STALENESS: SimDuration = SimDuration::from_millis(50);

/// The drift bound the arithmetic assumes, in percent.
pub const DRIFT_BOUND_PERCENT: u64 = sim::nemesis::MAX_DRIFT_PPM as u64 / 10_000;

/// How long, on its monotonic clock, a replica serves after sending the
/// pull that caught it up: `MAX_STALENESS × (1 − ρ)`, less 1 ms.
pub const FRESH_FOR: SimDuration = SimDuration::from_nanos(
    MAX_STALENESS.as_nanos() * (100 - DRIFT_BOUND_PERCENT) / 100 - 1_000_000,
);

/// How often a replica pulls, on average (each interval is drawn within a
/// quarter of it either way). Most intervals, with the answer's trip, fit
/// inside [`FRESH_FOR`]; in the longer ones a replica stops serving for a
/// few milliseconds and sends its reads to the primary.
pub const PULL_EVERY: SimDuration = SimDuration::from_millis(40);

/// Until when a replica may serve, as it measures it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FreshUntil {
    /// Never caught up (a fresh replica).
    Never,
    /// Until this monotonic reading: the protocol.
    Monotonic(SimTime),
    /// Until this wall-clock reading, from the primary's wall clock plus the
    /// bound: the `serve-past-lease` bug, blind to skew and drift.
    Wall(SimTime),
}

impl FreshUntil {
    /// Whether a replica whose clocks read `monotonic` and `wall` may serve.
    pub fn holds(self, monotonic: SimTime, wall: SimTime) -> bool {
        match self {
            FreshUntil::Never => false,
            FreshUntil::Monotonic(end) => monotonic < end,
            FreshUntil::Wall(end) => wall < end,
        }
    }
}

impl fmt::Display for FreshUntil {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FreshUntil::Never => write!(f, "never caught up"),
            FreshUntil::Monotonic(t) => write!(f, "fresh until {t} on its monotonic clock"),
            FreshUntil::Wall(t) => write!(f, "fresh until {t} on its wall clock"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slow_clock_still_stops_serving_inside_the_bound() {
        let slow = 100 - DRIFT_BOUND_PERCENT;
        let true_ns = FRESH_FOR.as_nanos() * 100 / slow + 1;
        assert!(true_ns < MAX_STALENESS.as_nanos(), "{true_ns}");
        assert_eq!(FRESH_FOR, SimDuration::from_millis(44));
        assert!(PULL_EVERY < FRESH_FOR);
        assert!(PULL_EVERY.as_nanos() * 5 / 4 <= MAX_STALENESS.as_nanos());
    }

    #[test]
    fn freshness_is_judged_on_its_own_clock() {
        let end = FreshUntil::Monotonic(SimTime(100));
        assert!(end.holds(SimTime(99), SimTime(1_000)));
        assert!(!end.holds(SimTime(100), SimTime(0)));
        assert!(FreshUntil::Wall(SimTime(100)).holds(SimTime(1_000), SimTime(99)));
        assert!(!FreshUntil::Never.holds(SimTime(0), SimTime(0)));
    }
}
