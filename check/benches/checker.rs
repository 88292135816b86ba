//! Linearizability checker benchmark on generated histories:
//! `cargo bench -p check --bench checker` (`CHECKER_BENCH_FILTER=sweep` runs only
//! the workloads whose name contains `sweep`). Each workload is generated
//! deterministically, checked 3 times, and the median wall time is printed with
//! the verdict.
//!
//! Workloads (as the checker issue specifies):
//! - register: 10 clients, 10,000 operations (one partition);
//! - kv: 50 clients, 5,000 operations, 10 keys (partitioned per key);
//! - both again with 10% indeterminate operations;
//! - the 50-client kv history with one read corrupted (not linearizable);
//! - a sweep of kv at 10 to 40 clients, to show how the search grows with concurrency.

// A benchmark measures wall time; it runs outside any simulation.
#![allow(clippy::disallowed_types, clippy::disallowed_methods)]

use check::history::generate;
use check::history::EventKind;
use check::linearizability::{check, Verdict};
use check::spec::{
    kv::{Kv, KvOutput},
    register::Register,
};
use check::Ratio;
use std::time::{Duration, Instant};

fn median(mut xs: Vec<Duration>) -> Duration {
    xs.sort();
    xs[xs.len() / 2]
}

/// Runs only workloads whose name contains `CHECKER_BENCH_FILTER`, when set.
fn measure(name: &str, ops: usize, mut run: impl FnMut() -> Verdict) {
    if std::env::var("CHECKER_BENCH_FILTER").is_ok_and(|f| !name.contains(&f)) {
        return;
    }
    let mut times = Vec::new();
    let mut verdict = None;
    for _ in 0..3 {
        let t = Instant::now();
        let v = run();
        times.push(t.elapsed());
        verdict = Some(v);
    }
    let v = verdict.expect("ran");
    let label = match &v {
        Verdict::Linearizable => "linearizable".to_string(),
        Verdict::NotLinearizable(_) => "NOT linearizable".to_string(),
        Verdict::Unknown { exhausted } => format!("unknown ({exhausted})"),
    };
    println!(
        "{name:<44} ops={ops:<6} median={:>9.3} ms  {label}",
        median(times).as_secs_f64() * 1e3
    );
}

fn main() {
    let info = Ratio::new(1, 10, "indeterminate").expect("valid");
    for (tag, ind) in [("", Ratio::ZERO), (" +10% info", info)] {
        let h = generate::register_history(1, 10, 10_000, ind);
        measure(&format!("register 10 clients 10k ops{tag}"), 10_000, || {
            check(&Register, &h).expect("paired")
        });
        let h = generate::kv_history(1, 50, 5_000, 10, ind);
        measure(&format!("kv 50 clients 5k ops 10 keys{tag}"), 5_000, || {
            check(&Kv, &h).expect("paired")
        });
    }
    // Not linearizable: one read in the middle returns a value no one wrote,
    // so the search must rule out every order before it answers.
    for (at, label) in [((1, 2), "halfway"), ((3, 4), "three quarters in")] {
        let mut h = generate::kv_history(1, 50, 5_000, 10, Ratio::ZERO);
        let reads: Vec<usize> = (0..h.events.len())
            .filter(|&i| matches!(&h.events[i].kind, EventKind::Ok(KvOutput::Value(_))))
            .collect();
        let target = reads[reads.len() * at.0 / at.1];
        h.events[target].kind = EventKind::Ok(KvOutput::Value("never written".into()));
        measure(
            &format!("kv 50 clients 5k ops, a read {label} corrupted"),
            5_000,
            || check(&Kv, &h).expect("paired"),
        );
    }
    for clients in [10, 20, 30, 40] {
        let h = generate::kv_history(1, clients, 5_000, 10, Ratio::ZERO);
        measure(
            &format!("kv sweep: {clients} clients 5k ops 10 keys"),
            5_000,
            || check(&Kv, &h).expect("paired"),
        );
    }
}
