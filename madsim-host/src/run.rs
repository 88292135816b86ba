//! One seeded madsim run of a service: the cluster, the clients and the
//! fault plan, the liveness phase after the heal, then the history and its
//! hash. [`simulate_service`] runs any service a [`Workload`] drives;
//! [`simulate_cluster`] is it for the key-value services.

use crate::async_pb::{self, AsyncPbBug, Machine};
use crate::clients::{run_client, ClientShared, Payload};
use crate::cluster::{self, FocusOf, KvNode, Monitor};
use crate::faults::{CrashHook, FocusHook};
use crate::netlayer::{LinkState, Links};
use crate::violation::Violation;
use madsim::runtime::Runtime;
use madsim::time::Instant;
use models::kv::{KvClients, KvInterface, KvReply, KvRequest};
use serde::{Deserialize, Serialize};
use sim::history::History;
use sim::scenario::{Interface, Workload};
use sim::trace::TraceRecord;
use sim::{FaultPlan, NodeId, SimDuration};
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What a run is.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RunConfig {
    /// The seed (madsim's, and the nodes' and clients' streams).
    pub seed: u64,
    /// How many servers.
    pub nodes: usize,
    /// How many clients.
    pub clients: u64,
    /// How long clients run.
    pub run_for: SimDuration,
    /// How long the liveness phase lasts: every fault is healed at
    /// `run_for`, and each client must then see an operation complete ok
    /// within this. Zero: no liveness phase.
    pub liveness_for: SimDuration,
    /// The client timeout.
    pub client_timeout: SimDuration,
    /// The faults.
    pub plan: FaultPlan,
    /// Whether to record the run's event trace.
    #[serde(default)]
    pub record: bool,
}

/// What a run produced.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RunResult<Op = KvRequest, Reply = KvReply> {
    /// The client history.
    pub history: History<Op, Reply>,
    /// A hash of the history (its `Debug` form folded with FNV-1a), equal for
    /// equal histories in any process.
    pub history_hash: u64,
    /// Faults the plan held that madsim has no control for.
    pub skipped_faults: usize,
    /// The first invariant the service's observer saw broken (only services
    /// with an observer, such as [`async_pb`], report one).
    pub violation: Option<Violation>,
    /// What went over the run's budget of messages, if anything did.
    pub runaway: Option<String>,
    /// Which clients made no progress in the liveness phase, if any.
    pub stuck: Option<String>,
    /// The run's events, when recorded: node messages sent, dropped,
    /// duplicated and delivered; client operations sent and answered;
    /// faults applied and the heal.
    #[serde(default)]
    pub trace: Option<Vec<TraceRecord>>,
}

/// The most messages one run may send: the madsim host's budget, as the
/// engine's budget of events (a 5-second run of a model here sends tens of
/// thousands).
pub const MESSAGE_BUDGET: u64 = 5_000_000;

/// madsim's settings for a run: latencies uniform from 1 to 10 ms, as the
/// engine's default links.
pub fn madsim_config() -> madsim::Config {
    let mut mconfig = madsim::Config::default();
    mconfig.net.send_latency = Duration::from_millis(1)..Duration::from_millis(10);
    mconfig
}

/// What watches a sans-IO run besides its history: a monitor (the model's
/// invariants, after every event; its first failure is the run's
/// violation) and the model's focus (what focused faults hit).
pub struct Watch<N: KvNode> {
    /// The invariants.
    pub monitor: Option<Monitor<N>>,
    /// The focus.
    pub focus: Option<FocusOf<N>>,
}

impl<N: KvNode> Default for Watch<N> {
    fn default() -> Self {
        Watch {
            monitor: None,
            focus: None,
        }
    }
}

/// Runs `factory`'s nodes under `config` in a fresh madsim runtime.
pub fn run<N>(
    config: &RunConfig,
    factory: impl Fn(NodeId) -> N + Send + Sync + Clone + 'static,
) -> RunResult
where
    N: KvNode,
{
    run_watched(config, factory, Watch::default())
}

/// As [`run`], watched by `watch`.
pub fn run_watched<N>(
    config: &RunConfig,
    factory: impl Fn(NodeId) -> N + Send + Sync + Clone + 'static,
    watch: Watch<N>,
) -> RunResult
where
    N: KvNode,
{
    let rt = Runtime::with_seed_and_config(config.seed, madsim_config());
    rt.block_on(simulate(config.clone(), factory, watch))
}

/// Runs the async primary-backup service of machine `M` (with `bug` on,
/// if given) under `config` in a fresh madsim runtime, driven by `M`'s
/// clients. `config.nodes` must be [`async_pb::NODES`].
pub fn run_async<M: Machine>(
    config: &RunConfig,
    bug: Option<AsyncPbBug>,
) -> RunResult<M::Request, M::Reply> {
    assert_eq!(
        config.nodes,
        async_pb::NODES,
        "the async service runs a coordinator and three replicas"
    );
    let rt = Runtime::with_seed_and_config(config.seed, madsim_config());
    rt.block_on(simulate_async::<M>(config.clone(), bug))
}

/// The sans-IO run itself, inside a madsim runtime (the one [`run`] makes,
/// or the two that `madsim::runtime::Runtime::check_determinism` makes).
pub async fn simulate<N>(
    config: RunConfig,
    factory: impl Fn(NodeId) -> N + Send + Sync + Clone + 'static,
    watch: Watch<N>,
) -> RunResult
where
    N: KvNode,
{
    let (nodes, seed) = (config.nodes, config.seed);
    let Watch { monitor, focus } = watch;
    let started = Rc::new(RefCell::new(None));
    let watched = started.clone();
    simulate_cluster(
        config,
        move |handle, epoch, links| {
            let (cluster, ids) =
                cluster::start(handle, nodes, seed, epoch, links, factory, monitor);
            *watched.borrow_mut() = Some(cluster.clone());
            let focus: Option<FocusHook> = focus.map(|f| {
                let cluster = cluster.clone();
                Arc::new(move || cluster.focus(&*f)) as FocusHook
            });
            Started {
                ids,
                on_crash: Arc::new(move |i| cluster.crash(i)),
                focus,
            }
        },
        move || started.borrow().as_ref().and_then(|c| c.violation()),
    )
    .await
}

/// The async primary-backup run itself, inside a madsim runtime.
pub async fn simulate_async<M: Machine>(
    config: RunConfig,
    bug: Option<AsyncPbBug>,
) -> RunResult<M::Request, M::Reply> {
    let seed = config.seed;
    let invariants = Rc::new(RefCell::new(None));
    let observer = invariants.clone();
    simulate_service::<M::Interface, _>(
        config,
        M::Clients::default(),
        move |handle, epoch, links| {
            let (ids, inv, primary) = async_pb::start::<M>(handle, seed, epoch, links, bug);
            *observer.borrow_mut() = Some(inv);
            Started {
                ids,
                // The service keeps its disk itself; a kill needs no help.
                on_crash: Arc::new(|_| {}),
                focus: Some(primary),
            }
        },
        move || {
            let inv = invariants.borrow().clone()?;
            let found = inv.lock().expect("one thread").violation().cloned();
            found
        },
    )
    .await
}

/// A started cluster, as [`simulate_cluster`] needs it.
pub struct Started {
    /// The servers' madsim ids, server `i` first.
    pub ids: Vec<madsim::task::NodeId>,
    /// What to tell when the plan kills a server.
    pub on_crash: CrashHook,
    /// The service's focus, for focused faults (`None`: they are skipped).
    pub focus: Option<FocusHook>,
}

/// One run of a key-value cluster, driven by [`KvClients`]: see
/// [`simulate_service`].
pub async fn simulate_cluster(
    config: RunConfig,
    start: impl FnOnce(&madsim::runtime::Handle, Instant, LinkState) -> Started,
    violation: impl FnOnce() -> Option<Violation>,
) -> RunResult {
    simulate_service::<KvInterface, _>(config, KvClients::default(), start, violation).await
}

/// One run of any service: `start` puts the servers on their addresses and
/// returns them as [`Started`]; clients of `workload` run and the plan is
/// applied; the faults are healed and the liveness phase runs; then
/// `violation` reports what the run's invariants saw.
pub async fn simulate_service<S, W>(
    config: RunConfig,
    workload: W,
    start: impl FnOnce(&madsim::runtime::Handle, Instant, LinkState) -> Started,
    violation: impl FnOnce() -> Option<Violation>,
) -> RunResult<S::Op, S::Reply>
where
    S: Interface + 'static,
    S::Op: Payload,
    S::Reply: Payload,
    W: Workload<S> + Send + 'static,
{
    let handle = madsim::runtime::Handle::current();
    let epoch = Instant::now();
    let links: LinkState = Links::new(MESSAGE_BUDGET);
    if config.record {
        links.record_from(epoch);
    }
    let Started {
        ids,
        on_crash,
        focus,
    } = start(&handle, epoch, links.clone());
    let shared = Arc::new(ClientShared::<S, W> {
        history: Mutex::new(History::new()),
        workload: Mutex::new(workload),
        next_process: AtomicU64::new(config.clients),
        epoch,
        servers: config.nodes,
        client_timeout: config.client_timeout,
        heal_at: config.run_for,
        live: Mutex::new(vec![false; config.clients as usize]),
        links: links.clone(),
    });
    let client_node = handle
        .create_node()
        .name("clients")
        .ip(std::net::IpAddr::from([10, 0, 1, 1]))
        .build();
    let until = SimDuration(config.run_for.as_nanos() + config.liveness_for.as_nanos());
    let clients: Vec<_> = (0..config.clients)
        .map(|c| {
            let (shared, seed) = (shared.clone(), config.seed);
            client_node.spawn(run_client(c, seed, until, shared))
        })
        .collect();
    let mut everyone = ids.clone();
    everyone.push(client_node.id());
    let heal = (config.liveness_for > SimDuration::ZERO).then_some(config.run_for);
    let faults = madsim::task::spawn(crate::faults::apply(
        config.plan.clone(),
        (config.run_for, heal),
        ids,
        epoch,
        links.clone(),
        on_crash,
        focus,
    ));
    for c in clients {
        let _ = c.await;
    }
    let skipped_faults = faults.await.unwrap_or(0);
    let history = shared.history.lock().expect("one thread").clone();
    let history_hash = fnv(&format!("{history:?}"));
    let result = RunResult {
        history,
        history_hash,
        skipped_faults,
        violation: violation(),
        runaway: links.runaway(),
        stuck: heal.and_then(|_| shared.liveness_shortfall()),
        trace: links.take_trace(),
    };
    tear_down(&handle, &everyone).await;
    result
}

/// Ends every node's tasks, so that the runtime frees them when it drops.
///
/// A task that still waits when the run ends is held only by its wakers,
/// and the wakers of tasks that wait on each other (a channel's two ends,
/// each in the other's future) hold each other: madsim never drops them,
/// and a sweep's memory grows by the size of a run's state every run (2.4
/// MB a run for openraft). A killed node's task is dropped when it is next
/// woken, so every node is killed and virtual time runs on for a day, which
/// fires every timer; each task dropped closes its channels, which wakes
/// the tasks on their other ends, and so on.
async fn tear_down(handle: &madsim::runtime::Handle, nodes: &[madsim::task::NodeId]) {
    for node in nodes {
        handle.kill(*node);
    }
    madsim::time::sleep(Duration::from_secs(24 * 3600)).await;
}

fn fnv(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}
