//! One test per fault kind, each proving that the fault has its effect, and that
//! the healthy path works without it.

mod common;

use common::probe::{fixed_1ms, probe, probes, send, ProbeOp};
use sim::trace::DropReason;
use sim::{Fault, Latency, NodeId, NodeStatus, Partition, Ratio, SimDuration, SimTime, TraceEvent};

const MS: SimDuration = SimDuration::from_millis(1);

fn ms(n: u64) -> SimDuration {
    SimDuration::from_millis(n)
}

#[test]
fn an_isolated_node_receives_nothing_across_the_cut_until_healed() {
    let mut sim = probes(1, 3, fixed_1ms());
    sim.apply(Fault::Partition(Partition::Isolate { node: NodeId(2) }))
        .unwrap();
    send(&mut sim, 0, 2, 10);
    send(&mut sim, 1, 2, 11);
    send(&mut sim, 2, 0, 12);
    send(&mut sim, 0, 1, 13);
    sim.run_for(ms(10));
    assert!(probe(&sim, 2).received.is_empty());
    assert!(probe(&sim, 0).received.is_empty());
    assert_eq!(
        probe(&sim, 1).payloads(),
        [13],
        "the majority side still talks"
    );
    assert!(!sim.connected(NodeId(0), NodeId(2)) && sim.connected(NodeId(0), NodeId(1)));

    sim.apply(Fault::Heal).unwrap();
    send(&mut sim, 0, 2, 14);
    sim.run_for(ms(10));
    assert_eq!(probe(&sim, 2).payloads(), [14]);
}

#[test]
fn a_one_way_partition_blocks_only_one_direction() {
    let mut sim = probes(2, 2, fixed_1ms());
    sim.apply(Fault::Partition(Partition::OneWay {
        from: vec![NodeId(0)],
        to: vec![NodeId(1)],
    }))
    .unwrap();
    send(&mut sim, 0, 1, 1);
    send(&mut sim, 1, 0, 2);
    sim.run_for(ms(5));
    assert!(probe(&sim, 1).received.is_empty());
    assert_eq!(probe(&sim, 0).payloads(), [2]);
}

#[test]
fn a_message_in_flight_when_the_cut_starts_is_dropped_on_arrival() {
    let mut sim = probes(3, 2, fixed_1ms());
    send(&mut sim, 0, 1, 7);
    sim.run_for(SimDuration::from_micros(500)); // sent, not yet arrived
    sim.apply(Fault::Partition(Partition::Isolate { node: NodeId(1) }))
        .unwrap();
    sim.run_for(ms(5));
    assert!(probe(&sim, 1).received.is_empty());
    assert_eq!(sim.stats().dropped, 1);
}

#[test]
fn majority_minority_and_ring_partitions_cut_as_described() {
    let mut sim = probes(4, 5, fixed_1ms());
    sim.apply(Fault::Partition(Partition::MajorityMinority {
        minority: vec![NodeId(3), NodeId(4)],
    }))
    .unwrap();
    assert!(sim.connected(NodeId(3), NodeId(4)) && sim.connected(NodeId(0), NodeId(2)));
    assert!(!sim.connected(NodeId(0), NodeId(3)));
    sim.apply(Fault::Heal).unwrap();
    sim.apply(Fault::Partition(Partition::ring(5))).unwrap();
    assert!(sim.connected(NodeId(0), NodeId(1)) && sim.connected(NodeId(0), NodeId(4)));
    assert!(!sim.connected(NodeId(0), NodeId(2)));
    sim.apply(Fault::Heal).unwrap();
    sim.apply(Fault::Partition(Partition::Bridge {
        bridge: NodeId(2),
        left: vec![NodeId(0), NodeId(1)],
    }))
    .unwrap();
    assert!(sim.connected(NodeId(0), NodeId(2)) && sim.connected(NodeId(2), NodeId(4)));
    assert!(!sim.connected(NodeId(0), NodeId(4)));
}

#[test]
fn a_crash_loses_exactly_the_unsynced_writes_and_the_volatile_state() {
    let mut sim = probes(5, 2, fixed_1ms());
    let n0 = NodeId(0);
    sim.submit(
        n0,
        ProbeOp::Write {
            block: 1,
            value: 100,
            sync: true,
        },
    )
    .unwrap();
    sim.submit(
        n0,
        ProbeOp::Write {
            block: 2,
            value: 200,
            sync: false,
        },
    )
    .unwrap();
    sim.submit(
        n0,
        ProbeOp::Write {
            block: 1,
            value: 101,
            sync: false,
        },
    )
    .unwrap();
    sim.submit(n0, ProbeOp::Bump).unwrap();
    sim.submit(
        n0,
        ProbeOp::SetTimer {
            after: ms(50),
            tag: 9,
        },
    )
    .unwrap();
    sim.run_for(MS);
    assert_eq!(probe(&sim, 0).bumps, 1);

    sim.apply(Fault::Crash {
        node: n0,
        torn_writes: false,
    })
    .unwrap();
    assert_eq!(sim.status(n0), NodeStatus::Crashed);
    assert!(sim.node(n0).is_none());
    send(&mut sim, 1, 0, 5); // arrives while n0 is down
    sim.run_for(ms(5));
    sim.apply(Fault::Restart { node: n0 }).unwrap();
    sim.run_for(ms(100));

    let p = probe(&sim, 0);
    assert_eq!(
        p.recovered.as_deref(),
        Some(&[(1, 100)][..]),
        "only the synced write survives"
    );
    assert_eq!(p.bumps, 0, "volatile state is gone");
    assert!(
        p.timers.is_empty(),
        "a timer set before the crash never fires after it"
    );
    assert!(p.received.is_empty());
    assert_eq!(
        sim.stats().dropped,
        1,
        "the message to the crashed node was dropped"
    );
}

#[test]
fn a_torn_crash_keeps_a_prefix_of_the_unsynced_writes() {
    let mut kept_counts = std::collections::BTreeSet::new();
    for seed in 0..40 {
        let mut sim = probes(seed, 1, fixed_1ms());
        for b in 0..4 {
            sim.submit(
                NodeId(0),
                ProbeOp::Write {
                    block: b,
                    value: b * 10,
                    sync: false,
                },
            )
            .unwrap();
        }
        sim.run_for(MS);
        sim.apply(Fault::Crash {
            node: NodeId(0),
            torn_writes: true,
        })
        .unwrap();
        sim.apply(Fault::Restart { node: NodeId(0) }).unwrap();
        let recovered = probe(&sim, 0).recovered.clone().unwrap();
        let expect: Vec<(u64, u64)> = (0..recovered.len() as u64).map(|b| (b, b * 10)).collect();
        assert_eq!(
            recovered, expect,
            "seed {seed}: survivors are a prefix in write order"
        );
        kept_counts.insert(recovered.len());
    }
    assert!(
        kept_counts.len() >= 3,
        "torn crashes keep varying prefixes: {kept_counts:?}"
    );
}

#[test]
fn a_corrupt_block_reads_as_an_error() {
    let mut sim = probes(6, 1, fixed_1ms());
    sim.submit(
        NodeId(0),
        ProbeOp::Write {
            block: 3,
            value: 33,
            sync: true,
        },
    )
    .unwrap();
    sim.run_for(MS);
    sim.apply(Fault::CorruptBlock {
        node: NodeId(0),
        block: 3,
    })
    .unwrap();
    assert!(sim.storage(NodeId(0)).read(3).is_err());
    sim.apply(Fault::Crash {
        node: NodeId(0),
        torn_writes: false,
    })
    .unwrap();
    sim.apply(Fault::Restart { node: NodeId(0) }).unwrap();
    assert_eq!(
        probe(&sim, 0).recovered.as_deref(),
        Some(&[][..]),
        "the corrupt block is not readable"
    );
}

#[test]
fn a_duplicated_message_is_delivered_twice() {
    let mut sim = probes(7, 2, fixed_1ms().with_duplicate(Ratio::ONE));
    send(&mut sim, 0, 1, 42);
    sim.run_for(ms(5));
    assert_eq!(probe(&sim, 1).payloads(), [42, 42]);
    assert_eq!(sim.stats().duplicated, 1);
}

#[test]
fn dropped_messages_are_lost_at_the_configured_rate() {
    let mut sim = probes(8, 2, fixed_1ms().with_drop(Ratio::ONE));
    send(&mut sim, 0, 1, 1);
    sim.run_for(ms(5));
    assert!(probe(&sim, 1).received.is_empty());

    let mut sim = probes(
        8,
        2,
        fixed_1ms().with_drop(Ratio::new(1, 4, "drop").unwrap()),
    );
    for i in 0..2000 {
        send(&mut sim, 0, 1, i);
    }
    sim.run_for(ms(5));
    let got = probe(&sim, 1).received.len();
    assert!((1400..1600).contains(&got), "about 3 in 4 arrive: {got}");
}

#[test]
fn reordering_lets_later_messages_overtake() {
    let mut sim = probes(
        9,
        2,
        fixed_1ms().with_reorder(Ratio::new(1, 2, "reorder").unwrap(), ms(20)),
    );
    for i in 0..50 {
        send(&mut sim, 0, 1, i);
        sim.run_for(SimDuration::from_micros(100));
    }
    sim.run_for(ms(50));
    let got = probe(&sim, 1).payloads();
    assert_eq!(got.len(), 50, "reordering delays, it does not drop");
    let mut sorted = got.clone();
    sorted.sort_unstable();
    assert_ne!(got, sorted, "some message was overtaken");
}

#[test]
fn a_clogged_link_delays_but_delivers() {
    let mut sim = probes(10, 2, fixed_1ms());
    sim.apply(Fault::Clog {
        from: NodeId(0),
        to: NodeId(1),
    })
    .unwrap();
    send(&mut sim, 0, 1, 1);
    send(&mut sim, 0, 1, 2);
    send(&mut sim, 1, 0, 3);
    sim.run_for(ms(1000));
    assert!(probe(&sim, 1).received.is_empty(), "held while clogged");
    assert_eq!(probe(&sim, 0).payloads(), [3], "the other direction flows");
    sim.apply(Fault::Unclog {
        from: NodeId(0),
        to: NodeId(1),
    })
    .unwrap();
    sim.run_for(ms(5));
    let p = probe(&sim, 1);
    assert_eq!(p.payloads(), [1, 2], "delivered in order after the unclog");
    assert_eq!(
        p.received[0].2,
        SimTime(1001 * 1_000_000),
        "one latency after the unclog"
    );
    assert_eq!(sim.stats().dropped, 0);
}

#[test]
fn a_skewed_clock_reads_the_offset_and_a_drifting_one_fires_timers_early() {
    let mut sim = probes(11, 2, fixed_1ms());
    sim.run_for(ms(10));
    sim.apply(Fault::SetClock {
        node: NodeId(1),
        offset_ns: 5_000_000_000,
        drift_ppm: 0,
    })
    .unwrap();
    assert_eq!(sim.local_time(NodeId(1)), SimTime(5_010_000_000));
    assert_eq!(sim.local_time(NodeId(0)), SimTime(10_000_000));
    send(&mut sim, 0, 1, 1);
    sim.run_for(ms(5));
    assert_eq!(
        probe(&sim, 1).received[0].2,
        SimTime(5_011_000_000),
        "arrival read on the skewed clock"
    );

    // 25% fast: a 100 ms local timer fires after 80 ms of true time.
    sim.apply(Fault::SetClock {
        node: NodeId(0),
        offset_ns: 0,
        drift_ppm: 250_000,
    })
    .unwrap();
    let set_at = sim.now();
    sim.submit(
        NodeId(0),
        ProbeOp::SetTimer {
            after: ms(100),
            tag: 1,
        },
    )
    .unwrap();
    sim.run_for(ms(79));
    assert!(probe(&sim, 0).timers.is_empty());
    sim.run_for(ms(2));
    let fired = probe(&sim, 0).timers[0].1;
    assert_eq!(
        fired,
        SimTime(set_at.0 + 100_000_000),
        "fires when the local clock says 100 ms passed"
    );
}

#[test]
fn a_paused_node_handles_nothing_until_it_resumes_then_everything_in_order() {
    let mut sim = probes(12, 2, fixed_1ms());
    sim.apply(Fault::Pause { node: NodeId(1) }).unwrap();
    sim.submit(
        NodeId(1),
        ProbeOp::SetTimer {
            after: ms(2),
            tag: 5,
        },
    )
    .unwrap();
    send(&mut sim, 0, 1, 1);
    send(&mut sim, 0, 1, 2);
    sim.run_for(ms(10));
    assert!(probe(&sim, 1).received.is_empty() && probe(&sim, 1).timers.is_empty());
    sim.apply(Fault::Resume { node: NodeId(1) }).unwrap();
    sim.run_for(ms(20));
    let p = probe(&sim, 1);
    assert_eq!(p.payloads(), [1, 2]);
    assert_eq!(
        p.timers.len(),
        1,
        "the timer was set on resume (the op waited) and then fired"
    );
}

#[test]
fn per_link_config_affects_only_that_link() {
    let mut sim = probes(13, 3, fixed_1ms());
    let slow = fixed_1ms();
    let slow = sim::LinkConfig {
        latency: Latency::Fixed(ms(30)),
        ..slow
    };
    sim.apply(Fault::SetLink {
        from: NodeId(0),
        to: NodeId(2),
        config: slow,
    })
    .unwrap();
    send(&mut sim, 0, 1, 1);
    send(&mut sim, 0, 2, 2);
    send(&mut sim, 2, 0, 3);
    sim.run_for(ms(40));
    assert_eq!(probe(&sim, 1).received[0].2, SimTime(1_000_000));
    assert_eq!(probe(&sim, 2).received[0].2, SimTime(30_000_000));
    assert_eq!(probe(&sim, 0).received[0].2, SimTime(1_000_000));
}

#[test]
fn exponential_latency_never_undercuts_its_floor() {
    let link = sim::LinkConfig::reliable(Latency::Exponential {
        floor: ms(2),
        mean: ms(3),
    });
    let mut sim = probes(14, 2, link);
    for i in 0..200 {
        send(&mut sim, 0, 1, i);
    }
    sim.run_for(ms(200));
    let p = probe(&sim, 1);
    assert_eq!(p.received.len(), 200);
    assert!(p.received.iter().all(|r| r.2 >= SimTime(2_000_000)));
    assert!(
        p.received.iter().any(|r| r.2 > SimTime(5_000_000)),
        "the tail is exercised"
    );
}

#[test]
fn scheduled_faults_fire_at_their_time_and_are_traced() {
    let mut sim = probes(15, 2, fixed_1ms());
    sim.set_recording(true);
    sim.schedule(
        SimTime(3_000_000),
        Fault::Partition(Partition::Isolate { node: NodeId(1) }),
    )
    .unwrap();
    sim.schedule(SimTime(6_000_000), Fault::Heal).unwrap();
    send(&mut sim, 0, 1, 1); // arrives at 1 ms: before the cut
    sim.run_for(ms(4));
    send(&mut sim, 0, 1, 2); // sent at 4 ms: inside the cut
    sim.run_for(ms(4));
    send(&mut sim, 0, 1, 3); // sent at 8 ms: after the heal
    sim.run_for(ms(4));
    assert_eq!(probe(&sim, 1).payloads(), [1, 3]);
    let records = sim.trace().records().unwrap();
    assert!(records.iter().any(|r| matches!(
        r.event,
        TraceEvent::Drop {
            reason: DropReason::Partitioned,
            ..
        }
    )));
    let faults: Vec<_> = records
        .iter()
        .filter(|r| matches!(r.event, TraceEvent::Fault { .. }))
        .map(|r| r.event.at())
        .collect();
    assert_eq!(faults, [SimTime(3_000_000), SimTime(6_000_000)]);
}

#[test]
fn a_focused_episode_hits_the_focus_when_it_begins_and_keeps_that_node() {
    use std::cell::Cell;
    use std::rc::Rc;
    // The focus is whatever the test says it is: node 1, then node 2.
    let focus = Rc::new(Cell::new(Some(NodeId(1))));
    let mut sim = probes(1, 3, fixed_1ms());
    let f = focus.clone();
    sim.set_focus(Rc::new(move |_| f.get()));
    let mut plan = sim::FaultPlan::new();
    let crash = Fault::Crash {
        node: NodeId(0),
        torn_writes: false,
    };
    plan.push_focused(SimTime(5_000_000), crash, 7);
    plan.push_focused(SimTime(9_000_000), Fault::Restart { node: NodeId(0) }, 7);
    plan.schedule(&mut sim).unwrap();
    sim.run_until(SimTime(6_000_000));
    assert_eq!(
        sim.status(NodeId(1)),
        NodeStatus::Crashed,
        "the focus crashed"
    );
    assert_eq!(
        sim.status(NodeId(0)),
        NodeStatus::Up,
        "not the node the fault names"
    );
    focus.set(Some(NodeId(2)));
    sim.run_until(SimTime(10_000_000));
    assert_eq!(
        sim.status(NodeId(1)),
        NodeStatus::Up,
        "the restart hits the same node"
    );
    assert_eq!(sim.status(NodeId(2)), NodeStatus::Up);

    // No focus: the episode is skipped.
    let mut quiet = probes(1, 3, fixed_1ms());
    plan.schedule(&mut quiet).unwrap();
    quiet.run_until(SimTime(6_000_000));
    assert!((0..3).all(|n| quiet.status(NodeId(n)) == NodeStatus::Up));
    // A focused plan round-trips through JSON, marks and all.
    let json = serde_json::to_string(&plan).unwrap();
    assert!(json.contains("\"focus_episode\":7"), "{json}");
    assert_eq!(serde_json::from_str::<sim::FaultPlan>(&json).unwrap(), plan);
}

#[test]
fn a_node_that_leaves_loses_its_disk_and_joins_as_a_new_machine() {
    let mut sim = probes(6, 2, fixed_1ms());
    let n0 = NodeId(0);
    let write = ProbeOp::Write {
        block: 1,
        value: 100,
        sync: true,
    };
    sim.submit(n0, write).unwrap();
    sim.submit(n0, ProbeOp::Bump).unwrap();
    sim.run_for(MS);
    sim.apply(Fault::Leave {
        node: n0,
        graceful: true,
    })
    .unwrap();
    assert_eq!(sim.status(n0), NodeStatus::Left);
    assert!(
        sim.storage(n0).synced_blocks().next().is_none(),
        "its disk is gone"
    );
    send(&mut sim, 1, 0, 5); // to a node that left: dropped
    sim.run_for(ms(5));
    sim.apply(Fault::Restart { node: n0 }).unwrap();
    assert_eq!(
        sim.status(n0),
        NodeStatus::Left,
        "a restart does not bring it back"
    );
    sim.apply(Fault::Join { node: n0 }).unwrap();
    assert_eq!(sim.status(n0), NodeStatus::Up);
    sim.run_for(ms(5));
    let p = probe(&sim, 0);
    assert_eq!(p.bumps, 0, "a fresh node");
    assert_eq!(p.recovered, None, "it starts; it does not recover");
    assert!(p.received.is_empty());
    assert_eq!(sim.stats().dropped, 1);
    // Leaving twice, or joining while up, changes nothing.
    sim.apply(Fault::Join { node: n0 }).unwrap();
    assert_eq!(sim.status(n0), NodeStatus::Up);
}

#[test]
fn a_surge_factor_is_checked_and_a_surge_is_traced_until_it_ends() {
    for bad in [0, sim::Fault::MAX_SURGE + 1] {
        let e = Fault::Surge { factor: bad }
            .validate(3, "faults[2]")
            .unwrap_err();
        assert!(
            e.to_string()
                .starts_with("faults[2].factor: a surge factor of"),
            "{e}"
        );
    }
    let mut sim = probes(1, 3, fixed_1ms());
    assert_eq!(sim.surge(), 1);
    sim.apply(Fault::Surge { factor: 5 }).unwrap();
    assert_eq!(sim.surge(), 5);
    sim.apply(Fault::EndSurge).unwrap();
    assert_eq!(sim.surge(), 1);
}

#[test]
fn an_operator_acts_only_on_a_node_that_is_up() {
    let mut sim = probes(1, 3, fixed_1ms());
    sim.set_recording(true);
    let n1 = NodeId(1);
    sim.apply(Fault::Operate {
        node: n1,
        action: 7,
    })
    .unwrap();
    sim.apply(Fault::Crash {
        node: n1,
        torn_writes: false,
    })
    .unwrap();
    sim.apply(Fault::Operate {
        node: n1,
        action: 8,
    })
    .unwrap();
    let records = sim.trace().records().unwrap();
    let operated: Vec<String> = records
        .iter()
        .map(ToString::to_string)
        .filter(|l| l.contains("operate"))
        .collect();
    assert_eq!(operated.len(), 1, "{operated:?}");
    assert!(operated[0].contains("\"action\":7"), "{operated:?}");
    let e = Fault::Operate {
        node: NodeId(9),
        action: 0,
    }
    .validate(3, "faults[0]")
    .unwrap_err();
    assert!(e.to_string().starts_with("faults[0].node:"), "{e}");
}
