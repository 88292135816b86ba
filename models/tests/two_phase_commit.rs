//! `two-phase-commit` under the harness: the correct protocol passes under
//! every fault kind; each bug switch is caught with a message that names
//! what broke; the coordinator's crash after logging commit, with a
//! participant restarting prepared, is pinned as a trace; a blocked
//! transaction ends once the coordinator is back; and a property test over
//! fault plans shows how to write one.

use models::two_phase_commit::workload::TpcClients;
use models::two_phase_commit::{scenario, TpcBug, TpcNode};
mod common;

use common::{first_failure, plans};
use proptest::prelude::*;
use sim::scenario::{FailureKind, Scenario};
use sim::{Fault, FaultKind, FaultPlan, NodeId, Partition, SimDuration, SimTime};

#[test]
fn the_correct_protocol_passes_a_seed_sweep() {
    scenario(None).run_seeds(0..20);
}

#[test]
fn decide_before_log_breaks_atomicity() {
    let (seed, f) = first_failure(
        &scenario(Some(TpcBug::DecideBeforeLog)),
        "DecideBeforeLog",
        100,
    );
    assert!(
        f.message.contains("atomicity: transaction") && f.message.contains(" at n"),
        "seed {seed}: {f}"
    );
}

#[test]
fn forget_prepare_and_no_recovery_query_leave_a_transaction_half_done() {
    for bug in [TpcBug::ForgetPrepare, TpcBug::NoRecoveryQuery] {
        let (seed, f) = first_failure(&scenario(Some(bug)), &format!("{bug:?}"), 100);
        let half_done = f.message.contains("atomicity: transaction")
            || f.message.contains("never half-done: transaction");
        assert!(half_done, "{bug:?} seed {seed}: {f}");
    }
}

#[test]
fn commit_without_all_votes_commits_where_a_shard_never_prepared() {
    let (seed, f) = first_failure(
        &scenario(Some(TpcBug::CommitWithoutAllVotes)),
        "CommitWithoutAllVotes",
        50,
    );
    assert!(
        f.message.contains("transaction") && f.message.contains("aborted"),
        "seed {seed}: {f}"
    );
}

#[test]
fn release_locks_at_prepare_is_found_by_the_serializability_check() {
    let (seed, f) = first_failure(
        &scenario(Some(TpcBug::ReleaseLocksAtPrepare)),
        "ReleaseLocksAtPrepare",
        10,
    );
    assert_eq!(f.kind, FailureKind::Transactional, "seed {seed}: {f}");
    assert!(f.message.starts_with("strict-serializable: invalid"), "{f}");
}

/// One client. The coordinator is cut off from 15 ms (just after it logs
/// its commit of the first transaction, before anyone hears) to 800 ms,
/// crashes at 20 ms (the decision logged) and restarts at 400 ms; shard n1
/// crashes at 30 ms, prepared, and restarts at 200 ms.
fn coordinator_crash(bug: Option<TpcBug>) -> Scenario<TpcNode> {
    let mut plan = FaultPlan::new();
    let (n0, n1) = (NodeId(0), NodeId(1));
    let cut = Partition::Isolate { node: n0 };
    plan.push(SimTime(15_000_000), Fault::Partition(cut.clone()));
    plan.push(
        SimTime(20_000_000),
        Fault::Crash {
            node: n0,
            torn_writes: false,
        },
    );
    plan.push(
        SimTime(30_000_000),
        Fault::Crash {
            node: n1,
            torn_writes: false,
        },
    );
    plan.push(SimTime(200_000_000), Fault::Restart { node: n1 });
    plan.push(SimTime(400_000_000), Fault::Restart { node: n0 });
    plan.push(SimTime(800_000_000), Fault::EndPartition(cut));
    let mut s = scenario(bug)
        .clients(1, TpcClients::default)
        .plan(plan)
        .run_for(SimDuration::from_millis(1000));
    s.liveness_for = SimDuration::from_millis(500);
    s
}

#[test]
fn a_blocked_transaction_ends_when_the_coordinator_is_back() {
    // A seed whose transaction 0 is in flight when the coordinator goes.
    let report = coordinator_crash(None).record_trace(true).run_seed(4);
    assert!(report.failure.is_none(), "{:?}", report.failure);
    let trace = report.trace.expect("recorded");
    let text: String = trace.iter().map(|r| format!("{r}\n")).collect();
    // Every shard is in doubt about transaction 0 and asks its peers, who
    // cannot help: the transaction blocks while the coordinator is away.
    let asks_late = trace
        .iter()
        .any(|r| r.event.at().0 > 700_000_000 && r.detail.contains("Query { txn: 0 }"));
    assert!(asks_late, "transaction 0 is still in doubt at 700 ms");
    // After the heal the restarted coordinator's logged commit reaches them.
    let decided = trace.iter().any(|r| {
        r.event.at().0 >= 800_000_000 && r.detail.contains("Decide { txn: 0, decision: Commit }")
    });
    assert!(decided, "the logged commit is sent after the heal");
    insta::assert_snapshot!(text);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, failure_persistence: None, ..ProptestConfig::default() })]

    /// The example property test: under any plan of crashes, partitions and
    /// a flaky network, no transaction is half-done, audits always balance,
    /// and the list transactions are strict serializable.
    #[test]
    fn transactions_are_atomic_under_any_plan(plan in plans(4, vec![FaultKind::Crash, FaultKind::Partition, FaultKind::FlakyNet]), seed in 0u64..1000) {
        let report = scenario(None).plan(plan).run_for(SimDuration::from_secs(2)).run_seed(seed);
        prop_assert!(report.failure.is_none(), "{}", report.failure.unwrap());
    }
}
