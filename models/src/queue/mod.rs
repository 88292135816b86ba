//! `queue`: a replicated message queue with at-least-once delivery and
//! idempotent consumers, which together give an exactly-once *effect*.
//!
//! The broker is `primary-backup`'s write path, reused as it is: node 0 is
//! the configuration service and nodes 1 to [`BROKERS`] replicate the
//! queue's state machine ([`machine`]), so a publish is acknowledged only
//! once every backup holds it, and failover keeps every acknowledged
//! message. It is primary-backup rather than `raft-kv` because its
//! replicated state is already generic ([`crate::primary_backup::machine`])
//! and nodes can call it ([`crate::primary_backup::messages::PbMsg::Call`]),
//! which consumers need; Raft's log is coupled to the key-value store.
//!
//! Producers are the clients ([`workload`]): they publish with an
//! idempotency key (producer, sequence number), and the broker drops a
//! duplicate. The queue holds at most [`CAPACITY`] unacknowledged messages;
//! a publish to a full queue is refused with `Full` and the producer backs
//! off. Consumers (nodes [`BROKERS`] + 1 to [`BROKERS`] + [`CONSUMERS`],
//! [`consumer`]) lease a message, process it, apply its effect at the sink
//! (the last node, [`sink`]), which deduplicates by message id, and
//! acknowledge. A message whose lease ends unacknowledged is delivered
//! again.
//!
//! Files: [`machine`], [`consumer`], [`sink`], [`workload`] and [`scenario`].

pub mod consumer;
pub mod machine;
pub mod scenario;
pub mod sink;
pub mod workload;

use crate::primary_backup::disk;
use crate::primary_backup::messages::PbMsg;
use crate::primary_backup::{ConfigService, PbBug, Replica, TICK};
pub use consumer::Consumer;
use machine::{QReply, QRequest, QueueMachine};
pub use scenario::{scenario, QueueModel};
use sim::{Context, Node, NodeId, OpId};
pub use sink::Sink;

/// How many broker replicas (nodes 1 and up).
pub const BROKERS: usize = 3;
/// How many consumers (after the brokers).
pub const CONSUMERS: usize = 3;
/// The sink's node: the last one.
pub const SINK: NodeId = NodeId((1 + BROKERS + CONSUMERS) as u32);
/// The most unacknowledged messages the queue holds.
pub const CAPACITY: usize = 64;

sim::bug_switches! {
    /// The queue's bug switches: the classic ways at-least-once plus
    /// idempotence fails to give an exactly-once effect.
    pub enum QBug {
        /// The broker acknowledges a publish before its backups hold it.
        AckBeforeReplicate = "ack-before-replicate", caught by All within 100,
        /// The consumer acknowledges, then applies: a crash in between
        /// loses the effect.
        AckBeforeEffect = "ack-before-effect", caught by All within 50,
        /// The sink applies every delivery: a redelivery doubles the effect.
        NoDedup = "no-dedup", caught by All within 20,
        /// Consumers lease a message for less than its processing takes, so
        /// two consumers hold it at once. Harmless while the sink
        /// deduplicates: see docs/models.md.
        ShortVisibilityTimeout = "short-visibility-timeout", harmless by All within 100,
        /// A full queue drops a publish and acknowledges it anyway.
        DropWhenFull = "drop-when-full", caught by All within 100,
    }
}

/// A node's timers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum QTimer {
    /// The service's and brokers' periodic tick.
    Tick,
    /// A consumer asks again after an empty answer.
    Poll,
    /// A consumer's processing is done.
    Processed,
    /// A consumer's call went unanswered.
    CallTimeout(u32),
    /// A consumer resends a redirected call.
    Resend(u32),
}

/// A node: the configuration service, a broker, a consumer or the sink.
#[derive(Clone, Debug)]
pub enum QNode {
    /// The configuration service.
    Service(ConfigService),
    /// A broker replica.
    Broker(Replica<QueueMachine>),
    /// A consumer.
    Consumer(Consumer),
    /// The sink.
    Sink(Sink),
}

impl QNode {
    /// Node `id`, with a bug switched on or not.
    pub fn new(id: NodeId, bug: Option<QBug>) -> QNode {
        QNode::with_bugs(id, bug.as_slice())
    }

    /// Node `id`, with several bugs switched on at once (to show what one
    /// switch hides, as `short-visibility-timeout` hides behind the sink's
    /// deduplication).
    pub fn with_bugs(id: NodeId, bugs: &[QBug]) -> QNode {
        let on = |b: QBug| bugs.contains(&b);
        let pb_bug = on(QBug::AckBeforeReplicate).then_some(PbBug::AckBeforeBackup);
        match id.index() {
            0 => QNode::Service(ConfigService::new(None)),
            i if i <= BROKERS => {
                let machine = QueueMachine::new(CAPACITY, on(QBug::DropWhenFull), false);
                QNode::Broker(Replica::with_store(pb_bug, machine))
            }
            _ if id == SINK => QNode::Sink(Sink::new(on(QBug::NoDedup))),
            _ => QNode::Consumer(Consumer::new(bugs)),
        }
    }

    /// The broker replica, if this node is one.
    pub fn broker(&self) -> Option<&Replica<QueueMachine>> {
        match self {
            QNode::Broker(r) => Some(r),
            _ => None,
        }
    }

    /// The sink, if this node is it.
    pub fn sink(&self) -> Option<&Sink> {
        match self {
            QNode::Sink(s) => Some(s),
            _ => None,
        }
    }

    /// The service, if this node is it.
    pub fn service(&self) -> Option<&ConfigService> {
        match self {
            QNode::Service(s) => Some(s),
            _ => None,
        }
    }
}

impl Node for QNode {
    type Message = PbMsg<QueueMachine>;
    type Timer = QTimer;
    type Block = disk::Sealed<QueueMachine>;
    type Op = QRequest;
    type Reply = QReply;

    fn on_start(&mut self, ctx: &mut Context<'_, Self>) {
        match self {
            QNode::Service(_) | QNode::Broker(_) => {
                ctx.set_timer(TICK, QTimer::Tick);
            }
            QNode::Consumer(c) => c.start(ctx),
            QNode::Sink(_) => {}
        }
    }

    fn on_recover(&mut self, ctx: &mut Context<'_, Self>) {
        match self {
            QNode::Service(s) => s.recover(ctx),
            QNode::Broker(r) => r.recover(ctx),
            QNode::Sink(s) => return s.recover(ctx),
            QNode::Consumer(c) => return c.start(ctx),
        }
        ctx.set_timer(TICK, QTimer::Tick);
    }

    fn on_timer(&mut self, ctx: &mut Context<'_, Self>, timer: QTimer) {
        match (self, timer) {
            (QNode::Service(s), QTimer::Tick) => {
                ctx.set_timer(TICK, QTimer::Tick);
                s.on_tick(ctx);
            }
            (QNode::Broker(r), QTimer::Tick) => {
                ctx.set_timer(TICK, QTimer::Tick);
                r.on_tick(ctx);
            }
            (QNode::Consumer(c), timer) => c.on_timer(ctx, timer),
            _ => {}
        }
    }

    fn on_message(&mut self, ctx: &mut Context<'_, Self>, from: NodeId, msg: PbMsg<QueueMachine>) {
        match (self, msg) {
            (QNode::Service(s), PbMsg::Ping(ping)) => s.on_ping(ctx, from, ping),
            (QNode::Service(s), PbMsg::Suspect { epoch, backup }) => {
                s.on_suspect(ctx, from, epoch, backup)
            }
            (QNode::Broker(r), msg) => r.on_message(ctx, from, msg),
            (QNode::Consumer(c), PbMsg::Answer { id, reply }) => c.on_answer(ctx, id, reply),
            (QNode::Sink(s), PbMsg::Call { id, request }) => s.on_call(ctx, from, id, request),
            _ => {}
        }
    }

    fn on_client_op(&mut self, ctx: &mut Context<'_, Self>, op: OpId, request: QRequest) {
        match self {
            QNode::Broker(r) => r.on_client_op(ctx, op, request),
            QNode::Service(s) => {
                let hint = s.config().primary;
                ctx.reply(op, QReply::Redirect { hint });
            }
            _ => ctx.reply(op, QReply::Redirect { hint: None }),
        }
    }
}
