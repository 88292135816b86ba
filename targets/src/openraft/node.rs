//! An openraft key-value node on madsim: node `i` is the madsim node at the
//! host's server address `i`, runs one `Raft` per incarnation over its
//! [`Disk`], and serves the host's key-value clients.
//!
//! - Writes go through `client_write`; the state machine's reply is the
//!   answer.
//! - Reads are linearizable: `ensure_linearizable` with openraft's
//!   read-index policy, then the local state machine.
//! - A node that cannot serve answers with a redirect to the leader it
//!   knows of, as the host's clients expect.
//! - Every node initialises the cluster at its first start (openraft allows
//!   it wherever the log is empty; all propose the same membership).

use super::disk::{Disk, LogStore};
use super::machine::{Applied, Machine};
use super::network::{Answer, Call, Network, PostOffice, Wire};
use super::release::{Config, Raft as RaftOf, ReadPolicy, SnapshotPolicy};
use super::TypeConfig;
use crate::openraft::observer::{Observer, SyncedTerm};
use crate::openraft::Clock as Instant;
use crate::openraft::Settings;
use faultline::madsim_host::netlayer::{LinkState, MessageLayer};
use faultline::madsim_host::wire::{
    client_addr, client_of, server_addr, TAG_MESSAGE, TAG_REPLY, TAG_REQUEST,
};
use faultline::models::kv::{KvCommand, KvReply, KvRequest};
use faultline::sim::OpId;
use madsim::net::Endpoint;
use madsim::runtime::Handle;
use std::collections::BTreeSet;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

type Raft = RaftOf<TypeConfig, Machine>;

/// Heartbeats every 50 ms; elections after 150 to 300 ms of silence:
/// openraft's defaults, on virtual time. A restarted leader restores its
/// leadership without an election only if `settings` asks for it (see
/// [`Settings`]).
fn config(settings: Settings) -> Arc<Config> {
    let config = Config {
        enable_leader_restore: Some(settings.leader_restore),
        cluster_name: "faultline".into(),
        heartbeat_interval: 50,
        election_timeout_min: 150,
        election_timeout_max: 300,
        // The log is kept whole: snapshots are built only when openraft
        // asks for one to send.
        snapshot_policy: SnapshotPolicy::Never,
        ..Config::default()
    };
    Arc::new(config.validate().expect("a valid openraft config"))
}

/// What node `i` keeps across its incarnations.
struct Kept {
    disk: Arc<Disk>,
    layer: Arc<MessageLayer>,
    started: AtomicBool,
    /// The node's next call number: never reused across incarnations.
    calls: Arc<AtomicU64>,
}

/// Starts `count` nodes, watched by an observer of the run that began at
/// `epoch`; returns their madsim ids (node 0 first) and the observer.
pub(crate) fn start(
    handle: &Handle,
    (count, seed, settings): (usize, u64, Settings),
    (epoch, links): (Instant, LinkState),
) -> (Vec<madsim::task::NodeId>, Arc<Observer>) {
    let kept: Vec<Arc<Kept>> = (0..count)
        .map(|i| {
            Arc::new(Kept {
                disk: Disk::new(),
                layer: Arc::new(MessageLayer::new(
                    links.clone(),
                    seed,
                    &format!("madsim-net-{i}"),
                )),
                started: AtomicBool::new(false),
                calls: Arc::new(AtomicU64::new(1)),
            })
        })
        .collect();
    let disks = kept
        .iter()
        .map(|k| {
            let disk = k.disk.clone();
            Box::new(move |index| disk.synced_term(index)) as SyncedTerm
        })
        .collect();
    let observer = Arc::new(Observer::new(epoch, disks));
    let ids = kept
        .into_iter()
        .enumerate()
        .map(|(i, kept)| {
            let observer = observer.clone();
            handle
                .create_node()
                .name(format!("n{i}"))
                .ip(server_addr(i).ip())
                .init(move || serve(i, (count, settings), kept.clone(), observer.clone()))
                .build()
                .id()
        })
        .collect();
    (ids, observer)
}

/// One incarnation of node `i`.
async fn serve(
    i: usize,
    (count, settings): (usize, Settings),
    kept: Arc<Kept>,
    observer: Arc<Observer>,
) {
    let id = u64::try_from(i).expect("a small id");
    let ep = Rc::new(Endpoint::bind(server_addr(i)).await.expect("bind"));
    kept.disk.recover();
    let store = LogStore::start(id, kept.disk.clone(), observer.clone());
    let machine = Machine::new(id, observer.clone());
    let applied = machine.applied();
    let office = PostOffice::open(id, ep.clone(), kept.layer.clone(), kept.calls.clone());
    let raft = match Raft::new(
        id,
        config(settings),
        Network(office.clone()),
        store,
        machine,
    )
    .await
    {
        Ok(raft) => raft,
        Err(fatal) => return observer.fatal(id, &fatal.to_string()),
    };
    if !kept.started.swap(true, Ordering::SeqCst) {
        let members: BTreeSet<u64> = (0..count as u64).collect();
        let raft = raft.clone();
        madsim::task::spawn_local(async move {
            // Refused where another node's membership arrived first.
            let _ = raft.initialize(members).await;
        });
    }
    let layer = kept.layer.clone();
    madsim::task::spawn_local(answer_calls(ep.clone(), layer, raft.clone(), office));
    serve_clients(ep, raft, applied).await;
}

/// Answers other nodes' calls, each in a task of its own.
async fn answer_calls(
    ep: Rc<Endpoint>,
    layer: Arc<MessageLayer>,
    raft: Raft,
    office: Arc<PostOffice>,
) {
    while let Ok(received) = ep.recv_from_raw(TAG_MESSAGE).await {
        match layer.open::<Wire>(&ep, received) {
            Wire::Answer { id, from, answer } => office.delivered(id, from, answer),
            Wire::Call { id, from, call } => {
                let (raft, office) = (raft.clone(), office.clone());
                madsim::task::spawn_local(async move {
                    office.answer(from, id, answer(&raft, call).await);
                });
            }
        }
    }
}

async fn answer(raft: &Raft, call: Call) -> Answer {
    let refused = |e: &dyn std::fmt::Display| Answer::Refused(e.to_string());
    match call {
        Call::Append(rpc) => raft
            .append_entries(rpc)
            .await
            .map_or_else(|e| refused(&e), Answer::Append),
        Call::Vote(rpc) => raft
            .vote(rpc)
            .await
            .map_or_else(|e| refused(&e), Answer::Vote),
        Call::PreVote(rpc) => raft
            .pre_vote(rpc)
            .await
            .map_or_else(|e| refused(&e), Answer::Vote),
        Call::Snapshot(vote, snapshot) => raft
            .install_full_snapshot(vote, snapshot)
            .await
            .map_or_else(|e| refused(&e), Answer::Snapshot),
    }
}

/// Serves the key-value clients, each request in a task of its own.
async fn serve_clients(ep: Rc<Endpoint>, raft: Raft, applied: Arc<Mutex<Applied>>) {
    while let Ok((payload, _)) = ep.recv_from_raw(TAG_REQUEST).await {
        let (op, request) = *payload
            .downcast::<(OpId, KvRequest)>()
            .expect("a client request");
        let (ep, raft, applied) = (ep.clone(), raft.clone(), applied.clone());
        madsim::task::spawn_local(async move {
            let reply = serve_one(&raft, &applied, request).await;
            let to = client_addr(client_of(op));
            let _ = ep.send_to_raw(to, TAG_REPLY, Box::new((op, reply))).await;
        });
    }
}

async fn serve_one(raft: &Raft, applied: &Mutex<Applied>, request: KvRequest) -> KvReply {
    let redirect = |leader: Option<u64>| KvReply::Redirect {
        hint: leader.map(|l| faultline::sim::NodeId::from(l as usize)),
    };
    match request.command {
        KvCommand::Get { key } => match raft.ensure_linearizable(ReadPolicy::ReadIndex).await {
            Ok(_) => {
                let a = applied.lock().expect("one thread");
                KvReply::Value(a.store.get(key).to_vec())
            }
            Err(e) => redirect(e.forward_to_leader().and_then(|f| f.leader_id)),
        },
        _ => match raft.client_write(request).await {
            Ok(response) => response.data,
            Err(e) => redirect(e.forward_to_leader().and_then(|f| f.leader_id)),
        },
    }
}
