//! Primary-backup's invariants, checked after every event.

use super::PbNode;
use sim::{NodeId, Simulation};
use std::collections::BTreeMap;

/// At most one primary serves (accepts writes) in an epoch, over the whole run.
pub fn one_primary_per_epoch() -> impl FnMut(&Simulation<PbNode>) -> Result<(), String> {
    let mut primaries: BTreeMap<u64, NodeId> = BTreeMap::new();
    move |sim| {
        for (id, node) in sim.live_nodes() {
            let Some(r) = node.replica().filter(|r| r.serving()) else {
                continue;
            };
            let first = *primaries.entry(r.epoch()).or_insert(id);
            if first != id {
                return Err(format!(
                    "{first} and {id} both served as primary in epoch {}",
                    r.epoch()
                ));
            }
        }
        Ok(())
    }
}

/// An acknowledged write survives every failover: the replica serving as
/// primary of the current epoch holds, for every client, the latest operation any primary
/// acknowledged to it. Remembers acknowledgements across crashes.
pub fn acknowledged_writes_survive() -> impl FnMut(&Simulation<PbNode>) -> Result<(), String> {
    // Per client: the highest sequence number acknowledged, and by whom.
    let mut acked: BTreeMap<u32, (u32, NodeId)> = BTreeMap::new();
    let mut versions: Vec<u64> = Vec::new();
    // The newest epoch any node has known: one that every node alive
    // knows of may be held only by crashed nodes (the configuration
    // service, the primary), and still supersedes the older ones.
    let mut newest: u64 = 0;
    move |sim| {
        let n = sim.node_count();
        versions.resize(n, u64::MAX);
        let mut changed = false;
        for (i, seen) in versions.iter_mut().enumerate() {
            let id = NodeId::from(i);
            let v = sim.node_version(id);
            if *seen == v {
                continue;
            }
            *seen = v;
            changed = true;
            let Some(r) = sim.node(id).and_then(PbNode::replica) else {
                continue;
            };
            for (&client, &seq) in r.answered() {
                let slot = acked.entry(client).or_insert((0, id));
                if seq > slot.0 {
                    *slot = (seq, id);
                }
            }
        }
        if !changed {
            return Ok(());
        }
        // The current epoch: the newest any node has known, alive now or
        // not. A deposed primary that has not heard of it may think it
        // still serves, but fencing keeps it from acknowledging anything;
        // it is not checked.
        let live = sim.live_nodes().map(|(_, n)| match n {
            PbNode::Service(s) => s.config().epoch,
            PbNode::Replica(r) => r.epoch(),
        });
        newest = live.fold(newest, u64::max);
        let current = newest;
        for (id, node) in sim.live_nodes() {
            let Some(r) = node
                .replica()
                .filter(|r| r.serving() && r.epoch() == current)
            else {
                continue;
            };
            for (&client, &(seq, by)) in &acked {
                if r.store().last_seq(client).unwrap_or(0) < seq {
                    return Err(format!(
                        "{id}, primary of epoch {}, lacks client {client}'s operation {seq}, \
                         which {by} acknowledged",
                        r.epoch()
                    ));
                }
            }
        }
        Ok(())
    }
}
