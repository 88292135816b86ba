//! A plan's episodes: a fault and the heal that undoes it (a partition and
//! its end, a crash and its restart), or every fault of one focus episode.
//! Shrinking, mutation and the story all work on episodes, since a fault
//! without its heal rarely tells a reader anything.

use crate::fault::Fault;
use crate::plan::{FaultPlan, TimedFault};

/// The plan's faults grouped into episodes (a fault and the heal that
/// undoes it, or every fault of one focus episode), each a list of indices
/// in time order; a fault with no partner is an episode of its own.
pub fn episodes(plan: &FaultPlan) -> Vec<Vec<usize>> {
    let faults = &plan.faults;
    let mut taken = vec![false; faults.len()];
    let mut units = Vec::new();
    for i in 0..faults.len() {
        if taken[i] {
            continue;
        }
        taken[i] = true;
        let mut unit = vec![i];
        let partner = (i + 1..faults.len()).find(|&j| !taken[j] && pairs(&faults[i], &faults[j]));
        if let Some(j) = partner {
            taken[j] = true;
            unit.push(j);
        }
        units.push(unit);
    }
    units
}

/// A test plan: `count` pauses of nodes 0, 1, ..., a second apart, each
/// resumed `length_ns` after it starts.
#[cfg(test)]
pub(crate) fn pauses(count: u32, length_ns: u64) -> FaultPlan {
    let mut p = FaultPlan::new();
    for n in 0..count {
        let start = crate::SimTime(u64::from(n) * 1_000_000_000);
        p.push(
            start,
            Fault::Pause {
                node: crate::NodeId(n),
            },
        );
        let resume = crate::SimTime(start.0 + length_ns);
        p.push(
            resume,
            Fault::Resume {
                node: crate::NodeId(n),
            },
        );
    }
    p
}

/// True when `later` undoes `first`: the same focus episode, or a heal of
/// the same target.
fn pairs(first: &TimedFault, later: &TimedFault) -> bool {
    if let (Some(a), Some(b)) = (first.focus_episode, later.focus_episode) {
        return a == b;
    }
    if first.focus_episode.is_some() || later.focus_episode.is_some() {
        return false;
    }
    use Fault::*;
    match (&first.fault, &later.fault) {
        (Partition(a), EndPartition(b)) => a == b,
        (Crash { node: a, .. }, Restart { node: b }) => a == b,
        (Pause { node: a }, Resume { node: b }) => a == b,
        (Clog { from: a, to: b }, Unclog { from: c, to: d }) => (a, b) == (c, d),
        (Leave { node: a, .. }, Join { node: b }) => a == b,
        (SetClock { node: a, .. }, SetClock { node: b, .. }) => a == b,
        (SetAllLinks { .. }, ResetLinks) => true,
        (Surge { .. }, EndSurge) => true,
        (Disk { node: a, fault: f }, Disk { node: b, fault: g }) => a == b && f.is_undone_by(g),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{NodeId, SimTime};

    #[test]
    fn a_pause_and_its_resume_are_one_episode_and_a_lone_fault_its_own() {
        let mut p = pauses(3, 800_000_000);
        p.push(SimTime(5_000_000_000), Fault::Restart { node: NodeId(1) });
        let units = episodes(&p);
        assert_eq!(units, vec![vec![0, 1], vec![2, 3], vec![4, 5], vec![6]]);
    }
}
