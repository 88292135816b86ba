//! The one shrinking pipeline every route uses (`faultline shrink`, a
//! failing `cargo test` sweep). A round shrinks the plan
//! ([`crate::essence`]), then the fault points that fired, one by one
//! ([`crate::shrink::shrink_sites`]), then the run itself: fewer
//! operations, a shorter safety phase, fewer clients
//! ([`crate::scenario::trim`]). Rounds repeat on the smaller run until one
//! shrinks nothing (at most [`MAX_ROUNDS`]): a shorter run shifts the
//! timing, and the plan steps may drop what they had to keep before. Last,
//! the partitions left are narrowed to the links they must cut
//! ([`crate::narrow`]).

use crate::essence::essence;
use crate::marks::Buggify;
use crate::model::RunSummary;
use crate::narrow::narrow_partitions;
use crate::plan::FaultPlan;
use crate::scenario::trim::{shrink_trim, Untrimmed};
use crate::scenario::{RunReport, Trim};
use crate::shrink::{shrink_sites, Shrunk};
use crate::time::{SimDuration, SimTime};

/// What the pipeline needs to know of a failing run, on any route.
pub trait FailingRun {
    /// When its failure was found.
    fn failed_at(&self) -> SimTime;
    /// The fault points that fired.
    fn fired(&self) -> &[String];
    /// Its client operations (an upper bound on any client's).
    fn operations(&self) -> u64;
}

impl<O, R> FailingRun for RunReport<O, R> {
    fn failed_at(&self) -> SimTime {
        self.failure.as_ref().map_or(SimTime(u64::MAX), |f| f.at)
    }
    fn fired(&self) -> &[String] {
        &self.buggified
    }
    fn operations(&self) -> u64 {
        self.history.events.len() as u64
    }
}

impl FailingRun for RunSummary {
    fn failed_at(&self) -> SimTime {
        self.failure.as_ref().map_or(SimTime(u64::MAX), |f| f.at)
    }
    fn fired(&self) -> &[String] {
        &self.buggified
    }
    fn operations(&self) -> u64 {
        self.ops.len() as u64
    }
}

/// The scenario a failing run was cut from.
#[derive(Clone, Copy, Debug)]
pub struct Scope {
    /// Its cluster's nodes.
    pub nodes: usize,
    /// Its clients.
    pub clients: usize,
    /// Its safety phase.
    pub safety_for: SimDuration,
    /// The trim the failing run already ran under (a shrunk artifact's).
    pub trim: Trim,
}

/// The smallest failing run found.
#[derive(Clone, Debug)]
pub struct Smallest<R> {
    /// Its plan.
    pub plan: FaultPlan,
    /// The fault points it needs: the plan under the trim, with exactly
    /// these enabled, gives the run.
    pub sites: Vec<String>,
    /// Its trim.
    pub trim: Trim,
    /// The run.
    pub run: R,
    /// Reruns spent, on every step.
    pub trials: usize,
    /// True when the plan's budget of reruns ran out.
    pub budget_exhausted: bool,
}

/// Shrinks `original`, which failed under `plan` in `scope`. `rerun` runs a
/// plan with exactly the given fault points under a trim, and returns the
/// run when it fails the same way; it is called at most `max_trials`
/// times in all (past that, every step takes a plan as not failing).
pub fn smallest<R: FailingRun>(
    plan: &FaultPlan,
    original: R,
    scope: Scope,
    max_trials: usize,
    mut rerun: impl FnMut(&FaultPlan, &Buggify, Trim) -> Option<R>,
) -> Smallest<R> {
    // Every step below counts against the budget, the fault points', the
    // trim's and the cut-down's too: this is the one place it is enforced.
    let mut spent = 0;
    let mut rerun = |plan: &FaultPlan, sites: &Buggify, trim: Trim| {
        spent += 1;
        (spent <= max_trials).then(|| rerun(plan, sites, trim))?
    };
    let mut best = Smallest {
        plan: plan.clone(),
        sites: original.fired().to_vec(),
        trim: scope.trim,
        run: original,
        trials: 0,
        budget_exhausted: false,
    };
    let for_rounds = max_trials - max_trials / NARROWING_SHARE;
    for _ in 0..MAX_ROUNDS {
        // The plan steps run to a fixed point on one run, so another round
        // can only gain when this one changed the run: its fault points or
        // its trim.
        let before = (best.sites.len(), best.trim);
        best = one_round(best, scope, for_rounds, &mut rerun);
        let same_run = (best.sites.len(), best.trim) == before;
        if best.budget_exhausted || same_run {
            break;
        }
    }
    let best = fewer_kept(best, &mut rerun);
    let wide = best.plan.clone();
    let best = narrowed(best, scope.nodes, max_trials, &mut rerun);
    // A narrower cut may let the run be cut down further (fewer clients).
    if best.plan == wide {
        best
    } else {
        cut_down(best, scope, &mut rerun)
    }
}

/// The share of the plan's budget kept for narrowing (one in this many
/// reruns), so that the story names nodes even when the rounds spent the
/// rest. Narrowing a plan of a few faults takes a few reruns per node.
const NARROWING_SHARE: usize = 10;

/// The most rounds of the whole pipeline. A round that cut the run (fewer
/// operations or clients, a shorter safety phase) shifts its timing, so the
/// next round's plan steps may drop what the last one had to keep.
pub const MAX_ROUNDS: usize = 4;

/// `best` with as few of its core liveness phase's kept faults (see
/// [`crate::core`]) as still fail: each is dropped in turn, and stays
/// dropped when the run still fails. The core itself stays as drawn.
fn fewer_kept<R>(
    mut best: Smallest<R>,
    rerun: &mut impl FnMut(&FaultPlan, &Buggify, Trim) -> Option<R>,
) -> Smallest<R> {
    let sites = Buggify::Sites(best.sites.iter().cloned().collect());
    let kept = best.plan.core.as_ref().map_or(0, |c| c.kept.len());
    for i in (0..kept).rev() {
        let mut candidate = best.plan.clone();
        candidate.core.as_mut().expect("a core").kept.remove(i);
        best.trials += 1;
        match rerun(&candidate, &sites, best.trim) {
            Some(run) => (best.plan, best.run) = (candidate, run),
            None => continue,
        }
    }
    best
}

/// `best` with its partitions narrowed ([`narrow_partitions`]) under its
/// trim and fault points. This comes last: a partition aimed at the focus
/// follows the leader when the steps before move it, and a pinned one no
/// longer does. It may spend what is left of `max_trials`.
fn narrowed<R>(
    best: Smallest<R>,
    nodes: usize,
    max_trials: usize,
    rerun: &mut impl FnMut(&FaultPlan, &Buggify, Trim) -> Option<R>,
) -> Smallest<R> {
    let sites = Buggify::Sites(best.sites.iter().cloned().collect());
    let mut shrunk = Shrunk {
        plan: best.plan,
        run: best.run,
        trials: best.trials,
        budget_exhausted: best.budget_exhausted,
    };
    let trim = best.trim;
    narrow_partitions(&mut shrunk, nodes, max_trials, &mut |p: &FaultPlan| {
        rerun(p, &sites, trim)
    });
    Smallest {
        plan: shrunk.plan,
        run: shrunk.run,
        trials: shrunk.trials,
        budget_exhausted: shrunk.budget_exhausted,
        ..best
    }
}

/// One round of the pipeline, from `from` (whose run is the plan under its
/// trim with its sites): the plan, the fault points, the trim.
fn one_round<R: FailingRun>(
    from: Smallest<R>,
    scope: Scope,
    max_trials: usize,
    rerun: &mut impl FnMut(&FaultPlan, &Buggify, Trim) -> Option<R>,
) -> Smallest<R> {
    let fired = from.run.fired().to_vec();
    let failed_at = from.run.failed_at();
    let sites = Buggify::Sites(fired.iter().cloned().collect());
    let mut same_sites = |p: &FaultPlan| rerun(p, &sites, from.trim);
    let budget = max_trials.saturating_sub(from.trials);
    let shrunk = essence(&from.plan, from.run, failed_at, budget, &mut same_sites);
    let fewer = shrink_sites(&fired, |on| {
        rerun(&shrunk.plan, &Buggify::Sites(on.clone()), from.trim)
    });
    let run = fewer.run.unwrap_or(shrunk.run);
    let planned = Smallest {
        plan: shrunk.plan,
        sites: run.fired().to_vec(),
        trim: from.trim,
        run,
        trials: from.trials + shrunk.trials + fewer.trials,
        budget_exhausted: shrunk.budget_exhausted,
    };
    cut_down(planned, scope, rerun)
}

/// `best` with its run cut down further ([`shrink_trim`]), under its plan
/// and fault points.
fn cut_down<R: FailingRun>(
    best: Smallest<R>,
    scope: Scope,
    rerun: &mut impl FnMut(&FaultPlan, &Buggify, Trim) -> Option<R>,
) -> Smallest<R> {
    let sites = Buggify::Sites(best.sites.iter().cloned().collect());
    let base = best.trim;
    let run = &best.run;
    let untrimmed = Untrimmed {
        // Never more than the last round's cut: bisection finds a boundary,
        // not the least, so a wider range could land above it.
        ops: base
            .ops_per_client
            .map_or(run.operations(), |ops| ops.min(run.operations())),
        clients: base.clients.unwrap_or(scope.clients),
        failed_at: run.failed_at(),
        safety_for: base.safety_for.unwrap_or(scope.safety_for),
    };
    let when = |(_, run): &(Trim, R)| run.failed_at();
    let trimmed = shrink_trim(untrimmed, when, |cut| {
        let trim = cut.over(base);
        rerun(&best.plan, &sites, trim).map(|r| (trim, r))
    });
    let (trim, run) = trimmed.run.unwrap_or((base, best.run));
    Smallest {
        trim,
        run,
        trials: best.trials + trimmed.trials,
        ..best
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::episode::pauses;
    use crate::{Fault, NodeId};

    /// A run of the test: it only has to say when it failed.
    #[derive(Clone, Debug)]
    struct Run;

    impl FailingRun for Run {
        fn failed_at(&self) -> SimTime {
            SimTime(5_000_000_000)
        }
        fn fired(&self) -> &[String] {
            &[]
        }
        fn operations(&self) -> u64 {
            10
        }
    }

    /// Fails when node 0 is paused, and, unless the clients start at most
    /// three operations each, node 1 too.
    fn fails(plan: &FaultPlan, trim: Trim) -> Option<Run> {
        let paused = |n| {
            plan.faults
                .iter()
                .any(|f| f.fault == Fault::Pause { node: NodeId(n) })
        };
        let short = trim.ops_per_client.is_some_and(|ops| ops <= 3);
        (paused(0) && (short || paused(1))).then_some(Run)
    }

    #[test]
    fn a_second_round_drops_what_the_cut_run_no_longer_needs() {
        let scope = Scope {
            nodes: 4,
            clients: 3,
            safety_for: SimDuration::from_secs(10),
            trim: Trim::default(),
        };
        let plan = pauses(4, 50_000_000);
        let mut reruns = 0;
        let small = smallest(&plan, Run, scope, 10_000, |p, _, trim| {
            reruns += 1;
            fails(p, trim)
        });
        assert!(small.trim.ops_per_client.is_some_and(|ops| ops <= 3));
        let only_node_0 = [Fault::Pause { node: NodeId(0) }];
        let kept: Vec<Fault> = small.plan.faults.iter().map(|f| f.fault.clone()).collect();
        assert_eq!(kept, only_node_0, "round one had to keep node 1's pause");
        assert!(fails(&small.plan, small.trim).is_some());
        assert!(fails(&small.plan, Trim::default()).is_none());
        assert!(small.trials <= reruns && !small.budget_exhausted);
    }

    /// `max_trials` bounds every rerun, not only the plan's steps: with a
    /// budget of 0 nothing is rerun and the plan stays as it was.
    #[test]
    fn the_budget_bounds_every_rerun() {
        let scope = Scope {
            nodes: 4,
            clients: 3,
            safety_for: SimDuration::from_secs(10),
            trim: Trim::default(),
        };
        let plan = pauses(4, 50_000_000);
        for budget in [0, 1, 7] {
            let mut reruns = 0;
            let small = smallest(&plan, Run, scope, budget, |p, _, trim| {
                reruns += 1;
                fails(p, trim)
            });
            assert!(reruns <= budget, "{reruns} reruns on a budget of {budget}");
            if budget == 0 {
                assert_eq!(small.plan, plan);
            }
        }
    }
}
