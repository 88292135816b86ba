//! `raft-kv` under the harness: the correct protocol passes under every fault
//! kind, each bug switch is caught within a fixed seed range, a leader's isolation and return is pinned as a trace,
//! and a property test over fault plans shows how to write one.

use models::raft_kv::{scenario, RaftBug};
mod common;

use common::{first_failure, plans};
use proptest::prelude::*;
use sim::scenario::FailureKind;
use sim::{Fault, FaultKind, FaultPlan, NodeId, Partition, SimDuration, SimTime, TraceEvent};

#[test]
fn the_correct_protocol_passes_a_seed_sweep() {
    scenario(None).run_seeds(0..40);
}

/// Figure 8 of the Raft paper: a leader commits an entry of an earlier term
/// by counting replicas, and a later leader overwrites it. It needs leaders
/// cut off one after another while earlier ones are still cut off, which the
/// `leader-churn` mix does.
#[test]
fn commit_previous_term_loses_a_committed_entry_under_leader_churn() {
    let churn: sim::Nemesis = "leader-churn".parse().expect("a mix");
    let (seed, f) = first_failure(
        &scenario(Some(RaftBug::CommitPreviousTerm)).faults(churn.clone()),
        "CommitPreviousTerm",
        60,
    );
    assert_eq!(f.kind, FailureKind::Invariant, "seed {seed}: {f}");
    assert!(
        f.message.contains("leader completeness") || f.message.contains("state machine safety"),
        "{f}"
    );
    // The correct protocol survives the same schedule.
    scenario(None).faults(churn).run_seeds(0..20);
}

#[test]
fn vote_without_log_check_loses_committed_entries() {
    let (seed, f) = first_failure(
        &scenario(Some(RaftBug::VoteWithoutLogCheck)),
        "VoteWithoutLogCheck",
        60,
    );
    assert_eq!(f.kind, FailureKind::Invariant, "seed {seed}: {f}");
    assert!(
        f.message.contains("leader completeness") || f.message.contains("state machine safety"),
        "{f}"
    );
}

#[test]
fn forget_vote_on_restart_withdraws_a_vote() {
    let (seed, f) = first_failure(
        &scenario(Some(RaftBug::ForgetVoteOnRestart)),
        "ForgetVoteOnRestart",
        60,
    );
    assert_eq!(f.kind, FailureKind::Invariant, "seed {seed}: {f}");
    assert!(f.message.contains("election safety"), "{f}");
}

#[test]
fn ack_before_commit_loses_an_acknowledged_write() {
    let (seed, f) = first_failure(
        &scenario(Some(RaftBug::AckBeforeCommit)),
        "AckBeforeCommit",
        60,
    );
    assert_eq!(f.kind, FailureKind::Linearizability, "seed {seed}: {f}");
}

#[test]
fn read_from_follower_returns_a_stale_value() {
    let (seed, f) = first_failure(
        &scenario(Some(RaftBug::ReadFromFollower)),
        "ReadFromFollower",
        60,
    );
    assert_eq!(f.kind, FailureKind::Linearizability, "seed {seed}: {f}");
}

/// The node that sent the first append of a recorded run: the first leader.
fn first_leader(trace: &[sim::TraceRecord]) -> NodeId {
    trace
        .iter()
        .find_map(|r| match r.event {
            TraceEvent::Send { from, .. } if r.detail.starts_with("Append") => Some(from),
            _ => None,
        })
        .expect("a leader was elected")
}

#[test]
fn a_leader_is_isolated_and_rejoins() {
    let short = |plan: FaultPlan| {
        let mut s = scenario(None)
            .clients(1, models::kv::KvClients::default)
            .plan(plan)
            .record_trace(true)
            .run_for(SimDuration::from_millis(1500));
        s.liveness_for = SimDuration::from_millis(500);
        s.run_seed(1)
    };
    let calm = short(FaultPlan::new());
    let leader = first_leader(calm.trace.as_deref().expect("recorded"));
    let mut plan = FaultPlan::new();
    plan.push(
        SimTime(500_000_000),
        Fault::Partition(Partition::Isolate { node: leader }),
    );
    plan.push(SimTime(1_000_000_000), Fault::Heal);
    let report = short(plan);
    assert!(report.failure.is_none(), "{:?}", report.failure);
    let trace = report.trace.expect("recorded");
    let after: Vec<&sim::TraceRecord> = trace
        .iter()
        .filter(|r| r.event.at() > SimTime(500_000_000))
        .collect();
    let new_leader = after.iter().find_map(|r| match r.event {
        TraceEvent::Send { from, .. } if from != leader && r.detail.starts_with("Append") => {
            Some(from)
        }
        _ => None,
    });
    assert!(new_leader.is_some(), "the majority elected a new leader");
    let text: String = trace.iter().map(|r| format!("{r}\n")).collect();
    insta::assert_snapshot!(text);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, failure_persistence: None, ..ProptestConfig::default() })]

    /// The example property test: under any plan of partitions, crashes and
    /// pauses, Raft keeps its four safety properties, its history is
    /// linearizable, and after healing it elects a leader and serves again.
    /// A failure shrinks to fewer, earlier, shorter faults.
    #[test]
    fn raft_survives_any_plan_of_partitions_crashes_and_pauses(plan in plans(5, vec![FaultKind::Partition, FaultKind::Crash, FaultKind::Pause]), seed in 0u64..1000) {
        let report = scenario(None).plan(plan).run_for(SimDuration::from_secs(2)).run_seed(seed);
        prop_assert!(report.failure.is_none(), "{}", report.failure.unwrap());
    }
}

/// Every node crashes and restarts: what was committed survives on disk, so
/// the history stays linearizable and the cluster serves again.
#[test]
fn a_whole_cluster_restart_keeps_every_committed_write() {
    let mut plan = FaultPlan::new();
    for n in 0..5 {
        let node = NodeId(n);
        plan.push(
            SimTime(600_000_000 + u64::from(n) * 10_000_000),
            Fault::Crash {
                node,
                torn_writes: false,
            },
        );
        plan.push(SimTime(900_000_000), Fault::Restart { node });
    }
    let mut s = scenario(None).plan(plan).run_for(SimDuration::from_secs(2));
    s.liveness_for = SimDuration::from_secs(2);
    let report = s.run_seed(4);
    assert!(report.failure.is_none(), "{:?}", report.failure);
    assert!(
        report.history.events.len() > 20,
        "the cluster served before and after"
    );
}

/// A hot monitor is measured in both phases and judged only after the
/// heal: "no healed node knows a leader" is hot at the start (no election
/// yet) without failing, and a condition that never cools fails the run
/// once the heal is its bound old.
#[test]
fn a_hot_monitor_is_measured_in_both_phases_and_judged_after_the_heal() {
    let report = scenario(None).run_seed(0);
    assert!(report.failure.is_none(), "{:?}", report.failure);
    let [stretch] = report.hot.as_slice() else {
        panic!("one hot monitor: {:?}", report.hot)
    };
    assert_eq!(stretch.name, models::raft_kv::scenario::NO_LEADER);
    assert!(
        stretch.safety_ns >= 150_000_000,
        "the first election: {stretch:?}"
    );
    assert!(stretch.liveness_ns < 2_000_000_000, "{stretch:?}");

    let never_cools = scenario(None).hot_for("always", SimDuration::from_secs(1), |_| true);
    let report = never_cools.run_seed(0);
    let failure = report.failure.expect("the monitor stays hot");
    assert_eq!(failure.kind, FailureKind::Liveness, "{failure}");
    assert!(failure.message.contains("always stayed hot"), "{failure}");
    // The heal comes at the safety phase's end (10 s) or the plan's, if later.
    let heal_at_the_earliest = 10_000_000_000u64;
    assert!(
        failure.at.0 >= heal_at_the_earliest + 1_000_000_000,
        "{failure}"
    );
    assert!(
        failure.message.contains("hot for 100"),
        "at its bound: {failure}"
    );
}

/// Only the core liveness mode finds `no-pre-vote` and `no-check-quorum`:
/// the correct protocol passes the same seeds in both modes.
#[test]
fn the_election_switches_are_found_only_when_just_a_core_is_healed() {
    use sim::core::Liveness;
    let core = sim::Mix::All.nemesis_in(Liveness::Core);
    for bug in [RaftBug::NoPreVote, RaftBug::NoCheckQuorum] {
        let (seed, f) = first_failure(&scenario(Some(bug)).faults(core.clone()), "core", 40);
        assert_eq!(f.kind, FailureKind::Liveness, "{bug:?} seed {seed}: {f}");
        scenario(Some(bug)).run_seeds(0..20);
    }
    scenario(None).faults(core).run_seeds(0..20);
}
