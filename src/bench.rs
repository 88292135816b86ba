//! `faultline bench`: the reference workload of DESIGN.md.
//!
//! 5 servers and 1 client; the client makes `requests` sequential round trips,
//! round-robin over the servers; every message's latency is uniform from 1 to
//! 10 ms. Two fault settings:
//! - `none`: the fault machinery is compiled in and consulted, with every
//!   probability zero;
//! - `flaky-net`: 1% drop, 1% duplication, and 1% of messages reordered by up to
//!   10 ms of extra delay; the client resends after a 50 ms timeout.
//!
//! Wall time is measured around the event loop only (building the cluster is
//! included, printing is not). The engine never reads the wall clock; this
//! module does, to report speed.

use crate::pingpong::PingPong;
use serde::Serialize;
use sim::{ConfigError, Latency, LinkConfig, NodeId, Ratio, SimConfig, SimDuration, Simulation};
use std::time::Instant;

/// Servers in the reference workload.
pub const SERVERS: u32 = 5;
/// Requests in the reference workload.
pub const DEFAULT_REQUESTS: u64 = 200_000;
/// The default seed.
pub const DEFAULT_SEED: u64 = 42;
/// The client's retry timeout under `flaky-net`: above the worst round trip
/// without reordering (2 x 10 ms) plus one reorder delay (10 ms).
pub const RETRY_AFTER: SimDuration = SimDuration::from_millis(50);

/// Which faults the bench runs with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum BenchFaults {
    /// All fault machinery on, every probability zero.
    None,
    /// 1% drop, 1% duplication, 1% reordering; the client retries.
    FlakyNet,
}

impl BenchFaults {
    /// The name used on the command line and in reports.
    pub fn name(self) -> &'static str {
        match self {
            BenchFaults::None => "none",
            BenchFaults::FlakyNet => "flaky-net",
        }
    }

    /// The link config for this setting.
    pub fn link(self) -> Result<LinkConfig, ConfigError> {
        let latency = Latency::Uniform {
            min: SimDuration::from_millis(1),
            max: SimDuration::from_millis(10),
        };
        let link = LinkConfig::reliable(latency);
        Ok(match self {
            BenchFaults::None => link,
            BenchFaults::FlakyNet => link
                .with_drop(Ratio::new(1, 100, "bench.drop")?)
                .with_duplicate(Ratio::new(1, 100, "bench.duplicate")?)
                .with_reorder(
                    Ratio::new(1, 100, "bench.reorder")?,
                    SimDuration::from_millis(10),
                ),
        })
    }
}

/// `faultline bench`.
#[derive(Debug, clap::Args)]
pub struct BenchArgs {
    /// Root seed.
    #[arg(long, default_value_t = DEFAULT_SEED, value_parser = crate::arg::parse_seed)]
    pub seed: u64,
    /// Sequential round trips (1 to 1,000,000,000).
    #[arg(long, default_value_t = DEFAULT_REQUESTS)]
    pub requests: u64,
    /// Run only this fault setting (default: both, `none` first).
    #[arg(long, value_enum)]
    pub faults: Option<BenchFaults>,
    /// Print one JSON object per run instead of text.
    #[arg(long)]
    pub json: bool,
}

/// The most round trips `--requests` takes: about a minute of wall time.
pub const MAX_REQUESTS: u64 = 1_000_000_000;

impl BenchArgs {
    /// Runs the bench, once per fault setting, and prints its figures.
    pub fn run(self) -> i32 {
        if self.requests == 0 || self.requests > MAX_REQUESTS {
            eprintln!(
                "{me} bench: --requests must be from 1 to {MAX_REQUESTS}",
                me = crate::arg::program()
            );
            return crate::exit::BAD_INPUT;
        }
        let settings = match self.faults {
            Some(f) => vec![f],
            None => vec![BenchFaults::None, BenchFaults::FlakyNet],
        };
        for setting in settings {
            eprintln!(
                "{me} bench: seed={} requests={} faults={}",
                self.seed,
                self.requests,
                setting.name(),
                me = crate::arg::program()
            );
            let report = match run(self.seed, self.requests, setting) {
                Ok(r) => r,
                Err(e) => {
                    eprintln!("{me} bench: {e}", me = crate::arg::program());
                    return crate::exit::BAD_INPUT;
                }
            };
            let text = if self.json {
                serde_json::to_string(&report).expect("a report serialises")
            } else {
                report.line()
            };
            println!("{text}");
        }
        crate::exit::OK
    }
}

/// One bench run's figures; the field names are the `--json` contract.
#[derive(Clone, Debug, Serialize)]
pub struct BenchReport {
    /// The fault setting.
    pub faults: BenchFaults,
    /// The root seed.
    pub seed: u64,
    /// Round trips requested.
    pub requests: u64,
    /// Wall-clock seconds for the run.
    pub wall_s: f64,
    /// Messages delivered to a handler.
    pub messages: u64,
    /// Delivered messages per wall second.
    pub msgs_per_s: f64,
    /// Virtual seconds simulated.
    pub sim_s: f64,
    /// Virtual seconds per wall second.
    pub sim_s_per_wall_s: f64,
    /// The run's trace hash, 16 hex digits.
    pub trace_hash: String,
    /// Messages lost to the drop fault.
    pub dropped: u64,
    /// Extra copies from the duplication fault.
    pub duplicated: u64,
    /// Requests the client resent.
    pub retries: u64,
}

/// Builds the bench cluster.
pub fn build(
    seed: u64,
    requests: u64,
    faults: BenchFaults,
) -> Result<Simulation<PingPong>, ConfigError> {
    let config = SimConfig::new(seed)
        .nodes(SERVERS as usize + 1)
        .link(faults.link()?);
    let retry = (faults == BenchFaults::FlakyNet).then_some(RETRY_AFTER);
    Simulation::new(config, move |id| {
        PingPong::for_node(id, SERVERS, requests, retry)
    })
}

/// Runs the workload once and measures it.
pub fn run(seed: u64, requests: u64, faults: BenchFaults) -> Result<BenchReport, ConfigError> {
    let started = Instant::now();
    let mut sim = build(seed, requests, faults)?;
    sim.run_to_quiescence();
    let wall_s = started.elapsed().as_secs_f64().max(1e-9);
    let client = match sim.node(NodeId(SERVERS)) {
        Some(PingPong::Client(c)) => c,
        other => unreachable!("node {SERVERS} is the client, found {other:?}"),
    };
    assert_eq!(
        client.completed, requests,
        "every request completes: the run ended early"
    );
    let stats = sim.stats();
    let sim_s = sim.now().as_secs_f64();
    Ok(BenchReport {
        faults,
        seed,
        requests,
        wall_s,
        messages: stats.delivered,
        msgs_per_s: stats.delivered as f64 / wall_s,
        sim_s,
        sim_s_per_wall_s: sim_s / wall_s,
        trace_hash: sim::trace::hash_hex(sim.trace_hash()),
        dropped: stats.dropped,
        duplicated: stats.duplicated,
        retries: client.retries,
    })
}

impl BenchReport {
    /// The one-line text form.
    pub fn line(&self) -> String {
        format!(
            "bench faults={} seed={} requests={} wall_s={:.4} messages={} msgs_per_s={:.0} sim_s={:.3} sim_s_per_wall_s={:.0} dropped={} duplicated={} retries={} trace_hash={}",
            self.faults.name(),
            self.seed,
            self.requests,
            self.wall_s,
            self.messages,
            self.msgs_per_s,
            self.sim_s,
            self.sim_s_per_wall_s,
            self.dropped,
            self.duplicated,
            self.retries,
            self.trace_hash
        )
    }
}
