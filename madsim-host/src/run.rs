//! One seeded madsim run of a key-value model: the cluster, the clients and
//! the fault plan, then the history and its hash.

use crate::clients::{run_client, ClientShared};
use crate::cluster::{self, KvNode};
use madsim::runtime::Runtime;
use madsim::time::Instant;
use models::kv::{KvReply, KvRequest};
use sim::history::History;
use sim::{FaultPlan, NodeId, SimDuration};
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What a run is.
#[derive(Clone, Debug)]
pub struct RunConfig {
    /// The seed (madsim's, and the nodes' and clients' streams).
    pub seed: u64,
    /// How many servers.
    pub nodes: usize,
    /// How many clients.
    pub clients: u64,
    /// How long clients run.
    pub run_for: SimDuration,
    /// The client timeout.
    pub client_timeout: SimDuration,
    /// The faults.
    pub plan: FaultPlan,
}

/// What a run produced.
#[derive(Clone, Debug)]
pub struct RunResult {
    /// The client history.
    pub history: History<KvRequest, KvReply>,
    /// A hash of the history (its `Debug` form folded with FNV-1a), equal for
    /// equal histories in any process.
    pub history_hash: u64,
    /// Faults the plan held that madsim has no control for.
    pub skipped_faults: usize,
}

/// madsim's settings for a run: latencies uniform from 1 to 10 ms, as the
/// engine's default links.
pub fn madsim_config() -> madsim::Config {
    let mut mconfig = madsim::Config::default();
    mconfig.net.send_latency = Duration::from_millis(1)..Duration::from_millis(10);
    mconfig
}

/// Runs `factory`'s nodes under `config` in a fresh madsim runtime.
pub fn run<N>(
    config: &RunConfig,
    factory: impl Fn(NodeId) -> N + Send + Sync + Clone + 'static,
) -> RunResult
where
    N: KvNode,
{
    let rt = Runtime::with_seed_and_config(config.seed, madsim_config());
    rt.block_on(simulate(config.clone(), factory))
}

/// The run itself, inside a madsim runtime (the one [`run`] makes, or the
/// two that `madsim::runtime::Runtime::check_determinism` makes).
pub async fn simulate<N>(
    config: RunConfig,
    factory: impl Fn(NodeId) -> N + Send + Sync + Clone + 'static,
) -> RunResult
where
    N: KvNode,
{
    let handle = madsim::runtime::Handle::current();
    let epoch = Instant::now();
    let links: cluster::LinkState = Arc::new(Mutex::new(None));
    let ids = cluster::start(
        &handle,
        config.nodes,
        config.seed,
        epoch,
        links.clone(),
        factory,
    );
    let shared = Arc::new(ClientShared {
        history: Mutex::new(History::new()),
        next_process: AtomicU64::new(config.clients),
        epoch,
        servers: config.nodes,
        client_timeout: config.client_timeout,
    });
    let client_node = handle
        .create_node()
        .name("clients")
        .ip(std::net::IpAddr::from([10, 0, 1, 1]))
        .build();
    let mut clients = Vec::new();
    for c in 0..config.clients {
        let shared = shared.clone();
        let (seed, until) = (config.seed, config.run_for);
        clients.push(client_node.spawn(async move {
            run_client::<N>(c, seed, until, shared).await;
        }));
    }
    let plan = config.plan.clone();
    let faults = madsim::task::spawn(crate::faults::apply(plan, ids, epoch, links));
    for c in clients {
        let _ = c.await;
    }
    let skipped_faults = faults.await.unwrap_or(0);
    let history = shared.history.lock().expect("one thread").clone();
    let history_hash = fnv(&format!("{history:?}"));
    RunResult {
        history,
        history_hash,
        skipped_faults,
    }
}

fn fnv(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}
