//! The harness on a real protocol: the quorum register passes under every fault
//! kind, its bug switch is caught, runs replay exactly, and a system that stops
//! answering fails the liveness phase.

use models::register::{check_unique_timestamps, Register, RegisterBug, RegisterOp, RegisterReply};
use sim::history::{EventKind, History, HistoryEvent};
use sim::linearizability::{check, Verdict};
use sim::scenario::{FailureKind, Scenario, Workload};
use sim::spec::register::{Register as RegisterSpec, RegisterInput, RegisterOutput};
use sim::{Nemesis, NodeId, SimDuration, SimRng};

/// Reads and writes of small values, to random nodes.
struct ReadWrite;

impl Workload<Register> for ReadWrite {
    fn next_op(&mut self, rng: &mut SimRng, _process: u64, nodes: usize) -> (NodeId, RegisterOp) {
        let node = NodeId(rng.below(nodes as u64) as u32);
        let op = if rng.chance(1, 2) {
            RegisterOp::Write(rng.below(5) as i64)
        } else {
            RegisterOp::Read
        };
        (node, op)
    }
}

/// The model's history in the register spec's terms.
fn as_spec(h: &History<RegisterOp, RegisterReply>) -> History<RegisterInput, RegisterOutput> {
    let events = h
        .events
        .iter()
        .map(|e| HistoryEvent {
            process: e.process,
            time: e.time,
            kind: match &e.kind {
                EventKind::Invoke(RegisterOp::Read) => EventKind::Invoke(RegisterInput::Read),
                EventKind::Invoke(RegisterOp::Write(v)) => {
                    EventKind::Invoke(RegisterInput::Write(*v))
                }
                EventKind::Ok(RegisterReply::Value(v)) => EventKind::Ok(RegisterOutput::Read(*v)),
                EventKind::Ok(RegisterReply::Written) => EventKind::Ok(RegisterOutput::Written),
                EventKind::Fail => EventKind::Fail,
                EventKind::Info => EventKind::Info,
            },
        })
        .collect();
    History { events }
}

fn scenario(bug: Option<RegisterBug>) -> Scenario<Register> {
    Scenario::new(move |_| Register::new(bug))
        .nodes(3)
        .clients(3, || ReadWrite)
        .faults(Nemesis::default())
        .invariant("unique timestamps", check_unique_timestamps)
        .linearizable(|h| {
            check(&RegisterSpec, &as_spec(h)).expect("the harness records paired histories")
        })
        .run_for(SimDuration::from_secs(3))
}

#[test]
fn the_correct_register_passes_under_every_fault_kind() {
    scenario(None).run_seeds(0..20);
}

#[test]
fn ack_before_replication_is_caught_as_a_linearizability_failure() {
    let s = scenario(Some(RegisterBug::AckBeforeReplication));
    let found = (0..200).find_map(|seed| s.run_seed(seed).failure.map(|f| (seed, f)));
    let (seed, failure) = found.expect("the bug is found within 200 seeds");
    eprintln!("ack-before-replication: first failing seed {seed}\n{failure}");
    assert_eq!(
        failure.kind,
        FailureKind::Linearizability,
        "seed {seed}: {failure}"
    );
    assert!(failure.message.contains("not linearizable"), "{failure}");
}

#[test]
fn a_run_is_a_function_of_its_seed() {
    let s = scenario(None);
    let (a, b) = (s.run_seed(3), s.run_seed(3));
    assert_eq!(a.trace_hash, b.trace_hash);
    assert_eq!(a.history, b.history);
    assert_eq!(a.plan, b.plan);
    assert!(
        a.history.events.len() > 50,
        "the clients did work: {}",
        a.history.events.len()
    );
    assert!(matches!(a.verdict, Some(Verdict::Linearizable)));
    assert_ne!(a.trace_hash, s.run_seed(4).trace_hash);
}

/// A node that never answers a client.
#[derive(Debug)]
struct Mute;

impl sim::Node for Mute {
    type Message = ();
    type Timer = ();
    type Block = ();
    type Op = RegisterOp;
    type Reply = RegisterReply;
    fn on_start(&mut self, _: &mut sim::Context<'_, Self>) {}
    fn on_message(&mut self, _: &mut sim::Context<'_, Self>, _: NodeId, _: ()) {}
    fn on_recover(&mut self, _: &mut sim::Context<'_, Self>) {}
}

struct ToMute;

impl Workload<Mute> for ToMute {
    fn next_op(&mut self, _: &mut SimRng, _: u64, _: usize) -> (NodeId, RegisterOp) {
        (NodeId(0), RegisterOp::Read)
    }
}

#[test]
fn a_system_that_stops_answering_fails_liveness_not_safety() {
    let s = Scenario::new(|_| Mute)
        .nodes(1)
        .clients(2, || ToMute)
        .run_for(SimDuration::from_secs(2));
    let report = s.run_seed(1);
    let failure = report.failure.expect("no operation ever completes");
    assert_eq!(failure.kind, FailureKind::Liveness);
    assert!(
        failure.to_string().starts_with("liveness failure"),
        "{failure}"
    );
    assert!(
        report
            .history
            .events
            .iter()
            .any(|e| e.kind == EventKind::Info),
        "timeouts are recorded as info"
    );
}
