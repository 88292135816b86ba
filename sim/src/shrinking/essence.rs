//! Shrinking a failing plan to its essence: whole episodes first, then
//! single faults, then each remaining episode made shorter.
//!
//! A generated plan is made of episodes, a fault and its heal. Removing a
//! partition but keeping its heal (or the reverse) rarely tells a reader
//! anything, so the shrinker first treats each episode as one unit:
//! 1. faults after the failure cannot have caused it: all are dropped at
//!    once (one rerun);
//! 2. delta debugging ([`crate::shrink`]'s ddmin) over episodes;
//! 3. delta debugging over the single faults that remain;
//! 4. each remaining episode's heal is moved earlier, halving its length
//!    while the run still fails;
//! 5. when steps 2 to 4 settle, one episode is dropped and the others moved
//!    a little ([`crate::reshape`]), since the episodes left were timed for
//!    a run that had them all; on success, back to step 2.
//!
//! Every step keeps a plan only when a rerun fails the same way, so the
//! result really fails; one budget of reruns bounds them all.

use crate::episode::episodes;
use crate::plan::{FaultPlan, TimedFault};
use crate::reshape::drop_and_move;
use crate::shrink::{attempt, ddmin, Shrunk};
use crate::time::SimTime;

/// The most rounds of removing and shortening.
const ROUNDS: u32 = 4;
/// How many times each episode's length is halved, at most.
const HALVINGS: u32 = 6;

/// Shrinks `plan`, whose run `original` failed at `failed_at`, as the
/// module says. `still_fails` reruns a plan and returns its run when it
/// fails the same way; it is called at most `max_trials` times.
pub fn essence<R>(
    plan: &FaultPlan,
    original: R,
    failed_at: SimTime,
    max_trials: usize,
    mut still_fails: impl FnMut(&FaultPlan) -> Option<R>,
) -> Shrunk<R> {
    let mut best = Shrunk {
        plan: plan.clone(),
        run: original,
        trials: 0,
        budget_exhausted: false,
    };
    let before: Vec<TimedFault> = best
        .plan
        .faults
        .iter()
        .filter(|f| f.at <= failed_at)
        .cloned()
        .collect();
    if before.len() < best.plan.len() {
        attempt(before, &mut best, max_trials, &mut still_fails);
    }
    // Rounds until a round changes nothing: a shorter episode can make
    // another one unnecessary. Then one episode fewer with the others
    // moved ([`crate::reshape`]), and rounds again.
    let mut rounds = 0;
    loop {
        let before = best.plan.clone();
        remove_units(&mut best, max_trials, &mut still_fails);
        shorten_episodes(&mut best, max_trials, &mut still_fails);
        rounds += 1;
        if best.budget_exhausted {
            break;
        }
        let settled = best.plan == before || rounds >= ROUNDS;
        if settled {
            if !drop_and_move(&mut best, max_trials, &mut still_fails) {
                break;
            }
            rounds = 0;
        }
    }
    best
}

/// Delta debugging over whole episodes, then over single faults.
fn remove_units<R>(
    best: &mut Shrunk<R>,
    max_trials: usize,
    still_fails: &mut impl FnMut(&FaultPlan) -> Option<R>,
) {
    for by_episode in [true, false] {
        let units = if by_episode {
            episodes(&best.plan)
        } else {
            (0..best.plan.len()).map(|i| vec![i]).collect()
        };
        let faults = best.plan.faults.clone();
        let budget = max_trials.saturating_sub(best.trials);
        let found = ddmin(units, budget, |kept: &[Vec<usize>]| {
            let mut indices: Vec<usize> = kept.iter().flatten().copied().collect();
            indices.sort_unstable();
            let candidate = best
                .plan
                .with_faults(indices.iter().map(|&i| faults[i].clone()).collect());
            still_fails(&candidate).map(|run| (candidate, run))
        });
        best.trials += found.trials;
        best.budget_exhausted |= found.budget_exhausted;
        if let Some((plan, run)) = found.best {
            best.plan = plan;
            best.run = run;
        }
    }
}

/// Moves each episode's heal earlier, halving its length, while the run
/// still fails.
fn shorten_episodes<R>(
    best: &mut Shrunk<R>,
    max_trials: usize,
    still_fails: &mut impl FnMut(&FaultPlan) -> Option<R>,
) {
    // Episodes are recomputed each time: a heal moved earlier may pass
    // other faults, and their indices shift.
    for k in 0.. {
        if k >= episodes(&best.plan).len() || best.budget_exhausted {
            break;
        }
        for _ in 0..HALVINGS {
            let units = episodes(&best.plan);
            let Some(&[start, heal]) = units.get(k).map(Vec::as_slice) else {
                break; // a single fault, or gone
            };
            let (from, to) = (best.plan.faults[start].at, best.plan.faults[heal].at);
            let length = to.0.saturating_sub(from.0);
            if length < 2_000_000 {
                break; // under 2 ms: short enough to read
            }
            let mut faults = best.plan.faults.clone();
            faults[heal].at = SimTime(from.0 + length / 2);
            faults.sort_by_key(|f| f.at); // stable: one instant keeps its order
            if !attempt(faults, best, max_trials, still_fails) {
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::episode::pauses;
    use crate::{Fault, NodeId};

    fn plan() -> FaultPlan {
        pauses(6, 800_000_000)
    }

    fn paused(p: &FaultPlan, node: u32) -> bool {
        p.faults
            .iter()
            .any(|f| f.fault == Fault::Pause { node: NodeId(node) })
    }

    #[test]
    fn the_episode_that_matters_stays_whole_and_gets_shorter() {
        // Fails when node 3 is paused and comes back.
        let resumed = |p: &FaultPlan| {
            let resume = Fault::Resume { node: NodeId(3) };
            p.faults.iter().any(|f| f.fault == resume)
        };
        let s = essence(&plan(), (), SimTime(u64::MAX), 500, |p| {
            (paused(p, 3) && resumed(p)).then_some(())
        });
        assert!(!s.budget_exhausted);
        assert!(paused(&s.plan, 3), "{:?}", s.plan);
        let resume = s
            .plan
            .faults
            .iter()
            .find(|f| matches!(f.fault, Fault::Resume { .. }));
        let shorter = resume.map(|r| r.at.0 - 3_000_000_000);
        assert!(shorter.is_some_and(|d| d < 800_000_000 / 8), "{:?}", s.plan);
        assert!(s.plan.len() <= 2, "{:?}", s.plan);
    }

    #[test]
    fn faults_after_the_failure_go_in_one_rerun() {
        let mut calls = 0;
        let s = essence(&plan(), 0, SimTime(1_500_000_000), 1, |p| {
            calls += 1;
            Some(p.len())
        });
        assert_eq!(calls, 1);
        assert_eq!(s.plan.len(), 3, "{:?}", s.plan);
    }
}
