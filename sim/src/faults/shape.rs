//! The shape of a swarm schedule, drawn per seed: how many episodes, how
//! long, and whether they chase the focus (the leader, the primary).
//!
//! Swarm testing switches whole fault kinds on and off per seed; a shape
//! also varies the *schedule*, so that one default mix holds sparse seeds
//! with a few long faults, dense seeds with many short ones, and storms
//! aimed at the leader again and again (what the hand-made `leader-churn`
//! mix does). A user does not have to know which schedule their bug needs.
//!
//! Half the seeds get the [`Shape::CLASSIC`] shape: a few episodes of any
//! length at random nodes, exactly the plans drawn before shapes existed.
//! The shape comes from a stream of its own ("nemesis-shape"), so a classic
//! seed's plan is unchanged.

use crate::rng::SimRng;
use crate::time::SimDuration;
use serde::{Deserialize, Serialize};

/// How many episodes a seed's plan has.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Density {
    /// 1 to the nemesis's `episodes_max` (8 by default).
    Sparse,
    /// 1 to 8 times that.
    Dense,
    /// 20 to 40 times that: the cluster is almost never whole.
    Storm,
}

/// A seed's schedule shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Shape {
    /// How many episodes.
    pub density: Density,
    /// Most episodes are aimed at the focus: a partition becomes the focus
    /// isolated, a crash the focus crashed.
    pub focused: bool,
    /// Episodes are at most an eighth of the nemesis's longest.
    pub short: bool,
}

impl Shape {
    /// The shape of every plan before shapes existed.
    pub const CLASSIC: Shape = Shape {
        density: Density::Sparse,
        focused: false,
        short: false,
    };

    /// The shape of `seed`: classic on half the seeds, otherwise each
    /// property drawn on its own.
    pub fn for_seed(seed: u64) -> Shape {
        let mut rng = SimRng::from_seed_and_label(seed, "nemesis-shape");
        if rng.chance(1, 2) {
            return Shape::CLASSIC;
        }
        let density = match rng.below(4) {
            0 => Density::Sparse,
            1 => Density::Dense,
            _ => Density::Storm,
        };
        Shape {
            density,
            focused: rng.chance(2, 3),
            short: rng.chance(1, 3),
        }
    }

    /// The episode count for a nemesis whose sparse plans have at most
    /// `max` episodes; `rng` is the plan's stream.
    pub fn episodes(self, max: u32, rng: &mut SimRng) -> u32 {
        let max = u64::from(max.max(1));
        let count = match self.density {
            Density::Sparse => rng.between(1, max),
            Density::Dense => rng.between(max, 8 * max),
            Density::Storm => rng.between(20 * max, 40 * max),
        };
        u32::try_from(count).unwrap_or(u32::MAX)
    }

    /// The longest episode under this shape, for a nemesis whose longest is
    /// `longest`.
    pub fn longest(self, longest: SimDuration) -> SimDuration {
        if self.short {
            SimDuration(longest.as_nanos() / 8)
        } else {
            longest
        }
    }

    /// The shape in a few words, for plans and summaries.
    pub fn describe(self) -> String {
        let density = match self.density {
            Density::Sparse => "sparse",
            Density::Dense => "dense",
            Density::Storm => "storm",
        };
        let focus = if self.focused { ", at the focus" } else { "" };
        let length = if self.short { ", short" } else { "" };
        format!("{density}{focus}{length}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_the_seeds_are_classic_and_every_shape_occurs() {
        let shapes: Vec<Shape> = (0..2000).map(Shape::for_seed).collect();
        let classic = shapes.iter().filter(|s| **s == Shape::CLASSIC).count();
        assert!((900..1100).contains(&classic), "{classic} classic of 2000");
        for density in [Density::Sparse, Density::Dense, Density::Storm] {
            for focused in [false, true] {
                for short in [false, true] {
                    let shape = Shape {
                        density,
                        focused,
                        short,
                    };
                    assert!(shapes.contains(&shape), "{shape:?} never drawn");
                }
            }
        }
    }

    #[test]
    fn counts_stay_in_their_band() {
        let mut rng = SimRng::from_seed_and_label(7, "t");
        for _ in 0..200 {
            let storm = Shape {
                density: Density::Storm,
                ..Shape::CLASSIC
            };
            assert!((160..=320).contains(&storm.episodes(8, &mut rng)));
            assert!((1..=8).contains(&Shape::CLASSIC.episodes(8, &mut rng)));
        }
    }
}
