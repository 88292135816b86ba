//! The core liveness mode: after the safety phase, heal only a *core* (a
//! quorum of nodes, with working links both ways between its members) and
//! keep the rest faulty, then require the core to make progress.
//!
//! The ordinary liveness phase heals everything, so a protocol that needs
//! every node healthy to make progress passes it. TigerBeetle's VOPR has
//! this second mode for that reason: real clusters run for long stretches
//! with a replica that is slow, paused, or reachable one way only, and a
//! protocol that a quorum can drive must not stall on it. The classic
//! failure is an asymmetric partition: a node that can send but not hear
//! keeps starting elections at higher terms, or a leader that can send but
//! not hear keeps a quorum following it, and nothing commits.
//!
//! A model opts in with a [`CoreSpec`] (the smallest core, and the nodes
//! every core must hold). The nemesis then draws, per seed, the core and
//! one fault for each node outside it ([`CoreLiveness::draw`]); the plan
//! carries both ([`crate::plan::FaultPlan::core`]), so an artifact
//! replays and shrinks like any other.

use crate::error::ConfigError;
use crate::fault::Fault;
use crate::latency::Latency;
use crate::link::LinkConfig;
use crate::node_id::NodeId;
use crate::partition::Partition;
use crate::rng::SimRng;
use crate::time::SimDuration;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// What the liveness phase heals: everything (the default), or only a
/// core, keeping a fault on every other node.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Liveness {
    /// Every fault is healed, and every client must make progress.
    #[default]
    HealAll,
    /// Only a core is healed; the rest keeps a fault each.
    Core,
}

impl Liveness {
    /// Every mode, with its name and a line of help.
    pub const ALL: [(Liveness, &'static str, &'static str); 2] = [
        (
            Liveness::HealAll,
            "heal-all",
            "heal every fault, then require progress",
        ),
        (
            Liveness::Core,
            "core",
            "heal only a quorum, keep faults on the rest, then require progress",
        ),
    ];

    /// Its name on the command line.
    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(l, ..)| *l == self)
            .expect("listed")
            .1
    }

    /// Whether this is the default, [`Liveness::HealAll`].
    pub fn is_heal_all(&self) -> bool {
        *self == Liveness::HealAll
    }
}

impl std::fmt::Display for Liveness {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Liveness {
    type Err = String;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        let found = Self::ALL.iter().find(|(_, n, _)| *n == name);
        found
            .map(|(l, ..)| *l)
            .ok_or_else(|| format!("unknown liveness mode `{name}`: expected heal-all or core"))
    }
}

/// Which sets of nodes can make progress on their own: at least `quorum`
/// nodes, including every node of `required` (a coordinator, a
/// configuration service).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CoreSpec {
    /// The fewest nodes of a core.
    pub quorum: usize,
    /// Nodes every core holds.
    pub required: Vec<NodeId>,
}

impl CoreSpec {
    /// A majority of `nodes`, with no node required: the core of a
    /// quorum-replicated protocol (Raft, Paxos).
    pub fn majority(nodes: usize) -> CoreSpec {
        CoreSpec {
            quorum: nodes / 2 + 1,
            required: Vec::new(),
        }
    }

    /// The cores in words, in a cluster of `nodes`: "any 3 of the 5
    /// nodes", "n0 and any 2 more of the 4 nodes".
    pub fn describe(&self, nodes: usize) -> String {
        let more = self.quorum.saturating_sub(self.required.len());
        let required: Vec<String> = self.required.iter().map(ToString::to_string).collect();
        match required.is_empty() {
            true => format!("any {} of the {nodes} nodes", self.quorum),
            false => format!(
                "{} and any {more} more of the {nodes} nodes",
                required.join(", ")
            ),
        }
    }

    /// Whether `core` is a core of this spec, or why not.
    pub fn admits(&self, core: &[NodeId]) -> Result<(), String> {
        if core.len() < self.quorum {
            return Err(format!(
                "a core of {} nodes is smaller than the model's quorum of {}",
                core.len(),
                self.quorum
            ));
        }
        match self.required.iter().find(|r| !core.contains(r)) {
            Some(r) => Err(format!("the core lacks {r}, which every core must hold")),
            None => Ok(()),
        }
    }
}

/// A plan's core liveness phase: the nodes healed, and the faults kept on
/// the rest (applied once everything else is healed, never healed).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CoreLiveness {
    /// The core, in node order.
    pub core: Vec<NodeId>,
    /// The faults kept on nodes outside the core.
    pub kept: Vec<Fault>,
}

/// The slow links a kept fault may give a node outside the core.
const SLOW: Latency = Latency::Uniform {
    min: SimDuration::from_millis(100),
    max: SimDuration::from_millis(400),
};

impl CoreLiveness {
    /// The core and kept faults for `seed` in a cluster of `nodes`: the
    /// required nodes and a random choice of the others up to the quorum,
    /// then one fault per node outside, weighted toward the asymmetric
    /// cuts where livelocks hide.
    pub fn draw(seed: u64, nodes: usize, spec: &CoreSpec) -> CoreLiveness {
        assert!(spec.quorum <= nodes, "a core fits in the cluster");
        let mut rng = SimRng::from_seed_and_label(seed, "nemesis-core");
        let mut others: Vec<NodeId> = (0..nodes)
            .map(NodeId::from)
            .filter(|n| !spec.required.contains(n))
            .collect();
        rng.shuffle(&mut others);
        let wanted = spec.quorum.saturating_sub(spec.required.len());
        let mut core: Vec<NodeId> = spec.required.clone();
        core.extend(others.drain(..wanted.min(others.len())));
        core.sort();
        others.sort();
        let kept = others
            .iter()
            .map(|&node| Self::draw_kept(&mut rng, node, &core))
            .collect();
        CoreLiveness { core, kept }
    }

    /// One fault for `node`, outside `core`.
    fn draw_kept(rng: &mut SimRng, node: NodeId, core: &[NodeId]) -> Fault {
        let one_way = |from: Vec<NodeId>, to: Vec<NodeId>| Partition::OneWay { from, to };
        match rng.below(8) {
            // It hears nothing from the core, and can still send to it.
            0..=2 => Fault::Partition(one_way(core.to_vec(), vec![node])),
            // The core hears nothing from it, and it still hears the core.
            3 => Fault::Partition(one_way(vec![node], core.to_vec())),
            4 => Fault::Partition(Partition::Isolate { node }),
            5 => Fault::Pause { node },
            6 => Fault::Crash {
                node,
                torn_writes: false,
            },
            _ => Fault::SetLink {
                from: node,
                to: core[rng.below(core.len() as u64) as usize],
                config: LinkConfig::reliable(SLOW),
            },
        }
    }

    /// Checks the core against a cluster of `nodes`, and that every kept
    /// fault leaves the core whole: it hits only nodes outside, and cuts
    /// or slows no link between two core nodes. `field` prefixes the names
    /// in errors.
    pub fn validate(&self, nodes: usize, field: &str) -> Result<(), ConfigError> {
        let mut seen = BTreeSet::new();
        for (i, id) in self.core.iter().enumerate() {
            id.validate(nodes, &format!("{field}.core[{i}]"))?;
            if !seen.insert(*id) {
                return Err(bad(
                    &format!("{field}.core[{i}]"),
                    format!("{id} is listed twice"),
                ));
            }
        }
        for (i, fault) in self.kept.iter().enumerate() {
            let at = format!("{field}.kept[{i}]");
            fault.validate(nodes, &at)?;
            self.keeps_core_whole(fault, nodes, &at)?;
        }
        Ok(())
    }

    /// Whether `fault` leaves the core whole, or why not.
    fn keeps_core_whole(&self, fault: &Fault, nodes: usize, at: &str) -> Result<(), ConfigError> {
        let inside = |n: usize| self.core.contains(&NodeId::from(n));
        match fault {
            Fault::Partition(p) => {
                let cut = p.blocked_links(nodes, at)?;
                match cut.into_iter().find(|&(a, b)| inside(a) && inside(b)) {
                    Some((a, b)) => Err(bad(at, format!("it cuts n{a} -> n{b}, inside the core"))),
                    None => Ok(()),
                }
            }
            Fault::Pause { node } | Fault::Crash { node, .. } | Fault::SetClock { node, .. } => {
                match inside(node.index()) {
                    true => Err(bad(at, format!("it hits {node}, in the core"))),
                    false => Ok(()),
                }
            }
            Fault::SetLink { from, to, .. } | Fault::Clog { from, to } => {
                match inside(from.index()) && inside(to.index()) {
                    true => Err(bad(at, format!("it slows {from} -> {to}, inside the core"))),
                    false => Ok(()),
                }
            }
            other => Err(bad(
                at,
                format!(
                    "a {} is not kept on the rest in core mode",
                    other.kind_name()
                ),
            )),
        }
    }

    /// One line for stories and reports.
    pub fn describe(&self) -> String {
        let core: Vec<String> = self.core.iter().map(ToString::to_string).collect();
        format!(
            "healed only the core {{{}}}, {} fault(s) kept on the rest",
            core.join(", "),
            self.kept.len()
        )
    }
}

fn bad(field: &str, reason: String) -> ConfigError {
    ConfigError::OutOfRange {
        field: field.to_string(),
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_drawn_core_is_a_quorum_with_its_required_nodes_and_stays_whole() {
        let spec = CoreSpec {
            quorum: 3,
            required: vec![NodeId(4)],
        };
        let mut kinds = BTreeSet::new();
        for seed in 0..500 {
            let c = CoreLiveness::draw(seed, 5, &spec);
            assert_eq!(c.core.len(), 3);
            assert!(spec.admits(&c.core).is_ok());
            assert_eq!(c.kept.len(), 2);
            c.validate(5, "core").unwrap();
            kinds.extend(c.kept.iter().map(Fault::kind_name));
        }
        // Every kind of kept fault is drawn.
        assert_eq!(kinds.len(), 4, "{kinds:?}");
    }

    #[test]
    fn a_kept_fault_inside_the_core_is_refused_by_name() {
        let mut c = CoreLiveness::draw(7, 5, &CoreSpec::majority(5));
        let inner = c.core[0];
        c.kept.push(Fault::Pause { node: inner });
        let e = c.validate(5, "core").unwrap_err().to_string();
        assert!(
            e.contains("core.kept[2]") && e.contains("in the core"),
            "{e}"
        );
        c.kept.pop();
        c.kept
            .push(Fault::Partition(Partition::Isolate { node: inner }));
        let e = c.validate(5, "core").unwrap_err().to_string();
        assert!(e.contains("inside the core"), "{e}");
    }

    #[test]
    fn a_core_smaller_than_the_quorum_is_refused() {
        let spec = CoreSpec::majority(5);
        assert!(spec.admits(&[NodeId(0), NodeId(1)]).is_err());
        assert!(spec.admits(&[NodeId(0), NodeId(1), NodeId(3)]).is_ok());
    }
}
