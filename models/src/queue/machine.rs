//! The queue's state machine, replicated by primary-backup: the broker's
//! queue (idempotent publishes, leases for visibility, acknowledgements),
//! and the sink's effects with their deduplication table. Brokers use the
//! first part; the sink node keeps the second, so that one atomic write
//! holds an effect and its dedup entry.

use crate::primary_backup::machine::StateMachine;
use sim::{NodeId, SimTime};
use std::collections::BTreeMap;

/// A message's id: its producer and the producer's sequence number (the
/// idempotency key).
pub fn message_id(producer: u32, seq: u32) -> u64 {
    u64::from(producer) << 32 | u64::from(seq)
}

/// A request to the broker or the sink. `client` and `seq` are the
/// caller's session, so a retried request applies once; `now` is stamped
/// by the primary (or the sink) before it applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum QRequest {
    /// A producer's publish of message `id`.
    Publish {
        /// The caller's session.
        client: u32,
        /// The request's number in the session.
        seq: u32,
        /// The message.
        id: u64,
        /// What the message carries.
        payload: u64,
        /// The time the primary (or the sink) stamped, in ns.
        now: u64,
    },
    /// A consumer asks for a visible message, leased for `lease` ns.
    Receive {
        /// The caller's session.
        client: u32,
        /// The request's number in the session.
        seq: u32,
        /// How long the message is leased, in ns.
        lease: u64,
        /// The time the primary (or the sink) stamped, in ns.
        now: u64,
    },
    /// A consumer is done with message `id`.
    Ack {
        /// The caller's session.
        client: u32,
        /// The request's number in the session.
        seq: u32,
        /// The message.
        id: u64,
    },
    /// A consumer applies message `id`'s effect at the sink.
    Apply {
        /// The caller's session.
        client: u32,
        /// The request's number in the session.
        seq: u32,
        /// The message.
        id: u64,
        /// What the message carries.
        payload: u64,
        /// When the message was published, in ns.
        published: u64,
        /// When it was delivered to the consumer, in ns.
        delivered: u64,
        /// The time the primary (or the sink) stamped, in ns.
        now: u64,
    },
}

/// The answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum QReply {
    /// The publish is in the queue (or was already).
    Published,
    /// The queue is full: the publish was refused, nothing was stored.
    Full,
    /// A message, leased to the caller until `until`.
    Delivered {
        /// The message.
        id: u64,
        /// What the message carries.
        payload: u64,
        /// When the message was published, in ns.
        published: u64,
        /// When it was delivered to the consumer, in ns.
        delivered: u64,
        /// The end of the lease, in ns.
        until: u64,
    },
    /// Nothing visible.
    Empty,
    /// The acknowledgement is recorded.
    Acked,
    /// The effect is applied (or was already: `again`).
    Applied {
        /// The effect was already applied.
        again: bool,
    },
    /// Not the primary: ask `hint`.
    Redirect {
        /// The primary, if known.
        hint: Option<NodeId>,
    },
}

/// A message in the queue.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Queued {
    /// Its payload.
    pub payload: u64,
    /// When it was published (the primary's clock).
    pub published: u64,
    /// When it was first delivered, if it has been.
    pub first_delivery: Option<u64>,
    /// It is invisible until then (leased).
    pub visible_at: u64,
}

/// One applied effect at the sink.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Effect {
    /// How many times it was applied (1 unless deduplication failed).
    pub count: u32,
    /// When it was first applied (the sink's clock).
    pub applied: u64,
    /// When its message was published and first delivered (the broker's clock).
    pub published: u64,
    /// See `published`.
    pub delivered: u64,
}

/// The state machine.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct QueueMachine {
    /// Unacknowledged messages, by id.
    pub queue: BTreeMap<u64, Queued>,
    /// Every id ever published (the publish dedup table).
    pub published: BTreeMap<u64, ()>,
    /// The sink's effects by message id (its dedup table).
    pub effects: BTreeMap<u64, Effect>,
    /// The most unacknowledged messages it holds.
    pub capacity: usize,
    /// The `drop-when-full` bug: a full queue acknowledges and drops.
    pub drop_when_full: bool,
    /// The `no-dedup` bug: the sink applies every delivery.
    pub no_dedup: bool,
    sessions: BTreeMap<u32, (u32, QReply)>,
}

impl QueueMachine {
    /// An empty queue of `capacity`, with the bugs that live in it.
    pub fn new(capacity: usize, drop_when_full: bool, no_dedup: bool) -> Self {
        QueueMachine {
            capacity,
            drop_when_full,
            no_dedup,
            ..QueueMachine::default()
        }
    }

    fn execute(&mut self, request: &QRequest) -> QReply {
        match *request {
            QRequest::Publish {
                id, payload, now, ..
            } => self.publish(id, payload, now),
            QRequest::Receive { lease, now, .. } => self.receive(lease, now),
            QRequest::Ack { id, .. } => {
                self.queue.remove(&id);
                QReply::Acked
            }
            QRequest::Apply {
                id,
                published,
                delivered,
                now,
                ..
            } => {
                let again = self.effects.contains_key(&id);
                if !again || self.no_dedup {
                    let e = self.effects.entry(id).or_insert(Effect {
                        count: 0,
                        applied: now,
                        published,
                        delivered,
                    });
                    e.count += 1;
                }
                QReply::Applied { again }
            }
        }
    }

    fn publish(&mut self, id: u64, payload: u64, now: u64) -> QReply {
        if self.published.contains_key(&id) {
            return QReply::Published;
        }
        if self.queue.len() >= self.capacity {
            return if self.drop_when_full {
                QReply::Published
            } else {
                QReply::Full
            };
        }
        self.published.insert(id, ());
        let queued = Queued {
            payload,
            published: now,
            first_delivery: None,
            visible_at: 0,
        };
        self.queue.insert(id, queued);
        QReply::Published
    }

    fn receive(&mut self, lease: u64, now: u64) -> QReply {
        let Some((&id, m)) = self.queue.iter_mut().find(|(_, m)| m.visible_at <= now) else {
            return QReply::Empty;
        };
        m.visible_at = now.saturating_add(lease);
        let delivered = *m.first_delivery.get_or_insert(now);
        QReply::Delivered {
            id,
            payload: m.payload,
            published: m.published,
            delivered,
            until: m.visible_at,
        }
    }
}

impl StateMachine for QueueMachine {
    type Request = QRequest;
    type Reply = QReply;

    fn apply(&mut self, request: &QRequest) -> Option<QReply> {
        let (client, seq) = Self::session(request);
        if let Some(&(last, reply)) = self.sessions.get(&client) {
            if seq == last {
                return Some(reply);
            }
            if seq < last {
                return None;
            }
        }
        let reply = self.execute(request);
        self.sessions.insert(client, (seq, reply));
        Some(reply)
    }

    fn session(request: &QRequest) -> (u32, u32) {
        match *request {
            QRequest::Publish { client, seq, .. }
            | QRequest::Receive { client, seq, .. }
            | QRequest::Ack { client, seq, .. }
            | QRequest::Apply { client, seq, .. } => (client, seq),
        }
    }

    fn redirect(hint: Option<NodeId>) -> QReply {
        QReply::Redirect { hint }
    }

    fn stamp(request: &mut QRequest, at: SimTime) {
        match request {
            QRequest::Publish { now, .. }
            | QRequest::Receive { now, .. }
            | QRequest::Apply { now, .. } => *now = at.0,
            QRequest::Ack { .. } => {}
        }
    }
}
