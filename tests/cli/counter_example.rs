//! The worked example: a replicated counter under a partition and a crash, its
//! trace pinned by a snapshot, its invariants checked after every event, and a
//! seed sweep that honours FAULTLINE_SEED / FAULTLINE_SEEDS.

use models::counter::{check_converged, check_durable_slots, Counter, CounterOp, CounterReply};
use sim::seed::run_seeds;
use sim::{
    Fault, Latency, LinkConfig, NodeId, Partition, Ratio, SimConfig, SimDuration, SimTime,
    Simulation,
};

fn cluster(seed: u64, link: LinkConfig, record: bool) -> Simulation<Counter> {
    let config = SimConfig::new(seed)
        .nodes(3)
        .link(link)
        .record_trace(record);
    Simulation::new(config, |_| Counter::new(3)).expect("valid config")
}

/// Steps until `deadline`, checking the safety invariant after every event.
fn run_checked(sim: &mut Simulation<Counter>, deadline: SimTime) {
    while sim.next_event_time().is_some_and(|t| t <= deadline) {
        sim.step();
        if let Err(e) = check_durable_slots(sim) {
            panic!("invariant broken at {}: {e}", sim.now());
        }
    }
    sim.run_until(deadline);
}

/// Takes the replies so far and counts the acknowledged increments.
fn count_acks(sim: &mut Simulation<Counter>) -> u64 {
    sim.take_replies()
        .iter()
        .filter(|r| r.reply == CounterReply::Incremented)
        .count() as u64
}

/// Runs for `span` with the invariant checked after every event, then counts acks.
fn run_and_count_acks(sim: &mut Simulation<Counter>, span: SimDuration) -> u64 {
    let until = sim.now().after(span);
    run_checked(sim, until);
    count_acks(sim)
}

#[test]
fn the_counter_trace_is_pinned_for_seed_1() {
    let link = LinkConfig::reliable(Latency::Uniform {
        min: SimDuration::from_millis(1),
        max: SimDuration::from_millis(4),
    });
    let mut sim = cluster(1, link, true);
    sim.submit(NodeId(0), CounterOp::Increment).unwrap();
    sim.run_for(SimDuration::from_millis(5));
    sim.apply(Fault::Partition(Partition::Isolate { node: NodeId(2) }))
        .unwrap();
    sim.submit(NodeId(1), CounterOp::Increment).unwrap();
    sim.run_for(SimDuration::from_millis(25));
    sim.apply(Fault::Crash {
        node: NodeId(1),
        torn_writes: false,
    })
    .unwrap();
    sim.apply(Fault::Heal).unwrap();
    sim.run_for(SimDuration::from_millis(10));
    sim.apply(Fault::Restart { node: NodeId(1) }).unwrap();
    sim.submit(NodeId(2), CounterOp::Read).unwrap();
    sim.run_for(SimDuration::from_millis(30));
    let text = format!(
        "trace_hash={}\n{}",
        sim::trace::hash_hex(sim.trace_hash()),
        sim.trace().render()
    );
    insta::assert_snapshot!(text);
}

#[test]
fn every_acknowledged_increment_is_counted_after_faults_heal() {
    run_seeds(0..20, |seed| {
        let flaky = LinkConfig::default()
            .with_drop(Ratio::new(1, 20, "drop").unwrap())
            .with_duplicate(Ratio::new(1, 20, "duplicate").unwrap())
            .with_reorder(
                Ratio::new(1, 10, "reorder").unwrap(),
                SimDuration::from_millis(30),
            );
        let mut sim = cluster(seed, flaky, false);
        let mut acked = 0;
        for round in 0..30u64 {
            let node = NodeId((round % 3) as u32);
            sim.submit(node, CounterOp::Increment).unwrap();
            if round == 10 {
                sim.apply(Fault::Partition(Partition::Isolate { node: NodeId(0) }))
                    .unwrap();
            }
            if round == 15 {
                sim.apply(Fault::Crash {
                    node: NodeId(2),
                    torn_writes: true,
                })
                .unwrap();
            }
            if round == 20 {
                sim.apply(Fault::Heal).unwrap();
                sim.apply(Fault::Restart { node: NodeId(2) }).unwrap();
            }
            acked += run_and_count_acks(&mut sim, SimDuration::from_millis(3));
        }
        sim.apply(Fault::ResetLinks).unwrap();
        let until = sim.now().after(SimDuration::from_millis(300));
        run_checked(&mut sim, until);
        let total = check_converged(&sim).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            total, acked,
            "every acknowledged increment, and nothing else, is counted"
        );
    });
}

/// The counter under nemesis plans of every kind (swarm mode): the safety
/// invariant holds after every event, and after healing everything, every
/// acknowledged increment is counted.
#[test]
fn the_counter_survives_nemesis_plans() {
    run_seeds(0..30, |seed| {
        let link = LinkConfig::default();
        let mut sim = cluster(seed, link, false);
        let nemesis = sim::Nemesis {
            base_link: link,
            ..sim::Nemesis::default()
        };
        let plan = nemesis.generate(seed, 3, SimDuration::from_secs(2));
        plan.schedule(&mut sim).expect("a generated plan is valid");
        let mut acked = 0u64;
        for round in 0..60u64 {
            sim.submit(NodeId((round % 3) as u32), CounterOp::Increment)
                .unwrap();
            acked += run_and_count_acks(&mut sim, SimDuration::from_millis(40));
        }
        let until = plan.end().max(sim.now()).after(SimDuration::from_millis(1));
        run_checked(&mut sim, until);
        for heal in sim::FaultPlan::heal_all(3) {
            sim.apply(heal).unwrap();
        }
        let until = sim.now().after(SimDuration::from_millis(500));
        run_checked(&mut sim, until);
        acked += count_acks(&mut sim);
        let total = check_converged(&sim).unwrap_or_else(|e| panic!("plan {plan:?}: {e}"));
        assert_eq!(total, acked, "plan {plan:?}");
    });
}
