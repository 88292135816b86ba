//! `primary-backup` under the harness: the correct protocol passes under
//! every fault kind, each bug switch is caught within a fixed seed range, a
//! failover is pinned as a trace, and a property test over fault plans shows
//! how to write one.

use models::primary_backup::{scenario, PbBug};
mod common;

use common::{first_failure, plans};
use proptest::prelude::*;
use sim::scenario::FailureKind;
use sim::{Fault, FaultKind, FaultPlan, NodeId, SimDuration, SimTime};

#[test]
fn the_correct_protocol_passes_a_seed_sweep() {
    scenario(None).run_seeds(0..40);
}

#[test]
fn a_deposed_primary_is_not_judged_while_the_newer_epoch_is_down() {
    // Each of these seeds ends with the configuration service and the
    // newest primary crashed: no live node knows the newest epoch, and an
    // isolated primary of an older one (which fencing keeps from
    // acknowledging) was once judged as if it were current.
    for seed in [337, 7889, 8104, 8276, 9073] {
        let report = scenario(None).run_seed(seed);
        assert!(
            report.failure.is_none(),
            "seed {seed}: {:?}",
            report.failure
        );
    }
}

#[test]
fn ack_before_backup_loses_an_acknowledged_write() {
    let (seed, f) = first_failure(
        &scenario(Some(PbBug::AckBeforeBackup)),
        "AckBeforeBackup",
        60,
    );
    assert_eq!(f.kind, FailureKind::Invariant, "seed {seed}: {f}");
    assert!(f.message.contains("acknowledged writes survive"), "{f}");
}

#[test]
fn no_epoch_fencing_lets_a_deposed_primary_acknowledge() {
    let (seed, f) = first_failure(
        &scenario(Some(PbBug::NoEpochFencing)),
        "NoEpochFencing",
        100,
    );
    assert!(f.message.contains("lacks client"), "seed {seed}: {f}");
}

#[test]
fn promote_stale_backup_loses_acknowledged_writes() {
    let (seed, f) = first_failure(
        &scenario(Some(PbBug::PromoteStaleBackup)),
        "PromoteStaleBackup",
        100,
    );
    assert_ne!(f.kind, FailureKind::Liveness, "seed {seed}: {f}");
}

#[test]
fn a_primary_crashes_and_a_backup_is_promoted() {
    // Node 1 is the first primary: the lowest live replica.
    let primary = NodeId(1);
    let mut plan = FaultPlan::new();
    plan.push(
        SimTime(700_000_000),
        Fault::Crash {
            node: primary,
            torn_writes: false,
        },
    );
    plan.push(SimTime(1_400_000_000), Fault::Restart { node: primary });
    let mut s = scenario(None)
        .clients(1, models::kv::KvClients::default)
        .plan(plan)
        .record_trace(true)
        .run_for(SimDuration::from_millis(1800));
    s.liveness_for = SimDuration::from_millis(400);
    let report = s.run_seed(1);
    assert!(report.failure.is_none(), "{:?}", report.failure);
    let trace = report.trace.expect("recorded");
    let promoted = trace.iter().any(|r| {
        r.detail
            .starts_with("Config(Config { epoch: 2, primary: Some(NodeId(2))")
    });
    assert!(promoted, "node 2 is promoted in epoch 2");
    let text: String = trace.iter().map(|r| format!("{r}\n")).collect();
    insta::assert_snapshot!(text);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, failure_persistence: None, ..ProptestConfig::default() })]

    /// The example property test: under any plan of partitions, crashes and
    /// clogged links, no acknowledged write is lost across failovers, the
    /// history is linearizable, and after healing a primary serves again.
    #[test]
    fn failover_never_loses_an_acknowledged_write(plan in plans(4, vec![FaultKind::Partition, FaultKind::Crash, FaultKind::Clog]), seed in 0u64..1000) {
        let report = scenario(None).plan(plan).run_for(SimDuration::from_secs(2)).run_seed(seed);
        prop_assert!(report.failure.is_none(), "{}", report.failure.unwrap());
    }
}
