//! A cluster of hosted nodes: node `i` is the madsim node at `10.0.0.<i+1>`.
//! Its durable storage and state live outside madsim's tasks, so a kill
//! (which drops the tasks) loses only what a crash loses: a restart runs the
//! node's recover handler on its synced storage. Messages between nodes pass
//! through a thin layer that adds what madsim lacks: loss, duplication and
//! extra delay (which reorders), drawn from the node's own seeded stream.

use crate::netlayer::{LinkState, MessageLayer};
use crate::wire::{
    client_addr, client_of, node_of, server_addr, since, TAG_MESSAGE, TAG_REPLY, TAG_REQUEST,
};
use madsim::net::Endpoint;
use madsim::runtime::Handle;
use madsim::time::Instant;
use models::kv::{KvReply, KvRequest};
use sim::host::{Effect, Hosted};
use sim::{Node, NodeId, OpId, SimTime};
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A node's state, shared between its madsim incarnations.
struct Shared<N: Node> {
    hosted: Mutex<Hosted<N>>,
    started: AtomicBool,
    epoch: Instant,
    /// Sends to other nodes go through here.
    net: MessageLayer,
}

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

/// Starts `count` hosted nodes built by `factory` as madsim nodes, and
/// returns their madsim ids (for the fault plan).
pub fn start<N>(
    handle: &Handle,
    count: usize,
    seed: u64,
    epoch: Instant,
    links: LinkState,
    factory: impl Fn(NodeId) -> N + Send + Sync + Clone + 'static,
) -> Vec<madsim::task::NodeId>
where
    N: KvNode,
{
    (0..count)
        .map(|i| {
            let f = factory.clone();
            let shared = Arc::new(Shared {
                hosted: Mutex::new(Hosted::new(NodeId::from(i), count, seed, f)),
                started: AtomicBool::new(false),
                epoch,
                net: MessageLayer::new(links.clone(), seed, &format!("madsim-net-{i}")),
            });
            handle
                .create_node()
                .name(format!("n{i}"))
                .ip(server_addr(i).ip())
                .init(move || serve(i, shared.clone()))
                .build()
                .id()
        })
        .collect()
}

/// One incarnation of node `i`: start (or recover), then handle messages,
/// timers and client requests until killed.
async fn serve<N>(i: usize, shared: Arc<Shared<N>>)
where
    N: KvNode,
{
    let ep = Rc::new(Endpoint::bind(server_addr(i)).await.expect("bind"));
    let now = since(shared.epoch);
    let effects = {
        let mut h = shared.hosted.lock().expect("one thread");
        if shared.started.swap(true, Ordering::SeqCst) {
            h.crash(); // what the kill lost, it loses now: nothing ran since
            h.restart(now)
        } else {
            h.start(now)
        }
    };
    carry_out(&ep, &shared, effects);
    let (ep2, shared2) = (ep.clone(), shared.clone());
    madsim::task::spawn_local(async move {
        loop {
            let Ok((payload, from)) = ep2.recv_from_raw(TAG_MESSAGE).await else {
                return;
            };
            let msg = *payload.downcast::<N::Message>().expect("a node message");
            deliver(&ep2, &shared2, |h, now| h.message(now, node_of(from), msg));
        }
    });
    loop {
        let Ok((payload, _from)) = ep.recv_from_raw(TAG_REQUEST).await else {
            return;
        };
        let (op, request) = *payload
            .downcast::<(OpId, KvRequest)>()
            .expect("a client request");
        deliver(&ep, &shared, |h, now| h.client_op(now, op, request));
    }
}

/// Hands the node one input at the current virtual time, then carries out
/// what it asked for.
fn deliver<N>(
    ep: &Rc<Endpoint>,
    shared: &Arc<Shared<N>>,
    input: impl FnOnce(&mut Hosted<N>, SimTime) -> Vec<Effect<N>>,
) where
    N: KvNode,
{
    let now = since(shared.epoch);
    let effects = input(&mut shared.hosted.lock().expect("one thread"), now);
    carry_out(ep, shared, effects);
}

/// Carries out a handler's effects with madsim: sends over the endpoint,
/// timers as sleeping tasks, answers to the client the operation names.
fn carry_out<N>(ep: &Rc<Endpoint>, shared: &Arc<Shared<N>>, effects: Vec<Effect<N>>)
where
    N: KvNode,
{
    for effect in effects {
        let ep = ep.clone();
        match effect {
            Effect::Send { to, msg } => {
                shared
                    .net
                    .send(&ep, server_addr(to.index()), TAG_MESSAGE, msg);
            }
            Effect::SetTimer { id, after, payload } => {
                let shared = shared.clone();
                madsim::task::spawn_local(async move {
                    madsim::time::sleep(Duration::from_nanos(after.as_nanos())).await;
                    deliver(&ep, &shared, |h, now| h.timer(now, id, payload));
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
