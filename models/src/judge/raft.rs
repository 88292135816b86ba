//! Raft's safety, judged after every event from what any Raft library
//! shows: each node's term, whether it leads, its commit index, and the
//! term of each entry of its log.
//!
//! - **election safety**: at most one node leads in a term;
//! - **state machine safety**: the committed prefix never changes. The
//!   first node to commit index `i` fixes the term of entry `i`; every
//!   other commit of `i` must name the same term, and no node may later
//!   hold another entry (or none) at an index it committed; and a node's
//!   commit index never moves back while it runs;
//! - **library contract**: the library reported no error of its own.

use sim::{Node, NodeId, Simulation};
use std::collections::BTreeMap;

/// What the safety judge reads of a Raft node.
pub trait RaftView {
    /// The node's current term.
    fn term(&self) -> u64;
    /// True while it believes it leads.
    fn leads(&self) -> bool;
    /// The index of its last committed entry (0: none).
    fn commit_index(&self) -> u64;
    /// The term of its log entry at `index`, if it holds one (for a
    /// library whose entries carry no term, another number that names the
    /// entry: see [`RaftView::entry_name`]).
    fn entry_term(&self, index: u64) -> Option<u64>;
    /// What [`RaftView::entry_term`] gives, for failure messages: "term".
    fn entry_name(&self) -> &'static str {
        "term"
    }
    /// An error the library returned, if any.
    fn library_error(&self) -> Option<&str> {
        None
    }
}

/// The properties [`safety`] checks, by the names its failures start with.
pub const PROPERTIES: [&str; 3] = [
    "election safety",
    "state machine safety",
    "library contract",
];

/// The safety monitor over the nodes that `view` shows as running a Raft:
/// remembers who led each term, the term of every committed index, and how
/// far it has checked each node's commits.
pub fn safety<N: Node>(
    view: fn(&N) -> Option<&dyn RaftView>,
) -> impl FnMut(&Simulation<N>) -> Result<(), String> {
    let mut leaders: BTreeMap<u64, NodeId> = BTreeMap::new();
    let mut committed: Vec<u64> = Vec::new();
    let mut checked: BTreeMap<NodeId, u64> = BTreeMap::new();
    let mut running: BTreeMap<NodeId, u64> = BTreeMap::new();
    move |sim: &Simulation<N>| {
        let live: Vec<_> = sim
            .live_nodes()
            .filter_map(|(id, n)| Some((id, view(n)?)))
            .collect();
        running.retain(|id, _| live.iter().any(|(l, _)| l == id));
        for &(id, node) in &live {
            never_back(id, node.commit_index(), &mut running)?;
            if let Some(e) = node.library_error() {
                return Err(format!("library contract: {id} returned an error: {e}"));
            }
            if node.leads() {
                let first = *leaders.entry(node.term()).or_insert(id);
                if first != id {
                    let term = node.term();
                    return Err(format!(
                        "election safety: {first} and {id} both led term {term}"
                    ));
                }
            }
            let seen = checked.entry(id).or_insert(0);
            commits(id, node, seen, &mut committed)?;
        }
        Ok(())
    }
}

/// Checks that a node's commit index has not moved back since the node
/// last started: what it once called committed stays committed while it
/// runs (a restart may rebuild it from less).
fn never_back(id: NodeId, commit: u64, running: &mut BTreeMap<NodeId, u64>) -> Result<(), String> {
    let before = running.insert(id, commit).unwrap_or(0);
    if commit < before {
        return Err(format!(
            "state machine safety: {id}'s commit index moved back from {before} to {commit} while it ran"
        ));
    }
    Ok(())
}

/// Checks the node's commits past `seen` against `committed`, extends it,
/// and checks that the node still holds the entry it committed last.
fn commits(
    id: NodeId,
    node: &dyn RaftView,
    seen: &mut u64,
    committed: &mut Vec<u64>,
) -> Result<(), String> {
    let commit = node.commit_index();
    *seen = (*seen).min(commit);
    if *seen > 0 {
        let index = *seen;
        let fixed = committed[index as usize - 1];
        if node.entry_term(index) != Some(fixed) {
            let name = node.entry_name();
            let now = node
                .entry_term(index)
                .map_or("none".into(), |t| format!("{name} {t}"));
            return Err(format!(
                "state machine safety: {id} committed index {index} at {name} {fixed}, and now holds {now} there"
            ));
        }
    }
    for index in *seen + 1..=commit {
        let Some(term) = node.entry_term(index) else {
            return Err(format!(
                "state machine safety: {id} committed index {index} but holds no entry there"
            ));
        };
        match committed.get(index as usize - 1) {
            Some(&fixed) if fixed != term => {
                let name = node.entry_name();
                return Err(format!(
                    "state machine safety: {id} committed index {index} at {name} {term}, but it was committed at {name} {fixed}"
                ));
            }
            Some(_) => {}
            None => {
                assert_eq!(
                    committed.len() as u64,
                    index - 1,
                    "commits are checked in order"
                );
                committed.push(term);
            }
        }
    }
    *seen = commit;
    Ok(())
}

/// The live node that leads in the highest term, among those `view` shows
/// as running a Raft: what focused faults hit.
pub fn leader<N: Node>(
    sim: &Simulation<N>,
    view: fn(&N) -> Option<&dyn RaftView>,
) -> Option<NodeId> {
    sim.live_nodes()
        .filter_map(|(id, n)| Some((id, view(n)?)))
        .filter(|(_, r)| r.leads())
        .max_by_key(|(_, r)| r.term())
        .map(|(id, _)| id)
}
