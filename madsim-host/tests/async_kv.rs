//! The async key-value service under madsim: its invariants hold and its
//! history is linearizable under partitions and crashes, its bug switch is
//! caught, and a seed gives the same history twice.
#![cfg(madsim)]

use madsim_host::async_kv::{AsyncKvBug, NODES};
use madsim_host::run::{run_async_kv, RunConfig, RunResult};
use models::kv::history;
use sim::linearizability::Verdict;
use sim::FaultKind;

mod common;
use common::seeds;

/// Partitions (including clogged links), crashes and pauses, over 5 s.
fn config(seed: u64) -> RunConfig {
    use FaultKind::*;
    common::config(seed, NODES, &[Partition, Crash, Pause, Clog])
}

/// What is wrong with a run, if anything.
fn failure(result: &RunResult) -> Option<String> {
    if let Some(v) = &result.violation {
        return Some(format!("invariant at {}: {}", v.at, v.message));
    }
    if let Some(stuck) = &result.stuck {
        return Some(format!("liveness: {stuck}"));
    }
    match history::check(&result.history) {
        Verdict::Linearizable => None,
        other => Some(format!("{other:?}")),
    }
}

#[test]
fn async_kv_keeps_its_invariants_under_partitions_and_crashes() {
    let (mut ok, mut ops) = (0, 0);
    for seed in seeds() {
        let result = run_async_kv(&config(seed), None);
        assert_eq!(result.skipped_faults, 0, "every fault had a madsim control");
        if let Some(f) = failure(&result) {
            panic!("seed {seed}: {f}");
        }
        ops += result.history.events.len() / 2;
        ok += result
            .history
            .events
            .iter()
            .filter(|e| matches!(e.kind, sim::history::EventKind::Ok(_)))
            .count();
    }
    let n = seeds().count();
    assert!(
        ok > 20 * n,
        "the clients got answers: {ok} of {ops} operations"
    );
}

#[test]
fn unawaited_replication_is_caught() {
    let caught = seeds().find(|&seed| {
        let result = run_async_kv(&config(seed), Some(AsyncKvBug::UnawaitedReplication));
        failure(&result).is_some()
    });
    assert!(
        caught.is_some(),
        "an acknowledged write is lost within the seed range"
    );
}

#[test]
fn the_same_seed_gives_the_same_history() {
    let a = run_async_kv(&config(7), None);
    let b = run_async_kv(&config(7), None);
    assert_eq!(a.history_hash, b.history_hash);
    assert_eq!(a.history, b.history);
}

/// madsim's own check: the run, executed twice in fresh runtimes, draws the
/// same random numbers in the same order.
#[test]
fn madsim_check_determinism_passes() {
    fn once() -> impl std::future::Future<Output = RunResult> {
        madsim_host::run::simulate_async_kv(config(11), None)
    }
    let result =
        madsim::runtime::Runtime::check_determinism(11, madsim_host::run::madsim_config(), once);
    assert!(result.history.events.len() > 20);
}
