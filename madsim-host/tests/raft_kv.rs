//! The cross-check: `raft-kv`, unchanged, runs inside madsim nodes; the
//! nemesis's plans become madsim controls; the clients' history passes the
//! same `kv` linearizability checker; and a seed gives the same history in
//! two runs.
#![cfg(madsim)]

use madsim_host::run::{run, run_watched, RunConfig, Watch};
use models::kv::history;
use models::raft_kv::{invariants, RaftBug, RaftKv};
use sim::linearizability::Verdict;
use sim::{FaultKind, Nemesis, SimDuration};

mod common;
use common::seeds;

/// Partitions, crashes, pauses, clogs and flaky-network periods.
fn config(seed: u64) -> RunConfig {
    use FaultKind::*;
    common::config(seed, 5, &[Partition, Crash, Pause, Clog, FlakyNet])
}

/// Raft's four safety properties, the engine's monitor, as a madsim
/// monitor; and the leader as the focus.
fn watched() -> Watch<RaftKv> {
    Watch {
        monitor: Some(Box::new(invariants::safety())),
        focus: Some(std::sync::Arc::new(|nodes: &dyn sim::NodeTable<RaftKv>| {
            models::raft_kv::leader(nodes)
        })),
    }
}

#[test]
fn raft_kv_under_madsim_is_safe_and_linearizable_under_partitions_and_crashes() {
    let mut ops = 0;
    for seed in seeds() {
        let result = run_watched(&config(seed), |_| RaftKv::new(None), watched());
        assert_eq!(result.skipped_faults, 0, "every fault had a madsim control");
        assert_eq!(result.violation, None, "seed {seed}");
        assert_eq!(result.stuck, None, "seed {seed}");
        ops += result.history.events.len() / 2;
        let verdict = history::check(&result.history);
        assert!(
            matches!(verdict, Verdict::Linearizable),
            "seed {seed}: {verdict:?}"
        );
    }
    assert!(ops > 100, "the clients did work: {ops} operations");
}

#[test]
fn a_bug_switch_is_caught_under_madsim_too() {
    let caught = seeds().find(|&seed| {
        let result = run(&config(seed), |_| {
            RaftKv::new(Some(RaftBug::ReadFromFollower))
        });
        matches!(history::check(&result.history), Verdict::NotLinearizable(_))
    });
    assert!(
        caught.is_some(),
        "read-from-follower is caught within the seed range"
    );
}

/// The safety monitor sees what only it can see: a forgotten vote lets a
/// node vote twice in a term, which the history alone does not show.
#[test]
fn forget_vote_on_restart_is_caught_by_the_safety_monitor() {
    let caught = seeds().find(|&seed| {
        let bug = Some(RaftBug::ForgetVoteOnRestart);
        let result = run_watched(&config(seed), move |_| RaftKv::new(bug), watched());
        result.violation.is_some()
    });
    assert!(caught.is_some(), "caught within the seed range");
}

/// Figure 8 on madsim: the focus (the leader, read from the hosted nodes)
/// isolated again and again, as on the engine; the correct protocol survives
/// the same schedule.
#[test]
fn commit_previous_term_is_caught_under_leader_churn() {
    let churn: Nemesis = "leader-churn".parse().expect("a mix");
    let bug = Some(RaftBug::CommitPreviousTerm);
    let caught = (0..60).find(|&seed| {
        let config = common::config_with(seed, 5, &churn);
        run_watched(&config, move |_| RaftKv::new(bug), watched())
            .violation
            .is_some()
    });
    assert!(caught.is_some(), "caught within seeds 0..60");
    for seed in 0..20 {
        let config = common::config_with(seed, 5, &churn);
        let result = run_watched(&config, |_| RaftKv::new(None), watched());
        assert_eq!(result.violation, None, "seed {seed}");
    }
}

#[test]
fn the_same_seed_gives_the_same_history() {
    let a = run(&config(3), |_| RaftKv::new(None));
    let b = run(&config(3), |_| RaftKv::new(None));
    assert_eq!(a.history_hash, b.history_hash);
    assert_eq!(a.history, b.history);
    let c = run(&config(4), |_| RaftKv::new(None));
    assert_ne!(a.history_hash, c.history_hash);
}

/// Another process (this test binary, run again) gets the same history hash
/// for the same seed.
#[test]
fn two_processes_agree_on_the_history() {
    let here = run(&config(5), |_| RaftKv::new(None)).history_hash;
    if std::env::var_os("FAULTLINE_MADSIM_CHILD").is_some() {
        println!("history-hash {here:016x}");
        return;
    }
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "two_processes_agree_on_the_history",
            "--nocapture",
        ])
        .env("FAULTLINE_MADSIM_CHILD", "1")
        .output()
        .expect("run the test binary again");
    let text = String::from_utf8_lossy(&out.stdout);
    let theirs = text
        .lines()
        .find_map(|l| l.strip_prefix("history-hash "))
        .unwrap_or_else(|| panic!("the child printed its hash: {text}"));
    assert_eq!(theirs, format!("{here:016x}"));
}

/// The message layer obeys a flaky-network period: with every message lost,
/// no leader is elected and no operation completes; with none lost, they do.
/// The liveness phase heals it: after the heal, every client completes one.
#[test]
fn the_message_layer_drops_what_the_plan_says() {
    let lossy = |num: u32, liveness_for| {
        let mut plan = sim::FaultPlan::new();
        let links = sim::LinkConfig::default().with_drop(sim::Ratio { num, den: 1 });
        plan.push(
            sim::SimTime::ZERO,
            sim::Fault::SetAllLinks { config: links },
        );
        RunConfig {
            plan,
            liveness_for,
            ..config(1)
        }
    };
    let completed = |config: RunConfig| {
        let result = run(&config, |_| RaftKv::new(None));
        assert_eq!(result.skipped_faults, 0);
        let oks = result.history.events.iter();
        let oks = oks.filter(|e| matches!(e.kind, sim::history::EventKind::Ok(_)));
        (oks.count(), result.stuck)
    };
    let none = SimDuration::ZERO;
    let (lost, stuck) = completed(lossy(1, none));
    assert_eq!((lost, stuck), (0, None), "everything lost, and no heal");
    assert!(completed(lossy(0, none)).0 > 50, "nothing lost");
    let (healed, stuck) = completed(lossy(1, SimDuration::from_secs(5)));
    assert_eq!((healed, stuck), (3, None), "one per client after the heal");
}

/// madsim's own check: the run, executed twice in fresh runtimes, draws the
/// same random numbers in the same order.
#[test]
fn madsim_check_determinism_passes() {
    fn once() -> impl std::future::Future<Output = madsim_host::run::RunResult> {
        madsim_host::run::simulate(config(6), |_| RaftKv::new(None), watched())
    }
    let result =
        madsim::runtime::Runtime::check_determinism(6, madsim_host::run::madsim_config(), once);
    assert!(result.history.events.len() > 20);
}
