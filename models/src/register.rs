//! A replicated register over majority quorums (in the style of ABD), with a
//! bug switch.
//!
//! Every node is a replica holding a `(timestamp, value)` pair, synced to
//! storage before it is acknowledged. Any node coordinates client operations:
//! - **write v**: ask every replica for its timestamp; on a majority of answers,
//!   pick a timestamp above the highest (unique per write), store `(ts, v)`
//!   on every replica, and reply once a majority has stored it;
//! - **read**: ask every replica for its pair; on a majority, take the newest,
//!   write it back to a majority (so no later read can see an older value), reply.
//!
//! Invariant: two replicas never hold the same timestamp with different values.
//! The client history is linearizable under the `register` spec.
//!
//! Bug switch `ack-before-replication`: a write is acknowledged as soon as the
//! coordinator receives it, before any replica has it. A read that starts after
//! the acknowledgement can then return the old value.

use serde::{Deserialize, Serialize};
use sim::model::{EngineModel, Exhaustive};
use sim::scenario::{Check, Scenario};
use sim::{Context, Mix, Node, NodeId, OpId, Simulation};
use std::collections::{BTreeMap, BTreeSet};

/// A version: (counter, coordinating node, request id). The request id makes
/// every write's timestamp unique, even for concurrent writes coordinated by one
/// node (or by one node before and after a restart).
pub type Timestamp = (u64, u32, u64);

sim::bug_switches! {
    /// The register's bug switches.
    pub enum RegisterBug {
        /// Acknowledge a write as soon as the coordinator receives it, before
        /// any replica has it: a read that starts after the acknowledgement
        /// can return the old value.
        AckBeforeReplication = "ack-before-replication", caught by All within 10,
    }
}

/// The register, described once for the catalog.
#[derive(Clone, Copy, Debug, Default)]
pub struct RegisterModel;

impl EngineModel for RegisterModel {
    type Node = Register;
    type Bug = RegisterBug;
    const NAME: &'static str = "register";
    const SUMMARY: &'static str = "a replicated register over majority quorums (ABD style)";
    const EXHAUSTIVE: Option<Exhaustive<Self>> = Some(Exhaustive::new());

    fn scenario(&self, bug: Option<RegisterBug>) -> Scenario<Register> {
        scenario(bug)
    }

    fn op_kind(&self, op: &RegisterOp) -> &'static str {
        op_kind(op)
    }
}

/// A client operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RegisterOp {
    /// Read the value.
    Read,
    /// Write a value.
    Write(i64),
}

/// A client reply.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RegisterReply {
    /// The value read (`None`: never written).
    Value(Option<i64>),
    /// The write is done.
    Written,
}

/// Messages between replicas.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RegisterMsg {
    /// Coordinator asks for a replica's pair.
    Query {
        /// The coordinator's request id.
        req: u64,
    },
    /// A replica's pair.
    QueryReply {
        /// The request answered.
        req: u64,
        /// Its timestamp.
        ts: Timestamp,
        /// Its value.
        value: Option<i64>,
    },
    /// Coordinator asks a replica to store a pair.
    Store {
        /// The coordinator's request id.
        req: u64,
        /// The timestamp.
        ts: Timestamp,
        /// The value.
        value: Option<i64>,
    },
    /// The pair is stored and synced.
    StoreAck {
        /// The request answered.
        req: u64,
    },
}

#[derive(Clone, Debug, Hash)]
enum Phase {
    Query { best: (Timestamp, Option<i64>) },
    Store,
}

#[derive(Clone, Debug, Hash)]
struct Pending {
    op_id: OpId,
    op: RegisterOp,
    phase: Phase,
    heard: BTreeSet<NodeId>,
    /// Already answered (the buggy early acknowledgement).
    answered: bool,
    /// For a read: the value it will return once written back.
    read_value: Option<i64>,
}

/// One replica and coordinator.
#[derive(Clone, Debug, Hash)]
pub struct Register {
    bug: Option<RegisterBug>,
    ts: Timestamp,
    value: Option<i64>,
    pending: BTreeMap<u64, Pending>,
}

const STATE_BLOCK: u64 = 0;

impl Register {
    /// A replica, with a bug switched on or not.
    pub fn new(bug: Option<RegisterBug>) -> Register {
        Register {
            bug,
            ts: (0, 0, 0),
            value: None,
            pending: BTreeMap::new(),
        }
    }

    /// This replica's pair.
    pub fn pair(&self) -> (Timestamp, Option<i64>) {
        (self.ts, self.value)
    }

    fn majority(ctx: &Context<'_, Self>) -> usize {
        ctx.node_count() / 2 + 1
    }

    fn send_all(ctx: &mut Context<'_, Self>, msg: RegisterMsg) {
        for i in 0..ctx.node_count() {
            ctx.send(NodeId::from(i), msg);
        }
    }

    fn store_locally(&mut self, ctx: &mut Context<'_, Self>, ts: Timestamp, value: Option<i64>) {
        if ts > self.ts {
            self.ts = ts;
            self.value = value;
            ctx.storage().write(STATE_BLOCK, (ts, value));
            ctx.storage().sync();
        }
    }
}

impl Node for Register {
    type Message = RegisterMsg;
    type Timer = ();
    type Block = (Timestamp, Option<i64>);
    type Op = RegisterOp;
    type Reply = RegisterReply;

    fn on_start(&mut self, _ctx: &mut Context<'_, Self>) {}

    fn on_recover(&mut self, ctx: &mut Context<'_, Self>) {
        if let Ok(Some(&(ts, value))) = ctx.storage().read(STATE_BLOCK) {
            self.ts = ts;
            self.value = value;
        }
    }

    fn on_client_op(&mut self, ctx: &mut Context<'_, Self>, op_id: OpId, op: RegisterOp) {
        let req = ctx.rng().next_u64();
        let mut answered = false;
        if let (RegisterOp::Write(_), Some(RegisterBug::AckBeforeReplication)) = (op, self.bug) {
            ctx.reply(op_id, RegisterReply::Written);
            answered = true;
        }
        let phase = Phase::Query {
            best: ((0, 0, 0), None),
        };
        self.pending.insert(
            req,
            Pending {
                op_id,
                op,
                phase,
                heard: BTreeSet::new(),
                answered,
                read_value: None,
            },
        );
        Self::send_all(ctx, RegisterMsg::Query { req });
    }

    fn on_message(&mut self, ctx: &mut Context<'_, Self>, from: NodeId, msg: RegisterMsg) {
        match msg {
            RegisterMsg::Query { req } => {
                ctx.send(
                    from,
                    RegisterMsg::QueryReply {
                        req,
                        ts: self.ts,
                        value: self.value,
                    },
                );
            }
            RegisterMsg::Store { req, ts, value } => {
                ctx.sometimes(STALE_STORE, ts < self.ts);
                self.store_locally(ctx, ts, value);
                ctx.send(from, RegisterMsg::StoreAck { req });
            }
            RegisterMsg::QueryReply { req, ts, value } => {
                let majority = Self::majority(ctx);
                let me = ctx.id().0;
                let Some(p) = self.pending.get_mut(&req) else {
                    return;
                };
                let Phase::Query { best } = &mut p.phase else {
                    return;
                };
                ctx.sometimes(QUORUM_DISAGREED, ts != best.0 && !p.heard.is_empty());
                if ts > best.0 {
                    *best = (ts, value);
                }
                if !p.heard.insert(from) || p.heard.len() < majority {
                    return;
                }
                let (ts, value) = match p.op {
                    RegisterOp::Write(v) => ((best.0 .0 + 1, me, req), Some(v)),
                    RegisterOp::Read => *best,
                };
                p.read_value = value;
                p.phase = Phase::Store;
                p.heard.clear();
                Self::send_all(ctx, RegisterMsg::Store { req, ts, value });
            }
            RegisterMsg::StoreAck { req } => {
                let majority = Self::majority(ctx);
                let Some(p) = self.pending.get_mut(&req) else {
                    return;
                };
                if !matches!(p.phase, Phase::Store)
                    || !p.heard.insert(from)
                    || p.heard.len() < majority
                {
                    return;
                }
                let p = self.pending.remove(&req).expect("present");
                if !p.answered {
                    let reply = match p.op {
                        RegisterOp::Write(_) => RegisterReply::Written,
                        RegisterOp::Read => RegisterReply::Value(p.read_value),
                    };
                    ctx.reply(p.op_id, reply);
                }
            }
        }
    }
}

/// Coverage probe: a replica was asked to store a value older than its own.
pub const STALE_STORE: &str = "a store older than the replica's value";
/// Coverage probe: the replies of one query held different timestamps, so
/// a read had to pick the newest and write it back.
pub const QUORUM_DISAGREED: &str = "a query's replies disagreed";

/// The invariant: no two live replicas hold one timestamp with different values.
pub fn check_unique_timestamps(sim: &Simulation<Register>) -> Result<(), String> {
    let mut seen: BTreeMap<Timestamp, (NodeId, Option<i64>)> = BTreeMap::new();
    for (id, node) in sim.live_nodes() {
        let (ts, value) = node.pair();
        if let Some((other, v)) = seen.insert(ts, (id, value)) {
            if v != value {
                return Err(format!(
                    "{other} and {id} both hold timestamp {ts:?} with values {v:?} and {value:?}"
                ));
            }
        }
    }
    Ok(())
}

/// Reads and writes of small values (0..5), each to a random node.
#[derive(Clone, Copy, Debug, Default)]
pub struct ReadWrite;

impl sim::scenario::Workload<Register> for ReadWrite {
    fn next_op(
        &mut self,
        rng: &mut sim::SimRng,
        _client: usize,
        _process: u64,
        nodes: usize,
    ) -> Option<(NodeId, RegisterOp)> {
        let node = NodeId(rng.below(nodes as u64) as u32);
        let op = if rng.chance(1, 2) {
            RegisterOp::Write(rng.below(5) as i64)
        } else {
            RegisterOp::Read
        };
        Some((node, op))
    }
}

/// The operation's kind, for per-kind statistics.
pub fn op_kind(op: &RegisterOp) -> &'static str {
    match op {
        RegisterOp::Read => "read",
        RegisterOp::Write(_) => "write",
    }
}

/// The model's history in the `register` spec's terms.
pub fn spec_history(
    h: &sim::history::History<RegisterOp, RegisterReply>,
) -> sim::history::History<sim::spec::register::RegisterInput, sim::spec::register::RegisterOutput>
{
    use sim::history::EventKind;
    use sim::spec::register::{RegisterInput, RegisterOutput};
    let kind = |k: &EventKind<RegisterOp, RegisterReply>| match k {
        EventKind::Invoke(RegisterOp::Read) => EventKind::Invoke(RegisterInput::Read),
        EventKind::Invoke(RegisterOp::Write(v)) => EventKind::Invoke(RegisterInput::Write(*v)),
        EventKind::Ok(RegisterReply::Value(v)) => EventKind::Ok(RegisterOutput::Read(*v)),
        EventKind::Ok(RegisterReply::Written) => EventKind::Ok(RegisterOutput::Written),
        EventKind::Fail => EventKind::Fail,
        EventKind::Info => EventKind::Info,
    };
    h.map(kind)
}

/// The register's standard scenario: 3 nodes, 3 clients of [`ReadWrite`], the
/// `all` mix, the unique-timestamp invariant, linearizability, 3 s of safety.
pub fn scenario(bug: Option<RegisterBug>) -> Scenario<Register> {
    Scenario::new(move |_| Register::new(bug))
        .nodes(3)
        .core(sim::core::CoreSpec::majority(3))
        .clients(3, || ReadWrite)
        .faults(Mix::All.nemesis())
        .check(Check::always("unique timestamps", check_unique_timestamps))
        .check(Check::linearizable(
            sim::spec::register::Register,
            spec_history,
        ))
        .probe(STALE_STORE, 20)
        .probe(QUORUM_DISAGREED, 20)
        .run_for(sim::SimDuration::from_secs(3))
}
