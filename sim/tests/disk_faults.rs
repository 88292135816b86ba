//! Storage faults in a running simulation: a failed sync stops the node, and
//! a slow disk keeps it busy (each kind's effect on the storage itself is
//! tested in `storage.rs`).

mod common;

use common::probe::{fixed_1ms, probe, probes, send, ProbeOp};
use sim::{DiskFault, Fault, NodeId, NodeStatus, SimDuration};

fn write(block: u64, value: u64) -> ProbeOp {
    ProbeOp::Write {
        block,
        value,
        sync: true,
    }
}

#[test]
fn a_failed_fsync_stops_the_node_before_it_answers_and_it_restarts_from_its_disk() {
    let mut sim = probes(1, 2, fixed_1ms());
    let n0 = NodeId(0);
    sim.submit(n0, write(1, 10)).unwrap();
    sim.run_for(SimDuration::from_millis(1));
    assert_eq!(sim.take_replies().len(), 1);
    let fsync = Fault::Disk {
        node: n0,
        fault: DiskFault::FsyncError,
    };
    sim.apply(fsync).unwrap();
    sim.submit(n0, write(2, 20)).unwrap();
    sim.run_for(SimDuration::from_millis(1));
    assert!(
        sim.take_replies().is_empty(),
        "no answer after a failed sync"
    );
    assert_eq!(sim.status(n0), NodeStatus::Crashed);
    sim.run_for(SimDuration::from_millis(60));
    assert_eq!(sim.status(n0), NodeStatus::Up, "restarted 50 ms later");
    assert_eq!(probe(&sim, 0).recovered, Some(vec![(1, 10)]));
}

#[test]
fn a_slow_disk_holds_what_comes_due_until_its_syncs_are_done() {
    let mut sim = probes(1, 2, fixed_1ms());
    let n1 = NodeId(1);
    let slow = Fault::Disk {
        node: n1,
        fault: DiskFault::Slow { micros: 30_000 },
    };
    sim.apply(slow).unwrap();
    sim.submit(n1, write(1, 10)).unwrap();
    send(&mut sim, 0, 1, 7);
    sim.run_for(SimDuration::from_millis(20));
    assert!(probe(&sim, 1).received.is_empty(), "busy with its sync");
    sim.run_for(SimDuration::from_millis(20));
    let (_, payload, at) = probe(&sim, 1).received[0];
    assert_eq!((payload, at.0), (7, 30_000_000));
}

#[test]
fn a_disk_fault_with_a_zero_offset_is_refused_by_name() {
    let mut sim = probes(1, 2, fixed_1ms());
    let bad = Fault::Disk {
        node: NodeId(0),
        fault: DiskFault::MisdirectWrite { offset: 0 },
    };
    let err = sim.apply(bad).unwrap_err().to_string();
    assert!(err.contains("fault.fault"), "{err}");
}
