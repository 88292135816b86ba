//! `read-replicas` under the harness: the correct protocol passes; each bug
//! switch is caught with a failure that names the guarantee it broke; the
//! replicas serve most reads; a replica that leaves and joins again catches
//! up from the checkpoint; a replica cut off from the primary serving
//! within its bound and then refusing is pinned as a trace; and a property
//! test over fault plans shows how to write one.

use models::read_replicas::messages::{ReadMode, RrOp, RrReply};
use models::read_replicas::{scenario, RrBug, RrNode, PRIMARY};
mod common;

use common::{first_failure, plans, trace_text};
use proptest::prelude::*;
use sim::history::EventKind;
use sim::scenario::{Scenario, Workload};
use sim::{Fault, FaultKind, FaultPlan, NodeId, Partition, SimDuration, SimRng, SimTime};

#[test]
fn the_correct_protocol_passes_a_seed_sweep() {
    scenario(None).run_seeds(0..20);
}

#[test]
fn each_bug_switch_is_reported_as_the_guarantee_it_breaks() {
    let cases = [
        (RrBug::ServePastLease, 200, "bounded staleness: "),
        (RrBug::IgnoreSessionToken, 10, "read-your-writes: "),
        (RrBug::ApplyOutOfOrder, 200, "prefix consistency: "),
        (RrBug::JoinBeforeCaughtUp, 100, "bounded staleness: "),
    ];
    for (bug, limit, guarantee) in cases {
        let (seed, f) = first_failure(&scenario(Some(bug)), &format!("{bug:?}"), limit);
        assert!(f.message.contains(guarantee), "{bug:?} seed {seed}: {f}");
        assert!(
            f.message.contains("session "),
            "{bug:?} names the session: {f}"
        );
        if guarantee == "bounded staleness: " {
            let names = f.message.contains("bound of 50.000000ms") || f.message.contains("commit");
            assert!(names, "{bug:?} gives the bound or the versions: {f}");
        }
    }
}

#[test]
fn the_replicas_serve_most_reads() {
    let report = scenario(None).plan(FaultPlan::new()).run_seed(3);
    let served: Vec<bool> = report
        .history
        .events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Ok(RrReply::Value { by, .. }) => Some(*by != PRIMARY),
            _ => None,
        })
        .collect();
    let by_replicas = served.iter().filter(|&&r| r).count();
    assert!(served.len() > 1_000, "{} reads", served.len());
    assert!(
        by_replicas * 10 >= served.len() * 7,
        "{by_replicas} of {} reads",
        served.len()
    );
}

#[test]
fn a_replica_that_leaves_and_joins_catches_up_from_the_checkpoint() {
    let n2 = NodeId(2);
    let mut plan = FaultPlan::new();
    plan.push(
        SimTime(1_000_000_000),
        Fault::Leave {
            node: n2,
            graceful: true,
        },
    );
    plan.push(SimTime(2_000_000_000), Fault::Join { node: n2 });
    let report = scenario(None)
        .plan(plan)
        .run_for(SimDuration::from_secs(3))
        .record_trace(true)
        .run_seed(5);
    assert!(report.failure.is_none(), "{:?}", report.failure);
    let trace = report.trace.expect("recorded");
    let checkpoint = trace.iter().any(|r| {
        let line = r.to_string();
        r.event.at().0 > 2_000_000_000
            && line.contains("n0 -> n2 send")
            && line.contains("snapshot: Some")
    });
    assert!(checkpoint, "the joining replica is sent the checkpoint");
}

/// Client 0 writes key 0 at the primary every 20 ms; client 1 reads key 0
/// from replica n1 every 10 ms, with no session token.
#[derive(Default)]
struct WriterAndReader {
    seq: u32,
}

impl Workload<RrNode> for WriterAndReader {
    fn next_op(
        &mut self,
        _: &mut SimRng,
        client: usize,
        _: u64,
        _: usize,
    ) -> Option<(NodeId, RrOp)> {
        if client == 0 {
            self.seq += 1;
            let (seq, value) = (self.seq, u64::from(self.seq));
            return Some((
                PRIMARY,
                RrOp::Write {
                    client: 0,
                    seq,
                    key: 0,
                    value,
                },
            ));
        }
        Some((
            NodeId(1),
            RrOp::Read {
                client: 1,
                key: 0,
                mode: ReadMode::Bounded,
            },
        ))
    }

    fn complete(&self, reply: &RrReply) -> sim::scenario::Completion {
        match reply {
            RrReply::Redirect { to } => sim::scenario::Completion::Retry { hint: Some(*to) },
            _ => sim::scenario::Completion::Ok,
        }
    }

    fn think_time(&mut self, _: &mut SimRng) -> SimDuration {
        SimDuration::from_millis(10)
    }
}

/// n1 is cut off from everyone from 100 ms to 250 ms.
fn cut_off_replica() -> Scenario<RrNode> {
    let mut plan = FaultPlan::new();
    let cut = Partition::Isolate { node: NodeId(1) };
    plan.push(SimTime(100_000_000), Fault::Partition(cut.clone()));
    plan.push(SimTime(250_000_000), Fault::EndPartition(cut));
    let mut s = scenario(None)
        .clients(2, WriterAndReader::default)
        .plan(plan)
        .run_for(SimDuration::from_millis(300));
    s.liveness_for = SimDuration::from_millis(200);
    s
}

#[test]
fn a_cut_off_replica_serves_within_its_bound_then_sends_reads_to_the_primary() {
    let report = cut_off_replica().record_trace(true).run_seed(1);
    assert!(report.failure.is_none(), "{:?}", report.failure);
    let answers: Vec<(u64, bool)> = report
        .history
        .events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Ok(RrReply::Value { by, .. }) => Some((e.time, *by != PRIMARY)),
            _ => None,
        })
        .collect();
    let during = |from: u64, to: u64| answers.iter().filter(move |(t, _)| (from..to).contains(t));
    // Cut off at 100 ms: it still serves for a while, within the bound...
    assert!(during(100_000_000, 120_000_000).any(|&(_, replica)| replica));
    // ...then, past it, every read goes to the primary until the heal.
    assert!(during(160_000_000, 250_000_000).all(|&(_, replica)| !replica));
    assert!(during(160_000_000, 250_000_000).count() > 3);
    insta::assert_snapshot!(trace_text(&report));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, failure_persistence: None, ..ProptestConfig::default() })]

    /// The example property test: under any plan of crashes, partitions and
    /// clock skew, every read keeps the read guarantees.
    #[test]
    fn reads_keep_their_guarantees_under_any_plan(plan in plans(4, vec![FaultKind::Crash, FaultKind::Partition, FaultKind::Clock]), seed in 0u64..1000) {
        let report = scenario(None).plan(plan).run_for(SimDuration::from_secs(2)).run_seed(seed);
        prop_assert!(report.failure.is_none(), "{}", report.failure.unwrap());
    }
}
