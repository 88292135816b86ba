//! Measures what `foca::RATE_BOUND` is set from: the most messages any
//! member of foca's newest release sends in one second of virtual time,
//! over seeds of the default mix.
//!
//! ```text
//! cargo run --release --example foca_rate -- 1000
//! ```

use faultline::models::judge::membership::rate;
use faultline_targets::foca::{scenario, FocaNode};
use std::cell::Cell;
use std::rc::Rc;

fn main() {
    let seeds: u64 = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1000);
    let mut worst = (0u64, 0u64);
    for seed in 0..seeds {
        // The lowest bound this seed passes, found by bisection on the judge itself.
        let (mut lo, mut hi) = (0u64, 100_000u64);
        while lo < hi {
            let bound = (lo + hi) / 2;
            let failed = Rc::new(Cell::new(false));
            let seen = failed.clone();
            // The run's own verdict (a liveness failure, say) does not
            // matter here: only whether the rate probe saw `bound` passed.
            let _ = scenario(None)
                .monitor("probe", move || {
                    let mut judge = rate(FocaNode::running, bound);
                    let seen = seen.clone();
                    move |sim: &faultline::sim::Simulation<FocaNode>| {
                        if judge(sim).is_err() {
                            seen.set(true);
                        }
                        Ok(())
                    }
                })
                .run_seed(seed);
            if failed.get() {
                lo = bound + 1;
            } else {
                hi = bound;
            }
        }
        if lo > worst.0 {
            worst = (lo, seed);
        }
    }
    println!(
        "foca 2.0.0, seeds 0..{seeds}: the most messages a member sent in one second: {} (seed {})",
        worst.0, worst.1
    );
}
