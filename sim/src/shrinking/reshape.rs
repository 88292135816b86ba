//! Shrinking past a 1-minimal plan: drop one episode and move the others.
//!
//! Delta debugging stops at a plan from which no single episode can go. That
//! is often still far from the essence, because the remaining episodes are
//! timed to the failure *as it happened with all of them*: drop one, and the
//! run's timing shifts (an election ends a little earlier, a client retries
//! a little later), so the others now miss their moment. A figure-8 Raft
//! failure shrank to nine leader isolations this way, although three or four
//! make the bug.
//!
//! So this step searches near the plan: each candidate drops one episode
//! and moves every other episode by a random offset, and stretches or
//! shortens it a little, within a reach drawn per candidate from
//! [`REACH_MS`] (from a millisecond, for a race, to a third of a second, for
//! an election). An episode moves as a whole: its heal stays after its
//! start. A candidate is kept when its rerun fails the same way; the caller
//! then removes and shortens again. The search gives up after
//! [`patience`] candidates in a row that do not fail, or when the budget
//! ends.
//!
//! The draws come from one fixed stream, so a plan shrinks the same way
//! every time.

use crate::episode::episodes;
use crate::plan::{FaultPlan, TimedFault};
use crate::rng::SimRng;
use crate::shrink::Shrunk;
use crate::time::SimTime;

/// How far an episode may move, in milliseconds: one reach is drawn per
/// candidate.
pub const REACH_MS: [u64; 5] = [1, 5, 20, 100, 300];
/// Candidates in a row that may pass before the search gives up, per
/// episode of a plan of one or two: a plan of more episodes has more ways
/// to drop one and more to move.
pub const PATIENCE_PER_EPISODE: usize = 600;
/// The same, per episode of a plan of three or more. Moving one episode
/// into its moment is likely; moving two or more at once is not. Figure 8's
/// plans of four or five isolations found their smaller plan after 4,800 to
/// 10,900 candidates (seeds 10074, 2044, 3016, 4005), past the 2,400 to
/// 3,000 that the patience of smaller plans would give them.
pub const PATIENCE_PER_EPISODE_PAST_TWO: usize = 3_000;

/// Candidates in a row that may pass before the search on a plan of
/// `episodes` episodes gives up.
pub fn patience(episodes: usize) -> usize {
    let per_episode = if episodes > 2 {
        PATIENCE_PER_EPISODE_PAST_TWO
    } else {
        PATIENCE_PER_EPISODE
    };
    per_episode * episodes
}

/// The stream the search draws from.
const LABEL: &str = "shrink-reshape";

/// Looks for a failing plan with one episode fewer than `best`'s, as the
/// module says, within `max_trials` reruns in all (`best.trials` counts
/// them). Returns true when it found one, which is then in `best`.
pub fn drop_and_move<R>(
    best: &mut Shrunk<R>,
    max_trials: usize,
    still_fails: &mut impl FnMut(&FaultPlan) -> Option<R>,
) -> bool {
    let units = episodes(&best.plan);
    if units.len() < 2 {
        return false; // the empty plan was tried first
    }
    let mut rng = SimRng::from_seed_and_label(units.len() as u64, LABEL);
    for _ in 0..patience(units.len()) {
        if best.trials >= max_trials {
            best.budget_exhausted = true;
            return false;
        }
        let candidate = moved_without_one(&best.plan, &units, &mut rng);
        best.trials += 1;
        if let Some(run) = still_fails(&candidate) {
            assert!(candidate.len() < best.plan.len(), "an episode was dropped");
            best.plan = candidate;
            best.run = run;
            return true;
        }
    }
    false
}

/// `plan` without one of its `units` (episodes, as indices), every other
/// one moved and stretched at random within one reach.
fn moved_without_one(plan: &FaultPlan, units: &[Vec<usize>], rng: &mut SimRng) -> FaultPlan {
    let dropped = rng.below(units.len() as u64) as usize;
    let reach = REACH_MS[rng.below(REACH_MS.len() as u64) as usize] * 1_000_000;
    let mut faults: Vec<TimedFault> = Vec::with_capacity(plan.len());
    for (k, unit) in units.iter().enumerate() {
        if k == dropped {
            continue;
        }
        // Offsets in -reach..=reach for the start, and a quarter of that
        // for the length, as draws in 0..=2*reach shifted down.
        let shift = rng.between(0, 2 * reach);
        let stretch = rng.between(0, reach / 2);
        let start = plan.faults[unit[0]].at.0;
        let new_start = (start + shift).saturating_sub(reach);
        for (n, &i) in unit.iter().enumerate() {
            let mut fault = plan.faults[i].clone();
            let length = fault.at.0 - start;
            let new_length = if n == 0 {
                0
            } else {
                (length + stretch).saturating_sub(reach / 4)
            };
            fault.at = SimTime(new_start + new_length);
            faults.push(fault);
        }
    }
    faults.sort_by_key(|f| f.at); // stable: an episode's faults keep their order
    plan.with_faults(faults)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::episode::pauses;
    use crate::{Fault, NodeId};

    fn plan() -> FaultPlan {
        pauses(4, 50_000_000)
    }

    #[test]
    fn a_candidate_drops_one_episode_and_keeps_each_heal_after_its_start() {
        let p = plan();
        let units = episodes(&p);
        let mut rng = SimRng::from_seed_and_label(1, LABEL);
        for _ in 0..200 {
            let c = moved_without_one(&p, &units, &mut rng);
            assert_eq!(c.len(), p.len() - 2);
            for unit in episodes(&c) {
                assert_eq!(unit.len(), 2, "{c:?}");
                assert!(c.faults[unit[0]].at <= c.faults[unit[1]].at);
            }
        }
    }

    /// Fails only when node 2's pause starts within 3 ms of 2.010 s (it
    /// starts at 2 s) and there are at most three pauses.
    fn paused_near(p: &FaultPlan) -> bool {
        let pause_2 = Fault::Pause { node: NodeId(2) };
        let pauses = p
            .faults
            .iter()
            .filter(|f| matches!(f.fault, Fault::Pause { .. }));
        pauses.count() <= 3
            && p.faults
                .iter()
                .any(|f| f.fault == pause_2 && f.at.0.abs_diff(2_010_000_000) < 3_000_000)
    }

    #[test]
    fn it_finds_a_smaller_plan_that_needs_the_others_moved() {
        let mut best = Shrunk {
            plan: plan(),
            run: (),
            trials: 0,
            budget_exhausted: false,
        };
        let found = drop_and_move(&mut best, 5_000, &mut |c: &FaultPlan| {
            paused_near(c).then_some(())
        });
        assert!(found, "{:?}", best.plan);
        assert_eq!(best.plan.len(), 6);
        assert!(paused_near(&best.plan));
    }

    #[test]
    fn a_plan_of_two_episodes_gets_the_ordinary_patience() {
        let mut best = Shrunk {
            plan: pauses(2, 50_000_000),
            run: (),
            trials: 0,
            budget_exhausted: false,
        };
        assert!(!drop_and_move(&mut best, 100_000, &mut |_: &FaultPlan| {
            None::<()>
        }));
        assert_eq!(best.trials, 2 * PATIENCE_PER_EPISODE);
    }

    #[test]
    fn it_gives_up_after_its_patience_or_its_budget() {
        let mut best = Shrunk {
            plan: plan(),
            run: (),
            trials: 0,
            budget_exhausted: false,
        };
        let mut calls = 0;
        assert!(!drop_and_move(&mut best, 100_000, &mut |_: &FaultPlan| {
            calls += 1;
            None::<()>
        }));
        assert_eq!((calls, best.trials), (patience(4), calls));
        assert_eq!(calls, 4 * PATIENCE_PER_EPISODE_PAST_TWO);
        assert!(!best.budget_exhausted);
        best.trials = 0;
        assert!(!drop_and_move(
            &mut best,
            10,
            &mut |_: &FaultPlan| None::<()>
        ));
        assert!(best.budget_exhausted && best.trials == 10);
    }
}
