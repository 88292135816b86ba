//! Fault plans, the nemesis and the proptest strategies.

use proptest::test_runner::{Config, TestError, TestRunner};
use sim::nemesis::{FaultKind, Nemesis};
use sim::strategy::fault_plans;
use sim::{Fault, FaultPlan, LinkConfig, NodeId, SimDuration, SimTime};
use std::collections::BTreeSet;

const MIXES: [&str; 6] = [
    "partitions",
    "crashes",
    "clocks",
    "flaky-net",
    "leader-churn",
    "all",
];

fn horizon() -> SimDuration {
    SimDuration::from_secs(10)
}

fn kinds_used(plan: &FaultPlan) -> BTreeSet<&'static str> {
    plan.faults.iter().map(|f| f.fault.kind_name()).collect()
}

#[test]
fn mixes_parse_and_unknown_ones_are_named() {
    for mix in MIXES {
        let n: Nemesis = mix.parse().unwrap();
        assert!(!n.kinds.is_empty(), "{mix}");
    }
    let e = "meteors".parse::<Nemesis>().unwrap_err();
    assert_eq!(e.to_string(), "unknown fault mix `meteors`: expected one of partitions, crashes, clocks, flaky-net, leader-churn, scale, surge, operator, disks, all, upgrade, none");
    assert!("none"
        .parse::<Nemesis>()
        .unwrap()
        .generate(1, 5, horizon())
        .is_empty());
}

#[test]
fn plans_are_a_function_of_the_seed() {
    let n = Nemesis::default();
    assert_eq!(n.generate(42, 5, horizon()), n.generate(42, 5, horizon()));
    let distinct: BTreeSet<String> = (0..50)
        .map(|s| format!("{:?}", n.generate(s, 5, horizon())))
        .collect();
    assert!(
        distinct.len() >= 45,
        "seeds give different plans: {}",
        distinct.len()
    );
}

#[test]
fn every_generated_plan_is_valid_and_heals_what_it_breaks() {
    for mix in MIXES {
        let n: Nemesis = mix.parse().unwrap();
        for nodes in [1, 2, 3, 5] {
            for seed in 0..200 {
                let plan = n.generate(seed, nodes, horizon());
                plan.validate(nodes)
                    .unwrap_or_else(|e| panic!("{mix} nodes={nodes} seed={seed}: {e}"));
                let count = |name: &str| {
                    plan.faults
                        .iter()
                        .filter(|f| f.fault.kind_name() == name)
                        .count()
                };
                assert_eq!(count("crash"), count("restart"), "{mix} seed {seed}");
                assert_eq!(count("pause"), count("resume"), "{mix} seed {seed}");
                // Each partition is ended by its own episode, with its shape
                // (and, when focused, its episode's target).
                let shapes = |kind: &str| {
                    let mut v: Vec<String> = plan
                        .faults
                        .iter()
                        .filter_map(|f| match &f.fault {
                            Fault::Partition(p) if kind == "partition" => {
                                Some(format!("{p:?} {:?}", f.focus_episode))
                            }
                            Fault::EndPartition(p) if kind == "end" => {
                                Some(format!("{p:?} {:?}", f.focus_episode))
                            }
                            _ => None,
                        })
                        .collect();
                    v.sort();
                    v
                };
                assert_eq!(shapes("partition"), shapes("end"), "{mix} seed {seed}");
                assert_eq!(count("heal"), 0, "{mix} seed {seed}");
                assert_eq!(count("clog"), count("unclog"), "{mix} seed {seed}");
                assert_eq!(
                    count("set_all_links"),
                    count("reset_links"),
                    "{mix} seed {seed}"
                );
                assert!(plan.faults.windows(2).all(|w| w[0].at <= w[1].at));
            }
        }
    }
}

#[test]
fn swarm_mode_switches_whole_kinds_per_seed() {
    let n = Nemesis::default();
    let plans: Vec<BTreeSet<&str>> = (0..100)
        .map(|s| kinds_used(&n.generate(s, 5, horizon())))
        .collect();
    let with_crash = plans.iter().filter(|k| k.contains("crash")).count();
    let with_partition = plans.iter().filter(|k| k.contains("partition")).count();
    assert!(
        (10..90).contains(&with_crash),
        "crashes in {with_crash} of 100 seeds"
    );
    assert!(
        (10..90).contains(&with_partition),
        "partitions in {with_partition} of 100 seeds"
    );
    let sizes: BTreeSet<usize> = (0..100)
        .map(|s| n.generate(s, 5, horizon()).len())
        .collect();
    assert!(sizes.len() > 4, "episode counts vary: {sizes:?}");
}

#[test]
fn plans_round_trip_through_json_and_name_bad_faults_by_index() {
    let plan = Nemesis::default().generate(7, 5, horizon());
    let text = serde_json::to_string(&plan).unwrap();
    assert_eq!(serde_json::from_str::<FaultPlan>(&text).unwrap(), plan);

    let mut bad = FaultPlan::new();
    bad.push(SimTime(5), Fault::Heal);
    bad.push(
        SimTime(9),
        Fault::Crash {
            node: NodeId(8),
            torn_writes: false,
        },
    );
    assert_eq!(
        bad.validate(3).unwrap_err().to_string(),
        "faults[1].node: node 8 does not exist (the cluster has nodes 0..3)"
    );
    let unsorted: FaultPlan = serde_json::from_str(
        r#"{"faults":[{"at":9,"fault":{"kind":"heal"}},{"at":2,"fault":{"kind":"heal"}}]}"#,
    )
    .unwrap();
    assert!(unsorted
        .validate(3)
        .unwrap_err()
        .to_string()
        .starts_with("faults[1].at:"));
}

#[test]
fn heal_all_undoes_every_fault_kind() {
    use sim::{Partition, SimConfig, Simulation};
    let config = SimConfig::new(3).nodes(3);
    let mut sim = Simulation::new(config, |_| models_free_probe::Silent).unwrap();
    sim.apply(Fault::Partition(Partition::Isolate { node: NodeId(0) }))
        .unwrap();
    sim.apply(Fault::Crash {
        node: NodeId(1),
        torn_writes: false,
    })
    .unwrap();
    sim.apply(Fault::Pause { node: NodeId(2) }).unwrap();
    sim.apply(Fault::SetClock {
        node: NodeId(2),
        offset_ns: 5_000,
        drift_ppm: 10,
    })
    .unwrap();
    for f in FaultPlan::heal_all(3) {
        sim.apply(f).unwrap();
    }
    assert!(sim.connected(NodeId(0), NodeId(1)));
    for i in 0..3 {
        assert_eq!(sim.status(NodeId(i)), sim::NodeStatus::Up);
        assert_eq!(sim.local_time(NodeId(i)), sim.now());
    }
}

/// A node that does nothing, for tests that only drive faults.
mod models_free_probe {
    #[derive(Debug)]
    pub(crate) struct Silent;
    impl sim::Node for Silent {
        type Message = ();
        type Timer = ();
        type Block = ();
        type Op = ();
        type Reply = ();
        fn on_start(&mut self, _: &mut sim::Context<'_, Self>) {}
        fn on_message(&mut self, _: &mut sim::Context<'_, Self>, _: sim::NodeId, _: ()) {}
        fn on_recover(&mut self, _: &mut sim::Context<'_, Self>) {}
    }
}

#[test]
fn proptest_shrinks_a_failing_plan_to_one_short_early_episode() {
    let strategy = fault_plans(
        5,
        vec![FaultKind::Partition, FaultKind::Crash, FaultKind::Pause],
        8,
        horizon(),
        SimDuration::from_secs(2),
        LinkConfig::default(),
    );
    let mut runner = TestRunner::new(Config {
        cases: 256,
        failure_persistence: None,
        ..Config::default()
    });
    // The "bug": any crash at all.
    let result = runner.run(&strategy, |plan| {
        let crashes = plan
            .faults
            .iter()
            .any(|f| matches!(f.fault, Fault::Crash { .. }));
        proptest::prop_assert!(!crashes, "the plan crashes a node");
        Ok(())
    });
    let Err(TestError::Fail(_, minimal)) = result else {
        panic!("the property must fail: {result:?}")
    };
    let kinds: Vec<&str> = minimal.faults.iter().map(|f| f.fault.kind_name()).collect();
    assert_eq!(
        kinds,
        ["crash", "restart"],
        "one episode is left: {minimal:?}"
    );
    assert_eq!(minimal.faults[0].at, SimTime::ZERO, "moved to the start");
    assert_eq!(
        minimal.faults[1].at,
        SimTime(1_000_000),
        "shortened to 1 ms"
    );
}

/// The atlas over 10,000 seeds: every storage fault lands on a disk the
/// atlas lets lie, so at least `intact` nodes never take one, and the
/// plans that have none are the plans of a model that takes none.
#[test]
fn storage_faults_land_only_where_the_atlas_lets_them_over_10_000_seeds() {
    use sim::atlas::Atlas;
    use sim::nemesis::Extras;
    let nemesis: Nemesis = "all".parse().unwrap();
    let extras = Extras {
        intact_disks: Some(sim::core::CoreSpec::majority(5)),
        ..Extras::default()
    };
    let (mut with_disk_faults, mut kinds) = (0, BTreeSet::new());
    for seed in 0..10_000 {
        let plan = nemesis.generate_for(seed, 5, &extras, horizon());
        let lying = Atlas::draw(seed, 5, 3, &[]).lying;
        let hit: BTreeSet<NodeId> = plan
            .faults
            .iter()
            .filter_map(|f| match &f.fault {
                Fault::Disk { node, fault } => {
                    kinds.insert(fault.name());
                    Some(*node)
                }
                _ => None,
            })
            .collect();
        assert!(hit.iter().all(|n| lying.contains(n)), "seed {seed}");
        assert!(hit.len() <= 2, "seed {seed}: {hit:?} lie; 3 of 5 must not");
        with_disk_faults += usize::from(!hit.is_empty());
        let plain = nemesis.generate(seed, 5, horizon());
        let no_disk = |p: &FaultPlan| p.faults.iter().all(|f| f.fault.kind_name() != "disk");
        assert!(no_disk(&plain), "seed {seed}");
    }
    assert!(
        (4_000..6_000).contains(&with_disk_faults),
        "{with_disk_faults}"
    );
    assert_eq!(
        kinds.len(),
        10,
        "every storage fault and its undoing: {kinds:?}"
    );
}
