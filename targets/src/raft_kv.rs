//! The run every Raft library is judged in: five replicas carrying the
//! key-value service, three clients of [`KvClients`], the `all` mix aimed
//! at the leader, Raft's safety after every event, linearizability under
//! the `kv` spec, 10 s of safety; then, healed, a leader and every
//! client's next operation.

use faultline::models::judge::raft::{self, RaftView};
use faultline::models::kv::{history, KvClients, KvReply, KvRequest};
use faultline::sim::scenario::{Check, Scenario};
use faultline::sim::spec::kv::Kv;
use faultline::sim::{Mix, Node, NodeId, SimDuration};

/// The scenario of the nodes `fresh` makes, whose Raft `view` shows.
pub fn scenario<N>(
    fresh: impl Fn(NodeId) -> N + 'static,
    view: fn(&N) -> Option<&dyn RaftView>,
) -> Scenario<N>
where
    N: Node<Op = KvRequest, Reply = KvReply> + 'static,
{
    Scenario::new(fresh)
        .nodes(5)
        .clients(3, KvClients::default)
        .faults(Mix::All.nemesis())
        .focus("the leader", move |sim| raft::leader(sim, view))
        .check(Check::properties(&raft::PROPERTIES, move || {
            raft::safety(view)
        }))
        .check(Check::linearizable(Kv, history::spec_history))
        .check(Check::eventually("a leader", move |sim| {
            raft::leader(sim, view)
                .map(|_| ())
                .ok_or_else(|| "no leader".to_string())
        }))
        .run_for(SimDuration::from_secs(10))
}
