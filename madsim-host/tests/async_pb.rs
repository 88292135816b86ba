//! The async primary-backup service under madsim, replicating a key-value
//! store (`async-kv`) and a counter (`async-counter`, not a key-value
//! store) through the one client driver: its invariants hold, its history
//! is linearizable under partitions and crashes and its liveness phase
//! completes, its bug switch is caught, and a seed gives the same history
//! twice.
#![cfg(madsim)]

use madsim_host::async_pb::counter::CounterStore;
use madsim_host::async_pb::{AsyncPbBug, NODES};
use madsim_host::catalog::AsyncService;
use madsim_host::run::{run_async, simulate_async, RunConfig, RunResult};
use models::kv::KvStore;
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
fn failure<M: AsyncService>(result: &RunResult<M::Request, M::Reply>) -> Option<String> {
    if let Some(v) = &result.violation {
        return Some(format!("invariant at {}: {}", v.at, v.message));
    }
    if let Some(stuck) = &result.stuck {
        return Some(format!("liveness: {stuck}"));
    }
    match M::check(&result.history) {
        Verdict::Linearizable => None,
        other => Some(format!("{other:?}")),
    }
}

fn keeps_its_invariants<M: AsyncService>() {
    let (mut ok, mut ops) = (0, 0);
    for seed in seeds() {
        let result = run_async::<M>(&config(seed), None);
        assert_eq!(result.skipped_faults, 0, "every fault had a madsim control");
        if let Some(f) = failure::<M>(&result) {
            panic!("{} seed {seed}: {f}", M::NAME);
        }
        ops += result.history.events.len() / 2;
        let oks = result.history.events.iter();
        ok += oks
            .filter(|e| matches!(e.kind, sim::history::EventKind::Ok(_)))
            .count();
    }
    let n = seeds().count();
    assert!(
        ok > 20 * n,
        "{}: the clients got answers: {ok} of {ops} operations",
        M::NAME
    );
}

#[test]
fn async_kv_keeps_its_invariants_under_partitions_and_crashes() {
    keeps_its_invariants::<KvStore>();
}

#[test]
fn async_counter_keeps_its_invariants_under_partitions_and_crashes() {
    keeps_its_invariants::<CounterStore>();
}

fn caught<M: AsyncService>() -> Option<u64> {
    seeds().find(|&seed| {
        let result = run_async::<M>(&config(seed), Some(AsyncPbBug::UnawaitedReplication));
        failure::<M>(&result).is_some()
    })
}

#[test]
fn unawaited_replication_is_caught_in_both_services() {
    assert!(caught::<KvStore>().is_some(), "an acknowledged put is lost");
    assert!(
        caught::<CounterStore>().is_some(),
        "an acknowledged add is lost"
    );
}

#[test]
fn the_same_seed_gives_the_same_history() {
    let a = run_async::<CounterStore>(&config(7), None);
    let b = run_async::<CounterStore>(&config(7), None);
    assert_eq!(a.history_hash, b.history_hash);
    assert_eq!(a.history, b.history);
    let kv = run_async::<KvStore>(&config(7), None);
    assert_ne!(
        a.history_hash, kv.history_hash,
        "another service, another history"
    );
}

/// A recorded run is the same run: the same history, and a trace of its
/// messages, client operations and faults.
#[test]
fn recording_the_trace_changes_nothing_else() {
    use sim::trace::TraceEvent;
    let plain = run_async::<CounterStore>(&config(3), None);
    let recorded = RunConfig {
        record: true,
        ..config(3)
    };
    let recorded = run_async::<CounterStore>(&recorded, None);
    assert_eq!(plain.history_hash, recorded.history_hash);
    assert_eq!(plain.trace, None);
    let trace = recorded.trace.expect("recorded");
    let count = |f: fn(&TraceEvent) -> bool| trace.iter().filter(|r| f(&r.event)).count();
    let sends = count(|e| matches!(e, TraceEvent::Send { .. }));
    let delivered = count(|e| matches!(e, TraceEvent::Deliver { .. }));
    assert!(
        sends > 100
            && delivered > 0
            && delivered <= sends + count(|e| matches!(e, TraceEvent::Duplicate { .. }))
    );
    assert!(count(|e| matches!(e, TraceEvent::ClientOp { .. })) >= plain.history.events.len() / 2);
    assert!(count(|e| matches!(e, TraceEvent::ClientReply { .. })) > 0);
    assert!(
        count(|e| matches!(e, TraceEvent::Fault { .. })) > 0,
        "the plan's faults and the heal"
    );
}

/// madsim's own check: the run, executed twice in fresh runtimes, draws the
/// same random numbers in the same order.
#[test]
fn madsim_check_determinism_passes() {
    fn once() -> impl std::future::Future<Output = RunResult> {
        simulate_async::<KvStore>(config(11), None)
    }
    let result =
        madsim::runtime::Runtime::check_determinism(11, madsim_host::run::madsim_config(), once);
    assert!(result.history.events.len() > 20);
}
