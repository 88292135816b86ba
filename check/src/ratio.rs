//! Probabilities as integer ratios.
//!
//! A decision that must replay never touches `f64`: a [`Ratio`] is `num / den`
//! with `num <= den`, and it is sampled by drawing an integer below `den`. A zero
//! ratio never draws at all, so turning a fault off does not consume randomness.

use crate::rng::SimRng;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A ratio that is not a probability; `field` names the setting.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RatioError {
    /// A numerator over the denominator.
    #[error("{field}: probability {num}/{den} is over 1")]
    ProbabilityOverOne {
        /// The setting.
        field: String,
        /// Numerator.
        num: u32,
        /// Denominator.
        den: u32,
    },
    /// A zero denominator.
    #[error("{field}: probability has a zero denominator")]
    ZeroDenominator {
        /// The setting.
        field: String,
    },
}

/// A probability `num / den`, exact and platform-independent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ratio {
    /// Numerator: how many chances in `den` the event has.
    pub num: u32,
    /// Denominator; must be positive.
    pub den: u32,
}

impl Ratio {
    /// Never.
    pub const ZERO: Ratio = Ratio { num: 0, den: 1 };
    /// Always.
    pub const ONE: Ratio = Ratio { num: 1, den: 1 };

    /// `num / den`, checked: `den` must be positive and `num <= den`. `field` names
    /// the setting in the error.
    pub fn new(num: u32, den: u32, field: &str) -> Result<Ratio, RatioError> {
        let r = Ratio { num, den };
        r.validate(field)?;
        Ok(r)
    }

    /// `n` percent; `n` must be at most 100.
    pub fn percent(n: u32) -> Result<Ratio, RatioError> {
        Ratio::new(n, 100, "percent")
    }

    /// Checks that this is a probability; `field` names the setting in the error.
    pub fn validate(&self, field: &str) -> Result<(), RatioError> {
        if self.den == 0 {
            return Err(RatioError::ZeroDenominator {
                field: field.to_string(),
            });
        }
        if self.num > self.den {
            return Err(RatioError::ProbabilityOverOne {
                field: field.to_string(),
                num: self.num,
                den: self.den,
            });
        }
        Ok(())
    }

    /// True when the ratio can never fire.
    pub const fn is_zero(&self) -> bool {
        self.num == 0
    }

    /// Draws once: true with probability `num / den`. Draws nothing when zero.
    #[inline]
    pub fn sample(&self, rng: &mut SimRng) -> bool {
        debug_assert!(
            self.den > 0 && self.num <= self.den,
            "unvalidated ratio {self}"
        );
        if self.num == 0 {
            return false;
        }
        if self.num >= self.den {
            return true;
        }
        rng.below(u64::from(self.den)) < u64::from(self.num)
    }
}

impl Default for Ratio {
    fn default() -> Self {
        Ratio::ZERO
    }
}

impl fmt::Display for Ratio {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.num, self.den)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_over_one_and_zero_denominator() {
        let e = Ratio::new(3, 2, "link.drop").unwrap_err();
        assert!(e.to_string().contains("link.drop"), "{e}");
        assert!(Ratio::new(1, 0, "x").is_err());
        assert!(Ratio::percent(101).is_err());
    }

    #[test]
    fn sampling_frequency_is_close() {
        let mut rng = SimRng::from_seed_and_label(1, "ratio-test");
        let r = Ratio::new(1, 10, "x").unwrap();
        let hits = (0..100_000).filter(|_| r.sample(&mut rng)).count();
        assert!((9_000..11_000).contains(&hits), "hits={hits}");
        assert!(!Ratio::ZERO.sample(&mut rng));
        assert!(Ratio::ONE.sample(&mut rng));
    }
}
