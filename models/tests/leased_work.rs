//! `leased-work` under the harness: the correct protocol passes under every
//! fault kind, each bug switch is caught within a fixed seed range with a
//! message that names the chunk, the workers and the tokens, the worker
//! pause is pinned as a trace, and a property test over fault plans shows
//! how to write one.

use models::leased_work::jobs::JobClients;
use models::leased_work::{scenario, LwBug, LwNode};
mod common;

use common::{first_failure, plans};
use proptest::prelude::*;
use sim::scenario::{FailureKind, Scenario};
use sim::{Fault, FaultKind, FaultPlan, NodeId, SimDuration, SimTime};

#[test]
fn the_correct_protocol_passes_a_seed_sweep() {
    scenario(None).run_seeds(0..40);
}

/// The first failure of `bug` in seeds `0..limit`, which must name a chunk
/// and a token.
fn caught(bug: LwBug, limit: u64) -> String {
    let (seed, f) = first_failure(&scenario(Some(bug)), &format!("{bug:?}"), limit);
    assert_eq!(f.kind, FailureKind::Invariant, "seed {seed}: {f}");
    assert!(
        f.message.contains("chunk ") && f.message.contains("token "),
        "{f}"
    );
    f.message
}

#[test]
fn no_fencing_lets_a_late_write_land() {
    let m = caught(LwBug::NoFencing, 100);
    assert!(
        m.contains("fencing is monotonic") || m.contains("applied twice"),
        "{m}"
    );
}

#[test]
fn lease_by_local_clock_breaks_under_skew() {
    let m = caught(LwBug::LeaseByLocalClock, 100);
    assert!(
        m.contains("no two live leases") && m.contains("wall clock"),
        "{m}"
    );
}

#[test]
fn renew_after_expiry_gives_a_chunk_two_holders() {
    let m = caught(LwBug::RenewAfterExpiry, 100);
    assert!(m.contains("no two live leases"), "{m}");
}

#[test]
fn complete_before_store_marks_an_unstored_chunk_done() {
    let m = caught(LwBug::CompleteBeforeStore, 5);
    assert!(m.contains("done means stored"), "{m}");
}

#[test]
fn reassign_without_expiry_gives_a_chunk_two_holders() {
    let m = caught(LwBug::ReassignWithoutExpiry, 100);
    assert!(m.contains("no two live leases"), "{m}");
}

/// One client, one job, and worker n3 paused from 150 ms to 550 ms: it
/// computed chunk 0.1.0 at 141 ms and is writing the result out when it
/// stops.
fn paused_worker(bug: Option<LwBug>) -> Scenario<LwNode> {
    let mut plan = FaultPlan::new();
    plan.push(SimTime(150_000_000), Fault::Pause { node: NodeId(3) });
    plan.push(SimTime(550_000_000), Fault::Resume { node: NodeId(3) });
    let mut s = scenario(bug)
        .clients(1, JobClients::default)
        .plan(plan)
        .run_for(SimDuration::from_millis(700));
    s.liveness_for = SimDuration::from_millis(800);
    s
}

#[test]
fn a_paused_workers_late_write_is_fenced() {
    let report = paused_worker(None).record_trace(true).run_seed(1);
    assert!(report.failure.is_none(), "{:?}", report.failure);
    let trace = report.trace.expect("recorded");
    let has = |needle: &str| trace.iter().any(|r| r.detail.contains(needle));
    // The lease lapses, the chunk goes to another worker under a newer
    // token, and the paused worker's write arrives late and is refused.
    assert!(has("Grant { chunk: chunk 0.1.0, token: token 4"));
    assert!(has(
        "Fenced { chunk: chunk 0.1.0, token: token 1, fence: token 4 }"
    ));
    let text: String = trace.iter().map(|r| format!("{r}\n")).collect();
    insta::assert_snapshot!(text);
}

#[test]
fn without_fencing_the_same_pause_lands_the_late_write() {
    let report = paused_worker(Some(LwBug::NoFencing)).run_seed(1);
    let f = report.failure.expect("the late write lands");
    assert!(f.message.contains("fencing is monotonic"), "{f}");
    assert!(
        f.message.contains("token 1") && f.message.contains("token 4"),
        "{f}"
    );
}

/// Worker n2's wall clock set back by a second from 100 ms to 1.5 s.
fn skewed_worker(bug: Option<LwBug>) -> Scenario<LwNode> {
    let mut plan = FaultPlan::new();
    let set = |offset_ns| Fault::SetClock {
        node: NodeId(2),
        offset_ns,
        drift_ppm: 0,
    };
    plan.push(SimTime(100_000_000), set(-1_000_000_000));
    plan.push(SimTime(1_500_000_000), set(0));
    scenario(bug).plan(plan).run_for(SimDuration::from_secs(2))
}

#[test]
fn a_clock_set_back_breaks_only_leases_measured_on_the_wall_clock() {
    for seed in 0..5 {
        let report = skewed_worker(None).run_seed(seed);
        assert!(
            report.failure.is_none(),
            "seed {seed}: {:?}",
            report.failure
        );
    }
    let failed = (0..5).find_map(|seed| {
        skewed_worker(Some(LwBug::LeaseByLocalClock))
            .run_seed(seed)
            .failure
    });
    let f = failed.expect("a worker believes in a lease that has moved on");
    assert!(f.message.contains("no two live leases"), "{f}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, failure_persistence: None, ..ProptestConfig::default() })]

    /// The example property test: under any plan of pauses, crashes, clock
    /// skew and a flaky network, no two workers hold one chunk, no chunk
    /// is applied twice or lost, and every job completes after healing.
    #[test]
    fn no_chunk_is_lost_or_applied_twice(plan in plans(5, vec![FaultKind::Pause, FaultKind::Crash, FaultKind::Clock, FaultKind::FlakyNet]), seed in 0u64..1000) {
        let report = scenario(None).plan(plan).run_for(SimDuration::from_secs(2)).run_seed(seed);
        prop_assert!(report.failure.is_none(), "{}", report.failure.unwrap());
    }
}
