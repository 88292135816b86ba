//! What a sweep's report needs, tallied as runs finish: per operation kind
//! the latency (the wait at the serving node before handling) and the
//! response time (what the client saw), overall and per virtual second;
//! availability per virtual second; one representative run's operations and
//! fault periods; and the failures.
//!
//! Memory is bounded by the run's length in virtual seconds, not by the
//! number of seeds: per second and kind, one histogram.

use crate::histogram::Histogram;
use sim::model::{OpStat, RunSummary};
use sim::scenario::Failure;
use sim::FaultPlan;
use std::collections::BTreeMap;

/// One virtual second, in nanoseconds.
pub(crate) const SECOND: u64 = 1_000_000_000;

/// Per operation kind, over the sweep.
#[derive(Debug, Default)]
pub(crate) struct KindTimes {
    /// Wait at the serving node before handling.
    pub wait: Histogram,
    /// Response time, as the client saw it.
    pub response: Histogram,
    /// Response time per virtual second of invoke.
    pub response_by_second: BTreeMap<u64, Histogram>,
}

/// Operations invoked in one virtual second, over the sweep.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Availability {
    /// Operations invoked.
    pub invoked: u64,
    /// Of those, completed ok.
    pub ok: u64,
}

/// The representative run: the lowest seed of the sweep.
#[derive(Debug)]
pub(crate) struct Representative {
    /// Its seed.
    pub seed: u64,
    /// Its operations.
    pub ops: Vec<OpStat>,
    /// Its plan.
    pub plan: FaultPlan,
}

/// A failing seed, for the report's list.
#[derive(Debug)]
pub(crate) struct FailureEntry {
    /// The seed.
    pub seed: u64,
    /// What failed.
    pub failure: Failure,
    /// Its artifact, when written.
    pub artifact: Option<String>,
    /// The link to its run report from the sweep report, when written.
    pub report: Option<String>,
}

/// A sweep's report data.
#[derive(Debug, Default)]
pub(crate) struct SweepReport {
    /// By operation kind.
    pub kinds: BTreeMap<&'static str, KindTimes>,
    /// By virtual second of invoke.
    pub availability: BTreeMap<u64, Availability>,
    /// The lowest seed's run.
    pub representative: Option<Representative>,
    /// Failures in seed order, as the sweep kept them.
    pub failures: Vec<FailureEntry>,
    /// Runs tallied.
    pub runs: u64,
}

impl SweepReport {
    /// Tallies one run's operations (in any order of seeds).
    pub(crate) fn add_run(&mut self, run: &RunSummary) {
        self.runs += 1;
        for op in &run.ops {
            let second = op.invoked_ns / SECOND;
            let a = self.availability.entry(second).or_default();
            a.invoked += 1;
            a.ok += u64::from(op.ok);
            let k = self.kinds.entry(op.kind).or_default();
            if let Some(w) = op.wait_ns {
                k.wait.record(w);
            }
            if let Some(r) = op.latency_ns {
                k.response.record(r);
                k.response_by_second.entry(second).or_default().record(r);
            }
        }
        if self
            .representative
            .as_ref()
            .is_none_or(|r| run.seed < r.seed)
        {
            self.representative = Some(Representative {
                seed: run.seed,
                ops: run.ops.clone(),
                plan: run.plan.clone(),
            });
        }
    }

    /// Records a failure the sweep kept (called in seed order).
    pub(crate) fn add_failure(&mut self, entry: FailureEntry) {
        self.failures.push(entry);
    }

    /// Failures by kind name, with counts.
    pub(crate) fn failures_by_kind(&self) -> BTreeMap<&'static str, usize> {
        let mut by = BTreeMap::new();
        for f in &self.failures {
            *by.entry(f.failure.kind.name()).or_default() += 1;
        }
        by
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(kind: &'static str, at_ms: u64, ok: bool, wait: Option<u64>) -> OpStat {
        OpStat {
            kind,
            invoked_ns: at_ms * 1_000_000,
            latency_ns: ok.then_some(5_000_000),
            wait_ns: wait,
            ok,
            served_by: None,
        }
    }

    #[test]
    fn availability_counts_by_second_of_invoke_and_the_lowest_seed_represents() {
        let mut r = SweepReport::default();
        let mut run = RunSummary {
            seed: 7,
            plan: FaultPlan::new(),
            trace_hash: 0,
            failure: None,
            ops: vec![op("get", 10, true, Some(0)), op("get", 1500, false, None)],
            trace: None,
            history: None,
            timings: Vec::new(),
            skipped_faults: 0,
            busiest_second: 0,
            buggified: Vec::new(),
            probes: Vec::new(),
            hot: Vec::new(),
            detail: None,
        };
        r.add_run(&run);
        run.seed = 3;
        r.add_run(&run);
        assert_eq!(r.availability[&0], Availability { invoked: 2, ok: 2 });
        assert_eq!(r.availability[&1], Availability { invoked: 2, ok: 0 });
        assert_eq!(r.kinds["get"].wait.len(), 2);
        assert_eq!(r.representative.as_ref().map(|r| r.seed), Some(3));
    }
}
