//! Shrinking a partition in place: the fewest links it must cut.
//!
//! After the plan has lost every episode it can, each partition left is
//! narrowed while the run still fails the same way:
//! 1. a partition aimed at the focus is pinned to the node it hit (one
//!    rerun per node at most, until one fails the same way): the story then
//!    names the node, and the next steps can work on it;
//! 2. a cut between two sides (an isolation, a minority, a split in two)
//!    becomes one way, `from` one side `to` the other, either way round;
//! 3. a one-way cut loses receivers, then senders, one at a time.
//!
//! So "isolate n3" may become "n3 cannot reach n0": the failure needs that
//! one link, not the others. The partition and its end keep one shape, so
//! the end still lifts exactly its cuts.

use crate::episode::episodes;
use crate::fault::Fault;
use crate::node_id::NodeId;
use crate::partition::Partition;
use crate::plan::FaultPlan;
use crate::shrink::{attempt, Shrunk};

/// Narrows every partition of `best`'s plan in a cluster of `nodes`, as the
/// module says, within `max_trials` reruns in all.
pub fn narrow_partitions<R>(
    best: &mut Shrunk<R>,
    nodes: usize,
    max_trials: usize,
    still_fails: &mut impl FnMut(&FaultPlan) -> Option<R>,
) {
    // Episodes keep their indices: a narrower shape moves no fault.
    for unit in episodes(&best.plan) {
        let Fault::Partition(shape) = &best.plan.faults[unit[0]].fault else {
            continue;
        };
        if best.plan.faults[unit[0]].focus_episode.is_some() {
            if !matches!(shape, Partition::Isolate { .. }) {
                continue;
            }
            let pinned = (0..nodes).map(|n| Partition::Isolate {
                node: NodeId::from(n),
            });
            if !first_that_fails(best, &unit, pinned, max_trials, still_fails) {
                continue; // the focus hit no node: nothing to narrow
            }
        }
        let shape = current(best, &unit);
        if let Some((a, b)) = two_sides(&shape, nodes) {
            let one_way = [(a.clone(), b.clone()), (b, a)]
                .into_iter()
                .map(|(from, to)| Partition::OneWay { from, to });
            first_that_fails(best, &unit, one_way, max_trials, still_fails);
        }
        fewer_ends(best, &unit, max_trials, still_fails);
    }
}

/// The shape the episode at `unit` has now.
fn current<R>(best: &Shrunk<R>, unit: &[usize]) -> Partition {
    match &best.plan.faults[unit[0]].fault {
        Fault::Partition(p) => p.clone(),
        other => unreachable!("an episode narrowed from a partition is one: {other:?}"),
    }
}

/// Tries each shape in turn for the episode at `unit`; keeps the first
/// whose run fails. Returns whether one did.
fn first_that_fails<R>(
    best: &mut Shrunk<R>,
    unit: &[usize],
    shapes: impl IntoIterator<Item = Partition>,
    max_trials: usize,
    still_fails: &mut impl FnMut(&FaultPlan) -> Option<R>,
) -> bool {
    shapes.into_iter().any(|shape| {
        attempt(
            reshaped(&best.plan, unit, &shape),
            best,
            max_trials,
            still_fails,
        )
    })
}

/// `plan` with the episode at `unit` cutting `shape`, aimed at no focus.
fn reshaped(plan: &FaultPlan, unit: &[usize], shape: &Partition) -> Vec<crate::plan::TimedFault> {
    let mut faults = plan.faults.clone();
    for &i in unit {
        let fault = &mut faults[i];
        fault.focus_episode = None;
        fault.fault = match fault.fault {
            Fault::Partition(_) => Fault::Partition(shape.clone()),
            Fault::EndPartition(_) => Fault::EndPartition(shape.clone()),
            _ => unreachable!("a partition episode is a partition and its end"),
        };
    }
    faults
}

/// A one-way cut of the episode at `unit` loses receivers, then senders,
/// one at a time while the run still fails (one side keeps one node).
fn fewer_ends<R>(
    best: &mut Shrunk<R>,
    unit: &[usize],
    max_trials: usize,
    still_fails: &mut impl FnMut(&FaultPlan) -> Option<R>,
) {
    for receivers in [true, false] {
        let mut k = 0;
        loop {
            let Partition::OneWay { from, to } = current(best, unit) else {
                return;
            };
            let side = if receivers { &to } else { &from };
            if k >= side.len() || side.len() < 2 {
                break;
            }
            let mut fewer = side.clone();
            fewer.remove(k);
            let shape = if receivers {
                Partition::OneWay { from, to: fewer }
            } else {
                Partition::OneWay { from: fewer, to }
            };
            if !attempt(
                reshaped(&best.plan, unit, &shape),
                best,
                max_trials,
                still_fails,
            ) {
                k += 1; // this node stays; the next one shifts into k on success
            }
            if best.budget_exhausted {
                return;
            }
        }
    }
}

/// The two sides of a cut that separates one set of nodes from the rest,
/// each in index order; `None` for shapes with more sides (a ring, a
/// bridge, a split in three) and for one-way cuts, which are narrowed as
/// they are.
fn two_sides(shape: &Partition, nodes: usize) -> Option<(Vec<NodeId>, Vec<NodeId>)> {
    let side: Vec<NodeId> = match shape {
        Partition::Isolate { node } => vec![*node],
        Partition::MajorityMinority { minority } => minority.clone(),
        Partition::Split { groups } if groups.len() == 1 => groups[0].clone(),
        Partition::Split { groups } if groups.len() == 2 => {
            let listed = groups[0].len() + groups[1].len();
            (listed == nodes).then(|| groups[0].clone())?
        }
        _ => return None,
    };
    let mut side = side;
    side.sort();
    let rest: Vec<NodeId> = (0..nodes)
        .map(NodeId::from)
        .filter(|n| !side.contains(n))
        .collect();
    (!side.is_empty() && !rest.is_empty()).then_some((side, rest))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SimTime;

    fn isolation(node: u32, focused: bool) -> FaultPlan {
        let shape = Partition::Isolate { node: NodeId(node) };
        let mut p = FaultPlan::new();
        let (start, end) = (Fault::Partition(shape.clone()), Fault::EndPartition(shape));
        if focused {
            p.push_focused(SimTime(1_000), start, 7);
            p.push_focused(SimTime(2_000), end, 7);
        } else {
            p.push(SimTime(1_000), start);
            p.push(SimTime(2_000), end);
        }
        p
    }

    fn shrunk(plan: FaultPlan) -> Shrunk<()> {
        Shrunk {
            plan,
            run: (),
            trials: 0,
            budget_exhausted: false,
        }
    }

    /// Fails while a partition cuts the link n3 -> n0.
    fn cuts_3_to_0(p: &FaultPlan) -> Option<()> {
        let cut = |f: &Fault| match f {
            Fault::Partition(shape) => shape.blocked_links(5, "t").unwrap().contains(&(3, 0)),
            _ => false,
        };
        p.faults.iter().any(|f| cut(&f.fault)).then_some(())
    }

    #[test]
    fn an_isolation_narrows_to_the_one_link_the_failure_needs() {
        let mut best = shrunk(isolation(3, false));
        narrow_partitions(&mut best, 5, 100, &mut cuts_3_to_0);
        let one_link = Partition::OneWay {
            from: vec![NodeId(3)],
            to: vec![NodeId(0)],
        };
        assert_eq!(
            best.plan.faults[0].fault,
            Fault::Partition(one_link.clone())
        );
        assert_eq!(best.plan.faults[1].fault, Fault::EndPartition(one_link));
        assert!(best.trials <= 1 + 4, "{}", best.trials);
    }

    #[test]
    fn a_focused_isolation_is_pinned_to_a_node_then_narrowed() {
        // Pinned to the first node whose isolation fails the same way (n0,
        // whose isolation cuts n3 -> n0 too), then narrowed.
        let mut best = shrunk(isolation(1, true));
        narrow_partitions(&mut best, 5, 100, &mut cuts_3_to_0);
        assert!(best.plan.faults.iter().all(|f| f.focus_episode.is_none()));
        assert!(cuts_3_to_0(&best.plan).is_some());
        let Fault::Partition(Partition::OneWay { from, to }) = &best.plan.faults[0].fault else {
            panic!("{:?}", best.plan);
        };
        assert_eq!(
            (from.as_slice(), to.as_slice()),
            (&[NodeId(3)][..], &[NodeId(0)][..])
        );
    }

    #[test]
    fn a_cut_the_failure_needs_whole_stays_whole() {
        let mut best = shrunk(isolation(2, false));
        let whole = best.plan.clone();
        narrow_partitions(&mut best, 5, 100, &mut |p: &FaultPlan| {
            (*p == whole).then_some(())
        });
        assert_eq!(best.plan, whole);
        assert_eq!(best.trials, 2, "one way, then the other");
    }

    #[test]
    fn sides_of_each_shape() {
        let n = |v: &[u32]| v.iter().map(|&i| NodeId(i)).collect::<Vec<_>>();
        let minority = Partition::MajorityMinority {
            minority: n(&[4, 1]),
        };
        assert_eq!(two_sides(&minority, 5), Some((n(&[1, 4]), n(&[0, 2, 3]))));
        let split = Partition::Split {
            groups: vec![n(&[0, 1]), n(&[2, 3, 4])],
        };
        assert_eq!(two_sides(&split, 5), Some((n(&[0, 1]), n(&[2, 3, 4]))));
        let three = Partition::Split {
            groups: vec![n(&[0]), n(&[1])],
        };
        assert_eq!(two_sides(&three, 5), None);
        assert_eq!(two_sides(&Partition::ring(5), 5), None);
    }
}
