//! What the clients did beyond the history: every attempt they sent (to
//! which node, when it arrived, when the node started handling it), and per
//! logical operation the wait of the attempt that answered it.
//!
//! The history says what a client saw: its response time runs from invoke
//! to answer. The log separates the part the operation spent waiting at
//! its serving node before any handler ran (a paused node holds what
//! arrives until it resumes): the *latency* of the operation, in the
//! sense that seed note 000 distinguishes from response time.

use crate::node_id::{NodeId, OpId};
use crate::time::SimTime;
use serde::{Deserialize, Serialize};

/// One attempt of a client operation: a submission to one node.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attempt {
    /// The engine's id for the submission (the trace's `op #N`).
    pub op_id: u64,
    /// The client process that sent it.
    pub process: u64,
    /// The node it went to.
    pub node: NodeId,
    /// When it arrived at the node (clients submit without transit time).
    pub arrived: SimTime,
    /// When the node started handling it; `None` when it never did (the
    /// node was down, or the run ended first).
    pub handled: Option<SimTime>,
}

/// The clients' log of a run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClientLog {
    /// Every attempt, in submission order (so by increasing `op_id`).
    pub attempts: Vec<Attempt>,
    /// Per logical operation, in the history's invoke order: how long the
    /// answering attempt waited at its node before handling began
    /// (virtual nanoseconds); `None` for an operation no answer ended.
    pub waits: Vec<Option<u64>>,
}

impl ClientLog {
    /// Records a new logical operation; returns its index in `waits`.
    pub(super) fn invoked(&mut self) -> usize {
        self.waits.push(None);
        self.waits.len() - 1
    }

    /// Records an attempt just submitted.
    pub(super) fn attempt(&mut self, op_id: OpId, process: u64, node: NodeId, now: SimTime) {
        debug_assert!(self.attempts.last().is_none_or(|a| a.op_id < op_id.0));
        self.attempts.push(Attempt {
            op_id: op_id.0,
            process,
            node,
            arrived: now,
            handled: None,
        });
    }

    /// Records that a node started handling attempt `op_id` at `at`.
    pub(super) fn handled(&mut self, op_id: OpId, at: SimTime) {
        if let Some(a) = self.find_mut(op_id) {
            a.handled.get_or_insert(at);
        }
    }

    /// Records that attempt `op_id` answered logical operation `index`.
    pub(super) fn answered(&mut self, index: usize, op_id: OpId) {
        let wait = self
            .find_mut(op_id)
            .and_then(|a| Some(a.handled?.since(a.arrived).as_nanos()));
        self.waits[index] = wait;
    }

    fn find_mut(&mut self, op_id: OpId) -> Option<&mut Attempt> {
        let i = self
            .attempts
            .binary_search_by_key(&op_id.0, |a| a.op_id)
            .ok()?;
        Some(&mut self.attempts[i])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::SimDuration;

    #[test]
    fn the_wait_is_the_answering_attempts_time_at_its_node_before_handling() {
        let mut log = ClientLog::default();
        let op = log.invoked();
        let t = |ms| SimTime::ZERO.after(SimDuration::from_millis(ms));
        log.attempt(OpId(4), 0, NodeId(1), t(10));
        log.attempt(OpId(7), 0, NodeId(2), t(20));
        log.handled(OpId(7), t(35));
        log.handled(OpId(7), t(90)); // only the first start counts
        log.answered(op, OpId(7));
        assert_eq!(log.waits, vec![Some(15_000_000)]);
        assert_eq!(log.attempts[0].handled, None);
        let never = log.invoked();
        log.answered(never, OpId(4)); // never handled: no wait to report
        assert_eq!(log.waits[never], None);
    }
}
