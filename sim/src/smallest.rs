//! The one shrinking pipeline every route uses (`faultline shrink`, a
//! failing `cargo test` sweep): the plan to its essence ([`crate::essence`]),
//! its partitions narrowed to the links they must cut ([`crate::narrow`]),
//! then the fault points that fired, one by one
//! ([`crate::shrink::shrink_sites`]), then the run itself: fewer
//! operations, a shorter safety phase, fewer clients
//! ([`crate::scenario::trim`]).

use crate::essence::essence;
use crate::marks::Buggify;
use crate::model::RunSummary;
use crate::narrow::narrow_partitions;
use crate::plan::FaultPlan;
use crate::scenario::trim::{shrink_trim, Untrimmed};
use crate::scenario::{RunReport, Trim};
use crate::shrink::shrink_sites;
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
    /// The fault points it needs before the trim (the untrimmed run with
    /// the shrunk plan fails with exactly these enabled).
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
/// run when it fails the same way; the plan's steps call it at most
/// `max_trials` times.
pub fn smallest<R: FailingRun>(
    plan: &FaultPlan,
    original: R,
    scope: Scope,
    max_trials: usize,
    mut rerun: impl FnMut(&FaultPlan, &Buggify, Trim) -> Option<R>,
) -> Smallest<R> {
    let fired = original.fired().to_vec();
    let failed_at = original.failed_at();
    let sites = Buggify::Sites(fired.iter().cloned().collect());
    let mut same_sites = |p: &FaultPlan| rerun(p, &sites, scope.trim);
    let mut shrunk = essence(plan, original, failed_at, max_trials, &mut same_sites);
    narrow_partitions(&mut shrunk, scope.nodes, max_trials, &mut same_sites);
    let fewer = shrink_sites(&fired, |on| {
        rerun(&shrunk.plan, &Buggify::Sites(on.clone()), scope.trim)
    });
    let run = fewer.run.unwrap_or(shrunk.run);
    let sites = Buggify::Sites(run.fired().iter().cloned().collect());
    let from = Untrimmed {
        ops: run.operations(),
        clients: scope.trim.clients.unwrap_or(scope.clients),
        failed_at: run.failed_at(),
        safety_for: scope.trim.safety_for.unwrap_or(scope.safety_for),
    };
    let trimmed = shrink_trim(from, |cut| {
        let trim = cut.over(scope.trim);
        rerun(&shrunk.plan, &sites, trim).map(|r| (trim, r))
    });
    let (trim, run) = trimmed.run.unwrap_or((scope.trim, run));
    Smallest {
        plan: shrunk.plan,
        sites: fewer.sites,
        trim,
        run,
        trials: shrunk.trials + fewer.trials + trimmed.trials,
        budget_exhausted: shrunk.budget_exhausted,
    }
}
