//! `queue` under the harness: the correct protocol passes; each bug switch
//! is caught naming the messages it lost or duplicated;
//! `short-visibility-timeout` is harmless alone and shows itself only with
//! `no-dedup`; a surge visibly grows the time messages wait in the queue;
//! a consumer that crashes between applying and acknowledging is pinned as
//! a trace (the message is delivered again and applied once); and a
//! property test over fault plans shows how to write one.

use models::queue::machine::{message_id, QReply, QRequest};
use models::queue::scenario::scenario_with_bugs;
use models::queue::{scenario, QBug, QNode};
mod common;

use common::{first_failure, plans};
use proptest::prelude::*;
use sim::scenario::{Completion, Scenario, Workload};
use sim::{Fault, FaultKind, FaultPlan, NodeId, SimDuration, SimRng, SimTime};

#[test]
fn the_correct_protocol_passes_a_seed_sweep() {
    scenario(None).run_seeds(0..10);
}

#[test]
fn each_bug_switch_is_caught_naming_its_messages() {
    let cases = [
        (QBug::AckBeforeReplicate, 100, "lost message(s): "),
        (QBug::AckBeforeEffect, 100, "lost message(s): "),
        (QBug::NoDedup, 20, "applied 2 times"),
        (QBug::DropWhenFull, 20, "lost message(s): "),
    ];
    for (bug, limit, what) in cases {
        let (seed, f) = first_failure(&scenario(Some(bug)), &format!("{bug:?}"), limit);
        assert!(f.message.contains(what), "{bug:?} seed {seed}: {f}");
        assert!(
            f.message.contains("message"),
            "{bug:?} names the message: {f}"
        );
    }
}

/// How many of seeds `0..n` fail.
fn failing(s: &Scenario<QNode>, n: u64) -> usize {
    (0..n)
        .filter(|&seed| s.run_seed(seed).failure.is_some())
        .count()
}

#[test]
fn a_short_visibility_timeout_is_masked_by_deduplication_and_shows_without_it() {
    assert_eq!(
        failing(&scenario(Some(QBug::ShortVisibilityTimeout)), 20),
        0
    );
    let alone = failing(&scenario(Some(QBug::NoDedup)), 20);
    let both = scenario_with_bugs(vec![QBug::ShortVisibilityTimeout, QBug::NoDedup]);
    let (seed, f) = first_failure(&both, "short visibility without dedup", 5);
    assert!(
        f.message.contains("duplicated message(s)"),
        "seed {seed}: {f}"
    );
    // Two consumers hold the same message all the time: every seed fails.
    assert_eq!(failing(&both, 20), 20, "no-dedup alone fails {alone} of 20");
}

/// The worst wait in the queue over a few seeds, with and without a
/// tenfold surge from 1 s to 4 s.
#[test]
fn a_surge_grows_the_time_messages_wait_in_the_queue() {
    let worst = |plan: &FaultPlan| {
        // Fault points off: only the surge differs between the two runs.
        let s = scenario(None)
            .plan(plan.clone())
            .buggify(sim::marks::Buggify::Off)
            .run_for(SimDuration::from_secs(5));
        (0..3)
            .flat_map(|seed| s.run_seed(seed).timings)
            .filter(|(kind, _)| kind.starts_with("queue wait"))
            .map(|(_, ns)| ns)
            .max()
            .unwrap_or(0)
    };
    let calm = worst(&FaultPlan::new());
    let mut surge = FaultPlan::new();
    surge.push(SimTime(1_000_000_000), Fault::Surge { factor: 10 });
    surge.push(SimTime(4_000_000_000), Fault::EndSurge);
    let surged = worst(&surge);
    assert!(
        surged > 5 * calm,
        "worst wait {surged} ns under a surge, {calm} ns without"
    );
}

/// One producer, one message.
#[derive(Default)]
struct OneMessage {
    sent: bool,
}

impl Workload<QNode> for OneMessage {
    fn next_op(
        &mut self,
        _: &mut SimRng,
        _: usize,
        _: u64,
        _: usize,
    ) -> Option<(NodeId, QRequest)> {
        if std::mem::replace(&mut self.sent, true) {
            return None;
        }
        let id = message_id(0, 1);
        Some((
            NodeId(1),
            QRequest::Publish {
                client: 0,
                seq: 1,
                id,
                payload: id,
                now: 0,
            },
        ))
    }

    fn complete(&self, reply: &QReply) -> Completion {
        match reply {
            QReply::Redirect { hint } => Completion::Retry { hint: *hint },
            _ => Completion::Ok,
        }
    }

    fn attempt_timeout(&self) -> Option<SimDuration> {
        Some(SimDuration::from_millis(100))
    }
}

/// The consumer that takes the message (n5) crashes after the sink applied
/// its effect and before its acknowledgement; it restarts later.
fn crash_before_ack() -> Scenario<QNode> {
    let n5 = NodeId(5);
    let mut plan = FaultPlan::new();
    plan.push(
        SimTime(CRASH_AT),
        Fault::Crash {
            node: n5,
            torn_writes: false,
        },
    );
    plan.push(SimTime(450_000_000), Fault::Restart { node: n5 });
    let mut s = scenario(None)
        .clients(1, OneMessage::default)
        .plan(plan)
        .run_for(SimDuration::from_millis(500));
    s.liveness_for = SimDuration::from_millis(100);
    s
}

/// After the sink applied n5's call (196 ms), before its answer reaches n5
/// (204 ms), so n5 never acknowledges.
const CRASH_AT: u64 = 200_000_000;

#[test]
fn a_consumer_that_crashes_before_acknowledging_has_its_message_redelivered_and_applied_once() {
    let report = crash_before_ack().record_trace(true).run_seed(1);
    assert!(report.failure.is_none(), "{:?}", report.failure);
    let trace = report.trace.expect("recorded");
    let lines: Vec<String> = trace.iter().map(ToString::to_string).collect();
    let applied = lines
        .iter()
        .filter(|l| l.contains("send") && l.contains("Applied { again: false }"))
        .count();
    let again = lines
        .iter()
        .filter(|l| l.contains("send") && l.contains("Applied { again: true }"))
        .count();
    assert_eq!(
        (applied, again),
        (1, 1),
        "applied once, and once more found already applied"
    );
    insta::assert_snapshot!(lines.join("\n"));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, failure_persistence: None, ..ProptestConfig::default() })]

    /// The example property test: under any plan of crashes, partitions and
    /// surges, no message is lost or applied twice.
    #[test]
    fn every_message_takes_effect_once_under_any_plan(plan in plans(8, vec![FaultKind::Crash, FaultKind::Partition, FaultKind::Pause]), seed in 0u64..1000) {
        let report = scenario(None).plan(plan).run_for(SimDuration::from_secs(2)).run_seed(seed);
        prop_assert!(report.failure.is_none(), "{}", report.failure.unwrap());
    }
}
