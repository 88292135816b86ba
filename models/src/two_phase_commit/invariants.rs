//! Two-phase commit's checks on the nodes: atomicity after every event, and
//! resolution after healing.

use super::messages::{Decision, TxnId};
use super::TpcNode;
use sim::{NodeId, Simulation};
use std::collections::BTreeMap;

/// No transaction is committed at one participant and aborted at another.
/// Remembers every outcome, so a crash forgets nothing.
pub fn atomicity() -> impl FnMut(&Simulation<TpcNode>) -> Result<(), String> {
    let mut seen: BTreeMap<TxnId, (Decision, NodeId)> = BTreeMap::new();
    let mut read: Vec<(u64, usize)> = Vec::new();
    move |sim| {
        read.resize(sim.node_count(), (u64::MAX, 0));
        for (id, node) in sim.live_nodes() {
            let Some(p) = node.participant() else {
                continue;
            };
            let (version, done) = &mut read[id.index()];
            if *version == sim.node_version(id) {
                continue;
            }
            *version = sim.node_version(id);
            let log = p.log();
            if *done > log.len() {
                *done = 0; // restarted: its log was rebuilt from disk
            }
            for &(txn, outcome) in &log[*done..] {
                let (first, by) = *seen.entry(txn).or_insert((outcome, id));
                if first != outcome {
                    return Err(format!(
                        "transaction {txn} is {} at {by} and {} at {id}",
                        word(first),
                        word(outcome)
                    ));
                }
            }
            *done = log.len();
        }
        Ok(())
    }
}

fn word(d: Decision) -> &'static str {
    match d {
        Decision::Commit => "committed",
        Decision::Abort => "aborted",
    }
}

/// After healing: no participant is still in doubt, and every transaction
/// the coordinator logged as committed is committed at each participant.
pub fn never_half_done(sim: &Simulation<TpcNode>) -> Result<(), String> {
    let mut participants = BTreeMap::new();
    for (id, node) in sim.live_nodes() {
        if let Some(p) = node.participant() {
            if let Some(txn) = p.in_doubt().next() {
                return Err(format!("{id} is still in doubt about transaction {txn}"));
            }
            participants.insert(id, p);
        }
    }
    let coordinator = sim
        .node(super::COORDINATOR)
        .and_then(TpcNode::coordinator)
        .ok_or("the coordinator is down")?;
    for (txn, decision, nodes) in coordinator.decisions() {
        for id in nodes {
            let outcome = participants.get(id).and_then(|p| p.outcome(txn));
            if decision == Decision::Commit && outcome != Some(Decision::Commit) {
                return Err(format!(
                    "transaction {txn} was decided committed, but {id} has it {}",
                    outcome.map_or("undecided", word)
                ));
            }
        }
    }
    Ok(())
}
