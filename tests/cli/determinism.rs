//! A run is a pure function of its seed: the same seed gives the same trace hash
//! in one process, in two processes, and in debug and release builds; different
//! seeds give different hashes; and the self-check catches a model that is not
//! deterministic.

use faultline::bench::{self, BenchFaults};
use models::counter::{Counter, CounterOp};
use sim::{determinism, Fault, NodeId, Partition, SimConfig, SimDuration, Simulation};
use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};

const REQUESTS: u64 = 3_000;

fn bench_hash(seed: u64, faults: BenchFaults) -> String {
    bench::run(seed, REQUESTS, faults)
        .expect("valid bench config")
        .trace_hash
}

/// Runs a `faultline` binary's bench and returns its trace hash.
fn hash_from_binary(binary: &std::path::Path, seed: u64, faults: BenchFaults) -> String {
    let out = Command::new(binary)
        .args([
            "bench",
            "--json",
            "--seed",
            &seed.to_string(),
            "--requests",
            &REQUESTS.to_string(),
        ])
        .args(["--faults", faults.name()])
        .output()
        .expect("run faultline");
    assert!(
        out.status.success(),
        "bench failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    report["trace_hash"]
        .as_str()
        .expect("trace_hash field")
        .to_string()
}

#[test]
fn the_same_seed_gives_the_same_hash_and_different_seeds_differ() {
    for faults in [BenchFaults::None, BenchFaults::FlakyNet] {
        let a = bench_hash(7, faults);
        assert_eq!(a, bench_hash(7, faults));
        assert_ne!(
            a,
            bench_hash(8, faults),
            "{faults:?}: seeds 7 and 8 collide"
        );
    }
    assert_ne!(
        bench_hash(7, BenchFaults::None),
        bench_hash(7, BenchFaults::FlakyNet)
    );
}

#[test]
fn every_catalog_model_gives_one_hash_per_seed() {
    // Across processes each model is held to this by `replay`, which
    // reruns an artifact in a fresh process and compares its hash
    // (tests/explore_cli.rs does that for every engine model).
    for model in faultline::catalog::built_in() {
        let hash = |seed| {
            let request = sim::model::RunRequest {
                seed,
                ..sim::model::RunRequest::default()
            };
            model.run(&request).expect("runs").trace_hash
        };
        let name = model.name();
        assert_eq!(hash(5), hash(5), "{name}: seed 5 twice");
        assert_ne!(hash(5), hash(6), "{name}: seeds 5 and 6 collide");
    }
}

#[test]
fn two_processes_agree_with_each_other_and_with_this_one() {
    let binary = std::path::Path::new(env!("CARGO_BIN_EXE_faultline"));
    for faults in [BenchFaults::None, BenchFaults::FlakyNet] {
        let here = bench_hash(11, faults);
        assert_eq!(hash_from_binary(binary, 11, faults), here);
        assert_eq!(hash_from_binary(binary, 11, faults), here);
    }
}

/// Builds the release binary (the same workspace, `--release`) and compares its
/// hashes with this debug build's. Cargo's release and debug outputs live in
/// different directories, so this does not contend with the running test build.
#[test]
#[cfg_attr(
    not(debug_assertions),
    ignore = "compares a debug build with release: run without --release"
)]
fn debug_and_release_builds_agree() {
    let cargo = env!("CARGO");
    let status = Command::new(cargo)
        .args(["build", "--release", "--quiet", "--bin", "faultline"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .status()
        .expect("run cargo build --release");
    assert!(status.success(), "release build failed");
    let target = std::env::var("CARGO_TARGET_DIR")
        .unwrap_or_else(|_| format!("{}/target", env!("CARGO_MANIFEST_DIR")));
    let release = std::path::Path::new(&target)
        .join("release")
        .join("faultline");
    for faults in [BenchFaults::None, BenchFaults::FlakyNet] {
        assert_eq!(
            hash_from_binary(&release, 13, faults),
            bench_hash(13, faults),
            "{faults:?}"
        );
    }
}

/// Pins the reference workload's hashes: a change to the engine's event order,
/// random streams or trace encoding shows up here as a snapshot diff.
#[test]
fn reference_hashes_are_pinned() {
    let pinned = format!(
        "none: {}\nflaky-net: {}",
        bench_hash(bench::DEFAULT_SEED, BenchFaults::None),
        bench_hash(bench::DEFAULT_SEED, BenchFaults::FlakyNet)
    );
    insta::assert_snapshot!(pinned);
}

fn counter_cluster(seed: u64) -> Simulation<Counter> {
    let config = SimConfig::new(seed).nodes(3);
    Simulation::new(config, |_| Counter::new(3)).expect("valid config")
}

fn drive_counter(sim: &mut Simulation<Counter>) {
    for i in 0..6u32 {
        sim.submit(NodeId(i % 3), CounterOp::Increment).unwrap();
        sim.run_for(SimDuration::from_millis(7));
    }
    sim.apply(Fault::Partition(Partition::Isolate { node: NodeId(2) }))
        .unwrap();
    sim.run_for(SimDuration::from_millis(50));
    sim.apply(Fault::Heal).unwrap();
    sim.run_for(SimDuration::from_millis(100));
}

#[test]
fn the_self_check_passes_a_deterministic_model() {
    let hash = determinism::check(|| counter_cluster(5), drive_counter).expect("deterministic");
    let mut again = counter_cluster(5);
    drive_counter(&mut again);
    assert_eq!(hash, again.trace_hash());
}

/// A node that consults a process-wide counter, as code that reads a global or a
/// `HashMap`'s order would: the second run differs from the first.
#[derive(Debug)]
struct Leaky;
static CALLS: AtomicU64 = AtomicU64::new(0);

impl sim::Node for Leaky {
    type Message = u64;
    type Timer = ();
    type Block = ();
    type Op = ();
    type Reply = ();
    fn on_start(&mut self, ctx: &mut sim::Context<'_, Self>) {
        if ctx.id() == NodeId(0) {
            ctx.send(NodeId(1), 1);
        }
    }
    fn on_message(&mut self, ctx: &mut sim::Context<'_, Self>, from: NodeId, msg: u64) {
        if msg < 6 {
            let leak = CALLS.fetch_add(1, Ordering::Relaxed) / 7;
            ctx.send(from, msg + 1 + leak * 1000);
        }
    }
    fn on_recover(&mut self, _ctx: &mut sim::Context<'_, Self>) {}
}

#[test]
fn the_self_check_reports_the_first_divergent_event() {
    let make = || Simulation::new(SimConfig::new(1).nodes(2), |_| Leaky).unwrap();
    let divergence = determinism::check(make, |sim| sim.run_to_quiescence()).unwrap_err();
    let text = divergence.to_string();
    assert!(text.contains("diverge at event"), "{text}");
    assert!(
        divergence.first.is_some() && divergence.second.is_some(),
        "{text}"
    );
    assert_ne!(divergence.first, divergence.second);
    assert_ne!(divergence.hashes.0, divergence.hashes.1);
}
