//! Workloads: what a scenario's clients send, and what they make of the
//! answers.

use crate::node::Node;
use crate::node_id::NodeId;
use crate::rng::SimRng;
use crate::time::SimDuration;
use std::fmt::Debug;
use std::hash::Hash;

/// What a client makes of a reply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Completion {
    /// The operation took effect (or was read) with this reply.
    Ok,
    /// The operation certainly did not take effect.
    Fail,
    /// Unknown whether it took effect.
    Info,
    /// Not answered here (say, "not the leader"): send the same operation again,
    /// to `hint` if the node named one, after [`Workload::retry_backoff`]. The
    /// operation must carry its own identity (a client id and sequence number)
    /// if the service is to apply a retried operation only once.
    Retry {
        /// The node the answer points at.
        hint: Option<NodeId>,
    },
}

/// What clients see of a service: the operations they send and the answers
/// they get. Every [`Node`] is one; a service that is not a sans-IO node (an
/// async service on the madsim host) names its two types here, and the same
/// [`Workload`]s drive it.
pub trait Interface {
    /// A client operation.
    type Op: Debug + Hash;
    /// The answer to one.
    type Reply: Debug + Hash;
}

impl<N: Node> Interface for N {
    type Op = N::Op;
    type Reply = N::Reply;
}

/// Generates client operations.
pub trait Workload<N: Interface> {
    /// The next operation of client slot `client` (`0..clients`, stable across
    /// the process renewals that follow timeouts), whose current process id is
    /// `process`, and the node it is sent to; or `None` when the workload has
    /// nothing more for that client (which then stays idle).
    fn next_op(
        &mut self,
        rng: &mut SimRng,
        client: usize,
        process: u64,
        nodes: usize,
    ) -> Option<(NodeId, N::Op)>;
    /// Classifies a reply.
    fn complete(&self, reply: &N::Reply) -> Completion {
        let _ = reply;
        Completion::Ok
    }
    /// Client slot `client`'s operation ended with `reply`, whether it
    /// completed ok, failed or ended unknown (not a reply answered with a
    /// retry): where a client library keeps its session state (a session
    /// token, the version it last saw, a token refused as expired) for the
    /// operations it makes next. The default ignores it.
    fn observe(&mut self, client: usize, reply: &N::Reply) {
        let _ = (client, reply);
    }
    /// How long one attempt may go unanswered before the client sends the same
    /// operation again, elsewhere. `None` (the default): the client waits for
    /// the whole client timeout and never retries on silence.
    fn attempt_timeout(&self) -> Option<SimDuration> {
        None
    }
    /// The node a retry goes to, after `last` redirected the client (with
    /// `hint`, if it named one) or stayed silent. The default: the hint, else
    /// the next node round the ring.
    fn retry_target(
        &mut self,
        rng: &mut SimRng,
        client: usize,
        last: NodeId,
        hint: Option<NodeId>,
        nodes: usize,
    ) -> NodeId {
        let _ = (rng, client);
        hint.unwrap_or_else(|| NodeId::from((last.index() + 1) % nodes.max(1)))
    }
    /// The pause before a retry that a redirect asked for. Without it, two
    /// nodes that point at each other would bounce a client forever at one
    /// instant of virtual time.
    fn retry_backoff(&self) -> SimDuration {
        SimDuration::from_millis(5)
    }
    /// The pause between an answer and the client's next operation.
    fn think_time(&mut self, rng: &mut SimRng) -> SimDuration {
        let _ = rng;
        SimDuration::ZERO
    }
    /// The pause before client slot `client`'s next operation: by default
    /// [`Workload::think_time`], the same for every client. A workload
    /// whose clients differ (a flooder beside honest clients) overrides it.
    fn think_time_for(&mut self, rng: &mut SimRng, client: usize) -> SimDuration {
        let _ = client;
        self.think_time(rng)
    }
}

/// A fixed workload: client slot `i` sends
/// the operations of `scripts[i]` in order, each to node `target % nodes`. Made
/// by [`crate::strategy::scripts`], so proptest can shrink it to fewer operations.
#[derive(Clone, Debug)]
pub struct Scripted<Op> {
    scripts: Vec<std::collections::VecDeque<(u32, Op)>>,
}

impl<Op> Scripted<Op> {
    /// A workload from per-client scripts of (target, operation).
    pub fn new(scripts: Vec<Vec<(u32, Op)>>) -> Self {
        Scripted {
            scripts: scripts.into_iter().map(Into::into).collect(),
        }
    }

    /// How many clients the scripts are for.
    pub fn clients(&self) -> usize {
        self.scripts.len()
    }
}

impl<N: Interface> Workload<N> for Scripted<N::Op> {
    fn next_op(
        &mut self,
        _rng: &mut SimRng,
        client: usize,
        _process: u64,
        nodes: usize,
    ) -> Option<(NodeId, N::Op)> {
        let (target, op) = self.scripts.get_mut(client)?.pop_front()?;
        Some((NodeId::from(target as usize % nodes.max(1)), op))
    }
}
