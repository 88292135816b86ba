//! Finding the cycles of a dependency graph and naming them, as Adya's
//! phenomena: per strongly connected component, a G0 cycle (ww only),
//! a G1c cycle (ww and wr, one wr or more), a G-single cycle (exactly one
//! rw), or else a G-nonadjacent cycle (two rw or more, none adjacent: what
//! snapshot isolation forbids, by Cerone and Gotsman's characterisation),
//! or else a G2-item cycle (two rw or more). Then, with process-order
//! edges added, the components that only process order closes, named as
//! the `-process` forms, and with real-time edges, those only real time
//! closes (`-realtime`). Each cycle reported is a shortest one through the
//! node or edge it was searched from.
//!
//! [`closed_by`] answers, for the lattice, which cycle classes an order
//! closes at all: it decides presence, where `find` gives examples.
//!
//! One edge list holds every kind, and each search takes the kinds it
//! needs by mask. Past the transactions (`0..txns`) the graph may have
//! virtual nodes (real time's barriers, see [`super::orders`]); a cycle
//! through them is reported with each run of edges through virtual nodes
//! folded into one edge between transactions.

use super::anomaly::{Anomaly, Closure, Edge, EdgeKind};
use super::graph::{anomaly_of, Graph, Steps, PO, RT, RW, VIA, WR, WW};
use crate::fxhash::FxMap;
use std::collections::BTreeSet;

/// The cycles of the graph over `edges` of `nodes` nodes, `txns` of them
/// transactions: those of the dependencies (ww, wr, rw) and those only
/// process order, or else only real time, closes.
pub fn find(txns: usize, nodes: usize, edges: &[Edge], steps: &mut Steps) -> Vec<Anomaly> {
    let n = nodes;
    let full = Graph::new(n, edges, WW | WR | RW);
    let (comp, nontrivial) = full.components();
    let mut found = Vec::new();
    if !nontrivial.is_empty() {
        found.extend(without_antidependency(n, edges, WW, steps));
        found.extend(
            without_antidependency(n, edges, WW | WR, steps)
                .into_iter()
                .filter(|a| a.cycle.iter().any(|e| e.kind == EdgeKind::Wr)),
        );
        let rw_inside = internal_edges(edges, EdgeKind::Rw, &comp);
        // Built once, and only if some component could hold a G-nonadjacent.
        let arcs = rw_inside.values().any(|rws| rws.len() >= 2).then(|| {
            product_edges(edges, |e| {
                e.kind.bit() & (WW | WR | RW) != 0 && comp[e.from as usize] == comp[e.to as usize]
            })
        });
        let walks = arcs.as_ref().map(|a| Walks::new(n, a));
        // The ways back from an rw edge: ww and wr, and via out of the
        // fan-out node an rw edge may end at.
        let back = Graph::new(n, edges, WW | WR | VIA);
        for members in &nontrivial {
            let c = comp[members[0] as usize];
            let already = found.iter().any(|a| comp[a.txns[0] as usize] == c);
            let rws = rw_inside.get(&c).map_or(&[][..], Vec::as_slice);
            let found_here = single_antidependency(&back, edges, rws, &comp, steps)
                .or_else(|| walks.as_ref()?.nonadjacent(edges, rws, steps));
            match found_here {
                Some(a) => found.push(a),
                None if !already && !steps.exhausted => {
                    if let Some(cycle) = full.cycle_through(members[0], WW | WR | RW, &comp, steps)
                    {
                        found.push(anomaly_of(edges, &cycle));
                    }
                }
                None => {}
            }
        }
    }
    let mut cyclic = cyclic_members(n, &comp);
    for order in [PO, RT] {
        if edges.iter().any(|e| e.kind.bit() == order) {
            found.extend(closed_only_by(txns, n, edges, order, &mut cyclic, steps));
        }
    }
    found
        .into_iter()
        .map(|a| fold_virtual(a, txns as u32))
        .collect()
}

/// Whether each node is in a component with a cycle.
fn cyclic_members(n: usize, comp: &[u32]) -> Vec<bool> {
    let mut sizes = vec![0u32; n];
    for &c in comp {
        sizes[c as usize] += 1;
    }
    comp.iter().map(|&c| sizes[c as usize] > 1).collect()
}

/// One cycle per component of the graph over edges in `mask` alone.
fn without_antidependency(n: usize, edges: &[Edge], mask: u8, steps: &mut Steps) -> Vec<Anomaly> {
    let graph = Graph::new(n, edges, mask);
    let (comp, nontrivial) = graph.components();
    let wr_inside = if mask & WR != 0 {
        internal_edges(edges, EdgeKind::Wr, &comp)
    } else {
        FxMap::default()
    };
    let mut found = Vec::new();
    for members in nontrivial {
        // For G1c, start from a wr edge inside the component, if any.
        let start = wr_inside
            .get(&comp[members[0] as usize])
            .and_then(|v| v.first())
            .map(|&e| e as usize);
        let cycle = match start {
            Some(e) => {
                let edge = edges[e];
                graph
                    .path(
                        edge.to,
                        edge.from,
                        mask,
                        (&comp, comp[edge.from as usize]),
                        steps,
                    )
                    .map(|rest| {
                        let mut c = vec![e as u32];
                        c.extend(rest);
                        c
                    })
            }
            None => graph.cycle_through(members[0], mask, &comp, steps),
        };
        if let Some(cycle) = cycle {
            found.push(anomaly_of(edges, &cycle));
        }
    }
    found
}

/// The edges of `kind` whose ends share a component, by component.
fn internal_edges(edges: &[Edge], kind: EdgeKind, comp: &[u32]) -> FxMap<u32, Vec<u32>> {
    let mut by_comp: FxMap<u32, Vec<u32>> = FxMap::default();
    for (i, e) in edges.iter().enumerate() {
        if e.kind == kind && comp[e.from as usize] == comp[e.to as usize] {
            by_comp
                .entry(comp[e.from as usize])
                .or_default()
                .push(i as u32);
        }
    }
    by_comp
}

/// A cycle with exactly one rw edge among `rws` (the component's internal
/// rw edges): an rw edge `a → b` and a path back from `b` to `a` over ww
/// and wr (and, out of a fan-out node `b`, via), in `back`, the graph of
/// those kinds.
fn single_antidependency(
    back: &Graph<'_>,
    edges: &[Edge],
    rws: &[u32],
    comp: &[u32],
    steps: &mut Steps,
) -> Option<Anomaly> {
    let mut best: Option<Vec<u32>> = None;
    for &i in rws {
        let e = &edges[i as usize];
        let c = comp[e.from as usize];
        if let Some(rest) = back.path(e.to, e.from, WW | WR | VIA, (comp, c), steps) {
            if best.as_ref().is_none_or(|b| rest.len() + 1 < b.len()) {
                let mut cycle = vec![i];
                cycle.extend(rest);
                best = Some(cycle);
                if best.as_ref().is_some_and(|b| b.len() <= 2) {
                    break;
                }
            }
        }
        if steps.exhausted {
            break;
        }
    }
    best.map(|cycle| anomaly_of(edges, &cycle))
}

/// The graph whose nodes are (transaction, whether the last edge was rw),
/// node `2 * t + last_rw`: ww and wr lead to a node reached by them from
/// either kind of node; rw leads to a node reached by rw, and only from a
/// node not so reached. A closed walk through an rw arc is a cycle in which
/// no two rw edges are adjacent, going round; such a walk exists exactly
/// when `(ww ∪ wr) ; rw?` has a cycle, which is what rules out snapshot
/// isolation (Cerone and Gotsman).
struct Walks<'p> {
    arcs: &'p Arcs,
    graph: Graph<'p>,
    comp: Vec<u32>,
}

/// The product graph's arcs: each arc, the edge it stands for, and each
/// edge's rw arc (`u32::MAX`: none).
struct Arcs {
    product: Vec<Edge>,
    origin: Vec<u32>,
    rw_arc: Vec<u32>,
}

impl<'p> Walks<'p> {
    fn new(n: usize, arcs: &'p Arcs) -> Walks<'p> {
        let graph = Graph::new(2 * n, &arcs.product, WW | WR | RW | RT | PO);
        let (comp, _) = graph.components();
        Walks { arcs, graph, comp }
    }

    /// A shortest closed walk through one of `rws` (a component's internal
    /// rw edges) with no two rw edges adjacent; it may pass a transaction
    /// twice. Two rw edges or more make it G-nonadjacent (one is G-single).
    fn nonadjacent(&self, edges: &[Edge], rws: &[u32], steps: &mut Steps) -> Option<Anomaly> {
        if rws.len() < 2 {
            return None;
        }
        let mut best: Option<Vec<u32>> = None;
        for &i in rws {
            let p = self.arcs.rw_arc[i as usize];
            let e = &self.arcs.product[p as usize];
            let c = self.comp[e.from as usize];
            if c != self.comp[e.to as usize] {
                continue;
            }
            if let Some(rest) = self
                .graph
                .path(e.to, e.from, WW | WR | RW, (&self.comp, c), steps)
            {
                if best.as_ref().is_none_or(|b| rest.len() + 1 < b.len()) {
                    let mut cycle = vec![i];
                    cycle.extend(rest.iter().map(|&q| self.arcs.origin[q as usize]));
                    best = Some(cycle);
                }
            }
            if steps.exhausted || best.as_ref().is_some_and(|b| b.len() <= 4) {
                break;
            }
        }
        let mut anomaly = anomaly_of(edges, &best?);
        let rw = anomaly
            .cycle
            .iter()
            .filter(|e| e.kind == EdgeKind::Rw)
            .count();
        assert!(rw >= 1, "a walk that starts with an rw edge has one");
        if rw >= 2 {
            anomaly.kind = super::anomaly::AnomalyKind::GNonadjacent;
        }
        Some(anomaly)
    }
}

/// The arcs of [`Walks`]' graph for the edges that `keep` keeps.
fn product_edges(edges: &[Edge], keep: impl Fn(&Edge) -> bool) -> Arcs {
    let mut arcs = Arcs {
        product: Vec::new(),
        origin: Vec::new(),
        rw_arc: vec![u32::MAX; edges.len()],
    };
    for (i, e) in edges.iter().enumerate().filter(|(_, e)| keep(e)) {
        let (a, b) = (2 * e.from, 2 * e.to);
        let pairs: &[(u32, u32)] = match e.kind {
            EdgeKind::Rw => &[(a, b + 1)],
            // A via edge goes on with the rw edge that reached its node.
            EdgeKind::Via => &[(a + 1, b + 1)],
            EdgeKind::Ww | EdgeKind::Wr | EdgeKind::Realtime | EdgeKind::Process => {
                &[(a, b), (a + 1, b)]
            }
        };
        if e.kind == EdgeKind::Rw {
            arcs.rw_arc[i] = arcs.product.len() as u32;
        }
        for &(from, to) in pairs {
            arcs.product.push(Edge { from, to, ..*e });
            arcs.origin.push(i as u32);
        }
    }
    arcs
}

/// Cycles that the edges of `order` (its bit) close in components with no
/// cycle already (`cyclic`), which then marks their members.
fn closed_only_by(
    txns: usize,
    n: usize,
    edges: &[Edge],
    order: u8,
    cyclic: &mut [bool],
    steps: &mut Steps,
) -> Vec<Anomaly> {
    let mask = WW | WR | RW | order;
    let graph = Graph::new(n, edges, mask);
    let (comp, nontrivial) = graph.components();
    let mut found = Vec::new();
    for members in nontrivial {
        if members.iter().any(|&m| cyclic[m as usize]) {
            continue; // its cycles are reported already
        }
        let start = members.iter().copied().find(|&m| (m as usize) < txns);
        let cycle = start.and_then(|a| graph.cycle_through(a, mask, &comp, steps));
        if let Some(cycle) = cycle {
            found.push(anomaly_of(edges, &cycle));
        }
        for &m in &members {
            cyclic[m as usize] = true;
        }
    }
    found
}

/// A cycle with each run of edges through virtual nodes (`txns` and
/// past) folded into one edge between transactions, of the run's first
/// edge's kind.
fn fold_virtual(mut anomaly: Anomaly, txns: u32) -> Anomaly {
    let steps = &anomaly.cycle;
    let Some(start) = steps.iter().position(|e| e.from < txns) else {
        return anomaly;
    };
    let mut folded: Vec<Edge> = Vec::new();
    for i in 0..steps.len() {
        let e = steps[(start + i) % steps.len()];
        match folded.last_mut() {
            Some(last) if last.to >= txns => {
                last.to = e.to;
                last.next = e.next;
            }
            _ => folded.push(e),
        }
    }
    anomaly.txns = folded.iter().map(|e| e.from).collect();
    anomaly.cycle = folded;
    anomaly
}

/// Each node's strongly connected component over every kind of edge, or
/// `None` when the graph has no cycle (then no class of cycle is present,
/// plain or closed by an order).
pub fn components_if_cyclic(n: usize, edges: &[Edge]) -> Option<Vec<u32>> {
    let (comp, nontrivial) = Graph::new(n, edges, WW | WR | RW | PO | RT).components();
    (!nontrivial.is_empty()).then_some(comp)
}

/// Whether two distinct transactions of one group (see
/// [`super::infer::Inference::unordered`]; a constraint's three count as a
/// group) share a strongly connected component (`comp`, from
/// [`components_if_cyclic`]). When none do, orienting each unknown order along a
/// topological order of the components closes no new cycle.
pub fn unordered_in_a_cycle(comp: &[u32], groups: &[Vec<u32>], constraints: &[[u32; 3]]) -> bool {
    let shared = |members: &[u32]| {
        let mut ids: Vec<u32> = members.iter().map(|&t| comp[t as usize]).collect();
        ids.sort_unstable();
        ids.windows(2).any(|w| w[0] == w[1])
    };
    let distinct = |c: &[u32; 3]| {
        let mut c = *c;
        c.sort_unstable();
        c.windows(2).all(|w| w[0] != w[1])
    };
    groups.iter().any(|g| shared(g)) || constraints.iter().any(|c| distinct(c) && shared(&c[..]))
}

/// The cycle classes present in the graph, by Elle's names, beyond those
/// `shown` (the examples found, with all they imply): plain, and, unless a
/// plain G0 already implies all a model could ask of them, those process
/// order and real time close ([`closed_by`]).
pub fn present(n: usize, edges: &[Edge], shown: &BTreeSet<&'static str>) -> Vec<&'static str> {
    let mut known = shown.clone();
    let mut found = Vec::new();
    for closure in [Closure::None, Closure::Process, Closure::Realtime] {
        if closure != Closure::None && known.contains("G0") {
            break;
        }
        let here = closed_by(n, edges, closure, &known);
        known.extend(super::lattice::implied_anomalies(here.iter().copied()));
        found.extend(here);
    }
    found
}

/// The cycle classes that process order or real time (`closure`, or
/// neither) closes among `edges` of `n` nodes, by Elle's names with its
/// suffix: G1c if ww, wr and the order have a cycle, and then G0 if ww and
/// the order alone do. Else, if every kind together has a cycle, G2-item,
/// and G-nonadjacent-item if a cycle through the order has rw edges none
/// of them adjacent. (Past a G1c the other classes decide nothing more:
/// every model that proscribes them proscribes G1 of the same order.) A
/// class already `known` is not searched for again. A class found may be
/// the plain one, with no edge of the order in it; that one implies the
/// suffixed one, so the answer stands.
pub fn closed_by(
    n: usize,
    edges: &[Edge],
    closure: Closure,
    known: &BTreeSet<&'static str>,
) -> Vec<&'static str> {
    let (order, names): (u8, [&'static str; 4]) = match closure {
        Closure::Process => (
            PO,
            [
                "G0-process",
                "G1c-process",
                "G-nonadjacent-item-process",
                "G2-item-process",
            ],
        ),
        Closure::Realtime => (
            RT,
            [
                "G0-realtime",
                "G1c-realtime",
                "G-nonadjacent-item-realtime",
                "G2-item-realtime",
            ],
        ),
        Closure::None => (0, ["G0", "G1c", "G-nonadjacent-item", "G2-item"]),
    };
    let cyclic = |mask: u8| !Graph::new(n, edges, mask).components().1.is_empty();
    let some_known = names.iter().any(|a| known.contains(a));
    if !some_known && !cyclic(WW | WR | RW | order) {
        return Vec::new(); // no cycle at all
    }
    if known.contains(names[1]) || cyclic(WW | WR | order) {
        let g0 = known.contains(names[0]) || cyclic(WW | order);
        return if g0 {
            vec![names[1], names[0]]
        } else {
            vec![names[1]]
        };
    }
    if known.contains(names[2]) {
        return vec![names[3], names[2]];
    }
    let mut found = vec![names[3]];
    let arcs = product_edges(edges, |e| e.kind.bit() & (WW | WR | RW | order) != 0);
    let walks = Walks::new(n, &arcs);
    let nonadjacent = arcs.rw_arc.iter().filter(|&&p| p != u32::MAX).any(|&p| {
        let e = &arcs.product[p as usize];
        walks.comp[e.from as usize] == walks.comp[e.to as usize]
    });
    if nonadjacent {
        found.push(names[2]);
    }
    found
}
