//! Impossible configs and faults get typed errors that name the field; nothing panics.

mod common;

use common::probe::{fixed_1ms, probes};
use sim::{
    ConfigError, Fault, Latency, LinkConfig, NodeId, Partition, Ratio, SimConfig, SimDuration,
    SimTime, Simulation,
};

fn build(config: SimConfig) -> Result<(), ConfigError> {
    Simulation::new(config, |_| common::probe::Probe::default()).map(|_| ())
}

#[test]
fn zero_nodes_is_rejected() {
    let e = build(SimConfig::new(1).nodes(0)).unwrap_err();
    assert_eq!(e, ConfigError::ZeroNodes);
    assert!(e.to_string().starts_with("nodes:"), "{e}");
}

#[test]
fn a_probability_over_one_names_its_field() {
    let link = LinkConfig {
        drop: Ratio { num: 3, den: 2 },
        ..LinkConfig::default()
    };
    let e = build(SimConfig::new(1).link(link)).unwrap_err();
    assert_eq!(e.to_string(), "link.drop: probability 3/2 is over 1");
    let link = LinkConfig {
        duplicate: Ratio { num: 1, den: 0 },
        ..LinkConfig::default()
    };
    assert!(build(SimConfig::new(1).link(link))
        .unwrap_err()
        .to_string()
        .contains("link.duplicate"));
}

#[test]
fn a_partition_naming_an_unknown_node_is_rejected_by_field() {
    let mut sim = probes(1, 3, fixed_1ms());
    let e = sim
        .apply(Fault::Partition(Partition::Isolate { node: NodeId(7) }))
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "fault.node: node 7 does not exist (the cluster has nodes 0..3)"
    );
    let e = sim
        .apply(Fault::Partition(Partition::Split {
            groups: vec![vec![NodeId(0)], vec![NodeId(1), NodeId(5)]],
        }))
        .unwrap_err();
    assert!(e.to_string().starts_with("fault.groups[1][1]:"), "{e}");
    let e = sim
        .apply(Fault::Crash {
            node: NodeId(3),
            torn_writes: false,
        })
        .unwrap_err();
    assert!(matches!(
        e,
        ConfigError::UnknownNode {
            node: 3,
            nodes: 3,
            ..
        }
    ));
    assert!(sim.submit(NodeId(9), common::probe::ProbeOp::Bump).is_err());
}

#[test]
fn overflowing_and_inverted_durations_are_rejected() {
    let huge = SimDuration::from_secs(100 * 24 * 3600);
    let link = LinkConfig::reliable(Latency::Fixed(huge));
    let e = build(SimConfig::new(1).link(link)).unwrap_err();
    assert!(
        e.to_string().starts_with("link.latency.fixed: duration"),
        "{e}"
    );
    let link = LinkConfig::reliable(Latency::Uniform {
        min: SimDuration(9),
        max: SimDuration(3),
    });
    assert!(build(SimConfig::new(1).link(link))
        .unwrap_err()
        .to_string()
        .contains("link.latency"));
    let link = LinkConfig::reliable(Latency::Exponential {
        floor: SimDuration(0),
        mean: SimDuration(u64::MAX / 2),
    });
    assert!(build(SimConfig::new(1).link(link)).is_err());
    assert!("-3ms"
        .parse::<SimDuration>()
        .unwrap_err()
        .to_string()
        .contains("negative"));
}

#[test]
fn faults_with_bad_values_are_rejected() {
    let mut sim = probes(1, 2, fixed_1ms());
    let e = sim
        .apply(Fault::SetClock {
            node: NodeId(0),
            offset_ns: 0,
            drift_ppm: 2_000_000,
        })
        .unwrap_err();
    assert!(e.to_string().starts_with("fault.drift_ppm:"), "{e}");
    let e = sim
        .apply(Fault::SetClock {
            node: NodeId(0),
            offset_ns: i64::MIN,
            drift_ppm: 0,
        })
        .unwrap_err();
    assert!(e.to_string().starts_with("fault.offset_ns:"), "{e}");
    let bad_link = LinkConfig {
        reorder: Ratio { num: 5, den: 4 },
        ..LinkConfig::default()
    };
    let e = sim
        .apply(Fault::SetAllLinks { config: bad_link })
        .unwrap_err();
    assert!(e.to_string().starts_with("fault.config.reorder:"), "{e}");
    sim.run_for(SimDuration::from_millis(5));
    let e = sim.schedule(SimTime(1), Fault::Heal).unwrap_err();
    assert!(e.to_string().starts_with("fault.at:"), "{e}");
    let e = sim
        .apply(Fault::Partition(Partition::MajorityMinority {
            minority: vec![NodeId(0)],
        }))
        .unwrap_err();
    assert!(e.to_string().contains("minority"), "{e}");
}

#[test]
fn faults_from_json_are_validated_after_parsing() {
    let fault: Fault =
        serde_json::from_str(r#"{"kind":"partition","shape":"isolate","node":4}"#).unwrap();
    let mut sim = probes(1, 3, fixed_1ms());
    assert!(sim.apply(fault).is_err());
    let fault: Fault = serde_json::from_str(r#"{"kind":"crash","node":1}"#).unwrap();
    assert_eq!(
        fault,
        Fault::Crash {
            node: NodeId(1),
            torn_writes: false
        }
    );
}
