//! What the madsim tests share: the seed range and a run's shape.

use madsim_host::run::RunConfig;
use sim::{FaultKind, Nemesis, SimDuration};

/// `FAULTLINE_SEEDS` seeds from 0 (default 200).
pub(crate) fn seeds() -> std::ops::Range<u64> {
    let n = std::env::var("FAULTLINE_SEEDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    0..n
}

/// Seed `seed` of `nodes` servers and 3 clients for 5 simulated seconds and the liveness phase,
/// under the plan the nemesis of `kinds` draws for it.
pub(crate) fn config(seed: u64, nodes: usize, kinds: &[FaultKind]) -> RunConfig {
    let nemesis = Nemesis {
        kinds: kinds.iter().copied().collect(),
        ..Nemesis::default()
    };
    config_with(seed, nodes, &nemesis)
}

/// Seed `seed` of `nodes` servers and 3 clients for 5 simulated seconds and the liveness phase,
/// under the plan `nemesis` draws for it.
pub(crate) fn config_with(seed: u64, nodes: usize, nemesis: &Nemesis) -> RunConfig {
    let run_for = SimDuration::from_secs(5);
    RunConfig {
        seed,
        nodes,
        clients: 3,
        run_for,
        liveness_for: madsim_host::catalog::LIVENESS_FOR,
        client_timeout: SimDuration::from_secs(1),
        plan: nemesis.generate(seed, nodes, run_for),
        record: false,
    }
}
