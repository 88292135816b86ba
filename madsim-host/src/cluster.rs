//! A cluster of hosted nodes: node `i` is the madsim node at `10.0.0.<i+1>`.
//! Its durable storage and state live outside madsim's tasks, so a kill
//! (which drops the tasks) loses only what a crash loses: the fault plan's
//! crash hook crashes the hosted node at the kill, and a restart runs its
//! recover handler on its synced storage. Messages between nodes pass
//! through the [`crate::netlayer`]. An optional monitor (a model's invariants,
//! written against [`NodeTable`]) sees every node after every event, as on
//! the engine.

use crate::netlayer::{LinkState, MessageLayer};
use crate::violation::Violation;
use crate::wire::{
    client_addr, client_of, node_of, server_addr, since, TAG_MESSAGE, TAG_REPLY, TAG_REQUEST,
};
use madsim::net::Endpoint;
use madsim::runtime::Handle;
use madsim::time::Instant;
use models::kv::{KvReply, KvRequest};
use sim::host::{Effect, Hosted};
use sim::{Node, NodeId, NodeTable, OpId};
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

/// A key-value model that can run here: its messages cross madsim's network
/// and its state and storage sit behind a lock shared with madsim's tasks.
pub trait KvNode:
    Node<Op = KvRequest, Reply = KvReply, Message: Send + Sync, Timer: Send, Block: Send>
    + Send
    + 'static
{
}

impl<N> KvNode for N where
    N: Node<Op = KvRequest, Reply = KvReply, Message: Send + Sync, Timer: Send, Block: Send>
        + Send
        + 'static
{
}

/// An invariant monitor over the cluster's nodes, called after every event.
pub type Monitor<N> = Box<dyn FnMut(&dyn NodeTable<N>) -> Result<(), String> + Send>;

/// A model's focus (its leader, its primary), read from its nodes.
pub type FocusOf<N> = Arc<dyn Fn(&dyn NodeTable<N>) -> Option<NodeId> + Send + Sync>;

/// One node's state, shared between its madsim incarnations.
struct Shared<N: Node> {
    hosted: Mutex<Hosted<N>>,
    started: AtomicBool,
    /// Sends to other nodes go through here.
    net: MessageLayer,
}

/// The cluster: every node, the run's epoch, and the monitor with the first
/// violation it reported.
pub struct Cluster<N: Node> {
    nodes: Vec<Shared<N>>,
    epoch: Instant,
    monitor: Mutex<Option<Monitor<N>>>,
    violation: Mutex<Option<Violation>>,
}

/// Every node, locked at once: what a monitor reads.
struct Locked<'a, N: Node>(Vec<MutexGuard<'a, Hosted<N>>>);

impl<N: Node> NodeTable<N> for Locked<'_, N> {
    fn node_count(&self) -> usize {
        self.0.len()
    }
    fn node(&self, id: NodeId) -> Option<&N> {
        self.0[id.index()].node()
    }
    fn node_version(&self, id: NodeId) -> u64 {
        self.0[id.index()].version()
    }
}

impl<N: KvNode> Cluster<N> {
    /// The first violation the monitor reported, if any.
    pub fn violation(&self) -> Option<Violation> {
        self.violation.lock().expect("one thread").clone()
    }

    /// What `focus` names, read from every node now.
    pub fn focus(&self, focus: &dyn Fn(&dyn NodeTable<N>) -> Option<NodeId>) -> Option<usize> {
        focus(&self.locked()).map(NodeId::index)
    }

    /// Every node, locked.
    fn locked(&self) -> Locked<'_, N> {
        Locked(
            self.nodes
                .iter()
                .map(|s| s.hosted.lock().expect("one thread"))
                .collect(),
        )
    }

    /// Crashes node `i` (the fault plan calls this as madsim kills it).
    pub fn crash(&self, i: usize) {
        self.nodes[i].hosted.lock().expect("one thread").crash();
        self.check();
    }

    /// Runs the monitor over every node, until it first fails.
    fn check(&self) {
        let mut monitor = self.monitor.lock().expect("one thread");
        let Some(monitor) = monitor.as_mut() else {
            return;
        };
        let mut violation = self.violation.lock().expect("one thread");
        if violation.is_some() {
            return;
        }
        if let Err(message) = monitor(&self.locked()) {
            *violation = Some(Violation {
                at: since(self.epoch),
                message,
            });
        }
    }
}

/// Starts `count` hosted nodes built by `factory` as madsim nodes, watched by
/// `monitor` if given; returns the cluster and the nodes' madsim ids (for the
/// fault plan).
pub fn start<N>(
    handle: &Handle,
    count: usize,
    seed: u64,
    epoch: Instant,
    links: LinkState,
    factory: impl Fn(NodeId) -> N + Send + Sync + Clone + 'static,
    monitor: Option<Monitor<N>>,
) -> (Arc<Cluster<N>>, Vec<madsim::task::NodeId>)
where
    N: KvNode,
{
    let cluster = Arc::new(Cluster {
        nodes: (0..count)
            .map(|i| Shared {
                hosted: Mutex::new(Hosted::new(NodeId::from(i), count, seed, factory.clone())),
                started: AtomicBool::new(false),
                net: MessageLayer::new(links.clone(), seed, &format!("madsim-net-{i}")),
            })
            .collect(),
        epoch,
        monitor: Mutex::new(monitor),
        violation: Mutex::new(None),
    });
    let ids = (0..count)
        .map(|i| {
            let cluster = cluster.clone();
            handle
                .create_node()
                .name(format!("n{i}"))
                .ip(server_addr(i).ip())
                .init(move || serve(i, cluster.clone()))
                .build()
                .id()
        })
        .collect();
    (cluster, ids)
}

/// One incarnation of node `i`: start (or recover), then handle messages,
/// timers and client requests until killed.
async fn serve<N>(i: usize, cluster: Arc<Cluster<N>>)
where
    N: KvNode,
{
    let ep = Rc::new(Endpoint::bind(server_addr(i)).await.expect("bind"));
    let first = !cluster.nodes[i].started.swap(true, Ordering::SeqCst);
    deliver(&ep, &cluster, i, |h, now| {
        if first {
            h.start(now)
        } else {
            h.crash(); // a no-op when the kill already crashed it
            h.restart(now)
        }
    });
    let (ep2, cluster2) = (ep.clone(), cluster.clone());
    madsim::task::spawn_local(async move {
        loop {
            let Ok((payload, from)) = ep2.recv_from_raw(TAG_MESSAGE).await else {
                return;
            };
            let msg: N::Message = cluster2.nodes[i].net.open(&ep2, (payload, from));
            deliver(&ep2, &cluster2, i, |h, now| {
                h.message(now, node_of(from), msg)
            });
        }
    });
    loop {
        let Ok((payload, _from)) = ep.recv_from_raw(TAG_REQUEST).await else {
            return;
        };
        let (op, request) = *payload
            .downcast::<(OpId, KvRequest)>()
            .expect("a client request");
        deliver(&ep, &cluster, i, |h, now| h.client_op(now, op, request));
    }
}

/// Hands node `i` one input at the current virtual time, carries out what it
/// asked for, and runs the monitor.
fn deliver<N>(
    ep: &Rc<Endpoint>,
    cluster: &Arc<Cluster<N>>,
    i: usize,
    input: impl FnOnce(&mut Hosted<N>, sim::SimTime) -> Vec<Effect<N>>,
) where
    N: KvNode,
{
    let now = since(cluster.epoch);
    let effects = input(
        &mut cluster.nodes[i].hosted.lock().expect("one thread"),
        now,
    );
    cluster.check();
    carry_out(ep, cluster, i, effects);
}

/// Carries out a handler's effects with madsim: sends through the message
/// layer, timers as sleeping tasks, answers to the client the operation names.
fn carry_out<N>(ep: &Rc<Endpoint>, cluster: &Arc<Cluster<N>>, i: usize, effects: Vec<Effect<N>>)
where
    N: KvNode,
{
    for effect in effects {
        let ep = ep.clone();
        match effect {
            Effect::Send { to, msg } => {
                cluster.nodes[i]
                    .net
                    .send(&ep, server_addr(to.index()), TAG_MESSAGE, msg);
            }
            Effect::SetTimer { id, after, payload } => {
                let cluster = cluster.clone();
                madsim::task::spawn_local(async move {
                    madsim::time::sleep(Duration::from_nanos(after.as_nanos())).await;
                    deliver(&ep, &cluster, i, |h, now| h.timer(now, id, payload));
                });
            }
            Effect::Reply { op, reply } => {
                let to = client_addr(client_of(op));
                madsim::task::spawn_local(async move {
                    let _ = ep.send_to_raw(to, TAG_REPLY, Box::new((op, reply))).await;
                });
            }
        }
    }
}
