//! What one run of a model produced, whatever host ran it: the summary
//! `explore`, `replay` and `shrink` work from.

use crate::history::{EventKind, History};
use crate::model::detail::RunDetail;
use crate::plan::FaultPlan;
use crate::scenario::report::{Failure, RunReport};
use crate::trace::TraceRecord;
use serde::{Deserialize, Serialize};
use std::fmt::Debug;

/// One client operation's outcome, for the summary.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpStat {
    /// The operation's kind.
    pub kind: &'static str,
    /// Invoke time (virtual nanoseconds).
    pub invoked_ns: u64,
    /// Response time: virtual nanoseconds from invoke to answer, as the
    /// client saw it; `None` when indeterminate.
    pub latency_ns: Option<u64>,
    /// Latency proper: how long the answering attempt waited at its node
    /// before handling began (see [`crate::scenario::client_log`]); `None`
    /// when unanswered or not measured (hosts other than the engine).
    pub wait_ns: Option<u64>,
    /// True when it completed ok.
    pub ok: bool,
    /// Who served it, for models that say (read replicas: "replica" or
    /// "primary"); `None` otherwise.
    pub served_by: Option<&'static str>,
}

/// What one run of a model produced.
#[derive(Clone, Debug)]
pub struct RunSummary {
    /// The seed.
    pub seed: u64,
    /// The plan it ran under.
    pub plan: FaultPlan,
    /// The trace hash (a madsim run's: its client history's hash).
    pub trace_hash: u64,
    /// The failure, if any.
    pub failure: Option<Failure>,
    /// Every client operation.
    pub ops: Vec<OpStat>,
    /// The trace's events, when asked for (engine runs only).
    pub trace: Option<Vec<TraceRecord>>,
    /// The client history, one event per line, when a madsim run was asked
    /// to record (madsim runs have no engine trace; this is what they show).
    pub history: Option<String>,
    /// Timings the scenario measured, by kind (virtual nanoseconds):
    /// `explore` adds them to its latency figures.
    pub timings: Vec<(&'static str, u64)>,
    /// Faults of the plan that the host has no control for (madsim runs
    /// skip clock, single-link and storage faults); 0 on the engine.
    pub skipped_faults: usize,
    /// The most messages sent in any one second of virtual time (0 where
    /// the host does not count them: madsim).
    pub busiest_second: u64,
    /// The fault points that fired, in name order.
    pub buggified: Vec<String>,
    /// The coverage probes reached, with their hit counts, in name order.
    pub probes: Vec<(&'static str, u64)>,
    /// Per hot monitor, the longest stretch it stayed hot in each phase.
    pub hot: Vec<crate::scenario::HotStretch>,
    /// The operations as text, the attempts and the counterexample, when
    /// the run was recorded.
    pub detail: Option<Box<RunDetail>>,
}

impl RunSummary {
    /// An engine run's summary; `kind` names each operation's kind and
    /// `served` who served a completed one.
    pub fn of_report<O: Debug, R: Debug>(
        report: RunReport<O, R>,
        kind: impl Fn(&O) -> &'static str,
        served: impl Fn(&R) -> Option<&'static str>,
    ) -> Self {
        let waits = &report.client_log.waits;
        let ops = op_stats_served(&report.history, waits, &kind, served);
        let detail = report.trace.as_ref().map(|_| {
            let attempts = report.client_log.attempts.clone();
            let verdict = report.verdict.as_ref();
            let mut detail = RunDetail::new(&report.history, &kind, attempts, verdict);
            detail.syncs = report.syncs.clone();
            detail.cycle = report.txn_cycle.clone();
            Box::new(detail)
        });
        RunSummary {
            seed: report.seed,
            ops,
            detail,
            plan: report.plan,
            trace_hash: report.trace_hash,
            failure: report.failure,
            trace: report.trace,
            timings: report.timings,
            history: None,
            skipped_faults: 0,
            busiest_second: report.busiest_second,
            buggified: report.buggified,
            probes: report.probes,
            hot: report.hot,
        }
    }
}

/// Per-operation outcomes from a history.
pub fn op_stats<I, O>(history: &History<I, O>, kind: impl Fn(&I) -> &'static str) -> Vec<OpStat> {
    op_stats_served(history, &[], kind, |_| None)
}

/// Per-operation outcomes from a history, with who served each completed
/// operation as `served` reads it off the reply, and each one's wait at
/// its node from `waits` (in invoke order; missing ones are unmeasured).
pub fn op_stats_served<I, O>(
    history: &History<I, O>,
    waits: &[Option<u64>],
    kind: impl Fn(&I) -> &'static str,
    served: impl Fn(&O) -> Option<&'static str>,
) -> Vec<OpStat> {
    let pairs = history.paired().into_iter().enumerate();
    pairs
        .map(|(index, (invoke, done))| {
            let EventKind::Invoke(input) = &invoke.kind else {
                unreachable!("a pair starts with its invoke")
            };
            let done = done.map(|e| (&e.kind, e.time));
            OpStat {
                kind: kind(input),
                invoked_ns: invoke.time,
                latency_ns: match done {
                    Some((EventKind::Info, _)) | None => None,
                    Some((_, t)) => Some(t.saturating_sub(invoke.time)),
                },
                wait_ns: done.and(waits.get(index).copied().flatten()),
                ok: matches!(done, Some((EventKind::Ok(_), _))),
                served_by: match done {
                    Some((EventKind::Ok(reply), _)) => served(reply),
                    _ => None,
                },
            }
        })
        .collect()
}
