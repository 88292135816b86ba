//! Rate limits that hold across a fleet of gateways, by splitting each
//! client's budget: every one of `G` gateways enforces `1/G` of the rate
//! and of the burst with a token bucket on its own monotonic clock.
//!
//! **The error bound.** In any window of `W` true seconds the fleet admits
//! at most `rate × W × (1 + ρ) + burst` of one client's requests, where ρ is
//! the drift bound (a gateway's clock refills up to ρ fast). Partitions do
//! not loosen it: the shares are fixed and no gateway needs another's count.
//! The price is the other way: a client that reaches only one gateway (the
//! others cut off) gets only `1/G` of its limit. A shared counter would
//! give the whole limit to any gateway but would stop admitting, or
//! overshoot, when the counter is out of reach; this design chooses never
//! to overshoot.

use sim::SimTime;

const NANOS: u128 = 1_000_000_000;

/// A token bucket: `rate` tokens a second, holding at most `burst`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Bucket {
    rate: u64,
    burst: u64,
    /// Tokens held, in billionths.
    level: u128,
    last: SimTime,
}

impl Bucket {
    /// A full bucket at `now`.
    pub fn new(rate: u64, burst: u64, now: SimTime) -> Bucket {
        Bucket {
            rate,
            burst,
            level: u128::from(burst) * NANOS,
            last: now,
        }
    }

    /// Takes a token at `now` (a monotonic reading), if there is one.
    pub fn try_take(&mut self, now: SimTime) -> bool {
        let elapsed = u128::from(now.since(self.last).as_nanos());
        self.last = self.last.max(now);
        let full = u128::from(self.burst) * NANOS;
        self.level = (self.level + elapsed * u128::from(self.rate)).min(full);
        if self.level >= NANOS {
            self.level -= NANOS;
            true
        } else {
            false
        }
    }
}

/// One gateway's share of a client's limit, `(rate, burst)`: `1/gateways`
/// of each, rounded down, so the shares never add up to more than the limit.
///
/// # Panics
/// If `gateways` is 0.
pub fn share(rate: u64, burst: u64, gateways: u64) -> (u64, u64) {
    assert!(gateways > 0, "a fleet has at least one gateway");
    (rate / gateways, burst / gateways)
}

/// The most requests the fleet admits from one client in `window_ns` of
/// true time, with every clock within ±`drift_percent`% (the bound the
/// module doc states).
pub fn fleet_bound(rate: u64, burst: u64, window_ns: u64, drift_percent: u64) -> u64 {
    let refill = u128::from(rate) * u128::from(window_ns) * u128::from(100 + drift_percent);
    (refill / (NANOS * 100)) as u64 + 1 + burst
}

#[cfg(test)]
mod tests {
    use super::*;
    use sim::SimRng;

    #[test]
    fn a_bucket_allows_its_burst_then_its_rate() {
        let mut b = Bucket::new(10, 3, SimTime(0));
        let taken = (0..5).filter(|_| b.try_take(SimTime(0))).count();
        assert_eq!(taken, 3, "the burst");
        assert!(!b.try_take(SimTime(50_000_000)), "half a token after 50 ms");
        assert!(b.try_take(SimTime(100_000_000)), "one after 100 ms");
        assert!(!b.try_take(SimTime(100_000_000)));
    }

    /// Any interleaving of a client's requests over the fleet, each gateway
    /// drifting within ±10%, stays within the bound in every window.
    #[test]
    fn the_fleet_never_admits_more_than_the_stated_bound() {
        let (rate, burst, gateways) = (30, 9, 3);
        let (r, b) = share(rate, burst, gateways);
        let mut rng = SimRng::from_seed_and_label(1, "fleet");
        for _ in 0..50 {
            let drift: Vec<u64> = (0..gateways).map(|_| rng.between(90, 110)).collect();
            let mut buckets: Vec<Bucket> = (0..gateways)
                .map(|_| Bucket::new(r, b, SimTime(0)))
                .collect();
            let mut admitted = Vec::new();
            let mut t = 0u64;
            for _ in 0..2_000 {
                t += rng.below(5_000_000);
                let g = rng.below(gateways) as usize;
                let local = SimTime(t * drift[g] / 100);
                if buckets[g].try_take(local) {
                    admitted.push(t);
                }
            }
            let window = 1_000_000_000;
            let bound = fleet_bound(rate, burst, window, 10);
            for (i, &start) in admitted.iter().enumerate() {
                let within = admitted[i..]
                    .iter()
                    .take_while(|&&a| a < start + window)
                    .count() as u64;
                assert!(
                    within <= bound,
                    "{within} admitted in a second, bound {bound}"
                );
            }
        }
    }
}
