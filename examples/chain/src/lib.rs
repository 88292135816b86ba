//! `chain`: chain replication of one register (van Renesse and Schneider,
//! 2004), as a user of faultline would write it in their own crate, outside
//! the built-in catalog, and bring under test with the whole toolkit: its
//! own command line (`src/main.rs`), seed sweeps in `cargo test` with
//! artifacts and both replay routes, and property tests.
//!
//! Three nodes form a chain: node 0 is the head, node 2 the tail.
//! - **write v** goes to the head. The head gives it the next version,
//!   stores `(version, v)`, syncs, and passes it down the chain; every node
//!   stores and syncs what it takes before it passes it on. The tail tells
//!   the head the newest version it holds, and the head answers each write
//!   whose version the tail holds.
//! - **read** goes to the tail, which answers with what it holds.
//! - Every 10 ms each node pushes its newest version to its successor (the
//!   tail acknowledges to the head), so lost and held messages are repaired.
//!
//! Invariant (after every event): **chain order**: a node holds a version at
//! least as new as every node after it (a successor only ever learns what
//! its predecessor synced). The history is linearizable under the register
//! spec.
//!
//! Bug switch `skip-sync`: nodes store without syncing. A crash then loses
//! versions the chain has passed on and the tail has acknowledged: a head
//! that restarts reuses versions behind its successor, a tail that restarts
//! answers reads with what it held before.

mod node;

use faultline::sim::model::{EngineModel, Exhaustive};
use faultline::sim::scenario::{Check, Scenario, Workload};
use faultline::sim::spec::register::{Register, RegisterInput, RegisterOutput};
use faultline::sim::{live_nodes, Mix, NodeId, NodeTable, SimDuration, SimRng, Simulation};
pub use node::{Chain, ChainMsg, ChainOp, ChainReply, Tick};

/// Nodes in the chain.
pub const NODES: usize = 3;

faultline::sim::bug_switches! {
    /// The chain's bug switch.
    pub enum ChainBug {
        /// Store without syncing before passing a version on or
        /// acknowledging it: a crash loses versions the rest of the chain
        /// was told about.
        SkipSync = "skip-sync", caught by Crashes within 60,
    }
}

/// The chain, described once: the whole description the command line and
/// the tests read.
#[derive(Clone, Copy, Debug, Default)]
pub struct ChainModel;

impl EngineModel for ChainModel {
    type Node = Chain;
    type Bug = ChainBug;
    const NAME: &'static str = "chain";
    const SUMMARY: &'static str =
        "chain replication of a register: writes at the head, reads at the tail";
    const EXHAUSTIVE: Option<Exhaustive<Self>> = Some(Exhaustive::new());

    fn scenario(&self, bug: Option<ChainBug>) -> Scenario<Chain> {
        scenario(bug)
    }

    fn op_kind(&self, op: &ChainOp) -> &'static str {
        match op {
            ChainOp::Read => "read",
            ChainOp::Write(_) => "write",
        }
    }
}

/// Three nodes, three clients of [`Clients`], the `all` mix, chain order
/// after every event, linearizability under the register spec, 3 s of
/// safety.
pub fn scenario(bug: Option<ChainBug>) -> Scenario<Chain> {
    Scenario::new(move |id| Chain::new(id, bug))
        .nodes(NODES)
        .clients(3, Clients::default)
        .faults(Mix::All.nemesis())
        .check(Check::always("chain order", chain_order))
        .check(Check::linearizable(Register, register_history))
        .run_for(SimDuration::from_secs(3))
}

/// Chain order: every live node holds a version at least as new as every
/// live node after it.
pub fn chain_order(nodes: &Simulation<Chain>) -> Result<(), String> {
    let live: Vec<(NodeId, u64)> = live_nodes(nodes as &dyn NodeTable<Chain>)
        .map(|(id, n)| (id, n.version()))
        .collect();
    for (i, &(a, va)) in live.iter().enumerate() {
        if let Some(&(b, vb)) = live[i + 1..].iter().find(|&&(_, vb)| vb > va) {
            return Err(format!(
                "{a} holds version {va}, but {b}, after it, holds {vb}"
            ));
        }
    }
    Ok(())
}

/// Clients: half writes of fresh values to the head, half reads from the tail.
#[derive(Clone, Debug, Default)]
pub struct Clients {
    next_value: i64,
}

impl Workload<Chain> for Clients {
    fn next_op(
        &mut self,
        rng: &mut SimRng,
        _client: usize,
        _process: u64,
        nodes: usize,
    ) -> Option<(NodeId, ChainOp)> {
        if rng.chance(1, 2) {
            self.next_value += 1;
            Some((NodeId(0), ChainOp::Write(self.next_value)))
        } else {
            Some((NodeId::from(nodes - 1), ChainOp::Read))
        }
    }

    fn think_time(&mut self, rng: &mut SimRng) -> SimDuration {
        SimDuration::from_millis(rng.below(20))
    }
}

/// The chain's history in the register spec's terms.
pub fn register_history(
    h: &faultline::sim::history::History<ChainOp, ChainReply>,
) -> faultline::sim::history::History<RegisterInput, RegisterOutput> {
    use faultline::sim::history::EventKind;
    h.map(|kind| match kind {
        EventKind::Invoke(ChainOp::Read) => EventKind::Invoke(RegisterInput::Read),
        EventKind::Invoke(ChainOp::Write(v)) => EventKind::Invoke(RegisterInput::Write(*v)),
        EventKind::Ok(ChainReply::Value(v)) => EventKind::Ok(RegisterOutput::Read(*v)),
        EventKind::Ok(ChainReply::Written) => EventKind::Ok(RegisterOutput::Written),
        EventKind::Fail => EventKind::Fail,
        EventKind::Info => EventKind::Info,
    })
}
