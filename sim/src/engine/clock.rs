//! Per-node clocks: an offset and a drift over virtual time.
//!
//! Fault model: a node's clock reads `local(t) = base_local + (t - base_real) *
//! (1_000_000 + drift_ppm) / 1_000_000`. Setting the clock at real time `t` makes
//! it read `t + offset` at that instant and run `drift_ppm` parts per million
//! fast (or slow, when negative) from then on; the clock is continuous under
//! drift and jumps only when it is set. Timers are durations on the local clock:
//! a node whose clock runs fast sees its timers fire early in real time.
//! Local time never goes below zero.
//!
//! Each node also has a *monotonic* clock, as `CLOCK_MONOTONIC` is to
//! `CLOCK_REALTIME`: it runs at the same drifting rate but never jumps, and
//! setting the clock changes only its rate from then on. It starts at zero
//! with true time and survives crashes (the machine keeps running while the
//! process restarts). Timers run at the same rate, so a timer of `d` fires
//! exactly when the monotonic clock has advanced by `d`. A protocol that
//! measures intervals (a lease, a timeout) reads the monotonic clock and
//! is immune to offsets; one that reads the wall clock ([`NodeClock::local`])
//! sees every jump.

use crate::error::ConfigError;
use crate::time::{SimDuration, SimTime};

const PPM: i128 = 1_000_000;

/// A node's view of time.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NodeClock {
    base_real: u64,
    base_local: u64,
    /// The monotonic reading at `base_real`.
    base_mono: u64,
    drift_ppm: i32,
}

impl NodeClock {
    /// The largest drift accepted, in parts per million (50%).
    pub const MAX_DRIFT_PPM: i32 = 500_000;

    /// Checks a drift value; `field` names the setting in the error.
    pub fn validate_drift(drift_ppm: i32, field: &str) -> Result<(), ConfigError> {
        if drift_ppm.unsigned_abs() > Self::MAX_DRIFT_PPM.unsigned_abs() {
            return Err(ConfigError::DriftOutOfRange {
                field: field.to_string(),
                ppm: drift_ppm,
                limit: Self::MAX_DRIFT_PPM,
            });
        }
        Ok(())
    }

    /// Checks an offset; `field` names the setting in the error.
    pub fn validate_offset(offset_ns: i64, field: &str) -> Result<(), ConfigError> {
        if offset_ns.unsigned_abs() > SimDuration::MAX_CONFIGURABLE.0 {
            return Err(ConfigError::OffsetOutOfRange {
                field: field.to_string(),
                offset_ns,
                limit: SimDuration::MAX_CONFIGURABLE.0,
            });
        }
        Ok(())
    }

    /// The local reading at real time `real`.
    #[inline]
    pub fn local(&self, real: SimTime) -> SimTime {
        if self.drift_ppm == 0 && self.base_real == self.base_local {
            return real;
        }
        let elapsed = i128::from(real.0) - i128::from(self.base_real);
        let local =
            i128::from(self.base_local) + elapsed * (PPM + i128::from(self.drift_ppm)) / PPM;
        SimTime(local.clamp(0, i128::from(u64::MAX)) as u64)
    }

    /// The monotonic reading at real time `real` (not before the clock was
    /// last set): continuous, never set back, at the clock's drifting rate.
    #[inline]
    pub fn monotonic(&self, real: SimTime) -> SimTime {
        if self.drift_ppm == 0 && self.base_real == self.base_mono {
            return real;
        }
        let elapsed = i128::from(real.0) - i128::from(self.base_real);
        let mono = i128::from(self.base_mono) + elapsed * (PPM + i128::from(self.drift_ppm)) / PPM;
        SimTime(mono.clamp(0, i128::from(u64::MAX)) as u64)
    }

    /// Sets the clock at real time `now`: it reads `now + offset_ns` and drifts by
    /// `drift_ppm` from here on; the monotonic clock goes on from its present
    /// reading at the new rate. Inputs must have been validated.
    pub fn set(&mut self, now: SimTime, offset_ns: i64, drift_ppm: i32) {
        debug_assert!(Self::validate_drift(drift_ppm, "drift").is_ok());
        self.base_mono = self.monotonic(now).0;
        self.base_real = now.0;
        self.base_local =
            (i128::from(now.0) + i128::from(offset_ns)).clamp(0, i128::from(u64::MAX)) as u64;
        self.drift_ppm = drift_ppm;
    }

    /// The real time a local duration takes (rounded up, so a timer never fires
    /// before its local deadline).
    #[inline]
    pub fn real_delay(&self, local: SimDuration) -> SimDuration {
        if self.drift_ppm == 0 {
            return local;
        }
        let rate = PPM + i128::from(self.drift_ppm);
        let real = (i128::from(local.0) * PPM + rate - 1) / rate;
        SimDuration(real as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offset_and_drift() {
        let mut c = NodeClock::default();
        assert_eq!(c.local(SimTime(123)), SimTime(123));
        c.set(SimTime(1_000), 5_000, 0);
        assert_eq!(c.local(SimTime(2_000)), SimTime(7_000));
        c.set(SimTime(1_000_000), 0, 100_000); // 10% fast
        assert_eq!(c.local(SimTime(2_000_000)), SimTime(2_100_000));
        assert_eq!(c.real_delay(SimDuration(110)), SimDuration(100));
        c.set(SimTime(10), -1_000, 0);
        assert_eq!(c.local(SimTime(20)), SimTime(10)); // clamped to 0 when set, then runs
        assert!(NodeClock::validate_drift(600_000, "clock.drift").is_err());
    }

    #[test]
    fn the_monotonic_clock_never_jumps_and_runs_at_the_drifting_rate() {
        let mut c = NodeClock::default();
        assert_eq!(c.monotonic(SimTime(500)), SimTime(500));
        c.set(SimTime(1_000), -900, 0); // set back: wall jumps, monotonic does not
        assert_eq!(c.local(SimTime(1_000)), SimTime(100));
        assert_eq!(c.monotonic(SimTime(1_000)), SimTime(1_000));
        c.set(SimTime(2_000), 5_000, 100_000); // 10% fast from here
        assert_eq!(c.monotonic(SimTime(2_000)), SimTime(2_000));
        assert_eq!(c.monotonic(SimTime(3_000)), SimTime(3_100));
        c.set(SimTime(4_000), 0, 0); // reset: rate back to true, no jump
        assert_eq!(c.monotonic(SimTime(4_000)), SimTime(4_200));
        assert_eq!(c.monotonic(SimTime(5_000)), SimTime(5_200));
        assert_eq!(c.local(SimTime(5_000)), SimTime(5_000));
        // A timer of `d` takes as long as the monotonic clock takes to move `d`.
        c.set(SimTime(6_000), 0, -100_000);
        let d = c.real_delay(SimDuration(900));
        assert_eq!(
            c.monotonic(SimTime(6_000 + d.0)).0 - c.monotonic(SimTime(6_000)).0,
            900
        );
    }
}
