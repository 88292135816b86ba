//! Partition shapes.
//!
//! Fault model: a partition blocks directed links. While a link is blocked, a
//! message sent over it is dropped at send time, and a message already in flight
//! over it is dropped on arrival, so nothing crosses the cut while it stands.
//! Partitions add up (a link is blocked while any active partition blocks it);
//! `EndPartition` with the same shape ends one of them and leaves the others
//! standing (cuts are counted per link), and `Heal` removes them all. The
//! nemesis ends each partition episode with `EndPartition`, so overlapping
//! episodes keep their own lengths. The shapes are those Jepsen's nemeses use:
//!
//! - `Split`: groups that cannot reach each other (symmetric);
//! - `OneWay`: `from` cannot reach `to`, the reverse still works (asymmetric);
//! - `MajorityMinority`: a minority cut off from the majority;
//! - `Isolate`: one node cut off from all others;
//! - `Bridge`: two halves that cannot talk, and one node that talks to both;
//! - `Ring`: each node reaches only its two neighbours on a ring.

use crate::error::ConfigError;
use crate::node_id::NodeId;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::hash::{Hash, Hasher};

/// A network partition, resolved against the cluster size when applied.
///
/// Its `Hash` writes an explicit tag per shape (see [`crate::Fault`]'s), so
/// the trace hash does not depend on the order the shapes are written in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "shape", deny_unknown_fields)]
pub enum Partition {
    /// Nodes in different groups cannot talk. Nodes not listed form one more group.
    Split {
        /// The groups.
        groups: Vec<Vec<NodeId>>,
    },
    /// Messages from any of `from` to any of `to` are lost; the reverse works.
    OneWay {
        /// Senders whose messages are cut.
        from: Vec<NodeId>,
        /// Receivers that stop hearing from `from`.
        to: Vec<NodeId>,
    },
    /// `minority` (fewer than half of the nodes) is cut off from the rest.
    MajorityMinority {
        /// The nodes on the small side.
        minority: Vec<NodeId>,
    },
    /// `node` is cut off from every other node, both ways.
    Isolate {
        /// The isolated node.
        node: NodeId,
    },
    /// `left` and the other nodes cannot talk to each other; `bridge` talks to both.
    Bridge {
        /// The node that reaches both sides.
        bridge: NodeId,
        /// One side; the other side is every node not in `left` and not `bridge`.
        left: Vec<NodeId>,
    },
    /// Nodes reach only their neighbours in `order`, which lists every node once.
    Ring {
        /// The ring order.
        order: Vec<NodeId>,
    },
}

impl Hash for Partition {
    /// An explicit tag per shape (its position when tags were introduced),
    /// then the fields in order.
    fn hash<H: Hasher>(&self, state: &mut H) {
        match self {
            Partition::Split { groups } => {
                state.write_isize(0);
                groups.hash(state);
            }
            Partition::OneWay { from, to } => {
                state.write_isize(1);
                (from, to).hash(state);
            }
            Partition::MajorityMinority { minority } => {
                state.write_isize(2);
                minority.hash(state);
            }
            Partition::Isolate { node } => {
                state.write_isize(3);
                node.hash(state);
            }
            Partition::Bridge { bridge, left } => {
                state.write_isize(4);
                (bridge, left).hash(state);
            }
            Partition::Ring { order } => {
                state.write_isize(5);
                order.hash(state);
            }
        }
    }
}

fn check_nodes(
    ids: &[NodeId],
    nodes: usize,
    field: &str,
    seen: &mut BTreeSet<NodeId>,
) -> Result<(), ConfigError> {
    for (i, id) in ids.iter().enumerate() {
        id.validate(nodes, &format!("{field}[{i}]"))?;
        if !seen.insert(*id) {
            return Err(ConfigError::BadPartition {
                field: field.to_string(),
                reason: format!("node {id} is listed twice"),
            });
        }
    }
    Ok(())
}

fn bad(field: &str, reason: &str) -> ConfigError {
    ConfigError::BadPartition {
        field: field.to_string(),
        reason: reason.to_string(),
    }
}

impl Partition {
    /// A ring over all nodes in index order.
    pub fn ring(nodes: usize) -> Partition {
        Partition::Ring {
            order: (0..nodes).map(NodeId::from).collect(),
        }
    }

    /// The name of the shape, as in the serde tag.
    pub fn shape_name(&self) -> &'static str {
        match self {
            Partition::Split { .. } => "split",
            Partition::OneWay { .. } => "one_way",
            Partition::MajorityMinority { .. } => "majority_minority",
            Partition::Isolate { .. } => "isolate",
            Partition::Bridge { .. } => "bridge",
            Partition::Ring { .. } => "ring",
        }
    }

    /// The directed links `(from, to)` this partition blocks in a cluster of
    /// `nodes`, or an error naming what is wrong with the shape. `field` prefixes
    /// the names in errors.
    pub fn blocked_links(
        &self,
        nodes: usize,
        field: &str,
    ) -> Result<Vec<(usize, usize)>, ConfigError> {
        let blocked = match self {
            Partition::Split { groups } => split(groups, nodes, field)?,
            Partition::MajorityMinority { minority } => majority_minority(minority, nodes, field)?,
            Partition::Isolate { node } => isolate(*node, nodes, field)?,
            Partition::OneWay { from, to } => one_way(from, to, nodes, field)?,
            Partition::Bridge { bridge, left } => bridge_links(*bridge, left, nodes, field)?,
            Partition::Ring { order } => ring(order, nodes, field)?,
        };
        debug_assert!(blocked
            .iter()
            .all(|&(a, b)| a < nodes && b < nodes && a != b));
        Ok(blocked)
    }
}

/// Every link between nodes of different groups (`group_of[i]` is node i's).
fn cross_groups(group_of: &[usize]) -> Vec<(usize, usize)> {
    let nodes = group_of.len();
    let mut blocked = Vec::new();
    for a in 0..nodes {
        for b in 0..nodes {
            if group_of[a] != group_of[b] {
                blocked.push((a, b));
            }
        }
    }
    blocked
}

fn split(
    groups: &[Vec<NodeId>],
    nodes: usize,
    field: &str,
) -> Result<Vec<(usize, usize)>, ConfigError> {
    let mut group_of = vec![usize::MAX; nodes];
    let mut seen = BTreeSet::new();
    for (g, members) in groups.iter().enumerate() {
        check_nodes(members, nodes, &format!("{field}.groups[{g}]"), &mut seen)?;
        for id in members {
            group_of[id.index()] = g;
        }
    }
    let distinct: BTreeSet<usize> = group_of.iter().copied().collect();
    if distinct.len() < 2 {
        return Err(bad(field, "a split needs at least two non-empty sides"));
    }
    Ok(cross_groups(&group_of))
}

fn majority_minority(
    minority: &[NodeId],
    nodes: usize,
    field: &str,
) -> Result<Vec<(usize, usize)>, ConfigError> {
    check_nodes(
        minority,
        nodes,
        &format!("{field}.minority"),
        &mut BTreeSet::new(),
    )?;
    if minority.is_empty() || 2 * minority.len() >= nodes {
        let reason = format!(
            "a minority must have 1 to {} of {} nodes",
            nodes.saturating_sub(1) / 2,
            nodes
        );
        return Err(bad(&format!("{field}.minority"), &reason));
    }
    let mut group_of = vec![usize::MAX; nodes];
    for id in minority {
        group_of[id.index()] = 0;
    }
    Ok(cross_groups(&group_of))
}

fn isolate(node: NodeId, nodes: usize, field: &str) -> Result<Vec<(usize, usize)>, ConfigError> {
    node.validate(nodes, &format!("{field}.node"))?;
    if nodes < 2 {
        return Err(bad(field, "isolating the only node cuts nothing"));
    }
    let mut group_of = vec![usize::MAX; nodes];
    group_of[node.index()] = 0;
    Ok(cross_groups(&group_of))
}

fn one_way(
    from: &[NodeId],
    to: &[NodeId],
    nodes: usize,
    field: &str,
) -> Result<Vec<(usize, usize)>, ConfigError> {
    let mut seen = BTreeSet::new();
    check_nodes(from, nodes, &format!("{field}.from"), &mut seen)?;
    check_nodes(to, nodes, &format!("{field}.to"), &mut seen)?;
    if from.is_empty() || to.is_empty() {
        return Err(bad(
            field,
            "a one-way partition needs non-empty `from` and `to`",
        ));
    }
    let pairs = from
        .iter()
        .flat_map(|a| to.iter().map(|b| (a.index(), b.index())));
    Ok(pairs.collect())
}

fn bridge_links(
    bridge: NodeId,
    left: &[NodeId],
    nodes: usize,
    field: &str,
) -> Result<Vec<(usize, usize)>, ConfigError> {
    let mut seen = BTreeSet::new();
    let bridge_field = format!("{field}.bridge");
    check_nodes(
        std::slice::from_ref(&bridge),
        nodes,
        &bridge_field,
        &mut seen,
    )?;
    check_nodes(left, nodes, &format!("{field}.left"), &mut seen)?;
    let right = nodes - 1 - left.len();
    if left.is_empty() || right == 0 {
        return Err(bad(field, "a bridge needs a node on each side of it"));
    }
    // The bridge is in a group of its own that nobody is cut from.
    let mut group_of = vec![1; nodes];
    for id in left {
        group_of[id.index()] = 0;
    }
    let blocked = cross_groups(&group_of).into_iter();
    Ok(blocked
        .filter(|&(a, b)| a != bridge.index() && b != bridge.index())
        .collect())
}

fn ring(order: &[NodeId], nodes: usize, field: &str) -> Result<Vec<(usize, usize)>, ConfigError> {
    check_nodes(
        order,
        nodes,
        &format!("{field}.order"),
        &mut BTreeSet::new(),
    )?;
    if order.len() != nodes {
        return Err(bad(
            &format!("{field}.order"),
            "a ring must list every node exactly once",
        ));
    }
    if nodes < 4 {
        return Err(bad(field, "a ring of fewer than 4 nodes cuts nothing"));
    }
    let mut pos = vec![0usize; nodes];
    for (i, id) in order.iter().enumerate() {
        pos[id.index()] = i;
    }
    let mut blocked = Vec::new();
    for a in 0..nodes {
        for b in 0..nodes {
            let d = pos[a].abs_diff(pos[b]);
            if a != b && d != 1 && d != nodes - 1 {
                blocked.push((a, b));
            }
        }
    }
    Ok(blocked)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(v: &[u32]) -> Vec<NodeId> {
        v.iter().map(|&i| NodeId(i)).collect()
    }

    #[test]
    fn shapes_block_the_right_links() {
        let iso = Partition::Isolate { node: NodeId(2) }
            .blocked_links(5, "p")
            .unwrap();
        assert_eq!(iso.len(), 8);
        assert!(iso.iter().all(|&(a, b)| a == 2 || b == 2));

        let one = Partition::OneWay {
            from: ids(&[0]),
            to: ids(&[1, 2]),
        }
        .blocked_links(3, "p")
        .unwrap();
        assert_eq!(one, vec![(0, 1), (0, 2)]);

        let bridge = Partition::Bridge {
            bridge: NodeId(2),
            left: ids(&[0, 1]),
        }
        .blocked_links(5, "p")
        .unwrap();
        assert!(!bridge.iter().any(|&(a, b)| a == 2 || b == 2));
        assert!(bridge.contains(&(0, 3)) && bridge.contains(&(4, 1)) && !bridge.contains(&(0, 1)));

        let ring = Partition::ring(5).blocked_links(5, "p").unwrap();
        assert!(!ring.contains(&(0, 1)) && !ring.contains(&(0, 4)) && ring.contains(&(0, 2)));

        let mm = Partition::MajorityMinority {
            minority: ids(&[3, 4]),
        }
        .blocked_links(5, "p")
        .unwrap();
        assert_eq!(mm.len(), 12);
    }

    #[test]
    fn bad_shapes_name_the_field() {
        let e = Partition::Isolate { node: NodeId(9) }
            .blocked_links(5, "fault")
            .unwrap_err();
        assert!(
            e.to_string().contains("fault.node") && e.to_string().contains("node 9"),
            "{e}"
        );
        let e = Partition::MajorityMinority {
            minority: ids(&[0, 1, 2]),
        }
        .blocked_links(5, "f")
        .unwrap_err();
        assert!(e.to_string().contains("minority"), "{e}");
        let e = Partition::Split {
            groups: vec![ids(&[0, 1]), ids(&[1])],
        }
        .blocked_links(3, "f")
        .unwrap_err();
        assert!(e.to_string().contains("twice"), "{e}");
        assert!(Partition::Split {
            groups: vec![ids(&[0, 1, 2])]
        }
        .blocked_links(3, "f")
        .is_err());
    }
}
