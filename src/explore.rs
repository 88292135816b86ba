//! `faultline explore MODEL`: sweep seeds, summarise, and leave an artifact and a
//! replay command for every failure.
//!
//! Each seed runs on its own engine, so seeds are spread over `--jobs` threads
//! (all cores by default); results are reported in seed order, so the output
//! does not depend on the thread count.

use crate::artifact::{self, Artifact};
use crate::catalog::{self, OpStat, RunSummary};
use serde::Serialize;
use sim::scenario::FailureKind;
use sim::Nemesis;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;

/// What to explore.
#[derive(Clone, Debug)]
pub struct ExploreRequest {
    /// The catalog model.
    pub model: String,
    /// The bug switch, if any.
    pub bug: Option<String>,
    /// The fault mix name.
    pub faults: String,
    /// The seeds.
    pub seeds: Vec<u64>,
    /// Worker threads.
    pub jobs: usize,
}

/// Latency percentiles of one operation kind, in virtual milliseconds.
#[derive(Clone, Debug, Serialize)]
pub struct Latency {
    /// Operations of this kind that completed (ok or fail).
    pub completed: usize,
    /// Median.
    pub p50_ms: f64,
    /// 99th percentile.
    pub p99_ms: f64,
    /// Slowest.
    pub max_ms: f64,
}

/// The sweep's summary; the field names are the `--json` contract.
#[derive(Clone, Debug, Serialize)]
pub struct Summary {
    /// The model.
    pub model: String,
    /// Runs made.
    pub runs: usize,
    /// Failures by kind.
    pub failures: BTreeMap<String, usize>,
    /// Client operations.
    pub ops: usize,
    /// Operations that completed ok, over all operations.
    pub availability: f64,
    /// Latency per operation kind.
    pub latency: BTreeMap<String, Latency>,
    /// Seeds per wall second.
    pub seeds_per_s: f64,
    /// Faults the host had no control for and skipped (madsim models only:
    /// clock, single-link and storage faults).
    pub skipped_faults: usize,
    /// One entry per failure: seed, message and artifact path.
    pub failed: Vec<FailedSeed>,
}

/// A failing seed.
#[derive(Clone, Debug, Serialize)]
pub struct FailedSeed {
    /// The seed.
    pub seed: u64,
    /// The failure's kind.
    pub kind: FailureKind,
    /// Its first line.
    pub message: String,
    /// The artifact written.
    pub artifact: String,
}

fn percentile(sorted: &[u64], p: usize) -> f64 {
    let i = (sorted.len() * p / 100).min(sorted.len() - 1);
    sorted[i] as f64 / 1e6
}

fn latencies(ops: &[OpStat]) -> BTreeMap<String, Latency> {
    let mut by_kind: BTreeMap<&str, Vec<u64>> = BTreeMap::new();
    for op in ops {
        if let Some(l) = op.latency_ns {
            by_kind.entry(op.kind).or_default().push(l);
        }
    }
    by_kind
        .into_iter()
        .map(|(k, mut v)| {
            v.sort_unstable();
            let l = Latency {
                completed: v.len(),
                p50_ms: percentile(&v, 50),
                p99_ms: percentile(&v, 99),
                max_ms: percentile(&v, 100),
            };
            (k.to_string(), l)
        })
        .collect()
}

/// Runs the sweep on `jobs` threads; results in seed order.
/// A progress bar is drawn only when stderr is a terminal.
fn sweep(req: &ExploreRequest, nemesis: &Nemesis) -> Vec<RunSummary> {
    let progress = indicatif::ProgressBar::new(req.seeds.len() as u64);
    progress.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} seeds, {per_sec}, eta {eta}")
            .expect("a valid template"),
    );
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<RunSummary>>> = Mutex::new(vec![None; req.seeds.len()]);
    std::thread::scope(|scope| {
        for _ in 0..req.jobs.clamp(1, req.seeds.len().max(1)) {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(&seed) = req.seeds.get(i) else { break };
                let run = catalog::run(&req.model, req.bug.as_deref(), seed, nemesis, None, false);
                results.lock().expect("no worker panicked")[i] = Some(run);
                progress.inc(1);
            });
        }
    });
    results
        .into_inner()
        .expect("no worker panicked")
        .into_iter()
        .map(|r| r.expect("every seed ran"))
        .collect()
}

/// Explores, writes artifacts for failures, and returns the summary.
pub fn explore(
    req: &ExploreRequest,
    nemesis: &Nemesis,
    artifact_dir: &Path,
) -> Result<Summary, artifact::ArtifactError> {
    let started = Instant::now();
    let runs = sweep(req, nemesis);
    let wall = started.elapsed().as_secs_f64().max(1e-9);
    let ops: Vec<OpStat> = runs.iter().flat_map(|r| r.ops.iter().copied()).collect();
    let ok = ops.iter().filter(|o| o.ok).count();
    let mut failures: BTreeMap<String, usize> = BTreeMap::new();
    let mut failed = Vec::new();
    for run in &runs {
        let Some(failure) = &run.failure else {
            continue;
        };
        let kind = serde_json::to_value(failure.kind)
            .expect("serialises")
            .as_str()
            .unwrap_or("?")
            .to_string();
        *failures.entry(kind).or_default() += 1;
        let artifact = Artifact {
            faultline_version: env!("CARGO_PKG_VERSION").to_string(),
            model: req.model.clone(),
            bug: req.bug.clone(),
            config: catalog::scenario_config(&req.model),
            faults: req.faults.clone(),
            seed: run.seed,
            plan: run.plan.clone(),
            trace_hash: sim::trace::hash_hex(run.trace_hash),
            failure: failure.clone(),
        };
        let stem = format!("{}-seed-{}", req.model, run.seed);
        let path = artifact.write_new(artifact_dir, &stem)?;
        let message = failure
            .to_string()
            .lines()
            .next()
            .unwrap_or_default()
            .to_string();
        failed.push(FailedSeed {
            seed: run.seed,
            kind: failure.kind,
            message,
            artifact: path.display().to_string(),
        });
    }
    Ok(Summary {
        model: req.model.clone(),
        runs: runs.len(),
        failures,
        ops: ops.len(),
        availability: if ops.is_empty() {
            0.0
        } else {
            ok as f64 / ops.len() as f64
        },
        latency: latencies(&ops),
        seeds_per_s: runs.len() as f64 / wall,
        skipped_faults: runs.iter().map(|r| r.skipped_faults).sum(),
        failed,
    })
}

impl Summary {
    /// The text report.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let failures: usize = self.failures.values().sum();
        out.push_str(&format!(
            "{}: {} runs, {} failures",
            self.model, self.runs, failures
        ));
        for (kind, n) in &self.failures {
            out.push_str(&format!(" ({kind}: {n})"));
        }
        out.push_str(&format!(
            "\nops: {}, availability {:.1}%, {:.0} seeds/s\n",
            self.ops,
            100.0 * self.availability,
            self.seeds_per_s
        ));
        if self.skipped_faults > 0 {
            out.push_str(&format!(
                "skipped {} faults the host has no control for (clock, single-link, storage)\n",
                self.skipped_faults
            ));
        }
        for (kind, l) in &self.latency {
            out.push_str(&format!(
                "latency {kind}: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms ({} completed)\n",
                l.p50_ms, l.p99_ms, l.max_ms, l.completed
            ));
        }
        for f in &self.failed {
            out.push_str(&format!(
                "seed {}: {}\n  replay: faultline replay {}\n",
                f.seed, f.message, f.artifact
            ));
        }
        out
    }
}
