//! The digest of every fault kind, pinned: the trace hash folds a fault's
//! digest, so a digest that moved would change the hash of every recorded
//! run with that fault. Faults, partition shapes and latencies hash an
//! explicit tag per variant, so reordering their variants changes nothing;
//! this test catches a changed tag or field.

use sim::trace::digest;
use sim::{Fault, Latency, LinkConfig, NodeId, Partition, Ratio, SimDuration};

fn every_fault() -> Vec<Fault> {
    let n = NodeId;
    let link = LinkConfig::reliable(Latency::Exponential {
        floor: SimDuration::from_millis(1),
        mean: SimDuration::from_millis(3),
    })
    .with_drop(Ratio { num: 1, den: 100 });
    let shapes = [
        Partition::Split {
            groups: vec![vec![n(0)], vec![n(1), n(2)]],
        },
        Partition::OneWay {
            from: vec![n(0)],
            to: vec![n(1)],
        },
        Partition::MajorityMinority {
            minority: vec![n(3), n(4)],
        },
        Partition::Isolate { node: n(2) },
        Partition::Bridge {
            bridge: n(2),
            left: vec![n(0), n(1)],
        },
        Partition::ring(5),
    ];
    let mut faults: Vec<Fault> = shapes.iter().cloned().map(Fault::Partition).collect();
    faults.push(Fault::EndPartition(Partition::Isolate { node: n(1) }));
    faults.extend([
        Fault::Heal,
        Fault::Crash {
            node: n(1),
            torn_writes: true,
        },
        Fault::Restart { node: n(1) },
        Fault::Pause { node: n(2) },
        Fault::Resume { node: n(2) },
        Fault::Clog {
            from: n(0),
            to: n(1),
        },
        Fault::Unclog {
            from: n(0),
            to: n(1),
        },
        Fault::SetClock {
            node: n(3),
            offset_ns: -5,
            drift_ppm: 7,
        },
        Fault::SetLink {
            from: n(0),
            to: n(4),
            config: link,
        },
        Fault::SetAllLinks {
            config: LinkConfig::reliable(Latency::Fixed(SimDuration::from_millis(2))),
        },
        Fault::SetAllLinks {
            config: LinkConfig::default(),
        },
        Fault::ResetLinks,
        Fault::CorruptBlock {
            node: n(0),
            block: 9,
        },
    ]);
    faults
}

#[test]
fn fault_digests_are_pinned() {
    let digests: Vec<String> = every_fault()
        .iter()
        .map(|f| format!("{:<14} {:016x}", f.kind_name(), digest(f)))
        .collect();
    insta::assert_snapshot!(digests.join("\n"));
}
