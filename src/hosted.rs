//! Catalog runs on madsim instead of the engine: `raft-kv-madsim` (the
//! sans-IO `raft-kv` inside madsim nodes, the cross-check) and `async-kv`
//! (a service written as ordinary async code). Both become a
//! [`RunSummary`] like an engine run, so `explore`, `replay` and `shrink`
//! treat them alike; their "trace hash" is the client history's hash, which
//! is what a madsim run can promise to reproduce.

use crate::catalog::{op_stats, RunSummary};
use madsim_host::async_kv::{self, AsyncKvBug};
use madsim_host::run::{run_async_kv, run_watched, RunConfig, RunResult, Watch};
use models::kv::{history, KvRequest};
use models::raft_kv::{self, invariants, RaftBug, RaftKv};
use sim::linearizability::Verdict;
use sim::scenario::{Failure, FailureKind, ScenarioConfig};
use sim::{FaultPlan, LinkConfig, Nemesis, NodeTable, SimDuration, SimTime};
use std::sync::Arc;

/// How long clients run in a madsim run.
pub const RUN_FOR: SimDuration = SimDuration::from_secs(5);
/// Clients per run.
pub const CLIENTS: u64 = 3;
/// The client timeout.
pub const CLIENT_TIMEOUT: SimDuration = SimDuration::from_secs(1);

/// The cluster size of a madsim model.
pub fn nodes(model: &str) -> usize {
    match model {
        "raft-kv-madsim" => 5,
        "async-kv" => async_kv::NODES,
        other => unreachable!("validated model {other}"),
    }
}

/// The run's shape, for artifacts (madsim's links are 1 to 10 ms, the
/// engine's default; there is no liveness phase).
pub fn scenario_config(model: &str) -> ScenarioConfig {
    ScenarioConfig {
        nodes: nodes(model),
        clients: CLIENTS as usize,
        link: LinkConfig::default(),
        safety_for: RUN_FOR,
        liveness_for: SimDuration::ZERO,
        client_timeout: CLIENT_TIMEOUT,
    }
}

/// Runs a madsim model for `seed` under `plan`, or else under the plan
/// `nemesis` draws for the seed; with `record`, keeps the history's text.
pub fn run_model(
    model: &str,
    bug: Option<&str>,
    seed: u64,
    nemesis: &Nemesis,
    plan: Option<FaultPlan>,
    record: bool,
) -> RunSummary {
    let n = nodes(model);
    let config = RunConfig {
        seed,
        nodes: n,
        clients: CLIENTS,
        run_for: RUN_FOR,
        client_timeout: CLIENT_TIMEOUT,
        plan: plan.unwrap_or_else(|| nemesis.generate(seed, n, RUN_FOR)),
    };
    let result = match model {
        "raft-kv-madsim" => {
            let bug = bug.map(|b| RaftBug::from_name(b).expect("validated bug switch"));
            let watch = Watch {
                monitor: Some(Box::new(invariants::safety())),
                focus: Some(Arc::new(|nodes: &dyn NodeTable<RaftKv>| {
                    raft_kv::leader(nodes)
                })),
            };
            run_watched(&config, move |_| RaftKv::new(bug), watch)
        }
        "async-kv" => {
            let bug = bug.map(|b| AsyncKvBug::from_name(b).expect("validated bug switch"));
            run_async_kv(&config, bug)
        }
        other => unreachable!("validated model {other}"),
    };
    summarize(seed, config.plan, result, record)
}

fn summarize(seed: u64, plan: FaultPlan, result: RunResult, record: bool) -> RunSummary {
    let end = SimTime::ZERO.after(RUN_FOR);
    let failure = match &result.violation {
        Some(v) => Some(Failure {
            kind: FailureKind::Invariant,
            message: v.message.clone(),
            at: v.at,
        }),
        None => match history::check(&result.history) {
            Verdict::NotLinearizable(c) => Some(Failure {
                kind: FailureKind::Linearizability,
                message: c.to_string(),
                at: end,
            }),
            _ => None,
        },
    };
    RunSummary {
        seed,
        plan,
        trace_hash: result.history_hash,
        failure,
        ops: op_stats(&result.history, |r: &KvRequest| r.command.kind()),
        trace: None,
        history: record.then(|| result.history.to_string()),
        skipped_faults: result.skipped_faults,
    }
}
