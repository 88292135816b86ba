//! The world every handler shares: the clock, the queue, the network, the random
//! streams of the engine, timers, client replies and the trace.
//!
//! This file holds the hot path of a send. A send costs a payload digest, one
//! trace fold, one latency draw and one heap push; message-fault draws happen
//! only on links that have a fault probability set.

use crate::clock::NodeClock;
use crate::fault::Fault;
use crate::network::{Held, Network};
use crate::node::{Node, OpId, Outbox};
use crate::node_id::NodeId;
use crate::queue::EventQueue;
use crate::rng::SimRng;
use crate::time::{SimDuration, SimTime};
use crate::timers::{TimerId, TimerSlab};
use crate::trace::{digest, DropReason, Trace, TraceEvent};

/// What the queue holds.
pub(crate) enum Event<N: Node> {
    Start {
        node: NodeId,
    },
    Deliver {
        from: NodeId,
        to: NodeId,
        msg_id: u64,
        msg: N::Message,
    },
    Timer {
        node: NodeId,
        incarnation: u32,
        id: TimerId,
        payload: N::Timer,
    },
    ClientOp {
        node: NodeId,
        op_id: OpId,
        op: N::Op,
    },
    Fault(Box<Fault>),
    /// A fault aimed at the focus, as part of a focus episode.
    FocusFault(Box<Fault>, u32),
}

/// A client operation's answer, as the harness sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientReply<R> {
    /// When the node answered (true time).
    pub at: SimTime,
    /// Which node answered.
    pub node: NodeId,
    /// The operation answered.
    pub op_id: OpId,
    /// The answer.
    pub reply: R,
}

/// Counters over a run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Stats {
    /// Messages handed to the network.
    pub sent: u64,
    /// Messages that reached a handler.
    pub delivered: u64,
    /// Messages lost (partition, drop fault, or crashed receiver).
    pub dropped: u64,
    /// Extra copies made by the duplication fault.
    pub duplicated: u64,
    /// Timers that fired.
    pub timers_fired: u64,
    /// Events taken off the queue.
    pub events: u64,
}

pub(crate) struct World<N: Node> {
    pub(crate) now: SimTime,
    pub(crate) queue: EventQueue<Event<N>>,
    pub(crate) net: Network<N::Message>,
    pub(crate) net_rng: SimRng,
    pub(crate) fault_rng: SimRng,
    pub(crate) timers: TimerSlab,
    pub(crate) trace: Trace,
    pub(crate) replies: Vec<ClientReply<N::Reply>>,
    pub(crate) stats: Stats,
    next_msg_id: u64,
}

impl<N: Node> World<N> {
    pub(crate) fn new(net: Network<N::Message>, seed: u64, record: bool) -> Self {
        use crate::rng::labels;
        World {
            now: SimTime::ZERO,
            queue: EventQueue::new(),
            net,
            net_rng: SimRng::from_seed_and_label(seed, labels::NETWORK),
            fault_rng: SimRng::from_seed_and_label(seed, labels::FAULTS),
            timers: TimerSlab::default(),
            trace: Trace::new(record),
            replies: Vec::new(),
            stats: Stats::default(),
            next_msg_id: 0,
        }
    }

    /// Counts and traces a message that will not be delivered.
    pub(crate) fn drop_message(
        &mut self,
        from: NodeId,
        to: NodeId,
        msg_id: u64,
        reason: DropReason,
    ) {
        self.stats.dropped += 1;
        self.trace.push(
            TraceEvent::Drop {
                at: self.now,
                from,
                to,
                msg_id,
                reason,
            },
            String::new,
        );
    }

    /// Hands a message to the network: trace, partition check, message faults,
    /// then one or two departures.
    #[inline]
    fn send(&mut self, from: NodeId, to: NodeId, msg: N::Message) {
        let msg_id = self.next_msg_id;
        self.next_msg_id += 1;
        self.stats.sent += 1;
        let d = digest(&msg);
        self.trace.push(
            TraceEvent::Send {
                at: self.now,
                from,
                to,
                msg_id,
                digest: d,
            },
            || format!("{msg:?}"),
        );
        let link = self.net.index(from, to);
        if self.net.is_blocked(link) {
            return self.drop_message(from, to, msg_id, DropReason::Partitioned);
        }
        let config = self.net.link(link);
        if !config.is_faultless() {
            let (drop, dup) = (config.drop, config.duplicate);
            if drop.sample(&mut self.fault_rng) {
                return self.drop_message(from, to, msg_id, DropReason::Lost);
            }
            if dup.sample(&mut self.fault_rng) {
                self.stats.duplicated += 1;
                self.trace.push(
                    TraceEvent::Duplicate {
                        at: self.now,
                        from,
                        to,
                        msg_id,
                    },
                    String::new,
                );
                self.depart(link, from, to, msg_id, msg.clone());
            }
        }
        self.depart(link, from, to, msg_id, msg);
    }

    /// Puts one copy on the wire: held if the link is clogged, otherwise scheduled
    /// after a latency draw and, maybe, a reorder delay.
    #[inline]
    fn depart(&mut self, link: usize, from: NodeId, to: NodeId, msg_id: u64, msg: N::Message) {
        if self.net.is_clogged(link) {
            self.net.hold(link, Held { msg_id, msg });
            return;
        }
        let config = self.net.link(link);
        let mut delay = config.latency.sample(&mut self.net_rng);
        if config.reorder.sample(&mut self.fault_rng) {
            delay.0 += self.fault_rng.between(0, config.reorder_delay_max.0);
        }
        self.queue.push(
            self.now.after(delay),
            Event::Deliver {
                from,
                to,
                msg_id,
                msg,
            },
        );
    }

    /// Releases messages held on a link that was just unclogged.
    pub(crate) fn release(&mut self, from: NodeId, to: NodeId, held: Vec<Held<N::Message>>) {
        let link = self.net.index(from, to);
        for h in held {
            self.depart(link, from, to, h.msg_id, h.msg);
        }
    }

    fn reply(&mut self, node: NodeId, op_id: OpId, reply: N::Reply) {
        let d = digest(&reply);
        self.trace.push(
            TraceEvent::ClientReply {
                at: self.now,
                node,
                op_id: op_id.0,
                digest: d,
            },
            || format!("{reply:?}"),
        );
        self.replies.push(ClientReply {
            at: self.now,
            node,
            op_id,
            reply,
        });
    }
}

/// The engine's outbox for one handler of one node: sends go to the network,
/// timers to the queue (on the node's clock, tagged with its incarnation so
/// that a crash voids them), replies to the harness.
pub(crate) struct EngineOutbox<'a, N: Node> {
    pub(crate) world: &'a mut World<N>,
    pub(crate) incarnation: u32,
    pub(crate) clock: &'a NodeClock,
}

impl<N: Node> Outbox<N> for EngineOutbox<'_, N> {
    #[inline]
    fn send(&mut self, from: NodeId, to: NodeId, msg: N::Message) {
        self.world.send(from, to, msg);
    }

    #[inline]
    fn set_timer(&mut self, from: NodeId, after: SimDuration, payload: N::Timer) -> TimerId {
        let world = &mut *self.world;
        let id = world.timers.arm();
        let event = Event::Timer {
            node: from,
            incarnation: self.incarnation,
            id,
            payload,
        };
        let at = world.now.after(self.clock.real_delay(after));
        world.queue.push(at, event);
        id
    }

    #[inline]
    fn cancel_timer(&mut self, id: TimerId) -> bool {
        self.world.timers.disarm(id)
    }

    #[inline]
    fn reply(&mut self, from: NodeId, op: OpId, reply: N::Reply) {
        self.world.reply(from, op, reply);
    }
}
