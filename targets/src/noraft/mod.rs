//! noraft (sile/noraft), a sans-IO Raft with no dependencies, under the
//! engine: five replicas of a key-value store, at the newest release and at
//! each older release whose fix a fault can reach.
//!
//! The library runs unmodified from crates.io; [`replica`] says how the
//! adapter keeps its contract (storage synced before sends, timers on the
//! node's clock, randomness from the node's stream). Judges: Raft's safety
//! after every event ([`crate::judge::raft`]), linearizability of the
//! store under the `kv` spec, and, healed, a leader and progress.

mod block;
mod host;
mod replica;
mod versions;

use crate::judge::raft::{self, RaftView};
pub use block::{Block, Entry};
pub use host::{Host, Tick, ELECTION_MS, HEARTBEAT_MS};
use models::kv::{history, KvClients, KvReply, KvRequest};
use sim::model::EngineModel;
use sim::scenario::Scenario;
use sim::spec::kv::Kv;
use sim::{Context, Mix, Node, NodeId, OpId, SimDuration, Simulation};
use versions::{v0_4, v0_5, v0_7};

sim::bug_switches! {
    /// noraft's releases with known bugs; no switch runs the newest, 0.7.1.
    pub enum NoraftVersion {
        /// noraft 0.4.0: a vote is granted by comparing last log indexes
        /// only, not terms (fixed in 0.5.0, sile/noraft pull request 22).
        /// A node that kept appending in an old term while cut off wins an
        /// election after the heal and overwrites committed entries.
        V0_4 = "0.4.0", caught by All within 500,
        /// noraft 0.5.0: a candidate ignores an AppendEntries of its own
        /// term's leader (fixed in 0.5.1), so it stays a candidate until its
        /// next timeout and deposes the leader with a higher term. A
        /// liveness bug that the next election repairs: harmless to safety.
        V0_5 = "0.5.0", harmless by All within 200,
    }
}

/// A message between replicas, of the release the run uses.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Msg {
    /// noraft 0.4.0.
    V0_4(v0_4::Wire),
    /// noraft 0.5.0.
    V0_5(v0_5::Wire),
    /// noraft 0.7.1.
    V0_7(v0_7::Wire),
}

/// Each release's messages as the host's.
macro_rules! wraps {
    ($($release:ident => $variant:ident),+) => {
        $(impl Host<$release::Wire> for NoraftKv {
            fn wrap(wire: $release::Wire) -> Msg {
                Msg::$variant(wire)
            }
        })+
    };
}
wraps!(v0_4 => V0_4, v0_5 => V0_5, v0_7 => V0_7);

/// A replica of the release the run uses.
#[derive(Clone, Debug)]
pub enum NoraftKv {
    /// Not started yet: the release to start.
    Fresh(Option<NoraftVersion>),
    /// Restarted on corrupt storage: it stays down, as noraft asks.
    Down,
    /// noraft 0.4.0.
    V0_4(Box<v0_4::Replica>),
    /// noraft 0.5.0.
    V0_5(Box<v0_5::Replica>),
    /// noraft 0.7.1.
    V0_7(Box<v0_7::Replica>),
}

/// Runs `$body` with `$r` bound to the replica, whatever its release, or
/// evaluates `$none` for a node that is not running a replica.
macro_rules! each {
    ($node:expr, $r:ident => $body:expr, $none:expr) => {
        match $node {
            NoraftKv::V0_4($r) => $body,
            NoraftKv::V0_5($r) => $body,
            NoraftKv::V0_7($r) => $body,
            NoraftKv::Fresh(_) | NoraftKv::Down => $none,
        }
    };
}

impl NoraftKv {
    fn release(&self) -> Option<NoraftVersion> {
        match self {
            NoraftKv::Fresh(v) => *v,
            _ => unreachable!("only a fresh node is started or recovered"),
        }
    }
}

impl Node for NoraftKv {
    type Message = Msg;
    type Timer = Tick;
    type Block = Block;
    type Op = KvRequest;
    type Reply = KvReply;

    fn on_start(&mut self, ctx: &mut Context<'_, Self>) {
        *self = match self.release() {
            Some(NoraftVersion::V0_4) => NoraftKv::V0_4(Box::new(v0_4::Replica::start(ctx))),
            Some(NoraftVersion::V0_5) => NoraftKv::V0_5(Box::new(v0_5::Replica::start(ctx))),
            None => NoraftKv::V0_7(Box::new(v0_7::Replica::start(ctx))),
        };
    }

    fn on_recover(&mut self, ctx: &mut Context<'_, Self>) {
        let replica = match self.release() {
            Some(NoraftVersion::V0_4) => {
                v0_4::Replica::recover(ctx).map(|r| NoraftKv::V0_4(Box::new(r)))
            }
            Some(NoraftVersion::V0_5) => {
                v0_5::Replica::recover(ctx).map(|r| NoraftKv::V0_5(Box::new(r)))
            }
            None => v0_7::Replica::recover(ctx).map(|r| NoraftKv::V0_7(Box::new(r))),
        };
        *self = replica.unwrap_or(NoraftKv::Down);
    }

    fn on_message(&mut self, ctx: &mut Context<'_, Self>, from: NodeId, msg: Msg) {
        match (self, msg) {
            (NoraftKv::V0_4(r), Msg::V0_4(w)) => r.on_message(ctx, from, w),
            (NoraftKv::V0_5(r), Msg::V0_5(w)) => r.on_message(ctx, from, w),
            (NoraftKv::V0_7(r), Msg::V0_7(w)) => r.on_message(ctx, from, w),
            (NoraftKv::Down, _) => {}
            (node, msg) => unreachable!("one release per run: {msg:?} reached {node:?}"),
        }
    }

    fn on_timer(&mut self, ctx: &mut Context<'_, Self>, _: Tick) {
        each!(self, r => r.on_timer(ctx), ())
    }

    fn on_client_op(&mut self, ctx: &mut Context<'_, Self>, op: OpId, request: KvRequest) {
        each!(self, r => r.on_client_op(ctx, op, request), ())
    }
}

impl RaftView for NoraftKv {
    fn term(&self) -> u64 {
        each!(self, r => r.term(), 0)
    }
    fn leads(&self) -> bool {
        each!(self, r => r.leads(), false)
    }
    fn commit_index(&self) -> u64 {
        each!(self, r => r.commit_index(), 0)
    }
    fn entry_term(&self, index: u64) -> Option<u64> {
        each!(self, r => r.entry_term(index), None)
    }
    fn library_error(&self) -> Option<&str> {
        each!(self, r => r.library_error(), None)
    }
}

/// noraft, described once for the command line and the tests.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoraftModel;

impl EngineModel for NoraftModel {
    type Node = NoraftKv;
    type Bug = NoraftVersion;
    const NAME: &'static str = "noraft";
    const SUMMARY: &'static str =
        "sile/noraft 0.7.1 (the bug switches are older releases) replicating a key-value store";

    fn scenario(&self, bug: Option<NoraftVersion>) -> Scenario<NoraftKv> {
        scenario(bug)
    }

    fn op_kind(&self, op: &KvRequest) -> &'static str {
        op.command.kind()
    }
}

/// The live leader of the highest term.
pub fn leader(sim: &Simulation<NoraftKv>) -> Option<NodeId> {
    sim.live_nodes()
        .filter(|(_, n)| n.leads())
        .max_by_key(|(_, n)| n.term())
        .map(|(id, _)| id)
}

/// Five replicas of `release` (the newest: `None`), three clients of
/// [`KvClients`], the `all` mix, Raft's safety after every event,
/// linearizability under the `kv` spec, 10 s of safety; then, healed, a
/// leader and every client's next operation.
pub fn scenario(release: Option<NoraftVersion>) -> Scenario<NoraftKv> {
    Scenario::new(move |_| NoraftKv::Fresh(release))
        .nodes(5)
        .clients(3, KvClients::default)
        .faults(Mix::All.nemesis())
        .focus("the leader", leader)
        .monitor_properties(&raft::PROPERTIES, raft::safety::<NoraftKv>)
        .linearizable(Kv, history::spec_history)
        .eventually("a leader", |sim| {
            leader(sim)
                .map(|_| ())
                .ok_or_else(|| "no leader".to_string())
        })
        .run_for(SimDuration::from_secs(10))
}
