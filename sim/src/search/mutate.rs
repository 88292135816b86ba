//! Mutations of fault plans, for a coverage-guided search (`explore
//! --guided`): drop an episode, shift one in time, lengthen or shorten it,
//! aim it at the focus, copy it later, or splice two plans at a moment.
//!
//! An *episode* is a fault and its heal, as [`crate::episode::episodes`]
//! pairs them, so a mutation never leaves a heal without its fault or moves
//! a heal before it. Every draw comes from the caller's stream, so a search
//! from one root seed makes the same mutants.

use crate::episode::episodes;
use crate::fault::Fault;
use crate::partition::Partition;
use crate::plan::{FaultPlan, TimedFault};
use crate::rng::SimRng;
use crate::time::{SimDuration, SimTime};

/// The most a shift or a length change moves a fault.
const MAX_MOVE: u64 = 1_000_000_000;

/// Focus episode ids mutants give: apart from the nemesis's.
const FIRST_MUTANT_EPISODE: u32 = 1_000_000;

/// The mutations, for reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Mutation {
    /// An episode removed.
    Drop,
    /// An episode moved in time, whole.
    Shift,
    /// An episode's heal moved: longer or shorter.
    Stretch,
    /// An isolation or crash aimed at the focus instead.
    Retarget,
    /// An episode copied to a later moment.
    Copy,
    /// The first plan up to a moment, the second after it.
    Splice,
}

/// A mutant of `plan` (and, for a splice, of `other`), with what was done;
/// `None` when the drawn mutation does not apply (an empty plan, say).
pub fn mutate(
    plan: &FaultPlan,
    other: &FaultPlan,
    horizon: SimDuration,
    rng: &mut SimRng,
) -> Option<(FaultPlan, Mutation)> {
    let units = episodes(plan);
    let kinds = [
        Mutation::Drop,
        Mutation::Shift,
        Mutation::Stretch,
        Mutation::Retarget,
        Mutation::Copy,
        Mutation::Splice,
    ];
    let kind = *rng.pick(&kinds).expect("non-empty");
    if kind == Mutation::Splice {
        let at = SimTime(rng.below(horizon.as_nanos().max(1)));
        return Some((splice(plan, other, at), kind));
    }
    let unit = rng.pick(&units)?.clone();
    let mut out = FaultPlan::new();
    for (i, f) in plan.faults.iter().enumerate() {
        if !unit.contains(&i) {
            out.faults.push(f.clone());
        }
    }
    let chosen: Vec<TimedFault> = unit.iter().map(|&i| plan.faults[i].clone()).collect();
    let moved = match kind {
        Mutation::Drop => Vec::new(),
        Mutation::Shift => shift(&chosen, rng),
        Mutation::Stretch => stretch(&chosen, rng),
        Mutation::Retarget => retarget(&chosen)?,
        Mutation::Copy => {
            let mut copy = shift(&chosen, rng);
            copy.extend(chosen);
            copy
        }
        Mutation::Splice => unreachable!("handled above"),
    };
    for f in moved {
        insert(&mut out, f);
    }
    Some((out, kind))
}

/// Inserts keeping the plan sorted by time.
fn insert(plan: &mut FaultPlan, f: TimedFault) {
    let i = plan.faults.partition_point(|g| g.at <= f.at);
    plan.faults.insert(i, f);
}

/// A signed move of up to [`MAX_MOVE`].
fn offset(rng: &mut SimRng) -> i128 {
    i128::from(rng.below(2 * MAX_MOVE + 1)) - i128::from(MAX_MOVE)
}

fn moved(at: SimTime, by: i128) -> SimTime {
    SimTime((i128::from(at.0) + by).clamp(0, i128::from(u64::MAX)) as u64)
}

/// The whole episode moved by one offset.
fn shift(unit: &[TimedFault], rng: &mut SimRng) -> Vec<TimedFault> {
    let by = offset(rng);
    unit.iter()
        .map(|f| TimedFault {
            at: moved(f.at, by),
            ..f.clone()
        })
        .collect()
}

/// The heal moved, never before its fault.
fn stretch(unit: &[TimedFault], rng: &mut SimRng) -> Vec<TimedFault> {
    let mut out = unit.to_vec();
    if let [first, .., last] = out.as_mut_slice() {
        last.at = moved(last.at, offset(rng)).max(first.at);
    }
    out
}

/// An isolation or a crash (and its heal) aimed at the focus, as a new
/// focus episode; `None` for other faults.
fn retarget(unit: &[TimedFault]) -> Option<Vec<TimedFault>> {
    let aimable = |f: &Fault| {
        matches!(
            f,
            Fault::Partition(Partition::Isolate { .. })
                | Fault::EndPartition(Partition::Isolate { .. })
                | Fault::Crash { .. }
                | Fault::Restart { .. }
        )
    };
    if unit
        .iter()
        .any(|f| !aimable(&f.fault) || f.focus_episode.is_some())
    {
        return None;
    }
    let episode = FIRST_MUTANT_EPISODE + (unit[0].at.0 % 1_000_000) as u32;
    Some(
        unit.iter()
            .map(|f| TimedFault {
                focus_episode: Some(episode),
                ..f.clone()
            })
            .collect(),
    )
}

/// `a`'s episodes that start before `at`, then `b`'s that start at or
/// after it, each whole.
pub fn splice(a: &FaultPlan, b: &FaultPlan, at: SimTime) -> FaultPlan {
    let mut out = a.with_faults(Vec::new());
    for (plan, keep_before) in [(a, true), (b, false)] {
        for unit in episodes(plan) {
            let start = plan.faults[unit[0]].at;
            if (start < at) == keep_before {
                for &i in &unit {
                    insert(&mut out, plan.faults[i].clone());
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::node_id::NodeId;

    fn plan() -> FaultPlan {
        let mut p = FaultPlan::new();
        let iso = Partition::Isolate { node: NodeId(1) };
        p.push(SimTime(2_000_000_000), Fault::Partition(iso.clone()));
        p.push(SimTime(3_000_000_000), Fault::EndPartition(iso));
        p.push(SimTime(5_000_000_000), Fault::Pause { node: NodeId(2) });
        p.push(SimTime(6_000_000_000), Fault::Resume { node: NodeId(2) });
        p
    }

    #[test]
    fn every_mutant_is_sorted_and_keeps_each_heal_after_its_fault() {
        let horizon = SimDuration::from_secs(10);
        let mut rng = SimRng::from_seed_and_label(7, "test");
        let mut seen = std::collections::BTreeSet::new();
        for _ in 0..300 {
            let Some((m, kind)) = mutate(&plan(), &FaultPlan::new(), horizon, &mut rng) else {
                continue;
            };
            seen.insert(format!("{kind:?}"));
            assert!(m.faults.windows(2).all(|w| w[0].at <= w[1].at), "{kind:?}");
            for unit in episodes(&m) {
                if let [a, b] = unit[..] {
                    assert!(m.faults[a].at <= m.faults[b].at);
                }
            }
        }
        assert_eq!(seen.len(), 6, "every mutation applies: {seen:?}");
    }

    #[test]
    fn a_splice_takes_the_first_plan_before_the_moment_and_the_second_after() {
        let mut b = FaultPlan::new();
        b.push(SimTime(1_000_000_000), Fault::Heal);
        b.push(SimTime(8_000_000_000), Fault::Heal);
        let s = splice(&plan(), &b, SimTime(4_000_000_000));
        let times: Vec<u64> = s.faults.iter().map(|f| f.at.0 / 1_000_000_000).collect();
        assert_eq!(times, [2, 3, 8]);
    }
}
