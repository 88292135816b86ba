//! The linearizability checker on histories that a replicated service made,
//! as Porcupine's test histories were made (by a Raft key-value store under
//! an unreliable network): `cargo bench -p models --bench checker_on_models`.
//!
//! Workloads, in Porcupine's shapes:
//! - `raft-kv`, 50 clients, 10 keys, about 1,700 operations, checked per key;
//! - `raft-kv`, 10 clients, 10 keys, checked as one object (no per-key
//!   partitioning), as Porcupine's `c10` no-partition benchmark.
//!
//! The clients issue operations back to back (no think time), 45% gets, 10%
//! puts and 45% appends, while partitions come and go. Each history is
//! checked 3 times; the median wall time is printed with the verdict.

// A benchmark measures wall time; it runs outside any simulation.
#![allow(clippy::disallowed_types, clippy::disallowed_methods)]

use models::kv::{history, KvClients};
use models::raft_kv;
use sim::linearizability::{check, Verdict};
use sim::spec::kv::{Kv, KvInput, KvOutput, KvState};
use sim::spec::SequentialSpec;
use sim::{Nemesis, SimDuration};
use std::time::{Duration, Instant};

/// The kv spec without per-key partitioning: one object of every key.
struct Unpartitioned;

impl SequentialSpec for Unpartitioned {
    const NAME: &'static str = "kv, one object";
    type State = KvState;
    type Input = KvInput;
    type Output = KvOutput;
    fn init(&self) -> KvState {
        Kv.init()
    }
    fn step(&self, state: &KvState, input: &KvInput) -> (KvState, KvOutput) {
        Kv.step(state, input)
    }
    fn is_read_only(&self, input: &KvInput) -> bool {
        Kv.is_read_only(input)
    }
    fn state_bytes(&self, state: &KvState) -> usize {
        Kv.state_bytes(state)
    }
}

/// A raft-kv history: `clients` clients over 10 keys, for `millis` simulated
/// milliseconds under the partitions mix, each client waiting up to
/// `timeout` for an answer.
fn raft_history(
    seed: u64,
    clients: usize,
    millis: u64,
    timeout: SimDuration,
) -> sim::history::History<KvInput, KvOutput> {
    let workload = || {
        let mut w = KvClients::default();
        w.keys = 10;
        w.get_percent = 45;
        w.put_percent = 10;
        w.think_max = SimDuration::ZERO;
        w
    };
    let report = raft_kv::scenario(None)
        .clients(clients, workload)
        .faults("partitions".parse::<Nemesis>().expect("a mix"))
        .run_for(SimDuration::from_millis(millis))
        .client_timeout(timeout)
        .run_seed(seed);
    history::spec_history(&report.history)
}

fn median(mut xs: Vec<Duration>) -> Duration {
    xs.sort();
    xs[xs.len() / 2]
}

fn measure<S: SequentialSpec>(
    name: &str,
    spec: &S,
    h: &sim::history::History<S::Input, S::Output>,
) {
    let ops = h.events.len() / 2;
    let mut times = Vec::new();
    let mut label = String::new();
    for _ in 0..3 {
        let t = Instant::now();
        let v = check(spec, h).expect("paired");
        times.push(t.elapsed());
        label = match v {
            Verdict::Linearizable => "linearizable".to_string(),
            Verdict::NotLinearizable(_) => "NOT linearizable".to_string(),
            Verdict::Unknown { exhausted } => format!("unknown ({exhausted})"),
        };
    }
    println!(
        "{name:<48} ops={ops:<6} median={:>9.3} ms  {label}",
        median(times).as_secs_f64() * 1e3
    );
}

fn main() {
    // Clients that retry until answered: no indeterminate operations, as in
    // Porcupine's histories.
    let patient = SimDuration::from_secs(3_600);
    // The harness's default: an operation unanswered after 1 s is `info`.
    let impatient = SimDuration::from_secs(1);
    for (tag, timeout) in [("", patient), (", 1 s timeout", impatient)] {
        for seed in 1..=5 {
            let h = raft_history(seed, 50, 1_000, timeout);
            let info = infos(&h);
            measure(
                &format!("50 clients, per key, seed {seed}{tag} ({info} info)"),
                &Kv,
                &h,
            );
        }
        for seed in 1..=5 {
            let h = raft_history(seed, 10, 1_000, timeout);
            let info = infos(&h);
            measure(
                &format!("10 clients, one object, seed {seed}{tag} ({info} info)"),
                &Unpartitioned,
                &h,
            );
        }
    }
}

fn infos(h: &sim::history::History<KvInput, KvOutput>) -> usize {
    h.events
        .iter()
        .filter(|e| matches!(e.kind, sim::history::EventKind::Info))
        .count()
}
