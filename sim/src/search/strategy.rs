//! proptest strategies for seeds, fault plans and workloads.
//!
//! A fault plan is generated as a list of [`Episode`]s, so proptest's shrinking
//! works on what a human would simplify: it drops whole episodes (fewer faults),
//! moves them earlier, and shortens them (toward 1 ms), and the shrunk plan is
//! still a well-formed plan of faults with their heals.

use crate::link::LinkConfig;
use crate::nemesis::{Episode, FaultKind};
use crate::plan::FaultPlan;
use crate::time::{SimDuration, SimTime};
use proptest::prelude::*;

/// Any root seed.
pub fn seeds() -> impl Strategy<Value = u64> {
    any::<u64>()
}

/// Fault plans for a cluster of `nodes`: up to `episodes_max` episodes of the
/// given kinds, each starting before `horizon` and lasting up to `episode_max`.
pub fn fault_plans(
    nodes: usize,
    kinds: Vec<FaultKind>,
    episodes_max: usize,
    horizon: SimDuration,
    episode_max: SimDuration,
    base_link: LinkConfig,
) -> impl Strategy<Value = FaultPlan> {
    assert!(
        !kinds.is_empty(),
        "fault_plans needs at least one fault kind"
    );
    let horizon = horizon.as_nanos().max(1);
    let longest = episode_max.as_nanos().max(1_000_000);
    let episode = (
        0..kinds.len(),
        0..horizon,
        1_000_000..=longest,
        any::<u64>(),
        any::<u64>(),
    )
        .prop_map(move |(k, start, duration, target, variant)| Episode {
            kind: kinds[k],
            start: SimTime(start),
            duration: SimDuration(duration),
            target,
            variant,
        });
    prop::collection::vec(episode, 0..=episodes_max).prop_map(move |episodes| {
        let mut plan = FaultPlan::new();
        for (id, e) in episodes.iter().enumerate() {
            e.add_to(&mut plan, id as u32, nodes, base_link, false);
        }
        plan
    })
}

/// Workload scripts for [`crate::scenario::Scripted`]: `clients` scripts of up
/// to `ops_max` operations each, every one a (target node, operation) pair.
/// Shrinking removes operations, so a failure shrinks to fewer operations.
pub fn scripts<Op: std::fmt::Debug + Clone>(
    clients: usize,
    ops_max: usize,
    op: impl Strategy<Value = Op> + Clone,
) -> impl Strategy<Value = Vec<Vec<(u32, Op)>>> {
    let script = prop::collection::vec((any::<u32>(), op), 0..=ops_max);
    prop::collection::vec(script, clients)
}
