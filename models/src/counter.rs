//! A replicated grow-only counter (a G-counter CRDT), the worked example.
//!
//! Each node owns one slot of a vector of counts. A client `Increment` at node
//! `i` bumps slot `i`, writes it to storage, syncs, and only then replies, so an
//! acknowledged increment survives a crash. Nodes gossip their whole vector to
//! every peer on a jittered timer; a receiver merges by taking the pointwise
//! maximum. `Read` answers the sum of the local vector.
//!
//! Invariants:
//! - **durable own slot**: a node's view of any slot `j` never exceeds node `j`'s
//!   synced count (nothing is believed that its owner could lose in a crash);
//! - **convergence** (liveness): once the network heals and gossip runs, every
//!   live node reads the same total.

use serde::{Deserialize, Serialize};
use sim::{Context, Node, NodeId, OpId, SimDuration, Simulation};

/// The storage block where a node keeps its own slot.
pub const OWN_SLOT_BLOCK: u64 = 0;
/// Mean gossip period; each period is jittered by up to a quarter either way.
pub const GOSSIP_EVERY: SimDuration = SimDuration::from_millis(20);

/// A client operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CounterOp {
    /// Add one at the receiving node.
    Increment,
    /// Read the total the receiving node knows.
    Read,
}

/// The answer to a [`CounterOp`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CounterReply {
    /// The increment is durable.
    Incremented,
    /// The total as this node knows it.
    Value(u64),
}

/// Gossip: the sender's whole vector.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Gossip(pub Vec<u64>);

/// One replica.
#[derive(Clone, Debug)]
pub struct Counter {
    counts: Vec<u64>,
}

impl Counter {
    /// A replica in a cluster of `nodes`.
    pub fn new(nodes: usize) -> Counter {
        Counter {
            counts: vec![0; nodes],
        }
    }

    /// The total this replica knows.
    pub fn total(&self) -> u64 {
        self.counts.iter().sum()
    }

    /// This replica's vector.
    pub fn counts(&self) -> &[u64] {
        &self.counts
    }

    fn schedule_gossip(&self, ctx: &mut Context<'_, Self>) {
        let quarter = GOSSIP_EVERY.as_nanos() / 4;
        let jitter = ctx.rng().between(0, 2 * quarter);
        ctx.set_timer(
            SimDuration::from_nanos(GOSSIP_EVERY.as_nanos() - quarter + jitter),
            (),
        );
    }
}

impl Node for Counter {
    type Message = Gossip;
    type Timer = ();
    type Block = u64;
    type Op = CounterOp;
    type Reply = CounterReply;

    fn on_start(&mut self, ctx: &mut Context<'_, Self>) {
        self.schedule_gossip(ctx);
    }

    fn on_message(&mut self, _ctx: &mut Context<'_, Self>, _from: NodeId, msg: Gossip) {
        assert_eq!(
            msg.0.len(),
            self.counts.len(),
            "gossip from a cluster of another size"
        );
        for (mine, theirs) in self.counts.iter_mut().zip(msg.0) {
            *mine = (*mine).max(theirs);
        }
    }

    fn on_timer(&mut self, ctx: &mut Context<'_, Self>, _timer: ()) {
        ctx.broadcast(Gossip(self.counts.clone()));
        self.schedule_gossip(ctx);
    }

    fn on_recover(&mut self, ctx: &mut Context<'_, Self>) {
        let me = ctx.id().index();
        // A corrupt block reads as zero and gossip from peers restores the slot.
        // Increments taken before that gossip arrives would be hidden by the
        // peers' larger value; this example does not guard against corruption.
        self.counts[me] = ctx
            .storage()
            .read(OWN_SLOT_BLOCK)
            .ok()
            .flatten()
            .copied()
            .unwrap_or(0);
        self.schedule_gossip(ctx);
    }

    fn on_client_op(&mut self, ctx: &mut Context<'_, Self>, op_id: OpId, op: CounterOp) {
        match op {
            CounterOp::Increment => {
                let me = ctx.id().index();
                self.counts[me] += 1;
                ctx.storage().write(OWN_SLOT_BLOCK, self.counts[me]);
                ctx.storage().sync();
                ctx.reply(op_id, CounterReply::Incremented);
            }
            CounterOp::Read => ctx.reply(op_id, CounterReply::Value(self.total())),
        }
    }
}

/// Checks the durable-own-slot invariant over a whole cluster. Returns a
/// description of the first violation.
pub fn check_durable_slots(sim: &Simulation<Counter>) -> Result<(), String> {
    let synced: Vec<u64> = (0..sim.node_count())
        .map(|j| {
            sim.storage(NodeId::from(j))
                .read_synced(OWN_SLOT_BLOCK)
                .ok()
                .flatten()
                .copied()
                .unwrap_or(0)
        })
        .collect();
    for (id, node) in sim.live_nodes() {
        for (j, (&seen, &durable)) in node.counts().iter().zip(&synced).enumerate() {
            if seen > durable {
                return Err(format!(
                    "{id} believes slot {j} is {seen}, but n{j} has only {durable} synced"
                ));
            }
        }
    }
    Ok(())
}

/// Checks convergence: every live node reads the same total. Returns the total.
pub fn check_converged(sim: &Simulation<Counter>) -> Result<u64, String> {
    let totals: Vec<(NodeId, u64)> = sim.live_nodes().map(|(id, n)| (id, n.total())).collect();
    match totals.first() {
        Some(&(_, t)) if totals.iter().all(|&(_, x)| x == t) => Ok(t),
        Some(_) => Err(format!("replicas disagree: {totals:?}")),
        None => Err("no live replica".to_string()),
    }
}
