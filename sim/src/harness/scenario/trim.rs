//! A run made smaller than its scenario: fewer operations per client,
//! fewer clients, a shorter safety phase. A shrinker finds the smallest
//! trim that still fails ([`shrink_trim`]), and an artifact records it so
//! that replay runs the same small run.
//!
//! Each operation draws from a workload stream of its own (see
//! [`crate::rng::SimRng::for_operation`]), so cutting a client's later
//! operations, or the last clients, leaves every remaining operation's
//! random choices as they were.

use crate::time::{SimDuration, SimTime};
use serde::{Deserialize, Serialize};

/// How a run is cut down from its scenario; all `None`: not at all.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Trim {
    /// The most operations each client starts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ops_per_client: Option<u64>,
    /// Only the first this-many clients run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clients: Option<usize>,
    /// The safety phase ends here instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub safety_for: Option<SimDuration>,
}

impl Trim {
    /// True when it cuts nothing.
    pub fn is_none(&self) -> bool {
        *self == Trim::default()
    }

    /// This trim where it cuts, `base` where it does not.
    pub fn over(self, base: Trim) -> Trim {
        Trim {
            ops_per_client: self.ops_per_client.or(base.ops_per_client),
            clients: self.clients.or(base.clients),
            safety_for: self.safety_for.or(base.safety_for),
        }
    }

    /// Checks it against the scenario it trims: it may only cut down.
    pub fn validate(&self, clients: usize, safety_for: SimDuration) -> Result<(), String> {
        if let Some(c) = self.clients.filter(|&c| c > clients) {
            return Err(format!(
                "trim.clients: {c} is more than the scenario's {clients} clients"
            ));
        }
        if let Some(s) = self.safety_for {
            if s > safety_for || s == SimDuration::ZERO {
                return Err(format!(
                    "trim.safety_for: {s} is not within the scenario's safety phase of {safety_for}"
                ));
            }
        }
        Ok(())
    }
}

/// What [`shrink_trim`] found.
#[derive(Clone, Debug)]
pub struct Trimmed<R> {
    /// The smallest trim that still failed.
    pub trim: Trim,
    /// Its run, when it cut anything.
    pub run: Option<R>,
    /// Reruns spent.
    pub trials: usize,
}

/// The scenario's figures a trim starts from.
#[derive(Clone, Copy, Debug)]
pub struct Untrimmed {
    /// Operations the failing run's busiest client could have started (an
    /// upper bound is enough).
    pub ops: u64,
    /// Clients.
    pub clients: usize,
    /// When the failure was found.
    pub failed_at: SimTime,
    /// The safety phase's length.
    pub safety_for: SimDuration,
}

/// Cuts the workload, then the clients, then the run's length, keeping each
/// cut while `still_fails` (a rerun under the trim) says the run fails the
/// same way: the fewest operations per client by bisection, clients dropped
/// from the last, then the safety phase ended just after the failure (of
/// the run so cut, as `failed_at` tells it: fewer operations or clients may
/// move the failure).
pub fn shrink_trim<R>(
    from: Untrimmed,
    failed_at: impl Fn(&R) -> SimTime,
    mut still_fails: impl FnMut(&Trim) -> Option<R>,
) -> Trimmed<R> {
    let mut found = Trimmed {
        trim: Trim::default(),
        run: None,
        trials: 0,
    };
    let mut attempt = |trim: Trim, found: &mut Trimmed<R>| {
        found.trials += 1;
        let run = still_fails(&trim);
        let kept = run.is_some();
        if let Some(run) = run {
            found.trim = trim;
            found.run = Some(run);
        }
        kept
    };
    // The fewest operations per client: bisect over 0..=ops.
    let (mut lo, mut hi) = (0u64, from.ops);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let trim = Trim {
            ops_per_client: Some(mid),
            ..found.trim
        };
        if attempt(trim, &mut found) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    // The clients: drop the last while it still fails.
    for clients in (1..from.clients).rev() {
        let trim = Trim {
            clients: Some(clients),
            ..found.trim
        };
        if !attempt(trim, &mut found) {
            break;
        }
    }
    // The run's length: just past the failure, on a millisecond. Last,
    // since fewer operations or clients may move the failure later.
    let failed = found.run.as_ref().map_or(from.failed_at, &failed_at);
    let end = SimDuration((failed.0 / 1_000_000 + 1) * 1_000_000);
    if end < from.safety_for {
        let trim = Trim {
            safety_for: Some(end),
            ..found.trim
        };
        attempt(trim, &mut found);
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A run of 100 operations per client and 3 clients that failed at
    /// 2.5003 s of a 10 s safety phase.
    fn failed_at_2_5_s() -> Untrimmed {
        Untrimmed {
            ops: 100,
            clients: 3,
            failed_at: SimTime(2_500_300_000),
            safety_for: SimDuration::from_secs(10),
        }
    }

    #[test]
    fn finds_the_fewest_operations_a_shorter_run_and_fewer_clients() {
        let from = failed_at_2_5_s();
        // Fails with at least 7 operations per client and 2 clients.
        let found = shrink_trim(
            from,
            |_| from.failed_at,
            |t| {
                let ops = t.ops_per_client.unwrap_or(u64::MAX) >= 7;
                let clients = t.clients.unwrap_or(3) >= 2;
                (ops && clients).then_some(())
            },
        );
        let t = found.trim;
        assert_eq!(t.ops_per_client, Some(7));
        assert_eq!(t.clients, Some(2));
        assert_eq!(t.safety_for, Some(SimDuration::from_millis(2501)));
        assert!(found.trials < 15, "{} trials", found.trials);
    }

    #[test]
    fn the_run_ends_just_past_the_failure_of_the_cut_run() {
        let from = failed_at_2_5_s();
        // With fewer operations the failure comes later, at 3.0004 s, and
        // with fewer clients later still, at 3.5004 s; the run fails only
        // when its safety phase reaches the failure.
        let found = shrink_trim(
            from,
            |at: &SimTime| *at,
            |t| {
                let mut at = 2_500_300_000;
                if t.ops_per_client.is_some() {
                    at += 500_000_000;
                }
                if t.clients.is_some() {
                    at += 500_000_000;
                }
                let reached = t.safety_for.is_none_or(|s| s.0 > at);
                let ops = t.ops_per_client.unwrap_or(u64::MAX) >= 7;
                (ops && reached).then_some(SimTime(at))
            },
        );
        let t = found.trim;
        assert_eq!(t.clients, Some(1));
        assert_eq!(t.safety_for, Some(SimDuration::from_millis(3501)));
    }

    #[test]
    fn a_trim_may_only_cut_down() {
        let ten = SimDuration::from_secs(10);
        let more = Trim {
            clients: Some(4),
            ..Trim::default()
        };
        assert!(more.validate(3, ten).unwrap_err().contains("trim.clients"));
        let longer = Trim {
            safety_for: Some(SimDuration::from_secs(11)),
            ..Trim::default()
        };
        assert!(longer.validate(3, ten).is_err());
        assert!(Trim::default().validate(3, ten).is_ok());
    }
}
