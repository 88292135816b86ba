//! Virtual time: integer nanoseconds, never the wall clock.
//!
//! [`SimTime`] is an instant (nanoseconds since the simulation began) and
//! [`SimDuration`] a span. Both are `u64` newtypes, so arithmetic is exact and
//! replays bit for bit. Durations that come from users (config files, flags) are
//! bounded by [`SimDuration::MAX_CONFIGURABLE`] so that `now + duration` can never
//! overflow during a run; parsing reports negative, overflowing or malformed
//! values as a [`DurationParseError`] instead of panicking.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// An instant in virtual time, in nanoseconds since the simulation started.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct SimTime(pub u64);

/// A span of virtual time, in nanoseconds.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct SimDuration(pub u64);

impl SimTime {
    /// The start of every simulation.
    pub const ZERO: SimTime = SimTime(0);

    /// Nanoseconds since the start.
    pub const fn as_nanos(self) -> u64 {
        self.0
    }

    /// This instant plus `d`, saturating at `u64::MAX` (which no bounded run reaches).
    pub const fn after(self, d: SimDuration) -> SimTime {
        SimTime(self.0.saturating_add(d.0))
    }

    /// The span from `earlier` to `self`, or zero if `earlier` is later.
    pub const fn since(self, earlier: SimTime) -> SimDuration {
        SimDuration(self.0.saturating_sub(earlier.0))
    }

    /// Seconds as a float, for reports only (never for a decision that must replay).
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / 1e9
    }
}

impl SimDuration {
    /// No time at all.
    pub const ZERO: SimDuration = SimDuration(0);
    /// The largest duration accepted from configuration: about 11.6 days. Keeping
    /// every configured span below this guarantees that event times never overflow.
    pub const MAX_CONFIGURABLE: SimDuration = SimDuration(1_000_000_000_000_000);

    /// `n` nanoseconds.
    pub const fn from_nanos(n: u64) -> Self {
        SimDuration(n)
    }
    /// `n` microseconds (saturating).
    pub const fn from_micros(n: u64) -> Self {
        SimDuration(n.saturating_mul(1_000))
    }
    /// `n` milliseconds (saturating).
    pub const fn from_millis(n: u64) -> Self {
        SimDuration(n.saturating_mul(1_000_000))
    }
    /// `n` seconds (saturating).
    pub const fn from_secs(n: u64) -> Self {
        SimDuration(n.saturating_mul(1_000_000_000))
    }
    /// Nanoseconds in this span.
    pub const fn as_nanos(self) -> u64 {
        self.0
    }
}

/// Renders nanoseconds as milliseconds with six decimals, e.g. `12.345678ms`.
/// Integer arithmetic only, so the text is stable everywhere.
fn write_ms(f: &mut fmt::Formatter<'_>, ns: u64) -> fmt::Result {
    write!(f, "{}.{:06}ms", ns / 1_000_000, ns % 1_000_000)
}

impl fmt::Display for SimTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_ms(f, self.0)
    }
}

impl fmt::Display for SimDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_ms(f, self.0)
    }
}

/// Why a duration string was rejected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DurationParseError {
    /// The text was empty.
    #[error("empty duration")]
    Empty,
    /// The text started with a minus sign.
    #[error("negative duration `{0}`: durations must be zero or more")]
    Negative(String),
    /// The number or its unit was not understood.
    #[error(
        "malformed duration `{0}`: expected an integer and a unit (ns, us, ms, s), e.g. `10ms`"
    )]
    Malformed(String),
    /// The value exceeds [`SimDuration::MAX_CONFIGURABLE`].
    #[error("duration `{0}` is too large: the limit is {max} ns", max = SimDuration::MAX_CONFIGURABLE.0)]
    Overflow(String),
}

impl FromStr for SimDuration {
    type Err = DurationParseError;

    /// Parses `"<integer><unit>"` with unit `ns`, `us`, `ms` or `s`; a bare integer
    /// is nanoseconds.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        if t.is_empty() {
            return Err(DurationParseError::Empty);
        }
        if t.starts_with('-') {
            return Err(DurationParseError::Negative(t.to_string()));
        }
        let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
        let (digits, unit) = t.split_at(split);
        if digits.is_empty() {
            return Err(DurationParseError::Malformed(t.to_string()));
        }
        let scale: u64 = match unit.trim() {
            "" | "ns" => 1,
            "us" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            _ => return Err(DurationParseError::Malformed(t.to_string())),
        };
        let n: u64 = digits
            .parse()
            .map_err(|_| DurationParseError::Overflow(t.to_string()))?;
        let ns = n
            .checked_mul(scale)
            .ok_or_else(|| DurationParseError::Overflow(t.to_string()))?;
        if ns > SimDuration::MAX_CONFIGURABLE.0 {
            return Err(DurationParseError::Overflow(t.to_string()));
        }
        Ok(SimDuration(ns))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_units() {
        assert_eq!(
            "10ms".parse::<SimDuration>(),
            Ok(SimDuration::from_millis(10))
        );
        assert_eq!("7".parse::<SimDuration>(), Ok(SimDuration(7)));
        assert_eq!("3 s".parse::<SimDuration>(), Ok(SimDuration::from_secs(3)));
        assert_eq!(
            "250us".parse::<SimDuration>(),
            Ok(SimDuration::from_micros(250))
        );
    }

    #[test]
    fn rejects_bad_durations() {
        assert!(matches!(
            "-5ms".parse::<SimDuration>(),
            Err(DurationParseError::Negative(_))
        ));
        assert!(matches!(
            "5 parsecs".parse::<SimDuration>(),
            Err(DurationParseError::Malformed(_))
        ));
        assert!(matches!(
            "99999999999999999999ms".parse::<SimDuration>(),
            Err(DurationParseError::Overflow(_))
        ));
        assert!(matches!(
            "20000000s".parse::<SimDuration>(),
            Err(DurationParseError::Overflow(_))
        ));
        assert!(matches!(
            "".parse::<SimDuration>(),
            Err(DurationParseError::Empty)
        ));
    }

    #[test]
    fn displays_as_milliseconds() {
        assert_eq!(SimTime(12_345_678).to_string(), "12.345678ms");
        assert_eq!(SimDuration::from_secs(1).to_string(), "1000.000000ms");
    }
}
