//! One node of the chain: its state, its messages and its handlers.

use crate::ChainBug;
use faultline::sim::{Context, Node, NodeId, OpId, SimDuration};
use std::collections::BTreeMap;

/// How often a node pushes its newest version down the chain.
pub(crate) const PUSH_EVERY: SimDuration = SimDuration::from_millis(10);

/// A client operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ChainOp {
    /// Read the register (at the tail).
    Read,
    /// Write a value (at the head).
    Write(i64),
}

/// The answer to a [`ChainOp`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ChainReply {
    /// The value read (`None`: never written).
    Value(Option<i64>),
    /// The write is held by the whole chain.
    Written,
}

/// What nodes tell each other.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ChainMsg {
    /// Down the chain: the sender's newest version and its value.
    Update {
        /// The version.
        version: u64,
        /// The value.
        value: Option<i64>,
    },
    /// Tail to head: the newest version the tail holds.
    Ack {
        /// The version.
        version: u64,
    },
}

/// The push timer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Tick;

/// One node: the newest version it holds, and (at the head) the writes
/// waiting for the tail.
#[derive(Clone, Debug, Hash)]
pub struct Chain {
    bug: Option<ChainBug>,
    version: u64,
    value: Option<i64>,
    /// Head only: writes by version, waiting for the tail to hold them.
    waiting: BTreeMap<u64, OpId>,
}

impl Chain {
    /// Node `id`, with the bug switched on or not.
    pub fn new(_id: NodeId, bug: Option<ChainBug>) -> Chain {
        Chain {
            bug,
            version: 0,
            value: None,
            waiting: BTreeMap::new(),
        }
    }

    /// The newest version this node holds.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// The value of that version.
    pub fn value(&self) -> Option<i64> {
        self.value
    }

    fn is_tail(ctx: &Context<'_, Self>) -> bool {
        ctx.id().index() + 1 == ctx.node_count()
    }

    /// Takes `(version, value)` if it is newer, storing it (and syncing,
    /// unless the bug is on) before anything depends on it.
    fn take(&mut self, ctx: &mut Context<'_, Self>, version: u64, value: Option<i64>) {
        if version <= self.version {
            return;
        }
        self.version = version;
        self.value = value;
        ctx.storage().write(0, (version, value));
        if self.bug != Some(ChainBug::SkipSync) {
            ctx.storage().sync();
        }
    }

    /// Passes the newest version on: to the successor, or from the tail, an
    /// acknowledgement to the head.
    fn pass_on(&self, ctx: &mut Context<'_, Self>) {
        let (version, value) = (self.version, self.value);
        if Self::is_tail(ctx) {
            ctx.send(NodeId(0), ChainMsg::Ack { version });
        } else {
            let next = NodeId::from(ctx.id().index() + 1);
            ctx.send(next, ChainMsg::Update { version, value });
        }
    }
}

impl Node for Chain {
    type Message = ChainMsg;
    type Timer = Tick;
    type Block = (u64, Option<i64>);
    type Op = ChainOp;
    type Reply = ChainReply;

    fn on_start(&mut self, ctx: &mut Context<'_, Self>) {
        ctx.set_timer(PUSH_EVERY, Tick);
    }

    fn on_recover(&mut self, ctx: &mut Context<'_, Self>) {
        if let Ok(Some(&(version, value))) = ctx.storage().read(0) {
            self.version = version;
            self.value = value;
        }
        ctx.set_timer(PUSH_EVERY, Tick);
    }

    fn on_timer(&mut self, ctx: &mut Context<'_, Self>, _: Tick) {
        ctx.set_timer(PUSH_EVERY, Tick);
        if self.version > 0 {
            self.pass_on(ctx);
        }
    }

    fn on_message(&mut self, ctx: &mut Context<'_, Self>, _from: NodeId, msg: ChainMsg) {
        match msg {
            ChainMsg::Update { version, value } => {
                let newer = version > self.version;
                self.take(ctx, version, value);
                if newer || Self::is_tail(ctx) {
                    self.pass_on(ctx);
                }
            }
            ChainMsg::Ack { version } => {
                let held = self.waiting.split_off(&(version + 1));
                for op in std::mem::replace(&mut self.waiting, held).into_values() {
                    ctx.reply(op, ChainReply::Written);
                }
            }
        }
    }

    /// Reads are answered at the tail and writes taken at the head; an
    /// operation sent anywhere else goes unanswered (the client times out).
    fn on_client_op(&mut self, ctx: &mut Context<'_, Self>, op_id: OpId, op: ChainOp) {
        let head = ctx.id().index() == 0;
        match op {
            ChainOp::Read if Self::is_tail(ctx) => {
                ctx.reply(op_id, ChainReply::Value(self.value));
            }
            ChainOp::Write(v) if head => {
                let version = self.version + 1;
                self.take(ctx, version, Some(v));
                self.waiting.insert(version, op_id);
                self.pass_on(ctx);
            }
            ChainOp::Read | ChainOp::Write(_) => {}
        }
    }
}
