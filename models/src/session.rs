//! FIFO sessions over faultline's network, for a library whose contract
//! asks for them (omnipaxos: "session-based FIFO links", told of each
//! reconnection). faultline's links lose, duplicate, delay and reorder
//! messages; a session delivers a prefix of what was sent, in order, once,
//! and says when it broke, so that the library is told, as its contract
//! says, rather than fed a gap it cannot know about.
//!
//! Each message carries its sender's session with the receiver and a
//! sequence number. The receiver delivers the next number, drops
//! duplicates and old sessions, and treats a gap as a broken session: it
//! asks the sender for a new one ([`Frame::Reset`]). Opening a session,
//! either way, is a reconnection. Session numbers grow across restarts:
//! the high bits are the node's restart count.

use sim::NodeId;
use std::collections::BTreeMap;

/// What travels: a session's message, or a request for a new session.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Frame<M> {
    /// Message `seq` of `session`.
    Data {
        /// The sender's session with the receiver.
        session: u64,
        /// Its place in the session, from 0.
        seq: u64,
        /// The library's message.
        msg: M,
    },
    /// The receiver's session `session` from the sender broke: open
    /// another. Sent for every frame that arrives on a broken session, so
    /// a lost reset is sent again.
    Reset {
        /// The broken session.
        session: u64,
    },
}

/// What a received frame means.
#[derive(Debug, PartialEq, Eq)]
pub enum Received<M> {
    /// Deliver `M`; `reconnected` when it opened a new session from its
    /// sender.
    Deliver(M, bool),
    /// Nothing to deliver (a duplicate, an old session, a stale reset).
    Drop,
    /// The session from the sender is broken: send it this
    /// [`Frame::Reset`].
    Broken(Frame<M>),
    /// The sender asked for a new session: one is open now, so tell the
    /// library the link to the sender reconnected.
    Reopened,
}

/// Sentinel for a broken incoming session: nothing more is delivered.
const BROKEN: u64 = u64::MAX;

/// One node's sessions with every other.
#[derive(Clone, Debug, Default, Hash)]
pub struct Sessions {
    /// The node's restart count, the high bits of its session numbers.
    epoch: u64,
    opened: u64,
    /// Per peer: our session to it and the next sequence number.
    out: BTreeMap<NodeId, (u64, u64)>,
    /// Per peer: its session to us and the sequence number expected.
    inn: BTreeMap<NodeId, (u64, u64)>,
}

impl Sessions {
    /// The sessions of a node that has restarted `epoch` times.
    pub fn new(epoch: u64) -> Sessions {
        assert!(epoch < 1 << 31, "restart counts stay small");
        Sessions {
            epoch,
            ..Sessions::default()
        }
    }

    fn open(&mut self, to: NodeId) {
        self.opened += 1;
        self.out.insert(to, ((self.epoch << 32) | self.opened, 0));
    }

    /// `msg` framed for `to`, on the current session.
    pub fn frame<M>(&mut self, to: NodeId, msg: M) -> Frame<M> {
        if !self.out.contains_key(&to) {
            self.open(to);
        }
        let (session, next) = self.out.get_mut(&to).expect("opened");
        let seq = *next;
        *next += 1;
        Frame::Data {
            session: *session,
            seq,
            msg,
        }
    }

    /// What `frame` from `from` means.
    pub fn receive<M>(&mut self, from: NodeId, frame: Frame<M>) -> Received<M> {
        let (session, seq, msg) = match frame {
            Frame::Reset { session } => {
                if self
                    .out
                    .get(&from)
                    .is_some_and(|&(current, _)| current == session)
                {
                    self.open(from);
                    return Received::Reopened;
                }
                return Received::Drop;
            }
            Frame::Data { session, seq, msg } => (session, seq, msg),
        };
        let (current, expected) = self.inn.get(&from).copied().unwrap_or((0, 0));
        if session < current {
            return Received::Drop;
        }
        let new = session > current;
        let expected = if new { 0 } else { expected };
        if !new && expected != BROKEN && seq < expected {
            return Received::Drop; // a duplicate
        }
        if expected == BROKEN || seq != expected {
            self.inn.insert(from, (session, BROKEN));
            return Received::Broken(Frame::Reset { session });
        }
        self.inn.insert(from, (session, seq + 1));
        Received::Deliver(msg, new && current != 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deliver(s: &mut Sessions, from: NodeId, f: Frame<u32>) -> Received<u32> {
        s.receive(from, f)
    }

    #[test]
    fn a_session_delivers_in_order_once_and_breaks_at_a_gap() {
        let (a, b) = (NodeId(0), NodeId(1));
        let (mut sa, mut sb) = (Sessions::new(0), Sessions::new(0));
        let m0 = sa.frame(b, 10);
        let m1 = sa.frame(b, 11);
        let m2 = sa.frame(b, 12);
        assert_eq!(
            deliver(&mut sb, a, m0.clone()),
            Received::Deliver(10, false)
        );
        assert_eq!(deliver(&mut sb, a, m0), Received::Drop, "a duplicate");
        let Received::Broken(reset) = deliver(&mut sb, a, m2.clone()) else {
            panic!("11 was lost: the session breaks");
        };
        // Every later frame of the broken session asks again.
        assert!(matches!(deliver(&mut sb, a, m1), Received::Broken(_)));
        assert!(matches!(deliver(&mut sb, a, m2), Received::Broken(_)));
        // a opens a new session once, and reconnects; a second reset of the
        // same old session changes nothing.
        assert_eq!(sa.receive(b, reset.clone()), Received::Reopened);
        assert_eq!(sa.receive(b, reset), Received::Drop);
        let n0 = sa.frame(b, 20);
        assert_eq!(deliver(&mut sb, a, n0), Received::Deliver(20, true));
    }

    #[test]
    fn a_restarted_sender_opens_a_newer_session() {
        let (a, b) = (NodeId(0), NodeId(1));
        let mut sb = Sessions::new(0);
        let old = Sessions::new(0).frame(b, 1);
        assert_eq!(deliver(&mut sb, a, old), Received::Deliver(1, false));
        let after_restart = Sessions::new(1).frame(b, 2);
        assert_eq!(
            deliver(&mut sb, a, after_restart),
            Received::Deliver(2, true)
        );
        let stale = Sessions::new(0).frame(b, 3);
        assert_eq!(deliver(&mut sb, a, stale), Received::Drop, "an old session");
    }
}
