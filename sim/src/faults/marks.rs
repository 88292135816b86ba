//! Marks a model's code leaves on a run: fault points (BUGGIFY) and
//! coverage probes.
//!
//! **Fault points.** [`crate::node::Context::buggify`] returns true at a
//! site on some runs, so a model can make a rare timing common where it
//! matters: delay a sync, fire a timer early, drop a cache. As in
//! FoundationDB, a site is *enabled* for a seed with probability 1/4 and,
//! when enabled, *fires* at each evaluation with probability 1/4. Both
//! draws come from the site's own stream, keyed by the seed and the site's
//! name, so adding a site shifts no other draw. A run records the sites
//! that fired; replaying with exactly those sites enabled ([`Buggify::Sites`])
//! is the same run, and a shrinker can turn them off one by one.
//!
//! **Coverage probes.** [`crate::node::Context::sometimes`] and
//! [`crate::node::Context::reached`] count how often a run got somewhere
//! interesting ("a snapshot was installed"). A probe never changes a run;
//! `explore` counts, per probe, the seeds that reached it, and warns of the
//! probes a model declares that no seed reached.

use crate::rng::SimRng;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Which fault points may fire in a run.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Buggify {
    /// No site fires: the code runs as written.
    #[default]
    Off,
    /// Each site is enabled for the seed with probability 1/4 (the default
    /// of a scenario).
    Swarm,
    /// Exactly these sites are enabled (a replay, or a shrink step).
    Sites(BTreeSet<String>),
}

/// One site's state in a run: its stream when enabled, and how often it fired.
#[derive(Clone, Debug)]
struct Site {
    stream: Option<SimRng>,
    fired: u64,
}

/// The marks of one run: the sites evaluated and the probes reached.
#[derive(Clone, Debug)]
pub struct Marks {
    seed: u64,
    buggify: Buggify,
    sites: BTreeMap<&'static str, Site>,
    probes: BTreeMap<&'static str, u64>,
    /// Set for the liveness phase: no site fires (as FoundationDB turns
    /// BUGGIFY off once a test's chaos ends), so what must recover is
    /// judged on the code as written.
    quiet: bool,
}

impl Marks {
    /// The marks of a run of `seed` under `buggify`.
    pub fn new(seed: u64, buggify: Buggify) -> Marks {
        Marks {
            seed,
            buggify,
            sites: BTreeMap::new(),
            probes: BTreeMap::new(),
            quiet: false,
        }
    }

    /// Whether site `name` fires at this evaluation.
    pub fn buggify(&mut self, name: &'static str) -> bool {
        if self.quiet || matches!(self.buggify, Buggify::Off) {
            return false;
        }
        let (seed, buggify) = (self.seed, &self.buggify);
        let site = self.sites.entry(name).or_insert_with(|| {
            let mut stream = SimRng::from_seed_and_label(seed, &format!("buggify {name}"));
            // The enabling draw is taken either way, so that a site's
            // firings are the same whoever enabled it.
            let drawn = stream.chance(1, 4);
            let enabled = match buggify {
                Buggify::Off => false,
                Buggify::Swarm => drawn,
                Buggify::Sites(on) => on.contains(name),
            };
            Site {
                stream: enabled.then_some(stream),
                fired: 0,
            }
        });
        let fires = site.stream.as_mut().is_some_and(|s| s.chance(1, 4));
        site.fired += u64::from(fires);
        fires
    }

    /// From now on no site fires.
    pub fn quiet(&mut self) {
        self.quiet = true;
    }

    /// Counts a hit of probe `name`.
    pub fn reached(&mut self, name: &'static str) {
        *self.probes.entry(name).or_insert(0) += 1;
    }

    /// The sites evaluated at least once, fired or not, in name order.
    pub fn evaluated(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.sites.keys().copied()
    }

    /// The sites that fired at least once, in name order.
    pub fn fired(&self) -> Vec<String> {
        let fired = self.sites.iter().filter(|(_, s)| s.fired > 0);
        fired.map(|(name, _)| name.to_string()).collect()
    }

    /// Every probe reached, with its hit count, in name order.
    pub fn probes(&self) -> impl Iterator<Item = (&'static str, u64)> + '_ {
        self.probes.iter().map(|(&name, &hits)| (name, hits))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn firings(seed: u64, buggify: Buggify, site: &'static str) -> Vec<bool> {
        let mut marks = Marks::new(seed, buggify);
        (0..64).map(|_| marks.buggify(site)).collect()
    }

    #[test]
    fn off_never_fires_and_swarm_enables_about_a_quarter_of_seeds() {
        assert!(firings(1, Buggify::Off, "a").iter().all(|f| !f));
        let enabled = (0..400)
            .filter(|&s| firings(s, Buggify::Swarm, "a").contains(&true))
            .count();
        assert!((60..140).contains(&enabled), "{enabled} of 400");
    }

    #[test]
    fn the_fired_sites_replay_the_same_firings() {
        let seed = (0..100)
            .find(|&s| firings(s, Buggify::Swarm, "a").contains(&true))
            .expect("some seed enables the site");
        let mut marks = Marks::new(seed, Buggify::Swarm);
        let first: Vec<bool> = (0..64).map(|_| marks.buggify("a")).collect();
        let _ = marks.buggify("b");
        let sites: BTreeSet<String> = marks.fired().into_iter().collect();
        assert!(sites.contains("a"));
        assert_eq!(firings(seed, Buggify::Sites(sites), "a"), first);
        let none = Buggify::Sites(BTreeSet::new());
        assert!(firings(seed, none, "a").iter().all(|f| !f));
    }

    #[test]
    fn probes_count_hits() {
        let mut marks = Marks::new(0, Buggify::Off);
        marks.reached("x");
        marks.reached("x");
        marks.reached("a");
        let probes: Vec<_> = marks.probes().collect();
        assert_eq!(probes, vec![("a", 1), ("x", 2)]);
    }
}
