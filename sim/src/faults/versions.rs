//! Node versions: a model may declare several versions of its node (a
//! factory by version, all reading the same durable storage, or migrating
//! it), and a [`Fault::Upgrade`] restarts a node as another version on its
//! storage. A rolling upgrade is a nemesis episode that upgrades one node
//! at a time with a gap; a rollback is one that goes back.
//!
//! Versions count from 1, which is what a simulation's ordinary factory
//! builds; a simulation without versions has only version 1.

use crate::error::ConfigError;
use crate::fault::Fault;
use crate::node_id::NodeId;
use crate::time::{SimDuration, SimTime};

/// Builds a fresh node; called at start and at every restart.
pub type NodeFactory<N> = Box<dyn FnMut(NodeId) -> N>;

/// Builds a fresh node of a version (1 to the newest).
pub type VersionedFactory<N> = Box<dyn FnMut(NodeId, u32) -> N>;

/// A factory a simulation's snapshots share (see `Simulation`'s `Clone`).
type Shared<F> = std::rc::Rc<std::cell::RefCell<F>>;

/// What a simulation builds nodes with, and the version each node runs.
/// A snapshot of a simulation shares its factories: a factory must build
/// the same node for the same id and version, as every model's does.
pub(crate) struct Factory<N> {
    base: Shared<NodeFactory<N>>,
    versioned: Option<(u32, Shared<VersionedFactory<N>>)>,
    running: Vec<u32>,
}

impl<N> Clone for Factory<N> {
    fn clone(&self) -> Self {
        Factory {
            base: self.base.clone(),
            versioned: self.versioned.clone(),
            running: self.running.clone(),
        }
    }
}

impl<N> Factory<N> {
    /// A factory of one version for a cluster of `nodes`.
    pub(crate) fn new(base: NodeFactory<N>, nodes: usize) -> Self {
        Factory {
            base: std::rc::Rc::new(std::cell::RefCell::new(base)),
            versioned: None,
            running: vec![1; nodes],
        }
    }

    /// Versions 1 to `newest`, built by `factory`.
    pub(crate) fn set_versions(&mut self, newest: u32, factory: VersionedFactory<N>) {
        assert!(newest >= 1, "versions count from 1");
        let factory = std::rc::Rc::new(std::cell::RefCell::new(factory));
        self.versioned = Some((newest, factory));
    }

    /// The newest version (1 without versions).
    pub(crate) fn newest(&self) -> u32 {
        self.versioned.as_ref().map_or(1, |(n, _)| *n)
    }

    /// The version `node` runs, or will run when it restarts.
    pub(crate) fn running(&self, node: NodeId) -> u32 {
        self.running[node.index()]
    }

    /// From now on `node` runs `version`.
    pub(crate) fn set_running(&mut self, node: NodeId, version: u32) {
        debug_assert!((1..=self.newest()).contains(&version));
        self.running[node.index()] = version;
    }

    /// A fresh `node` of the version it runs.
    pub(crate) fn build(&mut self, node: NodeId) -> N {
        let version = self.running(node);
        match &self.versioned {
            Some((_, f)) => (f.borrow_mut())(node, version),
            None => (self.base.borrow_mut())(node),
        }
    }

    /// An upgrade must name a version this simulation has.
    pub(crate) fn check(&self, fault: &Fault, field: &str) -> Result<(), ConfigError> {
        check_version(fault, self.newest(), field)
    }
}

/// A rolling upgrade of a cluster of `nodes` from version `from` to `to`:
/// one node at a time from `first` round the ring, `gap` apart, starting at
/// `start`; with `rollback`, after two more gaps, the same nodes go back to
/// `from` in the reverse order.
pub fn rolling(
    start: SimTime,
    gap: SimDuration,
    (first, nodes): (usize, usize),
    (from, to): (u32, u32),
    rollback: bool,
) -> Vec<(SimTime, Fault)> {
    let order: Vec<NodeId> = (0..nodes)
        .map(|k| NodeId::from((first + k) % nodes))
        .collect();
    let at = |k: usize| start.after(SimDuration::from_nanos(gap.as_nanos() * k as u64));
    let mut faults: Vec<(SimTime, Fault)> = order
        .iter()
        .enumerate()
        .map(|(k, &node)| (at(k), Fault::Upgrade { node, version: to }))
        .collect();
    if rollback {
        let back = order.iter().rev().enumerate().map(|(k, &node)| {
            (
                at(nodes + 1 + k),
                Fault::Upgrade {
                    node,
                    version: from,
                },
            )
        });
        faults.extend(back);
    }
    faults
}

/// An upgrade in a plan for a model whose newest version is `newest` must
/// name a version from 1 to it; other faults pass.
pub fn check_version(fault: &Fault, newest: u32, field: &str) -> Result<(), ConfigError> {
    match fault {
        Fault::Upgrade { version, .. } if *version == 0 || *version > newest => {
            Err(ConfigError::OutOfRange {
                field: format!("{field}.version"),
                reason: format!("version {version}: this model has versions 1 to {newest}"),
            })
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rolling_upgrade_goes_one_node_at_a_time_and_a_rollback_comes_back_in_reverse() {
        let ms = SimDuration::from_millis;
        let faults = rolling(SimTime::ZERO.after(ms(100)), ms(10), (2, 3), (1, 2), true);
        let seen: Vec<(u64, usize, u32)> = faults
            .iter()
            .map(|(at, f)| match f {
                Fault::Upgrade { node, version } => (at.0 / 1_000_000, node.index(), *version),
                other => panic!("not an upgrade: {other:?}"),
            })
            .collect();
        let expected = [
            (100, 2, 2),
            (110, 0, 2),
            (120, 1, 2),
            (140, 1, 1),
            (150, 0, 1),
            (160, 2, 1),
        ];
        assert_eq!(seen, expected);
    }
}
