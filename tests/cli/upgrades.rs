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

mod model {
    use sim::model::{Model, RunRequest};
    use sim::nemesis::Extras;
    use sim::{Fault, Mix, SimDuration};

    fn upgrades(plan: &sim::FaultPlan) -> usize {
        let up = |f: &&sim::plan::TimedFault| matches!(f.fault, Fault::Upgrade { .. });
        plan.faults.iter().filter(up).count()
    }

    #[test]
    fn only_the_upgrade_mix_rolls_versions_and_only_through_models_that_have_them() {
        let horizon = SimDuration::from_secs(10);
        let versioned = Extras {
            versions: 2,
            ..Extras::default()
        };
        for seed in 0..20 {
            let plan = Mix::Upgrade
                .nemesis()
                .generate_for(seed, 5, &versioned, horizon);
            assert!(
                upgrades(&plan) >= 5,
                "seed {seed}: a rolling upgrade of every node"
            );
            let plain = Mix::Upgrade
                .nemesis()
                .generate_for(seed, 5, &Extras::default(), horizon);
            assert_eq!(upgrades(&plain), 0);
            let all = Mix::All
                .nemesis()
                .generate_for(seed, 5, &versioned, horizon);
            assert_eq!(
                upgrades(&all),
                0,
                "the default mix keeps versions as they are"
            );
        }
    }

    #[test]
    fn raft_kv_version_2_passes_upgrades_and_rollbacks_under_faults() {
        let model = models::raft_kv::RaftKvModel;
        let model: &dyn Model = &model;
        assert_eq!(model.describe().checks.versions, 2);
        let mut rolled_back = 0;
        for seed in 0..12 {
            let request = RunRequest {
                seed,
                nemesis: Mix::Upgrade.nemesis(),
                ..RunRequest::default()
            };
            let run = model.run(&request).expect("runs");
            assert_eq!(run.failure, None, "seed {seed}");
            assert!(upgrades(&run.plan) >= 5, "seed {seed}");
            let back =
                |f: &sim::plan::TimedFault| matches!(f.fault, Fault::Upgrade { version: 1, .. });
            rolled_back += usize::from(run.plan.faults.iter().any(back));
        }
        assert!(rolled_back > 0, "some seed rolls back");
    }
}

/// A shrunk upgrade failure replays, and an artifact whose upgrade names a
/// version the model lacks is refused with the field named, untouched.
#[test]
fn an_upgrade_failure_shrinks_to_its_story_and_bad_versions_are_bad_input() {
    use crate::common::cli::{faultline, stdout, workdir};
    let dir = workdir("upgrade-cli");
    let args = [
        "explore",
        "raft-kv",
        "--faults",
        "upgrade",
        "--bug",
        "hard-state-v2-only",
    ];
    let out = faultline(
        &dir,
        &[
            &args[..],
            &[
                "--seeds",
                "100",
                "--until-failure",
                "--no-regressions",
                "--json",
            ],
        ]
        .concat(),
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let artifact = summary["failed"][0]["artifact"]
        .as_str()
        .expect("an artifact")
        .to_string();
    let shrink = faultline(&dir, &["shrink", &artifact]);
    assert_eq!(shrink.status.code(), Some(0));
    let story = stdout(&shrink);
    assert!(story.contains("restarts as version 2"), "{story}");
    assert!(story.contains("restarts as version 1"), "{story}");
    let text = std::fs::read_to_string(dir.join(&artifact)).unwrap();
    let bad = text.replacen("\"version\": 2", "\"version\": 9", 1);
    assert_ne!(bad, text, "the artifact has an upgrade to version 2");
    std::fs::write(dir.join("bad.json"), &bad).unwrap();
    let out = faultline(&dir, &["replay", "bad.json"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(".version: version 9: this model has versions 1 to 2"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(dir.join("bad.json")).unwrap(), bad);
}
