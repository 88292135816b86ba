//! What a membership protocol (SWIM) is held to, read from outside it:
//!
//! - **converged**: healed, every live member sees every other live member,
//!   at its current identity, as alive;
//! - **message rate**: no member sends more than a bound of messages in
//!   any second of virtual time (the true time, not the member's clock),
//!   so a storm is a failure, not a slow run.

use sim::{Node, NodeId, SimDuration, SimTime, Simulation};
use std::collections::{BTreeMap, VecDeque};

/// What the membership judges read of a member.
pub trait MemberView {
    /// Its own node and generation.
    fn identity(&self) -> (usize, u32);
    /// The members it knows: node, generation, incarnation, and whether it
    /// holds them alive.
    fn members(&self) -> Vec<(usize, u32, u16, bool)>;
    /// Messages it has sent since it started.
    fn sent(&self) -> u64;
}

/// Every live member sees every other live member, at its current
/// identity, as alive.
pub fn converged<N: Node>(
    sim: &Simulation<N>,
    view: fn(&N) -> Option<&dyn MemberView>,
) -> Result<(), String> {
    let live: Vec<(NodeId, &dyn MemberView)> = sim
        .live_nodes()
        .filter_map(|(id, n)| Some((id, view(n)?)))
        .collect();
    for (a, member) in &live {
        let known = member.members();
        for (b, other) in live.iter().filter(|(b, _)| b != a) {
            let (node, generation) = other.identity();
            if !known
                .iter()
                .any(|&(n, g, _, alive)| (n, g, alive) == (node, generation, true))
            {
                let holds: Vec<String> = known
                    .iter()
                    .filter(|k| k.0 == node)
                    .map(|&(_, g, i, alive)| {
                        let state = if alive { "alive" } else { "suspect" };
                        format!("generation {g} {state} at incarnation {i}")
                    })
                    .collect();
                let holds = if holds.is_empty() {
                    "nothing of it".to_string()
                } else {
                    holds.join(", ")
                };
                return Err(format!(
                    "{a} does not see {b} (generation {generation}) as alive: it holds {holds}"
                ));
            }
        }
    }
    Ok(())
}

/// The names of the properties [`rate`] checks.
pub const RATE: [&str; 1] = ["message rate"];

/// A monitor: no member sends more than `bound` messages in any second.
pub fn rate<N: Node>(
    view: fn(&N) -> Option<&dyn MemberView>,
    bound: u64,
) -> impl FnMut(&Simulation<N>) -> Result<(), String> {
    let second = SimDuration::from_secs(1);
    // Per node: (true time, messages sent so far) over the last second.
    let mut seen: BTreeMap<NodeId, VecDeque<(SimTime, u64)>> = BTreeMap::new();
    move |sim: &Simulation<N>| {
        let now = sim.now();
        for (id, member) in sim.live_nodes().filter_map(|(id, n)| Some((id, view(n)?))) {
            let samples = seen.entry(id).or_default();
            let sent = member.sent();
            if samples.back().is_some_and(|&(_, s)| s > sent) {
                samples.clear(); // restarted: its count began again
            }
            samples.push_back((now, sent));
            while samples.front().is_some_and(|&(t, _)| t.after(second) < now) {
                samples.pop_front();
            }
            let oldest = samples.front().map_or(sent, |&(_, s)| s);
            if sent - oldest > bound {
                return Err(format!(
                    "message rate: {id} sent {} messages in the last second (bound {bound})",
                    sent - oldest
                ));
            }
        }
        Ok(())
    }
}
