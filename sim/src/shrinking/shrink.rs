//! Shrinking a failing fault plan: delta debugging (Zeller's ddmin) over its
//! faults, keeping a smaller plan only while the run still fails the same way.
//!
//! The empty plan is tried first (many bugs need no fault at all), then
//! chunks of the plan are removed, halving the chunk size when no chunk can
//! go. Every trial is a full rerun of the seed under the smaller plan, so
//! the result is a plan that really fails; a budget of trials bounds the
//! work, and the best plan found so far is kept when it runs out.
//!
//! Then [`shrink_sites`] turns off, one by one, the fault points
//! ([`crate::marks`]) the failure does not need.

use crate::plan::{FaultPlan, TimedFault};
use std::collections::BTreeSet;

/// What shrinking found.
#[derive(Clone, Debug)]
pub struct Shrunk<R> {
    /// The smallest failing plan found.
    pub plan: FaultPlan,
    /// Its run.
    pub run: R,
    /// How many reruns it took.
    pub trials: usize,
    /// True when the budget ran out before the plan was 1-minimal.
    pub budget_exhausted: bool,
}

/// Shrinks `plan`, whose run `original` failed. `still_fails` reruns a plan
/// and returns its run when it fails the same way, `None` otherwise; it is
/// called at most `max_trials` times.
pub fn shrink<R>(
    plan: &FaultPlan,
    original: R,
    max_trials: usize,
    mut still_fails: impl FnMut(&FaultPlan) -> Option<R>,
) -> Shrunk<R> {
    let found = ddmin(
        plan.faults.clone(),
        max_trials,
        |faults: &[TimedFault]| {
            let candidate = plan.with_faults(faults.to_vec());
            still_fails(&candidate).map(|run| (candidate, run))
        },
    );
    let (plan, run) = found.best.unwrap_or((plan.clone(), original));
    Shrunk {
        plan,
        run,
        trials: found.trials,
        budget_exhausted: found.budget_exhausted,
    }
}

/// Reruns `faults` within the budget; keeps them in `best` if the run still
/// fails. Returns whether it did.
pub fn attempt<R>(
    faults: Vec<TimedFault>,
    best: &mut Shrunk<R>,
    max_trials: usize,
    still_fails: &mut impl FnMut(&FaultPlan) -> Option<R>,
) -> bool {
    if best.trials >= max_trials {
        best.budget_exhausted = true;
        return false;
    }
    best.trials += 1;
    let candidate = best.plan.with_faults(faults);
    match still_fails(&candidate) {
        Some(run) => {
            best.plan = candidate;
            best.run = run;
            true
        }
        None => false,
    }
}

/// What [`ddmin`] found.
#[derive(Clone, Debug)]
pub struct Reduced<R> {
    /// The result of the last subset that still failed, if any did.
    pub best: Option<R>,
    /// How many subsets it tried.
    pub trials: usize,
    /// True when the budget ran out before the set was 1-minimal.
    pub budget_exhausted: bool,
}

/// Delta debugging (Zeller's ddmin) over `items`: the empty set first, then
/// complements of ever smaller chunks, keeping a subset while `test`
/// returns `Some` for it. At most `max_trials` calls.
pub fn ddmin<T: Clone, R>(
    items: Vec<T>,
    max_trials: usize,
    mut test: impl FnMut(&[T]) -> Option<R>,
) -> Reduced<R> {
    let mut found = Reduced {
        best: None,
        trials: 0,
        budget_exhausted: false,
    };
    if items.is_empty() {
        return found;
    }
    if max_trials == 0 {
        found.budget_exhausted = true;
        return found;
    }
    found.trials += 1;
    if let Some(r) = test(&[]) {
        found.best = Some(r);
        return found;
    }
    let mut items = items;
    let mut n = 2usize;
    while items.len() >= 2 {
        let chunk = items.len().div_ceil(n);
        let mut reduced = false;
        for start in (0..items.len()).step_by(chunk) {
            if found.trials >= max_trials {
                found.budget_exhausted = true;
                return found;
            }
            let mut complement = items[..start].to_vec();
            complement.extend_from_slice(&items[(start + chunk).min(items.len())..]);
            found.trials += 1;
            if let Some(r) = test(&complement) {
                items = complement;
                found.best = Some(r);
                n = (n - 1).max(2);
                reduced = true;
                break;
            }
        }
        if !reduced {
            if n >= items.len() {
                break;
            }
            n = (2 * n).min(items.len());
        }
    }
    found
}

/// What turning fault points off found.
#[derive(Clone, Debug)]
pub struct FewerSites<R> {
    /// The fault points the failure still needs, in their first order.
    pub sites: Vec<String>,
    /// The run with only those enabled, when any could go.
    pub run: Option<R>,
    /// How many reruns it took.
    pub trials: usize,
}

/// Turns the fault points of a failing run off one at a time, keeping each
/// off while the run still fails the same way (`still_fails` reruns with
/// exactly the given sites enabled). At most one rerun per site.
pub fn shrink_sites<R>(
    sites: &[String],
    mut still_fails: impl FnMut(&BTreeSet<String>) -> Option<R>,
) -> FewerSites<R> {
    let mut kept: Vec<String> = sites.to_vec();
    let mut run = None;
    let mut trials = 0;
    for site in sites {
        let without: BTreeSet<String> = kept.iter().filter(|s| *s != site).cloned().collect();
        trials += 1;
        if let Some(r) = still_fails(&without) {
            kept.retain(|s| s != site);
            run = Some(r);
        }
    }
    FewerSites {
        sites: kept,
        run,
        trials,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Fault, NodeId, SimTime};

    fn plan(n: u32) -> FaultPlan {
        let mut p = FaultPlan::new();
        for i in 0..n {
            p.push(SimTime(u64::from(i)), Fault::Pause { node: NodeId(i) });
        }
        p
    }

    fn has(p: &FaultPlan, node: u32) -> bool {
        p.faults
            .iter()
            .any(|f| f.fault == Fault::Pause { node: NodeId(node) })
    }

    #[test]
    fn finds_the_two_faults_that_matter() {
        let s = shrink(&plan(40), (), 1000, |p| {
            (has(p, 7) && has(p, 31)).then_some(())
        });
        assert_eq!(s.plan.len(), 2, "{:?}", s.plan);
        assert!(has(&s.plan, 7) && has(&s.plan, 31));
        assert!(!s.budget_exhausted);
    }

    #[test]
    fn only_the_fault_points_the_failure_needs_stay_on() {
        let sites: Vec<String> = ["a", "b", "c"].map(String::from).to_vec();
        let fewer = shrink_sites(&sites, |on| on.contains("b").then_some(on.len()));
        assert_eq!(fewer.sites, vec!["b".to_string()]);
        assert_eq!((fewer.run, fewer.trials), (Some(1), 3));
    }

    #[test]
    fn a_plan_that_needs_nothing_shrinks_to_nothing_in_one_trial() {
        let s = shrink(&plan(10), (), 1000, |_| Some(()));
        assert!(s.plan.is_empty());
        assert_eq!(s.trials, 1);
    }

    #[test]
    fn the_budget_bounds_the_trials_and_keeps_the_best_so_far() {
        let mut calls = 0;
        let s = shrink(&plan(64), (), 5, |p| {
            calls += 1;
            (has(p, 3) && has(p, 60)).then_some(())
        });
        assert_eq!(calls, 5);
        assert!(s.budget_exhausted);
        assert!(has(&s.plan, 3) && has(&s.plan, 60));
        assert!(
            s.plan.len() < 64,
            "some progress was kept: {}",
            s.plan.len()
        );
    }
}
