//! openraft's network over the madsim host's message layer, so loss,
//! duplication, delay, reordering, partitions and clogs all reach it.
//!
//! A call is one message there and its answer another, each through the
//! sender's [`MessageLayer`]; the caller waits for the answer up to the
//! call's time to live (openraft's `hard_ttl`), and a call lost either way
//! is a network error to openraft, which retries. A duplicated call is
//! handled twice and answered twice; the second answer finds no one
//! waiting. Messages are openraft's own values (madsim carries them as
//! they are: nothing is serialised).
//!
//! openraft's clients must be `Send`, and madsim's endpoint is held by
//! the node's task, so every node has a [`PostOffice`]: calls and answers
//! go to it by channel, and its pump task sends them on.
//!
//! An answer is matched to its call by the call's number and the callee:
//! numbers are never reused by a node, across its restarts, so an answer
//! to a call of an earlier incarnation, delayed past a crash, reaches no
//! one (reusing them let such an answer stand for a newer call's, and a
//! leader counted an acknowledgement no follower gave).

use super::machine::Snapshot;
use super::release::error::{NetworkError, RPCError, ReplicationClosed, StreamingError};
use super::release::network::{RPCOption, RaftNetworkFactory, RaftNetworkV2};
use super::release::raft::{
    AppendEntriesRequest, AppendEntriesResponse, SnapshotResponse, VoteRequest, VoteResponse,
};
use super::release::type_config::alias::VoteOf;
use super::release::{AnyError, OptionalSend};
use super::TypeConfig;
use faultline::madsim_host::netlayer::MessageLayer;
use faultline::madsim_host::wire::{server_addr, TAG_MESSAGE};
use madsim::net::Endpoint;
use std::collections::BTreeMap;
use std::future::Future;
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};

/// A call from one node to another.
#[derive(Clone, Debug)]
pub(crate) enum Call {
    /// Replicate entries (or a heartbeat).
    Append(AppendEntriesRequest<TypeConfig>),
    /// Ask for a vote.
    Vote(VoteRequest<TypeConfig>),
    /// Ask whether a vote would be granted.
    PreVote(VoteRequest<TypeConfig>),
    /// Install a whole snapshot, sent by the leader of `vote`.
    Snapshot(VoteOf<TypeConfig>, Snapshot),
}

/// A call's answer.
#[derive(Clone, Debug)]
pub(crate) enum Answer {
    /// To [`Call::Append`].
    Append(AppendEntriesResponse<TypeConfig>),
    /// To [`Call::Vote`] or [`Call::PreVote`].
    Vote(VoteResponse<TypeConfig>),
    /// To [`Call::Snapshot`].
    Snapshot(SnapshotResponse<TypeConfig>),
    /// The callee's openraft refused the call (it is shutting down).
    Refused(String),
}

/// What crosses the wire.
#[derive(Clone, Debug)]
pub(crate) enum Wire {
    /// A call `id` from node `from`.
    Call {
        /// The caller's number for it.
        id: u64,
        /// The caller.
        from: u64,
        /// The call.
        call: Call,
    },
    /// Node `from`'s answer to the call `id`.
    Answer {
        /// The caller's number for the call.
        id: u64,
        /// The callee.
        from: u64,
        /// The answer.
        answer: Answer,
    },
}

/// One incarnation's post office: what it sends, and the calls that wait.
pub(crate) struct PostOffice {
    node: u64,
    outbox: mpsc::UnboundedSender<(u64, Wire)>,
    /// Per call waiting: the callee and where its answer goes.
    waiting: Mutex<BTreeMap<u64, (u64, oneshot::Sender<Answer>)>>,
    /// The node's call numbers, kept across its incarnations.
    next: Arc<AtomicU64>,
}

impl PostOffice {
    /// The post office of node `node`, with its pump task spawned on the
    /// current madsim node, sending through `layer` from `ep`, numbering
    /// calls from `next`.
    pub(crate) fn open(
        node: u64,
        ep: Rc<Endpoint>,
        layer: Arc<MessageLayer>,
        next: Arc<AtomicU64>,
    ) -> Arc<PostOffice> {
        let (outbox, mut queue) = mpsc::unbounded_channel::<(u64, Wire)>();
        madsim::task::spawn_local(async move {
            while let Some((to, wire)) = queue.recv().await {
                let to = server_addr(usize::try_from(to).expect("a small id"));
                layer.send(&ep, to, TAG_MESSAGE, wire);
            }
        });
        Arc::new(PostOffice {
            node,
            outbox,
            waiting: Mutex::default(),
            next,
        })
    }

    /// Calls node `to` and waits for its answer up to `ttl`.
    async fn call(&self, to: u64, call: Call, ttl: Duration) -> Option<Answer> {
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = oneshot::channel();
        self.waiting
            .lock()
            .expect("one thread")
            .insert(id, (to, tx));
        let wire = Wire::Call {
            id,
            from: self.node,
            call,
        };
        let _ = self.outbox.send((to, wire));
        let answer = madsim::time::timeout(ttl, rx).await;
        self.waiting.lock().expect("one thread").remove(&id);
        answer.ok().and_then(Result::ok)
    }

    /// Sends `answer` to call `id` of node `to`.
    pub(crate) fn answer(&self, to: u64, id: u64, answer: Answer) {
        let from = self.node;
        let _ = self.outbox.send((to, Wire::Answer { id, from, answer }));
    }

    /// Node `from` answered call `id`: the answer goes to that call, if it
    /// still waits and was made to `from`.
    pub(crate) fn delivered(&self, id: u64, from: u64, answer: Answer) {
        let mut waiting = self.waiting.lock().expect("one thread");
        if waiting.get(&id).is_some_and(|(callee, _)| *callee == from) {
            let (_, to) = waiting.remove(&id).expect("just seen");
            let _ = to.send(answer);
        }
    }
}

/// openraft's network factory: a [`Peer`] per target.
pub(crate) struct Network(pub Arc<PostOffice>);

impl RaftNetworkFactory<TypeConfig> for Network {
    type Network = Peer;

    async fn new_client(&mut self, target: u64, _node: &()) -> Peer {
        Peer {
            to: target,
            office: self.0.clone(),
        }
    }
}

/// openraft's client of one other node.
pub(crate) struct Peer {
    to: u64,
    office: Arc<PostOffice>,
}

fn lost(what: &str) -> NetworkError<TypeConfig> {
    NetworkError::new(&AnyError::error(what))
}

impl Peer {
    async fn ask(&self, call: Call, option: &RPCOption) -> Result<Answer, RPCError<TypeConfig>> {
        match self.office.call(self.to, call, option.hard_ttl()).await {
            Some(Answer::Refused(why)) => Err(RPCError::Network(lost(&why))),
            Some(answer) => Ok(answer),
            None => Err(RPCError::Network(lost(
                "no answer within the call's time to live",
            ))),
        }
    }
}

fn unexpected(answer: &Answer) -> RPCError<TypeConfig> {
    RPCError::Network(lost(&format!("an answer of another call: {answer:?}")))
}

impl RaftNetworkV2<TypeConfig> for Peer {
    super::snapshot_data!();

    async fn append_entries(
        &mut self,
        rpc: AppendEntriesRequest<TypeConfig>,
        option: RPCOption,
    ) -> Result<AppendEntriesResponse<TypeConfig>, RPCError<TypeConfig>> {
        match self.ask(Call::Append(rpc), &option).await? {
            Answer::Append(response) => Ok(response),
            other => Err(unexpected(&other)),
        }
    }

    async fn vote(
        &mut self,
        rpc: VoteRequest<TypeConfig>,
        option: RPCOption,
    ) -> Result<VoteResponse<TypeConfig>, RPCError<TypeConfig>> {
        match self.ask(Call::Vote(rpc), &option).await? {
            Answer::Vote(response) => Ok(response),
            other => Err(unexpected(&other)),
        }
    }

    async fn pre_vote(
        &mut self,
        rpc: VoteRequest<TypeConfig>,
        option: RPCOption,
    ) -> Result<VoteResponse<TypeConfig>, RPCError<TypeConfig>> {
        match self.ask(Call::PreVote(rpc), &option).await? {
            Answer::Vote(response) => Ok(response),
            other => Err(unexpected(&other)),
        }
    }

    async fn full_snapshot(
        &mut self,
        vote: VoteOf<TypeConfig>,
        snapshot: Snapshot,
        _cancel: impl Future<Output = ReplicationClosed> + OptionalSend + 'static,
        option: RPCOption,
    ) -> Result<SnapshotResponse<TypeConfig>, StreamingError<TypeConfig>> {
        match self.ask(Call::Snapshot(vote, snapshot), &option).await? {
            Answer::Snapshot(response) => Ok(response),
            other => Err(unexpected(&other).into()),
        }
    }
}
