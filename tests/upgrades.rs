//! `Fault::Upgrade`: a node restarts as another version on its storage.
//! The new version's recover handler sees what the old one wrote (flushed
//! by the clean stop), the old version's timers die with it, a crashed node
//! restarts as the version it was upgraded to, and versions the simulation
//! lacks are refused with the field named.

use sim::node::{Context, Node};
use sim::{Fault, NodeId, SimConfig, SimDuration, SimTime, Simulation};

/// A node that writes its version to block 0 at start, unsynced, and
/// notes what it finds there when it recovers. Its timer counts ticks.
#[derive(Debug)]
struct Versioned {
    version: u32,
    found: Option<u32>,
    ticks: u32,
}

impl Node for Versioned {
    type Message = ();
    type Timer = u32;
    type Block = u32;
    type Op = ();
    type Reply = ();

    fn on_start(&mut self, ctx: &mut Context<'_, Self>) {
        ctx.storage().write(0, self.version);
        ctx.set_timer(SimDuration::from_millis(10), self.version);
    }
    fn on_message(&mut self, _: &mut Context<'_, Self>, _: NodeId, _: ()) {}
    fn on_timer(&mut self, ctx: &mut Context<'_, Self>, _: u32) {
        self.ticks += 1;
        ctx.set_timer(SimDuration::from_millis(10), self.version);
    }
    fn on_recover(&mut self, ctx: &mut Context<'_, Self>) {
        self.found = ctx.storage().read(0).ok().flatten().copied();
    }
}

fn cluster() -> Simulation<Versioned> {
    let fresh = |version| Versioned {
        version,
        found: None,
        ticks: 0,
    };
    let mut sim = Simulation::new(SimConfig::new(3).nodes(2), move |_| fresh(1)).unwrap();
    sim.set_versions(2, move |_, v| fresh(v));
    sim
}

fn node(sim: &Simulation<Versioned>, i: usize) -> &Versioned {
    sim.node(NodeId::from(i)).expect("up")
}

#[test]
fn an_upgraded_node_runs_the_new_version_on_what_the_old_one_wrote() {
    let mut sim = cluster();
    sim.run_for(SimDuration::from_millis(35));
    assert_eq!(node(&sim, 0).ticks, 3);
    sim.apply(Fault::Upgrade {
        node: NodeId(0),
        version: 2,
    })
    .unwrap();
    let n0 = node(&sim, 0);
    assert_eq!(
        (n0.version, n0.found),
        (2, Some(1)),
        "the unsynced write was flushed"
    );
    assert_eq!(sim.running_version(NodeId(0)), 2);
    assert_eq!(sim.running_version(NodeId(1)), 1);
    sim.run_for(SimDuration::from_millis(50));
    assert_eq!(
        node(&sim, 0).ticks,
        0,
        "the old version's timer died with it"
    );
    // A rollback is an upgrade to an older version.
    sim.apply(Fault::Upgrade {
        node: NodeId(0),
        version: 1,
    })
    .unwrap();
    assert_eq!(node(&sim, 0).version, 1);
}

#[test]
fn a_crashed_node_restarts_as_the_version_it_was_upgraded_to() {
    let mut sim = cluster();
    sim.run_for(SimDuration::from_millis(5));
    let crash = Fault::Crash {
        node: NodeId(1),
        torn_writes: false,
    };
    sim.apply(crash).unwrap();
    sim.apply(Fault::Upgrade {
        node: NodeId(1),
        version: 2,
    })
    .unwrap();
    assert!(sim.node(NodeId(1)).is_none(), "still down");
    sim.apply(Fault::Restart { node: NodeId(1) }).unwrap();
    let n1 = node(&sim, 1);
    assert_eq!(
        (n1.version, n1.found),
        (2, None),
        "the crash lost the unsynced write"
    );
}

#[test]
fn versions_the_simulation_lacks_are_refused_by_field() {
    let mut sim = cluster();
    let e = sim
        .apply(Fault::Upgrade {
            node: NodeId(0),
            version: 3,
        })
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "fault.version: version 3: this model has versions 1 to 2"
    );
    let e = sim
        .schedule(
            SimTime(1),
            Fault::Upgrade {
                node: NodeId(1),
                version: 0,
            },
        )
        .unwrap_err();
    assert!(e.to_string().starts_with("fault.version: version 0"), "{e}");
    let plain = Simulation::new(SimConfig::new(3).nodes(1), |_| Versioned {
        version: 1,
        found: None,
        ticks: 0,
    });
    let e = plain
        .unwrap()
        .apply(Fault::Upgrade {
            node: NodeId(0),
            version: 2,
        })
        .unwrap_err();
    assert!(e.to_string().contains("versions 1 to 1"), "{e}");
}
