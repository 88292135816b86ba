//! Raft's safety properties (Figure 3 of the paper), checked after every
//! event as one monitor, [`safety`]. Election safety, leader completeness and
//! state-machine safety are claims about the whole run, so they remember what
//! they have seen; log matching is a claim about the present logs.

use super::node::{RaftKv, Role};
use sim::{live_nodes, NodeId, NodeTable};
use std::collections::BTreeMap;

/// What each node looked like at the last check, so that a check can look
/// only at the nodes an event changed in a way it cares about. Only nodes
/// whose [`NodeTable::node_version`] moved are viewed at all.
struct Changes<T> {
    seen: Vec<(u64, Option<T>)>,
    changed: Vec<NodeId>,
}

impl<T: PartialEq> Changes<T> {
    fn new() -> Self {
        Changes {
            seen: Vec::new(),
            changed: Vec::new(),
        }
    }

    /// The nodes whose `view` differs from the last call's (a crashed node's
    /// view is `None`); records the new views.
    fn of(&mut self, sim: &dyn NodeTable<RaftKv>, view: impl Fn(&RaftKv) -> T) -> &[NodeId] {
        let n = sim.node_count();
        if self.seen.len() != n {
            self.seen = (0..n).map(|_| (u64::MAX, None)).collect();
        }
        self.changed.clear();
        for (i, (version, seen)) in self.seen.iter_mut().enumerate() {
            let id = NodeId::from(i);
            let v = sim.node_version(id);
            if *version == v {
                continue;
            }
            *version = v;
            let now = sim.node(id).map(&view);
            if *seen != now {
                *seen = now;
                self.changed.push(id);
            }
        }
        &self.changed
    }
}

/// The parts of a node's log the log checks read: its length and last hash.
fn log_view(n: &RaftKv) -> (u64, Option<u64>) {
    let last = n.log().last_index();
    (last, n.log().prefix_hash(last))
}

/// What the safety checks read of a node: term, role, commit index, and its
/// log's length and last hash. Events that change none of these (most of
/// them) cost the checks nothing more.
type View = (u64, Option<NodeId>, Role, u64, (u64, Option<u64>));
fn view(n: &RaftKv) -> View {
    (
        n.term(),
        n.voted_for(),
        n.role(),
        n.commit_index(),
        log_view(n),
    )
}

/// The four safety properties, by name, in the order [`safety`] checks them.
pub const PROPERTIES: [&str; 4] = [
    "election safety",
    "log matching",
    "leader completeness",
    "state machine safety",
];

/// All four of Raft's safety properties as one monitor (one pass over the
/// nodes per event); a failure names the property.
pub fn safety() -> impl FnMut(&dyn NodeTable<RaftKv>) -> Result<(), String> {
    let mut changes = Changes::new();
    let mut election = election_safety();
    let mut matching = log_matching();
    let mut completeness = leader_completeness();
    let mut state_machine = state_machine_safety();
    move |sim| {
        let changed = changes.of(sim, view);
        if changed.is_empty() {
            return Ok(());
        }
        let with = |name: &str, r: Result<(), String>| r.map_err(|e| format!("{name}: {e}"));
        let [election_name, matching_name, completeness_name, state_machine_name] = PROPERTIES;
        with(election_name, election(sim, changed))?;
        with(matching_name, matching(sim, changed))?;
        with(completeness_name, completeness(sim, changed))?;
        with(state_machine_name, state_machine(sim, changed))
    }
}

/// A check given the nodes that changed since its last call.
type Check = Box<dyn FnMut(&dyn NodeTable<RaftKv>, &[NodeId]) -> Result<(), String> + Send>;

/// Election safety: at most one leader per term, over the whole run; and
/// the lemma it rests on, that a vote once cast is never withdrawn or
/// changed within its term, across restarts too (the paper's `votedFor` is
/// persistent state), unless its node forfeited voting to a damaged disk.
fn election_safety() -> Check {
    let mut leaders: BTreeMap<u64, NodeId> = BTreeMap::new();
    // Per node and term: the vote seen while it was up, over the whole run.
    let mut votes: BTreeMap<(NodeId, u64), NodeId> = BTreeMap::new();
    // Per node: the term and vote last seen.
    let mut last: BTreeMap<NodeId, (u64, NodeId)> = BTreeMap::new();
    Box::new(move |sim, changed| {
        for &id in changed {
            let Some(node) = sim.node(id) else { continue };
            if let Some(&(term, vote)) = last.get(&id) {
                // A node that forfeited its vote to a damaged disk has no
                // vote to show, and never casts another.
                let forfeited = node.voted_for().is_none() && node.forfeited();
                if node.term() == term && node.voted_for() != Some(vote) && !forfeited {
                    return Err(format!(
                        "{id} voted for {vote} in term {term}, and then its vote was {:?}",
                        node.voted_for().map(|v| v.to_string())
                    ));
                }
            }
            if let Some(vote) = node.voted_for() {
                let first = *votes.entry((id, node.term())).or_insert(vote);
                if first != vote {
                    return Err(format!(
                        "{id} voted twice in term {}: for {first}, then for {vote}",
                        node.term()
                    ));
                }
                last.insert(id, (node.term(), vote));
            }
            if node.role() != Role::Leader {
                continue;
            }
            let first = *leaders.entry(node.term()).or_insert(id);
            if first != id {
                return Err(format!(
                    "{first} and {id} were both leader in term {}",
                    node.term()
                ));
            }
        }
        Ok(())
    })
}

/// Log matching: if two logs hold an entry with the same index and term, they
/// are identical up to that index. Each changed log is compared with the others.
fn log_matching() -> Check {
    Box::new(move |sim, changed| {
        for &a in changed {
            let Some(x) = sim.node(a) else { continue };
            for (b, y) in live_nodes(sim).filter(|&(b, _)| b != a) {
                let (lx, ly) = (x.log(), y.log());
                // The highest index where the terms agree covers every lower one.
                let mut n = lx.last_index().min(ly.last_index());
                while n > 0 && lx.term_at(n) != ly.term_at(n) {
                    n -= 1;
                }
                if lx.prefix_hash(n) != ly.prefix_hash(n) {
                    return Err(format!(
                        "{a} and {b} both hold an entry of term {} at index {n}, \
                         but their logs differ before it",
                        lx.term_at(n).unwrap_or(0)
                    ));
                }
            }
        }
        Ok(())
    })
}

/// Leader completeness: an entry committed in a term is in the log of every
/// leader of a later term. Remembers, per term, the highest commit seen.
fn leader_completeness() -> Check {
    // term -> (index, prefix hash) of the highest commit seen in that term.
    let mut commits: BTreeMap<u64, (u64, u64)> = BTreeMap::new();
    Box::new(move |sim, changed| {
        let mut new_commit = false;
        for &id in changed {
            let Some(node) = sim.node(id) else { continue };
            let c = node.commit_index();
            if let Some(hash) = node.log().prefix_hash(c).filter(|_| c > 0) {
                let slot = commits.entry(node.term()).or_insert((0, 0));
                if c > slot.0 {
                    *slot = (c, hash);
                    new_commit = true;
                }
            }
        }
        for (id, node) in live_nodes(sim) {
            if node.role() != Role::Leader || !(new_commit || changed.contains(&id)) {
                continue;
            }
            let earlier = commits.range(..node.term()).next_back();
            if let Some((&term, &(index, hash))) = earlier {
                if node.log().prefix_hash(index) != Some(hash) {
                    return Err(format!(
                        "{id}, leader of term {}, lacks entries committed up to \
                         index {index} in term {term}",
                        node.term()
                    ));
                }
            }
        }
        Ok(())
    })
}

/// State-machine safety: no two nodes apply different entries at one index.
/// Remembers the committed log's prefix hashes as nodes commit.
fn state_machine_safety() -> Check {
    // committed[i - 1]: the prefix hash of the committed log up to index i,
    // and the node that first committed that far.
    let mut committed: Vec<(u64, NodeId)> = Vec::new();
    Box::new(move |sim, changed| {
        for &id in changed {
            let Some(node) = sim.node(id) else { continue };
            let c = node.commit_index();
            if c == 0 {
                continue;
            }
            let log = node.log();
            if log.prefix_hash(c).is_none() {
                return Err(format!(
                    "{id} has commit index {c} but its log ends at {}",
                    log.last_index()
                ));
            };
            let known = committed.len() as u64;
            let check_at = c.min(known);
            if check_at > 0 {
                let (expected, first) = committed[check_at as usize - 1];
                if log.prefix_hash(check_at) != Some(expected) {
                    return Err(format!(
                        "{id} committed a different log up to index {check_at} than {first} did"
                    ));
                }
            }
            for i in known + 1..=c {
                let h = log.prefix_hash(i).expect("i <= c <= last");
                committed.push((h, id));
            }
        }
        Ok(())
    })
}
