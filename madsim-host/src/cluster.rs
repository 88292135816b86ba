//! A cluster of hosted nodes: node `i` is the madsim node at `10.0.0.<i+1>`.
//! Its durable storage and state live outside madsim's tasks, so a kill
//! (which drops the tasks) loses only what a crash loses: a restart runs the
//! node's recover handler on its synced storage. Messages between nodes pass
//! through a thin layer that adds what madsim lacks: loss, duplication and
//! extra delay (which reorders), drawn from the node's own seeded stream.

use madsim::net::Endpoint;
use madsim::runtime::Handle;
use madsim::time::Instant;
use models::kv::{KvReply, KvRequest};
use sim::host::{Effect, Hosted};
use sim::{LinkConfig, Node, NodeId, OpId, SimRng, SimTime};
use std::net::SocketAddr;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The port every endpoint uses.
pub const PORT: u16 = 700;
/// Messages between nodes.
pub const TAG_MESSAGE: u64 = 1;
/// Client requests.
pub const TAG_REQUEST: u64 = 2;
/// Answers to clients.
pub const TAG_REPLY: u64 = 3;

/// Server `i`'s address.
pub fn server_addr(i: usize) -> SocketAddr {
    let last = u8::try_from(i + 1).expect("fewer than 255 servers");
    SocketAddr::from(([10, 0, 0, last], PORT))
}

/// Client `c`'s address: operation ids carry the client, so a server knows
/// where an answer goes.
pub fn client_addr(c: u64) -> SocketAddr {
    let port = u16::try_from(1000 + c).expect("fewer than 64,000 clients");
    SocketAddr::from(([10, 0, 1, 1], port))
}

/// The client an operation id belongs to.
pub fn client_of(op: OpId) -> u64 {
    op.0 >> 32
}

/// The node index of a server address.
fn node_of(addr: SocketAddr) -> NodeId {
    match addr.ip() {
        std::net::IpAddr::V4(ip) => NodeId::from(usize::from(ip.octets()[3]) - 1),
        std::net::IpAddr::V6(_) => unreachable!("servers have IPv4 addresses"),
    }
}

/// Virtual time since the run began, as the hosted node's clock.
pub fn since(epoch: Instant) -> SimTime {
    let d = Instant::now().duration_since(epoch);
    SimTime(u64::try_from(d.as_nanos()).expect("runs shorter than 584 years"))
}

/// The flaky-network settings in force (`None`: a clean network), shared by
/// the fault plan, which sets them, and every node's sends, which obey them.
pub type LinkState = Arc<Mutex<Option<LinkConfig>>>;

/// A node's state, shared between its madsim incarnations.
struct Shared<N: Node> {
    hosted: Mutex<Hosted<N>>,
    started: AtomicBool,
    epoch: Instant,
    /// The message layer's draws: drop, duplicate, delay.
    net_rng: Mutex<SimRng>,
    links: LinkState,
}

/// What the message layer does with one message: how many copies go (0 is
/// a drop), each after what extra delay. madsim has no duplication and no
/// reordering of its own; delaying a copy past later messages reorders it.
fn plan_copies(links: &LinkState, rng: &Mutex<SimRng>) -> Vec<Duration> {
    let Some(config) = *links.lock().expect("one thread") else {
        return vec![Duration::ZERO];
    };
    let mut rng = rng.lock().expect("one thread");
    if config.drop.sample(&mut rng) {
        return Vec::new();
    }
    let copies = if config.duplicate.sample(&mut rng) {
        2
    } else {
        1
    };
    (0..copies)
        .map(|_| {
            if config.reorder.sample(&mut rng) {
                let max = config.reorder_delay_max.as_nanos();
                Duration::from_nanos(rng.below(max + 1))
            } else {
                Duration::ZERO
            }
        })
        .collect()
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
                net_rng: Mutex::new(SimRng::from_seed_and_label(
                    seed,
                    &format!("madsim-net-{i}"),
                )),
                links: links.clone(),
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
                for delay in plan_copies(&shared.links, &shared.net_rng) {
                    let (ep, msg) = (ep.clone(), msg.clone());
                    madsim::task::spawn_local(async move {
                        if !delay.is_zero() {
                            madsim::time::sleep(delay).await;
                        }
                        let to = server_addr(to.index());
                        let _ = ep.send_to_raw(to, TAG_MESSAGE, Box::new(msg)).await;
                    });
                }
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
