//! The dependency graph: transactions as nodes, dependencies as edges (in
//! compressed rows), its strongly connected components (Tarjan's algorithm,
//! without recursion), shortest paths by breadth-first search over chosen
//! edge kinds, and the cycles named by their edges.

use super::anomaly::{Anomaly, AnomalyKind, Closure, Edge, EdgeKind};

/// A budget of search steps: when it runs out, the search stops and the
/// verdict says unknown rather than guess.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Steps {
    /// Steps left.
    pub left: u64,
    /// True once a search was cut short.
    pub exhausted: bool,
}

impl Steps {
    /// A budget of `n` steps.
    pub fn new(n: u64) -> Steps {
        Steps {
            left: n,
            exhausted: false,
        }
    }

    /// Takes one step; false when the budget is spent.
    #[inline]
    fn take(&mut self) -> bool {
        if self.left == 0 {
            self.exhausted = true;
            return false;
        }
        self.left -= 1;
        true
    }
}

/// Edges in compressed rows: the out-edges of node `a` are
/// `edges[starts[a]..starts[a + 1]]`, as indices into the edge list.
pub struct Graph<'e> {
    edges: &'e [Edge],
    starts: Vec<u32>,
    out: Vec<u32>,
}

impl<'e> Graph<'e> {
    /// The graph of `n` nodes over every edge whose kind is in `mask`.
    pub fn new(n: usize, edges: &'e [Edge], mask: u8) -> Graph<'e> {
        let mut starts = vec![0u32; n + 1];
        for e in edges.iter().filter(|e| e.kind.bit() & mask != 0) {
            starts[e.from as usize + 1] += 1;
        }
        for i in 0..n {
            starts[i + 1] += starts[i];
        }
        let mut fill = starts.clone();
        let mut out = vec![0u32; starts[n] as usize];
        for (i, e) in edges
            .iter()
            .enumerate()
            .filter(|(_, e)| e.kind.bit() & mask != 0)
        {
            let slot = &mut fill[e.from as usize];
            out[*slot as usize] = i as u32;
            *slot += 1;
        }
        Graph { edges, starts, out }
    }

    /// The number of nodes.
    pub fn len(&self) -> usize {
        self.starts.len() - 1
    }

    /// True when the graph has no nodes.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The nodes the out-edges of `a` lead to.
    pub fn successors(&self, a: u32) -> impl Iterator<Item = u32> + '_ {
        self.out(a).iter().map(|&e| self.edges[e as usize].to)
    }

    /// How many edges lead into each node.
    pub fn indegrees(&self) -> Vec<u32> {
        let mut indegree = vec![0u32; self.len()];
        for &e in &self.out {
            indegree[self.edges[e as usize].to as usize] += 1;
        }
        indegree
    }

    /// The out-edges of `a`, as indices.
    #[inline]
    fn out(&self, a: u32) -> &[u32] {
        &self.out[self.starts[a as usize] as usize..self.starts[a as usize + 1] as usize]
    }

    /// Each node's component, numbered in the order Tarjan's algorithm
    /// closes them; and the components of more than one node.
    pub fn components(&self) -> (Vec<u32>, Vec<Vec<u32>>) {
        const UNSEEN: u32 = u32::MAX;
        let n = self.len();
        let (mut index, mut low) = (vec![UNSEEN; n], vec![0u32; n]);
        let mut comp = vec![UNSEEN; n];
        let (mut stack, mut on_stack) = (Vec::new(), vec![false; n]);
        let (mut next, mut comps, mut nontrivial) = (0u32, 0u32, Vec::new());
        // (node, position in its out-edges)
        let mut calls: Vec<(u32, usize)> = Vec::new();
        for root in 0..n as u32 {
            if index[root as usize] != UNSEEN {
                continue;
            }
            calls.push((root, 0));
            while let Some(&mut (a, ref mut pos)) = calls.last_mut() {
                let ai = a as usize;
                if *pos == 0 && index[ai] == UNSEEN {
                    index[ai] = next;
                    low[ai] = next;
                    next += 1;
                    stack.push(a);
                    on_stack[ai] = true;
                }
                let outs = self.out(a);
                if let Some(&e) = outs.get(*pos) {
                    *pos += 1;
                    let b = self.edges[e as usize].to;
                    let bi = b as usize;
                    if index[bi] == UNSEEN {
                        calls.push((b, 0));
                    } else if on_stack[bi] {
                        low[ai] = low[ai].min(index[bi]);
                    }
                    continue;
                }
                calls.pop();
                if let Some(&(parent, _)) = calls.last() {
                    low[parent as usize] = low[parent as usize].min(low[ai]);
                }
                if low[ai] == index[ai] {
                    let mut members = Vec::new();
                    loop {
                        let m = stack.pop().expect("a's component is on the stack");
                        on_stack[m as usize] = false;
                        comp[m as usize] = comps;
                        members.push(m);
                        if m == a {
                            break;
                        }
                    }
                    if members.len() > 1 {
                        members.sort_unstable();
                        nontrivial.push(members);
                    }
                    comps += 1;
                }
            }
        }
        nontrivial.sort_unstable_by_key(|m| m[0]);
        (comp, nontrivial)
    }

    /// A shortest path from `from` to `to` over edges of kinds in `mask`
    /// whose nodes are all in component `c` (by `comp`), as edge indices.
    pub fn path(
        &self,
        from: u32,
        to: u32,
        mask: u8,
        (comp, c): (&[u32], u32),
        steps: &mut Steps,
    ) -> Option<Vec<u32>> {
        if from == to {
            return Some(Vec::new());
        }
        let mut came: crate::fxhash::FxMap<u32, u32> = crate::fxhash::FxMap::default();
        let mut frontier = vec![from];
        let mut head = 0;
        while let Some(&a) = frontier.get(head) {
            head += 1;
            for &e in self.out(a) {
                if !steps.take() {
                    return None;
                }
                let edge = &self.edges[e as usize];
                let b = edge.to;
                if edge.kind.bit() & mask == 0
                    || comp[b as usize] != c
                    || b == from
                    || came.contains_key(&b)
                {
                    continue;
                }
                came.insert(b, e);
                if b == to {
                    return Some(self.unwind(&came, from, to));
                }
                frontier.push(b);
            }
        }
        None
    }

    fn unwind(&self, came: &crate::fxhash::FxMap<u32, u32>, from: u32, to: u32) -> Vec<u32> {
        let mut path = Vec::new();
        let mut at = to;
        while at != from {
            let e = came[&at];
            path.push(e);
            at = self.edges[e as usize].from;
        }
        path.reverse();
        path
    }

    /// A shortest cycle through `a` over edges in `mask`, within `a`'s
    /// component: one breadth-first search from `a` until an edge leads
    /// back to it.
    pub fn cycle_through(
        &self,
        a: u32,
        mask: u8,
        comp: &[u32],
        steps: &mut Steps,
    ) -> Option<Vec<u32>> {
        let c = comp[a as usize];
        let mut came: crate::fxhash::FxMap<u32, u32> = crate::fxhash::FxMap::default();
        let mut frontier = vec![a];
        let mut head = 0;
        while let Some(&x) = frontier.get(head) {
            head += 1;
            for &e in self.out(x) {
                if !steps.take() {
                    return None;
                }
                let edge = &self.edges[e as usize];
                let b = edge.to;
                if edge.kind.bit() & mask == 0 || comp[b as usize] != c {
                    continue;
                }
                if b == a {
                    let mut cycle = self.unwind(&came, a, x);
                    cycle.push(e);
                    return Some(cycle);
                }
                if came.contains_key(&b) {
                    continue;
                }
                came.insert(b, e);
                frontier.push(b);
            }
        }
        None
    }
}

/// The anomaly a cycle (as edge indices) is.
pub fn anomaly_of(edges: &[Edge], cycle: &[u32]) -> Anomaly {
    let steps: Vec<Edge> = cycle.iter().map(|&e| edges[e as usize]).collect();
    let count = |k: EdgeKind| steps.iter().filter(|e| e.kind == k).count();
    let order = if count(EdgeKind::Realtime) > 0 {
        Closure::Realtime
    } else if count(EdgeKind::Process) > 0 {
        Closure::Process
    } else {
        Closure::None
    };
    let kind = AnomalyKind::of_cycle(count(EdgeKind::Rw), count(EdgeKind::Wr), order);
    Anomaly {
        kind,
        txns: steps.iter().map(|e| e.from).collect(),
        cycle: steps,
        detail: String::new(),
    }
}

/// Bits of the edge kinds.
pub const WW: u8 = EdgeKind::Ww.bit();
/// The write-read bit.
pub const WR: u8 = EdgeKind::Wr.bit();
/// The read-write bits: an rw edge, and the via edges that continue an
/// rw edge into a fan-out node out to each write it stands for.
pub const RW: u8 = EdgeKind::Rw.bit() | VIA;
/// The via bit alone.
pub const VIA: u8 = EdgeKind::Via.bit();
/// The real-time bit.
pub const RT: u8 = EdgeKind::Realtime.bit();
/// The process-order bit.
pub const PO: u8 = EdgeKind::Process.bit();
