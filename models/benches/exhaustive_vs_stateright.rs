//! faultline's exhaustive search against stateright's model checker, side
//! by side in one run, on one core: two-phase commit written the same way
//! in both (`two_phase_both.rs`), every state searched breadth first.
//! `cargo bench -p models --bench exhaustive_vs_stateright [-- RMS...]`
//! prints, per size, each tool's unique states, its median time over 5
//! runs, its states per second, and faultline's rate over stateright's.

#![allow(clippy::disallowed_types, clippy::disallowed_methods)]

mod two_phase_both;

use std::time::{Duration, Instant};

/// The median of `runs` timings of `f`, and its last answer.
fn median<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..runs {
        let start = Instant::now();
        last = Some(f());
        times.push(start.elapsed());
    }
    times.sort();
    (times[runs / 2], last.expect("at least one run"))
}

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![5, 6, 7]
    } else {
        sizes
    };
    println!("| resource managers | states (faultline) | states (stateright) | faultline | stateright | faultline states/s | stateright states/s | ratio |");
    println!("|---|---|---|---|---|---|---|---|");
    for rms in sizes {
        // Interleaved, so that a drift of the machine's speed hits both.
        let mut ours = Vec::new();
        let mut theirs = Vec::new();
        let (mut n_ours, mut n_theirs) = (0, 0);
        for _ in 0..5 {
            let (t, o) = median(1, || two_phase_both::faultline_search(rms));
            ours.push(t);
            n_ours = o.states;
            let (t, s) = median(1, || two_phase_both::stateright_search(rms));
            theirs.push(t);
            n_theirs = s as u64;
        }
        ours.sort();
        theirs.sort();
        let (t_ours, t_theirs) = (ours[2], theirs[2]);
        let rate = |n: u64, t: Duration| n as f64 / t.as_secs_f64();
        let (r_ours, r_theirs) = (rate(n_ours, t_ours), rate(n_theirs, t_theirs));
        println!(
            "| {rms} | {n_ours} | {n_theirs} | {:.3} s | {:.3} s | {:.0} | {:.0} | {:.2} |",
            t_ours.as_secs_f64(),
            t_theirs.as_secs_f64(),
            r_ours,
            r_theirs,
            r_ours / r_theirs
        );
    }
}
