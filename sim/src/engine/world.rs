//! The world every handler shares: the clock, the queue, the network, the random
//! streams of the engine, timers, client replies and the trace.
//!
//! The world is generic over the nodes' message, timer, operation and reply
//! types (`M`, `T`, `O`, `R`), not over the node trait, so that the context
//! (beside the trait, in `node.rs`) can act on it directly.
//!
//! This file holds the hot path of a send. A send costs a payload digest, one
//! trace fold, one latency draw and one heap push; message-fault draws happen
//! only on links that have a fault probability set.

use crate::clock::NodeClock;
use crate::event::Event;
use crate::network::{Held, Network};
use crate::node_id::{NodeId, OpId};
use crate::queue::EventQueue;
use crate::rng::SimRng;
use crate::time::{SimDuration, SimTime};
use crate::timers::{TimerId, TimerSlab};
use crate::trace::{digest, DropReason, Trace, TraceEvent};
use std::fmt::Debug;
use std::hash::Hash;

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

#[derive(Clone)]
pub(crate) struct World<M, T, O, R> {
    pub(crate) now: SimTime,
    pub(crate) queue: EventQueue<Event<M, T, O>>,
    pub(crate) net: Network<M>,
    pub(crate) net_rng: SimRng,
    pub(crate) fault_rng: SimRng,
    pub(crate) timers: TimerSlab,
    pub(crate) trace: Trace,
    pub(crate) replies: Vec<ClientReply<R>>,
    /// Client operations whose handling started, with when: a paused
    /// node starts one when it resumes, not when it arrived.
    pub(crate) handled: Vec<(crate::node_id::OpId, SimTime)>,
    pub(crate) stats: Stats,
    next_msg_id: u64,
}

impl<M, T, O, R> World<M, T, O, R>
where
    M: Clone + Debug + Hash,
    T: Debug + Hash,
    R: Debug + Hash,
{
    pub(crate) fn new(net: Network<M>, seed: u64, record: bool) -> Self {
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
            handled: Vec::new(),
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
    pub(crate) fn send(&mut self, from: NodeId, to: NodeId, msg: M) {
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
    fn depart(&mut self, link: usize, from: NodeId, to: NodeId, msg_id: u64, msg: M) {
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
    pub(crate) fn release(&mut self, from: NodeId, to: NodeId, held: Vec<Held<M>>) {
        let link = self.net.index(from, to);
        for h in held {
            self.depart(link, from, to, h.msg_id, h.msg);
        }
    }

    /// Arms a timer of `node` (in its incarnation `incarnation`) that fires
    /// after `after` on the node's `clock`.
    #[inline]
    pub(crate) fn set_timer(
        &mut self,
        node: NodeId,
        incarnation: u32,
        clock: &NodeClock,
        after: SimDuration,
        payload: T,
    ) -> TimerId {
        let id = self.timers.arm();
        let event = Event::Timer {
            node,
            incarnation,
            id,
            payload,
        };
        self.queue
            .push(self.now.after(clock.real_delay(after)), event);
        id
    }

    pub(crate) fn reply(&mut self, node: NodeId, op_id: OpId, reply: R) {
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
