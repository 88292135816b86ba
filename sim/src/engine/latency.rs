//! Message latency distributions, sampled with integer arithmetic only.
//!
//! - `Fixed`: every message takes exactly the given time.
//! - `Uniform`: uniform over `min..=max` nanoseconds.
//! - `Exponential`: `floor` plus an exponential tail with the given mean. The tail
//!   is `-ln(u) * mean`, where `ln` is computed in 32.32 fixed point from the
//!   draw's bits, so it is identical on every platform. The tail is capped at
//!   `20 * mean` (probability e^-20) to keep event times bounded.

use crate::error::ConfigError;
use crate::rng::SimRng;
use crate::time::SimDuration;
use serde::{Deserialize, Serialize};
use std::hash::{Hash, Hasher};

/// How long a message spends on the wire.
///
/// Its `Hash` writes an explicit tag per variant (see [`crate::Fault`]'s), so
/// the trace hash does not depend on the order the variants are written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Latency {
    /// Always exactly this long.
    Fixed(SimDuration),
    /// Uniform over `min..=max`.
    Uniform {
        /// Shortest latency.
        min: SimDuration,
        /// Longest latency; at least `min`.
        max: SimDuration,
    },
    /// `floor` plus an exponentially distributed tail.
    Exponential {
        /// The least latency any message sees.
        floor: SimDuration,
        /// The mean of the tail above the floor.
        mean: SimDuration,
    },
}

impl Hash for Latency {
    /// An explicit tag per variant (its position when tags were introduced),
    /// then the fields in order.
    fn hash<H: Hasher>(&self, state: &mut H) {
        match self {
            Latency::Fixed(d) => {
                state.write_isize(0);
                d.hash(state);
            }
            Latency::Uniform { min, max } => {
                state.write_isize(1);
                (min, max).hash(state);
            }
            Latency::Exponential { floor, mean } => {
                state.write_isize(2);
                (floor, mean).hash(state);
            }
        }
    }
}

impl Default for Latency {
    /// 1 to 10 ms uniform: the reference benchmark's latency.
    fn default() -> Self {
        Latency::Uniform {
            min: SimDuration::from_millis(1),
            max: SimDuration::from_millis(10),
        }
    }
}

/// ln(2) in 32.32 fixed point.
const LN2_FIXED: u128 = 2_977_044_472;

/// `-log2(x / 2^64)` in 32.32 fixed point, for `x > 0`: integer bit-by-bit
/// logarithm (repeated squaring of the normalised mantissa).
fn neg_log2_unit(x: u64) -> u128 {
    debug_assert!(x > 0);
    let lz = u64::from(x.leading_zeros());
    // Normalise so the mantissa m is in [1, 2) as a 1.63 fixed-point number.
    let mut m: u128 = u128::from(x << lz);
    // log2(x / 2^64) = (63 - lz) - 64 + log2(mantissa) = -(lz + 1) + frac.
    let mut frac: u128 = 0;
    for bit in (0..32).rev() {
        m = (m * m) >> 63;
        if m >= (1u128 << 64) {
            m >>= 1;
            frac |= 1u128 << bit;
        }
    }
    // -log2 = (lz + 1) - frac, in 32.32.
    (u128::from(lz + 1) << 32) - frac
}

impl Latency {
    /// Checks the bounds; `field` names the setting in the error.
    pub fn validate(&self, field: &str) -> Result<(), ConfigError> {
        let check = |d: SimDuration, part: &str| {
            if d > SimDuration::MAX_CONFIGURABLE {
                Err(ConfigError::DurationTooLarge {
                    field: format!("{field}.{part}"),
                    nanos: d.0,
                })
            } else {
                Ok(())
            }
        };
        match *self {
            Latency::Fixed(d) => check(d, "fixed"),
            Latency::Uniform { min, max } => {
                check(min, "min")?;
                check(max, "max")?;
                if min > max {
                    return Err(ConfigError::InvertedRange {
                        field: field.to_string(),
                        min: min.0,
                        max: max.0,
                    });
                }
                Ok(())
            }
            Latency::Exponential { floor, mean } => {
                check(floor, "floor")?;
                check(mean, "mean")?;
                check(SimDuration(mean.0.saturating_mul(20)), "mean*20")
            }
        }
    }

    /// Draws one latency.
    #[inline]
    pub fn sample(&self, rng: &mut SimRng) -> SimDuration {
        match *self {
            Latency::Fixed(d) => d,
            Latency::Uniform { min, max } => SimDuration(rng.between(min.0, max.0)),
            Latency::Exponential { floor, mean } => {
                let x = rng.next_u64().max(1);
                let neg_ln = (neg_log2_unit(x) * LN2_FIXED) >> 32; // 32.32
                let tail = (neg_ln * u128::from(mean.0)) >> 32;
                let cap = u128::from(mean.0) * 20;
                SimDuration(floor.0 + tail.min(cap) as u64)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_point_log_is_accurate() {
        // -log2(2^-1) = 1, -log2(2^-10) = 10.
        assert_eq!(neg_log2_unit(1u64 << 63), 1u128 << 32);
        assert_eq!(neg_log2_unit(1u64 << 54), 10u128 << 32);
        // 0.75 -> 0.415037...
        let v = neg_log2_unit(3u64 << 62) as f64 / 4294967296.0;
        assert!((v - 0.415_037_5).abs() < 1e-6, "{v}");
    }

    #[test]
    fn exponential_mean_is_close() {
        let lat = Latency::Exponential {
            floor: SimDuration::from_millis(1),
            mean: SimDuration::from_millis(4),
        };
        let mut rng = SimRng::from_seed_and_label(9, "lat");
        let n = 50_000u64;
        let total: u64 = (0..n).map(|_| lat.sample(&mut rng).0).sum();
        let mean_ms = total as f64 / n as f64 / 1e6;
        assert!((mean_ms - 5.0).abs() < 0.15, "mean {mean_ms}ms");
    }

    #[test]
    fn uniform_respects_bounds_and_validation() {
        let lat = Latency::default();
        let mut rng = SimRng::from_seed_and_label(9, "lat");
        for _ in 0..1000 {
            let d = lat.sample(&mut rng);
            assert!(d >= SimDuration::from_millis(1) && d <= SimDuration::from_millis(10));
        }
        let bad = Latency::Uniform {
            min: SimDuration(5),
            max: SimDuration(1),
        };
        assert!(bad
            .validate("link.latency")
            .unwrap_err()
            .to_string()
            .contains("link.latency"));
    }
}
