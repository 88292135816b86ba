//! Network state: per-link config, partitions, and clogged links.
//!
//! Links are directed and stored in flat `nodes * nodes` tables indexed by
//! `from * nodes + to`, so the hot path does one multiply and one load per check.
//! Sending itself lives in the engine, which owns the random streams and the queue.
//!
//! Clogging fault model: a clogged link holds every message sent over it (they are
//! neither delivered nor dropped). When the link is unclogged the held messages
//! depart in their original order, each with a fresh latency.

use crate::link::LinkConfig;
use crate::node_id::NodeId;
use std::collections::BTreeMap;
use std::rc::Rc;

/// A message waiting on a clogged link.
#[derive(Clone, Debug)]
pub(crate) struct Held<M> {
    pub(crate) msg_id: u64,
    pub(crate) msg: M,
}

/// Links, partitions and clogs of one cluster.
#[derive(Clone, Debug)]
pub(crate) struct Network<M> {
    nodes: usize,
    default_link: LinkConfig,
    // The tables are shared between a simulation and its snapshots until
    // one of them changes a table (a fault, which is rare): a snapshot
    // copies three pointers, not three tables of `nodes^2`.
    links: Rc<[LinkConfig]>,
    /// Per link: how many partitions in force cut it.
    blocked: Rc<[u32]>,
    clogged: Rc<[bool]>,
    held: BTreeMap<usize, Vec<Held<M>>>,
}

impl<M> Network<M> {
    pub(crate) fn new(nodes: usize, default_link: LinkConfig) -> Self {
        let links = vec![default_link; nodes * nodes].into();
        Network {
            nodes,
            default_link,
            links,
            blocked: vec![0; nodes * nodes].into(),
            clogged: vec![false; nodes * nodes].into(),
            held: BTreeMap::new(),
        }
    }

    /// The flat index of link `from -> to`.
    #[inline]
    pub(crate) fn index(&self, from: NodeId, to: NodeId) -> usize {
        debug_assert!(from.index() < self.nodes && to.index() < self.nodes);
        from.index() * self.nodes + to.index()
    }

    #[inline]
    pub(crate) fn link(&self, index: usize) -> &LinkConfig {
        &self.links[index]
    }

    #[inline]
    pub(crate) fn is_blocked(&self, index: usize) -> bool {
        self.blocked[index] > 0
    }

    #[inline]
    pub(crate) fn is_clogged(&self, index: usize) -> bool {
        self.clogged[index]
    }

    pub(crate) fn set_link(&mut self, index: usize, config: LinkConfig) {
        Rc::make_mut(&mut self.links)[index] = config;
    }

    pub(crate) fn set_all_links(&mut self, config: LinkConfig) {
        Rc::make_mut(&mut self.links)
            .iter_mut()
            .for_each(|l| *l = config);
    }

    pub(crate) fn reset_links(&mut self) {
        let d = self.default_link;
        self.set_all_links(d);
    }

    pub(crate) fn block(&mut self, links: &[(usize, usize)]) {
        for &(a, b) in links {
            Rc::make_mut(&mut self.blocked)[a * self.nodes + b] += 1;
        }
    }

    /// Lifts one partition's cuts (a cut a `Heal` already lifted stays lifted).
    pub(crate) fn unblock(&mut self, links: &[(usize, usize)]) {
        for &(a, b) in links {
            let count = &mut Rc::make_mut(&mut self.blocked)[a * self.nodes + b];
            *count = count.saturating_sub(1);
        }
    }

    pub(crate) fn heal(&mut self) {
        Rc::make_mut(&mut self.blocked)
            .iter_mut()
            .for_each(|b| *b = 0);
    }

    pub(crate) fn clog(&mut self, index: usize) {
        Rc::make_mut(&mut self.clogged)[index] = true;
    }

    /// Unclogs a link and returns the messages it held, oldest first.
    pub(crate) fn unclog(&mut self, index: usize) -> Vec<Held<M>> {
        Rc::make_mut(&mut self.clogged)[index] = false;
        self.held.remove(&index).unwrap_or_default()
    }

    pub(crate) fn hold(&mut self, index: usize, held: Held<M>) {
        debug_assert!(self.clogged[index]);
        self.held.entry(index).or_default().push(held);
    }

    /// True if `a` and `b` can currently exchange messages in both directions.
    pub(crate) fn connected(&self, a: NodeId, b: NodeId) -> bool {
        self.blocked[self.index(a, b)] == 0 && self.blocked[self.index(b, a)] == 0
    }
}
